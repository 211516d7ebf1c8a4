#!/usr/bin/env bash
# valgrind-tests.sh — runs the tests of the unsafe object core (tests/object_lifetimes.rs),
# the SQLite statement path (tests/sqlite_statements.rs) and
# the soundness cases (tests/trust.rs), and the object core's unit tests, under valgrind memcheck; any invalid read or write, use
# of uninitialised memory or invalid free fails the run. (Miri cannot be installed here.)
#
#   bash scripts/valgrind-tests.sh
#
# SQLite only (COLT_PG_URL is ignored): the object core does not depend on the backend.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind-tests: installing valgrind" >&2
  if [[ $(id -u) -eq 0 ]]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind) >&2
  else
    echo "valgrind-tests: valgrind is missing and this user cannot install it" >&2
    exit 1
  fi
fi

status=0
for t in object_lifetimes trust sqlite_statements; do
  exe=$(cargo test --test "$t" --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n1)
  if [[ -z "$exe" ]]; then
    echo "valgrind-tests: could not build tests/$t.rs" >&2
    exit 1
  fi
  # Twice: with the freed blocks of cells kept for reuse (as programs run), and with each
  # given back to the allocator at once, where memcheck sees any use of a freed cell.
  for reuse in yes no; do
    echo "valgrind-tests: $t (blocks reused: $reuse)" >&2
    if [ "$reuse" = no ]; then export COLT_NO_BLOCK_REUSE=1; else unset COLT_NO_BLOCK_REUSE; fi
    if ! env -u COLT_PG_URL valgrind --tool=memcheck --error-exitcode=99 \
        --errors-for-leak-kinds=none --track-origins=no --quiet \
        "$exe" --test-threads=1 -q; then
      echo "valgrind-tests: tests/$t.rs failed under valgrind (blocks reused: $reuse)" >&2
      status=1
    fi
  done
done
# The object core's own unit tests (the arena's spare blocks, the read word).
exe=$(cargo test -p colt-runtime --lib --no-run --message-format=json 2>/dev/null |
  sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n1)
if [[ -z "$exe" ]]; then
  echo "valgrind-tests: could not build colt-runtime's unit tests" >&2
  exit 1
fi
echo "valgrind-tests: colt-runtime obj:: unit tests" >&2
if ! valgrind --tool=memcheck --error-exitcode=99 --errors-for-leak-kinds=definite \
    --leak-check=full --show-possibly-lost=no --show-reachable=no \
    --track-origins=no --quiet "$exe" obj:: --test-threads=1 -q; then
  echo "valgrind-tests: the object core's unit tests failed under valgrind" >&2
  status=1
fi
exit $status
