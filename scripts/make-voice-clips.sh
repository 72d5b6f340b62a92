#!/usr/bin/env bash
# Makes the Indonesian word clips the waiting-room display plays for a call
# ("nomor antrian B nol nol tiga, silakan ke loket dua"), so the display PC needs no speech voice.
# Needs espeak-ng (voice "id") and sox with Ogg Vorbis. The clips are committed under
# queue-display/audio/; run this again only to change the voice or the words.
#   bash scripts/make-voice-clips.sh [outdir]
# The clip names must match ALL_CLIPS in queue-display/words.ts (a unit test checks every one exists).
set -euo pipefail

out="${1:-$(cd "$(dirname "$0")/.." && pwd)/queue-display/audio}"
speed="${VOICE_SPEED:-135}"   # words per minute: a little slower than espeak's 175 for a large room
pitch="${VOICE_PITCH:-45}"

command -v espeak-ng >/dev/null || { echo "espeak-ng is not installed" >&2; exit 1; }
command -v sox >/dev/null || { echo "sox is not installed" >&2; exit 1; }
espeak-ng --voices=id | grep -q ' id ' || { echo "espeak-ng has no Indonesian voice (id)" >&2; exit 1; }

mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

clip() { # clip NAME TEXT
  local name="$1" text="$2"
  espeak-ng -v id -s "$speed" -p "$pitch" -w "$tmp/$name.wav" "$text"
  # 16 kHz mono Ogg Vorbis; leading/trailing silence trimmed so the words run together naturally;
  # 40 ms of fade so no clip starts or ends with a click.
  sox "$tmp/$name.wav" -r 16000 -c 1 "$tmp/$name.trim.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse norm -3
  sox "$tmp/$name.trim.wav" -C 2 "$out/$name.ogg" fade t 0.01 0 0.03
}

clip nomor-antrian "nomor antrian"
clip silakan-ke-loket "silakan ke loket"
for w in nol satu dua tiga empat lima enam tujuh delapan sembilan; do clip "$w" "$w"; done
for w in sepuluh sebelas belas puluh; do clip "$w" "$w"; done
# A letter alone is read by its Indonesian name (B -> "be", Q -> "ki").
for l in A B C D E F G H I J K L M N O P Q R S T U V W X Y Z; do
  clip "huruf-$(echo "$l" | tr 'A-Z' 'a-z')" "$l"
done

count=$(ls "$out"/*.ogg | wc -l)
size=$(du -ck "$out"/*.ogg | tail -1 | cut -f1)
echo "made $count clips in $out (${size} kB)"
