//! Detectors are data: one TOML file per technology under `detectors/`, embedded at build time,
//! plus any `.archprompt/detectors/*.toml` in the scanned repository. This module holds the rule
//! model and its validation; [`engine`] evaluates rules against a project.

pub mod analysis;
pub mod engine;

use crate::ecosystems::Ecosystem;
use anyhow::{Context, Result, bail};
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;

const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_detectors.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Language/toolchain defaults for an ecosystem (source dirs, cargo commands, …).
    Ecosystem,
    /// A backend web framework.
    Framework,
    /// An ORM, query builder or migration tool.
    Data,
    /// A database or cache.
    Database,
    /// A test runner.
    TestRunner,
    /// Something the backend uses beside its database: a cache, message queue, auth library, API
    /// style or container setup, for the extra template variables (see [`Category`]).
    Capability,
}

/// What a `capability` detector names; each category is one template variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// `cache` (beside database detectors with the cache role).
    Cache,
    /// `message_queue`: brokers and job queues.
    Queue,
    /// `auth`: token, OAuth/OIDC and identity libraries and services.
    Auth,
    /// `api_style`: GraphQL, gRPC, OpenAPI.
    Api,
    /// `containerization`: Dockerfile, compose.
    Container,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Cache,
        Category::Queue,
        Category::Auth,
        Category::Api,
        Category::Container,
    ];

    /// The template variable the category fills.
    pub fn variable(self) -> &'static str {
        match self {
            Category::Cache => "cache",
            Category::Queue => "message_queue",
            Category::Auth => "auth",
            Category::Api => "api_style",
            Category::Container => "containerization",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Competes for the primary store.
    #[default]
    Primary,
    /// An embedded store that loses to any other primary with real evidence (SQLite).
    Fallback,
    /// A cache or queue store beside the primary (Redis).
    Cache,
}

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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// Every leaf must hold.
    #[serde(default)]
    pub all: Vec<Leaf>,
    /// At least one leaf must hold (when non-empty).
    #[serde(default)]
    pub any: Vec<Leaf>,
    /// No leaf may hold.
    #[serde(default)]
    pub not: Vec<Leaf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dirs {
    /// Candidate directories relative to the project; globs allowed; all existing ones are kept.
    #[serde(default)]
    pub source: Vec<String>,
    #[serde(default)]
    pub tests: Vec<String>,
    #[serde(default)]
    pub migrations: Vec<String>,
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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commands {
    pub dev: Option<CommandSpec>,
    pub test: Option<CommandSpec>,
    pub build: Option<CommandSpec>,
    pub migrate: Option<CommandSpec>,
    pub db: Option<CommandSpec>,
    /// The commands run in the build tool's root directory (the solution of a .NET project, the
    /// directory of the Gradle or Maven wrapper), not in the project's own.
    #[serde(default)]
    pub from_build_root: bool,
}

/// What a config read feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sets {
    /// A migrations directory: relative to the project, else to the config file; `package:path`
    /// is looked up inside that package.
    Migrations,
    /// A database name, dialect, driver or URL, matched against database detectors' `aliases`.
    Database,
    /// A named variable for command templates (`var = "…"`).
    Var,
}

/// Reads one value out of a config file. Exactly one of `json`, `toml`, `ini`, `regex`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigRead {
    pub sets: Sets,
    /// For `sets = "var"`: the variable's name.
    pub var: Option<String>,
    /// Candidate files relative to the project; globs allowed; every match is read.
    pub files: Vec<String>,
    /// Dotted key path in a JSON file.
    pub json: Option<String>,
    /// Dotted key path in a TOML file.
    pub toml: Option<String>,
    /// `section.key` in an INI file.
    pub ini: Option<String>,
    /// Dotted key path in a YAML file (every document of it); a key may itself hold dots
    /// (`spring.datasource.url:` written flat).
    pub yaml: Option<String>,
    /// A regex with a `value` group, for config files that are code; every match counts.
    pub regex: Option<String>,
    /// Rewrites the value: `{value}` is the raw value, `{dir}` its parent directory, `{file}` the
    /// config file (relative to the project), `{file_dir}` that file's directory as a relative
    /// path (`./cmd/api`, or `.`), `{module}` that file as a Python module path.
    pub template: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detector {
    pub id: String,
    pub kind: Kind,
    /// Display name, used as the field value (`FastAPI`, `PostgreSQL`).
    pub name: String,
    /// The ecosystem whose projects this detector looks at; databases leave it out.
    pub ecosystem: Option<Ecosystem>,
    /// Higher wins when several detectors of one kind match the same project.
    #[serde(default)]
    pub priority: i32,
    /// Detector ids this one hides when both match (NestJS supersedes Express).
    #[serde(default)]
    pub supersedes: Vec<String>,
    #[serde(default, rename = "match")]
    pub matcher: Match,
    #[serde(default)]
    pub dirs: Dirs,
    #[serde(default)]
    pub commands: Commands,
    #[serde(default)]
    pub config: Vec<ConfigRead>,
    /// Data tools: whether the tool keeps migrations (false for Mongoose, SQLAlchemy alone).
    #[serde(default)]
    pub migrations: bool,
    /// Data tools: the environment variable the tool reads its database URL from
    /// (`DATABASE_URL` for the SQLx and Diesel CLIs), so a client can be pointed at it.
    #[serde(default)]
    pub url_env: Option<String>,
    /// Ecosystem detectors: this one names the project's language (`Kotlin` over `Java`, by
    /// priority), for `tech_stack` and the `language` variable.
    #[serde(default)]
    pub language: bool,
    /// Capabilities: the template variable this detector contributes to.
    pub category: Option<Category>,
    /// Databases: primary, fallback or cache.
    #[serde(default)]
    pub role: Role,
    /// Databases: names this store goes by in configs and URL schemes (`postgres`, `pg`, …).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Databases: container image names (registry and tag stripped).
    #[serde(default)]
    pub images: Vec<String>,
    /// Where the detector came from, for messages.
    #[serde(skip)]
    pub source: String,
    #[serde(skip)]
    pub compiled: BTreeMap<String, std::sync::OnceLock<Regex>>,
}

impl Kind {
    /// The name used in detector files (`test_runner`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ecosystem => "ecosystem",
            Kind::Framework => "framework",
            Kind::Data => "data",
            Kind::Database => "database",
            Kind::TestRunner => "test_runner",
            Kind::Capability => "capability",
        }
    }
}

/// How much of a detector to check when loading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checks {
    All,
    /// For the built-in detectors, whose regexes a test parses: parsing 200 patterns' syntax
    /// was a quarter of every start.
    SkipRegexSyntax,
}

#[derive(Debug, Default)]
pub struct Registry {
    pub detectors: Vec<Detector>,
}

impl Registry {
    /// The detectors compiled into the binary. The build checked that each file is TOML and a
    /// test runs the full validation over them, so start-up skips only the regex syntax check.
    pub fn builtin() -> Result<Registry> {
        let mut registry = Registry::default();
        for (path, json) in BUILTIN {
            let detector: Detector = serde_json::from_str(json).with_context(|| format!("detector {path}"))?;
            registry.insert(path, detector, Checks::SkipRegexSyntax)?;
        }
        Ok(registry)
    }

    /// Parses, validates and adds one detector file.
    pub fn add(&mut self, source: &str, text: &str) -> Result<()> {
        let detector: Detector = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{}", e.to_string().trim_end()))
            .with_context(|| format!("detector {source}"))?;
        self.insert(source, detector, Checks::All)
    }

    fn insert(&mut self, source: &str, mut detector: Detector, checks: Checks) -> Result<()> {
        detector.source = source.to_string();
        detector
            .validate(checks)
            .with_context(|| format!("detector {source}"))?;
        if let Some(i) = self.detectors.iter().position(|d| d.id == detector.id) {
            self.detectors[i] = detector; // a repo's own detector replaces a built-in one
        } else {
            self.detectors.push(detector);
        }
        Ok(())
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Detector> {
        self.detectors.iter().filter(move |d| d.kind == kind)
    }

    pub fn get(&self, id: &str) -> Option<&Detector> {
        self.detectors.iter().find(|d| d.id == id)
    }
}

impl Detector {
    fn validate(&mut self, checks: Checks) -> Result<()> {
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!("id `{}` must be non-empty ASCII letters, digits, `-` or `_`", self.id);
        }
        let compiled = &mut self.compiled;
        let leaves = self
            .matcher
            .all
            .iter()
            .chain(&self.matcher.any)
            .chain(&self.matcher.not);
        for leaf in leaves {
            let set = [leaf.dep.is_some(), leaf.file.is_some(), leaf.dir.is_some()];
            if set.iter().filter(|s| **s).count() != 1 {
                bail!("each match leaf needs exactly one of `dep`, `file`, `dir`: {leaf:?}");
            }
            if leaf.contains.is_some() && leaf.file.is_none() {
                bail!("`contains` needs `file`: {leaf:?}");
            }
            if let Some(pattern) = &leaf.contains {
                compile(compiled, pattern, checks)?;
            }
            if leaf.dep.is_some() && leaf.ecosystem.or(self.ecosystem).is_none() {
                bail!(
                    "dep leaf {:?} needs an `ecosystem` (on the leaf or the detector)",
                    leaf.dep
                );
            }
        }
        let any_ecosystem = matches!(self.kind, Kind::Database | Kind::Capability);
        if !any_ecosystem && self.ecosystem.is_none() {
            bail!("kind {:?} needs an `ecosystem`", self.kind);
        }
        if (self.kind == Kind::Capability) != self.category.is_some() {
            bail!("`category` is set on capability detectors, and only on them");
        }
        for read in &self.config {
            let ways = [&read.json, &read.toml, &read.ini, &read.yaml, &read.regex];
            if ways.iter().filter(|w| w.is_some()).count() != 1 {
                bail!("each [[config]] needs exactly one of `json`, `toml`, `ini`, `yaml`, `regex`");
            }
            if read.sets == Sets::Var && read.var.is_none() {
                bail!("[[config]] with sets = \"var\" needs `var`");
            }
            if let Some(pattern) = &read.regex
                && let Some(hir) = compile(compiled, pattern, checks)?
                && !has_group(&hir, "value")
            {
                bail!("config regex `{pattern}` needs a named group `value`");
            }
        }
        Ok(())
    }

    /// The regex for a pattern checked during validation. Rules read manifests and configs,
    /// whose syntax is ASCII, so `\w`, `\s` and `\d` mean their ASCII classes: compiling their
    /// Unicode tables cost a millisecond per pattern. A pattern that needs Unicode (`\p{L}`)
    /// gets it.
    pub fn regex(&self, pattern: &str) -> &Regex {
        // The syntax was checked at load; a pattern past the compiled-size limit (only a
        // repository-local detector could hold one) matches nothing rather than stopping the scan.
        self.compiled[pattern].get_or_init(|| {
            let build = |unicode| RegexBuilder::new(pattern).unicode(unicode).build();
            build(false)
                .or_else(|_| build(true))
                .unwrap_or_else(|_| Regex::new(r"[^\s\S]").expect("a valid regex"))
        })
    }
}

/// Keeps a slot for `pattern` and, unless skipped, checks its syntax (returning its parse);
/// the regex itself is compiled the first time a scan needs it, so a run pays only for the
/// rules it evaluates.
fn compile(
    compiled: &mut BTreeMap<String, std::sync::OnceLock<Regex>>,
    pattern: &str,
    checks: Checks,
) -> Result<Option<regex_syntax::hir::Hir>> {
    compiled.entry(pattern.to_string()).or_default();
    if checks == Checks::SkipRegexSyntax {
        return Ok(None);
    }
    let hir = regex_syntax::parse(pattern).with_context(|| format!("invalid regex `{pattern}`"))?;
    Ok(Some(hir))
}

/// Whether the parsed regex has a capture group named `name`.
fn has_group(hir: &regex_syntax::hir::Hir, name: &str) -> bool {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(cap) => cap.name.as_deref() == Some(name) || has_group(&cap.sub, name),
        HirKind::Concat(items) | HirKind::Alternation(items) => items.iter().any(|h| has_group(h, name)),
        HirKind::Repetition(rep) => has_group(&rep.sub, name),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_detector_parses_and_ids_are_unique() {
        let mut checked = Registry::default();
        for (path, json) in BUILTIN {
            let detector: Detector = serde_json::from_str(json).unwrap_or_else(|e| panic!("{path}: {e}"));
            checked
                .insert(path, detector, Checks::All)
                .unwrap_or_else(|e| panic!("{e:#}"));
        }
        let registry = Registry::builtin().expect("built-in detectors are valid");
        assert_eq!(registry.detectors.len(), checked.detectors.len());
        assert!(registry.detectors.len() >= 25, "{}", registry.detectors.len());
        let mut ids: Vec<&str> = registry.detectors.iter().map(|d| d.id.as_str()).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate detector ids");
        for d in &registry.detectors {
            let stem = d.source.rsplit('/').next().unwrap().trim_end_matches(".toml");
            assert_eq!(stem, d.id, "file name must equal id in {}", d.source);
        }
    }

    #[test]
    fn unknown_fields_are_rejected_with_the_file_named() {
        let mut registry = Registry::default();
        let err = registry
            .add(
                "x.toml",
                "id = \"x\"\nkind = \"framework\"\nname = \"X\"\necosystem = \"node\"\nfile = \"a\"\n",
            )
            .unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("x.toml") && text.contains("unknown field `file`"),
            "{text}"
        );
    }

    #[test]
    fn rule_regexes_use_ascii_classes_and_unicode_only_when_asked() {
        let mut registry = Registry::default();
        registry
            .add(
                "r.toml",
                "id = \"r\"\nkind = \"framework\"\nname = \"R\"\necosystem = \"node\"\n[match]\nany = [{ file = \"a\", contains = '^\\w+$' }, { file = \"b\", contains = '^\\p{L}+$' }]\n",
            )
            .unwrap();
        let detector = &registry.detectors[0];
        assert!(detector.regex(r"^\w+$").is_match(b"db_url"));
        assert!(!detector.regex(r"^\w+$").is_match("café".as_bytes()), "\\w is ASCII");
        assert!(
            detector.regex(r"^\p{L}+$").is_match("café".as_bytes()),
            "a Unicode class keeps Unicode"
        );
    }

    #[test]
    fn leaves_need_exactly_one_condition() {
        let mut registry = Registry::default();
        let err = registry
            .add("y.toml", "id = \"y\"\nkind = \"framework\"\nname = \"Y\"\necosystem = \"node\"\n[match]\nany = [{ dep = \"a\", file = \"b\" }]\n")
            .unwrap_err();
        assert!(format!("{err:#}").contains("exactly one"));
    }
}
