"""The boundary between the page's web worker and the core.

The worker calls only these functions. They take and return plain values:
JSON strings for settings and metadata, flat float32 arrays for pixels. No
page object is kept here; the image buffer is filled in place (`assign_to`
on a JS typed array in Pyodide, a plain copy for anything array-like in
CPython) so a steady stream of edits allocates nothing for the input.

One Python may serve several explorers at once (every embed on a page shares
one worker), so what an explorer leaves here between calls (its image, its
learning run) is kept per client, a number the worker gives each connection.
"""
import json
from collections import OrderedDict

import numpy as np

from . import pipeline

MAX_CLIENTS = 32  # a page that closes without saying goodbye must not hold its images for ever


class _Client:
    """What one explorer keeps here between calls: its input image and its learning run."""

    def __init__(self):
        self.image = np.zeros((24, 24), dtype=np.float32)  # (H, W) in [0, 1]
        self.trainer = None


_clients = OrderedDict()  # client number -> _Client, least recently used first


def _client(client):
    state = _clients.pop(int(client), None) or _Client()
    _clients[int(client)] = state
    while len(_clients) > MAX_CLIENTS:
        _clients.popitem(last=False)
    return state


def forget(client):
    """Drop what a client kept (its page has gone)."""
    _clients.pop(int(client), None)


def set_image(pixels, height, width, client=0):
    """Store a client's input image: pixels is a flat float32 buffer of height*width values in [0, 1]."""
    state = _client(client)
    height, width = int(height), int(width)
    if state.image.shape != (height, width):
        state.image = np.empty((height, width), dtype=np.float32)
    _fill(state.image.reshape(-1), pixels)


def compute(settings_json, client=0):
    """Run every stage on the client's stored image.

    settings_json: the page's settings as JSON (see pipeline.run).
    Returns (meta_json, data): meta has "stages": [{"name", "shape"}] in the
    order their values follow each other in data, a flat float32 array;
    or, for invalid settings, {"error": "<readable sentence>"} and an empty array.
    """
    try:
        stages = pipeline.run(_client(client).image, json.loads(settings_json))
    except ValueError as e:
        return json.dumps({"error": str(e)}), np.zeros(0, dtype=np.float32)
    return _pack(stages)


def _pack(stages):
    """[(name, array)] → (meta_json with each stage's name and shape, one flat float32 array)."""
    meta = {"stages": [{"name": name, "shape": list(a.shape)} for name, a in stages]}
    data = np.empty(sum(a.size for _, a in stages), dtype=np.float32)
    offset = 0
    for _, a in stages:  # cast straight into the one float32 buffer the page receives
        data[offset:offset + a.size] = a.ravel()
        offset += a.size
    return json.dumps(meta), data


def compute_channels(settings_json, pixels, shape):
    """Channels mode: every stage of a colour layer (see pipeline.run_channels).

    pixels: a flat float32 buffer of shape (Cin, H, W). Returns (meta_json, data) like compute.
    """
    cin, height, width = (int(n) for n in shape)
    image = np.empty(cin * height * width, dtype=np.float32)
    _fill(image, pixels)
    try:
        stages = pipeline.run_channels(image.reshape(cin, height, width), json.loads(settings_json))
    except (ValueError, KeyError, TypeError) as e:  # a malformed layer from the page is a readable error too
        return json.dumps({"error": str(e) if isinstance(e, ValueError) else f"the layer is incomplete ({e})"}), np.zeros(0, dtype=np.float32)
    return _pack(stages)


def decode_image(data, size, color=False):
    """An uploaded file's bytes → (meta_json, (size*size,) float32 pixels in [0, 1]; (3*size*size,) with color).

    data: bytes, or a Pyodide JS buffer (converted with to_bytes). meta is
    {"height", "width"} or {"error": "<readable sentence>"} for a file that
    cannot be used. Pillow is imported here, on first upload, not at start-up.
    """
    from . import images
    if hasattr(data, "to_bytes"):
        data = data.to_bytes()
    try:
        pixels = images.decode(bytes(data), size=int(size), color=bool(color))
    except ValueError as e:
        return json.dumps({"error": str(e)}), np.zeros(0, dtype=np.float32)
    meta = {"height": pixels.shape[-2], "width": pixels.shape[-1], "channels": 3 if color else 1}
    return json.dumps(meta), pixels.astype(np.float32).ravel()


def learn_start(config_json, pixels, shapes, client=0):
    """Start gradient descent: the learner's kernel learns to give the target's outputs.

    config: {"target": K×K kernel whose outputs are the targets, "init": "zeros" |
    "random", "size": K, "lr_scale": multiplier of the safe default step, stride,
    padding, dilation, padding_mode}; pixels: flat float32 buffers, shapes:
    their [height, width]. Returns (meta_json, empty array); meta is {"lr"} or {"error"}.
    """
    from . import learn, ops
    config = json.loads(config_json)
    settings = {key: config.get(key, default) for key, default in
                (("stride", 1), ("padding", 0), ("dilation", 1), ("padding_mode", "zeros"))}
    try:
        images = [_pixels(p, h, w) for p, (h, w) in zip(pixels, shapes)]
        target = np.asarray(config["target"], dtype=np.float64)
        targets = [ops.conv2d(image, target, **settings) for image in images]
        kernel = learn.initial_kernel(int(config.get("size", target.shape[0])), config.get("init", "zeros"),
                                      seed=int(config.get("seed", 0)))
        trainer = learn.Trainer(images, targets, kernel, **settings)
        trainer.lr *= float(config.get("lr_scale", 1.0))
    except ValueError as e:
        return json.dumps({"error": str(e)}), np.zeros(0, dtype=np.float32)
    _client(client).trainer = trainer
    return json.dumps({"lr": trainer.lr}), np.zeros(0, dtype=np.float32)


def learn_steps(steps, client=0):
    """Run steps of the client's run; meta {"losses": before each step, "loss", "step", "kernel"} or {"error"}."""
    trainer = _client(client).trainer
    if trainer is None:
        return json.dumps({"error": "no learning run has been started"}), np.zeros(0, dtype=np.float32)
    try:
        losses = trainer.step(int(steps))
    except ValueError as e:
        return json.dumps({"error": str(e)}), np.zeros(0, dtype=np.float32)
    meta = {"losses": losses, "loss": trainer.loss, "step": trainer.steps, "kernel": trainer.kernel.tolist()}
    return json.dumps(meta), np.zeros(0, dtype=np.float32)


def _pixels(buffer, height, width):
    """A flat float32 buffer (a JS typed array in Pyodide) → (height, width) float64."""
    image = np.empty(int(height) * int(width), dtype=np.float32)
    _fill(image, buffer)
    return image.reshape(int(height), int(width)).astype(np.float64)


def _fill(flat, buffer):
    """Copy a flat float32 buffer into the NumPy array flat (same length)."""
    if hasattr(buffer, "assign_to"):  # a Pyodide JsBuffer: copy straight into NumPy memory
        buffer.assign_to(flat)
    else:
        flat[...] = np.asarray(buffer, dtype=np.float32).ravel()


def run_code(code, exercise_json, action):
    """Code mode: run the learner's code on an exercise; (meta_json, empty array), see app.learner_code.run."""
    from . import learner_code
    try:
        meta = learner_code.run(code, exercise_json, action)
    except ValueError as e:  # the exercise file itself is broken
        meta = {"error": f"This exercise cannot be used: {e}"}
        return json.dumps(meta), np.zeros(0, dtype=np.float32)
    return json.dumps({"result": meta}), np.zeros(0, dtype=np.float32)
