#!/usr/bin/env bash
# Benchmark (not a test): median wall time of N warm `./build.sh --help` runs. Target: < 1.5 s.
# Usage: tests/Host.Tests/Benchmarks/warm-help.sh [runs=10]
set -eo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
RUNS=${1:-10}
"$ROOT/build.sh" --help > /dev/null   # warm up: compiles once if build/ changed
for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    "$ROOT/build.sh" --help > /dev/null
    echo $(( ($(date +%s%N) - start) / 1000000 ))
done | sort -n | awk '{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
    printf "warm ./build.sh --help: median %d ms of %d runs (min %d, max %d)\n", m, NR, t[1], t[NR] }'
