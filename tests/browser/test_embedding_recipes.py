"""docs/embedding.md's recipes on a real course-site generator: a MkDocs site with the Material theme
(pinned in tests/requirements.txt), built from Markdown pages that paste the Embed dialog's frame and
include embed-resize.js site-wide through `extra_javascript`, exactly as the document says. Served as
another site than the explorer and opened on a laptop and a phone, each frame must fill the theme's
content column, take its view's height, and show what the view is about, with no request leaving the
two sites.
"""
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import assert_inside, embed_code, frame_box, wait_for_fitted_height, wait_ready

ROOT = Path(__file__).resolve().parents[2]
PAGES = {  # page name: (view, what must lie inside its frame)
    "index": ("v=1&img=digit3", ["#input-canvas", "#kernel-grid", "#output-canvas"]),
    "network": ("v=1&mode=network", ["#net-input", "#net-probs", "#net-layers"]),
}


def recipe(heading):
    """The first fenced block under a bold heading of docs/embedding.md's Recipes."""
    text = (ROOT / "docs" / "embedding.md").read_text()
    after = text[text.index(f"**{heading}**"):]
    return re.search(r"```\w*\n(.*?)```", after, re.S).group(1)


@pytest.fixture(scope="module")
def mkdocs_site(browser, base_url, other_site):
    """Build the course site into other_site.root; {page: its URL}."""
    explorer = base_url.rstrip("/")
    project = other_site.root.parent / "mkdocs-project"
    (project / "docs").mkdir(parents=True)
    # The recipe, with the explorer's address for YOUR.HOST/convexplorer. Material's Google Fonts are off:
    # nothing may leave the two sites here.
    extra = recipe("MkDocs").replace("https://YOUR.HOST/convexplorer", explorer)
    (project / "mkdocs.yml").write_text(f"site_name: A course\ntheme:\n  name: material\n  font: false\n{extra}")
    for name, (view, _) in PAGES.items():
        frame = embed_code(browser, base_url, view).split("\n")[0]  # the page pastes the frame alone
        (project / "docs" / f"{name}.md").write_text(
            f"# {name.title()}\n\nSome course text before the explorer.\n\n{frame}\n\nAnd after it.\n")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict", "-f", str(project / "mkdocs.yml"),
                    "-d", str(other_site.root)], check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return {name: f"{other_site.origin}/" + ("" if name == "index" else f"{name}/") for name in PAGES}


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)])
@pytest.mark.parametrize("name", list(PAGES))
def test_a_mkdocs_material_page_with_the_recipe_fits_each_explorer_to_its_column(browser, mkdocs_site, name, viewport):
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    hosts = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).hostname))
    try:
        page.goto(mkdocs_site[name])
        html = page.content()
        assert 'loading="lazy"' in html and "embed-resize.js" in html  # Markdown passed both through
        page.locator("iframe").scroll_into_view_if_needed()
        frame = None
        while frame is None or frame.url in ("", "about:blank"):  # a lazy frame loads once near the view
            page.wait_for_timeout(20)
            frame = page.locator("iframe").element_handle().content_frame()
        wait_ready(frame)
        column = page.locator("article").bounding_box()
        box = frame_box(page)
        # The frame fills the theme's content column (Material: about 688 px on a laptop).
        assert abs(box["x"] - column["x"]) <= 1 and abs(box["width"] - column["width"]) <= 1, (box, column)
        assert box["width"] <= width
        wait_for_fitted_height(page, frame)
        assert_inside(frame, PAGES[name][1])
        assert hosts <= {"localhost", "127.0.0.1"}, hosts
    finally:
        context.close()
