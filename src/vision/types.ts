// src/vision/types.ts
export type Point = [number, number];
export interface Face {
  box: [number, number, number, number];  // x, y, w, h in frame pixels
  score: number;                            // 0..1
  landmarks: Point[];                       // 5 points in frame pixels, YuNet order: right eye, left eye, nose tip, right mouth corner, left mouth corner (as seen in the image: "right eye" is the subject's right = image left)
}
export interface FaceResult extends Face {
  track: number;                                            // stable id
  emotion: { label: string; probs: Record<string, number> };  // smoothed per track
  gender?: { label: 'female' | 'male'; probs: Record<string, number> };
}
export interface FrameResult { faces: FaceResult[]; width: number; height: number; timings: Record<string, number>; backend: string }
