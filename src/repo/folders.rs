//! A set of repo-relative folders that answers "is this path inside one of them" and "is one of
//! them inside this folder" by lookups, not by comparing the path with every folder: a Django
//! shop finds 1,500 test folders and then asks about each of its 13,000 files.

use std::collections::BTreeSet;

#[derive(Debug, Default)]
pub struct Folders {
    set: BTreeSet<String>,
}

impl Folders {
    pub fn new<'a>(folders: impl IntoIterator<Item = &'a String>) -> Folders {
        Folders {
            set: folders.into_iter().cloned().collect(),
        }
    }

    pub fn insert(&mut self, folder: &str) {
        if !self.set.contains(folder) {
            self.set.insert(folder.to_string());
        }
    }

    pub fn remove(&mut self, folder: &str) {
        self.set.remove(folder);
    }

    /// Whether `path` is one of the folders or inside one ([`crate::fs::is_within`] of any):
    /// one lookup per level of `path`.
    pub fn holds(&self, path: &str) -> bool {
        if self.set.contains(".") || self.set.contains(path) {
            return true;
        }
        path.bytes()
            .enumerate()
            .any(|(i, b)| b == b'/' && self.set.contains(&path[..i]))
    }

    /// The folders that are `dir` or inside it, in order: they sort right after `dir`, among
    /// its siblings that merely start with the same letters (`api-docs` beside `api/`).
    pub fn inside<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        let everything = dir == ".";
        self.set
            .range::<str, _>((
                std::ops::Bound::Included(if everything { "" } else { dir }),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |f| everything || f.starts_with(dir))
            .filter(move |f| crate::fs::is_within(f, dir))
    }

    /// Whether `dir` is inside one of the folders or holds one.
    pub fn overlaps(&self, dir: &str) -> bool {
        self.holds(dir) || self.inside(dir).next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::is_within;

    #[test]
    fn lookups_answer_as_comparing_with_every_folder_does() {
        let folders: Vec<String> = ["api", "api/tests", "app/x", "apps", "api-docs/v1", "b.c"]
            .map(String::from)
            .to_vec();
        let set = Folders::new(&folders);
        let paths = [
            "api",
            "api/a.py",
            "api-docs",
            "api-docs/v1/x",
            "app",
            "app/x/y",
            "app/xy",
            "apps/a",
            "b",
            "b.c/d",
            "c",
            ".",
        ];
        for path in paths {
            let naive_holds = folders.iter().any(|f| is_within(path, f));
            assert_eq!(set.holds(path), naive_holds, "holds {path}");
            let naive_inside: Vec<&String> = folders.iter().filter(|f| is_within(f, path)).collect();
            let mut naive_inside = naive_inside;
            naive_inside.sort();
            assert_eq!(set.inside(path).collect::<Vec<_>>(), naive_inside, "inside {path}");
            let naive_overlaps = folders.iter().any(|f| is_within(path, f) || is_within(f, path));
            assert_eq!(set.overlaps(path), naive_overlaps, "overlaps {path}");
        }
    }

    #[test]
    fn the_root_holds_everything() {
        let mut set = Folders::default();
        assert!(!set.holds("a/b"));
        set.insert(".");
        assert!(set.holds("a/b") && set.overlaps("x"));
        set.remove(".");
        assert!(!set.holds("a/b"));
    }
}
