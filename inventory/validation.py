"""Input checks and result shaping shared by the planning math.

Every formula of :mod:`inventory`, :mod:`capacity`, :mod:`cooperation` and
:mod:`resilience` validates its inputs the same way: the value becomes a float
array, and anything non-finite or outside the parameter's valid range raises a
``ValueError`` that names the parameter, its range and its unit.  Results go
back as a Python ``float`` for scalar input (friendlier for the UI) and as an
``ndarray`` otherwise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatOrArray = float | NDArray[np.float64]

__all__ = ["FloatOrArray", "as_output", "checked", "checked_service_level"]


def _unit(unit: str) -> str:
    return f" [{unit}]" if unit else ""


def checked(
    name: str,
    value: ArrayLike,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    unit: str = "",
) -> NDArray[np.float64]:
    """Return ``value`` as a float array, or raise ValueError naming ``name`` and its range.

    Parameters
    ----------
    name : str
        Parameter name used in the error message.
    value : float or array
        The input [``unit``].
    low, high : float, optional
        Bounds of the valid range (None = unbounded).
    low_open, high_open : bool
        Whether the bound itself is excluded.
    unit : str
        Unit shown in the message.

    Returns
    -------
    ndarray
        ``value`` as float [``unit``].

    Raises
    ------
    ValueError
        If ``value`` is not numeric, not finite or outside the range.

    Examples
    --------
    >>> checked("service_level", 1.2, low=0.0, high=1.0, high_open=True, unit="fraction")
    Traceback (most recent call last):
    ...
    ValueError: service_level must be finite and in [0, 1) [fraction], got 1.2
    """
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number{_unit(unit)}, got {value!r}") from None
    finite = np.isfinite(array)
    bad = ~finite
    if low is not None:
        bad |= (array <= low) if low_open else (array < low)
    if high is not None:
        bad |= (array >= high) if high_open else (array > high)
    if bad.any():
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo_txt = "-inf" if low is None else f"{low:g}"
        hi_txt = "inf" if high is None else f"{high:g}"
        offending = array[bad].flat[0] if array.ndim else float(array)
        raise ValueError(
            f"{name} must be finite and in {left}{lo_txt}, {hi_txt}{right}{_unit(unit)}, "
            f"got {offending:g}"
        )
    return array


def as_output(array: ArrayLike) -> FloatOrArray:
    """Scalars back as ``float`` (friendlier for the UI), arrays unchanged.

    >>> as_output(np.float64(2.5)), as_output([1, 2])
    (2.5, array([1., 2.]))
    """
    result = np.asarray(array, dtype=float)
    return float(result) if result.ndim == 0 else result


def checked_service_level(value: ArrayLike, name: str = "service_level") -> NDArray[np.float64]:
    """A probability strictly inside (0, 1) [fraction], e.g. a cycle service level alpha.

    >>> float(checked_service_level(0.95))
    0.95
    """
    return checked(name, value, low=0.0, high=1.0, low_open=True, high_open=True, unit="fraction")
