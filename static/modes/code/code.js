// Code mode: the learner completes a function (or a kernel) and runs it.
// Their code runs in a second Python worker, never the explorer's, and is
// stopped after a time limit (the worker is terminated and restarted).
// Drafts are kept in this browser per exercise, so a reload loses nothing.

import { Compute } from "../../core/compute.js";
import { EditorView } from "./editor.js";
import { GridView } from "../../views/grid.js";
import { rangeOf, formatNumber } from "../../views/colormap.js";

const $ = (id) => document.getElementById(id);
const DRAFT_KEY = (id) => `convexplorer.code.${id}`;

export class CodeMode {
  /** select(id): put the exercise's id into the explorer's state (and link); say(text): a message. */
  constructor({ select, say }) {
    this.select = select;
    this.say = say;
    this.exercises = null;
    this.current = null;
    this.runner = null;
    this.editor = null;
    // Loading starts now; open() waits for it with the exercise list, while the code worker starts.
    this.editorLoading = EditorView.create($("code-editor"), {
      onChange: (text) => this.current && saveDraft(this.current.id, text),
    });
    this.yours = new GridView($("code-yours"), { maxPx: 200, label: "Your output" });
    this.expected = new GridView($("code-expected"), { maxPx: 200, label: "Expected output" });
    $("code-run").addEventListener("click", () => this.run("preview"));
    $("code-check").addEventListener("click", () => this.run("check"));
    $("code-reset").addEventListener("click", () => {
      if (this.current && confirm("Put the starter code back? Your version will be lost.")) {
        this.editor.value = starterOf(this.current);
        saveDraft(this.current.id, this.editor.value);
      }
    });
    $("exercise-select").addEventListener("change", (e) => this.select(e.target.value));
  }

  /** Start the learner's Python and load the editor and the exercises: once (a Promise, the same every time). */
  load() {
    // Python for the code starts first: it takes longest, and the editor and the exercises load meanwhile.
    if (!this.runner) {
      this.runner = new Compute({ onRestart: (notice) => notice && this.status(notice) });
      this.status("Starting Python for your code…");
      this.exercisesLoading = fetch("data/exercises.json").then((r) => r.json());
      // Ready once a Check answers as quickly as the next: one unseen Check of the first exercise's
      // starter code imports and runs every path a Check takes for the first time (the checker and
      // NumPy's random, whose libraries took 0.3-0.4 s to load on the learner's first Check).
      this.runner.start()
        .then(() => this.exercisesLoading)
        .then(([first]) => this.runner.call("code", { code: starterOf(first), exercise: first.text, action: "check" }))
        .then(() => this.status("Ready: Run shows your output, Check runs the hidden cases."),
          (err) => this.status(err.message));
    }
    return (this.loading ??= Promise.all([this.editorLoading, this.exercisesLoading]).then(([editor, exercises]) => {
      this.editor = editor;
      if (editor.problem) $("code-keys").textContent = `${editor.problem} NumPy is imported as np.`; // beside the box, where it stays
      this.exercises = exercises;
      for (const ex of exercises) $("exercise-select").append(new Option(ex.title, ex.id));
    }));
  }

  /** Show exercise id (or the first); loads everything on first use. */
  async open(id) {
    await this.load();
    let ex = this.exercises.find((e) => e.id === id);
    if (!ex) {
      ex = this.exercises[0];
      // A typo in an instructor's link: say so rather than open another exercise without a word.
      if (id) this.say(`The link's exercise “${id}” does not exist; the first exercise, “${ex.title}”, is shown instead.`);
    }
    if (this.current?.id !== ex.id) {
      this.current = ex;
      const data = JSON.parse(ex.text);
      $("exercise-select").value = ex.id;
      $("code-prompt").textContent = data.prompt;
      const hints = $("code-hints");
      hints.replaceChildren(...data.hints.map((h) => Object.assign(document.createElement("li"), { textContent: h })));
      this.editor.value = loadDraft(ex.id) ?? starterOf(ex);
      this.show({});
    }
    return ex.id;
  }

  async run(action) {
    if (!this.runner) return;
    this.status(action === "check" ? "Checking your code on the hidden cases…" : "Running your code…");
    try {
      await this.runner.ready;
      const out = await this.runner.call("code", { code: this.editor.value, exercise: this.current.text, action });
      this.show(out.meta.result, action);
    } catch (err) {
      const slow = /took too long/.test(err.message);
      this.show({ error: slow ? "Your code ran for more than 5 seconds and was stopped. Is there a loop that never ends?" : err.message });
      this.status(slow ? "Stopped. Python is restarting for your next run." : "");
    }
  }

  show(result, action) {
    if (action || result.error) this.runs = (this.runs ?? 0) + 1;
    const fail = result.check?.first_failure;
    this.editor.markLine(errorLine(result.error) ?? errorLine(result.preview?.error) ?? errorLine(fail?.message));
    $("code-verdict").dataset.runs = String(this.runs ?? 0); // tests wait on this, not on time
    $("code-error").textContent = result.error || "";
    $("code-error").hidden = !result.error;
    $("code-printed").textContent = result.printed || "";
    $("code-printed").hidden = !result.printed;
    const preview = result.preview;
    if (preview) {
      $("code-outputs").hidden = !preview.output && !preview.text;
      if (preview.output || preview.text) this.showPreview(preview);
    } else if (action !== "check") {
      $("code-outputs").hidden = true; // a check keeps the last Run's outputs on screen
    }
    const verdict = $("code-verdict");
    verdict.className = "code-verdict";
    if (result.check) {
      const { passed, total, passed_count: n, first_failure: fail } = result.check;
      verdict.classList.add(passed ? "pass" : "fail");
      verdict.textContent = passed ? `All ${total} hidden cases pass. Well done!`
        : `${n} of ${total} hidden cases pass.` + (fail ? ` ${fail.case ? `Case “${fail.case}”: ` : ""}${fail.message}` : "");
      this.status("");
    } else {
      verdict.textContent = preview?.error ? preview.error : "";
      if (action) this.status(result.error ? "Your code raised an error." : "Ran. Compare your output with the expected one.");
    }
  }

  showPreview(p) {
    const grid = (view, rows) => {
      if (!rows) return;
      const data = Float32Array.from(rows.flat(), (v) => (v === null ? NaN : v));
      view.update({ data, height: rows.length, width: rows[0].length, colormap: "diverging",
        range: rangeOf(data.filter(Number.isFinite), "diverging"), numbers: true });
      valuesTable(view.canvas, view.canvas.dataset.numbers === "shown" ? null : rows);
    };
    grid(this.yours, p.output);
    grid(this.expected, p.expected);
    // "values" exercises (sizes, counts) answer in words; their arrays are drawn only when 2-D
    $("code-case").textContent = (p.case ? `On the first case: ${p.case}.` : "") + (p.text ? ` ${p.text}` : "");
    $("code-yours-box").hidden = !p.output;
    $("code-expected-box").hidden = !p.expected;
  }

  status(text) {
    $("code-status").textContent = text;
  }
}

/** When a grid's cells are too small for its numbers, the numbers go to a table under it, and the caption says so. */
function valuesTable(canvas, rows) {
  const figure = canvas.closest("figure");
  const caption = figure.querySelector("figcaption");
  caption.dataset.base ??= caption.textContent;
  caption.textContent = caption.dataset.base + (rows ? " (values in the table below)" : "");
  figure.querySelector("table")?.remove();
  if (!rows) return;
  const table = document.createElement("table");
  table.className = "values-table";
  for (const row of rows) {
    const tr = table.insertRow();
    for (const v of row) tr.insertCell().textContent = v === null ? "NaN" : formatNumber(v, 2);
  }
  figure.append(table);
}

/**
 * The line of the learner's code a message points at, or null. The formats are app/learner_code.py's
 * ("Line 3: invalid syntax", a traceback's "Your code, line 3, in f": the last one is the deepest)
 * and app/exercise_values.py's where_in_code ("… raised IndexError: … at line 3 of your code").
 */
function errorLine(text) {
  if (!text) return null;
  const found = [...text.matchAll(/^Line (\d+): |Your code, line (\d+)|at line (\d+) of your code\b/gm)].at(-1);
  return found ? Number(found[1] ?? found[2] ?? found[3]) : null;
}

function starterOf(ex) {
  const s = JSON.parse(ex.text).starter;
  return Array.isArray(s) ? s.join("\n") : s;
}

function loadDraft(id) {
  try { return localStorage.getItem(DRAFT_KEY(id)); } catch { return null; } // storage may be off
}

function saveDraft(id, text) {
  try { localStorage.setItem(DRAFT_KEY(id), text); } catch { /* the draft just is not kept */ }
}

let code = null;
let ctx = null;

/** Show exercise id (or the first, when there is none); the one shown goes into the state and the link. */
const open = (id) => code.open(id).then((shown) => { if (shown !== ctx.state().exercise) ctx.patch({ exercise: shown }); });

export default {
  id: "code",
  title: "Write the code",

  /** Usable once the editor and the exercises are loaded (the learner's Python starts meanwhile). */
  mount(root, shell) {
    ctx = shell;
    code = new CodeMode({ select: (id) => ctx.set({ exercise: id }), say: ctx.say });
    return code.load();
  },

  /** Nothing to compute: the learner's code runs on its own Python, when they press Run or Check. */
  run: () => ({}),

  paint(state) {
    open(state.exercise).catch((err) => ctx.say(err.message));
  },

  unmount() {},
};
