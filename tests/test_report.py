"""Report helpers that need no model: which article pair the framing diff shows."""

from __future__ import annotations

import pandas as pd
import pytest

from framing.errors import FramingError
from framing.report import _diff_pair


def _tables(sources):
    groups = pd.DataFrame({"article_id": ["a1", "a2", "b1", "b2", "b3"], "event_id": [0, 0, 1, 1, 1]})
    # aligned events: b2 and b3 report two events together, b1 and b3 one, a1 and a2 one
    aligned = pd.DataFrame({"event_id": [0, 0, 1, 1, 2, 2, 3, 3],
                            "article_id": ["a1", "a2", "b2", "b3", "b2", "b3", "b1", "b3"]})
    articles = pd.DataFrame({"article_id": groups["article_id"], "source": sources})
    return groups, aligned, articles


def test_diff_shows_the_pair_with_most_events_in_common():
    assert _diff_pair(*_tables([None] * 5)) == ("b2", "b3")


def test_diff_prefers_two_outlets_over_an_outlet_with_itself():
    # b2 and b3 share most events but come from one outlet; b1-b3 crosses outlets
    assert _diff_pair(*_tables(["X", "X", "Left", "Right", "right "])) == ("b1", "b3")


def test_no_pair_when_every_story_has_one_article():
    groups = pd.DataFrame({"article_id": ["a", "b"], "event_id": [0, 1]})
    aligned = pd.DataFrame({"event_id": [0, 1], "article_id": ["a", "b"]})
    assert _diff_pair(groups, aligned, pd.DataFrame({"article_id": ["a", "b"]})) is None


def test_manifest_codebook_hash_is_of_the_codebook_used(fake_embedder):
    """A codebook extended in Python gets its own hash, and no claim to be the file it came from."""
    from framing.codebook import load_codebook
    from framing.report import run_manifest, run_pipeline

    arts = pd.DataFrame({"article_id": ["a"], "text": ["Russia conducted missile strikes against Kyiv."]})
    cb = load_codebook(None)
    more = cb.with_actors({"id": "hungary", "label": "Hungary", "aliases": ["Orban"]})
    m1 = run_manifest(run_pipeline(arts, codebook=cb, embedder=fake_embedder, method="prototype"))
    m2 = run_manifest(run_pipeline(arts, codebook=more, embedder=fake_embedder, method="prototype"))
    assert m1["codebook"]["sha256"] != m2["codebook"]["sha256"]
    assert "file_sha256" in m1["codebook"] and "file_sha256" not in m2["codebook"]
    assert m1["parameters"]["method"] == "prototype" and "min_score" in m1["parameters"]["scoring"]


def test_run_shares_by_an_article_column(fake_embedder):
    """run.shares(by='source') groups by the article table's column: shares per outlet."""
    from framing.report import run_pipeline

    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "source": ["Left", "Right", "Left"],
                         "text": ["Russia conducted missile strikes against Kyiv.", "NATO provoked Russia.",
                                  "Moscow has no desire to attack Europe. Kyiv was shelled."]})
    run = run_pipeline(arts, embedder=fake_embedder, method="prototype")
    by_source = run.shares(by="source")
    assert set(by_source["source"]) == {"Left", "Right"}
    n = by_source.groupby("source")["n"].first()
    per_article = run.sentences.groupby("article_id").size()
    assert n["Left"] == per_article["a"] + per_article["c"] and n["Right"] == per_article["b"]
    bare = run_pipeline(arts.drop(columns="source"), embedder=fake_embedder, method="prototype")
    with pytest.raises(FramingError, match="no article has a source"):
        bare.shares(by="source")
