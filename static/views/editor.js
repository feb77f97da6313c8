// A careful code textarea: line numbers, Tab and Shift-Tab indent by four
// spaces, Enter keeps the indentation (and adds a level after a colon).
// No bundler needed; the learner's code is plain text to the page.

const INDENT = "    ";

export class EditorView {
  constructor(textarea, gutter, { onChange = () => {} } = {}) {
    this.textarea = textarea;
    this.gutter = gutter;
    this.onChange = onChange;
    textarea.spellcheck = false;
    textarea.addEventListener("input", () => { this.renumber(); this.onChange(this.value); });
    textarea.addEventListener("scroll", () => { gutter.scrollTop = textarea.scrollTop; });
    textarea.addEventListener("keydown", (e) => this.key(e));
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.renumber();
  }

  renumber() {
    const n = this.textarea.value.split("\n").length;
    if (this.gutter.childElementCount === n) return;
    this.gutter.textContent = Array.from({ length: n }, (_, i) => i + 1).join("\n");
  }

  key(e) {
    const ta = this.textarea;
    const { selectionStart: start, selectionEnd: end, value } = ta;
    if (e.key === "Tab" && !e.ctrlKey && !e.altKey && !e.metaKey) {
      // Escape then Tab leaves the editor, so keyboard users are never trapped.
      if (this.escaped) { this.escaped = false; return; }
      e.preventDefault();
      const lineStart = value.lastIndexOf("\n", start - 1) + 1;
      if (start === end && !e.shiftKey) {
        this.replace(start, end, INDENT, start + INDENT.length);
        return;
      }
      const lineEnd = value.indexOf("\n", end - (end > start && value[end - 1] === "\n" ? 1 : 0));
      const block = value.slice(lineStart, lineEnd === -1 ? value.length : lineEnd);
      const lines = block.split("\n");
      const changed = lines.map((l) => (e.shiftKey ? l.replace(/^ {1,4}/, "") : INDENT + l)).join("\n");
      this.replace(lineStart, lineStart + block.length, changed, lineStart, lineStart + changed.length);
    } else if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey) {
      e.preventDefault();
      const lineStart = value.lastIndexOf("\n", start - 1) + 1;
      const line = value.slice(lineStart, start);
      let indent = line.match(/^ */)[0];
      if (/:\s*(#.*)?$/.test(line)) indent += INDENT;
      this.replace(start, end, `\n${indent}`, start + 1 + indent.length);
    } else if (e.key === "Escape") {
      this.escaped = true;
    } else {
      this.escaped = false;
    }
  }

  /** Replace [from, to) with text and select [selStart, selEnd); keeps the browser's undo where it can. */
  replace(from, to, text, selStart, selEnd = selStart) {
    const ta = this.textarea;
    ta.setSelectionRange(from, to);
    if (!document.execCommand?.("insertText", false, text)) ta.setRangeText(text, from, to, "end");
    ta.setSelectionRange(selStart, selEnd);
    this.renumber();
    this.onChange(this.value);
  }
}
