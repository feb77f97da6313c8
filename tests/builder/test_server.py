"""builder/server.py: the headers the server sends (and hosts send, from dist/_headers), and the types it serves."""
import threading
import urllib.request

from builder import server
from builder.runtime import PYODIDE_VERSION


def test_the_runtime_and_wheels_are_cached_as_immutable_and_pages_are_not():
    rules = server.read_headers()
    assert "immutable" in server.headers_for(f"/pyodide/{PYODIDE_VERSION}/pyodide.asm.wasm", rules)["Cache-Control"]
    assert "immutable" in server.headers_for("/wheels/0123456789ab/convexplorer-0.1.0-py3-none-any.whl", rules)["Cache-Control"]
    assert "immutable" in server.headers_for("/packages/0123456789ab/numpy-2.0.2.tar.gz", rules)["Cache-Control"]
    index = server.headers_for("/index.html", rules)
    assert "Cache-Control" not in index and "Content-Security-Policy" in index


def test_served_headers_carry_the_strict_policy():
    csp = server.security_headers()["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval'" not in csp.replace("wasm-unsafe-eval'", "")
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors" in csp


def fetch(directory, path, **options):
    """(status, headers) of GET path from a server of directory made with options."""
    httpd = server.make_server(directory, **options)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{httpd.server_address[1]}{path}") as response:
            return response.status, response.headers
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_server_sends_the_hosts_headers_and_the_types_the_runtime_needs(tmp_path):
    (tmp_path / "pyodide.asm.wasm").write_bytes(b"\0asm")
    status, headers = fetch(tmp_path, "/pyodide.asm.wasm")
    assert status == 200 and headers["Content-Type"] == "application/wasm"  # else streaming compilation fails
    assert headers["Content-Security-Policy"] == server.security_headers()["Content-Security-Policy"]


def test_given_headers_replace_the_hosts_and_given_types_override(tmp_path):
    (tmp_path / "index.html").write_text("<p>an LMS page</p>")
    _, headers = fetch(tmp_path, "/index.html", headers={"X-Test": "1"}, types={".html": "text/plain"})
    assert headers["X-Test"] == "1" and "Content-Security-Policy" not in headers
    assert headers["Content-Type"] == "text/plain"
