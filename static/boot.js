// The first script the page runs: connect to Python before anything else loads, because Python's
// start-up is the longest wait a learner has. main.js takes this connection over (modules are
// loaded once, so it is this one).
//
// Every explorer of the site in this browser shares one Python (connect.js); ?python=own gives this
// one a Python of its own (the benchmark's memory run uses it). An embed on a page that refuses
// sharing starts its own Python only once it is scrolled into view.
import { connectPython, dedicatedPython } from "./connect.js";

const query = new URLSearchParams(location.search);
/** How to reach Python: also used to replace one that hangs or dies. */
export const connect = query.get("python") === "own" ? dedicatedPython : connectPython;
export const firstWorker = connect({ lazy: query.has("embed") });
