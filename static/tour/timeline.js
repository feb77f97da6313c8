// The explainer's timeline: what the view, the pointer and the caption are at any moment of a tour.
// Pure (no page): tours/<name>.json and .vtt as builder/tours.py writes them, times in seconds at 1×.

export const SPEEDS = [0.75, 1, 1.25, 1.5]; // the player's choices; the JS API takes 0.25 to 8

/** WebVTT text → [{id, start, end, text}] (the subset builder/tours.py writes: ids, times, text lines). */
export function parseVtt(text) {
  const time = (s) => s.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);
  const cues = [];
  for (const block of text.replace(/\r\n?/g, "\n").split(/\n{2,}/)) {
    const lines = block.split("\n").filter((l) => l !== "");
    const at = lines.findIndex((l) => l.includes("-->"));
    if (at < 0) continue; // the header, a NOTE
    const [start, end] = lines[at].split("-->").map((s) => time(s.trim().split(/\s/)[0]));
    cues.push({ id: at > 0 ? lines[0] : "", start, end, text: lines.slice(at + 1).join("\n") });
  }
  return cues;
}

/** The cue shown at t, or null between cues. */
export const cueAt = (cues, t) => cues.find((c) => c.start <= t && t < c.end) ?? null;

/**
 * The caption to show at t: the cue spoken then; in a pause between lines, the line just said; before a
 * scene's first line (a seek lands on the scene's start), that line. Never an empty caption inside a scene.
 */
export function captionAt(tour, cues, t) {
  const scene = sceneAt(tour, t);
  const mine = cues.filter((c) => sceneAt(tour, c.start) === scene);
  return cueAt(mine, t) ?? mine.findLast((c) => c.start <= t) ?? mine[0] ?? null;
}

/** The index of the scene playing at t (the last one from its start to the end). */
export function sceneAt(tour, t) {
  const i = tour.scenes.findIndex((s) => t < s.end);
  return i < 0 ? tour.scenes.length - 1 : i;
}

export const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** partial over base, as a tour means it: an object setting (the network's) keeps what partial leaves out. */
export function over(base = {}, partial = {}) {
  const out = { ...base };
  for (const [k, v] of Object.entries(partial)) out[k] = isObject(v) && isObject(base[k]) ? { ...base[k], ...v } : v;
  return out;
}

/**
 * The settings a scene starts from: the defaults and its view. The image stays as it is unless the view
 * names one (a mode may choose its own input: the network reads the held-out digit its view names).
 */
export function sceneState(defaults, view) {
  const { image, ...rest } = defaults;
  return over(rest, view);
}

/**
 * What happens when: [{at, kind, scene, line, view?, set?, point?}] in time order (kind: scene, line, step). A scene starts with its
 * view (line −1); each line's set and point come as it is spoken, its steps after. Reduced motion cuts:
 * a line goes to its end state at once.
 */
export function events(tour, { reduced = false } = {}) {
  const out = [];
  tour.scenes.forEach((scene, s) => {
    out.push({ at: scene.start, kind: "scene", scene: s, line: -1, view: scene.view });
    scene.lines.forEach((line, l) => {
      let { set, point } = line;
      if (reduced) for (const step of line.steps) { set = over(set, step.set); point = step.point ?? point; }
      out.push({ at: line.start, kind: "line", scene: s, line: l, set, point });
      if (!reduced) for (const step of line.steps) out.push({ at: step.at, kind: "step", scene: s, line: l, set: step.set, point: step.point });
    });
  });
  return out.sort((a, b) => a.at - b.at || a.scene - b.scene || a.line - b.line);
}

/**
 * The view at t: {scene, state, point}. state is the settings to set (the scene's, as sceneState gives them,
 * then every set that has happened in it), so a seek shows exactly what playing there would.
 */
export function viewAt(tour, t, defaults, options) {
  const scene = sceneAt(tour, t);
  let state = defaults;
  let point = null;
  for (const e of events(tour, options)) {
    if (e.scene !== scene || e.at > t) continue;
    state = e.view ? sceneState(defaults, e.view) : over(state, e.set);
    point = e.point ?? point;
  }
  return { scene, state, point };
}

/** Seconds as the player shows them: 0:07, 0:56. */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds + 1e-6));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Where the previous and next scene buttons go from t: a scene's start, or the one before when t is its first second. */
export function sceneStep(tour, t, direction) {
  const i = sceneAt(tour, t);
  if (direction > 0) return tour.scenes[Math.min(i + 1, tour.scenes.length - 1)].start;
  const here = tour.scenes[i].start;
  return t - here > 1 || i === 0 ? here : tour.scenes[i - 1].start;
}
