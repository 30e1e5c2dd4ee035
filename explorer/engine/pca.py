"""PCA of hidden states, for the Hidden states page: numpy, and scikit-learn once a page
draws one (no torch: a recorded run's states are plain arrays).

>>> circle = np.linspace(0, 2 * np.pi, 40, endpoint=False)
>>> states = np.zeros((1, 40, 8))  # (P, T, H): a circle in a 2D subspace of 8 units
>>> states[0, :, 3], states[0, :, 5] = np.cos(circle), np.sin(circle)
>>> result = hidden_pca(states, step=7)
>>> result.coords.shape, result.explained.round(3).tolist()
((1, 40, 3), [0.5, 0.5, 0.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PCAResult:
    step: int  # training step of the snapshot
    coords: np.ndarray  # (P, T, k) projected hidden states, k = n components (<= 3)
    explained: np.ndarray  # (k,) explained variance ratio per component


def hidden_pca(states: np.ndarray, step: int = 0, n_components: int = 3) -> PCAResult:
    """Project every hidden state (all sequences, all timesteps) onto the top principal
    axes. The exact solver: the randomized one was 10x slower at our sizes (GUIDE §5).
    Degenerate input (no variance, one point) gives zero coordinates and zero ratios;
    non-finite states (a diverged IRNN) give NaN coordinates, which plots show as gaps."""
    P, T, H = states.shape
    k = max(1, min(n_components, H, P * T))
    points = np.asarray(states, dtype=np.float64).reshape(P * T, H)
    if not np.isfinite(points).all():
        return PCAResult(step, np.full((P, T, k), np.nan), np.zeros(k))
    if P * T < 2 or not np.any(points.var(axis=0) > 0):
        return PCAResult(step, np.zeros((P, T, k)), np.zeros(k))
    from sklearn.decomposition import PCA  # imported here: ~1 s off the app's first render

    pca = PCA(n_components=k, svd_solver="full")
    coords = pca.fit_transform(points)  # (P*T, k)
    explained = np.nan_to_num(pca.explained_variance_ratio_, nan=0.0)
    return PCAResult(step, coords.reshape(P, T, k), explained)
