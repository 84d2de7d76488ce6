"""Demand patterns: the Syntetos-Boylan classes (ADI / CV^2) and the seasonal gate.

The class decides which candidates a lane may choose from (see
:mod:`forecasting.selection`): intermittent and lumpy lanes only the
intermittent-demand methods, lanes with a strong season only the seasonal ones.

References
----------
Syntetos, A. A., Boylan, J. E. & Croston, J. D. (2005), On the categorization
of demand patterns, J. Oper. Res. Soc. 56, 495-503 (the cut-offs ADI = 1.32
and CV^2 = 0.49).
"""

from __future__ import annotations

import numpy as np

from forecasting.core import as_matrix

# Syntetos, Boylan & Croston (2005): cut-offs of the four classes.
ADI_CUTOFF = 1.32  # average inter-demand interval [periods]
CV2_CUTOFF = 0.49  # squared coefficient of variation of non-zero demand sizes [-]
PATTERNS = ("smooth", "erratic", "intermittent", "lumpy")
INTERMITTENT_PATTERNS = frozenset({"intermittent", "lumpy"})
# F_S (see forecasting.classic.seasonal_strength) at or above which a regular lane only
# chooses seasonal methods; pure noise scores about 0.3 with two seasons of history.
SEASONAL_STRENGTH_CUTOFF = 0.6


def demand_pattern_stats(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ADI and CV^2 of non-zero demand sizes per lane (Syntetos-Boylan).

    Parameters
    ----------
    matrix : array, shape (lanes, periods) or (periods,)
        y, demand per period [units/period], >= 0.

    Returns
    -------
    adi : np.ndarray
        ADI = periods / number of periods with demand > 0 [periods];
        ``inf`` for an all-zero lane.
    cv2 : np.ndarray
        CV^2 = (std / mean)^2 of the non-zero sizes (population std, ddof=0);
        0 when there are fewer than two non-zero periods.

    References
    ----------
    Syntetos, Boylan & Croston (2005), J. Oper. Res. Soc. 56, 495-503.

    Examples
    --------
    >>> adi, cv2 = demand_pattern_stats([0, 2, 0, 0, 6, 0])
    >>> float(adi[0]), float(cv2[0])
    (3.0, 0.25)
    """
    y = as_matrix(matrix, "matrix")
    positive = y > 0
    count = positive.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        adi = np.where(count > 0, y.shape[1] / np.maximum(count, 1), np.inf)
        size_mean = np.where(positive, y, 0.0).sum(axis=1) / np.maximum(count, 1)
        size_var = (np.where(positive, y - size_mean[:, None], 0.0) ** 2).sum(axis=1) / np.maximum(
            count, 1
        )
        cv2 = np.where(count > 1, size_var / np.maximum(size_mean, 1e-300) ** 2, 0.0)
    return adi, cv2


def classify_stats(adi: np.ndarray, cv2: np.ndarray) -> np.ndarray:
    """Class per lane from its ADI and CV^2 (see ``classify_demand_patterns``).

    >>> classify_stats(np.array([1.0, 2.0]), np.array([0.1, 0.9])).tolist()
    ['smooth', 'lumpy']
    """
    frequent = adi < ADI_CUTOFF
    steady = cv2 < CV2_CUTOFF
    return np.select(
        [frequent & steady, frequent & ~steady, ~frequent & steady],
        ["smooth", "erratic", "intermittent"],
        default="lumpy",
    )


def classify_demand_patterns(matrix: np.ndarray) -> np.ndarray:
    """Syntetos-Boylan demand class per lane: smooth, erratic, intermittent or lumpy.

    ADI < 1.32 and CV^2 < 0.49 -> smooth; ADI < 1.32, CV^2 >= 0.49 -> erratic;
    ADI >= 1.32, CV^2 < 0.49 -> intermittent; otherwise lumpy.  An all-zero
    lane (ADI = inf, CV^2 = 0) is classed ``"intermittent"``, so it is
    forecast by the intermittent-demand methods (which give 0).

    Examples
    --------
    >>> classify_demand_patterns([[5, 6, 5, 4], [1, 9, 1, 9], [0, 0, 3, 0], [0, 9, 0, 1]]).tolist()
    ['smooth', 'erratic', 'intermittent', 'lumpy']
    """
    return classify_stats(*demand_pattern_stats(matrix))


def classify_demand_pattern(history: np.ndarray) -> str:
    """Syntetos-Boylan class of one lane's history (see ``classify_demand_patterns``).

    >>> classify_demand_pattern([0, 0, 4, 0, 0, 5, 0, 0, 4])
    'intermittent'
    """
    arr = np.asarray(history, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"history must be 1-D, got {arr.ndim}-D")
    return str(classify_demand_patterns(arr)[0])
