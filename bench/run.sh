#!/usr/bin/env bash
# Benchmark of the pipeline's speed on the integration fixture with the real toolchain (NOT part of the test suite).
#
#   bench/run.sh                       # needs the toolchain: ../shared/tools/container-toolchain start
#   BENCH_WORK_SECONDS=40 bench/run.sh # the fixture's added cost (default 40 s of busy loop per platform)
#
# It copies tests/fixture to a scratch directory and adds one RUN step there that busy-loops for BENCH_WORK_SECONDS
# (bounded by the clock, so it costs the same on amd64 and on arm64 under QEMU); the tests' fixture is untouched.
# Everything goes to its own registry namespace 127.0.0.1:5000/bench-<random>; no global docker state is pruned.
# Prints the ratios and writes artifacts/bench/results.txt, results.tsv, one log per run, and docs/performance.svg
# (bench/chart.sh). BENCH_REAL_IMAGE=0 leaves out the real image (bench/real-image.sh: minutes, not seconds).
#
#   cold  Bake on a cold cache (unique stamp: no cache key was ever built), registry cache written
#   (a)   Bake --force of the same inputs on a FRESH Docker engine (empty data root) through the registry cache
#   (b)   Bake of the same inputs on another fresh engine with skipping: the published image is reused
#   (c)   ./build.sh Bake --force on the fully cached fixture vs the equivalent raw `docker buildx bake` (median of
#         BENCH_CACHED_RUNS=5, alternating; wall and CPU seconds)
#   (d)   ./build.sh Publish of four permutations vs one (each into an empty namespace, layers cached; median of
#         BENCH_PUBLISH_RUNS=5 pairs, alternating; the last pair's per-step shares)
#   (e)   CI's shape for one permutation (layers cached, cost 0, --cache none): a platform job per platform
#         (Bake Validate --per-platform-job, pushed by digest), the merge job (MergePlatforms Scan Sbom Manifest: the
#         index merged in the registry) and the publish job (MergeManifests Publish); per-job seconds and per-step shares,
#         and whether any job's artifacts hold image bytes or Publish pushes an image again
#   real  the real image gcc14-clang20 linux/amd64: cold, fresh runner, unchanged inputs after Publish, one-line change,
#         and the per-step shares of the cold Bake and of Publish (bench/real-image.sh, bench/steps.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK_SECONDS=${BENCH_WORK_SECONDS:-40}
OUT=${BENCH_OUT:-$ROOT/artifacts/bench}
CHART=${BENCH_CHART:-$ROOT/docs/performance.svg}
REAL_IMAGE=${BENCH_REAL_IMAGE:-1}
TOOLCHAIN=${TOOLCHAIN:-$ROOT/../shared/tools/container-toolchain}
RUN_ID=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
REGISTRY="127.0.0.1:5000/bench-$RUN_ID"
STAMP="bench-$RUN_ID"
PERMUTATION=gcc14-clang20
ALL_PERMUTATIONS=(gcc14-clang20 gcc14-clangp2996 gcc15-clang20 gcc15-clangp2996)

[[ -x "$TOOLCHAIN" ]] && eval "$("$TOOLCHAIN" env)"
command -v docker >/dev/null || { echo "bench: docker not found; start the toolchain ($TOOLCHAIN start)" >&2; exit 1; }
mkdir -p "$OUT"
SCRATCH=$(mktemp -d /tmp/bench-XXXXXX)
FRESH_PID=""
FRESH_DIR=""
FRESH_BRIDGE=""
cleanup() { stop_fresh_engine || true; rm -rf "$SCRATCH"; }
trap cleanup EXIT

log() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# --- the fixture with a real cost -----------------------------------------------------------------------------
FIXTURE="$SCRATCH/fixture"
cp -r "$ROOT/tests/fixture" "$FIXTURE"
# After the image stage's COPY: a busy loop bounded by the clock; the argument comes from a bake variable.
awk -v secs="$WORK_SECONDS" '
  { print }
  /^COPY compilers\// {
    print "ARG BENCH_WORK_SECONDS=0"
    print "RUN i=0; end=$(( $(date +%s) + BENCH_WORK_SECONDS )); while [ \"$(date +%s)\" -lt \"$end\" ]; do i=$((i+1)); done; echo \"bench work: $i loops\""
  }' "$ROOT/tests/fixture/Dockerfile" > "$FIXTURE/Dockerfile"
sed -i 's/^    FIXTURE_STAMP = FIXTURE_STAMP$/    FIXTURE_STAMP = FIXTURE_STAMP\n    BENCH_WORK_SECONDS = BENCH_WORK_SECONDS/' "$FIXTURE/docker-bake.hcl"
printf '\nvariable "BENCH_WORK_SECONDS" {\n  default = "0"\n}\n' >> "$FIXTURE/docker-bake.hcl"
grep -q "BENCH_WORK_SECONDS = BENCH_WORK_SECONDS" "$FIXTURE/docker-bake.hcl" || { echo "bench: could not add the cost to the fixture's bake file" >&2; exit 1; }
BAKE_FILE="$FIXTURE/docker-bake.hcl"

# --- the build, as a user runs it --------------------------------------------------------------------------------
(cd "$ROOT" && dotnet build tests/TrivyDouble -v q -nologo >/dev/null) || { echo "bench: building tests/TrivyDouble failed" >&2; exit 1; }
export TRIVY_EXE="$ROOT/tests/TrivyDouble/bin/Debug/net10.0/trivy-test-double"
export TRIVY_TEST_DOUBLE_SBOM="$ROOT/tests/TrivyDouble/samples/trivy-sbom-centos-7.cdx.json"
export COSIGN_PASSWORD="cosign-pw-$RUN_ID"  # a secret: the build masks it in every log line
(cd "$SCRATCH" && cosign generate-key-pair >/dev/null 2>&1)
export FIXTURE_STAMP="$STAMP" BENCH_WORK_SECONDS="$WORK_SECONDS"
export GITHUB_EVENT_NAME=push GITHUB_REF=refs/heads/main GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/devcontainer-pipeline
"$ROOT/build.sh" --help >/dev/null  # compiles the build once if needed: no case pays for it

# pipeline <log name> <sha char> <target> [args...]: runs ./build.sh, prints the elapsed seconds
pipeline() {
  local name=$1 sha=$2 target=$3; shift 3
  local start end
  start=$(now)
  GITHUB_SHA=$(printf "%040d" 0 | tr 0 "$sha") /usr/bin/time -f "%U %S" -o "${CPU_FILE:-/dev/null}" "$ROOT/build.sh" "$target" --bake-file "$BAKE_FILE" --registry "${BENCH_REGISTRY:-$REGISTRY}" \
    --cosign-key "$SCRATCH/cosign.key" --artifacts "$SCRATCH/$name" --no-logo "$@" > "$OUT/$name.log" 2>&1 \
    || { echo "bench: $name failed; see $OUT/$name.log" >&2; tail -5 "$OUT/$name.log" >&2; exit 1; }
  end=$(now)
  echo "$end - $start" | bc
}

start_fresh_engine() {
  # A private dockerd with an empty data root and its own bridge: the emulated fresh runner (the toolchain's engine
  # shares its cache with every build, and a docker-container builder cannot be created offline). Same recipe as the
  # integration harness's FreshBuilder: a bridge on a free 198.19.n.0/24, allocated under the same lock file.
  FRESH_DIR=$(mktemp -d /tmp/bench-fresh-XXXXXX)
  FRESH_BRIDGE="bnch$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  local subnet
  subnet=$(flock /tmp/it-fresh-builders.lock sh -c '
    used=$(ip -o -4 addr show)
    for n in $(seq 1 250); do case "$used" in *" 198.19.$n."*) ;; *) echo $n; break ;; esac; done
    ' )
  [[ -n "$subnet" ]] || { echo "bench: no free 198.19.n.0/24 for a fresh engine" >&2; exit 1; }
  ip link add "$FRESH_BRIDGE" type bridge && ip addr add "198.19.$subnet.1/24" dev "$FRESH_BRIDGE" && ip link set "$FRESH_BRIDGE" up \
    || { echo "bench: creating bridge $FRESH_BRIDGE failed (needs root)" >&2; exit 1; }
  cat > "$FRESH_DIR/daemon.json" <<EOF
{ "bridge": "$FRESH_BRIDGE", "iptables": false, "ip6tables": false, "ip-masq": false,
  "default-address-pools": [{"base": "198.19.$subnet.0/24", "size": 24}],
  "data-root": "$FRESH_DIR/data", "exec-root": "$FRESH_DIR/exec", "pidfile": "$FRESH_DIR/dockerd.pid",
  "hosts": ["unix://$FRESH_DIR/docker.sock"], "features": {"containerd-snapshotter": true} }
EOF
  "$(dirname "$(command -v docker)")/dockerd" --config-file "$FRESH_DIR/daemon.json" > "$FRESH_DIR/dockerd.log" 2>&1 &
  FRESH_PID=$!
  for _ in $(seq 240); do
    DOCKER_HOST="unix://$FRESH_DIR/docker.sock" docker info --format '{{.ServerVersion}}' >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  echo "bench: a private dockerd did not start (needs root); see $FRESH_DIR/dockerd.log" >&2
  exit 1
}

stop_fresh_engine() {
  [[ -n "$FRESH_PID" ]] || return 0
  kill -TERM "$FRESH_PID" 2>/dev/null || true
  wait "$FRESH_PID" 2>/dev/null || true
  FRESH_PID=""
  ip link delete "$FRESH_BRIDGE" 2>/dev/null || true
  # dockerd leaves its data root bind-mounted onto itself: unmount what is ours, deepest first, then delete
  awk -v d="$FRESH_DIR" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount "$m" || true; done
  rm -rf "$FRESH_DIR"
}

# timed <log name> <sha char> <targets and args...>: as pipeline, every log line prefixed with its elapsed seconds (bench/steps.sh)
timed() {
  local name=$1 sha=$2; shift 2
  local start
  start=$(now)
  GITHUB_SHA=$(printf "%040d" 0 | tr 0 "$sha") "$ROOT/build.sh" "$@" --bake-file "$BAKE_FILE" --registry "${BENCH_REGISTRY:-$REGISTRY}" \
    --cosign-key "$SCRATCH/cosign.key" --no-logo --verbosity verbose 2>&1 \
    | perl -MTime::HiRes=time -ne 'BEGIN { $t0 = time } printf "%8.2f %s", time - $t0, $_' > "$OUT/$name.log"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "bench: $name failed; see $OUT/$name.log" >&2; tail -5 "$OUT/$name.log" >&2; exit 1; }
  echo "$(now) - $start" | bc
}

declare -A SECONDS_OF LOAD_OF
measure() { # measure <key> <seconds>
  [[ -n "$2" ]] || exit 1  # the run failed (its message is above)
  SECONDS_OF[$1]=$2
  LOAD_OF[$1]=$(load)
  log "$1: $2 s (load $(load))"
}

log "registry namespace $REGISTRY, stamp $STAMP, cost ${WORK_SECONDS}s per platform, load $(load)"

# cold: nothing with this stamp was ever built; writes the registry cache (default branch = main scope)
measure cold "$(pipeline cold a Bake --permutations "$PERMUTATION" --cache registry)"
# publish it, so the registry holds a signed image with these inputs (not measured)
pipeline publish-a a Publish --permutations "$PERMUTATION" --cache registry > /dev/null

# (a) a fresh runner, same inputs, a new commit: through the registry cache only
start_fresh_engine
measure registry_cache "$(DOCKER_HOST="unix://$FRESH_DIR/docker.sock" pipeline fresh-cache b Bake --permutations "$PERMUTATION" --cache registry --force)"
grep -q "importing cache manifest from" "$SCRATCH/fresh-cache/logs/build.log" || log "WARNING (a) imported no registry cache"  # BuildKit's line: the full log's
stop_fresh_engine

# (b) another fresh runner, same inputs: skipping reuses the published image
start_fresh_engine
measure skip "$(DOCKER_HOST="unix://$FRESH_DIR/docker.sock" pipeline fresh-skip b Bake --permutations "$PERMUTATION" --cache registry)"
grep -q ": reuse sha256:" "$OUT/fresh-skip.log" || log "WARNING (b) did not reuse"
stop_fresh_engine

# (c) fully cached: ./build.sh Bake --force vs raw docker buildx bake with the same files, targets and environment,
# alternating, median of BENCH_CACHED_RUNS (default 5); also the CPU seconds (user+sys of each process tree), which a
# loaded machine inflates far less than the wall time
CACHED_RUNS=${BENCH_CACHED_RUNS:-5}
declare -a C_BUILD C_RAW C_BUILD_CPU C_RAW_CPU
cpu_of() { awk '{ printf "%.2f", $1 + $2 }' "$1"; }
pipeline cached-warm a Bake --permutations "$PERMUTATION" --cache registry --force >/dev/null  # fully cached from here on (not measured)
for i in $(seq "$CACHED_RUNS"); do
  C_BUILD+=("$(CPU_FILE="$SCRATCH/cpu-build-$i" pipeline cached-$i a Bake --permutations "$PERMUTATION" --cache registry --force)")
  C_BUILD_CPU+=("$(cpu_of "$SCRATCH/cpu-build-$i")")
  epoch=$(grep -o 'SOURCE_DATE_EPOCH=[0-9]*' "$SCRATCH/cached-$i/bake-plan.txt" | head -1 | cut -d= -f2)
  start=$(now)
  (cd "$FIXTURE" && SOURCE_DATE_EPOCH=$epoch /usr/bin/time -f "%U %S" -o "$SCRATCH/cpu-raw-$i" docker buildx bake -f "$BAKE_FILE" -f "$SCRATCH/cached-$i/bake.override.json" \
    --metadata-file "$SCRATCH/raw-$i.json" --progress plain "$PERMUTATION") > "$OUT/raw-$i.log" 2>&1 \
    || { echo "bench: raw bake failed; see $OUT/raw-$i.log" >&2; exit 1; }
  C_RAW+=("$(echo "$(now) - $start" | bc)")
  C_RAW_CPU+=("$(cpu_of "$SCRATCH/cpu-raw-$i")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
measure cached_build_sh "$(median "${C_BUILD[@]}")"
measure cached_raw_bake "$(median "${C_RAW[@]}")"
CACHED_CPU="$(median "${C_BUILD_CPU[@]}") s vs $(median "${C_RAW_CPU[@]}") s"

# (d) Publish (the whole pipeline) of one vs four permutations, each into an empty namespace; layers warmed first
export BENCH_WORK_SECONDS=0
pipeline warm-4 d Bake --permutations "${ALL_PERMUTATIONS[@]}" --cache none >/dev/null
# alternating, median of BENCH_PUBLISH_RUNS (default 5); the last pair's logs are publish-1.log and publish-4.log
PUBLISH_RUNS=${BENCH_PUBLISH_RUNS:-5}
declare -a D_ONE D_FOUR
for i in $(seq "$PUBLISH_RUNS"); do
  D_ONE+=("$(BENCH_REGISTRY="$REGISTRY-p1-$i" timed publish-1 d Publish --permutations "$PERMUTATION" --cache none --artifacts "$SCRATCH/publish-1")")
  D_FOUR+=("$(BENCH_REGISTRY="$REGISTRY-p4-$i" timed publish-4 d Publish --permutations "${ALL_PERMUTATIONS[@]}" --cache none --artifacts "$SCRATCH/publish-4")")
  log "(d) pair $i: ${D_ONE[-1]} s / ${D_FOUR[-1]} s (load $(load))"
done
measure publish_1 "$(median "${D_ONE[@]}")"
measure publish_4 "$(median "${D_FOUR[@]}")"

# (e) CI's shape (build-devcontainer.yml's push jobs) for one permutation, layers cached: each platform's job pushes its
# image by digest, the merge job merges the index in the registry and scans it there, the publish job signs and tags it
CI="$SCRATCH/ci"
CI_REGISTRY="$REGISTRY-ci"
for arch in amd64 arm64; do
  measure "ci_platform_$arch" "$(BENCH_REGISTRY="$CI_REGISTRY" timed "ci-$arch" e Bake Validate --permutations "$PERMUTATION" --platforms "linux/$arch" \
    --per-platform-job --image-output registry --cache none --artifacts "$CI/parts/$PERMUTATION-$arch")"
done
measure ci_merge "$(BENCH_REGISTRY="$CI_REGISTRY" timed ci-merge e MergePlatforms Scan Sbom Manifest --skip Bake Validate --permutations "$PERMUTATION" \
  --image-output registry --cache none --platform-parts "$CI/parts" --artifacts "$CI/manifests/$PERMUTATION")"
measure ci_publish "$(BENCH_REGISTRY="$CI_REGISTRY" timed ci-publish e MergeManifests Publish --skip Bake Validate Scan Sbom Manifest --permutations "$PERMUTATION" \
  --artifacts "$CI/manifests")"
CI_IMAGE_FILES=$(find "$CI" \( -name '*.tar' -o -name '*.tar.*' -o -name 'blobs' \) | wc -l)
CI_PUSHES=$(grep -c '^Push ' "$CI/manifests/publish-plan.txt" || true)

if [[ "$REAL_IMAGE" != 0 ]]; then
  export BENCH_WORK_SECONDS=0
  # shellcheck source=bench/real-image.sh
  source "$ROOT/bench/real-image.sh"
fi

ratio() { echo "scale=3; $1 / $2" | bc; }
A=$(ratio "${SECONDS_OF[registry_cache]}" "${SECONDS_OF[cold]}")
B=$(ratio "${SECONDS_OF[skip]}" "${SECONDS_OF[cold]}")
C=$(ratio "${SECONDS_OF[cached_build_sh]}" "${SECONDS_OF[cached_raw_bake]}")
D=$(ratio "${SECONDS_OF[publish_4]}" "${SECONDS_OF[publish_1]}")
KEYS=(cold registry_cache skip cached_build_sh cached_raw_bake publish_1 publish_4 ci_platform_amd64 ci_platform_arm64 ci_merge ci_publish)
[[ "$REAL_IMAGE" != 0 ]] && KEYS+=(real_cold real_registry_cache real_unchanged real_change real_publish)
{
  echo "devcontainer-pipeline benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, cost ${WORK_SECONDS}s/platform, git $(cd "$ROOT" && git rev-parse --short HEAD)"
  printf '%-34s %9s   %s\n' "case" "seconds" "load (1/5/15 min) after"
  for key in "${KEYS[@]}"; do
    printf '%-34s %9.2f   %s\n' "$key" "${SECONDS_OF[$key]}" "${LOAD_OF[$key]}"
  done
  echo "fixture (a) fresh runner via registry cache / cold = $A"
  echo "fixture (b) fresh runner with skipping / cold      = $B"
  echo "(c) ./build.sh Bake / raw buildx bake              = $C   (goal <= 1.25; median of $CACHED_RUNS alternating; CPU $CACHED_CPU)"
  echo "(d) Publish 4 permutations / 1 permutation         = $D   (goal <= 1.5; median of $PUBLISH_RUNS alternating)"
  echo "(e) CI shape: platform jobs ${SECONDS_OF[ci_platform_amd64]} s + ${SECONDS_OF[ci_platform_arm64]} s, merge ${SECONDS_OF[ci_merge]} s, publish ${SECONDS_OF[ci_publish]} s; files with image bytes in the jobs' artifacts: $CI_IMAGE_FILES; images Publish pushed again: $CI_PUSHES"
  for run in publish-1 publish-4 ci-amd64 ci-arm64 ci-merge ci-publish; do
    echo "steps of $run (seconds):"
    "$ROOT/bench/steps.sh" "$OUT/$run.log" | awk -F'\t' '{ printf "  %-15s %8.2f\n", $1, $2 }'
  done
  if [[ "$REAL_IMAGE" != 0 ]]; then
    echo "real image, fresh runner via registry cache / cold = $(ratio "${SECONDS_OF[real_registry_cache]}" "${SECONDS_OF[real_cold]}")   (goal <= 0.10; engine's data root after: $REAL_FRESH_MB MB)"
    echo "real image, unchanged inputs after Publish / cold  = $(ratio "${SECONDS_OF[real_unchanged]}" "${SECONDS_OF[real_cold]}")   (goal <= 0.02; image archive downloaded: $REAL_DOWNLOADED, engine's data root after: $REAL_UNCHANGED_MB MB)"
    echo "real image, one-line Dockerfile change / cold      = $(ratio "${SECONDS_OF[real_change]}" "${SECONDS_OF[real_cold]}")   (goal <= 0.10)"
    for run in real-cold real-fresh real-publish; do
      echo "steps of $run (seconds):"
      "$ROOT/bench/steps.sh" "$OUT/$run.log" | awk -F'\t' '{ printf "  %-15s %8.2f\n", $1, $2 }'
    done
  fi
} | tee "$OUT/results.txt"
: > "$OUT/results.tsv"
for key in "${KEYS[@]}"; do printf '%s\t%s\n' "$key" "${SECONDS_OF[$key]}" >> "$OUT/results.tsv"; done
for run in publish-1 publish-4 ci-amd64 ci-merge ci-publish; do "$ROOT/bench/steps.sh" "$OUT/$run.log" | awk -F'\t' -v run="$run" '{ printf "step:%s:%s\t%s\n", run, $1, $2 }' >> "$OUT/results.tsv"; done
if [[ "$REAL_IMAGE" != 0 ]]; then
  for run in real-cold real-publish; do "$ROOT/bench/steps.sh" "$OUT/$run.log" | awk -F'\t' -v run="$run" '{ printf "step:%s:%s\t%s\n", run, $1, $2 }' >> "$OUT/results.tsv"; done
fi

"$ROOT/bench/chart.sh" "$OUT/results.tsv" "$CHART" "cost ${WORK_SECONDS}s per platform (fixture), $(nproc) cores, load $(load)"
