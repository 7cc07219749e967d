//! `check --external`: are the site's http(s) links alive?
//!
//! Each distinct URL (fragment removed) is asked once: `HEAD`, then `GET`
//! when the server does not answer `HEAD` with success (many refuse it).
//! Requests run on a few std threads with at most
//! [`ExternalOptions::per_host`] at a time per host, so no server sees a
//! burst. Transient failures (timeouts, connection errors, 429, 5xx) are
//! retried with exponential backoff.
//!
//! Verdicts:
//! - 2xx/3xx: fine.
//! - 4xx (except 429), 5xx, unknown host: `broken-link`, an error.
//! - 429 Too Many Requests, timeouts, other connection failures: a
//!   `broken-link` *warning* ("could not check"), never an error, so a slow
//!   or rate-limiting server cannot fail a CI run on its own.
//!
//! Answers that are not transient are cached in `<cache>/external-links.json`
//! for [`ExternalOptions::cache_ttl`], so repeated runs stay fast and polite.

use crate::diag::{Diagnostic, Rule, Severity};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Name of the cache file inside the cache folder.
pub const CACHE_FILE: &str = "external-links.json";

/// Tuning for [`check_external`].
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Whole-request timeout (connect, headers, redirects).
    pub timeout: Duration,
    /// Extra attempts after a transient failure.
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// Worker threads in total.
    pub threads: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// How long a cached answer is trusted.
    pub cache_ttl: Duration,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            timeout: Duration::from_secs(15),
            retries: 2,
            backoff: Duration::from_millis(500),
            threads: 8,
            per_host: 2,
            cache_ttl: Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// What asking a URL found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum Outcome {
    /// 2xx or 3xx.
    Ok { status: u16 },
    /// A status that means the link is broken.
    Broken { status: u16 },
    /// The host name does not resolve.
    HostNotFound,
    /// 429 after every retry.
    RateLimited,
    /// No answer in time after every retry.
    Timeout,
    /// Any other failure (connection refused, TLS…), after every retry.
    Failed { reason: String },
}

impl Outcome {
    /// Worth caching: the same answer is expected next time.
    fn is_stable(&self) -> bool {
        matches!(
            self,
            Outcome::Ok { .. } | Outcome::Broken { status: 400..=499 } | Outcome::HostNotFound
        )
    }

    /// Worth asking again after a pause.
    fn is_transient(&self) -> bool {
        matches!(
            self,
            Outcome::RateLimited
                | Outcome::Timeout
                | Outcome::Failed { .. }
                | Outcome::Broken { status: 500..=599 }
        )
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    /// URL → (checked at, unix seconds; outcome). BTreeMap for a stable file.
    entries: BTreeMap<String, CacheEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheEntry {
    checked: u64,
    outcome: Outcome,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn load_cache(path: &Path) -> Cache {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Writes the cache through a temporary file so a crash never leaves half a file.
/// A cache that cannot be written only costs speed next time: errors are ignored.
fn save_cache(dir: &Path, cache: &Cache) {
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(text) = serde_json::to_string_pretty(cache) else {
        return;
    };
    let tmp = dir.join(format!("{CACHE_FILE}.{}.tmp", std::process::id()));
    if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, dir.join(CACHE_FILE)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// The URL without its `#fragment`: what is requested and cached.
fn request_url(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

/// `scheme://host:port` part, lowercased, the unit of the per-host limit.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .to_ascii_lowercase()
}

/// Every http(s) link of every page as (URL, page file, link span), ready
/// for [`check_external`]. `docs[i]` is the parsed form of `site.pages[i]`.
pub fn external_urls(
    site: &crate::content::Site,
    docs: &[crate::markdown::Doc],
) -> Vec<(String, String, Range<usize>)> {
    let mut out = Vec::new();
    for (page, doc) in site.pages.iter().zip(docs) {
        for link in &doc.links {
            if let crate::resolve::Target::External { url } = &link.target {
                out.push((url.clone(), page.file.clone(), link.span.clone()));
            }
        }
    }
    out
}

/// Checks http(s) `urls` given as (URL, root-relative file, byte span of the
/// link). One finding per failing occurrence, sorted by file and span.
/// Non-http(s) URLs are ignored.
pub fn check_external(
    urls: Vec<(String, String, Range<usize>)>,
    cache_dir: &Path,
    opts: &ExternalOptions,
) -> Vec<Diagnostic> {
    let mut uses: BTreeMap<String, Vec<(String, String, Range<usize>)>> = BTreeMap::new();
    for (url, file, span) in urls {
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            continue;
        }
        uses.entry(request_url(&url).to_string())
            .or_default()
            .push((url, file, span));
    }

    let cache_path = cache_dir.join(CACHE_FILE);
    let mut cache = load_cache(&cache_path);
    let now = now_secs();
    let ttl = opts.cache_ttl.as_secs();
    let mut outcomes: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut todo = Vec::new();
    for url in uses.keys() {
        match cache.entries.get(url) {
            Some(e) if now.saturating_sub(e.checked) < ttl && e.outcome.is_stable() => {
                outcomes.insert(url.clone(), e.outcome.clone());
            }
            _ => todo.push(url.clone()),
        }
    }

    for (url, outcome) in run_pool(todo, opts) {
        if outcome.is_stable() {
            cache.entries.insert(
                url.clone(),
                CacheEntry {
                    checked: now,
                    outcome: outcome.clone(),
                },
            );
        } else {
            cache.entries.remove(&url);
        }
        outcomes.insert(url, outcome);
    }
    cache
        .entries
        .retain(|_, e| now.saturating_sub(e.checked) < ttl);
    save_cache(cache_dir, &cache);

    let mut out = Vec::new();
    for (key, occurrences) in &uses {
        let Some(outcome) = outcomes.get(key) else {
            continue;
        };
        for (url, file, span) in occurrences {
            if let Some(d) = finding(outcome, url, file, span.clone()) {
                out.push(d);
            }
        }
    }
    crate::diag::sort_diagnostics(&mut out);
    out
}

/// The finding for one occurrence of a URL, if its outcome deserves one.
fn finding(outcome: &Outcome, url: &str, file: &str, span: Range<usize>) -> Option<Diagnostic> {
    let (message, severity) = match outcome {
        Outcome::Ok { .. } => return None,
        Outcome::Broken { status } => (
            format!("`{url}` answered HTTP {status} {}", reason(*status)),
            Severity::Error,
        ),
        Outcome::HostNotFound => (format!("`{url}`: host not found"), Severity::Error),
        Outcome::RateLimited => (
            format!("could not check `{url}`: the server answered 429 Too Many Requests"),
            Severity::Warning,
        ),
        Outcome::Timeout => (
            format!("could not check `{url}`: no answer in time"),
            Severity::Warning,
        ),
        Outcome::Failed { reason } => (
            format!("could not check `{url}`: {reason}"),
            Severity::Warning,
        ),
    };
    let mut d = Diagnostic::new(Rule::BrokenLink, file, span, message);
    d.severity = severity;
    Some(d)
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        410 => "Gone",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// Shared state of the worker pool: jobs not yet started and requests in flight per host.
struct Pool {
    queue: Vec<String>,
    active: HashMap<String, usize>,
}

/// Runs every URL through [`check_url`] on `opts.threads` threads, keeping at
/// most `opts.per_host` requests in flight per host.
fn run_pool(urls: Vec<String>, opts: &ExternalOptions) -> Vec<(String, Outcome)> {
    if urls.is_empty() {
        return Vec::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .user_agent(concat!(
            "specsite/",
            env!("CARGO_PKG_VERSION"),
            " (link checker)"
        ))
        .build()
        .into();
    let threads = opts.threads.clamp(1, urls.len());
    let per_host = opts.per_host.max(1);
    let mut queue = urls;
    queue.reverse(); // pop() takes from the end: keep the sorted order
    let state = Mutex::new(Pool {
        queue,
        active: HashMap::new(),
    });
    let wake = Condvar::new();
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let (url, host) = {
                    let Ok(mut st) = state.lock() else { return };
                    loop {
                        if st.queue.is_empty() {
                            return;
                        }
                        let free = st.queue.iter().rposition(|u| {
                            st.active.get(&host_of(u)).copied().unwrap_or(0) < per_host
                        });
                        if let Some(i) = free {
                            let url = st.queue.remove(i);
                            let host = host_of(&url);
                            *st.active.entry(host.clone()).or_default() += 1;
                            break (url, host);
                        }
                        st = match wake.wait(st) {
                            Ok(g) => g,
                            Err(_) => return,
                        };
                    }
                };
                let outcome = check_url(&agent, &url, opts);
                if let Ok(mut st) = state.lock() {
                    if let Some(n) = st.active.get_mut(&host) {
                        *n -= 1;
                    }
                }
                wake.notify_all();
                if let Ok(mut r) = results.lock() {
                    r.push((url, outcome));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}

/// Asks one URL, retrying transient failures with exponential backoff.
fn check_url(agent: &ureq::Agent, url: &str, opts: &ExternalOptions) -> Outcome {
    let mut wait = opts.backoff;
    let mut attempt = 0;
    loop {
        let (outcome, retry_after) = ask(agent, url);
        if !outcome.is_transient() || attempt >= opts.retries {
            return outcome;
        }
        attempt += 1;
        // Honour a short Retry-After; never wait longer than a few backoff steps.
        let pause = retry_after.map_or(wait, |r| r.min(wait * 4).max(wait));
        std::thread::sleep(pause);
        wait *= 2;
    }
}

/// One attempt: HEAD, then GET unless HEAD succeeded or was rate-limited.
fn ask(agent: &ureq::Agent, url: &str) -> (Outcome, Option<Duration>) {
    let head = classify(agent.head(url).call());
    match head.0 {
        Outcome::Ok { .. } | Outcome::RateLimited | Outcome::Timeout | Outcome::HostNotFound => {
            head
        }
        _ => classify(agent.get(url).call()),
    }
}

fn classify(
    result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> (Outcome, Option<Duration>) {
    match result {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let outcome = match status {
                429 => Outcome::RateLimited,
                200..=399 => Outcome::Ok { status },
                _ => Outcome::Broken { status },
            };
            (outcome, retry_after)
        }
        Err(ureq::Error::Timeout(_)) => (Outcome::Timeout, None),
        Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => {
            (Outcome::Timeout, None)
        }
        Err(ureq::Error::HostNotFound) => (Outcome::HostNotFound, None),
        Err(ureq::Error::StatusCode(status)) => (Outcome::Broken { status }, None),
        Err(e) => (
            Outcome::Failed {
                reason: e.to_string(),
            },
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Requests seen per path, and the most requests in flight at once.
    #[derive(Default)]
    struct Stats {
        hits: Mutex<BTreeMap<String, usize>>,
        in_flight: AtomicUsize,
        max_in_flight: AtomicUsize,
    }

    /// A local server on 127.0.0.1: `/ok` 200, `/missing` 404, `/limited` 429,
    /// `/slow` 200 after 1.5 s, `/no-head` 405 to HEAD and 200 to GET,
    /// `/flaky` 503 on the first request and 200 after, `/busy` 200 after 100 ms.
    fn serve() -> (String, Arc<Stats>) {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let stats = Arc::new(Stats::default());
        let st = stats.clone();
        std::thread::spawn(move || {
            for req in server.incoming_requests() {
                let st = st.clone();
                std::thread::spawn(move || {
                    let path = req.url().to_string();
                    let n = {
                        let mut hits = st.hits.lock().unwrap();
                        let n = hits.entry(path.clone()).or_default();
                        *n += 1;
                        *n
                    };
                    let now = st.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    st.max_in_flight.fetch_max(now, Ordering::SeqCst);
                    let head = *req.method() == tiny_http::Method::Head;
                    let status = match path.as_str() {
                        "/ok" => 200,
                        "/missing" => 404,
                        "/limited" => 429,
                        "/slow" => {
                            std::thread::sleep(Duration::from_millis(1500));
                            200
                        }
                        "/no-head" if head => 405,
                        "/no-head" => 200,
                        "/flaky" if n == 1 => 503,
                        "/flaky" => 200,
                        p if p.starts_with("/busy") => {
                            std::thread::sleep(Duration::from_millis(100));
                            200
                        }
                        _ => 404,
                    };
                    st.in_flight.fetch_sub(1, Ordering::SeqCst);
                    let _ = req.respond(tiny_http::Response::empty(status));
                });
            }
        });
        (format!("http://127.0.0.1:{port}"), stats)
    }

    fn opts() -> ExternalOptions {
        ExternalOptions {
            timeout: Duration::from_millis(500),
            retries: 1,
            backoff: Duration::from_millis(20),
            threads: 4,
            per_host: 2,
            cache_ttl: Duration::from_secs(3600),
        }
    }

    fn one(url: String) -> Vec<(String, String, Range<usize>)> {
        vec![(url, "a.md".into(), 3..10)]
    }

    fn hits(stats: &Stats, path: &str) -> usize {
        stats.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    #[test]
    fn statuses_become_errors_warnings_or_nothing() {
        let (base, _) = serve();
        let cache = tempfile::tempdir().unwrap();
        let urls = [
            "/ok",
            "/missing",
            "/limited",
            "/slow",
            "/no-head#frag",
            "/flaky",
        ]
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("{base}{p}"), "a.md".to_string(), i * 10..i * 10 + 5))
        .collect();
        let diags = check_external(urls, cache.path(), &opts());
        let got: Vec<(usize, Severity, String)> = diags
            .iter()
            .map(|d| (d.span.start, d.severity, d.message.replace(&base, "")))
            .collect();
        assert_eq!(
            got,
            [
                (
                    10,
                    Severity::Error,
                    "`/missing` answered HTTP 404 Not Found".to_string()
                ),
                (
                    20,
                    Severity::Warning,
                    "could not check `/limited`: the server answered 429 Too Many Requests".into()
                ),
                (
                    30,
                    Severity::Warning,
                    "could not check `/slow`: no answer in time".into()
                ),
            ]
        );
        assert!(diags
            .iter()
            .all(|d| d.rule == Rule::BrokenLink && d.file == "a.md"));
    }

    #[test]
    fn rate_limited_urls_are_retried_before_giving_up() {
        let (base, stats) = serve();
        let cache = tempfile::tempdir().unwrap();
        let o = ExternalOptions {
            retries: 2,
            ..opts()
        };
        check_external(one(format!("{base}/limited")), cache.path(), &o);
        // HEAD answered 429 each time: three attempts, no GET.
        assert_eq!(hits(&stats, "/limited"), 3);
    }

    #[test]
    fn cached_answers_are_not_asked_again_until_they_expire() {
        let (base, stats) = serve();
        let cache = tempfile::tempdir().unwrap();
        let urls = || {
            vec![
                (format!("{base}/ok"), "a.md".into(), 0..1),
                (format!("{base}/missing"), "a.md".into(), 2..3),
            ]
        };
        let first = check_external(urls(), cache.path(), &opts());
        let (ok, missing) = (hits(&stats, "/ok"), hits(&stats, "/missing"));
        let second = check_external(urls(), cache.path(), &opts());
        assert_eq!(first, second);
        assert_eq!(
            (hits(&stats, "/ok"), hits(&stats, "/missing")),
            (ok, missing)
        );
        assert!(cache.path().join(CACHE_FILE).exists());
        let expired = ExternalOptions {
            cache_ttl: Duration::ZERO,
            ..opts()
        };
        check_external(urls(), cache.path(), &expired);
        assert!(hits(&stats, "/ok") > ok);
    }

    #[test]
    fn transient_answers_are_not_cached() {
        let (base, stats) = serve();
        let cache = tempfile::tempdir().unwrap();
        let o = ExternalOptions {
            retries: 0,
            ..opts()
        };
        check_external(one(format!("{base}/limited")), cache.path(), &o);
        check_external(one(format!("{base}/limited")), cache.path(), &o);
        assert_eq!(hits(&stats, "/limited"), 2);
    }

    #[test]
    fn one_request_per_url_and_per_host_limit_holds() {
        let (base, stats) = serve();
        let cache = tempfile::tempdir().unwrap();
        let mut urls = Vec::new();
        for i in 0..8 {
            // Each URL twice, with different fragments: asked once.
            urls.push((format!("{base}/busy{i}#a"), "a.md".to_string(), 0..1));
            urls.push((format!("{base}/busy{i}#b"), "b.md".to_string(), 0..1));
        }
        let o = ExternalOptions {
            threads: 6,
            per_host: 2,
            ..opts()
        };
        assert!(check_external(urls, cache.path(), &o).is_empty());
        for i in 0..8 {
            assert_eq!(hits(&stats, &format!("/busy{i}")), 1);
        }
        assert!(stats.max_in_flight.load(Ordering::SeqCst) <= 2);
    }

    #[test]
    fn unreachable_port_is_a_warning_not_an_error() {
        // Bind then drop a listener: nothing listens on that port any more.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cache = tempfile::tempdir().unwrap();
        let o = ExternalOptions {
            retries: 0,
            ..opts()
        };
        let diags = check_external(one(format!("http://127.0.0.1:{port}/x")), cache.path(), &o);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].severity, Severity::Warning);
    }

    #[test]
    fn other_schemes_are_ignored() {
        let cache = tempfile::tempdir().unwrap();
        assert!(
            check_external(one("ftp://example.org/x".into()), cache.path(), &opts()).is_empty()
        );
        assert!(
            !cache.path().join(CACHE_FILE).exists()
                || load_cache(&cache.path().join(CACHE_FILE))
                    .entries
                    .is_empty()
        );
    }

    #[test]
    fn collects_only_external_targets_with_their_page_and_span() {
        use crate::checks::links::testsite;
        use crate::markdown::LinkKind;
        use crate::resolve::Target;
        let site = testsite::site();
        let mut docs = testsite::docs();
        let url = "https://example.org/a";
        docs[1].links.push(crate::markdown::Link {
            kind: LinkKind::Link,
            dest: url.into(),
            span: 40..61,
            target: Target::External { url: url.into() },
        });
        assert_eq!(
            external_urls(&site, &docs),
            [(url.to_string(), "consent/spec/intro.md".to_string(), 40..61)]
        );
    }

    #[test]
    fn host_ignores_credentials_and_case() {
        assert_eq!(
            host_of("https://u:p@Example.org:8080/a?b"),
            "example.org:8080"
        );
        assert_eq!(request_url("http://x/a#b"), "http://x/a");
    }
}
