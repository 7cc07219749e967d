#!/usr/bin/env bash
# The kill test: builds the GovStack corpus and kills the build with SIGKILL
# at a random moment, N times (default 20). After each kill, --out must still
# be a complete site (byte for byte the site a whole build writes), and after
# the next whole build nothing the killed one left may remain beside it.
#
# Usage: benches/kill_test.sh [--runs N] [--bin PATH] [--corpus DIR] [--seed S]
#   --bin defaults to target/release/specsite (built when missing).
set -euo pipefail
runs=20
bin=""
corpus=""
seed=17
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --corpus) corpus="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "kill_test.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "$corpus" ]]; then
  for c in "$repo/../shared/corpus/govstack" /work/shared/corpus/govstack; do
    [[ -d "$c" ]] && { corpus="$c"; break; }
  done
fi
[[ -n "$corpus" && -d "$corpus" ]] || { echo "kill_test.sh: corpus not found (--corpus DIR)" >&2; exit 2; }
if [[ -z "$bin" ]]; then
  bin="$repo/target/release/specsite"
  [[ -x "$bin" ]] || (cd "$repo" && cargo build --release)
fi
RANDOM=$seed
work="$(mktemp -d "${TMPDIR:-/tmp}/specsite-kill.XXXXXX")"
trap 'rm -rf "$work"' EXIT
out="$work/out"

# Every file of the site with its checksum, one line each, sorted.
listing() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha1sum); }
# What lies beside --out besides it.
leftovers() { find "$work" -mindepth 1 -maxdepth 1 ! -name out ! -name ref.txt ! -name now.txt | wc -l; }

t0=$(date +%s%N)
"$bin" build --root "$corpus" --out "$out" >/dev/null 2>&1 || [[ $? -eq 1 ]]
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
listing "$out" > "$work/ref.txt"
files=$(wc -l < "$work/ref.txt")
echo "whole build: ${ms} ms, ${files} files; killing at random moments in 0..$((ms * 11 / 10)) ms"
fail=0
for i in $(seq 1 "$runs"); do
  delay=$(( RANDOM % (ms * 11 / 10 + 1) ))
  "$bin" build --root "$corpus" --out "$out" >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  left=$(leftovers)
  listing "$out" > "$work/now.txt"
  if cmp -s "$work/ref.txt" "$work/now.txt"; then complete=yes; else complete=NO; fail=1; fi
  # The next whole build removes what the killed one left.
  "$bin" build --root "$corpus" --out "$out" >/dev/null 2>&1 || [[ $? -eq 1 ]]
  after=$(leftovers)
  [[ "$after" -eq 0 ]] || fail=1
  printf 'kill %2d at %5d ms: --out complete: %s; left beside it: %d; after the next build: %d\n' \
    "$i" "$delay" "$complete" "$left" "$after"
done
[[ $fail -eq 0 ]] && echo "kill test: $runs of $runs passed" || { echo "kill test: FAILED"; exit 1; }
