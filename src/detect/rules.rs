//! The pieces detector rules are built of that other parts of a detector file reuse: a leaf
//! condition (a dependency, a file, a directory, or a group of leaves one of which must hold)
//! and a command with its candidates.

use super::globs::FirstPart;
use crate::ecosystems::Ecosystem;
use serde::Deserialize;

/// One condition. Exactly one of `dep`, `file`, `dir`, `any` is set.
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
    /// With a plain `file` (no glob, no `contains`): the file may also lie in any folder above
    /// the project's, up to the repository root (a workspace's lockfile at its root).
    #[serde(default)]
    pub or_above: bool,
    /// A directory relative to the project directory.
    pub dir: Option<String>,
    /// A group: holds when one of these leaves holds. In `all` it is a cheap gate tried before
    /// `any`'s leaves read files (Bun's lockfile before a search for `bun:test` imports).
    #[serde(default)]
    pub any: Vec<Leaf>,
    /// What `file` fixes of its first part, worked out on first use.
    #[serde(skip)]
    first_part: std::sync::OnceLock<FirstPart>,
}

impl Leaf {
    /// What `file` fixes of the name directly inside the project's folder ([`FirstPart`]).
    pub fn first_part(&self) -> &FirstPart {
        self.first_part
            .get_or_init(|| self.file.as_deref().map(FirstPart::of).unwrap_or_default())
    }
}

/// A command default, or several tried in order (the first whose `{vars}` all resolve wins).
#[derive(Debug, Clone)]
pub enum CommandSpec {
    One(String),
    Many(Vec<String>),
}

/// A string or a list of strings, read without buffering the value (serde's untagged enums copy
/// it first: a tenth of loading the built-in detectors).
impl<'de> Deserialize<'de> for CommandSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Spec;
        impl<'de> serde::de::Visitor<'de> for Spec {
            type Value = CommandSpec;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a command or a list of commands")
            }

            fn visit_str<E: serde::de::Error>(self, command: &str) -> Result<CommandSpec, E> {
                Ok(CommandSpec::One(command.to_string()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<CommandSpec, A::Error> {
                let mut commands = Vec::new();
                while let Some(command) = seq.next_element::<String>()? {
                    commands.push(command);
                }
                Ok(CommandSpec::Many(commands))
            }
        }
        deserializer.deserialize_any(Spec)
    }
}

impl CommandSpec {
    pub fn candidates(&self) -> &[String] {
        match self {
            CommandSpec::One(s) => std::slice::from_ref(s),
            CommandSpec::Many(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_is_one_string_or_a_list() {
        let one: CommandSpec = serde_json::from_str("\"cargo run\"").unwrap();
        assert_eq!(one.candidates(), ["cargo run"]);
        let many: CommandSpec = serde_json::from_str("[\"a\", \"b\"]").unwrap();
        assert_eq!(many.candidates(), ["a", "b"]);
        let many: CommandSpec = toml::from_str::<toml::Table>("c = [\"x\"]").unwrap()["c"]
            .clone()
            .try_into()
            .unwrap();
        assert_eq!(many.candidates(), ["x"]);
        let err = serde_json::from_str::<CommandSpec>("3").unwrap_err().to_string();
        assert!(err.contains("a command or a list of commands"), "{err}");
    }
}
