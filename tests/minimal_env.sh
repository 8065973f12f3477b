#!/bin/sh
# Runs a shell test as cron, a systemd unit or a fresh minimal root would: an empty
# environment (`env -i`), PATH=/usr/bin:/bin, no LANG or LC_* (the POSIX locale), no HOME.
# A test that matches text must therefore set its own locale (it does: LC_ALL=C.UTF-8), and
# one that finds its tools must find them there. The sanitizers' options are kept, so that
# scripts/sanitize means the same under it.
#   minimal_env.sh COMMAND ARGS...
exec env -i PATH=/usr/bin:/bin \
  ${ASAN_OPTIONS+"ASAN_OPTIONS=$ASAN_OPTIONS"} ${UBSAN_OPTIONS+"UBSAN_OPTIONS=$UBSAN_OPTIONS"} \
  "$@"
