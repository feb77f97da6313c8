"""What must be on screen is on screen: at each size people use, the parts a view is about lie
inside the viewport at scroll position 0, and maps are big enough to point at.

Geometry, not presence: a part can be in the DOM and still be below the fold of a 640×480 iframe.
"""
import pytest

from pages import assert_on_screen, box, opened_explorer, wait_for


STAGES = "&act=relu&pool=max.2.2&k2=1,0,-1,2,0,-2,1,0,-1"
STAGE_MAPS = ["#stage-activation-canvas", "#stage-pool-canvas", "#stage-conv2-canvas"]
EXPLORE = ["#input-canvas", "#kernel-grid", "#output-canvas"]
MIN_MAP_PX = 140


def settle(page):
    """Wait until the layout is chosen (explore's view fits itself; the other modes' views are laid out by
    CSS alone) and the maps have redrawn at their size (two frames later)."""
    wait_for(page, "() => !['explore', 'learn'].includes(document.body.dataset.mode) || "
                   "document.getElementById('explorer').dataset.rows !== undefined", what="the layout")
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def assert_maps_wide(page, selectors, minimum=MIN_MAP_PX):
    for sel in selectors:
        assert box(page, sel)["width"] >= minimum, f"{sel} is narrower than {minimum} px"


CASES = [
    # (name, query, fragment, size, parts on screen, maps at least MIN_MAP_PX wide)
    ("page", "", "#v=1&img=digit3", (1280, 800), EXPLORE + ["#inspector-table"], ["#input-canvas", "#output-canvas"]),
    ("page with stages", "", f"#v=1&img=digit3{STAGES}", (1280, 800), EXPLORE + STAGE_MAPS,
     ["#input-canvas", "#output-canvas"] + STAGE_MAPS),
    ("page with stages, large", "", f"#v=1&img=digit3{STAGES}", (1920, 1080), EXPLORE + STAGE_MAPS,
     ["#input-canvas", "#output-canvas"] + STAGE_MAPS),
    ("embed 640", "?embed", "#v=1&img=digit3", (640, 480), EXPLORE + ["#open-full"], ["#input-canvas", "#output-canvas"]),
    ("embed 800", "?embed", "#v=1&img=digit3", (800, 600), EXPLORE + ["#open-full"], ["#input-canvas", "#output-canvas"]),
    ("embed 640 with stages", "?embed", f"#v=1&img=digit3{STAGES}", (640, 480), EXPLORE,
     ["#input-canvas", "#output-canvas"]),
    ("embed 800 with stages", "?embed", f"#v=1&img=digit3{STAGES}", (800, 600), EXPLORE + STAGE_MAPS,
     ["#input-canvas", "#output-canvas"] + STAGE_MAPS),
    ("learn, page", "", "#v=1&mode=learn", (1280, 800), ["#kernel-grid", "#output-canvas", "#loss-curve"], ["#output-canvas"]),
    ("learn, embed 640", "?embed", "#v=1&mode=learn", (640, 480), ["#kernel-grid", "#output-canvas", "#loss-curve"],
     ["#output-canvas"]),
    ("learn, embed 800", "?embed", "#v=1&mode=learn", (800, 600), ["#kernel-grid", "#output-canvas", "#loss-curve"],
     ["#output-canvas"]),
    ("channels, embed 640", "?embed", "#v=1&mode=channels", (640, 480),
     ["#ch-input-0", "#ch-input-1", "#ch-input-2", "canvas[aria-label='filter 1 output']"], []),
    ("channels, embed 800", "?embed", "#v=1&mode=channels", (800, 600),
     ["#ch-input-0", "#ch-input-1", "#ch-input-2", "canvas[aria-label='filter 1 output']"], []),
]


@pytest.mark.parametrize("name,query,fragment,size,parts,maps", CASES, ids=[c[0] for c in CASES])
def test_the_parts_of_a_view_are_on_screen_at_once(browser, base_url, name, query, fragment, size, parts, maps):
    width, height = size
    with opened_explorer(browser, f"{base_url}{query}{fragment}", width, height) as watched:
        page = watched.page
        settle(page)
        assert_on_screen(page, parts, width, height)
        assert_maps_wide(page, maps)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
        assert watched.errors == []


def test_the_receptive_field_of_a_layer_2_cell_shows_in_every_earlier_map_at_once(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&img=digit3{STAGES}", 1280, 800) as watched:
        page = watched.page
        settle(page)
        target = box(page, "#stage-conv2-canvas")
        page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2)
        wait_for(page, "() => !!document.getElementById('receptive').dataset.size", what="the highlight")
        # Every map the highlight is drawn on is inside the viewport at the same moment.
        assert_on_screen(page, ["#input-canvas", "#output-canvas"] + STAGE_MAPS, 1280, 800)


@pytest.mark.parametrize("width,height", [(360, 740), (390, 844), (414, 896)])
def test_phones_stack_input_kernel_and_map_each_filling_the_width(browser, base_url, width, height):
    with opened_explorer(browser, f"{base_url}#v=1&img=digit3", width, height) as watched:
        page = watched.page
        settle(page)
        inp, kernel, out = (box(page, s) for s in EXPLORE)
        assert inp["y"] + inp["height"] <= kernel["y"] and kernel["y"] + kernel["height"] <= out["y"]
        for b in (inp, out):
            assert b["width"] >= 0.75 * width
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "the page scrolls sideways"


def test_an_embed_links_to_the_same_view_in_the_full_explorer(browser, base_url):
    with opened_explorer(browser, f"{base_url}?embed&hide=layer#v=1&img=digit7&s=2", 640, 480) as watched:
        page = watched.page
        link = page.locator("#open-full")
        assert link.is_visible() and link.get_attribute("target") == "_blank"
        wait_for(page, "() => document.getElementById('open-full').href.includes('img=digit7')", what="the link")
        href = link.get_attribute("href")
        assert "embed" not in href and "hide=" not in href and "s=2" in href


def test_the_full_page_has_no_embed_link(explorer):
    assert not explorer.page.locator("#open-full").is_visible()


def test_a_learn_embed_shows_the_empty_loss_curve_before_the_first_step(browser, base_url):
    """The curve's box on screen is not enough: something must be drawn in it (the frame and its sentence)."""
    with opened_explorer(browser, f"{base_url}?embed#v=1&mode=learn", 640, 480) as watched:
        page = watched.page
        settle(page)
        assert_on_screen(page, ["#loss-curve"], 640, 480)
        wait_for(page, """() => { const c = document.getElementById('loss-curve');
            if (!c.width) return false;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
            return false; }""", what="the empty loss curve")
        assert page.locator("#loss-curve").get_attribute("aria-label") == "Loss curve: no steps yet"
