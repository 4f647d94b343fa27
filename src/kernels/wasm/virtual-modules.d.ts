// The compiled AssemblyScript kernels, embedded by the bundlers (tools/wasm-kernels.mjs).
declare module 'emolens:kernels.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module 'emolens:kernels-fma.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module 'emolens:kernels-mt.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module 'emolens:kernels-mt-fma.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
