//! The index's paths by file name, forwards and backwards, so that a glob reaching into every
//! folder (`**/settings.py`, `src/**/*.config.ts`) looks up the few paths of its name instead
//! of trying every path below its prefix: in a tree of 20,000 files, each such glob of every
//! detector cost a pass over all of them.

use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Names {
    /// Name → the paths of that name, sorted.
    forward: BTreeMap<String, Vec<String>>,
    /// The name spelled backwards → the paths of that name, sorted: names by their ending.
    backward: BTreeMap<String, Vec<String>>,
}

impl Names {
    /// `paths` must come sorted (as the index's sets iterate), so each name's list is too.
    pub fn new<'a>(paths: impl Iterator<Item = &'a String>) -> Names {
        let mut forward: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for path in paths {
            let name = crate::fs::file_name(path);
            match forward.get_mut(name) {
                Some(list) => list.push(path.clone()),
                None => {
                    forward.insert(name.to_string(), vec![path.clone()]);
                }
            }
        }
        let backward = forward
            .iter()
            .map(|(name, paths)| (name.chars().rev().collect(), paths.clone()))
            .collect();
        Names { forward, backward }
    }

    /// The paths whose name starts with `starts` and ends with `ends` (one of them not empty),
    /// sorted.
    pub fn fitting(&self, starts: &str, ends: &str) -> Vec<&String> {
        let fits = |name: &str| name.len() >= starts.len() + ends.len() && name.ends_with(ends);
        let mut out = if !starts.is_empty() {
            with_prefix(&self.forward, starts, fits)
        } else {
            let reversed: String = ends.chars().rev().collect();
            with_prefix(&self.backward, &reversed, |_| true)
        };
        out.sort_unstable();
        out
    }
}

/// The paths of the entries of `map` whose key starts with `prefix` and passes `keep`.
fn with_prefix<'m>(
    map: &'m BTreeMap<String, Vec<String>>,
    prefix: &str,
    keep: impl Fn(&str) -> bool,
) -> Vec<&'m String> {
    map.range::<str, _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded))
        .take_while(|(key, _)| key.starts_with(prefix))
        .filter(|(key, _)| keep(key))
        .flat_map(|(_, paths)| paths)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_answer_as_checking_every_name_does() {
        let paths: Vec<String> = [
            "a/settings.py",
            "b/c/settings.py",
            "settings.pyc",
            "src/db.config.ts",
            "src/x/app.config.ts",
            "src/x/config.ts",
            "données/été.py",
        ]
        .map(String::from)
        .to_vec();
        let names = Names::new(paths.iter());
        for (starts, ends) in [
            ("settings.py", ""),
            ("settings", ".py"),
            ("", ".config.ts"),
            ("", ".py"),
            ("", "é.py"),
            ("x", ""),
        ] {
            let naive: Vec<&String> = paths
                .iter()
                .filter(|p| {
                    let name = crate::fs::file_name(p);
                    name.len() >= starts.len() + ends.len() && name.starts_with(starts) && name.ends_with(ends)
                })
                .collect();
            assert_eq!(names.fitting(starts, ends), naive, "{starts}*{ends}");
        }
    }
}
