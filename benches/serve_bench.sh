#!/usr/bin/env bash
# Live-preview benchmark: write → reload latency and memory over many edits,
# on a temp copy of the GovStack corpus. Release build.
# Usage: benches/serve_bench.sh [PAGE [EDITS [RSS_EDITS]]]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
cargo run --release --quiet --example serve_bench -- "$@"
