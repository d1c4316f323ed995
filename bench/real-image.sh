# Sourced by bench/run.sh (uses its helpers: pipeline, start_fresh_engine, stop_fresh_engine, measure, now, log).
# The real image, gcc14-clang20 for linux/amd64 on the toolchain's Ubuntu base (BASE_IMAGE=$CONTAINER_TOOLCHAIN_UBUNTU_BASE,
# packages through its apt proxy): cold, a fresh runner through the registry cache, unchanged inputs after Publish, and
# a one-line Dockerfile change. Every case runs on a private, empty Docker engine (see start_fresh_engine), so "cold"
# is cold for BuildKit (only the apt proxy's package cache is warm). Each log line gets its elapsed seconds so the
# per-step share can be read off (bench/steps.sh).

[[ -n "${CONTAINER_TOOLCHAIN_UBUNTU_BASE:-}" ]] || { log "real image: CONTAINER_TOOLCHAIN_UBUNTU_BASE is not set (start the toolchain)"; exit 1; }
REAL="$SCRATCH/real"
mkdir -p "$REAL"
cp "$ROOT/docker-bake.hcl" "$REAL/" && cp -r "$ROOT/devcontainer" "$REAL/devcontainer"
REAL_BAKE="$REAL/docker-bake.hcl"
REAL_REGISTRY="$REGISTRY-real"
export BASE_IMAGE="$CONTAINER_TOOLCHAIN_UBUNTU_BASE"

# real <log name> <sha char> <target> [args...]: ./build.sh on the real bake file, one platform; prints seconds.
# Every output line is prefixed with the seconds since the start (for the per-step shares); --verbosity verbose streams
# BuildKit's own lines (the step markers of bench/steps.sh), which the console otherwise keeps in the log file.
real() {
  local name=$1 sha=$2 target=$3; shift 3
  local start
  start=$(now)
  GITHUB_SHA=$(printf "%040d" 0 | tr 0 "$sha") "$ROOT/build.sh" "$target" --bake-file "$REAL_BAKE" --registry "$REAL_REGISTRY" \
    --permutations gcc14-clang20 --platforms linux/amd64 --cosign-key "$SCRATCH/cosign.key" --artifacts "$REAL/$name" --no-logo --verbosity verbose "$@" 2>&1 \
    | perl -MTime::HiRes=time -ne 'BEGIN { $t0 = time } printf "%8.2f %s", time - $t0, $_' > "$OUT/$name.log"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "bench: $name failed; see $OUT/$name.log" >&2; tail -5 "$OUT/$name.log" >&2; exit 1; }
  echo "$(now) - $start" | bc
}

log "real image: gcc14-clang20 linux/amd64 on $BASE_IMAGE into $REAL_REGISTRY, load $(load)"
start_fresh_engine
export DOCKER_HOST_REAL_A="unix://$FRESH_DIR/docker.sock"
measure real_cold "$(DOCKER_HOST=$DOCKER_HOST_REAL_A real real-cold a Bake --cache registry)"
# the whole pipeline on the same engine (Bake cached): per-step shares of validate, scan, SBOM, push, sign (not a ratio)
measure real_publish "$(DOCKER_HOST=$DOCKER_HOST_REAL_A real real-publish a Publish --cache registry)"
# one line changed at the end of the image stage: only that last layer rebuilds (local cache)
cp "$REAL/devcontainer/Dockerfile" "$REAL/Dockerfile.orig"
awk '/^FROM image AS validate/ && !done { print "RUN echo bench-change > /tmp/bench-change"; print ""; done = 1 } { print }' "$REAL/Dockerfile.orig" > "$REAL/devcontainer/Dockerfile"
measure real_change "$(DOCKER_HOST=$DOCKER_HOST_REAL_A real real-change c Bake --cache registry)"
cp "$REAL/Dockerfile.orig" "$REAL/devcontainer/Dockerfile"
stop_fresh_engine

start_fresh_engine
measure real_registry_cache "$(DOCKER_HOST="unix://$FRESH_DIR/docker.sock" real real-fresh b Bake --cache registry --force)"
grep -q "importing cache manifest from" "$OUT/real-fresh.log" || log "WARNING real image: the fresh runner imported no registry cache"
# Layer bytes the fresh engine downloaded: its data root holds every blob it pulled (the image is ~650 MB)
REAL_FRESH_MB=$(du -sm "$FRESH_DIR/data" | cut -f1)
stop_fresh_engine

start_fresh_engine
measure real_unchanged "$(DOCKER_HOST="unix://$FRESH_DIR/docker.sock" real real-unchanged b Bake --cache registry)"
grep -q ": reuse sha256:" "$OUT/real-unchanged.log" || log "WARNING real image: unchanged inputs were not reused"
REAL_UNCHANGED_MB=$(du -sm "$FRESH_DIR/data" | cut -f1)
if [[ -f "$REAL/real-unchanged/images/gcc14-clang20.tar" ]]; then log "WARNING real image: the reused image was downloaded"; REAL_DOWNLOADED=yes; else REAL_DOWNLOADED=no; fi
stop_fresh_engine
unset BASE_IMAGE
