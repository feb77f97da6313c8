// Network mode: move the digit one pixel (a probe edit, as an arrow key does) and time it to painted.
async ({ dx }) => {
  const api = window.convExplorer;
  const net = api.getState().network;
  const t0 = performance.now();
  await api.setState({ network: { ...net, probe: { ...net.probe, dx } } });
  return { painted: performance.now() - t0, workerMs: api.lastTiming().workerMs };
}
