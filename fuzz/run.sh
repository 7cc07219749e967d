#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 600), niced, with
# seeds taken from the GovStack corpus, and prints per target the CPU time,
# executions and crashes (libFuzzer's final statistics).
#
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
# FUZZ_NICE sets the nice level of the runs (default 19: stay out of the way
# of interactive work; 0 gives the fuzzer a full share of the CPU).
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly compiler, or
# stable with RUSTC_BOOTSTRAP=1 (set here). Crashes land in fuzz/artifacts/.
set -euo pipefail
secs="${1:-600}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(markdown summary front_matter glossary_yaml terminology openapi)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
corpus=""
for c in "$here/../../shared/corpus/govstack" /work/shared/corpus/govstack; do
  [[ -d "$c" ]] && { corpus="$c"; break; }
done
export RUSTC_BOOTSTRAP=1
cd "$here"

# Seeds: real files of the kind each target reads (none when the corpus is absent).
seed() {
  local target="$1" dir="corpus/$1"
  mkdir -p "$dir"
  [[ -n "$corpus" && -z "$(ls -A "$dir")" ]] || return 0
  local i=0
  case "$target" in
    markdown|front_matter)
      find "$corpus" -name '*.md' ! -name SUMMARY.md -size -64k | sort | head -200 ;;
    summary) find "$corpus" -name SUMMARY.md | sort ;;
    terminology) find "$corpus" -iname '*terminolog*.md' | sort ;;
    glossary_yaml) find "$corpus" -path '*glossary*' \( -name '*.yaml' -o -name '*.yml' \) | sort ;;
    openapi) find "$corpus" \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) ! -name .gitbook.yaml -size -64k | sort | head -60 ;;
  esac | while IFS= read -r f; do
    i=$((i + 1))
    if [[ "$target" == openapi ]]; then
      { echo "get /"; cat "$f"; } > "$dir/seed-$i"
    else
      cp "$f" "$dir/seed-$i"
    fi
  done
}

cargo fuzz build -O
for t in "${targets[@]}"; do
  seed "$t"
  log="$(mktemp)"
  start=$(date +%s)
  /usr/bin/time -f '%U %S' -o "$log.time" nice -n "${FUZZ_NICE:-19}" cargo fuzz run -O "$t" "corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=3072 -timeout=60 -max_len=65536 \
    -print_final_stats=1 >"$log" 2>&1 || true
  read -r user sys < "$log.time"
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  crashes=$(find "artifacts/$t" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null | wc -l)
  printf '%-14s wall %4ds  cpu %6.1f min  execs %9s  crashes %s\n' "$t" "$(( $(date +%s) - start ))" \
    "$(echo "($user + $sys) / 60" | bc -l)" "$execs" "$crashes"
  tail -n 30 "$log" > "artifacts-$t.log" 2>/dev/null || true
  rm -f "$log" "$log.time"
done
