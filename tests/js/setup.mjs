// Node has no fetch for file: URLs, and settings.js reads the manifest with a top-level fetch of
// a URL beside it (in the page: the site's). Loaded first (`node --import`), this answers file: URLs
// from the disk and leaves every other URL to Node's own fetch.
import { readFile } from "node:fs/promises";

const nodeFetch = globalThis.fetch;
globalThis.fetch = async (url, options) => {
  const href = String(url);
  if (!href.startsWith("file:")) return nodeFetch(url, options);
  try {
    return new Response(await readFile(new URL(href)), { status: 200 });
  } catch {
    return new Response(null, { status: 404 });
  }
};
