// The bare page's script (served as bench-bare/bare.js): its worker's ready is convExplorer.ready.
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
window.convExplorer = { ready: new Promise((resolve, reject) => {
  worker.onmessage = ({ data }) => (data.type === "ready" ? resolve() : reject(new Error(data.error)));
}) };
