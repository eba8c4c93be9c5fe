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

/// Script names a detector adds to an intent's synonyms (`prisma:studio` for `db`), tried after
/// the generic ones (`db`, `db:studio`, …).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tasks {
    #[serde(default)]
    pub dev: Vec<String>,
    #[serde(default)]
    pub test: Vec<String>,
    #[serde(default)]
    pub build: Vec<String>,
    #[serde(default)]
    pub migrate: Vec<String>,
    #[serde(default)]
    pub db: Vec<String>,
}

/// Data tools: how their commands read in guides, CI and scripts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phrases {
    /// Words, in order, that apply the migrations (`upgrade head`).
    #[serde(default)]
    pub applies_migrations: Vec<String>,
    /// Text that writes a new migration rather than applying them (`revision`, `makemigrations`).
    #[serde(default)]
    pub creates_migrations: Vec<String>,
}

/// Databases: how to open a shell on the store. Each template's `{placeholders}` are filled by
/// the scan; a template with one it has no value for is skipped.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shell {
    /// A client given a URL: `{url}` is the URL, or `$VAR` for an env variable holding it.
    pub url: Option<String>,
    /// Words in the name of an env variable that holds this store's URL (`MONGO`), for a variable
    /// an env template declares without a value.
    #[serde(default)]
    pub url_var_names: Vec<String>,
    /// A client given split connection settings: `{host}`, `{user}`, `{name}`.
    pub params: Option<String>,
    /// A client given the database file a URL names (`{file}`), for an embedded store.
    pub file: Option<String>,
    /// With `file`: the URL prefixes that name a file (`sqlite://`, `jdbc:sqlite:`).
    #[serde(default)]
    pub file_urls: Vec<String>,
    /// The shell inside the store's compose service.
    pub compose: Option<ComposeShell>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComposeShell {
    /// The command, or candidates tried in order: the first whose `{vars}` all have values wins.
    pub command: CommandSpec,
    /// Each variable with the service environment keys that give it, first set wins.
    #[serde(default)]
    pub env: BTreeMap<String, Vec<String>>,
    /// Values for variables the service's environment does not set.
    #[serde(default)]
    pub defaults: BTreeMap<String, String>,
    /// The command when one of the `env` keys is taken from the developer's environment
    /// (`${DB_USER}`): it reads the values inside the container.
    pub unresolved: Option<String>,
    /// An older shell for images whose tag's major version is below `below`.
    pub legacy: Option<LegacyShell>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyShell {
    pub below: u32,
    pub command: String,
}

/// Language detectors: the files that tell this language from a neighbour that shares its
/// manifest (TypeScript from JavaScript). The detector names the language unless the project has
/// more than three `other` files to each `own` one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageFiles {
    /// File name endings of this language's files (`.ts`).
    pub own: Vec<String>,
    /// File name endings of the neighbour's files (`.js`).
    pub other: Vec<String>,
    /// File name endings counted as neither (`.d.ts`).
    #[serde(default)]
    pub ignore: Vec<String>,
}

/// A monorepo tool shown in `tech_stack` when its file is at the repository root.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceTool {
    pub file: String,
    pub name: String,
}

/// What marks a browser frontend in an ecosystem.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frontend {
    /// Packages of a browser app (`react`, `vite`).
    #[serde(default)]
    pub deps: Vec<String>,
    /// Commands that build or serve a browser frontend (`vite`, `next`).
    #[serde(default)]
    pub tools: Vec<String>,
    /// Words that may come before such a command (`npx`, `cross-env`).
    #[serde(default)]
    pub launchers: Vec<String>,
    /// File name endings of frontend components (`.vue`, `.tsx`).
    #[serde(default)]
    pub components: Vec<String>,
}

/// Ecosystem detectors: facts about the ecosystem as a whole. One detector per ecosystem holds
/// them (`node`, `python`, `java`, `csharp`, …).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Toolchain {
    /// The `runtime` variable (`Node.js`, `CPython`).
    pub runtime: Option<String>,
    /// The runtime when a package manager runs the project (`bun = "Bun"`).
    #[serde(default)]
    pub runtimes: BTreeMap<String, String>,
    /// Files that pin the language version, in the project's directory or above.
    #[serde(default)]
    pub version_files: Vec<String>,
    /// The tool's name in asdf's `.tool-versions` (`nodejs`).
    pub asdf: Option<String>,
    /// The official container image whose tag is the language version (`FROM python:3.12`).
    pub image: Option<String>,
    /// File extensions of the language, without the dot.
    #[serde(default)]
    pub extensions: Vec<String>,
    /// Of those, the ones that count as source code; all of them when left out.
    pub code_extensions: Option<Vec<String>>,
    /// File name endings of test modules (`.test.ts`, `_test.go`).
    #[serde(default)]
    pub test_suffixes: Vec<String>,
    /// A runnable program rather than a library: any of these files or directories holds.
    #[serde(default)]
    pub entry_points: Vec<Leaf>,
    /// … or the project declares one of these tasks.
    #[serde(default)]
    pub entry_tasks: Vec<String>,
    /// Commands (their first words) that run the tests.
    #[serde(default)]
    pub test_commands: Vec<String>,
    /// Leading words that run a tool through the package manager (`uv run`, `npx`).
    #[serde(default)]
    pub runner_prefixes: Vec<String>,
    /// Package managers that run the project's scripts by name (`npm test`).
    #[serde(default)]
    pub script_runners: Vec<String>,
    /// Package managers with a build command of their own (`{native_build}` = `uv build`).
    #[serde(default)]
    pub native_build: Vec<String>,
    /// The ecosystem's own commands: a task-runner recipe that runs only these, beside a backend
    /// of another ecosystem, works on this ecosystem's part of the repository.
    #[serde(default)]
    pub tools: Vec<String>,
    /// Commands that run a program file (`node`): on a file under `build_dirs`, the build output.
    #[serde(default)]
    pub run_commands: Vec<String>,
    #[serde(default)]
    pub build_dirs: Vec<String>,
    /// Monorepo tools named in `tech_stack`.
    #[serde(default)]
    pub workspace_tools: Vec<WorkspaceTool>,
    /// Commands that run tools as their subcommand (`dotnet` for `dotnet ef`): such a tool's
    /// command is its first two words.
    #[serde(default)]
    pub tool_hosts: Vec<String>,
    #[serde(default)]
    pub frontend: Frontend,
}

impl Toolchain {
    /// The extensions that count as source code.
    pub fn code_extensions(&self) -> &[String] {
        self.code_extensions.as_deref().unwrap_or(&self.extensions)
    }
}

/// Conventions that belong to no one technology: directory names. Read from
/// `detectors/conventions.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conventions {
    #[serde(default)]
    pub dirs: ConventionDirs,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConventionDirs {
    /// Names of directories that hold a frontend: a project in one scores lower as the backend.
    #[serde(default)]
    pub frontend: Vec<String>,
    /// Names of directories that hold a backend: a project in one scores higher.
    #[serde(default)]
    pub backend: Vec<String>,
    /// Names of directories that hold examples, docs or test trees, never the backend.
    #[serde(default)]
    pub not_backend: Vec<String>,
    /// Names of test folders.
    #[serde(default)]
    pub tests: Vec<String>,
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
    /// Databases: a document store, whose data needs no schema migrations.
    #[serde(default)]
    pub schemaless: bool,
    /// Databases: how to open a shell on the store.
    pub shell: Option<Shell>,
    /// Databases and data tools: prefixes of the split connection variables in env templates
    /// (`POSTGRES_` for `POSTGRES_HOST`, `POSTGRES_USER`, `POSTGRES_DB`).
    #[serde(default)]
    pub env_prefixes: Vec<String>,
    /// Frameworks: the framework serves the frontend too, so its dev server is the backend's.
    #[serde(default)]
    pub full_stack: bool,
    /// Script names this technology's projects use for an intent.
    #[serde(default)]
    pub tasks: Tasks,
    /// Data tools: how their commands read.
    #[serde(default)]
    pub phrases: Phrases,
    /// Ecosystem detectors: facts about the whole ecosystem.
    pub toolchain: Option<Toolchain>,
    /// Language detectors: the files that tell the language from a neighbour's.
    pub language_files: Option<LanguageFiles>,
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

/// The one file under `detectors/` that is not a detector.
const CONVENTIONS: &str = "detectors/conventions.toml";

#[derive(Debug, Default)]
pub struct Registry {
    pub detectors: Vec<Detector>,
    pub conventions: Conventions,
    /// Looked up once per registry: asked for every file of large trees.
    gathered: std::sync::OnceLock<Gathered>,
}

/// What the scan asks the registry for again and again.
#[derive(Debug, Default, Clone)]
struct Gathered {
    /// Each ecosystem's toolchain: the index of the detector that holds it.
    toolchains: BTreeMap<Ecosystem, usize>,
    code_extensions: Vec<String>,
    test_suffixes: Vec<String>,
}

static NO_TOOLCHAIN: std::sync::LazyLock<Toolchain> = std::sync::LazyLock::new(Toolchain::default);

impl Registry {
    /// The detectors compiled into the binary. The build checked that each file is TOML and a
    /// test runs the full validation over them, so start-up skips only the regex syntax check.
    pub fn builtin() -> Result<Registry> {
        let mut registry = Registry::default();
        for (path, json) in BUILTIN {
            if *path == CONVENTIONS {
                registry.conventions = serde_json::from_str(json).with_context(|| format!("conventions {path}"))?;
                continue;
            }
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
        if let (Some(_), Some(eco)) = (&detector.toolchain, detector.ecosystem) {
            let other = self
                .detectors
                .iter()
                .find(|d| d.id != detector.id && d.ecosystem == Some(eco) && d.toolchain.is_some());
            if let Some(other) = other {
                bail!(
                    "detector {source}: ecosystem {} already has a [toolchain], in {}",
                    eco.as_str(),
                    other.source
                );
            }
        }
        self.gathered = Default::default();
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

    fn gathered(&self) -> &Gathered {
        self.gathered.get_or_init(|| {
            let mut toolchains = BTreeMap::new();
            for (i, d) in self.detectors.iter().enumerate() {
                if let (Some(_), Some(eco), Kind::Ecosystem) = (&d.toolchain, d.ecosystem, d.kind) {
                    toolchains.entry(eco).or_insert(i);
                }
            }
            let mut gathered = Gathered {
                toolchains,
                ..Gathered::default()
            };
            let all: Vec<&Toolchain> = gathered
                .toolchains
                .values()
                .filter_map(|i| self.detectors[*i].toolchain.as_ref())
                .collect();
            for t in all {
                gathered.code_extensions.extend(t.code_extensions().iter().cloned());
                gathered.test_suffixes.extend(t.test_suffixes.iter().cloned());
            }
            gathered
        })
    }

    /// The facts about `ecosystem` (empty when no detector holds them).
    pub fn toolchain(&self, ecosystem: Ecosystem) -> &Toolchain {
        self.gathered()
            .toolchains
            .get(&ecosystem)
            .and_then(|i| self.detectors[*i].toolchain.as_ref())
            .unwrap_or(&NO_TOOLCHAIN)
    }

    /// Every ecosystem's facts.
    pub fn toolchains(&self) -> impl Iterator<Item = (Ecosystem, &Toolchain)> {
        self.gathered()
            .toolchains
            .iter()
            .filter_map(|(eco, i)| Some((*eco, self.detectors[*i].toolchain.as_ref()?)))
    }

    /// Extensions of source files, of every ecosystem.
    pub fn code_extensions(&self) -> &[String] {
        &self.gathered().code_extensions
    }

    /// File name endings of test modules, of every ecosystem.
    pub fn test_suffixes(&self) -> &[String] {
        &self.gathered().test_suffixes
    }

    /// A copy holding the same detectors and conventions, to add a repository's own detectors to.
    pub fn copy(&self) -> Registry {
        Registry {
            detectors: self.detectors.clone(),
            conventions: self.conventions.clone(),
            gathered: Default::default(),
        }
    }
}

impl Detector {
    fn validate(&mut self, checks: Checks) -> Result<()> {
        self.validate_knowledge()?;
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
        if let Some(toolchain) = &self.toolchain {
            for leaf in &toolchain.entry_points {
                let set = [leaf.file.is_some(), leaf.dir.is_some()];
                let plain = leaf.dep.is_none() && leaf.contains.is_none() && leaf.features.is_empty();
                if set.iter().filter(|s| **s).count() != 1 || !plain || leaf.ecosystem.is_some() {
                    bail!(
                        "each [toolchain] entry_points leaf needs exactly one of `file`, `dir`, and nothing else: {leaf:?}"
                    );
                }
            }
            // Test file names are told apart by these letters before any suffix is tried.
            let hinted = |s: &String| ["st", "pe", "IT"].iter().any(|h| s.contains(h));
            if let Some(suffix) = toolchain.test_suffixes.iter().find(|s| !hinted(s)) {
                bail!("[toolchain] test suffix `{suffix}` needs `st`, `pe` or `IT` in it (test, spec, IT)");
            }
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

    /// Which kinds may hold the keys that describe a technology beyond matching it, and what
    /// their templates must say.
    fn validate_knowledge(&self) -> Result<()> {
        let only = |set: bool, key: &str, kinds: &[Kind]| {
            if set && !kinds.contains(&self.kind) {
                let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                bail!("`{key}` is for {} detectors only", names.join(" and "));
            }
            Ok(())
        };
        only(self.toolchain.is_some(), "toolchain", &[Kind::Ecosystem])?;
        if self.language_files.is_some() && !(self.kind == Kind::Ecosystem && self.language) {
            bail!("`language_files` is for ecosystem detectors with `language = true` only");
        }
        if self.kind == Kind::Ecosystem && self.toolchain.is_some() && self.ecosystem.is_none() {
            bail!("[toolchain] needs the detector's `ecosystem`");
        }
        only(self.full_stack, "full_stack", &[Kind::Framework])?;
        only(self.schemaless, "schemaless", &[Kind::Database])?;
        only(self.shell.is_some(), "shell", &[Kind::Database])?;
        only(
            !self.env_prefixes.is_empty(),
            "env_prefixes",
            &[Kind::Database, Kind::Data],
        )?;
        let phrases = &self.phrases;
        let has_phrases = !phrases.applies_migrations.is_empty() || !phrases.creates_migrations.is_empty();
        only(has_phrases, "phrases", &[Kind::Data])?;
        let Some(shell) = &self.shell else {
            return Ok(());
        };
        let uses_only = |key: &str, template: &str, allowed: &[&str]| {
            let mut rest = template;
            while let Some(start) = rest.find('{') {
                let after = &rest[start + 1..];
                let Some(end) = after.find('}') else { break };
                let name = &after[..end];
                let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if plain && !allowed.contains(&name) {
                    bail!(
                        "[shell] {key} `{template}`: unknown placeholder {{{name}}} (known: {})",
                        allowed.join(", ")
                    );
                }
                rest = &after[end + 1..];
            }
            Ok(())
        };
        if let Some(url) = &shell.url {
            uses_only("url", url, &["url"])?;
        }
        if let Some(params) = &shell.params {
            uses_only("params", params, &["host", "user", "name"])?;
        }
        if let Some(file) = &shell.file {
            uses_only("file", file, &["file"])?;
        }
        if shell.file.is_some() == shell.file_urls.is_empty() {
            bail!("[shell] `file` and `file_urls` go together");
        }
        if let Some(compose) = &shell.compose {
            let vars: Vec<&str> = compose
                .env
                .keys()
                .chain(compose.defaults.keys())
                .map(String::as_str)
                .collect();
            for command in compose.command.candidates() {
                uses_only("compose.command", command, &vars)?;
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
        for (path, json) in BUILTIN.iter().filter(|(path, _)| *path != CONVENTIONS) {
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
    fn every_ecosystem_has_a_toolchain_and_the_conventions_load() {
        let registry = Registry::builtin().unwrap();
        for name in ["node", "python", "rust", "go", "jvm", "ruby", "php", "elixir", "dotnet"] {
            let eco: Ecosystem = serde_json::from_value(serde_json::Value::from(name)).unwrap();
            let toolchain = registry.toolchain(eco);
            assert!(toolchain.runtime.is_some(), "{name} has no [toolchain] runtime");
            assert!(!toolchain.extensions.is_empty(), "{name} has no [toolchain] extensions");
        }
        let dirs = &registry.conventions.dirs;
        assert!(!dirs.frontend.is_empty() && !dirs.backend.is_empty() && !dirs.not_backend.is_empty());
        assert!(!dirs.tests.is_empty());
        let json = BUILTIN.iter().find(|(path, _)| *path == CONVENTIONS).unwrap().1;
        let unknown = json.replacen('{', "{\"typo\":1,", 1);
        assert!(
            serde_json::from_str::<Conventions>(&unknown).is_err(),
            "unknown keys are errors"
        );
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
