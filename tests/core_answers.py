"""What CPython's core (app/) computes for a page's state: every number a page paints is checked against it.

The page receives float32, so the answers are float32 too, and compared exactly.
"""
import numpy as np

from app import network, ops, pipeline
from builder import ROOT
from builder.data import read_pgm
from builder.digits import mnist_split

DIGITS_MODEL = ROOT / "models" / "digits.json"


def expected_output(s):
    """What CPython's core computes for the page's state, as the page receives it (float32)."""
    out = ops.conv2d(np.array(s["image"]), np.array(s["kernel"]), stride=s["stride"],
                     padding=s["padding"], dilation=s["dilation"], bias=s["bias"])
    return out.astype(np.float32)


def assert_output_matches_core(s):
    np.testing.assert_array_equal(np.array(s["output"], dtype=np.float32), expected_output(s))


def colour_image(name):
    """A built-in colour image as the core reads it: (3, H, W) float32 in [0, 1]."""
    img = read_pgm(ROOT / "images" / f"{name}.ppm")
    return (np.array(img["pixels"], dtype=np.float32) / 255).reshape(3, img["height"], img["width"])


def core_channel_stages(layer, image):
    """[(name, float32 array)] of channels mode's layer (getState().channels) on image (3, H, W)."""
    settings = {k: layer[k] for k in ("stride", "padding", "separable", "filters", "depthwise", "pointwise", "biases")}
    return [(name, a.astype(np.float32)) for name, a in pipeline.run_channels(image, settings)]


def assert_channels_match_core(s, image=None):
    """Channels mode's maps in getState() s equal the core's (on its built-in image unless image is given)."""
    layer = s["channels"]
    image = colour_image(layer["image"]) if image is None else image
    expected = core_channel_stages(layer, image)
    assert [st["name"] for st in s["channelStages"]] == [n for n, _ in expected]
    for st, (name, a) in zip(s["channelStages"], expected):
        np.testing.assert_array_equal(np.array(st["data"], dtype=np.float32), a, err_msg=name)


def cpython_probs(model, image):
    """The ten class probabilities of network.forward on one image (H, W)."""
    return network.probabilities(network.forward(model, np.array(image, dtype=np.float32)[None]))[0]


def heldout_digits():
    """The 2,000 held-out digits as the page has them: (images (2000, 24, 24) float32, labels (2000,))."""
    _, held = mnist_split()
    return np.array([x for _, x in held], dtype=np.float32).reshape(-1, 24, 24), np.array([d for d, _ in held])
