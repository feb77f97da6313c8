"""Code mode's editor: the few files of CodeMirror 5 (npm codemirror@5.65.19, MIT) that dist/ ships."""
import tarfile

from builder.downloads import fetch_npm_tarball

# CodeMirror 5 (MIT): single UMD files that run under the page's CSP without a bundler (docs/architecture.md, "Code mode's editor").
CODEMIRROR_PACKAGE = "codemirror@5.65.19"
CODEMIRROR_TARBALL = "codemirror-5.65.19.tgz"
# npm's integrity for that version (`npm view codemirror@5.65.19 dist.integrity`): the trust anchor.
CODEMIRROR_INTEGRITY = "sha512-+aFkvqhaAVr1gferNMuN8vkTSrWIFvzlMV9I2KBLCWS2WpZ2+UAkZjlMZmEuT+gcXTi6RrGQCkWq1/bDtGqhIA=="


# What dist/ ships of CodeMirror: its licence, its stylesheet and the scripts static/modes/code/editor.js
# loads (its SCRIPTS; code mode's browser tests fail on one that is missing).
CODEMIRROR_FILES = ["LICENSE", "lib/codemirror.css", "lib/codemirror.js", "mode/python/python.js",
                    "addon/edit/matchbrackets.js", "addon/edit/closebrackets.js"]


def fetch_codemirror():
    """The verified tarball of npm codemirror@5.65.19 in .cache/downloads."""
    return fetch_npm_tarball(CODEMIRROR_PACKAGE, CODEMIRROR_TARBALL, CODEMIRROR_INTEGRITY,
                             "code mode's editor comes from npm", "0.8 MB")


def write_codemirror(out):
    """dist/vendor/codemirror/: the few files of CodeMirror 5 that code mode loads, and its LICENSE."""
    with tarfile.open(fetch_codemirror()) as t:
        for name in CODEMIRROR_FILES:
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(t.extractfile(f"package/{name}").read())
