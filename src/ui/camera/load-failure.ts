// What the page says when the camera pipeline cannot load, and the way out: a page address that
// runs on the CPU (the WebAssembly kernels, the fast CPU path; the TypeScript reference when the
// WebAssembly path is what failed). The common case is `?backend=webgpu` in a browser without WebGPU; it used to
// leave the same raw error twice and "Loading…" forever.

export interface LoadFailure {
  text: string;
  /** The same page with ?backend=wasm (?backend=cpu after wasm failed), unless the reference CPU path is what already failed. */
  cpuUrl?: string;
}

/** `error` is the pipeline's load error ('' = it loaded or is loading). */
export function loadFailure(error: string, href = location.href, hasWebGpu = 'gpu' in navigator): LoadFailure | undefined {
  if (!error) return undefined;
  const url = new URL(href);
  const asked = url.searchParams.get('backend');
  url.searchParams.set('backend', asked === 'wasm' ? 'cpu' : 'wasm');
  const cpuUrl = asked === 'cpu' ? undefined : url.href;
  if (asked === 'webgpu' && !hasWebGpu) {
    return { text: 'The page address asks for WebGPU, but this browser does not offer WebGPU, so nothing can be analysed this way.', cpuUrl };
  }
  return { text: `The face detector and models could not start: ${error}`, cpuUrl };
}
