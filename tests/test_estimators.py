"""The scikit-learn contract of the estimators: clone, get_params / set_params."""

from __future__ import annotations

import pytest
from sklearn.base import clone

from framing.clusters import SentenceClusters
from framing.codebook import load_codebook
from framing.embed import Embedder
from framing.errors import FramingError
from framing.events import EventGrouper
from framing.frames import PrototypeScorer
from framing.labelled import NarrativeClassifier, RoleClassifier
from framing.stance import StanceScorer

CUSTOM = {"id": "mine", "frames": [{"id": "attack", "exemplars": ["Russia attacked Kyiv."]},
                                   {"id": "provoke", "exemplars": ["NATO provoked Russia."]}],
          "actors": [{"id": "russia", "aliases": ["Russia"]}, {"id": "nato", "aliases": ["NATO"]}]}


def _estimators(emb, cb):
    return [StanceScorer(codebook=cb, embedder=emb, C=3.0), PrototypeScorer(codebook=cb, embedder=emb),
            EventGrouper(embedder=emb, threshold=0.9), SentenceClusters(embedder=emb, n_clusters=2),
            NarrativeClassifier(emb, C=2.0), RoleClassifier(emb, C=2.0)]


@pytest.mark.parametrize("i", range(6))
def test_clone_keeps_the_parameters_and_the_embedder_object(i):
    emb = Embedder(cache=False)  # lazy: no model is loaded by this test
    cb = load_codebook(CUSTOM)  # a codebook built in code has no file to find again by name
    est = _estimators(emb, cb)[i]
    twin = clone(est)
    assert twin is not est and twin.get_params() == est.get_params()
    assert twin.embedder is emb  # one embedder (model and cache) serves every copy
    assert twin.set_params(**est.get_params()) is twin
    with pytest.raises(FramingError, match="unknown parameter 'nope'"):
        twin.set_params(nope=1)


def test_a_clone_fits_like_the_original(fake_embedder):
    texts = ["Russia attacked Kyiv again.", "NATO provoked Russia, Moscow says.", "The weather was mild."]
    cb = load_codebook(CUSTOM)
    a = StanceScorer(codebook=cb, embedder=fake_embedder, min_relevance=None).fit()
    b = clone(a).fit()
    assert (a.predict(texts) == b.predict(texts)).all()
