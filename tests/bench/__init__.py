"""Benchmark Convolution Explorer in headless Chromium (`python build.py bench [--quick]`; run.py).

One module per thing measured: startup (loads, and against stock Pyodide), interaction (edits, drags,
the core against JS, long tasks), memory, network, embeds (course pages), code_mode, responsiveness
(with learner and session), engines (start-up in every engine); machine says what it ran on and common
holds the numbers, the request-logging server and page opening. What runs in the page is in page/.
"""
