// The typed contract between the bench view (main thread) and the bench worker.
import type { BenchOptions, BenchProgress, BenchReport } from './report.js';

export interface BenchApi {
  /** Runs the whole benchmark; `onProgress` (wrapped in comlink's proxy()) hears about each phase. */
  run(options: BenchOptions, onProgress?: (p: BenchProgress) => void): Promise<BenchReport>;
}
