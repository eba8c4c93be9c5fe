//! Evaluates detector rules against one project: match leaves, config reads and directory
//! candidates. Everything is answered from the [`RepoIndex`]; nothing here touches the disk.

use super::detector::{ConfigRead, Detector, Leaf, Match, Sets};
use super::globs::{self, Of, is_glob, matching};
use crate::ecosystems::{Project, Scope};
use crate::repo::index::RepoIndex;
use crate::report::{Evidence, EvidenceKind};
use std::borrow::Cow;

/// What every detector tried on one project looks its files up in, found once for them all.
pub struct Listing<'i> {
    /// The names directly inside the project's folder under which files are listed
    /// ([`RepoIndex::names_in`]).
    names: Vec<&'i str>,
    /// Their [`globs::name_bits`].
    name_bits: u64,
    /// Every file below the project's folder, when there are few (a workspace package): its
    /// rules look through these rather than search the whole index, so a workspace of
    /// thousands of packages costs each package its own files.
    few: Option<Vec<&'i str>>,
    /// The length of the folder's `dir/` prefix of those paths.
    prefix_len: usize,
    /// The endings of test files' names (`.test.ts`, `_test.go`), from every ecosystem.
    test_suffixes: &'i [String],
}

impl<'i> Listing<'i> {
    /// Up to this many files below a project are looked through rather than searched.
    const FEW: usize = 64;

    /// `test_suffixes`: [`Registry::test_suffixes`](crate::detect::Registry::test_suffixes).
    pub fn of(index: &'i RepoIndex, dir: &str, test_suffixes: &'i [String]) -> Listing<'i> {
        let names = index.names_in(dir);
        Listing {
            name_bits: globs::name_bits(names.iter().copied()),
            names,
            few: index.few_files_below(dir, Self::FEW),
            prefix_len: if dir == "." || dir.is_empty() { 0 } else { dir.len() + 1 },
            test_suffixes,
        }
    }

    /// Whether `file` is a test, where `pattern` does not ask for tests: what a test imports
    /// (`node:sqlite`, `Bun.serve(`) says nothing of the app, so its text is not read for it.
    fn test_not_asked_for(&self, pattern: &str, file: &str) -> bool {
        // `src/test/**/*.java` asks for tests by its folder, `**/*.test.ts` by its name.
        ends_like_test(self.test_suffixes, crate::fs::file_name(file))
            && !ends_like_test(self.test_suffixes, pattern)
            && !pattern.contains("test")
            && !pattern.contains("spec")
    }

    /// Repo-relative files matching a project-relative path or glob, as [`project_files`].
    fn files(&self, index: &RepoIndex, project: &Project, pattern: &str) -> Vec<String> {
        let plain = || pattern.split('/').all(|p| !p.is_empty() && p != "." && p != "..");
        match &self.few {
            Some(few) if is_glob(pattern) || plain() => globs::among(few, self.prefix_len, pattern)
                .into_iter()
                .map(str::to_string)
                .collect(),
            _ => project_files(index, project, pattern),
        }
    }
}

/// Whether a file name (or a pattern) ends like a test module of some ecosystem: one of
/// `suffixes`, [`Registry::test_suffixes`](crate::detect::Registry::test_suffixes).
pub fn ends_like_test(suffixes: &[String], name: &str) -> bool {
    // Every convention has `st` (test, Test), `pe` (spec) or `IT` in the name (detector
    // validation holds the suffixes to it): in a large tree nearly every file fails this one
    // pass, before the suffixes are tried one by one.
    let hints = |pair: &[u8]| matches!(pair, b"st" | b"pe" | b"IT");
    name.as_bytes().windows(2).any(hints) && suffixes.iter().any(|s| name.ends_with(s.as_str()))
}

/// Whether `detector` matches `project`, with the evidence of every leaf that held.
/// `test_suffixes`: [`Registry::test_suffixes`](crate::detect::Registry::test_suffixes).
pub fn matches(
    detector: &Detector,
    index: &RepoIndex,
    project: &Project,
    test_suffixes: &[String],
) -> Option<Vec<Evidence>> {
    matches_among(
        detector,
        index,
        project,
        &Listing::of(index, &project.dir, test_suffixes),
    )
}

/// [`matches`], given the project's [`Listing`], found once for all the detectors tried on it.
pub fn matches_among(
    detector: &Detector,
    index: &RepoIndex,
    project: &Project,
    listing: &Listing,
) -> Option<Vec<Evidence>> {
    let Match { all, any, not } = &detector.matcher;
    if all.is_empty() && any.is_empty() {
        return None;
    }
    let mut evidence = Vec::new();
    // A group in `all` is a gate (the project runs on Bun, say): its evidence follows what
    // told the detector apart (the file that calls `Bun.serve`), which a field names first.
    let mut gates = Vec::new();
    for leaf in all {
        let held = leaf_holds(detector, leaf, index, project, listing)?;
        if leaf.any.is_empty() {
            evidence.extend(held);
        } else {
            gates.extend(held);
        }
    }
    if !any.is_empty() {
        let held: Vec<Evidence> = any
            .iter()
            .filter_map(|leaf| leaf_holds(detector, leaf, index, project, listing))
            .flatten()
            .collect();
        if held.is_empty() {
            return None;
        }
        evidence.extend(held);
    }
    evidence.extend(gates);
    if not
        .iter()
        .any(|leaf| leaf_holds(detector, leaf, index, project, listing).is_some())
    {
        return None;
    }
    Some(evidence)
}

fn leaf_holds(
    detector: &Detector,
    leaf: &Leaf,
    index: &RepoIndex,
    project: &Project,
    listing: &Listing,
) -> Option<Vec<Evidence>> {
    if !leaf.any.is_empty() {
        return leaf
            .any
            .iter()
            .find_map(|member| leaf_holds(detector, member, index, project, listing));
    }
    if let Some(name) = &leaf.dep {
        if leaf.ecosystem.or(detector.ecosystem) != Some(project.ecosystem) {
            return None;
        }
        let dep = project.dep(name)?;
        let (scope, kind) = if dep.scope == Scope::Dev {
            ("dev dependency", EvidenceKind::DevDependency)
        } else {
            ("dependency", EvidenceKind::Dependency)
        };
        if leaf.features.is_empty() {
            return Some(vec![Evidence::of(kind, &dep.file, format!("{scope} {name}"))]);
        }
        let feature = leaf.features.iter().find(|f| dep.features.contains(f))?;
        return Some(vec![Evidence::of(
            kind,
            &dep.file,
            format!("{scope} {name} with feature {feature}"),
        )]);
    }
    if let Some(dir) = &leaf.dir {
        let path = project.path(dir);
        return index
            .has_dir(&path)
            .then(|| vec![Evidence::new(&path, "directory exists")]);
    }
    let pattern = leaf.file.as_deref()?;
    if leaf.or_above {
        if !index.may_have_file_named(pattern) {
            return None;
        }
        return crate::fs::ancestors(&project.dir)
            .map(|dir| crate::fs::join(dir, pattern))
            .find(|file| index.has_file(file))
            .map(|file| vec![Evidence::new(&file, "file exists")]);
    }
    // Most file leaves tried on a small package end here, without a path built or looked up.
    if !leaf.first_part().may_be_among(&listing.names, listing.name_bits) {
        return None;
    }
    let mut evidence = Vec::new();
    for file in listing.files(index, project, pattern) {
        match &leaf.contains {
            None => evidence.push(Evidence::new(&file, "file exists")),
            Some(_) if listing.test_not_asked_for(pattern, &file) => {}
            Some(re) => {
                let Some(text) = index.read(&file) else { continue };
                if detector.regex(re).is_match(text.as_bytes()) {
                    evidence.push(Evidence::new(&file, format!("content matches /{re}/")));
                }
            }
        }
        if !evidence.is_empty() {
            break; // one file is enough evidence
        }
    }
    (!evidence.is_empty()).then_some(evidence)
}

/// Repo-relative files matching a project-relative path or glob.
pub fn project_files(index: &RepoIndex, project: &Project, pattern: &str) -> Vec<String> {
    files_under(index, &project.dir, pattern)
}

/// Repo-relative files matching a path or glob relative to the directory `dir`.
pub fn files_under(index: &RepoIndex, dir: &str, pattern: &str) -> Vec<String> {
    if !is_glob(pattern) {
        let full = crate::fs::join(dir, pattern);
        return if index.has_file(&full) { vec![full] } else { Vec::new() };
    }
    matching(index, Of::Files, dir, pattern)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// Repo-relative directories matching a project-relative path or glob, in candidate order. A
/// pattern naming files (`**/apps.py`) yields the directories that hold them.
pub fn project_dirs(index: &RepoIndex, project: &Project, patterns: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for pattern in patterns {
        let full = project.path(pattern);
        let names_file = crate::fs::file_name(pattern).contains('.') && !crate::fs::file_name(pattern).starts_with('.');
        let found: Vec<String> = if names_file {
            project_files(index, project, pattern)
                .iter()
                .map(|f| crate::fs::parent(f).to_string())
                .collect()
        } else if is_glob(pattern) {
            matching(index, Of::Dirs, &project.dir, pattern)
                .into_iter()
                .map(str::to_string)
                .collect()
        } else if full != "." && index.has_dir(&full) {
            vec![full]
        } else {
            Vec::new()
        };
        for dir in found {
            if seen.insert(dir.clone()) {
                out.push(dir);
            }
        }
    }
    out
}

/// One value read from a config file.
#[derive(Debug, Clone)]
pub struct ConfigValue {
    pub value: String,
    /// Repo-relative file the value came from.
    pub file: String,
}

/// Every value `read` finds in the project's config files, with `template` applied.
pub fn read_config(detector: &Detector, read: &ConfigRead, index: &RepoIndex, project: &Project) -> Vec<ConfigValue> {
    let mut out = Vec::new();
    for pattern in &read.files {
        for file in project_files(index, project, pattern) {
            let Some(text) = index.read(&file) else {
                continue;
            };
            if read
                .unless
                .as_deref()
                .is_some_and(|u| detector.regex(u).is_match(text.as_bytes()))
            {
                continue;
            }
            let values = extract(detector, read, &text);
            // A `selects` value is a list (`dev,local`), each item a settings name; a placeholder
            // stands for its default.
            let items = values.iter().flat_map(|raw| match read.sets {
                Sets::Selects => list_items(raw),
                _ => vec![with_defaults(raw.trim()).into_owned()],
            });
            for raw in items.filter(|raw| !raw.is_empty()) {
                let value = match &read.template {
                    Some(t) => apply_template(t, &raw, &file, &project.dir),
                    None => raw,
                };
                out.push(ConfigValue {
                    value,
                    file: file.clone(),
                });
            }
        }
    }
    out
}

fn extract(detector: &Detector, read: &ConfigRead, text: &str) -> Vec<String> {
    if let Some(path) = &read.json {
        // JSON with comments too: .NET's `appsettings.json` and tsconfig-style files allow them.
        let json: serde_json::Value = match jsonc_parser::parse_to_serde_value(text, &Default::default()) {
            Ok(v) => v,
            Err(_) => return Vec::new(), // the manifest reader already warned
        };
        let keys: Vec<&str> = path.split('.').collect();
        let mut found = Vec::new();
        json_lookup(&json, &keys, &mut found);
        return found;
    }
    if let Some(path) = &read.toml {
        let Ok(table) = text.parse::<toml::Table>() else {
            return Vec::new();
        };
        let mut parts = path.split('.');
        let first = parts.next().and_then(|k| table.get(k));
        let found = parts.try_fold(first, |v, k| Some(v?.get(k)));
        return found
            .flatten()
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .into_iter()
            .collect();
    }
    if let Some(path) = &read.ini {
        let Ok(ini) = ini::Ini::load_from_str(text) else {
            return Vec::new();
        };
        let (section, key) = path.split_once('.').unwrap_or(("", path));
        // `*.key` reads the key from every section (alembic.ini with one section per tree).
        if section == "*" {
            return ini
                .iter()
                .filter_map(|(_, props)| props.get(key))
                .map(str::to_string)
                .collect();
        }
        let section = (!section.is_empty()).then_some(section);
        // A `.properties` file has no sections and dotted keys (`spring.datasource.url`).
        let found = ini.get_from(section, key).or_else(|| ini.get_from(None::<&str>, path));
        return found.map(str::to_string).into_iter().collect();
    }
    if let Some(path) = &read.yaml {
        let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(text).unwrap_or_default();
        let keys: Vec<&str> = path.split('.').collect();
        return docs
            .iter()
            .filter_map(|doc| yaml_lookup(doc, &keys))
            .map(str::to_string)
            .collect();
    }
    if let Some(pattern) = &read.regex {
        let live = |m: &regex::bytes::Match| !commented_out(text, m.start()) && !compared(text, m.start());
        let mut found: Vec<(usize, String)> = detector
            .regex(pattern)
            .captures_iter(text.as_bytes())
            .filter(|c| c.get(0).is_some_and(|m| live(&m)))
            .filter_map(|c| {
                c.name("value")
                    .map(|m| (m.start(), String::from_utf8_lossy(m.as_bytes()).into_owned()))
            })
            .collect();
        let default_from = read.default_from.as_deref().and_then(|from| {
            let c = detector
                .regex(from)
                .captures_iter(text.as_bytes())
                .find(|c| c.get(0).is_some_and(|m| live(&m)))?;
            assignment(text, std::str::from_utf8(c.name("value")?.as_bytes()).ok()?)
        });
        if let Some(at) = default_from {
            // Stable: the values from the assignment on, in order, then those before it.
            found.sort_by_key(|(start, _)| *start < at);
        }
        return found.into_iter().map(|(_, value)| value).collect();
    }
    Vec::new()
}

/// Where the first line that assigns `name` (`name = …` or, annotated, `name: dict = …`; not
/// `name == …`) starts.
fn assignment(text: &str, name: &str) -> Option<usize> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let Some(rest) = line.trim_start().strip_prefix(name) else {
            continue;
        };
        let rest = rest.trim_start();
        // An annotation runs up to the `=` (`: dict[str, Any] =`).
        let value = match rest.strip_prefix(':') {
            Some(annotated) => annotated.split_once('=').map(|(_, value)| value),
            None => rest.strip_prefix('='),
        };
        if value.is_some_and(|v| !v.starts_with('=')) {
            return Some(start);
        }
    }
    None
}

/// Whether the text before `at` on its line opens a line comment (`# SQLALCHEMY_DATABASE_URI =
/// "postgresql://…"`, `// db, _ := gorm.Open(…)`): a value there is switched off. A match that
/// starts with the marker itself (`#[cfg(test)]`) is the regex's to judge.
pub(crate) fn commented_out(text: &str, at: usize) -> bool {
    let before = line_before(text, at).trim_ascii_start();
    // A Rust attribute with arguments (`#[builder(default = …)]`, `#![allow(…)]`) is code; a
    // commented-out TOML header (`#[database]`) has no parenthesis.
    let attribute = before
        .strip_prefix(b"#!")
        .or_else(|| before.strip_prefix(b"#"))
        .and_then(|b| b.strip_prefix(b"["))
        .is_some_and(|rest| {
            let name = rest
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            name > 0 && rest.get(name) == Some(&b'(')
        });
    if attribute {
        return false;
    }
    ["#", "//", "--", ";", "/*", "* ", "<!--"]
        .iter()
        .any(|marker| before.starts_with(marker.as_bytes()))
}

/// Whether what starts at `at` is compared with, not set (`if … ENGINE == "django.db.backends.mysql":`
/// works around one database, it does not pick it).
fn compared(text: &str, at: usize) -> bool {
    // This line's text only: a line above ending in `==` (`# ====`, a base64 value) is not it.
    let before = line_before(text, at).trim_ascii_end();
    before.ends_with(b"==") || before.ends_with(b"!=")
}

/// The text of the line `at` is on, before it. Bytes, not a `str` slice: a byte regex may start
/// a match inside a character.
fn line_before(text: &str, at: usize) -> &[u8] {
    let bytes = &text.as_bytes()[..at.min(text.len())];
    let line_start = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    &bytes[line_start..]
}

/// The strings at `keys` in a JSON document, where a `*` key stands for every key of its object
/// (`ConnectionStrings.*`: each named connection string) and `a|b` for either name. A name is
/// matched in any case when none is written as asked: .NET reads `DBProvider` for `DbProvider`.
fn json_lookup(value: &serde_json::Value, keys: &[&str], found: &mut Vec<String>) {
    match keys.split_first() {
        None => found.extend(value.as_str().map(str::to_string)),
        Some((&"*", rest)) => {
            for child in value.as_object().into_iter().flat_map(|m| m.values()) {
                json_lookup(child, rest, found);
            }
        }
        Some((key, rest)) => {
            let Some(object) = value.as_object() else { return };
            for name in key.split('|') {
                let child = object.get(name).or_else(|| {
                    object
                        .iter()
                        .find_map(|(k, v)| k.eq_ignore_ascii_case(name).then_some(v))
                });
                if let Some(child) = child {
                    json_lookup(child, rest, found);
                }
            }
        }
    }
}

/// The string at `keys` in a YAML mapping, where any run of keys may be written as one dotted
/// key (`spring: datasource.url:` and `spring.datasource.url:` both hold `spring.datasource.url`).
fn yaml_lookup<'a>(value: &'a serde_json::Value, keys: &[&str]) -> Option<&'a str> {
    if keys.is_empty() {
        return value.as_str();
    }
    let map = value.as_object()?;
    (1..=keys.len()).find_map(|n| {
        let key = keys[..n].join(".");
        yaml_lookup(map.get(&key)?, &keys[n..])
    })
}

/// The items of a comma-separated list, where a `${VAR:default}` placeholder stands for its
/// default (`${SPRING_PROFILES_ACTIVE:dev}` → `dev`) and one without a default or a build-time
/// one (`@profiles.active@`) for nothing.
fn list_items(raw: &str) -> Vec<String> {
    with_defaults(raw.trim())
        .split(',')
        .map(str::trim)
        .filter(|item| !item.contains(['$', '@']))
        .map(str::to_string)
        .collect()
}

/// `raw` with each `${NAME:default}` (Spring, Quarkus) or `${NAME:-default}` (shell) placeholder,
/// nested ones too, replaced by its default: what the app reads when the variable is not set
/// (`${DATABASE_URL:jdbc:mariadb://${DB_HOST:localhost}/app}` → `jdbc:mariadb://localhost/app`).
/// A placeholder without a default stays as written. A value that is one ERB tag with a default
/// ([`erb_default`]) is that default.
fn with_defaults(raw: &str) -> Cow<'_, str> {
    if let Some(default) = erb_default(raw) {
        return Cow::Owned(default);
    }
    if !raw.contains("${") {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let mut depth = 1;
        let end = after.char_indices().find_map(|(i, c)| {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            (depth == 0).then_some(i)
        });
        let Some(end) = end else {
            out.push_str(&rest[start..]);
            return Cow::Owned(out);
        };
        let inner = &after[..end];
        let name_end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(inner.len());
        // `:-`, `-`, `:=` and `=` give a default (shell); so does a bare `:` (Spring), unless it
        // starts another operator (`:?error`, `:+alternative`).
        let operator = &inner[name_end..];
        let default = [":-", ":=", "-", "="]
            .iter()
            .find_map(|op| operator.strip_prefix(op))
            .or_else(|| operator.strip_prefix(':').filter(|d| !d.starts_with(['?', '+'])));
        match default {
            Some(default) => out.push_str(&with_defaults(default)),
            None => out.push_str(&rest[start..start + 2 + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A Rails config value that is all one ERB tag reading the environment with a default (`<%=
/// ENV['DB_HOST'] || 'localhost' %>`, `<%= ENV.fetch("DB_USER") { "app" } %>`, `<%=
/// ENV.fetch('PORT', 5432) %>`): the default.
fn erb_default(raw: &str) -> Option<String> {
    static DEFAULT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?:\|\||\bfetch\(\s*['"][^'"]+['"]\s*(?:,|\)\s*\{))\s*(?:'([^']*)'|"([^"]*)"|(\d+))"#)
            .unwrap()
    });
    let inner = raw.trim().strip_prefix("<%=")?.strip_suffix("%>")?;
    let caps = DEFAULT.captures(inner)?;
    Some(caps.get(1).or(caps.get(2)).or(caps.get(3))?.as_str().to_string())
}

/// `{value}`: the raw value; `{dir}`: its parent directory; `{file}`: the config file relative
/// to the project; `{file_dir}`: that file's directory (`./cmd/api`, or `.`); `{module}`: that
/// file as a Python module path (`app/main.py` → `app.main`); `{value_path}`: the value, a
/// module, as a path (`shop.settings.dev` → `shop/settings/dev`).
fn apply_template(template: &str, raw: &str, file: &str, project_dir: &str) -> String {
    let rel_file = if project_dir == "." {
        file.to_string()
    } else {
        file.strip_prefix(&format!("{project_dir}/"))
            .unwrap_or(file)
            .to_string()
    };
    let module = rel_file
        .strip_prefix("src/")
        .unwrap_or(&rel_file)
        .trim_end_matches(".py")
        .trim_end_matches("/__init__")
        .replace('/', ".");
    let file_dir = match crate::fs::parent(&rel_file) {
        "." => ".".to_string(),
        dir => format!("./{dir}"),
    };
    template
        .replace("{value_path}", &raw.replace('.', "/"))
        .replace("{value}", raw)
        .replace("{dir}", crate::fs::parent(raw))
        .replace("{file_dir}", &file_dir)
        .replace("{file}", &rel_file)
        .replace("{module}", &module)
}

/// Turns a path as configs write it into a clean relative path: joins the string literals of
/// `path.resolve('db', 'migrations')`, drops `%(here)s/` and `./`, and cuts glob tails
/// (`src/migrations/*.ts` → `src/migrations`).
pub fn clean_path(value: &str) -> String {
    // JVM locations: `classpath:db/migration,filesystem:sql` → the first, as a path.
    let jvm = ["classpath:", "filesystem:"]
        .iter()
        .find_map(|p| value.trim().strip_prefix(p));
    let value = match jvm {
        Some(location) => location.split(',').next().unwrap_or(location).trim(),
        None => value,
    };
    let literals: Vec<&str> = value
        .split(['\'', '"', '`'])
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s)
        .collect();
    let joined = if literals.is_empty() {
        value.to_string()
    } else {
        literals.join("/")
    };
    let joined = joined.replace("%(here)s", ".").replace('\\', "/");
    let kept: Vec<&str> = joined
        .split('/')
        .take_while(|part| !part.contains(['*', '?', '{', '[']))
        .collect();
    // Leading `..` climb out of the project (`sqlx::migrate!("../../migrations")` in a
    // workspace member); they are kept for the caller to resolve against its base.
    let ups = kept
        .iter()
        .take_while(|p| **p == ".." || **p == ".")
        .filter(|p| **p == "..")
        .count();
    let rest: Vec<&str> = kept.iter().copied().skip_while(|p| *p == ".." || *p == ".").collect();
    let path = match (ups, crate::fs::join(".", &rest.join("/"))) {
        (0, path) => path,
        (_, path) if path == "." => vec![".."; ups].join("/"),
        (_, path) => format!("{}/{path}", vec![".."; ups].join("/")),
    };
    // A path naming a file (`migrations/index.ts`) means its directory.
    if path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.') && last != "." && !last.starts_with('.'))
    {
        let last = path.rsplit('/').next().unwrap_or("");
        const FILE_EXTENSIONS: &[&str] = &[".ts", ".js", ".py", ".sql", ".yaml", ".yml", ".xml", ".json"];
        if FILE_EXTENSIONS.iter().any(|e| last.ends_with(e)) {
            return crate::fs::parent(&path).to_string();
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_path_takes_either_name_in_any_case_under_every_key() {
        let doc: serde_json::Value = jsonc_parser::parse_to_serde_value(
            "{ // .NET settings allow comments\n \"Blog\": { \"DBProvider\": \"Sqlite\" }, \"Other\": { \"DatabaseProvider\": \"Postgres\" }, \"dbprovider\": 1 }",
            &Default::default(),
        )
        .unwrap();
        let mut found = Vec::new();
        json_lookup(&doc, &["*", "DbProvider|DatabaseProvider"], &mut found);
        assert_eq!(found, ["Sqlite", "Postgres"]);
        found.clear();
        json_lookup(&doc, &["DbProvider"], &mut found);
        assert!(found.is_empty(), "a number is no setting's text: {found:?}");
    }

    #[test]
    fn a_selects_value_is_a_list_whose_placeholders_stand_for_their_defaults() {
        assert_eq!(list_items("dev, ${EXTRA_PROFILE}"), ["dev"]);
        assert_eq!(list_items(" ${SPRING_PROFILES_ACTIVE:local} "), ["local"]);
        assert_eq!(list_items("@profiles.active@"), Vec::<&str>::new());
        assert_eq!(list_items("shop.settings.devel"), ["shop.settings.devel"]);
    }

    #[test]
    fn a_placeholder_stands_for_its_default_nested_ones_too() {
        let url = "${DATABASE_URL:jdbc:mariadb://${DB_HOST:${HOST:mariadb}}:${PORT:3306}/${NAME:app}?x=1}";
        assert_eq!(with_defaults(url), "jdbc:mariadb://mariadb:3306/app?x=1");
        assert_eq!(with_defaults("${DB:-sqlite:///dev.db}"), "sqlite:///dev.db");
        assert_eq!(
            with_defaults("postgres://${DB_USER}@localhost/app"),
            "postgres://${DB_USER}@localhost/app"
        );
        assert_eq!(with_defaults("${unclosed:x"), "${unclosed:x");
        assert_eq!(with_defaults("plain"), "plain");
        assert_eq!(with_defaults("${HOST:=db}"), "db");
        assert_eq!(with_defaults("${HOST:?set HOST}"), "${HOST:?set HOST}");
        assert_eq!(with_defaults("${HOST:+other}"), "${HOST:+other}");
        assert_eq!(
            with_defaults("<%= (ENV['DB_HOST'] || 'localhost').to_json %>"),
            "localhost"
        );
        assert_eq!(with_defaults("<%= ENV.fetch(\"DB_USER\") { \"app\" } %>"), "app");
        assert_eq!(with_defaults("<%= ENV.fetch('DB_PORT', 5432) %>"), "5432");
        assert_eq!(with_defaults("<%= ENV['DB_USER'] || '' %>"), "");
        assert_eq!(with_defaults("<%= ENV['DB_HOST'] %>"), "<%= ENV['DB_HOST'] %>");
    }

    #[test]
    fn compared_values_are_not_settings() {
        let text = "if DATABASES['default']['ENGINE'] == 'django.db.backends.mysql':\n    'ENGINE': 'django.db.backends.sqlite3',\nx != \"pg\"";
        assert!(compared(text, text.find("'django.db.backends.mysql").unwrap()));
        assert!(!compared(text, text.find("'django.db.backends.sqlite3").unwrap()));
        assert!(compared(text, text.find("\"pg").unwrap()));
        // Only the line's own text: a banner or a base64 value above ends in `==`.
        let env = "# =====\nJWT_SECRET=abc==\nFLASK_APP=app.serve\n";
        assert!(!compared(env, env.find("JWT").unwrap()));
        assert!(!compared(env, env.find("FLASK_APP").unwrap()));
    }

    #[test]
    fn matches_on_commented_lines_are_switched_off() {
        let text = "# URI = 'postgresql://x'\nURI = 'sqlite:///app.db'\n  // gorm.Open(\"a.db\")\n#[cfg(test)]\n";
        assert!(commented_out(text, text.find("postgresql").unwrap()));
        assert!(!commented_out(text, text.find("sqlite").unwrap()));
        assert!(commented_out(text, text.find("gorm").unwrap()));
        assert!(!commented_out(text, text.find("#[cfg").unwrap()));
        // Inside a Rust attribute's arguments: code. After a commented-out TOML header: not.
        let rust = "    #[builder(default = \"sqlite://users.db\")]\n#![allow(x = \"a\")]\n#[database] url = \"b\"\n";
        assert!(!commented_out(rust, rust.find("default").unwrap()));
        assert!(!commented_out(rust, rust.find("x =").unwrap()));
        assert!(commented_out(rust, rust.find("url").unwrap()));
    }

    #[test]
    fn clean_path_handles_config_shapes() {
        assert_eq!(clean_path("path.resolve('db', 'migrations')"), "db/migrations");
        assert_eq!(clean_path("%(here)s/alembic"), "alembic");
        assert_eq!(clean_path("./drizzle"), "drizzle");
        assert_eq!(clean_path("src/database/migrations/*.ts"), "src/database/migrations");
        assert_eq!(clean_path("dist/migrations/**/*{.ts,.js}"), "dist/migrations");
        assert_eq!(clean_path("app/db/migrations"), "app/db/migrations");
        assert_eq!(clean_path("src/migrations/index.ts"), "src/migrations");
        assert_eq!(clean_path("../../migrations"), "../../migrations");
        assert_eq!(clean_path("./../db/./migrations"), "../db/migrations");
        assert_eq!(
            clean_path("classpath:db/migration/pg,classpath:db/common"),
            "db/migration/pg"
        );
        assert_eq!(
            clean_path("classpath:db/changelog/db.changelog-master.yaml"),
            "db/changelog"
        );
    }

    #[test]
    fn yaml_keys_nested_or_dotted() {
        let doc: serde_json::Value =
            serde_saphyr::from_str("spring:\n  datasource.url: jdbc:postgresql://db/app\nflat.key: 1\n").unwrap();
        let keys = ["spring", "datasource", "url"];
        assert_eq!(yaml_lookup(&doc, &keys), Some("jdbc:postgresql://db/app"));
        assert_eq!(yaml_lookup(&doc, &["spring", "missing"]), None);
    }

    #[test]
    fn template_builds_python_modules() {
        assert_eq!(
            apply_template("{module}:{value}", "app", "api/src/pkg/main.py", "api"),
            "pkg.main:app"
        );
        assert_eq!(
            apply_template("{dir}/migrations", "prisma/schema.prisma", "package.json", "."),
            "prisma/migrations"
        );
        assert_eq!(apply_template("{file_dir}", "x", "cmd/api/main.go", "."), "./cmd/api");
        assert_eq!(apply_template("{file_dir}", "x", "svc/main.go", "svc"), ".");
    }

    #[test]
    fn an_assignment_is_found_by_its_name_annotated_or_not() {
        let text = "PG_OLD = {}\nif PG == 1:\n    pass\nPG: dict = {'ENGINE': 'x'}\nLITE = {}\nLITE['NAME'] = 1\n";
        assert_eq!(assignment(text, "PG"), text.find("PG: dict"));
        assert_eq!(assignment(text, "LITE"), text.find("LITE = {}"));
        assert_eq!(assignment(text, "MISSING"), None);
        assert_eq!(assignment("X: int\nX == 1\n", "X"), None, "no value is assigned");
    }
}
