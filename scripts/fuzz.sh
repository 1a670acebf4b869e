#!/usr/bin/env bash
# `make fuzz`: runs every libFuzzer target of the sanitized build for N seconds each. A target starts by
# running every input of fuzz/corpus/<name>/ (the seeds and each crashing input ever found, kept as
# regression tests), then mutates them; new interesting inputs go to <build>/fuzz-corpus/<name>/ and a
# crash leaves its input in <build>/fuzz-artifacts/ (copy it to fuzz/corpus/<name>/ once fixed).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
seconds=${2:-30}
shopt -s nullglob
targets=("$build"/fuzz/fuzz_*)
((${#targets[@]})) || { echo "fuzz: no fuzz targets in $build (configure with -DDUST_FUZZ=ON)" >&2; exit 1; }
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
mkdir -p "$build/fuzz-artifacts"
failed=()
summary=()
for bin in "${targets[@]}"; do
  name=${bin##*/fuzz_}
  [ -d "fuzz/corpus/$name" ] || { echo "fuzz: fuzz/corpus/$name/ is missing (seed inputs for $bin)" >&2; exit 1; }
  mkdir -p "$build/fuzz-corpus/$name"
  log="$build/fuzz-artifacts/$name.log"
  echo "fuzz: $name for ${seconds}s"
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-artifacts/$name-" "$build/fuzz-corpus/$name" "fuzz/corpus/$name" \
      >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    summary+=("$(printf '%-20s %10s runs %8s execs/s' "$name" "$runs" "$rate")")
  else
    failed+=("$name")
    tail -n 60 "$log" >&2
    summary+=("$(printf '%-20s FAILED (log: %s)' "$name" "$log")")
  fi
done
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (crashing inputs in $build/fuzz-artifacts/)" >&2
  exit 1
fi
