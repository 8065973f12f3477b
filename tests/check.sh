# Helpers for the shell tests, sourced: `. "$src/tests/check.sh"`. Each check prints
# `ok   NAME` or `FAIL NAME` with what was wrong; `fail` is 1 after any failure.
fail=0
bad() { echo "FAIL $*"; fail=1; }
ok() { echo "ok   $*"; }
# After a check, $out holds the command's output (stdout and stderr) for further checks.
check() {  # check NAME EXPECTED_RC EXPECTED_SUBSTRING -- command...
  local name=$1 want_rc=$2 want=$3
  shift 4
  out=$("$@" 2>&1)
  local rc=$?
  if [[ $rc != "$want_rc" ]]; then
    bad "$name: exit $rc, expected $want_rc"; echo "$out" | tail -20; return 1
  fi
  if [[ $out != *"$want"* ]]; then
    bad "$name: output lacks: $want"; echo "$out" | tail -20; return 1
  fi
  ok "$name"
}
# Debian's PDFBox (preflight, the text extractor) as a Java classpath in $cp; exits 77
# (skipped, said) when a jar is missing.
pdfbox_classpath() {
  local j f
  cp=""
  for j in preflight pdfbox2 pdfbox2-tools fontbox2 xmpbox commons-logging jaxb-api javax.activation; do
    f=/usr/share/java/$j.jar
    [[ -f $f ]] || { echo "skip: $f is missing (libpdfbox2-java, libjaxb-api-java, libactivation-java)"; exit 77; }
    cp+=${cp:+:}$f
  done
}
# require_tools TOOL...: the test is skipped (exit 77, said) when one of its tools is missing.
require_tools() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "skip: $t is not installed (scripts/install-deps --tests)"; exit 77; }
  done
}
