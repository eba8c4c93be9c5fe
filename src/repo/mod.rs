//! The repository as archprompt sees it: one bounded listing of its files, the index every
//! later stage asks, and the user's `archprompt.toml`.

pub mod config;
pub mod folders;
pub mod git_index;
pub mod in_two;
pub mod index;
pub mod ini;
pub mod listing;
pub mod names;
pub mod open;
pub mod read_ahead;
