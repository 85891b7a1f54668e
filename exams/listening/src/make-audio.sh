#!/usr/bin/env bash
# Regenerates ../community-centre.mp3 from community-centre.script (needs espeak-ng, sox, lame).
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
while IFS='|' read -r voice text; do
  [[ -z "$voice" || "$voice" == \#* ]] && continue
  n=$((n + 1))
  case "$voice" in
    F) espeak-ng -v en-gb+f3 -s 150 -w "$work/$(printf %03d $n).wav" "$text" ;;
    M) espeak-ng -v en-gb+m3 -s 145 -p 35 -w "$work/$(printf %03d $n).wav" "$text" ;;
  esac
  sox -n -r 22050 -c 1 "$work/$(printf %03d $n)-gap.wav" trim 0.0 0.6
done < community-centre.script
sox "$work"/*.wav -r 22050 -c 1 "$work/all.wav"
lame --quiet -m m -b 16 --resample 16 "$work/all.wav" ../community-centre.mp3
