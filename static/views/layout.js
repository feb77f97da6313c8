// How big the maps are, so that everything a view is about shows at once:
// the input, the kernel, the feature map and every stage map, at scroll 0.
//
// style.css places the panels by grid area; this module chooses the one
// number CSS cannot: the side of a map (--map, in CSS px), and whether the
// stage maps share the first row (data-rows="1") or get a row of their own
// ("2"), and whether the arithmetic sits beside the kernel (data-side).
// Phones (narrow screens) stack the panels and each map fills the width; a narrow embed puts two
// panels to a row instead (style.css), so a phone's screen shows input, map and kernel together.

export const STACK_BELOW_PX = 561; // narrower than this: one column (phones, tiny embeds)
const MIN_MAP_PX = 160; // the smallest map a layout aims for (24×24 cells of 6 px and more)
const FLOOR_MAP_PX = 140; // never smaller: below this, what does not fit goes below the fold instead
const MAX_MAP_PX = 560;

/**
 * The layout that gives the largest useful maps.
 *
 * space: {width, height}: CSS px for the explorer's grid (its content box; height from its top to the
 *   viewport's bottom).
 * parts: {maps: input + feature map + stage maps, middle: the kernel column's width (px) on its own,
 *   side: its width holding the arithmetic (or learn panel) too, gap: px between panels,
 *   chromeW / chromeH: a map panel's px around its map (padding and border; title and legend)}.
 * Returns {map: px, rows: 1 | 2, side: boolean}. Candidates are tried in order of preference
 * (every map on one row, the arithmetic beside the kernel); the first whose maps are at least
 * MIN_MAP_PX wins, else the one with the largest maps.
 */
export function planLayout(space, parts) {
  const { width, height } = space;
  const { maps, middle, side, gap, chromeW, chromeH } = parts;
  const candidates = [];
  for (const rows of maps > 2 ? [1, 2] : [1]) {
    // With a second row, the arithmetic beside the kernel would push the stage maps down: it goes below.
    for (const beside of rows === 1 ? [true, false] : [false]) {
      const first = rows === 1 ? maps : 2; // the maps in the first row, with the kernel between them
      const mid = beside ? side : middle;
      const w1 = (width - mid - first * gap) / first - chromeW;
      const rest = maps - 2; // rows === 2: the stage maps, alone on the second row
      const w2 = rows === 2 ? (width - (rest - 1) * gap) / rest - chromeW : Infinity;
      const h1 = height - chromeH;
      // Two rows: both fit the height, unless that would take the first row's maps below the floor;
      // then the stage row goes below the fold (scrolling reaches it) and the first row keeps its size.
      const h = rows === 1 ? h1 : Math.max((height - gap) / 2 - chromeH, Math.min(FLOOR_MAP_PX, h1));
      candidates.push({ map: Math.floor(Math.min(w1, w2, h, MAX_MAP_PX)), rows, side: beside });
    }
  }
  return candidates.find((c) => c.map >= MIN_MAP_PX) ?? candidates.reduce((a, b) => (b.map > a.map ? b : a));
}

/** A computed length ("14.4px", or a custom property's "20rem") in CSS px. */
function px(value) {
  const n = parseFloat(value) || 0;
  return String(value).trim().endsWith("rem") ? n * parseFloat(getComputedStyle(document.documentElement).fontSize) : n;
}

/**
 * Keep the explorer's maps on screen: plan from the page's measures, apply, then shrink by what
 * still overflows (titles wrap, controls sit under the input) and apply again.
 * root: the explorer's grid element. Where the page's height follows its content (html.autosize: an
 * embed whose frame grows to fit it, embed.js) the width alone sets the maps.
 * Returns a function that refits (call it when stages change, or the page's height starts to follow).
 */
export function fitExplorer(root) {
  const autoHeight = () => document.documentElement.classList.contains("autosize");
  const refit = () => {
    if (root.offsetParent === null) return; // another mode is in view
    if (window.innerWidth < STACK_BELOW_PX) {
      apply(root, { map: 0, rows: 0, side: false });
      root.style.removeProperty("--map");
      return;
    }
    const panels = [...root.querySelectorAll(":scope > .panel, #stages > .panel")].filter((p) => p.offsetParent !== null);
    const mapPanels = panels.filter((p) => p.querySelector(":scope > .map-holder"));
    const style = getComputedStyle(root);
    const probe = root.querySelector(".output-panel");
    const probeStyle = getComputedStyle(probe);
    const holder = probe.querySelector(".map-holder");
    const kernel = root.querySelector(".kernel-panel");
    const top = root.getBoundingClientRect().top + window.scrollY;
    const plan = planLayout(
      { width: root.clientWidth - px(style.paddingLeft) - px(style.paddingRight),
        height: autoHeight() ? Infinity : window.innerHeight - top - px(style.paddingTop) - 4 },
      { maps: mapPanels.length,
        middle: kernel.offsetParent === null ? 0 : px(style.getPropertyValue("--middle")),
        side: px(style.getPropertyValue("--side")),
        gap: px(style.columnGap),
        chromeW: px(probeStyle.paddingLeft) + px(probeStyle.paddingRight) + 2,
        // Above the map: padding and title; below it: the legend and padding.
        chromeH: holder.offsetTop + (probe.querySelector(".legend")?.offsetHeight ?? 0) + px(probeStyle.paddingBottom) + 12 });
    apply(root, plan);
    if (autoHeight()) return;
    // What the estimate missed (a wrapped title, the controls under the input): measure and shrink.
    // Holders are square (style.css), so their boxes are right before the canvases redraw.
    const bottom = Math.max(...mapPanels.map((p) => {
      const legend = p.querySelector(":scope > .legend");
      const below = legend ?? p.querySelector(":scope > .map-holder");
      return below.getBoundingClientRect().bottom + window.scrollY;
    }));
    const over = bottom + 4 - window.innerHeight;
    if (over > 0 && plan.map > FLOOR_MAP_PX) apply(root, { ...plan, map: Math.max(Math.min(FLOOR_MAP_PX, plan.map), plan.map - Math.ceil(over / plan.rows)) });
  };
  // Refit in the next frame, not inside the observer's callback: a refit resizes the document it
  // observes, which inside the callback is a "ResizeObserver loop" error in every engine.
  let queued = false;
  new ResizeObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; refit(); });
  }).observe(document.documentElement);
  window.addEventListener("resize", refit);
  return refit;
}

function apply(root, { map, rows, side }) {
  // With a second row of maps, what sits under the first row's maps folds away (a disclosure), so
  // the stage maps come up under them; on a phone (rows 0) too, so the kernel follows the input on the
  // first screen. In one row it is open, with no disclosure shown.
  if (root.dataset.rows !== String(rows)) root.querySelectorAll("details.more").forEach((d) => { d.open = rows === 1; });
  root.style.setProperty("--map", `${map}px`);
  if (root.dataset.rows !== String(rows)) root.dataset.rows = String(rows);
  if (root.dataset.side !== String(side)) root.dataset.side = String(side);
}
