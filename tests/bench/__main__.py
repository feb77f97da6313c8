"""`python tests/bench [flags]`: the bench on dist/ as it is (`python build.py bench` builds it first)."""
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path[0:1] = [str(TESTS.parent), str(TESTS)]  # not this folder: builder/, and pages.py beside the package

from bench.run import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
