"""Tests for app/ops.py against independent references, never against itself.

The references (tests/references.py) are written from the definitions, as
slowly and plainly as possible. SciPy is a second, outside opinion for
stride-1 correlation.

Sections follow app/ops.py: output_size / pad_amounts, pad, conv2d, pool2d,
relu / leaky_relu, receptive_field, then every ValueError path, then
property-based tests with hypothesis; then conv_transpose2d and conv1d, each
with its hand-checked cases, its reference and its properties.
"""
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import signal

from app.ops import (conv1d, conv1d_pad_amounts, conv2d, conv_transpose2d, leaky_relu, output_size, pad,
                     pad_amounts, pool2d, receptive_field, relu, stamp_counts, transposed_as_convolution,
                     transposed_output_size)
from references import (ref_conv1d, ref_conv2d, ref_conv2d_channels, ref_conv_error, ref_conv_matrix,
                        ref_conv_transpose2d, ref_count_windows, ref_pad, ref_pool2d, ref_same_pads,
                        ref_transposed_error)

MODES = ["zeros", "reflect", "replicate", "circular"]


def assert_readable(excinfo):
    """A message a learner can read: a plain sentence, no Python internals."""
    msg = str(excinfo.value)
    assert len(msg) > 15 and " " in msg, msg
    assert not re.search(r"<class|Traceback|ndarray|dtype", msg), msg
    assert msg[0].isalpha() and msg[-1] not in ",;:", msg


def raises(match, fn, *args, **kwargs):
    """pytest.raises(ValueError, match=...) plus the readability check."""
    with pytest.raises(ValueError, match=match) as excinfo:
        fn(*args, **kwargs)
    assert_readable(excinfo)
    return str(excinfo.value)


# --------------------------------------------------------------------------
# output_size and pad_amounts
# --------------------------------------------------------------------------

def test_classic_24_with_3x3_gives_22():
    """The textbook example: 24x24 input, 3x3 kernel, no padding -> 22x22."""
    assert output_size(24, 3) == 22
    assert conv2d(np.zeros((24, 24)), np.ones((3, 3))).shape == (22, 22)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 7])
@pytest.mark.parametrize("dilation", [1, 2, 3])
def test_same_padding_keeps_the_size(k, dilation):
    """'same' keeps the size for odd and even kernels, with or without dilation."""
    assert output_size(24, k, padding="same", dilation=dilation) == 24
    assert conv2d(np.ones((24, 13)), np.ones((k, k)), padding="same", dilation=dilation).shape == (24, 13)


@pytest.mark.parametrize("n,k,p,expected", [
    (24, 3, 0, 11),   # floor(21/2) + 1
    (24, 3, 1, 12),   # floor(23/2) + 1: "same-like" padding halves the size
    (7, 3, 0, 3),     # floor(4/2) + 1
    (8, 2, 0, 4),     # 2x2 stride 2 tiles the input
    (5, 5, 0, 1),
])
def test_stride_2_sizes(n, k, p, expected):
    """Stride 2 roughly halves the size, rounding down."""
    assert output_size(n, k, stride=2, padding=p) == expected
    assert conv2d(np.zeros((n, n)), np.zeros((k, k)), stride=2, padding=p).shape == (expected, expected)


@pytest.mark.parametrize("n,k,d,expected", [
    (24, 3, 2, 20),   # the 3x3 kernel spans 5x5
    (24, 3, 3, 18),   # spans 7x7
    (24, 5, 2, 16),   # spans 9x9
    (9, 3, 4, 1),     # spans exactly 9x9
])
def test_dilation_sizes(n, k, d, expected):
    """Dilation d stretches a k-tap kernel to span d(k-1)+1 pixels."""
    assert output_size(n, k, dilation=d) == expected
    assert conv2d(np.zeros((n, n)), np.zeros((k, k)), dilation=d).shape == (expected, expected)


@given(n=st.integers(1, 40), k=st.integers(1, 7), s=st.integers(1, 5),
       p=st.integers(0, 4), d=st.integers(1, 4))
@settings(max_examples=300, deadline=None)
def test_output_size_matches_the_formula(n, k, s, p, d):
    """floor((n + 2p - d(k-1) - 1)/s) + 1 when the dilated kernel fits, ValueError otherwise."""
    numerator = n + 2 * p - d * (k - 1) - 1
    if numerator < 0:
        with pytest.raises(ValueError, match="does not fit"):
            output_size(n, k, stride=s, padding=p, dilation=d)
    else:
        assert output_size(n, k, stride=s, padding=p, dilation=d) == numerator // s + 1


@given(h=st.integers(1, 14), w=st.integers(1, 14), k=st.integers(1, 5), s=st.integers(1, 4),
       p=st.one_of(st.integers(0, 3), st.sampled_from(["valid", "same"])), d=st.integers(1, 3))
@settings(max_examples=300, deadline=None)
def test_output_size_matches_the_actual_conv2d_shape(h, w, k, s, p, d):
    """What output_size predicts is the shape conv2d returns (and both refuse together)."""
    try:
        expected = (output_size(h, k, stride=s, padding=p, dilation=d),
                    output_size(w, k, stride=s, padding=p, dilation=d))
    except ValueError:
        with pytest.raises(ValueError):
            conv2d(np.ones((h, w)), np.ones((k, k)), stride=s, padding=p, dilation=d)
        return
    assert conv2d(np.ones((h, w)), np.ones((k, k)), stride=s, padding=p, dilation=d).shape == expected


@pytest.mark.parametrize("k,d,expected", [
    (1, 1, (0, 0)), (3, 1, (1, 1)), (5, 1, (2, 2)),
    (2, 1, (0, 1)), (4, 1, (1, 2)),          # even kernel: the extra pixel goes after
    (3, 2, (2, 2)), (2, 3, (1, 2)), (4, 3, (4, 5)),
])
def test_pad_amounts_same_follows_pytorch(k, d, expected):
    """'same' pads d(k-1) in total, split with the odd pixel after (PyTorch)."""
    assert pad_amounts(k, padding="same", dilation=d) == expected


def test_pad_amounts_valid_and_numbers():
    """'valid' means no padding; a number pads both sides equally."""
    assert pad_amounts(5, padding="valid") == (0, 0)
    assert pad_amounts(5, padding=3, stride=2) == (3, 3)
    assert pad_amounts(3, padding=np.int64(2)) == (2, 2)


# --------------------------------------------------------------------------
# pad
# --------------------------------------------------------------------------

def test_reflect_does_not_repeat_the_edge():
    """PyTorch 'reflect' mirrors about the edge pixel: [1 2 3] -> 3 2 | 1 2 3 | 2 1."""
    row = np.array([[1.0, 2.0, 3.0]])
    got = pad(np.repeat(row, 3, axis=0), ((0, 0), (2, 2)), mode="reflect")[0]
    np.testing.assert_array_equal(got, [3, 2, 1, 2, 3, 2, 1])


def test_hand_checked_padding_modes():
    """[1 2 3] padded by 2 on the left and right in each mode."""
    x = np.array([[1.0, 2.0, 3.0]] * 3)
    expected = {
        "zeros": [0, 0, 1, 2, 3, 0, 0],
        "reflect": [3, 2, 1, 2, 3, 2, 1],
        "replicate": [1, 1, 1, 2, 3, 3, 3],
        "circular": [2, 3, 1, 2, 3, 1, 2],
    }
    for mode, row in expected.items():
        np.testing.assert_array_equal(pad(x, ((0, 0), (2, 2)), mode=mode)[1], row, err_msg=mode)


@given(h=st.integers(1, 7), w=st.integers(1, 7), pads=st.tuples(*[st.integers(0, 7)] * 4),
       mode=st.sampled_from(MODES), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=300, deadline=None)
def test_pad_matches_index_arithmetic(h, w, pads, mode, seed):
    """pad() agrees with the loop-and-index reference in every mode where it is allowed."""
    top, bottom, left, right = pads
    image = np.random.default_rng(seed).standard_normal((h, w))
    too_big = (mode == "reflect" and (max(top, bottom) >= h or max(left, right) >= w)) or \
              (mode == "circular" and (max(top, bottom) > h or max(left, right) > w))
    if too_big:
        with pytest.raises(ValueError):
            pad(image, ((top, bottom), (left, right)), mode=mode)
    else:
        got = pad(image, ((top, bottom), (left, right)), mode=mode)
        np.testing.assert_array_equal(got, np.array(ref_pad(image, top, bottom, left, right, mode)))


# --------------------------------------------------------------------------
# conv2d: hand-checkable lessons
# --------------------------------------------------------------------------

KERNEL_3 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])


def test_impulse_gives_the_kernel_rotated_180_degrees():
    """Cross-correlation, not convolution: an impulse comes out as the kernel FLIPPED
    (rotated 180°). A true convolution (scipy.signal.convolve2d) would give the kernel
    as is; flipping the kernel first turns one into the other."""
    impulse = np.zeros((5, 5))
    impulse[2, 2] = 1.0
    out = conv2d(impulse, KERNEL_3, padding=1)
    np.testing.assert_array_equal(out[1:4, 1:4], KERNEL_3[::-1, ::-1])
    assert out.sum() == KERNEL_3.sum()
    true_conv = signal.convolve2d(impulse, KERNEL_3, mode="same")
    np.testing.assert_array_equal(true_conv[1:4, 1:4], KERNEL_3)
    np.testing.assert_allclose(conv2d(impulse, KERNEL_3[::-1, ::-1], padding=1), true_conv)


def test_kernel_slides_over_an_impulse_kernel():
    """The other way round: sliding an impulse KERNEL over an image copies the image
    (shifted by the impulse's offset): the kernel is not flipped."""
    image = np.arange(1.0, 26.0).reshape(5, 5)
    k = np.zeros((3, 3))
    k[0, 2] = 1.0    # top-right tap reads the pixel up-right of the window's corner
    np.testing.assert_array_equal(conv2d(image, k), image[0:3, 2:5])


@pytest.mark.parametrize("mode", MODES)
def test_identity_kernel_returns_the_image(mode):
    """A centred 1 in a 3x3 kernel with 'same' padding returns the image exactly, in any mode."""
    image = np.random.default_rng(0).standard_normal((6, 7))
    k = np.zeros((3, 3))
    k[1, 1] = 1.0
    np.testing.assert_array_equal(conv2d(image, k, padding="same", padding_mode=mode), image)
    np.testing.assert_array_equal(conv2d(image, np.ones((1, 1))), image)


def test_box_blur_conserves_the_sum_in_the_interior():
    """A 3x3 box blur (all 1/9) spreads each pixel over its 9 neighbours: a blob away
    from the border keeps its total, and a flat region stays flat."""
    image = np.zeros((10, 10))
    image[3:6, 4:7] = np.arange(1.0, 10.0).reshape(3, 3)
    out = conv2d(image, np.full((3, 3), 1 / 9), padding="same")
    assert out.sum() == pytest.approx(image.sum())
    flat = conv2d(np.full((6, 6), 7.0), np.full((3, 3), 1 / 9))
    np.testing.assert_allclose(flat, 7.0)


def test_sobel_x_on_a_vertical_step_edge():
    """Sobel-x on 0|1 columns: weights (1,2,1) x (right - left) = 4 where the window
    straddles the edge, 0 on either flat side."""
    image = np.zeros((5, 6))
    image[:, 3:] = 1.0
    sobel_x = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    out = conv2d(image, sobel_x)
    np.testing.assert_array_equal(out, np.tile([0.0, 4.0, 4.0, 0.0], (3, 1)))
    # The edge flipped (1|0) gives the negative numbers; Sobel-y sees nothing.
    np.testing.assert_array_equal(conv2d(1 - image, sobel_x), -out)
    np.testing.assert_array_equal(conv2d(image, sobel_x.T), np.zeros((3, 4)))


def test_bias_is_added_once_per_output_pixel():
    """bias shifts every output pixel by the same amount, padding or not."""
    image = np.random.default_rng(1).standard_normal((5, 5))
    k = np.random.default_rng(2).standard_normal((3, 3))
    np.testing.assert_allclose(conv2d(image, k, padding=1, bias=2.5), conv2d(image, k, padding=1) + 2.5)


def test_same_padding_with_an_even_kernel_pads_after():
    """2x2 'same': one pixel of padding after (bottom/right) only, so the tap at (0, 0)
    reads the image in place and the tap at (1, 1) reads it shifted up-left."""
    image = np.arange(1.0, 10.0).reshape(3, 3)
    top_left, bottom_right = np.zeros((2, 2)), np.zeros((2, 2))
    top_left[0, 0] = bottom_right[1, 1] = 1.0
    np.testing.assert_array_equal(conv2d(image, top_left, padding="same"), image)
    np.testing.assert_array_equal(conv2d(image, bottom_right, padding="same"),
                                  [[5, 6, 0], [8, 9, 0], [0, 0, 0]])


def test_integer_and_list_inputs_give_float64():
    """Any real input (ints, nested lists) is accepted; the result is float64."""
    out = conv2d([[1, 2], [3, 4]], np.ones((2, 2), dtype=np.int32))
    assert out.dtype == np.float64 and out.tolist() == [[10.0]]


# --------------------------------------------------------------------------
# conv2d against the naive loop and SciPy
# --------------------------------------------------------------------------

IMAGE_7x9 = np.random.default_rng(7).standard_normal((7, 9))


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", [0, 1, 2, "valid", "same"])
@pytest.mark.parametrize("dilation", [1, 2])
@pytest.mark.parametrize("bias", [0.0, -0.75])
def test_conv2d_matches_the_naive_loop(k, stride, padding, dilation, bias):
    """Many stride/padding/dilation/bias combinations against the quadruple loop."""
    kernel = np.random.default_rng(k).standard_normal((k, k))
    if padding == "same" and stride > 1:
        with pytest.raises(ValueError, match="'same'"):
            conv2d(IMAGE_7x9, kernel, stride=stride, padding=padding, dilation=dilation)
        return
    got = conv2d(IMAGE_7x9, kernel, stride=stride, padding=padding, dilation=dilation, bias=bias)
    want = ref_conv2d(IMAGE_7x9, kernel, stride, padding, dilation, bias)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("padding", [1, 2, "same"])
@pytest.mark.parametrize("k,dilation", [(3, 1), (2, 1), (3, 2), (4, 1)])
def test_padding_modes_match_index_arithmetic(mode, padding, k, dilation):
    """zeros / reflect / replicate / circular against padding built by index arithmetic."""
    kernel = np.random.default_rng(k + dilation).standard_normal((k, k))
    got = conv2d(IMAGE_7x9, kernel, padding=padding, dilation=dilation, padding_mode=mode)
    want = ref_conv2d(IMAGE_7x9, kernel, 1, padding, dilation, 0.0, mode)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


@pytest.mark.parametrize("shape,k", [((24, 24), 3), ((7, 9), 1), ((5, 12), 5), ((6, 6), 6), ((1, 8), 1)])
def test_conv2d_matches_scipy_correlate2d_valid(shape, k):
    """SciPy's correlate2d(mode='valid') is the same operation at stride 1, no padding."""
    rng = np.random.default_rng(sum(shape) + k)
    image, kernel = rng.standard_normal(shape), rng.standard_normal((k, k))
    np.testing.assert_allclose(conv2d(image, kernel), signal.correlate2d(image, kernel, mode="valid"),
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_conv2d_matches_scipy_full_same_and_wrap(k):
    """Zero padding k-1 is SciPy's 'full'; odd-kernel 'same' is SciPy's 'same';
    circular 'same' is SciPy's boundary='wrap'."""
    rng = np.random.default_rng(k)
    image, kernel = rng.standard_normal((8, 11)), rng.standard_normal((k, k))
    np.testing.assert_allclose(conv2d(image, kernel, padding=k - 1),
                               signal.correlate2d(image, kernel, mode="full"), atol=1e-12)
    np.testing.assert_allclose(conv2d(image, kernel, padding="same"),
                               signal.correlate2d(image, kernel, mode="same"), atol=1e-12)
    np.testing.assert_allclose(conv2d(image, kernel, padding="same", padding_mode="circular"),
                               signal.correlate2d(image, kernel, mode="same", boundary="wrap"), atol=1e-12)


def test_reflect_is_not_scipy_symmetric():
    """SciPy's 'symm' repeats the edge pixel; PyTorch's reflect does not: they differ."""
    image = np.arange(1.0, 26.0).reshape(5, 5)
    kernel = np.ones((3, 3))
    ours = conv2d(image, kernel, padding=1, padding_mode="reflect")
    symm = signal.correlate2d(image, kernel, mode="same", boundary="symm")
    np.testing.assert_allclose(ours[1:-1, 1:-1], symm[1:-1, 1:-1])   # interior agrees
    assert not np.allclose(ours, symm)                                # the border does not


# --------------------------------------------------------------------------
# pool2d
# --------------------------------------------------------------------------

def test_max_and_avg_pool_by_hand():
    """2x2 pool, stride 2, on a 4x4 map: the max and the mean of each quarter."""
    x = np.array([[1, 2, 5, 6], [3, 4, 7, 8], [-1, -2, 0, 0], [-3, -4, 0, 9.0]])
    np.testing.assert_array_equal(pool2d(x), [[4, 8], [-1, 9]])
    np.testing.assert_array_equal(pool2d(x, mode="avg"), [[2.5, 6.5], [-2.5, 2.25]])


def test_pool_drops_the_ragged_edge():
    """A 5x7 map with 2x2 pooling gives 2x3: the last row and column are dropped (floor)."""
    x = np.arange(35.0).reshape(5, 7)
    out = pool2d(x)
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(out, [[8, 10, 12], [22, 24, 26]])


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("shape", [(4, 4), (5, 7), (9, 3), (1, 6), (6, 1)])
@pytest.mark.parametrize("size,stride", [(1, None), (2, None), (3, None), (2, 1), (3, 2), (2, 3), (1, 2)])
def test_pool2d_matches_the_naive_loop(mode, shape, size, stride):
    """Several sizes and strides (overlapping, gapped) on odd shapes, against the loop."""
    x = np.random.default_rng(shape[0] * 10 + shape[1]).standard_normal(shape)
    if size > min(shape):
        with pytest.raises(ValueError, match="does not fit"):
            pool2d(x, size=size, stride=stride, mode=mode)
        return
    want = ref_pool2d(x, size, size if stride is None else stride, mode)
    np.testing.assert_allclose(pool2d(x, size=size, stride=stride, mode=mode), want, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------
# relu, leaky_relu
# --------------------------------------------------------------------------

def test_relu_and_leaky_relu():
    """relu clips negatives to 0; leaky keeps slope x them; both keep the shape."""
    x = np.array([[-2.0, -0.5, 0.0], [0.5, 3.0, -10.0]])
    np.testing.assert_array_equal(relu(x), [[0, 0, 0], [0.5, 3, 0]])
    np.testing.assert_allclose(leaky_relu(x), [[-0.2, -0.05, 0], [0.5, 3, -1.0]])
    np.testing.assert_allclose(leaky_relu(x, slope=0.5), [[-1, -0.25, 0], [0.5, 3, -5]])
    assert relu(x).shape == leaky_relu(x).shape == x.shape


# --------------------------------------------------------------------------
# receptive_field
# --------------------------------------------------------------------------

def conv_layer(size, stride=1, padding=0, dilation=1):
    return {"kind": "conv", "size": size, "stride": stride, "padding": padding, "dilation": dilation}


def pool_layer(size, stride=None):
    return {"kind": "pool", "size": size, "stride": size if stride is None else stride}


def rf_spec(chain):
    """The chain as receptive_field takes it (pools are stride-s, unpadded layers)."""
    return [{k: v for k, v in layer.items() if k != "kind"} for layer in chain]


def run_chain(image, chain, kernels):
    x = image
    for layer, kernel in zip(chain, kernels):
        if layer["kind"] == "conv":
            x = conv2d(x, kernel, stride=layer["stride"], padding=layer["padding"], dilation=layer["dilation"])
        else:
            x = pool2d(x, size=layer["size"], stride=layer["stride"], mode="avg")
    return x


def brute_force_influence(image_shape, chain, seed=0):
    """influence[r, c, i, j]: does input pixel (i, j) change output cell (r, c)?

    Random positive image, strictly positive kernels and average pooling: no
    cancellations, so a pixel changes a cell exactly when the cell reads it.
    A cell that does not read the pixel is computed from identical numbers in
    the identical order, so "changed" is an exact != test.
    """
    rng = np.random.default_rng(seed)
    image = rng.uniform(0.5, 1.5, image_shape)
    kernels = [rng.uniform(0.5, 1.5, (l["size"], l["size"])) if l["kind"] == "conv" else None for l in chain]
    base = run_chain(image, chain, kernels)
    influence = np.zeros(base.shape + image.shape, dtype=bool)
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            bumped = image.copy()
            bumped[i, j] += 1.0
            influence[:, :, i, j] = run_chain(bumped, chain, kernels) != base
    return influence


def bounding_box(mask):
    """(top, left, bottom, right) of the True pixels, inclusive; None when there are none."""
    rows, cols = np.nonzero(mask)
    if rows.size == 0:
        return None
    return rows.min(), cols.min(), rows.max(), cols.max()


def clip_box(box, shape):
    top, left, bottom, right = box
    top, left = max(top, 0), max(left, 0)
    bottom, right = min(bottom, shape[0] - 1), min(right, shape[1] - 1)
    return None if top > bottom or left > right else (top, left, bottom, right)


def box_size(box):
    top, left, bottom, right = box
    return bottom - top + 1, right - left + 1


def check_receptive_fields(image_shape, chain, seed=0):
    """Compare receptive_field with brute force for every output cell of the chain.

    - Always: every pixel that really influences the cell lies inside the box.
    - When the box lies inside the image: the box is exactly the bounding box of
      the influencing pixels (every cell on the way is real, not padding).
    - For stride-1, dilation-1 chains the read set has no gaps and nothing is
      dropped by rounding, so the box clipped to the image is exact for every
      cell that reads at least one real pixel. (A cell that reads nothing but
      padding depends on no input pixel, yet its geometric field, which treats
      padding cells of inner layers as if computed, may still overlap the
      image: see test_a_cell_of_pure_padding_depends_on_nothing.)
    Returns the number of cells compared exactly.
    """
    influence = brute_force_influence(image_shape, chain, seed)
    contiguous = all(l["stride"] == 1 and l.get("dilation", 1) == 1 for l in chain)
    exact = 0
    for r in range(influence.shape[0]):
        for c in range(influence.shape[1]):
            rf = receptive_field(rf_spec(chain), r, c)
            truth = bounding_box(influence[r, c])
            clipped = clip_box(rf, image_shape)
            if truth is not None:
                assert clipped is not None, (r, c, rf, truth)
                assert clipped[0] <= truth[0] and clipped[1] <= truth[1], (r, c, rf, truth)
                assert clipped[2] >= truth[2] and clipped[3] >= truth[3], (r, c, rf, truth)
            if clipped == rf:           # entirely inside the image
                assert truth == rf, (r, c, rf, truth)
                exact += 1
            elif contiguous and truth is not None:
                assert truth == clipped, (r, c, rf, truth)
                exact += 1
    return exact


def test_one_3x3_layer_sees_3x3():
    """One 3x3 conv: each output cell sees a 3x3 patch, starting at its own index."""
    assert receptive_field([{"size": 3}], 2, 4) == (2, 4, 4, 6)
    assert check_receptive_fields((7, 8), [conv_layer(3)]) > 0


def test_two_stacked_3x3_see_5x5():
    """Two stacked 3x3 convs see 5x5: why deep nets use small kernels."""
    chain = [conv_layer(3), conv_layer(3)]
    assert box_size(receptive_field(rf_spec(chain), 3, 3)) == (5, 5)
    assert check_receptive_fields((9, 9), chain) > 0


@pytest.mark.parametrize("layers", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_L_layers_see_1_plus_L_times_K_minus_1(layers, k):
    """L stacked KxK stride-1 layers see 1 + L(K-1) pixels across."""
    side = 1 + layers * (k - 1)
    assert box_size(receptive_field([{"size": k}] * layers, 0, 0)) == (side, side)


def test_L_layers_by_brute_force():
    """The same fact, measured: 3 stacked 3x3 layers, cell (0, 0) of a 9x9 input -> 7x7."""
    influence = brute_force_influence((9, 9), [conv_layer(3)] * 3)
    assert bounding_box(influence[0, 0]) == (0, 0, 6, 6)


def test_dilation_2_3x3_sees_5x5():
    """A 3x3 kernel with dilation 2 sees 5x5, but only 9 of those 25 pixels."""
    chain = [conv_layer(3, dilation=2)]
    assert box_size(receptive_field(rf_spec(chain), 0, 0)) == (5, 5)
    influence = brute_force_influence((7, 7), chain)
    assert bounding_box(influence[1, 1]) == (1, 1, 5, 5)
    assert influence[1, 1].sum() == 9
    check_receptive_fields((7, 7), chain)


def test_pool_after_conv_sees_4x4():
    """A 2x2 stride-2 pool after a 3x3 conv sees 4x4 (3 + 1 more for the second conv cell)."""
    chain = [conv_layer(3), pool_layer(2)]
    assert box_size(receptive_field(rf_spec(chain), 1, 1)) == (4, 4)
    assert receptive_field(rf_spec(chain), 1, 1) == (2, 2, 5, 5)
    assert check_receptive_fields((10, 10), chain) > 0


def test_padding_moves_the_field_outside_the_image():
    """With padding, corner cells read padding: the field starts at a negative index."""
    assert receptive_field([{"size": 3, "padding": 1}], 0, 0) == (-1, -1, 1, 1)
    assert receptive_field([{"size": 3, "padding": "same"}] * 2, 0, 0) == (-2, -2, 2, 2)
    check_receptive_fields((6, 6), [conv_layer(3, padding=1), conv_layer(3, padding="same")])


def test_strided_chain_grows_quickly():
    """Stride multiplies what later layers see: 3x3/s2 then 3x3 sees 7x7."""
    chain = [conv_layer(3, stride=2), conv_layer(3)]
    assert box_size(receptive_field(rf_spec(chain), 0, 0)) == (7, 7)
    assert check_receptive_fields((11, 11), chain) > 0


def test_a_cell_of_pure_padding_depends_on_nothing():
    """A 1x1 conv with padding 1 after a 2x2/s1 pool: output corner (0, 0) is a padding
    cell of the pool's map, so no input pixel changes it. receptive_field gives the
    geometric field (as if padding cells were computed), which still touches pixel (0, 0)."""
    chain = [pool_layer(2, 1), conv_layer(1, padding=1)]
    influence = brute_force_influence((5, 5), chain)
    assert bounding_box(influence[0, 0]) is None
    assert receptive_field(rf_spec(chain), 0, 0) == (-1, -1, 0, 0)
    assert bounding_box(influence[1, 1]) == receptive_field(rf_spec(chain), 1, 1) == (0, 0, 1, 1)


@st.composite
def layer_chains(draw):
    """Image shape plus 1-3 conv/pool layers; later layers are dropped if they stop fitting."""
    h, w = draw(st.integers(5, 10)), draw(st.integers(5, 10))
    chain, size = [], (h, w)
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            layer = pool_layer(draw(st.integers(1, 3)), draw(st.integers(1, 3)))
            span, pads = layer["size"], 0
        else:
            stride = draw(st.integers(1, 2))
            padding = draw(st.sampled_from([0, 1, 2, "valid", "same"] if stride == 1 else [0, 1, 2, "valid"]))
            layer = conv_layer(draw(st.integers(1, 3)), stride, padding, draw(st.integers(1, 2)))
            span = layer["dilation"] * (layer["size"] - 1) + 1
            pads = sum(ref_same_pads(layer["size"], layer["dilation"])) if padding == "same" else \
                0 if padding == "valid" else 2 * padding
        counts = [ref_count_windows(n + pads, span, layer["stride"]) for n in size]
        if min(counts) == 0:
            break
        chain.append(layer)
        size = tuple(counts)
    if not chain:    # the first layer always fits a 5x5 image; keep the type checker honest
        chain = [conv_layer(1)]
    return (h, w), chain, draw(st.integers(0, 1000))


@given(case=layer_chains())
@settings(max_examples=300, deadline=None)
def test_receptive_field_matches_brute_force(case):
    """Random conv/pool chains: receptive_field agrees with perturbing every input pixel."""
    shape, chain, seed = case
    check_receptive_fields(shape, chain, seed)


# --------------------------------------------------------------------------
# Every ValueError path, with its message
# --------------------------------------------------------------------------

def test_kernel_too_big_exact_messages():
    """The no-fit message names the kernel, its dilated span, the image and the padding."""
    msg = raises("does not fit", conv2d, np.zeros((24, 24)), np.zeros((5, 5)), dilation=6)
    assert msg == "kernel 5×5 with dilation 6 (it spans 25×25 pixels) does not fit a 24×24 input without padding"
    msg = raises("does not fit", conv2d, np.zeros((3, 3)), np.zeros((5, 5)))
    assert msg == "kernel 5×5 does not fit a 3×3 input without padding"
    msg = raises("does not fit", conv2d, np.zeros((2, 2)), np.zeros((7, 7)), padding=1)
    assert msg == "kernel 7×7 does not fit a 2×2 input with 2 pixels of padding in all"
    # 5x5 with dilation 3 spans 13 pixels: that DOES fit 24x24.
    assert conv2d(np.zeros((24, 24)), np.zeros((5, 5)), dilation=3).shape == (12, 12)


def test_kernel_too_big_names_the_real_non_square_image():
    """A 24x3 image must be described as 24x3, not as 3x3 (the narrow side)."""
    msg = raises("does not fit", conv2d, np.zeros((24, 3)), np.zeros((5, 5)))
    assert msg == "kernel 5×5 does not fit a 24×3 input without padding"
    msg = raises("does not fit", conv2d, np.zeros((3, 24)), np.zeros((5, 5)))
    assert msg == "kernel 5×5 does not fit a 3×24 input without padding"


def test_output_size_no_fit_message():
    raises(r"^kernel 3×3 with dilation 2 \(it spans 5×5 pixels\) does not fit a 4×4 input without padding$",
           output_size, 4, 3, dilation=2)


def test_non_square_kernel():
    raises(r"^the kernel must be square, got 3×2$", conv2d, np.zeros((5, 5)), np.zeros((3, 2)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_kernel_or_image(bad):
    """NaN or infinity anywhere in the kernel or image is refused."""
    k = np.ones((3, 3))
    k[1, 2] = bad
    raises(r"^the kernel holds a value that is not a finite number$", conv2d, np.ones((5, 5)), k)
    img = np.ones((5, 5))
    img[4, 0] = bad
    raises(r"^the image holds a value that is not a finite number$", conv2d, img, np.ones((3, 3)))
    raises(r"^the feature map holds a value that is not a finite number$", pool2d, img)


@pytest.mark.parametrize("bias", [np.inf, -np.inf, np.nan, float("inf")])
def test_non_finite_bias(bias):
    raises(r"^the bias must be a finite number$", conv2d, np.ones((5, 5)), np.ones((3, 3)), bias=bias)


def test_negative_padding():
    raises(r"^padding must be at least 0, not -1$", conv2d, np.ones((5, 5)), np.ones((3, 3)), padding=-1)
    raises(r"^padding must be at least 0, not -2$", output_size, 5, 3, padding=-2)


@pytest.mark.parametrize("padding", ["full", "SAME", ""])
def test_unknown_padding_string(padding):
    raises(r"^padding must be a number, 'valid' or 'same', not " + re.escape(repr(padding)) + "$",
           conv2d, np.ones((5, 5)), np.ones((3, 3)), padding=padding)


def test_same_padding_with_stride_2():
    """'same' only means "same size" at stride 1; the message says what to do instead."""
    msg = raises(r"^padding 'same' keeps the size only at stride 1, not stride 2; ",
                 conv2d, np.ones((8, 8)), np.ones((3, 3)), stride=2, padding="same")
    assert msg.endswith("give the padding as a number instead")


@pytest.mark.parametrize("name,kwargs", [
    ("stride", {"stride": 0}), ("stride", {"stride": -1}),
    ("dilation", {"dilation": 0}), ("dilation", {"dilation": -3}),
])
def test_stride_or_dilation_below_one(name, kwargs):
    value = next(iter(kwargs.values()))
    raises(rf"^{name} must be at least 1, not {value}$", conv2d, np.ones((5, 5)), np.ones((3, 3)), **kwargs)


@pytest.mark.parametrize("name,value", [
    (name, value) for name in ["stride", "dilation", "padding"] for value in [True, False, 1.5, 2.0, None]
] + [("stride", "2"), ("dilation", "2")])
def test_bool_float_or_other_non_integers(name, value):
    """Booleans and floats (even 2.0) are not whole numbers here (strings as padding are names)."""
    raises(rf"^{name} must be a whole number, not ", conv2d, np.ones((5, 5)), np.ones((3, 3)), **{name: value})


def test_numpy_integers_are_whole_numbers():
    """np.int64 arguments (e.g. from a slider array) are accepted."""
    out = conv2d(np.ones((6, 6)), np.ones((3, 3)), stride=np.int64(2), padding=np.int32(1), dilation=np.int8(1))
    assert out.shape == (3, 3)


def test_output_size_input_and_kernel_size():
    raises(r"^input size must be at least 1, not 0$", output_size, 0, 3)
    raises(r"^kernel size must be at least 1, not 0$", output_size, 5, 0)
    raises(r"^input size must be a whole number, not 5.0$", output_size, 5.0, 3)


@pytest.mark.parametrize("mode", ["mirror", "constant", "Zeros", ""])
def test_unknown_padding_mode(mode):
    pattern = r"^padding mode must be one of zeros, reflect, replicate, circular, not " + re.escape(repr(mode)) + "$"
    raises(pattern, conv2d, np.ones((5, 5)), np.ones((3, 3)), padding=1, padding_mode=mode)
    raises(pattern, pad, np.ones((5, 5)), ((1, 1), (1, 1)), mode=mode)


def test_unknown_padding_mode_is_refused_even_without_padding():
    """A typo in the mode is reported even when padding is 0 and the mode would not matter."""
    raises(r"^padding mode must be one of", conv2d, np.ones((5, 5)), np.ones((3, 3)), padding_mode="mirror")


def test_reflect_padding_as_big_as_the_input():
    """Reflect needs padding < size (PyTorch): a 3-pixel side can be reflected by at most 2."""
    conv2d(np.ones((3, 5)), np.ones((1, 1)), padding=2, padding_mode="reflect")
    raises(r"^reflect padding must be smaller than the input \(3×5\); use less padding or another mode$",
           conv2d, np.ones((3, 5)), np.ones((1, 1)), padding=3, padding_mode="reflect")
    raises(r"^reflect padding must be smaller than the input \(1×1\)",
           conv2d, np.ones((1, 1)), np.ones((3, 3)), padding="same", padding_mode="reflect")


def test_circular_padding_larger_than_the_input():
    """Circular allows padding up to the size (one full wrap), not more."""
    conv2d(np.ones((3, 4)), np.ones((1, 1)), padding=3, padding_mode="circular")
    raises(r"^circular padding cannot be larger than the input \(3×4\)$",
           conv2d, np.ones((3, 4)), np.ones((1, 1)), padding=4, padding_mode="circular")


@pytest.mark.parametrize("mode", ["min", "average", "MAX", None])
def test_unknown_pool_mode(mode):
    raises(r"^pooling mode must be 'max' or 'avg', not " + re.escape(repr(mode)) + "$",
           pool2d, np.ones((4, 4)), mode=mode)


def test_pool_bigger_than_the_map():
    raises(r"^a 3×3 pool does not fit a 2×5 feature map$", pool2d, np.ones((2, 5)), size=3)
    raises(r"^a 6×6 pool does not fit a 5×5 feature map$", pool2d, np.ones((5, 5)), size=6)


@pytest.mark.parametrize("kwargs,pattern", [
    ({"size": 0}, r"^pool size must be at least 1, not 0$"),
    ({"size": 2.0}, r"^pool size must be a whole number, not 2.0$"),
    ({"size": True}, r"^pool size must be a whole number, not True$"),
    ({"stride": 0}, r"^pool stride must be at least 1, not 0$"),
    ({"stride": 1.5}, r"^pool stride must be a whole number, not 1.5$"),
])
def test_bad_pool_size_or_stride(kwargs, pattern):
    raises(pattern, pool2d, np.ones((4, 4)), **kwargs)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0), (0,), (5,), (), (2, 3, 3), (1, 1, 4, 4)])
def test_empty_or_not_2d_arrays(shape):
    """Images, kernels and feature maps must be non-empty 2-D grids."""
    bad = np.zeros(shape)
    pattern = r"must be a non-empty 2-D grid of numbers, got shape " + re.escape(str(shape))
    if len(shape) == 3:  # an image with channels: then the weights must have channels too
        raises(r"^with channels the weights must be \(filters, channels per group, K, K\)", conv2d, bad, np.ones((1, 1)))
    else:
        raises("^the image " + pattern, conv2d, bad, np.ones((1, 1)))
    raises("^the kernel " + pattern, conv2d, np.ones((5, 5)), bad)
    raises("^the feature map " + pattern, pool2d, bad)


def test_receptive_field_rejects_bad_layers():
    """receptive_field validates each layer with the same readable messages."""
    raises(r"^kernel size must be at least 1, not 0$", receptive_field, [{"size": 0}], 0, 0)
    raises(r"^stride must be a whole number, not 1.0$", receptive_field, [{"size": 3, "stride": 1.0}], 0, 0)
    raises(r"^padding 'same' keeps the size only at stride 1", receptive_field,
           [{"size": 3, "stride": 2, "padding": "same"}], 0, 0)


# --------------------------------------------------------------------------
# Property: conv2d either refuses exactly when the reference says it must,
# or matches the naive loop
# --------------------------------------------------------------------------

@given(h=st.integers(1, 12), w=st.integers(1, 12), k=st.integers(1, 5), stride=st.integers(1, 4),
       padding=st.one_of(st.integers(0, 3), st.sampled_from(["valid", "same"])),
       dilation=st.integers(1, 3), mode=st.sampled_from(MODES),
       bias=st.floats(-10, 10, allow_nan=False), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=300, deadline=None)
def test_conv2d_refuses_or_matches_the_naive_loop(h, w, k, stride, padding, dilation, mode, bias, seed):
    rng = np.random.default_rng(seed)
    image, kernel = rng.standard_normal((h, w)), rng.standard_normal((k, k))
    reason = ref_conv_error(h, w, k, stride, padding, dilation, mode)
    if reason is not None:
        with pytest.raises(ValueError) as excinfo:
            conv2d(image, kernel, stride=stride, padding=padding, dilation=dilation, bias=bias, padding_mode=mode)
        assert_readable(excinfo)
        return
    got = conv2d(image, kernel, stride=stride, padding=padding, dilation=dilation, bias=bias, padding_mode=mode)
    want = ref_conv2d(image, kernel, stride, padding, dilation, bias, mode)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


@given(h=st.integers(1, 12), w=st.integers(1, 12), size=st.integers(1, 5),
       stride=st.one_of(st.none(), st.integers(1, 4)), mode=st.sampled_from(["max", "avg"]),
       seed=st.integers(0, 2**32 - 1))
@settings(max_examples=300, deadline=None)
def test_pool2d_refuses_or_matches_the_naive_loop(h, w, size, stride, mode, seed):
    x = np.random.default_rng(seed).standard_normal((h, w))
    if size > min(h, w):
        with pytest.raises(ValueError, match="does not fit"):
            pool2d(x, size=size, stride=stride, mode=mode)
        return
    want = ref_pool2d(x, size, size if stride is None else stride, mode)
    np.testing.assert_allclose(pool2d(x, size=size, stride=stride, mode=mode), want, rtol=0, atol=1e-9)


# --- channels and groups (PyTorch Conv2d semantics) -------------------------------------


@pytest.mark.parametrize("cin,cout,groups", [(1, 1, 1), (3, 2, 1), (3, 4, 1), (3, 3, 3), (4, 2, 2), (2, 4, 2)])
@pytest.mark.parametrize("stride,padding,dilation", [(1, 0, 1), (2, 1, 1), (1, "same", 2), (3, 2, 1)])
def test_channels_and_groups_match_the_loop_reference(cin, cout, groups, stride, padding, dilation):
    rng = np.random.default_rng(cin * 100 + cout * 10 + groups)
    image = rng.random((cin, 9, 11))
    weights = rng.integers(-3, 4, (cout, cin // groups, 3, 3)).astype(float)
    bias = rng.normal(size=cout)
    got = conv2d(image, weights, bias=bias, stride=stride, padding=padding, dilation=dilation, groups=groups)
    pad_n = padding if isinstance(padding, int) else dilation  # "same" for a 3×3 kernel
    expected = ref_conv2d_channels(image, weights, bias, stride, pad_n, dilation, groups)
    np.testing.assert_allclose(got, expected, atol=1e-9)


def test_depthwise_is_one_kernel_per_channel_and_a_scalar_bias_broadcasts():
    rng = np.random.default_rng(5)
    image, weights = rng.random((3, 8, 8)), rng.normal(size=(3, 1, 3, 3))
    got = conv2d(image, weights, groups=3, bias=0.5)
    for c in range(3):
        np.testing.assert_allclose(got[c], conv2d(image[c], weights[c, 0], bias=0.5), atol=1e-12)


def test_one_input_channel_behaves_as_the_2d_call():
    rng = np.random.default_rng(6)
    image, kernel = rng.random((10, 10)), rng.normal(size=(3, 3))
    np.testing.assert_array_equal(conv2d(image[None], kernel[None, None], bias=[0.25])[0],
                                  conv2d(image, kernel, bias=0.25))


@pytest.mark.parametrize("image_shape,weight_shape,kwargs,message", [
    ((3, 8, 8), (2, 2, 3, 3), {}, r"each filter needs 3 kernels"),
    ((3, 8, 8), (2, 3, 3, 3), {"groups": 2}, r"groups \(2\) must divide both the 3 input channels and the 2 filters"),
    ((3, 8, 8), (2, 3, 3), {}, r"weights must be \(filters, channels per group, K, K\)"),
    ((3, 8, 8), (2, 3, 3, 3), {"bias": [1.0, 2.0, 3.0]}, r"one finite number per filter \(2\)"),
    ((3, 4, 4), (2, 3, 5, 5), {}, r"kernel 5×5 does not fit a 4×4 input"),
])
def test_channel_errors_are_readable(image_shape, weight_shape, kwargs, message):
    with pytest.raises(ValueError, match=message):
        conv2d(np.zeros(image_shape), np.zeros(weight_shape), **kwargs)


def test_groups_need_channels():
    with pytest.raises(ValueError, match=r"groups needs an image with channels"):
        conv2d(np.zeros((5, 5)), np.zeros((3, 3)), groups=2)


# --------------------------------------------------------------------------
# conv_transpose2d: hand-checked, against the scatter loop, and as the
# transpose of conv2d's matrix (the definition that gives it its name)
# --------------------------------------------------------------------------

def test_each_input_pixel_stamps_the_kernel_and_overlaps_add():
    # 2×2 input, 3×3 ones, stride 2: four stamps at (0,0), (0,2), (2,0), (2,2) overlap in row/column 2.
    got = conv_transpose2d([[1, 2], [3, 4]], np.ones((3, 3)), stride=2)
    assert got.tolist() == [[1, 1, 3, 2, 2], [1, 1, 3, 2, 2], [4, 4, 10, 6, 6], [3, 3, 7, 4, 4], [3, 3, 7, 4, 4]]


def test_an_impulse_stamps_the_kernel_unflipped():
    kernel = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(conv_transpose2d([[1.0]], kernel), kernel)
    np.testing.assert_array_equal(conv_transpose2d([[0, 0], [0, 2]], kernel, stride=3)[3:, 3:], 2 * kernel)


def test_padding_crops_and_output_padding_adds_at_the_end():
    full = conv_transpose2d(np.ones((3, 3)), np.ones((3, 3)), stride=2)  # 7×7
    np.testing.assert_array_equal(conv_transpose2d(np.ones((3, 3)), np.ones((3, 3)), stride=2, padding=1), full[1:-1, 1:-1])
    with_op = conv_transpose2d(np.ones((3, 3)), np.ones((3, 3)), stride=2, padding=1, output_padding=1)
    assert with_op.shape == (6, 6)
    np.testing.assert_array_equal(with_op[:5, :5], full[1:-1, 1:-1])
    np.testing.assert_array_equal(with_op[5], full[6, 1:7])  # the row padding had cropped comes back


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("output_padding", [0, 1, 2])
@pytest.mark.parametrize("dilation", [1, 2])
def test_conv_transpose2d_matches_the_scatter_loop(k, stride, padding, output_padding, dilation):
    rng = np.random.default_rng(k * 100 + stride * 10 + padding)
    image, kernel = rng.standard_normal((4, 5)), rng.standard_normal((k, k))
    kwargs = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    if ref_transposed_error(4, k, stride, padding, output_padding, dilation):
        raises(r"output padding|crops away the whole output", conv_transpose2d, image, kernel, **kwargs)
        return
    got = conv_transpose2d(image, kernel, bias=0.5, **kwargs)
    np.testing.assert_allclose(got, ref_conv_transpose2d(image, kernel, stride, padding, output_padding, dilation, 0.5),
                               rtol=0, atol=1e-12)


def forward_then_back(n, k, s, p, d):
    """The output padding that brings a conv2d output of an n×n input back to n×n (None: no conv)."""
    span = d * (k - 1) + 1
    if n + 2 * p < span:
        return None
    return (n + 2 * p - span) % s


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 7), k=st.integers(1, 4), s=st.integers(1, 3), p=st.integers(0, 2), d=st.integers(1, 2),
       seed=st.integers(0, 2**16))
def test_conv_transpose2d_is_the_transpose_of_the_conv2d_matrix(n, k, s, p, d, seed):
    """Its name: multiplying by C.T, where C is conv2d's matrix, built from the reference on basis images."""
    op = forward_then_back(n, k, s, p, d)
    if op is None or op >= max(s, d):
        return
    rng = np.random.default_rng(seed)
    kernel = rng.standard_normal((k, k))
    matrix = ref_conv_matrix(n, n, kernel, s, p, d)
    m = ref_count_windows(n + 2 * p, d * (k - 1) + 1, s)
    grad = rng.standard_normal((m, m))
    got = conv_transpose2d(grad, kernel, stride=s, padding=p, output_padding=op, dilation=d)
    assert got.shape == (n, n)
    np.testing.assert_allclose(got.ravel(), matrix.T @ grad.ravel(), rtol=0, atol=1e-10)


@settings(max_examples=1000, deadline=None)
@given(h=st.integers(1, 5), w=st.integers(1, 5), k=st.integers(1, 4), s=st.integers(1, 4), p=st.integers(0, 4),
       op=st.integers(0, 3), d=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_conv_transpose2d_refuses_exactly_when_it_must_or_matches_the_loop(h, w, k, s, p, op, d, seed):
    rng = np.random.default_rng(seed)
    image, kernel = rng.integers(-3, 4, (h, w)).astype(float), rng.integers(-3, 4, (k, k)).astype(float)
    kwargs = dict(stride=s, padding=p, output_padding=op, dilation=d)
    if ref_transposed_error(h, k, s, p, op, d) or ref_transposed_error(w, k, s, p, op, d):
        raises(r"output padding|crops away the whole output", conv_transpose2d, image, kernel, **kwargs)
        return
    want = ref_conv_transpose2d(image, kernel, s, p, op, d)
    np.testing.assert_array_equal(conv_transpose2d(image, kernel, **kwargs), want)  # small integers: exact
    assert transposed_output_size(h, k, **kwargs) == want.shape[0]
    spread, flipped = transposed_as_convolution(image, kernel, **kwargs)
    np.testing.assert_array_equal(conv2d(spread, flipped, dilation=d), want)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 30), k=st.integers(1, 7), s=st.integers(1, 4), p=st.integers(0, 3), d=st.integers(1, 3))
def test_the_transposed_size_undoes_the_forward_size(n, k, s, p, d):
    """A conv2d from n, then the transposed layer with the right output_padding, gives n back."""
    op = forward_then_back(n, k, s, p, d)
    if op is None:
        return
    forward = output_size(n, k, stride=s, padding=p, dilation=d)
    if op >= max(s, d):
        raises("output padding", transposed_output_size, forward, k, stride=s, padding=p, output_padding=op, dilation=d)
    else:
        assert transposed_output_size(forward, k, stride=s, padding=p, output_padding=op, dilation=d) == n


def test_stamp_counts_show_the_checkerboard_of_stride_2_with_a_3x3_kernel():
    counts = stamp_counts(4, 4, 3, stride=2)
    assert counts.shape == (9, 9)
    assert counts[1:-1, 1:-1].tolist()[0][:4] == [1, 2, 1, 2]  # row 1: cells one stamp reaches, and two
    assert counts[2, 2] == 4 and counts[2, 3] == 2 and counts[3, 3] == 1
    assert set(np.unique(stamp_counts(4, 4, 3, stride=3))) == {1.0}  # stride = kernel: no overlap, no gaps
    assert set(np.unique(stamp_counts(4, 4, 4, stride=2)[2:-2, 2:-2])) == {4.0}  # k divisible by s: even


def test_with_channels_each_output_channel_sums_every_input_channel():
    rng = np.random.default_rng(11)
    image, weights, bias = rng.standard_normal((3, 4, 4)), rng.standard_normal((3, 2, 3, 3)), np.array([0.5, -1.0])
    got = conv_transpose2d(image, weights, stride=2, padding=1, output_padding=1, bias=bias)
    assert got.shape == (2, 8, 8)
    for o in range(2):
        want = sum(ref_conv_transpose2d(image[c], weights[c, o], 2, 1, 1) for c in range(3)) + bias[o]
        np.testing.assert_allclose(got[o], want, rtol=0, atol=1e-12)


@pytest.mark.parametrize("call,message", [
    (lambda: conv_transpose2d(np.ones((3, 3)), np.ones((3, 3)), stride=2, output_padding=2),
     r"^output padding 2 must be smaller than the stride \(2\) or the dilation \(1\)"),
    (lambda: conv_transpose2d(np.ones((2, 2)), np.ones((3, 3)), padding=2),
     r"^padding 2 crops away the whole output: the stamps of 2 input pixels cover 4, and padding takes 2 "
     r"from each end; use at most 1$"),
    (lambda: conv_transpose2d(np.ones((3, 3)), np.ones((3, 3)), padding="same"), r"padding as a number, not 'same'"),
    (lambda: conv_transpose2d(np.ones((3, 3)), np.ones((2, 3))), r"the kernel must be square, got 2×3"),
    (lambda: conv_transpose2d(np.ones((3, 3)), np.ones((3, 3)), bias=np.nan), r"the bias must be a finite number"),
    (lambda: conv_transpose2d(np.ones((2, 3, 3)), np.ones((3, 1, 3, 3))), r"3 input channels but the image has 2"),
    (lambda: conv_transpose2d(np.ones((2, 3, 3)), np.ones((2, 3, 3))), r"\(input channels, output channels, K, K\)"),
    (lambda: conv_transpose2d(np.ones((2, 3, 3)), np.ones((2, 2, 3, 3)), bias=[1, 2, 3]),
     r"one finite number per output channel \(2\)"),
    (lambda: transposed_as_convolution(np.ones((2, 2)), np.ones((3, 3)), stride=1, output_padding=1),
     r"output padding 1 must be smaller"),
])
def test_transposed_refusals_are_one_readable_sentence(call, message):
    with pytest.raises(ValueError, match=message) as excinfo:
        call()
    assert_readable(excinfo)


def test_as_a_convolution_inserts_zeros_pads_and_flips():
    spread, flipped = transposed_as_convolution([[1, 2], [3, 4]], [[1, 2], [3, 4]], stride=2)
    assert spread.tolist() == [[0, 0, 0, 0, 0], [0, 1, 0, 2, 0], [0, 0, 0, 0, 0], [0, 3, 0, 4, 0], [0, 0, 0, 0, 0]]
    assert flipped.tolist() == [[4, 3], [2, 1]]
    spread, _ = transposed_as_convolution(np.ones((5, 5)), np.ones((3, 3)), padding=3)  # more than d(k−1): crop
    assert spread.shape == (3, 3)


# --------------------------------------------------------------------------
# conv1d: a learned FIR filter
# --------------------------------------------------------------------------

def test_a_moving_average_and_a_causal_difference_by_hand():
    np.testing.assert_allclose(conv1d([3, 3, 3, 6, 6, 6], np.ones(3) / 3), [3, 4, 5, 6], rtol=0, atol=1e-12)
    assert conv1d([1, 2, 4, 8], [-1, 1], padding="causal").tolist() == [1, 1, 2, 4]  # x[t] − x[t−1], x[−1] = 0
    assert conv1d([1, 2, 3, 4, 5], [1, 0, 0], padding="same").tolist() == [0, 1, 2, 3, 4]
    assert conv1d([1, 2, 3, 4, 5, 6, 7], [1, 1], stride=2, dilation=3).tolist() == [5, 9]


@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", [0, 2, "valid", "same", "causal"])
@pytest.mark.parametrize("dilation", [1, 2, 4])
def test_conv1d_matches_the_loop(k, stride, padding, dilation):
    rng = np.random.default_rng(k * 10 + stride)
    signal, kernel = rng.standard_normal(17), rng.standard_normal(k)
    if padding == "same" and stride > 1:
        raises("'same'", conv1d, signal, kernel, stride=stride, padding=padding)
        return
    before, after = {"valid": (0, 0), "same": ref_same_pads(k, dilation),
                     "causal": (dilation * (k - 1), 0)}.get(padding, (padding, padding))
    want = ref_conv1d(signal, kernel, stride, before, after, dilation, 0.25)
    if len(want) == 0:
        raises("does not fit a signal of 17 samples", conv1d, signal, kernel, stride=stride, padding=padding, dilation=dilation)
        return
    np.testing.assert_allclose(conv1d(signal, kernel, stride=stride, padding=padding, dilation=dilation, bias=0.25),
                               want, rtol=0, atol=1e-12)


def test_conv1d_is_numpys_correlate_and_convolve_with_the_taps_reversed():
    rng = np.random.default_rng(3)
    signal, kernel = rng.standard_normal(40), rng.standard_normal(6)
    np.testing.assert_allclose(conv1d(signal, kernel), np.correlate(signal, kernel, "valid"), rtol=0, atol=1e-12)
    np.testing.assert_allclose(conv1d(signal, kernel[::-1]), np.convolve(signal, kernel, "valid"), rtol=0, atol=1e-12)


@settings(max_examples=300, deadline=None)
@given(length=st.integers(1, 20), k=st.integers(1, 5), d=st.integers(1, 4), t=st.integers(0, 19),
       seed=st.integers(0, 2**16))
def test_a_causal_output_never_sees_the_future(length, k, d, t, seed):
    """Changing sample t changes no output before t, and the output keeps the signal's length."""
    t = t % length
    rng = np.random.default_rng(seed)
    signal, kernel = rng.standard_normal(length), rng.standard_normal(k) + 3.0  # no zero taps
    before = conv1d(signal, kernel, padding="causal", dilation=d)
    signal[t] += 1.0
    after = conv1d(signal, kernel, padding="causal", dilation=d)
    assert before.shape == (length,)
    np.testing.assert_array_equal(after[:t], before[:t])
    assert after[t] != before[t]
    assert conv1d_pad_amounts(k, padding="causal", dilation=d) == (d * (k - 1), 0)


def test_conv1d_with_channels_sums_the_input_channels():
    rng = np.random.default_rng(8)
    signal, weights, bias = rng.standard_normal((2, 12)), rng.standard_normal((3, 2, 4)), np.array([1.0, 0.0, -1.0])
    got = conv1d(signal, weights, padding="causal", dilation=2, bias=bias)
    assert got.shape == (3, 12)
    for o in range(3):
        want = sum(ref_conv1d(signal[c], weights[o, c], 1, 6, 0, 2) for c in range(2)) + bias[o]
        np.testing.assert_allclose(got[o], want, rtol=0, atol=1e-12)


@pytest.mark.parametrize("call,message", [
    (lambda: conv1d(np.ones(4), np.ones(5)), r"^a kernel of 5 taps does not fit a signal of 4 samples without padding$"),
    (lambda: conv1d(np.ones(6), np.ones(3), dilation=3),
     r"^a kernel of 3 taps with dilation 3 \(it spans 7 samples\) does not fit a signal of 6 samples"),
    (lambda: conv1d(np.ones(6), np.ones(3), stride=2, padding="same"), r"'same' keeps the size only at stride 1"),
    (lambda: conv1d(np.ones(6), np.ones(3), padding="both"), r"padding must be a number, 'valid' or 'same'"),
    (lambda: conv1d(np.ones((6, 2, 1)), np.ones(3)), r"the signal must be a non-empty row of finite numbers"),
    (lambda: conv1d(np.ones(6), np.ones((3, 3))), r"the kernel must be a non-empty row"),
    (lambda: conv1d(np.array([1.0, np.inf]), np.ones(1)), r"the signal must be a non-empty row of finite numbers"),
    (lambda: conv1d(np.ones((2, 6)), np.ones((1, 3, 3))), r"\(filters, 2 channels, taps\)"),
    (lambda: conv1d(np.ones(6), np.ones(3), stride=0), r"stride must be at least 1, not 0"),
])
def test_conv1d_refusals_are_one_readable_sentence(call, message):
    with pytest.raises(ValueError, match=message) as excinfo:
        call()
    assert_readable(excinfo)


@settings(max_examples=1000, deadline=None)
@given(length=st.integers(1, 12), k=st.integers(1, 5), s=st.integers(1, 4), d=st.integers(1, 4),
       padding=st.one_of(st.integers(0, 4), st.sampled_from(["valid", "same", "causal"])), seed=st.integers(0, 2**16))
def test_conv1d_refuses_exactly_when_it_must_or_matches_the_loop(length, k, s, d, padding, seed):
    rng = np.random.default_rng(seed)
    signal, kernel = rng.integers(-3, 4, length).astype(float), rng.integers(-3, 4, k).astype(float)
    kwargs = dict(stride=s, padding=padding, dilation=d)
    if padding == "same" and s > 1:
        raises("'same' keeps the size only at stride 1", conv1d, signal, kernel, **kwargs)
        return
    before, after = {"valid": (0, 0), "same": ref_same_pads(k, d), "causal": (d * (k - 1), 0)}.get(padding, (padding, padding))
    want = ref_conv1d(signal, kernel, s, before, after, d)
    if want.size == 0:
        raises(f"does not fit a signal of {length} samples", conv1d, signal, kernel, **kwargs)
        return
    np.testing.assert_array_equal(conv1d(signal, kernel, **kwargs), want)  # small integers: exact
    if padding == "causal" and s == 1:
        assert want.size == length  # causal keeps the length, like same
