#!/usr/bin/env bash
# Regenerates the listening recordings from their transcripts (needs espeak-ng, sox, lame):
#   src/make-audio.sh [NAME ...]   (default: every src/*.script); NAME.script -> ../NAME.mp3
# Speech is mono 16 kHz; later parts at 8 kb/s to keep the repository small.
set -euo pipefail
cd "$(dirname "$0")"
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for s in *.script; do names+=("${s%.script}"); done
fi
for name in "${names[@]}"; do
  work=$(mktemp -d)
  n=0
  while IFS='|' read -r voice text; do
    [[ -z "$voice" || "$voice" == \#* ]] && continue
    n=$((n + 1))
    case "$voice" in
      F) espeak-ng -v en-gb+f3 -s 150 -w "$work/$(printf %03d $n).wav" "$text" ;;
      M) espeak-ng -v en-gb+m3 -s 145 -p 35 -w "$work/$(printf %03d $n).wav" "$text" ;;
      W) espeak-ng -v en-us+f4 -s 150 -w "$work/$(printf %03d $n).wav" "$text" ;;
    esac
    sox -n -r 22050 -c 1 "$work/$(printf %03d $n)-gap.wav" trim 0.0 0.6
  done < "$name.script"
  sox "$work"/*.wav -r 22050 -c 1 "$work/all.wav"
  rate=16
  [[ "$name" == community-centre ]] || rate=8
  lame --quiet -m m -b "$rate" --resample 16 "$work/all.wav" "../$name.mp3"
  rm -rf "$work"
  echo "$name.mp3: $(du -k "../$name.mp3" | cut -f1) KB"
done
