"""Network mode's speed: one digit through the network, a weight edit's new probabilities, the held-out
accuracy after an edit of one filter, and how many image updates are painted a second (`--only network`,
out["network"]).

One page opened in network mode, once its accuracy is shown. Digits: awaited setState({image}), each
painted before the next, with the worker's time from convExplorer.lastTiming(). Edits: one filter at a
time, alternately in conv 1 and conv 2, timed to the probabilities painted and to the accuracy shown.
For comparison the same request with nothing painting: to the page's own shared Python as another
client, and to a worker of its own.
"""
import random
import time

from .common import load, new_page, page_js, stats, target

# Targets from the issue (13): one digit through the network, the held-out accuracy after an edit, drawing.
TARGETS = {"net_forward_worker_ms": 2.0, "net_accuracy_worker_ms": 250.0, "net_updates_per_second": 30.0}


def measure_network(browser, url, log, reps, out):
    """Network mode: one digit's forward pass in the worker; the held-out accuracy after an edit of one filter."""
    context, page, errors = new_page(browser)
    result = {}
    try:
        load(page, f"{url}#v=1&mode=network", log)
        deadline = time.monotonic() + 30
        while not page.evaluate("() => { const n = window.convExplorer.getState().network; return !!n.probs && !n.accuracyPending; }"):
            if time.monotonic() > deadline:
                raise RuntimeError("network mode never showed its accuracy")
            page.wait_for_timeout(20)
        digits = page.evaluate(page_js("network-digits"), {"n": reps["net_digits"]})
        worker = stats(digits["worker"], 3)
        result["one_digit_worker_ms"] = {**worker, "target": target(worker["p95"], TARGETS["net_forward_worker_ms"], judged_on="p95"),
                                         "method": "awaited setState({image}) in network mode, worker time of the network request "
                                                   "(api.network_run: edits check, forward of every layer, packing)"}
        result["one_digit_round_trip_ms"] = stats(digits["roundTrip"], 3)
        rate = reps["net_digits"] / digits["seconds"]
        result["updates_per_second"] = {"value": round(rate, 1), "target": target(rate, TARGETS["net_updates_per_second"], kind="min"),
                                        "method": "awaited setState({image}) one after another (a drawing's path: the explore "
                                                  "core, the network, the paint of every map and the bars)"}
        rng = random.Random(0)
        edits = []
        for i in range(reps["net_edits"]):
            layer, filters, size = (0, 8, 9) if i % 2 == 0 else (3, 16, 72)
            weights = [round(rng.gauss(0, 0.3), 3) for _ in range(size)]
            edits.append(page.evaluate(page_js("network-edit"), {"layer": layer, "filter": rng.randrange(filters), "weights": weights}))
        for name, pick in (("conv1", edits[0::2]), ("conv2", edits[1::2])):
            acc = stats([e["workerMs"] for e in pick], 1)
            result[f"accuracy_after_{name}_edit_worker_ms"] = {
                **acc, "target": target(acc["p95"], TARGETS["net_accuracy_worker_ms"], judged_on="p95")}
            result[f"accuracy_after_{name}_edit_shown_ms"] = stats([e["shown"] for e in pick], 1)
            result[f"probabilities_after_{name}_edit_painted_ms"] = stats([e["painted"] for e in pick], 1)
        forward = stats([e["forwardMs"] for e in edits], 2)
        result["weight_edit_forward_worker_ms"] = {
            **forward, "target": target(forward["p95"], TARGETS["net_forward_worker_ms"], judged_on="p95"),
            "method": "worker time of the network request each weight edit sends (the new probabilities), "
                      "edits made one at a time as a learner's clicks are, each after the last one's accuracy"}
        result["edits_method"] = ("one filter at a time given random weights, on top of the edits before it, alternately "
                                  "in conv 1 (8 filters) and conv 2 (16); "
                                  "worker ms: api.network_accuracy over the 2,000 held-out digits; shown: from the setState "
                                  "to the accuracy on the page; painted: to the probabilities on the page")
        alone = stats(page.evaluate(page_js("network-alone"), {"n": reps["net_digits"], "shared": False}), 3)
        idle = stats(page.evaluate(page_js("network-alone"), {"n": reps["net_digits"], "shared": True}), 3)
        result["one_digit_page_python_page_idle_ms"] = {
            **idle, "method": "the same network request to the page's own shared Python, as another of its "
                              "clients, while the page paints nothing: the worker in the page's state, without the paint"}
        result["one_digit_worker_alone_ms"] = {**alone, "method": "the same network request to a dedicated worker of "
                                               "its own, random pixels, with nothing painting meanwhile"}
        result["page_errors"] = errors[:10]
    finally:
        context.close()
    out["network"] = result
