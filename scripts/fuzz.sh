#!/usr/bin/env bash
# Long fuzzing runs (README "Hostile inputs"): AFL++ on one target of the harness in fuzz/, through SharpFuzz.
#   bash scripts/fuzz.sh TARGET [SECONDS]     e.g. bash scripts/fuzz.sh pickle-data 600
# Builds the harness into artifacts/fuzz/bin (not the tests' build), instruments MaskedSiamese.dll (and the parser
# libraries the target goes through) with SharpFuzz.CommandLine, runs afl-fuzz on fuzz/corpus/TARGET for SECONDS
# (default 600) on one core at low priority, then prints the run's figures and replays every crash and hang through
# `msn-fuzz replay` for a readable reason. Findings stay in artifacts/fuzz/afl/TARGET/default/{crashes,hangs}.
# Targets: see `dotnet artifacts/fuzz/bin/msn-fuzz.dll` (pickle, pickle-data, safetensors, idx, idx-gz, image,
# config, splits, classifier, classifier-signed, onnx).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
target="${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}"
seconds="${2:-600}"
[ -d "fuzz/corpus/$target" ] || { echo "fuzz.sh: no corpus fuzz/corpus/$target" >&2; exit 1; }

sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
if ! command -v afl-fuzz >/dev/null 2>&1; then
    echo "Installing Debian package afl++ ..." >&2
    $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq afl++ >/dev/null
fi
tools=artifacts/fuzz/tools
if [ ! -x "$tools/sharpfuzz" ]; then
    dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

bin=artifacts/fuzz/bin
rm -rf "$bin"
dotnet build fuzz/MaskedSiamese.Fuzz -c Release -nologo -clp:ErrorsOnly -o "$bin" >/dev/null
# Coverage comes from instrumented code only: ours always, and the third-party parser a target leans on.
libraries=(MaskedSiamese.dll)
case "$target" in
    pickle*) libraries+=(TorchSharp.PyBridge.dll Razorvine.Pickle.dll) ;;
    config) libraries+=(YamlDotNet.dll) ;;
esac
# The uninstrumented copies come back for the replay below: instrumented code outside SharpFuzz's loop has no
# coverage map to write to and crashes.
mkdir -p "$bin/plain"
for dll in "${libraries[@]}"; do cp "$bin/$dll" "$bin/plain/"; "$tools/sharpfuzz" "$bin/$dll" >/dev/null; done

out="artifacts/fuzz/afl/$target"
rm -rf "$out"; mkdir -p "$out"
# One core, lowest claim on it (the machine is shared); no core binding; the dotnet host is not an AFL-compiled
# binary (SharpFuzz speaks AFL's fork-server protocol itself). -t: per input, ms (JIT makes first inputs slow).
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
       AFL_NO_UI=1 AFL_SKIP_CRASHES=0 AFL_FORKSRV_INIT_TMOUT=60000 DOTNET_TieredPGO=0 OMP_NUM_THREADS=1
nice -n 10 afl-fuzz -i "fuzz/corpus/$target" -o "$out" -t 5000 -m none -V "$seconds" \
    -- dotnet "$bin/msn-fuzz.dll" afl "$target" > "$out/afl.log" 2>&1 || { tail -30 "$out/afl.log"; exit 1; }

stats="$out/default/fuzzer_stats"
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|corpus_found|bitmap_cvg|saved_crashes|saved_hangs|stability) ' "$stats"
findings=$(find "$out/default/crashes" "$out/default/hangs" -type f -name 'id:*' 2>/dev/null || true)
if [ -n "$findings" ]; then
    echo "replaying the findings:"
    cp "$bin"/plain/*.dll "$bin/"
    # shellcheck disable=SC2086
    dotnet "$bin/msn-fuzz.dll" replay "$target" $findings || true
fi
