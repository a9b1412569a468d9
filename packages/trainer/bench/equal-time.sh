#!/usr/bin/env bash
# Quality at equal wall-clock time: GANForge's dcgan28 preset and its PyTorch twin (bench/reference)
# each train for the same minutes on the same images, one after the other on all cores, per seed;
# then the project's evaluator scores 10,000 samples of each. Prints one JSON line per run and score.
#
#   bash packages/trainer/bench/equal-time.sh <train-images-idx3-ubyte.gz> [minutes=10] [seeds=1 2]
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
  npx tsx src/eval/main.ts "$@" -n 10000 --json "$json" >> "$out/eval.log" 2>&1
  tr -d '\n' < "$json"
}
for seed in "${seeds[@]}"; do
  npx tsx src/cli/main.ts --preset=dcgan28 --dataset="$data" --epochs=1000 --maxMinutes="$minutes" \
    --seed="$seed" --out="$out/ganforge-$seed" --quiet > "$out/ganforge-$seed.log" 2>&1
  echo "{\"impl\":\"ganforge\",\"seed\":$seed,\"state\":$(tr -d " \n" < "$out/ganforge-$seed/state.json")}"
  /usr/bin/python3 "$here/reference/quality.py" --model dcgan28 --minutes "$minutes" --dataset "$data" \
    --seed "$seed" --threads "$threads" --out "$out/pytorch-$seed-idx3-ubyte.gz" | tail -1
  echo "{\"impl\":\"ganforge\",\"seed\":$seed,\"eval\":$(eval_json ganforge "$seed" --run "$out/ganforge-$seed")}"
  echo "{\"impl\":\"pytorch\",\"seed\":$seed,\"eval\":$(eval_json pytorch "$seed" --idx "$out/pytorch-$seed-idx3-ubyte.gz")}"
done
echo "{\"results\":\"$out\"}"
