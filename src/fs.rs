//! Bounded, repository-bound file access and `/`-separated path helpers: the few rules every
//! layer shares about touching the disk (read only regular files of bounded size inside the
//! repository, write atomically) and about repo-relative paths.

use anyhow::Context;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The largest file archprompt reads: manifests, configs, templates and agent files are small.
pub const MAX_READ_BYTES: u64 = 2 * 1024 * 1024;

/// A repository path must be a directory: the one wording every command uses when it is not
/// (`PATH: no such file or directory`, `PATH: not a directory`, `PATH: cannot read: …`).
pub fn require_dir(path: &Path) -> anyhow::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => match std::fs::read_dir(path) {
            Ok(_) => Ok(()),
            Err(err) => anyhow::bail!("{}: cannot read: {err}", path.display()),
        },
        Ok(_) => anyhow::bail!("{}: not a directory", path.display()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            anyhow::bail!("{}: no such file or directory", path.display())
        }
        Err(err) => anyhow::bail!("{}: cannot read: {err}", path.display()),
    }
}

/// Reads a file outside the index (an agent file, a template, a Makefile doctor checks) the way
/// the index reads: only a regular file of at most [`MAX_READ_BYTES`], as lossy UTF-8, so a FIFO
/// or device is never opened and a huge file is never loaded. The path must resolve inside
/// `within`: a symlink (of the file or of a directory on the way) is followed only when it stays
/// in the repository (one agent file linked to another), so a hostile repository cannot make
/// archprompt read, print or diff a file from elsewhere.
pub fn read_plain(path: &Path, within: &Path) -> std::io::Result<String> {
    Ok(String::from_utf8_lossy(&read_bytes(path, within)?).into_owned())
}

/// [`read_plain`] for a file archprompt may write back around its own part (AGENTS.md, a file
/// `doctor --fix` repairs): bytes that are not UTF-8 are an error, never replaced, so no byte of
/// the user's text can be lost.
pub fn read_text(path: &Path, within: &Path) -> std::io::Result<String> {
    String::from_utf8(read_bytes(path, within)?).map_err(|err| {
        let at = err.utf8_error().valid_up_to();
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not valid UTF-8 (byte {at}); archprompt changes only files it can keep byte for byte"),
        )
    })
}

fn read_bytes(path: &Path, within: &Path) -> std::io::Result<Vec<u8>> {
    let (file, len) = open_plain(path, within)?;
    if len > MAX_READ_BYTES {
        return Err(refuse(format!("larger than {} MiB; not read", MAX_READ_BYTES >> 20)));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_READ_BYTES).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The first `max` bytes of a file [`read_plain`] would read, as lossy UTF-8, and whether the
/// file goes on past them.
pub fn read_start(path: &Path, within: &Path, max: u64) -> std::io::Result<(String, bool)> {
    let (file, len) = open_plain(path, within)?;
    let mut bytes = Vec::with_capacity(len.min(max) as usize);
    file.take(max).read_to_end(&mut bytes)?;
    Ok((String::from_utf8_lossy(&bytes).into_owned(), len > max))
}

/// `path`, opened when it resolves inside `within` to a regular file, with its length.
fn open_plain(path: &Path, within: &Path) -> std::io::Result<(std::fs::File, u64)> {
    std::fs::symlink_metadata(path)?;
    let real = path.canonicalize()?;
    let root = within.canonicalize()?;
    if !real.starts_with(&root) {
        return Err(refuse(format!(
            "resolves to {}, outside {}; not followed",
            real.display(),
            root.display()
        )));
    }
    let meta = std::fs::metadata(&real)?;
    if !meta.is_file() {
        return Err(refuse("not a regular file; not read".to_string()));
    }
    Ok((std::fs::File::open(&real)?, meta.len()))
}

fn refuse(why: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, why)
}

/// The most of one ignore file (`.gitignore`, `.ignore`, `.git/info/exclude`) that is read: real
/// ones are a few KiB, and every pattern costs the matcher memory.
pub const MAX_IGNORE_BYTES: u64 = 256 * 1024;
/// The most patterns kept from one ignore file.
pub const MAX_IGNORE_PATTERNS: usize = 5_000;
/// The most patterns kept from all the ignore files of one listing: each costs the matcher about
/// 8 KB, and a hundred ignore files of 5,000 patterns each took 23 s and 3.9 GB.
pub const MAX_LISTING_IGNORE_PATTERNS: usize = 10_000;

/// Adds the patterns of the ignore file `path` to `builder`, read as [`read_start`] reads (a
/// regular file inside `within`) up to [`MAX_IGNORE_BYTES`] and [`MAX_IGNORE_PATTERNS`], and
/// takes them from `allowance`, the patterns the listing has left. Returns the lines the matcher
/// does not understand (the rest applies), and what could not be read or was left out, each for
/// a warning naming the file.
pub fn add_ignore_file(
    builder: &mut ignore::gitignore::GitignoreBuilder,
    path: &Path,
    within: &Path,
    allowance: &mut usize,
) -> (Option<ignore::Error>, Option<String>) {
    if *allowance == 0 {
        let why = format!("not read: the listing's {MAX_LISTING_IGNORE_PATTERNS} ignore patterns are used up");
        return (None, Some(why));
    }
    let most = MAX_IGNORE_PATTERNS.min(*allowance);
    let (text, cut) = match read_start(path, within, MAX_IGNORE_BYTES) {
        Ok(read) => read,
        Err(err) => return (None, Some(format!("not read: {err}"))),
    };
    let mut lines: Vec<&str> = text.lines().collect();
    if cut {
        lines.pop(); // the last line may be cut in two
    }
    let mut errors = Vec::new();
    let mut patterns = 0;
    let mut left_out = None;
    for (i, line) in lines.into_iter().enumerate() {
        // Git reads a file that begins with a BOM without it.
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let pattern = !line.trim().is_empty() && !line.starts_with('#');
        if pattern && patterns == most {
            left_out = Some(if most == MAX_IGNORE_PATTERNS {
                format!("only its first {most} patterns apply")
            } else {
                format!(
                    "only its first {most} patterns apply: the listing's {MAX_LISTING_IGNORE_PATTERNS} ignore patterns are used up"
                )
            });
            break;
        }
        patterns += usize::from(pattern);
        if let Err(err) = builder.add_line(Some(path.to_path_buf()), line) {
            errors.push(ignore::Error::WithPath {
                path: path.to_path_buf(),
                err: Box::new(ignore::Error::WithLineNumber {
                    line: i as u64 + 1,
                    err: Box::new(err),
                }),
            });
        }
    }
    *allowance -= patterns;
    if cut && left_out.is_none() {
        left_out = Some(format!(
            "larger than {} KiB: only its start applies",
            MAX_IGNORE_BYTES >> 10
        ));
    }
    let error = match errors.len() {
        0 => None,
        1 => errors.pop(),
        _ => Some(ignore::Error::Partial(errors)),
    };
    (error, left_out)
}

/// Last component of a `/`-separated path.
pub fn file_name(path: &str) -> &str {
    match last_separator(path) {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// A path's file name without its last extension: `src/Web/Web.csproj` → `Web`.
pub fn stem(path: &str) -> &str {
    let name = file_name(path);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Parent of a `/`-separated repo-relative path; `.` for top-level entries.
pub fn parent(path: &str) -> &str {
    match last_separator(path) {
        Some(i) => &path[..i],
        None => ".",
    }
}

/// The byte index of the last `/`. Every rule asks for names and parents of thousands of paths;
/// a plain byte scan of these short strings beats the generic `rsplit` searcher several times over.
fn last_separator(path: &str) -> Option<usize> {
    path.bytes().rposition(|b| b == b'/')
}

/// Joins a project dir (`.` = root) and a relative path, normalising `./` and `..`.
pub fn join(dir: &str, rel: &str) -> String {
    // Nothing to normalise (the usual case: a detector's `config/settings.py` in a project
    // folder): one copy, not a list of parts.
    let plain = |path: &str| {
        !path.is_empty()
            && path
                .as_bytes()
                .split(|b| *b == b'/')
                .all(|p| !p.is_empty() && p != b"." && p != b"..")
    };
    if plain(rel) {
        if dir == "." || dir.is_empty() {
            return rel.to_string();
        }
        // `dir` is kept as written, as below.
        let mut joined = String::with_capacity(dir.len() + 1 + rel.len());
        joined.push_str(dir);
        joined.push('/');
        joined.push_str(rel);
        return joined;
    }
    let mut parts: Vec<&str> = if dir == "." || dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `dir` and every directory above it, up to the root (`.`), nearest first; no allocation, as
/// rules ask it once per project and detector.
pub fn ancestors(dir: &str) -> impl Iterator<Item = &str> + Clone {
    std::iter::successors(Some(dir), |d| (*d != ".").then(|| parent(d)))
}

/// `path` with its `.` parts dropped and each `dir/..` folded, as written paths are compared
/// (`config/../priv/app.db` is `priv/app.db`); a `..` that climbs above the start is kept, and so
/// is a leading `/`.
pub fn lexically_normal(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (path.starts_with('/'), joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Writes `bytes` to `target` through a temporary file in `dir`, synced, then renamed over it, so
/// a reader never sees half a file; the target keeps its permissions.
pub fn atomic_write(target: &Path, dir: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_temps(dir, &name);
    let temp: PathBuf = dir.join(format!(".{name}.archprompt-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(target) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.with_context(|| format!("cannot write {}", target.display()))
}

/// Removes the temporary files an earlier write of `name` in `dir` left when its process was
/// killed between creating and renaming them (`.NAME.archprompt-PID.tmp`). One is stale when its
/// process is gone (Linux: no `/proc/PID`, and over a minute old) or, where that cannot be told,
/// when it is over an hour old: a write takes milliseconds, so a live process's own temporary
/// file is never taken.
fn remove_stale_temps(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.archprompt-");
    let ours = std::process::id();
    let proc_fs = Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        let older_than = |secs| {
            meta.modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(secs))
        };
        // A process of another PID namespace (a container sharing the checkout) is not in our
        // `/proc`: a file is taken only once it is older than any write could be.
        let gone = if proc_fs {
            !Path::new("/proc").join(pid.to_string()).exists() && older_than(60)
        } else {
            older_than(3600)
        };
        if pid != ours && meta.is_file() && gone {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether the repo-relative `child` is `parent` or inside it (`.` holds everything). Compares
/// bytes in place: rules ask this of every file against every folder found, so it must not
/// allocate.
pub fn is_within(child: &str, parent: &str) -> bool {
    child == parent
        || parent == "."
        || (child.len() > parent.len() && child.starts_with(parent) && child.as_bytes()[parent.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_folded_as_written() {
        assert_eq!(lexically_normal("./config/../priv/repo/app.db"), "priv/repo/app.db");
        assert_eq!(lexically_normal("../data/app.db"), "../data/app.db");
        assert_eq!(lexically_normal("/var/lib/./app/../db.sqlite"), "/var/lib/db.sqlite");
        assert_eq!(lexically_normal("a/.."), ".");
    }

    #[test]
    fn within_is_by_whole_components() {
        assert!(is_within("src/api/x.py", "src"));
        assert!(is_within("src", "src") && is_within("src", "."));
        assert!(!is_within("srcs/x.py", "src") && !is_within("src", "src/api"));
    }

    #[test]
    fn join_normalises() {
        assert_eq!(join(".", "./db/migrations/"), "db/migrations");
        assert_eq!(join("apps/api", "prisma/../db"), "apps/api/db");
        assert_eq!(join("api", "."), "api");
        assert_eq!(join(".", "."), ".");
        assert_eq!(join("", "a/b"), "a/b");
        assert_eq!(join("a//b", "c"), "a//b/c", "the directory is kept as written");
        assert_eq!(join("a/./b", "c/../d"), "a/./b/d");
        assert_eq!(join("api", "src/main.py"), "api/src/main.py");
    }

    #[test]
    fn a_write_removes_the_temporary_files_killed_writes_left() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.md");
        // Above Linux's largest process id, so no live process has it.
        let stale = dir.path().join(".a.md.archprompt-4294967.tmp");
        let live = dir
            .path()
            .join(format!(".a.md.archprompt-{}.tmp.keep", std::process::id()));
        let other = dir.path().join(".b.md.archprompt-4294967.tmp");
        // Another namespace's process, mid-write: its PID is not ours to see, its file is new.
        let young = dir.path().join(".a.md.archprompt-4294968.tmp");
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        for file in [&stale, &live, &other, &young] {
            std::fs::write(file, "half").unwrap();
            if file != &young {
                let handle = std::fs::File::options().write(true).open(file).unwrap();
                handle.set_modified(two_hours_ago).unwrap();
            }
        }
        atomic_write(&target, dir.path(), b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert!(!stale.exists(), "the killed write's temporary file is gone");
        assert!(young.exists(), "a temporary file written a moment ago is left alone");
        assert!(live.exists() && other.exists(), "files of other names are left alone");
    }
}
