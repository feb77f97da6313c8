"""app/pipeline.py: the stages of a view, each checked against app.ops and against each other."""
import numpy as np
import pytest

from app import ops, pipeline
from references import SOBEL_X, ref_conv2d, ref_conv_transpose2d

RNG = np.random.default_rng(3)
IMAGE = RNG.random((24, 24))


def test_every_stage_in_order():
    settings = {"kernel": SOBEL_X, "bias": 0.1, "activation": "relu", "pool": {"mode": "max", "size": 2},
                "layer2": {"kernel": [[0, 1, 0], [1, -4, 1], [0, 1, 0]], "padding": 1}}
    stages = dict(pipeline.run(IMAGE, settings))
    assert list(stages) == ["conv", "activation", "pool", "conv2"]
    np.testing.assert_array_equal(stages["conv"], ops.conv2d(IMAGE, SOBEL_X, bias=0.1))
    np.testing.assert_array_equal(stages["activation"], np.maximum(stages["conv"], 0))
    np.testing.assert_array_equal(stages["pool"], ops.pool2d(stages["activation"]))
    assert stages["conv2"].shape == (11, 11)


def test_leaky_relu_keeps_a_tenth_of_negatives():
    stages = dict(pipeline.run(IMAGE, {"kernel": SOBEL_X, "activation": "leaky_relu"}))
    conv = stages["conv"]
    np.testing.assert_allclose(stages["activation"], np.where(conv > 0, conv, 0.1 * conv))


def test_a_second_layer_that_does_not_fit_is_named():
    with pytest.raises(ValueError, match="^second layer: kernel 7×7 does not fit"):
        pipeline.run(IMAGE, {"kernel": SOBEL_X, "pool": {"mode": "max", "size": 4}, "layer2": {"kernel": np.ones((7, 7))}})


def test_unknown_activation_is_refused():
    with pytest.raises(ValueError, match="activation must be one of none, relu, leaky_relu"):
        pipeline.run(IMAGE, {"kernel": SOBEL_X, "activation": "tanh"})


COLOR = RNG.random((3, 12, 12))
KERNELS = RNG.integers(-2, 3, (2, 3, 3, 3)).tolist()


def test_a_colour_layer_adds_its_partial_maps_and_the_bias():
    stages = dict(pipeline.run_channels(COLOR, {"filters": [{"kernels": KERNELS[0], "bias": 0.5},
                                                            {"kernels": KERNELS[1], "bias": -1}], "padding": 1}))
    for f, bias in ((0, 0.5), (1, -1)):
        parts = [stages[f"partial {f} {c}"] for c in range(3)]
        for c in range(3):
            np.testing.assert_array_equal(parts[c], ops.conv2d(COLOR[c], KERNELS[f][c], padding=1))
        np.testing.assert_allclose(stages[f"output {f}"], sum(parts) + bias, atol=1e-12)


def test_a_depthwise_separable_layer_is_a_depthwise_then_a_pointwise():
    depthwise = KERNELS[0]
    pointwise = [[1, 0.5, -1], [0, 2, 1]]
    stages = dict(pipeline.run_channels(COLOR, {"separable": True, "depthwise": depthwise,
                                                "pointwise": pointwise, "biases": [0.25, 0]}))
    maps = [ops.conv2d(COLOR[c], depthwise[c]) for c in range(3)]
    for c in range(3):
        np.testing.assert_allclose(stages[f"depthwise {c}"], maps[c], atol=1e-12)
    for f in range(2):
        expected = sum(w * m for w, m in zip(pointwise[f], maps)) + [0.25, 0][f]
        np.testing.assert_allclose(stages[f"output {f}"], expected, atol=1e-12)


def test_the_separable_view_carries_the_standard_layer_it_replaces():
    filters = [{"kernels": KERNELS[0], "bias": 0.5}, {"kernels": KERNELS[1], "bias": 0}]
    stages = dict(pipeline.run_channels(COLOR, {"separable": True, "depthwise": KERNELS[0], "filters": filters,
                                                "pointwise": [[1, 1, 1], [0, 1, 0]], "biases": [0, 0]}))
    standard = ops.conv2d(COLOR, np.array(KERNELS), bias=[0.5, 0])
    for f in range(2):
        np.testing.assert_array_equal(stages[f"standard {f}"], standard[f])


def test_transposed_stages_show_one_layer_two_ways():
    grid = RNG.integers(-2, 3, (3, 4)).astype(float)
    settings = {"input": grid.tolist(), "kernel": SOBEL_X, "stride": 2, "padding": 1, "output_padding": 1,
                "dilation": 1, "bias": -0.5}
    stages = dict(pipeline.run_transposed(settings))
    assert list(stages) == ["output", "spread", "flipped", "counts"]
    np.testing.assert_array_equal(stages["output"], ref_conv_transpose2d(grid, SOBEL_X, 2, 1, 1, 1, -0.5))
    np.testing.assert_array_equal(ref_conv2d(stages["spread"], stages["flipped"]) - 0.5, stages["output"])
    assert stages["counts"].shape == stages["output"].shape


def test_resize_then_convolve_keeps_the_counts_even():
    """The comparison: nearest-neighbour upsampling by the stride, then a 'same' convolution at stride 1."""
    settings = {"input": [[1, 2], [3, 4]], "kernel": np.ones((3, 3)).tolist(), "stride": 2, "compare": True}
    stages = dict(pipeline.run_transposed(settings))
    assert stages["resized"].tolist() == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
    np.testing.assert_array_equal(stages["resized output"], ref_conv2d(stages["resized"], np.ones((3, 3)), padding=1))
    flat = dict(pipeline.run_transposed({**settings, "input": np.ones((4, 4)).tolist()}))
    assert set(np.unique(flat["resized output"][1:-1, 1:-1])) == {9.0}  # a flat input stays flat inside
    assert set(np.unique(flat["output"][1:-1, 1:-1])) == {1.0, 2.0, 4.0}  # the transposed one: a checkerboard


@pytest.mark.parametrize("layer", [
    {"stride": 1, "padding": 0}, {"stride": 2, "padding": 1}, {"stride": 3, "padding": "valid"},
    {"stride": 1, "padding": "same", "dilation": 2}, {"stride": 2, "padding": 2, "dilation": 2},
])
@pytest.mark.parametrize("upstream", ["cell", "ones", "map"])
def test_the_gradient_of_a_layer_is_the_transpose_of_its_matrix_applied_to_g(layer, upstream):
    """dL/dx = Cᵀ g, with C the layer's matrix built from the reference on basis images."""
    image = RNG.random((9, 8))
    kernel = RNG.integers(-2, 3, (3, 3)).astype(float)
    spec = {"kernel": kernel.tolist(), "upstream": upstream, "cell": {"row": 1, "col": 2}, "check": True, **layer}
    stages = dict(pipeline.gradient_stages(image, spec))
    y = ops.conv2d(image, kernel, stride=layer["stride"], padding=layer["padding"], dilation=layer.get("dilation", 1))
    one = np.zeros_like(y)
    one[min(1, y.shape[0] - 1), min(2, y.shape[1] - 1)] = 1  # the cell, kept inside a smaller map
    g = {"cell": one, "ones": np.ones_like(y), "map": y}[upstream]
    np.testing.assert_allclose(stages["upstream"], g, rtol=0, atol=1e-12)
    before = ops.pad_amounts(3, stride=layer["stride"], padding=layer["padding"], dilation=layer.get("dilation", 1))
    matrix = ref_conv_matrix_padded(image.shape, kernel, layer["stride"], before, layer.get("dilation", 1))
    want = (matrix.T @ g.ravel()).reshape(image.shape)
    np.testing.assert_allclose(stages["gradient"], want, rtol=0, atol=1e-9)
    np.testing.assert_allclose(stages["perturbed"], want, rtol=0, atol=1e-9)


def ref_conv_matrix_padded(shape, kernel, stride, pads, dilation):
    """conv2d's matrix with (before, after) zero padding, from the loop reference on basis images."""
    h, w = shape
    columns = []
    for index in range(h * w):
        basis = np.zeros(h * w)
        basis[index] = 1.0
        padded = np.pad(basis.reshape(h, w), (pads, pads))
        columns.append(ref_conv2d(padded, kernel, stride, 0, dilation).ravel())
    return np.stack(columns, axis=1)


def test_with_reflect_padding_the_check_sees_the_border_fold_back():
    image = RNG.random((6, 6))
    spec = {"kernel": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]], "padding": 1, "padding_mode": "reflect",
            "upstream": "ones", "check": True}
    stages = dict(pipeline.gradient_stages(image, spec))
    difference = np.abs(stages["gradient"] - stages["perturbed"])
    assert difference[2:-2, 2:-2].max() < 1e-12 and difference.max() > 1  # inside equal, the border not
    assert "perturbed" not in dict(pipeline.gradient_stages(image, {**spec, "check": False}))
    assert "perturbed" not in dict(pipeline.gradient_stages(np.zeros((65, 64)), {**spec, "padding_mode": "zeros"}))


def test_an_upstream_gradient_that_does_not_exist_is_named():
    with pytest.raises(ValueError, match="^the upstream gradient must be 'cell', 'ones' or 'map', not 'all'$"):
        pipeline.gradient_stages(np.zeros((5, 5)), {"kernel": [[1]], "upstream": "all"})


def test_a_signal_through_a_conv1d_layer_with_its_response_and_spectrograms():
    from app import signals
    taps = signals.lowpass(15, 800).tolist()
    stages = dict(pipeline.run_signal({"source": "chirp", "taps": taps, "padding": "same", "bias": 0.5, "view": "spectrogram"}))
    x = signals.builtin("chirp")
    np.testing.assert_array_equal(stages["input"], x[None])
    np.testing.assert_allclose(stages["output"][0], np.convolve(x, taps[::-1], "same") + 0.5, rtol=0, atol=1e-12)
    np.testing.assert_allclose(stages["response"][0], signals.frequency_response(taps)[1], rtol=0, atol=1e-12)
    assert stages["input spectrogram"].shape == stages["output spectrogram"].shape == (129, 61)
    # Dilation spreads the same taps: its response is the undilated one at d times the frequency.
    dilated = dict(pipeline.run_signal({"source": "step", "taps": [0.5, 0.5], "dilation": 4, "padding": "causal"}))
    freqs = np.linspace(0, signals.RATE / 2, 257)
    np.testing.assert_allclose(dilated["response"][0], np.abs(np.cos(np.pi * freqs * 4 / signals.RATE)), atol=1e-12)
    assert dilated["output"].shape == (1, signals.RATE)


def test_a_recording_goes_through_as_it_is_and_its_absence_is_named():
    samples = np.sin(np.arange(300) / 5)
    stages = dict(pipeline.run_signal({"source": "custom", "taps": [1.0], "padding": 0}, samples))
    np.testing.assert_allclose(stages["output"][0], samples, rtol=0, atol=1e-12)
    short = dict(pipeline.run_signal({"source": "custom", "taps": [1.0, 1.0], "stride": 2, "padding": 0, "view": "spectrogram"},
                                      samples[:100]))
    assert short["output"].shape == (1, 50) and "input spectrogram" not in short
    with pytest.raises(ValueError, match="^there is no recording yet"):
        pipeline.run_signal({"source": "custom", "taps": [1.0]})
