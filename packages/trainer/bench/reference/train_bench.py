#!/usr/bin/python3
"""Training throughput of the dcgan28, dcgan64 or mlp model in PyTorch on CPU: the reference for the trainer's speed.

Trains on the bundled Fashion-MNIST test split (dcgan64: 1,024 random 64x64 RGB images in [-1, 1]; a
step's arithmetic does not depend on the pixels), batch after batch of a shuffled order, and times --steps
steps after --warmup untimed ones. One JSON line per --threads value on stdout, with the BLAS kernel set
OpenBLAS ran (OPENBLAS_CORETYPE, when set, forces one).
"""
import argparse
import json
import os
import resource
import time

# models before torch: it pins OpenBLAS to one thread before torch loads it.
from models import BLAS_THREADS, LATENT, adam, blas_kernel, build, read_idx_images, train_step  # isort: skip
import torch


HERE = os.path.dirname(os.path.abspath(__file__))
SYNTHETIC_RGB = (1024, 3, 64, 64)
BUNDLED = os.path.join(HERE, '..', '..', 'data', 'fashion-mnist', 't10k-images-idx3-ubyte.gz')


def peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB on Linux


def measure(model: str, data: torch.Tensor, threads: int, batch: int, warmup: int, steps: int,
            seed: int) -> dict:
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    g, d = build(model)
    opt_g, opt_d = adam(g.parameters()), adam(d.parameters())
    order = torch.randperm(data.shape[0])
    per_epoch = data.shape[0] // batch  # the trainer drops the last partial batch too

    def step(i: int) -> None:
        k = i % per_epoch
        real = data[order[k * batch:(k + 1) * batch]]
        train_step(g, d, opt_g, opt_d, real, torch.randn(batch, LATENT))

    for i in range(warmup):
        step(i)
    start = time.perf_counter()
    for i in range(warmup, warmup + steps):
        step(i)
    seconds = time.perf_counter() - start
    return {
        'bench': f'{model}-train',
        'impl': 'pytorch',
        'threads': threads,
        'batch': batch,
        'steps': steps,
        'img_per_s': round(steps * batch / seconds, 1),  # real images per second, one per example of a batch
        'ms_per_step': round(seconds / steps * 1000, 2),
        'peak_rss_mb': peak_rss_mb(),
        'blas_threads': BLAS_THREADS or 'default',
        'blas_kernel': blas_kernel(),
        'torch': torch.__version__,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', choices=['dcgan28', 'dcgan64', 'mlp'], default='dcgan28')
    p.add_argument('--steps', type=int, default=30, help='timed steps (default 30)')
    p.add_argument('--warmup', type=int, default=3, help='untimed steps first (default 3)')
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--threads', type=int, action='append',
                   help='intra-op threads; repeat for several measurements (default: all cores)')
    p.add_argument('--data', default=BUNDLED,
                   help='IDX image file for dcgan28 and mlp (default: the bundled Fashion-MNIST test split)')
    p.add_argument('--seed', type=int, default=1)
    a = p.parse_args()
    if a.steps < 1 or a.warmup < 0 or a.batch < 1:
        p.error('--steps and --batch must be positive, --warmup not negative')
    if a.model == 'dcgan64':
        data = torch.rand(SYNTHETIC_RGB, generator=torch.Generator().manual_seed(a.seed)) * 2 - 1
    else:
        data = read_idx_images(a.data)
    if data.shape[0] < a.batch:
        p.error(f'{a.data} has {data.shape[0]} images, fewer than one batch of {a.batch}')
    for threads in a.threads or [os.cpu_count() or 1]:
        print(json.dumps(measure(a.model, data, threads, a.batch, a.warmup, a.steps, a.seed)), flush=True)


if __name__ == '__main__':
    main()
