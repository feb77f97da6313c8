"""The README: read in minutes, so every section appears once."""
import collections
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def headings(text):
    """Markdown headings outside fenced code blocks, as (level, title)."""
    found, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"(#{1,6}) (.+)", line)):
            found.append((len(m.group(1)), m.group(2).strip()))
    return found


def test_no_heading_appears_twice():
    counts = collections.Counter(title for _, title in headings(README.read_text()))
    repeated = [title for title, n in counts.items() if n > 1]
    assert not repeated, f"README headings appear more than once: {repeated}"


def test_the_heading_check_sees_a_repeat_and_ignores_code():
    text = "# A\n## Links\n```sh\n# a comment\n```\n## Links\n"
    assert [t for _, t in headings(text)] == ["A", "Links", "Links"]
