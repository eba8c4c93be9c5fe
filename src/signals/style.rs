//! The code conventions a repository pins for its backend's source files: indentation, line
//! length, string quotes, semicolons and docstring style, read from the configuration of the
//! formatters and linters that enforce them (Prettier, Biome, Ruff, Black, rustfmt, RuboCop,
//! Flake8, pydocstyle) and from `.editorconfig`. Templates ask for these (`{{line_length}}`) and
//! no manifest says them. Which tools, files and keys is data (`[[vocabulary.style]]` of
//! conventions.toml, passed in as [`Tool`]s); here are the readers and the rules: a value is found
//! only where a config file of the repository sets it, a tool's documented default only where that
//! tool is configured for the language (and the evidence says it is the default), and a formatter
//! that enforces a value wins over `.editorconfig`, which the evidence says too.

use crate::repo::index::RepoIndex;
use crate::report::{Evidence, Extra, Field};
use serde_json::Value;
use std::collections::BTreeMap;

/// A formatter or linter, as `[[vocabulary.style]]` describes it.
#[derive(Debug, Clone, Copy)]
pub struct Tool<'a> {
    pub name: &'a str,
    /// Extensions of the source files it formats.
    pub extensions: &'a [String],
    /// Its own config files, first found wins.
    pub files: &'a [String],
    /// Files that hold its settings under a dotted key path.
    pub embedded: &'a BTreeMap<String, String>,
    /// Keys that bring settings from elsewhere: then no default is assumed.
    pub inherits: &'a [String],
    /// It takes `.editorconfig`'s values where its own config is silent (Prettier).
    pub reads_editorconfig: bool,
    /// Dotted key paths of each setting, by setting name.
    pub keys: &'a BTreeMap<String, Vec<String>>,
    /// Documented defaults, by setting name.
    pub defaults: &'a BTreeMap<String, String>,
    /// Where its config sets other values for some files.
    pub overrides: Option<Overrides<'a>>,
}

/// The keys of a config's per-file settings (Prettier's `overrides: [{files, excludeFiles,
/// options}]`).
#[derive(Debug, Clone, Copy)]
pub struct Overrides<'a> {
    pub list: &'a str,
    pub files: &'a str,
    pub exclude: Option<&'a str>,
    pub options: &'a str,
}

/// A setting a tool's key holds, as `keys` and `defaults` name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Setting {
    LineLength,
    IndentWidth,
    UseTabs,
    IndentStyle,
    QuoteStyle,
    SingleQuote,
    SkipStringNormalization,
    Semi,
    Semicolons,
    Docstring,
    Enabled,
}

impl Setting {
    pub const ALL: [Setting; 11] = [
        Setting::LineLength,
        Setting::IndentWidth,
        Setting::UseTabs,
        Setting::IndentStyle,
        Setting::QuoteStyle,
        Setting::SingleQuote,
        Setting::SkipStringNormalization,
        Setting::Semi,
        Setting::Semicolons,
        Setting::Docstring,
        Setting::Enabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Setting::LineLength => "line_length",
            Setting::IndentWidth => "indent_width",
            Setting::UseTabs => "use_tabs",
            Setting::IndentStyle => "indent_style",
            Setting::QuoteStyle => "quote_style",
            Setting::SingleQuote => "single_quote",
            Setting::SkipStringNormalization => "skip_string_normalization",
            Setting::Semi => "semi",
            Setting::Semicolons => "semicolons",
            Setting::Docstring => "docstring",
            Setting::Enabled => "enabled",
        }
    }

    pub fn parse(name: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// The placeholders this module fills.
pub const FILLED: [Extra; 5] = [
    Extra::Indentation,
    Extra::LineLength,
    Extra::QuoteStyle,
    Extra::Semicolons,
    Extra::DocstringStyle,
];

/// How far a file name's extension is trusted to say what a repository is written in.
const MOST_FILES_COUNTED: usize = 50_000;

/// The conventions pinned for the main source files of the project in `dir` (`.` for the
/// root): the files with its most common extension among `code_extensions`. When the index
/// lists none (they lie deeper than it goes: `src/main/java/org/…`), `language` is the
/// extension the project's files have (`java`), taken as a file `dir/*.java`. Only what is
/// found is returned; the rest stays unknown.
pub fn conventions(
    index: &RepoIndex,
    tools: &[Tool],
    code_extensions: &[String],
    language: Option<&str>,
    dir: &str,
) -> BTreeMap<Extra, Field> {
    let found = main_source_file(index, code_extensions, dir);
    let Some(file) = found.or_else(|| language.map(|ext| crate::fs::join(dir, &format!("*.{ext}")))) else {
        return BTreeMap::new();
    };
    let extension = extension(&file).unwrap_or_default();
    let mut candidates: BTreeMap<Extra, Vec<Candidate>> = BTreeMap::new();
    for tool in tools.iter().filter(|t| t.extensions.iter().any(|e| e == extension)) {
        let Some(mut config) = tool_config(index, tool, dir) else {
            continue;
        };
        config.apply_overrides(&file);
        for (extra, candidate) in config.values() {
            candidates.entry(extra).or_default().push(candidate);
        }
    }
    let editorconfig = editorconfig(index, &file);
    let mut out = BTreeMap::new();
    for extra in FILLED {
        let found = candidates.remove(&extra).unwrap_or_default();
        if let Some(field) = decide(found, editorconfig.get(&extra)) {
            out.insert(extra, field);
        }
    }
    out
}

/// A value one source gives a placeholder.
#[derive(Debug, Clone)]
struct Candidate {
    value: String,
    evidence: Evidence,
    /// Set in the file, not the tool's default.
    explicit: bool,
    /// The tool's name (for the evidence of a disagreement).
    tool: String,
    reads_editorconfig: bool,
}

/// Set values first, in the tools' order; then `.editorconfig`, unless the tool whose default
/// would stand ignores it; then a default. A formatter's value over `.editorconfig`'s is said.
fn decide(candidates: Vec<Candidate>, editorconfig: Option<&(String, Evidence)>) -> Option<Field> {
    let explicit = candidates.iter().find(|c| c.explicit);
    let default = candidates.iter().find(|c| !c.explicit);
    let chosen = match (explicit, default, editorconfig) {
        (Some(c), _, _) => c,
        (None, Some(d), Some(_)) if d.reads_editorconfig => return editorconfig.map(from_editorconfig),
        (None, Some(d), _) => d,
        (None, None, Some(e)) => return Some(from_editorconfig(e)),
        (None, None, None) => return None,
    };
    let mut evidence = vec![chosen.evidence.clone()];
    // The formatter says spaces and `.editorconfig` how many: both hold.
    if let Some((value, said)) = editorconfig
        && chosen.value == "spaces"
        && value.ends_with(" spaces")
    {
        evidence.push(said.clone());
        return Some(Field::found(value.clone(), evidence));
    }
    if let Some((value, said)) = editorconfig
        && *value != chosen.value
    {
        let reason = format!(
            "{} ({value}), but {} enforces {}: the formatter's value is taken",
            said.reason, chosen.tool, chosen.value
        );
        evidence.push(Evidence::new(&said.file, reason));
    }
    Some(Field::found(chosen.value.clone(), evidence))
}

fn from_editorconfig((value, evidence): &(String, Evidence)) -> Field {
    Field::found(value.clone(), vec![evidence.clone()])
}

/// A file with the most common source extension under `dir`, the first in order.
fn main_source_file(index: &RepoIndex, code_extensions: &[String], dir: &str) -> Option<String> {
    let prefix = if dir == "." || dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut counts: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    let files = index
        .files
        .range::<str, _>((std::ops::Bound::Included(prefix.as_str()), std::ops::Bound::Unbounded))
        .take_while(|f| f.starts_with(&prefix))
        .take(MOST_FILES_COUNTED);
    for file in files {
        // Not a tool's or a CI's folder (`.github/`, `.storybook/`), nor a dotfile.
        let below = &file[prefix.len()..];
        if below.starts_with('.') || below.contains("/.") {
            continue;
        }
        let Some(ext) = extension(file) else { continue };
        if code_extensions.iter().any(|e| e == ext) {
            counts.entry(ext).or_insert((0, file)).0 += 1;
        }
    }
    let mut ranked: Vec<(&str, (usize, &str))> = counts.into_iter().collect();
    // The most files; on a tie, the extension first in the alphabet (a stable answer).
    ranked.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    ranked.first().map(|(_, (_, file))| file.to_string())
}

fn extension(file: &str) -> Option<&str> {
    let name = crate::fs::file_name(file);
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty()).then_some(ext)
}

/// A tool's settings as one config file holds them.
struct Config<'a> {
    tool: &'a Tool<'a>,
    file: String,
    /// `[tool.ruff] ` before a key of an embedded table, for the evidence.
    table: Option<&'a str>,
    settings: Value,
    /// Settings an override for the file set (`printWidth`), each with the override's place
    /// in the list.
    overridden: BTreeMap<String, usize>,
}

/// The tool's first config file in the project's folder, then at the root, that holds an
/// object of settings.
fn tool_config<'a>(index: &RepoIndex, tool: &'a Tool<'a>, dir: &str) -> Option<Config<'a>> {
    let mut dirs = vec![dir];
    if dir != "." {
        dirs.push(".");
    }
    for base in dirs {
        for name in tool.files {
            let file = crate::fs::join(base, name);
            if let Some(settings) = parse(index, &file) {
                // A string (a shared config's package name) holds no settings of its own.
                return settings.is_object().then_some(Config {
                    tool,
                    file,
                    table: None,
                    settings,
                    overridden: BTreeMap::new(),
                });
            }
        }
        for (name, table) in tool.embedded {
            let file = crate::fs::join(base, name);
            let Some(settings) = parse(index, &file).and_then(|doc| lookup(&doc, table).cloned()) else {
                continue;
            };
            return settings.is_object().then_some(Config {
                tool,
                file,
                table: Some(table),
                settings,
                overridden: BTreeMap::new(),
            });
        }
    }
    None
}

/// A config file as JSON data: TOML, JSON (with comments), YAML or INI (`setup.cfg`,
/// `tox.ini`, `.flake8`: sections of string values) by its name; `.prettierrc` may be JSON or
/// YAML. A file that does not parse gives nothing and a warning naming it.
fn parse(index: &RepoIndex, file: &str) -> Option<Value> {
    if !index.has_file(file) {
        return None;
    }
    let name = crate::fs::file_name(file);
    if name.ends_with(".toml") {
        let table = index.toml(file)?;
        return serde_json::to_value(&*table).ok();
    }
    let text = index.read(file)?;
    let json = || jsonc_parser::parse_to_serde_value::<Value>(&text, &Default::default()).ok();
    let yaml = || serde_saphyr::from_str::<Value>(&text).ok();
    let parsed = if name.ends_with(".json") || name.ends_with(".jsonc") {
        json()
    } else if name.ends_with(".cfg") || name.ends_with(".ini") || name == ".flake8" || name == ".pydocstyle" {
        crate::repo::ini::sections(&text)
    } else if name.ends_with(".yml") || name.ends_with(".yaml") {
        yaml()
    } else {
        json().or_else(yaml)
    };
    if parsed.is_none() {
        index.warn(file, "does not parse; its formatting settings were not read");
    }
    parsed
}

/// The value at a dotted key path (`format.quote-style`).
fn lookup<'v>(doc: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(doc, |v, key| v.as_object()?.get(key))
}

/// A setting's value, where it comes from, and whether it is set or the default.
struct Read {
    value: Value,
    /// `printWidth 100`, or `Prettier's default printWidth 80`.
    said: String,
    explicit: bool,
}

impl Config<'_> {
    /// The settings for `file`: each override whose globs hold for it, in order, over the
    /// config's own. The evidence says which.
    fn apply_overrides(&mut self, file: &str) {
        let Some(spec) = self.tool.overrides else { return };
        let base = crate::fs::parent(&self.file);
        let path = if base == "." {
            file
        } else {
            file.strip_prefix(base)
                .and_then(|p| p.strip_prefix('/'))
                .unwrap_or(file)
        };
        let globs = |entry: &Value, key: &str| -> Vec<String> {
            match entry.get(key) {
                Some(Value::String(one)) => vec![one.clone()],
                Some(Value::Array(many)) => many.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
                _ => Vec::new(),
            }
        };
        let holds = |pattern: &String| {
            let target = if pattern.contains('/') {
                path
            } else {
                crate::fs::file_name(path)
            };
            globset::Glob::new(pattern).is_ok_and(|g| g.compile_matcher().is_match(target))
        };
        let entries = lookup(&self.settings, spec.list).and_then(Value::as_array).cloned();
        for (i, entry) in entries.into_iter().flatten().enumerate() {
            let excluded = spec.exclude.is_some_and(|key| globs(&entry, key).iter().any(holds));
            let Some(Value::Object(options)) = entry.get(spec.options) else {
                continue;
            };
            if excluded || !globs(&entry, spec.files).iter().any(holds) {
                continue;
            }
            if let Value::Object(settings) = &mut self.settings {
                for (key, value) in options {
                    settings.insert(key.clone(), value.clone());
                    self.overridden.insert(key.clone(), i);
                }
            }
        }
    }

    fn read(&self, setting: Setting) -> Option<Read> {
        let paths = self.tool.keys.get(setting.as_str());
        for path in paths.into_iter().flatten() {
            if let Some(value) = lookup(&self.settings, path) {
                let table = self.table.map(|t| format!("[{t}] ")).unwrap_or_default();
                let place = match (self.tool.overrides, self.overridden.get(path)) {
                    (Some(spec), Some(i)) => format!("{}[{i}].{}.", spec.list, spec.options),
                    _ => String::new(),
                };
                return Some(Read {
                    said: format!("{table}{place}{path} {}", plain(value)),
                    value: value.clone(),
                    explicit: true,
                });
            }
        }
        if self.tool.inherits.iter().any(|k| lookup(&self.settings, k).is_some()) {
            return None;
        }
        let default = self.tool.defaults.get(setting.as_str())?;
        let key = paths.and_then(|p| p.first()).map_or(setting.as_str(), String::as_str);
        let value = serde_json::from_str(default).unwrap_or_else(|_| Value::String(default.clone()));
        Some(Read {
            said: format!(
                "{}'s default {key} {default} (the config does not set it)",
                self.tool.name
            ),
            value,
            explicit: false,
        })
    }

    /// Every placeholder this config fills; nothing when it turns its formatter off.
    fn values(&self) -> Vec<(Extra, Candidate)> {
        if self
            .read(Setting::Enabled)
            .is_some_and(|r| r.value == Value::Bool(false))
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut put = |extra: Extra, value: Option<(String, Vec<Read>)>| {
            if let Some((value, reads)) = value {
                let explicit = reads.iter().any(|r| r.explicit);
                let said: Vec<&str> = reads.iter().map(|r| r.said.as_str()).collect();
                let candidate = Candidate {
                    value,
                    evidence: Evidence::new(&self.file, said.join(", ")),
                    explicit,
                    tool: self.tool.name.to_string(),
                    reads_editorconfig: self.tool.reads_editorconfig,
                };
                out.push((extra, candidate));
            }
        };
        put(Extra::LineLength, self.line_length());
        put(Extra::Indentation, self.indentation());
        put(Extra::QuoteStyle, self.quotes());
        put(Extra::Semicolons, self.semicolons());
        put(Extra::DocstringStyle, self.docstring());
        out
    }

    fn line_length(&self) -> Option<(String, Vec<Read>)> {
        let read = self.read(Setting::LineLength)?;
        let n = number(&read.value)?;
        Some((n.to_string(), vec![read]))
    }

    fn indentation(&self) -> Option<(String, Vec<Read>)> {
        let tabs = self.read(Setting::UseTabs).and_then(|r| Some((r.value.as_bool()?, r)));
        let style = self
            .read(Setting::IndentStyle)
            .and_then(|r| Some((indent_style(&r.value)?, r)));
        let width = self
            .read(Setting::IndentWidth)
            .and_then(|r| Some((number(&r.value)?, r)));
        // A tab setting that is set wins over a default one.
        let tabs = match (tabs, style) {
            (Some(a), Some(b)) => Some(if b.1.explicit && !a.1.explicit { b } else { a }),
            (a, b) => a.or(b),
        };
        match (tabs, width) {
            (Some((true, r)), _) => Some(("tabs".to_string(), vec![r])),
            (Some((false, r)), Some((n, w))) => Some((format!("{n} spaces"), vec![r, w])),
            (None, Some((n, w))) => Some((format!("{n} spaces"), vec![w])),
            (Some((false, r)), None) => Some(("spaces".to_string(), vec![r])),
            (None, None) => None,
        }
    }

    fn quotes(&self) -> Option<(String, Vec<Read>)> {
        if let Some(r) = self.read(Setting::QuoteStyle) {
            let word = r.value.as_str()?.to_ascii_lowercase();
            let value = if word.contains("single") {
                "single"
            } else if word.contains("double") {
                "double"
            } else {
                return None;
            };
            return Some((value.to_string(), vec![r]));
        }
        if let Some(r) = self.read(Setting::SingleQuote) {
            let value = if r.value.as_bool()? { "single" } else { "double" };
            return Some((value.to_string(), vec![r]));
        }
        let r = self.read(Setting::SkipStringNormalization)?;
        // Black makes strings double-quoted unless told to leave them as written.
        (!r.value.as_bool()?).then(|| ("double".to_string(), vec![r]))
    }

    fn semicolons(&self) -> Option<(String, Vec<Read>)> {
        if let Some(r) = self.read(Setting::Semi) {
            return Some((semicolon_words(r.value.as_bool()?).to_string(), vec![r]));
        }
        let r = self.read(Setting::Semicolons)?;
        let always = match r.value.as_str()? {
            "always" => true,
            "asNeeded" | "as-needed" | "as_needed" => false,
            _ => return None,
        };
        Some((semicolon_words(always).to_string(), vec![r]))
    }

    fn docstring(&self) -> Option<(String, Vec<Read>)> {
        let r = self.read(Setting::Docstring)?;
        let style = r.value.as_str()?.to_ascii_lowercase();
        ["google", "numpy", "pep257"]
            .contains(&style.as_str())
            .then(|| (style, vec![r]))
    }
}

/// `always`, or `as needed`: only where leaving one out would change the meaning (Prettier's
/// `semi: false`, Biome's `asNeeded`).
fn semicolon_words(always: bool) -> &'static str {
    if always { "always" } else { "as needed" }
}

/// A width or length: a whole number from 1 to 1000 (TOML and YAML may write it as a string).
fn number(value: &Value) -> Option<u64> {
    let n = match value {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (1..=1000).contains(&n).then_some(n)
}

/// `tab` / `space` (Ruff, Biome and `.editorconfig` write these) as "uses tabs".
fn indent_style(value: &Value) -> Option<bool> {
    match value.as_str()?.to_ascii_lowercase().as_str() {
        "tab" | "tabs" => Some(true),
        "space" | "spaces" => Some(false),
        _ => None,
    }
}

/// A value as a person reads it: `100`, `single`, `false`.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What `.editorconfig` sets for `file`: its indentation and line length, with the files from
/// the root down to the file's folder applied in order (a nearer one wins; one marked
/// `root = true` drops those above it).
fn editorconfig(index: &RepoIndex, file: &str) -> BTreeMap<Extra, (String, Evidence)> {
    let mut props: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut dirs: Vec<&str> = crate::fs::ancestors(crate::fs::parent(file)).collect();
    dirs.reverse();
    let mut layers: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    for dir in &dirs {
        let config = crate::fs::join(dir, ".editorconfig");
        if !index.has_file(&config) {
            continue;
        }
        let Some(text) = index.read(&config) else { continue };
        let relative = file.strip_prefix(&format!("{dir}/")).unwrap_or(file);
        let Ok(mut parser) = ec4rs::ConfigParser::new(text.as_bytes()) else {
            index.warn(&config, "does not parse; its settings were not read");
            continue;
        };
        if parser.is_root {
            layers.clear();
        }
        let mut applied = BTreeMap::new();
        for section in &mut parser {
            let Ok(section) = section else {
                index.warn(&config, "does not parse; its settings were not read");
                applied.clear();
                break;
            };
            // A pattern with a slash is anchored at the file's folder: match from there.
            if section.applies_to(format!("/{relative}")) {
                for (key, value) in section.props().iter() {
                    applied.insert(key.to_string(), value.into_str().to_string());
                }
            }
        }
        layers.push((config, applied));
    }
    for (config, applied) in layers {
        for (key, value) in applied {
            props.insert(key, (value, config.clone()));
        }
    }
    let mut out = BTreeMap::new();
    let said = |key: &str| props.get(key).map(|(v, f)| (v.to_ascii_lowercase(), f.as_str()));
    if let Some((value, config)) = said("max_line_length")
        && let Some(n) = number(&Value::String(value.clone()))
    {
        let evidence = Evidence::new(config, format!("max_line_length {n} for {file}"));
        out.insert(Extra::LineLength, (n.to_string(), evidence));
    }
    let style = said("indent_style").and_then(|(v, f)| Some((indent_style(&Value::String(v.clone()))?, v, f)));
    let size = said("indent_size").or_else(|| said("tab_width"));
    let indentation = match (style, size) {
        (Some((true, v, f)), _) => Some(("tabs".to_string(), f, format!("indent_style {v}"))),
        (Some((false, v, f)), Some((n, _))) if number(&Value::String(n.clone())).is_some() => {
            Some((format!("{n} spaces"), f, format!("indent_style {v}, indent_size {n}")))
        }
        (Some((false, v, f)), _) => Some(("spaces".to_string(), f, format!("indent_style {v}"))),
        // A size alone says how wide, not whether with spaces.
        (None, _) => None,
    };
    if let Some((value, config, text)) = indentation {
        let evidence = Evidence::new(config, format!("{text} for {file}"));
        out.insert(Extra::Indentation, (value, evidence));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, RepoIndex) {
        crate::repo::index::test_index(files)
    }

    fn exts(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_main_source_file_has_the_most_common_extension_of_the_project() {
        let (_dir, index) = tree(&[
            ("web/a.ts", ""),
            ("web/b.ts", ""),
            ("web/c.ts", ""),
            ("api/main.py", ""),
            ("api/models.py", ""),
            ("api/tool.js", ""),
            ("api/README.md", ""),
            ("api/.github/a.ts", ""),
            ("api/.github/b.ts", ""),
            ("api/.storybook/c.ts", ""),
        ]);
        let code = exts(&["py", "ts", "js"]);
        assert_eq!(main_source_file(&index, &code, "api").as_deref(), Some("api/main.py"));
        assert_eq!(main_source_file(&index, &code, ".").as_deref(), Some("web/a.ts"));
        assert_eq!(main_source_file(&index, &code, "docs"), None);
        // `api2/` is not inside `api/`.
        let (_dir, index) = tree(&[("api2/x.py", ""), ("api/x.rs", "")]);
        assert_eq!(
            main_source_file(&index, &exts(&["py", "rs"]), "api").as_deref(),
            Some("api/x.rs")
        );
    }

    #[test]
    fn editorconfig_nearer_files_win_and_root_true_drops_those_above() {
        let (_dir, index) = tree(&[
            (
                ".editorconfig",
                "root = true\n[*]\nindent_style = tab\nmax_line_length = 80\n",
            ),
            ("api/.editorconfig", "[*.py]\nindent_style = space\nindent_size = 4\n"),
            ("api/app/main.py", ""),
            ("web/.editorconfig", "root = true\n[*.ts]\nindent_size = 2\n"),
            ("web/src/main.ts", ""),
        ]);
        let api = editorconfig(&index, "api/app/main.py");
        assert_eq!(api[&Extra::Indentation].0, "4 spaces");
        assert_eq!(api[&Extra::Indentation].1.file, "api/.editorconfig");
        assert_eq!(api[&Extra::LineLength].0, "80");
        assert_eq!(api[&Extra::LineLength].1.file, ".editorconfig");
        // web/ is its own root, and a size alone does not say spaces.
        let web = editorconfig(&index, "web/src/main.ts");
        assert!(web.is_empty(), "{web:?}");
    }

    #[test]
    fn editorconfig_off_and_tab_sizes() {
        let (_dir, index) = tree(&[
            (
                ".editorconfig",
                "[*]\nindent_style = space\nindent_size = tab\ntab_width = 8\nmax_line_length = off\n",
            ),
            ("main.go", ""),
        ]);
        let found = editorconfig(&index, "main.go");
        assert!(!found.contains_key(&Extra::LineLength));
        assert_eq!(found[&Extra::Indentation].0, "spaces");
    }

    fn candidate(value: &str, explicit: bool, tool: &str, reads_editorconfig: bool) -> Candidate {
        Candidate {
            value: value.to_string(),
            evidence: Evidence::new("cfg", format!("{tool} {value}")),
            explicit,
            tool: tool.to_string(),
            reads_editorconfig,
        }
    }

    #[test]
    fn set_values_then_editorconfig_then_defaults() {
        let editor = ("120".to_string(), Evidence::new(".editorconfig", "max_line_length 120"));
        let set = decide(
            vec![
                candidate("88", false, "Black", false),
                candidate("100", true, "Ruff", false),
            ],
            Some(&editor),
        )
        .unwrap();
        assert_eq!(set.value.as_deref(), Some("100"));
        assert!(
            set.evidence[1].reason.contains("Ruff enforces 100"),
            "{:?}",
            set.evidence
        );
        // Prettier's default gives way to .editorconfig, which Prettier reads.
        let prettier = decide(vec![candidate("80", false, "Prettier", true)], Some(&editor)).unwrap();
        assert_eq!(prettier.value.as_deref(), Some("120"));
        // Black's default does not: Black ignores .editorconfig.
        let black = decide(vec![candidate("88", false, "Black", false)], Some(&editor)).unwrap();
        assert_eq!(black.value.as_deref(), Some("88"));
        assert_eq!(black.evidence.len(), 2);
        assert!(decide(Vec::new(), None).is_none());
        // Spaces from the formatter, how many from .editorconfig.
        let four = ("4 spaces".to_string(), Evidence::new(".editorconfig", "indent_size 4"));
        let spaces = decide(vec![candidate("spaces", true, "Biome", false)], Some(&four)).unwrap();
        assert_eq!(spaces.value.as_deref(), Some("4 spaces"));
        assert_eq!(spaces.evidence.len(), 2);
    }

    #[test]
    fn numbers_are_bounded_whole_widths() {
        assert_eq!(number(&serde_json::json!(100)), Some(100));
        assert_eq!(number(&serde_json::json!("120")), Some(120));
        for bad in [
            serde_json::json!(0),
            serde_json::json!(-1),
            serde_json::json!(1.5),
            serde_json::json!(100_000),
            serde_json::json!("off"),
            serde_json::json!(true),
        ] {
            assert_eq!(number(&bad), None, "{bad}");
        }
    }
}
