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
