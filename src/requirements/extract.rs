//! Requirement units of one page, read from its recorded blocks.
//!
//! A unit is a list item (its own text, not its nested items'), a heading
//! with the text under it (up to the next heading of the same or higher
//! level, or the first tagged unit inside), a bold line with the paragraphs
//! after it, a paragraph, or a table row. Units nest: a tagged unit inside
//! another is its own requirement and ends the outer one's statement.
//!
//! Tags are read as [`super::tags`] describes. A tag in another case than
//! upper counts only at the end of a list item whose list holds an item
//! with an upper-case tag. Table rows are read only in a requirements
//! section (a page or heading typed other than `other`), from the column
//! whose every non-empty body cell is a level.

use super::tags::{self, find_tags, whole_tag, Level, Tag};
use super::{Extra, ReqType, Requirement, SiteRequirements, Status};
use crate::checks::suggest;
use crate::content::{PageId, Site};
use crate::diag::{Diagnostic, Fix, LineIndex, Rule};
use crate::markdown::{Block, BlockKind, Doc};
use regex::Regex;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

fn author_id_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^govstack-[a-z0-9]+(?:-[a-z0-9]+)*(?:-\d+\.\d+\.\d+)?#req-\d+$")
            .expect("valid regex")
    })
}

fn local_id_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^([A-Z][A-Z0-9]*-\d+)\b").expect("valid regex"))
}

fn number_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^(#?\d+(?:\.\d+)*)(?:[.:)]|\s|$)").expect("valid regex"))
}

fn previously_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\(previously ([^)\s]+)\)").expect("valid regex"))
}

fn verb_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(must|shall|should|may)\b").expect("valid regex"))
}

/// A unit's leading number: `8.1.1`, `5`, `#1` (a heading's requirement
/// number). Plain numbers count only where a list cannot have made them
/// (headings, bold lines, table cells): `dotted_only` says otherwise.
fn leading_number(text: &str, dotted_only: bool) -> Option<String> {
    let t = text.trim_start().trim_start_matches(['[', '*']);
    let m = number_re().captures(t)?.get(1)?.as_str();
    if dotted_only && !m.contains('.') {
        return None;
    }
    Some(m.to_string())
}

/// What one block is, as a requirement unit.
#[derive(Debug, Clone)]
struct Unit {
    block: usize,
    tag: Tag,
    /// Other tags in the same first line (for `req-multiple-levels`).
    extra_tags: usize,
    /// The tag was written in the block's own text (else a level line or an
    /// author id without a tag).
    tag_in_text: bool,
    /// For tables: the level cell's column (its text is no statement).
    level_cell: Option<usize>,
    author_id: Option<String>,
}

/// Per block: its nearest heading block, the heading path's type and section.
struct Context {
    heading: Vec<Option<usize>>,
    /// For heading blocks: the type its own text or an outer heading names.
    heading_type: HashMap<usize, ReqType>,
    /// For heading blocks: its own number or an outer heading's.
    heading_section: HashMap<usize, String>,
    /// For heading blocks: the enclosing heading block.
    heading_parent: HashMap<usize, usize>,
}

fn context(blocks: &[Block]) -> Context {
    let mut heading = Vec::with_capacity(blocks.len());
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut heading_type = HashMap::new();
    let mut heading_section = HashMap::new();
    let mut heading_parent = HashMap::new();
    for (i, b) in blocks.iter().enumerate() {
        if let BlockKind::Heading { level, .. } = b.kind {
            while stack.last().is_some_and(|&(l, _)| l >= level) {
                stack.pop();
            }
            let parent = stack.last().map(|&(_, h)| h);
            if let Some(p) = parent {
                heading_parent.insert(i, p);
            }
            let own = ReqType::of_text(&b.text);
            if let Some(t) = own.or_else(|| parent.and_then(|p| heading_type.get(&p).copied())) {
                heading_type.insert(i, t);
            }
            let num = leading_number(&b.text, false).filter(|n| !n.starts_with('#'));
            if let Some(n) = num.or_else(|| parent.and_then(|p| heading_section.get(&p).cloned())) {
                heading_section.insert(i, n);
            }
            stack.push((level, i));
            heading.push(Some(i));
        } else {
            heading.push(stack.last().map(|&(_, h)| h));
        }
    }
    Context {
        heading,
        heading_type,
        heading_section,
        heading_parent,
    }
}

fn first_line(b: &Block) -> &str {
    &b.text[..b.first_line.min(b.text.len())]
}

/// The whole text of `b` is an author id (in code or a link, alone).
fn author_id_of(b: &Block) -> Option<&str> {
    let t = b.text.trim();
    (t.contains("#req") && !t.contains(char::is_whitespace)).then_some(t)
}

/// Extracts the requirements of page `p` (ids still unassigned: see
/// [`super::ids::assign_ids`]) and the findings about their tags.
pub fn extract_page(site: &Site, p: PageId, doc: &Doc) -> (Vec<Requirement>, Vec<Diagnostic>) {
    let page = &site.pages[p];
    let blocks = &doc.blocks;
    let mut diags = Vec::new();
    if blocks.is_empty() {
        return (Vec::new(), diags);
    }
    let file = page.file.as_str();
    let title = (page.front.title.as_deref())
        .or(page.summary_title.as_deref())
        .or(doc.h1.as_deref())
        .unwrap_or("");
    let page_type = ReqType::of_text(&page.path).or_else(|| ReqType::of_text(title));
    let ctx = context(blocks);
    let type_of = |i: usize| -> ReqType {
        page_type
            .or_else(|| ctx.heading[i].and_then(|h| ctx.heading_type.get(&h).copied()))
            .unwrap_or(ReqType::Other)
    };

    // Upper-case tags of every block's first line; near misses reported.
    let mut found: Vec<tags::Found> = Vec::with_capacity(blocks.len());
    for b in blocks {
        let line = first_line(b);
        let f = if matches!(b.kind, BlockKind::Row { .. }) || !line.contains(['(', '[']) {
            tags::Found::default()
        } else {
            find_tags(line, &b.code)
        };
        for n in &f.near {
            diags.push(
                Diagnostic::new(
                    Rule::ReqUnknownLevel,
                    file,
                    source_range(&page.source, b, n.range.clone()),
                    format!(
                        "`{}` is no requirement level; did you mean {}?",
                        n.word, n.meant
                    ),
                )
                .with_suggestion(n.meant.name()),
            );
        }
        found.push(f);
    }
    // Lists holding an item with an upper-case tag.
    let tagged_lists: HashSet<(u32, Option<usize>)> = blocks
        .iter()
        .zip(&found)
        .filter_map(|(b, f)| match b.kind {
            BlockKind::Item { list } if f.tags.iter().any(|t| t.upper) => Some((list, b.parent)),
            _ => None,
        })
        .collect();

    let mut units: Vec<Unit> = Vec::new();
    // Blocks consumed as a heading's level line or author id.
    let mut consumed: HashSet<usize> = HashSet::new();
    for (i, b) in blocks.iter().enumerate() {
        let f = &found[i];
        let upper: Vec<&Tag> = f.tags.iter().filter(|t| t.upper).collect();
        match b.kind {
            BlockKind::Heading { .. } => {
                // Author id, level line: the first blocks under the heading.
                let mut author = None;
                let mut level_line = None;
                for (j, nb) in blocks.iter().enumerate().skip(i + 1).take(3) {
                    if !matches!(nb.kind, BlockKind::Paragraph) {
                        break;
                    }
                    if let Some(id) = author_id_of(nb) {
                        if author_id_re().is_match(id) {
                            author = Some(id.to_string());
                        } else {
                            diags.push(Diagnostic::new(
                                Rule::ReqIdMalformed,
                                file,
                                nb.span.clone(),
                                format!("`{id}` is no requirement id of the form govstack-<name>[-<semver>]#req-<N>"),
                            ));
                        }
                        consumed.insert(j);
                        continue;
                    }
                    if let Some(t) = whole_tag(&nb.text).filter(|t| t.upper) {
                        level_line = Some(t);
                        consumed.insert(j);
                    }
                    break;
                }
                let (tag, in_text) = match (upper.first(), level_line) {
                    (Some(t), _) => ((*t).clone(), true),
                    (None, Some(t)) => (t, false),
                    (None, None) if author.is_some() => (
                        Tag {
                            level: Level::Recommended,
                            classifiers: Vec::new(),
                            condition: None,
                            upper: true,
                            range: 0..0,
                            word: 0..0,
                        },
                        false,
                    ),
                    _ => continue,
                };
                units.push(Unit {
                    block: i,
                    tag,
                    extra_tags: upper.len().saturating_sub(1),
                    tag_in_text: in_text,
                    level_cell: None,
                    author_id: author,
                });
            }
            BlockKind::Item { list } => {
                let tag = match upper.first() {
                    Some(t) => Some((*t).clone()),
                    None => f
                        .tags
                        .iter()
                        .find(|t| {
                            !t.upper
                                && tagged_lists.contains(&(list, b.parent))
                                && ends_item(first_line(b), t)
                        })
                        .cloned(),
                };
                let Some(tag) = tag else { continue };
                if !tag.upper {
                    let span = source_range(&page.source, b, tag.word.clone());
                    let word = &b.text[tag.word.clone()];
                    let fix = upper_case_fix(file, &page.source, span.clone(), word);
                    diags.push(
                        Diagnostic::new(
                            Rule::ReqKeywordCase,
                            file,
                            span,
                            format!("requirement level `{word}` is not in upper case"),
                        )
                        .with_suggestion(tag.level.name())
                        .with_fix(fix),
                    );
                }
                units.push(Unit {
                    block: i,
                    tag,
                    extra_tags: upper.len().saturating_sub(1),
                    tag_in_text: true,
                    level_cell: None,
                    author_id: None,
                });
            }
            BlockKind::Paragraph => {
                if consumed.contains(&i) {
                    continue;
                }
                let Some(t) = upper.first() else { continue };
                units.push(Unit {
                    block: i,
                    tag: (*t).clone(),
                    extra_tags: upper.len().saturating_sub(1),
                    tag_in_text: true,
                    level_cell: None,
                    author_id: None,
                });
            }
            BlockKind::Row { .. } => {}
        }
    }
    table_units(blocks, &page.source, &type_of, file, &mut units, &mut diags);
    units.sort_by_key(|u| u.block);

    for u in &units {
        if u.extra_tags > 0 {
            diags.push(Diagnostic::new(
                Rule::ReqMultipleLevels,
                file,
                blocks[u.block].span.clone(),
                "this unit's first line has more than one level tag; split it or keep one",
            ));
        }
    }

    if units.is_empty() {
        untagged_and_verbs(
            blocks,
            &[],
            &[],
            &ctx,
            &type_of,
            &HashSet::new(),
            file,
            &mut diags,
        );
        return (Vec::new(), diags);
    }
    let tagged: HashSet<usize> = units.iter().map(|u| u.block).collect();
    let lines = LineIndex::new(&page.source);
    let url = page.url(site);
    let mut reqs = Vec::with_capacity(units.len());
    // Heading blocks holding tagged units, for local ids.
    let mut held: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (n, u) in units.iter().enumerate() {
        let mut h = ctx.heading[u.block];
        if h == Some(u.block) {
            h = ctx.heading_parent.get(&u.block).copied();
        }
        while let Some(hb) = h {
            held.entry(hb).or_default().push(n);
            h = ctx.heading_parent.get(&hb).copied();
        }
    }
    for u in &units {
        let b = &blocks[u.block];
        let statement = statement_of(blocks, u, &tagged, &consumed);
        let own_number = match b.kind {
            BlockKind::Row { .. } => b
                .cells
                .iter()
                .enumerate()
                .find(|(c, _)| Some(*c) != u.level_cell)
                .and_then(|(_, (r, _))| leading_number(&b.text[r.clone()], false)),
            BlockKind::Heading { .. } => leading_number(&b.text, false),
            BlockKind::Paragraph if b.bold > 0 => leading_number(&b.text, false),
            _ => leading_number(&b.text, true),
        };
        let mut aliases = Vec::new();
        let section_number = own_number.clone().filter(|n| !n.starts_with('#'));
        let section = section_number.or_else(|| {
            let mut h = ctx.heading[u.block];
            if h == Some(u.block) {
                h = ctx.heading_parent.get(&u.block).copied();
            }
            h.and_then(|h| ctx.heading_section.get(&h).cloned())
        });
        if let Some(n) = own_number {
            aliases.push(n);
        }
        for cap in previously_re().captures_iter(&b.text) {
            aliases.push(format!("previously:{}", &cap[1]));
        }
        let (line, column) = lines.locate(&page.source, b.span.start);
        reqs.push(Requirement {
            id: u.author_id.clone().unwrap_or_default(),
            status: Status::Provisional,
            aliases,
            level: u.tag.level,
            classifiers: u.tag.classifiers.clone(),
            condition: u.tag.condition.clone(),
            kind: type_of(u.block),
            section,
            statement,
            file: page.file.clone(),
            line,
            column,
            url: url.clone(),
            extra: Extra {
                page: p,
                span: b.span.clone(),
                tag_span: u
                    .tag_in_text
                    .then(|| source_range(&page.source, b, u.tag.word.clone())),
                author_id: u.author_id.is_some(),
                row: matches!(b.kind, BlockKind::Row { .. }),
                block: u.block,
                fingerprint: String::new(),
            },
        });
    }
    // Local ids (`DRS-3`) opening a heading.
    let empty = Vec::new();
    for (hb, b) in blocks.iter().enumerate() {
        if !matches!(b.kind, BlockKind::Heading { .. }) {
            continue;
        }
        let Some(m) = local_id_re().captures(b.text.trim_start()) else {
            continue;
        };
        let members = held.get(&hb).unwrap_or(&empty);
        let local = m[1].to_string();
        let own = units.iter().position(|u| u.block == hb);
        match (own, members.as_slice()) {
            (Some(n), _) | (None, &[n]) if reqs[n].id.is_empty() => {
                reqs[n].id = local;
                reqs[n].status = Status::Locked;
                reqs[n].extra.author_id = true;
            }
            _ => {
                for &n in members.iter().chain(own.as_slice()) {
                    if !reqs[n].aliases.contains(&local) {
                        reqs[n].aliases.push(local.clone());
                    }
                }
            }
        }
    }
    for r in &mut reqs {
        if r.extra.author_id {
            r.status = Status::Locked;
        }
    }
    untagged_and_verbs(
        blocks, &units, &reqs, &ctx, &type_of, &tagged, file, &mut diags,
    );
    (reqs, diags)
}

/// Whether tag `t` ends the item's first line (trailing punctuation aside).
fn ends_item(line: &str, t: &Tag) -> bool {
    line[t.range.end..]
        .trim()
        .chars()
        .all(|c| matches!(c, '.' | ',' | ';' | ':'))
}

/// The byte range in the page file of `r`, a range of a block's text:
/// where that text is written inside the block's span, else the block's start.
///
/// The word is found as the same occurrence (the n-th of that text) in the
/// source as in the block's text, so `optional` in "The optional flag
/// (optional)" maps to the second one, the tag, not the first.
fn source_range(source: &str, b: &Block, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let needle = b.text.get(r.clone()).unwrap_or("");
    let hay = source.get(b.span.clone()).unwrap_or("");
    if needle.is_empty() {
        return b.span.start..b.span.start;
    }
    let before = b.text[..r.start].matches(needle).count();
    match hay.match_indices(needle).nth(before) {
        Some((i, _)) => b.span.start + i..b.span.start + i + needle.len(),
        None => b.span.start..b.span.start,
    }
}

/// The safe fix of a `req-keyword-case` finding: the tag's letters to upper
/// case, when the source at `span` is exactly the tag text (no markup inside).
fn upper_case_fix(
    file: &str,
    source: &str,
    span: std::ops::Range<usize>,
    tag: &str,
) -> Option<Fix> {
    if span.is_empty() || source.get(span.clone()) != Some(tag) {
        return None;
    }
    suggest::to_upper_case(file, source, span)
}

/// Table rows whose level cell is in a requirements section.
fn table_units(
    blocks: &[Block],
    source: &str,
    type_of: &dyn Fn(usize) -> ReqType,
    file: &str,
    units: &mut Vec<Unit>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut tables: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, b) in blocks.iter().enumerate() {
        if let BlockKind::Row { table, head: false } = b.kind {
            tables.entry(table).or_default().push(i);
        }
    }
    for rows in tables.values() {
        if type_of(rows[0]) == ReqType::Other {
            continue;
        }
        let width = rows
            .iter()
            .map(|&r| blocks[r].cells.len())
            .max()
            .unwrap_or(0);
        if width < 2 {
            continue;
        }
        let cell = |r: usize, c: usize| -> &str {
            let b = &blocks[r];
            b.cells
                .get(c)
                .map(|(t, _)| b.text[t.clone()].trim())
                .unwrap_or("")
        };
        // A header-hidden table's first body row is often its header.
        let level_col = (0..width).rev().find(|&c| {
            let mut any = false;
            let all = rows.iter().skip(1).all(|&r| {
                let t = cell(r, c);
                if t.is_empty() {
                    return true;
                }
                let ok = whole_tag(t).is_some() || tags::near_miss(t).is_some();
                any |= ok;
                ok
            });
            all && any
        });
        let Some(c) = level_col else {
            // No level column: rows with an upper-case tag in their text,
            // unless several cells hold one (a table mapping old levels to
            // new ones, say).
            for &r in rows {
                let b = &blocks[r];
                let f = find_tags(&b.text, &b.code);
                let tagged_cells = (b.cells.iter())
                    .filter(|(cr, _)| {
                        f.tags
                            .iter()
                            .any(|t| t.upper && cr.contains(&t.range.start))
                    })
                    .count();
                if tagged_cells > 1 {
                    continue;
                }
                if let Some(t) = f.tags.iter().find(|t| t.upper) {
                    units.push(Unit {
                        block: r,
                        tag: t.clone(),
                        extra_tags: f.tags.iter().filter(|t| t.upper).count() - 1,
                        tag_in_text: true,
                        level_cell: None,
                        author_id: None,
                    });
                }
            }
            continue;
        };
        for &r in rows {
            let t = cell(r, c);
            let b = &blocks[r];
            // A cell's source offset is where the cell starts, before any
            // blanks between the delimiter and its text.
            let at = b.cells.get(c).map_or(b.span.start, |(_, s)| {
                let rest = source.get(*s..b.span.end.max(*s)).unwrap_or("");
                s + (rest.len() - rest.trim_start().len())
            });
            if let Some(tag) = whole_tag(t) {
                if !tag.upper {
                    diags.push(
                        Diagnostic::new(
                            Rule::ReqKeywordCase,
                            file,
                            at..at + t.len(),
                            format!("requirement level `{t}` is not in upper case"),
                        )
                        .with_suggestion(t.to_ascii_uppercase())
                        .with_fix(upper_case_fix(
                            file,
                            source,
                            at..at + t.len(),
                            t,
                        )),
                    );
                }
                units.push(Unit {
                    block: r,
                    tag,
                    extra_tags: 0,
                    tag_in_text: false,
                    level_cell: Some(c),
                    author_id: None,
                });
            } else if let Some(meant) = tags::near_miss(t) {
                diags.push(
                    Diagnostic::new(
                        Rule::ReqUnknownLevel,
                        file,
                        at..at + t.len(),
                        format!("`{t}` is no requirement level; did you mean {meant}?"),
                    )
                    .with_suggestion(meant.name()),
                );
            }
        }
    }
}

/// The statement of unit `u`: its text without the tag; for a heading, the
/// text under it up to the next heading of the same or higher level or the
/// first tagged unit; for a bold line, the paragraphs after it up to the
/// next heading, bold line or tagged unit.
fn statement_of(
    blocks: &[Block],
    u: &Unit,
    tagged: &HashSet<usize>,
    consumed: &HashSet<usize>,
) -> String {
    let b = &blocks[u.block];
    let mut own = match (b.kind, u.level_cell) {
        (BlockKind::Row { .. }, Some(lc)) => b
            .cells
            .iter()
            .enumerate()
            .filter(|(c, _)| *c != lc)
            .map(|(_, (r, _))| b.text[r.clone()].trim())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        _ if u.tag_in_text => {
            let mut t = b.text.clone();
            t.replace_range(u.tag.range.clone(), "");
            t
        }
        _ => b.text.clone(),
    };
    let mut body: Vec<&str> = Vec::new();
    match b.kind {
        BlockKind::Heading { level, .. } => {
            for (j, nb) in blocks.iter().enumerate().skip(u.block + 1) {
                if tagged.contains(&j) {
                    break;
                }
                if let BlockKind::Heading { level: l, .. } = nb.kind {
                    if l <= level {
                        break;
                    }
                }
                if !consumed.contains(&j) {
                    body.push(&nb.text);
                }
            }
        }
        BlockKind::Paragraph if b.bold > 0 && b.bold + 1 >= b.text.trim_end().len() => {
            for (j, nb) in blocks.iter().enumerate().skip(u.block + 1) {
                let bold_line = nb.bold > 0 && nb.bold + 1 >= nb.text.trim_end().len();
                if tagged.contains(&j) || bold_line || matches!(nb.kind, BlockKind::Heading { .. })
                {
                    break;
                }
                body.push(&nb.text);
            }
        }
        _ => {}
    }
    if !body.is_empty() {
        let head = tags::collapse(&own);
        let head = head.trim_end_matches([' ', ':', '.']);
        own = format!("{head}. {}", body.join(" "));
    }
    tidy(&own)
}

/// White space collapsed, the gaps a removed tag leaves closed.
fn tidy(s: &str) -> String {
    let t = tags::collapse(s);
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            (' ', Some('.' | ',' | ':' | ';')) => {}
            ('(', Some(')')) => {
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out.trim().to_string()
}

/// `req-untagged` and `req-verb-mismatch` for one page.
#[allow(clippy::too_many_arguments)]
fn untagged_and_verbs(
    blocks: &[Block],
    units: &[Unit],
    reqs: &[Requirement],
    ctx: &Context,
    type_of: &dyn Fn(usize) -> ReqType,
    tagged: &HashSet<usize>,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for (u, r) in units.iter().zip(reqs) {
        let first = first_line(&blocks[u.block]);
        let verbs: Vec<String> = verb_re()
            .find_iter(first)
            .map(|m| m.as_str().to_ascii_lowercase())
            .collect();
        let strong = verbs.iter().any(|v| v == "must" || v == "shall");
        let weak = verbs.iter().any(|v| v == "should" || v == "may");
        let mismatch = match r.level {
            Level::Required => weak && !strong,
            Level::Recommended | Level::Optional => strong,
            _ => false,
        };
        if mismatch {
            let verb = if strong { "must/shall" } else { "should/may" };
            diags.push(Diagnostic::new(
                Rule::ReqVerbMismatch,
                file,
                blocks[u.block].span.clone(),
                format!("the statement says {verb} but its level is {}", r.level),
            ));
        }
    }
    if units.is_empty() {
        return;
    }
    // Headings whose scope holds a tagged heading unit: the blocks under
    // a tagged heading are inside that unit.
    let tagged_headings: HashSet<usize> = units
        .iter()
        .filter(|u| matches!(blocks[u.block].kind, BlockKind::Heading { .. }))
        .map(|u| u.block)
        .collect();
    for (i, b) in blocks.iter().enumerate() {
        if tagged.contains(&i) || type_of(i) == ReqType::Other {
            continue;
        }
        if !matches!(b.kind, BlockKind::Item { .. } | BlockKind::Heading { .. }) {
            continue;
        }
        let first = first_line(b);
        let says = verb_re()
            .find_iter(first)
            .any(|m| !m.as_str().eq_ignore_ascii_case("may"));
        if !says {
            continue;
        }
        // Inside a tagged item or under a tagged heading?
        let mut p = b.parent;
        let mut inside = false;
        while let Some(pi) = p {
            if tagged.contains(&pi) {
                inside = true;
                break;
            }
            p = blocks[pi].parent;
        }
        let mut h = ctx.heading[i];
        if h == Some(i) {
            h = ctx.heading_parent.get(&i).copied();
        }
        while let Some(hb) = h {
            if tagged_headings.contains(&hb) {
                inside = true;
                break;
            }
            h = ctx.heading_parent.get(&hb).copied();
        }
        if !inside {
            diags.push(Diagnostic::new(
                Rule::ReqUntagged,
                file,
                b.span.start..b.span.start + first.len().min(b.span.len()),
                "this statement says must, shall or should but carries no level tag",
            ));
        }
    }
}

/// Site-wide checks: `req-duplicate` (one book), `req-level-conflict`
/// (latest versions of all books), `req-id-duplicate`.
pub fn check_books(site: &Site, reqs: &SiteRequirements) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut site_wide: BTreeMap<String, (Level, &Requirement)> = BTreeMap::new();
    for br in &reqs.books {
        let mut seen: HashMap<String, &Requirement> = HashMap::new();
        let mut ids: HashMap<&str, &Requirement> = HashMap::new();
        let latest = site.books[br.book].latest;
        for r in &br.requirements {
            if let Some(first) = ids.get(r.id.as_str()) {
                diags.push(Diagnostic::new(
                    Rule::ReqIdDuplicate,
                    r.file.clone(),
                    r.extra.span.clone(),
                    format!(
                        "requirement id `{}` is also used at {}:{}",
                        r.id, first.file, first.line
                    ),
                ));
            } else {
                ids.insert(&r.id, r);
            }
            let fp = r.fingerprint();
            if fp.split(' ').count() < 3 {
                continue;
            }
            if let Some(first) = seen.get(&fp) {
                diags.push(Diagnostic::new(
                    Rule::ReqDuplicate,
                    r.file.clone(),
                    r.extra.span.clone(),
                    format!(
                        "the same requirement is stated at {}:{} ({})",
                        first.file, first.line, first.id
                    ),
                ));
            } else {
                seen.insert(fp.clone(), r);
            }
            if latest {
                match site_wide.get(&fp) {
                    Some((level, first)) if *level != r.level => {
                        diags.push(Diagnostic::new(
                            Rule::ReqLevelConflict,
                            r.file.clone(),
                            r.extra.span.clone(),
                            format!(
                                "this requirement is {} here but {} at {}:{} ({})",
                                r.level, level, first.file, first.line, first.id
                            ),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        site_wide.insert(fp, (r.level, r));
                    }
                }
            }
        }
    }
    diags
}
