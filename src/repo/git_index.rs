//! The paths git tracks, read from `.git/index`. A `.gitignore` pattern meant for a build output
//! (`backend`, `tests/*`) can also match files the repository commits (`cmd/backend/main.go`);
//! git keeps tracking them, and so must the listing, or a server's code or its tests vanish.
//! The index format (versions 2 to 4) is small and stable, so it is read here with bounds: a
//! file over [`MAX_INDEX_BYTES`] or one that does not parse gives no tracked paths at all.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

/// The largest index read (about a million paths).
pub const MAX_INDEX_BYTES: u64 = 128 * 1024 * 1024;

/// The longest path taken: past it an index is not one a real checkout writes (and a v4 chain of
/// ever longer paths would need memory quadratic in the file).
const MAX_PATH_BYTES: usize = 4096;

/// Tracked regular files and every directory above one, repo-relative with `/`.
#[derive(Debug, Default)]
pub struct Tracked {
    pub files: HashSet<String>,
    pub dirs: HashSet<String>,
}

impl Tracked {
    /// The paths `root/.git/index` tracks; empty when `root` is not a work tree's top (no `.git`
    /// directory), the index is missing, too large or not one git writes.
    pub fn read(root: &Path) -> Tracked {
        let git = root.join(".git");
        // A `.git` file (a worktree or submodule pointer) or a symlink is not followed.
        let is_dir = std::fs::symlink_metadata(&git).is_ok_and(|m| m.is_dir());
        let index = git.join("index");
        let regular = std::fs::symlink_metadata(&index).is_ok_and(|m| m.is_file() && m.len() <= MAX_INDEX_BYTES);
        if !is_dir || !regular {
            return Tracked::default();
        }
        let mut bytes = Vec::new();
        let read = std::fs::File::open(&index).and_then(|f| f.take(MAX_INDEX_BYTES).read_to_end(&mut bytes));
        if read.is_err() {
            return Tracked::default();
        }
        let sha256 = std::fs::read_to_string(git.join("config")).is_ok_and(|c| {
            c.lines()
                .any(|l| l.replace(' ', "").eq_ignore_ascii_case("objectformat=sha256"))
        });
        parse(&bytes, if sha256 { 32 } else { 20 }).unwrap_or_default()
    }
}

/// Regular files (mode 100644 or 100755) of an index; `None` when it is not one.
fn parse(bytes: &[u8], hash_len: usize) -> Option<Tracked> {
    let u32_at = |at: usize| -> Option<u32> { Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?)) };
    if bytes.get(..4)? != b"DIRC" {
        return None;
    }
    let version = u32_at(4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = u32_at(8)? as usize;
    let mut tracked = Tracked::default();
    let mut at = 12;
    let mut previous: Vec<u8> = Vec::new();
    // ctime, mtime, dev, ino (24 bytes), then mode.
    let fixed = 40 + hash_len + 2;
    for _ in 0..count {
        let start = at;
        let mode = u32_at(start + 24)?;
        let flags = u16::from_be_bytes(bytes.get(start + fixed - 2..start + fixed)?.try_into().ok()?);
        at = start + fixed;
        if version >= 3 && flags & 0x4000 != 0 {
            at += 2;
        }
        let path = if version == 4 {
            let (strip, used) = varint(bytes.get(at..)?)?;
            at += used;
            let end = at + bytes.get(at..)?.iter().position(|b| *b == 0)?;
            let keep = previous.len().checked_sub(strip)?;
            if keep + (end - at) > MAX_PATH_BYTES {
                return None;
            }
            previous.truncate(keep);
            previous.extend_from_slice(&bytes[at..end]);
            at = end + 1;
            previous.clone()
        } else {
            let end = at + bytes.get(at..)?.iter().position(|b| *b == 0)?;
            if end - at > MAX_PATH_BYTES {
                return None;
            }
            let path = bytes[at..end].to_vec();
            // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
            at = start + (end - start + 8) / 8 * 8;
            path
        };
        let regular = mode >> 12 == 0o10;
        let Ok(path) = String::from_utf8(path) else { continue };
        if regular && !path.split('/').any(|p| p.is_empty() || p == "." || p == "..") {
            let mut dir = path.as_str();
            while let Some((parent, _)) = dir.rsplit_once('/') {
                if !tracked.dirs.insert(parent.to_string()) {
                    break;
                }
                dir = parent;
            }
            tracked.files.insert(path);
        }
    }
    Some(tracked)
}

/// Index v4's offset varint: `(value, bytes used)`.
fn varint(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value: usize = 0;
    for (i, byte) in bytes.iter().take(9).enumerate() {
        if i > 0 {
            value = value.checked_add(1)?.checked_shl(7)?;
        }
        value |= (byte & 0x7f) as usize;
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, mode: u32, version: u32, previous: &str) -> Vec<u8> {
        let mut e = vec![0u8; 24];
        e.extend_from_slice(&mode.to_be_bytes());
        e.extend_from_slice(&[0u8; 12]);
        e.extend_from_slice(&[0u8; 20]);
        e.extend_from_slice(&(path.len() as u16).to_be_bytes());
        if version == 4 {
            e.push(previous.len() as u8); // strip all of the previous path: a full path follows
            e.extend_from_slice(path.as_bytes());
            e.push(0);
        } else {
            e.extend_from_slice(path.as_bytes());
            let len = (e.len() + 8) / 8 * 8;
            e.resize(len, 0);
        }
        e
    }

    fn index(version: u32, entries: &[(&str, u32)]) -> Vec<u8> {
        let mut bytes = b"DIRC".to_vec();
        bytes.extend_from_slice(&version.to_be_bytes());
        bytes.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        let mut previous = "";
        for (path, mode) in entries {
            bytes.extend(entry(path, *mode, version, previous));
            previous = path;
        }
        bytes
    }

    #[test]
    fn reads_regular_files_and_their_directories() {
        for version in [2, 3, 4] {
            let bytes = index(
                version,
                &[
                    ("cmd/backend/main.go", 0o100644),
                    ("run.sh", 0o100755),
                    ("link", 0o120000),
                    ("vendor/sub", 0o160000),
                ],
            );
            let t = parse(&bytes, 20).unwrap();
            assert!(t.files.contains("cmd/backend/main.go"), "v{version}");
            assert!(t.files.contains("run.sh"));
            assert!(
                !t.files.contains("link") && !t.files.contains("vendor/sub"),
                "symlinks and submodules"
            );
            assert!(t.dirs.contains("cmd") && t.dirs.contains("cmd/backend"));
        }
    }

    #[test]
    fn a_truncated_or_foreign_file_gives_nothing() {
        let bytes = index(2, &[("a/b.go", 0o100644)]);
        assert!(parse(&bytes[..bytes.len() - 9], 20).is_none());
        assert!(parse(b"PACK\0\0\0\x02", 20).is_none());
        let mut huge_count = index(2, &[]);
        huge_count[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(parse(&huge_count, 20).is_none());
        assert!(parse(b"DIRC\0\0\0\x09\0\0\0\0", 20).is_none(), "unknown version");
    }

    #[test]
    fn v4_paths_strip_the_previous_ones_end() {
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x80, 0x00]), Some((128, 2)));
        let mut bytes = b"DIRC".to_vec();
        bytes.extend_from_slice(&4u32.to_be_bytes());
        bytes.extend_from_slice(&2u32.to_be_bytes());
        for (strip, suffix) in [(0u8, "app/models/user.rb"), (7, "post.rb")] {
            let mut e = vec![0u8; 24];
            e.extend_from_slice(&0o100644u32.to_be_bytes());
            e.extend_from_slice(&[0u8; 32]);
            e.extend_from_slice(&[0u8; 2]);
            e.push(strip);
            e.extend_from_slice(suffix.as_bytes());
            e.push(0);
            bytes.extend(e);
        }
        let t = parse(&bytes, 20).unwrap();
        assert!(t.files.contains("app/models/post.rb"), "{:?}", t.files);
    }
}
