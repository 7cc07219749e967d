//! The rule registry: every rule's name, default severity and documentation.
//!
//! The documentation strings double as user help (`--format sarif` ships them
//! as rule metadata, and the README's rule table is written from them).

use super::Severity;
use serde::Serialize;

/// A rule's doc comment as help text: the space after `///` dropped, and
/// each line that does not start a part (`What it does:`, `Why:`,
/// `Example:`) joined to the one before.
fn join_help_lines(doc: &str) -> String {
    let mut out = String::new();
    for line in doc.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let starts_part = ["What it does:", "Why:", "Example:"]
            .iter()
            .any(|p| line.starts_with(p));
        if !out.is_empty() {
            out.push(if starts_part { '\n' } else { ' ' });
        }
        out.push_str(line);
    }
    out
}

macro_rules! rules {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $sev:ident, $short:literal; )*) => {
        /// A check specsite runs. Names are the DESIGN.md §6 rule ids.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum Rule {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in registry order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The rule id as written in config, reports and suppressions.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// Severity when `rules:` in the config does not say otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$sev,)* }
            }

            /// One line saying what the rule finds.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $short,)* }
            }

            /// Longer help: what it does, why, and an example, a line each
            /// (the doc comment, its wrapped lines joined).
            pub fn help(self) -> String {
                let doc: &'static str = match self { $(Rule::$variant => concat!($($doc, "\n"),*),)* };
                join_help_lines(doc)
            }

            /// Looks a rule up by its id.
            pub fn from_name(name: &str) -> Option<Rule> {
                match name { $($name => Some(Rule::$variant),)* _ => None }
            }
        }
    };
}

rules! {
    /// What it does: finds links to pages or files that do not exist, relative or
    /// through a `site_url_aliases` URL.
    /// Why: readers land on a 404; renamed pages silently break references.
    /// Example: `[see](../missing.md)`.
    BrokenLink = "broken-link", Error, "link to a page or file that does not exist";
    /// What it does: finds `#fragment`s that match no heading or explicit id on the target page.
    /// Why: headings get renamed; the link still loads but lands at the top.
    /// Example: `[x](page.md#old-heading)`.
    BrokenAnchor = "broken-anchor", Error, "anchor that matches no heading or id on the target";
    /// What it does: finds images and file references whose file does not exist.
    /// Why: a missing diagram leaves a hole in the specification.
    /// Example: `![](.gitbook/assets/gone.png)`.
    MissingAsset = "missing-asset", Error, "image or file reference that does not exist";
    /// What it does: finds SUMMARY.md entries whose file does not exist.
    /// Why: the navigation would link to nothing.
    /// Example: `* [Intro](intro.md)` with no `intro.md`.
    SummaryMissingFile = "summary-missing-file", Error, "SUMMARY.md entry whose file does not exist";
    /// What it does: reports markdown pages that no SUMMARY.md reaches.
    /// Why: readers can only reach them by a direct link; often forgotten drafts.
    /// Example: `notes.md` in a book whose SUMMARY.md never lists it.
    OrphanPage = "orphan-page", Warning, "markdown page that no SUMMARY.md reaches";
    /// What it does: finds the same term defined twice in one glossary scope.
    /// Why: two definitions of one term in one place contradict each other.
    /// Example: two `### Registry` headings on one terminology page.
    TermDuplicate = "term-duplicate", Error, "the same term defined twice in one glossary scope";
    /// What it does: finds book terms that are the same term as a common one.
    /// Why: Building Block specifications must use, not redefine, the common terminology.
    /// Example: a book's terminology page defining `Building Block` again.
    TermRedefined = "term-redefined", Error, "a book-scoped term that redefines a common term";
    /// What it does: finds discouraged spellings listed under a term's `avoid:`.
    /// Why: one concept, one name.
    /// Example: `building-block` where the glossary says `Building Block`.
    TermVariant = "term-variant", Warning, "a discouraged variant of a term is used";
    /// What it does: finds uses of terms whose glossary status is `deprecated`.
    /// Why: deprecated terms are on their way out of the specifications.
    /// Example: a page using a term marked `status: deprecated`.
    TermDeprecated = "term-deprecated", Warning, "a deprecated term is used";
    /// What it does: finds all-caps abbreviations that no glossary or page of the
    /// book defines, leaving out English words written in capitals, identifiers and
    /// code, currency codes by an amount, roman numerals and widely known abbreviations.
    /// Why: readers cannot expand them; a finding that is no abbreviation is noise
    /// that gets the rule turned off.
    /// Example: `The XYZP must respond` with no `XYZP` anywhere in the glossary.
    AbbrUndefined = "abbr-undefined", Warning, "an abbreviation used but defined nowhere";
    /// What it does: finds one abbreviation given two different expansions.
    /// Why: the same letters meaning two things confuse readers.
    /// Example: `ID` expanded as both `Identity` and `Identifier`.
    AbbrConflict = "abbr-conflict", Error, "one abbreviation with two different expansions";
    /// What it does: finds `term:` references to terms that do not exist.
    /// Why: an explicit reference should always land on a definition.
    /// Example: `[BB](term:bulding-block)`.
    TermUnknownRef = "term-unknown-ref", Error, "a term: reference to a term that does not exist";
    /// What it does: finds GitBook blocks specsite does not know, or that are not closed.
    /// Why: their content would render as stray template tags.
    /// Example: `{% hint style="info" %}` with no `{% endhint %}`.
    UnknownBlock = "unknown-block", Warning, "an unknown or unclosed GitBook block";
    /// What it does: finds swagger/openapi blocks whose file, path or method does not exist.
    /// Why: the API reference card would be empty.
    /// Example: `{% swagger src="api.yaml" path="/nope" method="get" %}`.
    OpenapiMissing = "openapi-missing", Error, "an API block whose file, path or method does not exist";
    /// What it does: reports front matter, glossary, config or .gitbook.yaml that does not parse.
    /// Why: the file's settings or terms would be silently lost.
    /// Example: `description: [unclosed` in front matter.
    InvalidYaml = "invalid-yaml", Error, "YAML that does not parse";
    /// What it does: reports source files that are not UTF-8; they are skipped.
    /// Why: their text cannot be shown correctly.
    /// Example: a page saved as Latin-1.
    InvalidEncoding = "invalid-encoding", Error, "a source file that is not UTF-8";
    /// What it does: reports a book folder whose SUMMARY.md is missing.
    /// Why: without it the book has no table of contents.
    /// Example: `.gitbook.yaml` naming `summary: TOC.md` that does not exist.
    BookWithoutSummary = "book-without-summary", Error, "a book folder whose SUMMARY.md is missing";
    /// What it does: reports links, `src` or `file` paths that would read outside the site root.
    /// Why: a build must never read or publish files from elsewhere on the machine.
    /// Example: `{% file src="../../../etc/passwd" %}`.
    PathOutsideRoot = "path-outside-root", Error, "a path that would read outside the root";
    /// What it does: reports two things that would be written to the same output path.
    /// Why: one would silently overwrite the other.
    /// Example: a page `glossary.md` in a book, where the book's glossary is generated.
    OutputCollision = "output-collision", Error, "two things would be written to the same output path";
    /// What it does: finds a level tag not in upper case where a tag can stand (the end of a list item whose list has an upper-case tagged item; a table's level cell).
    /// Why: RFC 2119-style levels are written in capitals so that readers and tools tell them from prose.
    /// Example: `* Latitude and longitude (optional)` in a list of `(REQUIRED)` items.
    ReqKeywordCase = "req-keyword-case", Warning, "a requirement level tag not in upper case";
    /// What it does: finds a level tag or level cell that is a near miss of a level (`REQUIRE`, `RECOMENDED`).
    /// Why: a misspelt level drops the requirement from the index and the checklist.
    /// Example: `* Logs every access (REQUIRE)`.
    ReqUnknownLevel = "req-unknown-level", Error, "a requirement level that is a near miss";
    /// What it does: finds two level tags in one requirement's own first line.
    /// Why: a unit holds one requirement; with two, only the first level is indexed.
    /// Example: `Import from JSON (REQUIRED); import from XLS (OPTIONAL)`.
    ReqMultipleLevels = "req-multiple-levels", Warning, "two level tags in one requirement's first line";
    /// What it does: finds list items and headings in a requirements section that say must, shall or should but carry no tag and are inside no tagged unit.
    /// Why: an untagged obligation is missing from the checklist vendors fill in.
    /// Example: `* The system must encrypt backups` among `(REQUIRED)` items.
    ReqUntagged = "req-untagged", Warning, "an obligation in a requirements section without a level tag";
    /// What it does: finds must or shall with a RECOMMENDED or OPTIONAL tag, and should or may with a REQUIRED one.
    /// Why: the verb and the level should say the same thing.
    /// Example: `* The system should log access (REQUIRED)`.
    ReqVerbMismatch = "req-verb-mismatch", Info, "a statement's verb and its level disagree";
    /// What it does: finds the same requirement (the same fingerprint) twice in one book.
    /// Why: a duplicate is counted twice in a compliance score and drifts apart when edited.
    /// Example: `* Logs every access (REQUIRED)` on two pages of one book.
    ReqDuplicate = "req-duplicate", Warning, "the same requirement twice in one book";
    /// What it does: finds the same requirement (the same fingerprint) with different levels in the site's current versions.
    /// Why: a product cannot be held to two levels for one requirement.
    /// Example: `Logs every access` REQUIRED in one book and OPTIONAL in another.
    ReqLevelConflict = "req-level-conflict", Error, "the same requirement with different levels";
    /// What it does: finds two requirements of one book with the same id.
    /// Why: an id must name exactly one requirement, or links and checklists mix them up.
    /// Example: two headings opening with `DRS-3`, each the only requirement under it.
    ReqIdDuplicate = "req-id-duplicate", Error, "two requirements with one id";
    /// What it does: finds a requirement id containing `#req` that does not match `govstack-<name>[-<semver>]#req-<N>`.
    /// Why: tools that look requirements up by id would miss it.
    /// Example: `govstack-cfr-data#req1` under a requirement heading.
    ReqIdMalformed = "req-id-malformed", Error, "a requirement id that does not match its form";
    /// What it does: finds a requirement missing from an existing requirements.lock; its id is provisional.
    /// Why: a provisional id may change on the next run, breaking links and checklists.
    /// Example: a new `(REQUIRED)` item added without running `specsite requirements lock`.
    ReqUnlocked = "req-unlocked", Warning, "a requirement missing from requirements.lock";
    /// What it does: finds links, images, embeds and `edit_url`s whose scheme is not
    /// http(s), mailto, tel, `term:`, relative or a fragment (an image may also be
    /// `data:image/…`); they are shown as text, never as an `href`.
    /// Why: a `javascript:` link runs script in the reader's browser when clicked.
    /// Example: `[click](javascript:alert(1))`.
    UnsafeLink = "unsafe-link", Warning, "a link whose URL scheme is not allowed";
    /// What it does: reports a glossary term whose output folder name (its slug)
    /// would be longer than a file name may be; it is cut, with a short hash of the
    /// whole name appended so two long names never collide.
    /// Why: the cut URL is stable but not the name itself; a shorter identifier reads better.
    /// Example: a glossary term whose name is 300 characters long.
    NameTooLong = "name-too-long", Info, "a name cut to fit a file name in the output";
    /// What it does: reports a `sources:` repository that cannot be read, or a ref it does not
    /// have; the build stops (exit 2).
    /// Why: publishing a site with a version silently missing would mislead its readers.
    /// Example: `versions: [{ ref: 24Q1 }]` in a repository that has no branch or tag `24Q1`.
    SourceUnreadable = "source-unreadable", Error, "a git source that cannot be read";
    /// What it does: reports a file of a git source whose object is absent (a partial clone,
    /// a snapshot) or is a Git LFS pointer; the file is left out and the rest builds.
    /// Why: a missing diagram or page should be visible, not a silent hole.
    /// Example: `consent@1.0/spec/.gitbook/assets/flow.png` not fetched by a blobless clone.
    SourceMissingObject = "source-missing-object", Warning, "a file absent from a git source's objects";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_round_trips_by_name() {
        for r in Rule::ALL {
            assert_eq!(Rule::from_name(r.name()), Some(*r));
            assert!(r.help().contains("Why:"));
            let help = r.help();
            assert!(help.starts_with("What it does: "), "{help}");
            assert!(help.lines().all(|l| !l.starts_with(' ')), "{help}");
            assert!(help.lines().count() <= 3, "{help}");
        }
        assert_eq!(Rule::ALL.len(), 33);
    }
}
