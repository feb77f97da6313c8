"""The README's pictures, renewed from the built dist/ (`python build.py shots`).

Each picture is a real view in headless Chromium (Debian's), taken once the
explorer is ready and has painted, then reduced to a 256-colour PNG so that it
stays well under 200 KB. Written to docs/pictures/.
"""
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from builder import DIST  # noqa: E402
from pages import CHROMIUM, CHROMIUM_ARGS, serve_in_thread, wait_ready

OUT = ROOT / "docs" / "pictures"
SOBEL_X = "1,0,-1,2,0,-2,1,0,-1"
LIMIT_BYTES = 200_000

# name: (what it shows, viewport (width, height), address in the site)
PICTURES = {
    "explorer": ("the full page at 1280×800 with ReLU, 2×2 max pooling and a second layer",
                 (1280, 800), f"index.html#v=1&img=digit3&k={SOBEL_X}&w=9,13&act=relu&pool=max.2.2&k2={SOBEL_X}"),
    "embed": ("an embed at 640×480, the Embed dialog's size",
              (640, 480), f"index.html?embed&hide=layer,stages#v=1&img=digit3&k={SOBEL_X}&w=13,17"),
    "channels": ("channels mode: a colour image, its three channels and a filter's map",
                 (1280, 800), "index.html#v=1&mode=channels"),
    "transposed": ("transposed mode: the stamps adding up beside the same layer as a convolution",
                   (1280, 800), "index.html#v=1&mode=transposed"),
    "signal": ("1-D mode: a tone in hiss through a low-pass filter, its taps and response",
               (1280, 800), "index.html#v=1&mode=signal"),
    "learn": ("learn mode after 40 steps of gradient descent",
              (1280, 800), "index.html#v=1&mode=learn"),
    "network": ("network mode: a trained CNN reading a held-out digit, every map and the ten probabilities",
                (1280, 800), "index.html#v=1&mode=network"),
    "sweep": ("network mode's Sweeps panel: held-out accuracy for every shift of the digits",
              (1280, 800), "index.html#v=1&mode=network&net=%7B%22panel%22%3A%22sweep%22%7D"),
    "training": ("network mode's Train panel: one epoch from scratch beside the same run with a double softmax",
                 (1280, 800), "index.html#v=1&mode=network&net=%7B%22panel%22%3A%22train%22,%22train%22%3A%7B%22batch%22%3A32,"
                              "%22epochs%22%3A1,%22bug%22%3A%22double-softmax%22%7D%7D"),
    "explainer": ("the 60-second explainer during its pooling scene: the ring, the caption and the player",
                  (1280, 800), "index.html?tour=explainer#v=1"),
    "lesson": ("a lesson: its text, an embedded view and a predict-then-reveal question",
               (1280, 800), "lessons/02-sobel-x.html"),
    "phone": ("a phone, 390×844",
              (390, 844), f"index.html#v=1&img=digit3&k={SOBEL_X}&w=13,17"),
    "course": ("a course page on a phone, 390×844, with the Embed dialog's code: the frame as wide as the "
               "column and as tall as its view", (390, 844), "course.html"),
}

# A course page as an instructor makes one: a paragraph, then the Embed dialog's code (the frame and the
# resizer). {base} is the explorer's site.
COURSE_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Edges</title><link rel="icon" href="data:,">
<body style="margin:0;font:17px/1.45 Georgia,serif;color:#222"><main style="padding:0 14px">
<h1 style="font-size:1.3rem;margin:12px 0 6px">Lesson 2: finding edges</h1>
<p style="margin:0 0 10px">Sobel-x weighs the pixels right of the window against those left of it. Where does the map light up?</p>
<iframe src="{base}index.html?embed&hide=layer#v=1&img=digit3&k=1,0,-1,2,0,-2,1,0,-1&w=13,17" width="640" height="480"
  style="width: 100%; height: auto; aspect-ratio: 4 / 3; border: 0;" title="Convolution Explorer" loading="lazy"></iframe>
<script src="{base}static/embed-resize.js" async></script></main></body></html>"""


def explorers(page):
    """The explorers on the page: the page itself, or the lesson's embeds."""
    frames = [f for f in page.frames if "index.html" in f.url]
    return frames or [page]


def painted(page):
    return page.evaluate("() => Number(document.body.dataset.painted || 0)")


def settle(page, name):
    """Wait until what the picture is about has painted."""
    if name in ("network", "sweep", "training"):
        deadline = time.monotonic() + 60
        while page.evaluate("() => { const n = window.convExplorer.getState().network; "
                            "return !(n && n.probs && !n.accuracyPending); }"):
            if time.monotonic() > deadline:
                raise SystemExit("shots: network mode never showed its probabilities and accuracy")
            page.wait_for_timeout(50)
    done = {"sweep": "n.sweeps.shift?.done", "training": "n.training?.runs.every((r) => r.done)"}.get(name)
    if done:
        page.click("#net-train-start" if name == "training" else "#net-sweep-run")
        deadline = time.monotonic() + 120
        while not page.evaluate(f"() => {{ const n = window.convExplorer.getState().network; return {done}; }}"):
            if time.monotonic() > deadline:
                raise SystemExit(f"shots: the {name} panel never finished")
            page.wait_for_timeout(200)
        if name == "sweep":
            page.focus("#net-sweep-map")
            for key in ["ArrowRight"] * 4:  # a cell 4 pixels right, and the digits that flip there
                page.keyboard.press(key)
            page.wait_for_selector("#net-sweep-flips button")
        page.wait_for_timeout(300)  # the panel paints once a frame
    if name == "learn":
        page.click("#learn-play")
        deadline = time.monotonic() + 60
        while int(page.get_attribute("#learn-status", "data-step") or 0) < 40:
            if time.monotonic() > deadline:
                raise SystemExit("shots: learn mode took no 40 steps within a minute")
            page.wait_for_timeout(50)
        page.click("#learn-play")  # pause, so the picture shows one moment
    if name == "explainer":  # the pooling scene's second line, shown as playing there would
        page.wait_for_selector(".tour")
        page.evaluate("""() => window.convExplorer.tour().then((t) => {
            const scene = t.script.scenes.find((s) => s.id === "relu-pool"); t.seek(scene.lines[1].start + 0.5); })""")
        deadline = time.monotonic() + 30
        while page.evaluate("() => window.convExplorer.tour().then((t) => t.status().waiting)"):
            if time.monotonic() > deadline:
                raise SystemExit("shots: the explainer's scene never painted")
            page.wait_for_timeout(50)
        page.wait_for_timeout(800)  # the ring glides to its place
        return
    if name == "lesson":
        return
    if name == "course":
        deadline = time.monotonic() + 30
        while not page.evaluate("() => document.querySelector('iframe').dataset.convexplorerAutosize === 'on'"):
            if time.monotonic() > deadline:
                raise SystemExit("shots: the course page's frame never took its view's height")
            page.wait_for_timeout(50)
        page.wait_for_timeout(500)  # the explorer's maps redraw at their new size
        return
    deadline = time.monotonic() + 30
    while painted(page) < 1:
        if time.monotonic() > deadline:
            raise SystemExit(f"shots: the {name} view never painted")
        page.wait_for_timeout(50)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def reduce(path):
    """A 256-colour PNG: UI pictures have few colours, and the README should load fast."""
    from PIL import Image
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    return path.stat().st_size


def main(argv=()):
    from playwright.sync_api import sync_playwright
    wanted = list(argv) or list(PICTURES)
    unknown = [n for n in wanted if n not in PICTURES]
    if unknown:
        raise SystemExit(f"shots: no picture called {', '.join(unknown)}; there are {', '.join(PICTURES)}")
    OUT.mkdir(parents=True, exist_ok=True)
    server = serve_in_thread(DIST)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    too_big = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name in wanted:
            what, (width, height), address = PICTURES[name]
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            if name == "course":
                context.route(base + address, lambda route: route.fulfill(
                    content_type="text/html", body=COURSE_PAGE.replace("{base}", base)))
            page.goto(base + address)
            for explorer in explorers(page):
                wait_ready(explorer)
            settle(page, name)
            path = OUT / f"{name}.png"
            page.screenshot(path=path)
            size = reduce(path)
            print(f"shots: {path.relative_to(ROOT)} ({size / 1000:.0f} KB): {what}")
            if size >= LIMIT_BYTES:
                too_big.append(name)
            context.close()
        browser.close()
    server.shutdown()
    if too_big:
        raise SystemExit(f"shots: {', '.join(too_big)} came out at 200 KB or more; the README's pictures must stay small")
    return 0
