// One load's figures: ready, paints, the first canvas draw, long tasks and the page's own resource timing.
() => {
  const b = window.__bench;
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]));
  const nav = performance.getEntriesByType("navigation")[0];
  const res = performance.getEntriesByType("resource");
  return {
    readyAt: b.readyAt, readyError: b.readyError, fcp: paint["first-contentful-paint"] ?? null,
    firstPaint: paint["first-paint"] ?? null, canvasDraw: b.canvasDraw, canvasFrame: b.canvasFrame,
    workerReadyAt: b.workerReady && b.workerReady.at, longtasks: b.longtasks, longtaskError: b.longtaskError || null,
    timeOrigin: performance.timeOrigin,
    pageTransfer: (nav ? nav.transferSize : 0) + res.reduce((s, e) => s + e.transferSize, 0),
    pageEncoded: (nav ? nav.encodedBodySize : 0) + res.reduce((s, e) => s + e.encodedBodySize, 0),
    pageResources: res.length + (nav ? 1 : 0),
  };
}
