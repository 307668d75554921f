"""Scoring sentences against a codebook; article-level frame shares with CIs.

:func:`score_frames` is the one entry point: it takes a sentence table and
returns it with one score column per frame, ``frame`` (a frame id or
``"none"``) and ``confidence``. The method behind it is a scikit-learn style
estimator, so it can be swapped, fitted on labelled sentences, and recorded
in the run manifest with ``get_params()``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codebook import load_codebook
from .errors import FramingError
from .stance import StanceScorer

__all__ = ["PrototypeScorer", "StanceScorer", "score_frames", "frame_shares", "NONE", "METHODS"]

NONE = "none"


def _check_sentences(sentences) -> pd.DataFrame:
    if isinstance(sentences, pd.Series):
        sentences = sentences.to_frame("text")
    elif isinstance(sentences, (list, tuple)):
        sentences = pd.DataFrame({"text": list(sentences)})
    if not isinstance(sentences, pd.DataFrame):
        raise FramingError(f"sentences: expected a DataFrame with a 'text' column, found {type(sentences).__name__}")
    if "text" not in sentences.columns:
        raise FramingError("sentences: no 'text' column; expected the sentence table from framing.segment")
    return sentences


def _check_embeddings(embeddings, n: int) -> np.ndarray:
    emb = np.asarray(embeddings, dtype=np.float32)
    if emb.ndim != 2 or emb.shape[0] != n:
        raise FramingError(f"embeddings: expected shape ({n}, d), found {emb.shape}")
    return emb


class PrototypeScorer:
    """The naive baseline: cosine similarity to each frame's mean exemplar.

    It measures what a sentence is *about*, not who threatens whom, so it
    confuses opposite stances on the same topic. Kept as the baseline that
    the stance benchmark compares against.

    Parameters
    ----------
    codebook : str, path or Codebook
    embedder : str or Embedder, optional
    min_score : float
        Below this cosine to every prototype, a sentence gets ``none``.
    min_margin : float
        Below this gap between the best and second-best frame, ``none``.
    """

    def __init__(self, codebook=None, embedder=None, min_score: float = 0.25, min_margin: float = 0.02):
        self.codebook = codebook
        self.embedder = embedder
        self.min_score = min_score
        self.min_margin = min_margin

    def get_params(self, deep: bool = False) -> dict:
        return {"codebook": getattr(self.codebook, "id", self.codebook), "embedder": str(self.embedder),
                "min_score": self.min_score, "min_margin": self.min_margin}

    def fit(self, X=None, y=None):
        from .embed import get_embedder

        cb = load_codebook(self.codebook)
        emb = get_embedder(self.embedder)
        protos = []
        for f in cb.frames:
            v = emb.encode(list(f.exemplars)).mean(axis=0)
            protos.append(v / np.linalg.norm(v))
        self.codebook_ = cb
        self.frame_ids_ = cb.frame_ids
        self.prototypes_ = np.vstack(protos).astype(np.float32)
        return self

    def _check_fitted(self):
        if not hasattr(self, "prototypes_"):
            raise FramingError("PrototypeScorer is not fitted yet; call fit() first")

    def decision_function(self, embeddings: np.ndarray) -> np.ndarray:
        """Scores (n, n_frames): cosine of each sentence to each frame's prototype."""
        self._check_fitted()
        return np.asarray(embeddings, dtype=np.float32) @ self.prototypes_.T

    def predict(self, embeddings: np.ndarray, texts=None) -> np.ndarray:
        scores = self.decision_function(embeddings)
        return self._assign(scores)[0]

    def _assign(self, scores: np.ndarray):
        order = np.sort(scores, axis=1)
        best = scores.argmax(axis=1)
        top = order[:, -1]
        margin = top - (order[:, -2] if scores.shape[1] > 1 else 0.0)
        ids = np.array(self.frame_ids_, dtype=object)[best]
        keep = (top >= self.min_score) & (margin >= self.min_margin)
        labels = np.where(keep, ids, NONE)
        conf = np.clip(margin / 0.1, 0, 1) * keep
        return labels, conf

    def score(self, sentences: pd.DataFrame, embeddings: np.ndarray) -> pd.DataFrame:
        scores = self.decision_function(embeddings)
        labels, conf = self._assign(scores)
        out = sentences.copy()
        for j, fid in enumerate(self.frame_ids_):
            out[fid] = scores[:, j].astype(np.float64).round(6)
        out["frame"] = labels
        out["confidence"] = np.round(conf.astype(np.float64), 6)
        return out


METHODS = ("stance", "prototype")
_SCORERS: dict = {}


def _default_scorer(method: str, codebook, emb):
    """A scorer fitted on the codebook, memoised per (method, codebook, embedder) in this process."""
    from .stance import StanceScorer

    cb = load_codebook(codebook)
    key = (method, repr(cb), id(emb))
    scorer = _SCORERS.get(key)
    if scorer is None:
        cls = StanceScorer if method == "stance" else PrototypeScorer
        scorer = cls(codebook=cb, embedder=emb).fit()
        _SCORERS[key] = scorer
    return scorer


def score_frames(sentences, codebook=None, embedder=None, *, embeddings=None, method="stance") -> pd.DataFrame:
    """Score every sentence against each frame of a codebook.

    Parameters
    ----------
    sentences : pandas.DataFrame, list of str
        The sentence table (or anything with a ``text`` column).
    codebook : str, path or Codebook, optional
        Defaults to ``western-threat-vs-russian-defensive``.
    embedder : str or Embedder, optional
        The model; defaults to the bundled all-MiniLM-L6-v2.
    embeddings : ndarray (n, d), optional
        Precomputed sentence vectors (float32, L2-normalised), to avoid
        embedding twice.
    method : str or estimator
        ``"stance"`` (default: :class:`framing.stance.StanceScorer` fitted on
        the codebook, which reads who is cast as aggressor from contextual
        actor-mention vectors), ``"prototype"`` (the naive topic baseline),
        or a fitted scorer object with a ``score(sentences, embeddings)``
        method (e.g. a ``StanceScorer`` fitted on your labelled sentences).

    Returns
    -------
    pandas.DataFrame
        The input columns, then one score column per frame id, then
        ``frame`` (a frame id or ``"none"``) and ``confidence`` (0–1).
    """
    from .embed import get_embedder

    sentences = _check_sentences(sentences).reset_index(drop=True)
    emb = get_embedder(embedder)
    if embeddings is None:
        embeddings = emb.encode(sentences["text"].tolist())
    embeddings = _check_embeddings(embeddings, len(sentences))
    if isinstance(method, str):
        if method not in METHODS:
            raise FramingError(f"method {method!r}: unknown; expected one of {', '.join(METHODS)} or a scorer object")
        scorer = _default_scorer(method, codebook, emb)
    else:
        if not callable(getattr(method, "score", None)):
            raise FramingError(f"method: expected a name or a fitted scorer with .score(), found {type(method).__name__}")
        scorer = method
    return scorer.score(sentences, embeddings)


def frame_shares(scored: pd.DataFrame, *, by: str = "article_id", n_boot: int = 1000,
                 confidence: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Share of sentences in each frame per group, with bootstrap CIs.

    Sentences are resampled with replacement within each group (seeded).

    Returns
    -------
    pandas.DataFrame
        One row per (group, frame): ``by``, ``frame``, ``n`` (sentences in the
        group), ``count``, ``share``, ``ci_low``, ``ci_high``. ``frame`` covers
        every label present, ``none`` included.
    """
    if by not in scored.columns or "frame" not in scored.columns:
        raise FramingError(f"scored: expected columns {by!r} and 'frame' (from score_frames)")
    rng = np.random.default_rng(random_state)
    labels = sorted(set(scored["frame"]))
    alpha = (1 - confidence) / 2
    rows = []
    for key, grp in scored.groupby(by, sort=True):
        f = grp["frame"].to_numpy()
        n = len(f)
        idx = rng.integers(0, n, size=(n_boot, n))
        for lab in labels:
            hits = (f == lab)
            boot = hits[idx].mean(axis=1)
            rows.append({by: key, "frame": lab, "n": n, "count": int(hits.sum()), "share": float(hits.mean()),
                         "ci_low": float(np.quantile(boot, alpha)), "ci_high": float(np.quantile(boot, 1 - alpha))})
    return pd.DataFrame(rows)
