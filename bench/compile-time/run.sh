#!/usr/bin/env bash
# Compile time is performance too: the same 50 entities x 20 columns and 300 queries with
# Colt and with Diesel. For each: a clean debug build of the crate (its dependencies built
# first and kept), best of three; the same without the queries (what the entities cost);
# and the rebuild after an edit of one query (what a developer waits for), best of three,
# with the entities in the queries' module, in a module of their own, and in a crate of
# their own that the queries' crate uses.
# Run by `cargo run -p colt-bench --release -- --suite compile-time`.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/compile-time
rm -rf "$out" && mkdir -p "$out"
python3 bench/compile-time/gen.py "$out"

now() { date +%s.%N; }
best_of_three() { # command...: the shortest of three runs, in seconds
  local best="" t start
  for _ in 1 2 3; do
    start=$(now)
    "$@"
    t=$(echo "$(now) - $start" | bc)
    if [[ -z "$best" ]] || (( $(echo "$t < $best" | bc) )); then best=$t; fi
  done
  echo "$best"
}
build() { (cd "$out/$1" && CARGO_TARGET_DIR=../target cargo build -q); }
clean_build() { (cd "$out/$1" && CARGO_TARGET_DIR=../target cargo clean -q -p "$1") && build "$1"; }
# Edits the first query of the crate (a comparison turned around and back, so every run
# changes the source) and rebuilds.
flip=0
edit_and_build() {
  local lib="$out/$1/src/lib.rs"
  if (( flip )); then
    sed -i -e '0,/x\.c1 >= n/s//x.c1 > n/' -e '0,/c1\.ge(n)/s//c1.gt(n)/' "$lib"; flip=0
  else
    sed -i -e '0,/x\.c1 > n/s//x.c1 >= n/' -e '0,/c1\.gt(n)/s//c1.ge(n)/' "$lib"; flip=1
  fi
  build "$1"
}

declare -A full entities edit split crates
for orm in colt diesel; do
  for c in "$orm-schema" "$orm-schema-entities" "$orm-schema-split" "$orm-schema-queries"; do
    build "$c" 2>/dev/null || build "$c" # dependencies, once
  done
  full[$orm]=$(best_of_three clean_build "$orm-schema")
  entities[$orm]=$(best_of_three clean_build "$orm-schema-entities")
  edit[$orm]=$(best_of_three edit_and_build "$orm-schema")
  split[$orm]=$(best_of_three edit_and_build "$orm-schema-split")
  crates[$orm]=$(best_of_three edit_and_build "$orm-schema-queries")
done

echo "| | clean debug build, 50 entities + 300 queries | entities alone | per entity | per query | rebuild after editing one query | the same, entities in a module of their own | the same, entities in a crate of their own | source lines |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for orm in colt diesel; do
  f=${full[$orm]}; e=${entities[$orm]}; r=${edit[$orm]}; m=${split[$orm]}; c=${crates[$orm]}
  per_entity=$(echo "$e / 50 * 1000" | bc -l)
  per_query=$(echo "($f - $e) / 300 * 1000" | bc -l)
  lines=$(wc -l < "$out/$orm-schema/src/lib.rs")
  name=$([[ $orm == colt ]] && echo Colt || echo Diesel)
  printf '| %s | %.1f s | %.1f s | %.0f ms | %.0f ms | %.1f s | %.1f s | %.1f s | %s |\n' \
    "$name" "$f" "$e" "$per_entity" "$per_query" "$r" "$m" "$c" "$lines"
done
printf '\nColt/Diesel, clean build: %.2f×\n' "$(echo "${full[colt]} / ${full[diesel]}" | bc -l)"
