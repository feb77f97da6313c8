// Arms the responsiveness probe for the next interaction: its label, the answer to wait for, the event.
({ label, until, on }) => {
  window.__resp.armed = { label, until, on, armedAt: performance.now(), start: null, input: null, handled: null,
    painted: null, usable: null, frame: null, finished: null, moves: [],
    runsBefore: Number(document.getElementById("code-verdict")?.dataset.runs || 0) };
}
