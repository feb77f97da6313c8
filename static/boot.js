// The first script the page runs: start Python's worker before anything else
// loads, because Python's start-up is the longest wait a learner has.
// main.js takes this worker over (modules are loaded once, so it is this one).

export const firstWorker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
