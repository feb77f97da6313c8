"""A new mode is a folder and one registry line: docs/adding-a-mode.md's mode, added to a copy of dist/
as the page says, is routed, linked, shown and unmounted by the shell, which names no mode."""
import re
import shutil

import numpy as np
import pytest

from builder import ROOT
from pages import open_explorer, opened_explorer, serve_in_thread, wait_for, wait_ready
from core_answers import expected_output


GUIDE = ROOT / "docs" / "adding-a-mode.md"


def guide_block(name):
    """The fenced code under <!-- adding-a-mode:name --> in the guide."""
    return re.search(rf"<!-- adding-a-mode:{name} -->\n```js\n(.*?)```", GUIDE.read_text(), re.S).group(1)


@pytest.fixture(scope="module")
def site(dist, tmp_path_factory):
    """dist/ with the guide's mode added: its folder, and its line in the registry before the list ends."""
    site = tmp_path_factory.mktemp("site") / "dist"
    shutil.copytree(dist, site)
    folder = site / "static" / "modes" / "extremes"
    folder.mkdir()
    (folder / "extremes.js").write_text(guide_block("module"))
    registry = site / "static" / "modes" / "index.js"
    registry.write_text(registry.read_text().replace("\n];", "\n" + guide_block("registry") + "];"))
    server = serve_in_thread(site)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def number(v):
    """v as the page's formatNumber writes it: two decimals at most, a real minus sign."""
    text = f"{float(v):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace("-", "\u2212")


def extremes_sentence(s):
    """The guide's sentence for state s, from CPython's feature map."""
    out = expected_output(s)
    hi, lo = np.unravel_index(out.argmax(), out.shape), np.unravel_index(out.argmin(), out.shape)
    where = lambda at: f"{number(out[at])} at row {at[0] + 1}, column {at[1] + 1}"  # noqa: E731
    return f"The {out.shape[0]}×{out.shape[1]} feature map is largest, {where(hi)}, and smallest, {where(lo)}."


def test_the_shell_names_no_mode():
    shell = (ROOT / "static" / "main.js").read_text()
    named = [m for m in re.findall(r'id: "([a-z0-9-]+)"', (ROOT / "static" / "modes" / "index.js").read_text())
             if re.search(rf"\b{m}\b", shell)]
    assert named == []


def test_a_mode_added_by_the_guide_is_routed_shown_linked_and_unmounted(browser, site):
    with opened_explorer(browser, site) as watched:
        page = watched.page
        button = page.locator('.modes button[data-mode="extremes"]')
        assert button.inner_text() == "Extremes"
        button.click()
        root = page.locator('[data-mode-root="extremes"]')
        root.locator("p.extremes").filter(has_text="feature map").wait_for()
        s = page.evaluate("() => window.convExplorer.getState()")
        assert s["mode"] == "extremes" and s["extremes"] == extremes_sentence(s)
        assert root.locator("p.extremes").inner_text() == s["extremes"]
        # The explorer's own view has gone, and only this mode's root is in view.
        assert not page.locator("#explorer").is_visible() and root.is_visible()
        assert page.locator('.modes button[aria-pressed="true"]').inner_text() == "Extremes"

        # Its button changes the layer through the shell: the sentence is the core's for the new kernel.
        painted = page.evaluate("() => document.body.dataset.painted")
        root.get_by_role("button", name="Sharpen").click()
        wait_for(page, "(n) => document.body.dataset.painted !== n", arg=painted)
        s = page.evaluate("() => window.convExplorer.getState()")
        assert s["kernel"] == [[0, -1, 0], [-1, 5, -1], [0, -1, 0]] and s["extremes"] == extremes_sentence(s)

        # Linked: the page's link names the mode, and opens it in a new page.
        wait_for(page, "() => location.hash.includes('mode=extremes') && location.hash.includes('k=0,-1,0,-1,5,-1,0,-1,0')")
        link = page.url
        other = open_explorer(browser, link).page
        try:
            assert other.evaluate("() => window.convExplorer.getState().mode") == "extremes"
            assert other.locator("p.extremes").inner_text() == s["extremes"]
        finally:
            other.context.close()

        # Unmounted: another mode takes the view; the guide's mode cleared its text and is hidden.
        page.locator('.modes button[data-mode="explore"]').click()
        wait_for(page, "() => document.body.dataset.mode === 'explore'")
        assert root.locator("p.extremes").inner_text() == "" and not root.is_visible()
        assert page.locator("#explorer").is_visible()
        assert "extremes" not in page.evaluate("() => window.convExplorer.getState()")
        assert watched.errors == [] and watched.foreign_requests() == []


def test_a_link_to_a_mode_the_site_does_not_have_says_so(browser, base_url):
    page = open_explorer(browser, f"{base_url}#v=1&mode=extremes").page
    try:
        wait_ready(page)
        assert "mode (mode=) should be one of channels, code, explore, learn, network, signal or transposed" in page.locator("#message").inner_text()
        assert page.evaluate("() => window.convExplorer.getState().mode") == "explore"
    finally:
        page.context.close()
