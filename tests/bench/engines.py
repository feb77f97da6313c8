"""The bench's start-up in every engine (`python build.py bench --only engines [--quick]`).

The explorer (`?python=own`) against the bare Pyodide + NumPy page (bench-bare/, as in the start-up
part), in Chromium, Firefox ESR and WebKitGTK, each driven as the cross-engine tests drive it
(tests/engine_pages.py). Cold: a new browser profile for each visit (nothing cached). Warm: one browser
per page, visits interleaved, each after about:blank, the first not counted. The figure is when
`convExplorer.ready` resolved, in ms since navigation, read in the page (`performance.now()` in a
callback attached right after the load event, seconds before Python is ready), so no driver's round
trip is in it. Written to out["engines"].
"""
from engine_pages import ENGINES, launch

from .common import stats
from .startup import STARTUP_PAGES

PAGES = {"bare": STARTUP_PAGES["bare"], "explorer": STARTUP_PAGES["explorer"]}
READY_AT = "() => window.convExplorer.ready.then(() => performance.now())"


def ready_at(engine, url):
    engine.goto(url)
    engine.wait("() => !!(window.convExplorer && window.convExplorer.ready)", timeout_s=60, what="convExplorer")
    return round(engine.eval(READY_AT), 1)


def measure_engines(browser, url, log, reps, out):
    result = {}
    for name in ENGINES:
        times = {page: {"cold": [], "warm": []} for page in PAGES}
        version = None
        for i in range(reps["startup"]):
            for page in (list(PAGES) if i % 2 == 0 else list(reversed(PAGES))):
                engine = launch(name, browser)  # a new profile: a cold visit
                try:
                    version = engine.version
                    engine.open(1280, 800)
                    times[page]["cold"].append(ready_at(engine, url + PAGES[page]))
                finally:
                    engine.close()
        engines = {page: launch(name, browser) for page in PAGES}
        try:
            for page, engine in engines.items():
                engine.open(1280, 800)
                ready_at(engine, url + PAGES[page])  # fills the cache; not counted
            for i in range(reps["startup"]):
                for page in (list(PAGES) if i % 2 == 0 else list(reversed(PAGES))):
                    engines[page].goto("about:blank")
                    times[page]["warm"].append(ready_at(engines[page], url + PAGES[page]))
        finally:
            for engine in engines.values():
                engine.close()
        figures = {page: {mode: stats(v, 0) for mode, v in modes.items()} for page, modes in times.items()}
        ratio = {mode: round(figures["explorer"][mode]["median"] / figures["bare"][mode]["median"], 3)
                 for mode in ("cold", "warm")}
        result[name] = {"version": version, **figures, "explorer_vs_bare": ratio, "samples_ms": times}
    result["method"] = __doc__.split("\n\n", 1)[1].strip()
    out["engines"] = result
