"""Learning a kernel by gradient descent, in NumPy only.

Nobody hand-picks a CNN's filters: they start as zeros or noise and gradient
descent moves them until the layer's outputs match what is wanted. Here one
kernel (bias 0) learns to reproduce target feature maps, with the loss

    loss = mean over every output cell of every image of (conv2d(image) - target)²

Because one kernel slides over the whole image (weights are shared), the
gradient of each weight sums a contribution from every position it touched:

    dloss/dkernel[m, n] = 2/N * sum_images sum_(i, j) residual[i, j] * padded[i*s + m*d, j*s + n*d]

N is the number of output cells over all images; residual = output - target.
Images are (H, W) grids of pixel values (in [0, 1] for the built-in ones);
every invalid argument raises ValueError with a sentence a learner can read.
"""
import numpy as np

from . import ops

# Heavy-ball momentum. The pixels of a (blurred) digit are strongly correlated,
# so the loss is a long narrow valley (Hessian condition number ~500 for 3×3 on
# the digits, ~2000 for 5×5). Plain gradient descent needs ~1200-3000+ steps to
# learn Sobel-x to 1e-3 there; momentum 0.97 needs ~70-180 (≲ 550 for a random
# 5×5 kernel); 0.9 and 0.95 are slower, especially for 5×5.
DEFAULT_MOMENTUM = 0.97


def _image_list(name, images):
    """images: a sequence of (H, W) arrays or one (N, H, W) array -> list of float64 (H, W)."""
    if isinstance(images, np.ndarray) and images.ndim == 2:
        raise ValueError(f"give a list of {name}s (or an (N, H, W) array), not a single {name}; "
                         f"put it in a list")
    items = list(images)
    if not items:
        raise ValueError(f"give at least one {name}")
    return [ops._as_2d(f"{name} {i + 1}", a) for i, a in enumerate(items)]


def _taps(padded, out_shape, k, stride, dilation):
    """(m, n, the slice of padded that kernel tap (m, n) multiplies), as in ops.conv2d."""
    row_end = (out_shape[0] - 1) * stride + 1
    col_end = (out_shape[1] - 1) * stride + 1
    for m in range(k):
        for n in range(k):
            r, c = m * dilation, n * dilation
            yield m, n, padded[r:r + row_end:stride, c:c + col_end:stride]


class _Problem:
    """Validated images and targets, with each image padded once for the gradient's windows.

    Images and targets are numbered from 1 in messages, as a learner counts.
    """

    def __init__(self, images, targets, k, settings):
        self.images = _image_list("image", images)
        self.targets = _image_list("target", targets)
        if len(self.images) != len(self.targets):
            raise ValueError(f"there are {len(self.images)} images but {len(self.targets)} targets; "
                             f"give one target per image")
        self.k, self.settings = k, settings
        p = ops.pad_amounts(k, stride=settings["stride"], padding=settings["padding"],
                            dilation=settings["dilation"])
        self.padded = [ops.pad(im, (p, p), mode=settings["padding_mode"]) for im in self.images]
        self.cells = 0
        for i, (image, target) in enumerate(zip(self.images, self.targets)):
            out = ops.conv2d(image, np.zeros((k, k)), **settings)  # checks the kernel fits
            if target.shape != out.shape:
                raise ValueError(f"target {i + 1} is {target.shape[0]}×{target.shape[1]} but the "
                                 f"kernel's output on image {i + 1} is {out.shape[0]}×{out.shape[1]}")
            self.cells += out.size

    def loss_and_grad(self, kernel):
        """(loss, grad (K, K)) at kernel (K, K)."""
        # The forward pass is ops.conv2d itself, so the loss judges exactly what the page shows.
        total, grad = 0.0, np.zeros((self.k, self.k))
        s, d = self.settings["stride"], self.settings["dilation"]
        for image, padded, target in zip(self.images, self.padded, self.targets):
            residual = ops.conv2d(image, kernel, **self.settings) - target
            total += np.sum(residual * residual)
            for m, n, window in _taps(padded, residual.shape, self.k, s, d):
                grad[m, n] += np.sum(residual * window)
        return total / self.cells, grad * (2.0 / self.cells)

    def curvature(self):
        """Trace of the loss's Hessian, 2/N * sum of every tap's squared window: >= its largest eigenvalue."""
        s, d = self.settings["stride"], self.settings["dilation"]
        total = 0.0
        for padded, target in zip(self.padded, self.targets):
            total += sum(np.sum(w * w) for _, _, w in _taps(padded, target.shape, self.k, s, d))
        return 2.0 * total / self.cells


def _square_kernel(kernel):
    kernel = ops._as_2d("the kernel", kernel)
    if kernel.shape[0] != kernel.shape[1]:
        raise ValueError(f"the kernel must be square, got {kernel.shape[0]}×{kernel.shape[1]}")
    return kernel


def kernel_gradient(images, kernel, targets, *, stride=1, padding=0, dilation=1, padding_mode="zeros"):
    """Mean squared error of conv2d(image, kernel) against targets, and its gradient.

    images: a sequence of (H, W) arrays (sizes may differ) or one (N, H, W) array.
    kernel: (K, K). targets: like images, each the shape of its image's output.
    Convolution settings are those of ops.conv2d, with bias 0.
    Returns (loss, grad): loss a float (squared pixel units), grad (K, K) float64.
    """
    kernel = _square_kernel(kernel)
    settings = dict(stride=stride, padding=padding, dilation=dilation, padding_mode=padding_mode)
    loss, grad = _Problem(images, targets, kernel.shape[0], settings).loss_and_grad(kernel)
    return float(loss), grad


class Trainer:
    """Gradient descent with momentum on one kernel, step by step.

    lr: learning rate; None picks 1 / (trace of the loss's Hessian). The trace
    is the sum of the Hessian's eigenvalues, so this lr is at most 1 / (largest
    eigenvalue): a plain step never overshoots, whatever the pixel scale or
    kernel size (for pixels in [0, 1] and K×K kernels, trace ≈ 2 K² mean(x²)).
    momentum: 0 is plain gradient descent; default DEFAULT_MOMENTUM.
    If a step with momentum raised the loss, the next step goes back to where
    it started and drops the velocity (a "restart"), so the losses that step()
    reports never rise. A too-large lr can still diverge: that lesson is real.
    """

    def __init__(self, images, targets, kernel, *, lr=None, stride=1, padding=0, dilation=1,
                 padding_mode="zeros", momentum=DEFAULT_MOMENTUM):
        kernel = _square_kernel(kernel)
        settings = dict(stride=stride, padding=padding, dilation=dilation, padding_mode=padding_mode)
        self._problem = _Problem(images, targets, kernel.shape[0], settings)
        if lr is None:
            curvature = self._problem.curvature()
            lr = 1.0 / curvature if curvature > 0 else 1.0  # blank images: nothing moves anyway
        elif isinstance(lr, bool) or not isinstance(lr, (int, float, np.number)) or not 0 < lr < np.inf:
            raise ValueError(f"the learning rate must be a positive number, not {lr!r}")
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.number)) \
                or not 0 <= momentum < 1:
            raise ValueError(f"momentum must be a number from 0 up to (not including) 1, not {momentum!r}")
        self.lr, self.momentum = float(lr), float(momentum)
        self._kernel = kernel.copy()
        self._velocity = np.zeros_like(kernel)
        self._start = None  # (kernel, loss, grad) where the last step began, to go back to
        self._coasted = False  # whether the last step carried momentum (only those are undone)
        self.steps = 0

    @property
    def kernel(self):
        """The current kernel, (K, K) float64; a copy."""
        return self._kernel.copy()

    @property
    def loss(self):
        """The loss at the current kernel (a float)."""
        return float(self._problem.loss_and_grad(self._kernel)[0])

    def step(self, n=1):
        """Take n steps; returns the loss before each, as a list of n floats."""
        n = ops._check_int("the number of steps", n, 0)
        losses = []
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, in words
            for _ in range(n):
                losses.append(self._step())
        return losses

    def _step(self):
        """One step; returns the loss where it began."""
        loss, grad = self._problem.loss_and_grad(self._kernel)
        if not np.isfinite(loss):
            raise ValueError("the loss grew without bound: the learning rate is too large")
        if self._coasted and loss > self._start[1]:
            self._kernel, loss, grad = self._start  # momentum overshot: go back, restart from rest
            self._velocity = np.zeros_like(grad)
        self._start = (self._kernel, loss, grad)
        self._coasted = self.momentum > 0 and bool(np.any(self._velocity))
        self._velocity = self.momentum * self._velocity - self.lr * grad
        self._kernel = self._kernel + self._velocity  # a new array: _start keeps the old one
        self.steps += 1
        return float(loss)


def initial_kernel(size, how="zeros", seed=0):
    """A (size, size) float64 starting kernel: all zeros, or small seeded noise (normal × 0.1)."""
    size = ops._check_int("the kernel size", size, 1)
    if how == "zeros":
        return np.zeros((size, size))
    if how == "random":
        return np.random.default_rng(seed).normal(size=(size, size)) * 0.1
    raise ValueError(f"the starting kernel must be 'zeros' or 'random', not {how!r}")
