// WGSL sources are imported as strings: esbuild's text loader in the app, a tiny plugin in tests.
declare module '*.wgsl' {
  const source: string;
  export default source;
}
