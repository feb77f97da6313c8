"""Convolution Explorer's compute core: NumPy (and Pillow for uploads) only, no page.

Runs unchanged in CPython and in Pyodide. `ops` holds the arithmetic,
`pipeline` chains the stages of a view, `api` is the one boundary the web
worker calls.
"""
__version__ = "0.1.0"
