//! The index's paths by file name, forwards and backwards, so that a glob reaching into every
//! folder (`**/settings.py`, `src/**/*.config.ts`) looks up the few paths of its name instead
//! of trying every path below its prefix: in a tree of 20,000 files, each such glob of every
//! detector cost a pass over all of them.

#[derive(Debug, Default)]
pub struct Names {
    /// The paths, in the index's order.
    paths: Vec<String>,
    /// Where each path's name starts.
    name_at: Vec<u32>,
    /// Every name spelled backwards, one after the other, and where each one ends: names with
    /// one ending share a start here, and are compared as plain bytes.
    backwards: Vec<u8>,
    backwards_end: Vec<u32>,
    /// Positions in `paths`, by name then path.
    by_name: Vec<u32>,
    /// Positions in `paths`, by name read backwards (names by their ending) then path.
    by_ending: Vec<u32>,
}

impl Names {
    pub fn new<'a>(paths: impl Iterator<Item = &'a String>) -> Names {
        let paths: Vec<String> = paths.cloned().collect();
        let name_at: Vec<u32> = paths
            .iter()
            .map(|p| (p.len() - crate::fs::file_name(p).len()) as u32)
            .collect();
        let mut backwards = Vec::new();
        let mut backwards_end = Vec::with_capacity(paths.len());
        for (path, at) in paths.iter().zip(&name_at) {
            backwards.extend(path.as_bytes()[*at as usize..].iter().rev());
            backwards_end.push(backwards.len() as u32);
        }
        let mut names = Names {
            paths,
            name_at,
            backwards,
            backwards_end,
            by_name: Vec::new(),
            by_ending: Vec::new(),
        };
        // Positions are in path order, so ties broken by position stay by path.
        let mut by_name: Vec<u32> = (0..names.paths.len() as u32).collect();
        let mut by_ending = by_name.clone();
        by_name.sort_unstable_by(|a, b| names.name(*a).cmp(names.name(*b)).then(a.cmp(b)));
        by_ending.sort_unstable_by(|a, b| names.ending(*a).cmp(names.ending(*b)).then(a.cmp(b)));
        names.by_name = by_name;
        names.by_ending = by_ending;
        names
    }

    fn name(&self, at: u32) -> &str {
        &self.paths[at as usize][self.name_at[at as usize] as usize..]
    }

    /// The name of `paths[at]`, backwards.
    fn ending(&self, at: u32) -> &[u8] {
        let end = self.backwards_end[at as usize] as usize;
        let start = if at == 0 {
            0
        } else {
            self.backwards_end[at as usize - 1] as usize
        };
        &self.backwards[start..end]
    }

    /// The paths under `prefix` whose name starts with `starts` and ends with `ends` (one of
    /// them not empty), sorted; `None` when more than `most` names fit, where the caller's walk
    /// of the folder costs less than a lookup per name.
    pub fn fitting(&self, prefix: &str, starts: &str, ends: &str, most: usize) -> Option<Vec<&String>> {
        let fits =
            |name: &str| name.len() >= starts.len() + ends.len() && name.starts_with(starts) && name.ends_with(ends);
        let ends_backwards: Vec<u8> = ends.bytes().rev().collect();
        let (order, first) = if !starts.is_empty() {
            (&self.by_name, self.by_name.partition_point(|&i| self.name(i) < starts))
        } else {
            let first = self
                .by_ending
                .partition_point(|&i| self.ending(i) < ends_backwards.as_slice());
            (&self.by_ending, first)
        };
        let mut out = Vec::new();
        let mut at = first;
        let mut names = 0;
        while at < order.len() {
            let name = self.name(order[at]);
            let still = if !starts.is_empty() {
                name.starts_with(starts)
            } else {
                name.ends_with(ends)
            };
            if !still {
                break;
            }
            // The run of this name: its paths in order, those under `prefix` one run of them.
            let run = &order[at..];
            let run = &run[..run.partition_point(|&i| self.name(i) == name)];
            at += run.len();
            if !fits(name) {
                continue;
            }
            names += 1;
            if names > most {
                return None;
            }
            let from = run.partition_point(|&i| self.paths[i as usize].as_str() < prefix);
            out.extend(
                run[from..]
                    .iter()
                    .map(|&i| &self.paths[i as usize])
                    .take_while(|p| p.starts_with(prefix)),
            );
        }
        out.sort_unstable();
        Some(out)
    }
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
            for prefix in ["", "src/", "src/x/", "b/", "a/settings.py/"] {
                let naive: Vec<&String> = paths
                    .iter()
                    .filter(|p| {
                        let name = crate::fs::file_name(p);
                        p.starts_with(prefix)
                            && name.len() >= starts.len() + ends.len()
                            && name.starts_with(starts)
                            && name.ends_with(ends)
                    })
                    .collect();
                assert_eq!(
                    names.fitting(prefix, starts, ends, usize::MAX),
                    Some(naive),
                    "{prefix}: {starts}*{ends}"
                );
            }
        }
        assert_eq!(names.fitting("", "", ".py", 1), None, "two names end in .py");
    }
}
