//! `missing-asset`: an image or file reference that does not exist (see
//! [`Rule::MissingAsset`]).
//!
//! GitBook keeps uploads in `.gitbook/assets/`; pages moved between folders
//! often keep a relative path that no longer reaches it. The suggestion
//! names an asset with the same file name in the same book, as a path
//! relative to the page.

use super::suggest::{
    case_variant, dest_to, file_name, rel_path, replace_dest, wrong_folder, DEST_SET,
};
use crate::content::Page;
use crate::diag::{Diagnostic, Rule, Safety};
use crate::markdown::{Link, LinkKind};
use crate::resolve::Resolver;

/// A reference whose resolved path names no file. The suggestion, in order
/// of preference: the same path read from the folder it was written for, a
/// file that differs only in case, an asset of the book with the same file
/// name, and last a file of that name in another book (to copy over).
pub fn missing(resolver: &Resolver, page: &Page, link: &Link, path: &str) -> Diagnostic {
    let what = if link.kind == LinkKind::Image {
        "image"
    } else {
        "file"
    };
    let message = if link.dest.trim_start_matches("./") == path || path.is_empty() {
        format!("{what} `{}` does not exist", link.dest)
    } else {
        format!(
            "{what} `{}` does not exist (looked for `{path}`)",
            link.dest
        )
    };
    let d = Diagnostic::new(Rule::MissingAsset, &page.file, link.span.clone(), message);
    if link.dest.contains("://") {
        return d;
    }
    if let Some((s, fix)) = wrong_folder(resolver, page, link) {
        return d.with_suggestion(s).with_fix(fix);
    }
    if let Some(f) = case_variant(resolver, path) {
        let fix = replace_dest(
            &page.file,
            &page.source,
            link,
            &dest_to(page, f, link),
            Safety::Safe,
        );
        return d
            .with_suggestion(format!(
                "file names are case-sensitive once published: use `{}`",
                percent_encoding::utf8_percent_encode(&rel_path(&page.file, f), DEST_SET)
            ))
            .with_fix(fix);
    }
    if let Some(asset) = same_name_asset(resolver, page, path) {
        return d.with_suggestion(format!(
            "`{asset}` has the same name: use `{}`",
            percent_encoding::utf8_percent_encode(&rel_path(&page.file, asset), DEST_SET)
        ));
    }
    if let Some(other) = other_book_asset(resolver, page, path) {
        return d.with_suggestion(format!(
            "only another book has a file with that name (`{other}`): copy it into this book's `.gitbook/assets/`"
        ));
    }
    d
}

/// An asset outside `page`'s book with `path`'s file name (exact match).
fn other_book_asset<'a>(resolver: &'a Resolver, page: &Page, path: &str) -> Option<&'a str> {
    let site = resolver.site();
    let name = percent_encoding::percent_decode_str(file_name(path)).decode_utf8_lossy();
    let repo = site.books.get(page.book).map(|b| b.repo_dir.as_str())?;
    resolver
        .files()
        .assets_named(&name, true)
        .iter()
        .map(|&i| site.assets[i].as_str())
        .filter(|a| !crate::resolve::in_dir(a, repo))
        .min()
}

/// An asset in `page`'s book with `path`'s file name (exactly, else ignoring
/// ASCII case), the one with the shortest relative path first.
fn same_name_asset<'a>(resolver: &'a Resolver, page: &Page, path: &str) -> Option<&'a str> {
    let site = resolver.site();
    let name = percent_encoding::percent_decode_str(file_name(path))
        .decode_utf8_lossy()
        .into_owned();
    if name.is_empty() {
        return None;
    }
    let repo = site
        .books
        .get(page.book)
        .map(|b| b.repo_dir.as_str())
        .unwrap_or("");
    let in_book =
        |a: &&String| repo.is_empty() || a.starts_with(repo) && a[repo.len()..].starts_with('/');
    let pick = |exact: bool| {
        resolver
            .files()
            .assets_named(&name, exact)
            .iter()
            .map(|&i| &site.assets[i])
            .filter(in_book)
            .map(|a| (rel_path(&page.file, a).len(), a.as_str()))
            .min()
            .map(|(_, a)| a)
    };
    pick(true).or_else(|| pick(false))
}

#[cfg(test)]
mod tests {
    use super::super::links::testsite::*;
    use super::*;
    use crate::resolve::Target;

    #[test]
    fn suggests_the_same_file_name_in_the_same_book_only() {
        let site = site();
        let link = link(
            INTRO,
            LinkKind::Image,
            "img/logo.png",
            Target::Missing {
                path: String::new(),
                fragment: None,
            },
        );
        let d = missing(
            &crate::resolve::Resolver::new(&site),
            &site.pages[1],
            &link,
            "consent/spec/img/logo.png",
        );
        assert_eq!(d.rule, Rule::MissingAsset);
        assert!(
            d.message.starts_with("image `img/logo.png` does not exist"),
            "{}",
            d.message
        );
        assert_eq!(
            d.suggestion.as_deref(),
            Some("`consent/.gitbook/assets/logo.png` has the same name: use `../.gitbook/assets/logo.png`")
        );
    }

    #[test]
    fn matches_names_ignoring_case_when_no_exact_match() {
        let mut site = site();
        site.assets = vec!["consent/.gitbook/assets/Logo.PNG".into()];
        let link = link(
            INTRO,
            LinkKind::Image,
            "img/logo.png",
            Target::Missing {
                path: String::new(),
                fragment: None,
            },
        );
        let d = missing(
            &crate::resolve::Resolver::new(&site),
            &site.pages[1],
            &link,
            "consent/spec/img/logo.png",
        );
        assert!(d.suggestion.unwrap().contains("Logo.PNG"));
    }

    #[test]
    fn another_books_asset_is_named_to_copy_not_linked() {
        let mut site = site();
        site.assets = vec!["other/.gitbook/assets/logo.png".into()];
        let link = link(
            INTRO,
            LinkKind::Image,
            "img/logo.png",
            Target::Missing {
                path: String::new(),
                fragment: None,
            },
        );
        assert_eq!(
            missing(&crate::resolve::Resolver::new(&site), &site.pages[1], &link, "consent/spec/img/logo.png").suggestion.as_deref(),
            Some("only another book has a file with that name (`other/.gitbook/assets/logo.png`): copy it into this book's `.gitbook/assets/`")
        );
    }
}
