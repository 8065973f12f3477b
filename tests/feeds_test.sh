#!/usr/bin/env bash
# Each family's calendar (calendar.ics, RFC 5545) and feed (feed.atom, RFC 4287) over two
# nightly runs of a sample school, read by real parsers: Debian's python3-icalendar and
# python3-feedparser (always /usr/bin/python3: another python3 first on PATH may lack
# them). tests/feeds_check.py traces every event and entry back to the journal and checks
# that ids stay the same from one night to the next. Run by ctest: feeds_test.sh BINARY SOURCE_DIR
set -u
export LC_ALL=C.UTF-8  # text is matched and numbers printed: the same bytes under any locale
bin=$1
src=$2
. "$src/tests/check.sh"
/usr/bin/python3 -c 'import icalendar, feedparser' 2>/dev/null ||
  { echo "skip: /usr/bin/python3 lacks icalendar or feedparser (scripts/install-deps --tests)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$bin" sample --out a --students 130 --seed 3 --until 2024-02-09 >/dev/null
"$bin" sample --out b --students 130 --seed 3 --until 2024-02-16 >/dev/null
"$bin" keygen --out sec >/dev/null
mkdir -p var www etc
ln -s a export
cat >etc/school.toml <<'TOML'
input = "../export"
db = "../var/journal.db"
out = "../var/out"
site-key = "../sec/site.key"
base-url = "https://diary.example/"
today = 2024-02-09
site = true

[publish]
to = "../www"
TOML
check "night 1" 0 "" -- "$bin" nightly --config etc/school.toml
cp -r var/out night1
/usr/bin/python3 "$src/tests/feeds_check.py" a var/out 2024-02-09 || bad "night 1: feeds_check.py"
# The next week's export; the same families, later marks.
ln -sfn b export
sed -i 's/^today = .*/today = 2024-02-16/' etc/school.toml
check "night 2" 0 "" -- "$bin" nightly --config etc/school.toml
/usr/bin/python3 "$src/tests/feeds_check.py" b var/out 2024-02-16 night1 || bad "night 2: feeds_check.py"
# Names and texts in every script (tests/fonts/journal): folding never splits a character.
"$bin" import "$src/tests/fonts/journal" --db fonts.db >/dev/null 2>&1 || bad "import tests/fonts/journal"
"$bin" build --db fonts.db --out fonts --site --site-key sec/site.key --today 2024-01-10 >/dev/null 2>&1 ||
  bad "build of tests/fonts/journal"
/usr/bin/python3 "$src/tests/feeds_check.py" "$src/tests/fonts/journal" fonts 2024-01-10 --some ||
  bad "every script: feeds_check.py"
# Published as they were built: the web root holds the same calendars and feeds.
diff -r -q var/out/site www -x .journalpress-webroot >/dev/null && ok "web root = built site" || bad "web root differs"
echo
((fail)) && { echo "feeds tests FAILED"; exit 1; }
echo "all feeds tests passed"
