#!/usr/bin/env bash
# The command line as a user meets it: help, version, bad arguments, exit codes,
# and the import's messages for a bad file. Run by ctest: cli_test.sh BINARY SOURCE_DIR
set -u
export LC_ALL=C.UTF-8  # text is matched and numbers printed: the same bytes under any locale
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/check.sh"
check help 0 "Subcommands:" -- "$bin" --help
check help-import 0 "All or nothing" -- "$bin" import --help
check help-sample 0 "--students" -- "$bin" sample --help
check version 0 "journalpress 0." -- "$bin" --version
check no-command 106 "A subcommand is required" -- "$bin"
check unknown-command 2 'unknown command "frobnicate"; the commands are: import, export, sample, build, keygen, revoke, verify, archive-copy, nightly, config, region.' -- "$bin" frobnicate
check import-no-db 106 "--db is required" -- "$bin" import "$src/data"
check import-missing-path 105 "PATH: Path does not exist: /nonexistent" -- "$bin" import /nonexistent --db "$tmp/x.db"
check sample-bad-students 105 "--students: Value 3 not in range 10 to 20000" -- "$bin" sample --out "$tmp/s" --students 3
check sample-not-a-number 105 "--students: Value abc not in range 10 to 20000" -- "$bin" sample --out "$tmp/s" --students abc
check import-bad 1 "$src/tests/corpus/023_mark_not_enrolled/extra.json: /marks/0 (id m1041): student \"s2\" is not enrolled in 5А on 2024-02-12" \
  -- "$bin" import "$src/tests/corpus/base" "$src/tests/corpus/023_mark_not_enrolled/extra.json" --db "$tmp/bad.db"
[[ -e $tmp/bad.db ]] && { echo "FAIL import-bad created the database"; fail=1; }
check import-ok 0 "4 classes, 4 students, 3 guardians" -- "$bin" import "$src/tests/corpus/base" --db "$tmp/ok.db"
# The same export twice: a no-op that says so (the database's bytes stay as they were).
db_sum=$(sha256sum <"$tmp/ok.db")
check import-again 0 "already imported: " -- "$bin" import "$src/tests/corpus/base" --db "$tmp/ok.db"
[[ $out == *"exported at 2024-06-01T20:00:00+03:00); the database $tmp/ok.db was not changed"* && $(sha256sum <"$tmp/ok.db") == "$db_sum" ]] &&
  echo "ok   import-again: database untouched" || { echo "FAIL import-again changed the database"; fail=1; }
# An error the checks find while the rows are already being written (the two run side by
# side): the whole import is refused and the stored journal keeps its bytes.
check import-bad-over 1 "$src/tests/corpus/023_mark_not_enrolled/extra.json: /marks/0 (id m1041): student \"s2\" is not enrolled in 5А on 2024-02-12" \
  -- "$bin" import "$src/tests/corpus/base" "$src/tests/corpus/023_mark_not_enrolled/extra.json" --db "$tmp/ok.db"
[[ $out == *"the database $tmp/ok.db was not changed"* && $(sha256sum <"$tmp/ok.db") == "$db_sum" && ! -e $tmp/ok.db-journal ]] &&
  ok "import-bad-over: database untouched" || bad "import-bad-over changed the database or said otherwise"
# The journal's errors come first, whatever the database (they used to be checked before it
# was opened): into another program's SQLite file, exit 1 and the errors, not its complaint.
/usr/bin/python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE t(x)"); c.commit()' "$tmp/foreign.db"
foreign_sum=$(sha256sum <"$tmp/foreign.db")
check import-bad-foreign 1 "student \"s2\" is not enrolled in 5А on 2024-02-12" \
  -- "$bin" import "$src/tests/corpus/base" "$src/tests/corpus/023_mark_not_enrolled/extra.json" --db "$tmp/foreign.db"
[[ $(sha256sum <"$tmp/foreign.db") == "$foreign_sum" ]] && ok "import-bad-foreign: file untouched" || bad "import-bad-foreign changed the file"
# A database of schema version 2 is upgraded only by an import that goes in: one refused for
# its errors leaves it byte for byte (the version included).
cp "$tmp/ok.db" "$tmp/v2.db"
/usr/bin/python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript("DROP INDEX marks_order; DROP INDEX attendance_order; DROP INDEX lessons_order; PRAGMA user_version = 2;")' "$tmp/v2.db"
v2_sum=$(sha256sum <"$tmp/v2.db")
check import-bad-v2 1 "the database $tmp/v2.db was not changed" \
  -- "$bin" import "$src/tests/corpus/base" "$src/tests/corpus/023_mark_not_enrolled/extra.json" --db "$tmp/v2.db"
[[ $(sha256sum <"$tmp/v2.db") == "$v2_sum" ]] && ok "import-bad-v2: database untouched" || bad "import-bad-v2 changed the database"
# A refused first import into folders that do not exist yet makes none of them.
check import-bad-new-folders 1 "the database $tmp/nf/sub/j.db was not changed" \
  -- "$bin" import "$src/tests/corpus/base" "$src/tests/corpus/023_mark_not_enrolled/extra.json" --db "$tmp/nf/sub/j.db"
[[ ! -e $tmp/nf ]] && ok "import-bad-new-folders: nothing made" || bad "import-bad-new-folders left $(find "$tmp/nf")"
# The database holds every pupil's data: made 0600, in folders made 0700 (issue 26).
check import-new-folders 0 "4 classes" -- "$bin" import "$src/tests/corpus/base" --db "$tmp/new/sub/j.db"
modes=$(stat -c '%a' "$tmp/new" "$tmp/new/sub" "$tmp/new/sub/j.db" | tr '\n' ' ')
[[ $modes == "700 700 600 " ]] && ok "import: database 0600, its new folders 0700" || bad "import: modes $modes, expected 700 700 600"
(umask 000 && "$bin" import "$src/tests/corpus/base" --db "$tmp/umask0.db" >/dev/null 2>&1)
[[ $(stat -c '%a' "$tmp/umask0.db") == 600 ]] && ok "import: database 0600 under umask 000" || bad "import under umask 000: mode $(stat -c '%a' "$tmp/umask0.db")"
# Odd inputs: a symlinked folder is followed; a dangling link, a link loop, a FIFO and a
# device are refused by name (rc 1), never skipped silently, and nothing is written.
mkdir -p "$tmp/in/real" "$tmp/in/top"
cp "$src/tests/corpus/base/school.json" "$src/tests/corpus/base/people.json" "$tmp/in/top/"
cp "$src/tests/corpus/base/journal.json" "$tmp/in/real/"
ln -s ../real "$tmp/in/top/linked"
check import-symlinked-folder 0 "6 lessons, 3 marks" -- "$bin" import "$tmp/in/top" --db "$tmp/sym.db"
ln -s nowhere.json "$tmp/in/top/gone.json"
check import-dangling-link 1 "$tmp/in/top/gone.json: a symbolic link to \"nowhere.json\" that does not exist" -- "$bin" import "$tmp/in/top" --db "$tmp/sym.db"
rm "$tmp/in/top/gone.json"
ln -s .. "$tmp/in/real/loop"
check import-link-loop 1 "$tmp/in/top/linked/loop/top: a folder that is being read already, reached again through a symbolic link: a loop" -- "$bin" import "$tmp/in/top" --db "$tmp/sym.db"
rm "$tmp/in/real/loop"
mkfifo "$tmp/in/top/pipe.json"
check import-fifo-in-folder 1 "$tmp/in/top/pipe.json: a FIFO; regular files only" -- timeout 20 "$bin" import "$tmp/in/top" --db "$tmp/sym.db"
check import-fifo 1 "$tmp/in/top/pipe.json: a FIFO; regular files only" -- timeout 20 "$bin" import "$tmp/in/top/pipe.json" --db "$tmp/sym.db"
rm "$tmp/in/top/pipe.json"
check import-dev-zero 1 "/dev/zero: a character device; regular files only" -- timeout 20 "$bin" import /dev/zero --db "$tmp/sym.db"
printf '{"format": "journalpress/1", "work_types": [{"id": "w", "name": "x", "weight": 1e400}]}' > "$tmp/in/top/huge.json"
check import-number-out-of-range 1 "$tmp/in/top/huge.json: /work_types/0/weight (id w): number out of range" -- "$bin" import "$tmp/in/top" --db "$tmp/sym.db"
rm "$tmp/in/top/huge.json"
# An import that would drop more than 10% of the stored year's records (an export that
# came out empty or cut short) is refused unless --allow-shrink.
rm "$tmp/in/real/journal.json"
check import-shrink 1 "journalpress: import refused: it would drop 6 of the 6 lessons, 3 of the 3 marks, 2 of the 2 attendance, 2 of the 2 final marks stored (more than 10% of them); an export that came out empty or cut short? If intended, import with --allow-shrink; the database $tmp/sym.db was not changed" -- "$bin" import "$tmp/in/top" --db "$tmp/sym.db"
check import-shrink-kept 0 "6 lessons, 3 marks" -- "$bin" import "$src/tests/corpus/base" --db "$tmp/sym.db"
check import-allow-shrink 0 "0 lessons, 0 marks" -- "$bin" import "$tmp/in/top" --db "$tmp/sym.db" --allow-shrink
echo "not a database" > "$tmp/junk.db"
check import-junk-db 2 "journalpress: error: " -- "$bin" import "$src/tests/corpus/base" --db "$tmp/junk.db"
[[ $(cat "$tmp/junk.db") == "not a database" ]] || { echo "FAIL junk db was changed"; fail=1; }
check keygen 0 "wrote the site key" -- "$bin" keygen --out "$tmp/secrets"
check keygen-again 0 "kept the site key $tmp/secrets/site.key" -- "$bin" keygen --out "$tmp/secrets"
check build-no-key 2 "the site needs --site-key FILE" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out"
sign=(--sign-key "$tmp/secrets/sign.key.pem" --sign-cert "$tmp/secrets/sign.cert.pem")
check build-no-sign-key 2 "the archive is signed: it needs --sign-key KEY.pem and --sign-cert CERT.pem" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --archive
check build-wrong-cert 2 "$tmp/out.pem" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --archive --sign-key "$tmp/secrets/sign.key.pem" --sign-cert "$tmp/out.pem"
check build-bad-today 2 '--today: expected a date YYYY-MM-DD, got "14.02.2024"' -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --site-key "$tmp/secrets/site.key" "${sign[@]}" --today 14.02.2024
check build-extracts 0 "extracts: students with a paper delivery for 2023-08-28 to 2023-09-03 (2023-W35)" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --extracts --today 2023-09-06
check build-extracts-bad-week 2 "--week: expected an ISO week such as 2024-W12, got \"12\"" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --extracts --week 12
check build-letters-no-url 2 "--letters needs --base-url URL" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --letters --site-key "$tmp/secrets/site.key"
check build-base-url-javascript 105 '--base-url: expected an http:// or https:// address such as https://school.example/diary/, got "javascript:alert(1)"' -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --letters --site-key "$tmp/secrets/site.key" --base-url 'javascript:alert(1)'
check build-base-url-no-host 105 '--base-url: expected an http:// or https:// address' -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --letters --site-key "$tmp/secrets/site.key" --base-url 'https:///x'
check build-today-outside-year 2 "--today 2032-09-06 is outside the school year 2023/2024 (2023-09-01 to 2024-06-30); --allow-any-date builds for it anyway" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out-any" --site --site-key "$tmp/secrets/site.key" --today 2032-09-06
check build-today-allow-any-date 0 "written" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out-any" --site --site-key "$tmp/secrets/site.key" --today 2032-09-06 --allow-any-date
[[ -e $tmp/out-any/site ]] || { echo "FAIL build-today-allow-any-date wrote no site"; fail=1; }
check build 0 "written, 0 unchanged, 0 deleted" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --site-key "$tmp/secrets/site.key" "${sign[@]}" --today 2023-09-06
check rebuild 0 " 0 written, " -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --site-key "$tmp/secrets/site.key" "${sign[@]}" --today 2023-09-06
check rebuild-archive-up-to-date 0 "archive: up to date (same journal, date, templates and signing certificate as the last build, and every file on disk as published): 0 written, 14 unchanged, 0 deleted" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --archive "${sign[@]}" --today 2023-09-06
check rebuild-archive-full 0 "8 signed PDFs (0 signed now, 8 kept as signed before, 0 of them not rendered: inputs unchanged)" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --archive "${sign[@]}" --today 2023-09-06 --full
# One changed mark: only its class's journal and the school summary are rendered again
# (archive/archive_inputs; the class's summary sheet shows final marks only, and its
# fingerprint is made of what it shows); of them only the class journal, which shows
# current marks, changes, with the manifest and its signature.
cp -r "$src/tests/corpus/base" "$tmp/onemark"
"$bin" import "$tmp/onemark" --db "$tmp/onemark.db" >/dev/null 2>&1
"$bin" build --db "$tmp/onemark.db" --out "$tmp/om" --archive "${sign[@]}" --today 2023-09-06 >/dev/null
(cd "$tmp/om/archive/2023-2024" && sha256sum -- *) >"$tmp/om.before"
sed -i 's/"id": "m1", "student": "s1", "lesson": "l1", "value": "5"/"id": "m1", "student": "s1", "lesson": "l1", "value": "3"/' "$tmp/onemark/journal.json"
grep -q '"id": "m1", "student": "s1", "lesson": "l1", "value": "3"' "$tmp/onemark/journal.json" || { echo "FAIL archive-one-mark: the fixture's mark m1 was not found"; fail=1; }
"$bin" import "$tmp/onemark" --db "$tmp/onemark.db" >/dev/null 2>&1
check archive-one-mark 0 "8 signed PDFs (1 signed now, 7 kept as signed before, 6 of them not rendered: inputs unchanged)" -- "$bin" build --db "$tmp/onemark.db" --out "$tmp/om" --archive "${sign[@]}" --today 2023-09-06
(cd "$tmp/om/archive/2023-2024" && sha256sum -- *) >"$tmp/om.after"
changed=$(diff "$tmp/om.before" "$tmp/om.after" | awk '/^>/ {print $3}' | tr '\n' ' ')
[[ $changed == "5a~journal.pdf MANIFEST.sha256 MANIFEST.sha256.p7s " ]] || { echo "FAIL archive-one-mark changed: $changed"; fail=1; }
check archive-one-mark-verify 0 "intact: 12 files match" -- "$bin" verify "$tmp/om/archive"
# A document deleted by hand: the archive is not up to date; the build puts it back.
rm "$tmp/om/archive/2023-2024/5b~journal.pdf"
check archive-deleted-doc 0 "8 signed PDFs (1 signed now, 7 kept as signed before, 7 of them not rendered: inputs unchanged)" -- "$bin" build --db "$tmp/onemark.db" --out "$tmp/om" --archive "${sign[@]}" --today 2023-09-06
check archive-deleted-doc-verify 0 "intact: 12 files match" -- "$bin" verify "$tmp/om/archive"
# A new signing certificate is part of every fingerprint: every document is signed again.
"$bin" keygen --out "$tmp/newcert" >/dev/null
check archive-new-cert 0 "8 signed PDFs (8 signed now, 0 kept as signed before, 0 of them not rendered" -- "$bin" build --db "$tmp/onemark.db" --out "$tmp/om" --archive --sign-key "$tmp/newcert/sign.key.pem" --sign-cert "$tmp/newcert/sign.cert.pem" --today 2023-09-06
check archive-new-cert-verify 0 "intact: 12 files match" -- "$bin" verify "$tmp/om/archive" --expect-signer "$tmp/newcert/sign.cert.pem"
check verify 0 "2023-2024: intact: " -- "$bin" verify "$tmp/out/archive"
check verify-ca 0 "trusted by --ca" -- "$bin" verify "$tmp/out/archive/2023-2024" --ca "$tmp/secrets/sign.cert.pem"
check verify-signer-not-checked 0 "2023-2024: the signer was NOT checked: signed by CN=" -- "$bin" verify "$tmp/out/archive"
fp=$(openssl x509 -in "$tmp/secrets/sign.cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)
check verify-expect-signer 0 "as --expect-signer says" -- "$bin" verify "$tmp/out/archive" --expect-signer "$fp"
check verify-expect-signer-cert 0 "as --expect-signer says" -- "$bin" verify "$tmp/out/archive" --expect-signer "$tmp/secrets/sign.cert.pem"
check verify-expect-signer-bad 2 '--expect-signer: expected a certificate file (PEM) or a SHA-256 fingerprint of 64 hex digits, got "abc"' -- "$bin" verify "$tmp/out/archive" --expect-signer abc
# Someone changes a file and re-signs the manifest with a key of their own: without --ca
# or --expect-signer the archive still verifies, but the output names the other signer.
"$bin" keygen --out "$tmp/other" >/dev/null
cp -r "$tmp/out/archive" "$tmp/resigned"
openssl cms -sign -binary -outform DER -in "$tmp/resigned/2023-2024/MANIFEST.sha256" -signer "$tmp/other/sign.cert.pem" -inkey "$tmp/other/sign.key.pem" -out "$tmp/resigned/2023-2024/MANIFEST.sha256.p7s"
other_fp=$(openssl x509 -in "$tmp/other/sign.cert.pem" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr A-F a-f)
check verify-resigned-names-signer 0 "the signer was NOT checked: signed by CN=" -- "$bin" verify "$tmp/resigned"
check verify-resigned-fingerprint 0 "(certificate SHA-256 $other_fp)" -- "$bin" verify "$tmp/resigned"
check verify-resigned-expect-signer 1 "MANIFEST.sha256.p7s: signed by" -- "$bin" verify "$tmp/resigned" --expect-signer "$tmp/secrets/sign.cert.pem"
check verify-resigned-expect-signer-which 1 "(certificate SHA-256 $other_fp), not by the signer --expect-signer names" -- "$bin" verify "$tmp/resigned" --expect-signer "$fp"
# A folder or a FIFO named like a document is reported (and the FIFO never read).
mkdir "$tmp/resigned/2023-2024/x.pdf"
mkfifo "$tmp/resigned/2023-2024/y.pdf"
check verify-folder-named-pdf 1 "2023-2024/x.pdf: a folder, not a file (the archive holds only files)" -- timeout 20 "$bin" verify "$tmp/resigned"
check verify-fifo-named-pdf 1 "2023-2024/y.pdf: a FIFO, not a file (the archive holds only files)" -- timeout 20 "$bin" verify "$tmp/resigned"
check verify-nothing 2 "no MANIFEST.sha256 here or in its year folders" -- "$bin" verify "$tmp/secrets"
check archive-copy 0 "$tmp/copy2/2023-2024: copied and verified" -- "$bin" archive-copy "$tmp/out/archive" "$tmp/copy1" "$tmp/copy2"
check verify-copy 0 "intact" -- "$bin" verify "$tmp/copy1"
# A full carrier: the partial copy is removed, the cause named, the other destinations
# still copied, exit 1. Needs a small tmpfs (root in a sandbox that permits mounting).
mkdir -p "$tmp/full"
if mount -t tmpfs -o size=64k tmpfs "$tmp/full" 2>/dev/null; then
  check archive-copy-full 1 "$tmp/full/2023-2024: NOT copied: cannot write $tmp/full/.jp-copy-2023-2024/" -- "$bin" archive-copy "$tmp/out/archive" "$tmp/full" "$tmp/copy4"
  check archive-copy-full-cause 1 ": No space left on device; the partial copy was removed and the destination left as it was" -- "$bin" archive-copy "$tmp/out/archive" "$tmp/full" "$tmp/copy5"
  [[ -z $(ls -A "$tmp/full") ]] || { echo "FAIL archive-copy-full left files behind: $(ls -A "$tmp/full")"; fail=1; }
  check archive-copy-full-others 0 "intact" -- "$bin" verify "$tmp/copy4"
  umount "$tmp/full"
else
  echo "skip archive-copy-full: cannot mount a tmpfs here (needs root and a sandbox that allows mount)"
fi
printf '\n%% appended\n' >> "$tmp/copy1/2023-2024/5a~summary.pdf"
echo "extra" > "$tmp/copy1/2023-2024/notes.txt"
rm "$tmp/copy1/2023-2024/5a~summary.xlsx"
check verify-damaged 1 "5a~summary.pdf: changed (its SHA-256 differs from MANIFEST.sha256)" -- "$bin" verify "$tmp/copy1"
check verify-damaged-added 1 "notes.txt: added (not in MANIFEST.sha256)" -- "$bin" verify "$tmp/copy1"
check verify-damaged-removed 1 "5a~summary.xlsx: removed (listed in MANIFEST.sha256)" -- "$bin" verify "$tmp/copy1"
check verify-damaged-signature 1 "5a~summary.pdf: embedded signature: the signature does not cover the whole file" -- "$bin" verify "$tmp/copy1"
check archive-copy-damaged 2 "is not intact (4 problems): not copied" -- "$bin" archive-copy "$tmp/copy1" "$tmp/copy3"
[[ -e $tmp/copy3/2023-2024 ]] && { echo "FAIL archive-copy copied a damaged archive"; fail=1; }
check revoke-unknown 2 'there is no guardian "g404" in s1 2023/2024' -- "$bin" revoke g404 --db "$tmp/ok.db"
check revoke 0 "access epoch 2" -- "$bin" revoke g1 --db "$tmp/ok.db"
check build-missing-db 2 "does not exist; run \`journalpress import\` first" -- "$bin" build --db "$tmp/none.db" --out "$tmp/out" --site-key "$tmp/secrets/site.key"
# File names that cannot collide (ids are [A-Za-z0-9._-], the separator is "~"): a class
# named "school" beside the school summary, a student "s-subject" beside a student "s" with
# a subject "current", a class "5a-s" beside the extract of student "s" of 5a.
ids="$tmp/ids"
mkdir -p "$ids/in"
python3 - "$src/tests/corpus/base" "$ids/in" <<'PY'
import json, re, sys
src, dst = sys.argv[1], sys.argv[2]
renames = {"5b": "school", "s4": "s-subject", "s2": "s", "math": "current", "1a": "5a-s"}
for name in ("school.json", "people.json", "journal.json"):
    text = open(f"{src}/{name}", encoding="utf-8").read()
    for old, new in renames.items():
        text = re.sub(r'"%s"' % re.escape(old), '"%s"' % new, text)
    open(f"{dst}/{name}", "w", encoding="utf-8").write(text)
PY
check ids-import 0 "students" -- "$bin" import "$ids/in" --db "$ids/j.db"
check ids-build 0 "archive: " -- "$bin" build --db "$ids/j.db" --out "$ids/out" --site-key "$tmp/secrets/site.key" "${sign[@]}" --today 2023-11-10 --site --archive --extracts --all --week 2023-W45
check ids-student-extract 0 "the students asked for" -- "$bin" build --db "$ids/j.db" --out "$ids/out" --extracts --student s --week 2023-W45 --today 2023-11-10
for f in archive/2023-2024/school~summary.pdf archive/2023-2024/school~journal.pdf archive/2023-2024/school-summary.pdf \
         extracts/2023-W45/5a-s.pdf extracts/2023-W45/5a~s.pdf; do
  [[ -s $ids/out/$f ]] || { echo "FAIL ids: $f missing"; fail=1; }
done
area=$(dirname "$(ls "$ids"/out/site/f/*/s~subject~current.html | head -1)")
[[ -s $area/s-subject~current.html && -s $area/s~subject~current.html ]] && echo "ok   ids: s~subject~current.html and s-subject~current.html side by side" \
  || { echo "FAIL ids: site pages of s and s-subject"; fail=1; }
check ids-verify 0 "intact" -- "$bin" verify "$ids/out/archive"

# A build warns when its today lies outside the journal's data, naming both dates (issue 26):
# the base's lessons are on 2023-09-04, 2023-09-05 and 2024-01-10, its year ends 2024-06-30.
w=$tmp/warn
check build-today-in-data 0 "site: " -- "$bin" build --db "$tmp/ok.db" --out "$w" --site --site-key "$tmp/secrets/site.key" --today 2023-09-06
[[ $out != *"warning: "* ]] && ok "build-today-in-data: no warning" || { bad "build-today-in-data warned"; echo "$out"; }
check build-today-no-lessons 0 "warning: today is 2023-12-20, but the journal's last lesson on or before it was on 2023-09-05 (106 days earlier, more than 14)" -- "$bin" build --db "$tmp/ok.db" --out "$w" --site --site-key "$tmp/secrets/site.key" --today 2023-12-20
check build-today-after-year 0 "warning: today is 2024-07-10, after the end of the school year 2023/2024 on 2024-06-30 (its last lesson was on 2024-01-10)" -- "$bin" build --db "$tmp/ok.db" --out "$w" --site --site-key "$tmp/secrets/site.key" --today 2024-07-10 --allow-any-date
check build-today-before-lessons 0 "warning: today is 2023-09-01, before the journal's first lesson on 2023-09-04" -- "$bin" build --db "$tmp/ok.db" --out "$w" --site --site-key "$tmp/secrets/site.key" --today 2023-09-01
# A database others can read: the build says so (and still builds).
cp "$tmp/ok.db" "$tmp/open.db" && chmod 644 "$tmp/open.db"
check build-db-readable 0 "warning: the database $tmp/open.db (every pupil's marks and absences) is readable by every user of this machine (mode 0644); \`chmod 600 $tmp/open.db\`" -- "$bin" build --db "$tmp/open.db" --out "$w" --site --site-key "$tmp/secrets/site.key" --today 2023-09-06
mkdir -m 777 "$tmp/open-dir" && cp "$tmp/ok.db" "$tmp/open-dir/j.db" && chmod 600 "$tmp/open-dir/j.db"
check build-db-folder-writable 0 "warning: the database's folder $tmp/open-dir is writable by every user of this machine (mode 0777)" -- "$bin" build --db "$tmp/open-dir/j.db" --out "$w" --site --site-key "$tmp/secrets/site.key" --today 2023-09-06
check build-db-private 0 "site: " -- "$bin" build --db "$tmp/ok.db" --out "$w" --site --site-key "$tmp/secrets/site.key" --today 2023-09-06
[[ $out != *"warning: "* ]] && ok "build-db-private: no warning for a 0600 database" || { bad "build-db-private warned"; echo "$out"; }

# A document never states a future (issue 26): the class journal's title page says «Окончен»
# only after the school year's end, «Ведётся с» its first lesson before.
if command -v pdftotext >/dev/null; then
  "$bin" build --db "$tmp/ok.db" --out "$tmp/jt" --archive "${sign[@]}" --today 2023-09-06 >/dev/null
  title=$(pdftotext -l 1 "$tmp/jt/archive/2023-2024/5a~journal.pdf" - 2>&1)
  [[ $title == *"Ведётся с 4 сентября 2023"* && $title != *"Окончен"* ]] && ok "journal title during the year: Ведётся с 4 сентября 2023" ||
    { bad "journal title during the year"; echo "$title"; }
  "$bin" build --db "$tmp/ok.db" --out "$tmp/jt" --archive "${sign[@]}" --today 2024-07-10 --allow-any-date >/dev/null
  title=$(pdftotext -l 1 "$tmp/jt/archive/2023-2024/5a~journal.pdf" - 2>&1)
  [[ $title == *"Начат: 4 сентября 2023"*"Окончен: 5 сентября 2023"* && $title != *"Ведётся"* ]] && ok "journal title after the year: Начат, Окончен" ||
    { bad "journal title after the year"; echo "$title"; }
  "$bin" build --db "$tmp/ok.db" --out "$tmp/jt" --archive "${sign[@]}" --today 2023-09-01 >/dev/null
  title=$(pdftotext -l 1 "$tmp/jt/archive/2023-2024/5a~journal.pdf" - 2>&1)
  [[ $title != *"Ведётся"* && $title != *"Окончен"* && $title != *"Начат"* ]] && ok "journal title before the first lesson: no date" ||
    { bad "journal title before the first lesson"; echo "$title"; }
else
  echo "skip journal title: pdftotext is not installed (poppler-utils, scripts/install-deps --tests)"
fi

# The audit reports (issue 15): options checked before anything is published, named when wrong.
r=$tmp/reports
"$bin" import "$src/tests/golden/003_reports/in" --db "$tmp/r.db" >/dev/null 2>&1
check reports-unknown-period 2 'journalpress: error: --period: there is no period "q9" in s1 2023/2024; the periods are: q1, q2, h1, y' -- "$bin" build --db "$tmp/r.db" --out "$r" --reports --period q9 --today 2024-01-10
# Refused by the reports' check after the journal was read, with the site's writer loaded and
# its "new since" worked out on the pool meanwhile: both are settled before the lock goes,
# and nothing is left behind (no staging, no site).
check site-reports-unknown-period 2 'there is no period "q9"' -- "$bin" build --db "$tmp/r.db" --out "$tmp/sr" --site --site-key "$tmp/secrets/site.key" --reports --period q9 --today 2024-01-10
left=$(ls -A "$tmp/sr/.journalpress" 2>/dev/null | grep -v -x -e lock -e state.db -e state.db-wal -e state.db-shm | tr '\n' ' ')
[[ -z $left && ! -e $tmp/sr/site ]] && echo "ok   site and reports refused after the read: nothing left behind" ||
  { echo "FAIL site and reports refused after the read: left [$left]"; fail=1; }
check reports-from-after-to 2 "--to 2023-11-01 is before --from 2023-12-01" -- "$bin" build --db "$tmp/r.db" --out "$r" --reports --from 2023-12-01 --to 2023-11-01 --today 2024-01-10
check reports-from-alone 2 "a date range needs both --from and --to (YYYY-MM-DD)" -- "$bin" build --db "$tmp/r.db" --out "$r" --reports --from 2023-12-01 --today 2024-01-10
check reports-period-and-dates 2 "--period and --from/--to both given: choose a reporting period or a date range" -- "$bin" build --db "$tmp/r.db" --out "$r" --reports --period q2 --from 2023-11-01 --to 2023-12-01 --today 2024-01-10
check reports-period-without-reports 2 "--period and --absence-threshold choose reports: add --reports" -- "$bin" build --db "$tmp/r.db" --out "$r" --site --period q2 --site-key "$tmp/secrets/site.key"
check reports-from-without-output 2 "--from and --to choose extracts or reports: add --extracts or --reports" -- "$bin" build --db "$tmp/r.db" --out "$r" --site --from 2023-11-01 --to 2023-12-01 --site-key "$tmp/secrets/site.key"
check reports-threshold-range 105 "--absence-threshold: Value 130 not in range" -- "$bin" build --db "$tmp/r.db" --out "$r" --reports --absence-threshold 130
[[ ! -e $r/reports ]] && echo "ok   reports: nothing written by a refused build" || { echo "FAIL reports: a refused build wrote $r/reports"; fail=1; }
check reports-default 0 "reports: 6 pages (3 classes, 2 teachers with problems), 3 class PDFs" -- "$bin" build --db "$tmp/r.db" --out "$r" --reports --today 2024-01-10
check reports-again 0 "0 written, 10 unchanged, 0 deleted" -- "$bin" build --db "$tmp/r.db" --out "$r" --reports --today 2024-01-10
check reports-range 0 "reports: " -- "$bin" build --db "$tmp/r.db" --out "$r" --reports --from 2023-11-01 --to 2023-11-30 --absence-threshold 10 --today 2024-01-10
grep -q "с 1 ноября 2023 по 30 ноября 2023" "$r/reports/class-5a.html" && echo "ok   reports: the date range on the page" || { echo "FAIL reports: the range is not on the page"; fail=1; }
check reports-grade1-only-period 0 "reports: 1 page (0 classes" -- "$bin" build --db "$tmp/r.db" --out "$r" --reports --period h1 --today 2024-01-10
[[ $(stat -c %a "$r/reports") == 700 && $(stat -c %a "$r/reports/index.html") == 600 ]] && echo "ok   reports: owner-only" || { echo "FAIL reports: not owner-only"; fail=1; }
check reports-with-site 0 "site: " -- "$bin" build --db "$tmp/r.db" --out "$r" --site --reports --site-key "$tmp/secrets/site.key" --today 2024-01-10
if grep -rqi "reports" "$r/site"; then echo "FAIL reports: site/ names the reports"; fail=1; else echo "ok   reports: site/ never names reports/"; fi
[[ ! -e $r/site/reports ]] && echo "ok   reports: not inside site/" || { echo "FAIL reports: inside site/"; fail=1; }

# --- issue 22: settings that must not destroy a school's data (each case checks the data too)
g=$tmp/guard
mkdir -p "$g/export" "$g/secrets" "$g/www"
cp "$src/tests/corpus/base/"*.json "$g/export/"
"$bin" keygen --out "$g/secrets" >/dev/null
gsum() { (cd "$g" && find export secrets -type f -exec sha256sum {} + | sort); }
before=$(gsum)
gsign=(--sign-key "$g/secrets/sign.key.pem" --sign-cert "$g/secrets/sign.cert.pem")
check guard-out-is-export-keys 2 "out ($g) contains site-key ($g/secrets/site.key)" -- "$bin" build --db "$tmp/ok.db" --out "$g" --site-key "$g/secrets/site.key" --site --today 2023-09-06
check guard-out-is-root 2 "out may not be the output folder: / is the root of the disk" -- "$bin" build --db "$tmp/ok.db" --out / --site-key "$g/secrets/site.key" --site --today 2023-09-06
[[ ! -e /site && ! -e /.journalpress && ! -e /private ]] && echo "ok   guard-out-is-root: nothing made at /" || { echo "FAIL guard-out-is-root made folders at /"; fail=1; }
check guard-db-is-key 2 "db ($g/secrets/site.key) is the same file as site-key ($g/secrets/site.key): the database would overwrite it" -- "$bin" build --db "$g/secrets/site.key" --out "$g/out" --site-key "$g/secrets/site.key" --site --today 2023-09-06
check guard-import-db-is-input 2 "db ($g/export/people.json) is the same file as input ($g/export/people.json)" -- "$bin" import "$g/export/school.json" "$g/export/people.json" "$g/export/journal.json" --db "$g/export/people.json"
[[ $(gsum) == "$before" && ! -e $g/out ]] && echo "ok   guard: export and secrets intact, nothing built" || { echo "FAIL guard: the export or the secrets changed"; fail=1; }

# Secrets readable by others are refused by build (as ssh does); --allow-shared-keys warns.
chmod 644 "$g/secrets/site.key"
check guard-shared-site-key 2 "site-key $g/secrets/site.key has mode 0644: others than its owner can read it; \`chmod 600 $g/secrets/site.key\`" -- "$bin" build --db "$tmp/ok.db" --out "$g/out" --site-key "$g/secrets/site.key" --site --today 2023-09-06
[[ ! -e $g/out ]] && echo "ok   guard-shared-site-key: nothing built" || { echo "FAIL guard-shared-site-key built"; fail=1; }
check guard-allow-shared-keys 0 "warning: site-key $g/secrets/site.key has mode 0644: others than its owner can read it (allowed by --allow-shared-keys)" -- "$bin" build --db "$tmp/ok.db" --out "$g/out" --site-key "$g/secrets/site.key" --site --today 2023-09-06 --allow-shared-keys
chmod 600 "$g/secrets/site.key"
chmod 640 "$g/secrets/sign.key.pem"
check guard-shared-sign-key 2 "sign-key $g/secrets/sign.key.pem has mode 0640" -- "$bin" build --db "$tmp/ok.db" --out "$g/out" --archive "${gsign[@]}" --today 2023-09-06
chmod 600 "$g/secrets/sign.key.pem"

# A certificate that cannot sign now is refused before anything is rendered.
exp=$g/expired
mkdir -p "$exp/ca"
touch "$exp/ca/index.txt"
echo 01 >"$exp/ca/serial"
printf '%s\n' "[ca]" "default_ca = d" "[d]" "database = $exp/ca/index.txt" "serial = $exp/ca/serial" \
  "new_certs_dir = $exp/ca" "default_md = sha256" "policy = p" "x509_extensions = e" "unique_subject = no" \
  "[p]" "commonName = supplied" "[e]" "keyUsage = critical,digitalSignature,nonRepudiation" \
  "[tls]" "keyUsage = critical,keyEncipherment" >"$exp/ca.cnf"
openssl req -new -newkey rsa:2048 -nodes -keyout "$exp/key.pem" -out "$exp/req.csr" -subj "/CN=Expired" 2>/dev/null
chmod 600 "$exp/key.pem"
openssl ca -batch -config "$exp/ca.cnf" -selfsign -keyfile "$exp/key.pem" -in "$exp/req.csr" -out "$exp/old.pem" -startdate 20200101000000Z -enddate 20210101000000Z >/dev/null 2>&1
openssl ca -batch -config "$exp/ca.cnf" -selfsign -keyfile "$exp/key.pem" -in "$exp/req.csr" -out "$exp/tls.pem" -extensions tls -days 365 >/dev/null 2>&1
openssl ca -batch -config "$exp/ca.cnf" -selfsign -keyfile "$exp/key.pem" -in "$exp/req.csr" -out "$exp/soon.pem" -days 10 >/dev/null 2>&1
for c in old tls soon; do [[ -s $exp/$c.pem ]] || { echo "FAIL guard-cert: openssl ca made no $c.pem"; fail=1; }; done
check guard-cert-expired 2 "$exp/old.pem: the certificate expired on 2021-01-01: signatures made with it now are invalid" -- "$bin" build --db "$tmp/ok.db" --out "$g/out" --archive --sign-key "$exp/key.pem" --sign-cert "$exp/old.pem" --today 2023-09-06
check guard-cert-key-usage 2 "$exp/tls.pem: the certificate's key usage allows neither digitalSignature nor nonRepudiation" -- "$bin" build --db "$tmp/ok.db" --out "$g/out" --archive --sign-key "$exp/key.pem" --sign-cert "$exp/tls.pem" --today 2023-09-06
check guard-cert-wrong-key 2 "is not the certificate of the key $exp/key.pem" -- "$bin" build --db "$tmp/ok.db" --out "$g/out" --archive --sign-key "$exp/key.pem" --sign-cert "$g/secrets/sign.cert.pem" --today 2023-09-06
[[ ! -e $g/out/archive ]] && echo "ok   guard-cert: refused certificates rendered and signed nothing" || { echo "FAIL guard-cert wrote an archive"; fail=1; }
check guard-cert-expires-soon 0 "warning: $exp/soon.pem: the signing certificate expires on $(date -u -d '+10 days' +%F), in less than 30 days: renew it" -- "$bin" build --db "$tmp/ok.db" --out "$g/out" --archive --sign-key "$exp/key.pem" --sign-cert "$exp/soon.pem" --today 2023-09-06
check guard-cert-soon-verifies 0 "intact" -- "$bin" verify "$g/out/archive"

# Exports only move forward: older, undated over dated, from the future are refused (exit 1)
# and the database is untouched; --accept-older takes an older one; the clock is never beaten.
ex=$g/exports
for v in older undated future newer; do mkdir -p "$ex/$v"; cp "$src/tests/corpus/base/"*.json "$ex/$v/"; done
sed -i 's/"exported_at": "[^"]*"/"exported_at": "2023-11-01T10:00:00+03:00"/' "$ex/older/school.json"
sed -i '/"exported_at"/d' "$ex/undated/school.json"
sed -i 's/"exported_at": "[^"]*"/"exported_at": "2099-01-01T00:00:00Z"/' "$ex/future/school.json"
sed -i 's/"exported_at": "[^"]*"/"exported_at": "2024-06-02T20:00:00+03:00"/' "$ex/newer/school.json"
"$bin" import "$src/tests/corpus/base" --db "$g/order.db" >/dev/null
db_sum=$(sha256sum <"$g/order.db")
check guard-export-older 1 "import refused: the export was made at 2023-11-01T10:00:00+03:00, 213 days before the stored import's export (2024-06-01T20:00:00+03:00): importing it would roll the journal back. If intended (restoring an older export), import with --accept-older; the database $g/order.db was not changed" -- "$bin" import "$ex/older" --db "$g/order.db"
check guard-export-undated 1 "import refused: the export has no exported_at, while the stored import was exported at 2024-06-01T20:00:00+03:00" -- "$bin" import "$ex/undated" --db "$g/order.db"
check guard-export-future 1 "import refused: the export says it was made at 2099-01-01T00:00:00Z, " -- "$bin" import "$ex/future" --db "$g/order.db" --accept-older
check guard-export-future-new-db 1 "the export says it was made at 2099-01-01T00:00:00Z" -- "$bin" import "$ex/future" --db "$g/future.db"
[[ $(sha256sum <"$g/order.db") == "$db_sum" && ! -e $g/future.db ]] && echo "ok   guard-export: refused exports left the database as it was" || { echo "FAIL guard-export changed a database"; fail=1; }
check guard-export-newer 0 "(replacing the earlier import)" -- "$bin" import "$ex/newer" --db "$g/order.db"
check guard-export-accept-older 0 "(replacing the earlier import)" -- "$bin" import "$ex/older" --db "$g/order.db" --accept-older

# archive-copy into its own source, or a folder inside it, is refused before copying.
year=$(ls -d "$tmp/out/archive/"*/ | head -1)
year=${year%/}
files_before=$(find "$tmp/out/archive" | sort)
check guard-copy-into-itself 2 "$year: the destination is the archive folder it would copy ($year); a copy goes to another folder, best on another carrier. Nothing was copied" -- "$bin" archive-copy "$year" "$year"
check guard-copy-inside 2 "the destination lies inside the archive folder it would copy ($year)" -- "$bin" archive-copy "$year" "$year/copies"
check guard-copy-over-source 2 "the destination would replace the archive folder it would copy ($year)" -- "$bin" archive-copy "$year" "$tmp/out/archive"
[[ $(find "$tmp/out/archive" | sort) == "$files_before" ]] && echo "ok   guard-copy: the archive is as it was" || { echo "FAIL guard-copy changed the archive"; fail=1; }

# Revoking a paper guardian says what it does (there is no address to publish anew).
check guard-revoke-paper 0 "This guardian gets the diary on paper (delivery: paper) and has no diary address, so no build publishes one" -- "$bin" revoke g2 --db "$tmp/ok.db"

# Nothing on a family page loads from another host; links out carry no referrer. Every
# page of the built site is scanned for src/href/url( that leave it.
mkdir -p "$g/md"
cp "$src/tests/corpus/base/"*.json "$g/md/"
sed -i 's|"homework": "Упр. 12"|"homework": "Упр. 12 ![схема](https://tracker.example/i.png) [учебник](https://edu.example/book) <https://x.example/> ![](//cdn.example/p.gif)"|' "$g/md/journal.json"
grep -q tracker.example "$g/md/journal.json" || { echo "FAIL guard-markdown: the fixture has no image"; fail=1; }
"$bin" import "$g/md" --db "$g/md.db" >/dev/null
"$bin" build --db "$g/md.db" --out "$g/mdout" --site --site-key "$g/secrets/site.key" --today 2023-09-06 >/dev/null
mapfile -t pages < <(find "$g/mdout/site" -name '*.html' -o -name '*.css')
scan=$(/usr/bin/perl -0777 -ne '
  while (/<(\w+)\b([^>]*)>/g) {
    my ($tag, $attrs) = ($1, $2);
    while ($attrs =~ /\b(src|href|srcset|poster|action|data)\s*=\s*"([^"]*)"/g) {
      my ($a, $v) = ($1, $2);
      next unless $v =~ m{^(?:[a-z][a-z0-9+.-]*:|//)}i;
      if ($tag eq "a" && $a eq "href" && $attrs =~ /\brel="noreferrer noopener"/) { $out++; next }
      print "LEAK $ARGV: <$tag $a=\"$v\">\n";
    }
  }
  while (/url\(\s*["\x27]?([^)"\x27]*)/g) { print "LEAK $ARGV: url($1)\n" if $1 =~ m{^(?:[a-z]+:|//)}i }
  END { print "OUT ", $out + 0, "\n" }' "${pages[@]}" </dev/null)
links=$(grep '^OUT' <<<"$scan" | cut -d' ' -f2)
if grep -q '^LEAK' <<<"$scan"; then echo "FAIL guard-markdown: $(grep '^LEAK' <<<"$scan" | head -5)"; fail=1;
elif ((${#pages[@]} > 5 && links >= 4)); then echo "ok   guard-markdown: ${#pages[@]} pages, nothing loads from another host; $links links out, each rel=\"noreferrer noopener\"";
else echo "FAIL guard-markdown: the homework's links were not found on the pages (${#pages[@]} pages, $scan)"; fail=1; fi
grep -rq '<img' "$g/mdout/site" && { echo "FAIL guard-markdown: an <img> on a page"; fail=1; }

exit $fail
