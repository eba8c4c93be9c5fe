//! The set of detectors a scan uses: the built-in ones compiled into the binary, plus a
//! repository's own, with the lookups the scan asks for again and again.

use super::detector::{Checks, Detector, Kind, Leaf, Match};
use super::knowledge::{Conventions, Toolchain};
use crate::ecosystems::{Ecosystem, Project};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;

const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_detectors.rs"));

/// The dependencies one of which a project must have for `detector` to match it (a `dep` leaf
/// holds only for a project of its ecosystem that has the dependency), and whether it is tried
/// on every project instead: when neither an `all` leaf nor every `any` leaf is a dependency, a
/// file or directory may satisfy it.
fn dependency_gate(detector: &Detector) -> (Vec<(Ecosystem, &str)>, bool) {
    let Match { all, any, .. } = &detector.matcher;
    // A group of dependencies only (`{ any = [{ dep = "apollo-server" }, …] }`) gates as one.
    let is_dep = |leaf: &Leaf| leaf.dep.is_some() || (!leaf.any.is_empty() && leaf.any.iter().all(|m| m.dep.is_some()));
    let gated = all.iter().any(is_dep) || (!any.is_empty() && any.iter().all(is_dep));
    let empty = all.is_empty() && any.is_empty();
    if !gated && !empty {
        return (Vec::new(), true);
    }
    let gate = all
        .iter()
        .chain(any)
        .flat_map(|leaf| std::iter::once(leaf).chain(&leaf.any))
        .filter_map(|leaf| Some((leaf.ecosystem.or(detector.ecosystem)?, leaf.dep.as_deref()?)))
        .collect();
    (gate, false)
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
    /// The detectors that only a project with one of some dependencies can match, by those
    /// dependencies (normalised as the ecosystem compares names).
    by_dep: BTreeMap<Ecosystem, std::collections::HashMap<String, Vec<usize>>>,
    /// Per detector, whether it is tried on every project: a file or directory may satisfy it.
    always: Vec<bool>,
    /// The positions of the detectors of each kind, in order.
    of_kind: Vec<(Kind, Vec<usize>)>,
}

static NO_TOOLCHAIN: std::sync::LazyLock<Toolchain> = std::sync::LazyLock::new(Toolchain::default);

impl Registry {
    /// The detectors compiled into the binary. The build checked that each file is TOML and a
    /// test runs the full validation over them, so start-up skips only the regex syntax check.
    pub fn builtin() -> Result<Registry> {
        // Room for every detector at once: a detector is a large value, and each doubling of
        // the list moved them all (7 % of an empty repository's scan).
        let mut registry = Registry {
            detectors: Vec::with_capacity(BUILTIN.len()),
            ..Registry::default()
        };
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
            // A repository's own detector replaces the built-in one, keeping its knowledge.
            detector.keep_knowledge_of(&self.detectors[i]);
            self.detectors[i] = detector;
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
            for (i, d) in self.detectors.iter().enumerate() {
                match gathered.of_kind.iter_mut().find(|(kind, _)| *kind == d.kind) {
                    Some((_, of_kind)) => of_kind.push(i),
                    None => gathered.of_kind.push((d.kind, vec![i])),
                }
                let (gate, always) = dependency_gate(d);
                gathered.always.push(always);
                for (eco, name) in gate {
                    let by_name = gathered.by_dep.entry(eco).or_default();
                    by_name.entry(eco.normalise(name)).or_default().push(i);
                }
            }
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

    /// The positions of the detectors of `kind` in [`Registry::detectors`], in order: asked for
    /// each kind of each project, without a pass over every detector.
    pub fn positions_of(&self, kind: Kind) -> &[usize] {
        let of_kind = &self.gathered().of_kind;
        of_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(&[], |(_, positions)| positions)
    }

    /// Per detector (in the registry's order), whether it may match `project`: those that need a
    /// dependency are tried only on projects that have one of theirs, so a package is not
    /// matched against the dependency rules of every technology.
    pub fn may_match(&self, project: &Project) -> Vec<bool> {
        let gathered = self.gathered();
        let mut may = gathered.always.clone();
        if let Some(by_name) = gathered.by_dep.get(&project.ecosystem) {
            for name in project.deps.keys() {
                for i in by_name.get(name.as_str()).into_iter().flatten() {
                    may[*i] = true;
                }
            }
        }
        may
    }

    /// The facts about `ecosystem` (empty when no detector holds them).
    /// The detector that holds `ecosystem`'s toolchain, whose compiled patterns its leaves use.
    pub fn toolchain_owner(&self, ecosystem: Ecosystem) -> Option<&Detector> {
        let i = *self.gathered().toolchains.get(&ecosystem)?;
        Some(&self.detectors[i])
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::detector::*;
    use crate::detect::knowledge::*;

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
    fn every_vocabulary_key_is_a_placeholder_and_every_tool_exists() {
        let registry = Registry::builtin().unwrap();
        let vocabulary = &registry.conventions.vocabulary;
        let names = vocabulary
            .tasks
            .keys()
            .chain(vocabulary.dirs.backend.keys())
            .chain(vocabulary.dirs.root.keys())
            .chain(&vocabulary.compiling)
            .chain(vocabulary.markers.iter().map(|m| &m.placeholder));
        for name in names {
            assert!(
                crate::report::extra::Extra::parse(name).is_some(),
                "{name} is not a placeholder of Extra"
            );
        }
        for tool in vocabulary.install.keys() {
            assert!(
                crate::ecosystems::runner::Tool::parse(tool).is_some(),
                "no package manager {tool}"
            );
        }
        assert!(!vocabulary.tasks.is_empty() && !vocabulary.markers.is_empty() && !vocabulary.image_files.is_empty());
    }

    #[test]
    fn every_ecosystem_has_a_toolchain_and_the_conventions_load() {
        let registry = Registry::builtin().unwrap();
        for name in [
            "node", "python", "rust", "go", "jvm", "ruby", "php", "elixir", "dotnet", "gleam",
        ] {
            let eco: Ecosystem = serde_json::from_value(serde_json::Value::from(name)).unwrap();
            let toolchain = registry.toolchain(eco);
            assert!(toolchain.runtime.is_some(), "{name} has no [toolchain] runtime");
            assert!(!toolchain.extensions.is_empty(), "{name} has no [toolchain] extensions");
        }
        let dirs = &registry.conventions.dirs;
        assert!(!dirs.frontend.is_empty() && !dirs.backend.is_empty() && !dirs.not_backend.is_empty());
        assert!(!dirs.tests.is_empty());
        assert!(registry.conventions.files.not_code.iter().any(|e| e == "md"));
        for serving in &registry.conventions.files.serving {
            for pattern in std::iter::once(&serving.contains).chain(&serving.unless) {
                regex::Regex::new(pattern).expect("[files] serving holds valid regexes");
            }
        }
        let code = &registry.conventions.app_config.code;
        for pattern in code.dialect.iter().chain(&code.location) {
            let re = regex::Regex::new(pattern).expect("[app_config.code] holds valid regexes");
            // ASCII text is matched with ASCII classes: each pattern must compile so too.
            regex::bytes::RegexBuilder::new(pattern)
                .unicode(false)
                .build()
                .expect("[app_config.code] regexes compile with ASCII classes");
            assert!(
                re.capture_names().flatten().any(|n| n == "value"),
                "{pattern} has no value group"
            );
        }
        assert!(code.dialect.iter().all(|p| p.contains("(?P<key>")));
        // Names or `*.ending`: matched without a glob engine.
        for manifest in &registry.conventions.files.unread_manifests {
            let wild = manifest.matches('*').count();
            assert!(wild == 0 || (wild == 1 && manifest.starts_with("*.")), "{manifest}");
            assert!(!manifest.contains(['?', '[', '{', '/']), "{manifest}");
        }
        let json = BUILTIN.iter().find(|(path, _)| *path == CONVENTIONS).unwrap().1;
        let unknown = json.replacen('{', "{\"typo\":1,", 1);
        assert!(
            serde_json::from_str::<Conventions>(&unknown).is_err(),
            "unknown keys are errors"
        );
    }

    #[test]
    fn what_a_test_file_imports_is_not_read_for_the_app_unless_tests_are_asked_for() {
        let registry = Registry::builtin().unwrap();
        let files = |test: &str| {
            crate::repo::index::test_index(&[
                ("package.json", r#"{"name": "svc", "dependencies": {"hono": "^4"}}"#),
                ("src/index.ts", "export const app = 1;\n"),
                ("src/index.test.ts", test),
                ("bun.lock", "{}\n"),
            ])
        };
        let sqlite = registry.get("sqlite").unwrap();
        let bun_test = registry.get("bun-test").unwrap();
        let (_dir, index) = files("import { DatabaseSync } from 'node:sqlite';\nimport { test } from 'bun:test';\n");
        let project = crate::ecosystems::collect(&index).remove(0);
        let matched = |d| crate::detect::engine::matches(d, &index, &project, registry.test_suffixes()).is_some();
        assert!(
            !matched(sqlite),
            "`src/*.ts` does not ask for tests: the test's SQLite is not the app's"
        );
        assert!(matched(bun_test), "`src/**/*.test.ts` asks for them");
        // Without suffixes to tell tests by, the test file counts like any other.
        assert!(crate::detect::engine::matches(sqlite, &index, &project, &[]).is_some());
    }

    #[test]
    fn a_detector_left_out_for_a_project_never_matches_it() {
        let registry = Registry::builtin().unwrap();
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let (mut tried, mut left_out) = (0, 0);
        for fixture in std::fs::read_dir(fixtures).unwrap() {
            let index = crate::repo::index::RepoIndex::build(&fixture.unwrap().path());
            for project in crate::ecosystems::collect(&index) {
                let may = registry.may_match(&project);
                for (d, may) in registry.detectors.iter().zip(may) {
                    let matches =
                        crate::detect::engine::matches(d, &index, &project, registry.test_suffixes()).is_some();
                    assert!(may || !matches, "{} matches {} but is left out", d.id, project.manifest);
                    tried += usize::from(matches);
                    left_out += usize::from(!may);
                }
            }
        }
        assert!(tried > 100 && left_out > tried, "{tried} matched, {left_out} left out");
    }

    #[test]
    fn a_library_marker_needs_a_file_and_a_pattern() {
        let ecosystem = |markers: &str| {
            format!(
                "id = \"lang\"\nkind = \"ecosystem\"\nname = \"Lang\"\necosystem = \"jvm\"\n[match]\nany = [{{ file = \"pom.xml\" }}]\n[toolchain]\nlibrary_markers = [{markers}]\n"
            )
        };
        let err = |markers: &str| {
            let mut registry = Registry::default();
            registry
                .add("lang.toml", &ecosystem(markers))
                .err()
                .map(|e| format!("{e:#}"))
        };
        assert_eq!(err(r#"{ file = "build.gradle", contains = "java-library" }"#), None);
        for bad in [
            r#"{ file = "build.gradle" }"#,
            r#"{ dir = "lib", contains = "x" }"#,
            r#"{ file = "build.gradle", contains = "(" }"#,
        ] {
            let text = err(bad).unwrap_or_else(|| panic!("{bad} was accepted"));
            assert!(text.contains("lang.toml"), "{text}");
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

    #[test]
    fn only_a_database_read_names_the_development_database() {
        let mut registry = Registry::default();
        let head =
            "id = \"y\"\nkind = \"data\"\nname = \"Y\"\necosystem = \"ruby\"\n[match]\nany = [{ dep = \"y\" }]\n";
        let read = |sets: &str| {
            format!(
                "{head}[[config]]\nsets = \"{sets}\"\ndevelopment = true\nfiles = [\"c.yml\"]\nyaml = \"development.adapter\"\n"
            )
        };
        let err = registry.add("y.toml", &read("migrations")).unwrap_err();
        assert!(
            format!("{err:#}").contains("`development` is for sets = \"database\" only"),
            "{err:#}"
        );
        registry.add("y.toml", &read("database")).unwrap();
    }
}
