#!/usr/bin/env bash
# A region's nightly on a real Slurm (deploy/slurm/): munge, slurmctld and slurmd started on
# 127.0.0.1 with a generated slurm.conf (one node, two CPUs), the job array submitted over 12
# small sample schools (one with a refused export, one with a missing key, one whose nightly
# is killed once mid-run and must be retried), then: 10 schools published, each equal to a
# clean single-school build of its own; the 2 failures named with their reasons in the
# region status; the killed one converged. Skips (77) where the daemons cannot start.
# Run by ctest: slurm_test.sh BINARY SOURCE_DIR
set -u
export LC_ALL=C.UTF-8
bin=$1
src=$2
for tool in munged slurmctld slurmd sbatch squeue sinfo; do
  command -v $tool >/dev/null || [[ -x /usr/sbin/$tool ]] ||
    { echo "SKIP: $tool is not installed (scripts/install-deps --tests installs slurmctld, slurmd, slurm-client, munge)"; exit 77; }
done
tmp=$(mktemp -d)
chmod 755 "$tmp"
cleanup() {
  stop_cluster "$tmp"
  sleep 0.5
  rm -rf "$tmp"
}
. "$(dirname "$0")/check.sh"
. "$(dirname "$0")/slurm/local_cluster.sh"
trap cleanup EXIT
cd "$tmp"

# --- the daemons
start_cluster "$tmp" || exit $?
ok "munge, slurmctld and slurmd on 127.0.0.1: node $CLUSTER_NODE idle"

# --- a region of 12 small schools
"$bin" keygen --out sec >/dev/null
mkdir -p region
for i in $(seq -w 1 12); do
  # school-07 is larger, so that its run lasts long enough to be killed mid-way.
  students=$((10 + 10#$i)); [[ $i == 07 ]] && students=200
  "$bin" sample --out "exports/school-$i" --students $students --seed $((10#$i)) --until 2024-02-09 >/dev/null
  mkdir -p "www/school-$i"
  cat >"region/school-$i.toml" <<EOF
input = "../exports/school-$i"
db = "../var/school-$i/journal.db"
out = "../var/school-$i/out"
site-key = "../sec/site.key"
sign-key = "../sec/sign.key.pem"
sign-cert = "../sec/sign.cert.pem"
base-url = "https://diary.example/school-$i/"
today = 2024-02-09
site = true
archive = true

[publish]
to = "../www/school-$i"
EOF
done
printf '{"format": "journalpress/1", "marks": [' >exports/school-04/broken.json  # refused
sed -i 's|^sign-key = .*|sign-key = "../sec/missing.key.pem"|' region/school-09.toml
check region-check 1 "region $tmp/region: 12 schools, 11 ok, 1 with a problem" -- "$bin" region check "$tmp/region"
[[ $out == *"$tmp/region/school-09.toml: $tmp/region/school-09.toml:5: sign-key: the file $tmp/sec/missing.key.pem does not exist"* ]] &&
  ok "region check names the broken school and its problem" || { bad "region check line"; echo "$out"; }

# --- the job array; school-07's first nightly is killed mid-run and must be retried
export JOURNALPRESS=$bin JOURNALPRESS_RETRY_PAUSE=1
job=$(sbatch --parsable --array=0-11 --cpus-per-task=1 --mem=400M \
  "$src/deploy/slurm/journalpress-region.sbatch" "$tmp/region" 2>sbatch.err)
[[ -n $job ]] && ok "sbatch: job array $job" || { bad "sbatch: $(cat sbatch.err)"; exit 1; }
killed=""
for i in $(seq 600); do
  if [[ -z $killed ]] && pid=$(pgrep -f "nightly --config $tmp/region/school-07.toml" | head -1) && [[ -n $pid ]]; then
    sleep 0.3
    kill -9 "$pid" 2>/dev/null && killed=1
  fi
  [[ -z $(squeue -h -j "$job" 2>/dev/null) ]] && break
  sleep 0.2
done
[[ -z $(squeue -h -j "$job") ]] && ok "every task ended" || { bad "tasks still queued: $(squeue -h -j "$job")"; scancel "$job"; }
[[ -n $killed ]] && ok "school-07's nightly was killed once mid-run" || bad "school-07's nightly was never seen running"

check region-status 1 "region $tmp/region: 12 schools, 10 published, 2 failed" -- "$bin" region status "$tmp/region"
[[ $(stat -c %a region/status/region-status.html) == 600 && $(stat -c %a region/status/region-status.json) == 600 ]] &&
  ok "region status: owner-only HTML and JSON" || bad "region status files' modes"
/usr/bin/python3 - region/status/region-status.json <<'PY' && ok "region status JSON: 10 published, the 2 failures with their reasons" || bad "region status JSON"
import json, sys
s = json.load(open(sys.argv[1]))
by = {x["school"]: x for x in s["schools"]}
assert s["published"] == 10 and s["failed"] == 2, (s["published"], s["failed"])
assert by["school-04"]["status"] == "refused" and "broken.json" in by["school-04"]["reason"], by["school-04"]
assert by["school-09"]["status"] == "failed" and "missing.key.pem does not exist" in by["school-09"]["reason"], by["school-09"]
for name, x in by.items():
    if name not in ("school-04", "school-09"):
        assert x["published"] and x["pages"] > 0 and x["signed_documents"] > 0, x
PY
attempts=$(grep -c "^== .* attempt" region/logs/school-07.log)
((attempts >= 2)) && grep -q "school-07: exit 0" region/logs/school-07.log &&
  ok "school-07: retried after the kill ($attempts attempts), then exit 0" || { bad "school-07 retry"; cat region/logs/school-07.log | grep "^=="; }
[[ $(grep -c "^== .* attempt" region/logs/school-09.log) == 1 ]] && ok "school-09: a broken configuration is not retried" || bad "school-09 was retried"
[[ $(grep -c "^== .* attempt" region/logs/school-04.log) == 1 ]] && ok "school-04: a refused export is not retried" || bad "school-04 was retried"
[[ ! -e www/school-04/index.html && ! -e www/school-09/index.html ]] && ok "the 2 failed schools published nothing" || bad "a failed school published"

# --- each published school equals a clean single-school build of its own
same=0
for i in 01 02 03 05 06 07 08 10 11 12; do
  "$bin" import "exports/school-$i" --db "clean-$i.db" >/dev/null 2>&1
  "$bin" build --db "clean-$i.db" --out "clean-$i" --site --site-key sec/site.key \
    --base-url "https://diary.example/school-$i/" --today 2024-02-09 >/dev/null 2>&1
  if diff -r -x .journalpress-webroot "clean-$i/site" "www/school-$i" >/dev/null; then ((same++)); else bad "school-$i differs from its clean build"; fi
done
((same == 10)) && ok "10 web roots equal their schools' clean builds (school-07 too, after its kill)"

echo
((fail)) && { echo "slurm tests FAILED"; tail -5 slurm/ctld.log; exit 1; }
echo "all slurm tests passed"
