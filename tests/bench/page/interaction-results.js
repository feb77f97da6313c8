// Every interaction recorded, the Event Timing entries and the long tasks, once the last entries are in.
async () => {
  // Event Timing entries arrive after the frame they end in: give the last ones two frames and a moment.
  for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const r = window.__resp;
  return { done: r.done, events: r.events, firstInput: r.firstInput, observerError: r.observerError,
           longtasks: window.__bench.longtasks };
}
