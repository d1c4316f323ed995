#!/usr/bin/env bash
# bench/steps.sh <log with elapsed-seconds prefixes> : seconds per step, read off the marker lines of one run
# (bench/real-image.sh writes such logs). Prints "<step>\t<seconds>" lines; a step whose markers are absent is left out.
#   Bake logs:    start (host + pre-bake reads) | build (until BuildKit starts exporting) | export (the image pushed to its
#                 registry, or the OCI archive with --image-output archive; then the registry cache)
#   Other logs:   one line per target (Bake, Validate, MergePlatforms, Scan, Sbom, Manifest, MergeManifests, Publish), then
#                 Publish's push, sign, attest, verify, tag
set -euo pipefail
awk '
  function mark(name) { if (!(name in at)) { at[name] = $1; order[++n] = name } }
  /═══ [A-Za-z]+ ═/           { for (i = 2; i <= NF; i++) if ($i ~ /^[A-Z][A-Za-z]+$/) { mark("target:" $i); break } }
  NR == 1                     { mark("host") }
  /> docker buildx bake .*--metadata-file/ { mark("bake") }
  /exporting to (oci image format|image)/ { mark("export") }
  /INF: Push /                { mark("push") }
  /INF: Sign /                { mark("sign") }
  /INF: Attest/               { mark("attest") }
  /INF: Verify /              { mark("verify") }
  /INF: Tag /                 { mark("tag") }
  /Target +Status +Duration/  { mark("end") }
  END {
    for (i = 1; i < n; i++) {
      name = order[i]; next_at = at[order[i + 1]]
      if (name == "target:Bake" && ("bake" in at)) label = "start"
      else if (name == "bake") label = "build"
      else label = name
      sub(/^target:/, "", label)
      printf "%s\t%.2f\n", tolower(label), next_at - at[name]
    }
  }' "$1"
