// The typed contract between the main thread (ui/, the classify CLI's page) and the inference
// worker. Types only, importing nothing that implements them (tools/check-circles.mjs keeps it so):
// the worker implements it (worker-api.ts), the page holds a comlink Remote.
import type { Affine } from '../kernels/types';
import type { Face } from '../vision/types';

/** The models the worker can load: weights/<model>.{json,safetensors}. */
export type ModelName = 'emotion' | 'gender';

/** Which backend to run: 'auto' picks (see LoadResult.reason for why). */
export type BackendChoice = 'auto' | 'webgpu' | 'wasm' | 'cpu';

/** 'wasm': our WebAssembly SIMD kernels; 'cpu': the TypeScript reference loops. */
export type Backend = 'webgpu' | 'wasm' | 'cpu';

export interface LoadOptions {
  model: ModelName;
  /** Default 'auto': WebGPU on a hardware adapter, the faster of the two on a software one. */
  backend?: BackendChoice;
  /** Largest batch one classify call runs at once (bigger calls are split). Default 64. */
  maxBatch?: number;
  /** The batch size the caller will mostly use: 'auto' times the backends at it. Default 1. */
  typicalBatch?: number;
  /** Folder of the weights files, resolved against the worker's URL. Default './weights/'. */
  weightsUrl?: string;
}

/** Milliseconds per image, measured at load on dummy batches (only when 'auto' compared). */
export interface BackendTimings {
  webgpu?: number;
  cpu?: number;
  /** The batch size the timings were taken at. */
  batch: number;
}

export interface LoadResult {
  backend: Backend;
  /** One sentence for the user: why this backend runs. */
  reason: string;
  classes: string[];
  /** Network input side in pixels (crops are size×size). */
  inputSize: number;
  /** Network input channels: 1 gray (emotion), 3 RGB interleaved (gender); absent = 1. Crops are size×size×channels bytes. */
  channels?: number;
  /** The adapter as the browser names it ('google swiftshader'), when WebGPU was tried. */
  adapter?: string;
  timings?: BackendTimings;
}

/** A batch of crops: n gray size×size images, row-major, one byte per pixel. */
export interface Crops {
  gray: Uint8Array;
  n: number;
}

/**
 * saliency(): crops and which class each map explains. 'predicted' (the default) is each face's
 * most likely class (the arg-max of the probabilities classify() would return); a list gives one
 * class index per face (-1 = that face's predicted class).
 */
export interface SaliencyRequest extends Crops {
  target?: number[] | 'predicted';
}

/** saliency()'s answer. */
export interface SaliencyAnswer {
  /**
   * n×size×size row-major: the guided back-propagation gradient of the target class's logit with
   * respect to the normalised input crop (signed, unnormalised: src/vision/heatmap.ts draws it).
   */
  maps: Float32Array;
  /** n×K probabilities, as classify() returns them (flip-averaged when the model says so). */
  probs: Float32Array;
  /** n class indices: the class each map explains. */
  targets: Int32Array;
}

// Camera pipeline (docs/ARCHITECTURE.md "Camera pipeline"): loadPipeline's options and answer, and
// analyzeFrame's result (faces with track ids, smoothed labels, per-stage timings in ms).
export interface PipelineInit {
  /** 'auto' (default): WebGPU when there is an adapter, else the CPU. */
  backend?: BackendChoice;
  /** Folder of the weights files, resolved against the worker's URL. Default './weights/'. */
  weightsUrl?: string;
  /**
   * Backends measured on an earlier load, by adapter name (the page keeps them per device,
   * src/ui/camera/backend-memory.ts): 'auto' on that adapter uses them instead of timing again.
   */
  reuse?: Record<string, { detector: Backend; emotion: Backend }>;
}

export interface PipelineInfo {
  /** The face detector's backend (the dominant stage). */
  backend: Backend;
  /** Each stage's backend, chosen by measurement at load ('auto' on a software adapter). */
  stages: { detector: Backend; emotion: Backend; gender: Backend };
  /** For the user, in plain words: the adapter, and which stage runs where and why (timings). */
  reason: string;
  adapter?: string;
  /** How the stages' backends were chosen: timed now ('measured'), taken from `reuse` ('reused'); absent: not in doubt. */
  choice?: 'measured' | 'reused';
  emotionClasses: string[];
  genderClasses: string[];
  /** Credit line for the face detector (shown wherever detections are). */
  attribution?: string;
}

export interface AnalyzeOptions {
  /** Run the gender model and report gender (off: the model is neither built nor run). */
  gender: boolean;
  /** Forget earlier frames first (a new photo or video): no smoothing across, ids from 1. */
  reset?: boolean;
  /**
   * Follow faces (src/vision/face-follower.ts): the full-frame detector only at start, when a face
   * is lost and every few frames; between, YuNet on a window around each face. Default false (every
   * frame detected in full, as the CLI and the bench's `full` mode want).
   */
  follow?: boolean;
  /**
   * The frame's media time in seconds (a video's currentTime), when it has one: the tracker gives
   * the faces of a clip that loops or is sought back the ids they had at that time (src/vision/tracker.ts).
   */
  time?: number;
  /**
   * Heat maps (guided back-propagation of the emotion model) for the first 8 faces (SALIENCY_FACES) of
   * the answer, computed in this worker on their emotion crops of this very frame: 'predicted'
   * explains each face's shown (smoothed) label, a number that class for every face. Absent: none.
   */
  saliency?: { target: 'predicted' | number };
}

/** One face's heat map: its emotion crop (size² gray bytes), the crop's transform to frame pixels, the map. */
export interface FaceHeatMap {
  track: number;
  /** Crop pixel (u, v) → frame pixel (a·u + b·v + tx, c·u + d·v + ty). */
  affine: Affine;
  crop: Uint8Array;
  /** size² floats, row-major: d logit(target) / d input (signed, unnormalised). */
  map: Float32Array;
  /** The class the map explains. */
  target: number;
}

/** A classifier's smoothed answer for one face's track. */
export interface Labelled {
  label: string;
  probs: Record<string, number>;
}

/**
 * The gender estimate of a face's track: label null when declined ("not estimated"), with the
 * reason: 'child' (the age head says under about 13) or 'unsure' (top probability under the
 * weights' threshold). src/nn/gender/decline.ts; docs/ARCHITECTURE.md 'Extra outputs'.
 */
export interface GenderEstimate {
  label: string | null;
  probs: Record<string, number>;
  reason?: 'child' | 'unsure';
}

/** A face of a frame: the detection, its track id and its track's smoothed labels. */
export type PipelineFace = Face & { track: number; emotion: Labelled; gender?: GenderEstimate };

/** loadGender()'s answer: the gender model is fetched and built on first use only. */
export interface GenderInfo {
  classes: string[];
  /** The weights' decline rule in one plain sentence (src/nn/gender/decline.ts describeRule). */
  decline: string;
  /** Whether the weights carry an age head (then children are declined too). */
  ageHead: boolean;
}

export interface PipelineResult {
  faces: PipelineFace[];
  width: number;
  height: number;
  /** Milliseconds per stage (detect, crop, emotion, gender, classify, track, total) and counts (windows, lost). */
  timings: Record<string, number>;
  backend: string;
  /** When asked for (AnalyzeOptions.saliency): the heat maps, crops of `size`² pixels; or why there are none. */
  saliency?: { size: number; faces: FaceHeatMap[] } | { error: string };
}

// Face detection (docs/ARCHITECTURE.md "Camera pipeline"): the pipeline with its classifiers off.
export type { Face };

/** Per-call detectFaces() settings (defaults: minimum score 0.6, NMS IoU 0.3, at most 50 faces). */
export interface DetectOptions {
  scoreThreshold?: number;
  nmsThreshold?: number;
  topK?: number;
  /** Longest side of the detector's input for this call (default 640; a frame is never upscaled). */
  maxSide?: number;
}

/** Things that happen between calls, pushed to subscribers. */
export type WorkerEvent =
  | { type: 'device-lost'; message: string }
  | { type: 'recovered'; backend: Backend; reason: string };

export interface InferenceApi {
  /** Fetches and validates the weights, picks a backend, builds the classifier. */
  load(options: LoadOptions): Promise<LoadResult>;
  /** n×K softmax probabilities in the model's class order (flip-averaged when the model says so). */
  classify(crops: Crops): Promise<Float32Array>;
  /**
   * Guided back-propagation saliency of the loaded model for n crops (same backend as classify;
   * one forward + one backward pass, so it also answers the probabilities).
   */
  saliency(request: SaliencyRequest): Promise<SaliencyAnswer>;
  /** Registers a callback (wrap it in comlink's proxy()) for WorkerEvents. */
  subscribe(callback: (event: WorkerEvent) => void): void;
  /** Loads the face detector and the emotion model for analyzeFrame (gender is fetched on first use: loadGender). */
  loadPipeline(options?: PipelineInit): Promise<PipelineInfo>;
  /**
   * Fetches, checks and builds the gender model (once; later calls answer at once). The camera page
   * calls it when the Gender switch goes on; analyzeFrame with gender on calls it too.
   */
  loadGender(): Promise<GenderInfo>;
  /** Whole pipeline on one frame (transferred; closed by the worker): detect → crops → emotion (+ gender) → tracker. */
  analyzeFrame(frame: ImageBitmap | VideoFrame, opts: AnalyzeOptions): Promise<PipelineResult>;
  /**
   * The pipeline with its classifiers off, on one frame (transferred; closed by the worker): the
   * detector loadPipeline chose, its faces in frame pixels (boxes and five landmarks, clipped to the
   * frame, best score first), untracked.
   */
  detectFaces(frame: ImageBitmap | VideoFrame, options?: DetectOptions): Promise<Face[]>;
  /** Test hook: destroys the pipeline's GPU device (the next frame rebuilds it). False when none. */
  loseDevice(): boolean;
}
