//! Choosing the repositories of a bulk run: discovering the git repositories below a directory
//! and taking one deterministic shard of a list, so CI matrix jobs split an organisation.

use std::path::{Path, PathBuf};

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

#[cfg(test)]
mod tests {
    use super::*;

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
