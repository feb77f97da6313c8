"""Tests for app/images.py. Every file is made here with Pillow (or by hand,
chunk by chunk, for PNG headers that lie); nothing is downloaded or stored.

Sections follow the module: what comes out (shape, dtype, range, size),
formats and modes, orientation and transparency, cropping and resizing, then
hostile input (every ValueError path) and the limits.
"""
import io
import warnings

import numpy as np
import pytest
from PIL import Image

from app.images import decode
from image_files import encode, lying_png


# Lanczos rings: near a sharp edge, flat areas come out a level (1/255) or so off.
RING = 1.5 / 255


def quadrant(side=32, mode="L", bright=255, dark=0):
    """A side×side image, dark except its top-left quadrant: tells every rotation and flip apart."""
    a = np.full((side, side), dark, dtype=np.uint8)
    a[:side // 2, :side // 2] = bright
    return Image.fromarray(a).convert(mode)


def halves(side, left, right, mode):
    """A side×side image, left half one colour, right half another."""
    im = Image.new(mode, (side, side), left)
    im.paste(right, (side // 2, 0, side, side))
    return im


def assert_sentence(message):
    """What the page shows: a capitalised sentence, no object reprs, addresses or echoed markup."""
    assert message[0].isupper() and message.endswith("."), message
    assert "<" not in message and "0x" not in message, message


def readable_error(data, match, **kwargs):
    with pytest.raises(ValueError, match=match) as info:
        decode(data, **kwargs)
    assert_sentence(str(info.value))
    return str(info.value)


def top_left_bright(x):
    """Which quadrant of a decoded quadrant() image is bright: 'tl', 'tr', 'bl' or 'br'."""
    h = x.shape[0] // 2
    means = {"tl": x[:h, :h], "tr": x[:h, h:], "bl": x[h:, :h], "br": x[h:, h:]}
    return max(means, key=lambda k: means[k].mean())


# --------------------------------------------------------------------------
# What comes out
# --------------------------------------------------------------------------

@pytest.mark.parametrize("size", [8, 24, 100, 512])
def test_shape_dtype_and_range(size):
    rng = np.random.default_rng(size)
    data = encode(Image.fromarray(rng.integers(0, 256, (70, 90), dtype=np.uint8)))
    x = decode(data, size=size)
    assert x.shape == (size, size) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() <= 1.0


def test_gray_png_at_the_output_size_is_returned_exactly():
    a = np.random.default_rng(1).integers(0, 256, (24, 24), dtype=np.uint8)
    np.testing.assert_array_equal(decode(encode(Image.fromarray(a))), a / np.float32(255))


def test_black_is_0_and_white_is_1():
    assert decode(encode(Image.new("L", (30, 30), 0))).max() == 0.0
    assert decode(encode(Image.new("L", (30, 30), 255))).min() == 1.0
    x = decode(encode(halves(40, 0, 255, "L")), size=8)
    np.testing.assert_allclose(x[:, :3], 0.0, atol=RING)
    np.testing.assert_allclose(x[:, 5:], 1.0, atol=RING)


def test_invert_swaps_black_and_white():
    data = encode(quadrant())
    np.testing.assert_allclose(decode(data, invert=True), 1.0 - decode(data))
    assert top_left_bright(decode(data, invert=True)) != "tl"


def test_accepts_bytearray_and_memoryview():
    data = encode(quadrant())
    expected = decode(data)
    np.testing.assert_array_equal(decode(bytearray(data)), expected)
    np.testing.assert_array_equal(decode(memoryview(data)), expected)


# --------------------------------------------------------------------------
# Formats and modes
# --------------------------------------------------------------------------

def test_rgb_jpeg_becomes_luminance():
    # Pure colours have known luma (ITU-R 601: 0.299 R + 0.587 G + 0.114 B).
    for colour, luma in [((255, 0, 0), 0.299), ((0, 255, 0), 0.587), ((0, 0, 255), 0.114)]:
        x = decode(encode(Image.new("RGB", (48, 48), colour), "JPEG", quality=95))
        np.testing.assert_allclose(x, luma, atol=0.02)


def test_large_jpeg_is_read_through_the_reduced_decode():
    # 1600×1600 lets libjpeg decode at 1/8 scale; the halves must still land right.
    im = Image.new("RGB", (1600, 1600), (255, 255, 255))
    im.paste((0, 0, 0), (0, 800, 1600, 1600))
    x = decode(encode(im, "JPEG", quality=90))
    np.testing.assert_allclose(x[:10], 1.0, atol=0.02)
    np.testing.assert_allclose(x[14:], 0.0, atol=0.02)


@pytest.mark.parametrize("value, expected", [(65535, 1.0), (32768, 0.5), (1000, 1000 / 65535)])
def test_16_bit_png_is_scaled_not_clipped(value, expected):
    im = Image.fromarray(np.full((30, 30), value, dtype=np.uint16))
    assert im.mode == "I;16"
    x = decode(encode(im))
    np.testing.assert_allclose(x, expected, atol=1e-4)


def test_16_bit_png_keeps_its_layout():
    a = np.random.default_rng(2).integers(0, 65536, (24, 24), dtype=np.uint16)
    np.testing.assert_allclose(decode(encode(Image.fromarray(a))), a / 65535, atol=1e-6)


def test_cmyk_jpeg():
    im = halves(32, (0, 0, 0, 255), (0, 0, 0, 0), "CMYK")  # full black ink | no ink
    x = decode(encode(im, "JPEG", quality=95), size=8)
    np.testing.assert_allclose(x[:, :3], 0.0, atol=0.03)
    np.testing.assert_allclose(x[:, 5:], 1.0, atol=0.03)


def test_one_bit_image():
    x = decode(encode(halves(32, 0, 1, "1")), size=8)
    np.testing.assert_allclose(x[:, :3], 0.0, atol=RING)
    np.testing.assert_allclose(x[:, 5:], 1.0, atol=RING)


@pytest.mark.parametrize("fmt", ["BMP", "GIF", "TIFF", "PPM", "WEBP"])
def test_other_formats(fmt):
    Image.init()
    if fmt == "WEBP" and fmt not in Image.SAVE:
        pytest.skip("this Pillow has no WebP")
    data = encode(quadrant(32, mode="RGB"), fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    x = decode(data)
    assert top_left_bright(x) == "tl"
    np.testing.assert_allclose(x[:8, :8], 1.0, atol=0.01)
    np.testing.assert_allclose(x[16:, 16:], 0.0, atol=0.01)


# --------------------------------------------------------------------------
# Orientation, transparency, animation
# --------------------------------------------------------------------------

@pytest.mark.parametrize("orientation, where", [(1, "tl"), (3, "br"), (6, "tr"), (8, "bl")])
def test_exif_orientation_is_applied(orientation, where):
    # The stored pixels are bright top-left; orientation 6 means "turn 90° clockwise
    # to show it", which brings that corner to the top-right; 8 turns it the other way.
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(quadrant(64, mode="RGB"), "JPEG", quality=95, exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()[0x0112] == orientation
    assert top_left_bright(decode(data)) == where


def test_exif_orientation_on_a_wide_photo_crops_the_upright_picture():
    # 60 wide × 20 tall, stored with a bright left third. Orientation 6 shows it
    # 20 wide × 60 tall with that third at the top, which the centred crop drops.
    im = Image.new("L", (60, 20), 0)
    im.paste(255, (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    x = decode(encode(im, "JPEG", quality=95, exif=exif.tobytes()), size=8)
    np.testing.assert_allclose(x, 0.0, atol=0.03)
    assert decode(encode(im, "JPEG", quality=95), size=8).max() < 0.05  # crop of the unrotated too
    # ...and the middle third, kept by both, is what we see; now make it bright.
    im.paste(255, (20, 0, 40, 20))
    np.testing.assert_allclose(decode(encode(im, "JPEG", quality=95, exif=exif.tobytes()), size=8),
                               1.0, atol=0.03)


def test_palette_png_transparency_is_flattened_onto_white():
    im = Image.new("P", (32, 32), 0)
    im.putpalette([0, 0, 0, 0, 0, 0])  # index 0 and 1 both black; 0 will be transparent
    im.paste(1, (16, 0, 32, 32))
    x = decode(encode(im, transparency=0), size=8)
    np.testing.assert_allclose(x[:, :3], 1.0, atol=RING)  # transparent black -> white background
    np.testing.assert_allclose(x[:, 5:], 0.0, atol=RING)  # opaque black stays black


def test_la_png_is_flattened_onto_white():
    im = Image.merge("LA", [Image.new("L", (32, 32), 0), halves(32, 0, 255, "L")])
    x = decode(encode(im), size=8)
    np.testing.assert_allclose(x[:, :3], 1.0, atol=RING)
    np.testing.assert_allclose(x[:, 5:], 0.0, atol=RING)


def test_rgba_png_half_transparent_black_is_mid_gray():
    x = decode(encode(Image.new("RGBA", (32, 32), (0, 0, 0, 128))))
    np.testing.assert_allclose(x, 127 / 255, atol=1 / 255)


def test_rgb_png_with_a_transparent_colour_is_flattened_onto_white():
    im = halves(32, (10, 20, 30), (0, 0, 0), "RGB")
    x = decode(encode(im, transparency=(10, 20, 30)), size=8)
    np.testing.assert_allclose(x[:, :3], 1.0, atol=RING)
    np.testing.assert_allclose(x[:, 5:], 0.0, atol=RING)


@pytest.mark.parametrize("fmt", ["GIF", "PNG"])
def test_animation_gives_its_first_frame(fmt):
    first, second = Image.new("L", (32, 32), 255), quadrant(32)
    data = encode(first, fmt, save_all=True, append_images=[second], duration=100, loop=0)
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 2
    np.testing.assert_array_equal(decode(data), 1.0)


# --------------------------------------------------------------------------
# Cropping and resizing
# --------------------------------------------------------------------------

def test_one_pixel_image_becomes_flat():
    x = decode(encode(Image.new("L", (1, 1), 100)))
    assert x.shape == (24, 24)
    np.testing.assert_array_equal(x, np.float32(100 / 255))


@pytest.mark.parametrize("width, height", [(4000, 3), (3, 4000)])
def test_very_wide_or_tall_image_keeps_its_middle(width, height):
    im = Image.new("L", (width, height), 0)
    mid = max(width, height) // 2
    im.paste(255, (mid - 2, 0, mid + 2, 3) if width > height else (0, mid - 2, 3, mid + 2))
    x = decode(encode(im), size=16)
    assert x.shape == (16, 16)
    np.testing.assert_array_equal(x, 1.0)  # the centred 3×3 square lies inside the bright band


def test_centred_crop_of_a_landscape_image():
    # 90×30: left, middle and right thirds are 0, 128, 255; only the middle survives.
    im = Image.new("L", (90, 30), 0)
    im.paste(128, (30, 0, 60, 30))
    im.paste(255, (60, 0, 90, 30))
    np.testing.assert_array_equal(decode(encode(im), size=10), np.float32(128 / 255))


def test_downsampling_is_antialiased():
    # A 1-pixel checkerboard averages to gray; sampling without a filter would give 0s and 1s.
    a = (np.indices((240, 240)).sum(axis=0) % 2 * 255).astype(np.uint8)
    x = decode(encode(Image.fromarray(a)))
    np.testing.assert_allclose(x, 0.5, atol=0.02)


# --------------------------------------------------------------------------
# Hostile input and limits
# --------------------------------------------------------------------------

def test_empty_bytes():
    assert readable_error(b"", "empty") == "The file is empty."


def test_random_bytes():
    noise = np.random.default_rng(3).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    readable_error(noise, r"^This file is not an image Pillow can read \(.+\)\.$")


def test_script_text_is_not_an_image_and_is_not_echoed():
    message = readable_error(b"<script>alert(1)</script>", "not an image Pillow can read")
    assert "script" not in message


def test_eps_is_refused_without_running_ghostscript():
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
    readable_error(eps, "not an image Pillow can read .*PNG, JPEG")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF"])
def test_file_truncated_to_half(fmt):
    noise = np.random.default_rng(4).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    data = encode(Image.fromarray(noise).convert("RGB" if fmt != "GIF" else "P"), fmt)
    readable_error(data[:len(data) // 2], r"^This file is not an image Pillow can read \(.+\)\.$")


def test_corrupt_png_data():
    data = bytearray(encode(quadrant(64)))
    data[60:80] = b"\xff" * 20  # inside the compressed data (the CRC now fails too)
    readable_error(bytes(data), "not an image Pillow can read")


def test_file_over_the_byte_limit():
    data = encode(Image.fromarray(np.random.default_rng(5).integers(0, 256, (20, 20), dtype=np.uint8)))
    message = readable_error(data, r"^The file is [\d,]+ bytes; the limit is 100 bytes\.$", max_bytes=100)
    assert f"{len(data):,} bytes" in message
    readable_error(b"\0" * 12_345_678, r"^The file is 12\.4 MB; the limit is 10 MB\.$")


def test_decompression_bomb_is_refused_before_decoding():
    # The header claims 8000×8000 but the data is garbage: decoding it would fail
    # with "not an image"; the size check must come first.
    message = readable_error(lying_png(8000, 8000), r"8000×8000 pixels \(64\.0 million\)")
    assert "the limit is 40 million pixels" in message


def test_real_bomb_small_file_large_image():
    data = encode(Image.new("L", (2000, 1000), 0), optimize=True)
    assert len(data) < 10_000
    readable_error(data, r"2000×1000 pixels \(2\.0 million\); the limit is 1 million", max_pixels=1_000_000)
    assert decode(data, max_pixels=2_000_000).max() == 0.0


def test_header_over_pillows_own_limits():
    pillow_limit = Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow's bomb warning (over ~89 M pixels) must not leak
        readable_error(lying_png(10_000, 10_000), r"10000×10000 pixels \(100\.0 million\)")
    # Over twice Pillow's limit Image.open itself refuses, with no size to read back but its message.
    readable_error(lying_png(100_000, 100_000), r"^This image claims 10,000 million pixels; the limit")
    assert Image.MAX_IMAGE_PIXELS == pillow_limit  # Pillow's global setting is left alone


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"])
def test_damaged_files_give_a_picture_or_a_sentence_and_nothing_else(fmt):
    # Every prefix and 200 files with 3 bytes changed: decode() must return a valid
    # array or raise a readable ValueError, and no Pillow warning may reach the console.
    Image.init()
    if fmt not in Image.SAVE:
        pytest.skip(f"this Pillow cannot write {fmt}")
    exif = Image.Exif()
    exif[0x0112] = 6
    im = Image.fromarray(np.random.default_rng(6).integers(0, 256, (16, 16, 3), dtype=np.uint8))
    data = encode(im.convert("P") if fmt == "GIF" else im, fmt,
                  **({"exif": exif.tobytes()} if fmt in ("PNG", "JPEG", "WEBP") else {}))
    rng = np.random.default_rng(7)
    damaged = [data[:n] for n in range(1, len(data))]
    for _ in range(200):
        b = bytearray(data)
        for i in rng.integers(0, len(b), 3):
            b[i] = rng.integers(0, 256)
        damaged.append(bytes(b))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for d in damaged:
            try:
                x = decode(d, size=8)
            except ValueError as e:
                assert_sentence(str(e))
            else:
                assert x.shape == (8, 8) and x.dtype == np.float32 and 0 <= x.min() <= x.max() <= 1
    assert not caught, [str(w.message) for w in caught[:3]]


@pytest.mark.parametrize("size", [7, 513, 0, -24, 24.0, "24", True, None])
def test_bad_size(size):
    with pytest.raises(ValueError, match="the image size must be"):
        decode(encode(quadrant()), size=size)


def test_not_bytes_is_a_programming_error():
    with pytest.raises(TypeError, match="bytes"):
        decode("picture.png")


def test_color_keeps_the_three_channels():
    """Channels mode: a red-left, blue-right picture keeps red on the left and blue on the right."""
    rgb = np.zeros((40, 40, 3), dtype=np.uint8)
    rgb[:, :20, 0] = 255
    rgb[:, 20:, 2] = 255
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG")
    out = decode(buffer.getvalue(), size=8, color=True)
    assert out.shape == (3, 8, 8) and out.dtype == np.float32
    assert out[0, :, :3].min() > 0.95 and out[0, :, 5:].max() < 0.05
    assert out[2, :, 5:].min() > 0.95 and out[1].max() < 0.05
    gray = decode(buffer.getvalue(), size=8)
    assert gray.shape == (8, 8)
