#!/usr/bin/env bash
# Every name drawn (issue 23): a journal with names and texts in the scripts a school meets
# (tests/fonts/journal: Chinese, Japanese, Korean, Arabic and Hebrew right to left, Armenian,
# Georgian, Greek, Devanagari, the letters of Russia's peoples, a combining diaeresis, zero-
# width characters, emoji and a code point no font has) goes through every kind of PDF:
#   1. the importer composes to NFC and drops zero-width characters from names, saying so;
#   2. the build warns of the one code point no font has, naming its record;
#   3. every PDF is valid PDF/A-1b (PDFBox preflight);
#   4. pdftotext and PDFBox give each name back as stored (NFC), and the Excel copies
#      hold the same text;
#   5. each name's words are ink on the page of every kind of PDF: where pdftotext places
#      the word, the page image (pdftoppm) has dark pixels in about the amount pango-view
#      draws the same word with the same fonts;
#   6. a summary sheet grows by less than 200 KB with one Chinese name, and no fallback
#      font is embedded whole.
# Run by ctest: fonts_test.sh BINARY SOURCE_DIR. Exit 77 (skipped, said) without the tools.
set -u
# Text is matched and written with \u escapes: the same bytes under any locale (ctest runs
# this test in an empty environment, tests/minimal_env.sh).
export LC_ALL=C.UTF-8
bin=$1
src=$2
. "$src/tests/check.sh"
pdfbox_classpath
require_tools java pdftotext pdftoppm pdffonts qpdf python3 pango-view unzip
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
say_fail() { echo "FAIL $*"; fail=1; }

# 1. Import: NFC and zero-width characters.
"$bin" import "$src/tests/fonts/journal" --db "$tmp/j.db" >"$tmp/import.out" 2>"$tmp/import.err" ||
  { cat "$tmp/import.err"; echo "FAIL import"; exit 1; }
grep -q 'zero-width.*U+200B.*dropped from "Иванов"' "$tmp/import.err" ||
  { say_fail "no zero-width warning for s8's surname:"; cat "$tmp/import.err"; }
grep -q 'zero-width.*U+200D.*dropped from "Илья"' "$tmp/import.err" ||
  say_fail "no zero-width warning for s8's first name"

# 2. The builds of every kind of PDF; the warning of the code point without a glyph.
"$bin" keygen --out "$tmp/secrets" >/dev/null || { echo "FAIL keygen"; exit 1; }
sign=(--sign-key "$tmp/secrets/sign.key.pem" --sign-cert "$tmp/secrets/sign.cert.pem")
"$bin" build --db "$tmp/j.db" --out "$tmp/out" --archive "${sign[@]}" --today 2024-06-28 >"$tmp/build.out" 2>&1 ||
  { cat "$tmp/build.out"; say_fail "build --archive"; }
"$bin" build --db "$tmp/j.db" --out "$tmp/out" --extracts --all --week 2023-W36 --today 2024-06-28 >>"$tmp/build.out" 2>&1 ||
  say_fail "build --extracts"
"$bin" build --db "$tmp/j.db" --out "$tmp/out" --letters --site-key "$tmp/secrets/site.key" \
  --base-url https://school.example/diary/ --today 2024-06-28 >>"$tmp/build.out" 2>&1 || say_fail "build --letters"
"$bin" build --db "$tmp/j.db" --out "$tmp/out" --reports --period q1 --today 2024-06-28 >>"$tmp/build.out" 2>&1 ||
  say_fail "build --reports"
want='warning: remark r17 (student s9): U+1FAE8 has no glyph; drawn as □'
grep -qF "$want" "$tmp/build.out" || { say_fail "no warning «$want»:"; cat "$tmp/build.out"; }
n=$(grep -c 'has no glyph' "$tmp/build.out")
((n == 4)) || say_fail "$n warnings of missing glyphs, expected 4 (one per build): $(grep 'has no glyph' "$tmp/build.out")"

archive=$tmp/out/archive/2023-2024
kinds=("$archive/5a~summary.pdf" "$archive/5a~journal.pdf" "$archive/school-summary.pdf"
       "$tmp/out/extracts/2023-W36/5a.pdf" "$tmp/out/letters/5a.pdf" "$tmp/out/reports/class-5a.pdf")
for f in "${kinds[@]}"; do [[ -f $f ]] || say_fail "not written: $f"; done

# 3. PDF/A-1b.
for f in "${kinds[@]}"; do
  out=$(java -cp "$cp" org.apache.pdfbox.preflight.Validator_A1b "$f" 2>&1)
  [[ $out == *"is a valid PDF/A-1b file"* && $out != *WARN* ]] ||
    { say_fail "preflight ${f#$tmp/}:"; echo "$out" | head -20; }
done

# 4. The names come back as stored (NFC: Zoë and Müller composed; no zero-width character).
names=("王 小明" "Алиев محمد" "Zoë Müller" "Иванов Илья" "כהן דוד" "Гәрәев Өмөр Ҙәйнуллович"
       "Ҫӑваш Ӗлӳк Ҡаһымовна" "Ҕоҕолоон Ҥуургун Җәлилевна" "Құнанбаев Ұлан Ңүһөҗ" "Ԁоԁов Ԛӏаьт"
       "Պետրոսյան Արամ" "ბერიძე ნინო" "Παπαδόπουλος Νίκος" "शर्मा अनिल" "김 민준" "田中 さくら"
       "عبد الله حسن")
expect() {  # expect FILE TEXT...
  local f=$1 tool text w
  shift
  for tool in poppler pdfbox; do
    if [[ $tool == poppler ]]; then
      # Reading order, not -layout: its column grid drops the space between a Cyrillic
      # surname and an Arabic first name ("Алиевمحمد"), which the document has.
      pdftotext "$f" "$tmp/text" 2>"$tmp/err"
    else
      java -cp "$cp" org.apache.pdfbox.tools.ExtractText -console "$f" >"$tmp/text" 2>"$tmp/err"
    fi
    [[ -s $tmp/err ]] && { say_fail "$tool warns on ${f#$tmp/}:"; head -5 "$tmp/err"; }
    # poppler marks a right-to-left run with U+202B ... U+202C (its reading order is already
    # logical): the marks are the tool's, not the document's text.
    text=$(LC_ALL=C sed 's/\xe2\x80[\xaa-\xae]//g' "$tmp/text" | tr -s ' ')
    for w in "$@"; do
      [[ $text == *"$w"* ]] || say_fail "$tool: «$w» not in the text of ${f#$tmp/}"
    done
  done
}
expect "$archive/5a~summary.pdf" "${names[@]}"
expect "$archive/5a~journal.pdf" "${names[@]}" "Упр. 12; 漢字 и شكرا"
# The box drawn for U+1FAE8 stands for it in the text; a family emoji keeps its joiners.
expect "$tmp/out/extracts/2023-W36/5a.pdf" "${names[@]}" "Молодец! 👍" "Новый смайлик 🫨 в тексте" \
  "Семья: 👨"$'\u200d'"👩"$'\u200d'"👧"
# "Уважаемый(ая) Алиева فاطمة!": poppler reads the "!" after the Arabic name into its
# right-to-left run ("!فاطمة"); the name is checked word by word.
expect "$tmp/out/letters/5a.pdf" "王 芳" "כהן שרה" "Алиева" "فاطمة"
expect "$tmp/out/reports/class-5a.pdf" "${names[@]}"

# 4b. The Excel copies carry the same text as is (NFC, no zero-width character), and so
# agree with the PDFs.
for x in "$archive/5a~summary.xlsx" "$tmp/out/reports/reports.xlsx"; do
  strings_xml=$(unzip -p "$x" xl/sharedStrings.xml 2>/dev/null)
  [[ -n $strings_xml ]] || { say_fail "no shared strings in ${x#$tmp/}"; continue; }
  for n in "${names[@]}"; do
    [[ $strings_xml == *"$n"* ]] || say_fail "«$n» not in ${x#$tmp/}"
  done
  [[ $strings_xml != *$'\u200b'* && $strings_xml != *$'\u200d'* && $strings_xml != *$'e\u0308'* ]] ||
    say_fail "a zero-width character or a decomposed ë in ${x#$tmp/}"
done

# 5. Ink where each word of each name is, against the same word drawn by pango-view, in
# every kind of PDF (the letters hold only their own guardians' names).
ink_check() {  # ink_check PDF NAME...
  local f=$1 dir n w
  shift
  dir=$(mktemp -d "$tmp/ink.XXXXXX")
  pdftotext -bbox "$f" "$dir/bbox.html" 2>/dev/null
  pdftoppm -r 150 -gray "$f" "$dir/page"
  local words=()
  for n in "$@"; do for w in $n; do words+=("$w"); done; done
  python3 - "$dir" "${f#$tmp/}" "${words[@]}" <<'EOF' || fail=1
import glob, html, os, re, subprocess, sys
tmp, label, words = sys.argv[1], sys.argv[2], sys.argv[3:]
def pgm(path):
    data = open(path, "rb").read()
    parts = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(parts[1]), int(parts[2])
    return w, h, data[parts.end():]
def ink(img, box):  # dark pixels in a box of the page (points), as a share of its area
    w, h, px = img
    x0, y0, x1, y1 = (round(v * 150 / 72) for v in box)
    dark = sum(1 for y in range(max(y0, 0), min(y1, h)) for x in range(max(x0, 0), min(x1, w))
               if px[y * w + x] < 128)
    return dark / max(1, (x1 - x0) * (y1 - y0))
pages = sorted(glob.glob(os.path.join(tmp, "page-*.pgm")))
doc = open(os.path.join(tmp, "bbox.html"), encoding="utf-8").read()
placed = {}
for p, page in enumerate(re.split(r"<page ", doc)[1:]):
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
        placed.setdefault(html.unescape(m[5]), (p, tuple(float(m[i]) for i in range(1, 5))))
# pdftotext -bbox gives a right-to-left word in drawing order (دمحم for محمد), and a word
# with the punctuation after it ("芳!" in a letter's greeting).
for word in list(placed):
    for v in (word, word[::-1]):
        placed.setdefault(v, placed[word])
        placed.setdefault(v.strip("!,.:;()«»"), placed[word])
bad = 0
for word in words:
    if word not in placed:
        print(f"FAIL «{word}» is not a word pdftotext places on {label}"); bad += 1; continue
    p, box = placed[word]
    got = ink(pgm(pages[p]), box)
    # The same word by another program: Pango (its own shaping, fontconfig's fallback
    # fonts) at about the size the PDF uses; the share of ink of the word's box should be
    # alike. A blank box, or the .notdef boxes of a font without the script, is not.
    size = (box[3] - box[1]) / 1.2
    ref = os.path.join(tmp, "ref.pgm")
    subprocess.run(["pango-view", "-q", "--backend=ft2", "--dpi=150", "--margin=0",
                    f"--font=PT Sans {size:.1f}", "-o", ref, "--text", word], check=True)
    w, h, px = pgm(ref)
    want = ink((w, h, px), (0, 0, w * 72 / 150, h * 72 / 150))
    if not 0.35 * want <= got <= 3 * want:
        print(f"FAIL «{word}»: {got:.3f} of its box on page {p + 1} of {label} inked, pango-view inks {want:.3f}")
        bad += 1
print(f"ink: {len(words) - bad} of {len(words)} words inked as pango-view draws them on {label}")
sys.exit(1 if bad else 0)
EOF
}
ink_check "$archive/5a~summary.pdf" "${names[@]}"
ink_check "$archive/5a~journal.pdf" "${names[@]}"
ink_check "$tmp/out/extracts/2023-W36/5a.pdf" "${names[@]}"
ink_check "$tmp/out/letters/5a.pdf" "王 芳" "כהן שרה" "Алиева" "فاطمة"
ink_check "$tmp/out/reports/class-5a.pdf" "${names[@]}"

# 6. Small files: subsets only; one Chinese name costs less than 200 KB.
for f in "${kinds[@]}"; do
  pdffonts "$f" 2>/dev/null | awk 'NR > 2 && $(NF-3) != "yes" { bad = 1; print } END { exit bad }' ||
    say_fail "a font of ${f#$tmp/} is not a subset"
done
mkdir -p "$tmp/one"
cp "$src"/tests/corpus/base/*.json "$tmp/one/"
"$bin" import "$tmp/one" --db "$tmp/one.db" >/dev/null 2>&1 || say_fail "import the base corpus"
"$bin" build --db "$tmp/one.db" --out "$tmp/o1" --archive "${sign[@]}" --today 2024-06-28 >/dev/null 2>&1 || say_fail "build the base"
sed -i 's/"last_name": "Соловьёв", "first_name": "Пётр"/"last_name": "王", "first_name": "小明"/' "$tmp/one/people.json"
"$bin" import "$tmp/one" --db "$tmp/two.db" >/dev/null 2>&1 || say_fail "import the base corpus with 王 小明"
"$bin" build --db "$tmp/two.db" --out "$tmp/o2" --archive "${sign[@]}" --today 2024-06-28 >/dev/null 2>&1 || say_fail "build the base with 王 小明"
a=$(stat -c %s "$tmp/o1/archive/2023-2024/5a~summary.pdf")
b=$(stat -c %s "$tmp/o2/archive/2023-2024/5a~summary.pdf")
pdftotext "$tmp/o2/archive/2023-2024/5a~summary.pdf" - | grep -q "王 小明" || say_fail "王 小明 not in the summary sheet"
((b - a < 200 * 1024)) || say_fail "one Chinese name grows the summary sheet from $a to $b bytes"
echo "summary sheet of 5А: $a bytes; with 王 小明: $b bytes (+$((b - a)))"
for f in "${kinds[@]}"; do echo "size ${f#$tmp/out/}: $(stat -c %s "$f") bytes"; done

((fail)) && exit 1
ok "${#kinds[@]} kinds of PDF with ${#names[@]} names in many scripts: PDF/A-1b, text and ink checked"
