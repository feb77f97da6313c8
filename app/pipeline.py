"""The stages of one view: convolution, activation, pooling, a second convolution.

Takes plain settings (the page's state, snake_case) and an input image
(H, W) float in [0, 1]; returns the stages in the order they are drawn.
"""
import numpy as np

from . import ops, signals

ACTIVATIONS = {"none": None, "relu": ops.relu, "leaky_relu": ops.leaky_relu}


def conv_layer(x, layer):
    """One convolution layer described by a settings dict; (H', W') float64."""
    return ops.conv2d(
        x, np.asarray(layer["kernel"], dtype=np.float64),
        stride=layer.get("stride", 1), padding=layer.get("padding", 0),
        dilation=layer.get("dilation", 1), bias=layer.get("bias", 0.0),
        padding_mode=layer.get("padding_mode", "zeros"))


def run(image, settings):
    """All stages for settings; a list of (name, (H', W') float64 array).

    settings: kernel (K×K nested lists), bias, stride, padding, dilation,
    padding_mode; optional activation ("none" | "relu" | "leaky_relu"),
    pool (None or {mode, size, stride}) and layer2 (None or a dict like the
    first layer's). Raises ValueError, naming the layer, for invalid settings.
    """
    stages = [("conv", conv_layer(image, settings))]
    activation = settings.get("activation", "none")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, not {activation!r}")
    if ACTIVATIONS[activation] is not None:
        stages.append(("activation", ACTIVATIONS[activation](stages[-1][1])))
    pool = settings.get("pool")
    if pool:
        stages.append(("pool", ops.pool2d(stages[-1][1], size=pool.get("size", 2),
                                          stride=pool.get("stride"), mode=pool.get("mode", "max"))))
    layer2 = settings.get("layer2")
    if layer2:
        try:
            stages.append(("conv2", conv_layer(stages[-1][1], layer2)))
        except ValueError as e:
            raise ValueError(f"second layer: {e}") from None
    return stages


def run_channels(image, settings):
    """A colour layer, stage by stage, so the page can show how channels add up.

    image: (Cin, H, W) in [0, 1]. settings: stride, padding, padding_mode and either
    "filters": [{"kernels": Cin K×K grids, "bias"}] (a standard layer), or with
    "separable": true, "depthwise": Cin K×K grids and "pointwise": Cout rows of
    Cin weights, "biases": Cout numbers (a depthwise separable layer).
    Returns [(name, (H', W') float64)]: standard "partial f c" (filter f's kernel
    on channel c, no bias) and "output f"; separable "depthwise c" and "output f",
    and, when "filters" are given too, "standard f": the standard layer it replaces.
    The outputs come from ops.conv2d's channel path; the parts are its 2-D calls.
    """
    image = np.asarray(image, dtype=np.float64)
    geometry = {"stride": settings.get("stride", 1), "padding": settings.get("padding", 0),
                "padding_mode": settings.get("padding_mode", "zeros")}
    stages = []
    if settings.get("separable"):
        depthwise = np.asarray(settings["depthwise"], dtype=np.float64)[:, None]  # (Cin, 1, K, K)
        maps = ops.conv2d(image, depthwise, groups=image.shape[0], **geometry)
        stages += [(f"depthwise {c}", m) for c, m in enumerate(maps)]
        pointwise = np.asarray(settings["pointwise"], dtype=np.float64)[:, :, None, None]  # (Cout, Cin, 1, 1)
        outputs = ops.conv2d(maps, pointwise, bias=settings.get("biases", 0.0))
        if settings.get("filters"):  # shown beside it: what the standard layer makes of the same image
            weights = np.asarray([f["kernels"] for f in settings["filters"]], dtype=np.float64)
            standard = ops.conv2d(image, weights, bias=[f.get("bias", 0.0) for f in settings["filters"]], **geometry)
            stages += [(f"standard {f}", m) for f, m in enumerate(standard)]
    else:
        filters = settings["filters"]
        weights = np.asarray([f["kernels"] for f in filters], dtype=np.float64)  # (Cout, Cin, K, K)
        outputs = ops.conv2d(image, weights, bias=[f.get("bias", 0.0) for f in filters], **geometry)
        for f, kernels in enumerate(weights):
            stages += [(f"partial {f} {c}", ops.conv2d(channel, kernel, **geometry))
                       for c, (channel, kernel) in enumerate(zip(image, kernels))]
    stages += [(f"output {f}", m) for f, m in enumerate(outputs)]
    return stages


def run_transposed(settings):
    """A transposed convolution shown two ways, and how many stamps land where.

    settings: "input" (H, W) and "kernel" (K, K) grids, "stride", "padding",
    "output_padding", "dilation", "bias"; with "compare": true, the nearest-
    neighbour upsampling by the stride that "resize then convolve" starts from.
    With "gradient" (and "image", (H, W)), also gradient_stages(image, gradient).
    Returns [(name, array)]: "output" (H', W'), the transposed convolution;
    "spread" (H'', W'') and "flipped" (K, K), the same layer as an ordinary
    convolution (ops.transposed_as_convolution); "counts" (H', W'), stamps per
    output cell; and, comparing, "resized" (sH, sW) and "resized output", that
    image convolved with the kernel at stride 1 with 'same' padding.
    """
    geometry = {"stride": settings.get("stride", 1), "padding": settings.get("padding", 0),
                "output_padding": settings.get("output_padding", 0), "dilation": settings.get("dilation", 1)}
    image = np.asarray(settings["input"], dtype=np.float64)
    kernel = np.asarray(settings["kernel"], dtype=np.float64)
    output = ops.conv_transpose2d(image, kernel, bias=settings.get("bias", 0.0), **geometry)
    spread, flipped = ops.transposed_as_convolution(image, kernel, **geometry)
    stages = [("output", output), ("spread", spread), ("flipped", flipped),
              ("counts", ops.stamp_counts(*image.shape, kernel.shape[0], **geometry))]
    if settings.get("gradient"):
        stages += gradient_stages(settings["image"], settings["gradient"])
    if settings.get("compare"):
        s = geometry["stride"]
        resized = np.repeat(np.repeat(image, s, axis=0), s, axis=1)
        stages += [("resized", resized), ("resized output", ops.conv2d(
            resized, kernel, padding="same", dilation=geometry["dilation"], bias=settings.get("bias", 0.0)))]
    return stages


MAX_PERTURBED_PIXELS = 64 * 64  # the check convolves one image per input pixel


def gradient_stages(image, layer):
    """The gradient of a conv2d layer with respect to its input, as a transposed convolution, and checked.

    layer: the forward layer's "kernel" (K, K), "stride", "padding" (a number, "valid" or "same"),
    "dilation", "padding_mode", and the upstream gradient g = dL/dy on its output (h', w'):
    "upstream" "cell" (one output cell, "cell" {row, col}: L is that cell's value), "ones" (L = Σ y)
    or "map" (L = ½ Σ y², so g = y without its bias). The bias adds nothing to any of it.
    Returns [("upstream", g (h', w')), ("gradient", dL/dx (H, W)): g through the transposed
    convolution with the same kernel, stride, padding and dilation, the output padding that gives
    back (H, W)] and, with "check" on an image of up to MAX_PERTURBED_PIXELS, ("perturbed", (H, W)): the same
    gradient found without it, as Σ g · conv2d(e_ij) for a one-pixel image e_ij at every pixel (the
    layer is linear, so this is exact, and it honours the padding mode, which the transposed
    convolution does not: reflect, replicate and circular padding fold the border back).
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(layer["kernel"], dtype=np.float64)
    k, s, d = kernel.shape[0], layer.get("stride", 1), layer.get("dilation", 1)
    mode = layer.get("padding_mode", "zeros")
    forward = {"stride": s, "padding": layer.get("padding", 0), "dilation": d, "padding_mode": mode}
    y = ops.conv2d(image, kernel, **forward)
    upstream = layer.get("upstream", "cell")
    if upstream == "cell":
        g = np.zeros_like(y)
        cell = layer.get("cell", {"row": 0, "col": 0})
        g[min(max(cell["row"], 0), y.shape[0] - 1), min(max(cell["col"], 0), y.shape[1] - 1)] = 1.0
    elif upstream == "ones":
        g = np.ones_like(y)
    elif upstream == "map":
        g = y
    else:
        raise ValueError(f"the upstream gradient must be 'cell', 'ones' or 'map', not {upstream!r}")
    before, after = ops.pad_amounts(k, stride=s, padding=forward["padding"], dilation=d)
    # The uncropped transposed convolution, then the padding taken off: with before == after this is
    # ops.conv_transpose2d(g, kernel, stride=s, padding=before, output_padding=…, dilation=d); rows no
    # window reached (the ragged edge a stride leaves) get no gradient.
    full = ops.conv_transpose2d(g, kernel, stride=s, dilation=d)
    full = np.pad(full, ((0, max(0, before + image.shape[0] - full.shape[0])), (0, max(0, before + image.shape[1] - full.shape[1]))))
    stages = [("upstream", g), ("gradient", full[before:before + image.shape[0], before:before + image.shape[1]])]
    if layer.get("check") and image.size <= MAX_PERTURBED_PIXELS:
        perturbed = np.empty_like(image)
        one = np.zeros_like(image)
        for index in np.ndindex(image.shape):
            one[index] = 1.0
            perturbed[index] = np.sum(g * ops.conv2d(one, kernel, **forward))
            one[index] = 0.0
        stages.append(("perturbed", perturbed))
    return stages


def run_signal(settings, samples=None):
    """1-D mode: a signal through one conv1d layer, and what the layer does to frequencies.

    settings: "source" (a built-in signal's name, or "custom" for samples, (L,) at signals.RATE),
    "filter" {kind, taps, cutoff} (signals.filter_taps) or else "taps" (K,), "bias", "stride", "padding"
    (a number, "valid", "same" or "causal"), "dilation", and "stack": null or the dilations of a stack of
    causal 2-tap layers, whose reach is drawn beside it.
    Returns [(name, (1, n) or (B, F) array)]: "input" (1, L); "output" (1, L'); "response" (1, 257),
    |H| from 0 Hz to rate/2 (of the taps as they are, dilation spreading them); "taps" (1, K), the
    filter's; with a stack, "stack" (layers + 1, field) (signals.causal_stack_field); and, with "view"
    "spectrogram" and a signal of at least 256 samples, "input spectrogram" and "output spectrogram"
    (129, F) in dB. Other keys (the page's whole layer may come) are not read.
    """
    source = settings.get("source", "sine-noise")
    if source == "custom":
        if samples is None or len(samples) == 0:
            raise ValueError("there is no recording yet: record or upload one, or choose a built-in signal")
        x = np.asarray(samples, dtype=np.float64)
    else:
        x = signals.builtin(source)
    spec = settings.get("filter")
    taps = signals.filter_taps(spec["kind"], spec.get("taps", 31), spec.get("cutoff", 500.0)) if spec else \
        np.asarray(settings["taps"], dtype=np.float64)
    d = settings.get("dilation", 1)
    y = ops.conv1d(x, taps, stride=settings.get("stride", 1), padding=settings.get("padding", "same"),
                   dilation=d, bias=settings.get("bias", 0.0))
    spread = np.zeros(d * (taps.size - 1) + 1)
    spread[::d] = taps  # a dilated filter is the same filter with d − 1 zeros between its taps
    stages = [("input", x[None]), ("output", y[None]), ("response", signals.frequency_response(spread)[1][None]),
              ("taps", taps[None])]
    if settings.get("stack"):  # a causal stack's reach, drawn beside the layer: 2 taps a layer, as WaveNet
        stages.append(("stack", signals.causal_stack_field(settings["stack"], 2)[1]))
    # Only for a view that shows them (a strided output's frames are longer in time; its bins the same).
    if settings.get("view") == "spectrogram" and x.size >= 256 and y.size >= 256:
        stages += [("input spectrogram", signals.spectrogram(x)[2]), ("output spectrogram", signals.spectrogram(y)[2])]
    return stages
