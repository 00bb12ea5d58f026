"""The training step of `identity-crisis bench`, in PyTorch on the CPU, for `cargo xtask bench`.

Reads the benchmark's configurations (the JSON that `identity-crisis bench --json` prints:
each network's architecture and training configuration) on standard input, builds the same
networks (ConvNets of "same"-padded, stride-1 convolutions with biases and ReLU between;
fully connected networks on flattened images, biases except on linear ones), trains each on
one 28 x 28 image with the same optimiser, learning rate and mean squared error, and prints
JSON: milliseconds per step after 5 warm-up steps, over at least `--steps` steps and at least
`--min-ms` milliseconds, the loss read every 5 steps as the Rust benchmark reads it.
"""

import argparse
import json
import sys
import time

import torch
from torch import nn

SIDE = 28
WARMUP = 5
LOSS_EVERY = 5


def network(arch):
    """The network of an `ArchConfig` (serde's JSON of it)."""
    kind = arch["arch"]
    if kind == "conv":
        widths = [1] + [arch["channels"]] * (arch["depth"] - 1) + [1]
        layers = []
        for i in range(arch["depth"]):
            layers.append(nn.Conv2d(widths[i], widths[i + 1], arch["kernel"], padding="same"))
            if i < arch["depth"] - 1:
                layers.append(nn.ReLU())
        return nn.Sequential(*layers)
    relu = kind == "relu"
    widths = [SIDE * SIDE] + list(arch["hidden"]) + [SIDE * SIDE]
    layers = [nn.Flatten()]
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1], bias=relu))
        if relu and i < len(widths) - 2:
            layers.append(nn.ReLU())
    layers.append(nn.Unflatten(1, (1, SIDE, SIDE)))
    return nn.Sequential(*layers)


def optimizer(train, params):
    """The optimiser of a `TrainConfig` (burn's Adam epsilon, PyTorch-style momentum)."""
    opt = train["optimizer"]
    if opt["name"] == "sgd":
        return torch.optim.SGD(params, lr=train["learning_rate"], momentum=opt["momentum"])
    return torch.optim.Adam(params, lr=train["learning_rate"], eps=1e-5)


def ms_per_step(arch, train, steps, min_ms):
    """Milliseconds per training step of `arch` on one image and the steps timed: after
    WARMUP steps, at least `steps` steps and at least `min_ms` milliseconds, in whole groups of
    LOSS_EVERY (the loss read at the end of each), as the Rust benchmark times them."""
    torch.manual_seed(train["seed"])
    net = network(arch)
    opt = optimizer(train, net.parameters())
    image = torch.rand(1, 1, SIDE, SIDE)

    def step(i):
        opt.zero_grad(set_to_none=True)
        loss = ((net(image) - image) ** 2).mean()
        loss.backward()
        opt.step()
        if (i + 1) % LOSS_EVERY == 0:
            loss.item()

    for i in range(WARMUP):
        step(i)
    started = time.perf_counter()
    timed = 0
    while True:
        step(timed)
        timed += 1
        elapsed = (time.perf_counter() - started) * 1e3
        if timed % LOSS_EVERY == 0 and timed >= steps and elapsed >= min_ms:
            return elapsed / timed, timed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, required=True, help="intra-op threads")
    parser.add_argument("--steps", type=int, required=True, help="timed steps per network, at least")
    parser.add_argument(
        "--min-ms", type=int, required=True, help="timed milliseconds per network, at least"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    configs = json.load(sys.stdin)["results"]
    results = []
    for c in configs:
        ms, timed = ms_per_step(c["arch"], c["train"], args.steps, args.min_ms)
        results.append(
            {"config": c["config"], "threads": args.threads, "ms_per_step": ms, "steps_timed": timed}
        )
        print(f"{c['config']:<22} torch {args.threads} thread(s) {ms:9.2f} ms/step", file=sys.stderr)
    json.dump({"torch": torch.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
