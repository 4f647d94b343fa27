// The camera pipeline for one frame (docs/ARCHITECTURE.md "Camera pipeline"), free of comlink and
// of the detector's internals so tests can drive it with a fake detector:
//
//   frame ─► detector (uploads it to FrameTexture) ─► crop policy ─► crops + classifiers ─► tracker ─► result
//
// Crops and classifiers on WebGPU: one submission, one readback (gpu-frame-pass.ts: the crops and
// their mirrors written straight into the models' input rows). Otherwise step by step: CropResize
// (gray 48 for emotion, RGB 64 for gender when on; on the CPU the wasm crop kernels), then each model.
//
// With gender off the gender classifier is neither built nor run, and results carry no gender.
// With gender on, the gender model runs only for the faces the tracker says are due (a face's gender
// does not change within a track; src/vision/tracker.ts "gender schedule"): a new track on its first
// frame, every frame while it is still unsure during its first few runs, then every 15 frames; the
// other faces keep their track's smoothed gender. RGB crops are made only on frames with a face due.
// Timings (ms): detect (with the frame's upload; split as detectRead/Resize/Net/Decode), crop, emotion, gender (whenever gender is on; 0 on
// frames where no face was due), classify (both), track, total. `runs.genderFaces` counts the faces
// the gender model has classified.
import type { Backend, DetectOptions } from './api.js';
import { CropResize, type CropJob } from '../kernels/crop-resize.js';
import { cropResizeRef, tapsFor } from '../kernels/crop-resize.ref.js';
import { WasmImageKernels } from '../kernels/wasm/image.js';
import { wasmUnavailable } from '../kernels/wasm/module.js';
import { EMOTION_CROP, GENDER_CROP, affineScale, cropTransform } from '../vision/crop-policy.js';
import { Tracker, type Detection } from '../vision/tracker.js';
import type { AnalyzeOptions, FaceHeatMap, PipelineFace, PipelineResult } from './api.js';
import { type DetectPlan, FaceFollower, type Window } from '../vision/face-follower.js';
import { frameSize } from '../vision/frame-texture.js';
import { type DeclineRule, declineReason } from '../nn/gender/decline.js';
import type { GpuFacesPass } from '../nn/mini-xception/mini-xception.js';
import { type FramePassOutput, type FrameSaliency, GpuFramePass } from './gpu-frame-pass.js';
import { chooseHeatFaces, heatMapsFromPass } from './frame-heat.js';
import type { SaliencyGpuPass } from '../nn/saliency/saliency.js';

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
  detect(frame: ImageBitmap | VideoFrame, options?: DetectOptions): Promise<{ faces: Detection[]; input: FrameInput; laps?: Record<string, number> }>;
  /** Faces in square windows [x, y, side] of the frame (face following): one list per window. */
  detectWindows(frame: ImageBitmap | VideoFrame, windows: readonly Window[]): Promise<{ perWindow: Detection[][]; input: FrameInput; laps?: Record<string, number> }>;
  dispose(): void;
}

export interface PipelineClassifier {
  /** n rows of probabilities: the classes', then (gender with an age head) any extra outputs. */
  classify(pixels: ArrayLike<number>, n: number): Promise<Float32Array>;
  /** The WebGPU plan, for the one-submission frame pass (absent or undefined: classify() is used). */
  gpuPass?(): GpuFacesPass | undefined;
  dispose(): void;
}

/** The emotion model's heat maps (guided back-propagation), on the emotion classifier's backend. */
export interface PipelineSaliency {
  saliency(gray: ArrayLike<number>, n: number, options: { target: readonly number[] }): Promise<{ maps: Float32Array; targets: Int32Array }>;
  /** The WebGPU plan, encoded into the frame's one submission with the classifiers (absent or undefined: saliency() after them). */
  gpuPass?(): SaliencyGpuPass | undefined;
  dispose(): void;
}

/** At most this many faces a frame get heat maps (AnalyzeOptions.saliency; the saliency plan's batch). */
export const SALIENCY_FACES = 8;

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
  /** Builds the heat-map model; called the first time a frame asks for heat maps (absent: none are made). */
  saliency?: () => Promise<PipelineSaliency>;
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
  private heat?: Promise<PipelineSaliency>;
  private crop?: Promise<CropResize>;
  /** The one-submission crops + classifiers pass (WebGPU), made on the first frame that can use it. */
  private fused?: Promise<GpuFramePass>;
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
    const { width: fw, height: fh } = frameSize(frame);
    const plan: DetectPlan = follow ? this.follower.plan(t0, Math.max(fw, fh)) : { kind: 'full' };
    let faces: Detection[], input: FrameInput, laps: Record<string, number> | undefined;
    if (plan.kind === 'windows') {
      const d = await this.parts.detector.detectWindows(frame, plan.windows);
      ({ input, laps } = d);
      const followed = this.follower.follow(d.perWindow);
      faces = followed.faces;
      timings.windows = plan.windows.length;
      timings.lost = followed.lost;
    } else {
      ({ faces, input, laps } = await this.parts.detector.detect(frame, plan.maxSide ? { maxSide: plan.maxSide } : undefined));
      if (follow) this.follower.found(faces, t0);
      timings.windows = 0;
      timings.reducedScan = plan.maxSide ? 1 : 0;
    }
    lap('detect');
    // The detector's own split of it (read, resize, net, decode), as detectRead, detectNet, ...
    for (const [name, ms] of Object.entries(laps ?? {})) timings[`detect${name[0].toUpperCase()}${name.slice(1)}`] = ms;
    const boxes = faces.map((f) => f.box);
    // Following: a face's emotion is re-run every EMOTION_EVERY frames (its track's smoothed label
    // shows between); otherwise every face every frame. Gender: the tracker's schedule.
    // Heat maps asked for: every face is classified this frame (the maps are made from its crops).
    const heatAsked = opts.saliency && this.parts.saliency ? opts.saliency : undefined;
    const emotionDue = follow && !heatAsked ? this.tracker.emotionDue(boxes, EMOTION_EVERY) : faces.map(() => true);
    const genderDue = opts.gender ? this.tracker.genderDue(boxes) : faces.map(() => false);
    /** The faces cropped this frame: due for either model. */
    const idx = faces.flatMap((_, i) => (emotionDue[i] || genderDue[i] ? [i] : []));
    const anyGender = idx.some((i) => genderDue[i]);
    const jobs: CropJob[] = idx.map((i) => ({ gray: cropTransform(faces[i], EMOTION_CROP), ...(anyGender ? { rgb: cropTransform(faces[i], GENDER_CROP) } : {}) }));
    const n = idx.length;
    const k = this.parts.emotionClasses.length;
    const g = this.parts.genderClasses.length;
    /** Per face: this frame's emotion probabilities, or 'keep' (not cropped this frame). */
    const emotionOf: (Float32Array | 'keep')[] = faces.map(() => 'keep');
    /** Per face: its gender probabilities this frame, or 'keep' (not due), or undefined (gender off). */
    const genderOf: (Float32Array | 'keep' | undefined)[] = faces.map(() => (opts.gender ? 'keep' : undefined));
    /** Positions in idx of the faces the gender model runs on this frame. */
    const sub = opts.gender && anyGender ? idx.flatMap((f, j) => (genderDue[f] ? [j] : [])) : [];
    // On WebGPU the heat maps go into the classifiers' submission (chosen now, before the tracker).
    const heatPass = heatAsked && n ? await this.heatPass(input) : undefined;
    const heatPick = heatPass ? chooseHeatFaces(this.tracker.peek(boxes), heatAsked!.target, Math.min(SALIENCY_FACES, heatPass.plan.maxBatch)) : undefined;
    const frameHeat: FrameSaliency | undefined = heatPass && heatPick ? { pass: heatPass, ...heatPick } : undefined;
    const classified = await this.classifyCrops(input, jobs, sub, Boolean(opts.gender), lap, timings, frameHeat);
    if (classified) {
      const { emotion, gender } = classified;
      idx.forEach((f, j) => (emotionOf[f] = emotion.subarray(j * k, (j + 1) * k)));
      this.runs.emotion++;
      if (gender) {
        const w = gender.length / sub.length; // the classes, then any extra outputs (age bands)
        sub.forEach((j, m) => (genderOf[idx[j]] = gender.subarray(m * w, (m + 1) * w)));
        this.runs.gender++;
        this.runs.genderFaces += sub.length;
      }
    }
    timings.classify = timings.emotion + (timings.gender ?? 0);
    timings.emotionFaces = n;
    const tracked = this.tracker.update(faces.map((face, i) => ({
      face,
      emotion: emotionOf[i],
      ...(genderOf[i] ? { gender: genderOf[i] } : {}),
    })), opts.time);
    const trackOf = tracked.map((t) => t.track);
    // The face list keeps its order from frame to frame: by track id (first seen first), not by score.
    tracked.sort((a, b) => a.track - b.track);
    lap('track');
    const rule = opts.gender && this.gender ? (await this.gender).decline : undefined;
    const out = tracked.map(({ genderRow, ...f }): PipelineFace => {
      if (!f.gender || !genderRow) return f;
      const reason = declineReason(genderRow, g, rule);
      return reason ? { ...f, gender: { label: null, probs: f.gender.probs, reason } } : f;
    });
    let saliency: PipelineResult['saliency'];
    if (classified?.saliency && frameHeat) {
      // Made in the classifiers' pass (with heat maps asked for every face was due: job j is face j).
      saliency = heatMapsFromPass(classified.saliency, frameHeat.faces, trackOf, (j) => jobs[j].gray, EMOTION_CROP.size);
      lap('saliency');
      timings.saliencyFused = 1;
    } else if (heatAsked) {
      saliency = await this.heatMaps(input, out, heatAsked.target).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
      lap('saliency');
    }
    timings.total = performance.now() - t0;
    return { faces: out, width: input.width, height: input.height, timings, backend: this.parts.backend, ...(saliency ? { saliency } : {}) };
  }

  /** Detection alone (the classifiers and the tracker off): the faces, best score first. */
  async detectFaces(frame: ImageBitmap | VideoFrame, options?: DetectOptions): Promise<Detection[]> {
    return (await this.parts.detector.detect(frame, options)).faces;
  }

  /**
   * The crops of `jobs` through the classifiers: emotion for all (n × K), gender for the jobs at
   * positions `sub` (m × outputs). On WebGPU, when the detector's texture and both plans share the
   * device, one submission and one readback (GpuFramePass); else crops, then each model in turn.
   * Laps 'crop', 'emotion' and (gender on) 'gender'; `timings.fused` is 1 on the one-submission path.
   */
  private async classifyCrops(input: FrameInput, jobs: CropJob[], sub: number[], genderOn: boolean, lap: (name: string) => void, timings: Record<string, number>, heat?: FrameSaliency): Promise<{ emotion: Float32Array; gender?: Float32Array; saliency?: FramePassOutput['saliency'] } | undefined> {
    const n = jobs.length;
    timings.fused = 0;
    if (!n) {
      for (const name of ['crop', 'emotion', ...(genderOn ? ['gender'] : [])]) lap(name);
      return undefined;
    }
    const fused = await this.framePass(input, n, sub.length > 0);
    if (fused) {
      const due = new Set(sub);
      lap('crop');
      const r = await fused.pass.run(input.texture!, input.width, input.height, jobs.map((j, i) => (due.has(i) ? j : { gray: j.gray })), fused.emotion, sub.length ? fused.gender : undefined, heat);
      const k = this.parts.emotionClasses.length, w = r.emotion.length / n;
      const emotion = w === k ? r.emotion : Float32Array.from({ length: n * k }, (_, i) => r.emotion[Math.floor(i / k) * w + (i % k)]);
      lap('emotion');
      if (genderOn) lap('gender');
      timings.fused = 1;
      return { emotion, gender: r.gender, saliency: r.saliency };
    }
    const crops = await this.cropAll(input, jobs);
    lap('crop');
    const emotion = await this.parts.emotion.classify(crops.gray, n);
    lap('emotion');
    let gender: Float32Array | undefined;
    if (sub.length && crops.rgb) {
      const C = GENDER_CROP.size * GENDER_CROP.size * 3;
      let rgb = crops.rgb;
      if (sub.length < n) {
        rgb = new Float32Array(sub.length * C);
        sub.forEach((j, m) => rgb.set(crops.rgb!.subarray(j * C, (j + 1) * C), m * C));
      }
      gender = await (await this.genderModel()).classify(rgb, sub.length);
    }
    if (genderOn) lap('gender');
    return { emotion, gender };
  }

  /** The one-submission pass and both plans, when this frame can use it (see classifyCrops). */
  private async framePass(input: FrameInput, n: number, withGender: boolean): Promise<{ pass: GpuFramePass; emotion: GpuFacesPass; gender?: GpuFacesPass } | undefined> {
    const device = this.parts.device;
    if (!input.texture || !device) return undefined;
    const emotion = this.parts.emotion.gpuPass?.();
    if (!emotion || emotion.plan.device !== device) return undefined;
    const gender = withGender ? (await this.genderModel()).gpuPass?.() : undefined;
    if (withGender && (!gender || gender.plan.device !== device)) return undefined;
    this.fused ??= GpuFramePass.create(device, { maxFaces: emotion.maxFaces, graySize: EMOTION_CROP.size, rgbSize: GENDER_CROP.size });
    const pass = await this.fused;
    return pass.fits(n, emotion, gender) ? { pass, emotion, gender } : undefined;
  }

  /**
   * Heat maps of the first SALIENCY_FACES faces (in answer order): their emotion crops cut again from
   * this frame's upload with the same transform and kernel as the classified ones, and the emotion
   * model's guided back-propagation of `target` ('predicted': each face's shown label).
   */
  private async heatMaps(input: FrameInput, faces: readonly PipelineFace[], target: 'predicted' | number): Promise<{ size: number; faces: FaceHeatMap[] }> {
    const S = EMOTION_CROP.size, px = S * S;
    const shown = faces.slice(0, SALIENCY_FACES);
    if (!shown.length) return { size: S, faces: [] };
    const affines = shown.map((f) => cropTransform(f, EMOTION_CROP));
    const crops = await this.cropAll(input, affines.map((gray) => ({ gray })));
    const classes = this.parts.emotionClasses;
    const targets = shown.map((f) => (target === 'predicted' ? Math.max(0, classes.indexOf(f.emotion.label)) : target));
    const a = await (await this.heatModel()).saliency(crops.gray, shown.length, { target: targets });
    const bytes = Uint8Array.from(crops.gray, (v) => Math.min(255, Math.max(0, Math.round(v))));
    return {
      size: S,
      faces: shown.map((f, i) => ({ track: f.track, affine: affines[i], crop: bytes.slice(i * px, (i + 1) * px), map: a.maps.slice(i * px, (i + 1) * px), target: a.targets[i] })),
    };
  }

  /** The heat-map model's WebGPU plan when it shares this frame's device (else undefined: heat maps after the classifiers). */
  private async heatPass(input: FrameInput): Promise<SaliencyGpuPass | undefined> {
    if (!input.texture || !this.parts.device) return undefined;
    const heat = await this.heatModel().catch(() => undefined);
    const pass = heat?.gpuPass?.();
    return pass && pass.device === this.parts.device ? pass : undefined;
  }

  private heatModel(): Promise<PipelineSaliency> {
    this.heat ??= this.parts.saliency!();
    this.heat.catch(() => (this.heat = undefined)); // a failed build is tried again on the next ask
    return this.heat;
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
    k?.stageFrame(img); // once for all the crops
    const cropOne: typeof cropResizeRef = k ? (_, ...a) => k.cropStaged(...a) : cropResizeRef;
    jobs.forEach((j, i) => {
      cropOne(img, j.gray, G, 1, tapsFor(affineScale(j.gray)), gray, i * G * G);
      if (rgb && j.rgb) cropOne(img, j.rgb, C, 3, tapsFor(affineScale(j.rgb)), rgb, i * C * C * 3);
    });
    return { gray, rgb };
  }

  dispose(): void {
    void this.crop?.then((c) => c.destroy(), () => undefined);
    void this.fused?.then((p) => p.destroy(), () => undefined);
    void this.gender?.then((c) => c.dispose(), () => undefined);
    void this.heat?.then((c) => c.dispose(), () => undefined);
    this.parts.emotion.dispose();
    this.parts.detector.dispose();
  }
}
