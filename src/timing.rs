//! Stage timings, printed to stderr when `SPECSITE_TIMINGS` is set: the
//! benchmark's way to see where a build spends its time.

use std::time::Instant;

/// Measures consecutive stages of one run.
pub struct Stages {
    enabled: bool,
    last: Instant,
}

impl Stages {
    /// Starts timing (a no-op unless `SPECSITE_TIMINGS` is set).
    pub fn start() -> Stages {
        Stages {
            enabled: std::env::var_os("SPECSITE_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    /// Ends the current stage, naming it.
    pub fn mark(&mut self, stage: &str) {
        if self.enabled {
            let now = Instant::now();
            eprintln!(
                "timing: {stage:<10} {:>8.1} ms",
                (now - self.last).as_secs_f64() * 1000.0
            );
            self.last = now;
        }
    }
}
