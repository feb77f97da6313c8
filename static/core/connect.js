// Which Python an explorer talks to. Every explorer of the site open in this browser (each embed on a
// course page, each tab) shares one Python in a module SharedWorker, so a page of four embeds loads
// and compiles the runtime once. Where the browser refuses to share (Chromium refuses a SharedWorker
// to an iframe inside a page of another site, an LMS, with an `error` event before fetching the script),
// the explorer falls back to a Python of its own in a dedicated worker; the embeds of a page then start
// theirs one at a time, so the one the learner looks at starts first. (An embed far from the view has
// not got this far: boot.js waits until it is near.)
//
// Both kinds look like a Worker to compute.js: postMessage, onmessage, onerror, terminate.

const SCRIPT = new URL("./worker.js", import.meta.url);
const CHANNEL = "convexplorer-python"; // where explorers tell each other that a shared Python died
// A SharedWorker answers at once when it connects (its start-up progress). No answer and no error in
// this long means sharing does not work here, whatever the reason: use a Python of our own.
const HELLO_TIMEOUT_MS = 4000;
const STARTING = "convExplorerStartingPython"; // set on an embed's window while its Python starts

let generation = 0; // the shared Python's name carries it: a replaced one gets a new name

/** A Python of this page's own (code mode always uses one: a learner's endless loop stops only it). */
export function dedicatedPython() {
  return new Worker(SCRIPT, { type: "module" });
}

/**
 * The site's shared Python, or a dedicated one where the browser refuses sharing.
 * Returns at once; messages posted before the choice is made are delivered to whichever it is.
 * takeTurns: an embed: a dedicated Python starts only while no sibling embed is starting one.
 */
export function connectPython({ takeTurns = false } = {}) {
  return new SharedPython(takeTurns);
}

class SharedPython {
  constructor(takeTurns) {
    this.kind = "connecting";
    this.queue = []; // [message, transfer] posted before the choice
    this.received = []; // messages that arrived before onmessage was set
    this.handlers = { message: null, error: null };
    this.generation = generation;
    this.name = `convexplorer-python-${generation}`;
    this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
    if (this.channel) {
      this.channel.onmessage = ({ data }) => {
        generation = Math.max(generation, data.replaced + 1);
        // Another explorer found the shared Python hung or dead and replaced it: restart with it.
        if (this.kind === "shared" && data.name === this.name) this.handlers.error?.({ message: "was replaced" });
      };
    }
    let shared;
    try {
      shared = new SharedWorker(SCRIPT, { type: "module", name: this.name }); // throws where there is none
    } catch {
      this.fallBack(takeTurns);
      return;
    }
    this.port = shared.port;
    const timer = setTimeout(() => this.fallBack(takeTurns), HELLO_TIMEOUT_MS);
    shared.onerror = () => {
      clearTimeout(timer);
      if (this.kind === "connecting") this.fallBack(takeTurns);
      else this.handlers.error?.({ message: "could not be loaded" });
    };
    this.port.onmessage = (event) => {
      if (this.kind === "connecting") {
        clearTimeout(timer);
        this.kind = "shared";
        for (const [message, transfer] of this.queue) this.port.postMessage(message, transfer);
        this.queue = [];
        addEventListener("pagehide", (e) => e.persisted || this.port.postMessage({ type: "bye" }));
      }
      this.deliver(event);
    };
    this.port.start();
  }

  /** Sharing is refused here: the same messages go to a dedicated Python instead. */
  fallBack(takeTurns) {
    if (this.kind !== "connecting") return;
    this.kind = "dedicated";
    this.port?.close();
    this.port = null;
    this.channel?.close();
    const start = () => {
      const worker = dedicatedPython();
      worker.onmessage = (event) => this.deliver(event);
      worker.onerror = (event) => this.handlers.error?.(event);
      for (const [message, transfer] of this.queue) worker.postMessage(message, transfer);
      this.queue = [];
      this.worker = worker;
      return worker;
    };
    if (!takeTurns) return void start();
    this.inTurn(start);
  }

  /** An embed's progress while it waits (compute.js stops its start-up clock for "waiting"). */
  wait(detail) {
    this.deliver({ data: { type: "progress", stage: "waiting", detail } });
  }

  /**
   * Embeds of one page that each need a Python start them one at a time, so that the first in view
   * is as quick as a lone embed rather than sharing two cores with every other. They are frames of
   * one origin under the same parent, so each can read the others' flag directly (Web Locks and
   * storage are refused to frames in another site's page; sibling frames are not).
   */
  inTurn(start) {
    const go = () => {
      window[STARTING] = true;
      hold(start()).then(() => { window[STARTING] = false; });
    };
    if (!siblingStarting()) return go();
    this.wait("Python starts once another explorer on this page has started its own.");
    const poll = setInterval(() => {
      if (siblingStarting()) return;
      clearInterval(poll);
      go();
    }, 100);
  }

  deliver(event) {
    if (this.handlers.message) this.handlers.message(event);
    else this.received.push(event);
  }

  set onmessage(handler) {
    this.handlers.message = handler;
    const early = this.received;
    this.received = [];
    early.forEach((event) => handler(event));
  }

  set onerror(handler) {
    this.handlers.error = handler;
  }

  postMessage(message, transfer = []) {
    const target = this.kind === "shared" ? this.port : this.worker;
    if (target) target.postMessage(message, transfer);
    else this.queue.push([message, transfer]);
  }

  /** Leave a Python that has hung or died; every explorer sharing it is told to restart too. */
  terminate() {
    this.handlers = { message: null, error: null };
    if (this.kind === "shared") {
      this.port.postMessage({ type: "bye" });
      // (A hung worker goes on until every page that connected to it closes: browsers end a
      // SharedWorker with its pages, not its ports.)
      this.port.close();
      generation = Math.max(generation, this.generation + 1);
      this.channel?.postMessage({ name: this.name, replaced: this.generation });
    }
    this.worker?.terminate();
    this.channel?.close();
    this.kind = "closed";
  }
}

/** Is an explorer in a sibling frame (same parent, same origin) starting its Python now? */
function siblingStarting() {
  for (let i = 0; i < window.parent.frames.length; i += 1) {
    const sibling = window.parent.frames[i];
    if (sibling === window) continue;
    try {
      if (sibling[STARTING]) return true;
    } catch {
      // a frame of another origin: not one of ours
    }
  }
  return false;
}

/** A promise that settles when worker says it is ready (or failed), or after a minute. */
function hold(worker) {
  return new Promise((release) => {
    const done = ({ data }) => (data.type === "ready" || data.type === "failed") && release();
    worker.addEventListener("message", done);
    worker.addEventListener("error", release);
    setTimeout(release, 60000);
  });
}
