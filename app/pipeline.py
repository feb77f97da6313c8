"""The stages of one view: convolution, activation, pooling, a second convolution.

Takes plain settings (the page's state, snake_case) and an input image
(H, W) float in [0, 1]; returns the stages in the order they are drawn.
"""
import numpy as np

from . import ops

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
    if settings.get("compare"):
        s = geometry["stride"]
        resized = np.repeat(np.repeat(image, s, axis=0), s, axis=1)
        stages += [("resized", resized), ("resized output", ops.conv2d(
            resized, kernel, padding="same", dilation=geometry["dilation"], bias=settings.get("bias", 0.0)))]
    return stages
