// Put first into every HTML page the cross-engine tests serve (tests/engine_pages.py), so every
// engine reports what went wrong the same way, from the page's first moment: WebKit's WebDriver
// cannot read the console, and none of the three can run a script before the page's own otherwise.
(() => {
  const errors = (window.__testErrors = []);
  const text = (value) => (value && value.stack) || String(value);
  addEventListener("error", (e) => errors.push(`error: ${e.message || text(e.error)}`));
  addEventListener("unhandledrejection", (e) => errors.push(`unhandled rejection: ${text(e.reason)}`));
  // The CSP sends any request for another origin here instead of the network.
  document.addEventListener("securitypolicyviolation", (e) => errors.push(`blocked by the CSP: ${e.blockedURI}`));
  const consoleError = console.error;
  console.error = (...args) => {
    errors.push(args.map(text).join(" "));
    consoleError.apply(console, args);
  };
})();
