//! Opens the repository's folders and files by their path inside it, relative to one handle on
//! its root (`openat`). In a workspace of thousands of packages the kernel otherwise walks the
//! root's own path again for each of thousands of reads, and a standard directory stream adds
//! an `fstat` per folder; together they were a sixth of a scan's time. A path whose last part
//! has become a symlink since it was listed is not followed.

use std::path::{Path, PathBuf};

/// What a listed entry is; anything else (a symlink, a FIFO, a device) is never listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
}

/// One entry of a folder.
pub struct Entry {
    /// Its name, or the name's lossy spelling when it is not UTF-8.
    pub name: Result<String, String>,
    /// `None` for what is not a plain file or folder.
    pub kind: Option<Kind>,
}

/// The repository's root, opened once per scan, and what git tracks there, read once on first
/// use (by the listing at its first ignored entry, or for a committed env file).
#[derive(Debug)]
pub struct Root {
    path: PathBuf,
    tracked: std::sync::OnceLock<super::git_index::Tracked>,
    /// `None` where the root cannot be opened (each read then fails as it would by path) or on
    /// systems without `openat`.
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
}

impl Root {
    /// The root's path, as the scan was given it.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The files and folders git's index holds (none outside a git repository).
    pub fn tracked(&self) -> &super::git_index::Tracked {
        self.tracked.get_or_init(|| super::git_index::Tracked::read(&self.path))
    }
}

#[cfg(unix)]
impl Root {
    pub fn open(path: &Path) -> Root {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        Root {
            path: path.to_path_buf(),
            tracked: Default::default(),
            fd: rustix::fs::open(path, flags, Mode::empty()).ok(),
        }
    }

    /// `rel` (repo-relative, `""` for the root) opened with `flags`, its last part not followed
    /// if it is a symlink.
    fn at(&self, rel: &str, flags: rustix::fs::OFlags) -> std::io::Result<rustix::fd::OwnedFd> {
        use rustix::fs::{Mode, OFlags};
        let flags = flags | OFlags::CLOEXEC | OFlags::NOFOLLOW;
        let rel = if rel.is_empty() { "." } else { rel };
        let fd = match &self.fd {
            Some(root) => rustix::fs::openat(root, rel, flags, Mode::empty()),
            None => rustix::fs::open(self.path.join(rel), flags, Mode::empty()),
        };
        Ok(fd?)
    }

    /// The entries of the folder `rel`, in the order the file system gives them; an entry that
    /// could not be read is an error in its place, and ends the folder.
    pub fn entries(&self, rel: &str) -> std::io::Result<Vec<std::io::Result<Entry>>> {
        use rustix::fs::{AtFlags, FileType, OFlags};
        let mut dir = rustix::fs::Dir::new(self.at(rel, OFlags::RDONLY | OFlags::DIRECTORY)?)?;
        let mut out = Vec::new();
        while let Some(entry) = dir.read() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    out.push(Err(err.into()));
                    break;
                }
            };
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            // Some file systems do not say in the entry: asked of the entry itself, not followed.
            let file_type = match entry.file_type() {
                FileType::Unknown => dir
                    .fd()
                    .and_then(|fd| rustix::fs::statat(fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW))
                    .map_or(FileType::Unknown, |stat| FileType::from_raw_mode(stat.st_mode)),
                known => known,
            };
            let kind = match file_type {
                FileType::Directory => Some(Kind::Dir),
                FileType::RegularFile => Some(Kind::File),
                _ => None,
            };
            let name = String::from_utf8(name.to_vec()).map_err(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            out.push(Ok(Entry { name, kind }));
        }
        Ok(out)
    }

    /// Appends the file `rel` to `bytes`, until its end or `limit` bytes. Opening never waits: a
    /// file that has become a FIFO since it was listed reads as empty or fails, never hangs. A read that leaves
    /// room in `bytes` ends it: the kernel gives a plain file less than asked only at its end,
    /// and the `read` that would return nothing was a sixth of the system calls of a scan that
    /// reads thousands of small manifests.
    pub fn read(&self, rel: &str, limit: usize, bytes: &mut Vec<u8>) -> std::io::Result<()> {
        use rustix::fs::OFlags;
        let fd = self.at(rel, OFlags::RDONLY | OFlags::NONBLOCK)?;
        while bytes.len() < limit {
            if bytes.len() == bytes.capacity() {
                bytes.reserve(bytes.capacity().max(READ_AT_ONCE).min(limit - bytes.len()));
            }
            match rustix::io::read(&fd, rustix::buffer::spare_capacity(bytes)) {
                Ok(0) => break,
                Ok(_) if bytes.len() < bytes.capacity() => break,
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(err) => return Err(err.into()),
            }
        }
        bytes.truncate(limit);
        Ok(())
    }
}

/// What a read asks for when the buffer it is given is full: a manifest at once.
#[cfg(unix)]
const READ_AT_ONCE: usize = 16 * 1024;

#[cfg(not(unix))]
impl Root {
    pub fn open(path: &Path) -> Root {
        Root {
            path: path.to_path_buf(),
            tracked: Default::default(),
        }
    }

    pub fn entries(&self, rel: &str) -> std::io::Result<Vec<std::io::Result<Entry>>> {
        let entries = std::fs::read_dir(self.path.join(rel))?.map(|entry| {
            let entry = entry?;
            let file_type = entry.file_type()?;
            let kind = if file_type.is_dir() {
                Some(Kind::Dir)
            } else if file_type.is_file() {
                Some(Kind::File)
            } else {
                None
            };
            let name = entry
                .file_name()
                .into_string()
                .map_err(|raw| raw.to_string_lossy().into_owned());
            Ok(Entry { name, kind })
        });
        Ok(entries.collect())
    }

    pub fn read(&self, rel: &str, limit: usize, bytes: &mut Vec<u8>) -> std::io::Result<()> {
        use std::io::Read;
        let file = std::fs::File::open(self.path.join(rel))?;
        file.take(limit as u64).read_to_end(bytes).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_files_are_opened_inside_the_root() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("src")).unwrap();
        std::fs::write(tmp.path().join("src/a.txt"), "text").unwrap();
        let root = Root::open(tmp.path());
        let mut names: Vec<(String, Option<Kind>)> = root
            .entries("")
            .unwrap()
            .into_iter()
            .map(|e| e.map(|e| (e.name.unwrap(), e.kind)).unwrap())
            .collect();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(names, [("src".to_string(), Some(Kind::Dir))]);
        let mut bytes = Vec::new();
        root.read("src/a.txt", 100, &mut bytes).unwrap();
        assert_eq!(bytes, b"text");
        bytes.clear();
        root.read("src/a.txt", 3, &mut bytes).unwrap();
        assert_eq!(bytes, b"tex", "at most the limit");
        assert!(root.read("src/missing.txt", 100, &mut bytes).is_err());
        assert!(root.entries("src/a.txt").is_err(), "a file is not a folder");
    }

    #[test]
    fn a_file_larger_than_one_read_is_read_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let text: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(tmp.path().join("big"), &text).unwrap();
        let root = Root::open(tmp.path());
        for start in [0, 10, 16 * 1024] {
            let mut bytes = Vec::with_capacity(start);
            root.read("big", usize::MAX, &mut bytes).unwrap();
            assert_eq!(bytes, text, "from a buffer of {start}");
        }
        let mut bytes = Vec::new();
        root.read("big", 50_001, &mut bytes).unwrap();
        assert_eq!(bytes, text[..50_001]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_neither_listed_as_a_file_nor_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "no").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), tmp.path().join("link")).unwrap();
        std::os::unix::fs::symlink(outside.path(), tmp.path().join("dir")).unwrap();
        let root = Root::open(tmp.path());
        let entries = root.entries("").unwrap();
        assert!(entries.iter().all(|e| e.as_ref().unwrap().kind.is_none()));
        assert!(
            root.read("link", 100, &mut Vec::new()).is_err(),
            "the link is not followed"
        );
        assert!(root.entries("dir").is_err(), "nor a linked folder");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_opened_without_waiting_for_a_writer() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("pipe");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let mut bytes = Vec::new();
        Root::open(tmp.path()).read("pipe", 100, &mut bytes).unwrap();
        assert!(bytes.is_empty());
    }
}
