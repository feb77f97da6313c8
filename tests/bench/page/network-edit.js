// One filter edit in network mode: time to the probabilities painted and to the accuracy shown.
async ({ layer, filter, weights }) => {
  // One edit: time to the probabilities painted, then to the held-out accuracy shown.
  const api = window.convExplorer;
  const net = api.getState().network;
  // Added to the edits so far, as a learner's clicks are: exactly one filter changes.
  const edits = { ...net.edits, [layer]: { ...net.edits[layer], [filter]: { w: weights, b: 0 } } };
  const t0 = performance.now();
  await api.setState({ network: { ...net, edits } });
  const painted = performance.now() - t0, forwardMs = api.lastTiming().workerMs; // the network request's
  let s = api.getState().network;
  while (s.accuracyPending || JSON.stringify(s.edits) !== JSON.stringify(edits)) {
    await new Promise((r) => setTimeout(r, 2));
    s = api.getState().network;
  }
  return { painted, forwardMs, shown: performance.now() - t0, workerMs: s.accuracyWorkerMs, accuracy: s.accuracy };
}
