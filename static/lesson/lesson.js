// A lesson page's question: predict, then reveal. The learner commits to an answer (an option or
// a number); only then does the page say whether it was right, show the explanation (already in
// the page, written by build.py from the lesson file), and move the embedded explorer to the view
// that shows it, with the postMessage API every embed speaks (README, "Embedding": {type: "set"}).

import { readFragment } from "../core/url.js";
import { defaultState } from "../core/state.js";
import { STACK_BELOW_PX } from "../views/layout.js";

const form = document.getElementById("question");
const verdict = document.getElementById("feedback-verdict");
const more = document.getElementById("feedback-more");
const said = document.getElementById("explorer-said");
const frames = [...document.querySelectorAll("figure.view iframe")];
const origins = new Map(); // iframe → the origin it answered from, once it is ready
const waiting = new Map(); // iframe → the state to send as soon as it is ready
const OVERFLOW_PX = 40; // a view this much taller than its frame grows it (less: a scroll bar's worth of rounding)

/** A number as a learner types it: "11", "0.33", "1,792", "−3.9", "1/3"; null when it is not one. */
export function readNumber(text) {
  let t = String(text).trim().replace(/[\s\u00a0\u202f]/g, "").replace(/^[−–]/, "-");
  const fraction = /^(-?\d+)\/(\d+)$/.exec(t);
  if (fraction) return Number(fraction[2]) === 0 ? null : Number(fraction[1]) / Number(fraction[2]);
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, ""); // thousands separators
  else t = t.replace(",", "."); // a decimal comma
  return /^-?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : null;
}

/** The whole view a fragment describes: every setting it leaves out is at its default, as in a fresh link. */
function viewState(fragment) {
  const { partial } = readFragment(fragment);
  return { ...defaultState(), ...partial };
}

function send(frame, state) {
  const origin = origins.get(frame);
  if (!origin) {
    waiting.set(frame, state); // sent when the explorer says it is ready
    if (frame.loading === "lazy") frame.loading = "eager";
    return;
  }
  frame.contentWindow.postMessage({ type: "set", state }, origin);
}

/**
 * A frame narrow enough that the explorer stacks its panels (a phone) is made as tall as its
 * content, so the page scrolls through it instead of the learner scrolling inside a small window.
 * Stacked, the explorer's layout does not depend on the frame's height, so this settles at once.
 * So is a frame whose view is taller than it side by side too (network mode's panels go below its
 * maps): it is told to autosize (README, "Embedding"), so its layout follows its width alone.
 */
function fitHeight(frame) {
  const doc = frame.contentDocument; // the lessons and the explorer share an origin
  if (!doc?.body) return;
  if (frame.clientWidth >= STACK_BELOW_PX && !frame.dataset.autosize) {
    if (doc.documentElement.scrollHeight <= frame.clientHeight + OVERFLOW_PX) {
      frame.style.removeProperty("height"); // side by side: the stylesheet's height, which the layout fits
      return;
    }
    frame.dataset.autosize = "1";
    frame.contentWindow.postMessage({ type: "autosize" }, origins.get(frame));
  }
  const height = Math.min(doc.documentElement.scrollHeight, 8000);
  if (Math.abs(frame.offsetHeight - height) > 2) frame.style.height = `${height}px`;
}

function watchHeight(frame) {
  if (frame.dataset.watched) return;
  frame.dataset.watched = "1";
  const Observer = frame.contentWindow.ResizeObserver; // the frame's own, for elements of its document
  new Observer(() => fitHeight(frame)).observe(frame.contentDocument.body);
  new ResizeObserver(() => fitHeight(frame)).observe(frame); // the page's width changed
  fitHeight(frame);
}

window.addEventListener("message", (event) => {
  const frame = frames.find((f) => f.contentWindow === event.source);
  if (!frame || !event.data || typeof event.data.type !== "string") return;
  if (event.data.type === "ready") { // an explorer starts Python after this module has run, so none is missed
    origins.set(frame, event.origin);
    watchHeight(frame);
    if (waiting.has(frame)) {
      send(frame, waiting.get(frame));
      waiting.delete(frame);
    }
  } else if (event.data.type === "error") {
    said.hidden = false;
    said.textContent = `The explorer could not show it: ${String(event.data.message)}`;
  }
});

/** The learner's answer: {ok, said, right} or {ok: false, why}. */
function judge() {
  const answer = form.dataset.answer;
  if (form.dataset.kind === "choice") {
    const picked = form.querySelector("input[name=answer]:checked");
    if (!picked) return { ok: false, why: "Choose one of the answers first, then check." };
    return { ok: true, right: picked.value === answer, said: `“${picked.closest("label").textContent.trim().replace(/\.$/, "")}”` };
  }
  const input = form.querySelector("#answer");
  const value = readNumber(input.value);
  if (value === null) return { ok: false, why: "Type a number, such as 12 or 0.5, then check." };
  const tolerance = Math.max(Number(form.dataset.tolerance) || 0, 1e-9);
  return { ok: true, right: Math.abs(value - Number(answer)) <= tolerance, said: input.value.trim() };
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const result = judge();
  verdict.classList.remove("right", "wrong");
  if (!result.ok) {
    verdict.textContent = result.why;
    return; // nothing is revealed before the learner has committed to an answer
  }
  verdict.classList.add(result.right ? "right" : "wrong");
  const verb = form.dataset.kind === "choice" ? "chose" : "said";
  verdict.textContent = result.right ? `Right: ${result.said}.` : `Not quite: you ${verb} ${result.said}.`;
  for (const label of form.querySelectorAll("label.option")) {
    const input = label.querySelector("input");
    label.classList.toggle("is-answer", input.value === form.dataset.answer);
    label.classList.toggle("is-wrong", input.checked && input.value !== form.dataset.answer);
  }
  more.querySelector(".answer-line").hidden = result.right; // the verdict has just said it
  more.hidden = false;
  said.hidden = true;
  const frame = frames[Number(form.dataset.revealView)];
  if (frame) send(frame, viewState(form.dataset.reveal));
});

// "Back to this view": after the learner's own edits, or a reveal, the lesson's starting view again.
for (const figure of document.querySelectorAll("figure.view")) {
  figure.querySelector("button.reset-view").addEventListener("click", () => {
    send(figure.querySelector("iframe"), viewState(figure.dataset.fragment));
  });
}

// On paper an iframe is blank: print where each view can be opened instead.
for (const link of document.querySelectorAll("a.view-link")) {
  link.textContent = `${link.textContent}: ${new URL(link.getAttribute("href"), location.href).href}`;
}
