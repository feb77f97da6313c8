"""Assemble dist/: page, static files, runtime, start-up files, app wheel, data, lessons and build info."""
import json
import shutil
from pathlib import Path

from builder import CACHE, DIST, ROOT, course, say, startup_files, stop, tours
from builder.data import write_data, write_models
from builder.digits import write_digits
from builder.downloads import sha256
from builder.atlas import write_atlas
from builder.page import MODES, page, stylesheet
from builder.runtime import NUMPY_WHEEL, PYODIDE_VERSION, fetch_runtime, write_runtime
from builder.server import HEADERS
from builder.vendor import fetch_codemirror, write_codemirror
from builder.wheel import app_version, build_wheel


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


def build(pyodide_dir=None, snapshot=True):
    """Assemble dist/: page, static files, runtime, interpreter snapshot, app wheel, data, tours, build info.

    snapshot=False (--no-snapshot) leaves the snapshot out: the page then starts Python from scratch.
    """
    fetch_runtime(pyodide_dir)
    fetch_codemirror()  # before dist/ is cleared, like the lessons below
    try:  # before dist/ is cleared: a bad lesson file (or mode marker) leaves the last build as it was
        lessons = course.read_lessons()
        explainers = tours.read_tours()
    except (course.LessonError, tours.TourError) as e:
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
    shutil.copyfile(HEADERS, DIST / "_headers")
    write_runtime(DIST / "pyodide" / PYODIDE_VERSION)
    wheel = build_wheel(CACHE / "wheel")
    digest = sha256(wheel)
    wheel = _by_content(wheel, "wheels", wheel.name)
    write_data(DIST / "data")
    course.write_lessons(DIST / "lessons", lessons)
    write_atlas(DIST / "lessons")
    for note in tours.write_tours(DIST / "tours", explainers):
        say(note)
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
