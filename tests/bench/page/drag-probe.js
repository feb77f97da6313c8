// Counts frames and pointermoves from pointerdown to pointerup on #input-canvas.
() => {
  const b = window.__bench;
  const canvas = document.getElementById("input-canvas");
  const d = b.drag = { down: null, up: null, frames: [], moves: 0 };
  const tick = () => { if (d.up !== null) return; d.frames.push(performance.now()); requestAnimationFrame(tick); };
  const onDown = () => { d.down = performance.now(); requestAnimationFrame(tick); };
  const onMove = () => { if (d.down !== null && d.up === null) d.moves++; };
  const onUp = () => {
    d.up = performance.now();
    canvas.removeEventListener("pointerdown", onDown, true);
    canvas.removeEventListener("pointermove", onMove, true);
    canvas.removeEventListener("pointerup", onUp, true);
  };
  canvas.addEventListener("pointerdown", onDown, true);
  canvas.addEventListener("pointermove", onMove, true);
  canvas.addEventListener("pointerup", onUp, true);
}
