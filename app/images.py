"""Uploaded file bytes -> a small square grayscale input image, with Pillow.

One entry point, decode(). It reads the bytes as hostile: size limits are
checked before anything is decompressed, only common raster formats are
tried, and every failure is a ValueError with a sentence a learner can read,
because the page shows these messages as they are.

Written for both Pillow 10.2 (Pyodide) and current Pillow (CPython): for
example a 16-bit grayscale PNG opens as mode "I" in the first and "I;16" in
the second, and both are handled.
"""
import io
import math
import re
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .ops import _check_int

# Formats tried, in this order. Leaving the rest out keeps exotic parsers (and
# EPS, which would run Ghostscript) away from uploaded bytes. Pillow builds
# that lack one (e.g. no AVIF in Pyodide) simply skip it.
FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF", "PPM", "AVIF")
_FORMAT_NAMES = "PNG, JPEG, GIF, BMP, WebP, TIFF or PPM"
# Modes whose samples do not fit 8 bits; they are scaled as numbers, not via "L".
_HIGH_DEPTH = ("I", "I;16", "I;16L", "I;16B", "I;16N", "F")


def decode(data, *, size=24, max_bytes=10_000_000, max_pixels=40_000_000, invert=False, color=False):
    """Decode an uploaded image file into a (size, size) float32 array in [0, 1].

    With color=True: (3, size, size), the red, green and blue channels.

    data: the file's bytes. 0 is black, 1 is white (or the reverse with
    invert=True, for a photo of dark ink on white paper). The picture is turned
    upright by its EXIF orientation, flattened onto white if transparent, made
    gray, cropped to its centred square and resampled (Lanczos) to size×size.
    Animated files give their first frame.

    size: output side in pixels, 8 to 512. max_bytes: largest file accepted.
    max_pixels: largest width×height accepted, checked from the header before
    any pixel is decoded (a small file can claim a huge image).
    """
    size = _check_int("the image size", size, 8, 512)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode() takes the file's bytes, not {type(data).__name__}")
    if len(data) == 0:
        raise ValueError("The file is empty.")
    if len(data) > max_bytes:
        raise ValueError(f"The file is {_amount(len(data))}; the limit is {_amount(max_bytes)}.")

    with warnings.catch_warnings():
        # Pillow warns (to stderr: the browser console) about images over its
        # own bomb limit and about damaged metadata it skips. Our own limit and
        # ValueError, or a picture, say all a learner needs.
        warnings.simplefilter("ignore")
        im = _open(bytes(data), max_pixels)
        pixels = _decode(im, size, color)
    return 1.0 - pixels if invert else pixels


def _decode(im, size, color=False):
    """Opened image -> (size, size) float32 in [0, 1]; any decoding failure -> ValueError."""
    try:
        # JPEG only (a no-op elsewhere): let libjpeg decode at 1/2, 1/4 or 1/8
        # scale when that still leaves at least size×size. A phone photo then
        # costs a fraction of the memory and time, which matters in WebAssembly.
        im.draft(None, (size, size))
        im.load()  # decode now, so a truncated or corrupt file fails here
        im = ImageOps.exif_transpose(im)
        return _to_pixels(im, size, color)
    except MemoryError:
        raise ValueError("This image is too large to decode in the memory available.") from None
    except Exception as e:  # hostile bytes can make any parser raise anything
        raise ValueError(f"This file is not an image Pillow can read ({_reason(e)}).") from None


def _open(data, max_pixels):
    """Image.open (which reads only the header) with our own pixel limit."""
    try:
        im = Image.open(io.BytesIO(data), formats=[f for f in FORMATS if f in _registered()])
    except Image.DecompressionBombError as e:  # over twice Pillow's limit: no image object to ask
        found = re.search(r"\((\d+) pixels\)", str(e))
        claimed = f"{int(found.group(1)) / 1e6:,.0f} million pixels" if found else "a huge size"
        raise ValueError(f"This image claims {claimed}; the limit is {max_pixels / 1e6:g} million "
                         "pixels.") from None
    except UnidentifiedImageError:
        raise ValueError(f"This file is not an image Pillow can read (it is not a {_FORMAT_NAMES} "
                         "file).") from None
    except Exception as e:
        raise ValueError(f"This file is not an image Pillow can read ({_reason(e)}).") from None
    w, h = im.size
    if w * h > max_pixels:
        raise ValueError(f"This image is {w}×{h} pixels ({w * h / 1e6:.1f} million); the limit is "
                         f"{max_pixels / 1e6:g} million pixels.")
    if w < 1 or h < 1:
        raise ValueError(f"This image has no pixels ({w}×{h}).")
    return im


def _amount(n):
    """A file size for people, rounded UP so a file over the limit never reads as equal to it."""
    return f"{math.ceil(n / 1e5) / 10:g} MB" if n >= 100_000 else f"{n:,} bytes"


def _registered():
    Image.init()  # loads every plugin once, so Image.OPEN lists what this build can read
    return Image.OPEN


def _to_pixels(im, size, color):
    """Loaded, upright image -> (size, size), or (3, size, size) with color, float32 in [0, 1] from its centred square."""
    w, h = im.size
    side = min(w, h)
    left, top = (w - side) // 2, (h - side) // 2
    # Crop first rather than resize(box=...): with a box, Pillow's filter still
    # reads pixels just outside it, so cut-off content would bleed into the edges.
    im = im.crop((left, top, left + side, top + side))

    if im.mode in _HIGH_DEPTH:
        # Keep the 16 bits: converting to "L" would clip at 255. "I" is what
        # Pillow 10 makes of a 16-bit PNG, so it is scaled like "I;16".
        a = np.asarray(im, dtype=np.float32)
        a = np.where(np.isfinite(a), a, 0.0)  # a float TIFF may hold NaN or inf
        if im.mode != "F":
            a = a / 65535.0
        if a.min() < 0 or a.max() > 1:  # some other range: stretch it to [0, 1]
            low, high = float(a.min()), float(a.max())
            a = (a - low) / (high - low) if high > low else np.zeros_like(a)
        small = Image.fromarray(a.astype(np.float32)).resize((size, size), Image.LANCZOS)
        gray = np.clip(np.asarray(small, dtype=np.float32), 0.0, 1.0)  # Lanczos overshoots edges
        return np.stack([gray] * 3) if color else gray

    if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
        # Flatten onto WHITE: transparent drawings (a signature, a digit drawn
        # in a paint app) are dark ink on nothing and would vanish on black,
        # and the browser showed the learner this file over a white page.
        rgba = im.convert("RGBA")
        im = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    if im.mode not in ("L", "RGB"):
        im = im.convert("RGB")  # "1", "P", "CMYK", "YCbCr", ... all reach "L" through RGB
    # reducing_gap: shrink big pictures by whole-pixel averaging first, then
    # Lanczos the rest of the way; same result to the eye, much faster.
    if color:
        small = im.convert("RGB").resize((size, size), Image.LANCZOS, reducing_gap=3.0)
        return np.asarray(small, dtype=np.float32).transpose(2, 0, 1) / 255.0
    small = im.convert("L").resize((size, size), Image.LANCZOS, reducing_gap=3.0)
    return np.asarray(small, dtype=np.float32) / 255.0


def _reason(e):
    """A short, page-safe reason from a Pillow exception (no object addresses)."""
    lines = str(e).splitlines()
    text = re.sub(r"<[^>]*>", "", lines[0] if lines else "")
    text = re.sub(r"\s*\([^()]*\)$", "", text).strip(" .:")  # "truncated (12 bytes not processed)"
    return text[:100] or type(e).__name__
