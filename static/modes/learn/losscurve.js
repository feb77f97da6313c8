// The loss curve of a learning run, on a log scale (the loss falls by many
// orders of magnitude), with its axis labelled in powers of ten.

export class LossCurveView {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "Loss curve: no steps yet");
    this.losses = [];
    // Drawn as soon as it has a size (before the first step: the empty frame), and again whenever the
    // layout resizes it, so it is never a blank box or a stretched picture. Drawn in the next frame, not
    // in the observer's callback: resizing the canvas's backing store there, as the mode is hidden, is a
    // "ResizeObserver loop" error in WebKit. A hidden canvas (no size) waits until it is shown.
    new ResizeObserver(() => requestAnimationFrame(() => {
      if (canvas.clientWidth) this.update(this.losses);
    })).observe(canvas);
  }

  update(losses) {
    this.losses = losses;
    const { canvas, ctx } = this;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 280, h = canvas.clientHeight || 140;
    if (canvas.width !== Math.round(w * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const style = getComputedStyle(canvas);
    const ink = style.color, line = style.getPropertyValue("--line") || "#ccc";
    const logs = losses.filter((v) => v > 0).map(Math.log10);
    const left = 34, bottom = h - 16;
    if (!logs.length) {
      // An empty frame that says what will appear, rather than a blank space.
      ctx.strokeStyle = line;
      ctx.strokeRect(left + 0.5, 6.5, w - left - 7, bottom - 6);
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillStyle = ink;
      ctx.textAlign = "center";
      const room = w - left - 14; // the frame's inside: a narrow embed gets the short sentence
      const text = ["The loss, step by step, appears here", "The loss appears here", "Loss"]
        .find((t) => ctx.measureText(t).width <= room) ?? "";
      ctx.fillText(text, (left + w) / 2, (bottom + 6) / 2 + 4);
      ctx.textAlign = "start";
      canvas.setAttribute("aria-label", "Loss curve: no steps yet");
      return;
    }
    const hi = Math.ceil(Math.max(...logs)), lo = Math.min(Math.floor(Math.min(...logs)), hi - 1);
    const y = (v) => 6 + ((hi - v) / (hi - lo)) * (bottom - 6);
    const x = (i) => left + (i / Math.max(losses.length - 1, 1)) * (w - left - 6);
    ctx.font = "10px system-ui, sans-serif";
    ctx.fillStyle = ink;
    ctx.strokeStyle = line;
    ctx.lineWidth = 1;
    const stepE = Math.max(1, Math.ceil((hi - lo) / 5));
    for (let e = lo; e <= hi; e += stepE) {
      ctx.beginPath(); ctx.moveTo(left, y(e)); ctx.lineTo(w - 6, y(e)); ctx.stroke();
      ctx.fillText(`1e${e}`, 2, y(e) + 3);
    }
    ctx.fillText(`step ${losses.length}`, w - 60, h - 3);
    ctx.strokeStyle = "#b2182b";
    ctx.lineWidth = 2;
    ctx.beginPath();
    losses.forEach((v, i) => {
      const yy = y(v > 0 ? Math.log10(v) : lo);
      if (i === 0) ctx.moveTo(x(i), yy); else ctx.lineTo(x(i), yy);
    });
    ctx.stroke();
    canvas.setAttribute("aria-label", `Loss curve: ${losses.length} ${losses.length === 1 ? "step" : "steps"}, from ${losses[0].toExponential(2)} to ${losses.at(-1).toExponential(2)}`);
  }
}
