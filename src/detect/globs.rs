//! Which paths of the index a detector's glob names. A glob of a fixed depth (no `**`, and no
//! `/` inside braces or classes) is answered by walking the folders it can reach (`*/settings.py`
//! looks at the root's folders, not at every file below them); a glob with `**` looks its file
//! name up in the index's by-name index in a large repository, else tries every path under its
//! literal prefix; braces that hold a `/` are looked up spelling by spelling. The compiled glob
//! always makes the final decision.

use crate::repo::index::RepoIndex;
use crate::repo::names::in_folder;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// Which of the index's sets a glob is matched against.
#[derive(Debug, Clone, Copy)]
pub enum Of {
    Files,
    Dirs,
}

pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

/// Globs compiled so far, shared by every scan of the process: detector globs are relative to the
/// project, so a bulk run compiles each once, not once per repository.
static GLOBS: LazyLock<Mutex<HashMap<String, Option<Arc<GlobSet>>>>> = LazyLock::new(Default::default);

/// A glob as a matcher, compiled once per process and pattern. A one-glob set rather than a
/// single matcher: globset answers name-only shapes (`**/data-source.ts`, `*.sql`) by comparing
/// strings, without building a regex.
fn glob(pattern: &str) -> Option<Arc<GlobSet>> {
    // A panic elsewhere while the lock was held leaves the map whole: take it back.
    if let Some(found) = GLOBS.lock().unwrap_or_else(|e| e.into_inner()).get(pattern) {
        return found.clone();
    }
    let compiled = GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .ok()
        .and_then(|glob| GlobSetBuilder::new().add(glob).build().ok())
        .map(Arc::new);
    GLOBS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(pattern.to_string(), compiled.clone());
    compiled
}

/// What a path or glob fixes of its first part, the name directly inside the folder it is
/// relative to (`config` of `config/settings.py`, `*.csproj` itself, `index` … `app` of
/// `{index,main,app}.ts`): a path of the pattern can only be listed when a name there fits.
#[derive(Debug, Clone, Default)]
pub struct FirstPart {
    /// `false` when a spelling fixes nothing this simply (`**/schema.prisma`, a class, an
    /// escape) or its first part may not stay first once joined (`.`, `..`).
    fixed: bool,
    /// The names the spellings fix exactly, sorted and without repeats.
    exactly: Vec<String>,
    /// Their [`name_bits`]: most rules tried on a package are ruled out by them alone.
    exactly_bits: u64,
    /// The literal start and end of the names the other spellings fix around a wildcard.
    fits: Vec<(String, String)>,
}

impl FirstPart {
    pub fn of(pattern: &str) -> FirstPart {
        let spellings = match pattern.contains('{') {
            true => match alternatives(pattern) {
                Some(spellings) => spellings,
                None => return FirstPart::default(),
            },
            false => vec![pattern.to_string()],
        };
        let mut part = FirstPart {
            fixed: true,
            ..FirstPart::default()
        };
        for spelling in &spellings {
            let plain = spelling
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..");
            let first = spelling.split('/').next().unwrap_or_default();
            if !plain || first.contains("**") || first.contains(['[', '{', '}', '\\']) {
                return FirstPart::default();
            }
            if is_glob(first) {
                let (starts, ends) = name_literals(first);
                part.fits.push((starts.to_string(), ends.to_string()));
            } else {
                part.exactly.push(first.to_string());
            }
        }
        part.exactly.sort_unstable();
        part.exactly.dedup();
        part.exactly_bits = name_bits(part.exactly.iter().map(String::as_str));
        part
    }

    /// Whether a path of the pattern may be listed, given the sorted names directly inside its
    /// folder under which files are listed ([`RepoIndex::names_in`]) and their [`name_bits`].
    pub fn may_be_among(&self, names: &[&str], bits: u64) -> bool {
        if !self.fixed {
            return true;
        }
        // No name of the folder shares a bit with the exact names: none of them is there.
        if self.fits.is_empty() && self.exactly_bits & bits == 0 {
            return false;
        }
        // The shorter list is walked, the longer searched.
        let exactly = if names.len() < self.exactly.len() {
            names
                .iter()
                .any(|name| self.exactly.binary_search_by(|e| e.as_str().cmp(name)).is_ok())
        } else {
            self.exactly.iter().any(|e| names.binary_search(&e.as_str()).is_ok())
        };
        exactly
            || self.fits.iter().any(|(starts, ends)| {
                names.iter().any(|name| {
                    name.len() >= starts.len() + ends.len()
                        && name.starts_with(starts.as_str())
                        && name.ends_with(ends.as_str())
                })
            })
    }
}

/// A set of names as 64 bits, one for each name's hash: where two sets share no bit, they share
/// no name (the converse is only likely).
pub fn name_bits<'n>(names: impl IntoIterator<Item = &'n str>) -> u64 {
    use std::hash::BuildHasher;
    let hasher = foldhash::fast::FixedState::with_seed(0);
    names
        .into_iter()
        .fold(0, |bits, name| bits | 1 << (hasher.hash_one(name) & 63))
}

/// The directories before a glob's first wildcard (`api/src/` for `api/src/**/*.rs`), with a
/// trailing `/`, or nothing: only paths under it can match.
fn literal_prefix(pattern: &str) -> &str {
    let folders = &pattern[..pattern.rfind('/').map_or(0, |i| i + 1)];
    let mut end = 0;
    for part in folders.split_terminator('/') {
        if is_glob(part) {
            break;
        }
        end += part.len() + 1;
    }
    &folders[..end]
}

/// Paths of the index's files or dirs below `base` that match the `base`-relative glob
/// `pattern`, sorted. The glob is compiled once per process, and only once a path of the right
/// shape turns up: most rules find none in a repository.
pub fn matching<'a>(index: &'a RepoIndex, of: Of, base: &str, pattern: &str) -> Vec<&'a str> {
    let base_prefix = if base == "." {
        String::new()
    } else {
        let mut prefix = String::with_capacity(base.len() + 1);
        prefix.push_str(base);
        prefix.push('/');
        prefix
    };
    // Spelled out only where braces hold a `/` (else the walk or the by-name lookup does better).
    let spelled = (!fixed_depth(pattern) && !pattern.contains("**"))
        .then(|| alternatives(pattern))
        .flatten();
    let candidates = match spelled {
        // `{Dockerfile,docker/Dockerfile}`: each spelling looked up on its own.
        Some(spellings) => {
            let mut all: Vec<&str> = spellings
                .iter()
                .flat_map(|spelling| candidates(index, of, &base_prefix, spelling))
                .collect();
            all.sort_unstable();
            all.dedup();
            all
        }
        None => candidates(index, of, &base_prefix, pattern),
    };
    let mut matcher = None;
    candidates
        .into_iter()
        .filter(|p| {
            let rel = &p[base_prefix.len()..];
            matcher
                .get_or_insert_with(|| glob(pattern))
                .as_ref()
                .is_some_and(|m| m.is_match(rel))
        })
        .collect()
}

/// The paths of `few` (repo-relative, sorted, all below one folder whose `folder/` prefix is
/// `base_len` bytes long) that the folder-relative path or glob `pattern` names: what
/// [`matching`], or looking the joined path up, finds in the index, found by looking through a
/// workspace package's few files instead of searching every path of the repository. A path
/// must be plain (no `.` or `..` parts) to be looked up this way.
pub fn among<'a>(few: &[&'a str], base_len: usize, pattern: &str) -> Vec<&'a str> {
    if !is_glob(pattern) {
        return match few.binary_search_by(|p| p[base_len..].cmp(pattern)) {
            Ok(i) => vec![few[i]],
            Err(_) => Vec::new(),
        };
    }
    let (starts, ends) = name_literals(pattern);
    let mut matcher = None;
    few.iter()
        .copied()
        .filter(|p| {
            let name = crate::fs::file_name(p);
            name.len() >= starts.len() + ends.len() && name.starts_with(starts) && name.ends_with(ends)
        })
        .filter(|p| {
            matcher
                .get_or_insert_with(|| glob(pattern))
                .as_ref()
                .is_some_and(|m| m.is_match(&p[base_len..]))
        })
        .collect()
}

/// The paths `pattern` may match, sorted: a superset the glob itself then sifts.
fn candidates<'a>(index: &'a RepoIndex, of: Of, base_prefix: &str, pattern: &str) -> Vec<&'a str> {
    let set = match of {
        Of::Files => &index.files,
        Of::Dirs => &index.dirs,
    };
    if fixed_depth(pattern) {
        reachable(index, set, base_prefix, pattern)
    } else {
        let (starts, ends) = name_literals(pattern);
        let prefix = base_prefix.to_string() + literal_prefix(pattern);
        // A literal folder just above the name (`settings` of `**/settings/*.py`) rules out
        // most paths of the name before the glob is tried, and before they are sorted.
        let folder = parent_literal(pattern);
        if let (true, Some(folder)) = (starts.is_empty() && ends.is_empty(), folder) {
            // The name fixes nothing (`**/config/*.{js,ts}`): the folders of that name are
            // found, and only their own entries tried.
            return in_folders_named(index, set, &prefix, folder);
        }
        match index.named(matches!(of, Of::Dirs), &prefix, starts, ends, folder) {
            Some(named) => named,
            None => under_prefix(set, &prefix, starts, ends, folder),
        }
    }
}

/// What the spellings of folder and file names with braces (`{index,main}.{js,ts}`) fix, worked
/// out once per process: every project of a workspace asks for the same few.
static SPELLED: LazyLock<Mutex<HashMap<String, Spelled>>> = LazyLock::new(Default::default);

/// The literal start and end of each spelling of a name, `None` when its braces cannot be
/// spelled out.
type Spelled = Option<Arc<Vec<(String, String)>>>;

/// What a one-component glob fixes of a name, worked out once per folder looked at, not once per
/// name in it.
enum NameFit<'p> {
    /// The literal start and end of the glob ([`name_literals`]).
    Plain(&'p str, &'p str),
    /// Those of each spelling of its braces.
    Spelled(Arc<Vec<(String, String)>>),
    /// Braces that cannot be spelled out: any name may fit.
    Any,
}

impl<'p> NameFit<'p> {
    fn of(part: &'p str) -> NameFit<'p> {
        if !part.contains('{') {
            let (starts, ends) = name_literals(part);
            return NameFit::Plain(starts, ends);
        }
        let mut known = SPELLED.lock().unwrap_or_else(|e| e.into_inner());
        let shapes = known.entry(part.to_string()).or_insert_with(|| {
            let spellings = alternatives(part)?;
            let shapes = spellings.iter().map(|s| {
                let (starts, ends) = name_literals(s);
                (starts.to_string(), ends.to_string())
            });
            Some(Arc::new(shapes.collect()))
        });
        match shapes {
            Some(shapes) => NameFit::Spelled(shapes.clone()),
            None => NameFit::Any,
        }
    }

    /// Whether `name` has the literal text the glob fixes at its start and end, in one of its
    /// spellings when it has braces.
    fn fits(&self, name: &str) -> bool {
        let fits = |starts: &str, ends: &str| {
            name.len() >= starts.len() + ends.len() && name.starts_with(starts) && name.ends_with(ends)
        };
        match self {
            NameFit::Plain(starts, ends) => fits(starts, ends),
            NameFit::Spelled(shapes) => shapes.iter().any(|(starts, ends)| fits(starts, ends)),
            NameFit::Any => true,
        }
    }
}

/// The spellings a glob's braces stand for (`{src,lib}/main.{ts,js}` → `src/main.ts`, …), when
/// it has braces, none inside another, and at most a few dozen spellings; globset matches a
/// path when one of them does.
fn alternatives(pattern: &str) -> Option<Vec<String>> {
    const MOST: usize = 64;
    if !pattern.contains('{') || pattern.contains('\\') {
        return None;
    }
    let mut spellings = vec![String::new()];
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        let group = &rest[open + 1..close];
        if group.contains('{') {
            return None;
        }
        let before = &rest[..open];
        let options: Vec<&str> = group.split(',').collect();
        if spellings.len() * options.len() > MOST {
            return None;
        }
        spellings = spellings
            .iter()
            .flat_map(|s| options.iter().map(move |o| format!("{s}{before}{o}")))
            .collect();
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return None;
    }
    Some(spellings.into_iter().map(|s| s + rest).collect())
}

/// The folder name a glob fixes just above its last component, when it fixes one and the glob
/// has at least one level above that (`settings` of `**/settings/*.py`, nothing for
/// `settings/*.py`, whose folder may be the project itself).
fn parent_literal(pattern: &str) -> Option<&str> {
    // Classes, and braces beside an escape or holding a `/`, may hold a `/` of their own; a last
    // component with `**` matches at any depth below the folder (`src/bin/**` holds
    // `src/bin/cli/main.rs`).
    let braces_split = pattern.contains('{') && (pattern.contains('\\') || braces_hold_a_slash(pattern));
    if pattern.contains('[') || braces_split || crate::fs::file_name(pattern).contains("**") {
        return None;
    }
    let mut parts = pattern.rsplit('/').skip(1);
    let folder = parts.next()?;
    (parts.next().is_some() && !folder.is_empty() && !is_glob(folder) && !folder.contains('\\')).then_some(folder)
}

/// Whether the glob matches paths of exactly its own depth: no `**`, no escapes, and no `/`
/// inside braces or classes (`{Dockerfile,docker/Dockerfile}` names two depths).
fn fixed_depth(pattern: &str) -> bool {
    if pattern.contains("**") || pattern.contains('\\') {
        return false;
    }
    let mut open = None;
    for c in pattern.chars() {
        match (open, c) {
            (None, '{') => open = Some('}'),
            (None, '[') => open = Some(']'),
            (Some(close), c) if c == close => open = None,
            (Some(_), '/') => return false,
            _ => {}
        }
    }
    open.is_none()
}

/// The paths of `set` a fixed-depth glob can name: one folder level at a time, a literal name
/// looked up, a wildcard one matched against the folder's own entries only. A superset of the
/// matches (each name is checked only for what its wildcards fix around them), sorted.
fn reachable<'a>(
    index: &'a RepoIndex,
    set: &'a std::collections::BTreeSet<String>,
    base_prefix: &str,
    pattern: &str,
) -> Vec<&'a str> {
    let parts: Vec<&str> = pattern.split('/').collect();
    let (last, folders) = parts.split_last().expect("split yields one part at least");
    // Each folder reached so far, as the prefix of its entries (`api/`, or empty for the root).
    let mut at = vec![base_prefix.to_string()];
    for part in folders {
        let mut next = Vec::new();
        for prefix in &at {
            if is_glob(part) {
                let fit = NameFit::of(part);
                let children = index.entries_in(&index.dirs, prefix);
                next.extend(
                    children
                        .filter(|d| fit.fits(crate::fs::file_name(d)))
                        .map(|d| format!("{d}/")),
                );
            } else {
                let dir = format!("{prefix}{part}");
                if index.dirs.contains(&dir) {
                    next.push(dir + "/");
                }
            }
        }
        at = next;
    }
    let mut out = Vec::new();
    let fit = is_glob(last).then(|| NameFit::of(last));
    for prefix in &at {
        if let Some(fit) = &fit {
            out.extend(
                index
                    .entries_in(set, prefix)
                    .map(String::as_str)
                    .filter(|p| fit.fits(crate::fs::file_name(p))),
            );
        } else if let Some(path) = set.get(&format!("{prefix}{last}")) {
            out.push(path.as_str());
        }
    }
    out.sort_unstable();
    out
}

/// The paths of `set` directly inside a folder named `folder` under `prefix`, sorted.
fn in_folders_named<'a>(
    index: &'a RepoIndex,
    set: &'a std::collections::BTreeSet<String>,
    prefix: &str,
    folder: &str,
) -> Vec<&'a str> {
    let folders = index
        .named(true, prefix, folder, "", None)
        .unwrap_or_else(|| under_prefix(&index.dirs, prefix, folder, "", None));
    let mut out: Vec<&str> = folders
        .into_iter()
        .filter(|dir| crate::fs::file_name(dir) == folder)
        .flat_map(|dir| index.entries_in(set, &format!("{dir}/")).map(String::as_str))
        .collect();
    out.sort_unstable();
    out
}

/// Every path of `set` under `prefix` whose name starts with `starts` and ends with `ends` and,
/// given a `folder`, whose folder has that name.
fn under_prefix<'a>(
    set: &'a std::collections::BTreeSet<String>,
    prefix: &str,
    starts: &str,
    ends: &str,
    folder: Option<&str>,
) -> Vec<&'a str> {
    set.range::<str, _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded))
        .map(String::as_str)
        .take_while(|p| p.starts_with(prefix))
        .filter(|p| {
            let name = crate::fs::file_name(p);
            name.len() >= starts.len() + ends.len() && name.starts_with(starts) && name.ends_with(ends)
        })
        .filter(|p| in_folder(p, folder))
        .collect()
}

/// The literal text a glob's last component fixes at the start and end of a matching name
/// (`database` and `.ts` of `src/**/database*.ts`, `config.` of `**/config.{js,ts}`), checked
/// before the glob itself: in a large tree almost every path fails on the name. Classes, and
/// braces that hold a `/` or sit beside an escape (`{Dockerfile,docker/Dockerfile}`: which
/// component is last depends on the spelling), fix nothing that simply.
fn name_literals(pattern: &str) -> (&str, &str) {
    if pattern.contains('[') || (pattern.contains('{') && (pattern.contains('\\') || braces_hold_a_slash(pattern))) {
        return ("", "");
    }
    let last = crate::fs::file_name(pattern);
    let is_wild = |c: char| matches!(c, '*' | '?' | '{' | '}');
    match (last.find(is_wild), last.rfind(is_wild)) {
        (Some(first), Some(final_wild)) => (&last[..first], &last[final_wild + 1..]),
        _ => (last, ""),
    }
}

/// Whether a `/` lies inside braces (`{Dockerfile,docker/Dockerfile}`).
fn braces_hold_a_slash(pattern: &str) -> bool {
    let mut depth = 0usize;
    for c in pattern.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '/' if depth > 0 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn name_literals_are_what_a_glob_fixes_around_its_wildcards() {
        assert_eq!(name_literals("database*.ts"), ("database", ".ts"));
        assert_eq!(name_literals("*.test.ts"), ("", ".test.ts"));
        assert_eq!(name_literals("**"), ("", ""));
        assert_eq!(name_literals("alembic.ini"), ("alembic.ini", ""));
        assert_eq!(name_literals("app/api/**/route.{ts,js}"), ("route.", ""));
        assert_eq!(name_literals("**/config/*.{js,ts}"), ("", ""));
        assert_eq!(name_literals("**/{index,main}.ts"), ("", ".ts"));
        assert_eq!(name_literals("{Dockerfile,docker/Dockerfile}"), ("", ""));
        assert_eq!(name_literals("{a,b/c}/x.ts"), ("", ""));
        assert_eq!(name_literals("**/[ab].ts"), ("", ""));
        assert_eq!(name_literals("src/**/*.config.ts"), ("", ".config.ts"));
        assert_eq!(name_literals("V?__init*.sql"), ("V", ".sql"));
    }

    #[test]
    fn a_pattern_is_ruled_out_only_by_a_first_part_no_name_fits() {
        let names = ["Dockerfile.dev", "index.ts", "package.json", "src"];
        for (pattern, may) in [
            ("package.json", true),
            ("src/main.ts", true),
            ("src/**/*.ts", true),
            ("Dockerfile.*", true),
            ("*.ts", true),
            ("{index,main}.{js,ts}", true),
            ("{src,lib}/{index,main}.ts", true),
            ("k8s/*.yaml", false),
            ("config/settings.py", false),
            ("tsconfig.json", false),
            ("*.csproj", false),
            ("knexfile.*", false),
            ("{lib,server}/{index,main}.ts", false),
            ("{Dockerfile,docker/Dockerfile}", false),
            ("**/schema.prisma", true),
            ("[!.]*.Dockerfile", true),
            ("docker/../Dockerfile", true),
            ("./k8s.yaml", true),
        ] {
            let bits = name_bits(names);
            assert_eq!(FirstPart::of(pattern).may_be_among(&names, bits), may, "{pattern}");
        }
    }

    #[test]
    fn literal_prefixes() {
        assert_eq!(literal_prefix("api/src/**/*.rs"), "api/src/");
        assert_eq!(literal_prefix("**/apps.py"), "");
        assert_eq!(literal_prefix("prisma/*/schema.prisma"), "prisma/");
        assert_eq!(literal_prefix("*.toml"), "");
    }

    #[test]
    fn braces_stand_for_their_spellings() {
        assert_eq!(
            alternatives("{Dockerfile,docker/Dockerfile}").unwrap(),
            ["Dockerfile", "docker/Dockerfile"]
        );
        assert_eq!(
            alternatives("{a,b}/x.{ts,js}").unwrap(),
            ["a/x.ts", "a/x.js", "b/x.ts", "b/x.js"]
        );
        assert_eq!(alternatives("*.py"), None);
        assert_eq!(alternatives("{a,{b,c}}"), None);
        assert_eq!(alternatives("{a,b"), None);
    }

    #[test]
    fn the_folder_above_the_name() {
        assert_eq!(parent_literal("**/settings/*.py"), Some("settings"));
        assert_eq!(parent_literal("src/**/db/migrations"), Some("db"));
        assert_eq!(parent_literal("settings/*.py"), None);
        assert_eq!(parent_literal("src/**/*.ts"), None);
        assert_eq!(parent_literal("*.py"), None);
        assert_eq!(parent_literal("{x/settings,y}/*.py"), None);
        assert_eq!(parent_literal("**/config/*.{js,ts}"), Some("config"));
        assert_eq!(parent_literal("**/config/*.[jt]s"), None);
    }

    #[test]
    fn walking_the_folders_finds_what_trying_every_path_finds() {
        let tree = [
            ("manage.py", ""),
            ("app.py", ""),
            ("shop/settings.py", ""),
            ("shop/a/settings.py", ""),
            ("shop/a/models.py", ""),
            ("shop/a/migrations/0001_initial.py", ""),
            ("shop-docs/settings.py", ""),
            ("shop/a/a/settings.py", ""),
            ("x.Dockerfile", ""),
            ("shop.old/x/settings.py", ""),
            ("src/main/resources/application-dev.yml", ""),
            ("src/bin/cli/main.rs", ""),
            ("svc/src/lib.rs", ""),
            ("svc/src/api/mod.rs", ""),
            ("svc/src/bin/api/main.rs", ""),
        ];
        let (_dir, index) = crate::repo::index::test_index(&tree);
        same_as_trying_every_path(&index);
        // Past the size where `**` globs go through the by-name index, of files and of folders.
        let filler: Vec<(String, &str)> = (0..2_100).map(|i| (format!("filler/d{i}/f{i}.txt"), "")).collect();
        let mut large: Vec<(&str, &str)> = tree.to_vec();
        large.extend(filler.iter().map(|(p, t)| (p.as_str(), *t)));
        let (_dir, index) = crate::repo::index::test_index(&large);
        assert!(index.files.len() >= 2_048 && index.dirs.len() >= 2_048);
        same_as_trying_every_path(&index);
    }

    fn same_as_trying_every_path(index: &RepoIndex) {
        let patterns = [
            "*.py",
            "*/settings.py",
            "shop/*/models.py",
            "*/*/migrations",
            "src/main/resources/application*.yml",
            "src/*.rs",
            "src/*/*.rs",
            "*",
            "*/*",
            "s?op/*",
            "[!.]*.py",
            "{src,shop}/{lib,settings}.{rs,py}",
            "sho[a-p]/*/models.py",
            "shop[!a]a/settings.py",
            "{shop/a,svc/src}/*",
            "[!s]*/*",
            "{shop/settings.py,svc/src/*.rs}",
            "{src,shop}/**/{settings,models}.py",
            "{,shop/}a/{models,settings}.py",
            "src/bin/**",
            "**/bin/**",
            "**/migrations/**",
            "**/settings.py",
            "src/**/main.rs",
            "**/a/**/settings.py",
            "**/settings.{py,rs}",
            "**/a/*.{py,rs}",
            "**/{settings,models}.py",
            "**/{a,x}/*.py",
            "**/mig*/*.{py,sql}",
            "**/migrations/*.{py,sql}",
            "{shop,src}/**/a/*.{py,rs}",
            "**/a/*",
            "shop/**/a/*",
            "a/settings.py",
            "settings.py",
        ];
        for base in [".", "shop", "svc", "src"] {
            for pattern in patterns {
                for of in [Of::Files, Of::Dirs] {
                    let set = match of {
                        Of::Files => &index.files,
                        Of::Dirs => &index.dirs,
                    };
                    let m = glob(pattern).unwrap();
                    let prefix = if base == "." { String::new() } else { format!("{base}/") };
                    let naive: Vec<&String> = set
                        .iter()
                        .filter(|p| p.starts_with(&prefix) && m.is_match(&p[prefix.len()..]))
                        .collect();
                    if is_glob(pattern) {
                        assert_eq!(matching(index, of, base, pattern), naive, "{pattern} in {base}, {of:?}");
                    }
                    if let Of::Files = of {
                        // A package's few files, looked through, give what the index gives.
                        let few: Vec<&str> = set
                            .iter()
                            .filter(|p| p.starts_with(&prefix))
                            .map(String::as_str)
                            .collect();
                        assert_eq!(
                            among(&few, prefix.len(), pattern),
                            naive,
                            "{pattern} among {base}'s files"
                        );
                    }
                }
            }
        }
    }
}
