//! Bulk runs: discovering the git repositories below a directory, taking one deterministic
//! shard of a list (so CI matrix jobs split an organisation), working through the repositories
//! in parallel while results come out in input order, and tallying how each one went.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Directories never looked into for repositories: dependency stores and build output.
const SKIPPED: &[&str] = &[
    "node_modules",
    "target",
    "vendor",
    ".venv",
    "venv",
    "dist",
    "build",
    "__pycache__",
];
/// How deep below the directory repositories are looked for (`org/team/repo` is 3).
const MAX_DEPTH: usize = 6;

/// The git repositories at or below `dir` (a `.git` directory or file, as a worktree or submodule
/// has), sorted. A found repository is not looked into, so nested repositories and its
/// dependency folders cost nothing. Symbolic links are not followed.
pub fn discover(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::read_dir(dir)?;
    let mut found = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0usize)];
    while let Some((current, depth)) = stack.pop() {
        if current.join(".git").symlink_metadata().is_ok() {
            found.push(current);
            continue;
        }
        if depth >= MAX_DEPTH {
            continue;
        }
        // An unreadable directory below holds no repository archprompt can scan.
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if is_dir && !name.starts_with('.') && !SKIPPED.contains(&name.as_ref()) {
                stack.push((entry.path(), depth + 1));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `K/N`: the K-th (from 1) of N shards.
pub fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let (k, n) = text.split_once('/').ok_or("expected K/N, such as 2/8")?;
    let k: usize = k.trim().parse().map_err(|_| format!("{k:?} is not a number"))?;
    let n: usize = n.trim().parse().map_err(|_| format!("{n:?} is not a number"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("shard {k}/{n}: K must be between 1 and N"));
    }
    Ok((k, n))
}

/// The items of shard `k` of `n`: every n-th item of the sorted list, starting at the k-th, so
/// the shards are disjoint, cover the list, and differ in size by at most one.
pub fn shard(mut items: Vec<PathBuf>, (k, n): (usize, usize)) -> Vec<PathBuf> {
    items.sort();
    items.dedup();
    items.into_iter().skip(k - 1).step_by(n).collect()
}

/// A repository's work that panicked (a bug in archprompt that its files set off): reported as
/// that repository failing, while the others go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked {
    /// The panic's message (`"unknown panic"` when it carried no text).
    pub message: String,
}

impl Panicked {
    /// The message a panic payload carries: `panic!("…")` gives a `&str` or a `String`.
    pub fn from_payload(payload: &(dyn std::any::Any + Send)) -> Panicked {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Panicked { message }
    }
}

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "panicked while scanning: {}", self.message)
    }
}

impl std::error::Error for Panicked {}

/// How many results, per worker thread, may be finished and waiting for an earlier, slower one
/// before the workers stop taking new items: enough to keep every thread busy past a slow
/// repository, few enough that memory stays bounded whatever the number of repositories.
const WINDOW_PER_THREAD: usize = 4;

/// Runs `work` on every item on `threads` worker threads and hands each result to `emit`, with
/// its index and how long `work` took, in the order of `items`: as soon as it and every one before
/// it are done. An item is taken only while it is less than a window of
/// `WINDOW_PER_THREAD × threads` items ahead of the next one to emit, so when one item is slow the
/// others wait after that window instead of piling up finished results: memory stays bounded
/// whatever the number of items.
///
/// A panic is confined to its item: when `work` panics on an item, `emit` gets
/// `Err(Panicked)` for it and the other items go on; when `emit` panics on a result, it is called
/// once more with `Err(Panicked)` for that item (a second panic there is dropped), and the run
/// goes on in order. The shared state is taken back from a poisoned lock, so no panic stops the
/// results after it.
pub fn in_order<I: Sync, T: Send>(
    items: &[I],
    threads: usize,
    work: impl Fn(&I) -> T + Sync,
    emit: impl Fn(usize, Result<T, Panicked>, Duration) + Sync,
) {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    /// Finished results not yet emitted, the index of the next one to emit and of the next
    /// one to take.
    struct Pending<T> {
        waiting: BTreeMap<usize, (Result<T, Panicked>, Duration)>,
        next_out: usize,
        next_in: usize,
    }
    let threads = threads.clamp(1, items.len().max(1));
    let window = threads * WINDOW_PER_THREAD;
    let pending = Mutex::new(Pending {
        waiting: BTreeMap::new(),
        next_out: 0,
        next_in: 0,
    });
    // Signalled each time results are emitted: the window has moved on.
    let moved = Condvar::new();
    // Each item's work touches only that item's data; whatever it left half-done is dropped
    // with its panic, and `emit` is not called with it.
    let work = |item: &I| catch_unwind(AssertUnwindSafe(|| work(item))).map_err(|p| Panicked::from_payload(&*p));
    let emit = |i: usize, result: Result<T, Panicked>, took: Duration| {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| emit(i, result, took))) {
            let _ = catch_unwind(AssertUnwindSafe(|| {
                emit(i, Err(Panicked::from_payload(&*payload)), took)
            }));
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    // The item being waited for is always taken by a running worker, so this
                    // wait always ends.
                    let i = {
                        let guard = pending.lock().unwrap_or_else(|e| e.into_inner());
                        let mut guard = moved
                            .wait_while(guard, |p| p.next_in < items.len() && p.next_in >= p.next_out + window)
                            .unwrap_or_else(|e| e.into_inner());
                        guard.next_in += 1;
                        guard.next_in - 1
                    };
                    let Some(item) = items.get(i) else { break };
                    let started = std::time::Instant::now();
                    let result = work(item);
                    let elapsed = started.elapsed();
                    let mut guard = pending.lock().unwrap_or_else(|e| e.into_inner());
                    let Pending { waiting, next_out, .. } = &mut *guard;
                    waiting.insert(i, (result, elapsed));
                    let before = *next_out;
                    while let Some((ready, took)) = waiting.remove(next_out) {
                        emit(*next_out, ready, took);
                        *next_out += 1;
                    }
                    if *next_out != before {
                        moved.notify_all();
                    }
                }
            });
        }
    });
}

/// How many repositories of a bulk run ended each way, and the slowest ones, for the summary
/// table printed after the run.
#[derive(Debug)]
pub struct Tally {
    /// Row labels in display order, each with its count.
    rows: Vec<(&'static str, usize)>,
    repos: usize,
    slowest: Vec<(Duration, String)>,
}

/// How many of the slowest repositories the summary names.
const SLOWEST_SHOWN: usize = 3;

impl Tally {
    /// A tally with these rows, all at zero, shown in this order.
    pub fn new(rows: &[&'static str]) -> Tally {
        Tally {
            rows: rows.iter().map(|r| (*r, 0)).collect(),
            repos: 0,
            slowest: Vec::new(),
        }
    }

    /// One repository done: counted under each of `rows` (a row not declared is added last).
    pub fn add(&mut self, repo: &str, elapsed: Duration, rows: &[&'static str]) {
        self.repos += 1;
        for row in rows {
            match self.rows.iter_mut().find(|(label, _)| label == row) {
                Some((_, n)) => *n += 1,
                None => self.rows.push((row, 1)),
            }
        }
        self.slowest.push((elapsed, repo.to_string()));
        self.slowest.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        self.slowest.truncate(SLOWEST_SHOWN);
    }

    pub fn count(&self, row: &str) -> usize {
        self.rows.iter().find(|(label, _)| *label == row).map_or(0, |(_, n)| *n)
    }

    /// The summary: a heading with the run's time, a count per row, and the slowest repositories
    /// when there are more than a handful.
    pub fn render(&self, verb: &str, took: Duration) -> String {
        let noun = if self.repos == 1 { "repository" } else { "repositories" };
        let mut text = format!("{verb} {} {noun} in {:.2} s\n", self.repos, took.as_secs_f64());
        let width = self.rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
        let digits = self.repos.to_string().len();
        for (label, n) in &self.rows {
            text.push_str(&format!("  {label:<width$}  {n:>digits$}\n"));
        }
        if self.repos > SLOWEST_SHOWN {
            let named: Vec<String> = self
                .slowest
                .iter()
                .map(|(d, repo)| format!("{repo} ({:.0} ms)", d.as_secs_f64() * 1000.0))
                .collect();
            text.push_str(&format!("slowest: {}\n", named.join(", ")));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_out_in_input_order_whatever_finishes_first() {
        let items: Vec<u64> = (0..40).collect();
        let seen = Mutex::new(Vec::new());
        // Early items take longest, so later ones finish first and must wait.
        in_order(
            &items,
            4,
            |i| {
                std::thread::sleep(Duration::from_millis((40 - i) / 8));
                i * 10
            },
            |index, value, _| seen.lock().unwrap().push((index, value.unwrap())),
        );
        let seen = seen.into_inner().unwrap();
        let expected: Vec<(usize, u64)> = (0..40).map(|i| (i as usize, i * 10)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn a_slow_first_item_holds_back_at_most_a_window_of_finished_results() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let items: Vec<u64> = (0..200).collect();
        let threads = 3;
        // Finished but not yet emitted, and the most there ever were.
        let (held, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let order = Mutex::new(Vec::new());
        in_order(
            &items,
            threads,
            |&i| {
                if i == 0 {
                    std::thread::sleep(Duration::from_millis(300));
                }
                let now = held.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                i
            },
            |index, value, _| {
                held.fetch_sub(1, Ordering::SeqCst);
                order.lock().unwrap().push((index, value.unwrap()));
            },
        );
        let most = most.into_inner();
        assert!(
            most <= threads * WINDOW_PER_THREAD,
            "{most} results were held at once, more than the window"
        );
        assert!(most > threads, "the other threads went on past the slow item: {most}");
        let order = order.into_inner().unwrap();
        assert_eq!(order, (0..200).map(|i| (i as usize, i)).collect::<Vec<_>>());
    }

    #[test]
    fn a_panic_in_one_item_fails_that_item_and_the_others_finish_in_order() {
        let items: Vec<u64> = (0..12).collect();
        let seen = Mutex::new(Vec::new());
        in_order(
            &items,
            3,
            |&i| {
                if i == 4 {
                    panic!("index out of range for item {i}");
                }
                if i == 7 {
                    std::panic::panic_any(42u8);
                }
                i * 10
            },
            |index, value, _| seen.lock().unwrap().push((index, value)),
        );
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.len(), 12, "every item is emitted once: {seen:?}");
        for (n, (index, value)) in seen.iter().enumerate() {
            assert_eq!(*index, n, "in input order");
            match n {
                4 => {
                    let err = value.as_ref().unwrap_err();
                    assert_eq!(err.message, "index out of range for item 4");
                    assert_eq!(
                        err.to_string(),
                        "panicked while scanning: index out of range for item 4"
                    );
                }
                7 => assert_eq!(value.as_ref().unwrap_err().message, "unknown panic"),
                _ => assert_eq!(value.as_ref().ok(), Some(&(n as u64 * 10))),
            }
        }
    }

    #[test]
    fn a_panic_while_emitting_is_reported_for_that_item_and_the_run_goes_on() {
        let items: Vec<u64> = (0..10).collect();
        let seen = Mutex::new(Vec::new());
        in_order(
            &items,
            2,
            |&i| i,
            |index, value, _| {
                // Hold the shared lock while panicking: it must not stop the items after it.
                let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                if value == Ok(3) {
                    panic!("cannot print {index}");
                }
                seen.push((index, value));
            },
        );
        let seen = seen.into_inner().unwrap_or_else(|e| e.into_inner());
        let indexes: Vec<usize> = seen.iter().map(|(i, _)| *i).collect();
        assert_eq!(indexes, (0..10).collect::<Vec<_>>());
        assert_eq!(
            seen[3].1,
            Err(Panicked {
                message: "cannot print 3".into()
            })
        );
    }

    #[test]
    fn the_tally_counts_rows_and_names_the_slowest() {
        let mut tally = Tally::new(&["written", "up to date", "failed"]);
        for (i, rows) in [
            &["written"][..],
            &["up to date"],
            &["written", "with placeholders left"],
            &[],
        ]
        .iter()
        .enumerate()
        {
            tally.add(&format!("repo{i}"), Duration::from_millis(10 * i as u64), rows);
        }
        tally.add("slow", Duration::from_millis(500), &["failed"]);
        assert_eq!(tally.count("written"), 2);
        assert_eq!(tally.count("with placeholders left"), 1);
        assert_eq!(
            tally.render("set up", Duration::from_millis(1500)),
            "set up 5 repositories in 1.50 s\n  written                 2\n  up to date              1\n  failed                  1\n  with placeholders left  1\nslowest: slow (500 ms), repo3 (30 ms), repo2 (20 ms)\n"
        );
    }

    #[test]
    fn shards_partition_the_list() {
        let items: Vec<PathBuf> = (0..23).map(|i| PathBuf::from(format!("repo{i:02}"))).collect();
        for n in 1..=7 {
            let mut seen: Vec<PathBuf> = Vec::new();
            for k in 1..=n {
                let part = shard(items.clone(), (k, n));
                assert!(part.len().abs_diff(items.len() / n) <= 1);
                seen.extend(part);
            }
            seen.sort();
            assert_eq!(seen, items, "{n} shards cover every item exactly once");
        }
    }

    #[test]
    fn shard_syntax() {
        assert_eq!(parse_shard("2/8"), Ok((2, 8)));
        assert!(parse_shard("0/3").is_err());
        assert!(parse_shard("4/3").is_err());
        assert!(parse_shard("3").is_err());
        assert!(parse_shard("a/3").is_err());
    }

    #[test]
    fn discovery_stops_at_repositories_and_skips_dependency_folders() {
        let dir = tempfile::tempdir().unwrap();
        let make = |path: &str| std::fs::create_dir_all(dir.path().join(path)).unwrap();
        make("org/api/.git");
        make("org/api/nested/.git");
        make("org/web/.git");
        make("org/web/node_modules/left-pad/.git");
        make("team/sub/deep/tool/.git");
        make("node_modules/pkg/.git");
        make("notes");
        std::fs::create_dir_all(dir.path().join("org/worktree")).unwrap();
        std::fs::write(
            dir.path().join("org/worktree/.git"),
            "gitdir: ../api/.git/worktrees/x\n",
        )
        .unwrap();
        let found: Vec<String> = discover(dir.path())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["org/api", "org/web", "org/worktree", "team/sub/deep/tool"]);
    }
}
