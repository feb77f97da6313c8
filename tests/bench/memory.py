"""Memory: whether the page's JS heap, the worker's JS heap or Pyodide's WebAssembly memory grows over
thousands of edits (`--only memory`, out["memory_after_edits"]).

A fresh page with a Python of its own; warm-up edits, then awaited setState({kernel}) edits, the page's
heap read after gc() after each quarter. A hook on the worker's WebAssembly.Memory constructor
(installed with Playwright's worker.evaluate as the worker starts) finds Pyodide's linear memory, and a
browser-level CDP session reads the worker's JS heap.
"""
import json
import time

from references import SOBEL_X

from .common import install_helpers, load, new_page, page_js

JS_EDITS = page_js("kernel-edits")
JS_PAGE_HEAP = page_js("page-heap")
JS_WORKER_MEMORY = page_js("worker-memory")


class WorkerHeap:
    """The worker's JS heap over a browser-level CDP session (Playwright gives none for workers)."""

    def __init__(self, browser, page):
        self.page = page
        self.cdp = browser.new_browser_cdp_session()
        self.replies = {}
        self.next_id = 1
        targets = self.cdp.send("Target.getTargets")["targetInfos"]
        workers = [t for t in targets if t["type"] == "worker" and t["url"].endswith("/static/core/worker.js")]
        if len(workers) != 1:
            raise RuntimeError(f"expected one explorer worker target, found {len(workers)}")
        self.cdp.on("Target.receivedMessageFromTarget", self._on_message)
        self.session = self.cdp.send("Target.attachToTarget", {"targetId": workers[0]["targetId"], "flatten": False})["sessionId"]

    def _on_message(self, event):
        msg = json.loads(event["message"])
        if "id" in msg:
            self.replies[msg["id"]] = msg

    def send(self, method, params=None, timeout=10):
        i = self.next_id
        self.next_id += 1
        self.cdp.send("Target.sendMessageToTarget", {"sessionId": self.session,
                                                     "message": json.dumps({"id": i, "method": method, "params": params or {}})})
        deadline = time.monotonic() + timeout
        while i not in self.replies:
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker CDP {method} got no reply")
            self.page.wait_for_timeout(5)
        msg = self.replies.pop(i)
        if "error" in msg:
            raise RuntimeError(f"worker CDP {method}: {msg['error']}")
        return msg["result"]

    def usage(self):
        self.send("HeapProfiler.collectGarbage")
        return self.send("Runtime.getHeapUsage")

    def close(self):
        try:
            self.cdp.detach()
        except Exception:
            pass


def measure_heap(browser, url, log, reps, out):
    hook = {"result": None}

    def on_worker(worker):
        try:
            hook["result"] = worker.evaluate(page_js("worker-memory-hook"))
        except Exception as e:  # the worker went away, or evaluate is refused
            hook["result"] = f"failed: {e}"

    context, page, errors = new_page(browser, on_worker=on_worker)
    result = {"edits": reps["heap_edits"]}
    try:
        # ?python=own: the page's own dedicated worker, whose WASM memory Playwright can hook (it lists
        # no shared workers); the Python inside is the same.
        load(page, url + "?python=own", log)
        install_helpers(page)
        page.evaluate("(p) => window.convExplorer.setState(p)",
                      {"image": "digit3", "kernel": SOBEL_X, "bias": 0, "stride": 1, "padding": 0, "dilation": 1,
                       "activation": "none", "pool": None, "layer2": None})
        page.evaluate(JS_EDITS, {"n": 200})  # warm-up: JIT, first-use allocations
        worker = page.workers[0] if page.workers else None
        try:
            wheap = WorkerHeap(browser, page)
        except Exception as e:
            wheap, wheap_error = None, str(e)
        before_page = page.evaluate(JS_PAGE_HEAP)
        before_wasm = worker.evaluate(JS_WORKER_MEMORY) if worker else []
        before_worker = wheap.usage() if wheap else None
        t = time.monotonic()
        quarters, gc_seconds = [], 0.0
        for _ in range(4):  # the heap after each quarter: a one-off warm-up and a steady leak look different
            page.evaluate(JS_EDITS, {"n": reps["heap_edits"] // 4})
            g = time.monotonic()
            quarters.append(page.evaluate(JS_PAGE_HEAP)["used"])
            gc_seconds += time.monotonic() - g
        seconds = time.monotonic() - t - gc_seconds
        after_page = page.evaluate(JS_PAGE_HEAP)
        after_wasm = worker.evaluate(JS_WORKER_MEMORY) if worker else []
        after_worker = wheap.usage() if wheap else None
        if wheap:
            wheap.close()
        result["edits_per_second"] = round(reps["heap_edits"] / seconds, 1)
        if before_page["used"] is not None and before_page["gc"]:
            result["js_heap_growth_bytes"] = after_page["used"] - before_page["used"]
            result["js_heap_bytes_before_after"] = [before_page["used"], after_page["used"]]
            result["js_heap_bytes_after_each_quarter"] = quarters
            result["js_heap_growth_after_first_quarter_bytes"] = quarters[-1] - quarters[0]
        else:
            result["js_heap_growth_bytes"] = None
            result["js_heap_reason"] = "performance.memory or gc() unavailable"
        if before_wasm and after_wasm and len(before_wasm) == len(after_wasm):
            main = max(range(len(before_wasm)), key=lambda i: after_wasm[i])
            result["wasm_heap_growth_bytes"] = after_wasm[main] - before_wasm[main]
            result["wasm_memory_bytes_before_after"] = [before_wasm[main], after_wasm[main]]
        else:
            result["wasm_heap_growth_bytes"] = None
            result["wasm_heap_reason"] = (f"the WebAssembly.Memory hook did not catch Pyodide's memory "
                                          f"(hook: {hook['result']}, memories seen: {before_wasm})")
        if before_worker and after_worker:
            result["worker_js_heap_growth_bytes"] = after_worker["usedSize"] - before_worker["usedSize"]
            result["worker_js_heap_bytes_before_after"] = [before_worker["usedSize"], after_worker["usedSize"]]
            if "backingStorageSize" in after_worker:
                result["worker_array_buffer_backing_growth_bytes"] = round(
                    after_worker["backingStorageSize"] - before_worker["backingStorageSize"])
        else:
            result["worker_js_heap_growth_bytes"] = None
            result["worker_js_heap_reason"] = wheap_error if not wheap else "no heap usage reply"
        result["method"] = (
            f"a fresh page at the default 24×24 view; 200 warm-up edits; then {reps['heap_edits']} awaited "
            "setState({kernel}) edits, each a different weight. Page JS heap: performance.memory.usedJSHeapSize "
            "(--enable-precise-memory-info) after gc() (--js-flags=--expose-gc) three times. WASM: the byte length "
            "of Pyodide's WebAssembly.Memory (caught by a hook on the worker's WebAssembly.Memory constructor, put "
            "in with worker.evaluate as the worker starts; linear memory never shrinks, so this is high-water "
            "growth: 0 means no growth past what was already reserved, not that nothing inside leaked). Worker JS "
            "heap: Runtime.getHeapUsage after HeapProfiler.collectGarbage over a CDP session attached to the worker")
        result["page_errors"] = errors[:10]
    finally:
        context.close()
    out["memory_after_edits"] = result
