//! Stage timings, printed to stderr when `SPECSITE_TIMINGS` is set: the
//! benchmark's way to see where a build spends its time. Each line gives the
//! stage's wall time and the CPU time (user + system, all threads) it used,
//! so a stage that leaves a core idle shows CPU close to its wall time.

use std::time::{Duration, Instant};

/// Measures consecutive stages of one run.
pub struct Stages {
    enabled: bool,
    last: Instant,
    last_cpu: Duration,
}

/// CPU time of the whole process so far (every thread, user and system).
fn process_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) } == 0;
    if ok {
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    } else {
        Duration::ZERO
    }
}

/// Resident set size now, in MiB (0 where `/proc` is missing).
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |pages| pages * 4096.0 / 1048576.0)
}

impl Stages {
    /// Starts timing (a no-op unless `SPECSITE_TIMINGS` is set).
    pub fn start() -> Stages {
        let enabled = std::env::var_os("SPECSITE_TIMINGS").is_some();
        Stages {
            enabled,
            last: Instant::now(),
            last_cpu: if enabled {
                process_cpu()
            } else {
                Duration::ZERO
            },
        }
    }

    /// Prints a line of facts about the run (sizes, counts) among the stages.
    pub fn note(&self, what: &str) {
        if self.enabled {
            eprintln!("timing: {what}");
        }
    }

    /// [`Stages::note`] for a line worth making only when it is printed.
    pub fn note_with(&self, what: impl FnOnce() -> String) {
        if self.enabled {
            self.note(&what());
        }
    }

    /// Ends the current stage, naming it.
    pub fn mark(&mut self, stage: &str) {
        if self.enabled {
            let now = Instant::now();
            let cpu = process_cpu();
            eprintln!(
                "timing: {stage:<12} {:>8.1} ms  (cpu {:>7.1} ms, rss {:>6.0} MiB)",
                (now - self.last).as_secs_f64() * 1000.0,
                (cpu.saturating_sub(self.last_cpu)).as_secs_f64() * 1000.0,
                rss_mib()
            );
            self.last = now;
            self.last_cpu = cpu;
        }
    }
}
