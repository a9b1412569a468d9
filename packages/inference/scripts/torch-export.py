"""Writes two generators as torch.onnx.export writes them, for the SDK's tests of models made elsewhere:

- fixtures/torch-dcgan.onnx: a tiny DCGAN generator (noise [N,16,1,1] -> ConvTranspose/BatchNorm/ReLU ->
  Tanh -> image [N,1,16,16]) exported with dynamic axes on the batch and the output's height and width,
  so the file says [batch,1,height,width] and carries no GANForge metadata;
- fixtures/torch-mlp.onnx: an MLP generator (z [N,16] -> Linear/LeakyReLU -> Linear -> Tanh) whose
  output is flat, [batch,784], as a 28x28 single-channel image usually is in PyTorch code.

Next to each, <name>.expected.json holds a fixed input and what PyTorch computes from it (eval mode).
Run with Debian's python3-torch and python3-onnx (apt-get install python3-torch python3-onnx):

    /usr/bin/python3 packages/inference/scripts/torch-export.py

The legacy (TorchScript) exporter is used (dynamo=False where the installed torch has that option).
"""

import inspect
import json
import os

import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
LATENT = 16


class DCGAN(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(LATENT, 32, 4, 1, 0, bias=False),  # 4x4
            nn.BatchNorm2d(32),
            nn.ReLU(True),
            nn.ConvTranspose2d(32, 16, 4, 2, 1, bias=False),  # 8x8
            nn.BatchNorm2d(16),
            nn.ReLU(True),
            nn.ConvTranspose2d(16, 1, 4, 2, 1, bias=False),  # 16x16
            nn.Tanh(),
        )

    def forward(self, noise):
        return self.net(noise)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(LATENT, 16), nn.LeakyReLU(0.2), nn.Linear(16, 784), nn.Tanh())

    def forward(self, z):
        return self.net(z)


def export(model, name, example, input_name, output_name, dynamic_axes):
    model.eval()
    path = os.path.join(FIXTURES, f"{name}.onnx")
    kwargs = dict(
        input_names=[input_name],
        output_names=[output_name],
        dynamic_axes=dynamic_axes,
        opset_version=17,
        do_constant_folding=True,
    )
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    torch.onnx.export(model, (example,), path, **kwargs)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    with torch.no_grad():
        out = model(example)
    expected = {
        "made_by": f"torch {torch.__version__}, torch.onnx.export (legacy exporter), opset 17",
        "input": {"name": input_name, "shape": list(example.shape), "values": example.flatten().tolist()},
        "output": {"name": output_name, "shape": list(out.shape), "values": out.flatten().tolist()},
    }
    with open(os.path.join(FIXTURES, f"{name}.expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")
    print(f"{os.path.normpath(path)}: {os.path.getsize(path)} bytes, output {list(out.shape)}")


def main():
    torch.manual_seed(0)
    dcgan = DCGAN()
    # Running statistics other than 0 and 1, as a trained model has, so BatchNorm is not a no-op.
    for m in dcgan.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.8, 1.2)
            m.bias.data.uniform_(-0.1, 0.1)
    g = torch.Generator().manual_seed(1)
    export(
        dcgan,
        "torch-dcgan",
        torch.randn(2, LATENT, 1, 1, generator=g),
        "noise",
        "out",
        {"noise": {0: "batch"}, "out": {0: "batch", 2: "height", 3: "width"}},
    )
    export(
        MLP(),
        "torch-mlp",
        torch.randn(2, LATENT, generator=g),
        "z",
        "img",
        {"z": {0: "batch"}, "img": {0: "batch"}},
    )


if __name__ == "__main__":
    main()
