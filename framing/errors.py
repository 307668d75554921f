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
