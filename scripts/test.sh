#!/usr/bin/env bash
# The test command: installs what the tests need, runs every test, ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_fashion_mnist
ensure_mpich
ensure_chromium
log=$(mktemp)
# Blame mode: if the test host dies, the run names the test that was running and keeps a mini dump under
# TestResults/ (a crash then says where it happened instead of only aborting); a test stuck for 15 min is dumped too.
run_tests() {
    dotnet test MaskedSiamese.slnx -c Release --logger "console;verbosity=normal" \
        --blame-crash-dump-type mini --blame-hang-timeout 15m --results-directory TestResults "$@" 2>&1 | tee -a "$log"
    return "${PIPESTATUS[0]}"
}
run_tests "$@"; rc=$?
# Formatting is part of the contract: a change that `dotnet format` would rewrite fails the run, as a failed test does.
format_failed=0
format_log=$(mktemp)
if ! dotnet format MaskedSiamese.slnx --verify-no-changes --no-restore >"$format_log" 2>&1; then
    tail -20 "$format_log"
    echo "dotnet format: these files need formatting (run: dotnet format MaskedSiamese.slnx)"; format_failed=1; rc=1
fi
rm -f "$format_log"
if [ "$rc" -ne 0 ]; then
    find TestResults -name '*.dmp' -o -name 'Sequence_*.xml' 2>/dev/null | sed 's/^/crash evidence: /'
fi
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
failed=$((failed + format_failed))
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # build or host failure counts as a failure
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
