"""Bad arguments to the Python API: one FramingError naming the parameter, never a hang or a raw library error."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from framing.errors import FramingError  # noqa: E402
from framing.events import ALIGN_COLUMNS, EventGrouper, align_events, event_summary, group_events  # noqa: E402
from framing.frames import compare_articles, frame_lean, frame_shares, narrative_arc  # noqa: E402
from framing.segment import segment  # noqa: E402
from framing.stance import StanceScorer  # noqa: E402

ARTS = pd.DataFrame({"article_id": ["a", "b"], "text": ["Russia attacked Kyiv. NATO met.", "Moscow warned NATO. Kyiv replied."]})
SCORED = pd.DataFrame({"article_id": ["a", "a", "b", "b"], "sentence_id": [0, 1, 0, 1],
                       "western_threat": [0.9, 0.2, 0.3, 0.6], "russian_defensive": [0.1, 0.8, 0.7, 0.4],
                       "frame": ["western_threat", "russian_defensive", "russian_defensive", "none"],
                       "confidence": [0.9, 0.8, 0.7, 0.0]})


def _clusters(**params):
    from framing.clusters import SentenceClusters

    rng = np.random.default_rng(0)
    return SentenceClusters(**params).fit(embeddings=rng.normal(size=(12, 8)).astype(np.float32))


def _project(**params):
    from framing.maps import project

    rng = np.random.default_rng(0)
    return project(rng.normal(size=(12, 8)).astype(np.float32), cache=False, **params)


def _read(df):
    from framing.corpus import read_articles

    return read_articles(df)


def _cluster_strings():
    from framing.clusters import SentenceClusters

    return SentenceClusters().fit(embeddings=np.array([["a"] * 8] * 12))


def _keywords(**params):
    from framing.clusters import cluster_keywords

    return cluster_keywords(["the cat sat", "a dog ran"], np.array([0, 1]), **params)


@pytest.mark.parametrize("call, says", [
    (lambda: segment(ARTS, max_chars=0), "max_chars: expected a whole number >= 1, found 0"),  # used to loop forever
    (lambda: segment(ARTS, language="xx"), "language: expected a pysbd language code"),
    (lambda: segment(pd.concat([ARTS, ARTS])), "article_id 'a' appears more than once"),
    (lambda: group_events(pd.concat([ARTS, ARTS])), "article_id 'a' appears more than once"),
    (lambda: group_events(ARTS.assign(text=[None, "x"])), "the text of article_id 'a' is"),
    (lambda: EventGrouper(linkage="bogus").fit(ARTS), "linkage: expected one of average"),
    (lambda: EventGrouper(date_window=-1).fit(ARTS), "date_window: expected a number of days >= 0"),
    (lambda: align_events(segment(ARTS), threshold=-2), "threshold: expected a similarity between -1 and 1"),
    (lambda: align_events(segment(ARTS), names_weight=-1), "names_weight: expected a weight between 0 and 1"),
    (lambda: frame_lean(SCORED, positive="bogus"), "positive: 'bogus' is not a frame"),
    (lambda: frame_lean(SCORED, positive="western_threat", negative="western_threat"), "two different frames"),
    (lambda: compare_articles(SCORED, "a", "a"), "a and b are both 'a'"),
    (lambda: compare_articles(SCORED, "a", "b", n_perm=0), "n_perm: expected a whole number >= 1, found 0"),
    (lambda: frame_shares(SCORED, interval="bootstrap", n_boot=-1), "n_boot: expected a whole number >= 1"),
    (lambda: frame_shares([1, 2]), "scored: expected the table from score_frames, found list"),
    (lambda: frame_shares(SCORED.assign(frame=[np.nan, "none", "none", "none"])), "row 0 has frame nan"),
    (lambda: narrative_arc([1]), "scored: expected the table from score_frames, found list"),
    (lambda: StanceScorer(C=0).fit(), "StanceScorer C: expected a positive number, found 0"),
    (lambda: event_summary(pd.DataFrame(columns=ALIGN_COLUMNS), max_chars=0),
     "max_chars: expected a whole number >= 2 or None, found 0"),
    (lambda: _clusters(n_clusters=2.7), "n_clusters: expected a whole number >= 1 or None, found 2.7"),
    (lambda: _clusters(n_stability=-1), "n_stability: expected a whole number >= 0"),
    (lambda: _clusters(method="hdbscan", min_cluster_size=0), "min_cluster_size: expected a whole number >= 2"),
    (lambda: StanceScorer(temperature=0).fit(), "StanceScorer temperature: expected a positive number"),
    # review22: these gave UMAP's, numpy's or pandas' own errors, or were silently ignored
    (lambda: _project(init="bogus"), "init 'bogus': expected one of spectral, pca"),
    (lambda: _project(metric="bogus"), "metric 'bogus': umap-learn does not know it"),
    (lambda: _project(min_dist=-1), "min_dist: expected a number from 0 to 1, found -1"),
    (lambda: _project(random_state=None), "random_state: expected a whole number >= 0, found None"),
    (lambda: _clusters(random_state=None), "random_state: expected a whole number >= 0, found None"),
    (lambda: _clusters(sample_size=0), "sample_size: expected a whole number >= 12, found 0"),
    (lambda: _cluster_strings(), "embeddings: expected sentence vectors, an array (n, d) of numbers"),
    (lambda: _keywords(stop_words="french"), "stop_words 'french': expected 'english', a list of words or None"),
    (lambda: _keywords(n_words=-1), "n_words: expected a whole number >= 1, found -1"),
    (lambda: segment(pd.DataFrame([["a", "x y.", "z w."]], columns=["article_id", "text", "text"])),
     "column 'text' appears more than once"),
    (lambda: _read(pd.DataFrame([["x y.", "z w."]], columns=["text", "text"])), "column 'text' appears more than once"),
])
def test_bad_arguments_name_the_parameter(call, says):
    with pytest.raises(FramingError) as exc:
        call()
    assert says in str(exc.value)
    assert "\n" not in str(exc.value)


def test_plot_helpers_refuse_a_list_and_let_the_caller_style_points():
    from framing.plot import plot_event_lean, plot_frame_map, plot_frame_scores

    with pytest.raises(FramingError, match="plot_frame_map data: expected a DataFrame, found list"):
        plot_frame_map([1, 2])
    ax = plot_frame_scores(SCORED, x="western_threat", y="russian_defensive", alpha=0.3)  # was a TypeError
    assert {c.get_alpha() for c in ax.collections} == {0.3}
    assert plot_frame_scores(SCORED.iloc[:0], x="western_threat", y="russian_defensive") is not None
    t = pd.DataFrame({"event_id": [0, 0], "article_id": ["a", "b"], "lean": [0.1, -0.2], "label": ["x", "x"]})
    assert plot_event_lean(t, s=80).collections[-1].get_sizes().tolist() == [80]
    import matplotlib.pyplot as plt

    plt.close("all")


def test_event_tables_name_a_wrong_input():
    from framing.events import event_article_table, framing_diff
    from framing.corpus import read_articles

    aligned = pd.DataFrame({"article_id": ["a"], "sentence_id": [0]})
    with pytest.raises(FramingError, match="aligned: missing column\\(s\\) event_id"):
        event_article_table(aligned, SCORED)
    with pytest.raises(FramingError, match="aligned: expected the table from align_events, found list"):
        framing_diff(SCORED.assign(text="x"), "a", "b", aligned=[1])
    with pytest.raises(FramingError, match="scored: expected the table from framing.score_frames, found list"):
        event_article_table(aligned, [1])
    for bad in (123, None, [1, 2]):
        with pytest.raises(FramingError, match="articles: expected"):
            read_articles(bad)


def test_empty_inputs_keep_the_output_columns():
    from framing.events import event_article_table

    empty = SCORED.iloc[:0]
    assert list(frame_shares(empty).columns) == ["article_id", "frame", "n", "count", "share", "ci_low", "ci_high"]
    arc = narrative_arc(empty)
    assert len(arc) == 0 and {"lean", "ci_low", "ci_high", "share_western_threat"} <= set(arc.columns)
    aligned = pd.DataFrame(columns=["event_id", "article_id", "sentence_id", "text", "n_articles", "shared",
                                    "match_score", "label", "keywords"])
    t = event_article_table(aligned, SCORED)
    assert len(t) == 0 and {"event_id", "frame", "lean", "roles", "speakers"} <= set(t.columns)


def test_tables_of_the_same_rows_keep_the_callers_index(fake_embedder):
    """score_frames, SentenceClusters and add_projection return one row per input row, on its index."""
    from framing.clusters import SentenceClusters, cluster_sentences
    from framing.frames import score_frames
    from framing.maps import add_projection

    texts = ["Russia attacked Kyiv.", "NATO defends Europe.", "Moscow blames the West.", "Ukraine needs aid.",
             "The Kremlin warns NATO.", "Europe fears escalation."]
    s = pd.DataFrame({"text": texts}, index=[10, 11, 12, 20, 21, 22])
    emb = fake_embedder.encode(texts)
    scored = score_frames(s, method="prototype", embedder=fake_embedder)
    assert scored.index.tolist() == s.index.tolist()
    joined = s.join(scored[["frame"]])  # the reason for the contract: the result joins back
    assert joined["frame"].notna().all()
    model = SentenceClusters(n_clusters=2, random_state=0).fit(s, embeddings=emb)
    assert model.sentences_.index.tolist() == s.index.tolist()
    assert model.transform(s.iloc[::-1], embeddings=emb[::-1]).index.tolist() == s.index[::-1].tolist()
    assert cluster_sentences(s, embeddings=emb, n_clusters=2).index.tolist() == s.index.tolist()
    assert add_projection(s, embeddings=emb, method="pca").index.tolist() == s.index.tolist()
    # a list has no index of its own: 0..n-1
    assert score_frames(texts, method="prototype", embedder=fake_embedder).index.tolist() == list(range(6))


def test_later_steps_warn_when_they_fall_back_to_the_bundled_codebook(fake_embedder):
    """A table scored with the user's codebook, then a step called without codebook=: a warning, not silence."""
    import warnings

    from framing.actors import actor_mentions
    from framing.frames import score_frames

    cb = {"id": "strike", "frames": [{"id": "labour", "exemplars": ["The Union defends workers."]},
                                     {"id": "capital", "exemplars": ["The Company protects jobs."]}],
          "actors": [{"id": "union", "aliases": ["the Union", "The Union"]}, {"id": "firm", "aliases": ["the Company"]}]}
    s = pd.DataFrame({"article_id": ["a", "a", "b"], "sentence_id": [0, 1, 0],
                      "text": ["The Union defends workers.", "Talks go on.", "The Company protects jobs."]})
    scored = score_frames(s, codebook=cb, embedder=fake_embedder, method="prototype")
    assert scored.attrs["codebook"] == "strike"
    with pytest.warns(UserWarning, match="scored with codebook 'strike'.* but no codebook= was given"):
        actor_mentions(scored)
    with pytest.warns(UserWarning, match="framing_diff: the table was scored with codebook 'strike'"):
        from framing.events import framing_diff

        framing_diff(scored, "a", "b", embeddings=fake_embedder.encode(scored["text"].tolist()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert set(actor_mentions(scored, cb)["actor"]) == {"union", "firm"}  # the codebook given: no warning
        default = score_frames(s, embedder=fake_embedder, method="prototype")
        actor_mentions(default)  # scored with the bundled codebook: nothing to warn about


def test_a_table_that_lost_its_codebook_record_warns_when_its_frames_are_not_the_bundled_ones(fake_embedder, tmp_path):
    """review23-api: a merge or a CSV round trip drops the table's attrs, and the later steps then read the user's
    table with the bundled codebook's actors, without a word; actor_frames and unmatched_names did even with attrs."""
    import warnings

    from framing.actors import actor_mentions
    from framing.frames import score_frames
    from framing.stance import actor_frames, unmatched_names

    path = tmp_path / "strike.toml"
    path.write_text('id = "strike"\n[[frames]]\nid = "labour"\nexemplars = ["The Union defends workers."]\n'
                    '[[frames]]\nid = "capital"\nexemplars = ["The Company protects jobs."]\n'
                    '[[actors]]\nid = "union"\naliases = ["The Union"]\n', encoding="utf-8")
    s = pd.DataFrame({"article_id": ["a", "a", "b"], "sentence_id": [0, 1, 0],
                      "text": ["The Union defends workers.", "Talks go on.", "The Company protects jobs."]})
    scored = score_frames(s, codebook=path, embedder=fake_embedder, method="prototype")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "union" in set(actor_frames(scored, min_framed=1)["actor"])  # its attrs: the user's actors
        unmatched_names(scored)
    scored.to_csv(tmp_path / "s.csv", index=False)
    back = pd.read_csv(tmp_path / "s.csv")
    assert not back.attrs
    for step in (actor_mentions, actor_frames, unmatched_names):
        with pytest.warns(UserWarning, match=r"the table's frames \(capital, labour\) are not the bundled codebook's"):
            step(back)
    from framing.events import align_events

    with warnings.catch_warnings(record=True) as said:  # review23b: once, not once more per group of by=
        warnings.simplefilter("always")
        align_events(back.assign(story=back["article_id"]), embedder=fake_embedder, by="story")
    assert sum("are not the bundled codebook's" in str(w.message) for w in said) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        actor_mentions(back, path)  # the codebook given: no warning
        default = score_frames(s, embedder=fake_embedder, method="prototype")
        default.attrs = {}
        actor_mentions(default)  # the bundled codebook's frames: nothing to warn about


def test_later_steps_use_the_codebook_file_that_scored_the_table(fake_embedder, tmp_path):
    """audit20: align_events and framing_diff fell back to the bundled codebook (with a warning) on a table scored
    with the user's codebook file; they now read that file, and warn only when it is gone or changed id."""
    import warnings

    from framing.actors import actor_mentions
    from framing.frames import score_frames

    path = tmp_path / "strike.toml"
    path.write_text('id = "strike"\n[[frames]]\nid = "labour"\nexemplars = ["The Union defends workers."]\n'
                    '[[frames]]\nid = "capital"\nexemplars = ["The Company protects jobs."]\n'
                    '[[actors]]\nid = "union"\naliases = ["the Union", "The Union"]\n'
                    '[[actors]]\nid = "firm"\naliases = ["The Company"]\n', encoding="utf-8")
    s = pd.DataFrame({"article_id": ["a", "a", "b"], "sentence_id": [0, 1, 0],
                      "text": ["The Union defends workers.", "Talks go on.", "The Company protects jobs."]})
    scored = score_frames(s, codebook=path, embedder=fake_embedder, method="prototype")
    assert scored.attrs["codebook_path"] == str(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert set(actor_mentions(scored)["actor"]) == {"union", "firm"}  # the user's actors, not Russia's
    path.write_text(path.read_text().replace('id = "strike"', 'id = "other"'), encoding="utf-8")
    with pytest.warns(UserWarning, match="scored with codebook 'strike'.* but no codebook= was given"):
        actor_mentions(scored)
    path.unlink()
    with pytest.warns(UserWarning, match="scored with codebook 'strike'"):
        actor_mentions(scored)


def test_an_edited_copy_of_the_bundled_codebook_is_used_by_later_steps(fake_embedder, tmp_path, monkeypatch):
    """review20c: a copy of the bundled TOML with one more actor kept the bundled id, and later steps silently used
    the bundled codebook; a relative path read after a change of folder found another file."""
    import warnings

    from framing.actors import actor_mentions
    from framing.codebook import load_codebook
    from framing.frames import score_frames

    bundled = load_codebook(None)
    text = open(bundled.path, encoding="utf-8").read() + '\n[[actors]]\nid = "hungary"\naliases = ["Orban"]\n'
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "cb.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "mine")
    s = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "text": ["Orban met Putin in Moscow."]})
    scored = score_frames(s, codebook="cb.toml", embedder=fake_embedder, method="prototype")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "cb.toml").write_text(open(bundled.path, encoding="utf-8").read(), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "other")  # another cb.toml here: the recorded path is absolute
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "hungary" in set(actor_mentions(scored)["actor"])


@pytest.mark.parametrize("make, says", [
    (lambda e: __import__("framing.events", fromlist=["x"]).EventGrouper(threshold="x", embedder=e),
     "threshold: expected a cosine distance"),
    (lambda e: __import__("framing.events", fromlist=["x"]).EventGrouper(date_penalty="x", embedder=e),
     "date_penalty: expected a number >= 0"),
    (lambda e: __import__("framing.events", fromlist=["x"]).EventGrouper(neighbors=-1, embedder=e),
     "neighbors: expected a whole number >= 0"),
])
def test_event_grouper_parameters_of_the_wrong_type_are_one_line(fake_embedder, make, says):
    """review21-api: threshold="x" raised ValueError from float(); neighbors=-1 was accepted."""
    arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Russia attacked Kyiv.", "NATO met in Vilnius."]})
    with pytest.raises(FramingError, match=says):
        make(fake_embedder).fit(arts)


def test_classifier_and_scorer_parameters_of_the_wrong_type_are_one_line(fake_embedder):
    """review21-api: C="x" gave TypeError '>' not supported; context_window="x" an int() ValueError; inner_cv=0,
    carry=-1 and a misspelt frame were accepted silently."""
    from framing.actors import speakers
    from framing.frames import frame_shares, score_frames
    from framing.labelled import NarrativeClassifier, RoleClassifier
    from framing.stance import StanceScorer

    docs = pd.DataFrame({"article_id": ["a", "b"], "text": ["Russia attacked. NATO met.", "Kyiv spoke. EU met."]})
    labels = pd.DataFrame({"article_id": ["a", "b"], "narratives": [["Other"]] * 2, "subnarratives": [["Other"]] * 2})
    for kw, says in (({"C": "x"}, "C: expected a positive number"), ({"threshold": "x"}, "threshold: expected"),
                     ({"inner_cv": 0}, "inner_cv: expected a whole number of folds >= 2"),
                     ({"inner_cv": 1.5}, "inner_cv: expected")):
        with pytest.raises(FramingError, match=says):
            NarrativeClassifier(fake_embedder, **kw).fit(docs, labels)
    mentions = pd.DataFrame({"article_id": ["a"], "entity": ["Russia"], "start": [0], "end": [6],
                             "main_role": ["Antagonist"], "fine_roles": [["Instigator"]]})
    with pytest.raises(FramingError, match="C must be positive"):
        RoleClassifier(fake_embedder, C="x").fit(docs, mentions)
    with pytest.raises(FramingError, match="context_window: expected a whole number of sentences >= 0"):
        StanceScorer(embedder=fake_embedder, context_window="x").fit()
    scored = score_frames(docs.assign(sentence_id=0), embedder=fake_embedder)
    with pytest.raises(FramingError, match="carry: expected a whole number >= 0"):
        speakers(scored, carry=-1)
    with pytest.raises(FramingError, match="frames: 'wester_threat' is not a frame of the scored table"):
        frame_shares(scored, frames=["wester_threat", "none"])


def test_inputs_of_the_other_kind_get_one_line(fake_embedder, tmp_path):
    """review23-api: SentenceClusters.predict(table), read_documents([files]) failed deep in numpy and pathlib;
    score_frames refused a 1-D array of texts that StanceScorer.predict takes."""
    import numpy as np

    from framing.clusters import SentenceClusters
    from framing.frames import score_frames
    from framing.labelled import read_documents

    texts = ["Russia attacked Kyiv.", "NATO defends Europe.", "Moscow blames the West.", "Ukraine needs aid."]
    s = pd.DataFrame({"text": texts})
    model = SentenceClusters(n_clusters=2, n_stability=0).fit(s, embeddings=fake_embedder.encode(texts))
    with pytest.raises(FramingError, match=r"predict: expected sentence vectors \(n, d\), found a DataFrame; .*transform"):
        model.predict(s)
    (tmp_path / "a.txt").write_text("Russia attacked Kyiv.", encoding="utf-8")
    with pytest.raises(FramingError, match="documents: expected a folder of .txt files.*found list"):
        read_documents([tmp_path / "a.txt"])
    scored = score_frames(np.array(texts), embedder=fake_embedder, method="prototype")
    assert scored["text"].tolist() == texts
