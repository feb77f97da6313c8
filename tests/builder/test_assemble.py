"""builder/assemble.py: dist/ holds what build-info.json says, under content-addressed names, and a bad
lesson stops the build before dist/ is touched."""
import json

import pytest

from builder import ROOT, assemble, course
from builder.downloads import sha256
from builder.server import HEADERS


def test_build_info_names_files_that_are_there_under_their_content(dist):
    info = json.loads((dist / "static" / "build-info.json").read_text())
    for key in ("appWheel", "numpy", "snapshot"):
        path = dist / info[key]
        folder, digest, name = path.relative_to(dist).parts
        assert digest == sha256(path)[:12], key  # new content, new URL: hosts may cache it for ever
    assert info["appWheelSha256"] == sha256(dist / info["appWheel"])
    assert (dist / info["pyodidePath"] / "pyodide.asm.wasm").exists()


def test_dist_has_the_hosts_headers_the_lessons_and_no_loose_mode_files(dist):
    assert (dist / "_headers").read_text() == HEADERS.read_text()
    assert (dist / "index.html").exists() and (dist / "lessons" / "index.html").exists()
    # A mode's markup and styles are in the page and the stylesheet, not fetched on their own.
    assert not list((dist / "static" / "modes").glob("*/*.html")) + list((dist / "static" / "modes").glob("*/*.css"))
    assert sorted(p.name for p in (dist / "static" / "modes").iterdir()) == \
        sorted(p.name for p in (ROOT / "static" / "modes").iterdir())


def test_a_bad_lesson_stops_the_build_and_leaves_the_last_dist_as_it_was(tmp_path, monkeypatch):
    last = tmp_path / "dist"
    last.mkdir()
    (last / "index.html").write_text("the last build")
    monkeypatch.setattr(assemble, "DIST", last)

    def bad_lesson(folder=None):
        raise course.LessonError("lessons/05-size.json: field \"title\" must be non-empty text")

    monkeypatch.setattr(course, "read_lessons", bad_lesson)
    with pytest.raises(SystemExit, match=r"^build stopped: lessons/05-size\.json: field \"title\""):
        assemble.build()
    assert (last / "index.html").read_text() == "the last build"
