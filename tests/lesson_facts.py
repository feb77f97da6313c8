"""What a lesson's facts compute, with the core (app.ops, app.pipeline, app.learn, app.network, app.probes).

A lesson file states numbers in its text; each number it claims comes with a fact
{kind, args, expect} in its "facts" list (and its question's "check"). compute(fact, lesson)
works the fact out from the core, never from the lesson's own text, so tests can compare.

Views are explorer fragments ("v=1&img=digit3&k=..."); view() reads one as the page's link
reader does (static/core/url.js) and runs it through app.pipeline, as the page's worker does.
"""
import base64
import functools
from pathlib import Path

import numpy as np

from builder import ROOT
from builder.data import read_pgm
from app import learn, network, ops, pipeline, probes, signals
from builder import settings
import core_answers

IMAGES = Path(ROOT) / "images"


def image(name):
    """A built-in image as (H, W) float64 in [0, 1], as the page sends it to the worker."""
    im = read_pgm(IMAGES / f"{name}.pgm")
    return np.asarray(im["pixels"], dtype=np.float64).reshape(im["height"], im["width"]) / 255


def encode_pixels(a):
    """(H, W) in [0, 1] → the px= text (for writing lesson files)."""
    raw = np.round(np.clip(a, 0, 1) * 255).astype(np.uint8).tobytes()
    return f"{a.shape[0]}x{a.shape[1]}." + base64.urlsafe_b64encode(raw).decode().rstrip("=")


MANIFEST = settings.load()


def view_state(fragment):
    """A fragment → the page's whole state, read as the page reads it."""
    partial, notices = settings.read_link(fragment, MANIFEST)
    assert not notices, f"{fragment!r}: {notices}"
    return {**settings.defaults(MANIFEST), **partial}


def parse_fragment(fragment):
    """A fragment → (image (H, W), core settings for app.pipeline.run, mode)."""
    state = view_state(fragment)
    img = image(state["image"]) if isinstance(state["image"], str) else np.asarray(state["image"], dtype=np.float64)
    return img, settings.core_settings(state, MANIFEST), state["mode"]


def stages(fragment):
    """{stage name: array} for an explore-mode view, or a transposed-mode view's maps (output, counts, …)."""
    img, core, mode = parse_fragment(fragment)
    if mode == "transposed":
        t = view_state(fragment)["transposed"]
        return dict(pipeline.run_transposed({
            "input": t["input"], "kernel": t["kernel"], "bias": t["bias"], "stride": t["stride"],
            "padding": t["padding"], "output_padding": t["outputPadding"], "dilation": t["dilation"],
            "compare": t["compare"]}))
    if mode == "signal":
        return dict(pipeline.run_signal(view_state(fragment)["signal"]))
    assert mode == "explore", f"only explore-, transposed- and 1-D-mode views have stage facts, not {mode}"
    return dict(pipeline.run(img, core))


@functools.lru_cache(maxsize=None)
def digits_model():
    """The shipped digits network, as network mode loads it."""
    return network.load(core_answers.DIGITS_MODEL)


heldout_digits = functools.lru_cache(maxsize=None)(core_answers.heldout_digits)  # read once a session


@functools.lru_cache(maxsize=None)
def _shift_answers(reach=8):
    """Every held-out digit's answer at every shift: (2·reach + 1, 2·reach + 1, 2000)."""
    images, _ = heldout_digits()
    return probes.shift_logits(digits_model(), images, reach).argmax(-1)


def network_input(fragment):
    """A network-mode view's input as the network reads it: its image moved by its probe."""
    img, _, mode = parse_fragment(fragment)
    assert mode == "network", f"a network fact needs a network-mode view, not {mode}"
    given = view_state(fragment)["network"]  # as a link gives it: what it leaves out is at its default
    probe = {**MANIFEST["settings"]["network"]["default"]["probe"], **given.get("probe", {})}
    return probes.probe(img.astype(np.float32), **probe)


def _percent(accuracy):
    return _round(100 * accuracy, 1)


def _conv_params(k, cin=1, cout=1, bias=True, separable=False):
    """Count the parameters by building the layer's tensors and running them through ops.conv2d
    (which checks their shapes), so the count is what the core's layer really holds.

    Standard: weights (Cout, Cin, K, K) + Cout biases. Separable, as the explorer counts it:
    depthwise (Cin, 1, K, K) + pointwise (Cout, Cin, 1, 1) + Cout biases.
    """
    x = np.ones((cin, k + 1, k + 1))
    b = np.zeros(cout)
    if separable:
        depthwise, pointwise = np.ones((cin, 1, k, k)), np.ones((cout, cin, 1, 1))
        out = ops.conv2d(ops.conv2d(x, depthwise, groups=cin), pointwise, bias=b)
        tensors = [depthwise, pointwise] + ([b] if bias else [])
    else:
        weights = np.ones((cout, cin, k, k))
        out = ops.conv2d(x, weights, bias=b)
        tensors = [weights] + ([b] if bias else [])
    assert out.shape[0] == cout
    return int(sum(t.size for t in tensors))


def _receptive_side(layers):
    top, left, bottom, right = ops.receptive_field(layers, 0, 0)
    assert bottom - top == right - left
    return bottom - top + 1


def _stack_size(n, k, layers, padding=0):
    """The side after `layers` layers of K×K; None when one of them does not fit."""
    for _ in range(layers):
        try:
            n = ops.output_size(n, k, padding=padding)
        except ValueError:
            return None
    return n


def _shift_found(a, b, reach=3):
    """The (rows, cols) by which map b is map a moved, found by trying every shift up to reach."""
    best = None
    for dr in range(-reach, reach + 1):
        for dc in range(-reach, reach + 1):
            h, w = a.shape
            sa = a[max(0, -dr):h - max(0, dr), max(0, -dc):w - max(0, dc)]
            sb = b[max(0, dr):h - max(0, -dr), max(0, dc):w - max(0, -dc)]
            err = float(np.max(np.abs(sa - sb)))
            if best is None or err < best[0]:
                best = (err, [dr, dc])
    return best[1] if best[0] < 1e-9 else None


def _learn_steps(target, images, tolerance):
    ims = [image(n) for n in images]
    true = np.asarray(target, dtype=np.float64)
    trainer = learn.Trainer(ims, [ops.conv2d(im, true) for im in ims], learn.initial_kernel(len(true)))
    while np.max(np.abs(trainer.kernel - true)) >= tolerance and trainer.steps < 5000:
        trainer.step()
    return trainer.steps


def _round(v, places=3):
    return round(float(v), places)


def _view_fragment(lesson, ref):
    if ref == "reveal":
        return lesson["question"]["reveal"]["fragment"]
    return lesson["views"][ref]["fragment"]


def compute(fact, lesson=None):
    """The value of a fact, from the core. fact: {"kind": ..., "args": {...}}; lesson gives its views."""
    kind, a = fact["kind"], dict(fact.get("args", {}))
    if "view" in a:
        a["fragment"] = a.pop("view")
    for key in ("fragment", "from", "to"):  # a view of the lesson by index, or its question's reveal
        if key in a and (a[key] == "reveal" or isinstance(a[key], int)):
            a[key] = _view_fragment(lesson, a[key])
    if kind == "output_size":
        return ops.output_size(a["n"], a["k"], stride=a.get("stride", 1), padding=a.get("padding", 0),
                               dilation=a.get("dilation", 1))
    if kind == "transposed_size":
        return ops.transposed_output_size(a["n"], a["k"], stride=a.get("stride", 1), padding=a.get("padding", 0),
                                          output_padding=a.get("output_padding", 0), dilation=a.get("dilation", 1))
    if kind == "response":  # |H| of a named filter (app.signals) at a frequency, Hz, to 3 decimals
        freqs, magnitude = signals.frequency_response(signals.filter_taps(a["kind"], a.get("taps", 31), a.get("cutoff", 500)))
        return _round(magnitude[int(np.argmin(np.abs(freqs - a["at"])))])
    if kind == "response_above":  # the largest |H| at or above a frequency, up to half the sample rate
        freqs, magnitude = signals.frequency_response(signals.filter_taps(a["kind"], a.get("taps", 31), a.get("cutoff", 500)))
        return _round(magnitude[freqs >= a["above"]].max())
    if kind == "loudest":  # the frequency, Hz, where a built-in signal is strongest
        x = signals.builtin(a["source"])
        return float(np.fft.rfftfreq(x.size, 1 / signals.RATE)[int(np.argmax(np.abs(np.fft.rfft(x))))])
    if kind == "stack_field":  # how many samples one output of a causal stack sees
        return signals.causal_stack_field(a["dilations"], a.get("k", 2))[0]
    if kind == "cells":
        side = ops.output_size(a["n"], a["k"], stride=a.get("stride", 1), padding=a.get("padding", 0))
        return side * side
    if kind == "stack_size":
        return _stack_size(a["n"], a["k"], a["layers"], a.get("padding", 0))
    if kind == "pool_size":
        return ops.pool2d(np.zeros((a["n"], a["n"])), size=a["size"], stride=a.get("stride")).shape[0]
    if kind == "conv_params":
        return _conv_params(a["k"], a.get("cin", 1), a.get("cout", 1), a.get("bias", True), a.get("separable", False))
    if kind == "stacked_params":  # L layers of K×K from C to C channels, weights only
        return a["layers"] * _conv_params(a["k"], a["c"], a["c"], bias=False)
    if kind == "param_ratio":
        standard = _conv_params(a["k"], a["cin"], a["cout"])
        return _round(standard / _conv_params(a["k"], a["cin"], a["cout"], separable=True), 1)
    if kind == "dense_params":
        weights = np.zeros((a["units"], int(np.prod(a["inputs"]))), dtype=np.uint8)
        return int(weights.size + a["units"])
    if kind == "receptive_field":
        return _receptive_side(a["layers"])
    if kind == "learn_steps":
        return _learn_steps(a["target"], a["images"], a["tolerance"])
    if kind == "stage":  # a property of one stage's map in a view
        m = stages(a["fragment"])[a.get("stage", "conv")]
        prop = a["property"]
        if prop == "shape":
            return list(m.shape)
        if prop == "values":  # the distinct values, when there are few (rounded to 3 decimals)
            return sorted({_round(v) for v in m.ravel()})
        if prop == "cells":
            return int(m.size)
        if prop == "min":
            return _round(m.min())
        if prop == "max":
            return _round(m.max())
        if prop == "range":
            return _round(m.max() - m.min())
        if prop == "max_abs":
            return _round(np.abs(m).max())
        if prop == "at":  # the value of one cell, [row, col] from 0
            return _round(m[tuple(a["cell"])])
        if prop == "peak":  # where |value| is largest: [row, col] of the map
            r, c = np.unravel_index(np.argmax(np.abs(m)), m.shape)
            return [int(r), int(c)]
        raise ValueError(f"unknown stage property {prop!r}")
    if kind == "input":  # a property of a view's input image
        img, _, _ = parse_fragment(a["fragment"])
        return {"range": _round(img.max() - img.min()), "shape": list(img.shape)}[a["property"]]
    if kind == "change":  # how every cell of a stage changes from one view to another: [least, most]
        before, after = stages(a["from"])[a.get("stage", "conv")], stages(a["to"])[a.get("stage", "conv")]
        return [_round(np.min(after - before)), _round(np.max(after - before))]
    if kind == "ratio":  # a stage's max |value| in view "to" over that in view "from"
        before, after = stages(a["from"])[a.get("stage", "conv")], stages(a["to"])[a.get("stage", "conv")]
        return _round(np.abs(after).max() / np.abs(before).max())
    if kind == "shift":  # by how much the map moves when the input does: [rows, cols], or None
        return _shift_found(stages(a["from"])[a.get("stage", "conv")], stages(a["to"])[a.get("stage", "conv")])
    if kind == "changed_cells":  # how many cells of a stage differ between two views (same shape)
        before, after = stages(a["from"])[a.get("stage", "conv")], stages(a["to"])[a.get("stage", "conv")]
        return int(np.sum(np.abs(after - before) > 1e-9))
    if kind == "shift_by":  # the view's input moved right by some pixels: how far its map moves
        img, settings, _ = parse_fragment(a["fragment"])
        moved = np.zeros_like(img)
        moved[:, a["pixels"]:] = img[:, :-a["pixels"]]
        stage = a.get("stage", "conv")
        return _shift_found(dict(pipeline.run(img, settings))[stage], dict(pipeline.run(moved, settings))[stage])
    if kind == "network_read":  # the class the shipped network gives a network-mode view's input
        return int(network.forward(digits_model(), network_input(a["fragment"])[None]).argmax())
    if kind == "sweep_accuracy":  # held-out accuracy, %, with every digit moved: {dy, dx} | angle | scale
        images, labels = heldout_digits()
        moved = probes.probe(images, **{k: a[k] for k in ("dy", "dx", "angle", "scale") if k in a})
        return _percent(network.accuracy(digits_model(), moved, labels))
    if kind == "shift_ring":  # mean held-out accuracy, %, over every shift d pixels away (the larger of |dy|, |dx|)
        answers, (_, labels) = _shift_answers(), heldout_digits()
        reach = answers.shape[0] // 2
        rings = np.maximum(*np.abs(np.mgrid[-reach:reach + 1, -reach:reach + 1]))
        return _percent(np.mean(answers[rings == a["d"]] == labels))
    if kind == "field":  # a unit's theoretical field ("box") or the pixels holding 90% of its mean |gradient|
        box = probes.field_box(digits_model(), a["layer"], a["row"], a["col"])
        if a["measure"] == "box":
            return (box[2] - box[0] + 1) * (box[3] - box[1] + 1)
        mean = probes.FieldMean(digits_model(), heldout_digits()[0], a["layer"], a["channel"], a["row"], a["col"])
        while not mean.advance(budget_s=10):
            pass
        return probes.pixels_holding(mean.mean(), share=a.get("percent", 90) / 100)
    if kind == "double_softmax_best":  # with a double softmax, the best a perfect answer can do: loss or probability
        perfect = network.probabilities(np.eye(a["classes"])[:1] * 1e6)  # the first softmax: one-hot
        if a["measure"] == "probability":  # the second softmax's share for the right class
            return _round(network.probabilities(perfect)[0, 0], 2)
        return _round(network.cross_entropy(perfect, np.array([0]))[0], 2)
    if kind == "peak_on":  # what the input patch under the stage's strongest cell holds
        return _peak_on(a["fragment"], a.get("stage", "conv"))
    raise ValueError(f"unknown fact kind {kind!r}")


def _peak_on(fragment, stage):
    """"corner", "edge" or "flat": the input patch the strongest cell of a stage sees holds a corner
    pixel of a bright shape (a bright pixel with exactly two bright 4-neighbours at right angles), else
    an edge pixel (three), else neither. Single-channel views with stride 1 and no pooling."""
    img, settings, _ = parse_fragment(fragment)
    m = dict(pipeline.run(img, settings))[stage]
    r, c = np.unravel_index(np.argmax(np.abs(m)), m.shape)
    layers = [{"size": len(settings["kernel"]), "padding": settings["padding"], "dilation": settings["dilation"]}]
    if stage == "conv2":
        layers.append({"size": len(settings["layer2"]["kernel"])})
    top, left, bottom, right = ops.receptive_field(layers, int(r), int(c))
    bright = np.pad(img > 0.5, 1)
    found = set()
    for y in range(max(top, 0), min(bottom, img.shape[0] - 1) + 1):
        for x in range(max(left, 0), min(right, img.shape[1] - 1) + 1):
            if not bright[y + 1, x + 1]:
                continue
            up, down, lft, rgt = bright[y, x + 1], bright[y + 2, x + 1], bright[y + 1, x], bright[y + 1, x + 2]
            n = int(up) + int(down) + int(lft) + int(rgt)
            if n == 2 and (up != down):  # two neighbours at a right angle
                found.add("corner")
            elif n == 3:
                found.add("edge")
    return "corner" if "corner" in found else ("edge" if "edge" in found else "flat")
