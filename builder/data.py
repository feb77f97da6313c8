"""Presets, built-in images, exercises and models: checked, then written to dist/data/ as the page reads them."""
import json
import shutil

from builder import ROOT, stop


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


def write_models(out):
    """Copy every shipped model (models/<name>.json + .npz) to dist/data/models/."""
    out.mkdir(parents=True, exist_ok=True)
    for spec in sorted((ROOT / "models").glob("*.json")):
        arrays = spec.with_suffix(".npz")
        if not arrays.exists():
            stop(f"models/{spec.name} has no {arrays.name} beside it (its weights)")
        shutil.copyfile(spec, out / spec.name)
        shutil.copyfile(arrays, out / arrays.name)
