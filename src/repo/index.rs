//! One bounded, .gitignore-aware walk per repository, producing a [`RepoIndex`] of repo-relative
//! file and directory paths. Every later stage asks the index instead of touching the disk, and
//! file contents are read at most once (cached), with a size cap.

use crate::fs::{file_name, parent};
use crate::repo::listing::{self, Kind, Seen};
use crate::repo::names::Names;
use crate::repo::open::Root;
use crate::report::Warning;
use ignore::gitignore::Gitignore;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Directories never descended into: dependency stores, build output, caches.
const PRUNED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "bower_components",
    "vendor",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "target",
    "dist",
    "build",
    "out",
    ".gradle",
    ".idea",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".turbo",
    ".cache",
    "coverage",
    "htmlcov",
    ".yarn",
    ".pnpm-store",
    ".terraform",
    ".sqlx",
];

/// `.env` templates (any case): read for database URLs, and indexed even when `.gitignore`
/// matches them, since repositories commit them past a broad `.env*` rule (`git add -f`).
const ENV_TEMPLATES: &[&str] = &[
    ".env.example",
    ".env.sample",
    ".env.template",
    ".env.dist",
    ".env.defaults",
    "example.env",
    ".example.env",
    "sample.env",
    "template.env",
];
/// Starts of per-variant templates' names (`.env.example.postgres`, `env-example-relational`).
const ENV_TEMPLATE_VARIANTS: &[&str] = &[".env.example.", "env-example", "env.example", ".env.sample."];
/// Ends of per-run templates' names (`.env.dev.example`).
const ENV_TEMPLATE_ENDS: &[&str] = &[".example", ".sample", ".template"];

/// Whether a file is an env template: one of [`ENV_TEMPLATES`] in any case, a variant of one,
/// or a run's ([`env_template_run`]).
pub fn is_env_template(name: &str) -> bool {
    ENV_TEMPLATES.iter().any(|t| t.eq_ignore_ascii_case(name))
        || ENV_TEMPLATE_VARIANTS.iter().any(|p| name.starts_with(p))
        || env_template_run(name).is_some()
}

/// The run a per-run template is written for: `dev` of `.env.dev.example`, `production` of
/// `.env.production.sample`.
pub fn env_template_run(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(".env.")?;
    let run = ENV_TEMPLATE_ENDS.iter().find_map(|end| rest.strip_suffix(end))?;
    (!run.is_empty() && !run.contains('.')).then_some(run)
}
/// Files that make a directory a project, next to which env templates are looked for.
const PROJECT_MARKERS: &[&str] = &[
    "package.json",
    "pyproject.toml",
    "Cargo.toml",
    "requirements.txt",
    "manage.py",
    "go.mod",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "Gemfile",
    "composer.json",
    "mix.exs",
    "deno.json",
];

/// How deep the walk goes below the root. Manifests sit near the top; the deepest signals read
/// are a Java module's sources (`api/src/test/java/com/acme/AppTests.java`) and Next.js route
/// handlers (`apps/web/app/api/users/[id]/route.ts`). Over 93 real repositories, scans listing 8
/// levels and 12 levels gave the same results, and 6 levels lost test directories; what lies
/// deeper (a Java package tree, generated code) is never listed, so a deep tree costs nothing.
pub const MAX_DEPTH: usize = 8;
/// Upper bound on entries indexed, so a hostile or huge tree cannot stall a scan.
pub const MAX_ENTRIES: usize = 200_000;
/// Most entries walked below the depth limit to answer one [`RepoIndex::any_file_below`].
pub const PROBE_ENTRIES: usize = 5_000;
/// Most bytes of file text one scan keeps in memory for rules that read a file again.
pub const MAX_CACHED_BYTES: usize = 8 * 1024 * 1024;
/// Most bytes of file text one scan reads in all: past it no file is read, so a tree of
/// thousands of large manifests (hard links cost the attacker nothing) cannot take minutes and
/// gigabytes. Real repositories read a few MiB.
pub const MAX_SCAN_READ_BYTES: usize = 32 * 1024 * 1024;
/// Of [`MAX_SCAN_READ_BYTES`], what files one level below the root may not use (kept for the
/// root's own files), and what deeper files may not use (kept for the first two levels): the
/// manifests that decide a repository's stack are read even when thousands of large packages,
/// which sort first, use up the rest.
const READ_RESERVE_PER_LEVEL: usize = 4 * 1024 * 1024;
pub use crate::fs::MAX_READ_BYTES;
/// What a read starts with room for: a manifest or config file in one `read`.
const INITIAL_READ_BYTES: usize = 16 * 1024;

/// What is kept per file read: looked up once or more for every rule that reads a file, so by
/// hash (a workspace's thousands of paths share long prefixes, which an ordered map compares
/// again at every level).
type ByPath<V> = std::collections::HashMap<String, V, foldhash::fast::RandomState>;

/// What the listing found, shared by every reader of one scan ([`RepoIndex::fork`]).
#[derive(Debug)]
pub struct Tree {
    pub root: PathBuf,
    /// The root, opened once: every folder and file is opened relative to it.
    opened: Root,
    /// Repo-relative file paths with `/` separators, sorted.
    pub files: BTreeSet<String>,
    /// Repo-relative directory paths, sorted (the root itself is not listed).
    pub dirs: BTreeSet<String>,
    /// Directories at [`MAX_DEPTH`], listed but not descended into.
    deep_dirs: BTreeSet<String>,
    /// The listing stopped at [`MAX_ENTRIES`].
    listing_cut: bool,
    /// What archprompt.toml's `[scan] ignore` leaves out.
    excluded: Option<Gitignore>,
    /// `files` and `dirs` by name, made on first use ([`RepoIndex::named`]).
    names: [OnceLock<Names>; 2],
    /// The hashes of the files' names, made on first use ([`RepoIndex::may_have_file_named`]).
    name_hashes: OnceLock<std::collections::HashSet<u64, foldhash::fast::FixedState>>,
}

/// The listing ([`Tree`], which it dereferences to) and what one thread has read of it.
#[derive(Debug)]
pub struct RepoIndex {
    tree: Arc<Tree>,
    cache: RefCell<ByPath<Option<Arc<String>>>>,
    /// Bytes of text in `cache`.
    cached_bytes: std::cell::Cell<usize>,
    /// Bytes read so far, against [`MAX_SCAN_READ_BYTES`].
    read_bytes: std::cell::Cell<usize>,
    /// `read_bytes` when this reader was forked (0 for the scan's own).
    forked_at: usize,
    /// A file was not read because the scan had read [`MAX_SCAN_READ_BYTES`].
    read_refused: std::cell::Cell<bool>,
    /// Directories and files that could not be read or parsed, in the order met: what they hold
    /// is unseen, so they leave every "there is none" unproven.
    unread: RefCell<Vec<String>>,
    tomls: RefCell<ByPath<Option<Arc<toml::Table>>>>,
    warnings: RefCell<Vec<Warning>>,
    /// The warnings given so far, so none is given twice.
    warned: RefCell<std::collections::BTreeSet<Warning>>,
}

impl std::ops::Deref for RepoIndex {
    type Target = Tree;

    fn deref(&self) -> &Tree {
        &self.tree
    }
}

impl RepoIndex {
    /// Walks `root`. Unreadable entries become warnings; the walk goes on.
    pub fn build(root: &Path) -> RepoIndex {
        Self::build_excluding(root, None)
    }

    /// [`RepoIndex::build`], leaving out what `excluded` (archprompt.toml's `[scan] ignore`)
    /// matches, as if it were not there.
    pub fn build_excluding(root: &Path, excluded: Option<Gitignore>) -> RepoIndex {
        // Gathered in listing order (level by level) and turned into sets once: building a B-tree
        // from a sorted run is far cheaper than inserting tens of thousands of paths one by one.
        let mut files = Vec::new();
        let mut dirs = Vec::new();
        let mut deep_dirs = BTreeSet::new();
        let mut ignored_env_templates = Vec::new();
        let mut warnings = Vec::new();
        let mut budget = MAX_ENTRIES;
        let mut unread = Vec::new();
        let opened = Root::open(root);
        let complete = listing::list(
            &opened,
            "",
            MAX_DEPTH,
            &mut budget,
            is_pruned,
            &mut warnings,
            |seen| match seen {
                Seen::Listed {
                    rel,
                    kind: Kind::Dir,
                    depth,
                } => {
                    if depth == MAX_DEPTH {
                        deep_dirs.insert(rel.clone());
                    }
                    dirs.push(rel);
                }
                Seen::Listed {
                    rel, kind: Kind::File, ..
                } => files.push(rel),
                Seen::Ignored { rel, kind: Kind::File } if is_env_template(file_name(&rel)) => {
                    ignored_env_templates.push(rel);
                }
                Seen::Ignored { .. } => {}
                Seen::Unreadable { rel } => unread.push(rel),
            },
        );
        if let Some(excluded) = &excluded {
            files.retain(|f| !is_excluded(excluded, f, false));
            dirs.retain(|d| !is_excluded(excluded, d, true));
        }
        files.sort();
        dirs.sort();
        let mut files = BTreeSet::from_iter(files);
        let dirs = BTreeSet::from_iter(dirs);
        if !complete {
            warnings.push(Warning::new(
                ".",
                format!("stopped indexing after {MAX_ENTRIES} entries; results may be partial"),
            ));
        }
        add_ignored_env_templates(&mut files, ignored_env_templates);
        RepoIndex {
            tree: Arc::new(Tree {
                root: root.to_path_buf(),
                opened,
                files,
                dirs,
                deep_dirs,
                listing_cut: !complete,
                excluded,
                names: Default::default(),
                name_hashes: OnceLock::new(),
            }),
            cache: RefCell::default(),
            cached_bytes: std::cell::Cell::new(0),
            read_bytes: std::cell::Cell::new(0),
            forked_at: 0,
            read_refused: std::cell::Cell::new(false),
            unread: RefCell::new(unread),
            tomls: RefCell::default(),
            warned: RefCell::new(warnings.iter().cloned().collect()),
            warnings: RefCell::new(warnings),
        }
    }

    /// A reader of the same listing with caches of its own, for another thread, that knows what
    /// this one could not read. Two forks share the read budget left: each may read half of it,
    /// so together they read no more than one reader would. [`RepoIndex::absorb`] takes back what
    /// one read.
    pub fn fork(&self) -> RepoIndex {
        let left = MAX_SCAN_READ_BYTES.saturating_sub(self.read_bytes.get());
        let start = self.read_bytes.get() + left / 2;
        RepoIndex {
            tree: Arc::clone(&self.tree),
            cache: RefCell::default(),
            cached_bytes: std::cell::Cell::new(0),
            read_bytes: std::cell::Cell::new(start),
            forked_at: start,
            read_refused: std::cell::Cell::new(self.read_refused.get()),
            unread: RefCell::new(self.unread.borrow().clone()),
            tomls: RefCell::default(),
            warned: RefCell::default(),
            warnings: RefCell::default(),
        }
    }

    /// Whether reading stopped at the budget: a fork's work is then done again by one reader.
    pub fn refused_a_read(&self) -> bool {
        self.read_refused.get()
    }

    /// Takes back what a [`fork`](RepoIndex::fork) read: its warnings, the files it could not
    /// read, the bytes it read (a file this reader also read counts once) and its texts while the
    /// cache has room, in path order.
    pub fn absorb(&self, fork: RepoIndex) {
        for warning in fork.warnings.into_inner() {
            if self.warned.borrow_mut().insert(warning.clone()) {
                self.warnings.borrow_mut().push(warning);
            }
        }
        {
            let mut unread = self.unread.borrow_mut();
            let known: std::collections::HashSet<String> = unread.iter().cloned().collect();
            unread.extend(fork.unread.into_inner().into_iter().filter(|f| !known.contains(f)));
        }
        self.read_refused
            .set(self.read_refused.get() || fork.read_refused.get());
        let mut read = fork.read_bytes.get() - fork.forked_at;
        let mut texts: Vec<(String, Option<Arc<String>>)> = fork.cache.into_inner().into_iter().collect();
        texts.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut cache = self.cache.borrow_mut();
        for (rel, text) in texts {
            let size = text.as_ref().map_or(0, |t| t.len());
            match cache.entry(rel) {
                std::collections::hash_map::Entry::Occupied(_) => read -= size.min(read),
                std::collections::hash_map::Entry::Vacant(room) => {
                    if self.cached_bytes.get() + size <= MAX_CACHED_BYTES {
                        self.cached_bytes.set(self.cached_bytes.get() + size);
                        room.insert(text);
                    }
                }
            }
        }
        self.read_bytes.set(self.read_bytes.get() + read);
        let mut tomls = self.tomls.borrow_mut();
        for (rel, table) in fork.tomls.into_inner() {
            tomls.entry(rel).or_insert(table);
        }
    }

    /// Whether everything in `dir` was seen: the listing complete, reading not stopped at its
    /// budget, and no file of `dir` left unread.
    pub fn saw_all_of(&self, dir: &str) -> bool {
        !self.listing_cut && !self.read_refused.get() && !self.unread.borrow().iter().any(|f| parent(f) == dir)
    }

    /// Why the scan did not see the whole repository, when it did not: the listing stopped at
    /// its entry budget, or reading stopped at its byte budget, or a file could not be read;
    /// files for which `aside` holds (a broken fixture) do not count.
    pub fn partial_beside(&self, aside: impl Fn(&str) -> bool) -> Option<String> {
        let unread: Vec<String> = self.unread.borrow().iter().filter(|f| !aside(f)).cloned().collect();
        self.partial_of(&unread)
    }

    fn partial_of(&self, unread: &[String]) -> Option<String> {
        if self.listing_cut {
            Some(format!(
                "the listing stopped after {MAX_ENTRIES} entries, so it may be there unseen"
            ))
        } else if self.read_refused.get() {
            let mib = MAX_SCAN_READ_BYTES / 1024 / 1024;
            Some(format!(
                "reading stopped at the scan's {mib} MiB budget, so it may be there unread"
            ))
        } else {
            // The first by path, not as met: two readers meet them in another order.
            let first = unread.iter().min()?;
            let more = match unread.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            Some(format!(
                "{first}{more} could not be read (see the warning), so it may be there unseen"
            ))
        }
    }

    /// A warning about `file` that could not be read or parsed: besides the warning, what it
    /// holds is unseen, so no field can be proven absent.
    pub fn unreadable(&self, file: &str, message: impl Into<String>) {
        self.warn(file, message);
        let mut unread = self.unread.borrow_mut();
        if !unread.iter().any(|f| f == file) {
            unread.push(file.to_string());
        }
    }

    /// Whether the text of `rel` is kept.
    #[cfg(test)]
    pub fn cached(&self, rel: &str) -> bool {
        self.cache.borrow().contains_key(rel)
    }

    pub fn has_file(&self, rel: &str) -> bool {
        self.files.contains(rel)
    }

    /// Whether a file of this name may be anywhere in the tree (false: surely none), so a rule
    /// that looks for a lockfile in every folder above each of thousands of packages is
    /// answered once for a repository that has none. A set of hashes, not [`Names`]: asked
    /// for every package, the sorted index's lookups cost 22 M instructions more on a
    /// workspace of 3,000 (465 → 487 M), and it is not built for a small tree.
    pub fn may_have_file_named(&self, name: &str) -> bool {
        use std::hash::BuildHasher;
        let hasher = foldhash::fast::FixedState::with_seed(0);
        self.name_hashes
            .get_or_init(|| {
                self.files
                    .iter()
                    .map(|f| hasher.hash_one(crate::fs::file_name(f)))
                    .collect()
            })
            .contains(&hasher.hash_one(name))
    }

    /// Whether git tracks the file `rel` (none outside a git repository): a file the listing
    /// holds may still be a developer's own, one their global ignore file leaves out.
    pub fn tracks(&self, rel: &str) -> bool {
        self.opened.tracked().files.contains(rel)
    }

    pub fn has_dir(&self, rel: &str) -> bool {
        rel == "." || rel.is_empty() || self.dirs.contains(rel)
    }

    /// Files directly inside `dir` (`.` for the root). Only the directory's own entries are
    /// visited ([`RepoIndex::entries_in`]), so asking about the root of a large tree stays cheap.
    pub fn files_in<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
        self.entries_in(&self.files, &prefix).map(String::as_str)
    }

    /// The files (or, with `dirs`, the directories) under `prefix` whose name starts with
    /// `starts` and ends with `ends`, one of them not empty, and, given a `folder`, whose folder
    /// has that name, sorted. `None` where trying every path under `prefix` costs less: a small
    /// repository, or below the root a lookup that would visit many names (`index*` in a
    /// TypeScript monorepo, asked by each package).
    pub fn named(&self, dirs: bool, prefix: &str, starts: &str, ends: &str, folder: Option<&str>) -> Option<Vec<&str>> {
        const WORTH_IT: usize = 2_048;
        const MOST_NAMES_BELOW_ROOT: usize = 64;
        let set = if dirs { &self.dirs } else { &self.files };
        if set.len() < WORTH_IT || (starts.is_empty() && ends.is_empty()) {
            return None;
        }
        let names = self.names[usize::from(dirs)].get_or_init(|| Names::new(set.iter()));
        let most = if prefix.is_empty() {
            usize::MAX
        } else {
            MOST_NAMES_BELOW_ROOT
        };
        names.fitting(prefix, starts, ends, folder, most)
    }

    /// The paths of `set` (the index's files or dirs) directly inside the folder whose entries
    /// start with `prefix` (`api/`, or empty for the root), in order. The paths of each
    /// subfolder are skipped with one seek past them (`api/src0` follows `api/src/…`), not one
    /// by one: the cost is the folder's own entries, not its whole subtree.
    pub fn entries_in<'a>(&self, set: &'a BTreeSet<String>, prefix: &str) -> Entries<'a> {
        Entries {
            set,
            prefix: prefix.to_string(),
            range: set.range::<str, _>(from(prefix)),
        }
    }

    /// The names directly inside `dir` (`.` for the root) under which a file is listed: its own
    /// files and each folder holding files at any depth, sorted. Each folder costs one seek past
    /// its paths, as in [`RepoIndex::entries_in`]; one buffer serves every seek.
    pub fn names_in(&self, dir: &str) -> Vec<&str> {
        let prefix = if dir == "." || dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut names = Vec::new();
        let mut seek = String::new();
        let mut range = self.files.range::<str, _>(from(&prefix));
        while let Some(rest) = range.next().and_then(|path| path.strip_prefix(prefix.as_str())) {
            match rest.find('/') {
                None => names.push(rest),
                Some(end) => {
                    names.push(&rest[..end]);
                    // Past every path of `prefix + name + "/"`: `0` follows `/`.
                    seek.clear();
                    seek.push_str(&prefix);
                    seek.push_str(&rest[..end]);
                    seek.push('0');
                    range = self.files.range::<str, _>(from(&seek));
                }
            }
        }
        // In path order a folder `a` sorts after a file `a.b` (`/` follows `.`).
        names.sort_unstable();
        names
    }

    /// Every listed file below `dir` (`.` for the root), sorted, when there are at most `most`:
    /// a workspace package's few files, which its rules then look through instead of searching
    /// the whole index for each.
    pub fn few_files_below(&self, dir: &str, most: usize) -> Option<Vec<&str>> {
        let prefix = if dir == "." || dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut few = Vec::new();
        for file in self.files.range::<str, _>(from(&prefix)) {
            if !file.starts_with(&prefix) {
                break;
            }
            if few.len() == most {
                return None;
            }
            few.push(file.as_str());
        }
        Some(few)
    }

    /// Whether some file below `dir` satisfies `wanted`: the listed files first, then, only when
    /// none does, what lies below the listing's depth limit under `dir`, walked on demand and at
    /// most [`PROBE_ENTRIES`] entries deep, so asking whether `src/test` of a Java module holds
    /// code stays cheap however deep its package tree goes.
    pub fn any_file_below(&self, dir: &str, wanted: impl Fn(&str) -> bool) -> bool {
        let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
        let listed = self
            .files
            .range(prefix.clone()..)
            .take_while(|f| f.starts_with(&prefix));
        if listed.into_iter().any(|f| wanted(f)) {
            return true;
        }
        let mut budget = PROBE_ENTRIES;
        for deep in self
            .deep_dirs
            .range(prefix.clone()..)
            .take_while(|d| d.starts_with(&prefix))
        {
            if self.probe(deep, &mut budget, &wanted) {
                return true;
            }
            if budget == 0 {
                return false;
            }
        }
        false
    }

    /// Whether the folder `dir` holds a file: a listed one, or, below the listing's depth limit
    /// (a folder a config names, `classpath:flyway/sql/mysql` nine levels down), one found by
    /// walking on demand from the deepest listed folder above it, at most [`PROBE_ENTRIES`]
    /// entries.
    pub fn has_files_in(&self, dir: &str) -> bool {
        if self.has_dir(dir) {
            return self.any_file_below(dir, |_| true);
        }
        let prefix = format!("{dir}/");
        let Some(deep) = crate::fs::ancestors(dir).find(|d| self.deep_dirs.contains(*d)) else {
            return false;
        };
        let mut budget = PROBE_ENTRIES;
        self.probe(deep, &mut budget, &|f: &str| f.starts_with(&prefix))
    }

    /// Walks below the deep folder `deep` (listed, not descended into) until a file that is
    /// not excluded satisfies `wanted` or `budget` entries are spent.
    fn probe(&self, deep: &str, budget: &mut usize, wanted: &dyn Fn(&str) -> bool) -> bool {
        let mut found = false;
        let mut ignored_warnings = Vec::new();
        listing::list(
            &self.opened,
            deep,
            usize::MAX,
            budget,
            is_pruned,
            &mut ignored_warnings,
            |seen| {
                if let Seen::Listed {
                    rel, kind: Kind::File, ..
                } = seen
                {
                    let excluded = self.excluded.as_ref().is_some_and(|e| is_excluded(e, &rel, false));
                    found = found || (!excluded && wanted(&rel));
                }
            },
        );
        found
    }

    /// Reads a repo-relative file as UTF-8 text, once. A file that is too large, binary or not
    /// UTF-8 yields `None` and a warning naming it.
    pub fn read(&self, rel: &str) -> Option<Arc<String>> {
        if let Some(cached) = self.cache.borrow().get(rel) {
            return cached.clone();
        }
        let text = self.read_uncached(rel).map(Arc::new);
        // Texts are kept up to a budget, so a rule that reads a thousand source files cannot
        // hold them all; past it a file is read again when asked again.
        let size = text.as_ref().map_or(0, |t| t.len());
        if self.cached_bytes.get() + size <= MAX_CACHED_BYTES {
            self.cached_bytes.set(self.cached_bytes.get() + size);
            self.cache.borrow_mut().insert(rel.to_string(), text.clone());
        }
        text
    }

    fn read_uncached(&self, rel: &str) -> Option<String> {
        if !self.has_file(rel) {
            return None;
        }
        if self.read_bytes.get() >= read_allowance(rel) {
            self.read_refused.set(true);
            let (mib, kept) = (MAX_SCAN_READ_BYTES >> 20, (2 * READ_RESERVE_PER_LEVEL) >> 20);
            let why = format!(
                "reading stopped at the scan's {mib} MiB budget (its last {kept} MiB kept for files nearer the root); files past it were not read and results may be partial"
            );
            self.warn(".", why);
            return None;
        }
        // Not sized from the file's metadata: most files read are small manifests, for which
        // that `stat` would be a fifth of the system calls.
        let mut bytes = Vec::with_capacity(INITIAL_READ_BYTES);
        let read = self.opened.read(rel, MAX_READ_BYTES as usize + 1, &mut bytes);
        if let Err(err) = read {
            self.unreadable(rel, format!("cannot read: {err}"));
            return None;
        }
        self.read_bytes.set(self.read_bytes.get() + bytes.len());
        if bytes.len() as u64 > MAX_READ_BYTES {
            self.unreadable(
                rel,
                format!("larger than {} MiB; skipped", MAX_READ_BYTES / 1024 / 1024),
            );
            return None;
        }
        if bytes.contains(&0) {
            self.unreadable(rel, "binary file (contains NUL bytes); skipped");
            return None;
        }
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                // The text is kept: no room beyond it.
                text.shrink_to_fit();
                Some(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
            }
            Err(_) => {
                self.unreadable(rel, "not valid UTF-8; skipped");
                None
            }
        }
    }

    /// A TOML file parsed once (workspace members all consult their root's manifest); a file
    /// that does not parse gives a warning naming it, once, and `None`.
    pub fn toml(&self, rel: &str) -> Option<Arc<toml::Table>> {
        if let Some(parsed) = self.tomls.borrow().get(rel) {
            return parsed.clone();
        }
        let parsed = self.read(rel).and_then(|text| match text.parse::<toml::Table>() {
            Ok(table) => Some(Arc::new(table)),
            Err(err) => {
                let msg = err.to_string();
                self.unreadable(rel, format!("invalid TOML: {}", msg.lines().next().unwrap_or("")));
                None
            }
        });
        self.tomls.borrow_mut().insert(rel.to_string(), parsed.clone());
        parsed
    }

    pub fn warn(&self, file: &str, message: impl Into<String>) {
        let warning = Warning::new(file, message);
        // Said once: many files can meet the same limit.
        if self.warned.borrow_mut().insert(warning.clone()) {
            self.warnings.borrow_mut().push(warning);
        }
    }

    pub fn take_warnings(&self) -> Vec<Warning> {
        let mut warnings = std::mem::take(&mut *self.warnings.borrow_mut());
        warnings.sort();
        warnings
    }
}

/// What [`RepoIndex::entries_in`] yields.
pub struct Entries<'a> {
    set: &'a BTreeSet<String>,
    prefix: String,
    range: std::collections::btree_set::Range<'a, String>,
}

impl<'a> Iterator for Entries<'a> {
    type Item = &'a String;

    fn next(&mut self) -> Option<&'a String> {
        loop {
            let path = self.range.next()?;
            let rest = path.strip_prefix(self.prefix.as_str())?;
            match rest.find('/') {
                None => return Some(path),
                Some(end) => {
                    // Past every path of `prefix + rest[..end] + "/"`: `0` follows `/`.
                    let mut seek = String::with_capacity(self.prefix.len() + end + 1);
                    seek.push_str(&self.prefix);
                    seek.push_str(&rest[..end]);
                    seek.push('0');
                    self.range = self.set.range::<str, _>(from(&seek));
                }
            }
        }
    }
}

/// The range of paths from `start` on, borrowed: `start..` would need a `String`.
fn from(start: &str) -> (std::ops::Bound<&str>, std::ops::Bound<&str>) {
    (std::ops::Bound::Included(start), std::ops::Bound::Unbounded)
}

/// How many bytes the scan may have read before `rel` is refused: all of the budget for a file
/// at the root, less [`READ_RESERVE_PER_LEVEL`] for each level below it, down to two.
fn read_allowance(rel: &str) -> usize {
    let depth = rel.matches('/').count().min(2);
    MAX_SCAN_READ_BYTES - depth * READ_RESERVE_PER_LEVEL
}

/// Env templates beside the root or a project manifest that the walk skipped because
/// `.gitignore` matches them: a regular file there is a committed template, not a local secret.
fn add_ignored_env_templates(files: &mut BTreeSet<String>, ignored: Vec<String>) {
    let project_dirs: BTreeSet<&str> = files
        .iter()
        .filter(|f| PROJECT_MARKERS.contains(&file_name(f)))
        .map(|f| parent(f))
        .collect();
    let beside_project: Vec<String> = ignored
        .into_iter()
        .filter(|f| parent(f) == "." || project_dirs.contains(parent(f)))
        .collect();
    files.extend(beside_project);
}

/// Dependency stores and build output, and the unrendered trees of project templates
/// (`{{cookiecutter.project_slug}}/`), whose manifests are template source, not manifests.
fn is_pruned(name: &str) -> bool {
    PRUNED_DIRS.contains(&name) || name.contains("{{") || name.contains("{%")
}

fn is_excluded(excluded: &Gitignore, rel: &str, is_dir: bool) -> bool {
    excluded.matched_path_or_any_parents(rel, is_dir).is_ignore()
}

/// A repository of the given files, indexed, for the readers' tests.
#[cfg(test)]
pub(crate) fn test_index(files: &[(&str, &str)]) -> (tempfile::TempDir, RepoIndex) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let index = RepoIndex::build(dir.path());
    (dir, index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fork_shares_the_read_budget_and_a_file_both_read_counts_once() {
        let (_dir, index) = test_index(&[("a.json", "{\"a\": 1}"), ("b.json", "{\"b\": 22}")]);
        index.unreadable("gone.toml", "cannot read");
        let fork = index.fork();
        // Each of two forks may read half of the budget left.
        assert_eq!(fork.read_bytes.get(), MAX_SCAN_READ_BYTES / 2);
        assert!(!fork.saw_all_of("."), "a fork knows what could not be read");
        index.read("a.json");
        fork.read("a.json");
        fork.read("b.json");
        index.absorb(fork);
        assert_eq!(index.read_bytes.get(), "{\"a\": 1}".len() + "{\"b\": 22}".len());
        assert!(index.cached("b.json"), "the fork's text is kept here");
        assert_eq!(*index.unread.borrow(), ["gone.toml"]);
    }

    #[test]
    fn a_folder_below_the_listings_depth_is_found_on_demand() {
        let deep = "a/b/c/src/main/resources/flyway/sql/mysql";
        let (_dir, index) = test_index(&[(&format!("{deep}/V1__init.sql"), ""), ("a/pom.xml", "")]);
        assert!(!index.has_dir(deep), "not listed: {MAX_DEPTH} levels are");
        assert!(index.has_files_in(deep));
        assert!(index.has_files_in("a/b/c/src"), "a listed folder's files");
        assert!(!index.has_files_in("a/b/c/src/main/resources/flyway/sql/pgsql"));
        assert!(!index.has_files_in("elsewhere"));
    }

    #[test]
    fn a_folders_entries_are_those_whose_parent_it_is() {
        let (_dir, index) = test_index(&[
            ("a.txt", ""),
            ("api/x.py", ""),
            ("api/src/deep/y.py", ""),
            ("api/src/z.py", ""),
            ("api/w.py", ""),
            ("api-docs/v.md", ""),
            ("api.d/u.md", ""),
        ]);
        for dir in [".", "api", "api/src", "api/src/deep", "none", ""] {
            let naive: Vec<&str> = index
                .files
                .iter()
                .map(String::as_str)
                .filter(|f| parent(f) == dir)
                .collect();
            assert_eq!(index.files_in(dir).collect::<Vec<_>>(), naive, "files in {dir}");
            let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
            let naive: Vec<&String> = index.dirs.iter().filter(|d| parent(d) == dir).collect();
            assert_eq!(
                index.entries_in(&index.dirs, &prefix).collect::<Vec<_>>(),
                naive,
                "dirs in {dir}"
            );
            let prefix = if dir.is_empty() { "" } else { &prefix };
            let mut naive: Vec<&str> = index
                .files
                .iter()
                .filter_map(|f| f.strip_prefix(prefix))
                .map(|rest| rest.split('/').next().unwrap())
                .collect();
            naive.sort();
            naive.dedup();
            assert_eq!(index.names_in(dir), naive, "names in {dir}");
        }
    }

    #[test]
    fn parent_and_name() {
        assert_eq!(parent("a/b/c.txt"), "a/b");
        assert_eq!(parent("c.txt"), ".");
        assert_eq!(file_name("a/b/c.txt"), "c.txt");
    }
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    #[test]
    fn the_listing_stops_at_the_depth_limit_and_probes_below_it_on_demand() {
        let tmp = tempfile::tempdir().unwrap();
        let deep_dir: String = (1..=MAX_DEPTH + 2).map(|i| format!("d{i}/")).collect();
        std::fs::create_dir_all(tmp.path().join(&deep_dir)).unwrap();
        std::fs::write(tmp.path().join(&deep_dir).join("Deep.java"), "class Deep {}").unwrap();
        std::fs::write(tmp.path().join("d1/README.md"), "").unwrap();
        let index = RepoIndex::build(tmp.path());

        let limit: String = (1..=MAX_DEPTH).map(|i| format!("d{i}/")).collect();
        assert!(
            index.has_dir(limit.trim_end_matches('/')),
            "the directory at the limit is listed"
        );
        assert!(
            !index.files.iter().any(|f| f.ends_with("Deep.java")),
            "{:?}",
            index.files
        );
        assert!(index.any_file_below("d1", |f| f.ends_with(".java")));
        assert!(!index.any_file_below("d1", |f| f.ends_with(".py")));
        assert!(
            index.any_file_below("d1", |f| f.ends_with(".md")),
            "listed files answer first"
        );
    }
}
