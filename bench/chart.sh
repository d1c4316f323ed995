#!/usr/bin/env bash
# bench/chart.sh <results.tsv> <chart.png> <subtitle>: the benchmark's bar chart (gnuplot's pngcairo terminal).
# results.tsv: one "<case>\t<seconds>" line per case, in the order bench/run.sh writes them.
set -euo pipefail
TSV=$1 PNG=$2 SUBTITLE=$3
command -v gnuplot >/dev/null || { echo "bench: no chart: install gnuplot (apt-get install gnuplot-nox)" >&2; exit 0; }
value() { awk -v k="$1" '$1 == k { print $2 }' "$TSV"; }
ratio() { awk -v a="$(value "$1")" -v b="$(value "$2")" 'BEGIN { printf "%.2f", a / b }'; }
A=$(ratio registry_cache cold) B=$(ratio skip cold) C=$(ratio cached_build_sh cached_raw_bake) D=$(ratio publish_4 publish_1)
gnuplot <<EOF
set terminal pngcairo size 1000,560 font "sans,10" noenhanced
set output "$PNG"
set title "devcontainer-pipeline on the fixture: seconds per case ($SUBTITLE)\n(a) = ${A} of cold   (b) = ${B} of cold   (c) = ${C}x raw bake   (d) = ${D}x one permutation"
set ylabel "seconds (wall clock)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set yrange [0:*]
set grid ytics
set xtics rotate by -25 nomirror
set bmargin 7
unset key
plot "$TSV" using 2:xtic(1) lc rgb "#4878a8", \
     "" using 0:2:(sprintf("%.1f s", \$2)) with labels offset 0,0.8
EOF
echo "bench: chart: $PNG" >&2
