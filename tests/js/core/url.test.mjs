// static/core/url.js: the view in the link. A round trip per setting, the defaults left out, and
// every field that does not parse named in a notice while the others still apply.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SETTINGS } from "../../../static/core/settings.js";
import { defaultState, merge } from "../../../static/core/state.js";
import { FORMAT_VERSION, readFragment, writeFragment } from "../../../static/core/url.js";

const PIXELS = { data: new Float32Array(576), height: 24, width: 24 };
const roundTrip = (partial) => {
  const link = writeFragment(merge(defaultState(), partial), PIXELS);
  return { link, back: readFragment(link) };
};

test("the default view's link is the version, the image and the kernel", () => {
  assert.equal(FORMAT_VERSION, 1);
  assert.equal(writeFragment(defaultState(), PIXELS), "v=1&img=digit3&k=1,0,-1,2,0,-2,1,0,-1");
});

// One changed value per setting, and the text the link carries for it.
const CHANGED = {
  image: ["digit7", "img=digit7"],
  kernel: [[[0, 1, 0], [1, -4, 1], [0, 1, 0]], "k=0,1,0,1,-4,1,0,1,0"],
  bias: [0.5, "b=0.5"],
  stride: [2, "s=2"],
  padding: ["same", "pad=same"],
  paddingMode: ["reflect", "pm=reflect"],
  dilation: [2, "d=2"],
  activation: ["relu", "act=relu"],
  pool: [{ mode: "avg", size: 3, stride: 2 }, "pool=avg.3.2"],
  layer2: [{ kernel: [[1]], bias: 0, stride: 1, padding: 0, dilation: 1 }, "k2=1"],
  window: [{ row: 2, col: 5 }, "w=2,5"],
  colormap: ["gray", "cm=gray"],
  numbers: [true, "num=1"],
  fill: [true, "fill=1"],
  mode: ["learn", "mode=learn"],
  exercise: ["valid-convolution", "ex=valid-convolution"],
};

test("every setting survives a round trip through its link key", () => {
  for (const [setting, [value, text]] of Object.entries(CHANGED)) {
    const { link, back } = roundTrip({ [setting]: value });
    assert.ok(link.split("&").includes(text), `${setting}: ${link}`);
    assert.equal(text.split("=")[0], SETTINGS[setting].link);
    assert.deepEqual(back.notices, [], setting);
    const read = setting === "layer2" ? { kernel: value.kernel } : value; // a link carries the second kernel only
    assert.deepEqual(back.partial[setting], read, setting);
  }
});

test("the object settings travel as JSON and come back equal", () => {
  for (const setting of ["channels", "network"]) {
    const value = { ...defaultState()[setting], ...(setting === "channels" ? { separable: true } : { digit: 4 }) };
    const { link, back } = roundTrip({ [setting]: value });
    assert.ok(link.includes(`${SETTINGS[setting].link}=`), link);
    assert.deepEqual(merge(defaultState(), back.partial)[setting], merge(defaultState(), { [setting]: value })[setting]);
  }
});

test("an object's keys added since links were made stay out of the link at their defaults", () => {
  const plain = roundTrip({ network: { digit: 17 } });
  assert.equal(decodeURIComponent(plain.link).includes('net={"model":"digits","edits":{},"digit":17,"layer":0,"filter":0}'), true);
  const moved = roundTrip({ network: { digit: 17, panel: "move", probe: { dy: 2, dx: 0, angle: 0, scale: 1 } } });
  assert.deepEqual(moved.back.partial.network.probe, { dy: 2, dx: 0, angle: 0, scale: 1 });
  assert.equal(moved.back.partial.network.panel, "move");
  assert.equal("sweep" in moved.back.partial.network, false); // at its default: left out
});

test("a drawing travels as pixels, 8 bits each", () => {
  const data = new Float32Array(4 * 6).map((_, i) => i / 23);
  const link = writeFragment({ ...defaultState(), image: "custom" }, { data, height: 4, width: 6 });
  const { partial, notices } = readFragment(link);
  assert.deepEqual(notices, []);
  assert.equal(partial.image.length, 4);
  assert.equal(partial.image[3][5], 1);
  assert.equal(partial.image[0][1], Math.round(255 / 23) / 255);
});

test("a field that does not parse is named, and the rest still applies", () => {
  const { partial, notices } = readFragment("#v=1&s=9&k=1,2&pad=same&zz=1");
  assert.deepEqual(partial, { padding: "same" });
  assert.deepEqual(notices, [
    "The link's stride (s=) should be a whole number from 1 to 4; the default is used.",
    "The link's kernel (k=) should be 1 to 49 numbers separated by commas, a square count such as 9 for a 3×3 kernel; the default is used.",
    'The link\'s "zz" is not a setting; it was ignored.',
  ]);
});

test("a newer version, an empty link and an overlong one are handled", () => {
  assert.match(readFragment("v=2&s=2").notices[0], /newer version \(v=2\)/);
  assert.deepEqual(readFragment(""), { partial: {}, notices: [] });
  assert.deepEqual(readFragment("#" + "k=1&".repeat(4000)).partial, {});
});
