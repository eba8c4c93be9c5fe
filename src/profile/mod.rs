//! Agent files: the template syntax, rendering a report into a template, the agents' files and
//! front matter, the record of what archprompt wrote, and writing it safely. Nothing here scans:
//! the report is passed in.

pub mod accept;
pub mod agent_file;
pub mod applies;
pub mod code_span;
pub mod encoding;
pub mod mustache;
pub mod record;
pub mod render;
pub mod slots;
pub mod syntax;
pub mod targets;
pub mod templates;
pub mod write;
