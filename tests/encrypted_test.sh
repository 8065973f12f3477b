#!/usr/bin/env bash
# Encrypted diaries end to end (docs/site.md, "Encrypted mode"): the corpus journal built
# with --site-mode encrypted, then
#   - on disk: no page or blob names a pupil or guardian in clear, no key, only sealed
#     blobs in the areas; two builds in a row leave every file byte-identical, the next
#     day re-seals only the pages that changed; a revoked family's area is gone;
#     access.csv and the letters (text and QR code) carry the full address with the key;
#   - served by the shipped nginx configuration on 127.0.0.1, in Chromium under the site's
#     own CSP (tests/browser/encrypted.mjs): a family's address shows the child's week, the
#     key stays in the fragment between pages, axe passes on the decrypted pages, a wrong
#     key, a tampered blob and a browser without JavaScript get the message;
#   - nginx's access log of the whole run holds no key and no name.
#   encrypted_test.sh BINARY SOURCE_DIR
set -u
export LC_ALL=C.UTF-8  # text is matched and numbers printed: the same bytes under any locale
bin=$1
src=$2
. "$src/tests/check.sh"
require_tools curl node /usr/bin/chromium /usr/bin/python3 pdftotext
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] ||
  { echo "skip: nginx is not installed (scripts/install-deps --tests installs it)"; exit 77; }
[[ -d $src/tests/browser/node_modules/playwright-core ]] ||
  { echo "skip: tests/browser/node_modules is missing (npm ci in tests/browser)"; exit 77; }
tmp=$(mktemp -d)
trap '[[ -f $tmp/nginx.pid ]] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cd "$tmp"

"$bin" import "$src/tests/corpus/base" --db j.db >/dev/null 2>&1 || { echo "FAIL import"; exit 1; }
"$bin" keygen --out sec >/dev/null
build() {  # build TODAY [more options]: the encrypted site and the letters into out/
  local today=$1
  shift
  "$bin" build --db j.db --out out --site --letters --site-mode encrypted --site-key sec/site.key \
    --base-url https://diary.example/ --today "$today" "$@" 2>&1 | grep -v '^warning: today is'
}
hashes() { (cd out/site && find . -type f -exec sha256sum {} + | sort -k2); }
check "encrypted build" 0 "encrypted mode:" -- build 2024-02-16

# --- the addresses: base URL, '#', 43 characters of base64url; nothing else
mapfile -t keys < <(awk -F, 'NR > 1 { sub(/^https:\/\/diary\.example\/#/, "", $4); print $4 }' out/private/access.csv)
bad_keys=0
for k in "${keys[@]}"; do [[ $k =~ ^[A-Za-z0-9_-]{43}$ ]] || bad_keys=1; done
((${#keys[@]} == 2 && !bad_keys)) && ok "access.csv: ${#keys[@]} addresses https://diary.example/#KEY" ||
  bad "access.csv addresses: $(cat out/private/access.csv)"

# --- the pupils' and guardians' names (every part, and whole), from the journal itself, as
# the import stores them (NFC, zero-width characters dropped)
names_of() {  # names_of JOURNAL_DIR: one name a line
  /usr/bin/python3 - "$1" <<'PY'
import json, pathlib, re, sys, unicodedata
names = set()
for f in pathlib.Path(sys.argv[1]).glob('*.json'):
    d = json.loads(f.read_text())
    for p in d.get('students', []) + d.get('guardians', []):
        clean = lambda x: re.sub('[\u200b-\u200f\u2060\ufeff\u00ad\u061c]', '', unicodedata.normalize('NFC', x))
        parts = [clean(p[k]) for k in ('last_name', 'first_name', 'middle_name') if p.get(k)]
        names.update(x for x in parts if len(x) >= 2)
        names.add(' '.join(parts))
print('\n'.join(sorted(names)))
PY
}
names_of "$src/tests/corpus/base" >names.txt
(($(wc -l <names.txt) >= 10)) && ok "$(wc -l <names.txt) names to look for" || bad "too few names: $(cat names.txt)"
grep -qF "$(head -1 names.txt)" out/private/access.csv || grep -qF "$(sed -n 2p names.txt)" out/private/access.csv ||
  bad "the names are not the journal's (none in access.csv)"
leaks=$(grep -rlF -f names.txt out/site)
[[ -z $leaks ]] && ok "no file of the built site names a pupil or guardian ($(find out/site -type f | wc -l) files)" ||
  bad "names in clear: $leaks"
printf '%s\n' "${keys[@]}" >keys.txt
leaks=$(grep -rlF -f keys.txt out/site)
[[ -z $leaks ]] && ok "no key in the built site" || bad "a key in: $leaks"
others=$(find out/site/f -mindepth 2 -type f ! -name '*.bin')
[[ -z $others ]] && ok "areas hold only sealed blobs (calendar and feed off by default)" || bad "not sealed: $others"
magic=$(find out/site/f -mindepth 2 -name '*.bin' -exec head -c 4 {} \; -exec echo \; | sort -u)
[[ $magic == JPE1 ]] && ok "every blob starts with JPE1" || bad "blob magic: $magic"

# Names in every script (tests/fonts/journal: Chinese, Arabic, Hebrew, Armenian, Georgian,
# emoji, names with combining marks and zero-width characters): none in clear either.
"$bin" import "$src/tests/fonts/journal" --db fonts.db >/dev/null 2>&1 || bad "import tests/fonts/journal"
"$bin" build --db fonts.db --out fonts --site --site-mode encrypted --site-key sec/site.key \
  --today 2024-01-10 >/dev/null 2>&1 || bad "encrypted build of tests/fonts/journal"
names_of "$src/tests/fonts/journal" >fonts-names.txt
areas=$(find fonts/site/f -mindepth 1 -maxdepth 1 -type d | wc -l)
leaks=$(grep -rlF -f fonts-names.txt fonts/site)
[[ -z $leaks && $areas -ge 3 ]] &&
  ok "every script: $(wc -l <fonts-names.txt) names, none in the $(find fonts/site -type f | wc -l) files of $areas areas" ||
  bad "every script: $areas areas; names in clear: $leaks"

# --- the letters: the full address in the text and in the QR code
text=$(for f in out/letters/*.pdf; do pdftotext "$f" -; done)
n=0
for k in "${keys[@]}"; do [[ $text == *"https://diary.example/#$k"* ]] && ((n++)); done
((n == ${#keys[@]})) && ok "letters print every full address" || bad "letters: $n of ${#keys[@]} addresses"
if command -v zbarimg >/dev/null && command -v pdftoppm >/dev/null; then
  qr=$(for f in out/letters/*.pdf; do pdftoppm -r 150 -png "$f" page 2>/dev/null; for p in page*.png; do zbarimg -q --raw "$p" 2>/dev/null; done; rm -f page*.png; done)
  n=0
  for k in "${keys[@]}"; do grep -qxF "https://diary.example/#$k" <<<"$qr" && ((n++)); done
  ((n == ${#keys[@]})) && ok "the letters' QR codes hold the full addresses" || bad "QR codes: $qr"
fi

# --- incremental: the same inputs again write nothing; the next day re-seals only what changed
hashes >h1.txt
check "rebuild, same day" 0 " 0 written" -- build 2024-02-16
hashes >h2.txt
cmp -s h1.txt h2.txt && ok "same day: every file byte-identical" || bad "same day: files changed"
check "rebuild, full" 0 "encrypted mode:" -- build 2024-02-16 --full
check "next day" 0 "encrypted mode:" -- build 2024-02-17
# --full re-sealed everything once (a new nonce each): compare the next day with that.
check "next day again" 0 " 0 written" -- build 2024-02-17
hashes >h4.txt
check "the day after" 0 "encrypted mode:" -- build 2024-02-18
hashes >h5.txt
changed=$(join -j2 -o 1.1,2.1,0 h4.txt h5.txt | awk '$1 != $2 { print $3 }' | sort)
unexpected=$(grep -v -e '/index\.bin$' -e '~current\.bin$' -e '~new\.bin$' <<<"$changed" | grep .)
[[ -n $changed && -z $unexpected ]] &&
  ok "a new day re-seals only the family pages and what the date changes ($(wc -l <<<"$changed") of $(wc -l <h5.txt))" ||
  bad "a new day re-sealed: $unexpected"
# One mark changed (s1's 5 for lesson l1 on 4 September becomes a 3): only pages of s1 are
# sealed again (the week of the mark among them), and the family pages; of the other
# children's pages only "new", which follows each publication (what the last one showed).
cp -r "$src/tests/corpus/base" onemark
sed -i 's/"id": "m1", "student": "s1", "lesson": "l1", "value": "5"/"id": "m1", "student": "s1", "lesson": "l1", "value": "3"/' onemark/journal.json
grep -q '"id": "m1", "student": "s1", "lesson": "l1", "value": "3"' onemark/journal.json || bad "the fixture's mark m1 was not found"
"$bin" import onemark --db j.db >/dev/null 2>&1 || bad "import of the changed mark"
check "one mark changed" 0 "encrypted mode:" -- build 2024-02-18
hashes >h6.txt
changed=$(join -j2 -o 1.1,2.1,0 h5.txt h6.txt | awk '$1 != $2 { print $3 }' | sort)
unexpected=$(grep -v -e '/index\.bin$' -e '/s1~[^/]*\.bin$' -e '~new\.bin$' <<<"$changed" | grep .)
[[ -z $unexpected ]] && grep -q '/s1~week~2023-W36\.bin$' <<<"$changed" &&
  ok "one changed mark re-seals only its child's pages ($(grep -c '/s1~' <<<"$changed") of them, the week of the mark among them) and the family pages" ||
  bad "one changed mark re-sealed: $(tr '\n' ' ' <<<"$changed")"

# --- served: nginx with an access log, Chromium through the loader
mkdir www
cp -r out/site/. www/
chmod -R a+rX www
# Tamper with the second family's front page: one byte of its ciphertext.
/usr/bin/python3 - "${keys[1]}" <<'PY' >tampered_folder.txt
import base64, hashlib, hmac, sys
key = base64.urlsafe_b64decode(sys.argv[1] + '=')
prk = hmac.new(b'journalpress-diary-v1', key, hashlib.sha256).digest()
print(hmac.new(prk, b'folder\x01', hashlib.sha256).digest()[:16].hex())
PY
tf=www/f/$(cat tampered_folder.txt)
if [[ -f $tf/index.bin ]]; then
  ok "the loader's folder derivation (HKDF in Python) finds the family's area"
  /usr/bin/python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[40]^=1; open(p,'wb').write(b)" "$tf/index.bin"
else
  bad "no area at the folder HKDF gives for the second key"
fi
start_nginx "$tmp/www" "$tmp/access.log"
code=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$base/loader.js")
[[ $code == "200 application/javascript"* ]] && ok "loader.js served ($code)" || bad "loader.js: $code"
csp=$(curl -s -D - -o /dev/null "$base/" | tr -d '\r' | grep -i '^content-security-policy:')
[[ $csp == *"script-src 'self'; connect-src 'self'"* && $csp != *unsafe* ]] &&
  ok "the front page's CSP: script-src 'self', connect-src 'self', nothing unsafe" || bad "front CSP: $csp"
blob=$(cd www && find f -name '*.bin' | head -1)
code=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$base/$blob")
[[ $code == "200 application/octet-stream" ]] && ok "a blob is served as octets" || bad "blob: $code"
child=$(awk -F, 'NR == 2 { print $3 }' out/private/access.csv | cut -d';' -f1)
(cd "$src/tests/browser" && node encrypted.mjs "$base" "${keys[0]}" "$child" "${keys[1]}") >browser.txt 2>&1
rc=$?
cat browser.txt
((rc == 0)) && ok "Chromium: encrypted.mjs" || bad "Chromium: encrypted.mjs exit $rc"
stop_nginx

requests=$(wc -l <access.log)
grep -q '\.bin HTTP' access.log && ok "nginx logged $requests requests, blob fetches among them" || bad "no blob in the access log"
leaks=$(grep -F -f keys.txt access.log; grep -F -f names.txt access.log; grep -F '#' access.log)
[[ -z $leaks ]] && ok "the access log holds no key, no name, no fragment" || bad "access log: $leaks"

# --- revocation: the family's old area is gone, its new key opens a new one
old=$(ls out/site/f | sort)
check "revoke g1" 0 "access epoch 2" -- "$bin" revoke g1 --db j.db
build 2024-02-18 >/dev/null
new=$(ls out/site/f | sort)
gone=$(comm -23 <(echo "$old") <(echo "$new") | grep -v index.html)
came=$(comm -13 <(echo "$old") <(echo "$new"))
key_now=$(awk -F, '$1 == "g1" { sub(/^https:\/\/diary\.example\/#/, "", $4); print $4 }' out/private/access.csv)
[[ $(wc -w <<<"$gone") == 1 && $(wc -w <<<"$came") == 1 && $key_now != "${keys[0]}" ]] &&
  ok "revoke: one area gone, one new, a new key in access.csv" || bad "revoke: gone [$gone] new [$came]"

# --- a new site key: every area and every key changes; the configuration file sets the mode
cat >school.toml <<'TOML'
db = "j.db"
out = "out"
site-key = "sec/site.key"
base-url = "https://diary.example/"
site-mode = "encrypted"
site = true
TOML
old=$(ls out/site/f | grep -v index.html | sort)
old_keys=$(cut -d, -f4 out/private/access.csv | sort)
"$bin" keygen --out sec --force >/dev/null
check "new site key, mode from the configuration file" 0 "encrypted mode:" -- \
  "$bin" build --config school.toml --today 2024-02-18
new=$(ls out/site/f | grep -v index.html | sort)
[[ -z $(comm -12 <(echo "$old") <(echo "$new")) && -z $(comm -12 <(echo "$old_keys") <(cut -d, -f4 out/private/access.csv | sort) | grep '#') ]] &&
  ok "a new site key: every folder and every address new" || bad "a new site key left: $(comm -12 <(echo "$old") <(echo "$new"))"
mapfile -t keys < <(awk -F, 'NR > 1 { sub(/^https:\/\/diary\.example\/#/, "", $4); print $4 }' out/private/access.csv)
printf '%s\n' "${keys[@]}" >keys.txt

# --- calendar and feed turned on: plain files, no key and no page link in them
hashes | grep '\.bin$' | grep -v '/index\.bin$' >before-feeds.txt
check "feeds on" 0 "encrypted mode:" -- build 2024-02-18 --site-feeds on
hashes | grep '\.bin$' | grep -v '/index\.bin$' | cmp -s - before-feeds.txt &&
  ok "turning the feeds on re-seals no page but the family pages" || bad "feeds on re-sealed pages"
n=$(find out/site/f -name calendar.ics | wc -l); m=$(find out/site/f -name feed.atom | wc -l)
((n == 2 && m == 2)) && ok "--site-feeds on: a calendar and a feed per area" || bad "feeds on: $n calendars, $m feeds"
leaks=$(cat out/site/f/*/feed.atom out/site/f/*/calendar.ics | grep -F -f keys.txt; grep -l 'rel="alternate"' out/site/f/*/feed.atom)
[[ -z $leaks ]] && ok "the feeds carry no key and no link to a page" || bad "feeds: $leaks"
check "feeds off again" 0 "encrypted mode:" -- build 2024-02-18
[[ -z $(find out/site/f -name calendar.ics -o -name feed.atom) ]] && ok "feeds off: removed" || bad "feeds off: still there"

echo
((fail)) && { echo "encrypted tests FAILED"; exit 1; }
echo "all encrypted tests passed"
