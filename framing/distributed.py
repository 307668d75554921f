"""The pipeline on a Dask cluster: segmentation, embedding and scoring partitioned over workers.

Needs the optional extra: ``pip install 'framing[dask]'``.

Articles are split into partitions (whole articles, so sentence ids stay
per-article). Each partition is segmented, embedded and scored on a worker;
the worker keeps one :class:`~framing.embed.Embedder` (and so one model) per
process for all its tasks, through :func:`framing.embed.get_embedder`. The
driver gathers the partitions back in article order, so the result has the
same rows, in the same order, as :func:`framing.report.run_pipeline`.

Point it at a real cluster by passing a connected client::

    from dask.distributed import Client
    client = Client("tcp://scheduler-host:8786")
    run = framing.distributed.run_pipeline_dask("corpus/", client=client)

Every worker needs ``framing`` and the model installed; a shared
``FRAMING_CACHE`` folder (e.g. on a network file system) lets workers reuse
each other's embeddings, and the cache is safe for concurrent writers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import FramingError, require

__all__ = ["run_pipeline_dask", "score_partition"]


def score_partition(articles: pd.DataFrame, *, model=None, codebook=None, cache: bool = True,
                    backend=None) -> tuple[pd.DataFrame, np.ndarray]:
    """Segment, embed and score one partition of the article table (runs on a worker).

    Returns
    -------
    (scored sentence table, embeddings (n, d) float32)
    """
    from .embed import get_embedder
    from .frames import score_frames
    from .segment import segment
    from .stance import encode_with_mentions

    kwargs = {"cache": cache}
    if backend is not None:
        kwargs["backend"] = backend
    emb = get_embedder(model, **kwargs)  # memoised per worker process: the model loads once
    sentences = segment(articles)
    if sentences.empty:
        return sentences, np.zeros((0, 0), dtype=np.float32)
    vectors = encode_with_mentions(emb, sentences["text"].tolist(), codebook)
    scored = score_frames(sentences, codebook=codebook, embedder=emb, embeddings=vectors)
    return scored, vectors


def _partitions(articles: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    # Balance by text length, but keep the articles' order within and across partitions.
    from .segment import balanced_bounds

    cuts = balanced_bounds(articles["text"].str.len().to_numpy(), n)
    return [articles.iloc[a:b] for a, b in zip(cuts[:-1], cuts[1:])]


def run_pipeline_dask(source, *, client=None, codebook=None, model=None, cache: bool = True, backend=None,
                      n_partitions: int | None = None):
    """Run read → segment → embed → score with the work spread over a Dask cluster.

    Parameters
    ----------
    source : paths, glob, CSV/JSONL or DataFrame
        Read on the driver as :func:`framing.report.run_pipeline` reads it
        (:func:`framing.corpus.prepare_articles`; pages read twice are left out).
    client : dask.distributed.Client, optional
        The cluster to use; ``None`` uses the current default client, or
        starts a ``LocalCluster`` for the duration of the call.
    codebook, model, cache, backend
        As for :func:`framing.report.run_pipeline`; ``model`` must be loadable
        on every worker.
    n_partitions : int, optional
        Default: twice the number of worker threads.

    Returns
    -------
    framing.report.FramingRun
        The same tables as the single-process pipeline.
    """
    require("dask.distributed", "dask")
    from dask.distributed import Client, LocalCluster, default_client

    from .codebook import load_codebook
    from .embed import get_embedder
    from .report import INTERVAL, N_PERM, RANDOM_STATE, FramingRun, _input_paths, _scoring_params, read_with_notes

    # as run_pipeline reads it: the same ids, the same articles, the same notes for the report
    articles, notes = read_with_notes(source)
    cb = load_codebook(codebook)
    own = None
    if client is None:
        try:
            client = default_client()
        except ValueError:
            own = Client(LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None))
            client = own
    try:
        n_threads = sum(client.nthreads().values()) or 1
        parts = _partitions(articles.reset_index(drop=True), n_partitions or 2 * n_threads)
        futures = client.map(score_partition, parts, model=model, codebook=cb, cache=cache, backend=backend,
                             pure=False)
        results = client.gather(futures)
    finally:
        if own is not None:
            own.close()
            own.cluster.close()
    tables = [t for t, _ in results if len(t)]
    if not tables:
        raise FramingError("no sentences: the articles contain no text to segment")
    scored = pd.concat(tables, ignore_index=True)
    vectors = np.vstack([v for t, v in results if len(t)]).astype(np.float32)
    kwargs = {"cache": cache}
    if backend is not None:
        kwargs["backend"] = backend
    params = {"codebook": cb.id, "random_state": RANDOM_STATE, "interval": INTERVAL, "n_perm": N_PERM,
              "method": "stance", "scoring": _scoring_params("stance"), "dask_partitions": len(parts)}
    return FramingRun(articles=articles, sentences=scored, embeddings=vectors, codebook=cb,
                      embedder=get_embedder(model, **kwargs), params=params, inputs=_input_paths(source), notes=notes)
