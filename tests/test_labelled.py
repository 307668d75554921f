"""Tests for framing.labelled: SemEval-style readers/writers, scorers, classifiers, saved models, CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing import cli
from framing.errors import FramingError
from framing.labelled import (
    MODEL_FORMAT,
    NarrativeClassifier,
    RoleClassifier,
    align_mentions,
    cross_val_narratives,
    cross_val_roles,
    load_taxonomy,
    read_documents,
    read_narrative_labels,
    read_role_labels,
    score_narratives,
    score_roles,
    write_narrative_labels,
    write_role_labels,
)

FIX = Path(__file__).parent / "fixtures" / "semeval"
EXAMPLES = Path(__file__).parent.parent / "data" / "examples" / "semeval-style"
TAX = load_taxonomy()
URW_W = "URW: Blaming the war on others rather than the invader"
URW_W_FINE = f"{URW_W}: The West are the aggressors"
URW_F = "URW: Amplifying war-related fears"


@pytest.fixture(scope="module")
def docs():
    return read_documents(EXAMPLES / "raw-documents")


@pytest.fixture(scope="module")
def narr():
    return read_narrative_labels(EXAMPLES / "subtask-2-annotations.txt")


@pytest.fixture(scope="module")
def roles():
    return read_role_labels(EXAMPLES / "subtask-1-annotations.txt")


# --------------------------------------------------------------------------- taxonomy


def test_taxonomy_is_hierarchical_and_complete():
    assert len(TAX.narratives) == 21 and len(TAX.fine_labels) == 91
    assert TAX.coarse_labels[-1] == "Other" and TAX.fine_labels[-1] == "Other"
    for fine, parent in TAX.parent.items():
        assert fine == "Other" or fine.startswith(parent + ": ")
    assert TAX.role_parent["Guardian"] == "Protagonist" and TAX.role_parent["Victim"] == "Innocent"
    assert len(TAX.fine_roles) == 22


def test_taxonomy_rejects_bad_file(tmp_path):
    p = tmp_path / "t.json"
    p.write_text(json.dumps({"narratives": {"A": []}, "roles": {"P": ["x"]}}))
    with pytest.raises(FramingError, match="'A' needs a non-empty list"):
        load_taxonomy(p)
    # audit21b: names that cannot be written to a label file and read back
    for narratives, says in (({"A": ["x;y"]}, r"subnarrative 'x;y' of 'A' is not allowed"),
                             ({"A ": ["x"]}, r"narrative 'A ' is not allowed"),
                             ({"A": ["x\t"]}, r"subnarrative 'x\\t' of 'A' is not allowed")):
        p.write_text(json.dumps({"narratives": narratives}))
        with pytest.raises(FramingError, match=says):
            load_taxonomy(p)


def test_a_taxonomy_for_narratives_alone_and_what_the_label_reader_asks_of_a_line(tmp_path):
    """audit21b: roles had to be invented for a narratives-only taxonomy; a narrative without any of its
    subnarratives was accepted; a bare 'Other' under a narrative got a puzzling message; a header line was
    read as labels."""
    t = tmp_path / "t.json"
    t.write_text(json.dumps({"id": "mine", "narratives": {"Resolve": ["Sanctions work", "Other"],
                                                           "Weakness": ["Army failing"]}}))
    tax = load_taxonomy(t)
    assert tax.roles == {} and tax.coarse_labels == ["Resolve", "Weakness", "Other"]
    lab = tmp_path / "l.txt"
    lab.write_text("article_id\tnarratives\tsubnarratives\na.txt\tResolve\tResolve: Other\nb.txt\tOther\tOther\n")
    assert read_narrative_labels(lab, t)["article_id"].tolist() == ["a.txt", "b.txt"]
    for line, says in (("a.txt\tResolve;Weakness\tResolve: Sanctions work",
                        "narrative 'Weakness' has none of its subnarratives; name one of them"),
                       ("a.txt\tResolve\tOther", "write 'Resolve: Other' when none of its subnarratives applies"),
                       ("a.txt\tWeakness\tOther", "subnarrative 'Other' stands for no narrative at all")):
        lab.write_text(line + "\n")
        with pytest.raises(FramingError, match=says):
            read_narrative_labels(lab, t)
    assert len(read_narrative_labels(lab, t, check_hierarchy=False)) == 1
    roles = tmp_path / "r.txt"
    roles.write_text("a.txt\tNATO\t0\t4\tProtagonist\tGuardian\n")
    with pytest.raises(FramingError, match="taxonomy 'mine': has no roles; add a 'roles' object"):
        read_role_labels(roles, t)


# --------------------------------------------------------------------------- readers / writers


def test_fixture_offsets_point_at_the_entities(docs, roles):
    texts = dict(zip(docs.article_id, docs.text))
    for r in roles.itertuples():
        assert texts[r.article_id][r.start : r.end] == r.entity


def test_narratives_round_trip(narr, tmp_path):
    out = tmp_path / "n.txt"
    write_narrative_labels(narr, out)
    back = read_narrative_labels(out)
    pd.testing.assert_frame_equal(back, narr)
    assert out.read_text(encoding="utf-8") == (EXAMPLES / "subtask-2-annotations.txt").read_text(encoding="utf-8")


def test_roles_round_trip_keeps_inclusive_end_in_file(roles, tmp_path):
    out = tmp_path / "r.txt"
    write_role_labels(roles, out)
    assert out.read_text(encoding="utf-8") == (EXAMPLES / "subtask-1-annotations.txt").read_text(encoding="utf-8")
    pd.testing.assert_frame_equal(read_role_labels(out), roles)
    first = out.read_text().splitlines()[0].split("\t")
    assert int(first[3]) == roles.end.iloc[0] - 1


def test_readers_accept_crlf_and_bom(tmp_path):
    p = tmp_path / "n.txt"
    p.write_bytes(b"\xef\xbb\xbfa.txt\tOther\tOther\r\nb.txt\t" + URW_W.encode() + b"\t" + URW_W_FINE.encode() + b"\r\n")
    df = read_narrative_labels(p)
    assert df.article_id.tolist() == ["a.txt", "b.txt"] and df.subnarratives[1] == [URW_W_FINE]


@pytest.mark.parametrize(
    "line, problem",
    [
        ("a.txt\tOther", "expected 3 tab-separated columns"),
        ("a.txt\tURW: Nonsense\tOther", "unknown narrative 'URW: Nonsense'"),
        (f"a.txt\t{URW_W}\t{URW_W}: Nonsense", "unknown subnarrative"),
        (f"a.txt\t{URW_F}\t{URW_W_FINE}", "without its narrative"),
        (f"a.txt\tOther;{URW_W}\t{URW_W_FINE}", "'Other' must stand alone"),
        ("\tOther\tOther", "empty article_id"),
    ],
)
def test_narrative_reader_names_file_line_problem(tmp_path, line, problem):
    p = tmp_path / "bad.txt"
    p.write_text("ok.txt\tOther\tOther\n" + line + "\n", encoding="utf-8")
    with pytest.raises(FramingError) as e:
        read_narrative_labels(p)
    msg = str(e.value)
    assert str(p) in msg and "line 2" in msg and problem in msg


def test_narrative_reader_rejects_repeated_article(tmp_path):
    p = tmp_path / "dup.txt"
    p.write_text("a.txt\tOther\tOther\n\na.txt\tOther\tOther\n", encoding="utf-8")
    with pytest.raises(FramingError, match=r"line 3: article_id 'a.txt' already given on line 1"):
        read_narrative_labels(p)


@pytest.mark.parametrize(
    "line, problem",
    [
        ("a.txt\tNATO\t0\t3\tAntagonist", "expected at least 6"),
        ("a.txt\tNATO\tzero\t3\tAntagonist\tInstigator", "offsets must be integers"),
        ("a.txt\tNATO\t5\t3\tAntagonist\tInstigator", "expected 0 <= start <= end"),
        ("a.txt\tNATO\t0\t3\tVillain\tInstigator", "unknown main role 'Villain'"),
        ("a.txt\tNATO\t0\t3\tAntagonist\tGuardian", "belongs to Protagonist"),
        ("a.txt\tNATO\t0\t3\tAntagonist\tHero", "unknown fine role 'Hero'"),
        ("a.txt\tNATO\t10\t13\tAntagonist\tSpy", "already given on line 1"),
    ],
)
def test_role_reader_names_file_line_problem(tmp_path, line, problem):
    p = tmp_path / "bad.txt"
    p.write_text("a.txt\tNATO\t10\t13\tAntagonist\tSpy\n" + line + "\n", encoding="utf-8")
    with pytest.raises(FramingError) as e:
        read_role_labels(p)
    assert str(p) in str(e.value) and "line 2" in str(e.value) and problem in str(e.value)


def test_mentions_only_reads_four_columns():
    m = read_role_labels(EXAMPLES / "subtask-1-mentions.txt", mentions_only=True)
    full = read_role_labels(EXAMPLES / "subtask-1-annotations.txt")
    pd.testing.assert_frame_equal(m, full[["article_id", "entity", "start", "end"]])


def test_align_mentions_repairs_small_shifts(docs, roles):
    shifted = roles.copy()
    shifted.loc[0, ["start", "end"]] = shifted.loc[0, ["start", "end"]] + 2
    fixed = align_mentions(docs, shifted)
    assert fixed.aligned.all()
    assert (fixed.start.to_numpy() == roles.start.to_numpy()).all()


_label = st.sampled_from(TAX.coarse_labels[:-1])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_label, min_size=1, max_size=3, unique=True), min_size=1, max_size=5))
def test_narrative_write_read_property(tmp_path_factory, label_sets):
    rows = []
    for i, narrs in enumerate(label_sets):
        subs = [f"{n}: {TAX.narratives[n][0]}" for n in narrs]
        rows.append({"article_id": f"x{i}.txt", "narratives": narrs, "subnarratives": subs})
    df = pd.DataFrame(rows)
    p = tmp_path_factory.mktemp("prop") / "n.txt"
    write_narrative_labels(df, p)
    pd.testing.assert_frame_equal(read_narrative_labels(p), df)


# --------------------------------------------------------------------------- scorers


def _nar(rows):
    return pd.DataFrame([{"article_id": a, "narratives": n, "subnarratives": s} for a, n, s in rows])


def test_score_narratives_matches_hand_computed():
    gold = _nar([
        ("a", [URW_W, URW_F], [URW_W_FINE, f"{URW_F}: Other"]),
        ("b", ["Other"], ["Other"]),
        ("c", [URW_W], [URW_W_FINE]),
    ])
    pred = _nar([
        ("c", ["Other"], ["Other"]),                       # coarse 0, fine 0
        ("a", [URW_W], [f"{URW_W}: Other"]),               # coarse 2*1/(2+1)=2/3, fine 0
        ("b", ["Other"], ["Other"]),                       # 1, 1
    ])
    s = score_narratives(gold, pred)
    assert s["f1_coarse"] == pytest.approx((2 / 3 + 1 + 0) / 3)
    assert s["f1_fine"] == pytest.approx(1 / 3)
    assert s["f1_coarse_std"] == pytest.approx(np.std([2 / 3, 1, 0]))


def test_score_narratives_ignores_unknown_and_requires_same_articles():
    gold = _nar([("a", [URW_W], [URW_W_FINE])])
    pred = _nar([("a", [URW_W, "not a label"], [URW_W_FINE])])
    assert score_narratives(gold, pred)["f1_coarse"] == 1.0
    with pytest.raises(FramingError, match="1 missing from the predictions"):
        score_narratives(_nar([("a", ["Other"], ["Other"]), ("b", ["Other"], ["Other"])]), gold.assign(article_id="b"))


def test_score_roles_matches_hand_computed(roles):
    pred = roles.copy()
    pred.loc[0, "main_role"] = "Protagonist"      # main wrong, fine right
    pred.at[3, "fine_roles"] = ["Victim"]          # gold Victim+Forgotten: not an exact match
    s = score_roles(roles, pred.iloc[::-1])       # order must not matter
    n = len(roles)
    assert s["emr"] == pytest.approx((n - 1) / n)
    assert s["main_role_accuracy"] == pytest.approx((n - 1) / n)
    n_gold = sum(len(x) for x in roles.fine_roles)
    assert s["micro_recall"] == pytest.approx((n_gold - 1) / n_gold)
    assert s["micro_precision"] == 1.0


# --------------------------------------------------------------------------- classifiers


def test_narrative_classifier_learns_and_is_hierarchical(docs, narr, fake_embedder):
    model = NarrativeClassifier(fake_embedder, threshold=0.3, C=10.0).fit(docs, narr)
    pred = model.predict(docs)
    assert pred.article_id.tolist() == docs.article_id.tolist()
    for r in pred.itertuples():
        assert r.narratives and r.subnarratives
        if r.narratives == ["Other"]:
            assert r.subnarratives == ["Other"]
        for s in r.subnarratives:
            assert s == "Other" or TAX.parent[s] in r.narratives
    # fitted on these articles with weak regularisation: it should reproduce most labels
    assert score_narratives(narr, pred)["f1_coarse"] > 0.8


def test_narrative_coupling_mixes_levels(docs, narr, fake_embedder):
    plain = NarrativeClassifier(fake_embedder, threshold=0.3, coupling="none").fit(docs, narr)
    both = NarrativeClassifier(fake_embedder, threshold=0.3, coupling="both").fit(docs, narr)
    pc0, pf0 = plain.predict_proba(docs)
    pc, pf = both.predict_proba(docs)
    # same weights: coupling changes only the scores; a narrative's score is the mean of its own probability
    # and of its best subnarrative's, a subnarrative's the geometric mean of its own and its narrative's score
    np.testing.assert_allclose(both.coef_fine_, plain.coef_fine_)
    for narrative in pc.columns:
        kids = [f for f in pf.columns if TAX.parent[f] == narrative]
        np.testing.assert_allclose(pc[narrative], (pc0[narrative] + pf0[kids].max(axis=1)) / 2, rtol=1e-6)
        np.testing.assert_allclose(pf[kids].to_numpy() ** 2, pf0[kids].to_numpy() * pc[[narrative]].to_numpy(),
                                   rtol=1e-6, atol=1e-12)
    with pytest.raises(FramingError, match="coupling: expected one of"):
        NarrativeClassifier(fake_embedder, coupling="max").fit(docs, narr)


def test_fit_ovr_with_more_features_than_rows_matches_sklearn():
    # wide data is solved in the row space of X; the optimum must be the plain L2 logistic regression's
    from sklearn.linear_model import LogisticRegression

    from framing.labelled import _fit_ovr

    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 80))
    Y = (rng.random((30, 3)) < 0.4).astype(float)
    coef, b = _fit_ovr(X, Y, 0.5)
    assert coef.shape == (3, 80)
    for j in range(3):
        m = LogisticRegression(C=0.5, max_iter=10000, tol=1e-10).fit(X, Y[:, j])
        np.testing.assert_allclose(X @ coef[j] + b[j], m.decision_function(X), atol=2e-3)


def test_knn_vote_weights_the_nearest_articles():
    from framing.labelled import _knn_vote

    R = np.eye(4)[:3]
    Y = np.array([[1, 0], [0, 1], [1, 1]])
    Q = np.array([[1.0, 0, 0, 0], [0.8, 0.6, 0, 0]])
    (V,) = _knn_vote(Q, R, [Y], k=2, temperature=0.1)
    # query 0: cosines 1 (row 0) and 0 (row 1, first of the ties); query 1: 0.8 (row 0) and 0.6 (row 1)
    for i, gap in [(0, 1.0), (1, 0.2)]:
        w = np.exp(-gap / 0.1) / (1 + np.exp(-gap / 0.1))
        np.testing.assert_allclose(V[i], [1 - w, w])
    np.testing.assert_allclose(_knn_vote(Q, R, [Y], k=1, temperature=0.1)[0], [[1, 0], [1, 0]])
    # more neighbours asked for than there are: all of them, weights still sum to one
    (V,) = _knn_vote(Q, R, [np.ones((3, 1))], k=10, temperature=1.0)
    np.testing.assert_allclose(V, 1.0)


def test_narrative_knn_averages_neighbour_votes(docs, narr, fake_embedder):
    plain = NarrativeClassifier(fake_embedder, threshold=0.3, coupling="none", knn=0).fit(docs, narr)
    voted = NarrativeClassifier(fake_embedder, threshold=0.3, coupling="none", knn=3,
                                knn_temperature=1e-4).fit(docs, narr)
    assert plain.knn_features_.shape[0] == 0 and voted.knn_features_.shape == (len(docs), voted.n_features_in_)
    # same regression; the scores are the mean of its probabilities and the neighbours' votes. On the training
    # articles with a tiny temperature the nearest neighbour (the article itself) takes all the weight.
    np.testing.assert_allclose(voted.coef_fine_, plain.coef_fine_)
    pc0, pf0 = plain.predict_proba(docs)
    pc, pf = voted.predict_proba(docs)
    lab = narr.set_index("article_id").loc[pc.index]
    own_c = np.array([[float(c in n) for c in pc.columns] for n in lab.narratives])
    own_f = np.array([[float(f in s) for f in pf.columns] for s in lab.subnarratives])
    np.testing.assert_allclose(2 * pc.to_numpy() - pc0.to_numpy(), own_c, atol=1e-6)
    np.testing.assert_allclose(2 * pf.to_numpy() - pf0.to_numpy(), own_f, atol=1e-6)
    for bad in (-1, 2.5, True):
        with pytest.raises(FramingError, match="knn: expected a whole number"):
            NarrativeClassifier(fake_embedder, knn=bad).fit(docs, narr)
    with pytest.raises(FramingError, match="knn_temperature"):
        NarrativeClassifier(fake_embedder, knn_temperature=0).fit(docs, narr)
    with pytest.raises(FramingError, match="knn_temperature"):
        NarrativeClassifier(fake_embedder, knn_temperature=True).fit(docs, narr)
    NarrativeClassifier(fake_embedder, knn_temperature=np.float32(0.5))._check_params()  # audit25-api: was refused


def test_a_failed_fit_leaves_the_classifier_not_fitted(docs, narr, tmp_path, fake_embedder):
    """audit25-api: a refit that raised kept the new taxonomy's labels beside the old model."""
    from sklearn.exceptions import NotFittedError

    t = tmp_path / "t.json"
    t.write_text(json.dumps({"id": "mine", "narratives": {"Resolve": ["Sanctions work"]}}))
    model = NarrativeClassifier(fake_embedder, threshold=0.3).fit(docs, narr)
    model.set_params(taxonomy=t)
    with pytest.raises(FramingError):
        model.fit(docs, narr)
    assert not hasattr(model, "coarse_labels_") and not hasattr(model, "coef_coarse_")
    with pytest.raises(NotFittedError, match="not fitted"):
        model.predict(docs)


def test_classifiers_raise_before_fit(docs, roles, fake_embedder):
    with pytest.raises(FramingError, match="not fitted"):
        NarrativeClassifier(fake_embedder).predict(docs)
    with pytest.raises(FramingError, match="not fitted"):
        RoleClassifier(fake_embedder).predict(docs, roles)


def test_narrative_threshold_tuning_and_cv(docs, narr, fake_embedder):
    model = NarrativeClassifier(fake_embedder, inner_cv=3).fit(docs, narr)
    assert 0.1 <= model.threshold_coarse_ <= 0.7 and set(model.inner_scores_) == {"f1_coarse", "f1_fine", "f1_all_other"}
    oof = cross_val_narratives(docs, narr, n_splits=3, embedder=fake_embedder, threshold=0.4)
    assert sorted(oof.article_id) == sorted(narr.article_id) and set(oof.fold) == {0, 1, 2}
    base = cross_val_narratives(docs, narr, n_splits=3, embedder=fake_embedder, baseline=True)
    assert all(len(x) >= 1 for x in base.narratives)


def test_role_classifier_context_features(docs, roles, fake_embedder):
    model = RoleClassifier(fake_embedder, C=10.0).fit(docs, roles)
    assert model.features_ == "context"
    pred = model.predict(docs, roles[["article_id", "entity", "start", "end"]])
    for r in pred.itertuples():
        assert r.fine_roles and all(TAX.role_parent[f] == r.main_role for f in r.fine_roles)
    assert score_roles(roles, pred)["main_role_accuracy"] > 0.7
    # the caller's index is kept, as on the package's other row tables (review21-api)
    named = roles[["article_id", "entity", "start", "end"]].set_axis([f"m{i}" for i in range(len(roles))])
    again = model.predict(docs, named)
    assert list(again.index) == list(named.index)
    assert all(list(t.index) == list(named.index) for t in model.predict_proba(docs, named))
    pd.testing.assert_frame_equal(again.reset_index(drop=True), pred.reset_index(drop=True))
    oof = cross_val_roles(docs, roles, n_splits=3, embedder=fake_embedder)
    base = cross_val_roles(docs, roles, n_splits=3, baseline=True)
    assert len(oof) == len(base) == len(roles)
    assert base.groupby("fold").main_role.nunique().max() == 1


@pytest.mark.parametrize("n_splits, says", [(1, "whole number >= 2"), (0, "whole number >= 2"), (2.5, ">= 2"),
                                             (99, "99 folds need at least 99")])
def test_cross_validation_refuses_impossible_folds(docs, narr, roles, fake_embedder, n_splits, says):
    with pytest.raises(FramingError, match=f"n_splits: .*{says}"):
        cross_val_narratives(docs, narr, n_splits=n_splits, embedder=fake_embedder)
    with pytest.raises(FramingError, match=f"n_splits: .*{says}"):
        cross_val_roles(docs, roles, n_splits=n_splits, embedder=fake_embedder)


# --------------------------------------------------------------------------- saved models


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory, docs, narr):
    from conftest import FakeEmbedder

    d = tmp_path_factory.mktemp("model")
    model = NarrativeClassifier(FakeEmbedder(), threshold=0.4, coupling="fine", knn=3).fit(docs, narr)
    return model, model.save(d / "narr.json")


def test_saved_model_is_json_and_npz_and_reloads(saved_model, docs, fake_embedder):
    model, path = saved_model
    doc = json.loads(path.read_text())
    assert doc["format_version"] == MODEL_FORMAT and doc["embedder"]["model_id"] == fake_embedder.model_id
    assert "framing_version" in doc and path.with_suffix(".npz").is_file()
    back = NarrativeClassifier.load(path, fake_embedder)
    assert back.coupling == "fine" and doc["params"]["coupling"] == "fine"
    assert back.knn == model.knn > 0 and doc["params"]["knn"] == model.knn
    with np.load(path.with_suffix(".npz"), allow_pickle=False) as z:
        np.testing.assert_array_equal(z["knn_fine"], model.knn_fine_)
    pd.testing.assert_frame_equal(back.predict_proba(docs)[1], model.predict_proba(docs)[1])
    pd.testing.assert_frame_equal(back.predict(docs), model.predict(docs))


def test_version_1_model_loads_without_voting(saved_model, tmp_path, fake_embedder, docs):
    # a model saved before neighbour voting: no knn_* arrays, format version 1 -> loads with knn=0
    import copy

    from framing.labelled import _arrays_digest

    model, path = saved_model
    p = _copy(path, tmp_path)
    with np.load(p.with_suffix(".npz")) as z:
        arrays = {k: z[k] for k in z.files if not k.startswith("knn_")}
    np.savez(p.with_suffix(".npz"), **arrays)
    doc = json.loads(p.read_text())
    doc["format_version"] = 1
    doc["arrays_sha256"] = _arrays_digest(arrays)
    del doc["params"]["knn"], doc["params"]["knn_temperature"]
    p.write_text(json.dumps(doc))
    back = NarrativeClassifier.load(p, fake_embedder)
    assert back.knn == 0
    unvoted = copy.copy(model)
    unvoted.knn = 0
    pd.testing.assert_frame_equal(back.predict_proba(docs)[1], unvoted.predict_proba(docs)[1])
    assert not np.allclose(back.predict_proba(docs)[1], model.predict_proba(docs)[1])
    # the same file claiming version 2 lacks the neighbour arrays
    doc["format_version"] = 2
    p.write_text(json.dumps(doc))
    with pytest.raises(FramingError, match="incomplete narratives model"):
        NarrativeClassifier.load(p, fake_embedder)


def _copy(path, tmp_path):
    for suffix in (".json", ".npz"):
        shutil.copy(path.with_suffix(suffix), tmp_path / path.with_suffix(suffix).name)
    return tmp_path / path.name


def test_tampered_arrays_are_refused(saved_model, tmp_path, fake_embedder):
    p = _copy(saved_model[1], tmp_path)
    with np.load(p.with_suffix(".npz")) as z:
        arrays = {k: z[k].copy() for k in z.files}
    arrays["coef_coarse"][0, 0] += 1.0
    np.savez(p.with_suffix(".npz"), **arrays)
    with pytest.raises(FramingError, match="do not match the hash"):
        NarrativeClassifier.load(p, fake_embedder)


def test_a_model_pair_renamed_together_loads_and_a_lost_arrays_file_is_named(saved_model, tmp_path, fake_embedder,
                                                                             docs, narr):
    """audit24-readme: narr.json + narr.npz renamed to final.json + final.npz said "its arrays file narr.npz is
    missing"."""
    model, path = saved_model
    for suffix in (".json", ".npz"):
        shutil.copy(path.with_suffix(suffix), tmp_path / f"final{suffix}")
    back = NarrativeClassifier.load(tmp_path / "final.json", fake_embedder)
    pd.testing.assert_frame_equal(back.predict(docs), model.predict(docs))
    # the arrays renamed alone, to a name the model file does not know: refused, saying which names would do
    shutil.copy(path, tmp_path / "lone.json")
    with pytest.raises(FramingError, match=r"lone\.json: its arrays file narr\.npz is missing; keep it next to "
                                           r"the model file, named narr\.npz or lone\.npz"):
        NarrativeClassifier.load(tmp_path / "lone.json", fake_embedder)
    # another model's arrays under the renamed name are still refused by their hash
    other = NarrativeClassifier(fake_embedder, C=0.1, knn=0).fit(docs, narr)
    other.save(tmp_path / "other.json")
    shutil.copy(tmp_path / "other.npz", tmp_path / "lone.npz")
    with pytest.raises(FramingError, match="do not match the hash"):
        NarrativeClassifier.load(tmp_path / "lone.json", fake_embedder)
    # review24: final.* copied from narr.*, then a new model saved as narr.*: final.json loads with final.npz
    other.save(tmp_path / "narr.json")
    back = NarrativeClassifier.load(tmp_path / "final.json", fake_embedder)
    pd.testing.assert_frame_equal(back.predict(docs), model.predict(docs))


def test_other_format_version_is_refused(saved_model, tmp_path, fake_embedder):
    p = _copy(saved_model[1], tmp_path)
    doc = json.loads(p.read_text())
    doc["format_version"] = MODEL_FORMAT + 1
    p.write_text(json.dumps(doc))
    with pytest.raises(FramingError, match=f"format version {MODEL_FORMAT + 1}"):
        NarrativeClassifier.load(p, fake_embedder)


def test_the_npz_given_as_the_model_says_to_pass_the_json(saved_model, fake_embedder):
    """audit21b: a UTF-8 decoding error."""
    with pytest.raises(FramingError, match=r"the model's arrays; pass its .json file \(narr.json\)"):
        NarrativeClassifier.load(saved_model[1].with_suffix(".npz"), fake_embedder)


def test_other_embedding_model_is_refused(saved_model, fake_embedder):
    class Other:
        model_id = "someone/else"
        fingerprint = "someone/else|x"

        def encode(self, texts):
            return np.zeros((len(texts), 64), np.float32)

    with pytest.raises(FramingError, match="trained with embedding model 'fake/hashed-bow-64'.*someone/else"):
        NarrativeClassifier.load(saved_model[1], Other())

    class SameModelOtherBackend(Other):
        model_id = "fake/hashed-bow-64"
        fingerprint = "fake/hashed-bow-64|torch"

    # the same model id through another backend: the message says what differs, and names --embedder
    with pytest.raises(FramingError, match=r"same model 'fake/hashed-bow-64', but test \(trained\) vs torch.*--embedder"):
        NarrativeClassifier.load(saved_model[1], SameModelOtherBackend())


def test_wrong_kind_is_refused(saved_model, fake_embedder):
    with pytest.raises(FramingError, match="is a narratives model, expected a roles model"):
        RoleClassifier.load(saved_model[1], fake_embedder)


# --------------------------------------------------------------------------- CLI


def test_cli_round_trip_narratives(tmp_path, fake_everywhere, capsys):
    model = tmp_path / "narr.json"
    assert cli.main(["narratives", "fit", "--docs", str(FIX / "raw-documents"),
                     "--labels", str(FIX / "subtask-2-annotations.txt"), "--model", str(model)]) == 0
    # it says how the model did in its inner cross-validation, beside predicting 'Other' everywhere (audit21b)
    said = capsys.readouterr().out
    doc = json.loads(model.read_text())
    sc = doc["inner_scores"]
    lab = read_narrative_labels(FIX / "subtask-2-annotations.txt")
    assert sc["f1_all_other"] == pytest.approx((lab["narratives"].map(lambda v: v == ["Other"])).mean())
    assert (f"inner cross-validation samples-F1: coarse {sc['f1_coarse']:.2f}, fine {sc['f1_fine']:.2f} "
            f"(predicting 'Other' for every article: {sc['f1_all_other']:.2f})") in said
    assert ("does no better than predicting 'Other'" in said) == (
        max(sc["f1_coarse"], sc["f1_fine"]) <= sc["f1_all_other"] + 0.02)
    assert "with fewer than 2 training articles" in said  # six articles cannot cover the taxonomy
    out = tmp_path / "pred.txt"
    assert cli.main(["narratives", "predict", "--model", str(model), "--docs", str(FIX / "raw-documents"),
                     "--out", str(out)]) == 0
    pred = read_narrative_labels(out)
    assert sorted(pred.article_id) == sorted(p.name for p in (FIX / "raw-documents").glob("*.txt"))
    capsys.readouterr()
    assert cli.main(["score", "narratives", "--gold", str(FIX / "subtask-2-annotations.txt"), "--pred", str(out)]) == 0
    text = capsys.readouterr().out
    want = score_narratives(read_narrative_labels(FIX / "subtask-2-annotations.txt"), pred)
    assert f"samples-F1 coarse\t{want['f1_coarse']:.4f}" in text and "samples-F1 fine" in text


def test_cli_score_names_both_files_when_they_cover_different_articles(tmp_path, capsys):
    """audit21b, review21e: "predictions and gold cover different articles" named neither file."""
    for task, name in (("narratives", "subtask-2-annotations.txt"), ("roles", "subtask-1-annotations.txt")):
        gold = FIX / name
        pred = tmp_path / f"{task}-pred.txt"
        pred.write_text("\n".join(gold.read_text(encoding="utf-8").splitlines()[:-1]) + "\n", encoding="utf-8")
        assert cli.main(["score", task, "--gold", str(gold), "--pred", str(pred)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.split("error: ", 1)[1].startswith(f"--gold {gold}, --pred {pred}: "), err
        if task == "narratives":
            assert "predictions and gold cover different articles: 1 missing" in err


def test_role_files_may_start_with_a_header_line(tmp_path):
    """review21c: the narratives reader skips a spreadsheet's header; the roles reader took it for a mention."""
    body = (FIX / "subtask-1-annotations.txt").read_text(encoding="utf-8")
    plain = read_role_labels(FIX / "subtask-1-annotations.txt")
    for header in ("article_id\tentity\tstart\tend\tmain_role\tfine_roles",
                   "Article_ID\tentity_mention\tstart_offset\tend_offset\tmain_role\tfine_roles"):
        f = tmp_path / "r.txt"
        f.write_text(header + "\n" + body, encoding="utf-8")
        pd.testing.assert_frame_equal(read_role_labels(f), plain)


def test_cli_roles_name_the_file_of_a_mention_whose_article_is_missing(tmp_path, fake_everywhere, capsys):
    """audit21b: "mentions: article 'EN_UA_999.txt' is not among the documents" named no file."""
    bad = tmp_path / "roles.txt"
    bad.write_text("EN_UA_999.txt\tNATO\t0\t4\tProtagonist\tGuardian\n", encoding="utf-8")
    assert cli.main(["roles", "fit", "--docs", str(FIX / "raw-documents"), "--labels", str(bad),
                     "--model", str(tmp_path / "m.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{bad}: article 'EN_UA_999.txt': no such file in" in err


def test_cli_round_trip_roles(tmp_path, fake_everywhere, capsys):
    model = tmp_path / "roles.json"
    assert cli.main(["roles", "fit", "--docs", str(FIX / "raw-documents"),
                     "--labels", str(FIX / "subtask-1-annotations.txt"), "--model", str(model)]) == 0
    out = tmp_path / "pred.txt"
    assert cli.main(["roles", "predict", "--model", str(model), "--docs", str(FIX / "raw-documents"),
                     "--mentions", str(FIX / "subtask-1-mentions.txt"), "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    mentions = (FIX / "subtask-1-mentions.txt").read_text().splitlines()
    assert [ln.split("\t")[:4] for ln in lines] == [m.split("\t") for m in mentions]
    capsys.readouterr()
    assert cli.main(["score", "roles", "--gold", str(FIX / "subtask-1-annotations.txt"), "--pred", str(out)]) == 0
    assert "main-role accuracy" in capsys.readouterr().out


def test_cli_bad_label_file_is_one_line_exit_2(tmp_path, fake_everywhere, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("EX_UA_0001.txt\tURW: Nonsense\tOther\n")
    code = cli.main(["narratives", "fit", "--docs", str(FIX / "raw-documents"), "--labels", str(bad),
                     "--model", str(tmp_path / "m.json")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and f"{bad}, line 1: unknown narrative" in err


def test_label_tables_outside_the_taxonomy_or_with_repeated_ids_are_refused(docs, narr, fake_embedder):
    """audit21b: a table read with one taxonomy and fitted or scored with the bundled one lost all its labels
    and scored the share of 'Other' articles; repeated ids made identical tables score 0."""
    mine = narr.copy()
    mine.loc[0, "narratives"] = ["My own narrative"]
    with pytest.raises(FramingError, match=r"labels: article .* has the narrative 'My own narrative', which is "
                                           r"not in the taxonomy .*pass taxonomy="):
        NarrativeClassifier(fake_embedder, threshold=0.4).fit(docs, mine)
    with pytest.raises(FramingError, match=r"gold: article .* has the narrative 'My own narrative'"):
        score_narratives(mine, narr)
    twice = pd.concat([narr, narr])
    with pytest.raises(FramingError, match=r"gold: article .* is listed more than once"):
        score_narratives(twice, twice)
    with pytest.raises(FramingError, match=r"labels: article .* is listed more than once"):
        NarrativeClassifier(fake_embedder, threshold=0.4).fit(docs, twice)
    assert score_narratives(narr, narr)["f1_coarse"] == 1.0


def test_cli_predict_refuses_an_output_among_the_documents_and_fit_an_empty_label_file(tmp_path, saved_model,
                                                                                       fake_everywhere, capsys):
    """audit21b: --out d/EN_UA_000568.txt replaced that article; an empty labels file was reported as ids
    missing from the documents."""
    import shutil

    d = tmp_path / "docs"
    shutil.copytree(FIX / "raw-documents", d)
    first = sorted(d.glob("*.txt"))[0]
    before = first.read_bytes()
    _, model = saved_model
    for out, says in ((first, "replace an article"), (d / "pred.txt", "be read as an article next time")):
        assert cli.main(["narratives", "predict", "--model", str(model), "--docs", str(d), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "a .txt file among the documents" in err and says in err, err
    assert first.read_bytes() == before and not (d / "pred.txt").exists()
    assert cli.main(["narratives", "predict", "--model", str(model), "--docs", str(d),
                     "--out", str(tmp_path / "pred.txt")]) == 0
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    capsys.readouterr()
    assert cli.main(["narratives", "fit", "--docs", str(d), "--labels", str(empty),
                     "--model", str(tmp_path / "m.json")]) == 2
    assert "no labels; expected one line per article" in capsys.readouterr().err


# --------------------------------------------------------------------------- real model


@pytest.mark.slow
def test_role_token_features_with_real_model(docs, roles):
    from framing.labelled import mention_features

    X = mention_features(docs, roles, None, features="tokens")
    assert X.shape == (len(roles), 768) and np.isfinite(X).all()
    # the mention half differs between two mentions of one sentence-free article pair
    assert not np.allclose(X[0, :384], X[1, :384])


@pytest.mark.parametrize("edit", [
    lambda d: d.update(threshold_coarse=7),  # out of range
    lambda d: d.__setitem__("coarse_labels", d["coarse_labels"][::-1]),  # labels swapped
    lambda d: d["params"].update(C=123.0),
])
def test_edited_model_json_is_refused(saved_model, tmp_path, fake_embedder, edit):
    """The model file hashes its own content, not just the arrays: a hand edit is refused, not used."""
    p = _copy(saved_model[1], tmp_path)
    doc = json.loads(p.read_text())
    assert doc["format_version"] == MODEL_FORMAT >= 3 and len(doc["model_sha256"]) == 64
    NarrativeClassifier.load(p, fake_embedder)  # untouched: loads
    edit(doc)
    p.write_text(json.dumps(doc))
    with pytest.raises(FramingError, match="content does not match its hash"):
        NarrativeClassifier.load(p, fake_embedder)


def test_mentions_off_their_entity_are_repaired_or_named():
    """A shifted span is moved onto its entity; one that holds no entity is used as given, with a note naming it."""
    from framing.errors import FramingWarning
    from framing.labelled import _note_alignment, align_mentions

    docs = pd.DataFrame({"article_id": ["a.txt"], "text": ["NATO met. Moscow replied."]})
    men = pd.DataFrame({"article_id": ["a.txt"] * 3, "entity": ["NATO", "Moscow", "Kremlin"],
                        "start": [0, 12, 0], "end": [4, 18, 7]})
    out = align_mentions(docs, men)
    assert out["aligned"].tolist() == [True, True, False] and out["realigned"].tolist() == [False, True, False]
    assert (out["start"].iloc[1], out["end"].iloc[1]) == (10, 16)  # moved two characters back, onto "Moscow"
    with pytest.warns(FramingWarning) as got:
        _note_alignment(out, "labels.txt")
    said = [str(w.message) for w in got]
    assert any("1 mention(s) whose offsets do not hold the entity" in m and "'Kremlin' at 0-7 in a.txt" in m
               for m in said)
    assert any("1 mention(s) shifted by a few characters" in m for m in said)


def test_an_empty_document_is_always_other(saved_model, docs):
    model, _ = saved_model
    more = pd.concat([docs, pd.DataFrame({"article_id": ["empty.txt", "blank.txt"], "text": ["", "  \n "]})],
                     ignore_index=True)
    pred = model.predict(more).set_index("article_id")
    for aid in ("empty.txt", "blank.txt"):
        assert pred.loc[aid, "narratives"] == ["Other"] and pred.loc[aid, "subnarratives"] == ["Other"]
    assert (pred.loc[docs["article_id"], "narratives"].map(len) >= 1).all()


def test_training_on_other_only_warns(docs, narr, fake_embedder):
    from framing.errors import FramingWarning

    other = narr.assign(narratives=[["Other"]] * len(narr), subnarratives=[["Other"]] * len(narr))
    with pytest.warns(FramingWarning, match="all .* training articles are 'Other'"):
        NarrativeClassifier(fake_embedder, threshold=0.4).fit(docs, other)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", FramingWarning)
        NarrativeClassifier(fake_embedder, threshold=0.4).fit(docs, narr)  # real narratives: no warning


def test_label_ids_without_txt_get_a_hint(tmp_path):
    from framing.labelled import fit_narratives_files

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "EN_1.txt").write_text("Russia attacked Kyiv.", encoding="utf-8")
    (tmp_path / "labels.txt").write_text("EN_1\tOther\tOther\n", encoding="utf-8")
    with pytest.raises(FramingError, match=r"none of its articles is among the documents .*'EN_1\.txt'"):
        fit_narratives_files(tmp_path / "docs", tmp_path / "labels.txt", tmp_path / "m.json")


def test_cli_taxonomy_option_reaches_the_label_readers(tmp_path, fake_everywhere, capsys):
    """--taxonomy FILE replaces the bundled label names: a taxonomy without a narrative the labels use is refused."""
    bundled = json.loads((Path(__file__).parent.parent / "data" / "labels" / "semeval2025-t10.json").read_text())
    full, short = tmp_path / "full.json", tmp_path / "short.json"
    full.write_text(json.dumps(bundled), encoding="utf-8")
    cut = dict(bundled, narratives={k: v for k, v in bundled["narratives"].items()
                                    if k != "URW: Negative Consequences for the West"})
    short.write_text(json.dumps(cut), encoding="utf-8")
    args = ["narratives", "fit", "--docs", str(FIX / "raw-documents"), "--labels", str(FIX / "subtask-2-annotations.txt"),
            "--model", str(tmp_path / "m.json")]
    assert cli.main(args + ["--taxonomy", str(full)]) == 0
    capsys.readouterr()
    assert cli.main(args + ["--taxonomy", str(short)]) == 2
    assert "unknown narrative 'URW: Negative Consequences for the West'" in capsys.readouterr().err
    gold = str(FIX / "subtask-2-annotations.txt")
    assert cli.main(["score", "narratives", "--gold", gold, "--pred", gold, "--taxonomy", str(short)]) == 2


def test_fit_refuses_features_built_with_another_pooling(tmp_path):
    """review21-api: fit(features=article_features(...)) with article_features' default pooling (mean, max)
    succeeded, and predict then failed on the classifier's own width (mean, max, sim)."""
    from tests.conftest import FakeEmbedder

    from framing.labelled import NarrativeClassifier, article_features

    class Sized(FakeEmbedder):
        dimension = 64

    emb = Sized()
    docs = pd.DataFrame({"article_id": ["a", "b", "c"], "text": ["Russia attacked. NATO met.", "Kyiv spoke. EU met.",
                                                                 "The war goes on. Talks stalled."]})
    labels = pd.DataFrame({"article_id": ["a", "b", "c"], "narratives": [["Other"]] * 3,
                           "subnarratives": [["Other"]] * 3})
    clf = NarrativeClassifier(emb, inner_cv=2)
    _, wrong = article_features(docs, emb)
    with pytest.raises(FramingError, match=r"features: 128 columns, expected 461 for this classifier's pooling "
                                           r"\('mean', 'max', 'sim'\); build them with article_features"):
        clf.fit(docs, labels, features=wrong)
    _, right = article_features(docs, emb, pooling=clf.pooling)
    with pytest.warns(Warning):  # every article is 'Other'
        clf.fit(docs, labels, features=right)
    assert clf.n_features_in_ == 461
