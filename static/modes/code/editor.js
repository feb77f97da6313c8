// Code mode's editor: CodeMirror 5 (npm codemirror@5.65.19, MIT, shipped in dist/vendor/ by build.py),
// loaded only when code mode first opens. Its files are plain UMD scripts, so they run under the page's
// Content-Security-Policy with no bundler (docs/architecture.md, "Code mode's editor").
// Python highlighting, bracket matching and closing, four-space indents, undo, line numbers, and a mark
// on the line an error points at. Escape then Tab leaves the editor, so keyboard users are never trapped.

const VENDOR = new URL("../../../vendor/codemirror/", import.meta.url);
// In this order: the mode and addons register themselves on window.CodeMirror. The build ships these
// and no others (builder/vendor.py CODEMIRROR_FILES): a script added here must be added there too, or it fails
// to load, an error the browser tests' watched pages report.
const SCRIPTS = ["lib/codemirror.js", "mode/python/python.js", "addon/edit/matchbrackets.js", "addon/edit/closebrackets.js"];
const INDENT = 4;
const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta"]);

let loading = null;

/** window.CodeMirror with its Python mode and addons, loaded once (a stylesheet and four scripts). */
export function loadCodeMirror() {
  loading ??= new Promise((resolve, reject) => {
    const css = Object.assign(document.createElement("link"), { rel: "stylesheet", href: new URL("lib/codemirror.css", VENDOR) });
    document.head.append(css);
    // Fetched in parallel, run in order: dynamically added scripts with async = false keep their order.
    const scripts = SCRIPTS.map((name) => Object.assign(document.createElement("script"), { src: new URL(name, VENDOR), async: false }));
    const failed = (e) => reject(new Error(`The code editor could not be loaded (${e.target.src || e.target.href}); the plain text box works instead.`));
    scripts.forEach((s) => s.addEventListener("error", failed));
    css.addEventListener("error", failed);
    scripts.at(-1).addEventListener("load", () => resolve(window.CodeMirror));
    document.head.append(...scripts);
  });
  return loading;
}

export class EditorView {
  /** The editor over textarea (its aria-label names the editor); onChange(text) after every edit. */
  static async create(textarea, { onChange = () => {} } = {}) {
    let CodeMirror = null;
    let problem = null;
    try {
      CodeMirror = await loadCodeMirror();
    } catch (err) {
      problem = err.message;
    }
    const view = new EditorView(CodeMirror, textarea, onChange);
    view.problem = problem;
    return view;
  }

  constructor(CodeMirror, textarea, onChange) {
    this.textarea = textarea;
    this.errorLine = null;
    if (!CodeMirror) { // the vendor files did not load: the bare textarea still takes code
      textarea.spellcheck = false;
      textarea.addEventListener("input", () => onChange(textarea.value));
      return;
    }
    const cm = CodeMirror.fromTextArea(textarea, {
      mode: { name: "python", version: 3 },
      theme: "explorer", // static/style.css: the explorer's colours, light and dark
      lineNumbers: true,
      gutters: ["CodeMirror-linenumbers", "code-error-gutter"],
      indentUnit: INDENT,
      tabSize: INDENT,
      indentWithTabs: false,
      smartIndent: true,
      matchBrackets: true,
      autoCloseBrackets: true,
      // The lines themselves take the keys (not a hidden textarea): screen readers read them, and the
      // scrolled region holds what has focus (axe: scrollable-region-focusable).
      inputStyle: "contenteditable",
      screenReaderLabel: textarea.getAttribute("aria-label"),
      spellcheck: false,
      autocorrect: false,
      autocapitalize: false,
      extraKeys: {
        Tab: (ed) => (ed.somethingSelected() ? ed.indentSelection("add") : ed.execCommand("insertSoftTab")),
        "Shift-Tab": (ed) => ed.indentSelection("subtract"),
      },
    });
    this.cm = cm;
    const field = cm.getInputField();
    field.setAttribute("role", "textbox");
    field.setAttribute("aria-multiline", "true");
    field.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby") || "");
    cm.on("keydown", (_, e) => {
      if (e.key === "Tab" && this.escaped && !e.ctrlKey && !e.altKey && !e.metaKey) {
        e.codemirrorIgnore = true; // the browser's Tab: focus moves on
        this.escaped = false;
      } else if (e.key === "Escape") {
        this.escaped = true;
      } else if (!MODIFIERS.has(e.key)) {
        this.escaped = false;
      }
    });
    cm.on("changes", (_, changes) => {
      if (changes.some((c) => c.origin !== "setValue")) onChange(this.value);
    });
  }

  get value() {
    return this.cm ? this.cm.getValue() : this.textarea.value;
  }

  /** Replaces the text (a new exercise or the starter code): its undo history starts here. */
  set value(text) {
    if (!this.cm) { this.textarea.value = text; return; }
    this.cm.setValue(text);
    this.cm.clearHistory();
  }

  /** Mark line n (1-based) as the one an error points at, or clear the mark (n = null). */
  markLine(n) {
    if (!this.cm) return;
    const cm = this.cm;
    if (this.errorLine) {
      cm.removeLineClass(this.errorLine, "wrap", "code-error-line");
      cm.setGutterMarker(this.errorLine, "code-error-gutter", null);
      this.errorLine = null;
    }
    if (!n || n > cm.lineCount()) return;
    const marker = Object.assign(document.createElement("span"), { className: "code-error-marker", textContent: "▶",
      title: "The error is on this line" });
    this.errorLine = cm.addLineClass(n - 1, "wrap", "code-error-line");
    cm.setGutterMarker(this.errorLine, "code-error-gutter", marker);
    cm.scrollIntoView({ line: n - 1, ch: 0 }, 40);
  }
}
