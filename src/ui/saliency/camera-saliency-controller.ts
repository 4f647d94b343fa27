// Saliency for the camera view. Live video and the sample clip: while the heat map is on, each
// frame asks the camera worker for the maps (`wanted()` → AnalyzeOptions.saliency), which computes
// them on that frame's emotion crops (src/worker/frame-pipeline.ts `heatMaps`), so the maps, boxes
// and picture of a result always belong together and nothing is cropped on the main thread. A
// result without maps (a photo when the heat map is switched on afterwards, or a client that does
// not make them) falls back to cropping the analysed frame here, exactly as the worker crops
// (src/vision/face-crop.ts), and asking the page's `explain` (the photo worker) for the maps.
// The layer gets the maps only while their frame is the one shown (`facesFor`). 'predicted'
// explains the label the overlay shows (the tracker's smoothed one). The same crops and maps make
// the snapshot card's heat maps.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type Affine, EMOTION_CROP } from '../../vision/crop-policy';
import { emotionCrops } from '../../vision/face-crop';
import { FramePixels } from '../../vision/frame-pixels';
import type { PipelineResult } from '../../worker/api';
import type { AnalysedFrame } from '../camera/frame-loop-controller';
import { DEFAULT_SALIENCY, type SaliencySettings } from './emo-saliency-controls';
import type { ExplainFn } from './emo-saliency-panel';
import type { LayerFace } from './emo-saliency-layer';
import type { SnapshotFace, SnapshotInput } from '../snapshot/snapshot-card';
import { genderShown } from '../common/words';

/** Faces per saliency request (the worker's saliency plan runs 8 per pass). */
const MAX_FACES = 8;

export interface CameraSaliencyHooks {
  /** The latest result with the frame pixels it was computed from. */
  analysed(): AnalysedFrame | undefined;
  explain(): ExplainFn | undefined;
  classes(): readonly string[];
}

/** One face frozen for the layer and the snapshot. */
interface Frozen extends LayerFace {
  track: number;
  crop: Uint8Array;
  target: number;
  snapshot: Omit<SnapshotFace, 'crop' | 'size' | 'map' | 'target'>;
}

export class CameraSaliencyController implements ReactiveController {
  settings: SaliencySettings = DEFAULT_SALIENCY;
  /** The latest faces with maps, for the layer. */
  faces: LayerFace[] = [];
  /** Why the last request failed, if it did. */
  error = '';
  private frozen: Frozen[] = [];
  /** The result the frozen faces (and `faces`) were computed for. */
  private frozenFor?: PipelineResult;
  private last?: PipelineResult;
  private busy = false;
  /** The canvas the crops' source pixels are read through, reused. */
  private readonly pixels = new FramePixels();

  constructor(private readonly host: ReactiveControllerHost & HTMLElement, private readonly hooks: CameraSaliencyHooks) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('emo-frame', this.onFrame);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('emo-frame', this.onFrame);
  }

  /** What the next frame should ask the worker for: the maps of its faces while the heat map is on. */
  wanted(): { target: 'predicted' | number } | undefined {
    return this.settings.enabled && this.hooks.explain() ? { target: this.settings.target } : undefined;
  }

  /** The heat maps to draw over `shown` (the result whose frame is on screen): none when they belong to another frame. */
  facesFor(shown: PipelineResult | undefined): LayerFace[] {
    return shown && shown === this.frozenFor ? this.faces : [];
  }

  /** The frame size of the latest result. */
  get frame(): [number, number] {
    return this.last ? [this.last.width, this.last.height] : [4, 3];
  }

  set(settings: SaliencySettings): void {
    this.settings = settings;
    if (!settings.enabled) this.faces = [];
    this.host.requestUpdate();
    if (settings.enabled && this.last) void this.run(this.last);
  }

  /** A track's latest crop and heat map, when heat maps are on (maps lag the live frame by a request). */
  heatMap(track: number): { crop: Uint8Array; size: number; map: Float32Array; target: number } | undefined {
    if (!this.settings.enabled) return undefined;
    const f = this.frozen.find((g) => g.track === track);
    return f?.map ? { crop: f.crop, size: f.size, map: f.map, target: f.target } : undefined;
  }

  /** The photo panel's snapshot input: the latest frozen faces, or freshly computed ones. */
  readonly capture = async (): Promise<SnapshotInput | undefined> => {
    const time = new Date();
    if (!this.settings.enabled || !this.frozen.length || this.frozenFor !== this.last) {
      if (!this.last) return undefined;
      await this.run(this.last, true);
    }
    if (!this.frozen.length) return undefined;
    return {
      faces: this.frozen.map((f) => ({ ...f.snapshot, crop: f.crop, size: f.size, map: f.map, target: f.target })),
      classes: this.hooks.classes(),
      time,
      opacity: this.settings.opacity,
    };
  };

  private readonly onFrame = (e: Event): void => {
    this.last = (e as CustomEvent<PipelineResult>).detail;
    if (this.last.saliency) this.fromWorker(this.last);
    else if (this.settings.enabled && !this.busy) void this.run(this.last);
  };

  /** The maps the camera worker made with this result. */
  private fromWorker(r: PipelineResult): void {
    const s = r.saliency!;
    if ('error' in s) {
      this.error = `The heat map failed: ${s.error}`;
    } else {
      const classes = this.hooks.classes();
      this.frozen = s.faces.flatMap((h) => {
        const f = r.faces.find((g) => g.track === h.track);
        if (!f) return [];
        return [{
          affine: h.affine, track: h.track, size: s.size, crop: h.crop, map: h.map, target: h.target,
          snapshot: { probs: classes.map((k) => f.emotion.probs[k] ?? 0), gender: f.gender ? genderShown(f.gender) : undefined },
        }];
      });
      this.frozenFor = r;
      this.faces = this.settings.enabled ? this.frozen : [];
      this.error = '';
    }
    this.host.requestUpdate();
  }

  /**
   * Crops the result's faces from `pic`: 48×48 gray each, sampled as the worker's crop kernel
   * samples them (crop pixels beyond the frame repeat its edge pixel), and their transforms.
   */
  private crops(r: PipelineResult, pic: CanvasImageSource | undefined): { gray: Uint8Array; affines: Affine[] } | undefined {
    const faces = r.faces.slice(0, MAX_FACES);
    if (!pic || !faces.length) return undefined;
    return emotionCrops(pic, r.width, r.height, faces, this.pixels);
  }

  private async run(r: PipelineResult, force = false): Promise<void> {
    const explain = this.hooks.explain();
    if (!explain || (this.busy && !force)) return;
    // Only the frame this result was computed from will do (read now: the loop replaces it later).
    const shown = this.hooks.analysed();
    if (shown?.result !== r) return;
    this.busy = true;
    try {
      const c = this.crops(r, shown.image);
      if (!c) {
        this.faces = [];
        this.frozen = [];
        this.frozenFor = r;
        return;
      }
      const n = c.affines.length, S = EMOTION_CROP.size, classes = this.hooks.classes();
      const t = this.settings.target;
      const targets = t === 'predicted' ? r.faces.slice(0, n).map((f) => classes.indexOf(f.emotion.label)) : new Array<number>(n).fill(t);
      const a = await explain(c.gray, n, targets);
      this.frozen = c.affines.map((affine, i) => {
        const f = r.faces[i];
        return {
          affine, track: f.track, size: S, crop: c.gray.slice(i * S * S, (i + 1) * S * S), map: a.maps.slice(i * S * S, (i + 1) * S * S), target: a.targets[i],
          snapshot: { probs: classes.map((k) => f.emotion.probs[k] ?? 0), gender: f.gender ? genderShown(f.gender) : undefined },
        };
      });
      this.frozenFor = r;
      this.faces = this.settings.enabled ? this.frozen : [];
      this.error = '';
    } catch (e) {
      this.error = `The heat map failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }
}
