// Promises over the Python worker. Latest request wins: at most one request
// is in flight; a newer one waits in a single slot, replacing any older one
// there, so a burst of edits never builds a backlog. A superseded request
// resolves with null.
//
// A watchdog restarts a worker that dies or stops answering (out of memory,
// a hang) and sends it the request it was working on again.

import { dedicatedPython } from "./connect.js";

const START_TIMEOUT_MS = 60000;
const ANSWER_TIMEOUT_MS = {
  compute: 10000, decode: 30000, learn: 10000, code: 5000, channels: 10000, transposed: 10000, signal: 10000,
  "network-load": 30000, network: 10000, "network-accuracy": 10000, "network-sweep": 10000, "network-field": 10000, "network-train": 10000, prepare: 10000,
};
const MAX_RESTARTS = 3; // in a row without a good answer; then the learner is asked to reload

/** A reply's {meta: {stages: [{name, shape}]}, data} → [{name, shape, data}], views into data. */
export function splitStages({ meta, data }) {
  let offset = 0;
  return meta.stages.map(({ name, shape }) => {
    const size = shape[0] * shape[1];
    offset += size;
    return { name, shape, data: data.subarray(offset - size, offset) };
  });
}

/** A map's flat data (H·W) and [H, W] as H arrays of W numbers: getState()'s plain JSON. */
export const toRows = (data, [h, w]) => Array.from({ length: h }, (_, i) => Array.from(data.subarray(i * w, (i + 1) * w)));

/** Stages [{name, shape, data}] as [{name, data: rows}]. */
export const stageRows = (stages) => stages.map(({ name, shape, data }) => ({ name, data: toRows(data, shape) }));

export class Compute {
  /** connect: () => a Python to talk to, with a Worker's postMessage, onmessage, onerror and terminate
   *  (connect.js: the page's shared Python, or one of its own, the default). */
  constructor({ onProgress = () => {}, onReady = () => {}, onRestart = () => {}, connect = dedicatedPython } = {}) {
    this.connect = connect;
    this.onProgress = onProgress;
    this.onReady = onReady;
    this.onRestart = onRestart;
    this.restarted = false;
    this.restarts = 0;
    this.nextId = 1;
    this.inFlight = null; // {id, resolve, reject}
    this.waiting = null; // {message, resolve, reject}
    this.sentImage = null; // the image object the worker holds, to send pixels only when they change
    this.calls = new Map(); // id -> {resolve, reject, watchdog}: uploads and learning, never superseded
  }

  /** Connect to Python (or take over a connection already made); resolves when Python and the app package are loaded. */
  start(worker = null) {
    this.worker = worker ?? this.connect();
    this.ready = new Promise((resolve, reject) => {
      let timer = null;
      const wait = () => {
        clearTimeout(timer);
        timer = setTimeout(() => reject(new Error(
          "Python did not start within 60 seconds. Reload the page; if it happens again, the site may " +
          "serve .wasm files with the wrong type (they must be application/wasm).")), START_TIMEOUT_MS);
      };
      wait();
      let started = false;
      this.worker.onerror = (e) => {
        if (started) return this.restart("stopped");
        clearTimeout(timer);
        reject(new Error(`The Python worker could not start (${e.message || "script error"}). ` +
          "Open the page through a web server (python build.py serve), not as a file."));
      };
      this.worker.onmessage = ({ data }) => {
        if (data.type === "progress") {
          // An embed waiting for its turn to start a Python is not late: the clock starts when Python does.
          if (data.stage === "waiting") {
            clearTimeout(timer);
            timer = null;
          } else if (!started && timer === null) wait();
          this.onProgress(data.stage, data.detail);
        }
        else if (data.type === "ready") {
          started = true;
          clearTimeout(timer);
          // How this Python became ready: the page's start-up indicator ends whichever it was.
          this.onReady(this.restarted ? "restarted" : data.joined ? "joined" : "started");
          resolve();
        }
        else if (data.type === "failed") {
          clearTimeout(timer);
          reject(new Error(`Python could not start: ${data.error}. Reload the page to try again.`));
        } else this.reply(data);
      };
    });
    return this.ready;
  }

  /**
   * Compute every stage for settings on image ({data: Float32Array, height, width}).
   * Resolves with {meta, data} or null if a newer request superseded it;
   * rejects with an Error whose message is the core's sentence (err.invalid for bad settings).
   */
  run(settings, image) {
    return this.latest({ type: "compute", settings, image }, JSON.stringify(settings));
  }

  /** Put message in the single waiting slot (a request waiting there resolves with null) and send it when free. */
  latest(message, key) {
    return new Promise((resolve, reject) => {
      if (this.waiting) this.waiting.resolve(null);
      this.waiting = { message, key, resolve, reject };
      if (!this.inFlight) this.sendWaiting();
    });
  }

  /**
   * One image, moved by probe ({dy, dx, angle, scale}), through the network with these edits (network
   * mode), latest wins like run(): resolves {meta: {layers, probs, prediction, moved, commute}, data} or
   * null when a newer request superseded it.
   */
  network(edits, pixels, probe) {
    // Never answered from the cache: the key is unique to this request.
    return this.latest({ type: "network", edits, pixels, probe }, `network ${this.nextId}`);
  }

  /**
   * Compute settings ahead of an edit that is about to happen (a kernel cell
   * pressed but not yet released): when run() asks for the same settings on
   * the same image, the answer is already here. Never delays a real request.
   */
  prefetch(settings, image) {
    const key = JSON.stringify(settings);
    if (this.inFlight || this.waiting || this.isCached(key, image)) return;
    this.waiting = { message: { type: "compute", settings, image }, key, resolve() {}, reject() {} };
    this.sendWaiting();
  }

  isCached(key, image) {
    return this.cache && this.cache.key === key && this.cache.image === image;
  }

  /**
   * A request answered in order and never superseded (uploads, learning steps):
   * resolves {meta, data} or rejects with a readable Error.
   */
  call(type, payload, transfer = []) {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const watchdog = setTimeout(() => this.restart(`took too long (${type})`), ANSWER_TIMEOUT_MS[type]);
      this.calls.set(id, { resolve, reject, watchdog });
      this.worker.postMessage({ id, type, ...payload }, transfer);
    });
  }

  /** Decode an uploaded file in Python: resolves {meta: {height, width, channels}, data}; color keeps RGB. */
  decode(bytes, size, color = false) {
    return this.call("decode", { bytes, size, color }, [bytes]);
  }

  sendWaiting() {
    const request = this.waiting;
    this.waiting = null;
    if (this.isCached(request.key, request.message.image)) {
      request.resolve(this.cache.result); // computed already (a prefetch, or the same edit again)
      return;
    }
    const { image, ...message } = request.message;
    if (message.type === "compute") {
      if (image !== this.sentImage) message.image = image;
      this.sentImage = image;
    }
    const id = this.nextId++;
    const watchdog = setTimeout(() => this.restart("stopped answering"), ANSWER_TIMEOUT_MS.compute);
    this.inFlight = { ...request, id, watchdog, sentAt: performance.now() };
    this.worker.postMessage({ id, ...message });
  }

  /** Replace a dead or stuck worker; the request it held is sent again once the new one is ready. */
  async restart(reason) {
    this.worker.terminate();
    this.restarts += 1;
    this.restarted = true;
    for (const { reject, watchdog } of this.calls.values()) {
      clearTimeout(watchdog);
      reject(new Error(`Python ${reason} and was restarted.`));
    }
    this.calls.clear();
    const lost = this.inFlight;
    this.inFlight = null;
    if (lost) {
      clearTimeout(lost.watchdog);
      if (this.waiting) lost.resolve(null); // a newer request will go instead
      else this.waiting = lost;
    }
    this.sentImage = null; // the new worker has no image yet
    if (this.restarts > MAX_RESTARTS) {
      const err = new Error("Python keeps failing here. Reload the page; your view is kept in its link.");
      this.waiting?.reject(err);
      this.waiting = null;
      this.onRestart(err.message, true);
      return;
    }
    this.onRestart(`Python ${reason}; restarting it…`, false);
    try {
      await this.start();
    } catch (err) {
      this.waiting?.reject(err);
      this.waiting = null;
      this.onRestart(err.message, true);
      return;
    }
    this.onRestart("", false);
    if (this.waiting && !this.inFlight) this.sendWaiting();
  }

  reply(data) {
    this.restarts = 0;
    if (this.calls.has(data.id)) {
      const { resolve, reject, watchdog } = this.calls.get(data.id);
      clearTimeout(watchdog);
      this.calls.delete(data.id);
      return data.ok ? resolve(data.result) : reject(new Error(data.error));
    }
    const request = this.inFlight;
    if (!request || data.id !== request.id) return;
    clearTimeout(request.watchdog);
    this.inFlight = null;
    // For the benchmark and course scripts: where the time of the last request went.
    const now = performance.now(), meta = data.result?.meta ?? {};
    this.lastTiming = {
      roundTripMs: now - request.sentAt, workerMs: meta.computeMs,
      toWorkerMs: meta.arrivedAt - (performance.timeOrigin + request.sentAt),
      backMs: performance.timeOrigin + now - meta.repliedAt,
    };
    // The last answer is kept: the next request for the same settings needs no round trip.
    if (data.ok) this.cache = { key: request.key, image: request.message.image, result: data.result };
    if (this.waiting) {
      request.resolve(null); // stale: a newer request is about to go
      this.sendWaiting();
      return;
    }
    if (data.ok) request.resolve(data.result);
    else {
      const err = new Error(data.error);
      err.invalid = !!data.invalid;
      request.reject(err);
    }
  }
}
