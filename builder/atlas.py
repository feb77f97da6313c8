"""The atlas of convolution arithmetic: dist/lessons/atlas.html, from transposed mode's figures.

Every figure of Dumoulin and Visin's guide (static/modes/transposed/atlas.json, the file transposed
mode's Figure menu reads) becomes two explorer views side by side: the convolution in explore mode (its
small input drawn into the link as px=) and its transposed convolution in transposed mode. Each view is
an embedded explorer, a link to the full explorer and the iframe code a course page pastes in.
"""
import base64
import json
from html import escape
from string import Template
from urllib.parse import quote

from builder import ROOT
from builder.course import TEMPLATES, embed_src, head

FIGURES = ROOT / "static" / "modes" / "transposed" / "atlas.json"
EMBED_SIZE = (640, 480)  # what each figure's embed code asks for: the explorer's smallest full view
SITE = "https://YOUR.HOST/convexplorer/"


def figures():
    return json.loads(FIGURES.read_text())["figures"]


def _pixels_text(rows):
    """Rows of 0–255 grey levels → the link's px= text: HxW.base64url of the bytes."""
    raw = bytes(v for row in rows for v in row)
    return f"{len(rows)}x{len(rows[0])}." + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _ones(k):
    return ",".join(["1"] * (k * k))


def forward_fragment(figure):
    """The figure's convolution in explore mode: its drawn input, a k×k kernel of ones, numbers on."""
    f = figure["forward"]
    return (f"v=1&px={_pixels_text(f['pixels'])}&k={_ones(f['kernel'])}&s={f['stride']}&pad={f['padding']}"
            f"&d={f['dilation']}&w=0,0&num=1")


def transposed_fragment(figure):
    """The figure's transposed convolution in transposed mode, as its Figure menu opens it."""
    t = figure["transposed"]
    layer = {"input": t["values"], "kernel": [[1] * t["kernel"]] * t["kernel"], "bias": 0, "stride": t["stride"],
             "padding": t["padding"], "outputPadding": t["outputPadding"], "dilation": t["dilation"],
             "cell": {"row": 0, "col": 0}, "compare": False}
    return "v=1&mode=transposed&tr=" + quote(json.dumps(layer, separators=(",", ":")), safe=",")


def _sizes(part, transposed):
    n, k, o = part["input"], part["kernel"], part["output"]
    extra = [f"stride {part['stride']}", f"padding {part['padding']}"]
    if transposed and part["outputPadding"]:
        extra.append(f"output padding {part['outputPadding']}")
    if part["dilation"] > 1:
        extra.append(f"dilation {part['dilation']}")
    return f"{n}×{n} input, {k}×{k} kernel, {', '.join(extra)} → {o}×{o}"


def _view(figure, transposed):
    fragment = (transposed_fragment if transposed else forward_fragment)(figure)
    part = figure["transposed" if transposed else "forward"]
    what = "Transposed convolution" if transposed else "Convolution"
    title = f"{figure['name']}: {what.lower()}, {_sizes(part, transposed)}"
    # The Embed dialog's column code (docs/embedding.md); static/lesson/atlas.js puts the site's address
    # in place of SITE as the page opens, since the build cannot know where the site will be served.
    code = (f'<iframe src="{SITE}index.html?embed#{fragment}" width="{EMBED_SIZE[0]}" height="{EMBED_SIZE[1]}" '
            f'style="width: 100%; height: auto; aspect-ratio: 4 / 3; border: 0;" title="{title}" loading="lazy"></iframe>\n'
            f'<script src="{SITE}static/embed-resize.js" async></script>')
    return (f'<figure class="view atlas-view">\n'
            f'        <iframe src="{embed_src({"fragment": fragment})}" title="{escape(title)}" loading="lazy"></iframe>\n'
            f'        <figcaption><span class="view-label">{what}.</span> {escape(_sizes(part, transposed))}.\n'
            f'          <a href="../index.html#{escape(fragment)}">Open in the explorer</a>\n'
            f'          <details><summary>Embed code</summary><pre><code data-embed>{escape(code)}</code></pre></details></figcaption>\n'
            f'      </figure>')


def atlas_html():
    sections = "\n    ".join(
        f'<section class="atlas-figure" id="{f["id"]}" aria-labelledby="{f["id"]}-title">\n'
        f'      <h2 id="{f["id"]}-title">{escape(f["name"])}</h2>\n'
        f'      <div class="atlas-pair">\n      {_view(f, False)}\n      {_view(f, True)}\n      </div>\n'
        f'    </section>' for f in figures())
    template = Template((TEMPLATES / "atlas.html").read_text())
    return template.substitute(head=head("An atlas of convolution arithmetic · Convolution Explorer"), figures=sections)


def write_atlas(out):
    """dist/lessons/atlas.html."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "atlas.html").write_text(atlas_html())
