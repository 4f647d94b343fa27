"""Losses for train.py: soft-target cross-entropy with class weights and logit adjustment (class
balance for disgust/angry/fear), and knowledge distillation from a teacher (Hinton et al. 2015)."""
import numpy as np
import torch
import torch.nn.functional as F


def class_weights(labels, k, mode):
    """'none' | 'sqrt' | 'inverse': per-class loss weights from training counts, mean 1 over samples."""
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    if mode == "none":
        w = np.ones(k)
    elif mode == "sqrt":
        w = 1 / np.sqrt(np.maximum(counts, 1))
    elif mode == "inverse":
        w = 1 / np.maximum(counts, 1)
    else:
        raise ValueError(f"--balance must be none, sqrt or inverse, got {mode}")
    w = w / (w[labels].mean() if len(labels) else 1)
    return torch.tensor(w, dtype=torch.float32)


def log_prior(labels, k):
    counts = np.bincount(labels, minlength=k).astype(np.float64) + 1
    return torch.tensor(np.log(counts / counts.sum()), dtype=torch.float32)


def soft_cross_entropy(logits, targets, smoothing=0.0, weights=None, hard=None, adjust=None):
    """targets (B, K) distributions; smoothing as label_smoothing; weights (K,) applied by the hard
    label `hard` (B,); adjust (K,) added to the logits in training only (logit adjustment, Menon et al. 2021)."""
    if adjust is not None:
        logits = logits + adjust
    k = logits.shape[1]
    t = targets * (1 - smoothing) + smoothing / k
    loss = -(t * F.log_softmax(logits, 1)).sum(1)
    if weights is not None:
        w = weights[hard]
        return (loss * w).sum() / w.sum()
    return loss.mean()


def distillation(student_logits, teacher_probs_t, temperature):
    """KL(teacher || student) at temperature T, times T^2 so its gradients keep their size."""
    log_s = F.log_softmax(student_logits / temperature, 1)
    return F.kl_div(log_s, teacher_probs_t, reduction="batchmean") * temperature ** 2


@torch.no_grad()
def teacher_probs(teachers, x, temperature):
    """Mean of the teachers' softened softmax on the same (augmented) batch: an ensemble teacher."""
    return torch.stack([F.softmax(t(x).float() / temperature, 1) for t in teachers]).mean(0)


if __name__ == "__main__":
    torch.manual_seed(0)
    z = torch.randn(6, 7)
    y = torch.tensor([0, 1, 2, 3, 4, 5])
    onehot = F.one_hot(y, 7).float()
    assert torch.allclose(soft_cross_entropy(z, onehot, 0.1), F.cross_entropy(z, y, label_smoothing=0.1), atol=1e-6)
    w = class_weights(np.array([0, 0, 0, 1]), 2, "inverse")
    assert torch.allclose(w, torch.tensor([2 / 3, 2.0])), w
    assert distillation(z, F.softmax(z / 2, 1), 2.0).abs() < 1e-6
    print("losses: ok")
