"""2-D projections of sentence embeddings (UMAP or PCA), cached on disk.

:func:`project` turns vectors ``(n, d)`` into map coordinates ``(n, 2)``;
:func:`add_projection` adds them to a sentence table as ``x`` and ``y``.

UMAP is seeded, so the same vectors and parameters give the same map. Its
result is stored next to the embedding cache (``<cache>/projections/``),
keyed by the SHA-256 of the vectors' bytes, the parameters and the
umap-learn version, so a warm re-run neither imports umap (about 2 s) nor
pays its numba compilation (about 11 s on the first call in a process).
Files are ``.npz`` data read with ``allow_pickle=False``, written atomically.

Tiny inputs: below ``n_neighbors + 2`` points ``n_neighbors`` is reduced;
with 3 points or fewer, PCA is used (UMAP needs a neighbourhood).
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ._checks import check_whole, is_number
from .errors import FramingError, FramingWarning, warn

__all__ = ["project", "add_projection", "projection_cache_dir"]

METHODS = ("umap", "pca")
# Sizes for which project(init=None) starts UMAP from the spectral layout (else from PCA).
SPECTRAL_MIN, SPECTRAL_MAX = 50, 20_000
_FORMAT = "framing-projection/v1"
# How many UMAP fits this process has computed (not loaded from the cache); tests read it.
n_computed = 0


def projection_cache_dir(cache_dir=None) -> Path:
    """``<cache_dir or the embedding cache root>/projections``."""
    from .cache import default_cache_dir

    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    return root / "projections"


_INITS = ("spectral", "pca", "random", "tswspectral")


def _check_embeddings(embeddings) -> np.ndarray:
    try:
        emb = np.asarray(embeddings, dtype=np.float32)
    except (TypeError, ValueError):  # review21-api: texts gave numpy's "could not convert string to float"
        raise FramingError("embeddings: expected sentence vectors, an array (n, d) of numbers, found "
                           f"{type(embeddings).__name__} that is not numbers; to place sentences by their text use "
                           "framing.maps.add_projection(sentences)") from None
    if emb.ndim != 2:
        raise FramingError(f"embeddings: expected a 2-D array (n, d), found shape {emb.shape}")
    if not np.isfinite(emb).all():
        raise FramingError("embeddings: found NaN or infinite values")
    return np.ascontiguousarray(emb)


def _umap_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("umap-learn")
    except PackageNotFoundError:
        return "missing"


def _key(emb: np.ndarray, params: dict) -> str:
    h = hashlib.sha256()
    h.update(_FORMAT.encode())
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(str(emb.shape).encode())
    h.update(memoryview(emb))  # C-contiguous (see _check_embeddings): the bytes of tobytes(), not copied
    return h.hexdigest()


def _load(path: Path, n: int) -> np.ndarray | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            xy = z["xy"]
        if xy.shape != (n, 2) or not np.isfinite(xy).all():
            raise ValueError("bad shape")
        return xy.astype(np.float32)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
        try:  # a broken file is recomputed and replaced
            path.unlink()
        except OSError:
            pass
        return None


def _save(path: Path, xy: np.ndarray, params: dict) -> None:
    from .cache import atomic_write_bytes

    buf = io.BytesIO()
    np.savez(buf, xy=xy.astype(np.float32), params=np.array(json.dumps(params, sort_keys=True)))
    try:
        atomic_write_bytes(path, buf.getvalue())
    except OSError as exc:  # a read-only cache must not break the map
        warn(f"projection cache {path.parent}: cannot write ({exc}); the map was not cached", FramingWarning)


def _pca(emb: np.ndarray) -> np.ndarray:
    """First two principal components, signs fixed so the result is reproducible; zeros pad missing axes."""
    n = len(emb)
    out = np.zeros((n, 2), dtype=np.float32)
    if n < 2:
        return out
    from threadpoolctl import threadpool_limits

    X = emb.astype(np.float64) - emb.mean(axis=0, dtype=np.float64)
    # Eigenvectors of the d x d covariance: exact, no randomness. One BLAS thread: on a busy
    # 2-core machine two OpenBLAS threads made this 15x slower (2000 x 384: 1.1 s vs 0.07 s).
    with threadpool_limits(limits=1, user_api="blas"):
        vals, vecs = np.linalg.eigh(X.T @ X)
        m = min(2, n - 1, X.shape[1])
        axes = vecs[:, ::-1][:, :m]  # eigh sorts ascending
        coords = X @ axes
    # the sign of an eigenvector is arbitrary: make its largest loading positive
    signs = np.sign(axes[np.abs(axes).argmax(axis=0), np.arange(m)])
    signs[signs == 0] = 1
    out[:, :m] = coords * signs
    return out


def _umap(emb: np.ndarray, *, n_neighbors: int, min_dist: float, metric: str, random_state: int, init: str):
    global n_computed
    from .errors import require

    umap = require("umap", "umap")
    from threadpoolctl import threadpool_limits

    # seeded UMAP is single-threaded anyway; one BLAS thread keeps its spectral init from
    # fighting for the cores (see _pca)
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        # "n_jobs value 1 overridden to 1 by setting random_state" and numba chatter
        warnings.simplefilter("ignore")
        reducer = umap.UMAP(n_components=2, n_neighbors=n_neighbors, min_dist=min_dist, metric=metric,
                            random_state=random_state, init=init, n_jobs=1)
        xy = reducer.fit_transform(emb)
    n_computed += 1
    return np.asarray(xy, dtype=np.float32)


def project(embeddings, *, method: str = "umap", random_state: int = 42, n_neighbors: int = 15,
            min_dist: float = 0.1, metric: str = "cosine", init: str | None = None, cache: bool = True,
            cache_dir=None) -> np.ndarray:
    """Project vectors to 2-D.

    The first UMAP map of a Python session takes 15-25 s more than the
    next ones: numba compiles umap-learn's code once per process. A map
    already in the cache is read back in milliseconds.

    Parameters
    ----------
    embeddings : ndarray (n, d)
        Sentence vectors, float32, L2-normalised.
    method : {"umap", "pca"}
        ``"umap"`` (seeded, cached on disk) or ``"pca"`` (exact, fast, never
        cached, no numba).
    random_state : int
        UMAP's seed; the same input gives the same coordinates.
    n_neighbors, min_dist, metric
        UMAP parameters. ``n_neighbors`` is lowered to ``n - 2`` for small ``n``.
    init : {"spectral", "pca", "random"}, optional
        UMAP's initial layout; ``None`` picks ``"spectral"`` from 50 to
        20,000 points and ``"pca"`` outside: below, the spectral layout is
        ill-posed; above, its eigensolver takes minutes (one call per
        connected component of the neighbour graph).
    cache : bool
        Read and write the projection cache.
    cache_dir : path, optional
        The cache root (default ``$FRAMING_CACHE`` or the user cache
        directory); files go to its ``projections/`` folder.

    Returns
    -------
    ndarray (n, 2) float32
    """
    if method not in METHODS:
        raise FramingError(f"method {method!r}: unknown; expected one of {', '.join(METHODS)}")
    emb = _check_embeddings(embeddings)
    n = len(emb)
    if method == "pca" or n <= 3:
        return _pca(emb)
    if not is_number(n_neighbors) or not float(n_neighbors).is_integer() or n_neighbors < 2:
        raise FramingError(f"n_neighbors: expected a whole number >= 2, found {n_neighbors!r}")
    check_whole("random_state", random_state, 0)  # the map is seeded and cached by it: None would not reproduce
    if not is_number(min_dist) or not 0 <= min_dist <= 1:
        raise FramingError(f"min_dist: expected a number from 0 to 1, found {min_dist!r}")
    if init is not None and init not in _INITS:
        raise FramingError(f"init {init!r}: expected one of {', '.join(_INITS)} or None")
    if not isinstance(metric, str) or not metric:
        raise FramingError(f"metric {metric!r}: expected a metric name of umap-learn, such as 'cosine' or "
                           "'euclidean'")
    k = int(min(int(n_neighbors), n - 2))
    k = max(k, 2)
    init = init or ("spectral" if SPECTRAL_MIN <= n <= SPECTRAL_MAX else "pca")
    params = {"method": "umap", "n_neighbors": k, "min_dist": float(min_dist), "metric": metric,
              "random_state": int(random_state), "init": init, "umap": _umap_version()}
    path = None
    if cache:
        path = projection_cache_dir(cache_dir) / f"{_key(emb, params)[:40]}.npz"
        xy = _load(path, n)
        if xy is not None:
            return xy
    try:
        xy = _umap(emb, n_neighbors=k, min_dist=float(min_dist), metric=metric, random_state=int(random_state),
                   init=init)
    except ValueError as e:  # a metric umap-learn does not know (checked here, not before a cache hit: no import)
        if "metric" in str(e):
            raise FramingError(f"metric {metric!r}: umap-learn does not know it ({e}); expected a name such as "
                               "'cosine' or 'euclidean'") from None
        raise
    if path is not None:
        _save(path, xy, params)
    return xy


def add_projection(sentences, embedder=None, *, embeddings=None, x: str = "x", y: str = "y", **params) -> pd.DataFrame:
    """The sentence table with 2-D map coordinates.

    Parameters
    ----------
    sentences : DataFrame
        Any table with a ``text`` column (e.g. from :func:`framing.segment.segment`
        or :func:`framing.frames.score_frames`).
    embedder : str or Embedder, optional
        Used when ``embeddings`` is not given.
    embeddings : ndarray (n, d) float32, optional
        Precomputed L2-normalised vectors, one row per sentence.
    x, y : str
        Names of the new columns.
    **params
        Passed to :func:`project` (``method``, ``random_state``, ...).

    Returns
    -------
    DataFrame
        A copy of ``sentences`` with ``x`` and ``y`` (float).
    """
    if not isinstance(sentences, pd.DataFrame):
        raise FramingError(f"sentences: expected a DataFrame, found {type(sentences).__name__}")
    if x == y:
        raise FramingError(f"x and y: expected two column names, found {x!r} twice")
    for name, col in (("x", x), ("y", y)):
        # a column of an earlier projection may be replaced; the table's own data may not
        if col in sentences.columns and not pd.api.types.is_float_dtype(sentences[col]):
            raise FramingError(f"{name}: column {col!r} already holds {sentences[col].dtype} data; choose another name")
    if embeddings is None:
        if "text" not in sentences.columns:
            raise FramingError("sentences: no 'text' column and no embeddings given")
        from .embed import get_embedder

        embeddings = get_embedder(embedder).encode(sentences["text"].tolist())
    emb = _check_embeddings(embeddings)
    if len(emb) != len(sentences):
        raise FramingError(f"embeddings: expected {len(sentences)} rows (one per sentence), found {len(emb)}")
    xy = project(emb, **params)
    out = sentences.copy()
    out[x] = xy[:, 0].astype(np.float64)
    out[y] = xy[:, 1].astype(np.float64)
    return out
