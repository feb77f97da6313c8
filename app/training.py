"""Training a network from fresh random weights in NumPy: mini-batches, Adam or SGD, cross-entropy.

The same architecture, data and seed give the same weights step for step (one NumPy
generator draws the weights and the batches). Three classic bugs can be switched on, each
a run that differs from the correct one in exactly one way:

    double-softmax  the logits go through a softmax before the cross-entropy (which has its own):
                    the loss can only fall from log(10) ≈ 2.30 to about 1.46, and its gradient is small
    unnormalised    the pixels are given as 0–255 instead of 0–1: the first layer's gradient is 255×
                    larger, and the steps that suit normalised inputs throw the weights about
    nhwc            trained correctly, but read back with every convolution weight in the wrong axis order
                    (a Keras kernel (K, K, Cin, Cout) taken as PyTorch's (Cout, Cin, K, K)): the
                    features are scrambled and the answers near chance

The gradients are app.network's; this module adds the starting weights, the optimisers and the schedule.
"""
import time

import numpy as np

from . import network

OPTIMIZERS = ("adam", "sgd")
BUGS = ("double-softmax", "unnormalised", "nhwc")
DEFAULTS = {"optimizer": "adam", "lr": 0.003, "batch": 8, "epochs": 2, "seed": 0, "bug": None}
LIMITS = {"lr": (1e-5, 1.0), "batch": (1, 256), "epochs": (1, 20), "seed": (0, 2 ** 31 - 1)}
MEASURE_EVERY = 250  # steps between two held-out measurements (and one before the first step, one after the last)


def check_config(config):
    """{optimizer, lr, batch, epochs, seed, bug} (missing keys take DEFAULTS) → the checked config;
    ValueError with one sentence otherwise."""
    if not isinstance(config, dict):
        raise ValueError("the training settings must be an object")
    c = {**DEFAULTS, **config}
    unknown = sorted(set(c) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"the training settings have no {unknown[0]!r}; they are {', '.join(DEFAULTS)}")
    if c["optimizer"] not in OPTIMIZERS:
        raise ValueError(f"the optimiser must be adam or sgd, not {c['optimizer']!r}")
    if c["bug"] is not None and c["bug"] not in BUGS:
        raise ValueError(f"the bug must be one of {', '.join(BUGS)} or none, not {c['bug']!r}")
    for key, (low, high) in LIMITS.items():
        value = c[key]
        whole = key != "lr"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and value != int(value)) \
                or not low <= value <= high:
            kind = "a whole number" if whole else "a number"
            raise ValueError(f"{key} must be {kind} from {low:g} to {high:g}, not {value!r}")
        c[key] = int(value) if whole else float(value)
    return c


def fresh_arrays(model, rng):
    """New weights for model's architecture, keyed as in its .npz: Kaiming-normal weights (std √(2/fan_in),
    suited to the ReLUs after them; √(1/fan_in) for the last layer, which has none) and zero biases."""
    arrays = {}
    params = [layer for layer in model.layers if "keys" in layer]
    for layer in params:
        w = layer["weight"]
        fan_in = int(np.prod(w.shape[1:]))
        gain = 1.0 if layer is params[-1] else 2.0
        arrays[layer["keys"]["weight"]] = (rng.standard_normal(w.shape) * np.sqrt(gain / fan_in)).astype(np.float32)
        arrays[layer["keys"]["bias"]] = np.zeros(layer["bias"].shape, np.float32)
    return arrays


def bind(model, arrays):
    """Point model's layers at arrays (keyed as in the .npz), so that updating an array updates the model."""
    for layer in model.layers:
        if "keys" in layer:
            layer["weight"], layer["bias"] = arrays[layer["keys"]["weight"]], arrays[layer["keys"]["bias"]]
    return model


def misread(model):
    """A copy of model whose conv weights (Cout, Cin, K, K) were written in Keras's order (K, K, Cin, Cout)
    and read back in PyTorch's: the same numbers, reshaped without transposing."""
    wrong = model.copy()
    for layer in wrong.layers:
        if layer["type"] == "conv2d":
            w = layer["weight"]
            layer["weight"] = np.ascontiguousarray(w.transpose(2, 3, 1, 0)).reshape(w.shape)
    return wrong


class Adam:
    """Adam (Kingma & Ba), as torch.optim.Adam with its defaults; arrays are updated in place."""

    def __init__(self, arrays, betas=(0.9, 0.999), eps=1e-8):
        self.arrays, self.betas, self.eps, self.t = arrays, betas, eps, 0
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


class SGD:
    """SGD with momentum 0.9, as torch.optim.SGD(momentum=0.9); arrays are updated in place."""

    def __init__(self, arrays, momentum=0.9):
        self.arrays, self.momentum = arrays, momentum
        self.velocity = {k: np.zeros_like(v) for k, v in arrays.items()}

    def step(self, grads, lr):
        for k, g in grads.items():
            self.velocity[k] = self.momentum * self.velocity[k] + g
            self.arrays[k] -= (lr * self.velocity[k]).astype(np.float32)


class Trainer:
    """One training run of model's architecture (its weights are not touched) on images (N, H, W) or
    (N, C, H, W) in [0, 1] with labels (N,), from fresh weights drawn with config's seed.

    step() runs one mini-batch; the step size follows a cosine from lr down to 0 over the planned
    epochs, and the run is done after them. losses (one per step), first_layer_grad (the norm of the
    first layer's weight gradient, one per step) and accuracy ([(step, held-out accuracy)]) are kept.
    """

    def __init__(self, model, images, labels, config=None):
        self.config = check_config(config or {})
        self.rng = np.random.default_rng(self.config["seed"])
        self.arrays = fresh_arrays(model, self.rng)
        self.model = bind(model.copy(), self.arrays)
        self.x = network.as_batch(model, images)
        self.labels = np.asarray(labels)
        self.optimizer = (Adam if self.config["optimizer"] == "adam" else SGD)(self.arrays)
        self.steps_per_epoch = -(-len(self.x) // self.config["batch"])
        self.total = self.config["epochs"] * self.steps_per_epoch
        self.step_count, self.order = 0, None
        self.measuring = None  # [step, right so far, next image]: a held-out measurement under way
        self.losses, self.first_layer_grad, self.accuracy = [], [], []
        self.first_key = next(layer["keys"]["weight"] for layer in self.model.layers if "keys" in layer)

    @property
    def done(self):
        return self.step_count >= self.total

    @property
    def epoch(self):
        """The epoch under way, counted from 1 (the last one once done)."""
        return min(self.step_count // self.steps_per_epoch + 1, self.config["epochs"])

    def scale(self):
        """What the pixels are multiplied by before the network sees them: 255 for the unnormalised bug."""
        return np.float32(255 if self.config["bug"] == "unnormalised" else 1)

    def step(self):
        """One mini-batch: returns its loss (as the run reports it: with the bug, for a buggy run)."""
        if self.done:
            raise ValueError("this training run has finished; reset it to train again")
        b = self.step_count % self.steps_per_epoch
        if b == 0:
            self.order = self.rng.permutation(len(self.x))
        rows = self.order[b * self.config["batch"]:(b + 1) * self.config["batch"]]
        x, y = self.x[rows] * self.scale(), self.labels[rows]
        loss, grads = self.loss_and_grads(x, y)
        lr = self.config["lr"] * 0.5 * (1 + np.cos(np.pi * self.step_count / self.total))
        self.optimizer.step(grads, lr)
        self.step_count += 1
        self.losses.append(loss)
        self.first_layer_grad.append(float(np.linalg.norm(grads[self.first_key])))
        return loss

    def loss_and_grads(self, x, y):
        bug = self.config["bug"]
        if bug != "double-softmax":
            loss, grads = network.gradients(self.model, x, y)
            if bug == "nhwc":  # the weights train correctly; the network built from them reads them wrongly
                loss = network.cross_entropy(network.forward(misread(self.model), x), y)[0]
            return loss, grads
        acts = network.layer_inputs(self.model, x, len(self.model.layers))
        probs = network.probabilities(network.apply(self.model.layers[-1], acts[-1]))
        loss, grad = network.cross_entropy(probs, y)  # the second softmax is the cross-entropy's own
        grad = probs * (grad - (grad * probs).sum(axis=1, keepdims=True))  # back through the first one
        grads = {}
        network.backward(self.model, acts, grad, grads=grads, need_input=False)
        return loss, grads

    def result(self):
        """The network as it would be used: the trained model, read wrongly for the nhwc bug."""
        return misread(self.model) if self.config["bug"] == "nhwc" else self.model

    def measure_due(self):
        """True when the held-out accuracy at this step is still to be measured."""
        due = self.step_count % MEASURE_EVERY == 0 or self.done
        return due and not (self.accuracy and self.accuracy[-1][0] == self.step_count)

    def measure(self, images, labels, budget_s=0.03, chunk=250):
        """evaluate(), a part of chunk images at a time for about budget_s seconds, so that a learner's
        edit need not wait for all of them: True once the accuracy at this step is in self.accuracy."""
        started = time.perf_counter()
        if self.measuring is None or self.measuring[0] != self.step_count:
            self.measuring = [self.step_count, 0, 0]
        model, x = self.result(), network.as_batch(self.model, images)
        while True:
            _, right, start = self.measuring
            rows = slice(start, start + chunk)
            answers = network.forward(model, x[rows] * self.scale()).argmax(1)
            self.measuring[1:] = [right + int(np.sum(answers == np.asarray(labels)[rows])), rows.stop]
            if rows.stop >= len(x):
                self.accuracy.append((self.step_count, self.measuring[1] / len(x)))
                self.measuring = None
                return True
            if time.perf_counter() - started >= budget_s:
                return False

    def evaluate(self, images, labels):
        """Held-out accuracy of result() on images given as this run gives them (×255 for unnormalised);
        appended to self.accuracy with the step it was measured at."""
        self.measuring = None
        self.measure(images, labels, budget_s=float("inf"))
        return self.accuracy[-1][1]
