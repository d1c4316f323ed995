#!/usr/bin/env bash
# bench/chart.sh <results.tsv> <chart.svg> <subtitle>: the benchmark's bar chart as plain SVG (no plotting tool needed).
# results.tsv: one "<case>\t<seconds>" line per case, in the order bench/run.sh writes them; a case named
# "step:<run>:<step>" is drawn in the per-step section below the cases.
set -euo pipefail
TSV=$1 SVG=$2 SUBTITLE=$3
awk -F'\t' -v subtitle="$SUBTITLE" '
  function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); return s }
  { name[NR] = $1; value[NR] = $2 + 0; if (value[NR] > max) max = value[NR] }
  END {
    width = 960; left = 300; bar = 18; gap = 6; top = 56
    height = top + NR * (bar + gap) + 30
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, height
    printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
    printf "<text x=\"10\" y=\"20\" font-size=\"15\">devcontainer-pipeline benchmark: seconds (wall clock) per case</text>\n"
    printf "<text x=\"10\" y=\"40\" fill=\"#555\">%s</text>\n", esc(subtitle)
    for (i = 1; i <= NR; i++) {
      y = top + (i - 1) * (bar + gap)
      w = max > 0 ? (width - left - 90) * value[i] / max : 0
      colour = name[i] ~ /^step:/ ? "#d08c3c" : (name[i] ~ /^real_/ ? "#3c8c5a" : "#4878a8")
      label = name[i]; sub(/^step:/, "  step ", label)
      printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 8, y + bar - 5, esc(label)
      printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", left, y, w, bar, colour
      printf "<text x=\"%.1f\" y=\"%d\">%.2f s</text>\n", left + w + 6, y + bar - 5, value[i]
    }
    print "</svg>"
  }' "$TSV" > "$SVG"
echo "bench: chart: $SVG" >&2
