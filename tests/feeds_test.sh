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
# Hostile texts (RFC 5545 3.1 and 3.3.11): commas, semicolons, backslashes (a literal "\n"
# among them), line breaks, `<`, `&`, a long line of Cyrillic, Chinese and Arabic, in
# homework, a topic, a holiday, a remark and the children's names. Read back with a strict
# unfold and unescape written here (python3-icalendar 4.0's own unescape turns a literal
# backslash-n into a line break), each text compared with the journal's; the feed with
# feedparser; feeds_check.py over the whole.
cp -r "$src/tests/corpus/base" hostile
/usr/bin/python3 - hostile <<'PY'
import json, pathlib, sys
d = pathlib.Path(sys.argv[1])
def edit(name, f):
    j = json.loads((d / name).read_text())
    f(j)
    (d / name).write_text(json.dumps(j, ensure_ascii=False))
def journal(j):
    l1 = next(l for l in j['lessons'] if l['id'] == 'l1')
    l1['homework'] = ('Упр. 12, 13; стр. 5\\6 C:\\path\\n конец; ' + 'длинная строка без переносов' * 4 +
                      ' 汉字汉字汉字汉字汉字汉字汉字汉字汉字汉字 العربية العربية')
    l6 = next(l for l in j['lessons'] if l['id'] == 'l6')
    l6['topic'] = 'Дроби; сложение, вычитание\\деление\nвторая строка'
    j['remarks'][0]['text'] = 'Молодец & <b>x</b> ]]> ; , \\ конец'
    j['individual_homework'] = [{'lesson': 'l1', 'student': 's1', 'text': 'Инд.; задание, \\ одно'}]
def people(j):
    s = {x['id']: x for x in j['students']}
    s['s1'].update(last_name='محمد', first_name='علي, ابن; \\ب')
    s['s4'].update(last_name='王', first_name='小明')
def school(j):
    j['holidays'][0]['name'] = 'Осенние, короткие; с \\ чертой'
edit('journal.json', journal)
edit('people.json', people)
edit('school.json', school)
PY
"$bin" import hostile --db hostile.db >/dev/null 2>&1 || bad "import of the hostile journal"
"$bin" build --db hostile.db --out hostile-out --site --site-key sec/site.key --today 2023-09-06 >/dev/null 2>&1 ||
  bad "build of the hostile journal"
/usr/bin/python3 - hostile-out <<'PY' && ok "hostile texts: folded, escaped and read back exactly" || bad "hostile texts"
import pathlib, re, sys
import feedparser, icalendar
site = pathlib.Path(sys.argv[1]) / 'site'
problems = []
def unescape(v, where):
    out, i = [], 0
    while i < len(v):
        c = v[i]
        if c == '\\':
            n = v[i + 1:i + 2]
            if n not in ('\\', ';', ',', 'n', 'N'):
                problems.append(f'{where}: a backslash not escaping anything: {v[max(0, i - 10):i + 10]!r}')
            out.append('\n' if n in ('n', 'N') else n)
            i += 2
        elif c in ',;':
            problems.append(f'{where}: an unescaped {c!r} in {v[:60]!r}')
            out.append(c)
            i += 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)
props = {}
for f in site.glob('f/*/calendar.ics'):
    raw = f.read_bytes()
    lines = raw.split(b'\r\n')
    if lines[-1] != b'' or any(len(l) > 75 or b'\n' in l or b'\r' in l for l in lines):
        problems.append(f'{f}: a line over 75 octets or not ended by CRLF')
    icalendar.Calendar.from_ical(raw)
    for line in raw.decode('utf-8').replace('\r\n ', '').split('\r\n'):
        name, _, value = line.partition(':')
        if name in ('SUMMARY', 'DESCRIPTION', 'NAME'):
            props.setdefault(name, []).append(unescape(value, f'{f.parent.name}: {name}'))
want = {
    'DESCRIPTION': ['Упр. 12, 13; стр. 5\\6 C:\\path\\n конец; ' + 'длинная строка без переносов' * 4 +
                    ' 汉字汉字汉字汉字汉字汉字汉字汉字汉字汉字 العربية العربية\n',
                    'Дроби; сложение, вычитание\\деление\nвторая строка',
                    'Инд.; задание, \\ одно\n'],
    'SUMMARY': ['Осенние, короткие; с \\ чертой', 'علي, ابن; \\ب: '],
    'NAME': ['علي, ابن; \\ب', '小明'],
}
for name, texts in want.items():
    for t in texts:
        if not any(t in v for v in props.get(name, [])):
            problems.append(f'no {name} holds {t!r}')
feeds = list(site.glob('f/*/feed.atom'))
remark = None
for f in feeds:
    d = feedparser.parse(f.read_bytes())
    if d.bozo:
        problems.append(f'{f}: bozo {d.bozo_exception}')
    for e in d.entries:
        if 'Молодец' in e.content[0].value:
            remark = e.content[0].value
if remark != 'Молодец & <b>x</b> ]]> ; , \\ конец':
    problems.append(f'the remark in the feed: {remark!r}')
print('\n'.join(problems))
sys.exit(1 if problems or not feeds else 0)
PY
/usr/bin/python3 "$src/tests/feeds_check.py" hostile hostile-out 2023-09-06 --some || bad "hostile texts: feeds_check.py"
# Published as they were built: the web root holds the same calendars and feeds.
diff -r -q var/out/site www -x .journalpress-webroot >/dev/null && ok "web root = built site" || bad "web root differs"
echo
((fail)) && { echo "feeds tests FAILED"; exit 1; }
echo "all feeds tests passed"
