// The course page's side of the postMessage API (see the README): buttons that
// change an embedded explorer, and a line that reports what it answered.

const frames = new Map();

window.addEventListener("message", (event) => {
  const frame = [...document.querySelectorAll("iframe")].find((f) => f.contentWindow === event.source);
  if (!frame || !event.data || typeof event.data.type !== "string") return;
  frames.set(frame.id, event.origin); // answer only the origin the explorer is served from
  const status = document.getElementById(`${frame.id}-status`);
  if (!status) return;
  if (event.data.type === "error") status.textContent = `The explorer says: ${event.data.message}`;
  if (event.data.type === "change") {
    const out = event.data.state.output;
    status.textContent = `Feature map ${out.length}×${out[0].length}.`;
  }
});

document.querySelectorAll("button[data-target]").forEach((button) => {
  button.addEventListener("click", () => {
    const frame = document.getElementById(button.dataset.target);
    const origin = frames.get(frame.id);
    if (!origin) return; // not ready yet: the explorer posts "ready" when it is
    frame.contentWindow.postMessage({ type: "set", state: JSON.parse(button.dataset.state) }, origin);
  });
});
