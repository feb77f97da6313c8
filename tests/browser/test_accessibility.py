"""Accessibility: axe-core finds nothing serious or critical in the explorer, light or dark.

axe-core runs under the page's real policy (tests/axe.py); the `assert_accessible`
fixture (conftest.py) fails listing every serious or critical violation.
"""
import json

import pytest

from pages import opened_explorer
from references import SOBEL_X

LAYERED = {"activation": "relu", "pool": {"mode": "max", "size": 2, "stride": 2},
           "layer2": {"kernel": [[1, 0, -1], [2, 0, -2], [1, 0, -1]]}}
DEFAULT = {"image": "digit3", "kernel": SOBEL_X, "bias": 0, "stride": 1, "padding": 0,
           "paddingMode": "zeros", "dilation": 1, "activation": "none", "pool": None, "layer2": None,
           "window": {"row": 13, "col": 17}}


# --- the views -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dark_explorer(browser, base_url):
    with opened_explorer(browser, base_url, color_scheme="dark") as watched:
        yield watched


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
    ("transposed", "#tr-input .kernel-cell"),
    ("signal", "#sg-sum:not(:empty)"),
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
