"""Links made by earlier versions open the same view: a corpus of v=1 links, each with the state it opened.

links-v1.json was recorded from commit 18bfdcb (before the modes became folders) with
`python tests/browser/test_links_v1.py --record`: every mode, every key of the link, drawn and
uploaded-size images. A later version must open each link to the same settings, image and maps.
"""
import hashlib
import json
import sys
from pathlib import Path

import pytest

from pages import CHROMIUM, CHROMIUM_ARGS, serve_in_thread, wait_for, wait_ready

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CORPUS = Path(__file__).with_name("links-v1.json")
SOBEL = "1,0,-1,2,0,-2,1,0,-1"
# 3×3 drawing: a bright diagonal (base64url of bytes 255,0,0, 0,255,0, 0,0,255).
DRAWN = "3x3._wAAAP8AAAD_"
EDITS = json.dumps({"0": {"1": {"w": [1, 0, -1, 1, 0, -1, 1, 0, -1], "b": 0.5}}}, separators=(",", ":"))
CHANNELS = json.dumps({"image": "hopper-color", "filters": [
    {"kernels": [[[0, 0, 0], [0, 1, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, -1, 0], [0, 0, 0]]],
     "bias": 0.25}], "separable": False, "depthwise": [[[1]], [[1]], [[1]]], "pointwise": [[1, 1, 1]], "biases": [0],
    "stride": 2, "padding": 1, "window": {"row": 4, "col": 6}, "selected": 0}, separators=(",", ":"))

LINKS = [
    "v=1",
    "",
    f"v=1&img=digit7&k={SOBEL}&b=0.5&s=2&pad=1&pm=reflect&d=2&act=relu&pool=max.2.2&k2=0,1,0,1,-4,1,0,1,0"
    "&w=4,6&cm=gray&num=1&fill=1",
    "v=1&img=hopper&k=1,1,1,1,1,1,1,1,1&pad=valid&pm=circular&act=leaky_relu&pool=avg.3.1&cm=abs&w=30,40",
    "v=1&img=checker&k=0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0&pad=2&pm=replicate&s=3&w=-2,-2",
    f"v=1&img=custom&k={SOBEL}&px={DRAWN}&pad=1",
    "v=1&img=gradient&k=2&pad=same&mode=learn",
    f"v=1&img=digit0&k={SOBEL}&mode=code&ex=stride-and-padding",
    f"v=1&img=digit3&k={SOBEL}&mode=code",
    f"v=1&img=digit3&k={SOBEL}&mode=channels",
    f"v=1&img=digit3&k={SOBEL}&mode=channels&ch={CHANNELS}",
    f"v=1&img=digit3&k={SOBEL}&mode=network",
    f"v=1&img=digit3&k={SOBEL}&mode=network&net=" + json.dumps({"model": "digits", "edits": {}, "digit": 17, "layer": 1,
                                                               "filter": 2}, separators=(",", ":")),
    f"v=1&img=digit3&k={SOBEL}&mode=network&net={{\"model\":\"digits\",\"edits\":{EDITS},\"digit\":null,\"layer\":0,"
    "\"filter\":1}",
    f"v=1&img=hopper&k={SOBEL}&mode=network",
    f"v=1&img=custom&k={SOBEL}&px={DRAWN}&mode=network",
]

ARRAYS = ("image", "output", "stages", "channelStages")
SETTINGS = json.loads((Path(__file__).resolve().parents[2] / "static" / "settings.json").read_text())["settings"]


def rounded(value):
    """Numbers to 7 significant digits (float32's), so a link's maps compare exactly and the corpus stays readable."""
    if isinstance(value, float):
        return float(f"{value:.7g}")
    if isinstance(value, list):
        return [rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


def opened(page, base_url, fragment, link=None):
    """The state a link opens in a fresh page, the link the page writes for it (waiting for link, when
    known), and its message line."""
    page.goto("about:blank")
    page.goto(f"{base_url}#{fragment}" if fragment else base_url)
    wait_ready(page)
    # The page writes its canonical link 80 ms after painting. Recording: wait for it to differ from the
    # link given (unless that is canonical already). Testing: wait for the recorded one; if it never
    # comes, the comparison says what differs.
    given = f"#{fragment}" if fragment else ""
    try:
        if link is None:
            wait_for(page, "(given) => location.hash !== given", 2, arg=given)
        else:
            wait_for(page, "(link) => location.hash === link", 10, arg=link)
    except AssertionError:
        pass
    if "mode=code" in fragment:  # code mode opens its first exercise once its editor has loaded
        wait_for(page, "() => document.getElementById('code-prompt').textContent")
    state = rounded(page.evaluate("() => window.convExplorer.getState()"))
    for key in ARRAYS:  # the maps by digest: the corpus stays small, and a differing map is named
        if key in state:
            state[key] = hashlib.sha256(json.dumps(state[key]).encode()).hexdigest()
    return {"state": state, "link": page.evaluate("() => location.hash"),
            "message": page.locator("#message").inner_text()}


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("fragment", LINKS)
def test_a_v1_link_opens_the_view_it_opened_when_it_was_made(page, base_url, fragment):
    recorded = json.loads(CORPUS.read_text())[fragment]
    got = opened(page, base_url, fragment, recorded["link"])
    # A setting added since the recording (a new mode's) is in the state at its default, and nowhere else.
    for key in set(got["state"]) - set(recorded["state"]):
        assert got["state"].pop(key) == rounded(SETTINGS[key]["default"]), f"{key}, added since, is not at its default"
    # So is a key added since to an object setting (network's panel, probe); a result added since is empty.
    for key, was in recorded["state"].items():
        now = got["state"].get(key)
        if isinstance(was, dict) and isinstance(now, dict):
            default = rounded(SETTINGS[key]["default"]) if key in SETTINGS else {}
            for inner in set(now) - set(was):
                value = now.pop(inner)
                assert value == default.get(inner) if inner in default else value in (None, {}), \
                    f"{key}.{inner}, added since, is {value!r}"
    assert got == recorded


if __name__ == "__main__" and sys.argv[1:] == ["--record"]:
    from playwright.sync_api import sync_playwright
    server = serve_in_thread(Path(__file__).resolve().parents[2] / "dist")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        corpus = {f: opened(tab, f"http://127.0.0.1:{server.server_address[1]}/", f) for f in LINKS}
        browser.close()
    server.shutdown()
    CORPUS.write_text(json.dumps(corpus, indent=1, ensure_ascii=False) + "\n")
