// The settings manifest, static/settings.json: every setting's link key, label, type, default and
// limits, written once for the page and for Python (builder/settings.py). state.js makes the state's
// defaults and checks from it, url.js the link, the Embed dialog its lists. Read once, before any
// of them runs (a top-level await: the modules that import this wait for it).

import { MODES } from "../modes/index.js";

const url = new URL("../settings.json", import.meta.url);
const response = await fetch(url);
if (!response.ok) throw new Error(`The explorer's settings (${url.pathname}) could not be loaded: HTTP ${response.status}.`);
export const MANIFEST = await response.json();

export const SETTINGS = MANIFEST.settings;
export const LIMITS = MANIFEST.limits;
// A "mode" setting chooses among the registry's modes, which the manifest does not repeat; sorted, as
// Python lists the mode folders.
for (const spec of Object.values(SETTINGS)) if (spec.type === "mode") spec.options = MODES.map((m) => m.id).sort();
