// Runs in the worker as soon as Playwright reports it: remember every WebAssembly.Memory made.
() => {
  if (self.__benchMemories) return "already";
  self.__benchMemories = [];
  const Native = WebAssembly.Memory;
  function BenchMemory(...args) { const m = new Native(...args); self.__benchMemories.push(m); return m; }
  BenchMemory.prototype = Native.prototype;
  WebAssembly.Memory = BenchMemory;
  return "installed";
}
