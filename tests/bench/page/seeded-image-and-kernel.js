// Page helpers for the bench: a seeded random image (mulberry32) and a kernel that differs with i.
() => {
  window.__benchRandomRows = (n, seed) => {
    let a = seed >>> 0;
    const rnd = () => { a = (a + 0x6D2B79F5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
    return { rows: Array.from({ length: n }, () => Array.from({ length: n }, rnd)), rnd };
  };
  window.__benchKernel = (i) => {
    const k = [[1, 0, -1], [2, 0, -2], [1, 0, -1]];
    k[i % 3][(i * 7 + 1) % 3] = (i % 5) - 2;
    return k;
  };
}
