#!/usr/bin/env bash
# `make asan`: the unit tests and the e2e modules that drive the REPL, tag/untag, ssh sessions (jump
# hosts and sudo included), gathered output, results and transcripts, the dust server,
# transfers and faults, against the ASan + UBSan build. Every sanitized process (dust, the unit tests)
# writes its report to a log file of its own (log_path: <prefix>.<pid>) and exits non-zero; this script
# fails when any log exists, so a report is caught even where a test ignores dust's exit code or stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
logs=$PWD/$build/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
# e2e modules run under the sanitizer (tests/testbed/sandbox.py passes these variables on to dust).
e2e='test_inventory|test_ssh|test_ssh_auth|test_ssh_faults|test_ssh_shells|test_transfer|test_lua|test_cluster_assign|test_cluster_use|test_jump|test_sudo|test_gather|test_results|test_transcripts|test_server|test_requests'
export DUST_SANITIZED=1  # tests that measure memory or speed adapt (see test_ssh_faults.py)
export ASAN_OPTIONS="halt_on_error=1:exitcode=86:detect_leaks=1:log_path=$logs/report:strip_path_prefix=$PWD/"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logs/report:strip_path_prefix=$PWD/"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
start=$SECONDS
rc=0
ctest --test-dir "$build" --output-on-failure -j 2 -LE e2e || rc=$?
ctest --test-dir "$build" --output-on-failure -j 2 -R "^e2e\.($e2e)\$" || rc=$?
shopt -s nullglob
reports=("$logs"/*)
if ((${#reports[@]})); then
  echo "asan: ${#reports[@]} sanitizer report(s):" >&2
  for r in "${reports[@]}"; do
    echo "==== $r" >&2
    cat "$r" >&2
  done
  rc=1
fi
echo "asan: $((SECONDS - start)) s, $( ((rc == 0)) && echo '0 sanitizer reports, all tests passed' || echo FAILED)"
exit $rc
