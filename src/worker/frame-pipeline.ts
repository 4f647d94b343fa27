// The camera pipeline for one frame (docs/ARCHITECTURE.md "Camera pipeline"), free of comlink and
// of the detector's internals so tests can drive it with a fake detector:
//
//   frame ─► detector (uploads it to FrameTexture) ─► crop policy + CropResize (one dispatch, one
//   readback: gray 48 for emotion, RGB 64 for gender when on) ─► classifiers ─► tracker ─► result
//
// With gender off the gender classifier is neither built nor run, and results carry no gender.
// With gender on, the gender model runs only for the faces the tracker says are due (a face's gender
// does not change within a track; src/vision/tracker.ts "gender schedule"): a new track on its first
// frame, every frame while it is still unsure during its first few runs, then every 15 frames; the
// other faces keep their track's smoothed gender. RGB crops are made only on frames with a face due.
// Timings (ms): detect (with the frame's upload), crop, emotion, gender (whenever gender is on; 0 on
// frames where no face was due), classify (both), track, total. `runs.genderFaces` counts the faces
// the gender model has classified.
import type { Backend, DetectOptions } from './api.js';
import { CropResize, type CropJob } from '../kernels/crop-resize.js';
import { cropResizeRef, tapsFor } from '../kernels/crop-resize.ref.js';
import { WasmImageKernels } from '../kernels/wasm/image.js';
import { wasmUnavailable } from '../kernels/wasm/module.js';
import { EMOTION_CROP, GENDER_CROP, affineScale, cropTransform } from '../vision/crop-policy.js';
import { Tracker, type Detection } from '../vision/tracker.js';
import type { AnalyzeOptions, PipelineFace, PipelineResult } from './api.js';
import { FaceFollower, type Window } from '../vision/face-follower.js';
import { type DeclineRule, declineReason } from '../nn/gender/decline.js';

/** A decoded frame in a GPU texture (or, on the CPU path, as RGBA pixels). */
export interface FrameInput {
  width: number;
  height: number;
  texture?: GPUTexture;
  /** RGBA8 pixels, row-major: the CPU path. */
  rgba?: Uint8ClampedArray;
}

/**
 * The detector side (src/worker/detector-adapter.ts wraps YuNet): finds the faces of a frame and
 * hands back the frame as it now lies on the GPU (FrameTexture) or, on the CPU, as pixels, so the
 * crops read the very upload the detector used.
 */
export interface FrameDetector {
  /** Credit line for the detector's weights (PipelineInfo.attribution). */
  readonly attribution?: string;
  detect(frame: ImageBitmap | VideoFrame, options?: DetectOptions): Promise<{ faces: Detection[]; input: FrameInput }>;
  /** Faces in square windows [x, y, side] of the frame (face following): one list per window. */
  detectWindows(frame: ImageBitmap | VideoFrame, windows: readonly Window[]): Promise<{ perWindow: Detection[][]; input: FrameInput }>;
  dispose(): void;
}

export interface PipelineClassifier {
  /** n rows of probabilities: the classes', then (gender with an age head) any extra outputs. */
  classify(pixels: ArrayLike<number>, n: number): Promise<Float32Array>;
  dispose(): void;
}

/** The gender classifier and the weights' rule for declining (none: every face gets its arg-max). */
export type GenderClassifier = PipelineClassifier & { decline?: DeclineRule };

export interface PipelineParts {
  backend: Backend;
  /** Whether `follow` may use face windows (default true); false: every frame detected in full. */
  followWindows?: boolean;
  device?: GPUDevice;
  detector: FrameDetector;
  emotion: PipelineClassifier;
  emotionClasses: readonly string[];
  /** Builds the gender classifier; called the first time a frame asks for gender. */
  gender: () => Promise<GenderClassifier>;
  genderClasses: readonly string[];
  /** Faces per crop dispatch (more are cropped in chunks). Default 32. */
  maxFaces?: number;
}


export type { AnalyzeOptions, PipelineFace, PipelineResult };

/** Following faces, a face's emotion model runs every this many frames (2: half the faces a frame). */
export const EMOTION_EVERY = 2;

export class FramePipeline {
  readonly tracker: Tracker;
  readonly follower = new FaceFollower();
  private gender?: Promise<GenderClassifier>;
  private crop?: Promise<CropResize>;
  /** The CPU path's crop kernels (wasm), made on the first frame without a texture. */
  private wasmCrop?: Promise<WasmImageKernels>;
  /** How many times each classifier ran (tests: gender off must leave `gender` at 0). */
  readonly runs = { emotion: 0, gender: 0, genderFaces: 0 };

  constructor(private readonly parts: PipelineParts) {
    this.tracker = new Tracker(parts.emotionClasses, parts.genderClasses);
  }

  get backend(): Backend {
    return this.parts.backend;
  }

  async analyze(frame: ImageBitmap | VideoFrame, opts: AnalyzeOptions): Promise<PipelineResult> {
    if (opts.reset) {
      this.tracker.reset();
      this.follower.reset();
    }
    const t0 = performance.now();
    const timings: Record<string, number> = {};
    let t = t0;
    const lap = (name: string) => {
      const now = performance.now();
      timings[name] = now - t;
      t = now;
    };
    const follow = Boolean(opts.follow) && this.parts.followWindows !== false;
    const plan = follow ? this.follower.plan(t0) : { kind: 'full' as const };
    let faces: Detection[], input: FrameInput;
    if (plan.kind === 'windows') {
      const d = await this.parts.detector.detectWindows(frame, plan.windows);
      input = d.input;
      const followed = this.follower.follow(d.perWindow);
      faces = followed.faces;
      timings.windows = plan.windows.length;
      timings.lost = followed.lost;
    } else {
      ({ faces, input } = await this.parts.detector.detect(frame));
      if (follow) this.follower.found(faces, t0);
      timings.windows = 0;
    }
    lap('detect');
    const boxes = faces.map((f) => f.box);
    // Following: a face's emotion is re-run every EMOTION_EVERY frames (its track's smoothed label
    // shows between); otherwise every face every frame. Gender: the tracker's schedule.
    const emotionDue = follow ? this.tracker.emotionDue(boxes, EMOTION_EVERY) : faces.map(() => true);
    const genderDue = opts.gender ? this.tracker.genderDue(boxes) : faces.map(() => false);
    /** The faces cropped this frame: due for either model. */
    const idx = faces.flatMap((_, i) => (emotionDue[i] || genderDue[i] ? [i] : []));
    const anyGender = idx.some((i) => genderDue[i]);
    const jobs: CropJob[] = idx.map((i) => ({ gray: cropTransform(faces[i], EMOTION_CROP), ...(anyGender ? { rgb: cropTransform(faces[i], GENDER_CROP) } : {}) }));
    const crops = jobs.length ? await this.cropAll(input, jobs) : { gray: new Float32Array(0) };
    lap('crop');
    const n = idx.length;
    const k = this.parts.emotionClasses.length;
    const g = this.parts.genderClasses.length;
    /** Per face: this frame's emotion probabilities, or 'keep' (not cropped this frame). */
    const emotionOf: (Float32Array | 'keep')[] = faces.map(() => 'keep');
    /** Per face: its gender probabilities this frame, or 'keep' (not due), or undefined (gender off). */
    const genderOf: (Float32Array | 'keep' | undefined)[] = faces.map(() => (opts.gender ? 'keep' : undefined));
    if (n) {
      const emotion = await this.parts.emotion.classify(crops.gray, n);
      idx.forEach((f, j) => (emotionOf[f] = emotion.subarray(j * k, (j + 1) * k)));
      this.runs.emotion++;
      lap('emotion');
      if (opts.gender) {
        if (anyGender && crops.rgb) {
          const sub = idx.flatMap((f, j) => (genderDue[f] ? [j] : []));
          const C = GENDER_CROP.size * GENDER_CROP.size * 3;
          let rgb = crops.rgb;
          if (sub.length < n) {
            rgb = new Float32Array(sub.length * C);
            sub.forEach((j, m) => rgb.set(crops.rgb!.subarray(j * C, (j + 1) * C), m * C));
          }
          const probs = await (await this.genderModel()).classify(rgb, sub.length);
          const w = probs.length / sub.length; // the classes, then any extra outputs (age bands)
          sub.forEach((j, m) => (genderOf[idx[j]] = probs.subarray(m * w, (m + 1) * w)));
          this.runs.gender++;
          this.runs.genderFaces += sub.length;
        }
        lap('gender');
      }
    } else {
      lap('emotion');
      if (opts.gender) lap('gender');
    }
    timings.classify = timings.emotion + (timings.gender ?? 0);
    timings.emotionFaces = n;
    const tracked = this.tracker.update(faces.map((face, i) => ({
      face,
      emotion: emotionOf[i],
      ...(genderOf[i] ? { gender: genderOf[i] } : {}),
    })), opts.time);
    // The face list keeps its order from frame to frame: by track id (first seen first), not by score.
    tracked.sort((a, b) => a.track - b.track);
    lap('track');
    const rule = opts.gender && this.gender ? (await this.gender).decline : undefined;
    const out = tracked.map(({ genderRow, ...f }): PipelineFace => {
      if (!f.gender || !genderRow) return f;
      const reason = declineReason(genderRow, g, rule);
      return reason ? { ...f, gender: { label: null, probs: f.gender.probs, reason } } : f;
    });
    timings.total = performance.now() - t0;
    return { faces: out, width: input.width, height: input.height, timings, backend: this.parts.backend };
  }

  /** Detection alone (the classifiers and the tracker off): the faces, best score first. */
  async detectFaces(frame: ImageBitmap | VideoFrame, options?: DetectOptions): Promise<Detection[]> {
    return (await this.parts.detector.detect(frame, options)).faces;
  }

  /** The gender classifier, built on first use (and its weights fetched then: PipelineEngine). */
  genderModel(): Promise<GenderClassifier> {
    this.gender ??= this.parts.gender();
    this.gender.catch(() => (this.gender = undefined)); // a failed load is retried on the next ask
    return this.gender;
  }

  private async cropAll(input: FrameInput, jobs: CropJob[]): Promise<{ gray: Float32Array; rgb?: Float32Array }> {
    if (input.texture && this.parts.device) {
      const device = this.parts.device;
      this.crop ??= CropResize.create(device, { maxFaces: this.parts.maxFaces ?? 32, graySize: EMOTION_CROP.size, rgbSize: GENDER_CROP.size });
      return (await this.crop).run(input.texture, input.width, input.height, jobs);
    }
    if (!input.rgba) throw new Error('FramePipeline: the frame has neither a texture nor pixels');
    const img = { data: input.rgba, width: input.width, height: input.height };
    const G = EMOTION_CROP.size, C = GENDER_CROP.size;
    const gray = new Float32Array(jobs.length * G * G);
    const rgb = jobs[0]?.rgb ? new Float32Array(jobs.length * C * C * 3) : undefined;
    // The CPU path crops with the wasm kernels; the reference path ('cpu') keeps the TypeScript loops.
    if (this.parts.backend !== 'cpu' && wasmUnavailable() === null) this.wasmCrop ??= WasmImageKernels.create();
    const k = this.wasmCrop ? await this.wasmCrop : null;
    const cropOne = k ? k.cropResize.bind(k) : cropResizeRef;
    jobs.forEach((j, i) => {
      cropOne(img, j.gray, G, 1, tapsFor(affineScale(j.gray)), gray, i * G * G);
      if (rgb && j.rgb) cropOne(img, j.rgb, C, 3, tapsFor(affineScale(j.rgb)), rgb, i * C * C * 3);
    });
    return { gray, rgb };
  }

  dispose(): void {
    void this.crop?.then((c) => c.destroy(), () => undefined);
    void this.gender?.then((c) => c.dispose(), () => undefined);
    this.parts.emotion.dispose();
    this.parts.detector.dispose();
  }
}
