#!/usr/bin/env python3
"""Generate the built-in input images of Convolution Explorer.

This script documents how every file in images/ was made. It is run by hand,
not by the build; its output is committed. Run it from anywhere:

    python3 images/generate.py                    # (re)write the .pgm files
    python3 images/generate.py --preview /tmp/p   # also write 12x PNG previews

Requirements: Python 3.11, NumPy, Pillow (pip install numpy pillow).

Every image is written as a plain-text PGM:

    P2
    # title: <Human title>
    # note: <one short sentence>
    <width> <height>
    255
    <height lines of <width> integers separated by single spaces>

0 is black background, 255 is white "ink" (bright strokes on dark, like MNIST).
The Grace Hopper photo keeps its normal photographic polarity.

Everything is deterministic: the hand-drawn digits use fixed random seeds.
(Exact pixel values of the digits and of the photo depend on Pillow's
resampling code; the files in the repo were made with Pillow 13.0.0 and
NumPy 2.4.6.)

The photo comes from Pillow's own test suite: Tests/images/hopper.png in the
Pillow 10.2.0 source distribution from PyPI. If the sdist is not present at
--pillow-sdist, the script fetches it with
    pip download --no-binary :all: --no-deps pillow==10.2.0 -d <dir>
(only PyPI is needed) and checks the PNG's SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
SIZE = 24

PILLOW_VERSION = "10.2.0"
HOPPER_MEMBER = f"pillow-{PILLOW_VERSION}/Tests/images/hopper.png"
HOPPER_SHA256 = "dbdcb9a9f8ec2c54ff99e99636059bbd57194ed84e2cca5e53853aef293faf42"
# Square crop around the face in the 128x128 original: (left, top, right, bottom).
HOPPER_CROP = (24, 4, 104, 84)


# --------------------------------------------------------------------------
# PGM output
# --------------------------------------------------------------------------

def write_pgm(path: Path, pixels: np.ndarray, title: str, note: str) -> None:
    """Write a uint8 array as plain PGM (P2, maxval 255) with title/note."""
    a = np.asarray(pixels)
    assert a.ndim == 2 and a.dtype == np.uint8, (a.shape, a.dtype)
    for text in (title, note):
        assert "\n" not in text and text.isascii(), text
    h, w = a.shape
    lines = ["P2", f"# title: {title}", f"# note: {note}", f"{w} {h}", "255"]
    lines += [" ".join(str(int(v)) for v in row) for row in a]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def write_ppm(path: Path, rgb: np.ndarray, title: str, note: str) -> None:
    """Write a (h, w, 3) uint8 array as plain PPM (P3, maxval 255) with title/note: channels mode's colour images."""
    a = np.asarray(rgb)
    assert a.ndim == 3 and a.shape[2] == 3 and a.dtype == np.uint8, (a.shape, a.dtype)
    h, w, _ = a.shape
    lines = ["P3", f"# title: {title}", f"# note: {note}", f"{w} {h}", "255"]
    lines += [" ".join(str(int(v)) for v in row.ravel()) for row in a]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def to_u8(a: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------
# Handwritten digits
# --------------------------------------------------------------------------
# Each digit is a list of strokes; each stroke is a chain of cubic Bezier
# segments given as control points on a 240x240 canvas (y points down):
# [P0, C1, C2, P1, C1, C2, P2, ...]. The control points get a little random
# jitter, the pen width varies smoothly along the stroke, and the stroke is
# inked by stamping discs along the path (so ends and joins are round).

CANVAS = 240
FIT = 0.8   # design coordinates are drawn at 80 % size, leaving a margin


def bezier_chain(pts: np.ndarray, samples_per_seg: int = 400) -> np.ndarray:
    """Points along a chain of cubic Bezier segments (pts: (3n+1, 2))."""
    out = []
    t = np.linspace(0.0, 1.0, samples_per_seg)[:, None]
    for i in range(0, len(pts) - 1, 3):
        p0, p1, p2, p3 = pts[i:i + 4]
        seg = ((1 - t) ** 3) * p0 + 3 * ((1 - t) ** 2) * t * p1 \
            + 3 * (1 - t) * (t ** 2) * p2 + (t ** 3) * p3
        out.append(seg if i == 0 else seg[1:])
    return np.concatenate(out)


def resample_by_length(path: np.ndarray, step: float = 0.75) -> tuple[np.ndarray, np.ndarray]:
    """Resample a polyline at equal arc-length steps; return points and s in [0, 1]."""
    d = np.hypot(*np.diff(path, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(d)])
    n = max(2, int(s[-1] / step))
    si = np.linspace(0.0, s[-1], n)
    pts = np.stack([np.interp(si, s, path[:, 0]), np.interp(si, s, path[:, 1])], axis=1)
    return pts, si / s[-1]


def draw_stroke(draw: ImageDraw.ImageDraw, ctrl, rng: np.random.Generator,
                width: float, jitter: float) -> None:
    pts = np.asarray(ctrl, dtype=float)
    pts = pts + rng.normal(0.0, jitter, pts.shape)
    path, s = resample_by_length(bezier_chain(pts))
    # Pen pressure: a slow random wobble, slightly lighter at the very ends.
    k1, k2 = rng.uniform(1.0, 2.5), rng.uniform(3.0, 5.0)
    ph1, ph2 = rng.uniform(0, 2 * np.pi, 2)
    wobble = 1 + 0.14 * np.sin(2 * np.pi * k1 * s + ph1) + 0.07 * np.sin(2 * np.pi * k2 * s + ph2)
    taper = 0.82 + 0.18 * np.clip(np.minimum(s, 1 - s) / 0.08, 0, 1)
    radius = 0.5 * width * wobble * taper
    for (x, y), r in zip(path, radius):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=255)


def render_digit(strokes, seed: int, slant: float = 0.0, width: float = 28.0,
                 jitter: float = 3.0, blur: float = 3.5) -> np.ndarray:
    """Ink the strokes on a 240x240 canvas, blur, fit into 20x20, centre in 24x24.

    slant shears the control points (positive leans the digit to the right).
    """
    rng = np.random.default_rng(seed)
    img = Image.new("L", (CANVAS, CANVAS), 0)
    draw = ImageDraw.Draw(img)
    for stroke in strokes:
        pts = np.asarray(stroke, dtype=float)
        pts[:, 0] += slant * (CANVAS / 2 - pts[:, 1])
        # Shrink the design towards the centre so no ink touches the border.
        pts = CANVAS / 2 + (pts - CANVAS / 2) * FIT
        draw_stroke(draw, pts, rng, width * FIT, jitter * FIT)
    assert 0 < min(img.getbbox()) and max(img.getbbox()) < CANVAS, "ink clipped"
    img = img.filter(ImageFilter.GaussianBlur(blur * FIT))
    # MNIST style: the ink's bounding box is scaled (aspect kept) so that its
    # longer side is 20 px, then placed in the middle of the larger image.
    left, top, right, bottom = img.point(lambda v: 255 if v > 12 else 0).getbbox()
    w, h = right - left, bottom - top
    side = max(w, h)
    cx, cy = (left + right) / 2, (top + bottom) / 2
    square = img.crop((round(cx - side / 2), round(cy - side / 2),
                       round(cx + side / 2), round(cy + side / 2)))
    small = np.asarray(square.resize((20, 20), Image.LANCZOS), dtype=float)
    small = np.clip(small, 0, None)
    small[small < 10] = 0                      # no faint ringing in the background
    small *= 255.0 / small.max()               # use the full 0..255 range
    out = np.zeros((SIZE, SIZE))
    out[2:22, 2:22] = small
    return to_u8(out)


DIGIT3 = [[
    (56, 72), (70, 20), (160, 6), (170, 52),         # top arc
    (176, 92), (140, 110), (104, 116),               # into the middle
    (152, 112), (200, 138), (192, 182),              # lower bowl, bigger
    (184, 228), (96, 240), (50, 200),                # sweep back left
]]

DIGIT7 = [[
    (56, 50), (95, 44), (150, 40), (192, 32),        # top bar, a bit uphill
    (160, 92), (122, 150), (106, 220),               # long slanted stem
]]

DIGIT0 = [[
    (128, 26), (70, 22), (48, 116), (66, 178),       # left side, going down
    (84, 236), (156, 236), (176, 170),               # round the bottom
    (200, 100), (176, 24), (118, 30),                # up the right side
    (104, 32), (96, 40), (92, 50),                   # overshoot past the start
]]


# --------------------------------------------------------------------------
# Synthetic patterns (crisp, only 0 and 255, except the gradient)
# --------------------------------------------------------------------------

def vstripes() -> np.ndarray:
    x = np.arange(SIZE)
    row = np.where((x // 2) % 2 == 0, 255, 0)
    return np.tile(row, (SIZE, 1)).astype(np.uint8)


def hstripes() -> np.ndarray:
    return vstripes().T.copy()


def checker() -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    return np.where(((x // 3) + (y // 3)) % 2 == 0, 255, 0).astype(np.uint8)


def diagonal() -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    # Bright on and below the main diagonal (bottom-left), dark above it.
    return np.where(y >= x, 255, 0).astype(np.uint8)


def gradient() -> np.ndarray:
    row = to_u8(np.arange(SIZE) * 255.0 / (SIZE - 1))
    return np.tile(row, (SIZE, 1))


def shapes() -> np.ndarray:
    a = np.zeros((SIZE, SIZE), dtype=np.uint8)
    a[3:10, 3:10] = 255                              # filled 7x7 square, top left
    a[6, 14:21] = 255                                # plus sign, top right:
    a[3:10, 17] = 255                                #   arms 7 px long, 1 px wide
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    r = np.hypot(x - 11.5, y - 16.5)                 # ring, bottom middle
    a[np.abs(r - 5.0) < 0.75] = 255
    return a


# --------------------------------------------------------------------------
# Grace Hopper photo
# --------------------------------------------------------------------------

def load_hopper(sdist_dir: Path, mode: str = "L") -> Image.Image:
    tarball = sdist_dir / f"pillow-{PILLOW_VERSION}.tar.gz"
    if not tarball.exists():
        sdist_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:",
                        "--no-deps", f"pillow=={PILLOW_VERSION}", "-d", str(sdist_dir)],
                       check=True)
    with tarfile.open(tarball, "r:gz") as tf:
        data = tf.extractfile(HOPPER_MEMBER).read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != HOPPER_SHA256:
        raise SystemExit(f"hopper.png has unexpected SHA-256 {digest}")
    return Image.open(io.BytesIO(data)).convert(mode)


def hopper(photo: Image.Image, size: int) -> np.ndarray:
    face = photo.crop(HOPPER_CROP)
    return to_u8(np.asarray(face.resize((size, size), Image.LANCZOS), dtype=float))


# --------------------------------------------------------------------------

def build(sdist_dir: Path):
    """Return [(file name, pixels, title, note)] for every built-in image."""
    photo = load_hopper(sdist_dir)
    return [
        ("digit3.pgm", render_digit(DIGIT3, seed=3, slant=0.06), "Handwritten 3",
         "An MNIST-style digit: edge filters trace both sides of every stroke."),
        ("digit7.pgm", render_digit(DIGIT7, seed=7), "Handwritten 7",
         "A flat bar and a slanted stem: each edge filter finds a different part."),
        ("digit0.pgm", render_digit(DIGIT0, seed=10, slant=0.18), "Handwritten 0",
         "A closed loop: edges run all the way round and turn with the curve."),
        ("vstripes.pgm", vstripes(), "Vertical stripes",
         "Vertical-edge filters fire on every stripe; horizontal ones see nothing."),
        ("hstripes.pgm", hstripes(), "Horizontal stripes",
         "Horizontal-edge filters fire on every stripe; vertical ones see nothing."),
        ("checker.pgm", checker(), "Checkerboard",
         "Squares of 3x3 pixels: edges in both directions and corners everywhere."),
        ("diagonal.pgm", diagonal(), "Diagonal edge",
         "One diagonal boundary that both horizontal and vertical edge filters see."),
        ("gradient.pgm", gradient(), "Gradient",
         "A smooth ramp: blur leaves it unchanged; a left-right edge filter is constant."),
        ("shapes.pgm", shapes(), "Shapes",
         "A square, a ring and a plus: straight edges, curves, corners, thin lines."),
        ("hopper.pgm", hopper(photo, SIZE), "Grace Hopper",
         "A real photo at 24x24: edge filters outline the cap and the face."),
        ("hopper256.pgm", hopper(photo, 256), "Grace Hopper (256x256)",
         "The same photo at 256x256: small kernels now find fine detail."),
    ]


def write_previews(images, out_dir: Path, scale: int = 12) -> None:
    """PNG previews (24x24 images enlarged 12x, nearest neighbour) and all.png."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tile = SIZE * scale
    tiles = []
    for name, pixels, _title, _note in images:
        img = Image.fromarray(pixels)
        if img.width == SIZE:
            img = img.resize((tile, tile), Image.NEAREST)
        img.save(out_dir / (Path(name).stem + ".png"))
        tiles.append(img.resize((tile, tile), Image.LANCZOS) if img.width != tile else img)
    cols, pad = 4, 8
    rows = -(-len(tiles) // cols)
    sheet = Image.new("L", (cols * (tile + pad) + pad, rows * (tile + pad) + pad), 90)
    for i, t in enumerate(tiles):
        sheet.paste(t, (pad + (i % cols) * (tile + pad), pad + (i // cols) * (tile + pad)))
    sheet.save(out_dir / "all.png")


def color_shapes() -> np.ndarray:
    """A red square, a green disc, a blue bar and a yellow (red + green) patch on black."""
    a = np.zeros((SIZE, SIZE, 3), dtype=np.uint8)
    a[3:10, 3:10, 0] = 255
    yy, xx = np.mgrid[:SIZE, :SIZE]
    a[(yy - 6.5) ** 2 + (xx - 17.5) ** 2 <= 16, 1] = 255
    a[14:21, 3:6, 2] = 255
    a[14:21, 12:20, 0] = 255
    a[14:21, 12:20, 1] = 255
    return a


def build_color(sdist_dir: Path):
    photo = load_hopper(sdist_dir, "RGB").crop(HOPPER_CROP)
    face = np.asarray(photo.resize((SIZE, SIZE), Image.LANCZOS), dtype=float)
    return [
        ("hopper-color.ppm", np.clip(np.round(face), 0, 255).astype(np.uint8), "Grace Hopper (colour)",
         "Each filter adds up what its three kernels see in red, green and blue."),
        ("color-shapes.ppm", color_shapes(), "Colour shapes",
         "Red, green and blue shapes: a kernel on one channel sees only its own shapes; yellow is red plus green."),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=HERE, help="output directory (default: images/)")
    ap.add_argument("--pillow-sdist", type=Path, default=Path("/tmp/pillow-sdist"),
                    help="directory holding (or to receive) pillow-10.2.0.tar.gz")
    ap.add_argument("--preview", type=Path, help="also write 12x PNG previews and all.png here")
    args = ap.parse_args()

    images = build(args.pillow_sdist)
    for name, pixels, title, note in images:
        write_pgm(args.out / name, pixels, title, note)
        print(f"wrote {args.out / name}  {pixels.shape[1]}x{pixels.shape[0]}  {title}")
    for name, rgb, title, note in build_color(args.pillow_sdist):
        write_ppm(args.out / name, rgb, title, note)
        print(f"wrote {args.out / name}  {rgb.shape[1]}x{rgb.shape[0]}  {title}")
    if args.preview:
        write_previews(images, args.preview)
        print(f"previews in {args.preview}")


if __name__ == "__main__":
    main()
