"""The settings manifest, static/settings.json, read by Python. Standard library only.

The page reads the same file (static/core/settings.js): its defaults, checks, link reader and writer and
Embed dialog all come from it. Here it gives the lesson pages their check (a lesson's view must open as
written: every key known, every value readable) and the tests their reading of a link. read_link reads a
fragment as the page's reader does (static/core/url.js readFragment), with the same notices; a browser
test holds the two readers to the same answers.
"""
import base64
import json
import math
import re
from pathlib import Path
from urllib.parse import parse_qsl

from builder import ROOT

MANIFEST = ROOT / "static" / "settings.json"
MODES = ROOT / "static" / "modes"


def load(path=MANIFEST, modes=MODES):
    """The manifest as a dict; a "mode" setting's options are the mode folders (static/modes/<id>/)."""
    manifest = json.loads(Path(path).read_text())
    ids = sorted(p.name for p in Path(modes).iterdir() if p.is_dir())
    for spec in manifest["settings"].values():
        if spec["type"] == "mode":
            spec["options"] = ids
    return manifest


def defaults(manifest):
    """{setting: default}: the state of a link with no settings (getState()'s, results aside)."""
    return {key: json.loads(json.dumps(spec["default"])) for key, spec in manifest["settings"].items()}


def link_keys(manifest):
    """Every key an explorer link may hold: each setting's, the drawing's (px) and the version (v)."""
    return {"v", manifest["pixels"]["link"], *(spec["link"] for spec in manifest["settings"].values())}


def listed(options):
    """"a, b or c" as the page's messages list choices (static/core/state.js listed)."""
    head = ", ".join(options[:-1])
    return f"{'one of ' if len(options) > 2 else ''}{head} or {options[-1]}"


class Unreadable(ValueError):
    """A link value that does not parse; the message is what was expected, as a noun phrase."""


def _int(text, lo, hi):
    if not re.fullmatch(r"\d+", text) or not lo <= int(text) <= hi:
        raise Unreadable(f"a whole number from {lo} to {hi}")
    return int(text)


def _one_of(text, options):
    if text not in options:
        raise Unreadable(listed(options))
    return text


def _kernel_expected(limits):
    return (f"1 to {limits['kernelSide'] ** 2} numbers separated by commas, "
            "a square count such as 9 for a 3×3 kernel")


def _kernel(text, limits):
    try:
        values = [_number(t) for t in text.split(",")]
    except Unreadable:
        values = [math.nan]
    k = math.isqrt(len(values))
    if k * k != len(values) or not 1 <= k <= limits["kernelSide"] or not all(map(math.isfinite, values)):
        raise Unreadable(_kernel_expected(limits))
    return [values[r * k:(r + 1) * k] for r in range(k)]


def _number(text):
    """As JavaScript's Number(text), for the texts a link holds (Python also reads 1_000 and nan)."""
    try:
        v = float(text) if "_" not in text else math.nan
    except ValueError:
        v = math.nan
    if not text.strip() or not math.isfinite(v):
        raise Unreadable("a number")
    return v


def _pattern(text, spec):
    if not re.fullmatch(spec["pattern"].strip("^$"), text):
        raise Unreadable(spec["expected"])
    return text


def _padding(text, spec):
    if text in ("valid", "same"):
        return text
    if re.fullmatch(r"\d+", text) and int(text) <= spec["max"]:
        return int(text)
    raise Unreadable(f"valid, same or a whole number from 0 to {spec['max']}")


def _pool(text, spec):
    if text == "none":
        return None
    lo, hi, options = spec["min"], spec["max"], spec["options"]
    try:
        mode, size, stride = (text.split(".") + [None, None])[:3]
        size = size if size is not None else "2"
        return {"mode": _one_of(mode, options), "size": _int(size, lo, hi),
                "stride": _int(stride if stride is not None else size, lo, hi)}
    except Unreadable:
        raise Unreadable(f"none or mode.size.stride, like max.2.2 (mode {' or '.join(options)}, "
                         f"size and stride {lo} to {hi})") from None


def _layer2(text, limits):
    if text == "none":
        return None
    try:
        return {"kernel": _kernel(text, limits)}
    except Unreadable:
        raise Unreadable(f"none or {_kernel_expected(limits)}") from None


def _window(text):
    m = re.fullmatch(r"(-?\d{1,3}),(-?\d{1,3})", text)
    if not m:
        raise Unreadable("the window's row and column, two whole numbers like 5,7")
    return {"row": int(m[1]), "col": int(m[2])}


def _object(text, spec):
    try:
        return json.loads(text)
    except ValueError:
        raise Unreadable(spec["expected"]) from None


def _pixels(text, limits):
    """px=HxW.base64url of 8-bit pixels → H rows of W values in [0, 1]."""
    expected = (f"a drawing of at most {limits['linkPixels']} pixels written as HxW.base64, "
                "with exactly H×W pixels")
    m = re.fullmatch(r"(\d{1,2})x(\d{1,2})\.([A-Za-z0-9_-]+)", text)
    if not m:
        raise Unreadable(expected)
    h, w = int(m[1]), int(m[2])
    try:
        raw = base64.urlsafe_b64decode(m[3] + "=" * (-len(m[3]) % 4))
    except ValueError:
        raise Unreadable(expected) from None
    if h < 1 or w < 1 or h * w > limits["linkPixels"] or len(raw) != h * w:
        raise Unreadable(expected)
    return [[raw[r * w + c] / 255 for c in range(w)] for r in range(h)]


def _reader(spec, limits):
    """text → value for one setting, by its type (as url.js's TYPES read)."""
    kind = spec["type"]
    return {
        "image": lambda t: _pattern(t, spec),
        "name": lambda t: None if t == "none" else _pattern(t, spec),
        "kernel": lambda t: _kernel(t, limits),
        "number": _number,
        "int": lambda t: _int(t, spec["min"], spec["max"]),
        "padding": lambda t: _padding(t, spec),
        "choice": lambda t: _one_of(t, spec["options"]),
        "mode": lambda t: _one_of(t, spec["options"]),
        "bool": lambda t: _one_of(t, ["0", "1"]) == "1",
        "pool": lambda t: _pool(t, spec),
        "layer2": lambda t: _layer2(t, limits),
        "window": _window,
        "object": lambda t: _object(t, spec),
    }[kind]


def read_link(fragment, manifest):
    """An explorer link's fragment (without #) → (settings, notices), as the page reads it.

    settings holds each setting that parsed, by its state name; a drawing (px=) is the image as rows of
    values in [0, 1]. notices are the page's sentences for what did not parse or is not a setting.
    """
    settings, notices = {}, []
    limits, pixels = manifest["limits"], manifest["pixels"]
    text = fragment.lstrip("#")
    if len(text) > limits["linkChars"]:
        return settings, ["The link is too long to be an explorer link; it was ignored."]
    fields = {spec["link"]: (key, spec) for key, spec in manifest["settings"].items()}
    pairs = parse_qsl(text, keep_blank_values=True)
    version = next((value for key, value in pairs if key == "v"), None)
    if version is not None and version != str(manifest["linkVersion"]):
        notices.append(f"This link was made by a newer version (v={version[:8]}); some settings may not apply.")
    for key, value in pairs:
        if key == "v":
            continue
        try:
            if key == pixels["link"]:
                settings["image"] = _pixels(value, limits)
            elif key in fields:
                name, spec = fields[key]
                if name == "image" and value == "custom":
                    continue  # the pixels come with px=
                settings[name] = _reader(spec, limits)(value)
            else:
                notices.append(f"The link's \"{key[:20]}\" is not a setting; it was ignored.")
        except Unreadable as e:
            label = pixels["label"] if key == pixels["link"] else fields[key][1]["label"]
            notices.append(f"The link's {label} ({key}=) should be {e}; the default is used.")
    return settings, notices


def core_settings(state, manifest):
    """The settings app.pipeline.run takes for a state, under the manifest's core names (state.js coreSettings)."""
    core = {spec["core"]: state[key] for key, spec in manifest["settings"].items() if "core" in spec}
    if core.get("layer2"):
        # state.js's check fills in the second layer's other settings; it pads with zeros.
        core["layer2"] = {"bias": 0.0, "stride": 1, "padding": 0, "dilation": 1, **core["layer2"], "padding_mode": "zeros"}
    return core
