"""The machine a run was made on: CPU, cores, the browser and its flags, versions, the commit, and the
load average at the start (out["machine"]; run.py adds the load average at the end)."""
import datetime
import json
import os
import platform
import subprocess
from pathlib import Path

from builder import DIST, ROOT
from pages import CHROMIUM_ARGS

from .common import BENCH_ARGS


def machine(browser):
    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores_available = len(os.sched_getaffinity(0))
    except AttributeError:
        cores_available = os.cpu_count()
    commit = None
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=5).stdout.strip() or None
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                               timeout=5).stdout.strip()
        if commit and dirty:
            commit += " (working tree has changes)"
    except Exception:
        pass
    try:
        import importlib.metadata
        pw = importlib.metadata.version("playwright")
    except Exception:
        pw = None
    info = json.loads((DIST / "static" / "build-info.json").read_text()) if (DIST / "static" / "build-info.json").exists() else {}
    return {
        "cpu": cpu, "cores": os.cpu_count(), "cores_available": cores_available,
        "chromium": browser.version, "chromium_args": CHROMIUM_ARGS + BENCH_ARGS, "headless": True,
        "playwright": pw, "python": platform.python_version(), "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "app_version": info.get("appVersion"), "pyodide": info.get("pyodideVersion"), "git": commit,
    }
