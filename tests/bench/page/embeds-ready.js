// The course page's script (served as embeds.js): when each embed said "ready", in ms since the page began.
window.__ready = [];
addEventListener("message", (e) => {
  if (e.data && e.data.type === "ready") window.__ready.push(performance.now());
});
