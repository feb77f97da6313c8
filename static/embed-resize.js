// For a course page that embeds Convolution Explorer: include it once, beside the embed codes,
//   <script src="https://<the explorer's site>/static/embed-resize.js" async></script>
// and each explorer's frame takes the height its view needs at the frame's width. The explorer
// reports its height ({type: "size", height}); this sets the frame's height and tells the explorer
// ({type: "autosize"}), which then lays itself out for its width alone. Without this script (a host
// that strips scripts) a frame keeps the size its code gives it: the column's width, a fixed ratio.
// A classic script, not a module, and no inline code: it runs under a strict Content-Security-Policy
// that allows this site's scripts.
(() => {
  const site = new URL(document.currentScript.src).origin; // only the explorer's own messages count
  const MAX_PX = 20000;
  addEventListener("message", (event) => {
    const { data, source } = event;
    if (event.origin !== site || !data || data.type !== "size") return;
    const height = Math.ceil(Number(data.height));
    if (!(height > 0 && height <= MAX_PX)) return;
    for (const frame of document.querySelectorAll("iframe")) {
      if (frame.contentWindow !== source) continue;
      if (!frame.dataset.convexplorerAutosize) {
        frame.dataset.convexplorerAutosize = "on";
        source.postMessage({ type: "autosize" }, site);
      }
      frame.style.aspectRatio = "auto";
      frame.style.height = `${height}px`;
      return;
    }
  });
})();
