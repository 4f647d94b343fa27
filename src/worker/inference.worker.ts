// Module worker entry (dist/inference.worker.js): owns the GPUDevice; logic lives in worker-api.ts.
import { expose } from 'comlink';
import { workerApi } from './worker-api';

expose(workerApi);
