//! What detectors know besides their rules: the tasks, phrases and shells of a tool or
//! database, an ecosystem's toolchain (runtime, version files, extensions, frontend markers),
//! and the directory-name conventions no one technology owns.

use super::rules::{CommandSpec, Leaf};
use serde::Deserialize;
use std::collections::BTreeMap;

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

impl Tasks {
    pub fn is_empty(&self) -> bool {
        [&self.dev, &self.test, &self.build, &self.migrate, &self.db]
            .iter()
            .all(|names| names.is_empty())
    }
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

impl Phrases {
    pub fn is_empty(&self) -> bool {
        self.applies_migrations.is_empty() && self.creates_migrations.is_empty()
    }
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
    /// A client given split connection settings: `{host}`, `{user}`, `{name}`, `{port}` (set only
    /// when it is not `default_port`); candidates tried in order, the first whose settings are all
    /// known wins.
    pub params: Option<CommandSpec>,
    /// Candidates after `params` when the configuration leaves the user to each developer (a
    /// placeholder such as `your-username`): the client then logs in as the developer.
    pub params_without_user: Option<CommandSpec>,
    /// The port the store's clients use when none is given.
    pub default_port: Option<String>,
    /// The programs that open the store interactively (`psql`, `pgcli`): a project task whose
    /// recipe runs one is the project's own way to open its database.
    #[serde(default)]
    pub clients: Vec<String>,
    /// The clients' options that run a statement or a file and exit (`-c`, `-f`): a recipe with
    /// one after the client is not a console.
    #[serde(default)]
    pub batch_options: Vec<String>,
    /// With `file`: the extensions of the store's files (`.db`), so a connection string's
    /// `Data Source=app.db` names a file, and `.\SQLEXPRESS` a server.
    #[serde(default)]
    pub file_extensions: Vec<String>,
    /// Markers of a connection that keeps the store in the app's memory (`jdbc:h2:mem:`,
    /// `:memory:`): nothing outside the app can open it.
    #[serde(default)]
    pub in_memory: Vec<String>,
    /// A client given the database file a URL names (`{file}`), for an embedded store.
    pub file: Option<String>,
    /// With `file`: the URL prefixes that name a file (`sqlite://`, `jdbc:sqlite:`).
    #[serde(default)]
    pub file_urls: Vec<String>,
    /// The shell inside the store's compose service.
    pub compose: Option<ComposeShell>,
    /// The command DDEV opens a shell on its database container with (`ddev mysql`).
    pub ddev: Option<String>,
}

impl Shell {
    /// Whether `path` (a query after `?` left out) is a file of this store: one of its
    /// `file_extensions`, in any case.
    pub fn names_file(&self, path: &str) -> bool {
        let path = path.split('?').next().unwrap_or(path).to_ascii_lowercase();
        self.file_extensions.iter().any(|e| path.ends_with(e.as_str()))
    }
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
    /// An older shell for images whose tag names a release below `below`.
    pub legacy: Option<LegacyShell>,
    /// What some images need in their environment to start at all.
    pub start: Option<StartNeeds>,
}

/// Images that refuse to initialise their data unless one of `needs_one_of` is set (the
/// official PostgreSQL image without `POSTGRES_PASSWORD`): a compose service that sets none of
/// them never runs, so its shell opens nothing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartNeeds {
    pub images: Vec<String>,
    pub needs_one_of: Vec<String>,
    /// Where the image keeps its data: a host folder mounted there may be initialised already,
    /// and then the image starts without them.
    pub data_dir: String,
}

impl StartNeeds {
    /// The keys `image` needs one of, if it is one of these images.
    pub fn of(&self, image: &str) -> &[String] {
        match self.images.iter().any(|i| i == image) {
            true => &self.needs_one_of,
            false => &[],
        }
    }
}

/// The shell of an image's older releases (MongoDB's `mongo` before `mongosh`, MariaDB's `mysql`
/// before its `mariadb` client).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyShell {
    /// The first release with the current shell, written as a number (`5`) or dotted
    /// (`"10.4.6"`), as its parts.
    #[serde(deserialize_with = "release_parts")]
    pub below: Vec<u32>,
    /// As [`ComposeShell::command`], with its variables.
    pub command: CommandSpec,
}

impl LegacyShell {
    /// Whether an image tagged `tag` (`10.2`, `4.4-focal`, `2019-latest`) is a release below
    /// `below`. A tag naming fewer parts than `below` (`10.4`) stands for its line's newest
    /// release; a tag naming none (`latest`) for the newest of all.
    pub fn covers(&self, tag: &str) -> bool {
        let Some(tag) = release(tag) else {
            return false;
        };
        let parts = tag.len().min(self.below.len());
        tag[..parts] < self.below[..parts]
    }
}

/// A release written as a number (`below = 5`) or as text (`below = "10.4.6"`), as its parts.
fn release_parts<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<u32>, D::Error> {
    struct Release;
    impl serde::de::Visitor<'_> for Release {
        type Value = Vec<u32>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a release: a number or a dotted string (`5`, `\"10.4.6\"`)")
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Vec<u32>, E> {
            u32::try_from(v).map(|v| vec![v]).map_err(E::custom)
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Vec<u32>, E> {
            u32::try_from(v).map(|v| vec![v]).map_err(E::custom)
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Vec<u32>, E> {
            release(v)
                .filter(|parts| parts.iter().map(u32::to_string).collect::<Vec<_>>().join(".") == v)
                .ok_or_else(|| E::custom(format!("`{v}` is not a dotted release")))
        }
    }
    deserializer.deserialize_any(Release)
}

/// The dotted release a tag starts with (`16.2` of `16.2-alpine`), as numbers.
fn release(tag: &str) -> Option<Vec<u32>> {
    let end = tag.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(tag.len());
    let parts: Vec<u32> = tag[..end].split('.').map_while(|p| p.parse().ok()).collect();
    (!parts.is_empty()).then_some(parts)
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
    /// UI frameworks by the package that marks them, most specific first (`preact` before
    /// `react`): what `tech_stack` names for a browser app.
    #[serde(default)]
    pub ui: Vec<UiFramework>,
    /// Component libraries (`ui_library`), in the order they are named.
    #[serde(default)]
    pub libraries: Vec<Package>,
    /// State management libraries (`state_management`), in the order they are named.
    #[serde(default)]
    pub state: Vec<Package>,
    /// Build tools (`build_tool`): the one the `build` script runs, else the first installed.
    #[serde(default)]
    pub build_tools: Vec<BuildTool>,
}

/// A UI framework: the package that marks it and its display name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiFramework {
    pub dep: String,
    pub name: String,
    /// The placeholder that takes the package's declared version (`react_version`).
    #[serde(default)]
    pub version: Option<String>,
    /// A documentation or static-site generator (VitePress, Docusaurus): a site, not an app's
    /// frontend.
    #[serde(default)]
    pub site: bool,
}

/// A package a frontend depends on, and its display name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub dep: String,
    pub name: String,
}

/// A frontend build tool: the packages that install it and the commands a script runs it by.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildTool {
    pub name: String,
    pub deps: Vec<String>,
    #[serde(default)]
    pub commands: Vec<String>,
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
    /// A library rather than a runnable program, whatever its entry points: any of these files
    /// holds, its `contains` too (a Gradle build that applies `java-library`).
    #[serde(default)]
    pub library_markers: Vec<Leaf>,
    /// Commands (their first words) that run the tests.
    #[serde(default)]
    pub test_commands: Vec<String>,
    /// Leading words that run a tool through the package manager (`uv run`, `npx`).
    #[serde(default)]
    pub runner_prefixes: Vec<String>,
    /// Package managers that run the project's scripts by name (`npm test`).
    #[serde(default)]
    pub script_runners: Vec<String>,
    /// Scripts run by themselves before or after another: a name with one of these `prefixes`
    /// then another script's name or one of the `events` (npm's `pretest`, `postinstall`).
    #[serde(default)]
    pub script_hooks: ScriptHooks,
    /// Package managers with a build command of their own (`{native_build}` = `uv build`).
    #[serde(default)]
    pub native_build: Vec<String>,
    /// Why a project of the ecosystem that declares no build task has nothing to build (the
    /// hint of an absent `build_command`).
    pub no_build: Option<String>,
    /// The ecosystem's own commands: a task-runner recipe that runs only these, beside a backend
    /// of another ecosystem, works on this ecosystem's part of the repository.
    #[serde(default)]
    pub tools: Vec<String>,
    /// Commands that run a program file (`node`): on a file under `build_dirs`, the build output.
    #[serde(default)]
    pub run_commands: Vec<String>,
    #[serde(default)]
    pub build_dirs: Vec<String>,
    /// Phrases of a script that starts the app as in production (`NODE_ENV=production`,
    /// `pm2 start`, `egg-scripts start`): like running build output, not a dev server.
    #[serde(default)]
    pub production_starts: Vec<String>,
    /// Monorepo tools named in `tech_stack`.
    #[serde(default)]
    pub workspace_tools: Vec<WorkspaceTool>,
    /// Regexes that find where a function is defined, its name in a `name` group (`func
    /// (?P<name>\w+)`): the helper a start-up call goes through is followed to its caller.
    #[serde(default)]
    pub definitions: Vec<String>,
    /// Whether the app, run by a dev command that is its project's (a package's own script, `dotnet
    /// run --project src/Api`), runs in its project's folder (a package's scripts run there; an
    /// ASP.NET app finds its settings only there): the app's relative files are there.
    #[serde(default)]
    pub runs_in_project: bool,
    /// Commands that run tools as their subcommand (`dotnet` for `dotnet ef`): such a tool's
    /// command is its first two words.
    #[serde(default)]
    pub tool_hosts: Vec<String>,
    #[serde(default)]
    pub frontend: Frontend,
    /// Options a project may always build with, read from the lines it runs.
    pub build_options: Option<BuildOptions>,
    /// Commands that run a script in every workspace package (`turbo run dev`).
    #[serde(default)]
    pub orchestration: Orchestration,
}

/// `[toolchain.orchestration]`: how a monorepo root runs one script in every package, so that a
/// root script running one reaches the backend's script of that name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Orchestration {
    /// Each a command's first word and the words it must hold (`pnpm -r`, `turbo run`,
    /// `yarn workspaces foreach`); its other plain words name the scripts run.
    #[serde(default)]
    pub commands: Vec<String>,
    /// Options whose value names the script (`nx run-many -t dev`, `--target=dev`).
    #[serde(default)]
    pub task_options: Vec<String>,
    /// Options that limit the run to some packages (`--filter`, `--scope`, `--ignore`): not
    /// every package.
    #[serde(default)]
    pub filter_options: Vec<String>,
    /// Options that limit only the command they are listed under (`-p` of `nx run-many`).
    #[serde(default)]
    pub command_filters: BTreeMap<String, Vec<String>>,
    /// Options that leave a package out, each with the start that makes its value one (`!` of
    /// `--filter=!@acme/docs`; empty: every value of `--ignore`): the run covers the others.
    #[serde(default)]
    pub exclusions: BTreeMap<String, String>,
    /// Words that introduce the script names (`run`).
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Words that run the command through another (`npx turbo run dev`).
    #[serde(default)]
    pub launchers: Vec<String>,
}

/// `[toolchain.build_options]`: the build tool's commands (`cargo build`, `go run`) and the
/// option that selects what is compiled (`--features`, `-tags`). When every invocation in the
/// project's CI, guides, tasks and Dockerfiles passes the option, its commands get it too.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildOptions {
    pub commands: Vec<String>,
    /// The option's spellings, the first one written into commands.
    pub options: Vec<String>,
    /// Options that point an invocation at another package (`-p xtask`): such a line is not
    /// the backend's build.
    #[serde(default)]
    pub skip_with: Vec<String>,
    /// Of `commands`, those whose directory arguments are the programs built (`go build
    /// ./cmd/api`): when the project builds exactly one, the dev command runs that one.
    #[serde(default)]
    pub program_commands: Vec<String>,
    /// The manifest's table that declares each value (Cargo's `[features]`); a value it does not
    /// declare belongs to another package.
    pub declared_in: Option<String>,
    /// Of `commands`, those that install a published package (`cargo install sqlx-cli`), not
    /// the project's build, unless given `local_install` (`--path .`).
    #[serde(default)]
    pub registry_installs: Vec<String>,
    pub local_install: Option<String>,
}

impl Toolchain {
    /// The extensions that count as source code.
    pub fn code_extensions(&self) -> &[String] {
        self.code_extensions.as_deref().unwrap_or(&self.extensions)
    }
}

/// A package manager's hook scripts ([`Toolchain::script_hooks`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptHooks {
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// What the package manager itself does that a hook may run around (`install`).
    #[serde(default)]
    pub events: Vec<String>,
}

impl ScriptHooks {
    /// Whether `name`, among the scripts `names`, runs by itself around another.
    pub fn is_hook<'n>(&self, name: &str, mut names: impl Iterator<Item = &'n str>) -> bool {
        let rest: Vec<&str> = self
            .prefixes
            .iter()
            .filter_map(|p| name.strip_prefix(p.as_str()))
            .collect();
        !rest.is_empty()
            && (rest.iter().any(|r| self.events.iter().any(|e| e == r)) || names.any(|n| rest.contains(&n)))
    }
}

/// Conventions that belong to no one technology: directory names. Read from
/// `detectors/conventions.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conventions {
    #[serde(default)]
    pub dirs: ConventionDirs,
    #[serde(default)]
    pub files: ConventionFiles,
    #[serde(default)]
    pub commands: ConventionCommands,
    #[serde(default)]
    pub app_config: AppConfig,
    #[serde(default)]
    pub vocabulary: Vocabulary,
    #[serde(default)]
    pub ddev: Ddev,
}

/// DDEV, the container environment many PHP projects are developed in (`[ddev]`): its project
/// file names the database container it runs for the app.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ddev {
    /// The project file, repo-relative (`.ddev/config.yaml`).
    #[serde(default)]
    pub config: String,
    /// The database types DDEV runs (`database.type`): another value names no container.
    #[serde(default)]
    pub databases: Vec<String>,
    /// The database type DDEV runs when the file names none.
    #[serde(default)]
    pub default_database: String,
    /// The name of its database container in `omit_containers` (`db`), which is also the name of
    /// the database DDEV creates in it.
    #[serde(default)]
    pub database_container: String,
    /// Ends of the `web_environment` keys that give the app another database's name
    /// (`DATASOURCES_DEFAULT_DATABASE=passbolt`).
    #[serde(default)]
    pub app_database_keys: Vec<String>,
    /// The ecosystems whose toolchain DDEV's web container holds: their apps start with
    /// `start` and their commands run there (`exec`).
    #[serde(default)]
    pub ecosystems: Vec<crate::ecosystems::Ecosystem>,
    /// The command that starts the project's containers and serves the app (`ddev start`).
    #[serde(default)]
    pub start: String,
    /// A command run in the web container: `{command}` is the command (`ddev exec {command}`).
    #[serde(default)]
    pub exec: String,
}

/// What fills the placeholders beyond the 11 fields (`[vocabulary]`): keys are placeholder
/// names, checked against [`crate::report::Extra`] when the registry loads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// An image's build file names, the default one first.
    #[serde(default)]
    pub image_files: Vec<String>,
    /// Placeholders whose task may only compile (`tsc --noEmit` type-checks).
    #[serde(default)]
    pub compiling: Vec<String>,
    /// Declared task names for each command placeholder, in order of preference.
    #[serde(default)]
    pub tasks: std::collections::BTreeMap<String, Vec<String>>,
    /// Each package manager's install command.
    #[serde(default)]
    pub install: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub dirs: VocabularyDirs,
    /// Files that show a tool is used.
    #[serde(default)]
    pub markers: Vec<Marker>,
    /// Formatters and linters whose settings pin the code conventions, in order of preference.
    #[serde(default)]
    pub style: Vec<StyleTool>,
}

/// A formatter or linter and where its settings are (`[[vocabulary.style]]`); the setting names
/// of `keys` and `defaults` are read by `src/signals/style.rs`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleTool {
    pub tool: String,
    /// Extensions (without the dot) of the source files it formats.
    pub extensions: Vec<String>,
    /// Its own config files, first found wins.
    #[serde(default)]
    pub files: Vec<String>,
    /// Files that hold its settings under a key path (`pyproject.toml` → `tool.ruff`).
    #[serde(default)]
    pub embedded: std::collections::BTreeMap<String, String>,
    /// Keys that bring settings from another file: with one, its defaults are not assumed.
    #[serde(default)]
    pub inherits: Vec<String>,
    /// Whether it takes what `.editorconfig` sets when its own config does not.
    #[serde(default)]
    pub reads_editorconfig: bool,
    /// Key paths of each setting, first found wins.
    pub keys: std::collections::BTreeMap<String, Vec<String>>,
    /// Its documented defaults, by setting.
    #[serde(default)]
    pub defaults: std::collections::BTreeMap<String, String>,
    /// Where the config sets other values for some files (Prettier's `overrides`).
    #[serde(default)]
    pub overrides: Option<StyleOverrides>,
}

/// The keys of a config's per-file settings: a list (`overrides`) of entries, each with the
/// globs it applies to (`files`), those it leaves out (`excludeFiles`) and its settings
/// (`options`). A glob without a `/` matches a file's name, one with a `/` its path from the
/// config's folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleOverrides {
    pub list: String,
    pub files: String,
    #[serde(default)]
    pub exclude: Option<String>,
    pub options: String,
}

/// Folders of each kind, by placeholder: relative to the backend project and to the root.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VocabularyDirs {
    #[serde(default)]
    pub backend: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub root: std::collections::BTreeMap<String, Vec<String>>,
}

/// A tool (`name`) shown by any of `files` (globs from the root), for `placeholder`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marker {
    pub placeholder: String,
    pub name: String,
    pub files: Vec<String>,
}

/// An application's own settings file and the keys of its database section (`[app_config]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// Settings files, relative to the backend project.
    #[serde(default)]
    pub files: Vec<String>,
    /// Top-level keys of a database section.
    #[serde(default)]
    pub sections: Vec<String>,
    /// Keys naming the database (matched against database detectors' `aliases`).
    #[serde(default)]
    pub dialect: Vec<String>,
    /// Keys holding a URL or an embedded store's file.
    #[serde(default)]
    pub location: Vec<String>,
    #[serde(default)]
    pub host: Vec<String>,
    #[serde(default)]
    pub port: Vec<String>,
    #[serde(default)]
    pub user: Vec<String>,
    #[serde(default)]
    pub name: Vec<String>,
    /// Settings written in code, with their defaults.
    #[serde(default)]
    pub code: CodeSettings,
}

/// Settings written in code (`[app_config.code]`): the source files that hold an app's defaults
/// and the shapes of a default beside the name of the setting that picks the database
/// (`DB_ENGINE: str = "sqlite"`, `Dialect: "sqlite3",`, `os.getenv("DB_TYPE", "sqlite")`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeSettings {
    /// Globs of source files, relative to the backend project.
    #[serde(default)]
    pub files: Vec<String>,
    /// Regexes with `key` and `value` groups: a setting that names the database and its default.
    #[serde(default)]
    pub dialect: Vec<String>,
    /// Regexes with a `value` group: where the database is (a file, a URL).
    #[serde(default)]
    pub location: Vec<String>,
    /// Both lists with ASCII classes, compiled once per run when first needed: for ASCII text,
    /// where they match exactly what the Unicode ones do.
    #[serde(skip)]
    ascii: std::sync::OnceLock<CompiledSettings>,
    /// Both lists as written (Unicode `\w`, `(?i)` over all of Unicode), only for text that is
    /// not ASCII: compiling them costs about 100 M instructions, the ASCII ones a fraction.
    #[serde(skip)]
    unicode: std::sync::OnceLock<CompiledSettings>,
}

/// The dialect and location patterns of [`CodeSettings`], compiled.
type CompiledSettings = (Vec<regex::bytes::Regex>, Vec<regex::bytes::Regex>);

impl CodeSettings {
    /// The dialect and location patterns, compiled for `text`; the patterns were checked when
    /// the registry's tests ran (in both forms), and one that does not compile matches nothing.
    pub fn patterns(&self, text: &str) -> (&[regex::bytes::Regex], &[regex::bytes::Regex]) {
        let unicode = !text.is_ascii();
        let cell = if unicode { &self.unicode } else { &self.ascii };
        let (dialect, location) = cell.get_or_init(|| {
            let compile = |list: &[String]| {
                list.iter()
                    .filter_map(|p| regex::bytes::RegexBuilder::new(p).unicode(unicode).build().ok())
                    .collect()
            };
            (compile(&self.dialect), compile(&self.location))
        });
        (dialect, location)
    }
}

/// What the plausibility gate knows of command lines.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConventionCommands {
    /// A word holding one of these (lower-cased) is a placeholder.
    #[serde(default)]
    pub placeholder_markers: Vec<String>,
    /// Words that are placeholders by themselves.
    #[serde(default)]
    pub placeholder_words: Vec<String>,
    /// The shell's reserved words: a line starting with one is a piece of a script's control
    /// flow, not a command.
    #[serde(default)]
    pub shell_reserved: Vec<String>,
    /// Task runners whose first argument is a declared target.
    #[serde(default)]
    pub task_runners: Vec<String>,
    /// Phrases that run the rest of the line in a container.
    #[serde(default)]
    pub in_container: Vec<String>,
    /// Markers (lower-cased) of a configuration value left for the developer to fill
    /// (`your-username`, `db.example.com`, `changeme`): such a part of a connection is unknown.
    #[serde(default)]
    pub placeholder_values: Vec<String>,
    /// A whole configuration value (lower-cased) that means "not set": `null`, `nil`.
    #[serde(default)]
    pub unset_values: Vec<String>,
    /// JDBC drivers that wrap another's URL (`jdbc:p6spy:mysql://…`).
    #[serde(default)]
    pub jdbc_wrappers: Vec<String>,
    /// Words in a task's name that say it does something else with the database than open a
    /// console on it (`db-migrate`, `db-seed`, `db-up`).
    #[serde(default)]
    pub not_a_console: Vec<String>,
    /// Phrases of a command that publishes (`docker push`, `--push`, `cargo publish`): a task
    /// whose recipe runs one is a release, not how the project is built, run or tested.
    #[serde(default)]
    pub publishes: Vec<String>,
    /// Commands that build a container image or a release binary (`docker build`,
    /// `goreleaser build`): a task that only runs these builds, it does not run the app.
    #[serde(default)]
    pub builds_images: Vec<String>,
    /// Per test runner (its command words, `pytest`, `go test`), its options that run the tests a
    /// name or pattern selects (`-k`, `-run`): a documented command with one after the runner is
    /// an example of narrowing the suite, not how it is run.
    #[serde(default)]
    pub test_selectors: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConventionFiles {
    /// Words of a path whose code runs on request, not when the app starts (`cli`, `seed`,
    /// `test`, `migrat` of a migrations program): a migration call there is not a start-up one.
    #[serde(default)]
    pub on_request: Vec<String>,
    /// Guides developers read to run a project, in its directory (`README.md`, `CLAUDE.md`),
    /// matched without regard to case: their shell blocks are documented commands.
    #[serde(default)]
    pub guides: Vec<String>,
    /// Folders of a project that keep development guides (`docs`).
    #[serde(default)]
    pub guide_folders: Vec<String>,
    /// Guides looked for in those folders (`Contribute.md`, `development.md`).
    #[serde(default)]
    pub folder_guides: Vec<String>,
    /// Files whose content shows a project serves requests (`EXPOSE 8080`, a Procfile `web:`).
    #[serde(default)]
    pub serving: Vec<ServingFile>,
    /// Extensions of documentation, data, media and configuration files: only a repository made
    /// of these is proven to hold no code.
    #[serde(default)]
    pub not_code: Vec<String>,
    /// Names of extensionless files that are code (`Makefile`, `Dockerfile`).
    #[serde(default)]
    pub maybe_code_names: Vec<String>,
    /// Folders whose extensionless files are scripts (`bin/deploy`).
    #[serde(default)]
    pub script_folders: Vec<String>,
    /// Manifests of languages archprompt does not read (`*.cabal`, `build.sbt`): at the top of
    /// a repository, what was not found there is unknown.
    #[serde(default)]
    pub unread_manifests: Vec<String>,
    /// Words of a config file's name that make it a production profile's
    /// (`application-prod.yml`): it names the deployed database, not the development one.
    #[serde(default)]
    pub production_configs: Vec<String>,
    /// Words of a config file's name that make it a test profile's (`settings/test.py`): it
    /// names a throwaway database, weaker evidence like a production profile's.
    #[serde(default)]
    pub test_configs: Vec<String>,
    /// Words of an env template's name that make it the development run's
    /// (`.env.dev.example`): read before the others.
    #[serde(default)]
    pub development_configs: Vec<String>,
}

impl ConventionFiles {
    /// Whether a file's name makes it a production or test profile's (`application-prod.yml`,
    /// `settings/test.py`, `conf/ci.ini`): a word of it, not a part of one (`contest.py` is not a
    /// test's).
    pub fn for_another_run(&self, file: &str) -> bool {
        let name = crate::fs::file_name(file).to_ascii_lowercase();
        name.split(['.', '-', '_']).any(|part| {
            self.production_configs
                .iter()
                .chain(&self.test_configs)
                .any(|w| w == part)
        })
    }
}

/// A file name, a regex its content must match, and one that, matching, says the file serves
/// no backend (a container of a static web server).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServingFile {
    pub file: String,
    pub contains: String,
    #[serde(default)]
    pub unless: Option<String>,
    /// `contains` and `unless` compiled once per run, when first needed.
    #[serde(skip)]
    compiled: std::sync::OnceLock<(regex::Regex, Option<regex::Regex>)>,
}

impl ServingFile {
    /// Whether `text`, the content of [`ServingFile::file`], shows a project serves requests.
    /// The patterns were checked when the registry loaded.
    pub fn shows(&self, text: &str) -> bool {
        let (contains, unless) = self.compiled.get_or_init(|| {
            let compile = |p: &str| {
                regex::Regex::new(p).unwrap_or_else(|_| regex::Regex::new(r"[^\s\S]").expect("a valid regex"))
            };
            (compile(&self.contains), self.unless.as_deref().map(compile))
        });
        contains.is_match(text) && !unless.as_ref().is_some_and(|u| u.is_match(text))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConventionDirs {
    /// Folders beside the root and the backend that keep container setups: their compose files
    /// are read, and any YAML in them with a `services:` map.
    #[serde(default)]
    pub compose: Vec<String>,
    /// Folders of compose setups an editor opens a shell inside (`.devcontainer`): commands
    /// there run in the app's container already.
    #[serde(default)]
    pub editor_containers: Vec<String>,
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
    /// Folders of CI assets, fixtures and one-off tooling, whose scripts are not the project's
    /// commands.
    #[serde(default)]
    pub script_not_command: Vec<String>,
    /// What a migrations folder holds besides entries named in the order they apply: letters
    /// such a name may start with before its number, a tool's own subfolder, and files that only
    /// mark a package (so a folder of them alone holds nothing yet).
    #[serde(default)]
    pub migration_entries: MigrationEntries,
}

/// `[dirs.migration_entries]`: see [`ConventionDirs::migration_entries`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationEntries {
    /// Letters before an ordered name's number (Flyway's `V1__init.sql`).
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// Subfolders that hold a tool's migrations (Alembic's `versions/`).
    #[serde(default)]
    pub folders: Vec<String>,
    /// Files that mark a package or keep a folder, not migrations (`__init__.py`, `.gitkeep`).
    #[serde(default)]
    pub markers: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_legacy_shell_covers_the_releases_below_its_own() {
        let legacy = |below: &str| LegacyShell {
            below: release(below).unwrap(),
            command: CommandSpec::One("mysql".to_string()),
        };
        let mariadb = legacy("10.4.6");
        assert!(mariadb.covers("10.2"));
        assert!(mariadb.covers("10.4.5-bionic"));
        assert!(!mariadb.covers("10.4"), "a line's tag is its newest release");
        assert!(!mariadb.covers("10.4.6"));
        assert!(!mariadb.covers("11"));
        assert!(!mariadb.covers("latest"));
        let mongo = legacy("5");
        assert!(mongo.covers("4.4-focal"));
        assert!(!mongo.covers("5.0"));
        assert!(!mongo.covers("7"));
        assert!(legacy("2022").covers("2019-latest"));
        assert_eq!(release("16.2-alpine"), Some(vec![16, 2]));
        assert_eq!(release("lts"), None);
        let read = |json: &str| serde_json::from_str::<LegacyShell>(json).map(|l| l.below);
        assert_eq!(read(r#"{"below": 5, "command": "mongo"}"#).unwrap(), vec![5]);
        assert_eq!(
            read(r#"{"below": "10.4.6", "command": "mysql"}"#).unwrap(),
            vec![10, 4, 6]
        );
        assert!(read(r#"{"below": "10.4-beta", "command": "mysql"}"#).is_err());
    }
}
