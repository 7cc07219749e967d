//! Benchmark for `specsite serve` (run through `benches/serve_bench.sh`).
//!
//! Starts the release binary on a temp copy of the GovStack corpus, opens the
//! live-reload event stream, then edits one page `EDITS` times and measures
//! the time from writing the file to the `reload` event (median, min, max),
//! and the rebuild share reported on the status line. Then it makes up to
//! `RSS_EDITS` edits and compares the server's resident memory after the first
//! edit and after the last. A full `specsite build` of the same copy is timed
//! for comparison.
//!
//! Usage: `cargo run --release --example serve_bench [-- PAGE [EDITS [RSS_EDITS]]]`
//! (PAGE is root-relative, default `consent/spec/2-description.md`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn corpus() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        here.join("../shared/corpus/govstack"),
        PathBuf::from("/work/shared/corpus/govstack"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk corpus");
        let dest = to.join(e.path().strip_prefix(from).expect("inside corpus"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else if e.file_type().is_file() {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Waits for an `event: reload` whose data names `expect`; skips others.
fn next_reload(rx: &Receiver<String>, pending: &mut String, expect: &str) -> Option<Instant> {
    loop {
        while let Some(i) = pending.find("event: reload\n") {
            let Some(end) = pending[i..].find("\n\n") else {
                break;
            };
            let event: String = pending.drain(..i + end + 2).collect();
            if event.contains(expect) || event.contains("\"*\"") {
                return Some(Instant::now());
            }
        }
        pending.push_str(&rx.recv_timeout(Duration::from_secs(30)).ok()?);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let page = args
        .first()
        .cloned()
        .unwrap_or_else(|| "consent/spec/2-description.md".into());
    let edits: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let rss_edits: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(200);
    let Some(corpus) = corpus() else {
        println!("serve_bench: corpus not found; skipped");
        return;
    };
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/specsite");
    assert!(bin.exists(), "build first: cargo build --release");
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("govstack");
    copy_dir(&corpus, &root);

    // A full build, for comparison.
    let out = tmp.path().join("out");
    let t = Instant::now();
    let status = Command::new(&bin)
        .args(["build", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .stderr(Stdio::null())
        .status()
        .expect("run build");
    let full_build_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!("full `specsite build` (to disk): {full_build_ms:.0} ms (exit {status})");

    let mut child = Command::new(&bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let pid = child.id();
    let err = child.stderr.take().expect("stderr");
    let _guard = Guard(child);
    let (tx, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for l in BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    let mut port = 0u16;
    while let Ok(l) = lines.recv_timeout(Duration::from_secs(120)) {
        if l.starts_with("built ") {
            println!("serve: {l}");
        }
        if let Some(rest) = l.split("127.0.0.1:").nth(1) {
            port = rest
                .split('/')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            break;
        }
    }
    assert!(port != 0, "serve did not start");

    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(s, "GET /__specsite/events HTTP/1.1\r\nHost: x\r\n\r\n").expect("request");
    let (etx, events) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0
                || etx
                    .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                    .is_err()
            {
                break;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    let original = std::fs::read_to_string(root.join(&page)).expect("the page exists");
    let mut pending = String::new();
    // The reload that names the edited page (a second one follows for the
    // print view and the other pages the edit touched).
    let stem = Path::new(&page)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string();
    let expect = format!("{stem}/index.html");
    let mut latencies = Vec::new();
    let mut rebuilds = Vec::new();
    let mut totals = Vec::new();
    let mut rss_first = 0;
    let total = edits.max(rss_edits);
    for i in 0..total {
        let text = format!("{original}\n\nBenchmark edit number {i}.\n");
        // Let the previous update finish (its second phase also names the
        // page), then forget every event so far: only this edit's reload counts.
        std::thread::sleep(Duration::from_millis(250));
        while events.try_recv().is_ok() {}
        while lines.try_recv().is_ok() {}
        pending.clear();
        let t = Instant::now();
        std::fs::write(root.join(&page), text).expect("write page");
        let Some(at) = next_reload(&events, &mut pending, &expect) else {
            panic!("no reload event after edit {i}");
        };
        let ms = at.duration_since(t).as_secs_f64() * 1000.0;
        // The status line's own figures, without the debounce: when the
        // reload was sent, and when the whole update was done.
        let status = lines
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_default();
        let figure = |after: &str| {
            status
                .split(after)
                .nth(1)
                .and_then(|r| r.split(" ms").next())
                .and_then(|x| x.parse::<f64>().ok())
        };
        if i < edits {
            latencies.push(ms);
            if std::env::var_os("SERVE_BENCH_VERBOSE").is_some() {
                println!("  edit {i}: {ms:.1} ms; {status}");
            }
            rebuilds.extend(figure("reload sent at "));
            totals.extend(figure("done in "));
        }
        if i == 0 {
            rss_first = rss_kib(pid);
        }
        if (i + 1) % 50 == 0 {
            println!("  RSS after edit {}: {} MiB", i + 1, rss_kib(pid) / 1024);
        }
    }
    let rss_last = rss_kib(pid);
    let (min, max) = (
        latencies.iter().cloned().fold(f64::MAX, f64::min),
        latencies.iter().cloned().fold(0.0, f64::max),
    );
    println!(
        "write → reload event over {edits} edits of {page}: median {:.1} ms (min {min:.1}, max {max:.1}); includes the {} ms debounce",
        median(&mut latencies),
        specsite::serve::watch::DEBOUNCE.as_millis()
    );
    if !rebuilds.is_empty() && !totals.is_empty() {
        println!(
            "rebuild alone (status line): reload sent after median {:.1} ms; whole update (findings, print view, llms.txt) median {:.1} ms",
            median(&mut rebuilds),
            median(&mut totals)
        );
    }
    let growth = (rss_last as f64 - rss_first as f64) / rss_first.max(1) as f64 * 100.0;
    println!(
        "RSS after edit 1: {} MiB; after edit {total}: {} MiB ({growth:+.1} %)",
        rss_first / 1024,
        rss_last / 1024
    );
}
