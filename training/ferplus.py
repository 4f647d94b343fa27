"""FER+ votes (Barsoum et al. 2016, MIT) as soft labels for FER-2013's Training rows.

The data folder's fer2013-ferplus-votes.csv has, per file of fer2013.zip, ten taggers' votes in
FER+ order (neutral, happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF),
which is not FER-2013's order. Contempt, unknown and not-a-face have no FER-2013 class: they are left
out of the distribution (and a row that is mostly unknown / not a face can be dropped). Only Training
rows are used for training; PublicTest/PrivateTest keep their FER-2013 labels for choosing and testing.
"""
import csv

import numpy as np

from data import CLASSES
from data_dir import dataset

FERPLUS_COLUMNS = ["neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt", "unknown", "NF"]
# FER-2013 class -> its FER+ column
TO_FERPLUS = {"angry": "anger", "disgust": "disgust", "fear": "fear", "happy": "happiness",
              "sad": "sadness", "surprise": "surprise", "neutral": "neutral"}


def read_votes(path=None):
    """-> {file inside fer2013.zip: np.array of the 10 vote counts} (files without a match left out)."""
    out = {}
    with open(path or dataset("fer2013-ferplus-votes.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["neutral"] == "":
                continue
            out[row["file"]] = np.array([int(row[c]) for c in FERPLUS_COLUMNS], dtype=np.float32)
    return out


def soft_targets(names, labels, alpha, drop_unreliable=False, votes=None):
    """-> (targets float32 (N, 7) in FER-2013 order, keep bool (N,)).
    targets = (1 - alpha) * one-hot(FER-2013 label) + alpha * FER+ vote shares over the 7 classes;
    a row without usable votes keeps its one-hot label. keep is False for rows whose votes are mostly
    'unknown' or 'not a face' when drop_unreliable."""
    votes = read_votes() if votes is None else votes
    cols = [FERPLUS_COLUMNS.index(TO_FERPLUS[c]) for c in CLASSES]
    t = np.eye(len(CLASSES), dtype=np.float32)[labels]
    keep = np.ones(len(labels), bool)
    used = 0
    for i, n in enumerate(names):
        v = votes.get(n)
        if v is None:
            continue
        v7 = v[cols]
        if drop_unreliable and v[8] + v[9] > v7.sum():
            keep[i] = False
        if v7.sum() > 0:
            t[i] = (1 - alpha) * t[i] + alpha * v7 / v7.sum()
            used += 1
    return t, keep, used


if __name__ == "__main__":  # self-check on a few rows: the order mapping and the mixing
    votes = {"a.jpg": np.array([2, 0, 0, 1, 7, 0, 0, 0, 0, 0], np.float32),  # mostly anger
             "b.jpg": np.array([0, 0, 0, 0, 0, 0, 0, 0, 2, 8], np.float32)}  # not a face
    t, keep, used = soft_targets(["a.jpg", "b.jpg", "c.jpg"], np.array([0, 3, 6]), 1.0, True, votes)
    assert np.allclose(t[0], [0.7, 0, 0, 0, 0.1, 0, 0.2]), t[0]
    assert keep.tolist() == [True, False, True] and used == 1
    assert np.allclose(t[2], np.eye(7)[6])
    t, _, _ = soft_targets(["a.jpg"], np.array([6]), 0.5, False, votes)
    assert np.allclose(t[0], [0.35, 0, 0, 0, 0.05, 0, 0.6]), t[0]
    print("ferplus: ok")
