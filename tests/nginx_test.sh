#!/usr/bin/env bash
# The shipped nginx configuration (deploy/nginx/journalpress.conf) in a real nginx on
# 127.0.0.1, over a site built from the corpus journal, checked with curl: a family page
# with every header, a root that reveals nothing, no listing, private/ and reports/
# unreachable, a wrong address 404. Only listen and root are changed. Run by ctest:
# nginx_test.sh BINARY SOURCE_DIR
set -u
export LC_ALL=C.UTF-8  # text is matched and numbers printed: the same bytes under any locale
bin=$1
src=$2
for tool in nginx curl; do
  command -v $tool >/dev/null || [[ -x /usr/sbin/$tool ]] ||
    { echo "SKIP: $tool is not installed (scripts/install-deps --tests installs it)"; exit 77; }
done
nginx=$(command -v nginx || echo /usr/sbin/nginx)
tmp=$(mktemp -d)
trap '[[ -f $tmp/nginx.pid ]] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"  # nginx's workers run as another user when the test runs as root
. "$src/tests/check.sh"

cd "$tmp"
"$bin" import "$src/tests/corpus/base" --db j.db >/dev/null || { echo "FAIL import"; exit 1; }
"$bin" keygen --out sec >/dev/null
# Every output, so that the whole output folder can be tried as a root below.
"$bin" build --db j.db --out out --site --archive --extracts --all --letters --reports \
  --site-key sec/site.key --sign-key sec/sign.key.pem --sign-cert sec/sign.cert.pem \
  --base-url https://diary.example/ --today 2024-02-16 >/dev/null || { echo "FAIL build"; exit 1; }
# The web root as nightly publishes it, plus what must never be served if it lands there.
mkdir www
cp -r out/site/. www/
mkdir -p www/private www/reports www/.journalpress
cp out/private/access.csv www/private/
echo "staff only" >www/reports/attendance.html
echo "state" >www/.journalpress/lock
echo "marker" >www/.journalpress-webroot
chmod -R a+rX www out

family=$(awk -F, 'NR == 2 { for (i = 1; i <= NF; i++) if ($i ~ /^https:/) print $i }' out/private/access.csv)
family_path=/${family#https://diary.example/}
[[ $family_path == /f/*/ ]] || { echo "FAIL no family address in access.csv: $family"; exit 1; }
page=$(cd "www$family_path" && ls *~current.html | head -1)

start_nginx "$tmp/www"

get() {  # get PATH: sets code, headers, body
  code=$(curl -s -D "$tmp/h.txt" -o "$tmp/b.txt" -w '%{http_code}' "$base$1")
  headers=$(tr -d '\r' <"$tmp/h.txt")
  body=$(cat "$tmp/b.txt")
}
strict="default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
# The front page may run the site's own loader.js and fetch from the site (encrypted mode).
front="default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
has_headers() {  # has_headers NAME [CSP]: every privacy header is sent (the strict CSP unless given)
  local missing=""
  for h in "Content-Security-Policy: ${2:-$strict}" \
    "Referrer-Policy: no-referrer" "X-Robots-Tag: noindex, nofollow, noarchive" \
    "X-Content-Type-Options: nosniff"; do
    grep -qiF "$h" <<<"$headers" || missing+="$h; "
  done
  [[ -z $missing ]] && ok "$1: every security header" || bad "$1: missing $missing"
}

get "$family_path$page"
[[ $code == 200 && $body == *"<html"* ]] && ok "family page 200" || bad "family page: $code"
has_headers "family page"
grep -qi "^Cache-Control: no-store$" <<<"$headers" && ok "family page: not stored" || bad "family page cache: $headers"
grep -qi "^Server: nginx$" <<<"$headers" && ok "no version in Server" || bad "server header: $(grep -i ^server <<<"$headers")"
get "$family_path"
[[ $code == 200 && $body == *"$page"* ]] && ok "family index 200" || bad "family index: $code"
# The family's calendar and feed: their own types, the strict headers, never stored.
get "${family_path}calendar.ics"
[[ $code == 200 && $body == BEGIN:VCALENDAR* ]] && grep -qi "^Content-Type: text/calendar; charset=utf-8$" <<<"$headers" &&
  ok "calendar.ics 200 text/calendar" || bad "calendar.ics: $code $(grep -i content-type <<<"$headers")"
has_headers "calendar.ics"
grep -qi "^Cache-Control: no-store$" <<<"$headers" && ok "calendar: not stored" || bad "calendar cache"
get "${family_path}feed.atom"
[[ $code == 200 && $body == *"<feed xmlns"* ]] && grep -qi "^Content-Type: application/atom+xml" <<<"$headers" &&
  ok "feed.atom 200 application/atom+xml" || bad "feed.atom: $code $(grep -i content-type <<<"$headers")"
has_headers "feed.atom"

get /
[[ $code == 200 ]] && ok "root 200" || bad "root: $code"
has_headers "root" "$front"
get /index.html
has_headers "root as /index.html" "$front"
if grep -qE '[0-9a-f]{32}' <<<"$body" || grep -q 'href="f/' <<<"$body"; then bad "root reveals an address"; else ok "root reveals no address"; fi
names=$(awk -F, 'NR > 1 { print $2 }' out/private/access.csv)
leak=""
while read -r n; do [[ -n $n && $body == *"$n"* ]] && leak+="$n; "; done <<<"$names"
[[ -z $leak ]] && ok "root names no guardian" || bad "root names: $leak"

get /style.css
[[ $code == 200 ]] && grep -qi "^Cache-Control: public, max-age=604800$" <<<"$headers" &&
  ok "style.css cached for a week" || bad "style.css: $code $(grep -i cache-control <<<"$headers")"
grep -qi "^Content-Type: text/css" <<<"$headers" && ok "style.css is text/css" || bad "style.css type"

rm -f "www/f/index.html"  # a folder without an index: never a listing
for p in /f/ /f; do
  get $p
  [[ ($code == 403 || $code == 404 || $code == 301) && $body != *"Index of"* && $body != *"${family_path#/f/}"* ]] &&
    ok "folder without a token $p: $code, no listing" || bad "folder $p: $code $(head -c 200 <<<"$body")"
done
has_headers "a refusal"
for p in /private/access.csv /private/ /reports/ /reports/attendance.html /.journalpress/lock \
  "$family_path.hidden" /%2e%2e/out/private/access.csv /f/../private/access.csv; do
  get "$p"
  [[ $code == 404 || $code == 400 ]] && [[ $body != *"staff only"* && $body != *"state"* && $body != *","* ]] &&
    ok "$p unreachable ($code)" || bad "$p: $code"
done
get "/f/00000000000000000000000000000000/$page"
[[ $code == 404 ]] && ok "wrong token 404" || bad "wrong token: $code"
has_headers "a 404"
wrong=${family_path%/}
wrong=${wrong%?}0/
[[ $wrong == "$family_path" ]] && wrong=${family_path%??}1/
get "$wrong"
[[ $code == 404 ]] && ok "a token one digit off: 404" || bad "a near token: $code"

# Every file of the web root that is not the site's is 404; every file of the site is served.
site_files=0 others=0
while IFS= read -r f; do
  rel=${f#www}
  get "$(sed 's/~/%7E/g' <<<"$rel")"
  if [[ -f out/site$rel ]]; then
    ((site_files++))
    [[ $code == 200 ]] || bad "site file $rel: $code"
  else
    ((others++))
    [[ $code == 404 ]] || bad "not the site's $rel: $code"
  fi
done < <(find www -type f ! -path 'www/f/index.html')
ok "web root: $site_files site files served, $others other files 404"

# The root pointed at the whole output folder by mistake: nothing in it is served (the
# signed archive, workbooks, manifest, letters, extracts, reports, access list, state).
stop_nginx
start_nginx "$tmp/out"
served=""
count=0
while IFS= read -r f; do
  ((count++))
  rel=${f#out}
  get "$(sed 's/~/%7E/g' <<<"$rel")"
  [[ $code == 404 ]] || served+="$rel ($code); "
done < <(find out -type f)
for must in "/archive/2023-2024/" "/private/access.csv" "/reports/index.html" "/letters/" "/extracts/"; do
  find out -type f -path "out$must*" | grep -q . || bad "the output folder has no $must to try"
done
[[ -z $served ]] && ok "root at the output folder: all $count files 404 (archive PDFs, workbooks, manifest, letters, extracts, reports, access list, state)" ||
  bad "root at the output folder served: $(head -c 600 <<<"$served")"
get /
[[ $code == 404 ]] && ok "root at the output folder: / is 404" || bad "root at the output folder: / is $code"

echo
((fail)) && { echo "nginx tests FAILED"; cat error.log | tail -5; exit 1; }
echo "all nginx tests passed"
