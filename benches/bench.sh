#!/usr/bin/env bash
# Benchmarks `specsite build` and `specsite check` on the GovStack corpus at
# three sizes (x1, x10, x50), and mdBook on the same books when it is installed.
#
# Usage: benches/bench.sh [options]        (see docs/bench.md)
#   --runs N         timed runs per measurement (default 5)
#   --scales "A B"   scale factors to run (default "1 10 50")
#   --corpus DIR     corpus folder (default ../shared/corpus/govstack, then
#                    /work/shared/corpus/govstack)
#   --bin PATH       specsite binary to time (default target/release/specsite)
#   --no-build       skip `cargo build --release`
#   --prepare-only   make the scaled copies, print their sizes, time nothing
#   --keep           keep the temporary folder (its path is printed)
#   --no-hyperfine   time with a shell loop even when hyperfine is installed
#
# A scaled copy xN holds every corpus book once, plus N-1 copies of every book
# except `architecture`, named <book>-copy1 .. <book>-copy(N-1). Architecture
# holds the common terminology, so the common glossary stays one glossary.
set -euo pipefail

runs=5
scales="1 10 50"
corpus=""
bin=""
build=1
prepare_only=0
keep=0
use_hyperfine=1

die() { echo "bench.sh: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --scales) scales="${2:?--scales needs a list}"; shift 2 ;;
    --corpus) corpus="${2:?--corpus needs a folder}"; shift 2 ;;
    --bin) bin="${2:?--bin needs a path}"; shift 2 ;;
    --no-build) build=0; shift ;;
    --prepare-only) prepare_only=1; shift ;;
    --keep) keep=1; shift ;;
    --no-hyperfine) use_hyperfine=0; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive number, got '$runs'"
for s in $scales; do
  [[ "$s" =~ ^[1-9][0-9]*$ ]] || die "--scales must be positive numbers, got '$s'"
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "$corpus" ]]; then
  for c in "$repo/../shared/corpus/govstack" /work/shared/corpus/govstack; do
    if [[ -d "$c" ]]; then corpus="$c"; break; fi
  done
fi
[[ -n "$corpus" && -d "$corpus" ]] || die "corpus not found (pass --corpus DIR)"
corpus="$(cd "$corpus" && pwd)"
[[ -d "$corpus/architecture" ]] || die "$corpus has no architecture/ book"

work="$(mktemp -d "${TMPDIR:-/tmp}/specsite-bench.XXXXXX")"
cleanup() {
  if [[ $keep -eq 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The book folders of the corpus: sub-folders holding SUMMARY.md or
# .gitbook.yaml (discovery rule 3 of DESIGN.md section 1).
corpus_books() {
  local d
  for d in "$corpus"/*/; do
    d="${d%/}"
    if [[ -e "$d/.gitbook.yaml" || -e "$d/SUMMARY.md" ]]; then basename "$d"; fi
  done
}

# make_scaled N DIR: DIR gets every book once and N-1 renamed copies of every
# book but architecture. Copies are hard links to DIR's own first copy (same
# file system, near-zero space), never to the read-only corpus.
make_scaled() {
  local n="$1" dir="$2" book k
  mkdir -p "$dir"
  for book in $(corpus_books); do
    cp -R "$corpus/$book" "$dir/$book"
  done
  for book in $(corpus_books); do
    [[ "$book" == architecture ]] && continue
    for ((k = 1; k < n; k++)); do
      cp -al "$dir/$book" "$dir/$book-copy$k" 2>/dev/null || cp -R "$dir/$book" "$dir/$book-copy$k"
    done
  done
}

# Number of markdown files in a site folder, SUMMARY.md excluded.
count_md() {
  find "$1" -name '*.md' ! -name SUMMARY.md | wc -l | tr -d ' '
}

# Pages a build wrote: the sitemap's <loc> entries, else the index.html files.
count_pages() {
  local out="$1"
  if [[ -f "$out/sitemap.xml" ]]; then
    grep -o '<loc>' "$out/sitemap.xml" | wc -l | tr -d ' '
  else
    find "$out" -name index.html | wc -l | tr -d ' '
  fi
}

have_hyperfine() { [[ $use_hyperfine -eq 1 ]] && command -v hyperfine >/dev/null; }

median() { sort -n | awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# Peak resident set size (MiB) of one run of a command, via GNU time.
peak_rss_mib() {
  local f="$work/rss.txt"
  if [[ ! -x /usr/bin/time ]]; then echo "n/a"; return; fi
  /usr/bin/time -f '%M' -o "$f" "$@" >/dev/null 2>&1 || true
  # GNU time puts "Command exited with non-zero status N" first on failure.
  awk 'END {printf "%.1f", $1 / 1024}' "$f"
}

# time_cmd LABEL PREPARE CMD...: median wall time in ms over $runs runs. PREPARE
# (a shell snippet, may be empty) runs untimed before every run. Exit codes 0
# and 1 (findings) count as success; 2 and up abort the benchmark.
time_cmd() {
  local label="$1" prepare="$2"; shift 2
  local json="$work/hf-$label.json" i t0 t1 rc
  if have_hyperfine; then
    local qcmd opts=(--style none --runs "$runs" --warmup 1 -i --export-json "$json")
    printf -v qcmd '%q ' "$@"
    if [[ -n "$prepare" ]]; then opts+=(--prepare "$prepare"); fi
    hyperfine "${opts[@]}" "$qcmd" >/dev/null 2>"$work/hf-$label.log"
    # hyperfine -i ignores every failure; see that the command ran at all.
    if [[ -n "$prepare" ]]; then bash -c "$prepare"; fi
    rc=0; "$@" >/dev/null 2>&1 || rc=$?
    [[ $rc -le 1 ]] || die "$label: '$*' exited $rc"
    if command -v jq >/dev/null; then
      jq -r '.results[0].median * 1000 | floor' "$json"
    else
      python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$json"
    fi
  else
    for ((i = 0; i < runs; i++)); do
      if [[ -n "$prepare" ]]; then bash -c "$prepare"; fi
      t0=$(date +%s%N)
      rc=0; "$@" >/dev/null 2>&1 || rc=$?
      t1=$(date +%s%N)
      [[ $rc -le 1 ]] || die "$label: '$*' exited $rc"
      echo $(((t1 - t0) / 1000000))
    done | median
  fi
}

# The page root of a GitBook book folder: `.gitbook.yaml` root:, U+200B removed.
page_root() {
  local book="$1" root=""
  if [[ -f "$book/.gitbook.yaml" ]]; then
    root="$(sed 's/\xe2\x80\x8b//g' "$book/.gitbook.yaml" | awk -F': *' '/^root:/ {print $2; exit}' | tr -d '"'"'"' \r')"
  fi
  root="${root#./}"
  root="${root%/}"
  if [[ -n "$root" ]]; then echo "$book/$root"; else echo "$book"; fi
}

# mdbook_script DIR OUT: writes a script that builds every book of DIR with
# mdBook (one book.toml per book, pointing at its page root), one after the
# other. It exits 0 and writes the number of books mdBook failed on to
# $work/mdbook-failed-<x>.
mdbook_script() {
  local dir="$1" out="$2" script="$work/mdbook-$(basename "$dir").sh" b src
  echo "set -u; failed=0" >"$script"
  for b in "$dir"/*/; do
    b="${b%/}"
    src="$(page_root "$b")"
    [[ -f "$src/SUMMARY.md" ]] || continue
    mkdir -p "$work/mdbook/$(basename "$dir")/$(basename "$b")"
    cat >"$work/mdbook/$(basename "$dir")/$(basename "$b")/book.toml" <<EOF
[book]
title = "$(basename "$b")"
src = "$src"

[build]
build-dir = "$out/$(basename "$b")"
create-missing = false
EOF
    printf 'mdbook build %q >/dev/null 2>&1 || failed=$((failed + 1))\n' "$work/mdbook/$(basename "$dir")/$(basename "$b")" >>"$script"
  done
  printf 'echo "$failed" >%q\n' "$work/mdbook-failed-$(basename "$dir")" >>"$script"
  echo "$script"
}

if [[ $prepare_only -eq 0 ]]; then
  if [[ -z "$bin" ]]; then
    if [[ $build -eq 1 ]]; then
      echo "building release binary..." >&2
      (cd "$repo" && cargo build --release --quiet)
    fi
    bin="$repo/target/release/specsite"
  fi
  [[ -x "$bin" ]] || die "no binary at $bin (build it or pass --bin)"
  echo "binary: $bin" >&2
  if have_hyperfine; then echo "timing with $(hyperfine --version)" >&2
  else echo "timing with a shell loop (install hyperfine for better statistics)" >&2; fi
fi

printf '%-6s %6s %8s %7s %10s %8s %9s %10s %9s %s\n' \
  scale books md-files pages build-ms ms/page rss-MiB check-ms check-MiB mdbook-ms
for n in $scales; do
  dir="$work/x$n"
  out="$work/out-x$n"
  make_scaled "$n" "$dir"
  books=$(find "$dir" -mindepth 1 -maxdepth 1 -type d | wc -l | tr -d ' ')
  md=$(count_md "$dir")
  if [[ $prepare_only -eq 1 ]]; then
    printf '%-6s %6s %8s %7s\n' "x$n" "$books" "$md" "-"
    continue
  fi
  build_ms=$(time_cmd "build-x$n" "rm -rf '$out'" "$bin" build --root "$dir" --out "$out")
  build_rss=$(rm -rf "$out" && peak_rss_mib "$bin" build --root "$dir" --out "$out")
  pages=$(count_pages "$out")
  per_page=$(awk -v t="$build_ms" -v p="$pages" 'BEGIN {if (p > 0) printf "%.3f", t / p; else print "n/a"}')
  check_ms=$(time_cmd "check-x$n" "" "$bin" check --root "$dir" --format json)
  check_rss=$(peak_rss_mib "$bin" check --root "$dir" --format json)
  mdbook_ms="-"
  if command -v mdbook >/dev/null; then
    script="$(mdbook_script "$dir" "$work/mdbook-out-x$n")"
    mdbook_ms=$(time_cmd "mdbook-x$n" "rm -rf '$work/mdbook-out-x$n'" bash "$script")
    failed=$(cat "$work/mdbook-failed-x$n")
    if [[ "$failed" != 0 ]]; then mdbook_ms="$mdbook_ms($failed-failed)"; fi
  fi
  printf '%-6s %6s %8s %7s %10s %8s %9s %10s %9s %s\n' \
    "x$n" "$books" "$md" "$pages" "$build_ms" "$per_page" "$build_rss" "$check_ms" "$check_rss" "$mdbook_ms"
  rm -rf "$out" "$work/mdbook-out-x$n"
done
