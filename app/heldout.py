"""The held-out accuracy of a network whose filters are being edited, kept up to date cheaply.

A plain re-run of the digits model over the 2,000 held-out digits takes about
400 ms in Pyodide; a learner's edit changes one filter. So every layer's output
is kept, and an edit of filter f of a convolution recomputes only:
  - channel f of that convolution (and of the ReLU and pooling after it, which
    work channel by channel), and
  - the next convolution as its old output plus the change channel f brings
    (a convolution is linear in each input channel), then the layers after it.
That is about 5× less work for an edit in the first layer.

The page asks for the accuracy a part at a time (catch_up): images are independent, so the outputs
are brought up to date CHUNK images at a time, and a learner's next edit is answered between parts
instead of waiting for all 2,000 digits.
"""
import time

import numpy as np

from . import network

CHANNEL_WISE = ("relu", "maxpool2d", "avgpool2d")
CHUNK = 100  # images brought up to date at a time
WHOLE_PASS = 4  # more edited filters than this (a reset, a link): one full pass is cheaper


class HeldOut:
    """model: the live Model (its arrays are edited in place by the caller);
    images (N, H, W) or (N, C, H, W) in [0, 1]; labels (N,) int."""

    def __init__(self, model, images, labels):
        self.model = model
        self.x = network.as_batch(model, images)
        self.labels = np.asarray(labels)
        self.acts = []  # every layer's output for every image: [(N, C, H, W) float32]
        x = self.x
        for layer in self.model.layers:
            x = network.apply(layer, x)
            self.acts.append(np.ascontiguousarray(x))
        self.todo = set()  # edited filters [(layer index, f)] whose outputs are not yet up to date
        self.next_row = 0  # images before this one are up to date with every filter in todo

    def refresh(self, rows=slice(None)):
        """Recompute every layer's output from scratch for the images in rows (after resetting the model)."""
        x = self.x[rows]
        for layer, act in zip(self.model.layers, self.acts):
            x = network.apply(layer, x)
            act[rows] = x

    def changed(self, filters):
        """Filters [(layer index, f)] have new weights: catch_up starts again from the first image."""
        if filters:
            self.todo |= set(filters)
            self.next_row = 0

    def catch_up(self, budget_s=0.008):
        """Bring the outputs up to date with todo, CHUNK images at a time, for about budget_s seconds
        (at least one chunk). True when every image is up to date."""
        start = time.perf_counter()
        while self.todo:
            rows = slice(self.next_row, min(self.next_row + CHUNK, len(self.x)))
            if len(self.todo) > WHOLE_PASS:
                self.refresh(rows)
            else:
                for index, f in sorted(self.todo):  # in layer order: each starts from up-to-date inputs
                    self.filter_changed(index, f, rows)
            self.next_row = rows.stop
            if self.next_row == len(self.x):
                self.todo, self.next_row = set(), 0
            elif time.perf_counter() - start >= budget_s:
                break
        return not self.todo

    def progress(self):
        """The share of images up to date, 0 to 1."""
        return 1.0 if not self.todo else self.next_row / len(self.x)

    def predictions(self):
        """(N,) the class each held-out image is given."""
        return self.acts[-1].argmax(axis=1)

    def accuracy(self):
        """The fraction of held-out images whose prediction is their label."""
        return float(np.mean(self.predictions() == self.labels))

    def filter_changed(self, index, f, rows=slice(None)):
        """Layer index (a conv2d) has new weights or bias in filter f: bring the kept outputs of the
        images in rows up to date. (Running it again for the same weights changes nothing.)"""
        layers, acts = self.model.layers, self.acts
        layer = layers[index]
        source = (self.x if index == 0 else acts[index - 1])[rows]
        channel = network.conv2d_filter(source, layer["weight"][f], layer["bias"][f],
                                        stride=layer["stride"], padding=layer["padding"])
        j = index
        before = acts[j][rows, f:f + 1].copy()
        acts[j][rows, f:f + 1] = channel
        while j + 1 < len(layers) and layers[j + 1]["type"] in CHANNEL_WISE:
            j += 1
            channel = network.apply(layers[j], channel)
            before = acts[j][rows, f:f + 1].copy()
            acts[j][rows, f:f + 1] = channel
        if j + 1 == len(layers):
            return
        following = layers[j + 1]
        if following["type"] == "conv2d":
            change = network.conv2d(channel - before, following["weight"][:, f:f + 1],
                                    np.zeros(len(following["weight"]), np.float32),
                                    stride=following["stride"], padding=following["padding"])
            acts[j + 1][rows] += change
            j += 1
        for k in range(j + 1, len(layers)):
            acts[k][rows] = network.apply(layers[k], acts[k - 1][rows])
