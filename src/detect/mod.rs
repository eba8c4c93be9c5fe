//! Detectors are data: one TOML file per technology under `detectors/`, embedded at build time,
//! plus any `.archprompt/detectors/*.toml` in the scanned repository. [`detector`] holds the
//! rule model and its validation, [`knowledge`] what detectors know besides rules, [`registry`]
//! the set a scan uses, [`engine`] evaluates rules against a project (the paths a glob names come
//! from [`globs`]) and [`analysis`] runs every detector against one.

pub mod analysis;
pub mod code_settings;
pub mod detector;
pub mod engine;
pub mod globs;
pub mod knowledge;
pub mod registry;
pub mod rules;

pub use detector::{Category, CommandSpec, Commands, ConfigRead, Detector, Dirs, Kind, Leaf, Match, Role, Sets};
pub use knowledge::{
    ComposeShell, ConventionDirs, Conventions, Frontend, LanguageFiles, LegacyShell, Orchestration, Phrases, Shell,
    Tasks, Toolchain, WorkspaceTool,
};
pub use registry::Registry;
