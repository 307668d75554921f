"""Discovered groups: clustering sentences, keywords, representatives, stability.

Frames from a codebook are groups the analyst names in advance; clusters are
the groups the sentences form by themselves. :class:`SentenceClusters`
clusters sentence embeddings (k-means with ``k`` chosen by silhouette, or
HDBSCAN), then describes each cluster with

* keywords: class-based TF-IDF (c-TF-IDF, as in BERTopic) over the cluster's
  sentences, English stop words removed;
* representatives: the sentences closest to the cluster's centroid;
* frame shares and the dominant frame, when the sentences carry a ``frame``
  column from :func:`framing.frames.score_frames`;
* stability: how well the cluster survives refitting on subsamples with other
  seeds (mean best-match Jaccard per cluster, mean ARI per run), so a real
  group can be told from an artefact of one seed.

Tables
------
Sentence table (``SentenceClusters.sentences_``, :func:`cluster_sentences`)
    the input columns, then ``cluster`` (int; ``-1`` is HDBSCAN noise;
    clusters are numbered by size, 0 the largest) and ``centrality`` (cosine
    of the sentence to its cluster's centroid).
Cluster table (``SentenceClusters.clusters_``)
    ``cluster``, ``size``, ``share`` (of all sentences), ``cohesion`` (mean
    centrality), ``stability`` (mean best-match Jaccard over the stability
    runs, 0–1; NaN when not computed), ``keywords`` (str, ``", "``-joined,
    best first), ``representative`` (the most central sentence),
    ``representatives`` (list of the ``n_representatives`` most central
    sentences); with an ``article_id`` column also ``n_articles``; with a
    ``frame`` column also ``dominant_frame`` (the label with the largest
    share, or ``"mixed"`` when the two largest are within
    :data:`MIXED_MARGIN` of each other), ``dominant_share`` (the largest
    share) and one ``share_<frame>`` column per frame label.
Keyword table (``SentenceClusters.keyword_table_``, :func:`cluster_keywords`)
    ``cluster``, ``rank`` (0 = best), ``word``, ``weight`` (c-TF-IDF).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ._text import surface_forms
from ._checks import Estimator, check_whole, set_params, unfit_on_error
from .errors import FramingError, not_fitted, warn

__all__ = ["SentenceClusters", "cluster_sentences", "cluster_keywords", "stability_scores"]

NOISE = -1
# Letters only, at least two: numbers, dates and stray punctuation make poor keywords.
_TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
_TOKEN_RE = re.compile(_TOKEN_PATTERN)


# ---------------------------------------------------------------------- checks
def _check_sentences(sentences) -> pd.DataFrame | None:
    if sentences is None:
        return None
    if isinstance(sentences, pd.Series):
        sentences = sentences.to_frame("text")
    elif isinstance(sentences, (list, tuple)):
        sentences = pd.DataFrame({"text": list(sentences)})
    if not isinstance(sentences, pd.DataFrame):
        raise FramingError(
            f"sentences: expected a DataFrame with a 'text' column or a list of str, found {type(sentences).__name__}"
        )
    if "text" not in sentences.columns:
        raise FramingError("sentences: no 'text' column; expected the sentence table from framing.segment")
    return sentences.reset_index(drop=True)


def _check_embeddings(embeddings, n: int | None) -> np.ndarray:
    try:
        emb = np.asarray(embeddings, dtype=np.float32)
    except (TypeError, ValueError):  # review22: texts gave numpy's "could not convert string to float"
        raise FramingError(f"embeddings: expected sentence vectors, an array (n, d) of numbers, found "
                           f"{type(embeddings).__name__} that is not numbers") from None
    if emb.ndim != 2 or (n is not None and emb.shape[0] != n):
        want = f"({n}, d)" if n is not None else "(n, d)"
        raise FramingError(f"embeddings: expected shape {want}, found {emb.shape}")
    if not np.isfinite(emb).all():
        raise FramingError("embeddings: found NaN or infinite values")
    norms = np.linalg.norm(emb, axis=1)
    if np.any(np.abs(norms - 1) > 1e-3):
        # k-means on unit vectors is cosine clustering; re-normalise rather than fail.
        emb = emb / np.maximum(norms, 1e-12)[:, None]
    return np.ascontiguousarray(emb)


# ---------------------------------------------------------------------- helpers
def _relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0, 1, ... by decreasing size (ties: first appearance); noise stays -1."""
    labels = np.asarray(labels)
    out = np.full(labels.shape, NOISE, dtype=np.int64)
    ids = [c for c in dict.fromkeys(labels.tolist()) if c != NOISE]
    sizes = {c: int((labels == c).sum()) for c in ids}
    order = sorted(ids, key=lambda c: -sizes[c])  # stable sort keeps first appearance on ties
    for new, c in enumerate(order):
        out[labels == c] = new
    return out


def _centroids(emb: np.ndarray, labels: np.ndarray, ids) -> np.ndarray:
    """Unit-length mean vector of each cluster in ``ids`` (rows in that order)."""
    import scipy.sparse as sp

    pos = {c: i for i, c in enumerate(ids)}
    mask = np.isin(labels, list(ids))
    rows = np.array([pos[c] for c in labels[mask]], dtype=np.int64)
    ind = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, np.flatnonzero(mask))), shape=(len(ids), len(emb)))
    from .embed import unit_rows

    return unit_rows(np.asarray(ind @ emb, dtype=np.float32))


def _fit_kmeans(X: np.ndarray, k: int, random_state: int, minibatch_above: int, n_init: int | None = None) -> np.ndarray:
    """Labels of a seeded (MiniBatch)KMeans fit of ``X``."""
    from sklearn.cluster import KMeans, MiniBatchKMeans

    n = len(X)
    if n > minibatch_above:
        model = MiniBatchKMeans(n_clusters=k, random_state=random_state, n_init=n_init or 3, batch_size=4096)
    else:
        model = KMeans(n_clusters=k, random_state=random_state, n_init=n_init or (10 if n <= 2000 else 3))
    return model.fit(X).labels_


def stability_scores(reference: np.ndarray, runs) -> tuple[np.ndarray, pd.DataFrame]:
    """Compare a reference clustering with re-clusterings of subsamples.

    Parameters
    ----------
    reference : ndarray (n,) int
        The clustering being judged (``-1`` = noise, ignored for Jaccard).
    runs : iterable of (index, labels)
        ``index`` (m,) positions into ``reference`` and ``labels`` (m,) the
        re-clustering of those points.

    Returns
    -------
    ari : ndarray (n_runs,)
        Adjusted Rand index of each run against the reference on its points.
    per_cluster : DataFrame
        ``cluster``, ``stability`` (mean over runs of the best-match Jaccard of
        the reference cluster with any cluster of the run; Hennig's
        clusterboot), ``stability_min``.
    """
    from sklearn.metrics import adjusted_rand_score

    reference = np.asarray(reference)
    ids = sorted(c for c in set(reference.tolist()) if c != NOISE)
    aris, jac = [], {c: [] for c in ids}
    for idx, lab in runs:
        idx = np.asarray(idx)
        lab = np.asarray(lab)
        ref = reference[idx]
        aris.append(adjusted_rand_score(ref, lab))
        # contingency of reference clusters x run clusters, vectorised
        run_ids, run_inv = np.unique(lab, return_inverse=True)
        keep_run = run_ids != NOISE
        for c in ids:
            in_c = ref == c
            size_c = int(in_c.sum())
            if size_c == 0:
                continue  # the cluster was not drawn in this subsample
            inter = np.bincount(run_inv[in_c], minlength=len(run_ids))
            sizes = np.bincount(run_inv, minlength=len(run_ids))
            union = size_c + sizes - inter
            j = np.where(keep_run, inter / np.maximum(union, 1), 0.0)
            jac[c].append(float(j.max()) if len(j) else 0.0)
    per = pd.DataFrame({
        "cluster": ids,
        "stability": [float(np.mean(jac[c])) if jac[c] else np.nan for c in ids],
        "stability_min": [float(np.min(jac[c])) if jac[c] else np.nan for c in ids],
    })
    return np.asarray(aris, dtype=np.float64), per


# attribution verbs of news copy: in every group of quotes, never what the group is about
_NEWS_STOP = frozenset({"said", "says", "say", "saying", "told", "tell", "tells", "according", "stated", "added",
                        "adding", "reported", "reportedly", "noted", "claimed", "quoted"})


def cluster_keywords(texts, labels, *, n_words: int = 10, stop_words="english", min_df: int = 1,
                     ngram_range=(1, 1)) -> pd.DataFrame:
    """Keywords of each group by class-based TF-IDF (c-TF-IDF, as in BERTopic).

    All sentences of a group are treated as one document. A term's weight in
    group c is ``tf(t, c) * log(1 + A / f(t))``: its frequency in c (L1-
    normalised per group), times the log of the average number of words per
    group ``A`` over the term's frequency in all groups ``f(t)``. Works for
    any labels: clusters, frames, articles, outlets.

    Parameters
    ----------
    texts : sequence of str (n,)
    labels : sequence (n,)
        Group of each text (any hashable; ``-1`` is a group like the others).
    n_words : int
        Keywords per group.
    stop_words : "english", list or None
        Passed to :class:`sklearn.feature_extraction.text.CountVectorizer`;
        ``"english"`` is scikit-learn's list plus the verbs of news attribution
        ("said", "told", "according", ...), which otherwise top every cluster
        of quotes.
    min_df : int
        A term must occur in at least this many texts.
    ngram_range : (int, int)
        Word n-grams counted, as in ``CountVectorizer`` (``(1, 2)`` adds
        two-word phrases).

    Returns
    -------
    DataFrame
        ``cluster`` (the label), ``rank`` (0 = best), ``word``, ``weight``;
        only words that occur in the group (positive weight).
    """
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer

    texts = ["" if t is None else str(t) for t in texts]
    labels = np.asarray(list(labels), dtype=object)
    if len(texts) != len(labels):
        raise FramingError(f"labels: expected {len(texts)} labels (one per text), found {len(labels)}")
    cols = ["cluster", "rank", "word", "weight"]
    if not texts:
        return pd.DataFrame(columns=cols)
    groups = list(dict.fromkeys(labels.tolist()))
    pos = {g: i for i, g in enumerate(groups)}
    rows = np.fromiter((pos[g] for g in labels), dtype=np.int64, count=len(labels))
    check_whole("n_words", n_words, 1)
    check_whole("min_df", min_df, 1)
    if isinstance(stop_words, str) and stop_words != "english":  # review22: "french" gave no keywords, silently
        raise FramingError(f"stop_words {stop_words!r}: expected 'english', a list of words or None")
    if isinstance(stop_words, str) and stop_words == "english":
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        stop_words = sorted(ENGLISH_STOP_WORDS | _NEWS_STOP)
    vec = CountVectorizer(stop_words=stop_words, token_pattern=_TOKEN_PATTERN, min_df=min_df,
                          ngram_range=ngram_range, dtype=np.float64)
    try:
        X = vec.fit_transform(texts)
    except ValueError:  # empty vocabulary: only stop words or no letters
        return pd.DataFrame(columns=cols)
    ind = sp.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(len(groups), len(texts)))
    counts = (ind @ X).tocsr()  # (groups, vocab) sparse
    words_per_group = np.asarray(counts.sum(axis=1)).ravel()
    tf = sp.diags(1.0 / np.maximum(words_per_group, 1)) @ counts
    f_t = np.asarray(counts.sum(axis=0)).ravel()
    avg = words_per_group.mean()
    idf = np.log(1 + avg / np.maximum(f_t, 1))
    W = (tf @ sp.diags(idf)).tocsr()
    vocab = vec.get_feature_names_out()
    out = []
    for gi, g in enumerate(groups):
        start, end = W.indptr[gi], W.indptr[gi + 1]
        data, idx = W.data[start:end], W.indices[start:end]
        if len(data) == 0:
            continue
        # ties broken alphabetically so keywords are reproducible
        order = np.lexsort((vocab[idx], -data))[:n_words]
        for r, o in enumerate(order):
            out.append((g, r, str(vocab[idx[o]]), float(data[o])))
    shown = surface_forms(texts, {w for _, _, w, _ in out}, _TOKEN_RE)  # names keep their capitals
    return pd.DataFrame([(g, r, shown.get(w, w), x) for g, r, w, x in out], columns=cols)


# ---------------------------------------------------------------------- estimator
# A cluster whose two largest frame shares are closer than this has no dominant frame: "mixed" (review21-nb:
# 14 Russian defensive, 14 Western threat and 7 unframed sentences were reported, and drawn, as Russian defensive).
MIXED_MARGIN = 0.1
MIXED = "mixed"


def _dominant(shares: pd.Series) -> str:
    """The label with the largest share, or :data:`MIXED` when the runner-up is within :data:`MIXED_MARGIN`."""
    top = shares.sort_values(ascending=False, kind="stable")
    if len(top) > 1 and top.iloc[0] - top.iloc[1] < MIXED_MARGIN:
        return MIXED
    return str(top.index[0])


class SentenceClusters(Estimator):
    """Cluster sentence embeddings and describe the clusters.

    It clusters every sentence it is given. Adverts and "read more" lines
    repeated across articles form clusters of their own; leave them out
    first, as ``framing report`` does::

        keep = ~framing.events.boilerplate_sentences(sentences)
        SentenceClusters().fit(sentences[keep], embeddings=embeddings[keep.to_numpy()])

    Parameters
    ----------
    method : {"kmeans", "hdbscan"}
        ``"kmeans"``: k-means on the unit vectors (cosine k-means), with
        ``n_clusters`` or ``k`` chosen by silhouette; MiniBatchKMeans above
        ``minibatch_above`` sentences. ``"hdbscan"``: density-based
        (:class:`sklearn.cluster.HDBSCAN`), finds ``k`` itself and leaves
        outliers as noise (``cluster = -1``); quadratic, meant for up to a
        few tens of thousands of sentences.
    n_clusters : int, optional
        Fix ``k`` (k-means). ``None`` chooses it from the data.
    k_range : (int, int)
        Candidate ``k`` (inclusive) for the silhouette search. The upper end
        is lowered so that clusters average at least ``min_cluster_size``
        sentences; when fewer than 2 clusters are possible, all sentences
        form one cluster.
    min_cluster_size : int, optional
        k-means: the smallest average cluster size the k search allows
        (default 3). HDBSCAN: its ``min_cluster_size`` (default
        ``max(3, n // 100)``).
    embedder : str or Embedder, optional
        Used when ``fit`` gets no ``embeddings``.
    random_state : int
        Seeds every random step; the same input and seed give the same labels.
    n_stability : int
        Refits for the stability estimate (0 skips it).
    stability_fraction : float
        Share of the sentences drawn (without replacement) for each refit.
    sample_size : int
        The silhouette search and the stability refits use at most this many
        sentences (a seeded subsample), which keeps 100k sentences feasible.
    minibatch_above : int
        Use MiniBatchKMeans for the final fit above this many sentences.
    n_keywords, n_representatives : int
        Keywords and representative sentences per cluster.
    n_threads : int or None
        BLAS/OpenMP threads while fitting. The default, 1, is the fastest on
        a shared machine: on a busy 2-core box k-means ran 1.5-20x slower with
        2 threads than with 1 (spinning threads fight for the cores). ``None``
        keeps the libraries' default, which may pay off on an idle many-core
        machine.

    Attributes
    ----------
    labels_ : ndarray (n,) int
        Cluster of each sentence; 0 is the largest, -1 HDBSCAN noise.
    n_clusters_ : int
    centroids_ : ndarray (n_clusters_, d) float32
        Unit-length mean vector of each cluster (row i = cluster i).
    k_scores_ : DataFrame
        ``k``, ``silhouette`` for each candidate (empty when ``k`` was given
        or for HDBSCAN).
    stability_ : float
        Mean ARI of the stability refits against ``labels_`` (NaN if none):
        the whole partition's stability. Each cluster's own is the
        ``stability`` column of ``clusters_`` (mean best-match Jaccard), a
        different measure.
    stability_runs_ : ndarray (n_stability,)
        The ARI of each refit.
    sentences_ : DataFrame
        The sentence table with ``cluster`` and ``centrality``.
    clusters_ : DataFrame
        The cluster table (see the module docstring).
    keyword_table_ : DataFrame
        ``cluster``, ``rank``, ``word``, ``weight``.
    """

    _sklearn_type = "clusterer"
    _text_input = False

    def __init__(self, method: str = "kmeans", n_clusters: int | None = None, k_range=(2, 12), *,
                 min_cluster_size: int | None = None, embedder=None, random_state: int = 0,
                 n_stability: int = 5, stability_fraction: float = 0.8, sample_size: int = 5000,
                 minibatch_above: int = 20000, n_keywords: int = 10, n_representatives: int = 3,
                 n_threads: int | None = 1):
        self.method = method
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.min_cluster_size = min_cluster_size
        self.embedder = embedder
        self.random_state = random_state
        self.n_stability = n_stability
        self.stability_fraction = stability_fraction
        self.sample_size = sample_size
        self.minibatch_above = minibatch_above
        self.n_keywords = n_keywords
        self.n_representatives = n_representatives
        self.n_threads = n_threads

    # sklearn's BaseEstimator would bring these; kept local so no sklearn import at module load
    _PARAMS = ("method", "n_clusters", "k_range", "min_cluster_size", "embedder", "random_state", "n_stability",
               "stability_fraction", "sample_size", "minibatch_above", "n_keywords", "n_representatives",
               "n_threads")

    def get_params(self, deep: bool = False) -> dict:
        return {p: getattr(self, p) for p in self._PARAMS}

    def set_params(self, **params):
        return set_params(self, params)

    # ------------------------------------------------------------------ params
    def _check_params(self, n: int):
        if self.method not in ("kmeans", "hdbscan"):
            raise FramingError(f"method {self.method!r}: unknown; expected 'kmeans' or 'hdbscan'")
        check_whole("n_clusters", self.n_clusters, 1, none_ok=True)
        if self.n_clusters is not None:
            if int(self.n_clusters) > n:
                raise FramingError(f"n_clusters: {self.n_clusters} clusters asked for only {n} sentences")
        try:
            lo, hi = (int(v) for v in self.k_range)
        except (TypeError, ValueError):
            raise FramingError(f"k_range: expected (min_k, max_k), found {self.k_range!r}") from None
        if lo < 2 or hi < lo:
            raise FramingError(f"k_range: expected 2 <= min_k <= max_k, found {self.k_range!r}")
        if not 0 < self.stability_fraction <= 1:
            raise FramingError(f"stability_fraction: expected a value in (0, 1], found {self.stability_fraction!r}")
        check_whole("n_stability", self.n_stability, 0)  # 0 skips the stability refits
        check_whole("min_cluster_size", self.min_cluster_size, 2, none_ok=True)
        check_whole("random_state", self.random_state, 0)  # seeds every step: None would not reproduce
        check_whole("sample_size", self.sample_size, max(hi, 2))  # the search fits up to max_k clusters on it
        check_whole("minibatch_above", self.minibatch_above, 1)
        check_whole("n_keywords", self.n_keywords, 1)
        check_whole("n_representatives", self.n_representatives, 1)
        return lo, hi

    # ------------------------------------------------------------------ fit
    @unfit_on_error
    def fit(self, sentences=None, y=None, *, embeddings=None):
        """Cluster the sentences.

        Parameters
        ----------
        sentences : DataFrame, list of str, ndarray (n, d) or None
            The sentence table (with ``text``). ``None`` (or the vectors
            themselves, as ``fit(X)``) clusters the vectors alone: no
            keywords, and representatives are row numbers.
        embeddings : ndarray (n, d) float32, optional
            L2-normalised sentence vectors; computed with ``embedder`` when
            omitted.

        Returns
        -------
        self
        """
        if isinstance(sentences, np.ndarray) and sentences.ndim == 2 and embeddings is None:
            sentences, embeddings = None, sentences  # fit(X) with vectors, as scikit-learn callers do
        sents = _check_sentences(sentences)
        index = sentences.index if isinstance(sentences, (pd.DataFrame, pd.Series)) else None
        if embeddings is None:
            if sents is None:
                raise FramingError("fit: pass sentences, embeddings, or both")
            from .embed import get_embedder

            embeddings = get_embedder(self.embedder).encode(sents["text"].tolist())
        emb = _check_embeddings(embeddings, None if sents is None else len(sents))
        n = len(emb)
        if n == 0:
            raise FramingError("sentences: no sentences to cluster")
        lo, hi = self._check_params(n)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=self.n_threads):
            self._fit(sents, emb, lo, hi)
        if index is not None:
            self.sentences_.index = index  # the caller's index, so the result joins back onto their table
        return self

    def _fit(self, sents, emb: np.ndarray, lo: int, hi: int):
        n = len(emb)
        rng = np.random.default_rng(self.random_state)
        sample = np.sort(rng.choice(n, self.sample_size, replace=False)) if n > self.sample_size else np.arange(n)

        if self.method == "kmeans":
            k, scores = self._choose_k(emb, sample, lo, hi)
            self.k_scores_ = scores
            if k == 1:
                labels = np.zeros(n, dtype=np.int64)
            else:
                labels = _fit_kmeans(emb, k, self.random_state, self.minibatch_above)
        else:
            self.k_scores_ = pd.DataFrame(columns=["k", "silhouette"])
            labels = self._hdbscan(emb, self._hdbscan_size(n))
        labels = _relabel_by_size(labels)
        ids = sorted(c for c in set(labels.tolist()) if c != NOISE)
        self.labels_ = labels
        self.n_clusters_ = len(ids)
        self.centroids_ = _centroids(emb, labels, ids) if ids else np.zeros((0, emb.shape[1]), np.float32)
        self._stability(emb, sample, rng)
        self._describe(sents, emb)

    def _hdbscan_size(self, n: int) -> int:
        return int(self.min_cluster_size) if self.min_cluster_size else max(3, n // 100)

    def _hdbscan(self, emb: np.ndarray, min_size: int) -> np.ndarray:
        from sklearn.cluster import HDBSCAN

        if len(emb) < max(min_size, 2):
            return np.zeros(len(emb), dtype=np.int64)
        # Euclidean on unit vectors ranks neighbours exactly as cosine does.
        return HDBSCAN(min_cluster_size=min_size, metric="euclidean", copy=True).fit(emb).labels_

    def _choose_k(self, emb: np.ndarray, sample: np.ndarray, lo: int, hi: int):
        """``k`` and the silhouette table; k = 1 when fewer than two clusters are plausible."""
        cols = ["k", "silhouette"]
        if self.n_clusters is not None:
            return int(self.n_clusters), pd.DataFrame(columns=cols)
        from sklearn.metrics import silhouette_score

        X = emb[sample]
        m = len(X)
        min_size = int(self.min_cluster_size or 3)
        hi = min(hi, m // min_size, m - 1)
        n_distinct = len(np.unique(X.round(6), axis=0))
        hi = min(hi, n_distinct - 1)
        if hi < lo:
            return 1, pd.DataFrame(columns=cols)
        rows = []
        for k in range(lo, hi + 1):
            # a few restarts suffice to rank the candidates; the final fit uses more
            lab = _fit_kmeans(X, k, self.random_state, self.minibatch_above, n_init=3)
            s = silhouette_score(X, lab) if len(set(lab.tolist())) > 1 else -1.0
            rows.append((k, float(s)))
        scores = pd.DataFrame(rows, columns=cols)
        # first k within a hair of the best: prefer the simpler clustering on near-ties
        best = scores["silhouette"].max()
        k = int(scores.loc[scores["silhouette"] >= best - 1e-6, "k"].iloc[0])
        if k == hi and hi < m // min_size and len(scores) > 1:
            # a UserWarning, not a FramingWarning: the CLI's report, which cannot widen k_range, does not print it
            warn(f"SentenceClusters: the best k ({k}) is the top of k_range={tuple(self.k_range)}; "
                 "the data may hold more groups: widen k_range", UserWarning)
        return k, scores

    def _stability(self, emb: np.ndarray, sample: np.ndarray, rng: np.random.Generator):
        self.stability_runs_ = np.zeros(0)
        self.stability_ = float("nan")
        self._cluster_stability = None
        if not self.n_stability or self.n_clusters_ < 1:
            return
        m = min(len(sample), max(2, int(round(len(sample) * self.stability_fraction))))
        runs = []
        for r in range(int(self.n_stability)):
            idx = np.sort(rng.choice(sample, m, replace=False))
            seed = int(self.random_state) + 1 + r
            X = emb[idx]
            if self.method == "kmeans":
                k = min(self.n_clusters_, len(np.unique(X.round(6), axis=0)))
                lab = np.zeros(len(idx), np.int64) if k <= 1 else _fit_kmeans(X, k, seed, self.minibatch_above)
            else:
                # HDBSCAN is deterministic: its variability comes from the subsample only.
                # Scale the minimum size with the subsample, or large inputs would find nothing.
                size = max(2, int(round(self._hdbscan_size(len(emb)) * len(idx) / len(emb))))
                lab = self._hdbscan(X, size)
            runs.append((idx, lab))
        aris, per = stability_scores(self.labels_, runs)
        self.stability_runs_ = aris
        self.stability_ = float(aris.mean()) if len(aris) else float("nan")
        self._cluster_stability = per

    # ------------------------------------------------------------------ describe
    def _describe(self, sents: pd.DataFrame | None, emb: np.ndarray):
        labels = self.labels_
        ids = list(range(self.n_clusters_))
        centrality = np.full(len(labels), np.nan, dtype=np.float64)
        ok = labels != NOISE
        if self.n_clusters_:
            centrality[ok] = np.einsum("ij,ij->i", emb[ok], self.centroids_[labels[ok]])
        base = sents.copy() if sents is not None else pd.DataFrame(index=np.arange(len(labels)))
        base["cluster"] = labels
        base["centrality"] = np.round(centrality, 6)
        self.sentences_ = base

        all_ids = ids + ([NOISE] if (~ok).any() else [])
        size = pd.Series(labels).value_counts()
        table = pd.DataFrame({"cluster": all_ids})
        table["size"] = [int(size.get(c, 0)) for c in all_ids]
        table["share"] = table["size"] / len(labels)
        table["cohesion"] = [float(np.nanmean(centrality[labels == c])) if c != NOISE else np.nan for c in all_ids]
        if self._cluster_stability is not None:
            st = self._cluster_stability.set_index("cluster")["stability"]
            table["stability"] = [float(st.get(c, np.nan)) for c in all_ids]
        else:
            table["stability"] = np.nan

        if sents is not None:
            kw = cluster_keywords(sents["text"].tolist(), labels, n_words=self.n_keywords)
            kw["cluster"] = kw["cluster"].astype(np.int64)
            self.keyword_table_ = kw
            words = kw.groupby("cluster", observed=True)["word"].apply(lambda s: ", ".join(s))
            table["keywords"] = [words.get(c, "") for c in all_ids]
            texts = sents["text"].astype(str).to_numpy()
        else:
            self.keyword_table_ = pd.DataFrame(columns=["cluster", "rank", "word", "weight"])
            table["keywords"] = ""
            texts = np.array([str(i) for i in range(len(labels))], dtype=object)
        reps = []
        for c in all_ids:
            members = np.flatnonzero(labels == c)
            if c == NOISE:
                reps.append([])
                continue
            order = members[np.lexsort((members, -centrality[members]))][: self.n_representatives]
            reps.append([str(texts[i]) for i in order])
        table["representative"] = [r[0] if r else "" for r in reps]
        table["representatives"] = reps

        if sents is not None and "article_id" in sents.columns:
            table["n_articles"] = [int(sents.loc[labels == c, "article_id"].nunique()) for c in all_ids]
        if sents is not None and "frame" in sents.columns:
            ct = pd.crosstab(pd.Series(labels, name="cluster"), sents["frame"].astype(str).rename("frame"))
            ct = ct.reindex(all_ids, fill_value=0)
            shares = ct.div(ct.sum(axis=1).clip(lower=1), axis=0)
            table["dominant_frame"] = [_dominant(shares.loc[c]) if ct.loc[c].sum() else "" for c in all_ids]
            table["dominant_share"] = [float(shares.loc[c].max()) for c in all_ids]
            for f in shares.columns:
                table[f"share_{f}"] = shares[f].to_numpy()
        self.clusters_ = table.reset_index(drop=True)
        if sents is not None and sents.attrs.get("frames"):
            self.clusters_.attrs["frames"] = list(sents.attrs["frames"])  # the codebook order, for the plot colours

    # ------------------------------------------------------------------ use
    def _check_fitted(self):
        if not hasattr(self, "labels_"):
            raise not_fitted("SentenceClusters is not fitted yet; call fit() first")

    def fit_predict(self, sentences=None, y=None, *, embeddings=None) -> np.ndarray:
        """``fit`` and return ``labels_``."""
        return self.fit(sentences, embeddings=embeddings).labels_

    def predict(self, embeddings) -> np.ndarray:
        """Nearest cluster centroid (cosine) of new vectors (n, d); HDBSCAN noise is never predicted.

        It takes sentence vectors; for a sentence table use :meth:`transform`."""
        self._check_fitted()
        if isinstance(embeddings, pd.DataFrame):  # review23-api: fit takes a table, so a table was tried here
            raise FramingError("predict: expected sentence vectors (n, d), found a DataFrame; for a sentence table "
                               "use transform(sentences, embeddings=...)")
        emb = _check_embeddings(embeddings, None)
        if emb.shape[1] != self.centroids_.shape[1]:
            raise FramingError(f"embeddings: expected {self.centroids_.shape[1]} columns, found {emb.shape[1]}")
        if self.n_clusters_ == 0:
            return np.full(len(emb), NOISE, dtype=np.int64)
        return (emb @ self.centroids_.T).argmax(axis=1).astype(np.int64)

    def transform(self, sentences, *, embeddings=None) -> pd.DataFrame:
        """The sentence table of new sentences with ``cluster`` and ``centrality`` (nearest centroid), on the caller's index."""
        self._check_fitted()
        sents = _check_sentences(sentences)
        if embeddings is None:
            from .embed import get_embedder

            embeddings = get_embedder(self.embedder).encode(sents["text"].tolist())
        emb = _check_embeddings(embeddings, len(sents))
        lab = self.predict(emb)
        out = sents.copy()
        out["cluster"] = lab
        cen = np.einsum("ij,ij->i", emb, self.centroids_[lab]) if self.n_clusters_ else np.full(len(emb), np.nan)
        out["centrality"] = np.round(cen.astype(np.float64), 6)
        if isinstance(sentences, (pd.DataFrame, pd.Series)):
            out.index = sentences.index
        return out


def cluster_sentences(sentences, embedder=None, *, embeddings=None, **params) -> pd.DataFrame:
    """Cluster a sentence table; the one-call form of :class:`SentenceClusters`.

    Parameters
    ----------
    sentences : DataFrame or list of str
        The sentence table (with ``text``; ``frame`` and ``article_id`` are
        used when present).
    embedder : str or Embedder, optional
    embeddings : ndarray (n, d) float32, optional
        Precomputed L2-normalised vectors.
    **params
        Passed to :class:`SentenceClusters`.

    Returns
    -------
    DataFrame
        The sentence table with ``cluster`` and ``centrality``, on the
        index of the table given (a list gets 0…n−1). For the
        cluster table, keywords and stability, fit :class:`SentenceClusters`
        and read its ``clusters_``.
    """
    model = SentenceClusters(embedder=embedder, **params).fit(sentences, embeddings=embeddings)
    return model.sentences_
