#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds each (default 60), one after the
# other, on the stable toolchain without sanitizers, and prints the inputs
# per second libFuzzer reports. Crashes are left in fuzz/artifacts/TARGET/.
# Seeds (fuzz/seeds/TARGET) and dictionaries (fuzz/dicts/TARGET.dict) steer
# the byte-level targets towards what found bugs before: dense dependency
# webs, extreme decimals and dates, long source lists, unterminated quotes,
# formula cells. TARGETS (space-separated) runs a subset.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
for target in ${TARGETS:-json_load csv_import journal_recovery actions queries}; do
  mkdir -p "corpus/$target"
  cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
  log="$(mktemp)"
  dict=()
  [ -f "dicts/$target.dict" ] && dict=("-dict=dicts/$target.dict")
  cargo fuzz run "$target" -s none "corpus/$target" -- -max_total_time="$seconds" -print_final_stats=1 "${dict[@]}" >"$log" 2>&1 || {
    tail -40 "$log"
    echo "fuzz target $target FAILED"
    exit 1
  }
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
  echo "target=$target seconds=$seconds runs=$runs inputs_per_second=$((runs / seconds))"
done
