"""app.probes: the moves against Pillow and loops, every shift at once against one shift at a time, sweeps."""
import numpy as np
import pytest
from PIL import Image

from builder.digits import mnist_split
from app import network, probes


@pytest.fixture(scope="module")
def heldout():
    _, held = mnist_split()
    held = held[::20]  # 100 digits, 10 of each class
    return np.array([x for _, x in held], dtype=np.float32).reshape(-1, 24, 24), np.array([d for d, _ in held])


def test_a_shift_moves_every_pixel_and_lets_zeros_in():
    image = np.arange(1, 37, dtype=np.float32).reshape(6, 6)
    for dy, dx in [(2, -1), (-3, 4), (0, 0), (6, 0), (-1, -7)]:
        want = np.zeros_like(image)
        for r in range(6):
            for c in range(6):
                if 0 <= r - dy < 6 and 0 <= c - dx < 6:
                    want[r, c] = image[r - dy, c - dx]
        np.testing.assert_array_equal(probes.shift(image, dy, dx), want)


@pytest.mark.parametrize("angle", [5, -35, 60, 90, -120])
def test_a_turn_is_pillows_bilinear_rotate_inside_the_image(angle):
    # Pillow's rotate turns anticlockwise about the centre; near the border the two treat the pixels
    # outside differently (Pillow blends in its edge), so compare where every sample is inside.
    image = np.random.default_rng(angle % 7).random((24, 24)).astype(np.float32)
    pillow = np.asarray(Image.fromarray(image, mode="F").rotate(angle, resample=Image.BILINEAR))
    r, c = np.mgrid[0:24, 0:24]
    inside = (r - 11.5) ** 2 + (c - 11.5) ** 2 < 10 ** 2
    np.testing.assert_allclose(probes.transform(image, angle=angle)[inside], pillow[inside], atol=1e-6)


@pytest.mark.parametrize("factor", [0.5, 0.75, 1.3, 1.5])
def test_a_scaling_is_pillows_bilinear_affine_transform(factor):
    image = np.random.default_rng(1).random((24, 24)).astype(np.float32)
    inv = 1 / factor  # Pillow's affine maps each output pixel back to the input, centres at +0.5
    pillow = np.asarray(Image.fromarray(image, mode="F").transform(
        (24, 24), Image.AFFINE, (inv, 0, 12 - 12 * inv, 0, inv, 12 - 12 * inv), resample=Image.BILINEAR))
    np.testing.assert_allclose(probes.transform(image, scale=factor), pillow, atol=1e-6)


def test_a_quarter_turn_of_a_dot_above_the_centre_goes_left():
    image = np.zeros((5, 5), np.float32)
    image[0, 2] = 1
    assert np.argwhere(probes.transform(image, angle=90) > 0.5).tolist() == [[2, 0]]
    assert np.argwhere(probes.probe(image, dy=1, dx=3, angle=90) > 0.5).tolist() == [[3, 3]]


def test_every_shift_at_once_gives_what_shifting_one_at_a_time_gives(trained, heldout):
    images = heldout[0][:12]
    got = probes.shift_logits(trained, images, reach=8)
    assert got.shape == (17, 17, 12, 10)
    for dy in range(-8, 9, 3):
        for dx in range(-8, 9, 2):
            np.testing.assert_allclose(got[dy + 8, dx + 8], network.forward(trained, probes.shift(images, dy, dx)),
                                       rtol=1e-4, atol=1e-4)


def test_every_shift_at_once_with_strides_average_pooling_colour_and_a_padded_layer():
    # a stride-2 convolution and a 3/2 average pooling make several frames; the padded convolution
    # does not commute with a shift, so the frames end there and the rest runs on each window
    spec = {"classes": ["a", "b"], "input_shape": [3, 24, 24], "layers": [
        {"type": "conv2d", "weight": "c1w", "bias": "c1b", "stride": 2}, {"type": "relu"},
        {"type": "avgpool2d", "size": 3, "stride": 2},
        {"type": "conv2d", "weight": "c2w", "bias": "c2b", "padding": 1}, {"type": "flatten"},
        {"type": "linear", "weight": "fw", "bias": "fb"}]}
    rng = np.random.default_rng(2)
    model = network.from_spec(spec, {"c1w": rng.normal(size=(4, 3, 3, 3)), "c1b": rng.normal(size=4),
                                     "c2w": rng.normal(size=(2, 4, 3, 3)), "c2b": rng.normal(size=2),
                                     "fw": rng.normal(size=(2, 50)), "fb": rng.normal(size=2)})
    images = rng.random((3, 3, 24, 24)).astype(np.float32)
    got = probes.shift_logits(model, images, reach=5)
    for dy in range(-5, 6):
        for dx in range(-5, 6):
            np.testing.assert_allclose(got[dy + 5, dx + 5], network.forward(model, probes.shift(images, dy, dx)),
                                       rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kind", probes.SWEEPS)
def test_a_sweep_measured_a_part_at_a_time_is_the_accuracy_of_each_moved_set(trained, heldout, kind):
    images, labels = heldout
    sweep = probes.Sweep(kind, trained, images, labels, chunk=30)
    assert not sweep.advance(budget_s=0) and not sweep.done  # one part, then it hands back
    partial = sweep.accuracy()
    assert any(a is None for a in partial) or kind == "shift"
    while not sweep.advance(budget_s=0):
        pass
    got = sweep.accuracy()
    assert got[sweep.identity] == pytest.approx(network.accuracy(trained, images, labels))
    picks = {"shift": [(3, -5), (-8, 8)], "rotate": [-60, 25], "scale": [0.5, 1.25]}[kind]
    for cell in picks:
        moved = probes.shift(images, *cell) if kind == "shift" else \
            probes.transform(images, angle=cell) if kind == "rotate" else probes.transform(images, scale=cell)
        assert got[sweep.cells.index(cell)] == pytest.approx(network.accuracy(trained, moved, labels))


def test_a_digit_that_flips_is_right_as_it_is_and_wrong_where_it_flips(trained, heldout):
    images, labels = heldout
    sweep = probes.Sweep("rotate", trained, images, labels)
    while not sweep.advance():
        pass
    cell = sweep.cells.index(-60)
    flips = sweep.flips(cell)
    assert flips
    for i, answer in flips:
        assert network.forward(trained, images[i:i + 1]).argmax() == labels[i]
        turned = probes.transform(images[i:i + 1], angle=-60)
        assert network.forward(trained, turned).argmax() == answer != labels[i]


def test_a_sweep_measures_the_weights_it_started_with(trained, heldout):
    model = trained.copy()
    sweep = probes.Sweep("scale", model, *heldout)
    model.layers[0]["weight"][:] = 0  # an edit while the sweep runs
    while not sweep.advance():
        pass
    assert sweep.accuracy()[sweep.identity] == pytest.approx(network.accuracy(trained, *heldout))
    with pytest.raises(ValueError, match="a sweep is one of shift, rotate, scale, not 'tilt'"):
        probes.Sweep("tilt", model, *heldout)


# --- the effective receptive field ---------------------------------------------------------------

@pytest.mark.parametrize("layer, unit, box", [(0, (2, 10, 10), (10, 10, 12, 12)), (2, (0, 0, 10), (0, 20, 3, 23)),
                                              (3, (5, 4, 4), (8, 8, 15, 15)), (5, (1, 3, 0), (12, 0, 21, 9)),
                                              (7, (3, 0, 0), (0, 0, 23, 23))])
def test_the_theoretical_field_is_where_a_units_gradient_can_be_nonzero(trained, heldout, layer, unit, box):
    assert probes.field_box(trained, layer, *unit[1:]) == box
    top, left, bottom, right = box
    reached = np.zeros((24, 24), bool)
    for image in heldout[0][:40]:
        reached |= network.input_gradient(trained, image, layer, *unit) != 0
    inside = np.zeros((24, 24), bool)
    inside[top:bottom + 1, left:right + 1] = True
    assert not np.any(reached & ~inside)
    assert reached[inside].mean() > 0.5  # and it does reach into the box, on real digits


def test_the_pixels_holding_ninety_percent_are_the_largest_ones_counted():
    assert probes.pixels_holding(np.array([[5.0, 3.0], [1.0, 1.0]])) == 3  # 5 + 3 = 80%, + 1 = 90%
    assert probes.pixels_holding(np.array([[9.0, 1.0]])) == 1
    assert probes.pixels_holding(np.zeros((3, 3))) == 0
    assert probes.pixels_holding(np.ones((4, 4)), share=0.5) == 8


def test_the_mean_field_a_part_at_a_time_is_the_mean_of_every_digits_gradient(trained, heldout):
    images = heldout[0][:60]
    field = probes.FieldMean(trained, images, 3, 7, 2, 6, chunk=25)
    assert not field.advance(budget_s=0) and field.measured == 25
    while not field.advance(budget_s=0):
        pass
    one_by_one = np.mean([np.abs(network.input_gradient(trained, image, 3, 7, 2, 6)) for image in images], axis=0)
    np.testing.assert_allclose(field.mean(), one_by_one, rtol=1e-5, atol=1e-7)
