// The drag probe's record: duration, frames, moves and the gaps between frames.
() => {
  const d = window.__bench.drag;
  if (!d || d.down === null || d.up === null) return null;
  const gaps = d.frames.slice(1).map((t, i) => t - d.frames[i]);
  return { durationMs: d.up - d.down, frames: d.frames.length, moves: d.moves, gaps };
}
