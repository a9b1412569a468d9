#!/usr/bin/env bash
# Quality at equal wall-clock time: a GANForge preset and its PyTorch twin (bench/reference) each train
# for the same minutes on the same images, per seed, one after the other on all cores — or, with
# PINNED=1, both at once, each pinned to one core with one thread (fairer on a machine that other work
# shares: both see the same load); then the project's evaluator scores 10,000 samples of each. EMA=<decay>
# trains GANForge with an EMA generator (the reference has none); its raw G is scored as well. Prints one
# JSON line per run and score. Small data: LIMIT=<n> trains both on the first n images, AUGMENT=<list>
# (translation,cutout,color) trains both with DiffAugment at probability AUGMENT_P (default 1; `auto` is
# GANForge's adaptive p, which the reference does not have: it then augments at p = 1). FILTERS=<n> sets
# dcgan64's filtersG = filtersD on both sides (default: the preset's; the twin takes one width for both).
#
#   [PINNED=1] [EMA=0.999] [PRESET=<preset>] [N=10000] [LIMIT=n] [AUGMENT=list [AUGMENT_P=p|auto]] [FILTERS=n] \
#     bash packages/trainer/bench/equal-time.sh <data> [minutes=10] [seeds=1 2]
#
# <data>: an IDX image file (default preset dcgan28, e.g. the 60k train-images-idx3-ubyte.gz), a dataset
# name (emoji, emoji-all: preset emoji) or a folder of images (preset dcgan64). PRESET picks another
# network with a PyTorch twin: dcgan28, dcgan64, emoji (dcgan64 at 64 px), rdcgan80, mlp. PyTorch trains
# on the images GANForge loads, written out by scripts/dump-dataset.ts (uint8 IDX, [N, H, W, C] for
# colour). Samples whose size no bundled evaluator takes (rdcgan80's 80 px) are scored resized to 64.
# Results (runs, sample files, logs) stay in $OUT (default: a new folder under the system temp dir).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
trainer="$(dirname "$here")"
data="${1:?usage: [PRESET=<preset>] equal-time.sh <IDX file | emoji | folder> [minutes] [seeds...]}"
minutes="${2:-10}"
shift $(( $# >= 2 ? 2 : $# ))
seeds=("$@")
[ "$#" -eq 0 ] && seeds=(1 2)
case "$data" in
  emoji|emoji-all) preset="${PRESET:-emoji}"; ref=(--ref "$data") ;;
  *)
    [ -e "$data" ] || { echo "equal-time.sh: no such file or folder: $data (under nx, give an absolute path)" >&2; exit 2; }
    data="$(realpath "$data")"
    if [ -d "$data" ]; then preset="${PRESET:-dcgan64}"; else preset="${PRESET:-dcgan28}"; fi
    ref=() ;;
esac
case "$preset" in
  dcgan28|mlp|rdcgan80) model="$preset" ;;
  dcgan64|emoji) model=dcgan64 ;;
  *) echo "equal-time.sh: preset $preset has no PyTorch twin (dcgan28, dcgan64, emoji, rdcgan80, mlp)" >&2; exit 2 ;;
esac
resize=()
[ "$preset" = rdcgan80 ] && resize=(--resize 64)
# Settings both sides share: the same images, augmentation and width.
ours_extra=() theirs_extra=() data_extra=()
if [ -n "${LIMIT:-}" ]; then
  ours_extra+=(--limit="$LIMIT"); theirs_extra+=(--limit "$LIMIT"); data_extra+=(--limit="$LIMIT")
fi
if [ -n "${AUGMENT:-}" ]; then
  p="${AUGMENT_P:-1}"
  ours_extra+=(--augment="$AUGMENT" --augment-p="$p")
  theirs_extra+=(--augment "$AUGMENT" --augment-p "$([ "$p" = auto ] && echo 1 || echo "$p")")
fi
if [ -n "${FILTERS:-}" ]; then
  [ "$model" = dcgan64 ] || { echo "equal-time.sh: FILTERS applies to dcgan64 and emoji only" >&2; exit 2; }
  ours_extra+=(--filters-g="$FILTERS" --filters-d="$FILTERS"); theirs_extra+=(--filters "$FILTERS")
elif [ "$model" = dcgan64 ]; then
  # The twin takes the preset's width (the emoji preset trains at half width).
  theirs_extra+=(--filters "$(cd "$trainer" && npx tsx -e "import { resolveConfig } from './src/config';
    console.log(resolveConfig({ flags: { preset: '$preset' } }).filtersD)")")
fi
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "equal-time.sh: /usr/bin/python3 cannot import torch: bash $here/reference/setup.sh" >&2; exit 2; }
out="${OUT:-$(mktemp -d -t ganforge-equal-time-XXXXXX)}"
mkdir -p "$out"
cd "$trainer"
threads=$(nproc)
# The images GANForge trains on, for PyTorch (the preset's size, channels and limit).
npx tsx scripts/dump-dataset.ts --preset="$preset" --dataset="$data" ${data_extra[@]+"${data_extra[@]}"} --no-labels \
  --out="$out/data-images-idx-ubyte.gz" > "$out/dump.log" 2>&1 || { cat "$out/dump.log" >&2; exit 1; }
echo "{\"preset\":\"$preset\",\"pytorch_model\":\"$model\",\"dump\":$(tail -1 "$out/dump.log")}"
# The evaluator's report as one JSON object (its text goes to the log).
eval_json() {
  local json="$out/eval-$1-$2.json"
  shift 2
  npx tsx src/cli/eval-main.ts "$@" ${ref[@]+"${ref[@]}"} ${resize[@]+"${resize[@]}"} -n "${N:-10000}" \
    --json "$json" >> "$out/eval.log" 2>&1
  tr -d '\n' < "$json"
}
ours() {
  # No evaluation during training (--evalEvery=0): the minutes go to training, as PyTorch's do.
  $1 npx tsx src/cli/main.ts --preset="$preset" --dataset="$data" --epochs=1000 --maxMinutes="$minutes" \
    --evalEvery=0 --seed="$seed" --threads="$2" --emaDecay="${EMA:-0}" ${ours_extra[@]+"${ours_extra[@]}"} \
    --out="$out/ganforge-$seed" --quiet \
    > "$out/ganforge-$seed.log" 2>&1
}
theirs() {
  $1 /usr/bin/python3 "$here/reference/quality.py" --model "$model" --minutes "$minutes" \
    --dataset "$out/data-images-idx-ubyte.gz" --seed "$seed" --threads "$2" \
    --samples "${N:-10000}" ${theirs_extra[@]+"${theirs_extra[@]}"} --out "$out/pytorch-$seed-idx-ubyte.gz" \
    > "$out/pytorch-$seed.log" 2>&1
}
for seed in "${seeds[@]}"; do
  if [ "${PINNED:-0}" = 1 ]; then
    ours "taskset -c 0" 1 & a=$!
    theirs "taskset -c 1" 1 & b=$!
    wait "$a" "$b"
  else
    ours "" 0
    theirs "" "$threads"
  fi
  echo "{\"impl\":\"ganforge\",\"seed\":$seed,\"state\":$(tr -d " \n" < "$out/ganforge-$seed/state.json")}"
  tail -1 "$out/pytorch-$seed.log"
  echo "{\"impl\":\"ganforge\",\"seed\":$seed,\"eval\":$(eval_json ganforge "$seed" --run "$out/ganforge-$seed")}"
  # With an EMA (EMA=0.999), generator/ is the averaged G; the raw G of the same run is scored too.
  ckpt="$(ls -d "$out/ganforge-$seed"/checkpoint/step-* 2>/dev/null | tail -1)"
  if [ -n "$ckpt" ] && [ -d "$ckpt/generator-ema" ]; then
    raw="$out/ganforge-$seed-raw-g"
    mkdir -p "$raw" && cp "$out/ganforge-$seed/config.json" "$raw/" && cp -r "$ckpt/generator" "$raw/generator"
    echo "{\"impl\":\"ganforge-raw-g\",\"seed\":$seed,\"eval\":$(eval_json ganforge-raw "$seed" --run "$raw")}"
  fi
  echo "{\"impl\":\"pytorch\",\"seed\":$seed,\"eval\":$(eval_json pytorch "$seed" --idx "$out/pytorch-$seed-idx-ubyte.gz")}"
done
echo "{\"results\":\"$out\"}"
