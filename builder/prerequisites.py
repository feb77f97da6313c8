"""What `python build.py test` and `bench` need: the pinned test packages, Debian's browsers, puppeteer-core."""
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from builder import ROOT, say, stop

# Debian's packages for the engines besides Chromium, and a program each one puts on the PATH.
ENGINE_PACKAGES = {"firefox-esr": "firefox-esr", "webkit2gtk-driver": "WebKitWebDriver", "xvfb": "Xvfb"}


def ensure_test_dependencies(purpose="browser tests", engines=False):
    """Install the pinned test dependencies if any is missing; stop with one sentence if a browser is.

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


def _importable(module):
    return importlib.util.find_spec(module) is not None
