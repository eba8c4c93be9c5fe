//! The index's paths by file name and by extension, so that a glob reaching into every
//! folder (`**/settings.py`, `src/**/*.config.ts`) looks up the few paths of its name instead
//! of trying every path below its prefix: in a tree of 20,000 files, each such glob of every
//! detector cost a pass over all of them.

#[derive(Debug, Default)]
pub struct Names {
    /// The paths, in the index's order, one after the other: one allocation, not one per path.
    text: String,
    /// Where each path ends in `text` (the next one starts there).
    path_end: Vec<u32>,
    /// Where each path's name starts in `text`.
    name_at: Vec<u32>,
    /// Each path's name as a number: paths of one name share it.
    name_of: Vec<u32>,
    /// For each of those numbers, the first path of that name.
    first_of: Vec<u32>,
    /// Positions in the paths, by name then path.
    by_name: Vec<u32>,
    /// The paths by their name's last extension (`ts` of `app.config.ts`), each run in path
    /// order: made on the first lookup by a name's ending (`*.py` in `settings/`), since most
    /// trees are only asked by names' starts. One pass, no sort: ordering every name backwards
    /// was half of the index's cost in a tree of 10,000 migrations.
    by_extension: std::sync::OnceLock<Extensions>,
}

type Extensions = std::collections::HashMap<Box<str>, Vec<u32>, foldhash::fast::RandomState>;

/// The last extension of a name or of the end of one (`ts` of `.config.ts`); `None` when it has
/// no dot, so that names of any extension may end with it (`file` of `Dockerfile`).
fn last_extension(name: &str) -> Option<&str> {
    name.rsplit_once('.').map(|(_, extension)| extension)
}

impl Names {
    pub fn new<'a>(paths: impl Iterator<Item = &'a String>) -> Names {
        let mut names = Names::default();
        for path in paths {
            let name = crate::fs::file_name(path);
            names.name_at.push((names.text.len() + path.len() - name.len()) as u32);
            names.text.push_str(path);
            names.path_end.push(names.text.len() as u32);
        }
        // Each distinct name is sorted once, and the paths are then placed by their name's rank
        // in one pass (stable, so each name's paths stay in path order): a tree has far fewer
        // names than paths (`__init__.py`, `index.ts`), and comparing every path's name with
        // others' was most of the cost.
        let mut distinct: std::collections::HashMap<&str, u32, foldhash::fast::RandomState> =
            std::collections::HashMap::with_capacity_and_hasher(names.path_end.len() / 8, Default::default());
        let mut name_of = Vec::with_capacity(names.path_end.len());
        let mut first_of = Vec::new();
        for at in 0..names.path_end.len() as u32 {
            let next = distinct.len() as u32;
            let id = *distinct.entry(names.name(at)).or_insert(next);
            if id == next {
                first_of.push(at);
            }
            name_of.push(id);
        }
        drop(distinct);
        names.by_name = place(&name_of, &ordered(&first_of, |at| names.name(at).as_bytes()));
        names.name_of = name_of;
        names.first_of = first_of;
        names
    }

    fn path(&self, at: u32) -> &str {
        let end = self.path_end[at as usize] as usize;
        let start = if at == 0 {
            0
        } else {
            self.path_end[at as usize - 1] as usize
        };
        &self.text[start..end]
    }

    fn name(&self, at: u32) -> &str {
        let end = self.path_end[at as usize] as usize;
        &self.text[self.name_at[at as usize] as usize..end]
    }

    /// The paths by extension, made on first use. A name without a dot is in no run.
    fn extensions(&self) -> &Extensions {
        self.by_extension.get_or_init(|| {
            let mut runs = Extensions::default();
            for at in 0..self.path_end.len() as u32 {
                let Some(extension) = last_extension(self.name(at)) else {
                    continue;
                };
                match runs.get_mut(extension) {
                    Some(run) => run.push(at),
                    None => {
                        runs.insert(extension.into(), vec![at]);
                    }
                }
            }
            runs
        })
    }

    /// The paths under `prefix` whose name starts with `starts` and ends with `ends` (one of
    /// them not empty) and, given a `folder`, whose folder has that name, sorted. `None` where
    /// the caller's walk of the folder costs less: when more than `most` names fit `starts`, or
    /// when `ends` alone is given and has no dot (any extension may end with it).
    pub fn fitting(
        &self,
        prefix: &str,
        starts: &str,
        ends: &str,
        folder: Option<&str>,
        most: usize,
    ) -> Option<Vec<&str>> {
        let fits =
            |name: &str| name.len() >= starts.len() + ends.len() && name.starts_with(starts) && name.ends_with(ends);
        if starts.is_empty() {
            // One run of paths, in path order: those under `prefix` are one stretch of it.
            let run = self
                .extensions()
                .get(last_extension(ends)?)
                .map_or(&[][..], Vec::as_slice);
            let from = run.partition_point(|&i| self.path(i) < prefix);
            let fitting = run[from..]
                .iter()
                .map(|&i| (self.path(i), self.name(i)))
                .take_while(|(path, _)| path.starts_with(prefix))
                .filter(|(path, name)| fits(name) && in_folder(path, folder))
                .map(|(path, _)| path);
            return Some(fitting.collect());
        }
        let order = &self.by_name;
        let mut out = Vec::new();
        let mut at = order.partition_point(|&i| self.name(i) < starts);
        let mut names = 0;
        while at < order.len() {
            let name = self.name(order[at]);
            if !name.starts_with(starts) {
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
            let from = run.partition_point(|&i| self.path(i) < prefix);
            out.extend(
                run[from..]
                    .iter()
                    .map(|&i| self.path(i))
                    .take_while(|p| p.starts_with(prefix))
                    .filter(|p| in_folder(p, folder)),
            );
        }
        out.sort_unstable();
        Some(out)
    }
}

/// Whether the folder `path` lies in is named `folder`, when one is given.
pub fn in_folder(path: &str, folder: Option<&str>) -> bool {
    folder.is_none_or(|folder| crate::fs::file_name(crate::fs::parent(path)) == folder)
}

/// The names (each given by the position of a path that has it) in the order of `text`, as the
/// positions in `first_of`. Sorted by their first sixteen bytes as a number, then by all of them:
/// most comparisons end at the number, without a look at the text (eight were too few where
/// names share a start: `20240101003778_step.js`). The sort is the one that
/// finds runs already in order: the names come folder by folder, each folder's sorted.
fn ordered<'t>(first_of: &[u32], text: impl Fn(u32) -> &'t [u8]) -> Vec<u32> {
    // Small entries move fast: the text is looked up only where two heads are equal.
    let mut keyed: Vec<(u128, u32)> = first_of
        .iter()
        .enumerate()
        .map(|(id, at)| (head(text(*at)), id as u32))
        .collect();
    keyed.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| text(first_of[a.1 as usize]).cmp(text(first_of[b.1 as usize])))
    });
    keyed.into_iter().map(|(_, id)| id).collect()
}

/// The first sixteen bytes of `text` as a big-endian number, zero-padded: numbers ordered as the
/// texts' starts are.
pub fn head(text: &[u8]) -> u128 {
    let mut bytes = [0u8; 16];
    let n = text.len().min(16);
    bytes[..n].copy_from_slice(&text[..n]);
    u128::from_be_bytes(bytes)
}

/// The positions of the paths, ordered by the rank their name (`name_of`) has in `order` (the
/// distinct names, sorted), each name's paths in position order: a counting sort.
fn place(name_of: &[u32], order: &[u32]) -> Vec<u32> {
    let mut rank = vec![0u32; order.len()];
    for (r, id) in order.iter().enumerate() {
        rank[*id as usize] = r as u32;
    }
    // Where each rank's paths start.
    let mut start = vec![0u32; order.len() + 1];
    for id in name_of {
        start[rank[*id as usize] as usize + 1] += 1;
    }
    for r in 1..start.len() {
        start[r] += start[r - 1];
    }
    let mut placed = vec![0u32; name_of.len()];
    for (at, id) in name_of.iter().enumerate() {
        let slot = &mut start[rank[*id as usize] as usize];
        placed[*slot as usize] = at as u32;
        *slot += 1;
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_answer_as_checking_every_name_does() {
        let mut paths: Vec<String> = [
            "a/settings.py",
            "b/c/settings.py",
            "b/x/app.config.ts",
            "settings.pyc",
            "src/db.config.ts",
            "src/x/app.config.ts",
            "src/x/config.ts",
            "src/x/settings.py",
            "données/été.py",
        ]
        .map(String::from)
        .to_vec();
        // In the index's order, as Names is given them.
        paths.sort();
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
                for folder in [None, Some("x"), Some("b")] {
                    let naive: Vec<&str> = paths
                        .iter()
                        .map(String::as_str)
                        .filter(|p| {
                            let name = crate::fs::file_name(p);
                            p.starts_with(prefix)
                                && name.len() >= starts.len() + ends.len()
                                && name.starts_with(starts)
                                && name.ends_with(ends)
                                && folder.is_none_or(|f| crate::fs::file_name(crate::fs::parent(p)) == f)
                        })
                        .collect();
                    assert_eq!(
                        names.fitting(prefix, starts, ends, folder, usize::MAX),
                        Some(naive),
                        "{prefix}: {starts}*{ends} in {folder:?}"
                    );
                }
            }
        }
        assert_eq!(names.fitting("", "settings", "", None, 1), None, "two names start so");
        assert_eq!(
            names.fitting("", "", "py", None, usize::MAX),
            None,
            "any extension may end so"
        );
    }
}
