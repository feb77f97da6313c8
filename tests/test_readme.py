"""The README: read in minutes (at most 300 lines, every section once), and true: every file and command it
names exists."""
import collections
import json
import re

from builder import ROOT

README = ROOT / "README.md"
BUILD_PY = ROOT / "build.py"


def headings(text):
    """Markdown headings outside fenced code blocks, as (level, title)."""
    found, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"(#{1,6}) (.+)", line)):
            found.append((len(m.group(1)), m.group(2).strip()))
    return found


def test_it_reads_in_minutes():
    assert len(README.read_text().splitlines()) <= 300


def test_no_heading_appears_twice():
    counts = collections.Counter(title for _, title in headings(README.read_text()))
    repeated = [title for title, n in counts.items() if n > 1]
    assert not repeated, f"README headings appear more than once: {repeated}"


def test_the_heading_check_sees_a_repeat_and_ignores_code():
    text = "# A\n## Links\n```sh\n# a comment\n```\n## Links\n"
    assert [t for _, t in headings(text)] == ["A", "Links", "Links"]


# --- every file and command the README names exists ----------------------------------------------

MIME_TYPES = ("application/", "text/", "image/")  # `application/wasm` is a type, not a path


def named_paths(text):
    """Paths the README names: `code` that looks like a path, and link targets that are not URLs."""
    code = [c for c in re.findall(r"`([\w.-]+(?:/[\w.*<>-]*)+)`", text) if not c.startswith(MIME_TYPES)]
    links = [t.split("#")[0] for t in re.findall(r"\]\(([^)\s]+)\)", text) if not t.startswith(("http", "#"))]
    return sorted({p for p in code + links if p})


def exists(path, roots):
    """path under one of roots; <placeholders> and * match any name, and must match something."""
    pattern = re.sub(r"<[^>]+>", "*", path.rstrip("/"))
    return any(any(root.glob(pattern)) if pattern else root.is_dir() for root in roots)


def test_every_file_the_readme_names_exists(dist):
    # Paths on the built site (dist/…, or the hosting section's pyodide/…) are looked up in dist/.
    missing = [p for p in named_paths(README.read_text())
               if not exists(p.removeprefix("dist/"), [ROOT, dist] if not p.startswith("dist/") else [dist])]
    assert missing == []


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_every_section_the_readme_links_to_exists():
    for target in re.findall(r"\]\(([^)\s]+#[^)\s]+)\)", README.read_text()):
        page, anchor = target.split("#")
        text = (ROOT / page).read_text() if page else README.read_text()
        assert anchor in [slug(title) for _, title in headings(text)], target


def test_every_command_and_flag_the_readme_gives_exists():
    text = README.read_text()
    commands = set(re.findall(r"python build\.py (\w+)", text))
    assert commands and commands <= {"build", "serve", "test", "bench", "shots", "narrate"}
    for command in commands:
        assert f'"{command}"' in BUILD_PY.read_text(), command
    sources = BUILD_PY.read_text() + "".join(p.read_text() for p in (ROOT / "tests" / "bench").glob("*.py"))
    flags = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", text))
    assert flags and [f for f in flags if f'"{f}"' not in sources] == []


def test_the_path_check_sees_a_missing_file_and_reads_placeholders(tmp_path):
    (tmp_path / "static" / "modes" / "explore").mkdir(parents=True)
    assert named_paths("see `static/modes/<id>/` and [x](docs/a.md#b), not [y](https://e.org/z) or `a b`") == [
        "docs/a.md", "static/modes/<id>/"]
    assert exists("static/modes/<id>/", [tmp_path]) and not exists("docs/a.md", [tmp_path])
    assert slug("Models (`models/<name>.json` + `<name>.npz`)") == "models-modelsnamejson--namenpz"


def test_the_embed_options_it_lists_are_the_manifests():
    manifest = json.loads((ROOT / "static" / "settings.json").read_text())["embed"]
    text = " ".join(README.read_text().split())
    for option in ("hide", "lock"):
        listed = re.search(rf"`{option}=` \(([^)]*)\)", text).group(1)
        assert re.findall(r"`([a-z-]+)`", listed) == list(manifest[option]), option
