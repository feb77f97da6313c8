// The page's JS heap after gc(), without the bench's own records.
async () => {
  // The bench's own records (one per worker reply) must not count as the app's heap.
  if (window.__bench) for (const key of ["computes", "longtasks"]) if (Array.isArray(window.__bench[key])) window.__bench[key].length = 0;
  for (let i = 0; i < 3; i++) { if (typeof gc === "function") gc(); await new Promise((r) => setTimeout(r, 50)); }
  return { used: performance.memory ? performance.memory.usedJSHeapSize : null, gc: typeof gc === "function" };
}
