//! The served site, held in memory: rendered files as bytes, copied assets as
//! the path of their source (read when requested, so images are not held twice).

use crate::output::Sink;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Rendered bytes.
    Bytes(Arc<[u8]>),
    /// An asset served from its source file.
    File(PathBuf),
}

impl Entry {
    /// The file's bytes (reads an asset from disk).
    pub fn bytes(&self) -> std::io::Result<Arc<[u8]>> {
        match self {
            Entry::Bytes(b) => Ok(b.clone()),
            Entry::File(p) => Ok(std::fs::read(p)?.into()),
        }
    }
}

/// Output path (`alpha/guide/index.html`) → file, shared by the rebuild loop
/// (writer) and the HTTP threads (readers).
#[derive(Debug, Default)]
pub struct Store {
    files: RwLock<BTreeMap<String, Entry>>,
}

impl Store {
    /// The file at `path`, if the site has one.
    pub fn get(&self, path: &str) -> Option<Entry> {
        self.files.read().ok()?.get(path).cloned()
    }

    /// Whether the site has a file at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.files.read().is_ok_and(|f| f.contains_key(path))
    }

    /// Replaces the whole site (after a full rebuild).
    pub fn replace_all(&self, files: BTreeMap<String, Entry>) {
        if let Ok(mut f) = self.files.write() {
            *f = files;
        }
    }

    /// Writes some files over the current site; returns the paths whose
    /// content actually changed, sorted.
    pub fn merge(&self, files: BTreeMap<String, Entry>) -> Vec<String> {
        let mut changed = Vec::new();
        if let Ok(mut f) = self.files.write() {
            for (path, entry) in files {
                if f.get(&path) != Some(&entry) {
                    changed.push(path.clone());
                    f.insert(path, entry);
                }
            }
        }
        changed.sort();
        changed
    }

    /// Removes files (a glossary term that is gone); returns those that existed.
    pub fn remove(&self, paths: &[String]) -> Vec<String> {
        let Ok(mut f) = self.files.write() else {
            return Vec::new();
        };
        paths
            .iter()
            .filter(|p| f.remove(p.as_str()).is_some())
            .cloned()
            .collect()
    }

    /// Every output path, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .files
            .read()
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default();
        out.sort();
        out
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.read().map_or(0, |f| f.len())
    }

    /// Whether the site is empty (before the first build).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A [`Sink`] collecting output files into a map, for [`Store`].
#[derive(Debug, Default)]
pub struct MapSink {
    files: Mutex<BTreeMap<String, Entry>>,
}

impl MapSink {
    /// The files written.
    pub fn into_files(self) -> BTreeMap<String, Entry> {
        self.files.into_inner().unwrap_or_default()
    }
}

impl Sink for MapSink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        if let Ok(mut f) = self.files.lock() {
            f.insert(path.to_string(), Entry::Bytes(bytes.into()));
        }
        Ok(())
    }

    fn copy(&self, path: &str, src: &Path) -> Result<()> {
        if let Ok(mut f) = self.files.lock() {
            f.insert(path.to_string(), Entry::File(src.to_path_buf()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_reports_only_files_whose_content_changed() {
        let store = Store::default();
        let sink = MapSink::default();
        sink.write("a/index.html", b"one").unwrap();
        sink.write("b/index.html", b"two").unwrap();
        store.replace_all(sink.into_files());
        let sink = MapSink::default();
        sink.write("a/index.html", b"one").unwrap();
        sink.write("b/index.html", b"2").unwrap();
        assert_eq!(store.merge(sink.into_files()), vec!["b/index.html"]);
        assert_eq!(&*store.get("b/index.html").unwrap().bytes().unwrap(), b"2");
        assert_eq!(store.len(), 2);
    }
}
