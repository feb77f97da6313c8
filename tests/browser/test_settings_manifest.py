"""static/settings.json drives the page and Python alike: both read every link the same way, and a changed
manifest changes the page's defaults, link, checks and Embed dialog, and what the lesson checker accepts."""
import json
import shutil
from pathlib import Path

import pytest

from builder import course
from builder import settings
from pages import opened_explorer, serve_in_thread, wait_for

MANIFEST = settings.load()
CORPUS = json.loads((Path(__file__).parent / "links-v1.json").read_text())
# Links a learner or a course author could get wrong, one way each key can be wrong.
MALFORMED = [
    "v=1&img=Digit%203&k=1,2&b=x&s=0&pad=9&pm=mirror&d=5&act=tanh&pool=max.9&k2=1,2,3&w=a,b&cm=red&num=2&fill=&mode=draw",
    "v=2&ch={broken&net=[&ex=Bad_Name&px=3x3.AAA&zoom=1",
    "v=1&img=custom&px=2x2.AP-AQA&pool=avg&k2=none&pad=same&ex=none&num=1&w=-3,40",
    "v=1&k=1,,2,3&b=1e3&s=04&pool=max.2.3&k2=0.5,1,0.5,1,2,1,0.5,1,0.5&mode=channels",
    "",
]


def page_reads(page, links):
    """[{partial, notices}] from the page's own reader, static/core/url.js."""
    return page.evaluate("""async (links) => {
        const { readFragment } = await import(new URL("/static/core/url.js", location.href).href);
        return links.map((link) => readFragment(link));
    }""", links)


def test_python_reads_every_link_as_the_page_does(explorer):
    links = sorted(CORPUS) + MALFORMED
    for link, read in zip(links, page_reads(explorer.page, links)):
        partial, notices = settings.read_link(link, MANIFEST)
        assert (partial, notices) == (read["partial"], read["notices"]), link


@pytest.fixture(scope="module")
def changed_site(dist, tmp_path_factory):
    """dist/ with a manifest whose stride starts at 2 and stops at 3, and a renamed Embed label."""
    site = tmp_path_factory.mktemp("site") / "dist"
    shutil.copytree(dist, site)
    path = site / "static" / "settings.json"
    manifest = json.loads(path.read_text())
    manifest["settings"]["stride"].update(default=2, max=3)
    manifest["embed"]["hide"]["inspector"] = "the sums at the window"
    path.write_text(json.dumps(manifest))
    server = serve_in_thread(site)
    yield f"http://127.0.0.1:{server.server_address[1]}/", path
    server.shutdown()


def test_a_changed_manifest_changes_the_page_and_the_lesson_checker(browser, changed_site):
    url, path = changed_site
    with opened_explorer(browser, url) as watched:
        page = watched.page
        assert page.evaluate("() => convExplorer.getState().stride") == 2
        page.evaluate("() => convExplorer.setState({stride: 1})")
        assert "&s=1" in wait_for(page, "() => location.hash.includes('s=1') && location.hash")
        page.evaluate("() => convExplorer.setState({stride: 2})")
        assert "s=" not in wait_for(page, "() => !location.hash.includes('s=1') && location.hash")
        problem = page.evaluate("() => convExplorer.setState({stride: 4}).then(() => null, (e) => e.message)")
        assert problem == "Stride must be a whole number from 1 to 3."
        assert page_reads(page, ["s=4"])[0]["notices"] == [
            "The link's stride (s=) should be a whole number from 1 to 3; the default is used."]
        page.click("#embed-open")
        assert page.locator("#embed-hide label").filter(has_text="the sums at the window").count() == 1
    lesson = json.loads((course.LESSONS / "05-output-size.json").read_text())
    lesson["views"][0]["fragment"] = "v=1&img=digit3&s=4"
    assert course.lesson_problem(lesson) is None  # today's manifest takes stride 4
    assert course.lesson_problem(lesson, settings.load(path)) == (
        'field "views[0].fragment" does not open as written: the link\'s stride (s=) should be a whole number '
        "from 1 to 3; the default is used (static/settings.json)")
