#!/usr/bin/env bash
# Builds the diary site of data/ and checks a page of every kind, for a grade-1, a
# grade-5 and a grade-10 child, with tests/browser/check.mjs (vnu, axe in Chromium, 320 px).
#   browser_test.sh BINARY SOURCE_DIR [--screenshots DIR]
set -eu  # (no pipefail: `grep | head` ends grep early on purpose)
bin=$1
src=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" import "$src/data" --db "$tmp/j.db" >/dev/null 2>&1
"$bin" keygen --out "$tmp/secrets" >/dev/null
"$bin" build --site --db "$tmp/j.db" --out "$tmp/out" --site-key "$tmp/secrets/site.key" --today 2024-02-14 >/dev/null
site=$tmp/out/site
pages=("$site/index.html" "$site/f/index.html")
# A child of each stage: the class is on the family page; take the first area per grade.
for grade in 1 5 10; do
  area=$(grep -l ", ${grade}[АБВГ]</li>" "$site"/f/*/index.html | head -n 1 | xargs dirname)
  child=$(grep -o 'href="[^"]*~current.html">[^<]*</a>, '"${grade}"'[АБВГ]' "$area/index.html" | head -n 1 | sed 's/href="\([^"]*\)~current.html".*/\1/')
  pages+=("$area/index.html" "$area/$child~current.html" "$area/$child~results.html"
          "$area/$child~attendance.html" "$area/$child~notes.html" "$area/$child~new.html")
  pages+=("$(ls "$area/$child"~week~2023-W4*.html | head -n 1)")
  pages+=("$(ls "$area/$child"~subject~*.html | head -n 1)")
done
shot=()
if [[ ${1:-} == --screenshots ]]; then
  area=$(grep -l ", 5[АБВГ]</li>" "$site"/f/*/index.html | head -n 1 | xargs dirname)
  child=$(grep -o 'href="[^"]*~current.html">[^<]*</a>, 5[АБВГ]' "$area/index.html" | head -n 1 | sed 's/href="\([^"]*\)~current.html".*/\1/')
  shot=(--screenshots "$2" --shot-page "$area/$child~current.html")
fi
cd "$src/tests/browser"
node check.mjs "${shot[@]}" "${pages[@]}"
