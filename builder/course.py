"""The lesson pages: lessons/NN-name.json, checked, rendered from builder/templates/ into dist/lessons/. Standard library only.

A lesson file that is wrong raises LessonError with one sentence naming the file and the field; the build
(builder/assemble.py) stops with it before dist/ is cleared, so a bad file leaves the last build as it was. What a lesson holds
is in docs/formats.md ("Lessons"); tests/test_lessons.py checks every number a lesson states against the core.
"""
import re
from html import escape
from pathlib import Path
from string import Template

from builder import ROOT, read_json, settings

LESSONS = ROOT / "lessons"
TEMPLATES = Path(__file__).resolve().parent / "templates"
LESSON_NAME = r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.json$"


class LessonError(ValueError):
    """A lesson file (or the page it copies from) that cannot be built; the message is one sentence."""


def _fragment_problem(fragment, manifest):
    if not isinstance(fragment, str) or not fragment.strip() or fragment.startswith("#"):
        return "must be an explorer link's fragment without the #, such as \"v=1&img=digit3&k=1,0,-1,2,0,-2,1,0,-1\""
    _, notices = settings.read_link(fragment, manifest)
    if notices:
        notice = notices[0].rstrip(".")  # the page's notice, as a clause of the build's sentence
        return f"does not open as written: {notice[0].lower()}{notice[1:]} (static/settings.json)"
    return None


def lesson_problem(lesson, manifest=None):
    """One sentence (without the file name) saying what is wrong with a lesson, or None."""
    manifest = manifest or settings.load()
    hideable, lockable = list(manifest["embed"]["hide"]), list(manifest["embed"]["lock"])
    text_ok = lambda v: isinstance(v, str) and v.strip() != ""
    number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    if not isinstance(lesson, dict):
        return "must be a JSON object with title, text, views, question and facts"
    if not text_ok(lesson.get("title")):
        return "field \"title\" must be non-empty text"
    text = lesson.get("text")
    if not isinstance(text, list) or not 2 <= len(text) <= 4 or not all(map(text_ok, text)):
        return "field \"text\" must be a list of 2 to 4 paragraphs, each non-empty text"
    views = lesson.get("views")
    if not isinstance(views, list) or not 1 <= len(views) <= 2:
        return "field \"views\" must be a list of 1 or 2 explorer views"
    for i, view in enumerate(views):
        where = f"views[{i}]"
        if not isinstance(view, dict):
            return f"field \"{where}\" must be an object with fragment and caption"
        problem = _fragment_problem(view.get("fragment"), manifest)
        if problem:
            return f"field \"{where}.fragment\" {problem}"
        if not text_ok(view.get("caption")):
            return f"field \"{where}.caption\" must be non-empty text saying what the view shows"
        for key, allowed in (("hide", hideable), ("lock", lockable)):
            got = view.get(key, [])
            if not isinstance(got, list) or any(v not in allowed for v in got):
                return f"field \"{where}.{key}\" must be a list of names from {', '.join(allowed)}"
    q = lesson.get("question")
    if not isinstance(q, dict):
        return "field \"question\" must be an object with kind, prompt, answer, explain and reveal"
    if q.get("kind") not in ("choice", "number"):
        return "field \"question.kind\" must be \"choice\" or \"number\""
    if not text_ok(q.get("prompt")):
        return "field \"question.prompt\" must be non-empty text"
    if q["kind"] == "choice":
        opts = q.get("options")
        if not isinstance(opts, list) or not 2 <= len(opts) <= 5 or \
                not all(isinstance(o, dict) and text_ok(o.get("text")) for o in opts):
            return "field \"question.options\" must be a list of 2 to 5 objects, each with a non-empty \"text\""
        if not isinstance(q.get("answer"), int) or isinstance(q["answer"], bool) or not 0 <= q["answer"] < len(opts):
            return f"field \"question.answer\" must be the index (0 to {len(opts) - 1}) of the right option"
    else:
        if not number(q.get("answer")):
            return "field \"question.answer\" must be a number"
        if not number(q.get("tolerance", 0)) or q.get("tolerance", 0) < 0:
            return "field \"question.tolerance\" must be a number of at least 0"
        if not isinstance(q.get("unit", ""), str):
            return "field \"question.unit\" must be text, such as \"cells\""
    if not text_ok(q.get("explain")):
        return "field \"question.explain\" must be non-empty text explaining the answer"
    reveal = q.get("reveal")
    if not isinstance(reveal, dict) or not isinstance(reveal.get("view"), int) or \
            isinstance(reveal.get("view"), bool) or not 0 <= reveal["view"] < len(views):
        return f"field \"question.reveal.view\" must be the index (0 to {len(views) - 1}) of the view to move"
    problem = _fragment_problem(reveal.get("fragment"), manifest)
    if problem:
        return f"field \"question.reveal.fragment\" {problem}"
    for name, fact in [("question.check", q.get("check"))] + [(f"facts[{i}]", f) for i, f in enumerate(lesson.get("facts") or [])]:
        if fact is None and name == "question.check":
            continue
        if not isinstance(fact, dict) or not text_ok(fact.get("kind")) or not isinstance(fact.get("args", {}), dict):
            return f"field \"{name}\" must be an object with a \"kind\" and an \"args\" object (see docs/formats.md, Lessons)"
        if name != "question.check" and "expect" not in fact:
            return f"field \"{name}\" must give \"expect\", the value the core must compute"
    if not isinstance(lesson.get("facts"), list) or not lesson["facts"]:
        return "field \"facts\" must be a non-empty list of the numbers the lesson states (see docs/formats.md, Lessons)"
    return None


def read_lessons(folder=None):
    """lessons/NN-name.json → [{number, slug, file, page, **lesson}] in order; a bad file stops the build."""
    folder = Path(folder or LESSONS)
    manifest = settings.load()
    found, numbers = [], {}
    for path in sorted(folder.glob("*.json")):
        m = re.match(LESSON_NAME, path.name)
        if not m:
            raise LessonError(f"lessons/{path.name}: the file name must be two digits, a hyphen and a lower-case "
                              "name, such as 05-output-size.json")
        if m.group(1) in numbers:
            raise LessonError(f"lessons/{path.name}: lesson number {m.group(1)} is taken by lessons/{numbers[m.group(1)]}")
        numbers[m.group(1)] = path.name
        lesson = read_json(path, f"lessons/{path.name}", LessonError)
        problem = lesson_problem(lesson, manifest)
        if problem:
            raise LessonError(f"lessons/{path.name}: {problem}.")
        found.append({**lesson, "number": int(m.group(1)), "file": path.name,
                      "page": f"{m.group(1)}-{m.group(2)}.html"})
    return found


def _inline(text):
    """Lesson text → HTML: escaped, with `code` spans."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text, quote=False))


def _page_csp():
    """The explorer page's Content-Security-Policy meta tag, so lesson pages carry exactly the same policy."""
    m = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>', (ROOT / "index.html").read_text())
    if not m:
        raise LessonError("index.html must carry a Content-Security-Policy meta tag (lesson pages copy it)")
    return m.group(0)


def head(title):
    """The <head> every lesson page shares (builder/templates/head.html): the explorer's policy, styles, icon."""
    return Template((TEMPLATES / "head.html").read_text()).substitute(csp=_page_csp(), page_title=title)


def embed_src(view):
    query = "embed"
    for key in ("hide", "lock"):
        if view.get(key):
            query += f"&{key}={','.join(view[key])}"
    return escape(f"../index.html?{query}#{view['fragment']}")


def _lesson_html(lesson, lessons, template):
    i = lessons.index(lesson)
    n = len(lessons)
    paragraphs = "\n    ".join(f"<p>{_inline(p)}</p>" for p in lesson["text"])
    figures = []
    for v, view in enumerate(lesson["views"]):
        label = f"Explorer {v + 1}" if len(lesson["views"]) > 1 else "The explorer"
        src = embed_src(view)
        figures.append(
            f'<figure class="view" id="view-{v + 1}" data-fragment="{escape(view["fragment"])}">\n'
            f'      <iframe src="{src}" title="{label}: {escape(view["caption"])}" loading="{"eager" if v == 0 else "lazy"}"></iframe>\n'
            f'      <figcaption><span class="view-label">{label}.</span> {_inline(view["caption"])}\n'
            f'        <button type="button" class="reset-view" aria-label="Back to this view: {label.lower()}">Back to this view</button>\n'
            f'        <a class="print-only view-link" href="../index.html#{escape(view["fragment"])}">{label} online</a></figcaption>\n'
            f'    </figure>')
    q = lesson["question"]
    if q["kind"] == "choice":
        choices = "\n".join(
            f'        <label class="option"><input type="radio" name="answer" value="{k}"> {_inline(o["text"])}</label>'
            for k, o in enumerate(q["options"]))
        answer_text = q["options"][q["answer"]]["text"]
        inputs = (f'      <fieldset>\n        <legend>{_inline(q["prompt"])}</legend>\n{choices}\n      </fieldset>')
    else:
        unit = f' <span class="unit">{escape(q["unit"])}</span>' if q.get("unit") else ""
        answer_text = f'{q["answer"]:g}' + (f' {q["unit"]}' if q.get("unit") else "")
        inputs = (f'      <label class="prompt" for="answer">{_inline(q["prompt"])}</label>\n'
                  f'      <p class="number-answer"><input id="answer" name="answer" type="text" inputmode="decimal" '
                  f'autocomplete="off" aria-describedby="feedback-verdict">{unit}</p>')
    target = q["reveal"]["view"]
    target_label = f"Explorer {target + 1}" if len(lesson["views"]) > 1 else "The explorer"
    link = lambda other, rel, arrow: (
        f'<a rel="{rel}" href="{other["page"]}">{arrow[0]}{other["number"]}. {escape(other["title"])}{arrow[1]}</a>'
        if other else "<span></span>")
    values = {
        "head": head(f"{lesson['number']}. {escape(lesson['title'])} · Convolution Explorer lessons"),
        "title": escape(lesson["title"]),
        "number": str(lesson["number"]),
        "position": f"Lesson {i + 1} of {n}",
        "paragraphs": paragraphs,
        "figures": "\n    ".join(figures),
        "kind": q["kind"],
        "answer": escape(str(q["answer"])),
        "tolerance": escape(str(q.get("tolerance", 0))),
        "reveal_view": str(target),
        "reveal_fragment": escape(q["reveal"]["fragment"]),
        "inputs": inputs,
        "answer_text": _inline(answer_text),
        "explain": _inline(q["explain"]),
        "moved": f'{target_label} now shows it: <a href="#view-{target + 1}">see it above ↑</a>',
        "prev": link(lessons[i - 1] if i > 0 else None, "prev", ("← ", "")),
        "next": link(lessons[i + 1] if i + 1 < n else None, "next", ("", " →")),
    }
    return Template(template).substitute(values)


def write_lessons(out, lessons=None):
    """dist/lessons/: one page per lesson file, from builder/templates/lesson.html, and an index in order."""
    lessons = read_lessons() if lessons is None else lessons
    out.mkdir(parents=True, exist_ok=True)
    template = (TEMPLATES / "lesson.html").read_text()
    for lesson in lessons:
        (out / lesson["page"]).write_text(_lesson_html(lesson, lessons, template))
    items = "\n      ".join(f'<li><a href="{l["page"]}">{escape(l["title"])}</a></li>' for l in lessons)
    index = Template((TEMPLATES / "lessons-index.html").read_text())
    (out / "index.html").write_text(index.substitute(head=head("Lessons · Convolution Explorer"),
                                                     count=str(len(lessons)), items=items))
    return lessons
