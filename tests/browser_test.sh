#!/usr/bin/env bash
# Builds the diary site of data/ and checks a page of every kind, for a grade-1, a
# grade-5 and a grade-10 child, encrypted mode's front page, and the audit reports' pages, with tests/browser/check.mjs
# (vnu, axe in Chromium, 320 px).
#   browser_test.sh BINARY SOURCE_DIR [--screenshots DIR]
set -eu  # (no pipefail: `grep | head` ends grep early on purpose)
export LC_ALL=C.UTF-8  # text is matched and numbers printed: the same bytes under any locale
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
# Encrypted mode's front page, the loader, as a browser without the fragment shows it.
"$bin" build --site --site-mode encrypted --db "$tmp/j.db" --out "$tmp/enc" --site-key "$tmp/secrets/site.key" --today 2024-02-14 >/dev/null
pages+=("$tmp/enc/site/index.html")
# A child of each stage: the class is on the family page; take the first area per grade.
for grade in 1 5 10; do
  area=$(grep -l ", ${grade}[АБВГ]</li>" "$site"/f/*/index.html | head -n 1 | xargs dirname)
  child=$(grep -o 'href="[^"]*~current.html">[^<]*</a>, '"${grade}"'[АБВГ]' "$area/index.html" | head -n 1 | sed 's/href="\([^"]*\)~current.html".*/\1/')
  pages+=("$area/index.html" "$area/$child~current.html" "$area/$child~results.html"
          "$area/$child~attendance.html" "$area/$child~notes.html" "$area/$child~new.html")
  pages+=("$(ls "$area/$child"~week~2023-W4*.html | head -n 1)")
  pages+=("$(ls "$area/$child"~subject~*.html | head -n 1)")
done
# The audit reports (staff only, DIR/reports/): the index, a class of each stage, a teacher;
# and the planted-problem fixture's pages, whose tables have highlighted rows.
"$bin" build --reports --db "$tmp/j.db" --out "$tmp/out" --today 2024-02-14 >/dev/null
reports=$tmp/out/reports
pages+=("$reports/index.html" "$reports/class-1a.html" "$reports/class-5a.html" "$reports/class-10a.html")
pages+=("$(ls "$reports"/teacher-*.html | head -n 1)")
"$bin" import "$src/tests/golden/003_reports/in" --db "$tmp/r.db" >/dev/null 2>&1
"$bin" build --reports --db "$tmp/r.db" --out "$tmp/r" --period q2 --today 2024-01-10 >/dev/null
pages+=("$tmp/r/reports/index.html" "$tmp/r/reports/class-5a.html" "$tmp/r/reports/teacher-t1.html")
shot=()
if [[ ${1:-} == --screenshots ]]; then
  area=$(grep -l ", 5[АБВГ]</li>" "$site"/f/*/index.html | head -n 1 | xargs dirname)
  child=$(grep -o 'href="[^"]*~current.html">[^<]*</a>, 5[АБВГ]' "$area/index.html" | head -n 1 | sed 's/href="\([^"]*\)~current.html".*/\1/')
  shot=(--screenshots "$2" --shot-page "$area/$child~current.html"
        --report-page "$tmp/r/reports/class-5a.html")
fi
cd "$src/tests/browser"
node check.mjs "${shot[@]}" "${pages[@]}"
