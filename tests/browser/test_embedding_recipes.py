"""docs/embedding.md's recipes on real course-site generators, pinned in tests/requirements.txt:
- MkDocs with the Material theme: Markdown pages paste the Embed dialog's frame, and `mkdocs.yml`
  includes embed-resize.js site-wide with the recipe's `extra_javascript` block;
- Sphinx with the furo theme and MyST Markdown (what Jupyter Book 1 builds on): pages hold the recipe's
  `{raw} html` block, frame and script.
Each site is served as another site than the explorer and opened on a laptop and a phone: each frame
must fill the theme's content column, take its view's height and show what the view is about, with no
request leaving the two sites.
"""
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from pages import assert_inside, embed_codes, frame_box, wait_for_fitted_height, wait_ready


ROOT = Path(__file__).resolve().parents[2]
PAGES = {  # page name: (view, what must lie inside its frame)
    "index": ("v=1&img=digit3", ["#input-canvas", "#kernel-grid", "#output-canvas"]),
    "network": ("v=1&mode=network", ["#net-input", "#net-probs", "#net-layers"]),
}


def recipe(heading):
    """The first fenced block under a bold heading of docs/embedding.md's Recipes (a ```` fence holds ```)."""
    text = (ROOT / "docs" / "embedding.md").read_text()
    after = text[text.index(f"**{heading}**"):]
    return re.search(r"^(`{3,})\w*\n(.*?)^\1$", after, re.S | re.M).group(2)


@pytest.fixture(scope="module")
def frames(browser, base_url):
    """{page: the Embed dialog's frame for its view} (the first line of its code)."""
    codes = embed_codes(browser, base_url, [view for view, _ in PAGES.values()])
    return {name: codes[view].split("\n")[0] for name, (view, _) in PAGES.items()}


def build(command, folder):
    subprocess.run([sys.executable, "-m", *command], check=True, cwd=folder,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


@pytest.fixture(scope="module")
def mkdocs_site(base_url, other_site, frames, tmp_path_factory):
    """A Material for MkDocs site; {page: its URL}."""
    project = tmp_path_factory.mktemp("mkdocs-project")
    (project / "docs").mkdir()
    # The recipe, with the explorer's address for YOUR.HOST/convexplorer. Material's Google Fonts are off:
    # nothing may leave the two sites here.
    extra = recipe("MkDocs").replace("https://YOUR.HOST/convexplorer/", base_url)
    (project / "mkdocs.yml").write_text(f"site_name: A course\ntheme:\n  name: material\n  font: false\n{extra}")
    for name, frame in frames.items():
        (project / "docs" / f"{name}.md").write_text(f"# {name.title()}\n\nSome course text.\n\n{frame}\n\nAnd after it.\n")
    build(["mkdocs", "build", "--quiet", "--strict", "-d", str(other_site.root / "mkdocs")], project)
    return {name: f"{other_site.origin}/mkdocs/" + ("" if name == "index" else f"{name}/") for name in PAGES}


@pytest.fixture(scope="module")
def sphinx_site(base_url, other_site, frames, tmp_path_factory):
    """A Sphinx site, furo theme, MyST pages; {page: its URL}."""
    project = tmp_path_factory.mktemp("sphinx-project")
    (project / "conf.py").write_text('project = "A course"\nextensions = ["myst_parser"]\nhtml_theme = "furo"\n')
    block = recipe("Sphinx and Jupyter Book 1").replace("https://YOUR.HOST/convexplorer/", base_url)
    assert block.startswith("```{raw} html\n<iframe")
    toc = "```{toctree}\n:hidden:\nnetwork\n```\n"
    for name, frame in frames.items():
        page = block.replace("<iframe src=\"…\" …></iframe>", frame)
        (project / f"{name}.md").write_text(f"# {name.title()}\n\nSome course text.\n\n{page}\nAnd after it.\n\n"
                                            + (toc if name == "index" else ""))
    build(["sphinx", "-q", "-W", "-b", "html", ".", str(other_site.root / "sphinx")], project)
    return {name: f"{other_site.origin}/sphinx/{name}.html" for name in PAGES}


def check_page(browser, url, view_parts, viewport):
    """The page's one explorer fills its content column, its height follows the view, its parts show."""
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    hosts = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).hostname))
    try:
        html = page.goto(url).text()  # as served (embed-resize.js may have made a lazy frame eager since)
        assert 'loading="lazy"' in html and "embed-resize.js" in html  # the generator passed both through
        page.locator("iframe").scroll_into_view_if_needed()
        frame = None
        while frame is None or frame.url in ("", "about:blank"):  # a lazy frame loads once near the view
            page.wait_for_timeout(20)
            frame = page.locator("iframe").element_handle().content_frame()
        wait_ready(frame)
        # The theme's content column: its article's content box.
        column = page.locator("article").evaluate(
            "(a) => { const r = a.getBoundingClientRect(), s = getComputedStyle(a);"
            " return {x: r.x + parseFloat(s.paddingLeft), width: a.clientWidth - parseFloat(s.paddingLeft)"
            " - parseFloat(s.paddingRight)}; }")
        box = frame_box(page)
        assert abs(box["x"] - column["x"]) <= 1 and abs(box["width"] - column["width"]) <= 1, (box, column)
        assert box["width"] <= width
        wait_for_fitted_height(page, frame)
        assert_inside(frame, view_parts)
        assert hosts <= {"localhost", "127.0.0.1"}, hosts
        return box["width"]
    finally:
        context.close()


# Each view once on a laptop and once on a phone, crossed between the two generators (every pairing
# costs a cold explorer; test_embed_resize.py covers each view at every width on a plain page).
LAPTOP, PHONE = (1280, 800), (390, 844)


@pytest.mark.parametrize("name, viewport", [("index", LAPTOP), ("network", PHONE)])
def test_a_mkdocs_material_page_with_the_recipe_fits_each_explorer_to_its_column(browser, mkdocs_site, name, viewport):
    width = check_page(browser, mkdocs_site[name], PAGES[name][1], viewport)
    if viewport == LAPTOP:
        assert width == 688  # Material's column, as the issue measured


@pytest.mark.parametrize("name, viewport", [("index", PHONE), ("network", LAPTOP)])
def test_a_sphinx_furo_page_with_the_recipe_fits_each_explorer_to_its_column(browser, sphinx_site, name, viewport):
    width = check_page(browser, sphinx_site[name], PAGES[name][1], viewport)
    if viewport == LAPTOP:
        assert width == 736  # furo's column
