// n awaited kernel edits, each a different weight (the memory run's load).
async ({ n }) => {
  for (let i = 0; i < n; i++) await window.convExplorer.setState({ kernel: window.__benchKernel(i) });
  return n;
}
