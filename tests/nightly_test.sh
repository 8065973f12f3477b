#!/usr/bin/env bash
# `config check` and `nightly` as an administrator meets them (docs/manual.md): a school's
# configuration file, hostile ones, the nightly run into a local web root and over rsync's
# remote protocol, exit codes, JSON logs, --quiet, progress only on a terminal, a refused
# import or a failed build that leaves the web root untouched, two runs at once, runs killed
# at random moments. Run by ctest: nightly_test.sh BINARY
set -u
export LC_ALL=C.UTF-8  # text is matched and numbers printed: the same bytes under any locale
bin=$1
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; umount "$tmp/small" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/check.sh"
# same_tree NAME A B: the two folders hold the same files with the same bytes.
same_tree() {
  # The web root's marker (.journalpress-webroot) is the web root's own, not the site's.
  if diff -r -x .journalpress-webroot "$2" "$3" >"$tmp/diff.txt" 2>&1; then ok "$1"; else bad "$1"; head -20 "$tmp/diff.txt"; fi
}
snapshot() { (cd "$1" && find . -printf '%p %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort); }

cd "$tmp"
"$bin" sample --out a --students 40 --seed 3 --until 2024-02-09 >/dev/null
"$bin" sample --out b --students 40 --seed 3 --until 2024-02-16 >/dev/null
cp -r b shrunk && rm shrunk/journal/*-marks-*.json  # an export cut short
"$bin" keygen --out sec >/dev/null
"$bin" keygen --out sec2 >/dev/null
mkdir -p var www etc
ln -s a export  # the export folder is reached through a link, as a mount often is
cat >etc/school.toml <<'EOF'
# a school's configuration; relative paths are from this file's folder
input = "../export"
db = "../var/journal.db"
out = "../var/out"
site-key = "../sec/site.key"
sign-key = "../sec/sign.key.pem"
sign-cert = "../sec/sign.cert.pem"
base-url = "https://diary.example/"
today = 2024-02-09
site = true
archive = true
extracts = true
letters = true

[publish]
to = "../www"
EOF
cfg=$tmp/etc/school.toml

# --- config check
check config-check 0 "site-key = \"$tmp/sec/site.key\"" -- "$bin" config check --config "$cfg"
[[ $out == *"# line 5, a secret file of mode 0600"* && $out == *"# nightly can run with these settings"* &&
   $out == *"to = \"$tmp/www\""* && $out == *"today = \"2024-02-09\""* ]] && ok config-check-content ||
  { bad config-check-content; echo "$out"; }
# Through a link, relative paths are from the link's folder (where the administrator put it).
mkdir etc2 && ln -s ../etc/school.toml etc2/link.toml
check config-check-through-link 0 "input = [\"$tmp/export\"]" -- "$bin" config check --config "$tmp/etc2/link.toml"

# --- hostile configurations: each an error naming the file, the line and the key (exit 2)
hostile() {  # hostile NAME LINE_TO_ADD EXPECTED
  sed "s|^letters = true$|$2|" "$cfg" >etc/bad.toml
  check "config-$1" 2 "$3" -- "$bin" nightly --config "$tmp/etc/bad.toml"
}
hostile unknown-key 'letter = true' "$tmp/etc/bad.toml:13: unknown key \"letter\""
hostile wrong-type 'letters = "yes"' "$tmp/etc/bad.toml:13: letters: expected true or false, got a string (\"yes\")"
hostile missing-key-file 'sign-chain = "nochain.pem"' "$tmp/etc/bad.toml:13: sign-chain: the file $tmp/etc/nochain.pem does not exist"
hostile bad-url 'letters = true\nbase-url = "data:text/html,x"' "cannot redefine existing string 'base-url'"
hostile bad-range 'max-errors = 0' "$tmp/etc/bad.toml:13: max-errors: Value 0 not in range"
hostile syntax 'letters = tr ue' "$tmp/etc/bad.toml:13:"
sed '/^input = /d' "$cfg" >etc/noinput.toml
check config-no-input 2 "nightly needs \`input\` (the export folder to import)" -- "$bin" nightly --config "$tmp/etc/noinput.toml"
check config-missing-file 2 "cannot read the configuration file $tmp/etc/none.toml" -- "$bin" nightly --config "$tmp/etc/none.toml"
mkfifo etc/fifo.toml
check config-fifo 2 "cannot read the configuration file $tmp/etc/fifo.toml" -- timeout 20 "$bin" config check --config "$tmp/etc/fifo.toml"
check config-dev-zero 2 "cannot read the configuration file /dev/zero" -- timeout 20 "$bin" config check --config /dev/zero
# Every problem of a file at once (issue 26), in the file's order, then one line saying how many.
sed -e 's|^letters = true$|letter = true\nwait = "soon"|' -e 's|^sign-cert = .*|sign-cert = "../sec/none.pem"|' \
  -e 's|^base-url = .*|base-url = "javascript:alert(1)"|' "$cfg" >etc/many.toml
check config-check-every-problem 2 "journalpress: error: $tmp/etc/many.toml: 4 problems; nightly cannot run with these settings" -- "$bin" config check --config "$tmp/etc/many.toml"
want="$tmp/etc/many.toml:7: sign-cert: the file $tmp/sec/none.pem does not exist
$tmp/etc/many.toml:8: base-url: expected an http:// or https:// address such as https://school.example/diary/, got \"javascript:alert(1)\"
$tmp/etc/many.toml:13: unknown key \"letter\""
[[ $out == "$want"* && $out == *"$tmp/etc/many.toml:14: wait: expected a number, got a string (\"soon\")"* ]] &&
  ok "config check lists the four problems in the file's order" || { bad "config check's problems"; echo "$out"; }
check nightly-every-file-problem 2 "$tmp/etc/many.toml:13: unknown key \"letter\"" -- "$bin" nightly --config "$tmp/etc/many.toml"
[[ $out == *"$tmp/etc/many.toml:7: sign-cert: the file $tmp/sec/none.pem does not exist"* ]] &&
  ok "nightly names every problem of the file too" || { bad "nightly's problems"; echo "$out"; }
[[ ! -e var/journal.db ]] && ok "hostile configurations wrote nothing" || bad "a hostile configuration made the database"
# The command line overrides the file: import and build take --config too.
check import-config 0 "imported" -- "$bin" import --config "$cfg" --db "$tmp/var/other.db"
[[ -e var/other.db && ! -e var/journal.db ]] && ok import-config-override || bad import-config-override
check build-config 0 "site: " -- "$bin" build --config "$cfg" --db "$tmp/var/other.db" --out "$tmp/var/other" --site
[[ -d var/other/site && ! -d var/other/archive ]] && ok build-config-override || bad build-config-override
rm -rf var/other var/other.db

# --- the nightly run, into a local web root
check nightly 0 "nightly $cfg: done in" -- "$bin" nightly --config "$cfg"
[[ $out != *"warning: today"* && $out != *"warning: the database"* ]] && ok "nightly: no warning when today is inside the data" || { bad "nightly warned"; echo "$out"; }
# The database (every pupil's data) is the owner's only (issue 26).
[[ $(stat -c %a var/journal.db) == 600 ]] && ok "nightly: the database is 0600" || bad "nightly: database mode $(stat -c %a var/journal.db)"
[[ $(tail -1 <<<"$out") == *"imported 40 students"*"; built site ("*" written, 0 unchanged, 0 deleted), archive ("*"extracts ("*"letters ("*"; published to $tmp/www ("*" files sent, 0 deleted)" ]] &&
  ok nightly-summary || { bad "nightly-summary"; echo "$out" | tail -1; }
[[ $out != *$'\r'* && $out != *"[1/3]"* ]] && ok "no progress when not on a terminal" || bad "progress printed to a pipe"
same_tree "web root = site" var/out/site www
[[ -f var/out/archive/2023-2024/MANIFEST.sha256 && -d var/out/extracts && -d var/out/letters ]] &&
  ok "every configured output built" || bad "an output is missing"
[[ ! -e www/private && ! -e www/.journalpress ]] && ok "private/ and the state are not published" || bad "private/ published"
check nightly-again 0 "published to $tmp/www (0 files sent, 0 deleted)" -- "$bin" nightly --config "$cfg"
[[ $out == *"built site (0 written, "* ]] && ok nightly-again-nothing-written || { bad nightly-again-nothing-written; echo "$out" | tail -1; }

# A week later, a new export: --today on the command line overrides the file's.
rm export && ln -s b export
check nightly-next-week 0 "done in" -- "$bin" nightly --config "$cfg" --today 2024-02-16
# The extracts are of the week before today: 2024-W06 for 2024-02-16 (the file says 2024-02-09).
[[ -d var/out/extracts/2024-W06 ]] && ok "--today overrides the file" || { bad "--today did not override"; ls var/out/extracts; }
same_tree "web root = site after a week" var/out/site www
printf 'planted' >www/planted.html
check nightly-deletes 0 "1 deleted)" -- "$bin" nightly --config "$cfg" --today 2024-02-16
[[ ! -e www/planted.html ]] && ok "a file the build did not write is deleted from the web root" || bad planted

# --- JSON log and --quiet
check nightly-json 0 '"step":"summary"' -- "$bin" nightly --config "$cfg" --today 2024-02-16 --log-format json
steps=$(grep -c '^{"time":"[0-9T:-]*Z","config":"[^"]*","step":"[a-z]*","status":"[a-z]*",' <<<"$out")
[[ $steps == 4 && $(wc -l <<<"$out") == 4 ]] && ok "json: one line per step (import, build, publish, summary)" ||
  { bad "json lines"; echo "$out"; }
if command -v node >/dev/null; then
  node -e 'for (const l of require("fs").readFileSync(0, "utf8").trim().split("\n")) JSON.parse(l)' <<<"$out" &&
    ok "json: every line parses" || bad "json: a line does not parse"
fi
check nightly-quiet 0 "done in" -- "$bin" nightly --config "$cfg" --today 2024-02-16 --quiet
[[ $(wc -l <<<"$out") == 1 ]] && ok "quiet: one line" || { bad "quiet: $(wc -l <<<"$out") lines"; echo "$out"; }

# --- progress on a terminal (script(1) gives the run a pseudo-terminal)
script -qec "$bin nightly --config $cfg --today 2024-02-16" /dev/null >tty.txt 2>&1
grep -q $'\r.*\[2/3\] build: ' tty.txt && ok "progress on a terminal" || { bad "no progress on a terminal"; head -c 600 tty.txt; }

# --- a refused import, a failed build: the web root is left as it was (exit 1, exit 2)
before=$(snapshot www)
rm export && ln -s shrunk export
check nightly-refused 1 "input refused in" -- "$bin" nightly --config "$cfg" --today 2024-02-16
[[ $out == *"would drop"*"nothing was built or published (exit 1)"* ]] && ok nightly-refused-says-why || { bad nightly-refused-says-why; echo "$out"; }
[[ $(snapshot www) == "$before" ]] && ok "refused import: web root untouched" || bad "refused import changed the web root"
sed 's|sec/sign.cert.pem|sec2/sign.cert.pem|' "$cfg" >etc/wrongcert.toml
# Back to the earlier export: nightly refuses an older export over a newer one, so the
# database goes and `a` is a first import.
rm -f var/journal.db*
rm export && ln -s a export
check nightly-build-fails 2 "FAILED at build" -- "$bin" nightly --config "$tmp/etc/wrongcert.toml" --today 2024-02-09
[[ $(snapshot www) == "$before" ]] && ok "failed build: web root untouched" || bad "failed build changed the web root"
rm export && ln -s b export

# --- two runs at once: a held lock refuses at once, --wait waits; two real runs both finish
printf 'pid 4242, started 2026-12-02 03:00:01 UTC: journalpress nightly (test)\n' >var/out/.journalpress/nightly.lock
flock var/out/.journalpress/nightly.lock sleep 4 &
sleep 0.5
check nightly-locked 2 "is in use by another journalpress run (pid 4242, started 2026-12-02 03:00:01 UTC: journalpress nightly (test))" -- "$bin" nightly --config "$cfg" --today 2024-02-16
[[ $out == *"FAILED at lock"* ]] && ok nightly-locked-summary || bad nightly-locked-summary
check nightly-wait 0 "done in" -- "$bin" nightly --config "$cfg" --today 2024-02-16 --wait 30
wait
"$bin" nightly --config "$cfg" --today 2024-02-16 --wait 60 >one.log 2>&1 & p1=$!
"$bin" nightly --config "$cfg" --today 2024-02-16 --wait 60 >two.log 2>&1 & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
[[ $r1 == 0 && $r2 == 0 ]] && ok "two runs at once with --wait both finish" || { bad "two runs: $r1 $r2"; cat one.log two.log; }
same_tree "web root = site after two runs" var/out/site www

# --- killed at random moments, then one more run: the web root equals the site
for i in 1 2 3 4 5 6; do
  if ((i % 2)); then src=a day=2024-02-09; rm -f var/journal.db*; else src=b day=2024-02-16; fi
  rm export && ln -s $src export
  "$bin" nightly --config "$cfg" --today $day >kill.log 2>&1 & p=$!
  sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
  kill -9 $p 2>/dev/null
  wait $p 2>/dev/null
done
sleep 0.5  # rsync goes with its parent (SIGTERM)
check nightly-after-kills 0 "done in" -- "$bin" nightly --config "$cfg" --today 2024-02-16
same_tree "web root = site after runs killed" var/out/site www

# --- issue 22: a publish target or output over the school's data is refused before any
# work, naming both settings, and everything is left as it was.
data_state() { for d in a b sec etc var/out/site www; do snapshot "$d"; done; sha256sum var/journal.db; }
guard() {  # guard NAME SED_EXPRESSION EXPECTED: the configuration with one setting changed
  sed "$2" "$cfg" >etc/guard.toml
  local before_all
  before_all=$(data_state)
  check "guard-$1" 2 "$3" -- "$bin" nightly --config "$tmp/etc/guard.toml" --today 2024-02-16
  [[ $out == *"FAILED at "* || $out == *"journalpress: error: "* ]] || bad "guard-$1: not reported as a failure"
  [[ $(data_state) == "$before_all" ]] && ok "guard-$1: export, keys, config, database, site and web root intact" ||
    bad "guard-$1: something changed"
}
rm export && ln -s b export
guard to-export 's|^to = .*|to = "../export"|' "publish.to ($tmp/export = $tmp/b) is the same as input ($tmp/export = $tmp/b): the web root may not overlap any other path of the run (publishing deletes everything in it that is not the site)"
guard to-secrets 's|^to = .*|to = "../sec"|' "publish.to ($tmp/sec) contains site-key ($tmp/sec/site.key)"
# config check says it too, before any night.
sed 's|^to = .*|to = "../sec"|' "$cfg" >etc/cc.toml
check guard-config-check 2 "$tmp/etc/cc.toml: publish.to ($tmp/sec) contains site-key ($tmp/sec/site.key)" -- "$bin" config check --config "$tmp/etc/cc.toml"
guard to-config-folder 's|^to = .*|to = "."|' "publish.to ($tmp/etc) contains --config ($tmp/etc/guard.toml)"
guard to-output 's|^to = .*|to = "../var/out"|' "publish.to ($tmp/var/out) is the same as out ($tmp/var/out)"
guard to-site 's|^to = .*|to = "../var/out/site"|' "publish.to ($tmp/var/out/site) lies inside out ($tmp/var/out)"
guard to-database-folder 's|^to = .*|to = "../var"|' "publish.to ($tmp/var) contains db ($tmp/var/journal.db)"
guard out-root 's|^out = .*|out = "/"|' "out may not be the output folder: / is the root of the disk"
[[ ! -e /site && ! -e /private && ! -e /.journalpress ]] && ok "guard-out-root: nothing made at /" || bad "guard-out-root: folders made at /"
guard out-export 's|^out = .*|out = "../b/out"|' "out ($tmp/b/out) lies inside input ($tmp/export = $tmp/b)"
mkdir -p stranger/docs
echo "a stranger's notes" >stranger/notes.txt
echo "more" >stranger/docs/x.txt
guard to-stranger 's|^to = .*|to = "../stranger"|' "publish.to $tmp/stranger is not empty and journalpress did not make it a web root (it holds docs, notes.txt; 2 entries in all): publishing deletes everything in it that is not the site"
[[ $(cat stranger/notes.txt) == "a stranger's notes" && -f stranger/docs/x.txt && ! -e stranger/index.html ]] && ok "guard-to-stranger: the stranger's files are there" || bad "guard-to-stranger: files lost"
# Another school's configuration pointed at this school's web root by mistake.
guard to-other-school 's|^out = .*|out = "../var/other-out"|; s|^db = .*|db = "../var/other.db"|' "publish.to $tmp/www is the web root of another output folder ($tmp/var/out, says $tmp/www/.journalpress-webroot)"
[[ ! -e var/other-out && ! -e var/other.db ]] && ok "guard-to-other-school: nothing built" || bad "guard-to-other-school: built"
[[ -f www/.journalpress-webroot ]] && grep -q "^output: $tmp/var/out$" www/.journalpress-webroot && ok "the web root carries its marker" || bad "no marker in the web root"
# Loose secrets: refused by nightly too; allow-shared-keys in the file lets it run, said in the log.
chmod 644 sec/site.key
check guard-shared-key 2 "site-key $tmp/sec/site.key has mode 0644: others than its owner can read it" -- "$bin" nightly --config "$cfg" --today 2024-02-16
sed 's|^letters = true$|letters = true\nallow-shared-keys = true|' "$cfg" >etc/shared.toml
check guard-shared-key-allowed 0 "warning: site-key $tmp/sec/site.key has mode 0644" -- "$bin" nightly --config "$tmp/etc/shared.toml" --today 2024-02-16
chmod 600 sec/site.key
# An older export is refused by nightly, and accept-older in the file does not change that.
cp -r b older
sed -i 's/"exported_at": *"[^"]*"/"exported_at": "2023-11-01T10:00:00+03:00"/' older/school.json
grep -q '"2023-11-01T10:00:00+03:00"' older/school.json || bad "guard-older: the fixture's exported_at was not changed"
rm export && ln -s older export
sed 's|^letters = true$|letters = true\naccept-older = true|' "$cfg" >etc/older.toml
before_all=$(data_state)
check guard-older-export 1 "the export was made at 2023-11-01T10:00:00+03:00, " -- "$bin" nightly --config "$tmp/etc/older.toml" --today 2024-02-16
[[ $out == *"note: accept-older in the configuration applies to \`import --config\` only; nightly always refuses an older export"* ]] && ok "guard-older-export: the file's accept-older is said to be ignored" || { bad "guard-older-export note"; echo "$out"; }
[[ $(data_state) == "$before_all" ]] && ok "guard-older-export: database and web root as they were" || bad "guard-older-export: something changed"
rm export && ln -s b export
check guard-same-export 0 "already imported: " -- "$bin" nightly --config "$cfg" --today 2024-02-16

# A full web root: refused before rsync with the space it needs, the web root as it was.
mkdir -p small
if mount -t tmpfs -o size=256k tmpfs small 2>/dev/null; then
  echo "kept" >small/index.html
  sed 's|^to = .*|to = "../small"|' "$cfg" >etc/small.toml
  before_small=$(snapshot small)
  check nightly-full-disk 2 "no space left on tmpfs (mounted on $tmp/small) (needs " -- "$bin" nightly --config "$tmp/etc/small.toml" --today 2024-02-16
  [[ $out == *"MB, has 1 MB) to publish into $tmp/small"*"the web root was left as it was (exit 2)"* ]] && ok "nightly-full-disk: says what it needs and that nothing changed" || { bad "nightly-full-disk message"; echo "$out" | tail -2; }
  [[ $(snapshot small) == "$before_small" ]] && ok "nightly-full-disk: the web root is as it was" || bad "nightly-full-disk: the web root changed"
  umount small
  # Space enough, but too few inodes (a tmpfs or an ext4 that ran out of them).
  mount -t tmpfs -o size=64m,nr_inodes=40 tmpfs small
  before_small=$(snapshot small)
  check nightly-no-inodes 2 "free inodes, has " -- "$bin" nightly --config "$tmp/etc/small.toml" --today 2024-02-16
  [[ $(snapshot small) == "$before_small" ]] && ok "nightly-no-inodes: the web root is as it was" || bad "nightly-no-inodes: the web root changed"
  umount small
  mount -t tmpfs -o size=64m tmpfs small
  check nightly-small-ok 0 "published to $tmp/small (" -- "$bin" nightly --config "$tmp/etc/small.toml" --today 2024-02-16
  same_tree "web root on its own file system = site" var/out/site small
  umount small
else
  echo "skip nightly-full-disk: cannot mount a tmpfs here (needs root and a sandbox that allows mount)"
fi

# --- publish over rsync's remote protocol (a stand-in for ssh that runs the remote side here)
printf '#!/bin/sh\n# rsync -e: HOST COMMAND...; run COMMAND here\nshift\nexec "$@"\n' >fakessh
chmod +x fakessh
mkdir remote
sed -e "s|^to = .*|to = \"webhost:$tmp/remote\"\nssh = \"$tmp/fakessh\"|" "$cfg" >etc/remote.toml
check nightly-remote 0 "published to webhost:$tmp/remote (" -- "$bin" nightly --config "$tmp/etc/remote.toml" --today 2024-02-16
same_tree "remote web root = site" var/out/site remote
rm -f var/journal.db*  # back to the earlier export (see nightly-build-fails)
rm export && ln -s a export
check nightly-remote-deletes 0 "done in" -- "$bin" nightly --config "$tmp/etc/remote.toml" --today 2024-02-09
same_tree "remote web root = site, what the build deleted deleted" var/out/site remote
sed -e "s|^ssh = .*|ssh = \"$tmp/nossh\"|" etc/remote.toml >etc/noremote.toml
check nightly-remote-fails 2 "FAILED at publish" -- "$bin" nightly --config "$tmp/etc/noremote.toml" --today 2024-02-09

# --- a today outside the journal's data (issue 26): the run goes on and its summary warns,
# naming both dates, even with --quiet (the export a ends on 2024-02-09).
check nightly-today-outside-data 0 "; warning: today is 2024-03-15, but the journal's last lesson on or before it was on 2024-02-09 (35 days earlier, more than 14)" -- "$bin" nightly --config "$cfg" --today 2024-03-15 --quiet
[[ $(wc -l <<<"$out") == 1 ]] && ok "nightly-today-outside-data: one line" || { bad "nightly-today-outside-data: lines"; echo "$out"; }
sed 's|^letters = true$|letters = true\nallow-any-date = true|' "$cfg" >etc/anydate.toml
check nightly-after-year 0 "; warning: today is 2024-07-02, after the end of the school year 2023/2024 on 2024-06-30" -- "$bin" nightly --config "$tmp/etc/anydate.toml" --today 2024-07-02 --quiet

# --- reports = true in the file: the staff's reports are built, and never published
sed -e 's|^letters = true|letters = true\nreports = true|' -e 's|^out = .*|out = "../var/rout"|' \
  -e 's|^to = .*|to = "../wwwr"|' "$cfg" >etc/reports.toml
mkdir -p wwwr
check nightly-reports 0 "reports (" -- "$bin" nightly --config "$tmp/etc/reports.toml" --today 2024-02-16
[[ -f var/rout/reports/index.html && ! -e wwwr/reports ]] && ok "reports built, not published" ||
  bad "reports missing or published"
same_tree "web root = site, with reports built beside it" var/rout/site wwwr

echo
((fail)) && { echo "nightly tests FAILED"; exit 1; }
echo "all nightly tests passed"
