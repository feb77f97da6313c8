"""`python build.py bench [--quick] [--only PART,...] [--compare DIR] [--out FILE]`: every part in turn.

Serves a snapshot of the built dist/ on 127.0.0.1 with the project's headers, drives Debian's Chromium
through Playwright for Python, and prints ONE JSON object (also written to bench-results.json, which git
ignores). Every timing is {"median", "p95", "n"} (plus min/max) over repetitions in this one process;
each figure that the issue sets a target for carries {"target", "met"}, and out["targets"] lists them all.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from builder import DIST, ROOT
from pages import CHROMIUM, CHROMIUM_ARGS

from . import code_mode, embeds, engines, interaction, memory, network, responsiveness, startup
from .common import BENCH_ARGS, COMPARED, PLAYWRIGHT, RequestLog, start_server
from .machine import machine

RESULTS = ROOT / "bench-results.json"

# Repetitions. --quick takes about 11 minutes for every part on 2 cores (docs/benchmark.md gives each part's).
REPS = {
    "full": {"cold": 5, "warm": 3, "warm_offtherecord": 2, "startup": 5, "clicks": 40, "set_loop": 200, "drags": 2, "core": 30,
             "heap_edits": 10000, "net_digits": 200, "net_edits": 20},
    "quick": {"cold": 2, "warm": 2, "warm_offtherecord": 1, "startup": 2, "clicks": 10, "set_loop": 30, "drags": 1, "core": 8,
              "heap_edits": 1000, "net_digits": 40, "net_edits": 6},
}

# The parts, in the order they run (--only picks some): (name, what measures it).
PARTS = (("loads", startup.measure_loads), ("startup", startup.measure_startup),
         ("interaction", interaction.measure_interaction), ("memory", memory.measure_heap),
         ("network", network.measure_network), ("training", network.measure_training), ("embeds", embeds.measure_embeds), ("code", code_mode.measure_code),
         ("responsiveness", responsiveness.measure_responsiveness), ("engines", engines.measure_engines))


# Every fixed target in out, in the order out["targets"] lists them: (its name there, where it is in out).
HUMAN, INSTANT = ("click_human_press", "target"), ("click", "target")
TARGETS = [
    ("ui_visible_ms", ("ui_visible_ms", "target")),
    ("ready_cold_ms", ("ready_cold_ms", "target")),
    ("ready_cold_vs_bare_pyodide", ("startup_vs_bare", "target_cold")),
    ("ready_warm_vs_bare_pyodide", ("startup_vs_bare", "target_warm")),
    ("ready_throttled_cold_vs_no_snapshot", ("startup_vs_bare", "target_throttled")),
    ("edit_to_paint_p95_24x24", ("edit_to_paint_ms", "24x24", *HUMAN)),
    ("edit_to_paint_p95_24x24_instant_click", ("edit_to_paint_ms", "24x24", *INSTANT)),
    ("edit_to_paint_p95_256x256_all_stages", ("edit_to_paint_ms", "256x256_all_stages", *HUMAN)),
    ("edit_to_paint_p95_256x256_all_stages_instant_click", ("edit_to_paint_ms", "256x256_all_stages", *INSTANT)),
    ("core_ratio_256x256", ("core_vs_js", "256x256", "target")),
    ("core_ratio_512x512", ("core_vs_js", "512x512", "target")),
    ("drag_fps_24x24", ("drag_fps", "24x24", "target")),
    ("drag_fps_256x256", ("drag_fps", "256x256_all_stages", "target")),
    ("long_tasks", ("long_tasks", "target")),
    ("embeds_first_in_view_other_site_vs_lone", ("embeds", "first_in_view_other_site_vs_lone")),
    ("embeds_in_view_other_site_three_far_below_vs_lone", ("embeds", "in_view_other_site_three_far_below_vs_lone")),
    ("embeds_in_view_other_site_next_started_early_vs_lone",
     ("embeds", "in_view_other_site_next_started_early_vs_lone")),
    ("network_one_digit_worker_ms", ("network", "one_digit_worker_ms", "target")),
    ("network_weight_edit_forward_worker_ms", ("network", "weight_edit_forward_worker_ms", "target")),
    ("network_updates_per_second", ("network", "updates_per_second", "target")),
    ("network_accuracy_after_conv1_edit_worker_ms", ("network", "accuracy_after_conv1_edit_worker_ms", "target")),
    ("network_accuracy_after_conv2_edit_worker_ms", ("network", "accuracy_after_conv2_edit_worker_ms", "target")),
    ("training_heldout_95_seconds", ("training", "seconds_to_95", "target")),
    ("training_probe_while_training_p95", ("training", "probe_while_training_ms", "target")),
]
SESSION_TARGETS = [  # listed after the first touches'
    ("session_worst_control_event_timing_p95", ("worst_control_p95",)),
    ("session_longest_interaction_event_timing", ("longest_interaction",)),
    ("session_explore_kernel_click_to_paint_p95", ("explore_kernel_click_to_paint_ms", "target")),
]


def dig(node, path):
    """node[path[0]][path[1]]..., or {} where a part is missing (its part did not run)."""
    for key in path:
        node = node.get(key, {}) if isinstance(node, dict) else {}
    return node


def summary(out):
    """Every target in one list: what was measured, the target, met."""
    rows = []

    def add(name, node):
        if isinstance(node, dict) and "met" in node:
            rows.append({"name": name, **{k: node[k] for k in ("value", "target", "judged_on", "met") if k in node}})

    for name, path in TARGETS:
        add(name, dig(out, path))
    touch = dig(out, ("responsiveness", "first_touch"))
    for where in ("explore", "lesson"):
        add(f"first_click_after_ready_p95_{where}", dig(touch, (where, "first", "target")))
        add(f"first_vs_later_click_p95_{where}", dig(touch, (where, "first_vs_later_p95")))
    for mode, m in touch.get("modes", {}).items():
        for control, figures in m.get("controls", {}).items():
            add(f"first_vs_later_p95_{mode}_{control.replace(' ', '_')}", figures.get("first_vs_later_p95"))
    for name, path in SESSION_TARGETS:
        add(name, dig(out, ("responsiveness", "session", *path)))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python build.py bench", description="Measure Convolution Explorer in headless Chromium.")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (about 11 minutes for every part; --only for some)")
    ap.add_argument("--out", default=str(RESULTS), help="where to write the JSON (default: bench-results.json)")
    ap.add_argument("--only", help=f"run only these parts, comma-separated: {', '.join(name for name, _ in PARTS)}")
    ap.add_argument("--compare", help="a dist/ folder of another build (e.g. an older commit's) to time in the start-up part")
    args, unknown = ap.parse_known_args(argv or [])
    if unknown:
        print(f"bench: ignoring {' '.join(unknown)}", file=sys.stderr)
    reps = REPS["quick" if args.quick else "full"]
    if not (DIST / "index.html").exists():
        sys.exit("bench: dist/ is not built; run `python build.py bench`")
    if not Path(CHROMIUM).exists():
        sys.exit("bench: needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # Serve a snapshot: another build replacing dist/ mid-run must not change what is measured.
    snapshot = Path(tempfile.mkdtemp(prefix="convexplorer-bench-")) / "dist"
    shutil.copytree(DIST, snapshot)
    startup.write_comparison_pages(snapshot)
    embeds.write_course_pages(snapshot)
    if args.compare:
        COMPARED[0] = Path(args.compare)
        shutil.copytree(COMPARED[0], snapshot / "compared")
    log = RequestLog()
    server = start_server(snapshot, log)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    out = {"mode": "quick" if args.quick else "full", "repetitions": reps}
    failures = []
    started = time.monotonic()
    try:
        with sync_playwright() as p:
            PLAYWRIGHT[0] = p
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + BENCH_ARGS)
            try:
                out["machine"] = machine(browser)
                for name, step in PARTS:
                    if args.only and name not in args.only.split(","):
                        continue
                    t = time.monotonic()
                    print(f"bench: {name}…", file=sys.stderr, flush=True)
                    try:
                        step(browser, url, log, reps, out)
                    except Exception as e:
                        failures.append(name)
                        out[f"{name}_error"] = f"{type(e).__name__}: {e}"
                        traceback.print_exc(file=sys.stderr)
                    print(f"bench: {name} took {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
            finally:
                browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(snapshot.parent, ignore_errors=True)
    out.setdefault("long_tasks", {"during_cold_loads_after_fcp": out.pop("_load_longtasks", None)})
    if "machine" in out:
        m = out["machine"]
        m["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        if max(m["load_average_at_start"][0], m["load_average_at_end"][0]) > 0.5 * (m["cores_available"] or 1):
            m["caveat"] = ("other processes were using the CPU while the bench ran (see the load averages): "
                           "timings are slower and noisier than on an idle machine")
    out["targets"] = summary(out)
    out["bench_seconds"] = round(time.monotonic() - started, 1)
    text = json.dumps(out, indent=1, ensure_ascii=False)
    print(text)
    Path(args.out).write_text(text + "\n")
    return 1 if failures else 0
