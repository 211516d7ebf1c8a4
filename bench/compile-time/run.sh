#!/usr/bin/env bash
# Compile time is performance too: the same 50 entities x 20 columns and 300 queries with
# Colt and with Diesel; a clean debug build of each crate (its dependencies built first and
# kept), best of three. Prints the seconds and the size of the expanded code.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/compile-time
rm -rf "$out" && mkdir -p "$out"
python3 bench/compile-time/gen.py "$out"
for c in colt-schema diesel-schema; do
  (cd "$out/$c" && CARGO_TARGET_DIR=../target cargo build -q 2>/dev/null) # dependencies, once
  best=""
  for _ in 1 2 3; do
    (cd "$out/$c" && CARGO_TARGET_DIR=../target cargo clean -q -p "$c")
    start=$(date +%s.%N)
    (cd "$out/$c" && CARGO_TARGET_DIR=../target cargo build -q)
    t=$(echo "$(date +%s.%N) - $start" | bc)
    if [[ -z "$best" ]] || (( $(echo "$t < $best" | bc) )); then best=$t; fi
  done
  lines=$(wc -l < "$out/$c/src/lib.rs")
  printf '%s: clean debug build of the crate %.1f s (%s source lines)\n' "$c" "$best" "$lines"
done
