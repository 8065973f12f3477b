#!/usr/bin/env bash
# Publishing under faults (docs/architecture.md, "The publication protocol"): builds killed
# with SIGKILL at many points, two builds at once, one database built into several
# folders in any order, a revoke, a fresh database with a new key, and files changed by
# hand. After each, the output folder must equal what a clean build of the same database
# writes into an empty folder (the archive's signatures carry their signing time, so the
# archive is compared by its file list and `verify`, every other output byte for byte).
# Run by ctest: publish_test.sh BINARY
set -u
export LC_ALL=C.UTF-8  # text is matched and numbers printed: the same bytes under any locale
bin=$1
# Thousands of small files are copied and compared: in memory where there is /dev/shm.
tmp=$(mktemp -d -p "$([[ -d /dev/shm && -w /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'umount "$tmp/small" 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL $*"; fail=1; }
ok() { echo "ok   $*"; }

cd "$tmp"
"$bin" sample --out a --students 50 --seed 7 --until 2024-02-09 >/dev/null
"$bin" sample --out b --students 50 --seed 7 --until 2024-02-16 >/dev/null
"$bin" keygen --out sec >/dev/null
"$bin" keygen --out sec2 >/dev/null
common=(--base-url https://diary.example/ --sign-key sec/sign.key.pem --sign-cert sec/sign.cert.pem
        --extracts --all --site --letters --archive)
build() {  # build DB OUT TODAY [KEY] [extra...]: the whole build, quietly
  local db=$1 out=$2 today=$3 key=${4:-sec/site.key}
  shift 4 2>/dev/null || shift $#
  "$bin" build --db "$db" --out "$out" --site-key "$key" "${common[@]}" --today "$today" "$@" \
    >"$tmp/last.log" 2>&1
}
import() { "$bin" import "$1" --db "$2" "${@:3}" >/dev/null 2>&1; }

unsigned_part() {  # unsigned_part PDF: the bytes up to the first %%EOF (before a signature)
  local n
  n=$(grep -abo '%%EOF' "$1" | head -1 | cut -d: -f1)
  head -c "$((n + 6))" "$1"
}

# same_as_clean NAME DB OUT TODAY [KEY]: OUT equals a clean build of a copy of DB (the copy
# is taken now: a build also records "new since" data in the database).
same_as_clean() {
  local name=$1 db=$2 out=$3 today=$4 key=${5:-sec/site.key}
  rm -rf "$tmp/clean" "$tmp/clean.db"
  cp "$db" "$tmp/clean.db"
  build "$tmp/clean.db" "$tmp/clean" "$today" "$key" || { bad "$name: clean build failed"; cat "$tmp/last.log"; return 1; }
  local d
  # Extracts of other weeks are kept (printed history): the clean build's week is compared.
  d=$(diff -r --exclude=.journalpress --exclude=archive --exclude=extracts "$tmp/clean" "$out" 2>&1 | head -5)
  for w in "$tmp"/clean/extracts/*; do
    d+=$(diff -r "$w" "$out/extracts/${w##*/}" 2>&1 | head -5)
  done
  if [[ -n $d ]]; then bad "$name: differs from a clean build:"; echo "$d"; return 1; fi
  d=$(diff <(cd "$tmp/clean/archive" && find . | sort) <(cd "$out/archive" && find . | sort))
  if [[ -n $d ]]; then bad "$name: archive files differ from a clean build:"; echo "$d"; return 1; fi
  # Each document as rendered (a PDF up to its first %%EOF, before the signature; a
  # workbook whole) equals the clean build's: no document kept stale by its fingerprint.
  local f g
  for f in "$tmp"/clean/archive/*/*.pdf "$tmp"/clean/archive/*/*.xlsx; do
    g=$out/archive/${f#"$tmp"/clean/archive/}
    if [[ $f == *.pdf ]]; then
      cmp -s <(unsigned_part "$f") <(unsigned_part "$g")
    else
      cmp -s "$f" "$g"
    fi || { bad "$name: archive/${f#"$tmp"/clean/archive/} differs from a clean build's"; return 1; }
  done
  "$bin" verify "$out/archive" >/dev/null 2>&1 || { bad "$name: verify of the archive failed"; return 1; }
  return 0
}

# ---------------------------------------------------------------------------------------
# 1. Kills. The previous publication is export A; the build being killed publishes B.
import a ja.db
cp ja.db jb.db
import b jb.db
build ja.db base 2024-02-09 || { cat last.log; exit 1; }
cp ja.db base.db
# How many publishing steps the build of B takes (staged files, packed pages, the commit
# point, each line of each commit carried out), and where each output's commit falls.
rm -rf count; cp -a base count; cp jb.db count.db
JOURNALPRESS_TEST_KILL_AFTER=0 "$bin" build --db count.db --out count --site-key sec/site.key \
  "${common[@]}" --today 2024-02-16 2>steps.txt >/dev/null
total=$(sed -n 's/^publish steps: //p' steps.txt)
site_from=$(sed -n 's/^publish step \([0-9]*\): site committed$/\1/p' steps.txt)
site_to=$(sed -n 's/^publish step \([0-9]*\): site carried out$/\1/p' steps.txt)
[[ $total -gt 100 && -n $site_from && $site_to -gt $site_from ]] \
  || { bad "kill: could not count the publishing steps"; cat steps.txt; exit 1; }
# 20 points spread over the whole build, and the steps around each commit point.
points=()
for i in $(seq 0 19); do points+=($((1 + i * (total - 1) / 19))); done
while read -r n; do points+=($((n - 1)) "$n" $((n + 1))); done \
  < <(sed -n 's/^publish step \([0-9]*\): .* committed$/\1/p' steps.txt)
points+=($(((site_from + site_to) / 2)) $((site_to - 1)))
killed=0 recovered_forward=0 left_previous=0
for k in "${points[@]}"; do
  rm -rf run run.db; cp -a base run; cp jb.db run.db
  (JOURNALPRESS_TEST_KILL_AFTER=$k "$bin" build --db run.db --out run --site-key sec/site.key \
    "${common[@]}" --today 2024-02-16) >/dev/null 2>&1
  rc=$?
  if [[ $rc == 137 ]]; then
    ((killed++))
    # Before the site's commit point the published site is exactly the previous one.
    if ((k <= site_from)) && ! { diff -rq base/site run/site && diff -rq base/private run/private; } >/dev/null; then
      bad "kill at step $k, before the site's commit point ($site_from): the published site changed"
    fi
    pending=$(sqlite3 run/.journalpress/state.db "SELECT count(*) FROM pending")
    if [[ $pending == 0 ]] && diff -rq --exclude=.journalpress --exclude=archive base/site run/site >/dev/null \
       && diff -rq base/private run/private >/dev/null; then
      ((left_previous++))
    else
      ((recovered_forward++))
    fi
  elif [[ $rc != 0 ]]; then
    bad "kill at step $k: exit $rc"; continue
  fi
  # The next run (same database) must converge to a clean build of B.
  cp run.db run-next.db
  build run.db run 2024-02-16 || { bad "kill at step $k: the next build failed"; cat last.log; continue; }
  same_as_clean "kill at step $k of $total" run-next.db run 2024-02-16 || continue
done
[[ $killed -ge 20 ]] && ok "kill: $killed builds killed at steps spread over $total; each next build equals a clean one ($left_previous left the previous site whole, $recovered_forward were rolled forward)" \
  || bad "kill: only $killed of ${#points[@]} runs were killed"

# Kills after random delays, with the real signal from outside.
for delay in 0.05 0.2 0.35 0.5 0.8; do
  rm -rf run run.db; cp -a base run; cp jb.db run.db
  "$bin" build --db run.db --out run --site-key sec/site.key "${common[@]}" --today 2024-02-16 >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"; kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  cp run.db run-next.db
  build run.db run 2024-02-16 || { bad "kill after ${delay}s: the next build failed"; cat last.log; continue; }
  same_as_clean "kill after ${delay}s" run-next.db run 2024-02-16 && ok "kill after ${delay}s: the next build equals a clean one"
done

# The first wave's failure: killed during the site's commit, then the previous export
# imported again and built. Families must see exactly their own children's pages.
site_commit=$(((site_from + site_to) / 2))
rm -rf run run.db; cp -a base run; cp jb.db run.db
(JOURNALPRESS_TEST_KILL_AFTER=$site_commit "$bin" build --db run.db --out run --site-key sec/site.key \
  "${common[@]}" --today 2024-02-16) >/dev/null 2>&1
[[ $(sqlite3 run/.journalpress/state.db "SELECT group_concat(output) FROM pending") == site ]] || site_commit=""
if [[ -z $site_commit ]]; then
  bad "kill during the site's commit: no step found inside it"
else
  import a run.db --accept-older  # A is the older export
  cp run.db run-next.db
  build run.db run 2024-02-16 || { bad "re-import after a kill: build failed"; cat last.log; }
  same_as_clean "killed in the site's commit (step $site_commit), then export A imported again" \
    run-next.db run 2024-02-16 && ok "killed in the site's commit (step $site_commit), A re-imported: equals a clean build"
  # And --full finds nothing to repair.
  out=$("$bin" build --db run.db --out run --site-key sec/site.key --base-url https://diary.example/ --site --full --today 2024-02-16 2>&1)
  [[ $out == *" 0 written, "*" 0 deleted;"* ]] && ok "--full after the repair: nothing to write" || bad "--full after the repair: $out"
fi

# ---------------------------------------------------------------------------------------
# 2. Two builds at once into one folder.
rm -rf two two.db; cp jb.db two.db
"$bin" build --db two.db --out two --site-key sec/site.key "${common[@]}" --today 2024-02-16 >two1.log 2>&1 &
p1=$!
for _ in $(seq 100); do grep -qs "pid $p1," two/.journalpress/lock && break; sleep 0.05; done
"$bin" build --db two.db --out two --site-key sec/site.key "${common[@]}" --today 2024-02-16 >two2.log 2>&1
rc2=$?
wait $p1; rc1=$?
if [[ $rc1 == 0 && $rc2 == 2 ]] && grep -q "two is in use by another journalpress run (pid $p1, started .* UTC: $bin build" two2.log; then
  ok "two at once: the second refused, naming the first ($(head -c 160 two2.log))"
else
  bad "two at once: rc $rc1 and $rc2"; cat two2.log
fi
cp two.db two-next.db
same_as_clean "two at once" two-next.db two 2024-02-16 && ok "two at once: the tree equals a clean build"
# With --wait, both run, one after the other.
"$bin" build --db two.db --out two --site-key sec/site.key "${common[@]}" --today 2024-02-17 --wait 120 >w1.log 2>&1 &
p1=$!
for _ in $(seq 100); do grep -qs "pid $p1," two/.journalpress/lock && break; sleep 0.05; done
cp two.db two-next.db
"$bin" build --db two.db --out two --site-key sec/site.key "${common[@]}" --today 2024-02-17 --wait 120 >w2.log 2>&1
rc2=$?
wait $p1; rc1=$?
[[ $rc1 == 0 && $rc2 == 0 ]] && ok "two at once with --wait: both done" || { bad "--wait: rc $rc1 and $rc2"; cat w1.log w2.log; }
same_as_clean "two with --wait" two-next.db two 2024-02-17 && ok "two with --wait: the tree equals a clean build"
# A lock left by a killed run never blocks.
"$bin" build --db two.db --out two --site-key sec/site.key "${common[@]}" --today 2024-02-18 >/dev/null 2>&1 &
p1=$!
for _ in $(seq 100); do grep -qs "pid $p1," two/.journalpress/lock && break; sleep 0.05; done
kill -9 $p1; wait $p1 2>/dev/null
build two.db two 2024-02-18 && ok "a killed holder's lock does not block" || { bad "stale lock blocked"; cat last.log; }

# ---------------------------------------------------------------------------------------
# 3. The folder owns its state: one database into A, B, A; a revoke; a fresh database and key.
rm -rf fa fb own.db; cp ja.db own.db
step() {  # step NAME OUT TODAY [KEY]
  cp own.db own-ref.db
  build own.db "$2" "$3" "${4:-sec/site.key}" || { bad "$1: build failed"; cat last.log; return; }
  same_as_clean "$1" own-ref.db "$2" "$3" "${4:-sec/site.key}" && ok "$1: equals a clean build"
}
step "folders: A on 02-09" fa 2024-02-09
import b own.db
step "folders: B on 02-16" fb 2024-02-16
step "folders: A again on 02-16" fa 2024-02-16
g=$(sqlite3 own.db "SELECT guardian FROM guardian_children LIMIT 1")
"$bin" revoke "$g" --db own.db >/dev/null
step "folders: revoke $g, then B" fb 2024-02-16
old_token_dirs=$(cd fa/site/f && ls -d */ | wc -l)
step "folders: then A (the revoked area goes)" fa 2024-02-16
rm -f own.db; import b own.db
step "folders: a fresh database and a new site key into A" fa 2024-02-16 sec2/site.key
[[ $(comm -12 <(cd fa/site/f && ls -d */) <(cd fb/site/f && ls -d */) | wc -l) == 0 ]] && ok "folders: no area of the old key is left in A ($old_token_dirs areas before)" \
  || bad "folders: areas of the old key are left in A"

# ---------------------------------------------------------------------------------------
# 4. Hand edits: a page deleted, a page edited, a file added, a link planted, an empty
# folder made; the next build (and --full) restores the clean tree without following links.
rm -rf hand hand.db; cp jb.db hand.db
build hand.db hand 2024-02-16 || { bad "hand: build failed"; cat last.log; }
area=$(ls -d hand/site/f/*/ | head -1)
pages=($(ls "$area"*.html))
rm "${pages[1]}"
echo "<p>edited</p>" >>"${pages[2]}"
echo "added" >"$area/added.html"
echo "outside" >outside.txt
ln -s "$tmp/outside.txt" "$area/link.html"
ln -sf "$tmp/outside.txt" "${pages[3]}"   # a published page replaced by a link
mkfifo "$area/fifo.html"
ln "$tmp/outside.txt" "hand/private/hardlink.csv"
mkdir -p hand/site/f/empty-by-hand
echo "letter?" > hand/letters/zz.pdf
# A child's page is one file with a name in each guardian's area; a third name made by hand
# outside the output, and an edit through it.
twin=$(find hand/site -type f -links 2 -name '*~week~*' | head -1)
[[ -n $twin ]] && ok "links: a child's page is one file in its guardians' areas" || bad "links: no linked page in the site"
ln "$twin" outside-link.html
echo "<p>edited through a link made outside</p>" >>outside-link.html
cp hand.db hand-next.db
build hand.db hand 2024-02-16 || { bad "hand: the build after edits failed"; cat last.log; }
grep -q "edited through a link made outside" outside-link.html && [[ $(stat -c %h outside-link.html) == 1 ]] \
  && ! grep -q "edited through" "$twin" && ok "hand: a hard link made outside is never written through" \
  || bad "hand: a hard link made outside was written through or kept"
grep -q "entries on disk not as published" last.log && ok "hand: the build reports what it put right ($(grep -c ': ' last.log) lines)" || bad "hand: no report"
[[ $(cat outside.txt) == outside ]] && [[ ! -L ${pages[3]} ]] && ok "hand: links removed, never written through" || bad "hand: a link was followed"
same_as_clean "hand edits" hand-next.db hand 2024-02-16 && ok "hand: equals a clean build"
# The same with --full, after an edit that keeps the size and the mtime (only content
# comparison finds it).
f=${pages[4]}
m=$(stat -c %y "$f")
printf 'X' | dd of="$f" bs=1 seek=40 conv=notrunc status=none; touch -d "$m" "$f"
cp hand.db hand-next.db
build hand.db hand 2024-02-16 sec/site.key --full
same_as_clean "hand edits, --full" hand-next.db hand 2024-02-16 && ok "hand: --full finds an edit that kept size and mtime"

# A state file damaged (a power loss, a disk error) is set aside and learnt again from the
# disk; files equal to what the build renders keep their mtimes.
m=$(stat -c %Y "${pages[5]}")
head -c 8192 /dev/urandom >hand/.journalpress/state.db
rm -f hand/.journalpress/state.db-wal
cp hand.db hand-next.db
build hand.db hand 2024-02-16 || { bad "damaged state: build failed"; cat last.log; }
grep -q "state.db could not be read" last.log && [[ -f hand/.journalpress/state.db.damaged ]] \
  && [[ $(stat -c %Y "${pages[5]}") == "$m" ]] && ok "damaged state: set aside, learnt again, files kept" \
  || { bad "damaged state"; head -3 last.log; }
same_as_clean "damaged state" hand-next.db hand 2024-02-16 && ok "damaged state: equals a clean build"

# A full disk: the build fails naming the cause, the published site and its state stay as
# they were, nothing is left in the staging; once there is room, the next build converges.
# Needs a small tmpfs (root in a sandbox that permits mounting).
mkdir -p "$tmp/small"
if mount -t tmpfs -o size=60m tmpfs "$tmp/small" 2>/dev/null; then
  cp hand.db small.db
  build small.db "$tmp/small/out" 2024-02-09 || { bad "full disk: first build failed"; cat last.log; }
  cp -a "$tmp/small/out/site" small-site
  import b small.db
  avail=$(df --output=avail -k "$tmp/small" | tail -1)
  head -c $(((avail - 300) * 1024)) /dev/zero >"$tmp/small/filler" 2>/dev/null
  cp small.db small-next.db
  "$bin" build --db small.db --out "$tmp/small/out" --site --site-key sec/site.key --today 2024-02-16 >full.log 2>&1
  rc=$?
  if [[ $rc == 2 ]] && grep -q "No space left on device" full.log && diff -rq small-site "$tmp/small/out/site" >/dev/null \
     && [[ -z $(ls "$tmp/small/out/.journalpress" | grep -E '^(staging|pack)-') ]]; then
    ok "full disk: refused naming the cause ($(grep -o 'cannot write [^:]*: No space left on device' full.log | head -1 | sed "s|$tmp/small/||")), site unchanged, no staging left"
  else
    bad "full disk: rc $rc"; cat full.log
  fi
  rm -f "$tmp/small/filler"
  cp small.db small-next.db
  "$bin" build --db small.db --out "$tmp/small/out" --site --site-key sec/site.key --today 2024-02-16 --base-url https://diary.example/ >/dev/null 2>&1 \
    || bad "full disk: the build after freeing room failed"
  rm -rf small-clean; cp small-next.db small-clean.db
  "$bin" build --db small-clean.db --out small-clean --site --site-key sec/site.key --today 2024-02-16 --base-url https://diary.example/ >/dev/null 2>&1
  # (The folder also holds the first build's archive, extracts and letters: the site and
  # private/ are compared.)
  d=$(for o in site private; do diff -rq "small-clean/$o" "$tmp/small/out/$o"; done 2>&1 | head -3)
  [[ -z $d ]] && ok "full disk: after freeing room, the site equals a clean build" \
    || { bad "full disk: differs from a clean build"; echo "$d"; }
  umount "$tmp/small"
else
  echo "skip full disk: cannot mount a tmpfs here (needs root and a sandbox that allows mount)"
fi

# ---------------------------------------------------------------------------------------
# 5. Modes: the staging is owner-only; private outputs are owner-only.
[[ $(stat -c %a hand/.journalpress) == 700 ]] && ok "modes: .journalpress is 0700" || bad "modes: .journalpress is $(stat -c %a hand/.journalpress)"
loose=$(find hand/private hand/letters hand/extracts -perm /077 | head -3)
[[ -z $loose ]] && ok "modes: private/, letters/ and extracts/ are owner-only" || bad "modes: readable by others: $loose"
# A site folder that is a link is refused, not followed.
rm -rf linked real; mkdir real; mkdir linked; ln -s "$tmp/real" linked/site
"$bin" build --db hand.db --out linked --site-key sec/site.key --site --today 2024-02-16 >l.log 2>&1
[[ $? == 2 ]] && grep -q "linked/site is a symbolic link, not a folder" l.log && [[ -z $(ls real) ]] \
  && ok "a site/ that is a link is refused" || { bad "site/ as a link"; cat l.log; }

exit $fail
