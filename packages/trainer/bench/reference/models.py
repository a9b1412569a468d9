"""PyTorch twins of the trainer's networks, for the reference benchmarks in this folder.

Each builder mirrors a TF.js definition in packages/trainer/src:
  - dcgan28_*:    src/models/dcgan28.ts (the dcgan28 preset)
  - mlp_*:        src/models/mlp.ts with the mlp preset's defaults (src/config/config.ts DEFAULTS)
  - gaussian2d_*: src/models/gaussian2d.ts with the gaussian2d preset (src/config/presets.ts)
  - dcgan64_*:    src/models/dcgan64.ts (RGB images; 64 px by default, any 4·2^k or 5·2^k size)
Tensors are NCHW here and NHWC in TF.js. Where that changes the order of flattened features (the
generator's first Dense, the discriminator's last), the two networks differ only by a fixed permutation
of i.i.d.-initialised weights, so they are the same model.

The losses and the training step are the trainer's too (src/gan/losses.ts, src/loop/train.ts), and so
is DiffAugment (src/gan/augment.ts): the same three augmentations with the same parameter ranges, drawn
by torch's generator instead of the trainer's step seed.
"""
import gzip
import os
import struct
import sys
import zlib

# One threading layer: torch's intra-op threads (--threads) split the work, and OpenBLAS runs single-
# threaded inside them. Left at its default (a thread per core), OpenBLAS oversubscribes the cores under
# torch's OpenMP threads: on 2 cores, 2 threads trained DCGAN-28 2.3x slower and generated 3x slower.
# OpenBLAS reads this once, when it loads, so it only takes effect before the first torch/numpy import;
# export OPENBLAS_NUM_THREADS to choose another value.
if 'torch' not in sys.modules and 'numpy' not in sys.modules:
    os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
BLAS_THREADS = os.environ.get('OPENBLAS_NUM_THREADS')

import numpy as np  # noqa: E402 (after the pin above)
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

LATENT = 100  # latentDim of the dcgan28 and mlp presets
IDX_IMAGES_MAGIC = 0x00000803
# Keras' BatchNormalization(momentum=0.9) keeps 0.9 of the old moving average; PyTorch's momentum is the
# weight of the new batch, so the same rule is momentum=0.1.
BN = dict(eps=1e-5, momentum=0.1)


# --- DCGAN-28 -------------------------------------------------------------------------------------

def dcgan28_generator(latent: int = LATENT) -> nn.Module:
    # TF's 'same' at kernel 4, stride 2 pads one pixel each side: padding=1 doubles 7 -> 14 -> 28.
    return nn.Sequential(
        nn.Linear(latent, 7 * 7 * 128, bias=False),
        nn.BatchNorm1d(7 * 7 * 128, **BN),
        nn.ReLU(),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(64, **BN),
        nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1),
        nn.Tanh(),
    )


def dcgan28_discriminator() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 64, 4, stride=2, padding=1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(128, **BN),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(128 * 7 * 7, 1),  # a logit: the loss applies the sigmoid
    )


def init_dcgan28(module: nn.Module) -> None:
    """Radford et al.'s init, as dcgan28.ts sets it: weights N(0, 0.02), BN gamma N(1, 0.02), zero biases."""
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


# --- DCGAN-64 (the dcgan64 model: RGB, 64 px by default) -------------------------------------------

def dcgan_scales(size: int):
    """(base, steps) as the trainer's dcganScales: G starts at base x base and doubles steps times."""
    steps = 0
    while steps < 4 and size % 2 ** (steps + 1) == 0 and size // 2 ** (steps + 1) >= 4:
        steps += 1
    if steps == 0:
        raise ValueError(f'dcgan64 needs an image size divisible by 2 with at least 8 pixels, got {size}')
    return size // 2 ** steps, steps


def dcgan64_generator(size: int = 64, channels: int = 3, filters: int = 64, latent: int = LATENT) -> nn.Module:
    """z -> Dense (no bias) -> BN -> ReLU -> base x base x filters·2^(steps-1), then per scale
    ConvTranspose k4 s2 'same' (padding 1) halving the filters, BN + ReLU; the last one to `channels`,
    with bias, tanh."""
    base, steps = dcgan_scales(size)
    width = filters * 2 ** (steps - 1)
    layers = [
        nn.Linear(latent, base * base * width, bias=False),
        nn.BatchNorm1d(base * base * width, **BN),
        nn.ReLU(),
        nn.Unflatten(1, (width, base, base)),
    ]
    for i in range(steps - 1, -1, -1):
        last = i == 0
        out = channels if last else filters * 2 ** (i - 1)
        layers.append(nn.ConvTranspose2d(width, out, 4, stride=2, padding=1, bias=last))
        layers += [nn.Tanh()] if last else [nn.BatchNorm2d(out, **BN), nn.ReLU()]
        width = out
    return nn.Sequential(*layers)


def dcgan64_discriminator(size: int = 64, channels: int = 3, filters: int = 64) -> nn.Module:
    """Per scale Conv k4 s2 'same' doubling the filters, BN from the second on, LeakyReLU 0.2; a logit."""
    base, steps = dcgan_scales(size)
    layers, width = [], channels
    for i in range(steps):
        out = filters * 2 ** i
        layers.append(nn.Conv2d(width, out, 4, stride=2, padding=1, bias=i == 0))
        if i > 0:
            layers.append(nn.BatchNorm2d(out, **BN))
        layers.append(nn.LeakyReLU(0.2))
        width = out
    layers += [nn.Flatten(), nn.Linear(width * base * base, 1)]
    return nn.Sequential(*layers)


# --- MLP GAN (the mlp preset) ---------------------------------------------------------------------

def mlp_generator(latent: int = LATENT, hidden=(256, 512), shape=(1, 28, 28)) -> nn.Module:
    layers, width = [], latent
    for units in hidden:
        layers += [nn.Linear(width, units), nn.LeakyReLU(0.2)]
        width = units
    layers += [nn.Linear(width, int(np.prod(shape))), nn.Tanh(), nn.Unflatten(1, shape)]
    return nn.Sequential(*layers)


def mlp_discriminator(hidden=(512, 256), shape=(1, 28, 28)) -> nn.Module:
    layers, width = [nn.Flatten()], int(np.prod(shape))
    for units in hidden:
        layers += [nn.Linear(width, units), nn.LeakyReLU(0.2)]
        width = units
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers)


def init_normal(module: nn.Module, std: float = 0.02) -> None:
    """The trainer's initStd init for mlp and gaussian2d: weights AND biases N(0, std)."""
    for m in module.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, std)
            nn.init.normal_(m.bias, 0.0, std)


# --- d2l.ai 2-D Gaussian (the gaussian2d preset) --------------------------------------------------

def gaussian2d_generator(latent: int = 2, dims: int = 2) -> nn.Module:
    return nn.Linear(latent, dims)


def gaussian2d_discriminator(dims: int = 2) -> nn.Module:
    return nn.Sequential(nn.Linear(dims, 5), nn.Tanh(), nn.Linear(5, 3), nn.Tanh(), nn.Linear(3, 1))


# --- Building, losses, one step -------------------------------------------------------------------

def build(model: str):
    """(G, D) for 'dcgan28', 'dcgan64' or 'mlp', initialised as the trainer does; seed torch first."""
    if model in ('dcgan28', 'dcgan64'):
        g, d = (dcgan28_generator(), dcgan28_discriminator()) if model == 'dcgan28' else (
            dcgan64_generator(), dcgan64_discriminator())
        init_dcgan28(g)
        init_dcgan28(d)
    elif model == 'mlp':
        g, d = mlp_generator(), mlp_discriminator()
        init_normal(g)
        init_normal(d)
    else:
        raise ValueError(f'unknown model {model!r} (dcgan28, dcgan64 or mlp)')
    return g, d


def adam(params, lr: float = 2e-4, betas=(0.5, 0.999)) -> torch.optim.Adam:
    # eps 1e-8 on both sides: the trainer passes PyTorch's value to tf.train.adam.
    return torch.optim.Adam(params, lr=lr, betas=betas, eps=1e-8)


def d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Cross-entropy on logits, the mean of the real and fake terms (src/gan/losses.ts)."""
    real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return (real + fake) / 2


def g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """Non-saturating: G maximises log D(G(z)), i.e. cross-entropy against 'real'."""
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


# --- DiffAugment (src/gan/augment.ts) -------------------------------------------------------------

AUGMENTATIONS = ('translation', 'cutout', 'color')


def diff_augment(x: torch.Tensor, policy=(), p: float = 1.0) -> torch.Tensor:
    """DiffAugment on NCHW images in [-1, 1], in the trainer's order whatever `policy` lists: colour
    (brightness + U(-0.5, 0.5); saturation x U(0, 2) around each pixel's channel mean; contrast
    x U(0.5, 1.5) around the image's mean), translation (up to int(size/8 + 0.5) pixels per axis, zeros
    shifted in), cutout (a square of int(size/2 + 0.5) pixels centred anywhere, zeroed). Each example is
    augmented with probability p and left as it is otherwise. Differentiable in x."""
    if not policy:
        return x
    n, c, h, w = x.shape
    factor = lambda: torch.rand(n, 1, 1, 1, device=x.device)  # noqa: E731
    y = x
    if 'color' in policy:
        y = y + (factor() - 0.5)
        m = y.mean(dim=1, keepdim=True)
        y = (y - m) * (factor() * 2) + m
        mu = y.mean(dim=(1, 2, 3), keepdim=True)
        y = (y - mu) * (factor() + 0.5) + mu
    if 'translation' in policy:
        sy, sx = int(h / 8 + 0.5), int(w / 8 + 0.5)
        ty = torch.randint(-sy, sy + 1, (n, 1), device=x.device)
        tx = torch.randint(-sx, sx + 1, (n, 1), device=x.device)
        padded = F.pad(y, (sx, sx, sy, sy))
        rows = torch.arange(h, device=x.device)[None, :] + ty + sy  # out[i] = x[i + ty]
        cols = torch.arange(w, device=x.device)[None, :] + tx + sx
        batch = torch.arange(n, device=x.device)[:, None, None, None]
        chans = torch.arange(c, device=x.device)[None, :, None, None]
        y = padded[batch, chans, rows[:, None, :, None], cols[:, None, None, :]]
    if 'cutout' in policy:
        ch, cw = int(h / 2 + 0.5), int(w / 2 + 0.5)
        oy = torch.randint(0, h + 1 - ch % 2, (n, 1, 1), device=x.device) - ch // 2
        ox = torch.randint(0, w + 1 - cw % 2, (n, 1, 1), device=x.device) - cw // 2
        yy = torch.arange(h, device=x.device)[None, :, None]
        xx = torch.arange(w, device=x.device)[None, None, :]
        inside = (yy >= oy) & (yy < oy + ch) & (xx >= ox) & (xx < ox + cw)
        y = y * (~inside).unsqueeze(1).to(y.dtype)
    if p >= 1:
        return y
    keep = torch.rand(n, 1, 1, 1, device=x.device) < p
    return torch.where(keep, y, x)


def train_step(g, d, opt_g, opt_d, real: torch.Tensor, z: torch.Tensor, augment=(), p: float = 1.0):
    """One trainer step: D on a real and a fake batch, then G through the updated D.

    G runs forward once; D sees its output detached, and G's loss reuses the same fake batch. With
    `augment`, D sees every batch through DiffAugment (fresh parameters each time), and G's gradient
    flows back through it.
    """
    aug = lambda t: diff_augment(t, augment, p)  # noqa: E731
    fake = g(z)
    opt_d.zero_grad(set_to_none=True)
    loss_d = d_loss(d(aug(real)), d(aug(fake.detach())))
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad(set_to_none=True)
    loss_g = g_loss(d(aug(fake)))
    loss_g.backward()  # also fills D's grads; the next step's zero_grad drops them
    opt_g.step()
    return loss_d.detach(), loss_g.detach()


# --- The BLAS torch runs on -------------------------------------------------------------------------

def blas_kernel() -> str:
    """The kernel set OpenBLAS picked (e.g. 'Cooperlake' for AVX-512, 'Haswell' for AVX2), or 'unknown'.

    OPENBLAS_CORETYPE forces a set; a benchmark that wants the reference at its best clears it."""
    import ctypes
    with open('/proc/self/maps') as f:
        libs = sorted({line.split()[-1] for line in f if 'openblas' in line and '.so' in line})
    for path in libs:
        try:
            name = ctypes.CDLL(path).openblas_get_corename
        except (OSError, AttributeError):
            continue
        name.restype = ctypes.c_char_p
        return name().decode()
    return 'unknown'


# --- IDX files ------------------------------------------------------------------------------------

def read_idx_images(path: str, limit: int = 0) -> torch.Tensor:
    """A (gzipped or raw) IDX uint8 image file as float [N, 1, H, W] in [-1, 1], the trainer's scaling."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        header = f.read(16)
        if len(header) < 16 or struct.unpack('>I', header[:4])[0] != IDX_IMAGES_MAGIC:
            raise ValueError(f'{path} is not an IDX image file (expected magic 0x00000803)')
        _, n, rows, cols = struct.unpack('>IIII', header)
        if limit:
            n = min(n, limit)
        raw = f.read(n * rows * cols)
    if len(raw) != n * rows * cols:
        raise ValueError(f'{path} is truncated: {n} images of {rows}x{cols} announced')
    pixels = np.frombuffer(raw, dtype=np.uint8).reshape(n, 1, rows, cols)
    return torch.from_numpy(pixels.astype(np.float32) / 127.5 - 1.0)


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """[-1, 1] images to uint8 pixels, rounded as the trainer writes them: round((v + 1) * 127.5)."""
    return ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()


def write_idx_images(path: str, pixels: np.ndarray) -> None:
    """uint8 [N, H, W] (or [N, 1, H, W]) as an IDX image file, gzipped when the name ends in .gz."""
    n, rows, cols = pixels.shape[0], pixels.shape[-2], pixels.shape[-1]
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'wb') as f:
        f.write(struct.pack('>IIII', IDX_IMAGES_MAGIC, n, rows, cols))
        f.write(np.ascontiguousarray(pixels, dtype=np.uint8).tobytes())


def write_png_grid(path: str, pixels: np.ndarray, cols: int = 8) -> None:
    """uint8 [N, H, W] grayscale images as one PNG grid of `cols` columns, 2-pixel gaps (zlib only)."""
    n, h, w = pixels.shape
    rows = (n + cols - 1) // cols
    gap = 2
    grid = np.zeros((rows * (h + gap) + gap, cols * (w + gap) + gap), dtype=np.uint8)
    for k in range(n):
        r, c = divmod(k, cols)
        grid[gap + r * (h + gap):gap + r * (h + gap) + h, gap + c * (w + gap):gap + c * (w + gap) + w] = pixels[k]
    raw = b''.join(b'\x00' + grid[y].tobytes() for y in range(grid.shape[0]))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))

    header = struct.pack('>IIBBBBB', grid.shape[1], grid.shape[0], 8, 0, 0, 0, 0)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
