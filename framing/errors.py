"""The project's own exception type.

Every problem a user can fix (a bad file, a bad codebook, an unknown model)
raises :class:`FramingError` with a one-line message that names the thing,
what was expected and what was found. The CLI turns it into that line on
stderr and exit code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class FramingError(Exception):
    """A user-facing error: bad input, bad configuration, missing model."""


class FramingWarning(UserWarning):
    """Something the user should know that does not stop the work (the CLI prints it as a note)."""


class MissingExtraError(FramingError, ImportError):
    """An optional dependency is not installed; the message names the pip extra."""


def __getattr__(name: str):
    # NotFittedError subclasses scikit-learn's, whose import takes a second: it is made on first use so that
    # `import framing` stays fast, and kept in the module so that it is always the same class (and pickles).
    if name == "NotFittedError":
        if "NotFittedError" in globals():
            return globals()["NotFittedError"]
        from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

        class NotFittedError(FramingError, _SklearnNotFittedError):
            """An estimator was used before ``fit`` (or ``load``). It is both a :class:`FramingError` (the
            CLI's one-line message) and scikit-learn's ``NotFittedError`` (so ``except NotFittedError`` and
            ``check_is_fitted``-style code catch it); scikit-learn's is a ``ValueError`` and an
            ``AttributeError``, so this one is too."""

        NotFittedError.__module__, NotFittedError.__qualname__ = __name__, "NotFittedError"
        globals()["NotFittedError"] = NotFittedError
        return NotFittedError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def not_fitted(message: str) -> FramingError:
    """The :class:`NotFittedError` to raise, with ``message`` (imports scikit-learn only when raised)."""
    return __getattr__("NotFittedError")(message)


def require(module: str, extra: str):
    """Import ``module`` or raise :class:`MissingExtraError` naming ``extra``."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingExtraError(
            f"this feature needs the optional package {module!r}: "
            f"pip install 'framing[{extra}]'"
        ) from exc


def warn(message: str, category: type[Warning] = FramingWarning) -> None:
    """Warn at the first caller outside the ``framing`` package.

    A fixed ``stacklevel`` points at the right line from one entry point and
    into the package from another (``load_codebook`` called directly or by
    ``score_frames``). This walks the stack instead, so the notebook cell or
    script line that called ``framing`` is the one named, and
    ``warnings.filterwarnings(module=...)`` filters by the caller's module.
    """
    import os
    import sys
    import warnings

    here = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame, level = sys._getframe(0), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(here):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
