#!/usr/bin/env bash
# The command line as a user meets it: help, version, bad arguments, exit codes,
# and the import's messages for a bad file. Run by ctest: cli_test.sh BINARY SOURCE_DIR
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {  # check NAME EXPECTED_RC EXPECTED_SUBSTRING -- command...
  local name=$1 want_rc=$2 want=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc != "$want_rc" ]]; then
    echo "FAIL $name: exit $rc, expected $want_rc"; echo "$out" | head -20; fail=1; return
  fi
  if [[ $out != *"$want"* ]]; then
    echo "FAIL $name: output lacks: $want"; echo "$out" | head -20; fail=1; return
  fi
  echo "ok   $name"
}
check help 0 "Subcommands:" -- "$bin" --help
check help-import 0 "All or nothing" -- "$bin" import --help
check help-sample 0 "--students" -- "$bin" sample --help
check version 0 "journalpress 0." -- "$bin" --version
check no-command 106 "A subcommand is required" -- "$bin"
check unknown-command 2 'unknown command "frobnicate"; the commands are: import, sample, build, keygen, revoke, verify, archive-copy.' -- "$bin" frobnicate
check import-no-db 106 "--db is required" -- "$bin" import "$src/data"
check import-missing-path 105 "PATH: Path does not exist: /nonexistent" -- "$bin" import /nonexistent --db "$tmp/x.db"
check sample-bad-students 105 "--students: Value 3 not in range 10 to 20000" -- "$bin" sample --out "$tmp/s" --students 3
check sample-not-a-number 105 "--students: Value abc not in range 10 to 20000" -- "$bin" sample --out "$tmp/s" --students abc
check import-bad 1 "$src/tests/corpus/023_mark_not_enrolled/extra.json: /marks/0 (id m1041): student \"s2\" is not enrolled in 5А on 2024-02-12" \
  -- "$bin" import "$src/tests/corpus/base" "$src/tests/corpus/023_mark_not_enrolled/extra.json" --db "$tmp/bad.db"
[[ -e $tmp/bad.db ]] && { echo "FAIL import-bad created the database"; fail=1; }
check import-ok 0 "4 classes, 4 students, 3 guardians" -- "$bin" import "$src/tests/corpus/base" --db "$tmp/ok.db"
check import-again 0 "(replacing the earlier import)" -- "$bin" import "$src/tests/corpus/base" --db "$tmp/ok.db"
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
check build 0 "written, 0 unchanged, 0 deleted" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --site-key "$tmp/secrets/site.key" "${sign[@]}" --today 2023-09-06
check rebuild 0 " 0 written, " -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --site-key "$tmp/secrets/site.key" "${sign[@]}" --today 2023-09-06
check rebuild-archive-kept 0 "0 signed now, 8 kept as signed before" -- "$bin" build --db "$tmp/ok.db" --out "$tmp/out" --archive "${sign[@]}" --today 2023-09-06
check verify 0 "2023-2024: intact: " -- "$bin" verify "$tmp/out/archive"
check verify-ca 0 "trusted by --ca" -- "$bin" verify "$tmp/out/archive/2023-2024" --ca "$tmp/secrets/sign.cert.pem"
check verify-nothing 2 "no MANIFEST.sha256 here or in its year folders" -- "$bin" verify "$tmp/secrets"
check archive-copy 0 "$tmp/copy2/2023-2024: copied and verified" -- "$bin" archive-copy "$tmp/out/archive" "$tmp/copy1" "$tmp/copy2"
check verify-copy 0 "intact" -- "$bin" verify "$tmp/copy1"
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

exit $fail
