//! The HTML comments archprompt writes into a user's agent file: the section `init` owns and the
//! record of the values it wrote. One spelling, for the writer (`profile`) and for the readers
//! that must tell the repository's own words from archprompt's (`signals::guides`).

/// Every marker starts so.
pub const ANY: &str = "<!-- archprompt:";
/// The line that opens archprompt's section, before the agent's name.
pub const BEGIN: &str = "<!-- archprompt:begin ";
/// The line that closes it, before the agent's name.
pub const END: &str = "<!-- archprompt:end ";
/// The record of the values written, before their hashes.
pub const VALUES: &str = "<!-- archprompt:values v1";
