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
import importlib
import json
from collections import OrderedDict

import numpy as np

from . import pipeline

MAX_CLIENTS = 32  # a page that closes without saying goodbye must not hold its images for ever


class _Client:
    """What one explorer keeps here between calls: its input image, its learning run, its network."""

    def __init__(self):
        self.image = np.zeros((24, 24), dtype=np.float32)  # (H, W) in [0, 1]
        self.trainer = None
        # network mode: {"trained": Model, "live": Model, "held": HeldOut | None}
        self.net = None


_clients = OrderedDict()  # client number -> _Client, least recently used first


def _meta_only(meta):
    """An answer with no array, or a refusal ({"error": "<one sentence>"}): (meta_json, empty float32 array)."""
    return json.dumps(meta), np.zeros(0, dtype=np.float32)


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
        return _meta_only({"error": str(e)})
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
    return _pack_or_refuse(pipeline.run_channels, image.reshape(cin, height, width), json.loads(settings_json))


def _pack_or_refuse(run, *args):
    """run(*args)'s stages packed, or its refusal: a malformed layer from the page is a readable error too."""
    try:
        stages = run(*args)
    except (ValueError, KeyError, TypeError) as e:
        return _meta_only({"error": str(e) if isinstance(e, ValueError) else f"the layer is incomplete ({e})"})
    return _pack(stages)


def compute_transposed(settings_json, client=0):
    """Transposed mode: its stages (see pipeline.run_transposed); returns (meta_json, data) like compute.

    The gradient of explore's layer is taken on the client's stored image (set_image).
    """
    settings = json.loads(settings_json)
    if settings.get("gradient"):
        settings["image"] = _client(client).image
    return _pack_or_refuse(pipeline.run_transposed, settings)


def compute_signal(settings_json, samples=None):
    """1-D mode: its stages (see pipeline.run_signal); samples: a recording, a flat float32 buffer, or None."""
    if samples is not None:
        flat = np.empty(len(samples), dtype=np.float32)
        _fill(flat, samples)
        samples = flat
    return _pack_or_refuse(pipeline.run_signal, json.loads(settings_json), samples)


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
        return _meta_only({"error": str(e)})
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
        return _meta_only({"error": str(e)})
    _client(client).trainer = trainer
    return _meta_only({"lr": trainer.lr})


def learn_steps(steps, client=0):
    """Run steps of the client's run; meta {"losses": before each step, "loss", "step", "kernel"} or {"error"}."""
    trainer = _client(client).trainer
    if trainer is None:
        return _meta_only({"error": "no learning run has been started"})
    try:
        losses = trainer.step(int(steps))
    except ValueError as e:
        return _meta_only({"error": str(e)})
    meta = {"losses": losses, "loss": trainer.loss, "step": trainer.steps, "kernel": trainer.kernel.tolist()}
    return _meta_only(meta)


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


# What a mode's first request would import. The page asks for them when the mode opens, so that its
# first answer is as quick as the next: NumPy's random (random starting kernels) loads several
# WebAssembly libraries the first time, which took 0.3-0.4 s in the browser. (Code mode runs one
# unseen Check in its own Python instead, which imports all a Check needs.)
MODE_IMPORTS = {"learn": ("app.learn", "numpy.random"), "signal": ("app.signals", "numpy.random")}


def prepare(mode):
    """Import what mode's requests need (see MODE_IMPORTS). Returns (meta_json, empty array)."""
    for name in MODE_IMPORTS.get(mode, ()):
        importlib.import_module(name)
    return _meta_only({"mode": mode})


def run_code(code, exercise_json, action):
    """Code mode: run the learner's code on an exercise; (meta_json, empty array), see app.learner_code.run."""
    from . import learner_code
    try:
        meta = learner_code.run(code, exercise_json, action)
    except ValueError as e:  # the exercise file itself is broken
        meta = {"error": f"This exercise cannot be used: {e}"}
        return _meta_only(meta)
    return _meta_only({"result": meta})


# --- network mode: a trained CNN, every filter editable -------------------------------------

_heldout = None  # (images (N, 24, 24) float32, labels (N,)): the held-out digits, sent once, shared by every client
MAX_NETWORKS = 3  # each keeps every layer's output for the held-out digits (about 90 MB): the least recent goes
ACCURACY_PART_S = 0.008  # about how long one network_accuracy call works: half a frame
NOT_LOADED = "the network is not loaded in this Python worker; open network mode again"


def _keep_network(client, net):
    """Give client its network; drop the networks of the least recently used clients beyond MAX_NETWORKS."""
    _client(client).net = net
    holders = [state for state in reversed(_clients.values()) if state.net is not None]
    for state in holders[MAX_NETWORKS:]:
        state.net = None


def network_load(spec_json, npz_bytes, name, heldout_bytes=None, client=0):
    """Load a model (the shipped one or the learner's own .json + .npz) and measure it on the held-out digits.

    Returns (meta_json, empty array). meta: {"name", "classes", "input_shape", "layers": [{"type",
    "shape" (output per image), and for conv2d "weight" (nested lists, PyTorch's shape), "bias",
    "stride", "padding"}], "accuracy" (held-out, or null when the digits do not fit the model),
    "predictions"} or {"error": "<one sentence>"}; a model that does not load leaves the last one in place.
    """
    global _heldout
    from . import digits, network
    if heldout_bytes is not None and _heldout is None:
        _heldout = digits.decode_digits(heldout_bytes)
    try:
        trained = network.from_bytes(spec_json, npz_bytes, name=str(name))
    except ValueError as e:
        return _meta_only({"error": str(e)})
    return _meta_only(_install(client, trained))


def _install(client, trained):
    """Make trained the client's network (its live copy measured on the held-out digits); its meta."""
    from . import heldout
    live = trained.copy()
    fits = _heldout is not None and live.input_shape == (1, 24, 24) and live.classes == [str(d) for d in range(10)]
    net = {"trained": trained, "live": live,
           "held": heldout.HeldOut(live, *_heldout) if fits else None}
    _keep_network(client, net)
    layers = []
    for layer, shape in zip(trained.layers, trained.shapes):
        info = {"type": layer["type"], "shape": list(shape)}
        if layer["type"] == "conv2d":
            info.update(weight=layer["weight"].tolist(), bias=layer["bias"].tolist(),
                        stride=layer["stride"], padding=layer["padding"])
        elif layer["type"] in ("maxpool2d", "avgpool2d"):
            info.update(size=layer["size"], stride=layer["stride"])
        layers.append(info)
    return {"name": trained.name, "classes": trained.classes, "input_shape": list(trained.input_shape),
            "layers": layers, **_accuracy_meta(net)}


def _accuracy_meta(net):
    held = net["held"]
    if held is None:
        return {"accuracy": None, "predictions": None}
    return {"accuracy": held.accuracy(), "predictions": held.predictions().tolist()}


def _apply_edits(net, edits):
    """Set the live model's conv filters to the trained ones with edits on top; the held-out outputs
    learn which changed.

    edits: {"<layer index>": {"<filter>": {"w": flat list of Cin·K·K weights, "b": bias}}}; None (JSON null)
    in "w" or for "b" keeps the trained value. Only the filters whose edit differs from the last call's
    are looked at (a learner's click changes one; comparing all 24 took about 1 ms in the browser).
    Keys that name no conv filter are ignored.
    """
    trained, live = net["trained"], net["live"]
    convs = {str(i): layer for i, layer in enumerate(live.layers) if layer["type"] == "conv2d"}
    now = {(i, f): edit for i, filters in edits.items() if i in convs for f, edit in filters.items()}
    before = net.get("applied", {})
    plan = []  # checked first, so that an edit refused leaves the model as it was
    for key in before.keys() | now.keys():
        if before.get(key) == now.get(key) or not (key[1].isdigit() and int(key[1]) < len(convs[key[0]]["weight"])):
            continue
        index, f = int(key[0]), int(key[1])
        plan.append((index, f, *_filter_weights(trained.layers[index], index, f, now.get(key))))
    net["applied"] = now
    changed = []
    for index, f, w, b in plan:
        layer = live.layers[index]
        if not np.array_equal(layer["weight"][f], w) or layer["bias"][f] != b:
            layer["weight"][f], layer["bias"][f] = w, b
            changed.append((index, f))
    if net["held"] is not None:
        net["held"].changed(changed)


def _filter_weights(trained_layer, index, f, edit):
    """Filter f of a trained conv layer with edit (or None) on top: (weight (Cin, K, K) float32, bias)."""
    want_w, want_b = trained_layer["weight"][f], trained_layer["bias"][f]
    if edit is None:
        return want_w, want_b
    given = edit.get("w") or []
    if len(given) != want_w.size:
        raise ValueError(f"the edit of layer {index + 1}, filter {f + 1} needs {want_w.size} weights "
                         f"({'×'.join(map(str, want_w.shape))}), not {len(given)}")
    # null (None) stands for the trained value: links list only what changed.
    w = np.array([t if v is None else v for v, t in zip(given, want_w.ravel().tolist())], dtype=np.float32)
    if not np.all(np.isfinite(w)):
        raise ValueError(f"the edit of layer {index + 1}, filter {f + 1} holds a weight that is not a finite number")
    b = edit.get("b")
    return w.reshape(want_w.shape), want_b if b is None else np.float32(b)


def network_run(edits_json, pixels, client=0, probe_json="{}"):
    """The live network (trained weights + edits) on one image, moved by a probe: every layer's output
    and the probabilities.

    pixels: a flat float32 buffer, C·24·24 values in [0, 1]. probe: {dy, dx, angle, scale} (app.probes.probe;
    missing keys leave the image as it is). Returns (meta_json, data): meta {"layers": [{"shape"}], "probs",
    "prediction", "moved": whether the probe moved the image, "commute": null or {"layer", "inside_max",
    "border_max"}}; data every layer's output, one after another, then, when moved, the input the network
    read (C·24·24) and, with "commute", the first convolution of the unmoved image moved the same way
    (F·H'·W') and the cells away from the border (H'·W', 1 or 0).
    """
    from . import network, probes
    net = _client(client).net
    if net is None:
        return _meta_only({"error": NOT_LOADED})
    live = net["live"]
    try:
        if edits_json != net.get("edits_json"):  # drawing sends the same edits again and again
            _apply_edits(net, json.loads(edits_json))
            net["edits_json"] = edits_json
        probe = _probe(json.loads(probe_json))
        image = np.empty(int(np.prod(live.input_shape)), dtype=np.float32)
        _fill(image, pixels)
        image = image.reshape(live.input_shape)
        moved = probes.probe(image, **probe)
        outputs = network.activations(live, moved[None])
    except ValueError as e:
        return _meta_only({"error": str(e)})
    probs = network.probabilities(outputs[-1][0])
    meta = {"layers": [{"shape": list(a.shape[1:])} for a in outputs], "probs": probs.tolist(),
            "prediction": int(probs.argmax()), "moved": moved is not image, "commute": None}
    blocks = [a.ravel() for a in outputs]
    if moved is not image:
        blocks.append(moved.ravel())
        first = next((i for i, layer in enumerate(live.layers) if layer["type"] == "conv2d"), None)
        if first is not None and live.layers[first]["stride"] == 1:
            then_moved, inside = probes.commute(live, image, first, **probe)
            diff = np.abs(outputs[first][0] - then_moved)
            meta["commute"] = {"layer": first, "inside_max": float(diff[:, inside].max(initial=0)),
                               "border_max": float(diff[:, ~inside].max(initial=0))}
            blocks += [then_moved.ravel(), inside.ravel().astype(np.float32)]
    return json.dumps(meta), np.concatenate(blocks).astype(np.float32)


def _probe(probe):
    """{dy, dx, angle, scale} checked: whole-pixel shifts up to 12, turns up to 180°, scales 0.25 to 2."""
    if not isinstance(probe, dict) or set(probe) - {"dy", "dx", "angle", "scale"}:
        raise ValueError("a probe is {dy, dx, angle, scale}")
    out = {"dy": probe.get("dy", 0), "dx": probe.get("dx", 0), "angle": probe.get("angle", 0),
           "scale": probe.get("scale", 1)}
    for key, low, high in (("dy", -12, 12), ("dx", -12, 12), ("angle", -180, 180), ("scale", 0.25, 2)):
        value = out[key]
        whole = key in ("dy", "dx")
        if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) or not low <= value <= high:
            raise ValueError(f"the probe's {key} must be {'a whole number' if whole else 'a number'} "
                             f"from {str(low).replace('-', '−')} to {high}, not {value!r}")
    return out


def network_accuracy(client=0):
    """The held-out accuracy with the live weights, brought up to date from the edited filters only,
    a part at a time so that a learner's next edit need not wait: call again until "done".

    Returns (meta_json, empty array): {"done": true, "accuracy", "predictions"} or {"done": false, "progress"}.
    """
    net = _client(client).net
    if net is None:
        return _meta_only({"error": NOT_LOADED})
    held = net["held"]
    if held is not None and not held.catch_up(ACCURACY_PART_S):
        return _meta_only({"done": False, "progress": held.progress()})
    return _meta_only({"done": True, **_accuracy_meta(net)})


SWEEP_PART_S = 0.03  # about how long one network_sweep step works: an edit waits at most this long


def network_sweep(request_json, client=0):
    """Sweeps over the held-out digits with the live weights as they are when one starts (app.probes.Sweep).

    request: {"start": "shift" | "rotate" | "scale"}, {"step": true} (about SWEEP_PART_S of work),
    {"flips": cell index} or {"stop": true}. Returns (meta_json, empty array): {"kind", "cells",
    "accuracy" (per cell, null before any digit), "measured" (digits in every cell), "total", "done"};
    for flips {"flips": [[digit, answer there]]}; for stop {"stopped": true}.
    """
    from . import probes
    net = _client(client).net
    if net is None:
        return _meta_only({"error": NOT_LOADED})
    request = json.loads(request_json)
    if request.get("stop"):
        net.pop("sweep", None)
        return _meta_only({"stopped": True})
    if "start" in request:
        if net["held"] is None:
            return _meta_only({"error": "this model does not read the held-out digits (1 channel, classes 0–9), "
                                         "so there is nothing to sweep"})
        try:
            net["sweep"] = probes.Sweep(request["start"], net["live"], *_heldout)
        except ValueError as e:
            return _meta_only({"error": str(e)})
    sweep = net.get("sweep")
    if sweep is None:
        return _meta_only({"error": "no sweep is under way; start one"})
    if "flips" in request:
        cell = request["flips"]
        if not (isinstance(cell, int) and 0 <= cell < len(sweep.cells)):
            return _meta_only({"error": f"the sweep has cells 0 to {len(sweep.cells) - 1}, not {cell!r}"})
        return _meta_only({"flips": sweep.flips(cell)})
    if request.get("step"):
        sweep.advance(SWEEP_PART_S)
    return _meta_only({"kind": sweep.kind, "cells": sweep.cells, "accuracy": sweep.accuracy(),
                       "measured": sweep.done_digits, "total": len(sweep.images), "done": sweep.done})


def network_field(unit_json, pixels, client=0, probe_json="{}"):
    """The effective receptive field of one unit of the live network: its gradient with respect to the
    input pixels for this image (moved by the probe, as network_run reads it), and the mean |gradient|
    over the held-out digits, brought up about SWEEP_PART_S at a call (call again until "done").

    unit: {layer (index into the model's layers), channel, row, col}. Returns (meta_json, data): meta
    {"box": [top, left, bottom, right] (the theoretical field, clipped to the image), "box_pixels",
    "one_pixels90" (pixels holding 90% of this image's |gradient|), "measured", "total", "mean_pixels90",
    "done"}; data this image's gradient (H·W, summed over channels) then the mean |gradient| (H·W).
    """
    from . import network, probes
    net = _client(client).net
    if net is None:
        return _meta_only({"error": NOT_LOADED})
    live = net["live"]
    try:
        unit = json.loads(unit_json)
        layer, channel, row, col = (unit.get(k) for k in ("layer", "channel", "row", "col"))
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (layer, channel, row, col)):
            raise AttributeError
        image = np.empty(int(np.prod(live.input_shape)), dtype=np.float32)
        _fill(image, pixels)
        image = probes.probe(image.reshape(live.input_shape), **_probe(json.loads(probe_json)))
        one = network.input_gradient(live, image, layer, channel, row, col).sum(axis=0)
    except (ValueError, AttributeError) as e:
        return _meta_only({"error": str(e) if isinstance(e, ValueError) else "a unit is {layer, channel, row, col}: four whole numbers"})
    key = (layer, channel, row, col, net.get("edits_json"))
    field = net.get("field")
    if _heldout is not None and net["held"] is not None and (field is None or field[0] != key):
        field = net["field"] = (key, probes.FieldMean(live, _heldout[0], layer, channel, row, col))
    mean = field[1] if field else None
    if mean is not None:
        mean.advance(SWEEP_PART_S)
    top, left, bottom, right = box = probes.field_box(live, layer, row, col)
    meta = {"box": list(box), "box_pixels": (bottom - top + 1) * (right - left + 1),
            "one_pixels90": probes.pixels_holding(np.abs(one)),
            "measured": mean.measured if mean else 0, "total": len(mean.images) if mean else 0,
            "mean_pixels90": probes.pixels_holding(mean.mean()) if mean and mean.measured else None,
            "done": mean.done if mean else True}
    averaged = mean.mean() if mean else np.zeros_like(one)
    return json.dumps(meta), np.concatenate([one.ravel(), averaged.ravel()]).astype(np.float32)


# --- training in the page ------------------------------------------------------------------------

_training_digits = None  # (images (8000, 24, 24), labels): sent once, shared by every client
TRAIN_PART_S = 0.008  # about how long one network_train step works (at least one step): an edit waits about this long
TRAIN_MEASURE_CHUNK = 100  # held-out digits measured at a time (about 20 ms in Chromium)


def network_train(request_json, train_bytes=None, client=0):
    """Train the loaded network's architecture from fresh weights on the training digits (app.training),
    and beside it, if asked, the same run with one bug; a part at a time.

    request: {"start": {optimizer, lr, batch, epochs, seed, bug}} (the main run never has the bug; with a
    bug a second run has it), {"step": true} (about TRAIN_PART_S of steps and held-out measurements),
    {"use": true} (the main run's network becomes the client's network: returns network_load's meta),
    {"download": true} or {"stop": true}. train_bytes: data/digits-train.bin, sent with the first start.
    Returns (meta_json, data): for start and step {"runs": [{"bug", "step", "total", "epoch", "epochs",
    "losses" and "grad" (one per step since the last answer), "accuracy" ([[step, share]]), "filters"
    (the first layer's weights, flat), "filter_shape", "done"}], "seconds"}; for download {"json", "bytes"}
    with the .npz's bytes in data (padded to whole float32s).
    """
    global _training_digits
    import time
    from . import digits, network, training
    net = _client(client).net
    if net is None:
        return _meta_only({"error": NOT_LOADED})
    if train_bytes is not None and _training_digits is None:
        _training_digits = digits.decode_digits(train_bytes)
    request = json.loads(request_json)
    if request.get("stop"):
        net.pop("training", None)
        return _meta_only({"stopped": True})
    if "start" in request:
        if _training_digits is None or net["held"] is None:
            return _meta_only({"error": "this model does not read the digits (1 channel, classes 0–9), "
                                         "so it cannot be trained on them here"})
        try:
            config = training.check_config(request["start"])
        except ValueError as e:
            return _meta_only({"error": str(e)})
        runs = [training.Trainer(net["trained"], *_training_digits, {**config, "bug": None})]
        if config["bug"]:
            runs.append(training.Trainer(net["trained"], *_training_digits, config))
        net["training"] = {"runs": runs, "reported": [0] * len(runs), "seconds": 0.0}
    state = net.get("training")
    if state is None:
        return _meta_only({"error": "no training run is under way; start one"})
    main = state["runs"][0]
    if request.get("use"):
        model = main.result().copy()
        model.name = f"{net['trained'].name} (trained here)"
        meta = _install(client, model)
        _client(client).net["training"] = state  # the run stays, to be used or downloaded again
        return _meta_only(meta)
    if request.get("download"):
        model = main.result()
        npz = network.to_npz(model)
        padded = np.frombuffer(npz + bytes(-len(npz) % 4), dtype=np.float32)
        return json.dumps({"json": json.dumps(network.to_spec(model), indent=1), "bytes": len(npz)}), padded.copy()
    if request.get("step"):
        started = time.perf_counter()
        runs = state["runs"]
        # in turn, one step (or one part of a measurement) at a time, so that both runs advance alike
        while time.perf_counter() - started < TRAIN_PART_S and not all(r.done and not r.measure_due() for r in runs):
            run = runs[state.setdefault("turn", 0) % len(runs)]
            state["turn"] += 1
            if run.measure_due():
                run.measure(*_heldout, budget_s=0, chunk=TRAIN_MEASURE_CHUNK)
            elif not run.done:
                run.step()
        state["seconds"] += time.perf_counter() - started
    runs = []
    for i, run in enumerate(state["runs"]):
        since = state["reported"][i]
        state["reported"][i] = len(run.losses)
        convs = [layer["weight"] for layer in run.result().layers if layer["type"] == "conv2d"]
        first = convs[0] if convs else np.zeros(0, np.float32)
        runs.append({"bug": run.config["bug"], "step": run.step_count, "total": run.total, "epoch": run.epoch,
                     "epochs": run.config["epochs"], "losses": run.losses[since:], "grad": run.first_layer_grad[since:],
                     "accuracy": [list(a) for a in run.accuracy], "filters": first.ravel().tolist(),
                     "filter_shape": list(first.shape), "done": run.done and not run.measure_due()})
    return _meta_only({"runs": runs, "seconds": state["seconds"]})
