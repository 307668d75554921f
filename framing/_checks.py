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


def forget_fit(est) -> None:
    """Make ``est`` not fitted: remove every instance attribute that is not a parameter (its fitted
    attributes and caches)."""
    params = est.get_params()
    for k in [k for k in vars(est) if k not in params]:
        delattr(est, k)


def unfit_on_error(fit):
    """Decorate an estimator's ``fit``: when it raises, the estimator is left not fitted (``forget_fit``),
    never half-updated with some attributes of the new fit beside others of an earlier one (audit25-api: a
    StanceScorer refitted on codebook B with labels of codebook A predicted B's labels with A's coefficients)."""
    import functools

    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            forget_fit(self)
            raise

    return wrapper


def set_params(est, params: dict):
    """scikit-learn's ``set_params`` for framing's estimators (flat parameters, those of ``get_params``)."""
    known = est.get_params()
    for k, v in params.items():
        if k not in known:
            raise FramingError(f"{type(est).__name__}: unknown parameter {k!r}; expected one of {', '.join(known)}")
        setattr(est, k, v)
    return est


class Estimator:
    """What scikit-learn asks of an estimator besides ``get_params`` and ``set_params``, without importing
    it at import time: its tags (scikit-learn 1.6 and later asks every estimator for them in
    ``cross_val_score``, ``GridSearchCV`` and ``check_is_fitted``) and a repr that shows the parameters
    set away from their defaults. ``_sklearn_type`` is "classifier", "clusterer" or None; ``_text_input``
    says the estimator takes texts or tables rather than a numeric array. Each estimator's ``fit`` is
    decorated with :func:`unfit_on_error`: a ``fit`` that raises leaves it not fitted."""

    _sklearn_type: str | None = None
    _text_input: bool = True

    @property
    def _estimator_type(self):  # what scikit-learn before 1.6 reads (is_classifier, stratified folds)
        return self._sklearn_type

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        tags = Tags(estimator_type=self._sklearn_type,
                    target_tags=TargetTags(required=self._sklearn_type == "classifier"))
        if self._sklearn_type == "classifier":
            tags.classifier_tags = ClassifierTags()
        tags.input_tags.two_d_array = not self._text_input
        tags.input_tags.string = self._text_input
        return tags

    def __repr__(self) -> str:
        import inspect

        defaults = {k: p.default for k, p in inspect.signature(type(self).__init__).parameters.items()}
        args = []
        for k, v in self.get_params().items():
            d = defaults.get(k, inspect.Parameter.empty)
            try:
                same = d is not inspect.Parameter.empty and (v is d or bool(v == d))
            except Exception:  # an array, say
                same = False
            if not same:
                args.append(f"{k}={_short_repr(v)}")
        return f"{type(self).__name__}({', '.join(args)})"


def _short_repr(v, limit: int = 80) -> str:
    """A parameter's repr for an estimator's: a codebook by its id, anything long cut (review21b: a Codebook
    object printed 14,000 characters)."""
    from .codebook import Codebook

    if isinstance(v, Codebook):
        return f"<Codebook {v.id!r}>"
    r = repr(v)
    return r if len(r) <= limit else r[: limit - 1] + "…"


def check_columns_once(df, what: str) -> None:
    """Raise when a column name appears twice (review22: two 'text' columns gave "'DataFrame' object has no
    attribute 'tolist'")."""
    twice = [str(c) for c in df.columns[df.columns.duplicated()]]
    if twice:
        raise FramingError(f"{what}: column {twice[0]!r} appears more than once; expected each column once (rename "
                           "or drop the copy)")


def check_rows(df, key: list, what: str, *, text: bool = True) -> None:
    """Every ``text`` a string (with ``text``) and every ``key`` unique: one line instead of wrong numbers later."""
    check_columns_once(df, what)
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
