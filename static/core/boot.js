// The first script the page runs. It reads the page's options, connects to Python and then loads the
// explorer (main.js, which takes this connection over: modules are loaded once, so it is this one).
//
// A page of its own connects at once, because Python's start-up is the longest wait a learner has.
// An embed (?embed) waits until it is near the viewport: a course page's explorers further down fetch,
// parse and run nothing more (no Python, no explorer code, no data) and so take nothing from the one the
// learner is looking at.
//
// Every explorer of the site in this browser shares one Python (connect.js); ?python=own gives this
// one a Python of its own (the benchmark's memory run uses it).
import { connectPython, dedicatedPython } from "./connect.js";
import { readOptions, applyOptions } from "./embed.js";

export const options = readOptions(location.search); // ?embed, hide, lock, origin
applyOptions(options);

/** How to reach Python: also used to replace one that hangs or dies. */
export const connect = new URLSearchParams(location.search).get("python") === "own" ? dedicatedPython : connectPython;
export let firstWorker = null;

// "Near": within a viewport's height of it. Browsers apply this margin only where the embedding page
// is of the explorer's own site; in another site's page an embed loads once it is in view, or when the
// page's embed-resize.js says {type: "near"} (it sees the frame from outside).
const NEAR = "100% 0px";

// Until main.js has put the whole API in place (it loads after this script, and after the page's load
// event), window.convExplorer holds its ready promise; the parent's messages are kept for it.
let loaded;
window.convExplorer = { ready: new Promise((resolve) => { loaded = resolve; }) };
window.convExplorer.ready.catch(() => {}); // a failure is shown on the page, whoever waits
const early = [];
const keep = (event) => event.data?.type !== "near" && early.push(event); // "near" is for this script alone
addEventListener("message", keep);

const loadingText = document.querySelector("#loading .loading-text");

function start() {
  loadingText.textContent = "Loading the page…";
  firstWorker = connect({ takeTurns: options.embed });
  const preloads = document.getElementById("preloads"); // the build's list of every module and data file
  if (preloads) document.head.append(preloads.content.cloneNode(true));
  import("../main.js").then(() => {
    removeEventListener("message", keep);
    for (const { data, origin, source } of early) dispatchEvent(new MessageEvent("message", { data, origin, source }));
    loaded(window.convExplorer.ready); // main.js's own
  }, (err) => {
    console.error(err);
    loadingText.textContent = `The explorer could not be loaded (${err.message}); reload the page to try again.`;
    loaded(Promise.reject(err));
  });
}

if (!options.embed || typeof IntersectionObserver !== "function") {
  start();
} else {
  loadingText.textContent = "This explorer starts when it is scrolled into view.";
  let started = false;
  const once = () => {
    if (started) return;
    started = true;
    observer.disconnect();
    removeEventListener("message", near);
    start();
  };
  // In an iframe the implicit root is the top-level viewport: this is "is the embed near the view".
  const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && once(), { rootMargin: NEAR });
  observer.observe(document.documentElement);
  const near = (event) => event.source === window.parent && event.data?.type === "near" && once();
  addEventListener("message", near);
  if (window.parent !== window) window.parent.postMessage({ type: "waiting" }, "*");
}
