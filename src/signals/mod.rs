//! Repository-wide signals besides manifests: compose services and `.env` templates, shell lines
//! of the README and development guides, CI run steps (read once per scan, on first use), and
//! what a Dockerfile copies and the code conventions formatters and `.editorconfig` pin.

pub mod app_config;
pub mod ci;
pub mod compose;
mod compose_spec;
pub mod ddev;
pub mod dockerfile;
mod extends;
pub mod guides;
pub mod style;
