//! An app's defaults written in code (`[app_config.code]` of conventions.toml): the database it
//! picks when nothing overrides it, and where that database is. Apps that support several
//! databases name their default only in the source that holds their settings (gotify's
//! `Dialect: "sqlite3"`, mealie's `DB_ENGINE: str = "sqlite"`), so every driver in the
//! dependencies says nothing of which one a developer gets.

use super::engine;
use super::knowledge::CodeSettings;
use crate::repo::index::RepoIndex;

/// At most this many source files are read: an app keeps its settings in a few.
const MAX_FILES: usize = 40;

/// A default found in a settings source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeDefault {
    /// The source file, repo-relative.
    pub file: String,
    /// The setting's name as written (`DB_ENGINE`, `Dialect`).
    pub key: String,
    /// Its default as written (`sqlite3`).
    pub value: String,
    /// The locations the same file gives (`Connection: "data/gotify.db"`), as written.
    pub locations: Vec<String>,
}

/// How far from its default a location may be written (`Dialect: "sqlite3",` and the next
/// line's `Connection: "data/app.db",`): further away it belongs to some other setting.
const LOCATION_LINES: usize = 6;

/// The defaults in the settings sources below `dir` that `names_database` accepts, in path
/// order. Only files `is_settings` keeps are read (the app's own, not a test's, an example's or
/// another project's); commented-out lines never count.
pub fn read(
    index: &RepoIndex,
    dir: &str,
    settings: &CodeSettings,
    is_settings: impl Fn(&str) -> bool,
    names_database: impl Fn(&str) -> bool,
) -> Vec<CodeDefault> {
    let mut files: Vec<String> = settings
        .files
        .iter()
        .flat_map(|pattern| engine::files_under(index, dir, pattern))
        .filter(|f| is_settings(f))
        .collect();
    files.sort();
    files.dedup();
    let mut found = Vec::new();
    for file in files.into_iter().take(MAX_FILES) {
        let Some(text) = index.read(&file) else { continue };
        // Compiled on the first file read: most repositories have none to read.
        let (dialects, locations) = settings.patterns(&text);
        let live = |m: &regex::bytes::Match| !engine::commented_out(&text, m.start());
        // The text is UTF-8 and each group matches whole characters.
        fn str_of<'t>(m: regex::bytes::Match<'t>) -> &'t str {
            std::str::from_utf8(m.as_bytes()).unwrap_or_default()
        }
        let line_of = |at: usize| text.as_bytes()[..at].iter().filter(|b| **b == b'\n').count();
        // One default per literal: of two patterns that find it, the first names it (a struct
        // tag's `env:"DB_DIALECT"` before its field's name).
        let mut defaults: Vec<(String, String, usize)> = Vec::new();
        let mut seen = Vec::new();
        for c in dialects.iter().flat_map(|re| re.captures_iter(text.as_bytes())) {
            let (Some(key), Some(value)) = (c.name("key"), c.name("value")) else {
                continue;
            };
            if c.get(0).is_some_and(|m| live(&m)) && names_database(str_of(value)) && !seen.contains(&value.start()) {
                seen.push(value.start());
                defaults.push((
                    str_of(key).to_string(),
                    str_of(value).to_string(),
                    line_of(value.start()),
                ));
            }
        }
        if defaults.is_empty() {
            continue;
        }
        let places: Vec<(String, usize)> = locations
            .iter()
            .flat_map(|re| re.captures_iter(text.as_bytes()))
            .filter(|c| c.get(0).is_some_and(|m| live(&m)))
            .filter_map(|c| c.name("value").map(|v| (str_of(v).to_string(), line_of(v.start()))))
            .collect();
        for (key, value, line) in defaults {
            let near = |(_, at): &&(String, usize)| at.abs_diff(line) <= LOCATION_LINES;
            found.push(CodeDefault {
                file: file.clone(),
                key,
                value,
                locations: places.iter().filter(near).map(|(place, _)| place.clone()).collect(),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Registry;

    fn defaults(files: &[(&str, &str)]) -> Vec<(String, String, String, Vec<String>)> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let index = RepoIndex::build(dir.path());
        let registry = Registry::builtin().unwrap();
        let names_database = |v: &str| ["sqlite", "sqlite3", "postgres", "postgresql", "mysql"].contains(&v);
        let is_settings = |path: &str| !path.ends_with("_test.go") && !path.starts_with("examples/");
        read(
            &index,
            ".",
            &registry.conventions.app_config.code,
            is_settings,
            names_database,
        )
        .into_iter()
        .map(|d| (d.file, d.key, d.value, d.locations))
        .collect()
    }

    #[test]
    fn a_rust_fields_default_attribute_is_read() {
        let builder = "pub struct Configuration {\n    #[builder(default = \"false\")]\n    pub force: bool,\n    #[builder(default = r#\"DatabaseUrl::from(\"sqlite://users.db?mode=rwc\")\"#)]\n    pub database_url: DatabaseUrl,\n}\n";
        let found = defaults(&[("server/src/configuration.rs", builder)]);
        assert_eq!(
            found,
            [(
                "server/src/configuration.rs".to_string(),
                "database_url".to_string(),
                "sqlite".to_string(),
                vec!["sqlite://users.db?mode=rwc".to_string()]
            )]
        );
    }

    #[test]
    fn defaults_are_read_in_the_shapes_apps_write_them() {
        let pydantic =
            "class AppSettings(BaseSettings):\n    DB_ENGINE: str = \"sqlite\"  # Options: 'sqlite', 'postgres'\n";
        let env = "DB_TYPE = os.getenv(\"DB_TYPE\", \"postgres\")\n";
        let node = "module.exports = { client: process.env.DB_CLIENT || 'mysql' };\n";
        let go = "func Defaults() Config {\n\treturn Config{Database: Database{\n\t\tDialect:    \"sqlite3\",\n\t\tConnection: \"data/app.db\",\n\t}}\n}\n";
        let tags = "type DB struct {\n\tDriver string `env:\"DB_DRIVER\" envDefault:\"postgres\"`\n}\n";
        let viper = "func init() {\n\tviper.SetDefault(\"driver\", \"sqlite\")\n}\n";
        let setting = "func InitDefaultConfig() {\n\tDatabaseType.setDefault(\"sqlite\")\n}\n";
        let flag = "var flags = []cli.Flag{\n\t&cli.StringFlag{\n\t\tName:    \"db-driver\",\n\t\tAliases: []string{\"driver\"},\n\t\tUsage:   \"database driver\",\n\t\tValue:   \"sqlite3\",\n\t},\n\t&cli.StringFlag{\n\t\tName:  \"db-datasource\",\n\t\tValue: \"woodpecker.sqlite\",\n\t},\n}\n";
        let laravel = "<?php\nreturn [\n    'default' => env('DB_CONNECTION', 'mysql'),\n    'connections' => ['sqlite' => ['driver' => 'sqlite']],\n];\n";
        let found = defaults(&[
            ("app/core/settings/settings.py", pydantic),
            ("config.py", env),
            ("src/config.js", node),
            ("config/config.go", go),
            ("internal/config.go", tags),
            ("cmd/app/main.go", viper),
            ("pkg/config/config.go", setting),
            ("cmd/server/flags.go", flag),
            ("config/database.php", laravel),
        ]);
        let picked: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|(f, k, v, _)| (f.as_str(), k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            picked,
            [
                ("app/core/settings/settings.py", "DB_ENGINE", "sqlite"),
                ("cmd/app/main.go", "driver", "sqlite"),
                ("cmd/server/flags.go", "db-driver", "sqlite3"),
                ("config.py", "DB_TYPE", "postgres"),
                ("config/config.go", "Dialect", "sqlite3"),
                ("config/database.php", "DB_CONNECTION", "mysql"),
                ("internal/config.go", "DB_DRIVER", "postgres"),
                ("pkg/config/config.go", "DatabaseType", "sqlite"),
                ("src/config.js", "DB_CLIENT", "mysql"),
            ]
        );
        let go_locations = &found.iter().find(|d| d.0 == "config/config.go").unwrap().3;
        assert_eq!(go_locations, &["data/app.db"]);
        let flag_locations = &found.iter().find(|d| d.0 == "cmd/server/flags.go").unwrap().3;
        assert_eq!(flag_locations, &["woodpecker.sqlite"]);
        // A URL default names its database by its scheme.
        let go_url = "if c.Database.URL == \"\" {\n\tc.Database.URL = fmt.Sprintf(\"sqlite:///%s?_txlock=immediate\", path)\n}\n";
        let rust_url =
            "make_config! {\n    database_url: String, false, auto, |c| format!(\"sqlite://{}\", c.data_folder);\n}\n";
        let py_url = "DATABASE_URL = os.environ.get(\"DATABASE_URL\", \"postgresql+psycopg://localhost/app\")\n";
        let compare = "if db_url.startswith(\"postgres://\"):\n    pass\n";
        let found = defaults(&[
            ("internal/config/config.go", go_url),
            ("src/config.rs", rust_url),
            ("app/config.py", py_url),
            ("settings.py", compare),
        ]);
        let picked: Vec<(&str, &str)> = found.iter().map(|(_, k, v, _)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            picked,
            [
                ("DATABASE_URL", "postgresql"),
                ("Database.URL", "sqlite"),
                ("database_url", "sqlite")
            ]
        );
    }

    #[test]
    fn text_that_is_not_ascii_keeps_unicode_classes() {
        // ASCII text is matched with ASCII classes; here `\w` must take in the `Ä`.
        let text = "# Voreinstellung: «sqlite»\nclass S:\n    DÄTA_DB_ENGINE: str = \"sqlite\"\n";
        let ascii = "class S:\n    DATA_DB_ENGINE: str = \"sqlite\"\n";
        let found = defaults(&[("settings.py", text), ("app/settings.py", ascii)]);
        let keys: Vec<&str> = found.iter().map(|d| d.1.as_str()).collect();
        assert_eq!(keys, ["DATA_DB_ENGINE", "DÄTA_DB_ENGINE"]);
    }

    #[test]
    fn comparisons_comments_tests_and_built_values_are_not_defaults() {
        let compare = "if strings.HasPrefix(c.DB.Driver, \"sqlite\") {}\nif settings.DB_ENGINE == \"postgres\" {}\n";
        let commented = "// Dialect: \"mysql\",\n";
        let test = "var c = Database{Dialect: \"postgres\"}\n";
        let other =
            "var browser = Options{Driver: \"chrome\"}\nvar cache = Cache{Driver: \"sqlite\", File: \"cache.db\"}\n";
        let found = defaults(&[
            ("config.go", compare),
            ("config/old.go", commented),
            ("config/config_test.go", test),
            ("settings.go", other),
            ("examples/mysql/config.go", "var c = Database{Dialect: \"mysql\"}\n"),
        ]);
        assert_eq!(found, []);
        let built = "func D() DB {\n\treturn DB{\n\t\tDriver: \"sqlite\",\n\t\tDataSource: \"app.db\" +\n\t\t\t\"?_pragma=busy_timeout(5000)\",\n\t}\n}\n";
        let found = defaults(&[("pkg/config/config.go", built)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].3, Vec::<String>::new(), "a concatenated value is not the file");
        // A location far from the default is some other setting's.
        let far = format!(
            "var db = Database{{Dialect: \"sqlite3\"}}\n{}var bolt = Bolt{{Path: \"cache.db\",\n}}\n",
            "\n".repeat(10)
        );
        let found = defaults(&[("config/config.go", &far)]);
        assert_eq!((found.len(), found[0].3.len()), (1, 0));
    }
}
