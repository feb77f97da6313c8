"""The boundary between the page's web worker and the core.

The worker calls only these functions. They take and return plain values:
JSON strings for settings and metadata, flat float32 arrays for pixels. No
page object is kept here; the image buffer is filled in place (`assign_to`
on a JS typed array in Pyodide, a plain copy for anything array-like in
CPython) so a steady stream of edits allocates nothing for the input.
"""
import json

import numpy as np

from . import pipeline

_image = np.zeros((24, 24), dtype=np.float32)


def set_image(pixels, height, width):
    """Store the input image: pixels is a flat float32 buffer of height*width values in [0, 1]."""
    global _image
    height, width = int(height), int(width)
    if _image.shape != (height, width):
        _image = np.empty((height, width), dtype=np.float32)
    if hasattr(pixels, "assign_to"):  # a Pyodide JsBuffer: copy straight into NumPy memory
        pixels.assign_to(_image.reshape(-1))
    else:
        _image[...] = np.asarray(pixels, dtype=np.float32).reshape(height, width)


def compute(settings_json):
    """Run every stage on the stored image.

    settings_json: the page's settings as JSON (see pipeline.run).
    Returns (meta_json, data): meta has "stages": [{"name", "shape"}] in the
    order their values follow each other in data, a flat float32 array;
    or, for invalid settings, {"error": "<readable sentence>"} and an empty array.
    """
    try:
        stages = pipeline.run(_image, json.loads(settings_json))
    except ValueError as e:
        return json.dumps({"error": str(e)}), np.zeros(0, dtype=np.float32)
    meta = {"stages": [{"name": name, "shape": list(a.shape)} for name, a in stages]}
    data = np.empty(sum(a.size for _, a in stages), dtype=np.float32)
    offset = 0
    for _, a in stages:  # cast straight into the one float32 buffer the page receives
        data[offset:offset + a.size] = a.ravel()
        offset += a.size
    return json.dumps(meta), data


def decode_image(data, size):
    """An uploaded file's bytes → (meta_json, (size*size,) float32 pixels in [0, 1]).

    data: bytes, or a Pyodide JS buffer (converted with to_bytes). meta is
    {"height", "width"} or {"error": "<readable sentence>"} for a file that
    cannot be used. Pillow is imported here, on first upload, not at start-up.
    """
    from . import images
    if hasattr(data, "to_bytes"):
        data = data.to_bytes()
    try:
        pixels = images.decode(bytes(data), size=int(size))
    except ValueError as e:
        return json.dumps({"error": str(e)}), np.zeros(0, dtype=np.float32)
    return json.dumps({"height": pixels.shape[0], "width": pixels.shape[1]}), pixels.astype(np.float32).ravel()
