"""builder/atlas.py: every figure of the guide, as the atlas page links and embeds it, opens exactly that
figure (read with the manifest as the page reads links) and has the sizes the guide gives, by the core."""
import re

import numpy as np
import pytest

from app import ops, pipeline
from builder import atlas, settings

MANIFEST = settings.load()
FIGURES = atlas.figures()


def opened(fragment):
    partial, notices = settings.read_link(fragment, MANIFEST)
    assert notices == [], notices
    return {**settings.defaults(MANIFEST), **partial}


@pytest.mark.parametrize("figure", FIGURES, ids=[f["id"] for f in FIGURES])
def test_the_forward_view_is_the_guides_convolution(figure):
    f = figure["forward"]
    state = opened(atlas.forward_fragment(figure))
    image = np.asarray(state["image"])
    assert state["mode"] == "explore" and image.shape == (f["input"], f["input"])
    np.testing.assert_allclose(image * 255, f["pixels"], atol=1e-9)
    assert state["kernel"] == [[1] * f["kernel"]] * f["kernel"]
    assert (state["stride"], state["padding"], state["dilation"]) == (f["stride"], f["padding"], f["dilation"])
    (name, out), = pipeline.run(image, settings.core_settings(state, MANIFEST))
    assert out.shape == (f["output"], f["output"])
    assert ops.output_size(f["input"], f["kernel"], stride=f["stride"], padding=f["padding"], dilation=f["dilation"]) == f["output"]


@pytest.mark.parametrize("figure", FIGURES, ids=[f["id"] for f in FIGURES])
def test_the_transposed_view_goes_back_to_the_forward_input_size(figure):
    t = figure["transposed"]
    state = opened(atlas.transposed_fragment(figure))
    layer = state["transposed"]
    assert state["mode"] == "transposed" and layer["input"] == t["values"]
    out = ops.conv_transpose2d(np.asarray(layer["input"]), np.asarray(layer["kernel"]), stride=layer["stride"],
                               padding=layer["padding"], output_padding=layer["outputPadding"], dilation=layer["dilation"])
    assert out.shape == (t["output"], t["output"]) == (figure["forward"]["input"],) * 2
    assert t["input"] == figure["forward"]["output"]


def test_the_page_embeds_both_views_of_every_figure_with_their_code():
    html = atlas.atlas_html()
    frames = re.findall(r'<iframe src="([^"]+)"', html)
    assert len(frames) == 2 * len(FIGURES) == 16
    for figure in FIGURES:
        for fragment in (atlas.forward_fragment(figure), atlas.transposed_fragment(figure)):
            assert f'src="../index.html?embed#{fragment}"' in html.replace("&amp;", "&")
            assert f'{atlas.SITE}index.html?embed#{fragment}' in html.replace("&amp;", "&")
        assert f'id="{figure["id"]}"' in html
    assert html.count(f"{atlas.SITE}static/embed-resize.js") == 16
    assert "$" not in html.replace("$head", "")  # every template field filled
