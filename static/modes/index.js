// The explorer's modes, in the order of the header's buttons: one line each. id is the link's
// mode= value and the folder static/modes/<id>/; load() imports the mode the first time it is opened.
//
// A mode's module exports, as its default, an object with this contract (docs/adding-a-mode.md):
//   id, title                 as here
//   mount(root, ctx)          the mode is opened: build its views the first time, wire them once; may be async,
//                             and the shell awaits it before the mode's first run. root is its element
//                             ([data-mode-root="<id>"]); ctx is what the shell lends (main.js, `ctx`)
//   run(state, pixels, layer) its computation for state on pixels ({data, height, width}); layer is the
//                             view's layer as the core computed it ({stages}, in every mode: getState()
//                             reports it). Returns its result, or null when a newer request superseded it;
//                             throws an Error with a readable message, and then nothing changes
//   paint(state, result)      draw state and run's result
//   unmount()                 another mode is opened: stop what runs (animations, training)
// and may add:
//   input(image, partial)     the image it needs instead ({pixels, name}), a Promise: the network reads 24×24,
//                             and a digit asked for by number in partial (the settings being set)
//   preview(state, pixels)    a result to paint before Python is ready (the first view)
//   getState(result)          what getState() (and the embedding page's messages) adds in this mode
//   commands                  {play, pause, step(n)}: the page API's and the parent's window motion
//   embedSize                 the embed dialog's default frame: {fixed: "WxH", ratio: "W / H"}

export const MODES = [
  { id: "explore", title: "Explore", load: () => import("./explore/explore.js") },
  { id: "channels", title: "Channels", load: () => import("./channels/channels.js") },
  { id: "transposed", title: "Transposed", load: () => import("./transposed/transposed.js") },
  { id: "signal", title: "1-D signals", load: () => import("./signal/signal.js") },
  { id: "learn", title: "Learn a filter", load: () => import("./learn/learn.js") },
  { id: "code", title: "Write the code", load: () => import("./code/code.js") },
  { id: "network", title: "Network", load: () => import("./network/network.js") },
];
