"""PyTorch twins of the trainer's networks, for the reference benchmarks in this folder.

Each builder mirrors a TF.js definition in packages/trainer/src:
  - dcgan28_*:    src/models/dcgan28.ts (the dcgan28 preset)
  - mlp_*:        src/models/mlp.ts with the mlp preset's defaults (src/config/config.ts DEFAULTS)
  - gaussian2d_*: src/models/gaussian2d.ts with the gaussian2d preset (src/config/presets.ts)
  - dcgan64_*:    src/models/dcgan64.ts (RGB images; 64 px by default, any 4·2^k or 5·2^k size)
  - rdcgan80_*:   src/models/rdcgan80.ts (an R torch DCGAN at 80x80 RGB, the rdcgan80 preset)
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
IDX_IMAGES4_MAGIC = 0x00000804  # [N, H, W, C]
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


def dcgan28_discriminator(batch_norm: bool = True) -> nn.Module:
    """batch_norm=False: the critic the trainer builds for augmented images (models/common.ts,
    criticBatchNorm): no BatchNorm, and the second convolution takes a bias instead."""
    return nn.Sequential(
        nn.Conv2d(1, 64, 4, stride=2, padding=1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, stride=2, padding=1, bias=not batch_norm),
        *([nn.BatchNorm2d(128, **BN)] if batch_norm else []),
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


def dcgan64_discriminator(size: int = 64, channels: int = 3, filters: int = 64,
                          batch_norm: bool = True) -> nn.Module:
    """Per scale Conv k4 s2 'same' doubling the filters, BN from the second on, LeakyReLU 0.2; a logit.
    batch_norm=False (augmented images): no BN, every convolution with a bias."""
    base, steps = dcgan_scales(size)
    layers, width = [], channels
    for i in range(steps):
        out = filters * 2 ** i
        layers.append(nn.Conv2d(width, out, 4, stride=2, padding=1, bias=i == 0 or not batch_norm))
        if i > 0 and batch_norm:
            layers.append(nn.BatchNorm2d(out, **BN))
        layers.append(nn.LeakyReLU(0.2))
        width = out
    layers += [nn.Flatten(), nn.Linear(width * base * base, 1)]
    return nn.Sequential(*layers)


# --- R DCGAN at 80 px (the rdcgan80 model) ------------------------------------------------------

class Affine(nn.Module):
    """x * scale + offset: the trainer's Rescaling layers, so the network works in [0, 1] inside while
    its pixels go in and come out in [-1, 1] as every other model's do."""

    def __init__(self, scale: float, offset: float):
        super().__init__()
        self.scale, self.offset = scale, offset

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale + self.offset


def rdcgan80_generator(ngf: int = 80, channels: int = 3, latent: int = LATENT) -> nn.Module:
    """z as 1x1 -> ConvTranspose k4 s1 p0 (4x4, ngf·4) -> k5 s2 p1 (9x9, ngf·2) -> k5 s3 p1 (27x27, ngf),
    each without bias, BN + ReLU -> k6 s3 p2 (80x80, channels, bias) -> sigmoid, as 2·p − 1."""
    layers = [nn.Unflatten(1, (latent, 1, 1))]
    width = latent
    for out, k, s, p in ((ngf * 4, 4, 1, 0), (ngf * 2, 5, 2, 1), (ngf, 5, 3, 1)):
        layers += [nn.ConvTranspose2d(width, out, k, stride=s, padding=p, bias=False), nn.BatchNorm2d(out, **BN),
                   nn.ReLU()]
        width = out
    layers += [nn.ConvTranspose2d(width, channels, 6, stride=3, padding=2), nn.Sigmoid(), Affine(2.0, -1.0)]
    return nn.Sequential(*layers)


def rdcgan80_discriminator(ndf: int = 40, channels: int = 3, batch_norm: bool = True) -> nn.Module:
    """Pixels to [0, 1], then Conv k4 s2 p1 ndf (bias) -> 2·ndf three times (no bias, BN), LeakyReLU 0.2
    after each: 80 -> 40 -> 20 -> 10 -> 5; Linear 2·ndf·25 (2000) -> 1, a logit (the loss's sigmoid).
    batch_norm=False (augmented images): no BN, every convolution with a bias."""
    layers, width = [Affine(0.5, 0.5)], channels
    for i, out in enumerate((ndf, ndf * 2, ndf * 2, ndf * 2)):
        layers.append(nn.Conv2d(width, out, 4, stride=2, padding=1, bias=i == 0 or not batch_norm))
        layers += [nn.BatchNorm2d(out, **BN)] if i > 0 and batch_norm else []
        layers.append(nn.LeakyReLU(0.2))
        width = out
    layers += [nn.Flatten(), nn.Linear(width * 5 * 5, 1)]
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

def build(model: str, shape=None, filters: int = 64, augmented: bool = False):
    """(G, D) for 'dcgan28', 'dcgan64', 'rdcgan80' or 'mlp', initialised as the trainer does; seed torch
    first. `shape` (C, H, W) sizes dcgan64 (default 3x64x64) and gives rdcgan80 its channels; `filters`
    is dcgan64's filtersG = filtersD. `augmented`: D trains on augmented images, so the DCGAN critics
    leave BatchNorm out, as the trainer's do under --augment."""
    c, size = (shape[0], shape[-1]) if shape else (3, 64)
    bn = not augmented
    if model in ('dcgan28', 'dcgan64', 'rdcgan80'):
        g, d = {
            'dcgan28': lambda: (dcgan28_generator(), dcgan28_discriminator(bn)),
            'dcgan64': lambda: (dcgan64_generator(size, c, filters), dcgan64_discriminator(size, c, filters, bn)),
            'rdcgan80': lambda: (rdcgan80_generator(channels=c), rdcgan80_discriminator(channels=c, batch_norm=bn)),
        }[model]()
        init_dcgan28(g)
        init_dcgan28(d)
    elif model == 'mlp':
        g, d = mlp_generator(), mlp_discriminator()
        init_normal(g)
        init_normal(d)
    else:
        raise ValueError(f'unknown model {model!r} (dcgan28, dcgan64, rdcgan80 or mlp)')
    return g, d


# How each model's losses reduce over the batch (the trainer's lossReduction): rdcgan80 sums.
REDUCTION = {'rdcgan80': 'sum'}


def adam(params, lr: float = 2e-4, betas=(0.5, 0.999)) -> torch.optim.Adam:
    # eps 1e-8 on both sides: the trainer passes PyTorch's value to tf.train.adam.
    return torch.optim.Adam(params, lr=lr, betas=betas, eps=1e-8)


def d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor, reduction: str = 'mean') -> torch.Tensor:
    """Cross-entropy on logits, half the real plus the fake term (src/gan/losses.ts), each the mean over
    the batch or, with reduction='sum', the sum."""
    real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits), reduction=reduction)
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits), reduction=reduction)
    return (real + fake) / 2


def g_loss(fake_logits: torch.Tensor, reduction: str = 'mean') -> torch.Tensor:
    """Non-saturating: G maximises log D(G(z)), i.e. cross-entropy against 'real'."""
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits), reduction=reduction)


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


def train_step(g, d, opt_g, opt_d, real: torch.Tensor, z: torch.Tensor, augment=(), p: float = 1.0,
               reduction: str = 'mean'):
    """One trainer step: D on a real and a fake batch, then G through the updated D.

    G runs forward once; D sees its output detached, and G's loss reuses the same fake batch. With
    `augment`, D sees every batch through DiffAugment (fresh parameters each time), and G's gradient
    flows back through it.
    """
    aug = lambda t: diff_augment(t, augment, p)  # noqa: E731
    fake = g(z)
    opt_d.zero_grad(set_to_none=True)
    loss_d = d_loss(d(aug(real)), d(aug(fake.detach())), reduction)
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad(set_to_none=True)
    loss_g = g_loss(d(aug(fake)), reduction)
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
# uint8 images: magic 0x00000803 [N, H, W] (grayscale) or 0x00000804 [N, H, W, C] (channels last, as
# scripts/dump-dataset.ts writes GANForge's colour datasets); tensors here are NCHW.

def read_idx_images(path: str, limit: int = 0) -> torch.Tensor:
    """A (gzipped or raw) IDX uint8 image file as float [N, C, H, W] in [-1, 1], the trainer's scaling."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        magic = struct.unpack('>I', f.read(4) or b'\0' * 4)[0]
        if magic not in (IDX_IMAGES_MAGIC, IDX_IMAGES4_MAGIC):
            raise ValueError(f'{path} is not an IDX image file (expected magic 0x00000803 or 0x00000804)')
        dims = struct.unpack(f'>{magic & 0xff}I', f.read(4 * (magic & 0xff)))
        n, shape = min(dims[0], limit) if limit else dims[0], dims[1:] + (1,) * (magic == IDX_IMAGES_MAGIC)
        raw = f.read(n * int(np.prod(shape)))
    if len(raw) != n * int(np.prod(shape)):
        raise ValueError(f'{path} is truncated: {n} images of {"x".join(map(str, shape))} announced')
    pixels = np.frombuffer(raw, dtype=np.uint8).reshape(n, *shape).transpose(0, 3, 1, 2)
    return torch.from_numpy(pixels.astype(np.float32) / 127.5 - 1.0)


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """[-1, 1] images to uint8 pixels, rounded as the trainer writes them: round((v + 1) * 127.5)."""
    return ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()


def write_idx_images(path: str, pixels: np.ndarray) -> None:
    """uint8 [N, H, W] or [N, C, H, W] as an IDX image file (3-D for one channel, else 4-D channels last),
    gzipped when the name ends in .gz."""
    if pixels.ndim == 4 and pixels.shape[1] > 1:
        magic, pixels = IDX_IMAGES4_MAGIC, pixels.transpose(0, 2, 3, 1)
    else:
        magic, pixels = IDX_IMAGES_MAGIC, pixels.reshape(pixels.shape[0], *pixels.shape[-2:])
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'wb') as f:
        f.write(struct.pack(f'>{1 + pixels.ndim}I', magic, *pixels.shape))
        f.write(np.ascontiguousarray(pixels, dtype=np.uint8).tobytes())


def write_png_grid(path: str, pixels: np.ndarray, cols: int = 8) -> None:
    """uint8 images, [N, H, W] or [N, C, H, W] with C 1 (grey) or 3 (RGB), as one PNG grid of `cols`
    columns with 2-pixel gaps (zlib only)."""
    if pixels.ndim == 3:
        pixels = pixels[:, None]
    n, c, h, w = pixels.shape
    if c not in (1, 3):
        raise ValueError(f'write_png_grid takes 1 or 3 channels, not {c}')
    pixels = pixels.transpose(0, 2, 3, 1)  # channels last, as PNG rows are
    rows = (n + cols - 1) // cols
    gap = 2
    grid = np.zeros((rows * (h + gap) + gap, cols * (w + gap) + gap, c), dtype=np.uint8)
    for k in range(n):
        r, q = divmod(k, cols)
        grid[gap + r * (h + gap):gap + r * (h + gap) + h, gap + q * (w + gap):gap + q * (w + gap) + w] = pixels[k]
    raw = b''.join(b'\x00' + grid[y].tobytes() for y in range(grid.shape[0]))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))

    colour_type = 0 if c == 1 else 2  # greyscale or truecolour, 8 bits a sample
    header = struct.pack('>IIBBBBB', grid.shape[1], grid.shape[0], 8, colour_type, 0, 0, 0)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
