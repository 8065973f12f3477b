#!/usr/bin/env bash
# Every kind of PDF journalpress writes, as an archivist and a reader meet it (issue 17):
# the PDF/A-1b validator Debian ships (Apache PDFBox preflight) finds no error, signed or
# not; poppler and PDFBox give the Russian text back with no ToUnicode warning, names with
# «ё», subjects and marks included; every bookmark resolves to a page in qpdf's JSON. The
# audit reports' class PDFs (issue 15) too.
# Run by ctest: pdfa_test.sh BINARY SOURCE_DIR. Exit 77 (skipped, said) without Java,
# PDFBox, poppler or qpdf: scripts/install-deps --tests installs them.
set -u
export LC_ALL=C.UTF-8  # text is matched and numbers printed: the same bytes under any locale
bin=$1
src=$2
. "$src/tests/check.sh"
pdfbox_classpath
require_tools java pdftotext pdfsig qpdf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
say_fail() { echo "FAIL $*"; fail=1; }

"$bin" import "$src/tests/corpus/base" --db "$tmp/j.db" >/dev/null || { echo "FAIL import"; exit 1; }
"$bin" keygen --out "$tmp/secrets" >/dev/null || { echo "FAIL keygen"; exit 1; }
sign=(--sign-key "$tmp/secrets/sign.key.pem" --sign-cert "$tmp/secrets/sign.cert.pem")
"$bin" build --db "$tmp/j.db" --out "$tmp/out" --archive "${sign[@]}" --today 2024-06-28 >/dev/null ||
  say_fail "build --archive"
"$bin" build --db "$tmp/j.db" --out "$tmp/out" --extracts --all --week 2023-W36 --today 2024-06-28 >/dev/null ||
  say_fail "build --extracts"
"$bin" build --db "$tmp/j.db" --out "$tmp/out" --letters --site-key "$tmp/secrets/site.key" \
  --base-url https://school.example/diary/ --today 2024-06-28 >/dev/null || say_fail "build --letters"
# The audit reports' class PDF (issue 15), from the planted-problem fixture.
"$bin" import "$src/tests/golden/003_reports/in" --db "$tmp/r.db" >/dev/null 2>&1 || say_fail "import the reports fixture"
"$bin" build --db "$tmp/r.db" --out "$tmp/out" --reports --period q2 --today 2024-01-10 >/dev/null ||
  say_fail "build --reports"

archive=$tmp/out/archive/2023-2024
kinds=("$archive/5a~summary.pdf" "$archive/5a~journal.pdf" "$archive/school-summary.pdf"
       "$tmp/out/extracts/2023-W36/5a.pdf" "$tmp/out/letters/5a.pdf" "$tmp/out/reports/class-5a.pdf")
for f in "${kinds[@]}"; do [[ -f $f ]] || say_fail "not written: $f"; done
# Each kind of archive document without its signature: the bytes libharu and print/pdfa
# wrote, up to the first %%EOF (the signature is an incremental update after it).
mkdir "$tmp/unsigned"
for f in "$archive/5a~summary.pdf" "$archive/5a~journal.pdf" "$archive/school-summary.pdf"; do
  n=$(grep -abo '%%EOF' "$f" | head -1 | cut -d: -f1)
  head -c "$((n + 6))" "$f" > "$tmp/unsigned/$(basename "$f")"
done
all=("$archive"/*.pdf "$tmp/unsigned"/*.pdf "$tmp/out/extracts"/*/*.pdf "$tmp/out/letters"/*.pdf
     "$tmp/out/reports"/*.pdf)

# 1. PDF/A-1b: PDFBox preflight, one JVM per file (its Validator_A1b takes one).
for f in "${all[@]}"; do
  out=$(java -cp "$cp" org.apache.pdfbox.preflight.Validator_A1b "$f" 2>&1)
  [[ $out == *"is a valid PDF/A-1b file"* && $out != *WARN* ]] ||
    { say_fail "preflight ${f#$tmp/}:"; echo "$out" | head -20; }
done

# 2. Signatures: valid and covering the whole file (the unsigned copies carry none).
for f in "$archive"/*.pdf; do
  out=$(pdfsig "$f" 2>&1)
  [[ $out == *"Signature is Valid."* && $out == *"Total document signed"* ]] ||
    { say_fail "pdfsig ${f#$tmp/}:"; echo "$out"; }
done

# 3. Text: no CMap warning from poppler or PDFBox, and the fixture's words and marks come
# back (runs of spaces squeezed: a table row reads "name mark mark ...").
expect() {  # expect FILE TEXT...: each text is in what both tools extract
  local f=$1 tool text w
  shift
  for tool in poppler pdfbox; do
    # Not in a $(...) subshell: a failure found here must reach `fail`.
    if [[ $tool == poppler ]]; then
      pdftotext -layout "$f" "$tmp/text" 2>"$tmp/err"
    else
      java -cp "$cp" org.apache.pdfbox.tools.ExtractText -console "$f" >"$tmp/text" 2>"$tmp/err"
    fi
    [[ -s $tmp/err ]] && { say_fail "$tool warns on ${f#$tmp/}:"; head -5 "$tmp/err"; }
    text=$(tr -s ' ' <"$tmp/text")
    for w in "$@"; do
      [[ $text == *"$w"* ]] || say_fail "$tool: «$w» not in the text of ${f#$tmp/}"
    done
  done
}
# Names with ё and a hyphen, subjects, the school, and the fixture's marks where each kind
# prints them: s1's final mark 5 in mathematics (1st quarter) with the sheet's counts and
# average; his current mark 5 in the journal's grid and its change 4 -> 5 in the log; the
# class's line of the school summary; the mark and the forecast in his extract.
expect "$archive/5a~summary.pdf" "Соловьёв Пётр" "Римская-Корсакова Алёна" "Математика" "МБОУ «СОШ № 5»" \
  "2 Соловьёв Пётр Ильич 5 1 0 0 0 5,00"
expect "$archive/5a~journal.pdf" "Соловьёв" "Фёдорова" "Английский язык" "Математика" \
  "2 Соловьёв Пётр Ильич 5" "Фёдорова И. П. Соловьёв Пётр Ильич Математика 04.09.2023 4 5"
expect "$archive/school-summary.pdf" "5А" "10А" "МБОУ «СОШ № 5»" "5А 2 1 0 0 0 1 0 0 0 100 100 5,00"
expect "$tmp/out/extracts/2023-W36/5a.pdf" "Соловьёв Пётр" "Математика" \
  "Натуральные числа 5 (Ответ на уроке)" "прогноз отметки: 5"
expect "$tmp/out/letters/5a.pdf" "Соловьёв" "https://school.example/diary/"
expect "$tmp/out/reports/class-5a.pdf" "Ёлкина Алёна" "Фёдорова Ирина Петровна" "Накопляемость" "Заместитель директора по УВР"

# 4. Bookmarks: every outline entry of every document resolves to one of its pages.
for f in "${all[@]}"; do
  json=$(qpdf --json --json-key=outlines --json-key=pages "$f")
  total=$(grep -c '"dest":' <<<"$json")
  unresolved=$(grep -c '"destpageposfrom1": null' <<<"$json")
  if [[ ${f#$tmp/out/} == archive/* || ${f#$tmp/} == unsigned/* || ${f#$tmp/out/} == reports/* ]] && ((total == 0)); then
    say_fail "no bookmarks in ${f#$tmp/}"
  fi
  ((unresolved == 0)) || say_fail "$unresolved of $total bookmarks of ${f#$tmp/} go to no page"
done

((fail)) && exit 1
echo "ok: ${#all[@]} PDFs valid PDF/A-1b, text and bookmarks checked"
