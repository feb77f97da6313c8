"""The course: sixteen lesson files, each a claim with numbers the core must agree with, built into pages.

Every fact a lesson lists is computed here with the core (tests/lesson_facts.py: app.ops,
app.pipeline, app.learn) and compared with what the lesson says; so is the answer of its question;
and every number written in its text must be one of those checked numbers (or a setting of a view
it shows). A lesson therefore cannot drift from what the explorer shows.
"""
import json
import re
import shutil

import pytest

import build
import lesson_facts
import lesson_pages

LESSONS = lesson_pages.read_lessons()
BY_FILE = {lesson["file"]: lesson for lesson in LESSONS}
# The claims of the course texts (../shared/lessons.md), in their order.
CLAIMS = ["what-a-filter-is", "sobel-x", "blur", "build-your-own-filter", "output-size", "weight-sharing",
          "relu", "pooling", "stride-versus-pooling", "receptive-field", "dilation", "equivariance",
          "features-of-features", "depthwise-separable", "learned-filters", "common-bugs"]


def same(got, want):
    """Equal, with floats compared to the 3 decimals the lessons write."""
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    if isinstance(want, float) or isinstance(got, float):
        return got is not None and want is not None and abs(got - want) <= 5e-4 * max(1, abs(want))
    return got == want


def test_sixteen_lessons_one_per_claim_in_order():
    assert [(lesson["number"], lesson["file"]) for lesson in LESSONS] == \
        [(i + 1, f"{i + 1:02d}-{name}.json") for i, name in enumerate(CLAIMS)]


FACTS = [(lesson["file"], i) for lesson in LESSONS for i in range(len(lesson["facts"]))]


@pytest.mark.parametrize("file,index", FACTS, ids=[f"{f}-{i}" for f, i in FACTS])
def test_each_fact_a_lesson_states_is_what_the_core_computes(file, index):
    lesson = BY_FILE[file]
    fact = lesson["facts"][index]
    got = lesson_facts.compute(fact, lesson)
    assert same(got, fact["expect"]), f"{file}: {fact['kind']} {json.dumps(fact['args'])} is {got}, " \
                                      f"but the lesson says {fact['expect']}"


@pytest.mark.parametrize("file", BY_FILE)
def test_the_questions_answer_is_what_the_core_computes(file):
    lesson = BY_FILE[file]
    q = lesson["question"]
    assert "check" in q, f"{file}: the question needs a \"check\" fact that computes its answer"
    got = lesson_facts.compute(q["check"], lesson)
    if q["kind"] == "number":
        assert abs(got - q["answer"]) <= max(q.get("tolerance", 0), 1e-9), \
            f"{file}: the core gives {got}, the question's answer is {q['answer']}"
    else:
        right = q["options"][q["answer"]]
        assert "value" in right and same(got, right["value"]), \
            f"{file}: the core gives {got}, the right option says {right.get('value')}"
        for other in q["options"]:
            if other is not right and "value" in other:
                assert not same(got, other["value"]), f"{file}: a wrong option has the right value {got}"


def numbers_in(value):
    """Every number in a JSON value (facts' arguments and results, view fragments), flattened."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [abs(value)]
    if isinstance(value, list):
        return [n for v in value for n in numbers_in(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers_in(v)]
    if isinstance(value, str):
        value = re.sub(r"px=[^&]*", "", value)  # pixels are not numbers a learner reads
        return [abs(float(t)) for t in re.findall(r"\d+(?:\.\d+)?", value)]
    return []


NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)( million)?")


def written_numbers(lesson):
    """(number, the text it is in) for every number the lesson's prose states."""
    q = lesson["question"]
    texts = [*lesson["text"], *(v["caption"] for v in lesson["views"]), q["prompt"], q["explain"],
             *(o["text"] for o in q.get("options", []))]
    found = []
    for text in texts:
        for m in NUMBER.finditer(text):
            value = float(m.group(1).replace(",", "")) * (1e6 if m.group(2) else 1)
            found.append((value, text))
    return found


@pytest.mark.parametrize("file", BY_FILE)
def test_every_number_a_lesson_writes_is_checked(file):
    """0, 1 and 2 appear in formulas (+ 1, 2P) and are left out; every other number must be a checked
    fact's argument or result, the question's answer, or a setting of a view the lesson shows."""
    lesson = BY_FILE[file]
    q = lesson["question"]
    checked = numbers_in([lesson["facts"], q.get("check"), q["answer"], q["reveal"]["fragment"],
                          [v["fragment"] for v in lesson["views"]]])
    unchecked = []
    for value, text in written_numbers(lesson):
        near = lambda c: abs(c - value) <= 1e-9 or (value >= 1e6 and abs(c - value) <= 0.01 * value) \
            or (value >= 100 and abs(c - value) < 0.5)  # "about 150 million", "≈ 996"
        if value not in (0, 1, 2) and not any(near(c) for c in checked):
            unchecked.append(f"{value:g} in “{text[:60]}…”")
    assert not unchecked, f"{file} states numbers no fact checks: {unchecked}"


VIEWS = [(lesson["file"], name, fragment) for lesson in LESSONS
         for name, fragment in [*((f"views[{i}]", v["fragment"]) for i, v in enumerate(lesson["views"])),
                                ("reveal", lesson["question"]["reveal"]["fragment"])]]


@pytest.mark.parametrize("file,name,fragment", VIEWS, ids=[f"{f}-{n}" for f, n, _ in VIEWS])
def test_every_view_is_one_the_core_can_compute(file, name, fragment):
    image, settings, mode = lesson_facts.parse_fragment(fragment)
    if mode == "explore":
        assert lesson_facts.stages(fragment)["conv"].size > 0
    else:
        assert mode in ("channels", "learn"), f"{file} {name}: mode {mode}"


def test_a_reveal_moves_its_view_somewhere_new():
    for lesson in LESSONS:
        q = lesson["question"]
        assert q["reveal"]["fragment"] != lesson["views"][q["reveal"]["view"]]["fragment"], lesson["file"]


# --- lesson_pages.py: checking lesson files ------------------------------------------------------

GOOD = json.loads((lesson_pages.LESSONS / "05-output-size.json").read_text())


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
    with pytest.raises(lesson_pages.LessonError) as stopped:
        lesson_pages.read_lessons(tmp_path)
    text = str(stopped.value)
    assert message in text and text.count(". ") <= 1 and f"lessons/{name}" in text, text


def test_two_lessons_cannot_share_a_number(tmp_path):
    for name in ("03-a.json", "03-b.json"):
        (tmp_path / name).write_text(json.dumps(GOOD))
    with pytest.raises(lesson_pages.LessonError, match="lesson number 03 is taken by lessons/03-a.json"):
        lesson_pages.read_lessons(tmp_path)


# --- lesson_pages.py: the pages --------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("lessons")
    lesson_pages.write_lessons(out)
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
    policy = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>', (build.ROOT / "index.html").read_text()).group(0)
    for page in pages.glob("*.html"):
        html = page.read_text()
        assert policy in html, page.name
        assert "<style" not in html and not re.search(r"<[^>]*\s(style|on\w+)=", html), page.name
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html)), page.name


def test_the_explorer_links_to_the_lessons():
    assert 'href="lessons/"' in (build.ROOT / "index.html").read_text()


def test_adding_a_file_adds_a_lesson(tmp_path):
    for path in lesson_pages.LESSONS.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    extra = broken(lambda l: l.update(title="A lesson written later"))
    (tmp_path / "17-later.json").write_text(json.dumps(extra))
    lessons = lesson_pages.read_lessons(tmp_path)
    assert [lesson["number"] for lesson in lessons] == list(range(1, 18))
    out = tmp_path / "out"
    lesson_pages.write_lessons(out, lessons)
    assert "A lesson written later" in (out / "17-later.html").read_text()
    assert 'rel="next" href="17-later.html"' in (out / "16-common-bugs.html").read_text()
    assert "17-later.html" in (out / "index.html").read_text()
