# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Going big: caching, progress, duplicates, and large corpora
#
# Embedding sentences is the expensive step. This notebook shows what the toolkit does so that you
# pay for it once:
#
# 1. the **embedding cache**: a cold run computes, a warm run reads from disk (without even
#    loading the model);
# 2. **progress bars** for long jobs;
# 3. **deduplication**: repeated articles and repeated sentences are embedded once;
# 4. the **scale path**: batching and chunked, resumable embedding; fast maps and clustering on
#    many sentences.
#
# It writes a throw-away cache under `notebooks/output/05-going-big/`.

# %%
import shutil
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import framing
from framing.clusters import SentenceClusters
from framing.maps import add_projection
from framing.plot import plot_frame_map

ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
OUT = ROOT / "notebooks" / "output" / "05-going-big"
CACHE = OUT / "cache"
shutil.rmtree(CACHE, ignore_errors=True)  # start cold on purpose

articles = framing.read_articles(ROOT / "seeds")
sentences = framing.segment(articles)
texts = sentences["text"].tolist()
len(texts)

# %% [markdown]
# ## 1. Cold and warm
#
# `Embedder` keeps a content-addressed cache on disk: a vector is stored under a hash of the model
# and the text. By default it lives in `$FRAMING_CACHE` or your user cache folder; here we point
# it at an empty folder to see a cold start of the *vectors*. The cold time includes loading the
# model, which a warm run skips. It can leave out one one-time cost: with the default `onnx-int8`
# backend, onnxruntime reads an ONNX export of the model, made once and kept in
# `$FRAMING_CACHE/onnx` (or your user cache folder), not in this notebook's folder. If
# another notebook or report has already run here, that export exists and is left out of the time
# below; on the very first run it adds about 25 s once (torch is only imported for that export).

# %%
cold = framing.Embedder(cache_dir=CACHE)
t0 = time.perf_counter()
vectors = cold.encode(texts)
t_cold = time.perf_counter() - t0
print(f"cold: {t_cold:.2f} s, computed {cold.n_computed_}, from cache {cold.n_cached_}, vectors {vectors.shape}")

# %% [markdown]
# A new `Embedder` on the same cache (as in a new session, or another process) finds every
# vector on disk, so it never loads the model:

# %%
warm = framing.Embedder(cache_dir=CACHE)
t0 = time.perf_counter()
again = warm.encode(texts)
t_warm = time.perf_counter() - t0
print(f"warm: {t_warm:.3f} s, computed {warm.n_computed_}, from cache {warm.n_cached_}, "
      f"model loaded: {warm.is_loaded}, same vectors: {(again == vectors).all()}")
pd.Series({"cold": t_cold, "warm": t_warm}, name="seconds to embed the seed sentences")

# %% [markdown]
# The cache is keyed by model *and* text, so switching models never mixes vectors. The 2-D maps of
# `framing.maps` are cached the same way (keyed by the vectors and the UMAP parameters), so a
# warm notebook also skips UMAP. To start over, delete the cache folder; `make clean` removes
# `notebooks/output/`.
#
# ## 2. Progress bars
#
# Long jobs (500 sentences or more still to embed) show a progress bar; `progress=True` forces
# one and `progress=False` hides it. `FRAMING_PROGRESS=0` in the environment turns the automatic
# bars off (the test suite does that). In JupyterLab the bar is a widget that fills as it goes; a
# saved or exported copy of this notebook does not store widgets and may show the bar as it started
# ("0%"), whatever the job did.

# %%
framing.Embedder(cache_dir=CACHE, progress=True).encode([t.upper() for t in texts[:40]]).shape

# %% [markdown]
# ## 3. Duplicates are embedded once
#
# News corpora repeat themselves: syndicated copies, boilerplate lines, the same quote in every
# outlet. `read_articles` drops exact duplicate rows (the same id and text) and says so in a
# warning. Two *different* articles with the same text (a wire story run by two outlets) are
# kept, since each outlet ran it, and the warning names them. `Embedder.encode` embeds each
# distinct text once, however often it occurs.

# %%
tripled = pd.concat([articles] * 3, ignore_index=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    deduped = framing.read_articles(tripled)
print(len(tripled), "rows in ->", len(deduped), "articles out;", [str(w.message) for w in caught])

# %%
repeated = texts * 20
emb = framing.Embedder(cache=False)
t0 = time.perf_counter()
emb.encode(repeated)
print(f"{len(repeated)} texts, {emb.n_computed_} embedded, {time.perf_counter() - t0:.1f} s (no cache at all)")

# %% [markdown]
# ## 4. The scale path
#
# For tens of thousands of articles:
#
# - **Batching.** `Embedder(batch_size=...)` sets the texts per forward pass. The CPU default,
#   `onnx-int8`, runs one text per pass on purpose (its activations are quantised per batch, so in
#   larger batches a vector moves by ~1e-3 with its batch-mates) and keeps the cores busy with
#   sentences side by side; on a GPU (`backend="torch", device="cuda"`) raise it to 64 or more.
#   Texts are sorted by length before batching, which saves padding.
# - **Chunks you can resume.** `encode(texts, chunk_size=2048)` computes and *writes to the cache*
#   chunk by chunk, so an interrupted run keeps what it finished: run it again and it continues.
#   The cache files are written atomically, so several processes can fill one cache at once
#   (split the article table, one process per part, same `FRAMING_CACHE`).
# - **Maps.** UMAP is seeded and cached, but its first fit compiles code and its cost grows with
#   the number of points; `method="pca"` is exact, instant and never cached, a good first look at
#   a large corpus.
# - **Clusters.** `SentenceClusters` chooses `k` and measures stability on a seeded subsample
#   (`sample_size`, 5,000 sentences by default) and switches to mini-batch k-means above
#   `minibatch_above` sentences, so 100,000 sentences stay feasible.
#
# The whole pipeline on the seeds. The cache we just filled holds the seed sentences only: the first
# run also embeds the codebook's exemplars and the actor mentions (and loads the model for them), so
# it is timed twice, the second time warm throughout:

# %%
first = framing.Embedder(cache_dir=CACHE)
t0 = time.perf_counter()
framing.run_pipeline(ROOT / "seeds", embedder=first)
t_first = time.perf_counter() - t0
print(f"first run: {t_first:.2f} s, computed {first.n_computed_} texts, model loaded: {first.is_loaded}")
warm = framing.Embedder(cache_dir=CACHE)
t0 = time.perf_counter()
run = framing.run_pipeline(ROOT / "seeds", embedder=warm)
t_run = time.perf_counter() - t0
print(f"second run: {t_run:.2f} s, computed {warm.n_computed_} texts, model loaded: {warm.is_loaded}")
t0 = time.perf_counter()
mapped = add_projection(run.sentences, embeddings=run.embeddings, method="pca")
t_pca = time.perf_counter() - t0
t0 = time.perf_counter()
clusters = SentenceClusters(random_state=0, sample_size=5000, n_stability=3).fit(run.sentences, embeddings=run.embeddings)
t_clusters = time.perf_counter() - t0
pd.Series({"run_pipeline (warm cache)": t_run, "PCA map": t_pca, "clusters": t_clusters}, name="seconds").round(3)

# %%
fig, ax = plt.subplots(figsize=(8, 6))
plot_frame_map(mapped, ax=ax)
ax.set_title("Frame map, PCA projection (instant at any size)")
plt.show()

# %% [markdown]
# ## Beyond one machine: Dask
#
# With Dask installed (`make setup` installs it; elsewhere `pip install -e '.[dask]'` from a
# checkout), the same pipeline runs on a `dask.distributed` cluster: articles are split into
# partitions, and each worker segments, embeds and scores its partitions, loading the model once
# per worker process. The result has the same rows in the same order as `run_pipeline`.
#
# Here a small cluster on this machine (two worker processes) runs the seeds in two partitions,
# and the result is compared with the single-process run of the same articles: the same
# sentences, offsets and frames. Both runs read the sentence vectors from the embedding cache,
# so the scores are equal too. Without the cache (`cache=False`), the default int8 ONNX backend
# can move scores by about 1e-3 between the two, because it quantises per batch and a partition
# is a different batch; `backend="torch"` does not.

# %%
from dask.distributed import Client, LocalCluster

from framing.distributed import run_pipeline_dask

with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
        Client(cluster) as client:
    dist = run_pipeline_dask(ROOT / "seeds", client=client, n_partitions=2)
single = framing.run_pipeline(ROOT / "seeds")
same = ["article_id", "sentence_id", "text", "start", "end", "frame"]
print("same sentences and frames:", dist.sentences[same].equals(single.sentences[same]))
print("largest score difference:",
      float((dist.sentences[single.frame_ids] - single.sentences[single.frame_ids]).abs().max().max()))

# %% [markdown]
# To use a real cluster, connect a client and pass it:
#
# ```python
# from dask.distributed import Client
# from framing.distributed import run_pipeline_dask
#
# client = Client("tcp://scheduler-host:8786")   # every worker needs framing and the model installed
# run = run_pipeline_dask("corpus/", client=client)
# run.sentences
# ```
#
# A shared `FRAMING_CACHE` folder (a network file system) lets workers reuse each other's
# embeddings; the cache is safe for concurrent writers.
