"""Probing a trained network: move the digit (shift, rotate, scale) and measure what that does.

A shift is by whole pixels with zeros coming in; a rotation or a scaling turns or scales about the
image's centre and resamples bilinearly (zeros outside), as Pillow's rotate and affine transform do.

A sweep measures the held-out accuracy at every setting of one probe, a part at a time so that
the page can paint it as it arrives and the learner's next edit need not wait (see Sweep).
"""
import time

import numpy as np

from . import network, ops

SHIFT_REACH = 8  # the shift sweep: every dy, dx from −8 to 8
ANGLES = tuple(range(-60, 61, 5))  # degrees, anticlockwise on screen
SCALES = tuple(round(0.5 + 0.05 * i, 2) for i in range(21))  # 0.5 … 1.5
SWEEPS = ("shift", "rotate", "scale")


def shift(images, dy, dx):
    """images (..., H, W) moved dy pixels down and dx right (negative: up, left); zeros come in."""
    out = np.zeros_like(images)
    h, w = images.shape[-2:]
    if abs(dy) < h and abs(dx) < w:
        out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            images[..., max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def transform(images, angle=0.0, scale=1.0):
    """images (..., H, W) turned by angle degrees (anticlockwise on screen) and scaled by scale about
    the centre, bilinear, zeros outside: the same array shape.

    Each output pixel centre (r, c) reads the input at the centre plus the inverse turn and scale of
    its offset from the centre: rows grow downwards, so an anticlockwise turn on screen is clockwise
    in (row, column) terms.
    """
    images = np.asarray(images)
    h, w = images.shape[-2:]
    cy, cx = (h - 1) / 2, (w - 1) / 2
    t = np.radians(angle)
    r, c = np.mgrid[0:h, 0:w].astype(np.float64)
    y, x = (r - cy) / scale, (c - cx) / scale
    src_r = cy + np.cos(t) * y + np.sin(t) * x
    src_c = cx - np.sin(t) * y + np.cos(t) * x
    r0, c0 = np.floor(src_r).astype(int), np.floor(src_c).astype(int)
    fr, fc = (src_r - r0).astype(images.dtype), (src_c - c0).astype(images.dtype)
    padded = np.pad(images, [(0, 0)] * (images.ndim - 2) + [(1, 1), (1, 1)])  # zeros around: reads stay inside

    def at(rr, cc):
        inside = (rr >= -1) & (rr <= h) & (cc >= -1) & (cc <= w)
        return padded[..., np.clip(rr, -1, h) + 1, np.clip(cc, -1, w) + 1] * inside
    top = at(r0, c0) * (1 - fc) + at(r0, c0 + 1) * fc
    bottom = at(r0 + 1, c0) * (1 - fc) + at(r0 + 1, c0 + 1) * fc
    return (top * (1 - fr) + bottom * fr).astype(images.dtype)


def probe(images, dy=0, dx=0, angle=0.0, scale=1.0):
    """The three probes together: turned and scaled about the centre, then shifted."""
    if angle or scale != 1:
        images = transform(images, angle, scale)
    return shift(images, dy, dx) if dy or dx else images


def shift_logits(model, images, reach=SHIFT_REACH):
    """Logits (2·reach + 1, 2·reach + 1, N, classes) of every image shifted by dy, dx in −reach … reach
    (rows: dy, columns: dx), as forward(shift(images, dy, dx)) gives them.

    Computed once on the image framed by reach zeros, not once per shift: a convolution without padding,
    a ReLU and a pooling window all commute with a shift, so the network's layers up to the first that
    does not (flatten, or a padded convolution) run on the frame, and each shift is then a window of it.
    A layer with stride s sees a window starting at t as the window starting at t // s of its output
    over the frame from t mod s: one frame per remainder.
    """
    x = network.as_batch(model, images)
    h, w = x.shape[2:]
    offsets = [(reach - dy, reach - dx) for dy in range(-reach, reach + 1) for dx in range(-reach, reach + 1)]
    # each branch: (frame, [(offset, (top, left) of that offset's window in the frame)])
    branches = [(np.pad(x, ((0, 0), (0, 0), (reach, reach), (reach, reach))), [(o, o) for o in offsets])]
    start = 0
    for layer in model.layers:
        kind = layer["type"]
        if kind == "flatten" or kind == "linear" or (kind == "conv2d" and layer["padding"]):
            break
        if kind == "relu":
            branches = [(network.apply(layer, frame), starts) for frame, starts in branches]
        else:
            k = layer["weight"].shape[2] if kind == "conv2d" else layer["size"]
            s = layer["stride"]
            h, w = (h - k) // s + 1, (w - k) // s + 1
            split = []
            for frame, starts in branches:
                groups = {}
                for o, (top, left) in starts:
                    groups.setdefault((top % s, left % s), []).append((o, (top // s, left // s)))
                split += [(network.apply(layer, frame[:, :, ry:, rx:]), group) for (ry, rx), group in groups.items()]
            branches = split
        start += 1
    windows = {o: frame[:, :, top:top + h, left:left + w] for frame, starts in branches for o, (top, left) in starts}
    n = len(x)
    stacked = np.concatenate([windows[o] for o in offsets])  # (shifts·N, C, h, w)
    logits = network.run(model, stacked, start)
    side = 2 * reach + 1
    return logits.reshape(side, side, n, -1)


def _parts_for(budget_s, work):
    """Call work.part() until work.done or about budget_s seconds have passed (at least once, unless
    done): a learner's next edit is answered between two calls. Returns work.done."""
    started = time.perf_counter()
    while not work.done:
        work.part()
        if time.perf_counter() - started >= budget_s:
            break
    return work.done


class Sweep:
    """The held-out accuracy of a frozen copy of model at every setting of one probe.

    kind: "shift" (cells: (dy, dx), 17×17 rows of dy), "rotate" (cells: angles) or "scale" (cells:
    factors). images (N, 24, 24), labels (N,). The digits are taken a part at a time in an order that
    mixes the classes, so every cell's accuracy so far is over digits of every class.
    predictions (cells, N) int8 holds each digit's answer, −1 until measured.
    """

    def __init__(self, kind, model, images, labels, chunk=None):
        if kind not in SWEEPS:
            raise ValueError(f"a sweep is one of {', '.join(SWEEPS)}, not {kind!r}")
        self.kind, self.model = kind, model.copy()
        self.images, self.labels = np.asarray(images, np.float32), np.asarray(labels)
        if kind == "shift":
            r = range(-SHIFT_REACH, SHIFT_REACH + 1)
            self.cells = [(dy, dx) for dy in r for dx in r]
            self.identity = self.cells.index((0, 0))
        else:
            self.cells = list(ANGLES if kind == "rotate" else SCALES)
            self.identity = self.cells.index(0 if kind == "rotate" else 1.0)
        # the shift sweep does every cell of a part at once (see shift_logits): smaller parts
        self.chunk = chunk or (10 if kind == "shift" else 50)
        self.order = np.random.default_rng(0).permutation(len(self.images))
        self.predictions = np.full((len(self.cells), len(self.images)), -1, np.int8)
        self.done_digits = 0  # digits measured in every cell
        self.next_cell = 0  # rotate and scale: the cell of the part under way

    @property
    def done(self):
        return self.done_digits == len(self.images)

    def advance(self, budget_s=0.03):
        """Measure parts for about budget_s seconds (at least one). True when every cell is done."""
        return _parts_for(budget_s, self)

    def part(self):
        rows = self.order[self.done_digits:self.done_digits + self.chunk]
        if self.kind == "shift":
            self.predictions[:, rows] = shift_logits(self.model, self.images[rows]).argmax(-1).reshape(
                len(self.cells), -1)
            self.done_digits += len(rows)
            return
        cell = self.cells[self.next_cell]
        moved = transform(self.images[rows], angle=cell) if self.kind == "rotate" else \
            transform(self.images[rows], scale=cell)
        self.predictions[self.next_cell, rows] = network.forward(self.model, moved).argmax(1)
        self.next_cell = (self.next_cell + 1) % len(self.cells)
        if self.next_cell == 0:
            self.done_digits += len(rows)

    def accuracy(self):
        """[accuracy of each cell over the digits measured so far, or None before any]."""
        measured = self.predictions >= 0
        right = (self.predictions == self.labels) & measured
        counts = measured.sum(axis=1)
        return [None if n == 0 else float(k / n) for k, n in zip(right.sum(axis=1), counts)]

    def flips(self, cell, limit=8):
        """Digits (indices into images) read right as they are but wrong at cell, with the answer there;
        in the sweep's mixed order, so that the few listed are of several classes."""
        now, there = self.predictions[self.identity], self.predictions[cell]
        flips = (now == self.labels) & (there >= 0) & (there != self.labels)
        hit = self.order[flips[self.order]]
        return [(int(i), int(there[i])) for i in hit[:limit]]


def commute(model, image, layer, dy=0, dx=0, angle=0.0, scale=1.0):
    """Convolve, then move: conv layer `layer` (stride 1; the layers before it are run too) of the unmoved
    image (C, 24, 24), each map moved by the probe, as (F, H', W'); and the cells away from the border
    (H', W') bool: where moving the map brought nothing in from outside it.

    For a shift these cells equal "move, then convolve" exactly (a convolution commutes with a shift);
    for a turn or a scaling they do not.
    """
    maps = network.activations(model, np.asarray(image)[None])[layer][0]
    moved = probe(maps, dy, dx, angle, scale)
    inside = probe(np.ones(maps.shape[1:], maps.dtype), dy, dx, angle, scale) > 1 - 1e-6
    return moved, inside


# --- the effective receptive field ------------------------------------------------------------

def field_box(model, layer, row, col):
    """The theoretical receptive field of unit (row, col) of layer index `layer`'s output: (top, left,
    bottom, right), inclusive, clipped to the input; the whole input for a unit after flatten or linear."""
    side = model.input_shape[1]
    stages = []
    for spec in model.layers[:layer + 1]:
        if spec["type"] in ("flatten", "linear"):
            return 0, 0, side - 1, side - 1
        if spec["type"] == "conv2d":
            stages.append({"size": spec["weight"].shape[2], "stride": spec["stride"], "padding": spec["padding"]})
        elif spec["type"] != "relu":
            stages.append({"size": spec["size"], "stride": spec["stride"]})
    top, left, bottom, right = ops.receptive_field(stages, row, col)
    return max(top, 0), max(left, 0), min(bottom, side - 1), min(right, side - 1)


def pixels_holding(magnitude, share=0.9):
    """The fewest pixels of magnitude (H, W), values ≥ 0, that hold `share` of its sum (0 for all zeros)."""
    values = np.sort(np.asarray(magnitude, np.float64).ravel())[::-1]
    total = values.sum()
    if total == 0:
        return 0
    return int(np.searchsorted(np.cumsum(values), share * total * (1 - 1e-12)) + 1)


class FieldMean:
    """The mean |gradient| of one unit over images (N, 24, 24) with respect to their pixels, summed over
    the input's channels: (H, W), brought up a part at a time (advance) like a Sweep."""

    def __init__(self, model, images, layer, channel, row, col, chunk=250):
        self.model, self.images, self.unit = model.copy(), images, (layer, channel, row, col)
        self.total = np.zeros(model.input_shape[1:], np.float64)
        self.measured, self.chunk = 0, chunk

    @property
    def done(self):
        return self.measured == len(self.images)

    def advance(self, budget_s=0.03):
        """Measure parts for about budget_s seconds (at least one). True when every digit is in."""
        return _parts_for(budget_s, self)

    def part(self):
        images = self.images[self.measured:self.measured + self.chunk]
        self.total += np.abs(network.input_gradients(self.model, images, *self.unit)).sum(axis=(0, 1))
        self.measured += len(images)

    def mean(self):
        return self.total / max(self.measured, 1)
