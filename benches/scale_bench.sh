#!/usr/bin/env bash
# Cost of links per page and of findings per file: one page of 10,000 and of
# 40,000 links (`check`), and one page of 16,000 and of 32,000 broken links
# (`check --format json|sarif|github|human`). Linear costs grow 4x and 2x;
# the quadratic paths this guards against grew 16x and 4x.
#
# Usage: benches/scale_bench.sh [--bin PATH] [--runs N]   (see docs/bench.md)
set -euo pipefail
bin=""
runs=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scale_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "$bin" ]]; then
  bin="$repo/target/release/specsite"
  [[ -x "$bin" ]] || (cd "$repo" && cargo build --release)
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/specsite-scale.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# site NAME N TARGET: one book whose page holds N links to TARGET, 4 a line.
site() {
  local dir="$work/$1"
  mkdir -p "$dir/content/book"
  printf '* [A](a.md)\n' > "$dir/content/book/SUMMARY.md"
  awk -v n="$2" -v t="$3" 'BEGIN { print "# Links\n"; for (i = 0; i < n; i++) { printf "[link %d](%s) ", i, t; if (i % 4 == 3) print "" } }' \
    > "$dir/content/book/a.md"
}
# Fastest of $runs runs of a command, in milliseconds.
time_ms() {
  local best=""
  for _ in $(seq 1 "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    [[ -z "$best" || $ms -lt $best ]] && best=$ms
  done
  echo "$best"
}
site links10k 10000 a.md
site links40k 40000 a.md
site find16k 16000 missing.md
site find32k 32000 missing.md
echo "binary: $bin"
printf '%-28s %10s %10s %7s\n' "measure" "small" "large" "ratio"
a=$(time_ms "$bin" check --root "$work/links10k")
b=$(time_ms "$bin" check --root "$work/links40k")
printf '%-28s %8d ms %8d ms %6.1fx\n' "check, 10k vs 40k links" "$a" "$b" "$(echo "$b / $a" | bc -l)"
for f in human json sarif github; do
  a=$(time_ms "$bin" check --root "$work/find16k" --format "$f")
  b=$(time_ms "$bin" check --root "$work/find32k" --format "$f")
  printf '%-28s %8d ms %8d ms %6.1fx\n' "check --format $f, 16k vs 32k findings" "$a" "$b" "$(echo "$b / $a" | bc -l)"
done
