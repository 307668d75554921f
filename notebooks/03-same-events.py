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
# # The same events, framed differently
#
# Frame shares say how much of an article leans one way. To compare *framing* rather than *topic
# choice*, line up the passages where two articles report the same event and compare those. This
# notebook
#
# 1. checks that the seed articles report the same story (article-level event grouping);
# 2. builds the **event table**: sentences from different articles that describe the same event or
#    claim, and the sentences only one article has;
# 3. shows the **framing diff** of the two seeds: aligned sentence pairs side by side, with the
#    frame each gives them, and what each article leaves out;
# 4. shows **who is cast in which role** (aggressor, victim, defender) and **whose voice is
#    quoted**, per article and per event.
#
# Hover tooltips: uncomment `%matplotlib widget` (JupyterLab with ipympl).

# %%
# # %matplotlib widget
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import framing
from framing.actors import actor_mentions, speakers
from framing.events import align_events, event_article_table, event_summary, framing_diff, group_events
from framing.maps import add_projection
from framing.plot import plot_event_lean, plot_frame_map

pd.set_option("display.max_colwidth", 100)
ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
SEEDS = ROOT / "seeds"

run = framing.run_pipeline(SEEDS)
A, B = run.articles["article_id"][:2]
print("A =", A, "\nB =", B)

# %% [markdown]
# ## 1. Do the articles report the same story?
#
# In a large corpus, `group_events` first puts articles that report the same story together
# (title, lead and body similarity, shared names, dates); the number of events is found, not
# given. Compare framing within an event, never across unrelated stories.

# %%
group_events(run.articles, embedder=run.embedder)

# %% [markdown]
# ## 2. The event table
#
# `align_events` lines up sentences across articles: two sentences from different articles that
# are each other's best match seed an event, and events grow while their sentences stay similar
# (after removing the topic all sentences share, and counting shared names and actors). Every
# sentence belongs to exactly one event; an event with `n_articles == 1` is something only one
# article reports.
#
# `event_summary` is the wide view: one row per event, one column per article.
#
# The two seeds tell one story. On a corpus of several stories, align within each story: merge the
# event ids of `group_events` into the sentence table and pass `by`, e.g.
# `align_events(sents.merge(events[["article_id", "event_id"]], on="article_id"), by="event_id", ...)`.
# Without it, sentences of unrelated stories end up in one "event" (a note says so).

# %%
aligned = align_events(run.sentences, embeddings=run.embeddings, codebook=run.codebook)
print(f"{aligned['event_id'].nunique()} events; {aligned.loc[aligned['shared'], 'event_id'].nunique()} shared by both "
      f"articles, covering {aligned['shared'].mean():.0%} of the sentences")
event_summary(aligned, max_chars=90).query("n_articles > 1")

# %% [markdown]
# How each article frames each shared event: the mean frame scores of its sentences in the event,
# the frame it leans to, the `lean` (the confidence of its sentences in the first frame minus that
# in the second, per sentence: +1 all first frame, −1 all second), the roles it gives the actors
# and whom it quotes.

# %%
events = event_article_table(aligned, run.sentences, codebook=run.codebook)
shared = events[events["n_articles"] > 1]
shared[["event_id", "article_id", "n_sentences", "frame", "lean", "roles", "speakers"]]

# %% [markdown]
# The same table as a picture: each row is an event both articles report, each marker an article.
# A long grey line is an event the two articles frame differently.

# %%
first, second = run.frame_ids[:2]
fig, ax = plt.subplots(figsize=(9, 0.5 * shared["event_id"].nunique() + 1.5))
plot_event_lean(shared, ax=ax)
ax.set_xlabel(f"lean: ← {second}        {first} →")
plt.show()

# %% [markdown]
# ## 3. The framing diff of the two seeds
#
# `framing_diff` pairs sentences one-to-one within each shared event (`kind == "pair"`), with the
# frame each article gives its side. The other sentences of those shared events have no partner
# (`unpaired_a`, `unpaired_b`): the other article reports the event, in fewer or looser sentences.
# The sentences of events only one article reports are what the other leaves out (`only_a`, `only_b`).
#
# `similarity` says how alike the two sentences of a pair are once what all sentences of the two
# articles share is taken away: 0 is "no more alike than any two of their sentences", and pairs below
# 0.12 are not kept. Values of 0.15–0.4 are typical for two outlets retelling one statement in their
# own words; read the pair before quoting it.

# %%
diff = framing_diff(run.sentences, A, B, aligned=aligned, embeddings=run.embeddings, codebook=run.codebook)
diff["kind"].value_counts()

# %% [markdown]
# Aligned pairs where both sides carry a frame and the frames differ, closest pairs first: the
# heart of the comparison. (A pair with one side `none` is not a framing difference: one article
# simply takes no side there.)

# %%
pairs = diff[diff["kind"] == "pair"]
both_framed = (pairs["frame_a"] != "none") & (pairs["frame_b"] != "none")
(pairs[both_framed & ~pairs["same_frame"].astype(bool)]
 .sort_values("similarity", ascending=False)[["event_id", "similarity", "text_a", "frame_a", "text_b", "frame_b"]])

# %% [markdown]
# What only one article reports (events the other does not report at all), with the frame it carries:

# %%
diff[diff["kind"] == "only_a"][["sentence_id_a", "text_a", "frame_a"]].head(6)

# %%
diff[diff["kind"] == "only_b"][["sentence_id_b", "text_b", "frame_b"]].head(6)

# %% [markdown]
# On the frame map, the sentences of the shared events are large, the rest small: does each
# article's framing sit in what both report, or in what it adds?

# %%
mapped = add_projection(run.sentences, embeddings=run.embeddings, method="umap", random_state=42)
in_shared = mapped.merge(aligned[["article_id", "sentence_id", "shared"]], on=["article_id", "sentence_id"])
fig, ax = plt.subplots(figsize=(8, 6))
plot_frame_map(in_shared[in_shared["shared"]], ax=ax, s=70)
plot_frame_map(in_shared[~in_shared["shared"]], ax=ax, s=18)
ax.set_title("Frame map: sentences of shared events (large) and the rest (small)")
plt.show()

# %% [markdown]
# ## 4. Actors: roles and voices
#
# `actor_mentions` finds every mention of a codebook actor (through its aliases) and the role the
# sentence casts it in: `aggressor` (agent of an attack, threat, provocation), `victim` (its
# target), `defender` (agent of defence or deterrence, or of a *denied* aggression) or
# `neutral`. The rules are a light heuristic over English news syntax, so read the mentions
# behind a surprising count. Add actors with `Codebook.with_actors(...)`.

# %%
mentions = actor_mentions(run.sentences, run.codebook)
pd.crosstab([mentions["article_id"], mentions["actor"]], mentions["role"])

# %% [markdown]
# Whose voice each article carries: `speakers` attributes direct quotes and reported speech
# ("…,” stated Sergei Lavrov", "according to the Kremlin") and maps the speaker to an actor.

# %%
voices = speakers(run.sentences, run.codebook)
voices

# %%
pd.crosstab(voices["article_id"], voices["actor"].fillna("(other)"))
