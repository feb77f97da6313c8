"""The local static server (`python build.py serve`, the tests, the benchmark), sending the _headers file's headers."""
import functools
import http.server
import sys

from builder import DIST, ROOT

# The hosts' header rules (Netlify / Cloudflare Pages format); the build copies it to dist/_headers.
HEADERS = ROOT / "builder" / "_headers"


def read_headers():
    """The _headers file: [(path pattern, {header: value})], in order (Netlify / Cloudflare Pages format).

    `python build.py serve`, the tests and the benchmark send exactly these, so the page is tested under its real policy.
    """
    rules = []
    for line in HEADERS.read_text().splitlines():
        if line.startswith("/"):
            rules.append((line.strip(), {}))
        elif line.startswith("  ") and ":" in line and rules:
            key, _, value = line.strip().partition(":")
            rules[-1][1][key.strip()] = value.strip()
    return rules


def security_headers():
    """The headers every page gets (the /* rule)."""
    return dict(next((h for pattern, h in read_headers() if pattern == "/*"), {}))


def headers_for(path, rules):
    """All headers for a URL path: every rule whose pattern (a prefix ending in *, or exact) matches."""
    found = {}
    for pattern, headers in rules:
        if pattern.endswith("*") and path.startswith(pattern[:-1]) or path == pattern:
            found.update(headers)
    return found


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript",
                      ".js": "text/javascript", ".json": "application/json",
                      ".whl": "application/zip", ".zip": "application/zip"}
    rules = []

    def end_headers(self):
        for key, value in headers_for(self.path.split("?")[0], self.rules).items():
            self.send_header(key, value)
        super().end_headers()

    def log_message(self, *args):  # quiet: tests and bench read stdout
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that leaves in the middle of a download (a test closing its page) is not our error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def make_server(directory=DIST, port=0, headers=None, types=None):
    """A threaded static server for directory on 127.0.0.1 (port 0: any free port).

    headers (a dict for every path) replace the _headers file's rules; types add to or override the
    MIME types (tests of broken hosts).
    """
    handler = type("DistHandler", (Handler,), {
        "rules": read_headers() if headers is None else [("/*", headers)],
        "extensions_map": {**Handler.extensions_map, **(types or {})}})
    return QuietServer(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))


def serve(port):
    server = make_server(port=port)
    print(f"Convolution Explorer: http://127.0.0.1:{server.server_address[1]}/  (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
