"""The course: twenty-four lesson files, each a claim with numbers the core must agree with, built into pages.

Every fact a lesson lists is computed here with the core (tests/lesson_facts.py: app.ops,
app.pipeline, app.learn) and compared with what the lesson says; so is the answer of its question;
and every number written in its text must be one of those checked numbers (or a setting of a view
it shows). A lesson therefore cannot drift from what the explorer shows.
"""
import json
import re

import pytest

import lesson_facts
from app import network
from builder import course

LESSONS = course.read_lessons()
BY_FILE = {lesson["file"]: lesson for lesson in LESSONS}
# The claims of the course texts (../shared/lessons.md), in their order.
CLAIMS = ["what-a-filter-is", "sobel-x", "blur", "build-your-own-filter", "output-size", "weight-sharing",
          "relu", "pooling", "stride-versus-pooling", "receptive-field", "dilation", "equivariance",
          "features-of-features", "depthwise-separable", "learned-filters", "common-bugs",
          # and the issues' claims beyond one conv2d
          "transposed-convolution", "checkerboard-artefacts", "a-filter-you-can-hear", "causal-dilated-stacks",
          "a-shift-that-flips-a-digit", "blind-to-rotation", "effective-receptive-field", "double-softmax"]


def same(got, want):
    """Equal, with floats compared to the 3 decimals the lessons write."""
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    if isinstance(want, float) or isinstance(got, float):
        return got is not None and want is not None and abs(got - want) <= 5e-4 * max(1, abs(want))
    return got == want


def test_one_lesson_per_claim_in_order():
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
    elif mode in ("transposed", "signal"):
        assert lesson_facts.stages(fragment)["output"].size > 0
    elif mode == "network":
        assert network.forward(lesson_facts.digits_model(), lesson_facts.network_input(fragment)[None]).shape == (1, 10)
    else:
        assert mode in ("channels", "learn"), f"{file} {name}: mode {mode}"


def test_a_reveal_moves_its_view_somewhere_new():
    for lesson in LESSONS:
        q = lesson["question"]
        assert q["reveal"]["fragment"] != lesson["views"][q["reveal"]["view"]]["fragment"], lesson["file"]
