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
# # Framing groups: what the frames mean, how sentences are scored, and what the data finds itself
#
# A **frame** is a framing group named in advance in a *codebook*; a **cluster** is a group the
# sentences form by themselves. This notebook
#
# 1. reads the default codebook: each frame's meaning, its exemplar sentences and their
#    *contrast* pairs, and the actors;
# 2. explains how a sentence gets its scores, and tests the method on minimal pairs;
# 3. shows where the method is unsure (low confidence, `none`);
# 4. discovers clusters with their keywords and stability, and relates them to the frames.
#
# For hover tooltips on the maps, uncomment `%matplotlib widget` below (JupyterLab with ipympl).

# %%
# # %matplotlib widget
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import framing
from framing.clusters import SentenceClusters
from framing.frames import METHODS
from framing.maps import add_projection
from framing.plot import plot_cluster_keywords, plot_frame_map, plot_frame_scores
from framing.report import RANDOM_STATE  # the report's seed: the same clusters as in the report

pd.set_option("display.max_colwidth", 110)
ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
SEEDS = ROOT / "seeds"

# %% [markdown]
# ## 1. The codebook
#
# The default codebook opposes two framings of the Russia–NATO–Ukraine conflict. `list_codebooks()`
# names the bundled ones; `load_codebook("my.toml")` reads yours (notebook 04 writes one).

# %%
cb = framing.load_codebook()
print(cb.label, "-", cb.description)
framing.list_codebooks()

# %% [markdown]
# The frames, and what each one means in full:

# %%
for frame in cb.frames:
    print(f"{frame.id} ({frame.label}): {frame.description}\n")
cb.frames_table().drop(columns="description")

# %% [markdown]
# Each frame has **exemplars**, sentences that carry it, and optionally **contrast** sentences:
# `contrast[i]` is `exemplars[i]` with the stance flipped, same topic and same actors. These
# minimal pairs teach the scorer *who is cast as the aggressor*, not merely *what the sentence is
# about*. Side by side, the first three pairs of each frame:

# %%
pairs = cb.exemplars_table().pivot(index=["frame", "pair"], columns="kind", values="text")[["exemplar", "contrast"]]
pairs.groupby(level="frame").head(3)

# %% [markdown]
# The **actors** the codebook knows, with the names they go by and their camp. The stance scorer
# reads how these mentions are used in context.

# %%
cb.actors_table()

# %% [markdown]
# ## 2. How a sentence is scored
#
# `framing.score_frames(sentences, codebook, method=...)` adds one score column per frame, then
# `frame` (the best frame, or `none`) and `confidence` (0–1). The available methods:

# %%
METHODS

# %% [markdown]
# Its signature and the first lines of its documentation (`help(framing.score_frames)` has it all):

# %%
import inspect

print(f"score_frames{inspect.signature(framing.score_frames)}\n")
print(inspect.getdoc(framing.score_frames).split("\n\n")[0])

# %% [markdown]
# A quick check that needs no labelled data: **minimal pairs the codebook has never seen**. Each
# pair describes the same kind of event with the roles swapped. A method that only measures topic
# gives both sentences of a pair the same frame; a method that reads stance flips it.

# %%
probe = pd.DataFrame({
    "pair": [0, 0, 1, 1, 2, 2, 3, 3],
    "expected": ["western_threat", "russian_defensive"] * 4,
    "text": [
        "Russian bombers flew towards Finland in a show of force.",
        "NATO bombers flew towards Russia's borders in a show of force.",
        "Moscow threatened to cut gas supplies to punish Europe.",
        "Europe threatened Moscow with new sanctions to punish Russia.",
        "Russian hackers attacked German power grids.",
        "Ukrainian hackers attacked Russian power grids.",
        "The Kremlin rejected a ceasefire proposed by Kyiv.",
        "Kyiv rejected a ceasefire proposed by the Kremlin.",
    ],
})
checks = {m: framing.score_frames(probe, codebook=cb, method=m)["frame"] for m in METHODS}
probe.assign(**checks)

# %%
pd.Series({m: (probe["expected"] == f).mean() for m, f in checks.items()}, name="share of probe sentences right")

# %% [markdown]
# ## 3. Where the method is unsure
#
# Now the seed articles. With the stance method, `none` means that the sentence names no codebook
# actor, that it is off the codebook's topic (its cosine to every exemplar is below 0.33,
# `min_relevance`, or, with the actors' names replaced by "someone", below 0.31,
# `min_masked_relevance`), that, names masked, it reads more like the codebook's `[neutral]`
# exemplars (on-topic reporting without a stance: summits, talks, visits) than like any frame's
# (`neutral_margin`), or that the best frame's probability (`confidence`) is below the
# abstention threshold (0.55 for two frames); the thresholds were chosen on labelled news
# sentences. The `none_reason` column says which of these it was. Low `confidence` marks a near tie. The
# plane of the two frame scores shows both. With two frames the scores are probabilities that sum
# to 1, so every sentence lies on one line from top left to bottom right: the nearer the dashed
# diagonal (the middle of that line), the closer the tie. The grey points are the `none` sentences.
# Those near the diagonal fell below the confidence threshold; those far from it are not confident
# readings but sentences the gates set aside (here the ones that name no actor), so read the
# framed points only.

# %%
run = framing.run_pipeline(SEEDS)
scored = run.sentences
scored["frame"].value_counts()

# %%
x_frame, y_frame = run.frame_ids[:2]
fig, ax = plt.subplots(figsize=(7, 6))
plot_frame_scores(scored, x=x_frame, y=y_frame, ax=ax)
ax.set_title("Each sentence's two frame scores")
plt.show()

# %% [markdown]
# The least certain sentences that still received a frame: read them before trusting the shares.

# %%
with pd.option_context("display.max_colwidth", None):
    display(scored[scored["frame"] != "none"].nsmallest(6, "confidence")[
        ["article_id", "text", *run.frame_ids, "frame", "confidence"]])

# %% [markdown]
# And those left as `none`: how many for each reason, then a sample with the reason. Their frame
# score columns are left out: where `frame` is `none` the scores are not a stance reading (the
# README says so for `sentences.csv`), so do not read or average them there.

# %%
scored.loc[scored["frame"] == "none", "none_reason"].value_counts()

# %%
scored[scored["frame"] == "none"][["article_id", "text", "none_reason"]].head(6)

# %% [markdown]
# ## 4. Discovered clusters
#
# `SentenceClusters` groups sentences by meaning without the codebook (k-means, `k` chosen by
# silhouette: how much closer each sentence is to its own cluster than to the next, from −1 to 1),
# then describes each cluster by its c-TF-IDF **keywords** (class-based TF-IDF: words frequent in
# this cluster and rare in the others), its most central sentence, its **stability** (how well it
# survives refitting on subsamples with other seeds: near 1 is a real group, near 0 an artefact of
# one seed) and, because the sentences carry a `frame` column, its **dominant frame**. It uses the
# report's seed (`framing.report.RANDOM_STATE`), so it finds the report's groups. (The report also
# leaves out sentences repeated word for word in three or more articles, such as adverts, with
# `framing.events.boilerplate_sentences`; the two seeds have none.)

# %%
clusters = SentenceClusters(random_state=RANDOM_STATE).fit(scored, embeddings=run.embeddings)
k_scores = clusters.k_scores_
silhouette = float(k_scores.loc[k_scores["k"] == clusters.n_clusters_, "silhouette"].iloc[0])
print(f"k = {clusters.n_clusters_} (silhouette {silhouette:.2f}); overall stability = {clusters.stability_:.2f}, "
      "the mean ARI (adjusted Rand index: 1 = the same groups, 0 = no better than chance) of refits")
if silhouette < 0.1:
    print("The silhouette is low, so the sentences do not fall into clearly separate groups; read the groups "
          "as a summary, not as a finding.")
k_scores

# %% [markdown]
# With a silhouette below about 0.1, no `k` stands out, and the chosen `k` and the groups change with
# the seed alone: `SentenceClusters(random_state=0)` can find another `k` on these same sentences.
# The report and this notebook use the same seed, so they show the same groups.

# %%
clusters.clusters_[["cluster", "size", "stability", "keywords", "dominant_frame", "dominant_share", "representative"]]

# %% [markdown]
# The same table as a picture: bar length is the cluster's size, colour its dominant frame (a
# hatched white bar is `mixed`: no frame's share leads the next by 0.1 or more), and the label
# carries its stability and top keywords.

# %%
fig, ax = plt.subplots(figsize=(8, 0.6 * clusters.n_clusters_ + 1.2))
plot_cluster_keywords(clusters.clusters_, ax=ax)
plt.show()

# %% [markdown]
# How clusters and frames cross: rows are clusters, columns the assigned frames. A cluster that
# splits across both frames can be a *topic* the two framings share, told with opposite stances;
# with groups this weak (see the silhouette above), read the table as a description of these
# sentences, not as structure.

# %%
pd.crosstab(clusters.sentences_["cluster"], clusters.sentences_["frame"], margins=True)

# %% [markdown]
# The frame map again, this time coloured by cluster (same UMAP layout as in notebook 01).

# %%
labelled = clusters.sentences_.assign(cluster="cluster " + clusters.sentences_["cluster"].astype(str))
mapped = add_projection(labelled, embeddings=run.embeddings, method="umap", random_state=42)
fig, ax = plt.subplots(figsize=(8, 6))
plot_frame_map(mapped, hue="cluster", ax=ax)
ax.set_title("Discovered clusters")
plt.show()
