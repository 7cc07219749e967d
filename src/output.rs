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
    /// Copies the file at `src` to `path`: a copy of its own, never a link
    /// to the source.
    fn copy(&self, path: &str, src: &Path) -> Result<()>;
    /// Writes `bytes`, which are the contents of the file at `src`, to `path`.
    fn write_copy_of(&self, path: &str, bytes: &[u8], _src: &Path) -> Result<()> {
        self.write(path, bytes)
    }
}

/// The first line of [`MARKER`]; a finished build lists after it every
/// file it wrote, one output-relative path a line. A file written from bytes
/// has its length and xxh3-128 digest after the path, each after a tab, so
/// the next build can tell whether it would write the same bytes
/// ([`reuse`]).
const MARKER_HEADER: &str = "Written by specsite; the next build replaces this folder.\n";

/// One line of a [`MARKER`] list: the path, and the length and digest of
/// its bytes where the line has them.
fn marker_entry(line: &str) -> (&str, Option<(u64, u128)>) {
    let parsed = (|| {
        let (rest, digest) = line.rsplit_once('\t')?;
        let (path, len) = rest.rsplit_once('\t')?;
        if digest.len() != 32 || !len.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some((
            path,
            (len.parse().ok()?, u128::from_str_radix(digest, 16).ok()?),
        ))
    })();
    match parsed {
        Some((path, sum)) => (path, Some(sum)),
        None => (line, None),
    }
}

/// The marker line for a file of `len` bytes with xxh3-128 `digest`.
fn marker_line(path: &str, len: usize, digest: u128) -> String {
    format!("{path}\t{len}\t{digest:032x}")
}

/// Removes a folder and everything in it, best effort. The files a build
/// listed in the folder's [`MARKER`] go first, each unlinked by name in its
/// folder ([`listed::remove`]: no folder is read to find them); what is left
/// (the marker, files added by hand, a folder without a list) goes the
/// general way, subfolders in parallel (a site has thousands of files;
/// unlinking them is most of the time a rebuild spends on a disk).
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    #[cfg(unix)]
    listed::remove(dir);
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

/// Removing the files a [`MARKER`] lists. Each folder is opened relative to
/// its parent without following a symbolic link (`O_NOFOLLOW`), and each
/// name unlinked in the folder it was opened as, so a link planted in the
/// old site is removed, never followed. Anything that fails is left for the
/// general removal after it.
#[cfg(unix)]
mod listed {
    use std::collections::BTreeMap;
    use std::ffi::CString;
    use std::os::raw::c_int;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// A folder's listed files and subfolders.
    #[derive(Debug, Default, PartialEq)]
    pub(super) struct Folder<'a> {
        pub(super) files: Vec<&'a str>,
        pub(super) folders: BTreeMap<&'a str, Folder<'a>>,
    }

    /// The tree of the paths listed after the marker's first line; `None`
    /// when there is no list or a path could lead elsewhere (`..`, `.`, an
    /// empty segment, an absolute path, a NUL).
    pub(super) fn tree(marker: &str) -> Option<Folder<'_>> {
        let list = marker.strip_prefix(super::MARKER_HEADER)?;
        let mut root = Folder::default();
        for line in list.split('\n').filter(|l| !l.is_empty()) {
            let (path, _) = super::marker_entry(line);
            let mut parts: Vec<&str> = path.split('/').collect();
            if parts
                .iter()
                .any(|p| p.is_empty() || *p == "." || *p == ".." || p.contains('\0'))
            {
                return None;
            }
            let file = parts.pop()?;
            let mut at = &mut root;
            for p in parts {
                at = at.folders.entry(p).or_default();
            }
            at.files.push(file);
        }
        Some(root)
    }

    /// Removes the files listed in `dir`'s marker and the folders they
    /// leave empty.
    pub(super) fn remove(dir: &Path) {
        let Ok(marker) = std::fs::read_to_string(dir.join(super::MARKER)) else {
            return;
        };
        let Some(root) = tree(&marker) else { return };
        let Some(fd) = open_folder(libc::AT_FDCWD, dir.as_os_str().as_bytes()) else {
            return;
        };
        empty(fd, &root, true);
        close(fd);
    }

    /// Unlinks `folder`'s files and removes its subfolders in the folder
    /// open as `fd`; the top level's subfolders in parallel.
    fn empty(fd: c_int, folder: &Folder, parallel: bool) {
        for name in &folder.files {
            unlink(fd, name, 0);
        }
        let sub = |(name, inner): (&&str, &Folder)| {
            if let Some(sub_fd) = open_folder(fd, name.as_bytes()) {
                empty(sub_fd, inner, false);
                close(sub_fd);
                unlink(fd, name, libc::AT_REMOVEDIR);
            }
        };
        if parallel {
            use rayon::prelude::*;
            folder.folders.par_iter().for_each(sub);
        } else {
            folder.folders.iter().for_each(sub);
        }
    }

    pub(super) fn open_folder(at: c_int, name: &[u8]) -> Option<c_int> {
        let name = CString::new(name).ok()?;
        let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
        // SAFETY: `name` is NUL-terminated and outlives the call; `at` is
        // AT_FDCWD or a descriptor this module opened and has not closed.
        let fd = unsafe { libc::openat(at, name.as_ptr(), flags) };
        (fd >= 0).then_some(fd)
    }

    fn unlink(at: c_int, name: &str, flags: c_int) {
        if let Ok(name) = CString::new(name) {
            // SAFETY: as in `open_folder`; a failure is left for the
            // general removal.
            unsafe { libc::unlinkat(at, name.as_ptr(), flags) };
        }
    }

    fn close(fd: c_int) {
        // SAFETY: `fd` was opened by `open_folder` and is closed once.
        unsafe { libc::close(fd) };
    }
}

/// Linking the files of the site a build replaces into the new one, where
/// the new build writes the same bytes to the same path: the file keeps its
/// inode and modification time, and the build creates no new inode and
/// copies no bytes for it (a rebuild after an edit changes a few pages; the
/// rest are linked, and removing the old site then frees nothing for them).
///
/// A file is linked only when the old site's [`MARKER`] lists it with the
/// same length and xxh3-128 digest, and the file is still what that build
/// wrote: a regular file of that length, linked nowhere else, not modified
/// since the marker was written. Each folder on the way is checked to be a
/// folder, not a symbolic link, so a link put in the old site by hand is not
/// followed. Anything else is written as usual.
///
/// No folder is held open: a build's threads share one descriptor table,
/// and growing it past its first 64 slots makes the kernel wait for every
/// CPU (an RCU grace period) each time it doubles.
#[cfg(unix)]
mod reuse {
    use rustc_hash::FxHashMap;
    use std::ffi::CString;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::MetadataExt;
    use std::path::Path;
    use std::sync::Mutex;

    pub(super) struct OldSite {
        root: OwnedFd,
        /// Path → (length, digest), as the marker lists them.
        files: FxHashMap<String, (u64, u128)>,
        /// How many paths the marker lists (with a digest or not).
        listed: usize,
        /// The marker's modification time: files changed after it are
        /// not what the build wrote.
        listed_at: (i64, i64),
        /// For each folder met so far: whether it and every folder above it
        /// are folders (not links, not missing), and whether it is unchanged
        /// since the marker was written (no entry added, removed or renamed
        /// in it since: that changes a folder's modification time).
        folders: Mutex<FxHashMap<String, (bool, bool)>>,
    }

    fn stat_at(at: RawFd, name: &CString) -> Option<libc::stat> {
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `name` is NUL-terminated; `st` is written by the call
        // and read only when it succeeds.
        let r = unsafe {
            libc::fstatat(
                at,
                name.as_ptr(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        // SAFETY: fstatat returned 0, so it filled `st`.
        (r == 0).then(|| unsafe { st.assume_init() })
    }

    fn is_folder(st: &libc::stat) -> bool {
        st.st_mode & libc::S_IFMT == libc::S_IFDIR
    }

    impl OldSite {
        /// The site in `target`, when it has a marker whose list carries
        /// digests.
        pub(super) fn open(target: &Path) -> Option<OldSite> {
            let root = super::listed::open_folder(libc::AT_FDCWD, target.as_os_str().as_bytes())?;
            // SAFETY: `root` was just opened and is owned by no one else.
            let root = unsafe { OwnedFd::from_raw_fd(root) };
            let marker_name = CString::new(super::MARKER).ok()?;
            let flags = libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
            // SAFETY: a NUL-terminated name relative to a folder we hold.
            let fd = unsafe { libc::openat(root.as_raw_fd(), marker_name.as_ptr(), flags) };
            if fd < 0 {
                return None;
            }
            // SAFETY: as above; the file is closed when `file` drops.
            let mut file = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
            let written = file.metadata().ok()?;
            let mut text = String::new();
            std::io::Read::read_to_string(&mut file, &mut text).ok()?;
            let list = text.strip_prefix(super::MARKER_HEADER)?;
            let mut listed = 0;
            let files: FxHashMap<String, (u64, u128)> = list
                .split('\n')
                .filter(|line| !line.is_empty())
                .filter_map(|line| {
                    listed += 1;
                    match super::marker_entry(line) {
                        (path, Some(sum)) => Some((path.to_string(), sum)),
                        _ => None,
                    }
                })
                .collect();
            (!files.is_empty()).then(|| OldSite {
                root,
                files,
                listed,
                listed_at: (written.mtime(), written.mtime_nsec()),
                folders: Mutex::default(),
            })
        }

        /// Whether the old site lists `path` with this length and digest.
        pub(super) fn lists(&self, path: &str, len: usize, digest: u128) -> bool {
            self.files.get(path) == Some(&(len as u64, digest))
        }

        /// Whether `dir` (output-relative, `""` for the top) and every
        /// folder above it are folders in the old site.
        fn folder(&self, dir: &str) -> bool {
            if dir.is_empty() {
                return true;
            }
            if let Some(&(known, _)) = self.folders.lock().ok().as_ref().and_then(|f| f.get(dir)) {
                return known;
            }
            let parent = dir.rsplit_once('/').map_or("", |(p, _)| p);
            let st = CString::new(dir)
                .ok()
                .and_then(|d| stat_at(self.root.as_raw_fd(), &d));
            let ok = self.folder(parent) && st.as_ref().is_some_and(is_folder);
            let unchanged = st.is_some_and(|st| self.before_marker(&st));
            if let Ok(mut f) = self.folders.lock() {
                f.insert(dir.to_string(), (ok, unchanged));
            }
            ok
        }

        /// Whether `st` was last modified no later than the marker.
        fn before_marker(&self, st: &libc::stat) -> bool {
            (st.st_mtime, st.st_mtime_nsec) <= self.listed_at
        }

        /// Whether the old site's `path`, listed with `len` bytes, is still
        /// what the old build wrote: a regular file of that length, linked
        /// nowhere else, not modified since, in folders that are folders.
        pub(super) fn unchanged(&self, path: &str, len: usize) -> bool {
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            if !self.folder(dir) {
                return false;
            }
            let Ok(from) = CString::new(path) else {
                return false;
            };
            stat_at(self.root.as_raw_fd(), &from).is_some_and(|st| {
                st.st_mode & libc::S_IFMT == libc::S_IFREG
                    && st.st_size as u64 == len as u64
                    && st.st_nlink == 1
                    && self.before_marker(&st)
            })
        }

        /// Links the old site's `path` (found [`unchanged`](Self::unchanged))
        /// to `to`; `false` when the link failed.
        pub(super) fn link(&self, path: &str, to: &Path) -> bool {
            let (Ok(from), Ok(to)) = (CString::new(path), CString::new(to.as_os_str().as_bytes()))
            else {
                return false;
            };
            // SAFETY: both paths are NUL-terminated; `root` is a folder this
            // value holds open. The last component is not followed.
            unsafe {
                libc::linkat(
                    self.root.as_raw_fd(),
                    from.as_ptr(),
                    libc::AT_FDCWD,
                    to.as_ptr(),
                    0,
                ) == 0
            }
        }

        /// Whether a build that writes `kept` (distinct paths, each found
        /// [`unchanged`](Self::unchanged)) and nothing else would leave this
        /// site as it is: it writes every file the marker lists, and no
        /// folder of the site (the top one, and every one met) has had an
        /// entry added, removed or renamed since the marker was written.
        pub(super) fn is_exactly(&self, kept: usize) -> bool {
            let top = {
                let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
                // SAFETY: `root` is open; `st` is read only on success.
                let r = unsafe { libc::fstat(self.root.as_raw_fd(), st.as_mut_ptr()) };
                // SAFETY: fstat returned 0, so it filled `st`.
                r == 0 && self.before_marker(&unsafe { st.assume_init() })
            };
            kept == self.listed
                && top
                && self
                    .folders
                    .lock()
                    .is_ok_and(|f| f.values().all(|&(ok, unchanged)| ok && unchanged))
        }
    }
}

/// The removal of a replaced output folder, running on its own thread;
/// dropping this waits for it to finish, then lets the next build into the
/// same folder start.
#[must_use = "dropping a Cleanup waits for the old output to be removed"]
#[derive(Debug, Default)]
pub struct Cleanup(Option<std::thread::JoinHandle<()>>, Option<OutLock>, bool);

impl Cleanup {
    /// Whether the output folder already held exactly this build's site and
    /// was left in place ([`DiskSink::commit`]).
    pub fn left_in_place(&self) -> bool {
        self.2
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            let _ = h.join();
        }
        drop(self.1.take());
    }
}

/// The parent folder of `target` (`.` for a bare name).
fn parent_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The prefixes of the temporary folders a build into `target` makes beside
/// it: the new site while it is written, and (on systems without an atomic
/// exchange) the old one while it is moved aside.
fn temp_prefixes(target: &Path) -> [String; 2] {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("public");
    [
        format!(".{name}.specsite-tmp-"),
        format!(".{name}.specsite-old-"),
    ]
}

/// A build's hold on its output folder: an exclusive `flock` on the folder
/// that holds `--out`, taken before anything is read and kept until the old
/// output is gone. A second build into the same folder waits for it, so two
/// builds take turns; the kernel lets go of a killed build's hold, so a
/// crash never leaves the folder locked. On systems without `flock` there
/// is no lock (builds into one folder must not overlap there).
#[derive(Debug)]
pub struct OutLock {
    #[allow(dead_code)] // held for its lock
    dir: std::fs::File,
}

impl OutLock {
    /// Takes the lock for a build into `target` (waiting while another build
    /// holds it), then removes what interrupted builds into `target` left
    /// beside it: no build that owns them can still be running.
    pub fn acquire(target: &Path) -> Result<Self> {
        let parent = parent_of(target);
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let dir =
            std::fs::File::open(parent).with_context(|| format!("opening {}", parent.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            // SAFETY: flock on a file descriptor we own; no memory is passed.
            if unsafe { libc::flock(dir.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                eprintln!(
                    "waiting for another specsite build into {} to finish",
                    parent.display()
                );
                // SAFETY: as above.
                if unsafe { libc::flock(dir.as_raw_fd(), libc::LOCK_EX) } != 0 {
                    return Err(std::io::Error::last_os_error())
                        .with_context(|| format!("locking {}", parent.display()));
                }
            }
        }
        remove_leftovers(target);
        Ok(OutLock { dir })
    }
}

/// Removes the temporary folders interrupted builds into `target` left.
fn remove_leftovers(target: &Path) {
    let prefixes = temp_prefixes(target);
    let Ok(entries) = std::fs::read_dir(parent_of(target)) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if prefixes.iter().any(|p| name.starts_with(p.as_str()))
            && e.file_type().is_ok_and(|t| t.is_dir())
        {
            remove_tree(&e.path());
        }
    }
}

/// Swaps two folders in one step (Linux `renameat2(RENAME_EXCHANGE)`).
/// `Ok(false)` where the system or file system cannot.
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
        let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
        // SAFETY: both pointers are NUL-terminated paths that outlive the call.
        let r = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
            _ => Err(e),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Writes into a fresh temporary folder beside the target; [`DiskSink::commit`]
/// swaps it into place, so a failed build never leaves a half-written site.
pub struct DiskSink {
    target: PathBuf,
    temp: PathBuf,
    lock: OutLock,
    /// Folders already created, so each file costs no extra `mkdir` call.
    made: Mutex<rustc_hash::FxHashSet<PathBuf>>,
    /// Every file written, output-relative (listed in the marker at commit).
    paths: Mutex<Vec<String>>,
    /// Files written from bytes, and their bytes.
    written: AtomicUsize,
    written_bytes: AtomicUsize,
    /// Files copied from the sources.
    linked: AtomicUsize,
    /// The site being replaced, for unchanged files to be linked from.
    #[cfg(unix)]
    old: Option<reuse::OldSite>,
    /// While every file written so far is one the replaced site holds
    /// unchanged, nothing is created: those files are noted here (their
    /// paths). The first file that differs links them all into the new
    /// folder and makes this `None`; if none differs, the replaced site is
    /// this build's, and [`commit`](Self::commit) leaves it in place.
    pending: Mutex<Option<Vec<String>>>,
    /// Set by [`settle`](Self::settle) when the replaced site is left in
    /// place.
    in_place: std::sync::atomic::AtomicBool,
    /// Files kept from the replaced site.
    reused: AtomicUsize,
}

/// What a [`DiskSink`] has created so far (for `SPECSITE_TIMINGS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputStats {
    /// Files written from bytes.
    pub written: usize,
    /// Bytes of those files.
    pub written_bytes: usize,
    /// Files copied from the sources.
    pub linked: usize,
    /// Files the replaced site had with the same bytes, kept (linked from
    /// it, or left in place when no file differs).
    pub reused: usize,
    /// Folders created, the output folder itself not counted.
    pub folders: usize,
}

impl DiskSink {
    /// Prepares a temporary folder next to `target`, under `lock` (taken
    /// for `target`).
    pub fn new(target: &Path, lock: OutLock) -> Result<Self> {
        let parent = parent_of(target);
        let [tmp_prefix, _] = temp_prefixes(target);
        let temp = tempfile::Builder::new()
            .prefix(&tmp_prefix)
            .tempdir_in(parent)
            .with_context(|| format!("creating a temporary folder in {}", parent.display()))?
            .keep();
        // The marker, with the list of files written, comes at commit.
        #[cfg(unix)]
        let old = reuse::OldSite::open(target);
        #[cfg(unix)]
        let pending = Mutex::new(old.as_ref().map(|_| Vec::new()));
        #[cfg(not(unix))]
        let pending = Mutex::new(None);
        Ok(DiskSink {
            target: target.to_path_buf(),
            temp,
            lock,
            made: Mutex::default(),
            paths: Mutex::default(),
            written: AtomicUsize::new(0),
            written_bytes: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
            #[cfg(unix)]
            old,
            pending,
            in_place: Default::default(),
            reused: AtomicUsize::new(0),
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
            reused: self.reused.load(Ordering::Relaxed),
            folders,
        }
    }

    /// Lists `line` (the path, or its [`marker_line`]) for the marker,
    /// refusing a `path` that would lead out of the output folder.
    fn list(&self, path: &str, line: String) -> Result<()> {
        if path
            .split('/')
            .any(|s| s == ".." || s.is_empty() && path.starts_with('/'))
        {
            bail!("refusing to write outside the output folder: {path}");
        }
        if let Ok(mut paths) = self.paths.lock() {
            paths.push(line);
        }
        Ok(())
    }

    /// The path `path` ([`list`](Self::list)ed) is written to in the new
    /// folder, its folder created.
    fn full(&self, path: &str) -> Result<PathBuf> {
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

    /// Swaps the finished folder into place: on Linux in one step
    /// (`renameat2(RENAME_EXCHANGE)`), so `target` always names a complete
    /// site; elsewhere (or on a file system without it) the old folder is
    /// renamed aside first and the new one renamed in, leaving a moment
    /// when `target` does not exist. The old one is removed on a background
    /// thread: the returned [`Cleanup`] waits for it when dropped.
    ///
    /// When no file differed from the replaced site's, and that site has no
    /// file this build did not write and no folder changed since its marker
    /// was written, it is this build's site already: it is left in place,
    /// untouched (nothing created, swapped or removed).
    pub fn commit(self) -> Result<Cleanup> {
        if self.settle()? {
            let _ = std::fs::remove_dir(&self.temp);
            return Ok(Cleanup(None, Some(self.lock), true));
        }
        let DiskSink {
            target,
            temp,
            lock,
            paths,
            #[cfg(unix)]
            old,
            ..
        } = self;
        // The replaced site's top folder, held open for linking, closes.
        #[cfg(unix)]
        drop(old);
        // The files written, for the build that replaces this site to
        // remove by name (sorted: the same site, the same bytes). A path
        // with a line break is left out; the general removal finds it.
        let mut paths = paths.into_inner().unwrap_or_default();
        paths.retain(|p| !p.contains(['\n', '\r']));
        paths.sort_unstable();
        paths.dedup();
        let mut marker = String::with_capacity(
            MARKER_HEADER.len() + paths.iter().map(|p| p.len() + 1).sum::<usize>(),
        );
        marker.push_str(MARKER_HEADER);
        for p in &paths {
            marker.push_str(p);
            marker.push('\n');
        }
        std::fs::write(temp.join(MARKER), marker)
            .with_context(|| format!("writing to {}", temp.display()))?;
        let old = if target.exists() {
            if exchange(&temp, &target)
                .with_context(|| format!("swapping the new site into {}", target.display()))?
            {
                return Ok(Cleanup(
                    Some(std::thread::spawn(move || remove_tree(&temp))),
                    Some(lock),
                    false,
                ));
            }
            let [_, old_prefix] = temp_prefixes(&target);
            let trash = tempfile::Builder::new()
                .prefix(&old_prefix)
                .tempdir_in(parent_of(&target))?
                .keep();
            // rename() onto an existing empty dir works on Unix.
            std::fs::rename(&target, &trash)
                .with_context(|| format!("moving old {} aside", target.display()))?;
            Some(trash)
        } else {
            None
        };
        std::fs::rename(&temp, &target)
            .with_context(|| format!("moving the new site to {}", target.display()))?;
        Ok(Cleanup(
            old.map(|old| std::thread::spawn(move || remove_tree(&old))),
            Some(lock),
            false,
        ))
    }

    /// Removes the temporary folder (after a failed build).
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.temp);
    }
}

impl Sink for DiskSink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let digest = xxhash_rust::xxh3::xxh3_128(bytes);
        self.list(path, marker_line(path, bytes.len(), digest))?;
        #[cfg(unix)]
        if let Some(old) = &self.old {
            if old.lists(path, bytes.len(), digest) && old.unchanged(path, bytes.len()) {
                if self.note_kept(path) {
                    return Ok(());
                }
                let full = self.full(path)?;
                if old.link(path, &full) {
                    self.reused.fetch_add(1, Ordering::Relaxed);
                    return Ok(());
                }
                return self.write_new(&full, bytes);
            }
        }
        self.link_kept()?;
        let full = self.full(path)?;
        self.write_new(&full, bytes)
    }

    fn copy(&self, path: &str, src: &Path) -> Result<()> {
        // A file up to COPY_READ_MAX is read and written from its bytes,
        // so it is listed with their digest and a later build can keep it
        // while the source is unchanged. Larger ones are copied by the
        // kernel, and copied again by every build.
        if let Ok(mut file) = std::fs::File::open(src) {
            if file.metadata().is_ok_and(|m| m.len() <= COPY_READ_MAX) {
                let mut bytes = Vec::new();
                if std::io::Read::read_to_end(&mut file, &mut bytes).is_ok() {
                    return self.write(path, &bytes);
                }
            }
        }
        self.list(path, path.to_string())?;
        self.link_kept()?;
        let full = self.full(path)?;
        self.copy_to(&full, src)
    }
}

/// The largest source file [`DiskSink::copy`] reads into memory.
const COPY_READ_MAX: u64 = 16 << 20;

impl DiskSink {
    /// Once every file is written: whether the replaced site is this
    /// build's already and is to be left in place ([`commit`](Self::commit)).
    /// If not, the files noted as kept are linked into the new folder now,
    /// so [`stats`](Self::stats) then counts its folders. Deciding once;
    /// later calls give the same answer.
    pub fn settle(&self) -> Result<bool> {
        if self.in_place.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let kept = self.pending.lock().ok().and_then(|mut p| p.take());
        let Some(mut kept) = kept else {
            return Ok(false);
        };
        kept.sort_unstable();
        kept.dedup();
        #[cfg(unix)]
        if self
            .old
            .as_ref()
            .is_some_and(|old| old.is_exactly(kept.len()))
        {
            self.in_place.store(true, Ordering::Relaxed);
            return Ok(true);
        }
        // The general way: the kept files go in the new folder.
        if let Ok(mut p) = self.pending.lock() {
            *p = Some(kept);
        }
        self.link_kept()?;
        Ok(false)
    }

    /// Notes `path` as kept from the replaced site while no file has
    /// differed from it; `false` once one has (the file is to be linked).
    fn note_kept(&self, path: &str) -> bool {
        let Ok(mut pending) = self.pending.lock() else {
            return false;
        };
        match pending.as_mut() {
            Some(kept) => {
                kept.push(path.to_string());
                self.reused.fetch_add(1, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// A file differs from the replaced site's: the files noted as kept so
    /// far are linked into the new folder (once; later files are linked as
    /// they come).
    fn link_kept(&self) -> Result<()> {
        let mut pending = self
            .pending
            .lock()
            .map_err(|_| anyhow::anyhow!("a thread writing the site panicked"))?;
        let Some(kept) = pending.take() else {
            return Ok(());
        };
        #[cfg(unix)]
        if let Some(old) = &self.old {
            for path in &kept {
                let full = self.full(path)?;
                if !old.link(path, &full) {
                    bail!(
                        "{} changed while the site was built ({path} is gone); build again",
                        self.target.display()
                    );
                }
            }
        }
        Ok(())
    }

    /// Writes a file the replaced site does not have.
    fn write_new(&self, full: &Path, bytes: &[u8]) -> Result<()> {
        self.written.fetch_add(1, Ordering::Relaxed);
        self.written_bytes.fetch_add(bytes.len(), Ordering::Relaxed);
        std::fs::write(full, bytes).with_context(|| format!("writing {}", full.display()))
    }

    /// Copies `src` to `full`, a file of its own.
    fn copy_to(&self, full: &Path, src: &Path) -> Result<()> {
        self.linked.fetch_add(1, Ordering::Relaxed);
        // std's copy uses copy_file_range on Linux: the kernel copies (or
        // shares extents copy-on-write, on file systems with reflinks), and
        // the output file is always an inode of its own.
        std::fs::copy(src, full)
            .with_context(|| format!("copying {} to {}", src.display(), full.display()))?;
        Ok(())
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
    if out_abs.exists() && !out_abs.is_dir() {
        return Err(format!(
            "--out {} is a file, not a folder; choose a folder for the site",
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

    #[cfg(unix)]
    #[test]
    fn marker_list_is_read_as_a_tree_and_refused_when_it_could_lead_out() {
        let t = listed::tree(concat!(
            "Written by specsite; the next build replaces this folder.\n",
            "index.html\n",
            "a/index.html\n",
            "a/b/index.html\n",
            "a/b/x.png\n"
        ))
        .unwrap();
        assert_eq!(t.files, vec!["index.html"]);
        let a = &t.folders["a"];
        assert_eq!(a.files, vec!["index.html"]);
        assert_eq!(a.folders["b"].files, vec!["index.html", "x.png"]);
        let header = MARKER_HEADER;
        for bad in ["../x.html", "a/../../x", "/etc/x", "a//b", "./a", "a/."] {
            assert!(listed::tree(&format!("{header}{bad}\n")).is_none(), "{bad}");
        }
        // An older build's marker holds no list.
        assert!(listed::tree("").is_none());
        assert_eq!(listed::tree(header), Some(listed::Folder::default()));
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_removes_the_listed_site_and_follows_no_link_planted_in_it() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("out");
        let outside = d.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("index.html"), "keep me").unwrap();
        let build = |pages: &[&str]| {
            let sink = DiskSink::new(&target, OutLock::acquire(&target).unwrap()).unwrap();
            for p in pages {
                sink.write(p, p.as_bytes()).unwrap();
            }
            drop(sink.commit().unwrap());
        };
        build(&[
            "index.html",
            "a/index.html",
            "a/b/index.html",
            "c/index.html",
        ]);
        let marker = std::fs::read_to_string(target.join(MARKER)).unwrap();
        let line = |p: &str| {
            let l = marker_line(p, p.len(), xxhash_rust::xxh3::xxh3_128(p.as_bytes()));
            assert_eq!(marker_entry(&l).0, p);
            l
        };
        assert_eq!(
            marker,
            format!(
                "{MARKER_HEADER}{}\n{}\n{}\n{}\n",
                line("a/b/index.html"),
                line("a/index.html"),
                line("c/index.html"),
                line("index.html")
            )
        );
        // A listed folder replaced by a link to a folder elsewhere, and a
        // file added by hand.
        std::fs::remove_dir_all(target.join("c")).unwrap();
        std::os::unix::fs::symlink(&outside, target.join("c")).unwrap();
        std::fs::write(target.join("a/b/notes.txt"), "by hand").unwrap();
        build(&["index.html", "d/index.html"]);
        assert_eq!(
            std::fs::read_to_string(outside.join("index.html")).unwrap(),
            "keep me"
        );
        assert_eq!(
            listing(&target),
            [MARKER, "d", "d/index.html", "index.html"]
        );
        let beside: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(beside.len(), 2, "no temporary folder left beside out");
    }

    /// Every path under `dir`, relative to it, sorted.
    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                e.unwrap()
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        names.sort();
        names
    }

    /// Builds `files` (path, bytes) into `target`: what the sink kept from
    /// the replaced site, and the commit's [`Cleanup`].
    fn build_files(target: &Path, files: &[(&str, &str)]) -> (usize, Cleanup) {
        let sink = DiskSink::new(target, OutLock::acquire(target).unwrap()).unwrap();
        for (p, bytes) in files {
            sink.write(p, bytes.as_bytes()).unwrap();
        }
        let kept = sink.stats().reused;
        (kept, sink.commit().unwrap())
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_links_the_files_it_would_write_the_same_and_nothing_else() {
        use std::os::unix::fs::MetadataExt;
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("out");
        let outside = d.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("index.html"), "same").unwrap();
        let build = |files: &[(&str, &str)]| build_files(&target, files).0;
        let ino = |p: &str| std::fs::symlink_metadata(target.join(p)).unwrap().ino();
        let read = |p: &str| std::fs::read_to_string(target.join(p)).unwrap();
        let first = [
            ("index.html", "same"),
            ("a/index.html", "one"),
            ("b/edited.html", "as built"),
            ("c/index.html", "same"),
            ("d/shared.html", "same"),
        ];
        assert_eq!(build(&first), 0, "nothing to link from on a first build");
        let before: Vec<u64> = first.iter().map(|(p, _)| ino(p)).collect();
        // By hand: a file edited after the build (same length), a folder
        // replaced by a link to one elsewhere holding the same bytes, a
        // file linked from elsewhere too.
        let edited = std::fs::File::options()
            .write(true)
            .open(target.join("b/edited.html"))
            .unwrap();
        std::io::Write::write_all(&mut &edited, b"BY HAND!").unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(2);
        edited.set_modified(later).unwrap();
        std::fs::remove_dir_all(target.join("c")).unwrap();
        std::os::unix::fs::symlink(&outside, target.join("c")).unwrap();
        std::fs::hard_link(target.join("d/shared.html"), d.path().join("keep.html")).unwrap();

        let second = [
            ("index.html", "same"),
            ("a/index.html", "two"),
            ("b/edited.html", "as built"),
            ("c/index.html", "same"),
            ("d/shared.html", "same"),
        ];
        assert_eq!(build(&second), 1, "only index.html is linked");
        assert_eq!(ino("index.html"), before[0], "unchanged: the same file");
        for (i, (p, bytes)) in second.iter().enumerate().skip(1) {
            assert_eq!(read(p), *bytes, "{p}");
            assert_ne!(ino(p), before[i], "{p} written anew");
        }
        let outside_file = std::fs::metadata(outside.join("index.html")).unwrap();
        assert_eq!(outside_file.nlink(), 1, "the planted link was not followed");
        assert_ne!(ino("c/index.html"), outside_file.ino());
        assert_eq!(
            std::fs::read_to_string(d.path().join("keep.html")).unwrap(),
            "same"
        );
        // The replaced site is gone, and with it the second name of the
        // linked file.
        assert_eq!(
            std::fs::metadata(target.join("index.html"))
                .unwrap()
                .nlink(),
            1
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_that_changes_nothing_leaves_the_site_in_place() {
        use std::os::unix::fs::MetadataExt;
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("out");
        let build = |files: &[(&str, &str)]| build_files(&target, files).1.left_in_place();
        let ino = |p: &str| std::fs::symlink_metadata(target.join(p)).unwrap().ino();
        let names = || listing(&target);
        let site = [
            ("index.html", "top"),
            ("a/index.html", "a"),
            ("a/b/index.html", "b"),
        ];
        assert!(!build(&site), "a first build has no site to keep");
        let (top, files) = (ino(""), names());
        assert!(build(&site), "the same files: nothing to do");
        assert_eq!((ino(""), names()), (top, files.clone()), "left as it was");
        let beside: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(beside.len(), 1, "no temporary folder left beside out");
        // A file added by hand (its folder's time moves on) goes at the next
        // build, which then swaps a new folder in.
        std::fs::write(target.join("a/b/stray.txt"), "x").unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(2);
        std::fs::File::open(target.join("a/b"))
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert!(!build(&site));
        assert_eq!(names(), files, "the stray file is gone");
        assert_ne!(ino(""), top, "a new folder was swapped in");
        // So does a file the build no longer writes, and a file added at the
        // top of the site.
        assert!(build(&site));
        assert!(!build(&site[..2]));
        assert!(!target.join("a/b").exists());
        std::fs::write(target.join("extra.txt"), "x").unwrap();
        std::fs::File::open(&target)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert!(!build(&site[..2]));
        assert!(!target.join("extra.txt").exists());
        assert_eq!(
            std::fs::read_to_string(target.join("a/index.html")).unwrap(),
            "a"
        );
    }

    #[test]
    fn marker_lines_without_a_digest_are_paths() {
        assert_eq!(marker_entry("a/index.html"), ("a/index.html", None));
        let l = marker_line("a\tb/x.html", 12, 0xab);
        assert_eq!(marker_entry(&l), ("a\tb/x.html", Some((12, 0xab))));
        assert_eq!(
            marker_entry("a\t12\tnot-a-digest"),
            ("a\t12\tnot-a-digest", None)
        );
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
        let sink = DiskSink::new(&target, OutLock::acquire(&target).unwrap()).unwrap();
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
