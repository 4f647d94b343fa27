// Module worker entry (dist/bench/bench.worker.js): the benchmark owns its own GPUDevice here, off
// the main thread, like the inference worker. The app's folder (weights/, bench/vendor/) is '../'.
import { expose } from 'comlink';
import type { BenchApi } from './bench-api.js';
import { runBench } from './harness.js';

const api: BenchApi = {
  run: (options, onProgress) => runBench(options, options.baseUrl ?? new URL('../', import.meta.url).href, onProgress),
};

expose(api);
