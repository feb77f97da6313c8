// Firefox ESR for the cross-engine tests: one page, driven over WebDriver BiDi by puppeteer-core,
// answering JSON lines on stdin/stdout (tests/engine_pages.py is the other end).
// Why a bridge: Firefox has no geckodriver here, and puppeteer-core is the well-kept BiDi client.
//
// A request is {"id", "op", ...}; the answer is {"id", "value"} or {"id", "error"}.
import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: process.env.FIREFOX || "/usr/bin/firefox-esr",
  headless: true,
  // Safe browsing and the captive-portal check fetch from the internet by themselves: off, so that
  // every request made is the tested pages' own.
  extraPrefsFirefox: { "browser.safebrowsing.enabled": false, "network.captive-portal-service.enabled": false },
});
let page = null;
let touchHandle = null;

const ops = {
  // A page kept open beside the tested ones, so that they join its Python instead of starting one each.
  async keep({ url }) {
    const kept = await browser.newPage();
    await kept.goto(url, { waitUntil: "load" });
    await kept.evaluate("window.convExplorer.ready.then(() => true)");
  },
  async open({ width, height, touch }) {
    if (page) await page.close();
    page = await browser.newPage();
    await page.setViewport({ width, height, hasTouch: !!touch });
  },
  async goto({ url }) {
    await page.goto(url, { waitUntil: "load" });
  },
  // js is a function's source; its result (awaited) must be JSON.
  async eval({ js, arg }) {
    return page.evaluate(`(${js})(${JSON.stringify(arg ?? null)})`);
  },
  async mouse({ action, x, y }) {
    if (action === "click") await page.mouse.click(x, y);
    else if (action === "move") await page.mouse.move(x, y, { steps: 4 });
    else if (action === "down") { await page.mouse.move(x, y); await page.mouse.down(); }
    else if (action === "up") await page.mouse.up();
  },
  async touch({ action, x, y }) {
    if (action === "tap") await page.touchscreen.tap(x, y);
    else if (action === "start") touchHandle = await page.touchscreen.touchStart(x, y);
    else if (action === "move") await touchHandle.move(x, y);
    else if (action === "end") { await touchHandle.end(); touchHandle = null; }
  },
  async keys({ text, press }) {
    if (text) await page.keyboard.type(text);
    if (press) await page.keyboard.press(press);
  },
  async files({ selector, paths }) {
    const input = await page.$(selector);
    await input.uploadFile(...paths);
  },
  async screenshot({ path }) {
    await page.screenshot({ path });
  },
  async version() {
    return browser.version();
  },
};

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const { id, op, ...args } = JSON.parse(line);
  if (op === "quit") break;
  let answer;
  try {
    answer = { id, value: (await ops[op](args)) ?? null };
  } catch (e) {
    answer = { id, error: String(e && e.message || e) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
await browser.close();
