"""builder/course.py: lesson files are checked (a wrong one stops the build with one sentence), and the pages
built from them link in order and carry the explorer's policy. What the lessons say is tests/test_lessons.py's."""
import json
import re
import shutil

import pytest

from builder import ROOT, course

LESSONS = course.read_lessons()


GOOD = json.loads((course.LESSONS / "05-output-size.json").read_text())


def broken(change):
    lesson = json.loads(json.dumps(GOOD))
    change(lesson)
    return lesson


BAD = [
    ("05-size.json", "not json", "lessons/05-size.json is not valid JSON"),
    ("5-size.json", GOOD, "lessons/5-size.json: the file name must be two digits"),
    ("05-size.json", broken(lambda l: l.pop("title")), 'field "title" must be non-empty text'),
    ("05-size.json", broken(lambda l: l.update(text=["one"])), 'field "text" must be a list of 2 to 4 paragraphs'),
    ("05-size.json", broken(lambda l: l["views"][0].update(fragment="v=1&kernel=1,2")),
     'field "views[0].fragment" does not open as written: the link\'s "kernel" is not a setting'),
    ("05-size.json", broken(lambda l: l["question"]["reveal"].update(fragment="v=1&s=2&pool=max.9")),
     'field "question.reveal.fragment" does not open as written: the link\'s pooling (pool=) should be none or '
     'mode.size.stride'),
    ("05-size.json", broken(lambda l: l["views"][0].update(fragment="#v=1&img=digit3")),
     'field "views[0].fragment" must be an explorer link\'s fragment without the #'),
    ("05-size.json", broken(lambda l: l["views"][0].update(hide=["everything"])),
     'field "views[0].hide" must be a list of names from title, input-controls'),
    ("05-size.json", broken(lambda l: l["question"].update(kind="essay")),
     'field "question.kind" must be "choice" or "number"'),
    ("05-size.json", broken(lambda l: l["question"].update(answer="eleven")),
     'field "question.answer" must be a number'),
    ("05-size.json", broken(lambda l: l["question"]["reveal"].update(view=3)),
     'field "question.reveal.view" must be the index (0 to 0) of the view to move'),
    ("05-size.json", broken(lambda l: l["facts"][0].pop("expect")), 'field "facts[0]" must give "expect"'),
    ("05-size.json", broken(lambda l: l.update(facts=[])), 'field "facts" must be a non-empty list'),
]


@pytest.mark.parametrize("name,content,message", BAD, ids=[m[:40] for _, _, m in BAD])
def test_a_bad_lesson_file_stops_the_build_with_one_sentence_naming_it(tmp_path, name, content, message):
    (tmp_path / name).write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(course.LessonError) as stopped:
        course.read_lessons(tmp_path)
    text = str(stopped.value)
    assert message in text and text.count(". ") <= 1 and f"lessons/{name}" in text, text


def test_two_lessons_cannot_share_a_number(tmp_path):
    for name in ("03-a.json", "03-b.json"):
        (tmp_path / name).write_text(json.dumps(GOOD))
    with pytest.raises(course.LessonError, match="lesson number 03 is taken by lessons/03-a.json"):
        course.read_lessons(tmp_path)


# --- course.py: the pages --------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("lessons")
    course.write_lessons(out)
    return out


def links(html):
    return re.findall(r'href="([^"]+)"', html)


def test_the_index_links_every_lesson_in_order(pages):
    index = (pages / "index.html").read_text()
    pages_linked = [h for h in links(index) if re.match(r"\d{2}-", h)]
    assert pages_linked == [lesson["page"] for lesson in LESSONS]
    assert sorted(p.name for p in pages.glob("*.html")) == sorted([*pages_linked, "index.html"])


def test_each_page_has_its_text_views_question_and_neighbours(pages):
    for i, lesson in enumerate(LESSONS):
        html = (pages / lesson["page"]).read_text()
        assert f"<title>{lesson['number']}. " in html and f"Lesson {i + 1} of {len(LESSONS)}" in html
        assert html.count("<p>") >= len(lesson["text"])
        srcs = re.findall(r'<iframe src="([^"]+)"', html)
        assert [s.split("#", 1)[1].replace("&amp;", "&") for s in srcs] == [v["fragment"] for v in lesson["views"]]
        assert all(s.startswith("../index.html?embed") for s in srcs)
        prev_next = re.findall(r'rel="(prev|next)" href="([^"]+)"', html)
        want = ([("prev", LESSONS[i - 1]["page"])] if i else []) + \
            ([("next", LESSONS[i + 1]["page"])] if i + 1 < len(LESSONS) else [])
        assert prev_next == want
        assert f'data-kind="{lesson["question"]["kind"]}"' in html


def test_pages_have_no_inline_script_or_style_and_carry_the_explorers_policy(pages):
    policy = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>', (ROOT / "index.html").read_text()).group(0)
    for page in pages.glob("*.html"):
        html = page.read_text()
        assert policy in html, page.name
        assert "<style" not in html and not re.search(r"<[^>]*\s(style|on\w+)=", html), page.name
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html)), page.name


def test_the_explorer_links_to_the_lessons():
    assert 'href="lessons/"' in (ROOT / "index.html").read_text()


def test_adding_a_file_adds_a_lesson(tmp_path):
    files = sorted(course.LESSONS.glob("*.json"))
    for path in files:
        shutil.copy(path, tmp_path / path.name)
    later = f"{len(files) + 1:02d}-later"
    extra = broken(lambda l: l.update(title="A lesson written later"))
    (tmp_path / f"{later}.json").write_text(json.dumps(extra))
    lessons = course.read_lessons(tmp_path)
    assert [lesson["number"] for lesson in lessons] == list(range(1, len(files) + 2))
    out = tmp_path / "out"
    course.write_lessons(out, lessons)
    assert "A lesson written later" in (out / f"{later}.html").read_text()
    assert f'rel="next" href="{later}.html"' in (out / f"{files[-1].stem}.html").read_text()
    assert f"{later}.html" in (out / "index.html").read_text()
