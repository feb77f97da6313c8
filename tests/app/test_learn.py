"""Tests for app/learn.py: the gradient against finite differences and against
the textbook loops, then learning Sobel-x from its outputs on the digits, then
every ValueError path.

The loss is quadratic in the kernel, so central differences are exact up to
rounding: they make a tight, independent check of the gradient. The loop
reference below pads and convolves pixel by pixel (no np.pad, nothing from
app/) and adds up the gradient one output position at a time, which is the
weight-sharing fact written out.
"""
import re

import numpy as np
import pytest

from app.learn import DEFAULT_MOMENTUM, Trainer, initial_kernel, kernel_gradient
from builder import ROOT
from app.ops import conv2d
from references import SOBEL_X as SOBEL_X_LISTS

IMAGES = ROOT / "images"
SOBEL_X = np.array(SOBEL_X_LISTS, dtype=np.float64)


def load_pgm(name):
    """A plain-text P2 PGM (comments start with '#') as (H, W) floats in [0, 1]."""
    tokens = []
    for line in (IMAGES / name).read_text().splitlines():
        tokens += line.split("#", 1)[0].split()
    assert tokens[0] == "P2"
    width, height, maxval = int(tokens[1]), int(tokens[2]), int(tokens[3])
    return np.array(tokens[4:4 + width * height], dtype=np.float64).reshape(height, width) / maxval


DIGITS = [load_pgm(f"digit{d}.pgm") for d in (3, 7, 0)]


# --------------------------------------------------------------------------
# Independent reference: loops over pixels, nothing from app/
# --------------------------------------------------------------------------

def ref_pads(k, padding, dilation):
    if padding == "valid":
        return 0, 0
    if padding == "same":  # PyTorch: total d(k-1), the odd pixel after
        total = dilation * (k - 1)
        return total // 2, total - total // 2
    return padding, padding


def ref_source(i, n, mode):
    """The input index a padded index i reads (i may be out of range), or None for a zero."""
    if 0 <= i < n:
        return i
    return {"zeros": None, "reflect": -i if i < 0 else 2 * (n - 1) - i,
            "replicate": min(max(i, 0), n - 1), "circular": i % n}[mode]


def ref_padded(image, before, after, mode):
    h, w = image.shape
    out = np.zeros((h + before + after, w + before + after))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            sr, sc = ref_source(r - before, h, mode), ref_source(c - before, w, mode)
            if sr is not None and sc is not None:
                out[r, c] = image[sr, sc]
    return out


def ref_loss_and_grad(images, kernel, targets, stride=1, padding=0, dilation=1, mode="zeros"):
    """Loss and gradient by loops: every output position adds its own share to every weight."""
    k = kernel.shape[0]
    before, after = ref_pads(k, padding, dilation)
    cells = sum(t.size for t in targets)
    loss, grad = 0.0, np.zeros((k, k))
    for image, target in zip(images, targets):
        x = ref_padded(image, before, after, mode)
        for i in range(target.shape[0]):
            for j in range(target.shape[1]):
                out = sum(kernel[m, n] * x[i * stride + m * dilation, j * stride + n * dilation]
                          for m in range(k) for n in range(k))
                residual = out - target[i, j]
                loss += residual ** 2 / cells
                # The same weight (m, n) is used at this position too: its gradient gets this share.
                for m in range(k):
                    for n in range(k):
                        grad[m, n] += 2 * residual * x[i * stride + m * dilation, j * stride + n * dilation] / cells
    return loss, grad


def finite_differences(images, kernel, targets, eps=1e-6, **settings):
    fd = np.zeros_like(kernel)
    for m in range(kernel.shape[0]):
        for n in range(kernel.shape[1]):
            plus, minus = kernel.copy(), kernel.copy()
            plus[m, n] += eps
            minus[m, n] -= eps
            fd[m, n] = (kernel_gradient(images, plus, targets, **settings)[0]
                        - kernel_gradient(images, minus, targets, **settings)[0]) / (2 * eps)
    return fd


# (kernel size, stride, padding, dilation, padding mode, image sizes)
CASES = [
    (3, 1, 0, 1, "zeros", [(7, 8), (5, 5), (9, 6)]),
    (3, 2, 1, 1, "reflect", [(8, 8), (6, 9)]),
    (3, 3, 2, 1, "replicate", [(10, 7), (5, 6), (8, 8)]),
    (2, 1, "same", 2, "circular", [(6, 7), (5, 5)]),
    (4, 1, "same", 1, "zeros", [(7, 7), (6, 9)]),
    (3, 1, "valid", 2, "zeros", [(9, 9), (7, 10)]),
    (5, 2, 2, 2, "circular", [(9, 11), (10, 10)]),
    (3, 3, 0, 2, "replicate", [(11, 9)]),
    (1, 2, 1, 1, "reflect", [(4, 5), (3, 3)]),
]


def make_case(case, seed):
    k, stride, padding, dilation, mode, sizes = case
    rng = np.random.default_rng(seed)
    settings = dict(stride=stride, padding=padding, dilation=dilation, padding_mode=mode)
    images = [rng.random(size) for size in sizes]
    kernel = rng.normal(size=(k, k))
    outputs = [conv2d(im, rng.normal(size=(k, k)), **settings) for im in images]
    targets = [out + rng.normal(size=out.shape) for out in outputs]  # no kernel fits them exactly
    return images, kernel, targets, settings


# --------------------------------------------------------------------------
# kernel_gradient
# --------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=lambda c: f"k{c[0]}-s{c[1]}-p{c[2]}-d{c[3]}-{c[4]}")
def test_gradient_matches_central_differences(case):
    images, kernel, targets, settings = make_case(case, seed=len(str(case)))
    loss, grad = kernel_gradient(images, kernel, targets, **settings)
    fd = finite_differences(images, kernel, targets, **settings)
    assert isinstance(loss, float) and grad.shape == kernel.shape and grad.dtype == np.float64
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-6 * np.abs(fd).max())


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"k{c[0]}-s{c[1]}-p{c[2]}-d{c[3]}-{c[4]}")
def test_gradient_is_the_sum_over_positions(case):
    """Weight sharing: each weight's gradient adds up a share from every output position."""
    images, kernel, targets, settings = make_case(case, seed=1)
    loss, grad = kernel_gradient(images, kernel, targets, **settings)
    ref_loss, ref_grad = ref_loss_and_grad(images, kernel, targets, settings["stride"], settings["padding"],
                                           settings["dilation"], settings["padding_mode"])
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-12)


def test_one_wrong_pixel_gives_the_window_under_it():
    """If only output (i, j) is wrong, by r, every weight's gradient is 2r/N times the pixel it saw there."""
    rng = np.random.default_rng(5)
    image, kernel = rng.random((8, 9)), rng.normal(size=(3, 3))
    target = conv2d(image, kernel)
    target[2, 4] -= 0.5  # the output there is now 0.5 too big
    _, grad = kernel_gradient([image], kernel, [target])
    np.testing.assert_allclose(grad, 2 * 0.5 / target.size * image[2:5, 4:7], rtol=1e-12)


def test_hand_checked_ones_image_and_1x1_kernel():
    # Output = w everywhere: loss (w - c)², gradient 2(w - c).
    loss, grad = kernel_gradient([np.ones((4, 5))], [[3.0]], [np.ones((4, 5))])
    assert loss == 4.0 and grad.tolist() == [[4.0]]
    # Zero padding 1 on a 2×2 image: 4 of the 16 outputs are 3, the rest 0; targets 0.
    # loss = 4 * 9 / 16; grad = 2/16 * (4 * 3 * 1).
    loss, grad = kernel_gradient([np.ones((2, 2))], [[3.0]], [np.zeros((4, 4))], padding=1)
    assert loss == 2.25 and grad.tolist() == [[1.5]]


@pytest.mark.parametrize("case", CASES[:5], ids=lambda c: f"k{c[0]}-s{c[1]}-p{c[2]}-d{c[3]}-{c[4]}")
def test_zero_loss_and_gradient_at_the_true_kernel(case):
    images, kernel, _, settings = make_case(case, seed=2)
    targets = [conv2d(im, kernel, **settings) for im in images]
    loss, grad = kernel_gradient(images, kernel, targets, **settings)
    assert loss == 0.0 and not np.any(grad)


def test_stacked_array_equals_list():
    rng = np.random.default_rng(3)
    stack, kernel = rng.random((3, 6, 7)), rng.normal(size=(3, 3))
    targets = rng.random((3, 4, 5))
    a = kernel_gradient(stack, kernel, targets)
    b = kernel_gradient(list(stack), kernel, list(targets))
    assert a[0] == b[0] and np.array_equal(a[1], b[1])


def test_loss_is_averaged_over_all_cells_of_all_images():
    # 1×1 kernel 0: the loss is the mean of the squared targets, pooled over both images.
    targets = [np.full((2, 2), 1.0), np.full((1, 4), 3.0)]
    loss, _ = kernel_gradient([np.ones((2, 2)), np.ones((1, 4))], [[0.0]], targets)
    assert loss == (4 * 1 + 4 * 9) / 8


# --------------------------------------------------------------------------
# Trainer: learning Sobel-x from its outputs on the digits
# --------------------------------------------------------------------------

def learn(images, true, start, tolerance=1e-3, limit=2000, **options):
    """Run a Trainer until every weight is within tolerance; returns (steps, losses, trainer)."""
    settings = {k: v for k, v in options.items() if k in ("stride", "padding", "dilation", "padding_mode")}
    trainer = Trainer(images, [conv2d(im, true, **settings) for im in images], start, **options)
    losses = []
    while np.max(np.abs(trainer.kernel - true)) >= tolerance and trainer.steps < limit:
        losses += trainer.step()
    return trainer.steps, losses, trainer


# (images, start, most steps allowed): measured 106, 175, 71, 133, 150, 237 steps
SOBEL_RUNS = [
    (DIGITS, "zeros", 130),
    (DIGITS, "random", 200),
    (DIGITS[:1], "zeros", 90),
    (DIGITS[1:2], "zeros", 160),
    (DIGITS[2:], "zeros", 180),
    (DIGITS[1:2], "random", 260),
]


@pytest.mark.parametrize("images, start, bound", SOBEL_RUNS,
                         ids=[f"{len(i)}img-{s}-{b}" for i, s, b in SOBEL_RUNS])
def test_learns_sobel_x_from_the_digits(images, start, bound):
    steps, losses, trainer = learn(images, SOBEL_X, initial_kernel(3, start))
    assert steps <= bound
    np.testing.assert_allclose(trainer.kernel, SOBEL_X, atol=1e-3)
    # The reported loss never rises (a momentum overshoot is undone on the next step).
    assert all(b <= a for a, b in zip(losses, losses[1:]))
    assert losses[-1] < 1e-6 * losses[0]


@pytest.mark.parametrize("options", [dict(padding="same"), dict(stride=2), dict(dilation=2),
                                     dict(padding=2, padding_mode="circular")])
def test_learns_sobel_x_with_other_settings(options):
    steps, losses, trainer = learn(DIGITS, SOBEL_X, initial_kernel(3, "random"), **options)
    assert steps <= 200
    assert all(b <= a for a, b in zip(losses, losses[1:]))


def test_learns_a_random_5x5_kernel():
    true = np.random.default_rng(0).normal(size=(5, 5))
    steps, losses, _ = learn(DIGITS, true, initial_kernel(5), limit=800)
    assert steps <= 650  # measured 572: a 5×5 on blurred digits is a narrower valley than 3×3
    assert all(b <= a for a, b in zip(losses, losses[1:]))


def test_momentum_is_what_makes_it_fast():
    """Plain gradient descent with the same lr goes downhill every step but is far slower (~2000 steps)."""
    steps, losses, _ = learn(DIGITS, SOBEL_X, initial_kernel(3), momentum=0, limit=400)
    assert steps == 400 and all(b < a for a, b in zip(losses, losses[1:]))


def test_default_lr_never_overshoots():
    """lr <= 1 / (largest eigenvalue of the loss's Hessian), computed here from explicit patches."""
    for images in (DIGITS, DIGITS[:1], [np.ones((6, 6))], [np.random.default_rng(0).random((9, 9))]):
        for k in (3, 5):
            patches = np.array([im[i:i + k, j:j + k].ravel() for im in images
                                for i in range(im.shape[0] - k + 1) for j in range(im.shape[1] - k + 1)])
            hessian = 2 * patches.T @ patches / len(patches)
            targets = [np.zeros((im.shape[0] - k + 1, im.shape[1] - k + 1)) for im in images]
            lr = Trainer(images, targets, np.zeros((k, k))).lr
            assert lr * np.linalg.eigvalsh(hessian).max() <= 1 + 1e-12
            assert lr * np.trace(hessian) == pytest.approx(1)


def test_trainer_state():
    targets = [conv2d(im, SOBEL_X) for im in DIGITS]
    start = initial_kernel(3, "random")
    trainer = Trainer(DIGITS, targets, start)
    assert trainer.steps == 0 and trainer.momentum == DEFAULT_MOMENTUM
    assert trainer.step(0) == []
    first = trainer.step()
    assert first == [kernel_gradient(DIGITS, start, targets)[0]]
    assert len(trainer.step(4)) == 4 and trainer.steps == 5
    assert trainer.loss == kernel_gradient(DIGITS, trainer.kernel, targets)[0]
    # The kernel is a copy both ways: neither the caller's start nor the returned array moves the trainer.
    kernel = trainer.kernel
    kernel[:] = 99
    assert not np.any(trainer.kernel == 99)
    assert np.array_equal(start, initial_kernel(3, "random"))
    assert trainer.kernel.shape == (3, 3) and trainer.kernel.dtype == np.float64


def test_blank_images_do_not_break_the_default_lr():
    trainer = Trainer([np.zeros((5, 5))], [np.ones((3, 3))], np.zeros((3, 3)))
    assert trainer.step(3) == [1.0, 1.0, 1.0] and not np.any(trainer.kernel)


def test_too_large_lr_is_reported_in_words():
    trainer = Trainer(DIGITS[:1], [conv2d(DIGITS[0], SOBEL_X)], np.zeros((3, 3)), lr=20.0, momentum=0)
    with pytest.raises(ValueError, match="the loss grew without bound: the learning rate is too large"):
        trainer.step(2000)


def test_initial_kernel():
    assert np.array_equal(initial_kernel(4), np.zeros((4, 4)))
    a, b = initial_kernel(5, "random"), initial_kernel(5, "random", seed=0)
    assert a.shape == (5, 5) and a.dtype == np.float64 and np.array_equal(a, b)
    assert not np.array_equal(a, initial_kernel(5, "random", seed=1))
    assert 0 < np.abs(a).max() < 0.5  # small: about 0.1 × a standard normal


# --------------------------------------------------------------------------
# Readable errors
# --------------------------------------------------------------------------

def test_target_shape_error_names_both_shapes():
    images = [np.zeros((24, 24)), np.zeros((22, 22))]
    targets = [np.zeros((24, 24)), np.zeros((20, 20))]
    with pytest.raises(ValueError, match="^target 2 is 20×20 but the kernel's output on image 2 is 22×22$"):
        kernel_gradient(images, np.zeros((3, 3)), targets, padding=1)


@pytest.mark.parametrize("call, message", [
    (lambda: kernel_gradient([np.zeros((5, 5))] * 2, np.zeros((3, 3)), [np.zeros((3, 3))]),
     "there are 2 images but 1 targets; give one target per image"),
    (lambda: kernel_gradient([], np.zeros((3, 3)), []), "give at least one image"),
    (lambda: kernel_gradient(np.zeros((0, 5, 5)), np.zeros((3, 3)), np.zeros((0, 3, 3))), "give at least one image"),
    (lambda: kernel_gradient([np.zeros((5, 5))], np.zeros((3, 3)), [np.full((3, 3), np.nan)]),
     "target 1 holds a value that is not a finite number"),
    (lambda: kernel_gradient([np.zeros((5, 5)), [[1.0, np.inf]]], np.zeros((1, 1)), [np.zeros((5, 5))] * 2),
     "image 2 holds a value that is not a finite number"),
    (lambda: kernel_gradient(np.zeros((5, 5)), np.zeros((3, 3)), np.zeros((3, 3))),
     "give a list of images (or an (N, H, W) array), not a single image; put it in a list"),
    (lambda: kernel_gradient([np.zeros(5)], np.zeros((3, 3)), [np.zeros((3, 3))]),
     "image 1 must be a non-empty 2-D grid of numbers, got shape (5,)"),
    (lambda: kernel_gradient([np.zeros((5, 5))], np.zeros((3, 2)), [np.zeros((3, 3))]),
     "the kernel must be square, got 3×2"),
    (lambda: kernel_gradient([np.zeros((5, 5))], np.zeros((7, 7)), [np.zeros((3, 3))]),
     "kernel 7×7 does not fit a 5×5 input without padding"),
    (lambda: kernel_gradient([np.zeros((5, 5))], np.zeros((3, 3)), [np.zeros((3, 3))], stride=2, padding="same"),
     "padding 'same' keeps the size only at stride 1"),
    (lambda: kernel_gradient([np.zeros((5, 5))], np.zeros((3, 3)), [np.zeros((3, 3))], padding_mode="mirror"),
     "padding mode must be one of"),
    (lambda: Trainer([np.zeros((5, 5))], [np.zeros((3, 3))], np.zeros((3, 3)), lr=0),
     "the learning rate must be a positive number, not 0"),
    (lambda: Trainer([np.zeros((5, 5))], [np.zeros((3, 3))], np.zeros((3, 3)), lr="fast"),
     "the learning rate must be a positive number, not 'fast'"),
    (lambda: Trainer([np.zeros((5, 5))], [np.zeros((3, 3))], np.zeros((3, 3)), momentum=1),
     "momentum must be a number from 0 up to (not including) 1, not 1"),
    (lambda: Trainer([np.zeros((5, 5))], [np.zeros((4, 4))], np.zeros((3, 3))),
     "target 1 is 4×4 but the kernel's output on image 1 is 3×3"),
    (lambda: Trainer([np.zeros((5, 5))], [np.zeros((3, 3))], np.zeros((3, 3))).step(-1),
     "the number of steps must be at least 0, not -1"),
    (lambda: initial_kernel(3, "ones"), "the starting kernel must be 'zeros' or 'random', not 'ones'"),
    (lambda: initial_kernel(0), "the kernel size must be at least 1, not 0"),
])
def test_readable_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
