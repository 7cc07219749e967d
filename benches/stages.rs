//! Times the build's stages one by one through the library's own stage
//! functions, on a site (default the GovStack corpus beside the project,
//! else the demo site in this repository): load, the GitBook dialect, the
//! glossary, markdown parsing, requirements, checks, search docs, the browser index,
//! the theme's templates and rendering (into memory, so no disk is measured). Prints each stage's
//! median and fastest wall time over `RUNS` runs (default 5).
//!
//! The requirement work is timed stage by stage beside the rest, so its share
//! of a build is measured side by side in one run: extraction (`requirements`),
//! putting ids and anchors into the pages (`req-place`), the index pages'
//! data and the `requirements.json`/`checklist.csv` files (`req-pages`), and
//! rendering the index pages (`render` with them minus `render-noreq`
//! without). The last lines sum these against all stages.
//!
//! Usage: `cargo bench --bench stages [-- ROOT]` (`RUNS=9` for more runs).
//! A whole build, stages overlapped as `build` runs them, is timed by
//! `benches/bench.sh`; `SPECSITE_TIMINGS=1` breaks a real build down.

use specsite::output::MemorySink;
use specsite::render::site::{Generated, RenderEnv};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn default_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = here.join("../shared/corpus/govstack");
    if corpus.is_dir() {
        corpus
    } else {
        here.to_path_buf()
    }
}

/// Runs `f` `runs` times; returns its last result with the median and
/// fastest time.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (T, Duration, Duration) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        times.push(start.elapsed());
        last = Some(out);
    }
    times.sort();
    (
        last.expect("at least one run"),
        times[times.len() / 2],
        times[0],
    )
}

fn report(stage: &str, median: Duration, min: Duration) {
    println!(
        "{stage:<14} {:>9.1} {:>9.1}",
        median.as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3
    );
}

fn main() {
    // `cargo bench` passes `--bench`; the first other argument is the root.
    let root = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(default_root);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(5);
    let opts = specsite::Options {
        root: root.clone(),
        ..Default::default()
    };
    println!("site: {} ({runs} runs)", root.display());
    println!("{:<14} {:>9} {:>9}", "stage", "median-ms", "min-ms");

    let (site, med, min) = time(runs, || specsite::load(&opts).expect("site loads"));
    report("load", med, min);
    let load_med = med;
    let all: Vec<usize> = (0..site.pages.len()).collect();
    let (_, med, min) = time(runs, || specsite::preprocess_pages(&site, &all));
    report("dialect", med, min);
    let ((glossary, glossary_diags), med, min) =
        time(runs, || specsite::glossary::load_glossary(&site));
    report("glossary", med, min);
    let glossary_med = med;
    let (docs, med, min) = time(runs, || {
        specsite::parse_docs(&site, &glossary, false, true, &all)
    });
    report("dialect+parse", med, min);
    let parse_med = med;
    let (requirements, med, min) =
        time(runs, || specsite::requirements::extract_site(&site, &docs));
    report("requirements", med, min);
    let mut stages: Vec<(&str, Duration)> = Vec::new();
    stages.push(("requirements", med));
    // Ids and anchors go into each page's HTML once: each run gets a fresh copy.
    let mut placed = None;
    let mut place_times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut copy = docs.clone();
        let start = Instant::now();
        specsite::requirements::place_in_docs(&site, &mut copy, &requirements, false);
        place_times.push(start.elapsed());
        placed = Some(copy);
    }
    let docs = placed.expect("at least one run");
    place_times.sort();
    report("req-place", place_times[runs / 2], place_times[0]);
    stages.push(("req-place", place_times[runs / 2]));
    let ((req_pages, _), med, min) = time(runs, || {
        (
            specsite::requirements::pages::generated(&site, &requirements, false),
            specsite::requirements::pages::files(&site, &requirements),
        )
    });
    report("req-pages", med, min);
    stages.push(("req-pages", med));
    let (_, med, min) = time(runs, || {
        specsite::collect_diagnostics(&site, &glossary, &glossary_diags, &docs, &requirements)
    });
    report("checks", med, min);
    stages.push(("load", load_med));
    stages.push(("glossary", glossary_med));
    stages.push(("dialect+parse", parse_med));
    stages.push(("checks", med));
    let analysis = specsite::Analysis {
        site,
        glossary,
        docs,
        requirements,
        diagnostics: Vec::new(),
    };
    let (search_docs, med, min) = time(runs, || specsite::search_docs(&analysis));
    report("search-docs", med, min);
    stages.push(("search-docs", med));
    let (_, med, min) = time(runs, || {
        specsite::search::write_browser_index(&search_docs, &|_: &str, _: Vec<u8>| {})
    });
    report("browser-index", med, min);
    stages.push(("browser-index", med));
    let (theme, med, min) = time(runs, || {
        specsite::render::theme::Theme::load(&root, analysis.site.config.theme.as_deref())
            .expect("theme loads")
    });
    report("theme", med, min);
    let glossary_pages: Vec<Generated> = specsite::glossary_generated(&analysis, false);
    let mut generated = glossary_pages.clone();
    generated.extend(req_pages);
    let env = RenderEnv {
        site: &analysis.site,
        docs: &analysis.docs,
        theme: &theme,
        offline: false,
        search_manifest: specsite::search::manifest_path(&search_docs),
        body_end_html: String::new(),
        books_with_glossary: Default::default(),
        last_updated: Default::default(),
        requirements: &analysis.requirements,
    };
    let (bytes, med, min) = time(runs, || {
        let sink = MemorySink::default();
        specsite::render::site::render_site(&env, &generated.as_slice(), &sink)
            .expect("site renders");
        let files = sink.files.into_inner().expect("sink lock");
        files.values().map(Vec::len).sum::<usize>()
    });
    report("render", med, min);
    let render_med = med;
    println!("rendered {:.1} MB into memory", bytes as f64 / 1e6);
    let (_, med, min) = time(runs, || {
        let sink = MemorySink::default();
        specsite::render::site::render_site(&env, &glossary_pages.as_slice(), &sink)
            .expect("site renders");
    });
    report("render-noreq", med, min);
    let req_render = render_med.saturating_sub(med);
    stages.push(("render", render_med));
    let total: Duration = stages.iter().map(|(_, d)| *d).sum();
    let req: Duration = stages
        .iter()
        .filter(|(n, _)| n.starts_with("req"))
        .map(|(_, d)| *d)
        .sum::<Duration>()
        + req_render;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "requirement work: {:.1} ms (extraction, ids and anchors, index data and files, \
         {:.1} ms rendering the index pages) of {:.1} ms for all stages: {:.1} % (medians)",
        ms(req),
        ms(req_render),
        ms(total),
        100.0 * req.as_secs_f64() / total.as_secs_f64()
    );
}
