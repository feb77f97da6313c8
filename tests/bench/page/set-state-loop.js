// Back-to-back awaited setState({kernel}) edits, each a different weight: their times and the worker's.
async ({ n, offset }) => {
  const b = window.__bench;
  const times = [], compute = [], reply = [];
  for (let i = 0; i < n; i++) {
    const kernel = window.__benchKernel(i + offset);
    const before = b.computes.length;
    const t = performance.now();
    await window.convExplorer.setState({ kernel });
    times.push(performance.now() - t);
    if (b.computes.length > before) {
      const r = b.computes[b.computes.length - 1];
      compute.push(r.computeMs);
      reply.push(r.at - t);
    }
  }
  return { times, compute, reply };
}
