#!/usr/bin/env bash
# Times `xianfeng build` on generated corpora (../shared/bench/gen_corpus.py): wall time,
# peak RSS and pages per second, cold builds (`--no-cache`, output removed), median of RUNS.
# When `hugo` is installed (Debian package), builds the same cases with Hugo in alternation
# (xianfeng, hugo, xianfeng, hugo, …) and prints the median of the per-pair wall-time ratios:
# pairing keeps the ratio meaningful when the machine's speed drifts during the runs. Then
# prints one build's per-stage times (XIANFENG_PROFILE), and times a second build with
# nothing changed (the build cache in SITE/.xianfeng/) and one after editing a single case,
# each with its peak memory.
#
#   benches/build.sh [SIZES...]        default: 1000 10000
#   RUNS=5 OUT=/dev/shm/xf-bench benches/build.sh 10000
#   BIN=/path/to/xianfeng benches/build.sh   times that binary instead of building this checkout
#
# Measure on tmpfs (/dev/shm, the default) as well as on disk: this machine's disk is noisy.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN:-$here/../shared/bench/gen_corpus.py}
out=${OUT:-/dev/shm/xianfeng-bench}
runs=${RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --manifest-path "$here/Cargo.toml"
fi
bin=${BIN:-$here/target/release/xianfeng}
[ -f "$gen" ] || { echo "corpus generator not found at $gen (set GEN=)" >&2; exit 2; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mib() { echo "$1/1024" | bc -l; }

# time_build CMD... → prints "wall_s peak_kib"
time_build() {
  local log; log=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null 2>&1 || { echo "build failed: $*" >&2; cat "$log" >&2; exit 1; }
  cat "$log"; rm -f "$log"
}

row() { printf "%-8s %-10s %10.2f %12.1f %10s %12s  %s\n" "$@"; }

printf "%-8s %-10s %10s %12s %10s %12s\n" cases tool wall_s peak_MiB pages pages_per_s
for n in "${sizes[@]}"; do
  corpus="$out/corpus-$n"
  if [ ! -d "$corpus/site/content" ]; then
    python3 "$gen" "$n" "$corpus" >/dev/null
    cat > "$corpus/site/site.yaml" <<YAML
title: 基准测试
base_url: https://bench.example.cn
YAML
  fi
  walls=(); peaks=(); hwalls=(); hpeaks=(); ratios=()
  for _ in $(seq "$runs"); do
    rm -rf "$out/public-$n"
    read -r w p < <(time_build "$bin" build "$corpus/site" -o "$out/public-$n" --no-cache)
    walls+=("$w"); peaks+=("$p")
    if command -v hugo >/dev/null; then
      rm -rf "$out/hugo-public-$n"
      read -r hw hp < <(time_build hugo --quiet -s "$corpus/hugo" -d "$out/hugo-public-$n")
      hwalls+=("$hw"); hpeaks+=("$hp")
      ratios+=("$(echo "$w/$hw" | bc -l)")
    fi
  done
  pages=$(find "$out/public-$n" -name '*.html' | wc -l)
  w=$(printf "%s\n" "${walls[@]}" | median); p=$(printf "%s\n" "${peaks[@]}" | median)
  row "$n" xianfeng "$w" "$(mib "$p")" "$pages" "$(printf %.0f "$(echo "$pages/$w" | bc -l)")" \
    "(cold, median of $runs; walls ${walls[*]})"
  if [ ${#hwalls[@]} -gt 0 ]; then
    hw=$(printf "%s\n" "${hwalls[@]}" | median); hp=$(printf "%s\n" "${hpeaks[@]}" | median)
    hpages=$(find "$out/hugo-public-$n" -name '*.html' | wc -l)
    row "$n" hugo "$hw" "$(mib "$hp")" "$hpages" "$(printf %.0f "$(echo "$hpages/$hw" | bc -l)")" \
      "(HTML only, median of $runs; walls ${hwalls[*]})"
    lo=$(printf "%s\n" "${ratios[@]}" | sort -g | head -1); hi=$(printf "%s\n" "${ratios[@]}" | sort -g | tail -1)
    printf "%-8s ratio xianfeng/hugo wall: %.3f (median of %d pairs; %.3f to %.3f)\n" \
      "$n" "$(printf "%s\n" "${ratios[@]}" | median)" "${#ratios[@]}" "$lo" "$hi"
  fi
  # Where one cold build's time goes.
  rm -rf "$out/public-$n"
  XIANFENG_PROFILE=1 "$bin" build "$corpus/site" -o "$out/public-$n" --no-cache 2>&1 >/dev/null | grep '^stage' |
    sed "s/^/$n         /" || true
  # With the cache: a build with nothing changed, then one after an edit to one case.
  "$bin" build "$corpus/site" -o "$out/public-$n" >/dev/null 2>&1
  read -r w p < <(time_build "$bin" build "$corpus/site" -o "$out/public-$n")
  row "$n" xianfeng "$w" "$(mib "$p")" "" "" "(second build, nothing changed)"
  first=$(find "$corpus/site/content/cases" -name '*.md' -print -quit)
  cp "$first" "$out/saved.md"
  printf '\n\n基准测试追加的一段。\n' >> "$first"
  read -r w p < <(time_build "$bin" build "$corpus/site" -o "$out/public-$n")
  cp "$out/saved.md" "$first"
  row "$n" xianfeng "$w" "$(mib "$p")" "" "" "(after editing one case, cached)"
done
