#!/usr/bin/env bash
# Times building the corpus from git refs (`sources:`) against building the
# same trees from folders (`books:` with `versions:`), side by side.
#
# Usage: benches/git_sources.sh [options]      (figures in docs/bench.md)
#   --runs N       timed runs per measurement (default 10)
#   --corpus DIR   corpus folder (default ../shared/corpus/govstack, then
#                  /work/shared/corpus/govstack)
#   --bin PATH     specsite binary (default target/release/specsite)
#   --keep         keep the temporary folder (its path is printed)
#
# Every corpus book becomes one git repository: the book as it is, committed
# and tagged `1.0`, then a few pages edited (a sentence added to the first
# three pages by path) and committed on `main`. The folder site holds the
# same two trees per book as `content/<book>` (main, latest) and
# `content/<book>-1.0`. Both sites build the same 26 versions.
# Uses hyperfine when installed (both commands in one run), else a loop.
# Run it under `flock /tmp/bench.lock` with TMPDIR=/dev/shm.
set -euo pipefail

runs=10
corpus=""
bin=""
keep=0
die() { echo "git_sources.sh: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --corpus) corpus="${2:?--corpus needs a folder}"; shift 2 ;;
    --bin) bin="${2:?--bin needs a path}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive number"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "$corpus" ]]; then
  for c in "$repo/../shared/corpus/govstack" /work/shared/corpus/govstack; do
    if [[ -d "$c" ]]; then corpus="$c"; break; fi
  done
fi
[[ -n "$corpus" && -d "$corpus" ]] || die "corpus not found (pass --corpus DIR)"
bin="${bin:-$repo/target/release/specsite}"
[[ -x "$bin" ]] || die "no binary at $bin (cargo build --release, or pass --bin)"

work="$(mktemp -d "${TMPDIR:-/tmp}/specsite-git-bench.XXXXXX")"
cleanup() { if [[ $keep -eq 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
export GIT_CONFIG_NOSYSTEM=1 HOME="$work"

mkdir -p "$work/repos" "$work/git-site" "$work/folder-site/content"
git_cfg="$work/git-site/specsite.yaml"
folder_cfg="$work/folder-site/specsite.yaml"
echo "sources:" >"$git_cfg"
echo "books:" >"$folder_cfg"
books=0
for d in "$corpus"/*/; do
  d="${d%/}"
  [[ -e "$d/.gitbook.yaml" || -e "$d/SUMMARY.md" ]] || continue
  b="$(basename "$d")"
  r="$work/repos/$b"
  cp -R "$d" "$r"
  git -C "$r" init -q -b main
  git -C "$r" add -A
  GIT_COMMITTER_DATE=2024-01-01T00:00:00Z GIT_AUTHOR_DATE=2024-01-01T00:00:00Z \
    git -C "$r" commit -qm "1.0"
  git -C "$r" tag 1.0
  cp -R "$r" "$work/folder-site/content/$b-1.0"
  rm -rf "$work/folder-site/content/$b-1.0/.git"
  # The second version: a sentence added to the first three pages by path.
  # (awk, not head: head would close the pipe early, and under pipefail
  # sort's SIGPIPE would end the script.)
  find "$r" -name '*.md' ! -name SUMMARY.md ! -path '*/.git/*' | LC_ALL=C sort | awk 'NR <= 3' |
    while read -r f; do printf '\nThis paragraph is new in the second version.\n' >>"$f"; done
  git -C "$r" add -A
  GIT_COMMITTER_DATE=2024-02-01T00:00:00Z GIT_AUTHOR_DATE=2024-02-01T00:00:00Z \
    git -C "$r" commit -qm "main"
  git -C "$r" gc -q
  cp -R "$r" "$work/folder-site/content/$b"
  rm -rf "$work/folder-site/content/$b/.git"
  cat >>"$git_cfg" <<EOF
  - repo: ../repos/$b
    book: $b
    versions:
      - { ref: main, latest: true }
      - { ref: "1.0" }
EOF
  cat >>"$folder_cfg" <<EOF
  - id: $b
    versions:
      - { label: main, path: content/$b, latest: true }
      - { label: "1.0", path: content/$b-1.0 }
EOF
  books=$((books + 1))
done
echo "$books books, 2 versions each"

git_cmd="$bin build --root $work/git-site --out $work/out-git"
folder_cmd="$bin build --root $work/folder-site --out $work/out-folder"
# Both must build, and build the same pages.
$git_cmd >/dev/null 2>"$work/git.log" || [[ $? -eq 1 ]] || { cat "$work/git.log"; die "git build failed"; }
$folder_cmd >/dev/null 2>"$work/folder.log" || [[ $? -eq 1 ]] || { cat "$work/folder.log"; die "folder build failed"; }
tail -1 "$work/git.log"
tail -1 "$work/folder.log"
pages_git=$(find "$work/out-git" -name index.html | wc -l)
pages_folder=$(find "$work/out-folder" -name index.html | wc -l)
echo "index.html files: git $pages_git, folders $pages_folder"

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs "$runs" -i -N \
    --command-name folders "$folder_cmd" \
    --command-name git "$git_cmd"
else
  for name in folders git; do
    cmd="$folder_cmd"; [[ $name == git ]] && cmd="$git_cmd"
    for ((i = 0; i < runs; i++)); do
      t0=$(date +%s%N); $cmd >/dev/null 2>&1 || true; t1=$(date +%s%N)
      echo $(((t1 - t0) / 1000000))
    done | sort -n | awk -v n="$name" '{v[NR]=$1} END {print n ": median " v[int((NR+1)/2)] " ms over " NR " runs"}'
  done
fi
