//! The browser search index: small JS files that register themselves with
//! `window.__specsiteSearch`, so they load through `<script>` tags over http
//! and from `file://` alike (no fetch, no XHR).
//!
//! Layout under `search/` (`<h>` is an xxh3 hash of every document the index
//! is made from and of the index format, so a changed index gets new names
//! and stale caches never mix; known before the index is built, it lets the
//! pages be rendered while the index is written):
//!
//! - `manifest.<h>.js`: `__specsiteSearch.manifest({v, h, s, n, p, b})`:
//!   `v` the format, `s` the shard bounds (space separated, ascending), `n`
//!   the number of docs, `p` the number of docs in each doc-table part (one
//!   base-36 digit a part), `b` the books as `[id, title]`.
//! - `s<i>.<h>.js`: shard `i`: `__specsiteSearch.shard(i, postings, names)`.
//!   The index keys, sorted as JavaScript sorts strings, are cut into runs of
//!   up to [`SHARD_TARGET`] bytes; shard `i` (from 0) holds the keys from
//!   bound `i` (the `i`-th of `s`, counted from 1; shard 0 has none) up to
//!   the next bound. So a key lives in shard "number of bounds at most the
//!   key", and the keys starting with a prefix lie in consecutive shards.
//!   `postings` maps a key (a folded, lightly stemmed word) to
//!   `[doc delta, weight, doc delta, weight, …]` (doc ids ascending,
//!   delta-coded); `names` maps a term's stemmed name, alias or abbreviation
//!   (words joined by a space) to its term doc ids, kept in the shard of its
//!   first word, for the definition card.
//! - `d<i>.<h>.js`: doc table part `i` (consecutive docs, up to
//!   [`PART_TARGET`] bytes): `__specsiteSearch.docs(i, [[kind,
//!   book, title, url, text, path], …])`, kind 1 for a term (text is its
//!   definition), 2 for a requirement, 0 for a section (text is an excerpt);
//!   book indexes `b`. Rows leave out what they share with the row before
//!   (see [`doc_rows`]): kind flag 8 makes `url` a `#fragment` on the
//!   previous row's page, a `path` of `0` is the previous row's path, and
//!   kind flag 4 appends the title to `path` as its last heading.

use super::text::{fold_into, is_stop_word, light_stem, light_stem_parts, tokenize};
use super::{DocKind, SearchDoc};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Most bytes of JSON in a shard (unless one key alone is larger).
pub const SHARD_TARGET: usize = 6_000;
/// The index format, in the manifest and in the hash that names the files.
const FORMAT: u32 = 2;
/// Most bytes of JSON rows in a doc-table part (unless one row alone is
/// larger).
pub const PART_TARGET: usize = 2_000;
/// Most rows in a doc-table part (its count is one base-36 digit).
const PART_ROWS: usize = 35;
/// Most docs kept per key (the best-weighted).
const MAX_POSTINGS: usize = 300;
/// Characters of a section's text kept as its excerpt.
const EXCERPT_CHARS: usize = 160;
/// Characters of a term's definition kept for the definition card.
const DEFINITION_CHARS: usize = 480;

/// What [`write_browser_index`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserIndexInfo {
    /// Root-relative path of the manifest (`search/manifest.<hash>.js`): the
    /// template puts it in `<html data-search-manifest="…">`.
    pub manifest: String,
    /// Number of shard files.
    pub shards: usize,
    /// Number of doc-table parts.
    pub doc_parts: usize,
    /// Total bytes written.
    pub total_bytes: usize,
    /// Every file written, root-relative, with its size, sorted by path.
    pub files: Vec<(String, usize)>,
}

/// The index key of a word: folded, lightly stemmed; `None` for words not
/// indexed (stop words, single characters, very long strings).
pub fn index_key(word: &str) -> Option<String> {
    let mut key = String::new();
    index_key_into(word, &mut key).then_some(key)
}

/// [`index_key`] into `out`, reusing its buffer; false for words not indexed.
fn index_key_into(word: &str, out: &mut String) -> bool {
    let mut spare = String::new();
    match key_of(word, &mut spare) {
        Some(k) => {
            out.clear();
            out.push_str(k);
            true
        }
        None => false,
    }
}

/// [`index_key`] of folded `word` without allocating: most keys are a
/// prefix of the word itself; a stem that gains a `y` is built in `spare`.
fn key_of<'a>(word: &'a str, spare: &'a mut String) -> Option<&'a str> {
    let n = if word.is_ascii() {
        word.len()
    } else {
        word.chars().count()
    };
    if !(2..=32).contains(&n) || is_stop_word(word) {
        return None;
    }
    match light_stem_parts(word) {
        (stem, false) => Some(stem),
        (stem, true) => {
            spare.clear();
            spare.push_str(stem);
            spare.push('y');
            Some(spare)
        }
    }
}

/// Calls `f` with every folded word of `text` (what [`tokenize`] returns),
/// reusing one buffer instead of allocating a string per word.
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    for r in crate::search::text::words(text) {
        let word = folded(&text[r], &mut buf);
        if !word.is_empty() {
            f(word);
        }
    }
}

/// `word` folded ([`fold_into`]): the word itself when folding would not
/// change it (lower-case ASCII letters and digits, most words), else
/// folded into `buf`.
fn folded<'a>(word: &'a str, buf: &'a mut String) -> &'a str {
    if word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return word;
    }
    fold_into(word, buf);
    buf
}

/// What one doc gives the index, before the length norm (which needs every
/// doc's length) turns it into weights: per key (numbered by the
/// [`KeyWorker`] that read the doc), the weight of the fields it occurs in
/// and its count in the body.
struct DocKeys {
    keys: Vec<(u32, Acc)>,
    /// Word spans of the body: what the average length is taken over.
    spans: usize,
    /// Folded words of the body: the length the norm compares with it.
    len: usize,
}

/// What one worker of the weighing keeps between the docs it reads: every
/// key it has met, numbered in the order met (so a doc's keys are numbers,
/// not strings, and each key is copied once a worker, not once a doc), the
/// key of every word spelling it has met (so a word is folded and stemmed
/// once a worker, not once an occurrence), and the accumulators of the doc
/// being read, indexed by key number.
#[derive(Default)]
struct KeyWorker {
    ids: FxHashMap<String, u32>,
    /// A word as the text spells it → its key's number, or [`NO_KEY`] (not
    /// indexed) or [`NO_WORD`] (folds to nothing).
    words: FxHashMap<Box<str>, u32>,
    accs: Vec<Acc>,
    /// The doc (numbered from 1 by this worker) that last touched each key.
    stamps: Vec<u32>,
    /// This worker's docs so far.
    doc: u32,
    /// The keys the current doc touched, in the order touched.
    touched: Vec<u32>,
}

/// [`KeyWorker::word`]: a word that is not indexed (a stop word, too short
/// or too long).
const NO_KEY: u32 = u32::MAX - 1;
/// [`KeyWorker::word`]: a word that folds to nothing.
const NO_WORD: u32 = u32::MAX;

impl KeyWorker {
    /// Starts a doc.
    fn start(&mut self) {
        self.doc += 1;
        self.touched.clear();
    }

    /// What the word `raw` (a span of [`words`](crate::search::text::words))
    /// gives the index: its key's number, else [`NO_KEY`] or [`NO_WORD`].
    fn word(&mut self, raw: &str) -> u32 {
        if let Some(&v) = self.words.get(raw) {
            return v;
        }
        let (mut buf, mut spare) = (String::new(), String::new());
        let word = folded(raw, &mut buf);
        let v = if word.is_empty() {
            NO_WORD
        } else {
            match key_of(word, &mut spare) {
                Some(key) => self.key(key),
                None => NO_KEY,
            }
        };
        self.words.insert(raw.into(), v);
        v
    }

    /// The number of `key`, given when first met.
    fn key(&mut self, key: &str) -> u32 {
        match self.ids.get(key) {
            Some(&id) => id,
            None => {
                let id = self.ids.len() as u32;
                self.ids.insert(key.to_string(), id);
                self.accs.push(Acc::default());
                self.stamps.push(0);
                id
            }
        }
    }

    /// The current doc's accumulator for `key` (zero when first touched).
    fn acc(&mut self, key: &str) -> &mut Acc {
        let id = self.key(key);
        self.acc_of(id)
    }

    /// The current doc's accumulator for key number `id`.
    fn acc_of(&mut self, id: u32) -> &mut Acc {
        let i = id as usize;
        if self.stamps[i] != self.doc {
            self.stamps[i] = self.doc;
            self.accs[i] = Acc::default();
            self.touched.push(id);
        }
        &mut self.accs[i]
    }

    /// The current doc's keys and their accumulators.
    fn finish(&self) -> Vec<(u32, Acc)> {
        (self.touched.iter())
            .map(|&id| (id, self.accs[id as usize]))
            .collect()
    }

    /// The keys met, by number.
    fn into_keys(self) -> Vec<String> {
        let mut keys = vec![String::new(); self.ids.len()];
        // Placed by number: the map's order does not matter.
        #[allow(clippy::iter_over_hash_type)]
        for (k, id) in self.ids {
            keys[id as usize] = k;
        }
        keys
    }
}

/// A key's weight in one doc so far: the fields it occurs in, its count in
/// the body, and the last field that added its weight (a key counts once a
/// field).
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    weight: f32,
    tf: u32,
    field: u32,
}

/// The length norm of a doc of `len` words, among docs of `avg_len` words.
fn length_norm(len: usize, avg_len: f32) -> f32 {
    1.2 * (0.25 + 0.75 * len as f32 / avg_len.max(1.0))
}

/// A key's weight in a doc, from its fields' weight, its count in the body
/// and the doc's [`length_norm`]: body words by a saturating term frequency.
/// Quantised to 1..=250 as the postings carry it.
fn quantised_weight(field_weight: f32, tf: u32, norm: f32) -> u32 {
    let mut w = field_weight;
    if tf > 0 {
        let f = tf as f32;
        w += 4.0 * f / (f + norm);
    }
    ((w * 3.0).round() as u32).clamp(1, 250)
}

/// The keys of one doc (see [`DocKeys`]): the name, title and heading path
/// count most (a term's name outranks any section); body words by their
/// count. One pass over the body's words.
fn doc_keys(d: &SearchDoc, w: &mut KeyWorker) -> DocKeys {
    use crate::search::text::words;
    w.start();
    let mut field_no = 0u32;
    let mut add_field = |text: &str, weight: f32, w: &mut KeyWorker| {
        field_no += 1;
        for r in words(text) {
            let id = w.word(&text[r]);
            if id >= NO_KEY {
                continue;
            }
            let a = w.acc_of(id);
            if a.field != field_no {
                a.weight += weight;
                a.field = field_no;
            }
        }
    };
    if d.kind == DocKind::Term {
        // Shorter names weigh more, so `Registry` outranks `Civil Registry`.
        let short = |name: &str| 1.0 / tokenize(name).len().max(1) as f32;
        add_field(&d.title, 20.0 + 10.0 * short(&d.title), w);
        for a in &d.aliases {
            add_field(a, 18.0 + 2.0 * short(a), w);
        }
    } else {
        add_field(&d.title, 8.0, w);
        // A requirement's id and aliases (section numbers, local ids).
        for a in &d.aliases {
            add_field(a, 12.0, w);
        }
        // The one-character parts of its ids (the `6` of `DRS-6`), which no
        // other text indexes, so that `DRS-6` finds DRS-6 first.
        if d.kind == DocKind::Requirement {
            for a in d.aliases.iter().filter(|a| is_id_like(a)) {
                for_each_word(a, |t| {
                    if t.chars().count() == 1 && !is_stop_word(t) {
                        w.acc(t).weight += 12.0;
                    }
                });
            }
        }
    }
    add_field(&d.heading_path.join(" "), 2.0, w);
    let (mut spans, mut len) = (0usize, 0usize);
    for r in words(&d.text) {
        spans += 1;
        let id = w.word(&d.text[r]);
        if id == NO_WORD {
            continue;
        }
        len += 1;
        if id != NO_KEY {
            w.acc_of(id).tf += 1;
        }
    }
    DocKeys {
        keys: w.finish(),
        spans,
        len,
    }
}

/// An id rather than a section number: it holds a letter and a digit
/// (`DRS-6`, `reg#req-6`; not `6.1`).
fn is_id_like(s: &str) -> bool {
    s.chars().any(|c| c.is_alphabetic()) && s.chars().any(|c| c.is_ascii_digit())
}

/// Words of a term name as a `names` key: stemmed keys joined by a space.
fn name_key(name: &str) -> Option<String> {
    let words: Vec<String> = tokenize(name).iter().map(|w| light_stem(w)).collect();
    if words.is_empty() || words.join("").chars().count() < 2 {
        return None;
    }
    Some(words.join(" "))
}

/// A doc a key occurs in, with the key's field weight and body count there
/// (see [`Acc`]).
#[derive(Debug, Clone, Copy)]
struct Posting {
    doc: u32,
    weight: f32,
    tf: u32,
}

#[derive(Default)]
struct KeyData {
    postings: Vec<Posting>,
    names: BTreeMap<String, Vec<u32>>,
}

/// Compares two keys as JavaScript compares strings (by UTF-16 code units),
/// so the reader's binary search agrees with the order shards are cut in.
fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Cuts the keys (sorted by [`js_cmp`], each with its payload size) into
/// shards of consecutive keys, each up to [`SHARD_TARGET`] bytes (a single
/// larger key makes a shard of its own). Returns each shard's keys and, for
/// every shard after the first, its bound: the shortest prefix of its first
/// key that sorts after the previous shard's last key. A key belongs to the
/// last shard whose bound is at most the key.
fn pack_shards(keys: &[(&str, usize)]) -> (Vec<std::ops::Range<usize>>, Vec<String>) {
    let mut ranges = Vec::new();
    let mut bounds = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, &(k, n)) in keys.iter().enumerate() {
        if i > start && size + n > SHARD_TARGET {
            ranges.push(start..i);
            let prev = keys[i - 1].0;
            let bound = k
                .char_indices()
                .map(|(j, c)| &k[..j + c.len_utf8()])
                .find(|p| js_cmp(p, prev).is_gt())
                .unwrap_or(k);
            bounds.push(bound.to_string());
            (start, size) = (i, 0);
        }
        size += n;
    }
    if start < keys.len() || ranges.is_empty() {
        ranges.push(start..keys.len());
    }
    (ranges, bounds)
}

/// `s` with runs of white space made single spaces, cut to at most `n`
/// characters at a word boundary (with `…`). Reads only as much of `s` as
/// the result needs.
fn truncate_chars(s: &str, n: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    // ASCII words are found a byte at a time (the white space of
    // `split_whitespace` in ASCII); a text with other characters before
    // the cut takes the general way.
    let b = s.as_bytes();
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let mut i = 0;
    while chars <= n {
        while i < b.len() && space(b[i]) {
            i += 1;
        }
        let start = i;
        while i < b.len() && !space(b[i]) && b[i].is_ascii() {
            i += 1;
        }
        if i < b.len() && !b[i].is_ascii() {
            return truncate_any(s, n);
        }
        if start == i {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(&s[start..i]);
        chars += i - start;
    }
    cut_words(out, n)
}

/// [`truncate_chars`] for any text: its words by `split_whitespace`.
fn truncate_any(s: &str, n: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(w);
        chars += w.chars().count();
        if chars > n {
            break;
        }
    }
    cut_words(out, n)
}

/// `words` (one space apart) cut to `n` characters, at a space in the
/// second half when there is one, with an ellipsis.
fn cut_words(words: String, n: usize) -> String {
    match words.char_indices().nth(n) {
        None => words,
        Some((i, _)) => {
            let cut = words[..i].rfind(' ').filter(|c| *c > i / 2).unwrap_or(i);
            format!("{}…", words[..cut].trim_end())
        }
    }
}

#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    h: &'a str,
    s: String,
    n: usize,
    p: String,
    b: &'a [(String, String)],
}

fn delta_postings(p: &[(u32, u32)]) -> Vec<u32> {
    let mut out = Vec::with_capacity(p.len() * 2);
    let mut last = 0;
    for (doc, w) in p {
        out.push(doc - last);
        out.push(*w);
        last = *doc;
    }
    out
}

/// The hash that names every file of the index for `docs`: xxh3 over the
/// documents (every field, in order) and the index format, as 10 hex digits.
/// The same docs give the same index, so the names change exactly when the
/// index does; and being known before the index is built, the manifest's name
/// lets pages render while the index is written. Each doc is hashed on its
/// own, in parallel; their digests, in order, make the whole's.
pub fn index_hash(docs: &[SearchDoc]) -> String {
    use rayon::prelude::*;
    let digests: Vec<u64> = docs.par_iter().with_min_len(64).map(doc_digest).collect();
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(concat!("specsite-search ", env!("CARGO_PKG_VERSION")).as_bytes());
    h.update(&FORMAT.to_le_bytes());
    for d in digests {
        h.update(&d.to_le_bytes());
    }
    let hex = format!("{:016x}", h.digest());
    hex[..10].to_string()
}

/// xxh3 over every field of `d`, in order, each with its length.
fn doc_digest(d: &SearchDoc) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut field = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field(match d.kind {
        DocKind::Term => "t",
        DocKind::Section => "s",
        DocKind::Requirement => "r",
    });
    field(&d.book);
    field(&d.book_title);
    field(d.version.as_deref().unwrap_or("\0"));
    field(&d.title);
    for p in &d.heading_path {
        field(p);
    }
    field("\0");
    field(&d.url);
    field(&d.text);
    for a in &d.aliases {
        field(a);
    }
    field("\0");
    h.digest()
}

/// Root-relative path of the manifest [`write_browser_index`] writes for
/// `docs` (`search/manifest.<hash>.js`).
pub fn manifest_path(docs: &[SearchDoc]) -> String {
    manifest_path_of(&index_hash(docs))
}

/// Root-relative path of the manifest of the index with [`index_hash`] `hash`.
pub fn manifest_path_of(hash: &str) -> String {
    format!("search/manifest.{hash}.js")
}

/// Docs tokenised and weighted at a time: bounds the memory the per-doc
/// weight lists take on a large site.
const WEIGHT_CHUNK: usize = 4096;

/// Writes the browser index for `docs` through `out(path, bytes)` (paths
/// root-relative, under `search/`). Terms are placed first in the doc table.
/// Same docs, same bytes.
pub fn write_browser_index(
    docs: &[SearchDoc],
    out: &(dyn Fn(&str, Vec<u8>) + Sync),
) -> BrowserIndexInfo {
    write_browser_index_hashed(docs, &index_hash(docs), out)
}

/// [`write_browser_index`] for docs whose [`index_hash`] is known.
pub fn write_browser_index_hashed(
    docs: &[SearchDoc],
    hash: &str,
    out: &(dyn Fn(&str, Vec<u8>) + Sync),
) -> BrowserIndexInfo {
    let mut t = crate::timing::Stages::start();
    // Terms first so definition cards cost few doc-table parts.
    let mut order: Vec<&SearchDoc> = docs.iter().filter(|d| d.kind == DocKind::Term).collect();
    order.extend(docs.iter().filter(|d| d.kind != DocKind::Term));

    let mut books: Vec<(String, String)> = vec![(String::new(), String::new())];
    let mut book_ix: FxHashMap<&str, usize> = FxHashMap::default();
    book_ix.insert("", 0);
    for d in &order {
        if !book_ix.contains_key(d.book.as_str()) {
            book_ix.insert(&d.book, books.len());
            books.push((d.book.clone(), d.book_title.clone()));
        }
    }

    use rayon::prelude::*;
    // Tokenising and weighting is per document: do it in parallel, a chunk
    // at a time, merging in document order so the output stays identical.
    // Keys are gathered in a hash map (one lookup per doc and key), then
    // sorted once. A posting keeps its field weight and body count until
    // every doc's length is known; the length norm then weighs it.
    let mut key_ids: FxHashMap<String, usize> = HashMap::default();
    let mut key_data: Vec<KeyData> = Vec::new();
    fn slot(ids: &mut FxHashMap<String, usize>, k: String) -> usize {
        let next = ids.len();
        *ids.entry(k).or_insert(next)
    }
    let mut names_of: Vec<(usize, String, u32)> = Vec::new();
    let mut doc_len: Vec<usize> = Vec::with_capacity(order.len());
    let mut spans = 0usize;
    for (c, chunk) in order.chunks(WEIGHT_CHUNK).enumerate() {
        // Each worker numbers the keys it meets; a few workers a thread (a
        // worker's keys are merged once, not once a doc).
        let min_len = chunk.len() / (4 * rayon::current_num_threads()).max(1);
        let mut parts: Vec<(KeyWorker, Vec<(usize, DocKeys)>)> = (chunk.par_iter().enumerate())
            .with_min_len(min_len.max(1))
            .fold(
                || (KeyWorker::default(), Vec::new()),
                |(mut w, mut done), (i, d)| {
                    let keys = doc_keys(d, &mut w);
                    done.push((i, keys));
                    (w, done)
                },
            )
            .collect();
        parts.sort_by_key(|(_, done)| done.first().map(|(i, _)| *i));
        let mut next = 0;
        let mut keyed: Vec<DocKeys> = Vec::with_capacity(chunk.len());
        for (w, done) in parts {
            let global: Vec<usize> = (w.into_keys().into_iter())
                .map(|k| slot(&mut key_ids, k))
                .collect();
            // Every key of the chunk's bodies is numbered: postings go
            // straight to their key.
            key_data.resize_with(key_ids.len(), KeyData::default);
            for (i, mut keys) in done {
                debug_assert_eq!(i, next, "docs weighed out of order");
                next += 1;
                for (k, _) in keys.keys.iter_mut() {
                    *k = global[*k as usize] as u32;
                }
                keyed.push(keys);
            }
        }
        for (i, (d, keyed)) in chunk.iter().zip(keyed).enumerate() {
            let id = (c * WEIGHT_CHUNK + i) as u32;
            spans += keyed.spans;
            doc_len.push(keyed.len);
            // The order of a doc's keys does not matter: a key's postings
            // are in doc order, and keys are sorted below.
            for (k, a) in keyed.keys {
                key_data[k as usize].postings.push(Posting {
                    doc: id,
                    weight: a.weight,
                    tf: a.tf,
                });
            }
            if d.kind == DocKind::Term {
                let mut names: Vec<String> = std::iter::once(&d.title)
                    .chain(&d.aliases)
                    .filter_map(|n| name_key(n))
                    .collect();
                names.sort();
                names.dedup();
                for n in names {
                    let first = n.split(' ').next().unwrap_or_default().to_string();
                    names_of.push((slot(&mut key_ids, first), n, id));
                }
            }
        }
        key_data.resize_with(key_ids.len(), KeyData::default);
        for (k, n, id) in names_of.drain(..) {
            key_data[k].names.entry(n).or_default().push(id);
        }
    }
    let avg_len = spans as f32 / order.len().max(1) as f32;
    let norms: Vec<f32> = doc_len.iter().map(|&n| length_norm(n, avg_len)).collect();
    drop(doc_len);
    t.mark("i:weigh");
    let mut entries: Vec<(String, KeyData)> = key_ids
        .into_iter()
        .map(|(k, i)| (k, std::mem::take(&mut key_data[i])))
        .collect();
    drop(key_data);
    entries.par_sort_unstable_by(|a, b| js_cmp(&a.0, &b.0));
    t.mark("i:sort");

    // Shard payloads per key, and their sizes to split shards by.
    let payloads: Vec<(String, String)> = entries
        .par_iter_mut()
        .map(|(k, data)| {
            let mut postings: Vec<(u32, u32)> = (data.postings.iter())
                .map(|p| {
                    let q = quantised_weight(p.weight, p.tf, norms[p.doc as usize]);
                    (p.doc, q)
                })
                .collect();
            if postings.len() > MAX_POSTINGS {
                postings.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                postings.truncate(MAX_POSTINGS);
                postings.sort();
            }
            let p = if postings.is_empty() {
                String::new()
            } else {
                format!("{}:{}", json(k), json(&delta_postings(&postings)))
            };
            let n: Vec<String> = data
                .names
                .iter()
                .map(|(name, ids)| format!("{}:{}", json(name), json(ids)))
                .collect();
            (p, n.join(","))
        })
        .collect();
    let sizes: Vec<(&str, usize)> = entries
        .iter()
        .zip(&payloads)
        .map(|((k, _), (p, n))| (k.as_str(), p.len() + n.len() + 2))
        .collect();
    let (shards, bounds) = pack_shards(&sizes);
    drop(sizes);
    drop(entries);
    t.mark("i:keys");

    // Every file is written as soon as it is made (in parallel): the index
    // never sits in memory whole.
    let listing: std::sync::Mutex<Vec<(String, usize)>> = Default::default();
    let emit = |path: String, body: String| {
        if let Ok(mut l) = listing.lock() {
            l.push((path.clone(), body.len()));
        }
        out(&path, body.into_bytes());
    };
    shards.par_iter().enumerate().for_each(|(i, ks)| {
        let (mut p, mut n) = (Vec::new(), Vec::new());
        for k in ks.clone() {
            let (kp, kn) = &payloads[k];
            if !kp.is_empty() {
                p.push(kp.as_str());
            }
            if !kn.is_empty() {
                n.push(kn.as_str());
            }
        }
        let body = format!(
            "__specsiteSearch.shard({i},{{{}}},{{{}}});\n",
            p.join(","),
            n.join(",")
        );
        emit(format!("search/s{i}.{hash}.js"), body);
    });
    drop(payloads);
    t.mark("i:shards");
    let shard_count = shards.len();
    let parts = pack_parts(&order, &book_ix);
    parts.par_iter().enumerate().for_each(|(i, (_, rows))| {
        emit(
            format!("search/d{i}.{hash}.js"),
            format!("__specsiteSearch.docs({i},[{}]);\n", rows.join(",")),
        );
    });
    t.mark("i:docs");
    let doc_parts = parts.len();
    let counts: String = parts
        .iter()
        .filter_map(|(n, _)| char::from_digit(*n as u32, 36))
        .collect();
    let manifest = Manifest {
        v: FORMAT,
        h: hash,
        s: bounds.join(" "),
        n: order.len(),
        p: counts,
        b: &books,
    };
    let manifest_path = manifest_path_of(hash);
    emit(
        manifest_path.clone(),
        format!("__specsiteSearch.manifest({});\n", json(&manifest)),
    );
    let mut listing = listing.into_inner().unwrap_or_default();
    listing.sort();
    let total_bytes = listing.iter().map(|(_, n)| n).sum();
    BrowserIndexInfo {
        manifest: manifest_path,
        shards: shard_count,
        doc_parts,
        total_bytes,
        files: listing,
    }
}

/// A doc-table row's kind flag: the heading path goes on with the title.
const ROW_PATH_ENDS_WITH_TITLE: u8 = 4;
/// A doc-table row's kind flag: the URL is a `#fragment` on the previous
/// row's page.
const ROW_SAME_PAGE: u8 = 8;

/// A doc-table row's heading path: written out, or `0` for "the previous
/// row's".
#[derive(Serialize)]
#[serde(untagged)]
enum RowPath {
    Same(u8),
    Path(String),
}

/// A doc-table row: kind (with flags), book index, title, URL, text,
/// heading path.
type DocRow<'a> = (u8, usize, &'a str, &'a str, &'a str, RowPath);

/// Writes the rows of one doc-table part. Sections of a page sit side by
/// side, so a row leaves out what it shares with the row before: the page of
/// its URL ([`ROW_SAME_PAGE`]), its heading path (`0`), and a last heading
/// equal to its title ([`ROW_PATH_ENDS_WITH_TITLE`]).
#[derive(Default)]
struct RowEncoder<'a> {
    prev_page: Option<&'a str>,
    prev_path: Option<String>,
}

impl<'a> RowEncoder<'a> {
    /// The row of `d` (with `text`, its excerpt) after the rows given so far.
    fn row(&mut self, d: &'a SearchDoc, text: &'a str, book: usize) -> DocRow<'a> {
        let mut kind = match d.kind {
            DocKind::Section => 0,
            DocKind::Term => 1,
            DocKind::Requirement => 2,
        };
        let (page, fragment) = match d.url.find('#') {
            Some(i) => (&d.url[..i], &d.url[i..]),
            None => (d.url.as_str(), ""),
        };
        let url = if self.prev_page == Some(page) && !fragment.is_empty() {
            kind |= ROW_SAME_PAGE;
            fragment
        } else {
            d.url.as_str()
        };
        self.prev_page = Some(page);
        let mut heads = d.heading_path.as_slice();
        if let Some((last, rest)) = heads.split_last() {
            if *last == d.title {
                kind |= ROW_PATH_ENDS_WITH_TITLE;
                heads = rest;
            }
        }
        let path = heads.join(" › ");
        let path = if !path.is_empty() && self.prev_path.as_deref() == Some(path.as_str()) {
            RowPath::Same(0)
        } else {
            self.prev_path = Some(path.clone());
            RowPath::Path(path)
        };
        (kind, book, d.title.as_str(), url, text, path)
    }
}

/// The excerpt a doc-table row keeps of `d`'s text.
fn excerpt(d: &SearchDoc) -> String {
    match d.kind {
        DocKind::Term => truncate_chars(&d.text, DEFINITION_CHARS),
        DocKind::Section | DocKind::Requirement => truncate_chars(&d.text, EXCERPT_CHARS),
    }
}

/// Cuts the doc table (`order`) into parts of consecutive docs, each up to
/// [`PART_TARGET`] bytes of rows and [`PART_ROWS`] rows: each part's row
/// count and rows (JSON).
fn pack_parts(order: &[&SearchDoc], book_ix: &FxHashMap<&str, usize>) -> Vec<(usize, Vec<String>)> {
    use rayon::prelude::*;
    let texts: Vec<String> = order.par_iter().map(|d| excerpt(d)).collect();
    let mut parts = Vec::new();
    let (mut rows, mut size) = (Vec::new(), 0);
    let mut enc = RowEncoder::default();
    for (d, text) in order.iter().zip(&texts) {
        let book = book_ix[d.book.as_str()];
        let mut row = json(&enc.row(d, text, book));
        if !rows.is_empty() && (size + row.len() + 1 > PART_TARGET || rows.len() == PART_ROWS) {
            parts.push((rows.len(), std::mem::take(&mut rows)));
            size = 0;
            enc = RowEncoder::default();
            row = json(&enc.row(d, text, book));
        }
        size += row.len() + 1;
        rows.push(row);
    }
    if !rows.is_empty() {
        parts.push((rows.len(), rows));
    }
    parts
}

fn json<T: Serialize + ?Sized>(v: &T) -> String {
    // Serialising plain strings, numbers and vectors cannot fail.
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_ascii_as_any_text() {
        let pieces = [
            "word",
            "a",
            "longerword",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\x0b",
            "é",
            "\u{a0}",
            "x.y",
        ];
        for text in crate::testing::random_texts(0x1234_5678_9abc_def1, 5_000, 30, &pieces) {
            for n in [0, 1, 5, 12, 40] {
                assert_eq!(
                    truncate_chars(&text, n),
                    truncate_any(&text, n),
                    "{text:?} {n}"
                );
            }
        }
    }

    #[test]
    fn a_worker_weighs_each_doc_as_a_fresh_one_would() {
        let docs = [
            doc(
                DocKind::Term,
                "Registry",
                "A registry of registries.",
                &["Register"],
            ),
            doc(
                DocKind::Section,
                "Registry data",
                "Registry data, data and more data.",
                &[],
            ),
            doc(
                DocKind::Requirement,
                "DRS-6",
                "The registry keeps data.",
                &["DRS-6"],
            ),
        ];
        let named = |w: &KeyWorker, keys: &DocKeys| -> Vec<(String, f32, u32)> {
            let names: Vec<&str> = {
                let mut n = vec![""; w.ids.len()];
                // Placed by number: the map's order does not matter.
                #[allow(clippy::iter_over_hash_type)]
                for (k, &i) in &w.ids {
                    n[i as usize] = k;
                }
                n
            };
            let mut v: Vec<(String, f32, u32)> = (keys.keys.iter())
                .map(|(k, a)| (names[*k as usize].to_string(), a.weight, a.tf))
                .collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        let mut shared = KeyWorker::default();
        for d in &docs {
            let reused = doc_keys(d, &mut shared);
            let mut fresh_worker = KeyWorker::default();
            let fresh = doc_keys(d, &mut fresh_worker);
            assert_eq!(named(&shared, &reused), named(&fresh_worker, &fresh));
            assert_eq!((reused.spans, reused.len), (fresh.spans, fresh.len));
        }
    }

    fn doc(kind: DocKind, title: &str, text: &str, aliases: &[&str]) -> SearchDoc {
        SearchDoc {
            kind,
            book: if kind == DocKind::Term {
                String::new()
            } else {
                "b".into()
            },
            book_title: if kind == DocKind::Term {
                String::new()
            } else {
                "Book B".into()
            },
            version: None,
            title: title.into(),
            heading_path: vec!["Page".into()],
            url: format!("b/{}/", title.len()),
            text: text.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Writes the index to memory; shards parsed as `[name, postings, names]`.
    fn write(docs: &[SearchDoc]) -> (BrowserIndexInfo, BTreeMap<String, Vec<u8>>) {
        let files = std::sync::Mutex::new(BTreeMap::new());
        let info = write_browser_index(docs, &|p, b| {
            files.lock().unwrap().insert(p.to_string(), b);
        });
        (info, files.into_inner().unwrap())
    }

    fn call_args(bytes: &[u8], func: &str) -> serde_json::Value {
        let s = std::str::from_utf8(bytes).unwrap();
        let inner = s
            .strip_prefix(&format!("__specsiteSearch.{func}("))
            .unwrap()
            .strip_suffix(");\n")
            .unwrap();
        serde_json::from_str(&format!("[{inner}]")).unwrap()
    }

    fn shards(files: &BTreeMap<String, Vec<u8>>) -> Vec<serde_json::Value> {
        files
            .iter()
            .filter(|(p, _)| p.starts_with("search/s"))
            .map(|(_, b)| call_args(b, "shard"))
            .collect()
    }

    #[test]
    fn shards_hold_sorted_runs_of_keys_between_their_bounds() {
        // Many distinct words on "re…" fill several shards.
        let words: Vec<String> = (0..3000)
            .map(|i| format!("re{}x{i}", ["g", "c", "p", "s"][i % 4]))
            .chain(["zebra".into(), "ärger".into(), "alpha".into()])
            .collect();
        let docs: Vec<SearchDoc> = words
            .chunks(30)
            .map(|c| doc(DocKind::Section, "Section", &c.join(" "), &[]))
            .collect();
        let (info, files) = write(&docs);
        let manifest = call_args(&files[&info.manifest], "manifest");
        assert_eq!(manifest[0]["v"], FORMAT);
        let bounds: Vec<&str> = manifest[0]["s"].as_str().unwrap().split(' ').collect();
        assert_eq!(bounds.len() + 1, info.shards);
        assert!(info.shards > 5, "{bounds:?}");
        assert!(bounds.windows(2).all(|w| js_cmp(w[0], w[1]).is_lt()));
        let mut seen = 0;
        for (i, shard) in shards(&files).iter().enumerate() {
            assert_eq!(shard[0], i);
            for key in shard[1].as_object().unwrap().keys() {
                seen += 1;
                let owner = bounds.iter().filter(|b| js_cmp(b, key).is_le()).count();
                assert_eq!(owner, i, "key {key}");
            }
        }
        assert!(seen >= 3003, "every key is in a shard: {seen}");
        for (path, bytes) in &files {
            if path.starts_with("search/s") {
                assert!(
                    bytes.len() <= SHARD_TARGET + 200,
                    "{path} is {} bytes",
                    bytes.len()
                );
            }
        }
    }

    #[test]
    fn one_key_larger_than_a_shard_stands_alone() {
        let keys = [("a", 10), ("b", SHARD_TARGET * 2), ("c", 10)];
        let (ranges, bounds) = pack_shards(&keys);
        assert_eq!(ranges, vec![0..1, 1..2, 2..3]);
        assert_eq!(bounds, vec!["b", "c"]);
        let (ranges, bounds) = pack_shards(&[]);
        assert_eq!(ranges.len(), 1);
        assert!(ranges[0].is_empty() && bounds.is_empty());
    }

    #[test]
    fn keys_sort_as_javascript_compares_strings() {
        // U+FF21 (one UTF-16 unit) sorts after U+1F600 (a surrogate pair)
        // in JavaScript, though before it by code point.
        assert!(js_cmp("\u{1F600}", "\u{FF21}").is_lt());
        assert!(js_cmp("abc", "abd").is_lt());
    }

    #[test]
    fn same_docs_give_same_bytes_and_names() {
        let docs = vec![
            doc(
                DocKind::Section,
                "Payments",
                "Payment orchestration and payments.",
                &[],
            ),
            doc(
                DocKind::Term,
                "Building Block",
                "A reusable component.",
                &["BB"],
            ),
        ];
        let (a_info, a) = write(&docs);
        let (b_info, b) = write(&docs);
        assert_eq!(a, b);
        assert_eq!(a_info, b_info);
        let mut other = docs.clone();
        other[0].text.push_str(" More.");
        let (c_info, _) = write(&other);
        assert_ne!(
            a_info.manifest, c_info.manifest,
            "a changed index gets new file names"
        );
    }

    #[test]
    fn terms_come_first_with_names_in_their_first_word_shard() {
        let docs = vec![
            doc(
                DocKind::Section,
                "Registries",
                "The registries hold data.",
                &[],
            ),
            doc(
                DocKind::Term,
                "Building Block",
                "A reusable component.",
                &["BB"],
            ),
        ];
        let (_, files) = write(&docs);
        let all = shards(&files);
        let names: BTreeMap<String, serde_json::Value> = all
            .iter()
            .flat_map(|s| {
                s[2].as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
            })
            .collect();
        assert_eq!(names["building block"], serde_json::json!([0]));
        assert_eq!(names["bb"], serde_json::json!([0]));
        let bu = all
            .iter()
            .find(|s| s[2].get("building block").is_some())
            .unwrap();
        assert!(
            bu[1].get("building").is_some(),
            "names sit with their first word"
        );
        let part = call_args(
            files
                .iter()
                .find(|(p, _)| p.starts_with("search/d0."))
                .unwrap()
                .1,
            "docs",
        );
        assert_eq!(part[1][0][0], 1, "the term is doc 0");
        assert_eq!(part[1][0][4], "A reusable component.");
        assert_eq!(part[1][1][2], "Registries");
        // Plural and singular share a key; stop words are not indexed.
        let keys: Vec<String> = all
            .iter()
            .flat_map(|s| {
                s[1].as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(keys.contains(&"registry".to_string()));
        assert!(!keys.contains(&"the".to_string()));
    }

    #[test]
    fn postings_are_delta_coded_and_capped() {
        let docs: Vec<SearchDoc> = (0..MAX_POSTINGS + 50)
            .map(|i| doc(DocKind::Section, &format!("S{i}"), "common word", &[]))
            .collect();
        let (_, files) = write(&docs);
        let all = shards(&files);
        let p = all
            .iter()
            .find_map(|s| s[1].get("common").cloned())
            .unwrap();
        let p: Vec<u64> = p
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(p.len(), MAX_POSTINGS * 2);
        let mut doc = 0;
        for pair in p.chunks(2) {
            doc += pair[0];
            assert!(doc < docs.len() as u64 && pair[1] >= 1);
        }
    }

    #[test]
    fn doc_rows_leave_out_what_the_row_before_gives() {
        let mut a = doc(DocKind::Section, "Intro", "Text a.", &[]);
        a.url = "b/page/".into();
        a.heading_path = vec!["Page".into(), "Intro".into()];
        let mut b = doc(DocKind::Section, "Usage", "Text b.", &[]);
        b.url = "b/page/#usage".into();
        b.heading_path = vec!["Page".into(), "Usage".into()];
        let mut c = doc(DocKind::Section, "Notes", "Text c.", &[]);
        c.url = "b/page/#notes".into();
        c.heading_path = vec!["Page".into(), "Usage".into()];
        let mut d = doc(DocKind::Section, "Other", "Text d.", &[]);
        d.url = "b/other/#x".into();
        d.heading_path = vec!["Other page".into()];
        let docs = [&a, &b, &c, &d];
        let mut enc = RowEncoder::default();
        let rows: Vec<DocRow> = docs.iter().map(|d| enc.row(d, &d.text, 1)).collect();
        let rows = serde_json::to_value(rows).unwrap();
        assert_eq!(
            rows,
            serde_json::json!([
                [4, 1, "Intro", "b/page/", "Text a.", "Page"],
                [12, 1, "Usage", "#usage", "Text b.", 0],
                [8, 1, "Notes", "#notes", "Text c.", "Page › Usage"],
                [0, 1, "Other", "b/other/#x", "Text d.", "Other page"],
            ])
        );
        // Read back as search.js reads them: every row whole again.
        let (mut page, mut path) = (String::new(), String::new());
        for (r, d) in rows.as_array().unwrap().iter().zip(docs) {
            let kind = r[0].as_u64().unwrap() as u8;
            let mut url = r[3].as_str().unwrap().to_string();
            if kind & ROW_SAME_PAGE != 0 {
                url = format!("{page}{url}");
            } else {
                page = url.split('#').next().unwrap().to_string();
            }
            let mut p = match &r[5] {
                serde_json::Value::String(s) => {
                    path = s.clone();
                    s.clone()
                }
                _ => path.clone(),
            };
            if kind & ROW_PATH_ENDS_WITH_TITLE != 0 {
                p = if p.is_empty() {
                    d.title.clone()
                } else {
                    format!("{p} › {}", d.title)
                };
            }
            assert_eq!(
                (kind & 3, url.as_str(), p),
                (0, d.url.as_str(), d.heading_path.join(" › "))
            );
        }
    }

    #[test]
    fn doc_parts_are_cut_by_bytes_and_counted_in_the_manifest() {
        let docs: Vec<SearchDoc> = (0..200)
            .map(|i| {
                let text = "word ".repeat(if i % 7 == 0 { 200 } else { 3 });
                doc(DocKind::Section, &format!("S{i}"), &text, &[])
            })
            .collect();
        let (info, files) = write(&docs);
        let manifest = call_args(&files[&info.manifest], "manifest");
        let counts: Vec<usize> = manifest[0]["p"]
            .as_str()
            .unwrap()
            .chars()
            .map(|c| c.to_digit(36).unwrap() as usize)
            .collect();
        assert_eq!(counts.len(), info.doc_parts);
        assert_eq!(counts.iter().sum::<usize>(), docs.len());
        assert!(info.doc_parts > 1 && info.doc_parts < docs.len());
        let mut first = 0;
        for (i, n) in counts.iter().enumerate() {
            let path = format!("search/d{i}.");
            let (_, bytes) = files.iter().find(|(p, _)| p.starts_with(&path)).unwrap();
            let part = call_args(bytes, "docs");
            assert_eq!(part[0], i);
            assert_eq!(part[1].as_array().unwrap().len(), *n);
            assert_eq!(
                part[1][0][2],
                format!("S{first}"),
                "parts follow the doc order"
            );
            assert!(bytes.len() <= PART_TARGET + 40, "{path}: {} B", bytes.len());
            first += n;
        }
    }

    #[test]
    fn one_character_parts_of_requirement_ids_are_keys() {
        let docs = vec![
            doc(
                DocKind::Requirement,
                "DRS-6",
                "Schemas keep a history",
                &["DRS-6", "6.2"],
            ),
            doc(DocKind::Section, "Notes", "Step 7 of 9 (DRS-7)", &[]),
        ];
        let keys = |d: &SearchDoc| -> Vec<String> {
            let mut w = KeyWorker::default();
            let ids: Vec<u32> = doc_keys(d, &mut w).keys.iter().map(|(k, _)| *k).collect();
            let names = w.into_keys();
            ids.iter().map(|&k| names[k as usize].clone()).collect()
        };
        let w = keys(&docs[0]);
        assert!(w.iter().any(|k| k == "6"), "{w:?}");
        assert!(
            !w.iter().any(|k| k == "2"),
            "a section number is no id: {w:?}"
        );
        let w = keys(&docs[1]);
        assert!(!w.iter().any(|k| k.chars().count() == 1), "{w:?}");
        // The key lands in the shard the browser finds by the bounds.
        let (info, files) = write(&docs);
        let six = shards(&files)
            .into_iter()
            .find(|s| s[1].get("6").is_some())
            .expect("a shard holds key 6");
        let manifest = call_args(&files[&info.manifest], "manifest");
        let bounds = manifest[0]["s"].as_str().unwrap();
        let owner = bounds
            .split(' ')
            .filter(|b| !b.is_empty() && js_cmp(b, "6").is_le())
            .count();
        assert_eq!(six[0], owner);
    }

    #[test]
    fn index_key_skips_stop_words_and_single_letters() {
        assert_eq!(index_key("the"), None);
        assert_eq!(index_key("x"), None);
        assert_eq!(index_key("payments").as_deref(), Some("payment"));
        // A stem that gains a `y` is built apart; others borrow the word.
        let mut spare = String::new();
        assert_eq!(key_of("registries", &mut spare), Some("registry"));
        assert_eq!(key_of("registry", &mut spare), Some("registry"));
        assert_eq!(key_of("and", &mut spare), None);
        assert_eq!(key_of(&"x".repeat(33), &mut spare), None);
    }

    /// Weights of a key in every doc holding it, from the shards.
    fn weights_of(files: &BTreeMap<String, Vec<u8>>, key: &str) -> Vec<(u64, u64)> {
        let p = shards(files)
            .iter()
            .find_map(|s| s[1].get(key).cloned())
            .unwrap_or_else(|| panic!("no key {key}"));
        let mut doc = 0;
        (p.as_array().unwrap().chunks(2))
            .map(|pair| {
                doc += pair[0].as_u64().unwrap();
                (doc, pair[1].as_u64().unwrap())
            })
            .collect()
    }

    #[test]
    fn body_words_are_weighed_by_count_and_length_among_all_docs() {
        // Bodies of 3 and 1 words: average 2. Doc 0's norm is
        // 1.2 × (0.25 + 0.75 × 3/2) = 1.65; doc 1's 1.2 × (0.25 + 0.75 × 1/2) = 0.75.
        let docs = vec![
            doc(DocKind::Section, "Alpha", "alpha beta beta", &[]),
            doc(DocKind::Section, "Other", "beta", &[]),
        ];
        let (_, files) = write(&docs);
        // Title (8) and one body use: 8 + 4 × 1/(1 + 1.65) = 9.509, × 3 → 29.
        assert_eq!(weights_of(&files, "alpha"), vec![(0, 29)]);
        // Body only: 4 × 2/(2 + 1.65) = 2.192, × 3 → 7; 4 × 1/(1 + 0.75) → 7.
        assert_eq!(weights_of(&files, "beta"), vec![(0, 7), (1, 7)]);
        // The heading path weighs 2 in each doc: × 3 → 6.
        assert_eq!(weights_of(&files, "page"), vec![(0, 6), (1, 6)]);
        // A doc's words are counted once, whatever else is indexed.
        let k = doc_keys(&docs[0], &mut KeyWorker::default());
        assert_eq!((k.spans, k.len), (3, 3));
    }
}
