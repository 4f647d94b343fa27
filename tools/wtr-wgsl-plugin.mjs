// Serves `import x from './a.wgsl'` as a JS module whose default export is the WGSL source, so
// tests load shaders exactly as the esbuild bundle does (loader: { '.wgsl': 'text' }).
export function wgslPlugin() {
  return {
    name: 'wgsl-as-string',
    resolveMimeType(context) {
      if (context.path.endsWith('.wgsl')) return 'js';
    },
    transform(context) {
      if (context.path.endsWith('.wgsl')) {
        return { body: `export default ${JSON.stringify(context.body)};` };
      }
    },
  };
}
