//! Technology knowledge is data: a database's shell commands, a framework being full-stack and an
//! ecosystem's facts come from detector TOML alone. Each test builds a registry from TOML text
//! with made-up technologies no Rust code names, and scans a small repository with it.

use archprompt::detect::Registry;
use archprompt::report::{FieldName, Report};

/// A made-up database: a Node driver, a URL scheme, a compose image and its shell commands.
const QUUXDB: &str = r#"
id = "quuxdb"
kind = "database"
name = "QuuxDB"
priority = 60
aliases = ["quux"]
images = ["quux/server"]
env_prefixes = ["QUUX_"]
tasks = { db = ["quux:shell"] }

[match]
any = [{ dep = "quux-driver", ecosystem = "node" }]

[shell]
url = 'quuxsh --url "{url}"'
params = "quuxsh -h {host} -u {user} {name}"

[shell.compose]
command = ["quuxsh -u {user} -d {name}", "quuxsh -u {user}"]
env = { user = ["QUUX_USER"], name = ["QUUX_DB"] }
defaults = { user = "admin" }
legacy = { below = 3, command = "quux-old" }
"#;

const PACKAGE_JSON: &str =
    r#"{ "name": "shop", "scripts": { "start": "node index.js" }, "dependencies": { "quux-driver": "^1.0.0" } }"#;

fn scan(registry: &Registry, files: &[(&str, &str)]) -> Report {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    archprompt::scan_with(registry, dir.path()).unwrap()
}

fn db_command(report: &Report) -> Option<&str> {
    report.field(FieldName::DbCommand).value.as_deref()
}

/// Only the made-up database: no built-in detector, no Rust that knows it.
fn quux_only() -> Registry {
    let mut registry = Registry::default();
    registry.add("quuxdb.toml", QUUXDB).unwrap();
    registry
}

/// The built-in detectors plus the made-up database.
fn builtin_and_quux() -> Registry {
    let mut registry = Registry::builtin().unwrap();
    registry.add("quuxdb.toml", QUUXDB).unwrap();
    registry
}

#[test]
fn a_made_up_database_gets_its_url_client_from_toml_alone() {
    let report = scan(
        &quux_only(),
        &[
            ("package.json", PACKAGE_JSON),
            (".env.example", "QUUX_URL=quux://localhost:7000/shop\n"),
        ],
    );
    assert_eq!(report.field(FieldName::DatabaseSystem).value.as_deref(), Some("QuuxDB"));
    assert_eq!(db_command(&report), Some("quuxsh --url \"quux://localhost:7000/shop\""));
}

#[test]
fn a_made_up_database_gets_its_compose_shell_from_toml() {
    let registry = builtin_and_quux();
    let compose = |image: &str, env: &str| format!("services:\n  store:\n    image: {image}\n    environment:\n{env}");
    let named = compose("quux/server:4.1", "      QUUX_USER: shop\n      QUUX_DB: orders\n");
    let report = scan(&registry, &[("package.json", PACKAGE_JSON), ("compose.yaml", &named)]);
    assert_eq!(
        db_command(&report),
        Some("docker compose exec store quuxsh -u shop -d orders")
    );
    // A variable the environment does not set takes the default; the first candidate that
    // resolves wins.
    let defaults = compose("quux/server:4.1", "      OTHER: x\n");
    let report = scan(
        &registry,
        &[("package.json", PACKAGE_JSON), ("compose.yaml", &defaults)],
    );
    assert_eq!(db_command(&report), Some("docker compose exec store quuxsh -u admin"));
    // An image older than `legacy.below` has the older shell.
    let old = compose("quux/server:2.9", "      OTHER: x\n");
    let report = scan(&registry, &[("package.json", PACKAGE_JSON), ("compose.yaml", &old)]);
    assert_eq!(db_command(&report), Some("docker compose exec store quux-old"));
}

#[test]
fn a_made_up_database_gets_its_client_from_split_env_settings_and_its_task_names() {
    let registry = builtin_and_quux();
    let env = "QUUX_HOST=localhost\nQUUX_USER=shop\nQUUX_DATABASE=orders\n";
    let report = scan(&registry, &[("package.json", PACKAGE_JSON), (".env.example", env)]);
    assert_eq!(db_command(&report), Some("quuxsh -h localhost -u shop orders"));
    // A script named in `tasks.db` is the database command.
    let package = r#"{ "name": "shop", "scripts": { "start": "node index.js", "quux:shell": "quuxsh" }, "dependencies": { "quux-driver": "^1.0.0" } }"#;
    let report = scan(&registry, &[("package.json", package)]);
    assert_eq!(db_command(&report), Some("npm run quux:shell"));
}

#[test]
fn shell_templates_and_knowledge_keys_are_validated() {
    let base = "id = \"x\"\nkind = \"database\"\nname = \"X\"\n";
    let error = |text: &str| {
        let mut registry = Registry::default();
        format!("{:#}", registry.add("x.toml", text).unwrap_err())
    };
    let unknown_key = error(&format!("{base}[shell]\nurll = 'x {{url}}'\n"));
    assert!(
        unknown_key.contains("x.toml") && unknown_key.contains("unknown field `urll`"),
        "{unknown_key}"
    );
    let placeholder = error(&format!("{base}[shell]\nparams = 'x -h {{hots}}'\n"));
    assert!(placeholder.contains("{hots}"), "{placeholder}");
    let compose = error(&format!("{base}[shell.compose]\ncommand = 'x -u {{user}}'\n"));
    assert!(compose.contains("{user}"), "{compose}");
    let file = error(&format!("{base}[shell]\nfile = 'x {{file}}'\n"));
    assert!(file.contains("file_urls"), "{file}");
    let toolchain = error(&format!("{base}[toolchain]\nruntime = 'X'\n"));
    assert!(
        toolchain.contains("`toolchain` is for ecosystem detectors only"),
        "{toolchain}"
    );
    let full_stack = error(&format!("{base}full_stack = true\n"));
    assert!(
        full_stack.contains("`full_stack` is for framework detectors only"),
        "{full_stack}"
    );
    let ecosystem = "id = \"y\"\nkind = \"ecosystem\"\nname = \"Y\"\necosystem = \"go\"\n[toolchain]\n";
    let typo = error(&format!("{ecosystem}runtimes = {{ bnu = 'Bun' }}\n"));
    assert!(typo.contains("unknown package manager `bnu`"), "{typo}");
    // A second [toolchain] for an ecosystem that has one.
    let mut registry = Registry::builtin().unwrap();
    let second =
        "id = \"node2\"\nkind = \"ecosystem\"\nname = \"N\"\necosystem = \"node\"\n[toolchain]\nruntime = \"N\"\n";
    let err = format!("{:#}", registry.add("node2.toml", second).unwrap_err());
    assert!(err.contains("already has a [toolchain]"), "{err}");
}

#[test]
fn an_ecosystems_runtime_and_a_frameworks_full_stack_flag_come_from_toml() {
    // The built-in Node toolchain replaced by one with another runtime and a made-up frontend
    // package and tool.
    let node = r#"
id = "node"
kind = "ecosystem"
name = "JavaScript"
language = true
ecosystem = "node"

[match]
any = [{ file = "package.json" }]

[toolchain]
runtime = "QuuxJS"
entry_tasks = ["start", "dev"]

[toolchain.frontend]
tools = ["quuxpack"]
"#;
    let framework = r#"
id = "quuxweb"
kind = "framework"
name = "QuuxWeb"
ecosystem = "node"
priority = 30

[match]
any = [{ dep = "quuxweb" }]
"#;
    let mut registry = Registry::builtin().unwrap();
    registry.add("node.toml", node).unwrap();
    registry.add("quuxweb.toml", framework).unwrap();
    let package = r#"{ "name": "shop", "scripts": { "dev": "quuxpack serve", "start": "node index.js" }, "dependencies": { "quuxweb": "^1.0.0" } }"#;
    let report = scan(&registry, &[("package.json", package)]);
    assert_eq!(report.variables["runtime"].as_deref(), Some("QuuxJS"));
    // `quuxpack` serves a frontend: not the backend's dev command.
    assert_eq!(report.field(FieldName::DevCommand).value.as_deref(), Some("npm start"));
    // The same framework marked full-stack: its dev server is the backend's.
    let full_stack = framework.replace("priority = 30", "priority = 30\nfull_stack = true");
    registry.add("quuxweb.toml", &full_stack).unwrap();
    let report = scan(&registry, &[("package.json", package)]);
    assert_eq!(
        report.field(FieldName::DevCommand).value.as_deref(),
        Some("npm run dev")
    );
}

/// A repository's own `node` and `postgresql` detectors that say only how to match (as overrides
/// written before the knowledge tables existed do) keep the built-ins' toolchain and shells.
#[test]
fn an_override_without_knowledge_tables_keeps_the_built_ins() {
    let fixture = std::path::Path::new("fixtures/node-koa-pg-compose-env");
    let plain = archprompt::scan(fixture).unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy(fixture, dir.path());
    let own = dir.path().join(".archprompt/detectors");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(
        own.join("node.toml"),
        "id = \"node\"\nkind = \"ecosystem\"\nname = \"JavaScript\"\nlanguage = true\necosystem = \"node\"\n\n[match]\nany = [{ file = \"package.json\" }]\n\n[dirs]\nsource = [\"src\"]\ntests = [\"test\", \"tests\"]\n",
    )
    .unwrap();
    std::fs::write(
        own.join("postgresql.toml"),
        "id = \"postgresql\"\nkind = \"database\"\nname = \"PostgreSQL\"\npriority = 50\nrole = \"primary\"\naliases = [\"postgresql\", \"postgres\", \"pg\"]\nimages = [\"postgres\"]\n\n[match]\nany = [{ dep = \"pg\", ecosystem = \"node\" }]\n",
    )
    .unwrap();
    let overridden = archprompt::scan(dir.path()).unwrap();
    assert!(overridden.warnings.is_empty(), "{:?}", overridden.warnings);
    for field in [FieldName::TechStack, FieldName::DbCommand, FieldName::TestDirs] {
        assert!(
            plain.field(field).value.is_some(),
            "{field} is found without the override"
        );
        assert_eq!(overridden.field(field).value, plain.field(field).value, "{field}");
    }
    assert_eq!(overridden.variables["runtime"].as_deref(), Some("Node.js"));
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_group_leaf_gates_a_framework_on_a_lockfile_at_the_workspace_root() {
    // A made-up runtime's own server: its call is searched for only in a project the runtime
    // runs (its lockfile in the project's folder or above it, or its types package).
    let framework = r#"
id = "quuxserve"
kind = "framework"
name = "Quux.serve"
ecosystem = "node"
priority = 30

[match]
all = [{ any = [{ file = "quux.lock", or_above = true }, { dep = "quux-types" }] }]
any = [{ file = "src/index.ts", contains = 'Quux\.serve\(' }]
"#;
    let mut registry = Registry::builtin().unwrap();
    registry.add("quuxserve.toml", framework).unwrap();
    let root = r#"{ "name": "mono", "private": true, "workspaces": ["packages/*"] }"#;
    let member = r#"{ "name": "api", "scripts": { "start": "quux src/index.ts" } }"#;
    let server = "Quux.serve({ port: 3000 });\n";
    let framework_of = |files: &[(&str, &str)]| scan(&registry, files).field(FieldName::BackendFramework).value.clone();
    let member_files = [
        ("package.json", root),
        ("packages/api/package.json", member),
        ("packages/api/src/index.ts", server),
    ];
    assert_ne!(
        framework_of(&member_files).as_deref(),
        Some("Quux.serve"),
        "no lockfile: the call alone does not count"
    );
    // A folder between the member and the root holds it too.
    let mut between = member_files.to_vec();
    between.push(("packages/quux.lock", ""));
    assert_eq!(framework_of(&between).as_deref(), Some("Quux.serve"));
    let mut locked = member_files.to_vec();
    locked.push(("quux.lock", ""));
    assert_eq!(
        framework_of(&locked).as_deref(),
        Some("Quux.serve"),
        "the root's lockfile gates the member"
    );
    let typed = r#"{ "name": "api", "devDependencies": { "quux-types": "1" } }"#;
    let own = [("package.json", typed), ("src/index.ts", server)];
    assert_eq!(
        framework_of(&own).as_deref(),
        Some("Quux.serve"),
        "either leaf of the group opens the gate"
    );
    // A group, like every leaf, has exactly one kind; `or_above` takes a plain path only.
    let both = framework.replace("{ dep = \"quux-types\" }", "{ dep = \"quux-types\", file = \"x\" }");
    assert!(registry.add("bad.toml", &both).is_err());
    let glob = framework.replace("\"quux.lock\", or_above", "\"*.lock\", or_above");
    let err = registry.add("bad.toml", &glob).unwrap_err();
    assert!(format!("{err:#}").contains("or_above"), "{err:#}");
    let folder = framework.replace("\"quux.lock\", or_above", "\"tools/quux.lock\", or_above");
    assert!(registry.add("bad.toml", &folder).is_err(), "a name only, no folder");
    let group_of_both = framework.replace("all = [{ any", "all = [{ file = \"x\", any");
    assert!(
        registry.add("bad.toml", &group_of_both).is_err(),
        "a group is a group only"
    );
}

#[test]
fn the_default_branch_of_a_typeorm_switch_names_the_default_database() {
    // An app for several databases: its drivers are all dependencies, its DataSource picks one
    // by a setting, and the switch's `default:` is what a run without the setting opens.
    let package = r#"{ "name": "api", "dependencies": { "typeorm": "0.3.20", "pg": "8", "mysql2": "3", "sqlite3": "5", "express": "4" } }"#;
    let source = "import { DataSource } from 'typeorm'\n\
        switch (process.env.DATABASE_TYPE) {\n\
            case 'postgres':\n\
                ds = new DataSource({ type: 'postgres', host: process.env.DATABASE_HOST })\n\
                break\n\
            case 'mysql':\n\
                ds = new DataSource({ type: 'mysql', host: process.env.DATABASE_HOST })\n\
                break\n\
            default:\n\
                ds = new DataSource({ type: 'sqlite', database: 'data/app.sqlite' })\n\
        }\n";
    let registry = Registry::builtin().unwrap();
    let database = |files: &[(&str, &str)]| scan(&registry, files).field(FieldName::DatabaseSystem).value.clone();
    let with_switch = database(&[("package.json", package), ("src/DataSource.ts", source)]);
    assert!(
        with_switch.as_deref().is_some_and(|v| v.starts_with("SQLite")),
        "the default branch's database comes first: {with_switch:?}"
    );
    let without = source.replace("default:", "case 'sqlite':");
    let no_default = database(&[("package.json", package), ("src/DataSource.ts", &without)]);
    assert!(
        no_default.as_deref().is_some_and(|v| !v.starts_with("SQLite")),
        "with no default branch, no database is the default: {no_default:?}"
    );
}

#[test]
fn a_versioned_tools_cli_wins_over_a_schema_created_at_start() {
    // GORM's AutoMigrate at start-up beside golang-migrate's versioned migrations: the tool's
    // CLI is how the repository migrates; with no tool, starting the app is.
    let go_mod = "module example.com/shop\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n\tgorm.io/gorm v1.25.10\n\tgorm.io/driver/postgres v1.5.9\n\tgithub.com/golang-migrate/migrate/v4 v4.17.1\n)\n";
    let main = "package main\n\nimport (\n\t\"github.com/gin-gonic/gin\"\n\t\"gorm.io/driver/postgres\"\n\t\"gorm.io/gorm\"\n)\n\nfunc main() {\n\tdb, _ := gorm.Open(postgres.Open(\"\"), &gorm.Config{})\n\tdb.AutoMigrate(&Product{})\n\tgin.Default().Run()\n}\n";
    let registry = Registry::builtin().unwrap();
    let migrate = |files: &[(&str, &str)]| scan(&registry, files).field(FieldName::MigrationCommand).value.clone();
    let with_tool = migrate(&[
        ("go.mod", go_mod),
        ("main.go", main),
        ("migrations/000001_products.up.sql", "CREATE TABLE products (id int);\n"),
    ]);
    assert!(
        with_tool
            .as_deref()
            .is_some_and(|m| m.starts_with("migrate -path migrations")),
        "the versioned tool's CLI: {with_tool:?}"
    );
    let gorm_only = go_mod.replace("\tgithub.com/golang-migrate/migrate/v4 v4.17.1\n", "");
    let from_models = migrate(&[("go.mod", &gorm_only), ("main.go", main)]);
    assert_eq!(
        from_models.as_deref(),
        Some("go run ."),
        "AutoMigrate runs when the app starts"
    );
}
