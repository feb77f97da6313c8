"""What `python build.py test` and `bench` need: the pinned test packages, Debian's browsers, puppeteer-core,
and for the JS unit tests a Node.js new enough for its own test runner."""
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

from builder import ROOT, say, stop

# Debian's packages for the engines besides Chromium, and a program each one puts on the PATH.
ENGINE_PACKAGES = {"firefox-esr": "firefox-esr", "webkit2gtk-driver": "WebKitWebDriver", "xvfb": "Xvfb"}
# tests/js/ runs as `node --import setup.mjs --test` (--import: Node 20.6) with Node's mock timers (20.4).
NODE_FOR_TESTS = (20, 6)


def ensure_test_dependencies(purpose="browser tests", engines=False, node_tests=False):
    """Install the pinned test dependencies if any is missing; stop with one sentence if a browser is
    (or, with node_tests, if Node.js is missing or too old for the JS unit tests).

    `test` and `bench` both drive Debian's Chromium through Playwright, so both call this; `test`
    also runs the cross-engine tests (engines=True): Firefox ESR through puppeteer-core, WebKitGTK
    through Selenium on an Xvfb screen.
    """
    missing = [m for m in ("pytest", "playwright", "scipy", "hypothesis", "numpy", "PIL", "selenium")
               if not _importable(m)]
    if missing:
        say(f"installing test dependencies (missing: {', '.join(missing)})")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-r",
                        str(ROOT / "tests" / "requirements.txt")], check=True)
    if node_tests and (node := node_version()) < NODE_FOR_TESTS:
        found = f"v{node[0]}.{node[1]}" if node > (0, 0) else "no node on the PATH"
        stop(f"the JS unit tests need Node.js {NODE_FOR_TESTS[0]}.{NODE_FOR_TESTS[1]} or later ({found}): "
             "apt-get install -y nodejs, or put a newer node first on the PATH")
    if not Path("/usr/bin/chromium").exists():
        stop(f"{purpose} need Debian's chromium: apt-get install -y chromium (Playwright's own "
             "browser download does not work here)")
    if not engines:
        return
    absent = [package for package, binary in ENGINE_PACKAGES.items() if not shutil.which(binary)]
    if absent:
        stop(f"the tests in every engine need Debian's {', '.join(absent)}: apt-get install -y {' '.join(absent)}")
    drivers = ROOT / "tests" / "engines"
    if not (drivers / "node_modules" / "puppeteer-core").is_dir():
        say("installing puppeteer-core, which drives Firefox (tests/engines/package-lock.json)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=drivers, check=True)


def node_version():
    """(major, minor) of the node on the PATH; (0, 0) when there is none."""
    if not shutil.which("node"):
        return (0, 0)
    m = re.match(r"v(\d+)\.(\d+)", subprocess.run(["node", "--version"], capture_output=True, text=True).stdout)
    return (int(m[1]), int(m[2])) if m else (0, 0)


def _importable(module):
    return importlib.util.find_spec(module) is not None
