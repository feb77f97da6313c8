"""axe-core, the accessibility checker: from npm, pinned and verified, run in a page under its real policy.

axe-core comes from the npm registry at a pinned version and is checked against
the registry's pinned sha512 integrity before use (builder/downloads.py). `npm pack`
fetches it once into .cache/downloads/ (git-ignored); later runs are offline.

The page runs under a strict Content-Security-Policy with no inline scripts, so
axe cannot be added with a <script> tag (page.add_script_tag(content=...) is
blocked). Playwright's page.evaluate() runs through the DevTools protocol, which
the page's CSP does not govern, so the axe source is evaluated that way, in the
page's own main world, under the page's real policy.
"""
import tarfile

import pytest

from builder.downloads import fetch_npm_tarball

AXE_VERSION = "4.14.1"
# `npm view axe-core@4.14.1 dist.integrity`
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="

BLOCKING_IMPACTS = ("serious", "critical")


# --- axe-core from npm, pinned and verified -------------------------------------------

def axe_source():
    """axe.min.js, extracted from the verified tarball (fetched and checked as the build fetches its npm packages)."""
    tarball = fetch_npm_tarball(f"axe-core@{AXE_VERSION}", f"axe-core-{AXE_VERSION}.tgz", AXE_INTEGRITY,
                                      "the accessibility tests' axe-core comes from npm", "0.6 MB")
    with tarfile.open(tarball) as t:
        return t.extractfile("package/axe.min.js").read().decode("utf-8")


# --- running axe ------------------------------------------------------------------------

def run_axe(page, source):
    """Violations axe-core finds in the page as it is now, each {id, impact, help, helpUrl, targets, why}."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)  # not a <script>, which the CSP blocks: see the module docstring
    assert page.evaluate("() => window.axe && window.axe.version") == AXE_VERSION
    return page.evaluate("""async () => {
        const results = await window.axe.run(document, {resultTypes: ["violations"]});
        return results.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            helpUrl: v.helpUrl, targets: v.nodes.map((n) => n.target.map(String).join(" >>> ")),
            why: (v.nodes[0].failureSummary || "").split("\\n").slice(1).join(" ").trim()}));
    }""")


def describe(violations):
    lines = []
    for v in violations:
        more = f" (+{len(v['targets']) - 3} more)" if len(v["targets"]) > 3 else ""
        lines.append(f"  {v['id']} [{v['impact']}]: {v['help']}\n"
                     f"      elements: {', '.join(v['targets'][:3])}{more}\n"
                     f"      first: {v['why']}\n      {v['helpUrl']}")
    return "\n".join(lines)


def assert_accessible(page, view, source):
    """Fail listing every serious or critical axe violation in page (view names it in the message)."""
    violations = run_axe(page, source)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(f"axe-core {AXE_VERSION} found {len(blocking)} serious or critical accessibility "
                    f"violation(s) in {view}:\n{describe(blocking)}", pytrace=False)
