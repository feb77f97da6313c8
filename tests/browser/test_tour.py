"""The 60-second explainer (static/tour/), played by the live explorer: the whole tour at 6×, scene by
scene its view against the script (set over the manifest's defaults, as the script says) and its caption
against the script's lines; under 60 s of tour time; what the words claim, from the explorer's own
numbers; "take over" keeps the view and its link; closing puts the page back; the link, keyboard,
transcript and captions; and at an embed's and a phone's size what is talked about stays above the dock.
"""
import json

import numpy as np
import pytest

import core_answers
from builder import settings
from pages import opened_explorer, set_state, state, wait_for

# What a scene's end holds, as the page reports it (getState without its big arrays), and where the
# caption, the ring and the dock are: [left, top, right, bottom] in CSS px.
RECORD = """async () => {
  const tour = await window.convExplorer.tour();
  const rect = (el) => { if (!el || el.hidden) return null; const b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const shape = (rows) => [rows.length, rows[0].length];
  window.seen = { cues: [], ends: [] };
  tour.on("cue", (d) => {
    const c = document.querySelector(".tour-caption");
    seen.cues.push({ id: d.id, text: c.textContent, box: rect(c), time: tour.status().time });
  });
  tour.on("scene-end", (d) => {
    const s = window.convExplorer.getState();
    const { image, output, stages, ...settings } = s;
    seen.ends.push({ scene: d.scene, time: tour.status().time, settings, image, output: shape(output),
      stages: stages.map((x) => [x.name, shape(x.data)]), ring: rect(document.querySelector(".tour-ring")),
      dock: rect(document.querySelector(".tour")), receptive: document.querySelector("#receptive")?.dataset.size });
  });
}"""
STATUS = "() => window.convExplorer.tour().then((t) => t.status())"
VIEWPORT = (1280, 800)


@pytest.fixture(scope="module")
def script(dist):
    return json.loads((dist / "tours" / "explainer.json").read_text())


@pytest.fixture(scope="module")
def defaults():
    return settings.defaults(settings.load())


def over(base, partial):
    """partial over base as the script means it: an object setting keeps what partial leaves out."""
    out = dict(base)
    for k, v in (partial or {}).items():
        out[k] = {**base[k], **v} if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def scene_end_view(scene, defaults):
    """The settings a scene ends in: the defaults, its view, then each line's set and its steps' sets."""
    view = over(defaults, scene["view"])
    for line in scene["lines"]:
        view = over(view, line.get("set"))
        for step in line["steps"]:
            view = over(view, step.get("set"))
    return view


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(b, width, height):
    return b[0] >= -0.5 and b[1] >= -0.5 and b[2] <= width + 0.5 and b[3] <= height + 0.5


@pytest.fixture(scope="module")
def played(browser, base_url, script):
    """The explainer played through at 6× from a learner's own view, then taken over at the output size."""
    with opened_explorer(browser, base_url, *VIEWPORT) as watched:
        page = watched.page
        set_state(page, {"image": "shapes", "kernel": [[0, 1, 0], [1, -4, 1], [0, 1, 0]], "stride": 2})
        wait_for(page, "() => !location.hash.includes('img=digit3') && location.hash.includes('shapes')")
        before = {"state": state(page), "hash": page.evaluate("location.hash")}
        page.click("#tour-open")
        page.wait_for_selector(".tour")
        poster = page.evaluate("""() => window.convExplorer.tour().then((t) => ({ status: t.status(),
          title: document.querySelector('.tour-caption').dataset.title,
          play: document.querySelector('.tour-play').getAttribute('aria-label') }))""")
        page.evaluate(RECORD)
        page.evaluate("() => window.convExplorer.tour().then((t) => t.setSpeed(6))")
        page.click(".tour-play")  # a click: the narration may speak
        wait_for(page, "(n) => window.seen.ends.some((e) => e.scene === n - 1)", 60, "the last scene's end",
                 len(script["scenes"]))
        seen = page.evaluate("() => window.seen")
        end = page.evaluate(STATUS)
        audio = page.evaluate("() => { const a = document.querySelector('.tour audio'); return { duration: a.duration, src: a.currentSrc }; }")
        # Take over during the output-size scene, where the view is the furthest from the default.
        size = next(i for i, s in enumerate(script["scenes"]) if s["id"] == "size")
        page.evaluate("(i) => window.convExplorer.tour().then((t) => { t.scene(i); t.pause(); })", size)
        wait_for(page, "() => window.convExplorer.tour().then((t) => !t.status().waiting)")
        page.click(".tour-takeover")
        page.wait_for_selector(".tour-toast")
        took = {"dock": page.locator(".tour").count(), "state": state(page), "url": page.evaluate("location.href"),
                "toast": page.inner_text(".tour-toast")}
        yield {"page": page, "watched": watched, "seen": seen, "end": end, "before": before, "poster": poster,
               "audio": audio, "took": took}


def test_it_waits_for_a_click_and_says_what_it_is(played, script):
    poster = played["poster"]
    assert poster["status"]["playing"] is False and poster["status"]["time"] == 0
    assert poster["play"] == "Play (Space)"
    assert poster["title"] == f"{script['title']}: 0:{int(script['duration']):02d}, narrated and captioned."


def test_every_caption_is_the_scripts_line_in_order_and_on_screen(played, script):
    lines = [(f"{s['id']}-{n}", line["show"]) for s in script["scenes"] for n, line in enumerate(s["lines"], 1)]
    cues = played["seen"]["cues"]
    assert [(c["id"], c["text"]) for c in cues] == lines
    for c in cues:
        assert c["box"] and inside(c["box"], *VIEWPORT), f"caption {c['id']} is not on screen: {c['box']}"


def test_every_scene_ends_in_the_view_the_script_sets(played, script, defaults):
    ends = played["seen"]["ends"]
    assert [e["scene"] for e in ends] == list(range(len(script["scenes"])))
    for scene, end in zip(script["scenes"], ends):
        want = scene_end_view(scene, defaults)
        got = {**end["settings"], "image": end["settings"]["imageName"]}
        for key in {*scene["view"], *(k for line in scene["lines"] for k in line.get("set", {}))}:
            if key == "network":
                assert {k: got[key][k] for k in want[key]} == want[key], scene["id"]
            elif key == "image" and want["mode"] == "network":
                continue  # the network reads the held-out digit it is given (checked below)
            else:
                assert got[key] == want[key], f"{scene['id']}: {key} is {got[key]!r}, not {want[key]!r}"
        # The ring is round what is talked about, on screen and clear of the dock and its captions.
        if end["ring"]:
            assert inside(end["ring"], *VIEWPORT) and not overlaps(end["ring"], end["dock"]), scene["id"]
    assert all(e["ring"] for e in ends[:-1]), "every scene but the last points at something"


def test_what_the_words_claim_is_what_the_explorer_shows(played, script):
    ends = {e["scene"]: e for e in played["seen"]["ends"]}
    ids = [s["id"] for s in script["scenes"]]
    at = lambda scene_id: ends[ids.index(scene_id)]  # noqa: E731
    assert at("grid")["output"] == [22, 22] and len(at("grid")["image"]) == 24  # "24 by 24"
    assert at("size")["output"] == [12, 12]  # "padding 1 keeps 24; stride 2 makes 12"
    assert dict(at("relu-pool")["stages"])["pool"] == [11, 11]  # "halves the map" (22 → 11)
    assert len(at("sharing")["settings"]["kernel"]) ** 2 == 9  # "the same 9 weights"
    net = at("network")["settings"]["network"]
    images, labels = core_answers.heldout_digits()
    assert labels[net["digit"]] == 7 and net["prediction"] == 7  # "reads a 7 it never saw"
    assert np.allclose(at("network")["image"], images[net["digit"]], atol=1e-6)  # that digit's own pixels


def test_it_ends_within_a_minute_of_tour_time_with_its_narration(played, script):
    end = played["end"]
    assert end["time"] == pytest.approx(script["duration"]) and script["duration"] <= 60 and not end["playing"]
    assert end["narration"] == "audio"
    assert played["audio"]["duration"] == pytest.approx(script["duration"], abs=0.1)


def test_take_over_leaves_the_view_of_that_moment_with_its_link(played, script, defaults, browser):
    took = played["took"]
    size = next(s for s in script["scenes"] if s["id"] == "size")
    want = over(defaults, size["view"])  # the scene's start: its first line has not set padding yet
    assert took["dock"] == 0 and "view" in took["toast"]
    assert "tour=" not in took["url"]
    assert (took["state"]["padding"], took["state"]["stride"], took["state"]["kernel"]) == (
        want["padding"], want["stride"], want["kernel"])
    with opened_explorer(browser, took["url"], *VIEWPORT) as again:
        s = state(again.page)
        assert (s["imageName"], s["kernel"], s["stride"], s["output"]) == (
            took["state"]["imageName"], took["state"]["kernel"], took["state"]["stride"], took["state"]["output"])
    assert played["watched"].errors == [] and played["watched"].foreign_requests() == []


def test_closing_puts_the_page_back(played):
    page = played["page"]
    set_state(page, {k: played["before"]["state"][k] for k in ("kernel", "stride", "mode")} | {"image": "shapes"})
    wait_for(page, "(h) => location.hash === h", 5, "the view's own link", played["before"]["hash"])
    before = state(page)
    page.click("#tour-open")
    page.wait_for_selector(".tour")
    page.evaluate("() => window.convExplorer.tour().then((t) => t.setSpeed(8))")
    page.click(".tour-play")
    wait_for(page, "() => window.convExplorer.tour().then((t) => t.status().scene >= 2)", 20)
    page.keyboard.press("Escape")
    wait_for(page, "(h) => location.hash === h", 10, "the link as it was", played["before"]["hash"])
    after = state(page)
    assert page.locator(".tour").count() == 0
    assert {k: after[k] for k in ("imageName", "kernel", "stride", "mode", "output")} == {
        k: before[k] for k in ("imageName", "kernel", "stride", "mode", "output")}


def test_the_link_keyboard_transcript_and_captions(browser, base_url, script):
    with opened_explorer(browser, f"{base_url}?tour=explainer#v=1&img=digit3", 640, 480) as watched:
        page = watched.page
        page.wait_for_selector(".tour")
        assert page.evaluate(STATUS)["playing"] is False  # a link opens it; only a click (or Space) plays
        page.keyboard.press("Space")
        wait_for(page, "() => window.convExplorer.tour().then((t) => t.status().playing)", 5)
        page.keyboard.press("Space")
        assert page.evaluate(STATUS)["playing"] is False
        page.keyboard.press("ArrowRight")
        wait_for(page, "() => window.convExplorer.tour().then((t) => t.status().scene === 1 && !t.status().waiting)", 5)
        page.keyboard.press("ArrowRight")
        wait_for(page, "() => window.convExplorer.tour().then((t) => t.status().scene === 2)", 5)
        # Paused at the scene's start, before its first line is said: that line is captioned, not an empty bar.
        wait_for(page, "(text) => document.querySelector('.tour-caption').textContent === text", 5,
                 "the scene's first line captioned", script["scenes"][2]["lines"][0]["show"])
        page.keyboard.press("c")
        assert page.locator(".tour-caption").is_hidden()
        page.click(".tour-cc")
        assert page.locator(".tour-caption").is_visible()
        page.click(".tour-transcript-open")
        items = page.locator(".tour-transcript li:not(.tour-credit)")
        assert items.count() == len(script["scenes"])
        assert "Kokoro-82M" in page.inner_text(".tour-credit")
        assert script["scenes"][5]["lines"][0]["show"] in items.nth(5).inner_text()
        items.nth(5).locator("button").click()
        wait_for(page, "() => window.convExplorer.tour().then((t) => t.status().scene === 5 && t.status().playing)", 5)
        assert watched.errors == [] and watched.foreign_requests() == []


@pytest.mark.parametrize("where", ["embed", "phone"])
def test_at_an_embeds_and_a_phones_size_what_is_talked_about_stays_above_the_dock(browser, base_url, script, where):
    width, height, query = {"embed": (640, 480, "?embed&tour=explainer"), "phone": (390, 844, "?tour=explainer")}[where]
    # The phone asks for reduced motion: scenes cut, and the ring does not glide.
    with opened_explorer(browser, base_url + query, width, height, reduced_motion="reduce" if where == "phone" else "no-preference") as watched:
        page = watched.page
        page.wait_for_selector(".tour")
        dock = page.locator(".tour").bounding_box()
        assert dock["x"] >= 0 and dock["x"] + dock["width"] <= width + 0.5 and dock["y"] + dock["height"] <= height + 0.5
        assert dock["height"] < height / 3, f"the dock takes {dock['height']} of {height} px"
        if where == "phone":
            assert page.evaluate("() => getComputedStyle(document.querySelector('.tour-ring')).transitionDuration") == "0s"
        for i, scene in enumerate(script["scenes"]):
            line = scene["lines"][-1]
            point = None  # what the ring is round at the scene's last line: the latest point said
            for said in scene["lines"]:
                point = said.get("point", point)
                for step in said["steps"]:
                    point = step.get("point", point)
            page.evaluate("(t) => window.convExplorer.tour().then((tour) => tour.seek(t))", line["start"] + 0.1)
            wait_for(page, "() => window.convExplorer.tour().then((t) => !t.status().waiting)", 20)
            # The ring follows its subject from the next frame: wait until it is round it (or gone with it).
            wait_for(page, """(point) => { const ring = document.querySelector('.tour-ring');
                const subject = point && document.querySelector(point);
                const shown = Boolean(subject && subject.getBoundingClientRect().width > 0);
                if (ring.hidden === shown) return false;
                const r = ring.getBoundingClientRect(), d = document.querySelector('.tour').getBoundingClientRect();
                return ring.hidden || r.top >= -0.5 && (r.bottom <= d.top + 0.5 || r.height > d.top - 16); }""",
                     5, f"scene {scene['id']}'s subject ringed above the dock", point)
            if point:  # an embed leaves some parts out (the parameter count): then nothing is ringed
                assert page.locator(".tour-ring").is_visible() == page.locator(point).first.is_visible(), scene["id"]
            assert page.inner_text(".tour-caption") == line["show"]
        assert watched.errors == []
