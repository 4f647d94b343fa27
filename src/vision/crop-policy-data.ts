// Written by tools/crop-policy/fit.mjs from YuNet measurements: do not edit by hand (docs/crop-policy.md).
export default {
  "detector": "face_detection_yunet_2023mar.onnx (onnxruntime-node, 16 tiles of 160x160 per 640x640 input, score >= 0.6)",
  "emotion": {
    "size": 48,
    "channels": 1,
    "source": "FER-2013 Training, 2000 seeded random images (48x48 scaled x2.5 into a 160x160 tile)",
    "measured": {
      "images": 2000,
      "detected": 1889,
      "eyeDistIqr": [
        0.3322,
        0.4372
      ],
      "eyeAngleDegMedian": -0.6147
    },
    "template": [
      [
        0.2853,
        0.4025
      ],
      [
        0.6837,
        0.4025
      ],
      [
        0.4828,
        0.5894
      ],
      [
        0.3371,
        0.7562
      ],
      [
        0.6609,
        0.7562
      ]
    ],
    "box": {
      "cx": 0.4908,
      "cy": 0.5254,
      "size": 0.906
    }
  },
  "gender": {
    "size": 64,
    "channels": 3,
    "source": "UTKFace chips, 2000 seeded random images (100x100 scaled x1.2 into a 160x160 tile)",
    "measured": {
      "images": 2000,
      "detected": 1997,
      "eyeDistIqr": [
        0.385,
        0.442
      ],
      "eyeAngleDegMedian": -1.2767
    },
    "template": [
      [
        0.2808,
        0.3103
      ],
      [
        0.692,
        0.3103
      ],
      [
        0.4812,
        0.5095
      ],
      [
        0.3206,
        0.6879
      ],
      [
        0.6726,
        0.6879
      ]
    ],
    "box": {
      "cx": 0.4949,
      "cy": 0.4592,
      "size": 0.9501
    }
  }
} as const;
