#!/usr/bin/python3
"""Quality at equal wall-clock time: trains the dcgan28 (or mlp, dcgan64, rdcgan80) network in PyTorch for
--minutes, then writes --samples generated images as a gzipped IDX uint8 file, the format of the dataset
itself ([N, H, W] grayscale, [N, H, W, C] colour), so the trainer's evaluator scores PyTorch's samples
exactly as it scores GANForge's:

    npx nx run trainer:eval -- --idx samples-idx3-ubyte.gz

`--augment translation,cutout,color` trains with DiffAugment (models.diff_augment, the trainer's
--augment); `--limit N` keeps the first N images (small-data runs), `--epochs E` stops after E epochs
(whichever of it and --minutes comes first); `--grid out.png` also writes 64 samples as a grid.

Prints one JSON line: steps and epochs done, seconds spent training, the samples file.
"""
import argparse
import json
import os
import resource
import time

# models before torch: it pins OpenBLAS to one thread before torch loads it.
from models import (  # isort: skip
    AUGMENTATIONS, BLAS_THREADS, LATENT, REDUCTION, adam, build, read_idx_images, to_uint8, train_step,
    write_idx_images, write_png_grid,
)
import torch


HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = os.path.join(HERE, '..', '..', 'data', 'fashion-mnist', 't10k-images-idx3-ubyte.gz')


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', choices=['dcgan28', 'mlp', 'dcgan64', 'rdcgan80'], default='dcgan28')
    p.add_argument('--minutes', type=float, default=10.0, help='training budget, wall clock (default 10)')
    p.add_argument('--dataset', default=BUNDLED,
                   help='IDX image file, gzipped or not (default: the bundled Fashion-MNIST test split); '
                   'colour models take a 4-D one, e.g. from scripts/dump-dataset.ts')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--filters', type=int, default=64, help="dcgan64's filtersG = filtersD (default 64)")
    p.add_argument('--samples', type=int, default=10000)
    p.add_argument('--out', default='samples-idx3-ubyte.gz')
    p.add_argument('--augment', default='', help='DiffAugment: translation,cutout,color (comma-separated)')
    p.add_argument('--augment-p', type=float, default=1.0, help='probability an example is augmented')
    p.add_argument('--limit', type=int, default=0, help='use only the first N images (0: all)')
    p.add_argument('--epochs', type=int, default=0, help='stop after E epochs (0: only --minutes)')
    p.add_argument('--grid', default='', help='also write 64 samples as a PNG grid here')
    a = p.parse_args()
    if a.minutes < 0 or a.batch < 1 or a.samples < 1:
        p.error('--minutes must not be negative, --batch and --samples must be positive')
    augment = tuple(s.strip() for s in a.augment.split(',') if s.strip() and s.strip() != 'none')
    unknown = [s for s in augment if s not in AUGMENTATIONS]
    if unknown:
        p.error(f'--augment takes {", ".join(AUGMENTATIONS)}; got {unknown[0]!r}')
    if not 0 <= a.augment_p <= 1 or a.limit < 0 or a.epochs < 0:
        p.error('--augment-p must be in [0, 1]; --limit and --epochs must not be negative')

    # Made before training, so a bad --out fails now rather than after the budget is spent.
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    data = read_idx_images(a.dataset, a.limit)
    shape = tuple(data.shape[1:])
    need = {'dcgan28': '1x28x28', 'mlp': '1x28x28', 'rdcgan80': '3x80x80'}.get(a.model)
    if need and 'x'.join(map(str, shape)) != need:
        p.error(f'{a.dataset}: the {a.model} model needs {need} (CxHxW) images, got {"x".join(map(str, shape))}')
    per_epoch = data.shape[0] // a.batch
    if per_epoch == 0:
        p.error(f'{a.dataset} has {data.shape[0]} images, fewer than one batch of {a.batch}')
    # Augmented, D leaves BatchNorm out, as the trainer's DCGAN critics do under --augment.
    g, d = build(a.model, shape, a.filters, augmented=bool(augment))
    opt_g, opt_d = adam(g.parameters()), adam(d.parameters())

    start = time.perf_counter()
    deadline = start + a.minutes * 60
    steps = epochs = 0
    out_of_time = False
    while not out_of_time and not (a.epochs and epochs >= a.epochs):
        order = torch.randperm(data.shape[0])
        for k in range(per_epoch):
            # Checked before every step, so the budget is overrun by at most one step.
            if time.perf_counter() >= deadline:
                out_of_time = True
                break
            real = data[order[k * a.batch:(k + 1) * a.batch]]
            train_step(g, d, opt_g, opt_d, real, torch.randn(a.batch, LATENT), augment, a.augment_p,
                       REDUCTION.get(a.model, 'mean'))
            steps += 1
        else:
            epochs += 1
    seconds = time.perf_counter() - start

    g.eval()  # BatchNorm's moving statistics, as the trainer's exported generator uses
    with torch.inference_mode():
        chunks = [g(torch.randn(min(1000, a.samples - i), LATENT)) for i in range(0, a.samples, 1000)]
    pixels = to_uint8(torch.cat(chunks))
    write_idx_images(a.out, pixels)
    if a.grid:
        write_png_grid(a.grid, pixels[:64])
    print(json.dumps({
        'bench': f'{a.model}-quality',
        'impl': 'pytorch',
        'threads': a.threads,
        'batch': a.batch,
        'filters': a.filters if a.model == 'dcgan64' else None,
        'batch_norm_d': not augment,
        'seed': a.seed,
        'minutes': a.minutes,
        'augment': ','.join(augment) or 'none',
        'augment_p': a.augment_p,
        'steps': steps,
        'epochs': epochs,
        'images_seen': steps * a.batch,
        'seconds': round(seconds, 1),
        'samples': a.samples,
        'out': a.out,
        'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        'blas_threads': BLAS_THREADS or 'default',
        'torch': torch.__version__,
    }), flush=True)


if __name__ == '__main__':
    main()
