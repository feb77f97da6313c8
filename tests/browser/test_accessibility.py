"""Accessibility: axe-core finds nothing serious or critical in the explorer, light or dark.

axe-core comes from the npm registry at a pinned version and is checked against
the registry's pinned sha512 integrity before use (builder/downloads.py). `npm pack`
fetches it once into .cache/downloads/ (git-ignored); later runs are offline.

The page runs under a strict Content-Security-Policy with no inline scripts, so
axe cannot be added with a <script> tag (page.add_script_tag(content=...) is
blocked). Playwright's page.evaluate() runs through the DevTools protocol, which
the page's CSP does not govern, so the axe source is evaluated that way, in the
page's own main world, under the page's real policy.
"""
import json
import tarfile

import pytest

from builder.downloads import fetch_npm_tarball
from conftest import open_explorer
from test_explorer import SOBEL_X

AXE_VERSION = "4.14.1"
# `npm view axe-core@4.14.1 dist.integrity`
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="

BLOCKING_IMPACTS = ("serious", "critical")
LAYERED = {"activation": "relu", "pool": {"mode": "max", "size": 2, "stride": 2},
           "layer2": {"kernel": [[1, 0, -1], [2, 0, -2], [1, 0, -1]]}}
DEFAULT = {"image": "digit3", "kernel": SOBEL_X, "bias": 0, "stride": 1, "padding": 0,
           "paddingMode": "zeros", "dilation": 1, "activation": "none", "pool": None, "layer2": None,
           "window": {"row": 13, "col": 17}}


# --- axe-core from npm, pinned and verified -------------------------------------------

def axe_source():
    """axe.min.js, extracted from the verified tarball (fetched and checked as the build fetches its npm packages)."""
    tarball = fetch_npm_tarball(f"axe-core@{AXE_VERSION}", f"axe-core-{AXE_VERSION}.tgz", AXE_INTEGRITY,
                                      "the accessibility tests' axe-core comes from npm", "0.6 MB")
    with tarfile.open(tarball) as t:
        return t.extractfile("package/axe.min.js").read().decode("utf-8")


# --- running axe ------------------------------------------------------------------------

def run_axe(page, source):
    """Violations axe-core finds in the page as it is now, each {id, impact, help, helpUrl, targets, why}."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)  # not a <script>, which the CSP blocks: see the module docstring
    assert page.evaluate("() => window.axe && window.axe.version") == AXE_VERSION
    return page.evaluate("""async () => {
        const results = await window.axe.run(document, {resultTypes: ["violations"]});
        return results.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            helpUrl: v.helpUrl, targets: v.nodes.map((n) => n.target.map(String).join(" >>> ")),
            why: (v.nodes[0].failureSummary || "").split("\\n").slice(1).join(" ").trim()}));
    }""")


def describe(violations):
    lines = []
    for v in violations:
        more = f" (+{len(v['targets']) - 3} more)" if len(v["targets"]) > 3 else ""
        lines.append(f"  {v['id']} [{v['impact']}]: {v['help']}\n"
                     f"      elements: {', '.join(v['targets'][:3])}{more}\n"
                     f"      first: {v['why']}\n      {v['helpUrl']}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def assert_accessible():
    """assert_accessible(page, view): fails listing every serious or critical axe violation in page."""
    source = axe_source()

    def check(page, view):
        violations = run_axe(page, source)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(f"axe-core {AXE_VERSION} found {len(blocking)} serious or critical accessibility "
                        f"violation(s) in {view}:\n{describe(blocking)}", pytrace=False)
    return check


# --- the views -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dark_explorer(browser, base_url):
    watched = open_explorer(browser, base_url, color_scheme="dark")
    yield watched
    watched.page.context.close()


@pytest.fixture(params=["light", "dark"])
def scheme_page(request):
    """The module's shared explorer in one colour scheme, set back to the default view afterwards."""
    page = request.getfixturevalue("explorer" if request.param == "light" else "dark_explorer").page
    assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") == (request.param == "dark")
    yield page
    page.evaluate("(p) => window.convExplorer.setState(p)", DEFAULT)


def test_default_view_has_no_serious_accessibility_violations(scheme_page, assert_accessible, request):
    assert scheme_page.locator("#loading").is_hidden()
    assert_accessible(scheme_page, f"the default view ({request.node.callspec.id})")


def test_relu_pooling_and_second_layer_have_no_serious_accessibility_violations(scheme_page, assert_accessible,
                                                                                 request):
    scheme_page.evaluate("(p) => window.convExplorer.setState(p)", LAYERED)
    names = scheme_page.evaluate("() => window.convExplorer.getState().stages.map((s) => s.name)")
    assert names == ["conv", "activation", "pool", "conv2"]
    assert scheme_page.locator(".stage-panel").count() == 3
    assert_accessible(scheme_page, f"the view with ReLU, max pooling and a second layer "
                                   f"({request.node.callspec.id}): {json.dumps(LAYERED)}")


@pytest.mark.parametrize("mode,ready_selector", [
    ("channels", ".ch-filter"),
    ("learn", "#learn-play"),
    ("code", "#code-mode .CodeMirror"),
    ("network", ".net-map-button"),
])
def test_every_mode_has_no_serious_accessibility_violations(scheme_page, assert_accessible, request, mode, ready_selector):
    scheme_page.evaluate("(m) => window.convExplorer.setState({mode: m})", mode)
    scheme_page.locator(ready_selector).first.wait_for(state="visible")
    if mode == "code":  # the exercise list arrives with the first visit to code mode
        scheme_page.locator("#exercise-select option").first.wait_for(state="attached")
    assert_accessible(scheme_page, f"{mode} mode ({request.node.callspec.id})")
    scheme_page.evaluate("() => window.convExplorer.setState({mode: 'explore'})")
