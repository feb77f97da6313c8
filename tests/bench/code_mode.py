"""Code mode: what opening it adds (`--only code`, out["code_mode"]); how, in measure_code."""
import time

from .common import COMPARED, bytes_of, load, new_page, page_js, stats


def measure_code(browser, url, log, reps, out):
    """From a click on "Write the code" to the starter code in an editor that takes keys, and to the code worker's Ready.

    Each repetition: a new context (empty cache) with the explorer ready in explore mode, then the click.
    Bytes: what the server sent between the click and the code worker's Ready (the code worker's runtime
    files come from the HTTP cache the explorer's worker filled). With --compare, the other build too, interleaved.
    """
    pages = {"this_build": ""} | ({"compared": "compared/"} if COMPARED[0] else {})
    runs = {name: {"editor_ms": [], "python_ready_ms": [], "raw_bytes": [], "gzip6_bytes": [], "files": None} for name in pages}
    errors = []
    for i in range(reps["startup"]):
        for name in (list(pages) if i % 2 == 0 else list(reversed(pages))):
            context, page, page_errors = new_page(browser)
            try:
                load(page, f"{url}{pages[name]}#v=1", log)
                mark = log.mark()
                start = page.evaluate("() => performance.now()")
                page.click("button[data-mode=code]")
                editor = python = None
                deadline = time.monotonic() + 60
                while editor is None or python is None:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"code mode ({name}) was not ready within 60 s")
                    now = page.evaluate("() => performance.now()")
                    if editor is None and "def " in page.evaluate(page_js("code-editor-text")):
                        editor = now - start
                    if python is None and page.evaluate("() => /^Ready/.test(document.getElementById('code-status').textContent)"):
                        python = now - start
                    page.wait_for_timeout(5)
                sent = bytes_of(log.since(mark))
                r = runs[name]
                r["editor_ms"].append(editor)
                r["python_ready_ms"].append(python)
                r["raw_bytes"].append(sent["raw_bytes"])
                r["gzip6_bytes"].append(sent["gzip6_bytes"])
                r["files"] = sent["files"]
                errors.extend(page_errors)
            finally:
                context.close()
    result = {name: {"editor_ms": stats(r["editor_ms"], 1), "python_ready_ms": stats(r["python_ready_ms"], 1),
                     "raw_bytes": stats(r["raw_bytes"], 0), "gzip6_bytes": stats(r["gzip6_bytes"], 0), "files": r["files"]}
              for name, r in runs.items()}
    result["page_errors"] = errors[:10]
    result["method"] = ("a new context per run, explorer ready in explore mode, then a click on 'Write the code'; "
                        "editor_ms: until the starter code is in the editor (polled every 5 ms, ms after the click); "
                        "python_ready_ms: until the code worker says Ready; bytes: what the server sent in that time "
                        "(gzip6 = the same files gzipped at level 6, as a host would send them); "
                        "compared = the build given with --compare, e.g. the commit before the editor changed")
    out["code_mode"] = result
