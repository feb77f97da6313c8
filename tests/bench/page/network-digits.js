// n digit-like images through network mode, each painted before the next: worker and round-trip times.
async ({ n }) => {
  // n held-out-like inputs: each setState runs the explore core and the network, then paints.
  const api = window.convExplorer, worker = [], roundTrip = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const rows = Array.from({ length: 24 }, (_, r) => Array.from({ length: 24 }, (_, c) =>
      ((r - 12) ** 2 + (c - 12 - (i % 7)) ** 2 < 40 && (r - 12) ** 2 + (c - 12 - (i % 7)) ** 2 > 12) ? 1 : 0));
    await api.setState({ image: rows });
    const t = api.lastTiming();
    worker.push(t.workerMs); roundTrip.push(t.roundTripMs);
  }
  return { worker, roundTrip, seconds: (performance.now() - t0) / 1000 };
}
