//! `specsite serve`: build the site into memory, serve it over HTTP on
//! 127.0.0.1, watch the sources and rebuild only what an edit touched, and
//! tell open browser tabs to reload (DESIGN.md §7).
//!
//! - [`store`]: the built site in memory;
//! - [`http`]: requests, path checks, the `404.html`, the event stream;
//! - [`watch`]: the debounced watcher and the change classifier;
//! - [`incremental`]: the live site and its dependency graph.
//!
//! A build problem in a changed file (an error finding, an unclosed block, a
//! fatal load error) is printed to the terminal and shown as an overlay in
//! the browser; the server keeps the last good site and keeps running.

pub mod http;
pub mod incremental;
pub mod store;
pub mod watch;

use crate::diag::render::{render_report, Format, ReportOptions};
use crate::diag::{Diagnostic, Summary};
use crate::{Fatal, Options};
use incremental::Live;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// The script injected before `</body>` in serve mode only: reloads the
/// open page on a `reload` event (keeping its scroll position) and shows
/// build errors as an overlay.
pub const LIVE_RELOAD_HTML: &str = include_str!("livereload.html");

/// `specsite serve` options.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root.
    pub root: PathBuf,
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// Port; 0 picks a free one (printed).
    pub port: u16,
    /// Address to bind (default 127.0.0.1).
    pub bind: Option<String>,
}

/// Builds, serves and watches until the process is stopped. Returns only
/// when the first build or the server cannot start.
pub fn run(so: ServeOptions) -> Result<u8, Fatal> {
    let opts = Options {
        root: so.root.clone(),
        config: so.config.clone(),
        out: Some(so.root.join("public")),
        offline: false,
        skip_html: false,
        all_versions: false,
    };
    let store = Arc::new(store::Store::default());
    let hub = Arc::new(http::Hub::default());
    let started = Instant::now();
    let mut live = Live::build(opts, LIVE_RELOAD_HTML.to_string(), store.clone())?;
    let s = Summary::of(&live.analysis.diagnostics);
    eprintln!(
        "built {} pages from {} in memory in {} ms ({} errors, {} warnings; `specsite check` lists them)",
        live.analysis.site.pages.len(),
        crate::content::count_books(&live.analysis.site),
        started.elapsed().as_millis(),
        s.errors,
        s.warnings,
    );
    // Watch (and stamp the known files) before announcing the address, so an
    // edit made as soon as the server answers is never missed.
    let config = so
        .config
        .as_ref()
        .map(|c| std::fs::canonicalize(c).unwrap_or_else(|_| c.clone()));
    let (_watcher, rx) = watch::watch(
        live.root(),
        config.as_deref(),
        &live.analysis.site.git_versions,
    )
    .map_err(|e| Fatal::Other(anyhow::anyhow!("cannot watch {}: {e}", so.root.display())))?;
    let mut overlay = Overlay::default();
    let mut stamps = watch::Stamps::default();
    stamps.record_new(watch::known_files(&live.analysis.site, config.as_deref()));
    let bind = so.bind.clone().unwrap_or_else(|| "127.0.0.1".to_string());
    let server = tiny_http::Server::http((bind.as_str(), so.port)).map_err(|e| {
        Fatal::Other(anyhow::anyhow!(
            "cannot listen on {bind} port {}: {e}",
            so.port
        ))
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Fatal::Other(anyhow::anyhow!("the server has no IP address")))?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: serving on {bind}: other machines that can reach this address can read the site"
        );
    }
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    eprintln!(
        "serving at http://{host}:{}/ (port {}; Ctrl-C stops)",
        addr.port(),
        addr.port()
    );
    {
        let (store, hub) = (store.clone(), hub.clone());
        std::thread::Builder::new()
            .name("specsite-server".into())
            .spawn(move || http::serve(server, store, hub))
            .map_err(|e| Fatal::Other(e.into()))?;
    }
    while let Ok(batch) = rx.recv() {
        let mut paths: Vec<PathBuf> = Vec::new();
        let mut push = |batch: notify_debouncer_mini::DebounceEventResult| match batch {
            Ok(events) => paths.extend(events.into_iter().map(|e| e.path)),
            Err(e) => eprintln!("serve: watch error: {e}"),
        };
        push(batch);
        while let Ok(more) = rx.try_recv() {
            push(more);
        }
        paths.sort();
        paths.dedup();
        let paths = stamps.changed(paths);
        let plan = watch::classify(&live.analysis.site, config.as_deref(), &paths);
        if plan.is_empty() {
            continue;
        }
        let t = Instant::now();
        // The edited pages first: served and announced as soon as they are
        // rendered; then the rest (findings, print view, glossary pages).
        let result = live.apply(&plan).and_then(|first| {
            let reload_ms = ms_since(t);
            if !first.changed.is_empty() {
                announce(&hub, &first.changed);
            }
            let rest = live.finish()?;
            if !rest.changed.is_empty() {
                announce(&hub, &rest.changed);
            }
            Ok((first, rest, reload_ms))
        });
        release_free_memory();
        if result.as_ref().is_ok_and(|(first, _, _)| first.full) {
            stamps.record_new(watch::known_files(&live.analysis.site, config.as_deref()));
        }
        match result {
            Ok((first, _, _)) if first.what.is_empty() => {}
            Ok((first, rest, reload_ms)) => {
                let changed = if first.full || rest.changed.iter().any(|c| c == "*") {
                    "all".to_string()
                } else {
                    (first.changed.len() + rest.changed.len()).to_string()
                };
                eprintln!(
                    "[serve] {}: {} parsed, {} re-rendered, {} changed; reload sent at {:.1} ms, done in {:.1} ms",
                    first.what,
                    first.parsed,
                    first.rendered + rest.rendered,
                    changed,
                    reload_ms,
                    ms_since(t)
                );
                overlay.fatal = None;
                // After a full rebuild the tables of contents are looked at
                // too: a deleted page is a `summary-missing-file` there.
                let mut files = plan.files.clone();
                if first.full {
                    let books = &live.analysis.site.books;
                    files.extend(books.iter().map(|b| b.summary_file.clone()));
                }
                let problems = live.problems_in(&files);
                for f in &files {
                    overlay.files.remove(f);
                }
                for d in &problems {
                    overlay
                        .files
                        .entry(d.file.clone())
                        .or_default()
                        .push(d.clone());
                }
                if !problems.is_empty() {
                    eprint!("{}", report(&problems, &live.analysis.site.sources));
                }
                hub.set_error(overlay.payload(&live.analysis.site.sources));
            }
            Err(e) => {
                let text = fatal_report(&e);
                eprintln!(
                    "[serve] build failed ({:.1} ms); still serving the last good site",
                    ms_since(t)
                );
                eprint!("{text}");
                overlay.fatal = Some(text);
                hub.set_error(overlay.payload(&live.analysis.site.sources));
            }
        }
    }
    Ok(0)
}

/// Hands memory freed by a rebuild back to the system. glibc keeps freed
/// blocks in per-thread arenas; after many rebuilds on rayon's threads that
/// shows as resident memory that is never used again.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        // SAFETY: glibc's malloc_trim only walks the allocator's own free
        // lists; it takes no pointers and is safe to call at any time.
        unsafe {
            malloc_trim(0);
        }
    }
}

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Tells every tab which output files changed (`*`: all); a tab reloads
/// when its own page is among them.
fn announce(hub: &http::Hub, changed: &[String]) {
    let all = changed.len() > 200 || changed.iter().any(|c| c == "*");
    let list: Vec<&str> = if all {
        vec!["*"]
    } else {
        changed.iter().map(String::as_str).collect()
    };
    hub.broadcast(
        "reload",
        &serde_json::json!({ "changed": list }).to_string(),
    );
}

/// What the browser overlay shows: problems per changed file, or a fatal error.
#[derive(Debug, Default)]
struct Overlay {
    files: BTreeMap<String, Vec<Diagnostic>>,
    fatal: Option<String>,
}

impl Overlay {
    /// The `error` event's JSON, or `None` when there is nothing to show.
    fn payload(&self, sources: &BTreeMap<String, Arc<str>>) -> Option<String> {
        let mut errors: Vec<serde_json::Value> = Vec::new();
        if let Some(f) = &self.fatal {
            errors.push(serde_json::json!({"rule": "fatal", "message": f.trim(), "report": f}));
        }
        let mut at = crate::diag::Locator::new(sources);
        for d in self.files.values().flatten() {
            let l = at.locate(d);
            errors.push(serde_json::json!({
                "file": l.file, "line": l.line, "column": l.column, "rule": l.rule,
                "severity": l.severity, "message": l.message,
                "report": report(std::slice::from_ref(d), sources),
            }));
        }
        if errors.is_empty() {
            return None;
        }
        let title = if self.fatal.is_some() {
            "Build failed"
        } else {
            "Build problems"
        };
        Some(serde_json::json!({"title": title, "errors": errors}).to_string())
    }
}

/// Findings in the human format, coloured on a terminal unless `NO_COLOR`.
fn report(diags: &[Diagnostic], sources: &BTreeMap<String, Arc<str>>) -> String {
    use std::io::IsTerminal;
    let opts = ReportOptions {
        color: std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        git_prefix: String::new(),
        ..Default::default()
    };
    let mut out = render_report(Format::Human, diags, sources, &opts);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A fatal error as text, with the config finding's snippet when it has one.
fn fatal_report(e: &Fatal) -> String {
    let mut out = String::new();
    if let Fatal::Load(crate::content::LoadError::Config {
        diagnostic, text, ..
    }) = e
    {
        let sources = BTreeMap::from([(diagnostic.file.clone(), text.clone())]);
        out.push_str(&report(std::slice::from_ref(diagnostic), &sources));
    }
    out.push_str(&format!("error: {e}\n"));
    out
}
