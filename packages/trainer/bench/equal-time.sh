#!/usr/bin/env bash
# Quality at equal wall-clock time: GANForge's dcgan28 preset and its PyTorch twin (bench/reference)
# each train for the same minutes on the same images, per seed, one after the other on all cores —
# or, with PINNED=1, both at once, each pinned to one core with one thread (fairer on a machine that
# other work shares: both see the same load); then the project's evaluator scores 10,000 samples of
# each. EMA=<decay> trains GANForge with an EMA generator (the reference has none); its raw G is
# scored as well. Prints one JSON line per run and score.
#
#   [PINNED=1] [EMA=0.999] bash packages/trainer/bench/equal-time.sh <train-images-idx3-ubyte.gz> [minutes=10] [seeds=1 2]
#
# Results (runs, sample files, logs) stay in $OUT (default: a new folder under the system temp dir).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
trainer="$(dirname "$here")"
data="${1:?usage: equal-time.sh <IDX image file> [minutes] [seeds...]}"
minutes="${2:-10}"
shift $(( $# >= 2 ? 2 : $# ))
seeds=("$@")
[ "$#" -eq 0 ] && seeds=(1 2)
[ -f "$data" ] || { echo "equal-time.sh: no such file: $data (under nx, give an absolute path)" >&2; exit 2; }
data="$(realpath "$data")"
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "equal-time.sh: /usr/bin/python3 cannot import torch: bash $here/reference/setup.sh" >&2; exit 2; }
out="${OUT:-$(mktemp -d -t ganforge-equal-time-XXXXXX)}"
mkdir -p "$out"
cd "$trainer"
threads=$(nproc)
# The evaluator's report as one JSON object (its text goes to the log).
eval_json() {
  local json="$out/eval-$1-$2.json"
  shift 2
  npx tsx src/cli/eval-main.ts "$@" -n 10000 --json "$json" >> "$out/eval.log" 2>&1
  tr -d '\n' < "$json"
}
ours() {
  $1 npx tsx src/cli/main.ts --preset=dcgan28 --dataset="$data" --epochs=1000 --maxMinutes="$minutes" \
    --seed="$seed" --threads="$2" --emaDecay="${EMA:-0}" --out="$out/ganforge-$seed" --quiet \
    > "$out/ganforge-$seed.log" 2>&1
}
theirs() {
  $1 /usr/bin/python3 "$here/reference/quality.py" --model dcgan28 --minutes "$minutes" --dataset "$data" \
    --seed "$seed" --threads "$2" --out "$out/pytorch-$seed-idx3-ubyte.gz" > "$out/pytorch-$seed.log" 2>&1
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
  echo "{\"impl\":\"pytorch\",\"seed\":$seed,\"eval\":$(eval_json pytorch "$seed" --idx "$out/pytorch-$seed-idx3-ubyte.gz")}"
done
echo "{\"results\":\"$out\"}"
