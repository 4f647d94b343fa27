// Module worker entry (dist/inference.worker.js): owns the GPUDevice; logic lives in worker-api.ts.
import { expose } from 'comlink';
import { appWasmThreads, setWasmThreads } from '../kernels/wasm/thread-count';
import { setKernelWorkerUrl } from '../kernels/wasm/threads';
import { workerApi } from './worker-api';

// The wasm kernels' threads: several where the page is cross-origin isolated and the machine has
// cores to spare (thread-count.ts), else one
// (src/ui/app/backend-line.ts says which). Pool workers: kernel.worker.js beside this file.
setWasmThreads(appWasmThreads().count);
// From this module's own URL: right even when a test wraps this worker in a blob: script.
setKernelWorkerUrl(new URL('./kernel.worker.js', import.meta.url));

expose(workerApi);
