"""builder/page.py: each mode's markup and styles in their places in the page."""
import pytest

from builder import page


def modes_in(tmp_path, monkeypatch, files):
    """A static/modes/ of files {"<id>/<id>.html": text} under tmp_path, as the build's."""
    for name, text in files.items():
        (tmp_path / "static" / "modes" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "static" / "modes" / name).write_text(text)
    monkeypatch.setattr(page, "ROOT", tmp_path)
    monkeypatch.setattr(page, "MODES", tmp_path / "static" / "modes")


def test_each_modes_markup_goes_to_its_marker_and_may_hold_another(tmp_path, monkeypatch):
    modes_in(tmp_path, monkeypatch, {"a/a.html": "<main>\n  <!-- mode:b -->\n</main>\n", "b/b.html": "  <p>b</p>\n"})
    text = "<body>\n  <!-- mode:a -->\n</body>\n"
    assert page.with_modes(text, "html", page.HTML_MARKER) == "<body>\n<main>\n  <p>b</p>\n</main>\n</body>\n"


def test_a_mode_file_without_its_marker_or_a_marker_without_its_file_stops_the_build(tmp_path, monkeypatch):
    modes_in(tmp_path, monkeypatch, {"a/a.html": "<p>a</p>\n", "b/b.html": "<p>b</p>\n"})
    with pytest.raises(SystemExit, match=r"static/modes/b/b\.html has no place: add the marker for mode b"):
        page.with_modes("  <!-- mode:a -->\n", "html", page.HTML_MARKER)
    with pytest.raises(SystemExit, match=r"<!-- mode:c --> names a mode without static/modes/c/c\.html"):
        page.with_modes("<!-- mode:a -->\n<!-- mode:b -->\n<!-- mode:c -->\n", "html", page.HTML_MARKER)


def test_the_page_holds_every_modes_markup_and_preloads_every_module_it_may_import():
    text = page.page()
    assert "<!-- mode:" not in text  # every marker replaced by its mode's markup
    for markup in page.MODES.glob("*/*.html"):
        assert f'data-mode-root="{markup.parent.name}"' in text, markup.name
    preloads = text.split('<template id="preloads">')[1].split("</template>")[0]
    modules = sorted(path.relative_to(page.ROOT).as_posix() for path in (page.ROOT / "static").rglob("*.js"))
    for module in modules:
        wanted = module.rsplit("/", 1)[-1] not in ("worker.js", "lesson.js", "embed-resize.js")
        assert (f'<link rel="modulepreload" href="{module}">' in preloads) == wanted, module
    for data in ("static/settings.json", "data/builtins.json"):  # fetched before the first view can draw
        assert f'<link rel="preload" href="{data}" as="fetch" crossorigin>' in preloads


def test_the_stylesheet_holds_every_modes_styles():
    text = page.stylesheet()
    assert "/* mode:" not in text
    for css in page.MODES.glob("*/*.css"):
        assert css.read_text().strip().splitlines()[0] in text, css.name
