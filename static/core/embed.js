// Embedding in course pages: the ?embed layout with hide / lock options, and
// the postMessage API for the parent page (see README, "Embedding").
//
//   ?embed                     compact layout for an iframe (640×480 down to 360 px wide)
//   &hide=inspector,layer,...  panels or controls to leave out
//   &lock=image,kernel,layer   parts the learner cannot change
//   &origin=https://lms.example.edu   accept messages only from, and post only to, this origin
//   &theme=light|dark|auto     the colours: a course theme's own switch can also set them by message
//   &tour=explainer            open with the explainer (tours/<name>.json) ready to play
//
// The names each takes are the settings manifest's (static/settings.json, "embed"); this module does
// not read it, so that an embed waiting below the fold fetches nothing it does not need. A name that
// is not one matches no panel and does nothing.

export const THEMES = ["auto", "light", "dark"]; // auto: the reader's system setting

const MAX_MESSAGE_CHARS = 2_000_000;

/** Embed options from the query string: {embed, hide: Set, lock: Set, origin, theme, tour}. Names are kept if they look like one. */
export function readOptions(search) {
  const q = new URLSearchParams(search);
  const list = (key) => new Set((q.get(key) || "").split(",").filter((x) => /^[a-z][a-z-]{0,30}$/.test(x)));
  let origin = q.get("origin");
  try {
    origin = origin ? new URL(origin).origin : null;
  } catch {
    origin = null;
  }
  const theme = THEMES.includes(q.get("theme")) ? q.get("theme") : "auto";
  const tour = /^[a-z0-9]+(-[a-z0-9]+)*$/.test(q.get("tour") ?? "") ? q.get("tour") : null;
  return { embed: q.has("embed"), hide: list("hide"), lock: list("lock"), origin, theme, tour };
}

/** Mark the page so the CSS can hide and lock; lock also disables the controls themselves. */
export function applyOptions({ embed, hide, lock, theme }) {
  setTheme(theme);
  const body = document.body;
  body.classList.toggle("embed", embed);
  for (const h of hide) body.classList.add(`hide-${h}`);
  for (const l of lock) {
    body.classList.add(`lock-${l}`);
    document.querySelectorAll(`[data-lock~="${l}"] :is(button, select, input):not([data-hide="exports"] *)`).forEach((el) => { el.disabled = true; });
  }
}

/** Colours: the dark stylesheet applies by the system's setting (auto), always (dark) or never (light). */
export function setTheme(theme) {
  const dark = document.getElementById("dark-theme");
  if (dark) dark.media = { dark: "all", light: "not all" }[theme] ?? "(prefers-color-scheme: dark)";
}

/** A message from the parent page, or null (with a console warning) when it is not one we take. */
export function checkMessage(data) {
  const warn = (why) => { console.warn(`convExplorer: message ignored: ${why}`); return null; };
  if (!data || typeof data !== "object" || Array.isArray(data)) return warn("not an object");
  if (!["set", "get", "play", "pause", "step", "theme", "autosize"].includes(data.type)) {
    return warn(`unknown type ${JSON.stringify(String(data.type)).slice(0, 40)}`);
  }
  if (data.type === "theme" && !THEMES.includes(data.theme)) {
    return warn(`theme must be one of ${THEMES.join(", ")}`);
  }
  if (data.type === "set") {
    if (!data.state || typeof data.state !== "object" || Array.isArray(data.state)) return warn("set needs a state object");
    let size;
    try {
      size = JSON.stringify(data.state).length;
    } catch {
      return warn("state is not plain JSON");
    }
    if (size > MAX_MESSAGE_CHARS) return warn(`state is ${size} characters; the limit is ${MAX_MESSAGE_CHARS}`);
  }
  return data;
}

/**
 * Talk to the parent page: post ready/change with getState(), take set/get,
 * theme and the motion commands play/pause/step. set(partial) and command(type) (play, pause or
 * step) return Promises; a rejection's readable message goes back as {type: "error", message}.
 *
 * Sizing: the page's height goes to the parent as {type: "size", height} (CSS px) whenever it
 * changes. A parent that sets the frame's height from it (embed-resize.js) says so with
 * {type: "autosize"}; onAutosize() then lays the view out for its width alone, as its height follows.
 */
export function connectParent({ origin, getState, set, command, onAutosize = () => {} }) {
  if (window.parent === window) return { ready() {}, changed() {} };
  const target = origin || "*"; // the state is what the learner sees: nothing secret goes out
  const post = (msg) => window.parent.postMessage(msg, target);
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return; // only the embedding page talks to us
    if (origin && event.origin !== origin) {
      console.warn(`convExplorer: message from ${event.origin} ignored (only ${origin} is accepted)`);
      return;
    }
    if (event.data?.type === "near") return; // embed-resize.js's start signal, for boot.js: late here
    const msg = checkMessage(event.data);
    if (!msg) return;
    if (msg.type === "get") post({ type: "state", state: getState() });
    else if (msg.type === "theme") setTheme(msg.theme);
    else if (msg.type === "autosize") {
      document.documentElement.classList.add("autosize"); // no scroll bar of its own: the frame grows
      onAutosize();
    }
    else {
      const done = msg.type === "set" ? set(msg.state) : command(msg.type);
      done.catch((err) => post({ type: "error", message: String(err.message) }));
    }
  });
  let height = 0;
  new ResizeObserver(() => {
    const now = Math.ceil(document.body.getBoundingClientRect().height);
    if (now !== height) post({ type: "size", height: (height = now) });
  }).observe(document.body);
  let pending = false;
  return {
    ready: () => post({ type: "ready", state: getState() }),
    // One change message per task at most, however many paints happen in it.
    changed: () => {
      if (pending) return;
      pending = true;
      setTimeout(() => { pending = false; post({ type: "change", state: getState() }); }, 0);
    },
  };
}
