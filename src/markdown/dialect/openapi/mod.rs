//! OpenAPI operation cards: `{% swagger %}`, `{% openapi %}` and
//! `{% openapi-operation %}` rendered from local OpenAPI 3.0/3.1 or
//! Swagger 2.0 files (YAML or JSON). Nothing is ever fetched.
//!
//! Where a block's spec comes from:
//! - `src` relative to the page; when that file does not exist, a file of the
//!   same name in the book's `.gitbook/assets/` folder, then anywhere in the
//!   book's repository folder (GitBook pages often carry a `src` relative to
//!   the wrong folder);
//! - `src="https://raw.githubusercontent.com/<owner>/<repo>/<ref>/<path>"` (and
//!   `https://github.com/<owner>/<repo>/blob/<ref>/<path>`): `<path>` inside
//!   the book's repository folder;
//! - `spec="name"`: `openapi_specs:` in the config, else a spec file in the
//!   book's repository folder whose name matches (`impubsub` finds
//!   `GovStack_IM_PubSub_API.yaml`).

pub mod node;
mod render;

pub use node::Node;

use super::DialectEnv;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

type Loaded = Result<Arc<Node>, String>;

/// One parse, done by the first page that asks for it.
type Once = Arc<OnceLock<Loaded>>;

/// Parsed spec files, shared by every page of a build. Each file is read and
/// parsed at most once, even when pages are parsed on many threads; and a
/// spec read from git whose blob another version already has is parsed
/// once for all of them (the parse depends on the bytes and the kind of
/// file only).
#[derive(Default)]
pub struct OpenApiCache {
    files: Mutex<BTreeMap<String, Once>>,
    /// Specs read from git objects, by blob id and whether JSON is tried first.
    blobs: Mutex<BTreeMap<(String, bool), Once>>,
    /// How many times a spec was parsed.
    parsed: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for OpenApiCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenApiCache")
            .field("files", &self.len())
            .finish()
    }
}

impl OpenApiCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many spec files have been requested so far.
    pub fn len(&self) -> usize {
        self.files.lock().map(|f| f.len()).unwrap_or(0)
    }

    /// Whether no spec file has been requested yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The parsed document at root-relative `rel`, read on first request.
    pub fn load(&self, site: &crate::content::Site, rel: &str) -> Result<Arc<Node>, String> {
        let cell = {
            let mut files = match self.files.lock() {
                Ok(f) => f,
                Err(poisoned) => poisoned.into_inner(),
            };
            files.entry(rel.to_string()).or_default().clone()
        };
        // Parsing happens outside the map lock, so different files parse in
        // parallel; a second request for the same file waits for the first.
        cell.get_or_init(|| self.parse_shared(site, rel)).clone()
    }

    /// How many spec files were parsed (a spec shared by several versions
    /// counts once).
    pub fn parsed(&self) -> usize {
        self.parsed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Parses `rel`, or takes the parse of the same blob from another
    /// version. A failure names its own file, so it is never taken.
    fn parse_shared(&self, site: &crate::content::Site, rel: &str) -> Loaded {
        let parse = || {
            self.parsed
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            parse_spec_file(site, rel)
        };
        // The blob's id, or for a small blob read with the texts, the one
        // copy of its bytes that every version having it shares.
        let blob = match (site.git_objects.oid(rel), site.git_blobs.get(rel)) {
            (Some(oid), _) => oid.to_string(),
            (None, Some(bytes)) => format!("{:p}", Arc::as_ptr(bytes)),
            (None, None) => return parse(),
        };
        let key = (blob, rel.to_ascii_lowercase().ends_with(".json"));
        let cell = {
            let mut blobs = match self.blobs.lock() {
                Ok(b) => b,
                Err(poisoned) => poisoned.into_inner(),
            };
            blobs.entry(key).or_default().clone()
        };
        match cell.get_or_init(parse) {
            Ok(node) => Ok(node.clone()),
            Err(_) => parse(),
        }
    }
}

fn parse_spec_file(site: &crate::content::Site, rel: &str) -> Loaded {
    let bytes = site
        .read_bytes(rel)
        .map_err(|e| format!("cannot read `{rel}`: {e}"))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| format!("cannot read `{rel}`: {e}"))?;
    parse_spec_text(text, rel).map(Arc::new)
}

/// Parses spec text: JSON first for `.json` files, YAML otherwise (and as
/// the fallback, since YAML is nearly a superset of JSON).
pub(crate) fn parse_spec_text(text: &str, rel: &str) -> Result<Node, String> {
    if text.trim().is_empty() {
        return Err(format!("`{rel}` is empty"));
    }
    let doc: Node = if rel.to_ascii_lowercase().ends_with(".json") {
        match serde_json::from_str(text) {
            Ok(d) => d,
            Err(je) => {
                crate::yaml::parse(text).map_err(|_| format!("`{rel}` is not valid JSON: {je}"))?
            }
        }
    } else {
        crate::yaml::parse(text).map_err(|e| format!("`{rel}` is not valid YAML: {e}"))?
    };
    if doc.get("openapi").is_null() && doc.get("swagger").is_null() {
        return Err(format!(
            "`{rel}` is not an OpenAPI or Swagger document (no `openapi:` or `swagger:` key)"
        ));
    }
    Ok(doc)
}

/// Where a block's spec file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Located {
    /// Root-relative candidate files, best first (all exist).
    Files(Vec<String>),
    /// The path would leave the site root.
    OutsideRoot,
    /// Nothing found; the text says where we looked.
    NotFound(String),
}

fn exists(env: &DialectEnv, rel: &str) -> bool {
    !rel.is_empty() && env.site().file_exists(rel)
}

/// Joins a root-relative folder and a relative path lexically. `None` when
/// the result would leave the root.
pub(crate) use crate::resolve::normalize_join as join_rel;

/// The folder part of a root-relative file path.
pub(crate) fn parent_dir(file: &str) -> &str {
    file.rfind('/').map_or("", |i| &file[..i])
}

fn strip_query(s: &str) -> &str {
    let end = s.find(['?', '#']).unwrap_or(s.len());
    &s[..end]
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The path inside the repository named by a raw.githubusercontent.com or
/// github.com/…/blob/ URL, without the ref. Refs may contain `/`, so every
/// split is returned, shortest ref first.
fn github_paths(url: &str) -> Option<Vec<String>> {
    let url = strip_query(url);
    let segs: Vec<&str> = if let Some(rest) = url.strip_prefix("https://raw.githubusercontent.com/")
    {
        rest.split('/').skip(2).collect()
    } else if let Some(rest) = url.strip_prefix("https://github.com/") {
        let s: Vec<&str> = rest.split('/').collect();
        if s.get(2) != Some(&"blob") && s.get(2) != Some(&"raw") {
            return None;
        }
        s.into_iter().skip(3).collect()
    } else {
        return None;
    };
    Some(
        (1..segs.len())
            .map(|k| decode(&segs[k..].join("/")))
            .collect(),
    )
}

/// Finds the spec file a `src` names.
pub(crate) fn locate_src(src: &str, env: &DialectEnv) -> Located {
    let src = src.trim();
    let book = env.site().books.get(env.page.book);
    let repo_dir = book.map_or("", |b| b.repo_dir.as_str());
    let page_root = book.map_or("", |b| b.page_root.as_str());
    let mut tried = Vec::new();
    let is_url = src.contains("://");
    if let Some(paths) = github_paths(src) {
        for p in paths {
            match join_rel(repo_dir, &p) {
                Some(rel) if exists(env, &rel) => return Located::Files(vec![rel]),
                Some(rel) => tried.push(rel),
                None => {}
            }
        }
    } else if !is_url {
        let clean = decode(strip_query(src));
        let joined = match clean.strip_prefix('/') {
            Some(abs) => join_rel(page_root, abs),
            None => join_rel(parent_dir(&env.page.file), &clean),
        };
        match joined {
            None => return Located::OutsideRoot,
            Some(rel) if exists(env, &rel) => return Located::Files(vec![rel]),
            Some(rel) => tried.push(rel),
        }
    }
    // By file name: the book's assets folder, then anywhere in its repository.
    let name = decode(strip_query(src).rsplit('/').next().unwrap_or(""));
    if !name.is_empty() && name != ".." && name != "." {
        let in_assets = join_rel(page_root, &format!(".gitbook/assets/{name}")).unwrap_or_default();
        if exists(env, &in_assets) {
            return Located::Files(vec![in_assets]);
        }
        tried.push(in_assets);
        let prefix = if repo_dir.is_empty() {
            String::new()
        } else {
            format!("{repo_dir}/")
        };
        if let Some(found) = env
            .site()
            .assets
            .iter()
            .find(|a| a.starts_with(&prefix) && a.rsplit('/').next() == Some(name.as_str()))
        {
            return Located::Files(vec![found.clone()]);
        }
    }
    Located::NotFound(format!(
        "looked for {}",
        tried
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn normalize_name(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_spec_ext(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
}

/// Finds the spec files an `openapi-operation spec="name"` may mean.
pub(crate) fn locate_spec_name(name: &str, env: &DialectEnv) -> Located {
    if let Some(path) = env.site().config.openapi_specs.get(name) {
        return match join_rel("", path) {
            None => Located::OutsideRoot,
            Some(rel) if exists(env, &rel) => Located::Files(vec![rel]),
            Some(rel) => Located::NotFound(format!(
                "`openapi_specs: {name}` names `{rel}`, which does not exist"
            )),
        };
    }
    let repo_dir = env
        .site()
        .books
        .get(env.page.book)
        .map_or("", |b| b.repo_dir.as_str());
    let prefix = if repo_dir.is_empty() {
        String::new()
    } else {
        format!("{repo_dir}/")
    };
    let wanted = normalize_name(name);
    let mut candidates: Vec<(u8, usize, &String)> = Vec::new();
    for asset in env
        .site()
        .assets
        .iter()
        .filter(|a| a.starts_with(&prefix) && is_spec_ext(a))
    {
        let file = asset.rsplit('/').next().unwrap_or("");
        let stem = normalize_name(file.rsplit_once('.').map_or(file, |(s, _)| s));
        let rank = if stem == wanted {
            0
        } else if wanted.len() >= 6
            && stem.len() >= 6
            && (stem.contains(&wanted) || wanted.contains(&stem))
        {
            1
        } else {
            continue;
        };
        candidates.push((rank, stem.len(), asset));
    }
    candidates.sort();
    if candidates.is_empty() {
        return Located::NotFound(format!(
            "no `openapi_specs: {name}` in the config and no spec file named like `{name}` in `{}`",
            if repo_dir.is_empty() { "." } else { repo_dir }
        ));
    }
    Located::Files(candidates.into_iter().map(|(_, _, a)| a.clone()).collect())
}

/// Spec files in the page's book repository that define `method path`,
/// for suggesting an `openapi_specs:` entry.
pub(crate) fn files_with_operation(env: &DialectEnv, path: &str, method: &str) -> Vec<String> {
    let repo_dir = env
        .site()
        .books
        .get(env.page.book)
        .map_or("", |b| b.repo_dir.as_str());
    let prefix = if repo_dir.is_empty() {
        String::new()
    } else {
        format!("{repo_dir}/")
    };
    env.site()
        .assets
        .iter()
        .filter(|a| a.starts_with(&prefix) && is_spec_ext(a))
        .filter(|a| {
            env.openapi
                .load(env.site(), a)
                .is_ok_and(|doc| find_operation(&doc, path, method).is_ok())
        })
        .cloned()
        .collect()
}

/// One operation found in a document.
pub(crate) struct Operation<'a> {
    pub doc: &'a Node,
    pub path: &'a str,
    pub method: String,
    pub op: &'a Node,
    pub path_item: &'a Node,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Normalises a path for lenient matching: no trailing `/`, parameter names erased.
fn path_shape(p: &str) -> String {
    let p = p.trim().trim_end_matches('/');
    let mut out = String::with_capacity(p.len());
    let mut in_param = false;
    for c in p.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// Finds `method path` in `doc`: exactly, else ignoring a trailing `/`,
/// parameter names and a Swagger `basePath` prefix.
pub(crate) fn find_operation<'a>(
    doc: &'a Node,
    path: &str,
    method: &str,
) -> Result<Operation<'a>, String> {
    let method = method.trim().to_ascii_lowercase();
    let paths = doc
        .get("paths")
        .as_map()
        .ok_or("the document has no `paths`")?;
    let base = doc
        .get("basePath")
        .as_str()
        .unwrap_or("")
        .trim_end_matches('/');
    let stripped = if !base.is_empty() {
        path.strip_prefix(base)
    } else {
        None
    };
    let found = paths
        .iter()
        .find(|(k, _)| k == path)
        .or_else(|| {
            paths
                .iter()
                .find(|(k, _)| path_shape(k) == path_shape(path))
        })
        .or_else(|| {
            stripped.and_then(|s| paths.iter().find(|(k, _)| path_shape(k) == path_shape(s)))
        });
    let Some((key, item)) = found else {
        let mut known: Vec<(usize, &str)> = paths
            .iter()
            .map(|(k, _)| (strsim::levenshtein(k, path), k.as_str()))
            .collect();
        known.sort();
        let hint = known
            .first()
            .map(|(_, k)| format!("; closest: `{k}`"))
            .unwrap_or_default();
        return Err(format!("path `{path}` is not in the document{hint}"));
    };
    let item = resolve_ref(doc, item).0;
    let op = item.get(&method);
    if op.is_null() || !METHODS.contains(&method.as_str()) {
        let have: Vec<&str> = item
            .as_map()
            .unwrap_or(&[])
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| METHODS.contains(k))
            .collect();
        return Err(format!(
            "`{key}` has no `{method}` operation (it has: {})",
            have.join(", ")
        ));
    }
    Ok(Operation {
        doc,
        path: key,
        method,
        op,
        path_item: item,
    })
}

/// Follows local `$ref`s (`#/…`) up to a fixed depth. Returns the target and
/// the last reference's final name (`Pet` for `#/components/schemas/Pet`).
pub(crate) fn resolve_ref<'a>(doc: &'a Node, mut node: &'a Node) -> (&'a Node, Option<&'a str>) {
    let mut name = None;
    for _ in 0..16 {
        let Some(r) = node.get("$ref").as_str() else {
            break;
        };
        let Some(ptr) = r.strip_prefix('#') else {
            break;
        };
        match doc.pointer(ptr) {
            Some(target) => {
                name = r.rsplit('/').next();
                node = target;
            }
            None => break,
        }
    }
    (node, name)
}

/// The anchor id of an operation card: `op-post-client-mgmt-oidc-client`.
pub(crate) fn operation_anchor(method: &str, path: &str) -> String {
    let mut id = format!("op-{}", method.to_ascii_lowercase());
    let mut dash = true;
    id.push('-');
    for c in path.chars() {
        if c.is_alphanumeric() || c == '_' {
            id.extend(c.to_lowercase());
            dash = false;
        } else if !dash {
            id.push('-');
            dash = true;
        }
    }
    while id.ends_with('-') {
        id.pop();
    }
    id
}

pub(crate) use render::{render_operation, PageSchemas};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_slugs_of_method_and_path() {
        assert_eq!(
            operation_anchor("POST", "/client-mgmt/oidc-client"),
            "op-post-client-mgmt-oidc-client"
        );
        assert_eq!(
            operation_anchor("get", "/a/{client_id}/"),
            "op-get-a-client_id"
        );
    }

    #[test]
    fn join_rel_refuses_to_leave_the_root() {
        assert_eq!(join_rel("a/b", "../c.yaml").as_deref(), Some("a/c.yaml"));
        assert_eq!(join_rel("a", "../../etc/passwd"), None);
        assert_eq!(join_rel("", "./x/./y").as_deref(), Some("x/y"));
    }

    #[test]
    fn github_urls_map_to_repository_paths() {
        let p = github_paths("https://raw.githubusercontent.com/Org/bb-x/main/api/swagger.yaml")
            .unwrap();
        assert_eq!(p[0], "api/swagger.yaml");
        let p = github_paths("https://github.com/Org/bb-x/blob/v1/api/a%20b.json?raw=1").unwrap();
        assert_eq!(p[0], "api/a b.json");
        assert!(github_paths("https://example.org/a.yaml").is_none());
    }

    #[test]
    fn paths_match_leniently() {
        let doc: Node = serde_json::from_str(
            r#"{"openapi":"3.0.0","paths":{"/a/{id}":{"get":{}},"/b":{"post":{}}}}"#,
        )
        .unwrap();
        assert!(find_operation(&doc, "/a/{id}", "GET").is_ok());
        assert!(find_operation(&doc, "/a/{other}/", "get").is_ok());
        let e = find_operation(&doc, "/b", "get").err().unwrap();
        assert!(e.contains("has no `get`") && e.contains("post"), "{e}");
        let e = find_operation(&doc, "/c", "get").err().unwrap();
        assert!(e.contains("not in the document"), "{e}");
    }
}
