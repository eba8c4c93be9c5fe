//! Repository-wide signals besides manifests: compose services and `.env` templates, shell lines
//! of the README and development guides, and CI run steps (read once per scan, on first use).

pub mod app_config;
pub mod ci;
pub mod compose;
pub mod guides;
