// Waits for the click probe's last click to be painted (10 s at most).
async () => {
  const b = window.__bench;
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("no paint within 10 s of the click")), 10000));
  await Promise.race([b.clickDone, timeout]);
  b.clickDone = null;
}
