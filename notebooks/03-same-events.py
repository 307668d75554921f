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
from framing.plot import diff_lines, plot_event_lean, plot_frame_map, plot_framing_diff

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
# `align_events(sents.merge(events[["article_id", "event_id"]].rename(columns={"event_id": "story"}),
# on="article_id"), by="story", ...)`.
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
# The same table as a picture: each row is an event both articles report, each marker an article,
# with the number of its sentences on the event beside it (`n=`, above the marker for A, below for
# B). A long grey line is an event the two articles lean on by different amounts, not necessarily
# one they give different frames (compare the `frame` column above): an event's lean counts every
# sentence, framed or not. In the words of the README ("Two leans, two scales"):
#
# > An event's `lean` [...] weighs each of the article's sentences on the event by its confidence,
# > and counts unframed ones as 0: an event told in three neutral sentences and one framed one
# > leans at most ±0.25 there, while that one sentence alone would make an article lean ±1.
# > Compare leans within one table, not across the two.
#
# So an article that tells an event in one framed sentence sits near an end, and one that tells it
# in several, some unframed, sits nearer the middle, even when both carry the same frame.

# %%
first, second = run.frame_ids[:2]
fig, ax = plt.subplots(figsize=(9, 0.5 * shared["event_id"].nunique() + 1.5))
plot_event_lean(shared, ax=ax)
row = {e: i for i, e in enumerate(dict.fromkeys(shared["event_id"]))}  # the plot's rows, top to bottom
for e, art, lean, n in zip(shared["event_id"], shared["article_id"], shared["lean"], shared["n_sentences"]):
    ax.annotate(f"n={n}", (lean, row[e]), xytext=(0, 6 if art == A else -6), textcoords="offset points",
                ha="center", va="bottom" if art == A else "top", fontsize=7)
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
# 0.12 are not kept. On these two articles it does not tell a retelling from a loose match: few
# pairs report the same claim in other words, and pairs that merely touch the same subject score in
# the same range (compare the pairs printed below). A pair is a candidate: read both sentences
# before quoting it.

# %%
diff = framing_diff(run.sentences, A, B, aligned=aligned, embeddings=run.embeddings, codebook=run.codebook)
diff["kind"].value_counts()

# %% [markdown]
# The pairs in three groups: both sides carry the same frame, both carry a frame and the frames
# differ, or a side has no frame (`none`: that article takes no side there, which is not a framing
# difference).

# %%
pairs = diff[diff["kind"] == "pair"]
both_framed = (pairs["frame_a"] != "none") & (pairs["frame_b"] != "none")
differ = both_framed & (pairs["frame_a"] != pairs["frame_b"])
print(f"{len(pairs)} pairs: {(both_framed & ~differ).sum()} with the same frame, {differ.sum()} with different "
      f"frames, {(~both_framed).sum()} with a side unframed")

# %% [markdown]
# The pairs with different frames, closest first, in full: the heart of the comparison. Among them
# is a real retelling of one claim: both articles report that the Russian government presents its
# actions as a response, to Kyiv's aggression in one and to NATO's provocations in the other; the
# second also reports the missile strikes, and the two sentences get different frames. The others
# are looser matches: read them as two sentences on one event, not as one statement retold.

# %%
for r in pairs[differ].sort_values("similarity", ascending=False).itertuples():
    print(f"event {r.event_id}, similarity {r.similarity:.2f}\n  A ({r.frame_a}): {r.text_a}\n"
          f"  B ({r.frame_b}): {r.text_b}\n")

# %% [markdown]
# The whole diff as a picture (the report draws the same figure, `framing_diff.png`): each sentence
# is a box coloured by its frame, article A on the left, B on the right. A pair is joined by a line:
# solid when both sides carry the same frame, dashed red when their frames differ, dotted when one
# side has no frame. Below the pairs, on their own side, come the other sentences of the shared
# events and the sentences of events only one article reports (the figure draws at most 30 lines
# and says how many it leaves out; the tables have them all).

# %%
fig, ax = plt.subplots(figsize=(12, 1.2 + 0.6 * len(diff_lines(diff))))  # diff_lines: the lines it draws
plot_framing_diff(diff, a_label=f"A: {A}", b_label=f"B: {B}", ax=ax)
plt.show()

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

# %% [markdown]
# A sentence's frame says whose claims an article *carries*, which is not always its own stance:
# an outlet quoting the Kremlin carries Russian defensive framing. `framing.actors.voices` puts each
# sentence in the article's own voice (`author`), in a quotation (`quoted`) or in reported speech
# (`reported`); the lean of each part tells the two apart.

# %%
from framing.actors import voices as voice_of
from framing.frames import frame_lean

by_voice = run.sentences.assign(voice=voice_of(run.sentences, run.codebook).to_numpy())
by_voice = by_voice.assign(part=by_voice["article_id"].str[:24] + " / " + by_voice["voice"])
frame_lean(by_voice, by="part")[["part", "n_framed", "lean", "ci_low", "ci_high"]].round(2)

# %% [markdown]
# In its own voice, the Rutte article leans Russian defensive (-0.40 on 10 framed sentences) and the
# Oreshnik article Western threat (+0.27 on 11); what they quote or report is a handful of
# sentences each, evenly split or nearly. Every interval here crosses 0: with 2 to 11 framed
# sentences a part, no part's lean is clear on its own. On a corpus, `voice` is a column like any
# other: `frame_shares(by_voice, by="voice")`, or the lean of each outlet's own sentences.
