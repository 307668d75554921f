"""Argument checks shared by the pipeline steps: a wrong value is one FramingError line naming it."""

from __future__ import annotations

import numpy as np

from .errors import FramingError


def is_whole(v) -> bool:
    """An int (numpy's too), not a bool."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def is_number(v) -> bool:
    """An int or a float (numpy's too), not a bool."""
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def set_params(est, params: dict):
    """scikit-learn's ``set_params`` for framing's estimators (flat parameters, those of ``get_params``)."""
    known = est.get_params()
    for k, v in params.items():
        if k not in known:
            raise FramingError(f"{type(est).__name__}: unknown parameter {k!r}; expected one of {', '.join(known)}")
        setattr(est, k, v)
    return est


def check_rows(df, key: list, what: str, *, text: bool = True) -> None:
    """Every ``text`` a string (with ``text``) and every ``key`` unique: one line instead of wrong numbers later."""
    if text:
        bad = df["text"].map(lambda t: not isinstance(t, str)).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            row = ", ".join(f"{k} {df[k].iloc[i]!r}" for k in key)
            raise FramingError(f"{what}: the text of {row} is {df['text'].iloc[i]!r}; expected a string")
    dup = df.duplicated(key).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        row = ", ".join(f"{k} {df[k].iloc[i]!r}" for k in key)
        raise FramingError(f"{what}: {row} appears more than once; expected one row each")


def check_whole(name: str, v, low: int = 1, *, none_ok: bool = False) -> None:
    """Raise unless ``v`` is a whole number >= ``low`` (or None, with ``none_ok``)."""
    if none_ok and v is None:
        return
    if not is_whole(v) or v < low:
        raise FramingError(f"{name}: expected a whole number >= {low}{' or None' if none_ok else ''}, found {v!r}")
