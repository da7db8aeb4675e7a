#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for SECONDS each (default 60), on a stable toolchain.
#
#   tools/fuzz.sh [SECONDS]
#
# cargo-fuzz passes nightly-only flags (-Zsanitizer=address, …) to rustc; RUSTC_BOOTSTRAP=1 lets
# the stable compiler accept them, so no nightly toolchain is needed. Installs cargo-fuzz when it
# is missing. Seeds each target's corpus (fuzz/corpus/<target>, git-ignored) from assets/samples,
# cut into small files, plus the saved reproducers in assets/samples/fuzz-regressions/<target>/,
# which libFuzzer runs first. Prints the executions per target; exits non-zero if any target
# crashed, naming the reproducer in fuzz/artifacts/<target>/.
set -euo pipefail

secs="${1:-60}"
case "$secs" in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz_dir="$root/fuzz"
samples="$root/assets/samples"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

# seed TARGET FILE...: copies each file into the corpus in pieces of 24 lines, so that seeds stay
# short (libFuzzer spends its time on small inputs, and -max_len bounds what it invents).
seed() {
    local target="$1"; shift
    local dir="$fuzz_dir/corpus/$target"
    mkdir -p "$dir"
    local f n=0
    for f in "$@"; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        split -l 24 -d -a 4 "$f" "$dir/seed-$(printf %03d "$n")-"
    done
    local reg="$samples/fuzz-regressions/$target"
    if [ -d "$reg" ]; then
        cp "$reg"/* "$dir"/ 2>/dev/null || true
    fi
    echo "fuzz: $target: $(ls "$dir" | wc -l) corpus files"
}

mapfile -t ais_files < <(find "$samples/ais" -type f \( -name '*.nmea' -o -name '*.aivdm' -o -name '*.ais' -o -name '*.txt' -o -name '*.log' \) | sort)
mapfile -t radar_files < <(find "$samples/radar" -type f -name '*.nmea' | sort)
seed nmea_ais "${ais_files[@]}"
seed radar "${radar_files[@]}"

cd "$fuzz_dir"
# Build against the same dependency versions as the main workspace: start from its lock file
# (cargo then adds libfuzzer-sys and friends), rather than resolving everything afresh.
cp "$root/Cargo.lock" "$fuzz_dir/Cargo.lock"
t0=$(date +%s)
cargo fuzz build
t1=$(date +%s)
echo "fuzz: build took $((t1 - t0)) s"

failed=()
for target in nmea_ais radar; do
    log="$(mktemp)"
    status=0
    cargo fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$secs" -max_len=4096 -timeout=10 -dict=dict/nmea.dict \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        tail -n 60 "$log"
        echo "fuzz: $target: CRASH after ${execs:-?} executions (exit $status); reproducer:"
        grep -o 'artifacts/[^ ]*' "$log" | sort -u | sed "s|^|    $fuzz_dir/|" || true
        echo "fuzz: save it under assets/samples/fuzz-regressions/$target/ and fix the decoder"
    else
        echo "fuzz: $target: ${execs:-?} executions in ${secs} s, no crash"
    fi
    rm -f "$log"
done
t2=$(date +%s)
echo "fuzz: runs took $((t2 - t1)) s; total $((t2 - t0)) s"

if [ "${#failed[@]}" -ne 0 ]; then
    echo "fuzz: crashed: ${failed[*]}" >&2
    exit 1
fi
