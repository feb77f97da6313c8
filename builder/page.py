"""The page and its stylesheet: index.html and static/style.css with each mode's markup and styles in place."""
import re

from builder import ROOT, stop

MODES = ROOT / "static" / "modes"
# Where a mode's markup and styles go: a line <!-- mode:<id> --> in index.html (or in another mode's
# markup), /* mode:<id> */ in static/style.css.
HTML_MARKER = r"^[ \t]*<!-- mode:([a-z0-9-]+) -->\n"
CSS_MARKER = r"^/\* mode:([a-z0-9-]+) \*/\n"


# The data the first view reads before it can draw: the settings manifest (static/core/settings.js
# fetches it as its modules load, so without a preload that is one more round trip) and the built-ins.
FIRST_DATA = ("static/settings.json", "data/builtins.json")


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
                           [f'<link rel="preload" href="{data}" as="fetch" crossorigin>' for data in FIRST_DATA])
    marker = '<link rel="modulepreload" href="static/main.js">'
    if marker not in text:
        stop(f"index.html must contain {marker} (the build adds the other preloads there)")
    return text.replace(marker, f'<template id="preloads">\n    {links}\n  </template>')
