#!/usr/bin/python3
"""The d2l.ai GAN chapter's experiment in PyTorch, set up as the trainer's gaussian2d preset: fit
1000 points X·A + b (X ~ N(0, I)) with a one-layer generator, then compare the mean and covariance of
10,000 generated points with b and AᵀA.

Prints one JSON line per seed with the worst relative error, computed as src/eval/estimate.ts does (over
mean x, mean y, cov xx, cov xy, cov yy; unbiased covariance), then one line with the median.
"""
import argparse
import json
import statistics

# models before torch: it pins OpenBLAS to one thread before torch loads it.
from models import (  # isort: skip
    BLAS_THREADS, adam, d_loss, g_loss, gaussian2d_discriminator, gaussian2d_generator, init_normal,
)
import torch


A = torch.tensor([[1.0, 2.0], [-0.1, 0.5]])  # GAUSSIAN_A and GAUSSIAN_B of src/data/points2d.ts
B = torch.tensor([1.0, 2.0])
# The gaussian2d preset (src/config/presets.ts) over DEFAULTS (src/config/config.ts).
LATENT, POINTS, BATCH, EPOCHS = 2, 1000, 8, 20
LR_D, LR_G, BETAS, INIT_STD, EVAL_SAMPLES = 0.05, 0.005, (0.9, 0.999), 0.02, 10000


def run(seed: int, epochs: int) -> dict:
    torch.manual_seed(seed)
    data = torch.randn(POINTS, 2) @ A + B
    g, d = gaussian2d_generator(LATENT), gaussian2d_discriminator()
    init_normal(g, INIT_STD)
    init_normal(d, INIT_STD)
    opt_g, opt_d = adam(g.parameters(), LR_G, BETAS), adam(d.parameters(), LR_D, BETAS)
    for _ in range(epochs):
        order = torch.randperm(POINTS)
        for k in range(POINTS // BATCH):
            real = data[order[k * BATCH:(k + 1) * BATCH]]
            fake = g(torch.randn(BATCH, LATENT))
            opt_d.zero_grad(set_to_none=True)
            d_loss(d(real), d(fake.detach())).backward()
            opt_d.step()
            opt_g.zero_grad(set_to_none=True)
            g_loss(d(fake)).backward()
            opt_g.step()

    with torch.inference_mode():
        points = g(torch.randn(EVAL_SAMPLES, LATENT)).double()
    mean = points.mean(0)
    cov = torch.cov(points.T)  # unbiased (n - 1), as meanAndCovariance in src/eval/estimate.ts
    target_cov = (A.T @ A).double()
    pairs = [
        (mean[0], B[0]), (mean[1], B[1]),
        (cov[0, 0], target_cov[0, 0]), (cov[0, 1], target_cov[0, 1]), (cov[1, 1], target_cov[1, 1]),
    ]
    worst = max(abs(float(v) - float(t)) / abs(float(t)) for v, t in pairs)
    return {
        'bench': 'gaussian2d',
        'impl': 'pytorch',
        'seed': seed,
        'mean': [round(float(v), 4) for v in mean],
        'cov': [[round(float(v), 4) for v in row] for row in cov],
        'target_mean': [round(float(v), 4) for v in B],
        'target_cov': [[round(float(v), 4) for v in row] for row in target_cov],
        'worst_rel_err': round(worst, 4),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--seeds', type=int, nargs='+', default=[1, 2, 3, 4, 5])
    p.add_argument('--epochs', type=int, default=EPOCHS)
    p.add_argument('--threads', type=int, default=1, help='tiny layers: more threads only add overhead')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    errors = []
    for seed in a.seeds:
        result = run(seed, a.epochs)
        errors.append(result['worst_rel_err'])
        print(json.dumps(result), flush=True)
    print(json.dumps({'bench': 'gaussian2d', 'impl': 'pytorch', 'seeds': a.seeds, 'epochs': a.epochs,
                      'median_worst_rel_err': round(statistics.median(errors), 4),
                      'blas_threads': BLAS_THREADS or 'default', 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
