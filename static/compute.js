// Promises over the Python worker. Latest request wins: at most one request
// is in flight; a newer one waits in a single slot, replacing any older one
// there, so a burst of edits never builds a backlog. A superseded request
// resolves with null.

const START_TIMEOUT_MS = 60000;

export class Compute {
  constructor({ onProgress = () => {} } = {}) {
    this.onProgress = onProgress;
    this.nextId = 1;
    this.inFlight = null; // {id, resolve, reject}
    this.waiting = null; // {message, resolve, reject}
    this.sentImage = null; // the image object the worker holds, to send pixels only when they change
    this.decodes = new Map(); // id -> {resolve, reject}: uploads, answered in order, never superseded
  }

  /** Start the worker; resolves when Python and the app package are loaded. */
  start() {
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(
        "Python did not start within 60 seconds. Reload the page; if it happens again, the site may " +
        "serve .wasm files with the wrong type (they must be application/wasm).")), START_TIMEOUT_MS);
      this.worker.onerror = (e) => {
        clearTimeout(timer);
        reject(new Error(`The Python worker could not start (${e.message || "script error"}). ` +
          "Open the page through a web server (python build.py serve), not as a file."));
      };
      this.worker.onmessage = ({ data }) => {
        if (data.type === "progress") this.onProgress(data.stage, data.detail);
        else if (data.type === "ready") { clearTimeout(timer); this.timings = data.timings; resolve(); }
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
    return new Promise((resolve, reject) => {
      const message = { type: "compute", settings, image };
      if (this.waiting) this.waiting.resolve(null);
      this.waiting = { message, resolve, reject };
      if (!this.inFlight) this.sendWaiting();
    });
  }

  /** Decode an uploaded file in Python: resolves {meta: {height, width}, data} or rejects with a readable Error. */
  decode(bytes, size) {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.decodes.set(id, { resolve, reject });
      this.worker.postMessage({ id, type: "decode", bytes, size }, [bytes]);
    });
  }

  sendWaiting() {
    const { message, resolve, reject } = this.waiting;
    this.waiting = null;
    const id = this.nextId++;
    if (message.image === this.sentImage) delete message.image;
    else this.sentImage = message.image;
    this.inFlight = { id, resolve, reject };
    this.worker.postMessage({ id, ...message });
  }

  reply(data) {
    if (this.decodes.has(data.id)) {
      const { resolve, reject } = this.decodes.get(data.id);
      this.decodes.delete(data.id);
      return data.ok ? resolve(data.result) : reject(new Error(data.error));
    }
    const request = this.inFlight;
    if (!request || data.id !== request.id) return;
    this.inFlight = null;
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
