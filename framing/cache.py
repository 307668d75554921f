"""The on-disk embedding store: content-addressed, atomic, shared by processes.

Layout::

    <root>/<namespace>/
        namespace.json           the embedder fingerprint this folder belongs to
        shard-<time>-<uuid>.npz  keys (n, 32) uint8, vectors (n, d) float32, digest (32,) uint8

* A key is the SHA-256 of the namespace's fingerprint (model identity,
  backend, preprocessing) and the exact text, so a changed model or text
  can never return a stale vector.
* Every write is a new shard, written to a temporary file and renamed into
  place (``os.replace`` is atomic), so concurrent writers never clash and a
  process killed mid-write leaves at most an ignored ``.tmp`` file.
* Each shard carries a SHA-256 digest of its keys and vectors. A shard that
  is truncated, corrupted or fails its digest is deleted and its texts are
  recomputed by the caller; the results are the same.
* Many small shards are merged by :meth:`EmbeddingCache.compact`, which
  writes the merged shard first and only then deletes the parts.
* Storage is data (``.npz`` read with ``allow_pickle=False``), never pickles.

The cache lives in ``$FRAMING_CACHE`` when set, else the user cache directory
(``platformdirs.user_cache_dir("framing")``).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["EmbeddingCache", "default_cache_dir", "text_key"]

_SHARD_GLOB = "shard-*.npz"


def default_cache_dir() -> Path:
    """``$FRAMING_CACHE`` if set, else the platform's user cache directory for framing."""
    env = os.environ.get("FRAMING_CACHE")
    if env:
        return Path(env).expanduser()
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("framing", appauthor=False))
    except ImportError:  # pragma: no cover
        return Path.home() / ".cache" / "framing"


def text_key(fingerprint: str, text: str) -> bytes:
    """The 32-byte content address of ``text`` under ``fingerprint``."""
    h = hashlib.sha256()
    h.update(fingerprint.encode("utf-8"))
    h.update(b"\x00")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.digest()


def _digest(keys: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    h = hashlib.sha256()
    # memoryviews: the same bytes as .tobytes(), without copying the arrays
    h.update(memoryview(np.ascontiguousarray(keys)))
    h.update(str(vectors.shape).encode())
    h.update(memoryview(np.ascontiguousarray(vectors)))
    return np.frombuffer(h.digest(), dtype=np.uint8)


def _read_shard(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(keys, vectors) of a shard whose digest checks out.

    Raises FileNotFoundError when the shard is gone (another process
    compacted it), ValueError/OSError/BadZipFile/... when it is damaged.
    """
    with np.load(path, allow_pickle=False) as z:
        keys, vecs, digest = z["keys"], z["vectors"], z["digest"]
    if not np.array_equal(_digest(keys, vecs), digest):
        raise ValueError("checksum mismatch")
    return keys, vecs


_DAMAGED = (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError)
# How long a reader keeps following shards that other processes compact away under it. Each
# vanished shard means another process made progress (its rows are in a newer shard), so the
# bound is time, not a number of attempts: a slow reader among busy writers on a loaded machine
# could use up a fixed count of attempts and report misses (then the vectors are recomputed).
_CHURN_SECONDS = 30.0
# compact() merges only shards smaller than this, so that its memory stays bounded as the cache grows.
COMPACT_MAX_BYTES = 64 * 2**20
# A temporary file this old is what a killed writer left behind; compact() removes it.
_STALE_TMP_SECONDS = 3600.0


def atomic_write_bytes(path: Path, data) -> None:
    """Write ``data`` (bytes or a buffer) to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class EmbeddingCache:
    """A persistent store of text vectors for one embedder fingerprint.

    Parameters
    ----------
    fingerprint : str
        Identifies the model, backend and preprocessing. Vectors stored under
        one fingerprint are never returned for another.
    root : path, optional
        The cache root; defaults to :func:`default_cache_dir`.
    """

    def __init__(self, fingerprint: str, root: str | os.PathLike | None = None):
        self.fingerprint = fingerprint
        self.root = Path(root) if root is not None else default_cache_dir()
        ns = hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:20]
        self.dir = self.root / ns
        self._index: dict[bytes, tuple[str, int]] = {}
        self._seen: set[str] = set()
        self._bad: int = 0
        self._unwritable = False
        self._dead: set[str] = set()  # listed names that cannot be opened (dangling links)

    # ------------------------------------------------------------------ keys
    def keys_for(self, texts) -> list[bytes]:
        """Content addresses for ``texts`` (same order)."""
        return [text_key(self.fingerprint, t) for t in texts]

    # ------------------------------------------------------------------ index
    def _shards(self) -> list[Path]:
        if not self.dir.is_dir():
            return []
        return sorted(self.dir.glob(_SHARD_GLOB))

    def _drop_shard(self, path: Path) -> None:
        """Forget a broken shard and remove it so that it is recomputed."""
        self._bad += 1
        name = path.name
        self._index = {k: v for k, v in self._index.items() if v[0] != name}
        self._seen.discard(name)
        try:
            path.unlink()
        except OSError:
            pass

    def _refresh(self) -> None:
        """Add shards written since the last look (by us or another process).

        A shard that vanishes while we list the folder was compacted by another
        process, which wrote the merged shard *before* deleting the parts: one
        more listing finds it.
        """
        deadline = time.monotonic() + _CHURN_SECONDS
        listed: list[str] | None = None
        missing: set[str] = set()
        while True:
            vanished = False
            shards = [p for p in self._shards() if p.name not in self._dead]
            names = [p.name for p in shards]
            if listed is not None and names == listed:
                # nothing changed since the last pass: what vanished is gone for good (a dangling link); it is
                # not looked at again by this object
                self._dead |= missing
                return
            listed = names
            for path in shards:
                if path.name in self._seen:
                    continue
                try:
                    with np.load(path, allow_pickle=False) as z:
                        keys = z["keys"]
                    if keys.ndim != 2 or keys.shape[1] != 32 or keys.dtype != np.uint8:
                        raise ValueError("bad key array")
                except FileNotFoundError:
                    vanished = True
                    missing.add(path.name)
                    continue
                except _DAMAGED:
                    self._drop_shard(path)
                    continue
                self._seen.add(path.name)
                for i, k in enumerate(keys):
                    self._index.setdefault(k.tobytes(), (path.name, i))
            if not vanished or time.monotonic() > deadline:
                return
            time.sleep(0.01)  # let the compacting process finish its deletions (review22: a 30 s busy loop)

    def __len__(self) -> int:
        self._refresh()
        return len(self._index)

    @property
    def n_corrupt(self) -> int:
        """How many broken shards this object has found and removed."""
        return self._bad

    # ------------------------------------------------------------------ read
    def get(self, keys: list[bytes]) -> tuple[np.ndarray | None, np.ndarray]:
        """Look up vectors.

        Returns
        -------
        vectors : ndarray (n, d) float32 or None
            Rows for the hits; rows of misses are zero. ``None`` when nothing hit.
        hit : ndarray (n,) bool
        """
        n = len(keys)
        hit = np.zeros(n, dtype=bool)
        out = None
        self._refresh()
        deadline = time.monotonic() + _CHURN_SECONDS
        while True:
            vanished = False
            wanted: dict[str, list[tuple[int, int]]] = {}
            for i, k in enumerate(keys):
                loc = None if hit[i] else self._index.get(k)
                if loc is not None:
                    wanted.setdefault(loc[0], []).append((i, loc[1]))
            for name, pairs in wanted.items():
                path = self.dir / name
                try:
                    _, vecs = _read_shard(path)
                except FileNotFoundError:
                    vanished = True  # compacted by another process: its rows live in a newer shard
                    continue
                except _DAMAGED:
                    self._drop_shard(path)
                    continue
                if out is None:
                    out = np.zeros((n, vecs.shape[1]), dtype=np.float32)
                rows = np.array([p[1] for p in pairs])
                idx = np.array([p[0] for p in pairs])
                out[idx] = vecs[rows]
                hit[idx] = True
            if not vanished or time.monotonic() > deadline:
                break
            # Rebuild the index from what is on disk now, then look up what is still missing.
            self._index.clear()
            self._seen.clear()
            self._refresh()
        return out, hit

    # ------------------------------------------------------------------ write
    def _write_meta(self) -> None:
        meta = self.dir / "namespace.json"
        if not meta.exists():
            atomic_write_bytes(meta, json.dumps({"fingerprint": self.fingerprint}, indent=1).encode())

    def put(self, keys: list[bytes], vectors: np.ndarray) -> Path | None:
        """Store vectors (n, d) float32 under ``keys`` as one new shard.

        A cache that cannot be written (read-only, full disk) is not an error:
        a warning says so, once per cache, and ``None`` is returned; the
        vectors were computed and the run goes on without storing them.
        """
        if len(keys) == 0:
            return None
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        karr = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 32)
        name = f"shard-{time.time_ns():020d}-{uuid.uuid4().hex[:12]}.npz"
        path = self.dir / name
        import io

        buf = io.BytesIO()
        np.savez(buf, keys=karr, vectors=vectors, digest=_digest(karr, vectors))
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._write_meta()
            atomic_write_bytes(path, buf.getbuffer())  # a view: no second copy of the shard in memory
        except OSError as e:
            if not self._unwritable:
                from .errors import FramingWarning, warn

                warn(f"embedding cache {self.root}: cannot write ({e.strerror or e}); the vectors are not cached. "
                     "Set FRAMING_CACHE to a folder you can write, or pass --no-cache (cache=False)", FramingWarning)
            self._unwritable = True
            return None
        finally:
            del buf
        self._seen.add(name)
        for i, k in enumerate(keys):
            self._index.setdefault(k, (name, i))
        return path

    def _remove_stale_tmp(self) -> None:
        """Remove the temporary files of writes killed mid-way (an hour old or more: not a write in progress)."""
        if not self.dir.is_dir():
            return
        old = time.time() - _STALE_TMP_SECONDS
        for tmp in self.dir.glob(".*.tmp"):
            try:
                if tmp.stat().st_mtime < old:
                    tmp.unlink()
            except OSError:
                pass

    def compact(self, min_shards: int = 16, max_bytes: int | None = None) -> int:
        """Merge small shards into one when there are at least ``min_shards`` of them.

        Shards of ``max_bytes`` or more (default :data:`COMPACT_MAX_BYTES`)
        are left as they are, and one compaction merges the oldest small ones
        up to ``max_bytes`` in all: merging reads every part into memory, and
        a cache that grew to gigabytes had been read whole each time
        (review22: peak memory about three times the cache). The merged shard
        is written (atomically) before the parts are removed, so a crash at
        any point loses nothing. Returns the number of shards merged (0 when
        nothing was done).
        """
        self._remove_stale_tmp()
        limit = COMPACT_MAX_BYTES if max_bytes is None else max_bytes
        small = []
        for path in self._shards():  # oldest first: shard names start with their time
            try:
                size = path.stat().st_size
            except OSError:  # removed meanwhile (another process compacted)
                continue
            if size < limit:
                small.append((path, size))
        if len(small) < min_shards:
            return 0
        # the oldest small shards up to ``limit`` bytes in all (review22c: one big run's chunks were all read at
        # once): the memory of one compaction and the size of the merged shard stay bounded
        shards, total = [], 0
        for path, size in small:
            if shards and total + size > limit:
                break
            shards.append(path)
            total += size
        keys_all, vecs_all, merged = [], [], []
        for path in shards:
            try:
                k, v = _read_shard(path)
            except FileNotFoundError:
                continue
            except _DAMAGED:
                self._drop_shard(path)
                continue
            keys_all.append(k)
            vecs_all.append(v)
            merged.append(path)
        if len(merged) < 2:
            return 0
        keys = np.concatenate(keys_all)
        vecs = np.concatenate(vecs_all)
        del keys_all, vecs_all  # the parts: as big as the merged shard
        _, first = np.unique(keys.view(np.dtype((np.void, 32))).ravel(), return_index=True)
        first.sort()
        if len(first) < len(keys):  # else every row is kept, in order: no copy
            keys, vecs = keys[first], vecs[first]
        written = self.put([k.tobytes() for k in keys], vecs)
        del keys, vecs
        if written is None:  # the merged shard is not on disk: the parts stay
            return 0
        for path in merged:
            try:
                path.unlink()
            except OSError:
                pass
        self._index.clear()
        self._seen.clear()
        return len(merged)
