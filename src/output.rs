//! Writing the site: to a temporary folder swapped in atomically, or to memory
//! (for `serve`).

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A file in every built site, so a later build knows the folder is its own.
pub const MARKER: &str = ".specsite-output";

/// Where rendered files go. Paths are output-relative with `/` separators.
pub trait Sink: Sync {
    /// Writes `bytes` to `path`.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Copies the file at `src` to `path` (hard-linked when possible).
    fn copy(&self, path: &str, src: &Path) -> Result<()>;
    /// Writes `bytes`, which are the contents of the file at `src`, to `path`:
    /// a sink on disk may hard-link `src` instead of writing them again.
    fn write_copy_of(&self, path: &str, bytes: &[u8], _src: &Path) -> Result<()> {
        self.write(path, bytes)
    }
}

/// Hard-links `dst` to the file `src` names. A symlink at `src` is followed
/// (std's `hard_link` links the symlink itself, which dangles in the output
/// when it is relative).
fn hard_link_file(src: &Path, dst: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let s = std::ffi::CString::new(src.as_os_str().as_bytes())?;
        let d = std::ffi::CString::new(dst.as_os_str().as_bytes())?;
        // SAFETY: both pointers are NUL-terminated paths that outlive the call.
        let r = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                s.as_ptr(),
                libc::AT_FDCWD,
                d.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if r == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }
    #[cfg(not(unix))]
    {
        std::fs::hard_link(std::fs::canonicalize(src)?, dst)
    }
}

/// Removes a folder and everything in it, best effort, its subfolders in
/// parallel (a site has thousands of files; unlinking them is most of the
/// time a rebuild spends on a disk).
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    subdirs.par_iter().for_each(|d| {
        let _ = std::fs::remove_dir_all(d);
    });
    let _ = std::fs::remove_dir_all(dir);
}

/// The removal of a replaced output folder, running on its own thread;
/// dropping this waits for it to finish.
#[must_use = "dropping a Cleanup waits for the old output to be removed"]
#[derive(Debug, Default)]
pub struct Cleanup(Option<std::thread::JoinHandle<()>>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            let _ = h.join();
        }
    }
}

/// Writes into a fresh temporary folder beside the target; [`DiskSink::commit`]
/// swaps it into place, so a failed build never leaves a half-written site.
pub struct DiskSink {
    target: PathBuf,
    temp: PathBuf,
    /// Folders already created, so each file costs no extra `mkdir` call.
    made: Mutex<std::collections::HashSet<PathBuf>>,
    /// Files written from bytes, and their bytes.
    written: AtomicUsize,
    written_bytes: AtomicUsize,
    /// Files linked or copied from the sources.
    linked: AtomicUsize,
}

/// What a [`DiskSink`] has created so far (for `SPECSITE_TIMINGS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputStats {
    /// Files written from bytes.
    pub written: usize,
    /// Bytes of those files.
    pub written_bytes: usize,
    /// Files hard-linked (or copied) from the sources.
    pub linked: usize,
    /// Folders created, the output folder itself not counted.
    pub folders: usize,
}

impl DiskSink {
    /// Prepares a temporary folder next to `target`.
    pub fn new(target: &Path) -> Result<Self> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("public");
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}.specsite-tmp-"))
            .tempdir_in(parent)
            .with_context(|| format!("creating a temporary folder in {}", parent.display()))?
            .keep();
        std::fs::write(
            temp.join(MARKER),
            "Written by specsite; the next build replaces this folder.\n",
        )
        .with_context(|| format!("writing to {}", temp.display()))?;
        Ok(DiskSink {
            target: target.to_path_buf(),
            temp,
            made: Mutex::default(),
            written: AtomicUsize::new(0),
            written_bytes: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
        })
    }

    /// Files and folders created so far.
    pub fn stats(&self) -> OutputStats {
        let folders = self.made.lock().map_or(0, |m| {
            // Every ancestor inside the output folder was created too.
            let mut all = std::collections::HashSet::new();
            // Only counted: the order does not matter.
            #[allow(clippy::iter_over_hash_type)]
            for dir in m.iter() {
                let mut d = dir.as_path();
                while d != self.temp && d.starts_with(&self.temp) && all.insert(d) {
                    d = d.parent().unwrap_or(&self.temp);
                }
            }
            all.len()
        });
        OutputStats {
            written: self.written.load(Ordering::Relaxed),
            written_bytes: self.written_bytes.load(Ordering::Relaxed),
            linked: self.linked.load(Ordering::Relaxed),
            folders,
        }
    }

    fn full(&self, path: &str) -> Result<PathBuf> {
        if path
            .split('/')
            .any(|s| s == ".." || s.is_empty() && path.starts_with('/'))
        {
            bail!("refusing to write outside the output folder: {path}");
        }
        let full = self.temp.join(path);
        if let Some(dir) = full.parent() {
            let made = self.made.lock().is_ok_and(|m| m.contains(dir));
            if !made {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                if let Ok(mut m) = self.made.lock() {
                    m.insert(dir.to_path_buf());
                }
            }
        }
        Ok(full)
    }

    /// Swaps the finished folder into place. The old one, renamed aside
    /// first, is removed on a background thread: the returned [`Cleanup`]
    /// waits for it when dropped.
    pub fn commit(self) -> Result<Cleanup> {
        let old = if self.target.exists() {
            let parent = self
                .target
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = self
                .target
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("public");
            let trash = tempfile::Builder::new()
                .prefix(&format!(".{name}.specsite-old-"))
                .tempdir_in(parent)?
                .keep();
            // rename() onto an existing empty dir works on Unix.
            std::fs::rename(&self.target, &trash)
                .with_context(|| format!("moving old {} aside", self.target.display()))?;
            Some(trash)
        } else {
            None
        };
        std::fs::rename(&self.temp, &self.target)
            .with_context(|| format!("moving the new site to {}", self.target.display()))?;
        Ok(Cleanup(
            old.map(|old| std::thread::spawn(move || remove_tree(&old))),
        ))
    }

    /// Removes the temporary folder (after a failed build).
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.temp);
    }
}

impl Sink for DiskSink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let full = self.full(path)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        self.written_bytes.fetch_add(bytes.len(), Ordering::Relaxed);
        std::fs::write(&full, bytes).with_context(|| format!("writing {}", full.display()))
    }

    fn copy(&self, path: &str, src: &Path) -> Result<()> {
        let full = self.full(path)?;
        self.linked.fetch_add(1, Ordering::Relaxed);
        if hard_link_file(src, &full).is_err() {
            std::fs::copy(src, &full)
                .with_context(|| format!("copying {} to {}", src.display(), full.display()))?;
        }
        Ok(())
    }

    fn write_copy_of(&self, path: &str, bytes: &[u8], src: &Path) -> Result<()> {
        let full = self.full(path)?;
        // A link is kept only while the file still holds as many bytes as
        // were read (it may have changed since); otherwise the bytes are
        // written.
        if hard_link_file(src, &full).is_ok() {
            if std::fs::metadata(&full).is_ok_and(|m| m.len() == bytes.len() as u64) {
                self.linked.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            let _ = std::fs::remove_file(&full);
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        self.written_bytes.fetch_add(bytes.len(), Ordering::Relaxed);
        std::fs::write(&full, bytes).with_context(|| format!("writing {}", full.display()))
    }
}

/// Keeps the site in memory (for `serve` and tests).
#[derive(Default)]
pub struct MemorySink {
    /// Output path → bytes.
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.files
            .lock()
            .expect("memory sink lock")
            .insert(path.to_string(), bytes.to_vec());
        Ok(())
    }

    fn copy(&self, path: &str, src: &Path) -> Result<()> {
        let bytes = std::fs::read(src).with_context(|| format!("reading {}", src.display()))?;
        self.write(path, &bytes)
    }
}

/// Checks that `out` may be written: not the root, not an ancestor of it, and
/// not a folder holding source files. Returns the reason when refused.
pub fn check_out_dir(
    root: &Path,
    out: &Path,
    sources: impl IntoIterator<Item = PathBuf>,
) -> Result<(), String> {
    // Absolute, normalised, canonical where the path exists (the loader's helper).
    let root = crate::content::discover::absolute(root);
    let out_abs = crate::content::discover::absolute(out);
    if out_abs == root {
        return Err(format!(
            "--out {} is the site root; the build would replace your sources",
            out.display()
        ));
    }
    if root.starts_with(&out_abs) {
        return Err(format!(
            "--out {} contains the site root; the build would replace your sources",
            out.display()
        ));
    }
    // Never replace a folder of the user's that specsite did not write.
    if let Ok(mut entries) = std::fs::read_dir(&out_abs) {
        if entries.next().is_some() && !out_abs.join(MARKER).exists() {
            return Err(format!(
                "--out {} is not empty and was not written by specsite; refusing to replace it (remove it or choose another folder)",
                out.display()
            ));
        }
    }
    for s in sources {
        if s.starts_with(&out_abs) {
            return Err(format!(
                "--out {} holds source file {}; choose an empty or generated folder",
                out.display(),
                s.display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_root_and_ancestors() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        assert!(check_out_dir(&root, &root, []).is_err());
        assert!(check_out_dir(&root, d.path(), []).is_err());
        assert!(check_out_dir(&root, &root.join("public"), []).is_ok());
        let src = root.join("content/a.md");
        assert!(check_out_dir(&root, &root.join("content"), [src]).is_err());
    }

    #[test]
    fn commit_swaps_atomically() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("out");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("stale.html"), "old").unwrap();
        let root = d.path().join("site");
        assert!(
            check_out_dir(&root, &target, []).is_err(),
            "foreign folder refused"
        );
        std::fs::write(target.join(MARKER), "").unwrap();
        assert!(check_out_dir(&root, &target, []).is_ok());
        let sink = DiskSink::new(&target).unwrap();
        sink.write("a/index.html", b"new").unwrap();
        assert!(
            target.join("stale.html").exists(),
            "old site untouched until commit"
        );
        drop(sink.commit().unwrap());
        assert!(!target.join("stale.html").exists());
        assert_eq!(
            std::fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        let leftovers: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
