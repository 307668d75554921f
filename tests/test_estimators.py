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


def test_the_estimators_work_in_scikit_learn_model_selection(fake_embedder):
    """review21-api: with scikit-learn 1.6 and later, cross_val_score, GridSearchCV and check_is_fitted asked
    for __sklearn_tags__ and failed on every estimator ("Make sure to inherit from BaseEstimator")."""
    import numpy as np
    from sklearn.model_selection import GridSearchCV, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.validation import check_is_fitted

    cb = load_codebook(CUSTOM)
    texts = ["Russia attacked Kyiv.", "Russian drones attacked Odesa.", "Russia shelled Kharkiv again.",
             "NATO provoked Russia.", "NATO expansion provoked Moscow.", "NATO provoked the Kremlin again."] * 2
    labels = (["attack"] * 3 + ["provoke"] * 3) * 2
    s = StanceScorer(codebook=cb, embedder=fake_embedder, min_relevance=None, min_masked_relevance=None)
    scores = cross_val_score(s, texts, labels, cv=3, scoring="accuracy")
    assert scores.shape == (3,) and np.isfinite(scores).all()
    grid = GridSearchCV(s, {"C": [0.5, 3.0]}, cv=3, scoring="accuracy").fit(texts, labels)
    assert grid.best_params_["C"] in (0.5, 3.0)
    fitted = s.fit(texts, labels)
    check_is_fitted(fitted)
    assert set(fitted.classes_) == {"attack", "provoke", "none"} and set(fitted.predict(texts)) <= set(fitted.classes_)
    # review23-api: predict_proba gave a (probabilities, eligible) tuple, its columns in codebook order, not classes_'
    P = fitted.predict_proba(texts)
    assert P.shape == (len(texts), 3) and np.allclose(P.sum(axis=1), 1)
    P_frames, ok = fitted.frame_proba(texts)
    for j, fid in enumerate(fitted.frame_ids_):
        np.testing.assert_allclose(P[ok, list(fitted.classes_).index(fid)], P_frames[ok, j])
    from sklearn.metrics import log_loss

    assert np.isfinite(log_loss(labels, P, labels=fitted.classes_))
    # the default scoring calls score(X, y): one line, not numpy's "could not convert string to float"
    with pytest.raises(FramingError, match=r"StanceScorer.score: got labels where the sentence vectors go.*"
                                           r"scoring='accuracy'"):
        fitted.score(texts, labels)
    # the baseline takes sentence vectors, and works in model selection too
    proto = PrototypeScorer(cb, fake_embedder)
    acc = cross_val_score(proto, fake_embedder.encode(texts), labels, cv=3, scoring="accuracy")
    assert acc.shape == (3,) and np.isfinite(acc).all()
    with pytest.raises(FramingError, match="PrototypeScorer.score: got labels"):
        proto.fit().score(texts, labels)
    X = fake_embedder.encode(texts)
    pipe = make_pipeline(StandardScaler(), SentenceClusters(n_clusters=2, n_stability=0)).fit(X)
    assert len(pipe.predict(X)) == len(texts)
    # a repr names the parameters set away from their defaults (and none of the estimators crashes)
    assert repr(StanceScorer(C=3.0)) == "StanceScorer(C=3.0)"
    assert repr(EventGrouper()) == "EventGrouper()"
    assert repr(StanceScorer(codebook=load_codebook(None))) == "StanceScorer(codebook=<Codebook 'western-threat-vs-russian-defensive'>)"
    assert len(repr(NarrativeClassifier(pooling=("mean",) * 40))) < 120  # long values are cut
    assert StanceScorer()._estimator_type == "classifier" and EventGrouper()._estimator_type == "clusterer"
    for est in _estimators(fake_embedder, cb):
        assert repr(est).startswith(type(est).__name__ + "(")


@pytest.mark.parametrize("i", range(6))
def test_not_fitted_is_scikit_learns_not_fitted_error_too(i):
    # audit25-api: `except sklearn.exceptions.NotFittedError` missed the toolkit's "not fitted" errors
    import pickle

    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    from framing.errors import NotFittedError

    est = _estimators(Embedder(cache=False), load_codebook(CUSTOM))[i]
    with pytest.raises(SklearnNotFittedError, match="not fitted") as info:
        est._check_fitted()
    assert isinstance(info.value, NotFittedError) and isinstance(info.value, FramingError)
    assert type(pickle.loads(pickle.dumps(info.value))) is NotFittedError


def test_import_framing_errors_does_not_import_scikit_learn():
    import subprocess
    import sys

    code = "import sys, framing.errors; assert 'sklearn' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
