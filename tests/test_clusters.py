"""Discovered groups: planted clusters are found, described and judged stable; noise is not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from framing.clusters import SentenceClusters, cluster_keywords, cluster_sentences, stability_scores
from framing.errors import FramingError


def blobs(n: int, k: int, d: int = 32, spread: float = 0.4, seed: int = 0):
    """``k`` planted clusters of unit vectors around random centres, and their labels."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = np.arange(n) % k
    x = centres[labels] + spread * rng.normal(size=(n, d)) / np.sqrt(d)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32), labels


def noise(n: int, d: int = 32, seed: int = 1):
    x = np.random.default_rng(seed).normal(size=(n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


TOPICS = {
    "missiles": ["missile", "warhead", "launcher", "ballistic", "hypersonic", "oreshnik"],
    "grain": ["grain", "wheat", "harvest", "farmers", "exports", "silos"],
    "elections": ["ballot", "election", "voters", "candidate", "polling", "campaign"],
}


def topic_sentences(per_topic: int = 20, seed: int = 0) -> pd.DataFrame:
    """Sentences built from one topic's words plus stop words; ``topic`` is the planted label."""
    rng = np.random.default_rng(seed)
    rows = []
    for t, words in TOPICS.items():
        for i in range(per_topic):
            picked = rng.choice(words, size=4, replace=False)
            rows.append({"text": f"The {picked[0]} and the {picked[1]} of {picked[2]} were {picked[3]}.",
                         "topic": t, "article_id": f"a{i % 4}"})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def planted():
    x, y = blobs(240, 4)
    return x, y, SentenceClusters(random_state=0).fit(embeddings=x)


def test_recovers_planted_clusters_and_chooses_k(planted):
    x, y, model = planted
    assert model.n_clusters_ == 4
    assert adjusted_rand_score(y, model.labels_) > 0.95
    # the silhouette table explains the choice
    best = model.k_scores_.loc[model.k_scores_["silhouette"].idxmax(), "k"]
    assert best == 4


@pytest.mark.parametrize("k", [3, 6])
def test_k_follows_the_data(k):
    x, _ = blobs(40 * k, k, seed=k)
    assert SentenceClusters(n_stability=0).fit(embeddings=x).n_clusters_ == k


def test_stability_separates_planted_groups_from_noise(planted):
    _, _, model = planted
    assert model.stability_ > 0.9
    assert len(model.stability_runs_) == 5
    assert (model.clusters_["stability"] > 0.9).all()
    fake = SentenceClusters(random_state=0).fit(embeddings=noise(240))
    assert fake.stability_ < model.stability_ - 0.3
    assert fake.clusters_["stability"].mean() < model.clusters_["stability"].mean()


def test_same_seed_same_result_other_seed_still_valid():
    x, y = blobs(90, 3, spread=0.8, seed=3)
    a = SentenceClusters(random_state=7).fit(embeddings=x)
    b = SentenceClusters(random_state=7).fit(embeddings=x)
    assert np.array_equal(a.labels_, b.labels_)
    assert a.stability_ == b.stability_
    pd.testing.assert_frame_equal(a.clusters_, b.clusters_)


def test_clusters_numbered_by_size_and_centroids_unit():
    x, _ = blobs(100, 2, seed=5)
    x = np.vstack([x, blobs(60, 1, seed=6)[0]])  # a third, bigger-when-merged group
    model = SentenceClusters(n_clusters=3, n_stability=0).fit(embeddings=x)
    sizes = model.clusters_["size"].to_numpy()
    assert (np.diff(sizes) <= 0).all()
    assert sizes.sum() == len(x)
    assert np.allclose(np.linalg.norm(model.centroids_, axis=1), 1, atol=1e-5)


def test_keywords_of_planted_topics(fake_embedder):
    sents = topic_sentences()
    model = SentenceClusters(embedder=fake_embedder, random_state=0).fit(sents)
    assert adjusted_rand_score(sents["topic"], model.labels_) > 0.9
    table = model.clusters_
    for c, grp in model.sentences_.groupby("cluster"):
        topic = grp["topic"].mode()[0]
        words = table.loc[table["cluster"] == c, "keywords"].iloc[0].split(", ")
        assert set(words[:4]) <= set(TOPICS[topic]), (topic, words)
        assert "the" not in words and "were" not in words  # English stop words removed


def test_cluster_table_columns_frames_and_representatives(fake_embedder):
    sents = topic_sentences()
    sents["frame"] = np.where(sents["topic"] == "missiles", "western_threat", "none")
    emb = fake_embedder.encode(sents["text"].tolist())
    model = SentenceClusters(n_clusters=3, n_representatives=2).fit(sents, embeddings=emb)
    t = model.clusters_
    for col in ["cluster", "size", "share", "cohesion", "stability", "keywords", "representative",
                "representatives", "n_articles", "dominant_frame", "dominant_share",
                "share_western_threat", "share_none"]:
        assert col in t.columns, col
    assert np.allclose(t["share_western_threat"] + t["share_none"], 1)
    assert (t["dominant_frame"] == "western_threat").sum() == 1
    assert t["n_articles"].max() == 4
    s = model.sentences_
    assert list(s.columns[: len(sents.columns)]) == list(sents.columns)
    for row in t.itertuples():
        members = s[s["cluster"] == row.cluster]
        assert len(row.representatives) == 2
        assert row.representative == row.representatives[0]
        # the representatives are the most central members (ties possible: same bag of words)
        assert set(row.representatives) <= set(members["text"])
        rep_c = members.set_index("text")["centrality"]
        second = np.sort(members["centrality"].to_numpy())[-2]
        assert rep_c[row.representatives[0]].max() == pytest.approx(members["centrality"].max())
        assert rep_c[row.representatives[1]].max() >= second - 1e-6


def test_cluster_keywords_is_class_based():
    texts = ["war missile strike", "war missile launch", "war grain harvest", "war grain wheat"]
    kw = cluster_keywords(texts, ["a", "a", "b", "b"], n_words=5)
    assert list(kw.columns) == ["cluster", "rank", "word", "weight"]
    top = kw[kw["rank"] == 0].set_index("cluster")["word"]
    assert top["a"] == "missile" and top["b"] == "grain"
    w = kw.set_index(["cluster", "word"])["weight"]
    # a word in every class is down-weighted against a word of one class with the same count
    assert w[("a", "missile")] > w[("a", "war")]
    assert cluster_keywords(["the and of", "is it"], [0, 1]).empty  # only stop words


def test_cluster_keywords_keep_the_spelling_of_names():
    texts = ["NATO warned Russia.", "War fears: NATO and Russia.", "The war goes on.", "Grain prices rose."]
    kw = cluster_keywords(texts, [0, 0, 0, 1], n_words=5)
    words = set(kw.loc[kw["cluster"] == 0, "word"])
    assert {"NATO", "Russia", "war"} <= words  # "War" opening a sentence is the word "war"
    assert not words & {"nato", "russia", "War"}


def test_tiny_inputs_give_one_cluster():
    for n in (1, 2, 5):
        x, _ = blobs(n, 1, seed=n)
        model = SentenceClusters().fit([f"sentence {i}" for i in range(n)], embeddings=x)
        assert model.n_clusters_ == 1 and (model.labels_ == 0).all()
        assert model.clusters_["size"].tolist() == [n]
    x, _ = blobs(30, 3)
    model = SentenceClusters(n_stability=2).fit(embeddings=x)  # 30 sentences: k limited to 30 // 3
    assert 2 <= model.n_clusters_ <= 10


def test_hdbscan_finds_planted_groups_and_leaves_noise():
    x, y = blobs(180, 3, spread=0.3, seed=2)
    x = np.vstack([x, noise(20, seed=9)])
    model = SentenceClusters(method="hdbscan", min_cluster_size=10).fit(embeddings=x)
    assert model.n_clusters_ == 3
    assert adjusted_rand_score(y, model.labels_[:180]) > 0.9
    assert (model.labels_[180:] == -1).mean() > 0.5
    assert model.clusters_["cluster"].iloc[-1] == -1
    assert model.stability_ > 0.8


def test_large_input_uses_minibatch_and_subsamples():
    x, y = blobs(2000, 5, seed=4)
    model = SentenceClusters(minibatch_above=1000, sample_size=400, n_stability=2).fit(embeddings=x)
    assert model.n_clusters_ == 5
    assert adjusted_rand_score(y, model.labels_) > 0.95


def test_predict_and_transform_new_sentences(fake_embedder):
    sents = topic_sentences()
    model = SentenceClusters(embedder=fake_embedder, n_clusters=3, n_stability=0).fit(sents)
    new = pd.DataFrame({"text": ["The wheat harvest of farmers was grain.", "The missile and the warhead."]})
    out = model.transform(new)
    by_topic = model.sentences_.groupby("topic")["cluster"].agg(lambda s: s.mode()[0])
    assert out["cluster"].tolist() == [by_topic["grain"], by_topic["missiles"]]
    assert list(out.columns) == ["text", "cluster", "centrality"]
    assert cluster_sentences(sents, fake_embedder, n_clusters=3, n_stability=0)["cluster"].nunique() == 3


def test_stability_scores_perfect_and_broken():
    ref = np.array([0, 0, 0, 1, 1, 1])
    aris, per = stability_scores(ref, [(np.arange(6), np.array([5, 5, 5, 2, 2, 2]))])
    assert aris[0] == pytest.approx(1.0) and per["stability"].tolist() == [1.0, 1.0]
    aris, per = stability_scores(ref, [(np.arange(6), np.array([0, 1, 0, 1, 0, 1]))])
    assert aris[0] < 0.1 and (per["stability"] < 1).all()


def test_errors_name_the_problem():
    x, _ = blobs(20, 2)
    with pytest.raises(FramingError, match="not fitted"):
        SentenceClusters().predict(x)
    with pytest.raises(FramingError, match="method"):
        SentenceClusters(method="spectral").fit(embeddings=x)
    with pytest.raises(FramingError, match="k_range"):
        SentenceClusters(k_range=(1, 5)).fit(embeddings=x)
    with pytest.raises(FramingError, match="n_clusters"):
        SentenceClusters(n_clusters=50).fit(embeddings=x)
    with pytest.raises(FramingError, match=r"embeddings: expected shape \(3, d\)"):
        SentenceClusters().fit(["a", "b", "c"], embeddings=x)
    with pytest.raises(FramingError, match="unknown parameter"):
        SentenceClusters().set_params(k=3)
    assert SentenceClusters(n_clusters=4).get_params()["n_clusters"] == 4


@pytest.mark.slow
def test_seed_articles_with_the_real_model(seed_sentences, seed_embeddings, real_embedder):
    from framing.frames import score_frames

    scored = score_frames(seed_sentences, embedder=real_embedder, embeddings=seed_embeddings)
    model = SentenceClusters(random_state=0).fit(scored, embeddings=seed_embeddings)
    t = model.clusters_
    assert 1 <= model.n_clusters_ <= 47 // 3
    assert t["size"].sum() == len(seed_sentences)
    assert 0 <= model.stability_ <= 1 and t["stability"].between(0, 1).all()
    assert (t["keywords"].str.len() > 0).all()
    assert t["dominant_frame"].isin(set(scored["frame"]) | {"mixed"}).all()
    # the biggest cluster is about the conflict's actors
    kw = t["keywords"].iloc[0].split(", ")
    assert set(kw) & {"Russia", "NATO", "Ukraine", "Putin", "Russian"}
    # names keep their capitals, as in the event keywords; common words are lower case
    assert not set(kw) & {"russia", "nato", "ukraine", "putin", "russian"}


def test_plot_cluster_keywords_and_stability(fake_embedder):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from framing.plot import plot_cluster_keywords, plot_cluster_stability

    sents = topic_sentences()
    sents["frame"] = np.where(sents["topic"] == "grain", "russian_defensive", "none")
    table = SentenceClusters(embedder=fake_embedder, n_clusters=3, n_stability=2).fit(sents).clusters_
    ax = plot_cluster_keywords(table, n_words=2, alpha=0.5)
    assert ax is plt.gca()
    assert len(ax.patches) == 3 and all(p.get_alpha() == 0.5 for p in ax.patches)
    texts = [t.get_text() for t in ax.texts]
    assert texts == [", ".join(k.split(", ")[:2]) for k in table["keywords"]]
    assert all("stab" in t.get_text() for t in ax.get_yticklabels())
    fig, ax2 = plt.subplots()
    assert plot_cluster_stability(table, ax=ax2) is ax2
    assert [p.get_width() for p in ax2.patches] == pytest.approx(table["stability"].tolist())
    with pytest.raises(FramingError, match="plot_cluster_keywords data: missing column"):
        plot_cluster_keywords(table.drop(columns=["keywords"]))


def test_fit_accepts_vectors_positionally():
    x, y = blobs(60, 3, seed=8)
    a = SentenceClusters(n_stability=0).fit(x)
    b = SentenceClusters(n_stability=0).fit(embeddings=x)
    assert np.array_equal(a.labels_, b.labels_) and adjusted_rand_score(y, a.labels_) > 0.95
    assert a.predict(x).tolist() == a.labels_.tolist()


def test_warns_when_k_hits_the_top_of_the_range():
    x, _ = blobs(160, 8, spread=0.2, seed=11)
    with pytest.warns(UserWarning, match="widen k_range"):
        model = SentenceClusters(k_range=(2, 4), n_stability=0).fit(embeddings=x)
    assert model.n_clusters_ == 4


def test_cluster_keywords_skip_the_verbs_of_attribution():
    """In a cluster of quotes "said" is the most frequent word; it says nothing about the cluster."""
    texts = ["Lavrov said NATO lied.", "Said Lavrov: NATO lied again.", "Peskov said NATO lied, officials told reporters.",
             "Grain prices rose, according to traders.", "Grain exports fell, traders said."]
    kw = cluster_keywords(texts, [0, 0, 0, 1, 1], n_words=10)
    words = set(kw["word"])
    assert {"NATO", "lied", "Grain", "traders"} <= words  # only ever capitalised: kept so
    assert not words & {"said", "Said", "told", "according"}
    assert "said" in set(cluster_keywords(texts, [0, 0, 0, 1, 1], n_words=10, stop_words=None)["word"])


def test_a_cluster_with_no_leading_frame_is_mixed_in_the_table_and_the_figure(fake_embedder):
    """review21-nb: a cluster of 14 Russian defensive, 14 Western threat and 7 unframed sentences was reported
    as Russian defensive (the tie went to the first label) and drawn in its colour."""
    from framing.clusters import MIXED_MARGIN, _dominant
    from framing.plot import plot_cluster_keywords

    assert _dominant(pd.Series({"russian_defensive": 0.4, "western_threat": 0.4, "none": 0.2})) == "mixed"
    assert _dominant(pd.Series({"russian_defensive": 0.45, "western_threat": 0.55 - 1e-9})) == "mixed"
    lead = 0.5 + MIXED_MARGIN / 2 + 0.01
    assert _dominant(pd.Series({"western_threat": lead, "russian_defensive": 1 - lead})) == "western_threat"
    sents = topic_sentences()
    half = np.arange(len(sents)) % 2 == 0
    sents["frame"] = np.where(sents["topic"] == "missiles", np.where(half, "western_threat", "russian_defensive"),
                              "none")
    emb = fake_embedder.encode(sents["text"].tolist())
    model = SentenceClusters(n_clusters=3).fit(sents, embeddings=emb)
    c = pd.Series(model.labels_)[(sents["topic"] == "missiles").to_numpy()].mode()[0]
    row = model.clusters_.set_index("cluster").loc[c]
    assert abs(row["share_western_threat"] - row["share_russian_defensive"]) < MIXED_MARGIN  # the fixture's tie
    assert row["dominant_frame"] == "mixed"
    assert set(model.clusters_["dominant_frame"]) == {"mixed", "none"}
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(7.5, 2))  # the report's width, long keywords on the top bar (review21d)
    long = "ukrainian, sanctions, military, president, european, ministry"
    plot_cluster_keywords(pd.DataFrame({"cluster": [0, 1], "size": [5, 3], "keywords": [long, "c, d"],
                                        "dominant_frame": ["mixed", "western_threat"]}), ax=ax)
    assert [p.get_hatch() for p in ax.patches[:2]] == ["///", None]
    assert "mixed" in [t.get_text() for t in ax.get_legend().get_texts()]
    # the legend sits below the axis, over no keyword label nor the axis label (audit21c, review21d)
    ax.figure.canvas.draw()
    box = ax.get_legend().get_window_extent()
    assert not any(box.overlaps(t.get_window_extent()) for t in ax.texts)
    assert not box.overlaps(ax.xaxis.label.get_window_extent())
    plt.close("all")
