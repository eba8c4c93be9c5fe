//! The detector format: one TOML file per technology, its rules (`[match]` leaves, `[dirs]`,
//! `[commands]`, `[[config]]` reads) and their validation when a file is loaded.

use super::knowledge::{LanguageFiles, Phrases, Shell, Tasks, Toolchain};
pub use super::rules::{CommandSpec, Leaf};
use crate::ecosystems::Ecosystem;
use crate::ecosystems::runner::Tool;
use anyhow::{Context, Result, bail};
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;

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
    /// The first of these that exists is where the tool keeps its migrations.
    #[serde(default)]
    pub migrations: Vec<String>,
    /// Where the tool also keeps migrations, listed beside the first found (Flyway's Java-based
    /// migrations beside its SQL ones).
    #[serde(default)]
    pub migrations_also: Vec<String>,
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
    /// Where the app's database is: a URL, an ADO.NET connection string (`Host=…;Database=…`)
    /// or an embedded store's file URL (`sqlite:data/app.db`, through a `template`). Its store,
    /// when it names one, counts as a config naming it.
    Connection,
    /// A named variable for command templates (`var = "…"`).
    Var,
    /// The settings a plain run of the app selects among several (the module `manage.py`
    /// names, the profiles a base config activates): each item of the value, a comma-separated
    /// list, names settings files through `template`, a glob relative to the project.
    Selects,
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
    /// Dotted key path in a JSON file (comments allowed); a `*` key stands for every key of its
    /// object, `a|b` for either name, and names match in any case when none matches exactly.
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
    /// A regex that, matching a file, says the file is not the app's configuration (an EF Core
    /// design-time factory's connection is for the `dotnet ef` tools only): it is not read.
    pub unless: Option<String>,
    /// For `sets = "database"`: the read names the database of the development environment
    /// (Rails's `development.adapter`), as the app's own settings do, above any other config.
    #[serde(default)]
    pub development: bool,
    /// For `sets = "database"`: the first store a file names is the app's default and the
    /// others it names further on are alternatives (a settings module that assigns SQLite, then
    /// PostgreSQL under `if os.getenv("DB") == "postgres":`). Not for a list of imports.
    #[serde(default)]
    pub first_is_default: bool,
    /// For `first_is_default` regex reads: a regex whose `value` group names the variable the
    /// default is taken from (Django's `'default': DBCONFIG_SQLITE`). The values from that
    /// variable's assignment on come first, so the store it holds is the default, not the one a
    /// settings file happens to spell out first.
    pub default_from: Option<String>,
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
    /// Data tools: what `migration_tool` calls the migrations when they are not named after
    /// the library (Laravel's migrations, not Eloquent; Django's, not the Django ORM).
    #[serde(default)]
    pub migrations_name: Option<String>,
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
    /// Databases: the ids of other stores whose clients this one's server answers (MariaDB
    /// serves MySQL's): a compose service running its image is the other store's database too.
    #[serde(default)]
    pub serves: Vec<String>,
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

impl Detector {
    /// What a repository's detector leaves out of the knowledge tables, it keeps from the
    /// built-in one it replaces (`other`): an override written for its rules (`[match]`,
    /// `[dirs]`) still knows the ecosystem's toolchain, the database's shells, the tool's task
    /// names and phrases.
    pub(crate) fn keep_knowledge_of(&mut self, other: &Detector) {
        if self.shell.is_none() {
            self.shell = other.shell.clone();
        }
        if self.toolchain.is_none() {
            self.toolchain = other.toolchain.clone();
        }
        if self.language_files.is_none() {
            self.language_files = other.language_files.clone();
        }
        if self.env_prefixes.is_empty() {
            self.env_prefixes = other.env_prefixes.clone();
        }
        if self.tasks.is_empty() {
            self.tasks = other.tasks.clone();
        }
        if self.phrases.is_empty() {
            self.phrases = other.phrases.clone();
        }
        self.schemaless |= other.schemaless;
        if self.serves.is_empty() {
            self.serves = other.serves.clone();
        }
        self.full_stack |= other.full_stack;
    }

    pub(crate) fn validate(&mut self, checks: Checks) -> Result<()> {
        self.validate_knowledge()?;
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!("id `{}` must be non-empty ASCII letters, digits, `-` or `_`", self.id);
        }
        let leaves = self
            .matcher
            .all
            .iter()
            .chain(&self.matcher.any)
            .chain(&self.matcher.not);
        let compiled = &mut self.compiled;
        for leaf in leaves {
            validate_leaf(leaf, self.ecosystem, compiled, checks)?;
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
                let plain = leaf.dep.is_none()
                    && leaf.contains.is_none()
                    && leaf.features.is_empty()
                    && leaf.any.is_empty()
                    && !leaf.or_above;
                if set.iter().filter(|s| **s).count() != 1 || !plain || leaf.ecosystem.is_some() {
                    bail!(
                        "each [toolchain] entry_points leaf needs exactly one of `file`, `dir`, and nothing else: {leaf:?}"
                    );
                }
            }
            for leaf in &toolchain.library_markers {
                let plain = leaf.dep.is_none() && leaf.dir.is_none() && leaf.any.is_empty() && !leaf.or_above;
                if leaf.file.is_none() || leaf.contains.is_none() || !plain {
                    bail!(
                        "each [toolchain] library_markers leaf needs `file` and `contains`, and nothing else: {leaf:?}"
                    );
                }
                validate_leaf(leaf, self.ecosystem, compiled, checks)?;
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
            if let Some(pattern) = &read.unless {
                compile(compiled, pattern, checks)?;
            }
            if read.sets == Sets::Selects && read.template.is_none() {
                bail!("[[config]] with sets = \"selects\" needs a `template` naming the files");
            }
            if read.development && read.sets != Sets::Database {
                bail!("[[config]] `development` is for sets = \"database\" only");
            }
            if read.first_is_default && read.sets != Sets::Database {
                bail!("[[config]] `first_is_default` is for sets = \"database\" only");
            }
            if let Some(pattern) = &read.default_from {
                if !read.first_is_default || read.regex.is_none() {
                    bail!("[[config]] `default_from` is for `first_is_default` regex reads only");
                }
                if let Some(hir) = compile(compiled, pattern, checks)?
                    && !has_group(&hir, "value")
                {
                    bail!("config regex `{pattern}` needs a named group `value`");
                }
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
        only(!self.serves.is_empty(), "serves", &[Kind::Database])?;
        only(self.shell.is_some(), "shell", &[Kind::Database])?;
        only(
            !self.env_prefixes.is_empty(),
            "env_prefixes",
            &[Kind::Database, Kind::Data],
        )?;
        if let Some(toolchain) = &self.toolchain {
            let named = toolchain
                .runtimes
                .keys()
                .chain(&toolchain.native_build)
                .chain(&toolchain.script_runners);
            for name in named {
                if Tool::parse(name).is_none() {
                    let known: Vec<&str> = Tool::ALL.iter().map(|t| t.as_str()).collect();
                    bail!(
                        "[toolchain]: unknown package manager `{name}` (known: {})",
                        known.join(", ")
                    );
                }
            }
        }
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
        for params in shell.params.iter().flat_map(|p| p.candidates()) {
            uses_only("params", params, &["host", "user", "name", "port"])?;
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
            if let Some(legacy) = &compose.legacy {
                for command in legacy.command.candidates() {
                    uses_only("compose.legacy.command", command, &vars)?;
                }
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

/// How much of a detector to check when loading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Checks {
    All,
    /// For the built-in detectors, whose regexes a test parses: parsing 200 patterns' syntax
    /// was a quarter of every start.
    SkipRegexSyntax,
}
/// Checks one match leaf (and a group's leaves) and compiles its `contains` pattern.
fn validate_leaf(
    leaf: &Leaf,
    ecosystem: Option<Ecosystem>,
    compiled: &mut BTreeMap<String, std::sync::OnceLock<Regex>>,
    checks: Checks,
) -> Result<()> {
    let set = [
        leaf.dep.is_some(),
        leaf.file.is_some(),
        leaf.dir.is_some(),
        !leaf.any.is_empty(),
    ];
    if set.iter().filter(|s| **s).count() != 1 {
        bail!("each match leaf needs exactly one of `dep`, `file`, `dir`, `any`: {leaf:?}");
    }
    if leaf.contains.is_some() && leaf.file.is_none() {
        bail!("`contains` needs `file`: {leaf:?}");
    }
    // A file name only: the repository's names are what tells first whether any folder has it.
    let plain_name = |file: &str| !super::globs::is_glob(file) && !file.contains('/');
    if leaf.or_above && (leaf.contains.is_some() || !leaf.file.as_deref().is_some_and(plain_name)) {
        bail!("`or_above` needs a `file` name (no folder, no glob) and no `contains`: {leaf:?}");
    }
    if (!leaf.any.is_empty() || leaf.dir.is_some()) && (!leaf.features.is_empty() || leaf.ecosystem.is_some()) {
        bail!("`ecosystem` and `features` go on a `dep` or `file` leaf, not on a group or `dir`: {leaf:?}");
    }
    if let Some(pattern) = &leaf.contains {
        compile(compiled, pattern, checks)?;
    }
    if leaf.dep.is_some() && leaf.ecosystem.or(ecosystem).is_none() {
        bail!(
            "dep leaf {:?} needs an `ecosystem` (on the leaf or the detector)",
            leaf.dep
        );
    }
    for member in &leaf.any {
        validate_leaf(member, ecosystem, compiled, checks)?;
    }
    Ok(())
}
