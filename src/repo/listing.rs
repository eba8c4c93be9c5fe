//! Lists a repository's tree the way git sees it, bounded in depth and entries: what its ignore
//! files exclude is left out, unless git tracks it. Each directory
//! costs one `read_dir`: its `.gitignore` and `.ignore` are found in the listing itself instead of
//! probed for (which cost three failed `stat`s per directory), and entries are visited in name
//! order, so a listing cut short by its budget is the same on every run.

use super::read_ahead::{Read, ReadAhead};
use crate::report::Warning;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::path::Path;
use std::rc::Rc;

pub use super::open::Kind;
use super::open::Root;

/// One directory's ignore rules and the length of the repo-relative prefix (`dir/`) they apply
/// below, so an entry is matched by its path relative to that directory, without allocating.
struct Rules {
    matcher: Gitignore,
    prefix_len: usize,
}

/// What the visitor is shown: a listed entry, or an entry `.gitignore` excludes, by its
/// repo-relative path (handed over, since the visitor usually keeps it).
pub enum Seen {
    Listed {
        rel: String,
        kind: Kind,
        depth: usize,
    },
    Ignored {
        rel: String,
        kind: Kind,
    },
    /// A directory that could not be read (a warning names it): what it holds is unseen.
    Unreadable {
        rel: String,
    },
}

/// Lists below the repo-relative directory `start` (`""` for the root) of `root`, `max_depth`
/// levels deep, calling `visit` for each entry until `budget` entries have been listed. Returns
/// false when the budget ran out. Symlinks, FIFOs, sockets and devices are never listed, so
/// nothing is followed out of the tree or opened; unreadable directories and entries become
/// warnings naming them.
///
/// Entries come breadth-first, level by level, each directory's in name order with its files
/// before its subdirectories: every entry at one depth is listed before any entry deeper, so a
/// huge directory cannot use up the budget before the manifests and directories beside it, or
/// at the root, are seen. Once many directories wait, a second thread reads them ahead
/// ([`ReadAhead`]); they are still taken in this order, so the listing is the same.
pub fn list(
    opened: &Root,
    start: &str,
    max_depth: usize,
    budget: &mut usize,
    prune: impl Fn(&str) -> bool,
    warnings: &mut Vec<Warning>,
    mut visit: impl FnMut(Seen),
) -> bool {
    let root = opened.path();
    let read_dir = |dir: &str| {
        let mut warnings = Vec::new();
        let entries = read_sorted(opened, dir, &mut warnings);
        Read { entries, warnings }
    };
    let ahead = ReadAhead::default();
    std::thread::scope(|scope| {
        // However the listing ends (its budget spent, a panic), the helper stops with it.
        struct Finish<'a, E: Send>(&'a ReadAhead<E>);
        impl<E: Send> Drop for Finish<'_, E> {
            fn drop(&mut self) {
                self.0.finish();
            }
        }
        let _finish = Finish(&ahead);
        let mut helped = false;
        let mut ignore_allowance = crate::fs::MAX_LISTING_IGNORE_PATTERNS;
        // Directories listed but not opened yet: their number in the read-ahead queue, path,
        // depth and the rules they inherit.
        let mut waiting =
            std::collections::VecDeque::from([(ahead.queue(start.to_string()), start.to_string(), 0, Vec::new())]);
        while let Some((number, dir, depth, inherited)) = waiting.pop_front() {
            let mut got = ahead.take(number, read_dir);
            warnings.append(&mut got.warnings);
            let Some(frame) = got
                .entries
                .and_then(|entries| open(root, &dir, entries, depth, &inherited, &mut ignore_allowance, warnings))
            else {
                visit(Seen::Unreadable { rel: dir });
                continue;
            };
            for (name, kind) in frame.entries {
                if kind == Kind::Dir && prune(&name) {
                    continue;
                }
                let mut rel = String::with_capacity(frame.prefix.len() + name.len());
                rel.push_str(&frame.prefix);
                rel.push_str(&name);
                // What git tracks stays, whatever an ignore pattern says (`backend` written for a
                // binary also matches `cmd/backend/`); the index is read once, when first needed.
                if is_ignored(&frame.rules, &rel, kind) {
                    let tracked = opened.tracked();
                    let kept = match kind {
                        Kind::File => tracked.files.contains(&rel),
                        Kind::Dir => tracked.dirs.contains(&rel),
                    };
                    if !kept {
                        visit(Seen::Ignored { rel, kind });
                        continue;
                    }
                }
                if *budget == 0 {
                    return false;
                }
                *budget -= 1;
                let depth = frame.depth + 1;
                if kind == Kind::Dir && depth < max_depth {
                    waiting.push_back((ahead.queue(rel.clone()), rel.clone(), depth, frame.rules.clone()));
                    if !helped && waiting.len() >= ReadAhead::<(String, Kind)>::WORTH_A_HELPER {
                        helped = true;
                        // Without a thread (the system's limit reached), the listing reads alone.
                        let _ = std::thread::Builder::new().spawn_scoped(scope, || ahead.help(read_dir));
                    }
                }
                visit(Seen::Listed { rel, kind, depth });
            }
        }
        true
    })
}

/// `dir` (repo-relative, `""` for the root) on disk.
fn absolute(root: &Path, dir: &str) -> std::path::PathBuf {
    if dir.is_empty() {
        root.to_path_buf()
    } else {
        root.join(dir)
    }
}

struct Frame {
    entries: std::vec::IntoIter<(String, Kind)>,
    /// `dir/`, or empty at the root.
    prefix: String,
    depth: usize,
    rules: Vec<Rc<Rules>>,
}

/// The directory `dir`, read into `entries`, with its own ignore files below the `inherited`
/// rules.
fn open(
    root: &Path,
    dir: &str,
    entries: Vec<(String, Kind)>,
    depth: usize,
    inherited: &[Rc<Rules>],
    ignore_allowance: &mut usize,
    warnings: &mut Vec<Warning>,
) -> Option<Frame> {
    let abs = absolute(root, dir);
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut rules = inherited.to_vec();
    if let Some(own) = own_rules(
        root,
        &abs,
        &prefix,
        dir.is_empty(),
        &entries,
        ignore_allowance,
        warnings,
    ) {
        rules.push(Rc::new(own));
    }
    Some(Frame {
        entries: entries.into_iter(),
        prefix,
        depth,
        rules,
    })
}

/// The directory's entries that are plain files or directories, sorted by name. Names that are
/// not UTF-8 cannot be named in a report or matched by a rule: they are skipped with a warning.
fn read_sorted(opened: &Root, dir: &str, warnings: &mut Vec<Warning>) -> Option<Vec<(String, Kind)>> {
    let shown = if dir.is_empty() { "." } else { dir };
    let read = match opened.entries(dir) {
        Ok(read) => read,
        Err(err) => {
            warnings.push(Warning::new(shown, format!("skipped: {err}")));
            return None;
        }
    };
    let mut entries = Vec::with_capacity(read.len());
    for entry in read {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                warnings.push(Warning::new(shown, format!("entry skipped: {err}")));
                continue;
            }
        };
        // Symlinks and special files are never followed or read.
        let Some(kind) = entry.kind else { continue };
        match entry.name {
            Ok(name) => entries.push((name, kind)),
            Err(lossy) => {
                let path = if dir.is_empty() {
                    lossy
                } else {
                    format!("{dir}/{lossy}")
                };
                warnings.push(Warning::new(path, "name is not valid UTF-8; skipped"));
            }
        }
    }
    // A directory's own files before the contents of its subdirectories: when the entry budget
    // runs out inside a huge subdirectory, the manifests beside it have been seen.
    // By a number made of each name's first bytes, then by the whole name: most comparisons end
    // at the number, where names that share a long start (`20240101003778_step.js`) were most of
    // the cost of listing a folder of thousands.
    let mut keyed: Vec<(bool, u128, (String, Kind))> = entries
        .into_iter()
        .map(|entry| (entry.1 == Kind::Dir, super::names::head(entry.0.as_bytes()), entry))
        .collect();
    keyed.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| a.2.0.cmp(&b.2.0)));
    Some(keyed.into_iter().map(|(_, _, entry)| entry).collect())
}

/// The rules of the directory's own `.gitignore` and `.ignore` (which wins where both match),
/// and at the repository root `.git/info/exclude` (which both override), as git applies them.
fn own_rules(
    root: &Path,
    abs: &Path,
    prefix: &str,
    at_root: bool,
    entries: &[(String, Kind)],
    ignore_allowance: &mut usize,
    warnings: &mut Vec<Warning>,
) -> Option<Rules> {
    let has = |name: &str| entries.iter().any(|(n, k)| n == name && *k == Kind::File);
    let git_dir = at_root && entries.iter().any(|(n, k)| n == ".git" && *k == Kind::Dir);
    let mut sources: Vec<std::path::PathBuf> = Vec::new();
    // Whether it is a regular file inside the repository is checked when it is read.
    if git_dir && std::fs::symlink_metadata(abs.join(".git/info/exclude")).is_ok() {
        sources.push(abs.join(".git/info/exclude"));
    }
    for name in [".gitignore", ".ignore"] {
        if has(name) {
            sources.push(abs.join(name));
        }
    }
    if sources.is_empty() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(abs);
    for source in &sources {
        let (err, left_out) = crate::fs::add_ignore_file(&mut builder, source, root, ignore_allowance);
        let name = source.strip_prefix(abs).unwrap_or(source).to_string_lossy();
        if let Some(err) = err {
            warnings.push(Warning::new(
                format!("{prefix}{name}"),
                format!("some lines not understood, the rest applies: {err}"),
            ));
        }
        if let Some(why) = left_out {
            warnings.push(Warning::new(format!("{prefix}{name}"), why));
        }
    }
    match builder.build() {
        Ok(matcher) => Some(Rules {
            matcher,
            prefix_len: prefix.len(),
        }),
        Err(err) => {
            warnings.push(Warning::new(format!("{prefix}.gitignore"), format!("ignored: {err}")));
            None
        }
    }
}

/// Whether the innermost rules that say anything about `rel` exclude it (a `!pattern` in a
/// deeper `.gitignore` re-includes what a shallower one excluded).
fn is_ignored(rules: &[Rc<Rules>], rel: &str, kind: Kind) -> bool {
    for own in rules.iter().rev() {
        let below = Path::new(&rel[own.prefix_len..]);
        let matched = own.matcher.matched(below, kind == Kind::Dir);
        if matched.is_ignore() {
            return true;
        }
        if matched.is_whitelist() {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(root: &Path, budget: usize) -> (Vec<String>, Vec<String>, bool) {
        let (mut listed, mut ignored, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
        let mut budget = budget;
        let complete = list(
            &Root::open(root),
            "",
            8,
            &mut budget,
            |n| n == "node_modules",
            &mut warnings,
            |seen| match seen {
                Seen::Listed { rel, .. } => listed.push(rel.to_string()),
                Seen::Ignored { rel, .. } => ignored.push(rel.to_string()),
                Seen::Unreadable { .. } => {}
            },
        );
        (listed, ignored, complete)
    }

    #[test]
    fn gitignore_rules_apply_below_their_directory_and_deeper_ones_win() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for dir in ["app/generated", "app/keep", "node_modules/x", "logs"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        std::fs::write(root.join(".gitignore"), "*.log\nlogs/\n.env*\n").unwrap();
        std::fs::write(root.join("app/.gitignore"), "generated/\n!keep.log\n").unwrap();
        std::fs::write(root.join("app/.ignore"), "keep/\n").unwrap();
        for file in [
            ".env.sample",
            "a.log",
            "app/keep.log",
            "app/main.py",
            "app/generated/g.py",
            "app/keep/k.py",
        ] {
            std::fs::write(root.join(file), "").unwrap();
        }
        let (listed, ignored, complete) = listed(root, 100);
        assert!(complete);
        assert_eq!(
            listed,
            [
                ".gitignore",
                "app",
                "app/.gitignore",
                "app/.ignore",
                "app/keep.log",
                "app/main.py"
            ]
        );
        // Level by level: what the root ignores, then what `app/` does.
        assert_eq!(ignored, [".env.sample", "a.log", "logs", "app/generated", "app/keep"]);
    }

    #[test]
    fn a_directory_that_cannot_be_read_is_reported_unreadable() {
        let tmp = tempfile::tempdir().unwrap();
        let (mut unreadable, mut warnings, mut budget) = (Vec::new(), Vec::new(), 10);
        // Gone between being listed and being opened, as a directory without permission is.
        list(
            &Root::open(tmp.path()),
            "gone",
            8,
            &mut budget,
            |_| false,
            &mut warnings,
            |seen| {
                if let Seen::Unreadable { rel } = seen {
                    unreadable.push(rel);
                }
            },
        );
        assert_eq!(unreadable, ["gone"]);
        assert!(
            warnings[0].file == "gone" && warnings[0].message.starts_with("skipped:"),
            "{warnings:?}"
        );
    }

    #[test]
    fn the_budget_cuts_the_listing_at_the_same_entry_every_time() {
        let tmp = tempfile::tempdir().unwrap();
        for name in ["e", "b", "d", "a", "c"] {
            std::fs::write(tmp.path().join(name), "").unwrap();
        }
        let (first, _, complete) = listed(tmp.path(), 3);
        assert!(!complete);
        assert_eq!(first, ["a", "b", "c"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_and_non_utf8_names_are_not_listed_and_the_name_is_reported() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/etc", tmp.path().join("etc")).unwrap();
        std::fs::write(tmp.path().join(std::ffi::OsStr::from_bytes(b"bad\xffname")), "").unwrap();
        std::fs::write(tmp.path().join("ok.txt"), "").unwrap();
        let mut warnings = Vec::new();
        let mut names = Vec::new();
        let mut budget = 10;
        list(
            &Root::open(tmp.path()),
            "",
            8,
            &mut budget,
            |_| false,
            &mut warnings,
            |seen| {
                if let Seen::Listed { rel, .. } = seen {
                    names.push(rel.to_string());
                }
            },
        );
        assert_eq!(names, ["ok.txt"]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].message.contains("not valid UTF-8"), "{warnings:?}");
    }

    #[test]
    fn a_tree_read_ahead_on_a_second_thread_is_listed_as_one_thread_lists_it() {
        let tmp = tempfile::tempdir().unwrap();
        let count = 3 * ReadAhead::<(String, Kind)>::WORTH_A_HELPER;
        for i in 0..count {
            std::fs::create_dir_all(tmp.path().join(format!("p{i:03}/src"))).unwrap();
            std::fs::write(tmp.path().join(format!("p{i:03}/package.json")), "{}").unwrap();
            std::fs::write(tmp.path().join(format!("p{i:03}/src/index.ts")), "").unwrap();
        }
        // Level by level, each directory's files before its folders, in name order.
        let mut expected: Vec<String> = (0..count).map(|i| format!("p{i:03}")).collect();
        for i in 0..count {
            expected.extend([format!("p{i:03}/package.json"), format!("p{i:03}/src")]);
        }
        expected.extend((0..count).map(|i| format!("p{i:03}/src/index.ts")));
        let (all, _, complete) = listed(tmp.path(), usize::MAX);
        assert!(complete);
        assert_eq!(all, expected);
        // Cut by the budget deep in the read-ahead: the same entries, every time.
        for _ in 0..5 {
            let (cut, _, complete) = listed(tmp.path(), count * 2 + 7);
            assert!(!complete);
            assert_eq!(cut, expected[..count * 2 + 7]);
        }
    }

    #[test]
    fn a_directorys_entries_are_listed_before_a_huge_subdirectory_uses_the_budget() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("aaa")).unwrap();
        std::fs::create_dir_all(tmp.path().join("src/app")).unwrap();
        for i in 0..20 {
            std::fs::write(tmp.path().join(format!("aaa/f{i}")), "").unwrap();
        }
        std::fs::write(tmp.path().join("package.json"), "{}").unwrap();
        let (first, _, complete) = listed(tmp.path(), 5);
        assert!(!complete, "the listing was cut, and says so");
        assert_eq!(first[..3], ["package.json", "aaa", "src"]);
        assert_eq!(first[3..], ["aaa/f0", "aaa/f1"], "then the next level");
    }
}
