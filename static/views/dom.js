// DOM writes that skip when nothing changes: every write dirties the page's
// style and layout, and an edit must be painted within a few milliseconds.

/** Set el's text only if it differs. */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** Set an attribute only if it differs. */
export function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** A new element: el("div", {className: "x"}, child, "text"). */
export function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}
