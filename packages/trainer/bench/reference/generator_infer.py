#!/usr/bin/python3
"""DCGAN-28 generator inference in PyTorch eager on CPU (eval mode, no autograd): the reference for
the inference SDK's sample(). Calls the generator on one latent batch repeatedly for --seconds per
batch size; one JSON line per --batch value on stdout.
"""
import argparse
import json
import os
import resource
import time

# models before torch: it pins OpenBLAS to one thread before torch loads it.
from models import BLAS_THREADS, LATENT, dcgan28_generator, init_dcgan28  # isort: skip
import torch


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--batch', type=int, action='append',
                   help='batch size; repeat for several (default 1 and 64)')
    p.add_argument('--seconds', type=float, default=3.0, help='timed seconds per batch size (default 3)')
    p.add_argument('--threads', type=int, default=os.cpu_count() or 1)
    p.add_argument('--seed', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    g = dcgan28_generator()
    init_dcgan28(g)
    g.eval()  # BatchNorm from its moving statistics, as in the exported ONNX generator
    with torch.inference_mode():
        for batch in a.batch or [1, 64]:
            z = torch.randn(batch, LATENT)
            for _ in range(5):  # first calls allocate and pick kernels
                g(z)
            calls, start = 0, time.perf_counter()
            while True:
                g(z)
                calls += 1
                seconds = time.perf_counter() - start
                if seconds >= a.seconds:
                    break
            print(json.dumps({
                'bench': 'dcgan28-generate',
                'impl': 'pytorch',
                'batch': batch,
                'threads': a.threads,
                'img_per_s': round(calls * batch / seconds, 1),
                'ms_per_call': round(seconds / calls * 1000, 3),
                'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                'blas_threads': BLAS_THREADS or 'default',
                'torch': torch.__version__,
            }), flush=True)


if __name__ == '__main__':
    main()
