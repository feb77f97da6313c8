// In the worker: the byte length of every WebAssembly.Memory the hook caught, after gc().
async () => {
  for (let i = 0; i < 3; i++) { if (typeof gc === "function") gc(); await new Promise((r) => setTimeout(r, 20)); }
  const mems = self.__benchMemories || [];
  return mems.map((m) => m.buffer.byteLength);
}
