// A 256×256 random image with every stage on (ReLU, max pool, a second layer); what was refused, if anything.
async () => {
  const rows = window.__benchRandomRows(256, 256).rows;
  const all = { image: rows, activation: "relu", pool: { mode: "max", size: 2, stride: 2 },
                layer2: { kernel: [[1, 0, -1], [2, 0, -2], [1, 0, -1]] } };
  try { await window.convExplorer.setState(all); return { ok: true }; }
  catch (err) {
    const rejected = {};
    for (const [k, v] of Object.entries(all)) {
      try { await window.convExplorer.setState({ [k]: v }); }
      catch (e) { rejected[k] = String(e && e.message || e); }
    }
    return { ok: false, error: String(err && err.message || err), rejected };
  }
}
