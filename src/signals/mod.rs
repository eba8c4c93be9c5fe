//! Repository-wide signals besides manifests, parsed once per scan: compose services and `.env`
//! templates, shell lines of the README and development guides, and CI run steps.

pub mod ci;
pub mod compose;
pub mod guides;
