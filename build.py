#!/usr/bin/env python3
"""Build, serve, test and benchmark Convolution Explorer. Standard library only.

    python build.py                 assemble dist/ (a static folder, no server code)
    python build.py serve [--port]  build, then serve dist/ on localhost
    python build.py test [pytest args]   build, then run every test (node --test, then pytest)
    python build.py bench           build, then measure in headless Chromium
    python build.py shots [names]   build, then renew the README's pictures (docs/pictures/)
    python build.py narrate         render the tours' narration that is missing or out of date, then build
    --no-snapshot                   leave out the interpreter snapshot (made with Node when present)

The Pyodide runtime comes from the package registries only and every file is
checked against its official sha256 before it is used (builder/runtime.py).
Downloads are cached in .cache/ so a second build is offline.
Use --pyodide-dir DIR to take the runtime from an unpacked official release.
The steps themselves are the package builder/, one module per concern.
"""
import argparse
import importlib
import os
import subprocess
import sys

from builder import ROOT, say
from builder.assemble import build
from builder.narration import narrate_all
from builder.prerequisites import ensure_test_dependencies
from builder.server import serve

# pytest's settings live with the tests; the root is pytest's root, so test ids read tests/...
PYTEST = ["-c", str(ROOT / "tests" / "pytest.ini"), "--rootdir", str(ROOT)]

# The page's modules that need no browser, under Node's own test runner (no npm package).
NODE_TEST = ["node", "--import", "./tests/js/setup.mjs", "--test", "--test-reporter=dot", "tests/js/"]

# Commands that drive the browsers from a module in tests/: (what needs the browser, module)
TOOLS = {"bench": ("the benchmark's browser runs", "bench.run"), "shots": ("the README's pictures", "shots")}


def test(pytest_args):
    ensure_test_dependencies(engines=True, node_tests=True)
    say("node --test tests/js/: the page's modules that need no browser")
    node = subprocess.run(NODE_TEST, cwd=ROOT).returncode
    env = {**os.environ, "CONVEXPLORER_BUILT": "1"}
    code = subprocess.run([sys.executable, "-m", "pytest", *PYTEST, *pytest_args], cwd=ROOT, env=env).returncode
    if code == 5:  # pytest: no tests collected; nothing was checked, so that is a failure
        say("no tests were collected: nothing was checked")
        return 1
    return code or node


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", default="build", choices=["build", "serve", "test", "narrate", *TOOLS])
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--pyodide-dir", help="take the runtime from an unpacked official Pyodide release")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="leave out the interpreter snapshot (Python then starts from scratch)")
    args, rest = ap.parse_known_args(argv)
    if args.command == "narrate":
        narrate_all()
    build(args.pyodide_dir, snapshot=not args.no_snapshot)
    if args.command == "serve":
        serve(args.port)
    elif args.command == "test":
        return test(rest)
    elif args.command in TOOLS:
        purpose, module = TOOLS[args.command]
        ensure_test_dependencies(purpose, engines=args.command == "bench")  # the bench times every engine
        sys.path.insert(0, str(ROOT / "tests"))
        return importlib.import_module(module).main(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
