#!/usr/bin/env bash
# The Debian package: CPack builds it from the build folder; lintian finds no error in it;
# the systemd units pass `systemd-analyze verify`; unpacked into a scratch root, its binary
# runs the sample data through import, build and nightly, and its man page is there.
# Run by ctest: package_test.sh BUILD_DIR SOURCE_DIR
set -u
export LC_ALL=C.UTF-8  # text is matched and numbers printed: the same bytes under any locale
build=$1
src=$2
for tool in cpack dpkg-deb lintian help2man; do
  command -v $tool >/dev/null ||
    { echo "SKIP: $tool is not installed (scripts/install-deps --tests installs it)"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL $*"; fail=1; }
ok() { echo "ok   $*"; }

version=$("$build/journalpress" --version | awk '{ print $2 }')
(cd "$build" && cpack -G DEB -B "$tmp/pkg") >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; echo "FAIL cpack"; exit 1; }
deb=$tmp/pkg/journalpress_${version}_amd64.deb
[[ -f $deb ]] && ok "cpack made $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)" || { ls "$tmp/pkg"; echo "FAIL no $deb"; exit 1; }

# lintian: errors fail the test; warnings are shown.
lintian --fail-on error --tag-display-limit 0 "$deb" >"$tmp/lintian.txt" 2>&1
rc=$?
sed 's/^/  lintian: /' "$tmp/lintian.txt"
((rc == 0)) && ok "lintian: no error" || bad "lintian: errors (exit $rc)"

contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
for f in ./usr/bin/journalpress ./usr/share/man/man1/journalpress.1.gz \
  ./lib/systemd/system/journalpress-nightly@.service ./lib/systemd/system/journalpress-nightly@.timer \
  ./usr/lib/sysusers.d/journalpress.conf ./usr/share/journalpress/nginx/journalpress.conf \
  ./usr/share/doc/journalpress/examples/school.example.toml ./usr/share/doc/journalpress/copyright \
  ./usr/share/doc/journalpress/changelog.gz ./usr/share/doc/journalpress/manual.md \
  ./usr/share/doc/journalpress/archive.md ./usr/share/doc/journalpress/pictures/extract.png \
  ./usr/share/journalpress/slurm/journalpress-region.sbatch ./usr/share/journalpress/slurm/submit-region; do
  grep -qxF "$f" <<<"$contents" || bad "the package lacks $f"
done
ok "the package holds the binary, man page, units, sysusers, nginx, Slurm scripts, example, copyright, changelog, manual"
grep -q "tests\|/data/" <<<"$contents" && bad "the package holds test files or data" || ok "no tests or data in the package"
depends=$(dpkg-deb -f "$deb" Depends)
for d in libc6 libsqlite3-0 libssl3 libhpdf libqpdf fonts-paratype rsync libtomlplusplus3 \
  libharfbuzz0b libharfbuzz-subset0 libfontconfig1 libglib2.0-0 libzip4 libexpat1 libfreexl1 \
  fonts-dejavu-core fonts-noto-core fonts-droid-fallback fonts-nanum fonts-symbola \
  libengine-gost-openssl libengine-pkcs11-openssl p11-kit-modules; do
  [[ $depends == *"$d"* ]] || bad "Depends lacks $d: $depends"
done
ok "Depends from the shared libraries: $depends"

root=$tmp/root
dpkg-deb -x "$deb" "$root"
zcat "$root/usr/share/man/man1/journalpress.1.gz" | grep -q '^\.TH JOURNALPRESS "1"' &&
  zcat "$root/usr/share/man/man1/journalpress.1.gz" | grep -q 'nightly' &&
  ok "man page: a section 1 page that documents nightly" || bad "man page"
zcat "$root/usr/share/man/man1/journalpress.1.gz" | grep -q 'usr/share/doc/journalpress/manual.md' &&
  zcat "$root/usr/share/man/man1/journalpress.1.gz" | grep -q 'kept when the package is purged' &&
  ok "man page: names the installed manual and what a purge keeps" || bad "man page: manual or purge"

# --help points at the manual where the package puts it (issue 26).
"$root/usr/bin/journalpress" --help | grep -q "/usr/share/doc/journalpress/manual.md" &&
  ok "--help points at /usr/share/doc/journalpress/manual.md" || bad "--help does not name the installed manual"

# The maintainer scripts (issue 26): on remove, prerm disables every school's timer; on purge,
# postrm removes any link left to the units; the schools' data stays. Run here on a scratch
# root ($DPKG_ROOT, as dpkg --root sets it), timers enabled there by systemctl itself.
ctl=$tmp/control
dpkg-deb -e "$deb" "$ctl"
for f in postinst prerm postrm; do [[ -x $ctl/$f ]] || bad "the package lacks an executable $f"; done
sysroot=$tmp/sysroot
mkdir -p "$sysroot/etc/systemd/system" "$sysroot/var/lib/journalpress/school-1" "$sysroot/etc/journalpress"
cp -r "$root/lib" "$sysroot/"
echo "pupils" >"$sysroot/var/lib/journalpress/school-1/journal.db"
echo "input = \"x\"" >"$sysroot/etc/journalpress/school-1.toml"
wants=$sysroot/etc/systemd/system/timers.target.wants
if command -v systemctl >/dev/null; then
  systemctl --root="$sysroot" enable journalpress-nightly@school-1.timer journalpress-nightly@school-2.timer >"$tmp/enable.log" 2>&1
else
  mkdir -p "$wants"
  for i in 1 2; do ln -s /lib/systemd/system/journalpress-nightly@.timer "$wants/journalpress-nightly@school-$i.timer"; done
fi
[[ -L $wants/journalpress-nightly@school-1.timer && -L $wants/journalpress-nightly@school-2.timer ]] ||
  { bad "could not enable the timers in the scratch root"; cat "$tmp/enable.log"; }
DPKG_ROOT=$sysroot "$ctl/prerm" upgrade 0.1.0 && [[ -L $wants/journalpress-nightly@school-1.timer ]] &&
  ok "prerm upgrade: the timers stay enabled" || bad "prerm upgrade disabled a timer"
DPKG_ROOT=$sysroot "$ctl/prerm" remove && [[ -z $(find "$sysroot/etc/systemd" -name 'journalpress*') ]] &&
  ok "prerm remove: every school's timer disabled, no link left" ||
  { bad "prerm remove left links"; find "$sysroot/etc/systemd" -name 'journalpress*'; }
# A link prerm could not see (made by hand), then the units gone and the package purged.
mkdir -p "$wants"
ln -s /lib/systemd/system/journalpress-nightly@.timer "$wants/journalpress-nightly@school-3.timer"
rm -r "$sysroot/lib/systemd/system"
DPKG_ROOT=$sysroot "$ctl/postrm" remove && [[ -L $wants/journalpress-nightly@school-3.timer ]] &&
  ok "postrm remove: links kept for a reinstall" || bad "postrm remove"
DPKG_ROOT=$sysroot "$ctl/postrm" purge && [[ -z $(find "$sysroot/etc/systemd" -name 'journalpress*') ]] &&
  ok "postrm purge: no dangling timers.target.wants link" ||
  { bad "postrm purge left links"; find "$sysroot/etc/systemd" -name 'journalpress*'; }
[[ -s $sysroot/var/lib/journalpress/school-1/journal.db && -s $sysroot/etc/journalpress/school-1.toml ]] &&
  ok "postrm purge: the schools' data and configuration are kept" || bad "postrm purge removed a school's data"

# systemd-analyze verify: the units as installed (the binary they start from the scratch
# root). It needs systemd's own files but not a running systemd; where it cannot run at all
# (no systemd-analyze), that is said and the rest still runs.
if command -v systemd-analyze >/dev/null; then
  units=$tmp/units
  mkdir -p "$units"
  cp "$root/lib/systemd/system/journalpress-nightly@.service" "$units/journalpress-nightly@school-1.service"
  cp "$root/lib/systemd/system/journalpress-nightly@.timer" "$units/journalpress-nightly@school-1.timer"
  sed -i "s|/usr/bin/journalpress|$root/usr/bin/journalpress|" "$units/journalpress-nightly@school-1.service"
  SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$units/journalpress-nightly@school-1.service" \
    "$units/journalpress-nightly@school-1.timer" >"$tmp/verify.txt" 2>&1
  rc=$?
  sed 's/^/  systemd-analyze: /' "$tmp/verify.txt"
  # A setting it cannot parse is only a warning (exit 0, "ignoring"): any output fails too.
  ((rc == 0)) && [[ ! -s $tmp/verify.txt ]] && ok "systemd-analyze verify: the service and the timer, no warning" ||
    bad "systemd-analyze verify (exit $rc)"
else
  echo "SKIP systemd-analyze verify: systemd-analyze is not installed (Debian package systemd)"
fi

# The unpacked binary on the sample data: import, the whole build, and one nightly run.
jp=$root/usr/bin/journalpress
cd "$tmp"
"$jp" --version | grep -qx "journalpress $version" && ok "unpacked binary: --version" || bad "--version"
"$jp" import "$src/data" --db j.db >import.log 2>&1 && ok "unpacked binary: import data/" || { bad "import"; tail import.log; }
"$jp" keygen --out sec >/dev/null
"$jp" build --db j.db --out out --site-key sec/site.key --sign-key sec/sign.key.pem --sign-cert sec/sign.cert.pem \
  --base-url https://diary.example/ --today 2024-02-14 >build.log 2>&1 && ok "unpacked binary: build (every output)" ||
  { bad "build"; tail build.log; }
"$jp" verify out/archive --ca sec/sign.cert.pem >verify.log 2>&1 && ok "unpacked binary: the archive verifies" || { bad "verify"; tail verify.log; }
mkdir www
sed -e "s|^input = .*|input = \"$src/data\"|" -e "s|^db = .*|db = \"$tmp/j.db\"|" -e "s|^out = .*|out = \"$tmp/out\"|" \
  -e "s|/etc/journalpress/school-1/|$tmp/sec/|" -e "s|^to = \"/var/www.*|to = \"$tmp/www\"|" \
  "$root/usr/share/doc/journalpress/examples/school.example.toml" >school.toml
"$jp" config check --config school.toml >check.log 2>&1 && ok "unpacked binary: the example configuration checks" || { bad "config check"; cat check.log; }
"$jp" nightly --config school.toml --today 2024-02-14 --quiet >nightly.log 2>&1 &&
  grep -q "done in .*published to $tmp/www" nightly.log && diff -rq -x .journalpress-webroot out/site www >/dev/null &&
  ok "unpacked binary: nightly with the example configuration: $(cat nightly.log)" || { bad "nightly"; cat nightly.log; }

echo
((fail)) && { echo "package tests FAILED"; exit 1; }
echo "all package tests passed"
