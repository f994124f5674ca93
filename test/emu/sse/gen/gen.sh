#!/bin/sh
# Regenerates test/emu/sse/vectors/*.bin.gz from the host CPU (needs gcc and
# a CPU with SSE4.2). The tests only read the committed files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../vectors"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for g in gen-fp gen-int; do
  gcc -O1 -mno-red-zone -msse4.2 -Wall -o "$tmp/$g" "$here/$g.c"
done
mkdir -p "$tmp/v"
"$tmp/gen-fp" "$tmp/v"
"$tmp/gen-int" "$tmp/v"
rm -f "$out"/*.bin.gz
mkdir -p "$out"
for f in "$tmp"/v/*.bin; do gzip -9n -c "$f" > "$out/$(basename "$f").gz"; done
grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //' > "$out/HOST"
echo "wrote $(ls "$out"/*.bin.gz | wc -l) files to $out"
