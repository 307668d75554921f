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
# # Quick start: how two articles frame the same events
#
# This notebook runs the whole `framing` pipeline on the two seed articles in `seeds/`. Both report
# the same Russia–NATO exchange of warnings. Do they tell it differently, and can two short
# articles show it? You will see:
#
# 1. the articles and their **sentence table**;
# 2. each sentence's **frame scores** against the default codebook (*Western threat framing* vs
#    *Russian defensive framing*);
# 3. the **frame map**: every sentence in 2-D, coloured by frame, one marker per article;
# 4. each article's **frame shares** with 95% intervals, its lean, and how the lean moves
#    through the article;
# 5. the **report** (HTML, CSVs, figures) in one call.
#
# Start JupyterLab from the repository root with `make lab`. Everything runs offline on a CPU with
# the bundled model (all-MiniLM-L6-v2). The notebooks write their files under `notebooks/output/`.
# The caches are kept elsewhere: sentence vectors, the 2-D maps, the fitted stance model and the
# model's one-time ONNX export (20-40 s on a machine's very first run) live in `$FRAMING_CACHE`,
# or else your user cache folder (`~/.cache/framing` on Linux; see the README).
#
# **Hover tooltips.** In JupyterLab, uncomment `%matplotlib widget` in the next cell (it uses
# ipympl) and hover over a point of the frame map to read its sentence and article. Without it,
# the same calls draw static figures.

# %% [markdown]
# ### How far to trust these numbers
#
# Measured on public labelled data (`make bench`; the README's "How accurate is it" has the
# details, the data and the baselines):
#
# - **Sentence stance**: balanced accuracy 0.84 on sentences that take a clear side (0.77 on all
#   of them), against 0.55 for the naive prototype method (embedding similarity to the
#   exemplars). Roughly one clear-sided sentence in six gets the wrong side, so expect some of the
#   rows below to be misread: read the sentences behind any number you report, with their
#   `confidence` and `none_reason`.
# - **An article's lean is not its narrative**: it tells the Ukraine-war articles that carry a
#   pro-Kremlin narrative from the rest only with AUC 0.67 (interval 0.57–0.76), hardly better
#   than counting which actors the sentences name (0.66).
# - **Plain war reporting reads as Western threat framing**: "Russian troops are attempting to
#   surround Sumy" casts Russia as the agent of an attack, whoever writes it. Part of a share is
#   topic, not a framing choice, so compare articles on the same events (notebook 03).

# %%
# # %matplotlib widget
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import framing
from framing.frames import compare_articles, frame_lean, narrative_arc
from framing.maps import add_projection
from framing.plot import plot_frame_map, plot_frame_shares, plot_narrative_arc
from framing.report import N_PERM, RANDOM_STATE  # the report's seed, so its test and this one agree

pd.set_option("display.max_colwidth", 120)
ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
SEEDS = ROOT / "seeds"
OUT = ROOT / "notebooks" / "output"

# %% [markdown]
# ## 1. Articles and sentences
#
# `read_articles` accepts a folder, files, globs, a CSV/JSONL file or a DataFrame, and returns the
# **article table** (`article_id, title, text, source, date`). `segment` splits it into the
# **sentence table**: one row per sentence, with character offsets into the article text
# (`text[start:end]` is the sentence), the paragraph number and whether it sits inside a quote.

# %%
articles = framing.read_articles(SEEDS)
articles.assign(n_chars=articles["text"].str.len())[["article_id", "title", "n_chars"]]

# %%
sentences = framing.segment(articles)
sentences.head(8)

# %% [markdown]
# ## 2. Frame scores
#
# `run_pipeline` does every step at once: read, segment, embed (through an on-disk cache, so a
# second run is fast) and score. `run.sentences` is the sentence table with **one score column
# per frame**, the assigned `frame` (a frame id, or `none`: the sentence names no codebook actor,
# is off the codebook's topic, reads like on-topic reporting without a stance, or no frame is
# clearly ahead; `none_reason` says which) and a `confidence` between 0 and 1.
# Notebook 02 explains how the scores are computed.

# %%
run = framing.run_pipeline(SEEDS)
run.frame_ids

# %% [markdown]
# The first sentences, with their scores, frame and `none_reason` (empty when the sentence has a
# frame). The frame is the model's reading, not a fact about the sentence: read the rows and judge
# for yourself whether each sentence carries the frame it was given.

# %%
run.sentences[["article_id", "sentence_id", "text", *run.frame_ids, "frame", "confidence", "none_reason"]].head(10)

# %% [markdown]
# Over both articles: how many sentences have a frame, and why the others have none.

# %%
run.sentences["none_reason"].replace("", "(has a frame)").value_counts()

# %% [markdown]
# The sentences each frame claims most strongly:

# %%
for fid in run.frame_ids:
    print(f"--- {fid}")
    top = run.sentences[run.sentences["frame"] == fid].nlargest(3, "confidence")
    for text in top["text"]:
        print("  ", text)

# %% [markdown]
# ## 3. The frame map
#
# Each point is a sentence, placed by UMAP (seeded, and cached on disk) so that sentences with
# similar meaning sit close together. The first UMAP fit in a fresh environment compiles code and
# takes about 15 s; later ones are fast. Colour is the assigned frame; the marker shape tells the
# articles apart. With `%matplotlib widget`, hovering shows the sentence.
#
# The map places sentences by what they are about, their topic, not by their stance: two sentences
# about one event told with opposite frames sit close together. So the frames are not expected to
# form regions of their own; use the map to find a sentence's neighbours and to see which topics
# carry which frame.

# %%
mapped = add_projection(run.sentences, embeddings=run.embeddings, method="umap", random_state=42)
fig, ax = plt.subplots(figsize=(8, 6))
plot_frame_map(mapped, ax=ax)
ax.set_title("Frame map of the seed articles")
plt.show()

# %% [markdown]
# ## 4. Frame shares per article
#
# The share of each article's sentences in each frame. The whiskers are 95% Wilson intervals for
# a proportion: with a few dozen sentences per article they are wide. Do not read a difference
# into the bars alone; the test below says whether two articles differ.

# %%
shares = run.shares()
shares

# %%
fig, ax = plt.subplots(figsize=(8, 3))
plot_frame_shares(shares, ax=ax)
plt.show()

# %% [markdown]
# Do the two articles really lean differently? The **lean index** summarises an article in one
# number, from −1 (every framed sentence carries the second frame) to +1 (the first), with `none`
# sentences left out. `compare_articles` gives the difference with a 95% interval (Newcombe's,
# built on the two Wilson intervals) and a permutation-test p-value: with this few sentences, a
# wide interval is an honest answer. With fewer than about five framed sentences on a side, trust
# the p-value over the interval. The permutation test uses the report's seed, so its p-value is the
# one the report prints.

# %%
frame_lean(run.sentences)

# %%
a, b = run.articles["article_id"][:2]
comparison = compare_articles(run.sentences, a, b, n_perm=N_PERM, random_state=RANDOM_STATE)
comparison

# %%
r = comparison.iloc[0]
print(f"lean difference {r['diff']:+.2f}, 95% interval [{r['ci_low']:.2f}, {r['ci_high']:.2f}] "
      f"({'contains' if r['ci_low'] <= 0 <= r['ci_high'] else 'excludes'} 0), p = {r['p_value']:.2f}: "
      f"at the 5% level the two leans are {'not distinguishable' if r['p_value'] >= 0.05 else 'different'}.")

# %% [markdown]
# Leans that cannot be told apart say that these few sentences cannot separate the two articles'
# mix of frames, not that the articles tell the story the same way: they can carry the same mix in
# different sentences. Notebook 03 lines up the sentences of the events both articles report and
# shows, pair by pair, which are framed differently and what only one article says (its
# sentence-level framing diff).
#
# The **narrative arc**: how the lean (+ the first frame, − the second, as above) moves from an
# article's first sentence (0) to its last (1), in five bins of relative position. The bands are
# 95% intervals; a bin with one or two framed sentences has a band from about −1 to +1, and its
# swing says little (the report gives the same caveat). A bin with no framed sentence has no lean
# (`NaN` in the table below; a hollow mark at the foot of the figure).

# %%
arc = narrative_arc(run.sentences, bins=5)
fig, ax = plt.subplots(figsize=(8, 3.5))
plot_narrative_arc(arc, ax=ax)
plt.show()
arc[["article_id", "bin", "n", "n_framed", "lean", "ci_low", "ci_high"]].round(2)

# %% [markdown]
# ## 5. The report in one call
#
# `build_report` writes a self-contained HTML page, the sentence and article tables as CSV, every
# figure as PNG, and a manifest (model, versions, parameters, input hashes). Passing `run=` reuses
# what was computed above. The command line does the same: `framing report seeds/ --out reports/seeds`.
# To read the report, open the `report.html` it names below (under `html`) in a browser.

# %%
written = framing.build_report(SEEDS, out=OUT / "01-quick-start", run=run)
{k: (str(Path(v).relative_to(ROOT)) if isinstance(v, Path) else v) for k, v in written.items() if k != "figures"}

# %% [markdown]
# ## Your own articles
#
# Point the same calls at a folder of `.txt`/`.html` files, a CSV or JSONL file with a `text`
# column, or a DataFrame:
#
# ```python
# run = framing.run_pipeline("path/to/articles/")
# framing.build_report("path/to/articles/", out="output/mine", run=run)
# ```
#
# Next: **02-framing-groups** (what the frames mean and how sentences are scored),
# **03-same-events** (the same events side by side), **04-your-own-corpus** (your own codebook and
# labelled data), **05-going-big** (caching and large corpora).
