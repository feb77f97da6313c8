// The network request with nothing painting, to a Python of its own or as another client of the page's.
async ({ n, shared }) => {
  // The same request with nothing painting meanwhile, to a Python of its own or (shared) as another
  // client of the page's own shared Python: what the worker costs when it has a core to itself (in the
  // page, the maps' painting competes for this VM's two cores).
  const script = new URL("static/core/worker.js", location.href);
  const opened = shared ? new SharedWorker(script, { type: "module", name: "convexplorer-python-0" })
    : new Worker(script, { type: "module" });
  const worker = opened.port ?? opened;
  let id = 0;
  const waiting = new Map();
  const ready = new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === "ready") resolve();
      else if (data.type === "failed") reject(new Error(data.error));
      else if (data.id !== undefined) { waiting.get(data.id)(data); waiting.delete(data.id); }
    };
  });
  const call = (type, body, transfer = []) => new Promise((resolve) => {
    waiting.set(++id, resolve);
    worker.postMessage({ id, type, ...body }, transfer);
  });
  try {
    await ready;
    const [spec, npz, heldout] = await Promise.all([["data/models/digits.json", "text"],
      ["data/models/digits.npz", "arrayBuffer"], ["data/digits-heldout.bin", "arrayBuffer"]].map(
      async ([path, as]) => (await fetch(new URL(path, location.href)))[as]()));
    await call("network-load", { spec, npz, name: "digits", heldout });
    const times = [];
    for (let i = 0; i < n; i++) {
      const pixels = new Float32Array(576).map(() => Math.random());
      times.push((await call("network", { edits: {}, pixels }, [pixels.buffer])).result.meta.computeMs);
    }
    return times;
  } finally {
    if (shared) worker.postMessage({ type: "bye" }); else worker.terminate();
  }
}
