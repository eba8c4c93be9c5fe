//! The pieces detector rules are built of that other parts of a detector file reuse: a leaf
//! condition (a dependency, a file, a directory) and a command with its candidates.

use crate::ecosystems::Ecosystem;
use serde::Deserialize;

/// One condition. Exactly one of `dep`, `file`, `dir` is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leaf {
    /// A dependency name, compared after the ecosystem's name normalisation.
    pub dep: Option<String>,
    /// Cargo features of `dep`, any of which must be enabled.
    #[serde(default)]
    pub features: Vec<String>,
    /// Restricts a `dep` leaf to one ecosystem (defaults to the detector's).
    pub ecosystem: Option<Ecosystem>,
    /// A file relative to the project directory; `*` and `**` globs allowed.
    pub file: Option<String>,
    /// With `file`: a regex the file's content must match.
    pub contains: Option<String>,
    /// A directory relative to the project directory.
    pub dir: Option<String>,
}

/// A command default, or several tried in order (the first whose `{vars}` all resolve wins).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum CommandSpec {
    One(String),
    Many(Vec<String>),
}

impl CommandSpec {
    pub fn candidates(&self) -> &[String] {
        match self {
            CommandSpec::One(s) => std::slice::from_ref(s),
            CommandSpec::Many(v) => v,
        }
    }
}
