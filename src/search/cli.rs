//! The CLI search index (tantivy), kept in the cache folder and rebuilt only
//! when the sources' fingerprint changes.
//!
//! Ranking: BM25 over four fields with boosts (term name and aliases >
//! title > heading path > body); each query word also matches its stem, one
//! typo away for words of 4+ letters, and the last word as a prefix. All
//! words must match (if nothing does, any word may). Glossary terms whose
//! name or alias matches the query come first.

use super::text::{self, QueryWord};
use super::{DocKind, SearchDoc};
use anyhow::Context;
use std::cell::RefCell;
use std::ops::Range;
use std::path::{Path, PathBuf};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

/// Bumped when the schema or analysis changes, so old caches are rebuilt.
const SCHEMA_VERSION: u32 = 1;
/// Folder of the index inside the cache folder.
const INDEX_DIR: &str = "search-index";
/// File beside the index segments recording what it was built from.
const STAMP_FILE: &str = "specsite-fingerprint";
/// The analyzer name registered with tantivy.
const ANALYZER: &str = "specsite_en";
/// Characters of body text in a snippet.
const SNIPPET_WIDTH: usize = 160;
/// Book key of common glossary terms (their `book` is empty).
const COMMON_BOOK: &str = "_common";

/// A fingerprint of the sources: `(path, size, mtime)` per file, in any
/// order. Equal inputs give equal fingerprints; any change in a path, size or
/// modification time changes it.
pub fn fingerprint(files: &[(String, u64, i64)]) -> u64 {
    let mut sorted: Vec<&(String, u64, i64)> = files.iter().collect();
    sorted.sort();
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (path, size, mtime) in sorted {
        h.update(path.as_bytes());
        h.update(&[0]);
        h.update(&size.to_le_bytes());
        h.update(&mtime.to_le_bytes());
    }
    h.digest()
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Term or section.
    pub kind: DocKind,
    /// Section title or term name.
    pub title: String,
    /// Book id; empty for a common term.
    pub book: String,
    /// Book title; empty for a common term.
    pub book_title: String,
    /// Page title and parent headings, joined with ` › `.
    pub heading_path: String,
    /// Root-relative URL with anchor.
    pub url: String,
    /// Text around the match (a term's definition).
    pub snippet: String,
    /// Relevance (higher is better); terms that name the query come first regardless.
    pub score: f32,
    /// Byte ranges of matched words in `snippet`.
    pub highlights: Vec<Range<usize>>,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    kind: Field,
    book_key: Field,
    book: Field,
    book_title: Field,
    url: Field,
    name: Field,
    title: Field,
    headings: Field,
    body: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqs);
    let text = TextOptions::default()
        .set_indexing_options(indexing)
        .set_stored();
    let fields = Fields {
        kind: b.add_text_field("kind", STRING | STORED),
        book_key: b.add_text_field("book_key", STRING),
        book: b.add_text_field("book", STORED),
        book_title: b.add_text_field("book_title", STORED),
        url: b.add_text_field("url", STORED),
        name: b.add_text_field("name", text.clone()),
        title: b.add_text_field("title", text.clone()),
        headings: b.add_text_field("headings", text.clone()),
        body: b.add_text_field("body", text),
    };
    (b.build(), fields)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Stems one folded word the way the index does.
struct WordStemmer(RefCell<TextAnalyzer>);

impl WordStemmer {
    fn new() -> Self {
        let a = TextAnalyzer::builder(RawTokenizer::default())
            .filter(Stemmer::new(Language::English))
            .build();
        WordStemmer(RefCell::new(a))
    }

    fn stem(&self, word: &str) -> String {
        let mut a = self.0.borrow_mut();
        let mut stream = a.token_stream(word);
        let mut out = word.to_string();
        if stream.advance() {
            out = stream.token().text.clone();
        }
        out
    }
}

/// The tantivy index plus what `define`'s fallback needs.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    /// Every term name and alias, sorted, deduplicated.
    term_names: Vec<String>,
    rebuilt: bool,
}

/// Opens the index in `cache_dir` when it was built from `fingerprint`;
/// otherwise builds it from `docs()` (called only then) and records the
/// fingerprint. The index lives in `cache_dir/search-index/`.
pub fn open_or_build_index(
    cache_dir: &Path,
    fingerprint: u64,
    docs: impl FnOnce() -> Vec<SearchDoc>,
) -> anyhow::Result<SearchIndex> {
    let dir = cache_dir.join(INDEX_DIR);
    let stamp = format!("v{SCHEMA_VERSION} {fingerprint:016x}\n");
    if std::fs::read_to_string(dir.join(STAMP_FILE))
        .ok()
        .as_deref()
        == Some(stamp.as_str())
    {
        if let Ok(index) = open(&dir, false) {
            return Ok(index);
        }
    }
    build(cache_dir, &dir, &stamp, &docs())?;
    open(&dir, true).with_context(|| format!("opening the search index {}", dir.display()))
}

fn open(dir: &Path, rebuilt: bool) -> anyhow::Result<SearchIndex> {
    let index = Index::open_in_dir(dir)?;
    index.tokenizers().register(ANALYZER, analyzer());
    let (_, fields) = schema();
    let reader = index.reader()?;
    let mut si = SearchIndex {
        reader,
        fields,
        term_names: Vec::new(),
        rebuilt,
    };
    si.term_names = si.load_term_names()?;
    Ok(si)
}

fn build(cache_dir: &Path, dir: &Path, stamp: &str, docs: &[SearchDoc]) -> anyhow::Result<()> {
    std::fs::create_dir_all(cache_dir)
        .with_context(|| format!("creating {}", cache_dir.display()))?;
    let tmp: PathBuf = cache_dir.join(format!("{INDEX_DIR}.tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(&tmp)?;
    let (schema, f) = schema();
    let index = Index::create_in_dir(&tmp, schema)
        .with_context(|| format!("creating {}", tmp.display()))?;
    index.tokenizers().register(ANALYZER, analyzer());
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 30_000_000)?;
    for d in docs {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, d.kind.as_str());
        doc.add_text(
            f.book_key,
            if d.book.is_empty() {
                COMMON_BOOK
            } else {
                &d.book
            },
        );
        doc.add_text(f.book, &d.book);
        doc.add_text(f.book_title, &d.book_title);
        doc.add_text(f.url, &d.url);
        if d.kind != DocKind::Section {
            let mut names = vec![d.title.clone()];
            names.extend(d.aliases.iter().cloned());
            doc.add_text(f.name, names.join("\n"));
        }
        doc.add_text(f.title, &d.title);
        doc.add_text(f.headings, d.heading_path.join(" › "));
        doc.add_text(f.body, &d.text);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    drop(index);
    std::fs::write(tmp.join(STAMP_FILE), stamp)?;
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("removing the old index {}", dir.display()))?;
    }
    std::fs::rename(&tmp, dir)
        .with_context(|| format!("moving the new index to {}", dir.display()))?;
    Ok(())
}

fn field_str(doc: &TantivyDocument, f: Field) -> String {
    doc.get_first(f)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

impl SearchIndex {
    /// Whether this call built the index (false: it was reused from the cache).
    pub fn was_rebuilt(&self) -> bool {
        self.rebuilt
    }

    /// Number of documents indexed.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Every glossary term name and alias in the index, sorted.
    pub fn term_names(&self) -> &[String] {
        &self.term_names
    }

    fn load_term_names(&self) -> anyhow::Result<Vec<String>> {
        let searcher = self.reader.searcher();
        let n = searcher.num_docs() as usize;
        if n == 0 {
            return Ok(Vec::new());
        }
        let q = TermQuery::new(
            Term::from_field_text(self.fields.kind, "term"),
            IndexRecordOption::Basic,
        );
        let mut names = Vec::new();
        for (_, addr) in searcher.search(&q, &TopDocs::with_limit(n))? {
            let doc: TantivyDocument = searcher.doc(addr)?;
            names.extend(
                field_str(&doc, self.fields.name)
                    .lines()
                    .map(str::to_string),
            );
        }
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// The words of `query` as matchers: folded, stemmed; the last one is a
    /// prefix unless the query ends in a space.
    fn query_words(&self, query: &str, stemmer: &WordStemmer) -> Vec<QueryWord> {
        let words = text::tokenize(query);
        let open_end = !query.ends_with(char::is_whitespace);
        let n = words.len();
        words
            .into_iter()
            .enumerate()
            .map(|(i, w)| QueryWord {
                stem: stemmer.stem(&w),
                prefix: open_end && i + 1 == n,
                folded: w,
            })
            .collect()
    }

    fn word_query(&self, w: &QueryWord) -> Box<dyn Query> {
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in [
            (f.name, 4.0),
            (f.title, 3.0),
            (f.headings, 1.5),
            (f.body, 1.0),
        ] {
            let term = Term::from_field_text(field, &w.stem);
            let exact = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(exact), boost)),
            ));
            if w.fuzzy() {
                let fuzzy = FuzzyTermQuery::new(term, 1, true);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(fuzzy), boost * 0.4)),
                ));
            }
            if w.prefix && w.folded.len() >= 3 {
                let prefix =
                    FuzzyTermQuery::new_prefix(Term::from_field_text(field, &w.folded), 0, true);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(prefix), boost * 0.5)),
                ));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Searches for `query`, in one book (plus the common glossary) when `book`
    /// is given. At most `limit` hits, best first; terms naming the query lead.
    pub fn search(&self, query: &str, book: Option<&str>, limit: usize) -> Vec<Hit> {
        self.try_search(query, book, limit).unwrap_or_default()
    }

    fn try_search(
        &self,
        query: &str,
        book: Option<&str>,
        limit: usize,
    ) -> anyhow::Result<Vec<Hit>> {
        let stemmer = WordStemmer::new();
        let words = self.query_words(query, &stemmer);
        if words.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        // No more than the index holds: tantivy sizes its heap to the
        // limit, so a huge `--limit` must not reach it as it is.
        let held = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let fetch = limit.saturating_mul(3).max(30).min(held.max(1));
        let mut found = Vec::new();
        for occur in [Occur::Must, Occur::Should] {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                words.iter().map(|w| (occur, self.word_query(w))).collect();
            if let Some(b) = book {
                let books: Vec<(Occur, Box<dyn Query>)> = [b, COMMON_BOOK]
                    .iter()
                    .map(|k| {
                        let t = Term::from_field_text(self.fields.book_key, k);
                        (
                            Occur::Should,
                            Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                        )
                    })
                    .collect();
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(books))));
            }
            found = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(fetch))?;
            if !found.is_empty() || words.len() == 1 {
                break;
            }
        }
        let stem = |w: &str| stemmer.stem(w);
        let f = self.fields;
        let mut ranked = Vec::new();
        for (score, addr) in found {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let kind = match field_str(&doc, f.kind).as_str() {
                "term" => DocKind::Term,
                "requirement" => DocKind::Requirement,
                _ => DocKind::Section,
            };
            let named = if kind == DocKind::Term {
                name_match_tier(&field_str(&doc, f.name), &words, &stem)
            } else {
                0
            };
            // Among terms that name the query equally well, the common
            // glossary's definition comes before books' own.
            let named =
                named * 2 + u8::from(kind == DocKind::Term && field_str(&doc, f.book).is_empty());
            let url = field_str(&doc, f.url);
            ranked.push((named, score, url, kind, doc));
        }
        // Terms that name the query first, then by score; url breaks ties so
        // output is stable.
        ranked.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.total_cmp(&a.1))
                .then_with(|| a.2.cmp(&b.2))
        });
        ranked.truncate(limit);
        let hits = ranked
            .into_iter()
            .map(|(_, score, url, kind, doc)| {
                let snip =
                    text::make_snippet(&field_str(&doc, f.body), &words, SNIPPET_WIDTH, &stem);
                Hit {
                    kind,
                    title: field_str(&doc, f.title),
                    book: field_str(&doc, f.book),
                    book_title: field_str(&doc, f.book_title),
                    heading_path: field_str(&doc, f.headings),
                    url,
                    snippet: snip.text,
                    score,
                    highlights: snip.highlights,
                }
            })
            .collect();
        Ok(hits)
    }
}

/// How well the query names a term (`names`: its name and aliases, one per
/// line): 2 when a name is exactly the query's words, 1 when a name holds
/// them all, else 0.
fn name_match_tier(names: &str, words: &[QueryWord], stem: &dyn Fn(&str) -> String) -> u8 {
    let mut best = 0;
    for name in names.lines() {
        let toks: Vec<(String, String)> = text::tokenize(name)
            .into_iter()
            .map(|w| (stem(&w), w))
            .collect();
        if words
            .iter()
            .all(|q| toks.iter().any(|(s, w)| q.matches(w, s)))
        {
            best = best.max(if toks.len() == words.len() { 2 } else { 1 });
        }
    }
    best
}

/// Term names and aliases close to `word` (one or two edits, or containing it
/// as a word), best first, at most five: `define`'s "did you mean".
pub fn did_you_mean(index: &SearchIndex, word: &str) -> Vec<String> {
    let q = text::fold(word.trim());
    if q.is_empty() {
        return Vec::new();
    }
    let max = if q.chars().count() >= 8 { 2 } else { 1 };
    let mut scored: Vec<(usize, &String)> = index
        .term_names
        .iter()
        .filter_map(|name| {
            let n = text::fold(name);
            let d = strsim::damerau_levenshtein(&n, &q);
            if d <= max {
                Some((d, name))
            } else if q.chars().count() >= 3 && text::tokenize(&n).contains(&q) {
                Some((max + 1, name))
            } else {
                None
            }
        })
        .collect();
    scored.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, name) in scored {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(name)) {
            out.push(name.clone());
        }
        if out.len() == 5 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn doc(
        kind: DocKind,
        book: &str,
        title: &str,
        text: &str,
        aliases: &[&str],
    ) -> SearchDoc {
        SearchDoc {
            kind,
            book: book.into(),
            book_title: if book.is_empty() {
                String::new()
            } else {
                format!("Book {book}")
            },
            version: None,
            title: title.into(),
            heading_path: vec!["Page".into()],
            url: format!("{book}/p/#{}", text::tokenize(title).join("-")),
            text: text.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn sample() -> Vec<SearchDoc> {
        vec![
            doc(
                DocKind::Section,
                "registries",
                "Registry data model",
                "The registry stores records of people and registries.",
                &[],
            ),
            doc(
                DocKind::Section,
                "registries",
                "Registry API",
                "A registry exposes an API to create, read and update records in a registry.",
                &[],
            ),
            doc(
                DocKind::Section,
                "consent",
                "Signing",
                "A consent agreement is signed by the individual and recorded.",
                &[],
            ),
            doc(
                DocKind::Section,
                "payments",
                "Payments overview",
                "Payment orchestration across payment providers.",
                &[],
            ),
            doc(
                DocKind::Term,
                "",
                "Consent Agreement",
                "An agreement between an individual and a data controller.",
                &["CA"],
            ),
            doc(
                DocKind::Term,
                "",
                "Building Block",
                "A reusable software component.",
                &["BB"],
            ),
            doc(
                DocKind::Term,
                "",
                "Registry",
                "A system of record holding data about people or things.",
                &[],
            ),
        ]
    }

    fn build_in(dir: &Path, fp: u64) -> SearchIndex {
        open_or_build_index(dir, fp, sample).expect("index builds")
    }

    #[test]
    fn fingerprint_ignores_order_and_sees_changes() {
        let a = vec![("a.md".to_string(), 10, 5), ("b.md".to_string(), 3, 7)];
        let b = vec![a[1].clone(), a[0].clone()];
        assert_eq!(fingerprint(&a), fingerprint(&b));
        let mut c = a.clone();
        c[0].2 = 6;
        assert_ne!(fingerprint(&a), fingerprint(&c));
        let mut d = a.clone();
        d[1].0 = "c.md".into();
        assert_ne!(fingerprint(&a), fingerprint(&d));
    }

    #[test]
    fn index_is_reused_until_fingerprint_changes() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(build_in(tmp.path(), 1).was_rebuilt());
        let again = open_or_build_index(tmp.path(), 1, || {
            panic!("docs must not be produced for a warm cache")
        })
        .expect("opens");
        assert!(!again.was_rebuilt());
        assert_eq!(again.num_docs(), 7);
        let changed =
            open_or_build_index(tmp.path(), 2, || sample()[..2].to_vec()).expect("rebuilds");
        assert!(changed.was_rebuilt());
        assert_eq!(changed.num_docs(), 2);
    }

    #[test]
    fn corrupt_cache_is_rebuilt() {
        let tmp = tempfile::tempdir().unwrap();
        build_in(tmp.path(), 1);
        let meta = tmp.path().join(INDEX_DIR).join("meta.json");
        std::fs::write(&meta, "not json").unwrap();
        let idx = build_in(tmp.path(), 1);
        assert!(idx.was_rebuilt());
        assert_eq!(idx.num_docs(), 7);
    }

    #[test]
    fn term_naming_the_query_ranks_first() {
        let tmp = tempfile::tempdir().unwrap();
        let idx = build_in(tmp.path(), 1);
        let hits = idx.search("consent agreement", None, 10);
        assert_eq!(hits[0].kind, DocKind::Term);
        assert_eq!(hits[0].title, "Consent Agreement");
        assert!(hits.iter().any(|h| h.title == "Signing"));
        let hits = idx.search("registry", None, 10);
        assert_eq!(
            (hits[0].kind, hits[0].title.as_str()),
            (DocKind::Term, "Registry")
        );
        assert_eq!(hits[1].book, "registries");
    }

    #[test]
    fn one_typo_is_tolerated() {
        let tmp = tempfile::tempdir().unwrap();
        let idx = build_in(tmp.path(), 1);
        let hits = idx.search("regstry ", None, 10);
        assert!(!hits.is_empty());
        assert_eq!(hits[0].title, "Registry");
        assert!(idx.search("zzzzqqq", None, 10).is_empty());
    }

    #[test]
    fn last_word_matches_as_prefix() {
        let tmp = tempfile::tempdir().unwrap();
        let idx = build_in(tmp.path(), 1);
        let hits = idx.search("paym", None, 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].title, "Payments overview");
        assert!(
            idx.search("paym ", None, 10).is_empty(),
            "a finished word is not a prefix"
        );
    }

    #[test]
    fn stemming_joins_plural_and_singular() {
        let tmp = tempfile::tempdir().unwrap();
        let idx = build_in(tmp.path(), 1);
        let hits = idx.search("payments ", None, 10);
        assert_eq!(hits[0].title, "Payments overview");
        let marked: Vec<&str> = hits[0]
            .highlights
            .iter()
            .map(|r| &hits[0].snippet[r.clone()])
            .collect();
        assert_eq!(marked, vec!["Payment", "payment"]);
    }

    #[test]
    fn book_filter_keeps_book_and_common_terms() {
        let tmp = tempfile::tempdir().unwrap();
        let idx = build_in(tmp.path(), 1);
        let hits = idx.search("agreement", Some("registries"), 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].title, "Consent Agreement");
        let hits = idx.search("records", Some("registries"), 10);
        assert!(hits
            .iter()
            .all(|h| h.book == "registries" || h.book.is_empty()));
        assert!(hits.len() >= 2);
    }

    #[test]
    fn suggests_close_term_names() {
        let tmp = tempfile::tempdir().unwrap();
        let idx = build_in(tmp.path(), 1);
        assert_eq!(did_you_mean(&idx, "Regestry"), vec!["Registry"]);
        assert_eq!(did_you_mean(&idx, "building blok"), vec!["Building Block"]);
        assert_eq!(did_you_mean(&idx, "block"), vec!["Building Block"]);
        assert!(did_you_mean(&idx, "payment").is_empty());
    }
}
