"""framing.stance: actor mentions are found once per scoring pass, with the scores unchanged.

(The scorer's behaviour itself is tested in tests/test_frames.py.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing import actors, stance
from framing.codebook import load_codebook
from framing.errors import FramingError
from framing.stance import MINIMAL_PAIRS, StanceScorer
from tests.conftest import FakeEmbedder


class SpanFakeEmbedder(FakeEmbedder):
    """The hashed bag of words, plus mention vectors: the bag of the words around each span."""

    fingerprint = "fake/hashed-bow-64-spans|test"

    def encode_spans(self, texts, spans):
        windows = [t[max(0, a - 30):b + 30] for t, sp in zip(texts, spans) for a, b in sp]
        return self.encode(windows) if windows else np.zeros((0, self.dim), dtype=np.float32)


TEXTS = [pair[i] for pair in MINIMAL_PAIRS for i in (0, 1)] + [
    "Lavrov said that Moscow has no desire to attack Europe.",
    "RUSSIA WARNS NATO: Moscow says the West is escalating.",
    "The Kremlin accused Kyiv of shelling the plant, according to the Pentagon.",
    "Putin's government framed these actions as retaliation against what they describe as NATO's provocations.",
    "The weather was fine west of the river.",
    "Lavrov said that Moscow has no desire to attack Europe.",  # a repeat: found once
]


@pytest.fixture(scope="module")
def scorer():
    return StanceScorer(embedder=SpanFakeEmbedder()).fit()


def test_scores_equal_the_separate_feature_and_role_paths(scorer):
    """decision_function shares one mention pass; the public pieces, each finding its own, agree exactly."""
    s, has = scorer.decision_function(TEXTS)
    X, has2 = scorer.features(TEXTS)
    E = scorer.role_evidence(TEXTS)
    assert E.any() and X.shape[1] > SpanFakeEmbedder.dim  # mention features and role evidence are both in play
    want = (X @ scorer.coef_.T + scorer.intercept_) / scorer.temperature + scorer.role_weight * E
    # eligible = mentions an actor, is about the codebook's topic, with and without its actor names, and does
    # not read like its neutral exemplars
    np.testing.assert_array_equal(has, has2 & (scorer.relevance(TEXTS) >= scorer.min_relevance)
                                  & (scorer.masked_relevance(TEXTS) >= scorer.min_masked_relevance)
                                  & (scorer.neutrality(TEXTS) <= scorer.neutral_margin))
    np.testing.assert_allclose(s, want, rtol=1e-6, atol=1e-6)
    assert not has[TEXTS.index("The weather was fine west of the river.")]


def test_weighted_roles_with_shared_mentions_equal_finding_them_again(seed_sentences):
    from framing.embed import preprocess

    cb = load_codebook(None)
    texts = [preprocess(t) for t in seed_sentences["text"]] + [preprocess(t) for t in TEXTS]
    shared = stance._mentions_once(texts, cb)
    cued = 0
    for t, m in zip(texts, shared):
        cued += stance._DISTANCING.search(t) is not None
        for w in (0.0, 1.0):
            assert stance._weighted_roles(t, cb, w, m) == stance._weighted_roles(t, cb, w)
    assert cued >= 2  # the clause-before-the-cue branch is exercised


def test_mentions_are_matched_once_per_distinct_text(scorer, monkeypatch):
    calls = []
    real = actors.find_mentions

    def counting(text, codebook=None):
        calls.append(text)
        return real(text, codebook)

    monkeypatch.setattr(actors, "find_mentions", counting)
    scorer.decision_function(TEXTS)
    # once per distinct text, plus the clause before a distancing cue when a mention straddles it (none here)
    assert len(calls) == len(set(TEXTS))
    calls.clear()
    scorer.features(TEXTS)
    scorer.role_evidence(TEXTS)
    assert len(calls) == 2 * len(set(TEXTS))  # the separate public calls each find their own


def test_minimal_pairs_move_the_right_way(scorer):
    P, _ = scorer.frame_proba([t for a, b, _ in MINIMAL_PAIRS for t in (a, b)])
    wt = P[:, scorer.frame_ids_.index("western_threat")].reshape(-1, 2)
    sign = np.array([1 if f == "western_threat" else -1 for _, _, f in MINIMAL_PAIRS])
    assert (sign * (wt[:, 0] - wt[:, 1]) > 0).sum() >= 5


def test_a_cached_fitted_model_is_keyed_by_the_matching_rules(tmp_path, monkeypatch):
    """The fit reads mentions: a change of the alias matcher must not load a model fitted under the old one."""
    emb = SpanFakeEmbedder()
    emb.cache, emb.cache_dir = True, tmp_path
    stance.fitted_scorer(None, emb)
    stance.fitted_scorer(None, emb)  # loaded
    assert len(list((tmp_path / "stance-models").glob("*.json"))) == 1
    monkeypatch.setattr(actors, "MATCH_VERSION", actors.MATCH_VERSION + "-changed")
    stance.fitted_scorer(None, emb)
    assert len(list((tmp_path / "stance-models").glob("*.json"))) == 2


def test_masked_relevance_is_the_cosine_with_every_actor_mention_replaced(scorer):
    text = "Sergei Lavrov said NATO headquarters opened a new cafeteria in Brussels."
    masked = stance._mask(text, load_codebook(None))
    assert "Lavrov" not in masked and "NATO" not in masked and masked.count(stance.MASK) == 3
    assert masked.endswith("headquarters opened a new cafeteria in " + stance.MASK + ".")
    emb = SpanFakeEmbedder()
    ex = [stance._mask(t, load_codebook(None)) for f in load_codebook(None).frames for t in f.exemplars]
    want = (emb.encode([masked]) @ emb.encode(ex).T).max()
    assert scorer.masked_relevance([text])[0] == pytest.approx(want, abs=1e-5)
    # a sentence without mentions is its own masked text
    plain = "The weather was fine west of the river."
    assert stance._mask(plain, None) == plain


def test_the_masked_gate_only_removes_frames(scorer):
    """min_masked_relevance adds a condition: every sentence it leaves framed has the same frame without it."""
    off = StanceScorer(embedder=SpanFakeEmbedder(), min_masked_relevance=None).fit()
    high = StanceScorer(embedder=SpanFakeEmbedder(), min_masked_relevance=0.99).fit()
    a, b, c = scorer.predict(TEXTS), off.predict(TEXTS), high.predict(TEXTS)
    assert ((a == b) | (a == "none")).all()
    assert (c == "none").all() and (b != "none").any()
    with pytest.raises(FramingError, match="min_masked_relevance"):
        StanceScorer(embedder=SpanFakeEmbedder(), min_masked_relevance="high").fit()


@pytest.mark.slow
def test_on_topic_sentences_without_a_stance_get_no_frame(real_embedder):
    """Naming NATO is not taking a side: the masked gate catches what the plain relevance gate lets through."""
    sc = StanceScorer(embedder=real_embedder).fit()
    plain = StanceScorer(embedder=real_embedder, min_masked_relevance=None, neutral_margin=None).fit()
    neutral = ["NATO headquarters opened a new cafeteria.", "Russia's parliament will meet on Tuesday.",
               "The Kremlin published the schedule of Putin's visits.", "NATO's press office moved to a new building."]
    on = ["Russia launched a massive missile attack on Ukrainian cities.", "NATO expansion threatens Russia's security.",
          "Sergei Lavrov reiterated that Moscow has no desire to attack Europe.",
          "The West provoked the war by arming Kyiv, the Kremlin said."]
    assert (sc.relevance(neutral) >= sc.min_relevance).all()  # on topic by the plain gate ...
    assert (plain.predict(neutral) != "none").sum() >= 3  # ... so it framed (most of) them
    assert (sc.masked_relevance(neutral) < sc.min_masked_relevance).all()
    assert (sc.predict(neutral) == "none").all()
    assert (sc.masked_relevance(on) >= sc.min_masked_relevance).all()
    np.testing.assert_array_equal(sc.predict(on), plain.predict(on))
    assert (sc.predict(on) != "none").all()


@pytest.mark.slow
def test_off_topic_sentences_that_name_an_actor_get_no_frame(real_embedder):
    """The relevance gate: naming an actor is not taking a stance in the codebook's conflict."""
    sc = StanceScorer(embedder=real_embedder).fit()
    off = ["The weather in Brussels was mild on Tuesday.", "Biden signed the farm bill into law.",
           "The EU agreed to cut car emissions by 2035.", "Germany beat France 2-1 in the final."]
    on = ["Russia launched a massive missile attack on Ukrainian cities.", "NATO expansion threatens Russia's security.",
          "Sergei Lavrov reiterated that Moscow has no desire to attack Europe."]
    assert (sc.relevance(off) < sc.min_relevance).all() and (sc.relevance(on) >= sc.min_relevance).all()
    assert (sc.predict(off) == "none").all()
    assert (sc.predict(on) != "none").all()
    ungated = StanceScorer(embedder=real_embedder, min_relevance=None, min_masked_relevance=None).fit()
    assert (ungated.predict(off) != "none").sum() >= 3  # what the gates are for


def test_a_model_saved_before_the_relevance_gate_loads_with_the_gate_off(tmp_path, scorer):
    import json

    path = scorer.save(tmp_path / "m")
    card = json.loads(path.read_text())
    card["format"] = "framing.stance/v2"
    del card["params"]["min_relevance"], card["params"]["min_masked_relevance"], card["params"]["neutral_margin"]
    path.write_text(json.dumps(card))
    with np.load(tmp_path / "m.npz") as z:
        arrays = {k: z[k] for k in z.files
                  if k not in ("exemplars", "masked_exemplars", "masked_contrast", "masked_neutral")}
    np.savez(tmp_path / "m.npz", **arrays)
    old = StanceScorer.load(path, embedder=SpanFakeEmbedder())
    assert old.min_relevance is None and old.min_masked_relevance is None
    ungated = StanceScorer(embedder=SpanFakeEmbedder(), min_relevance=None, min_masked_relevance=None,
                           neutral_margin=None).fit()
    np.testing.assert_array_equal(old.predict(TEXTS), ungated.predict(TEXTS))
    with pytest.raises(FramingError, match="no exemplar vectors"):
        old.relevance(TEXTS)


def test_a_v3_model_loads_without_the_masked_gate(tmp_path, scorer):
    """A model saved before min_masked_relevance keeps its plain relevance gate and gets no masked one."""
    import json

    path = scorer.save(tmp_path / "m")
    assert json.loads(path.read_text())["format"] == stance.FORMAT
    card = json.loads(path.read_text())
    card["format"] = "framing.stance/v3"
    del card["params"]["min_masked_relevance"], card["params"]["neutral_margin"]
    path.write_text(json.dumps(card))
    with np.load(tmp_path / "m.npz") as z:
        arrays = {k: z[k] for k in z.files if k not in ("masked_exemplars", "masked_contrast", "masked_neutral")}
    np.savez(tmp_path / "m.npz", **arrays)
    old = StanceScorer.load(path, embedder=SpanFakeEmbedder())
    assert old.min_relevance == scorer.min_relevance and old.min_masked_relevance is None
    v3 = StanceScorer(embedder=SpanFakeEmbedder(), min_masked_relevance=None, neutral_margin=None).fit()
    np.testing.assert_array_equal(old.predict(TEXTS), v3.predict(TEXTS))
    with pytest.raises(FramingError, match="no masked exemplar vectors"):
        old.masked_relevance(TEXTS)
    # and the current format round-trips with the gate on
    new = StanceScorer.load(scorer.save(tmp_path / "n"), embedder=SpanFakeEmbedder())
    assert new.min_masked_relevance == scorer.min_masked_relevance is not None
    np.testing.assert_array_equal(new.predict(TEXTS), scorer.predict(TEXTS))


NEUTRAL_CB = {
    "frames": [{"id": "hawk", "exemplars": ["Russia attacked Ukraine with missiles.", "Russia threatens NATO."],
                "contrast": ["Ukraine attacked Russia with missiles.", "NATO threatens Russia."]},
               {"id": "dove", "exemplars": ["NATO provoked Russia by expanding.", "Ukraine shelled Russia."]}],
    "actors": [{"id": "russia", "aliases": ["Russia"]}, {"id": "nato", "aliases": ["NATO", "Ukraine"]}],
    "neutral": {"exemplars": ["Russia and NATO will meet in Geneva on Tuesday for talks.",
                              "Ukraine will hold a summit in Kyiv next month."]},
}
NEUTRAL_TEXTS = ["Russia and NATO will meet in Geneva for talks on Tuesday.", "Russia attacked Ukraine again.",
                 "NATO will hold talks in Geneva next month.", "NATO provoked Russia again by expanding."]


def test_neutrality_is_the_nearest_neutral_minus_the_nearest_frame_sentence():
    """Masked cosines: nearest [neutral] exemplar minus nearest frame exemplar or contrast sentence."""
    cb = load_codebook(NEUTRAL_CB)
    sc = StanceScorer(codebook=cb, embedder=SpanFakeEmbedder()).fit()
    emb = SpanFakeEmbedder()
    enc = lambda ts: emb.encode([stance._mask(t, cb) for t in ts])  # noqa: E731
    stance_side = [t for f in cb.frames for t in f.exemplars + f.contrast]
    M = enc(NEUTRAL_TEXTS)
    want = (M @ enc(cb.neutral).T).max(axis=1) - (M @ enc(stance_side).T).max(axis=1)
    got = sc.neutrality(NEUTRAL_TEXTS)
    np.testing.assert_allclose(got, want, atol=1e-5)
    assert got[0] > 0 > got[1]  # the meeting reads neutral, the attack does not


def test_the_neutral_test_only_removes_frames_and_says_so():
    cb = load_codebook(NEUTRAL_CB)
    kw = dict(codebook=cb, embedder=SpanFakeEmbedder(), min_relevance=None, min_masked_relevance=None,
              min_confidence=0.0)  # only the neutral test leaves a sentence unframed
    on, off = StanceScorer(**kw).fit(), StanceScorer(**kw, neutral_margin=None).fit()
    a, b = on.predict(NEUTRAL_TEXTS), off.predict(NEUTRAL_TEXTS)
    assert ((a == b) | (a == "none")).all()
    assert (b != "none").all() and a[0] == "none" and a[1] != "none"
    out = on.score(pd.DataFrame({"text": NEUTRAL_TEXTS}))
    assert out["none_reason"].iloc[0] == "neutral" and out["none_reason"].iloc[1] == ""
    # a margin nothing can exceed turns it off; one everything exceeds leaves nothing framed
    on.neutral_margin = 2.0
    np.testing.assert_array_equal(on.predict(NEUTRAL_TEXTS), b)
    on.neutral_margin = -2.0
    assert (on.predict(NEUTRAL_TEXTS) == "none").all()
    with pytest.raises(FramingError, match="neutral_margin"):
        StanceScorer(codebook=cb, embedder=SpanFakeEmbedder(), neutral_margin="wide").fit()


def test_a_codebook_without_neutral_exemplars_has_no_neutral_test():
    cb = dict(NEUTRAL_CB)
    del cb["neutral"]
    sc = StanceScorer(codebook=cb, embedder=SpanFakeEmbedder()).fit()
    off = StanceScorer(codebook=cb, embedder=SpanFakeEmbedder(), neutral_margin=None).fit()
    assert sc.masked_neutral_.shape[0] == 0
    np.testing.assert_array_equal(sc.predict(NEUTRAL_TEXTS), off.predict(NEUTRAL_TEXTS))
    with pytest.raises(FramingError, match=r"no neutral exemplars.*\[neutral\]"):
        sc.neutrality(NEUTRAL_TEXTS)


def test_a_v4_model_loads_without_the_neutral_test(tmp_path):
    import json

    cb = load_codebook(NEUTRAL_CB)
    sc = StanceScorer(codebook=cb, embedder=SpanFakeEmbedder(), min_relevance=None, min_masked_relevance=None).fit()
    new = StanceScorer.load(sc.save(tmp_path / "n"), codebook=cb, embedder=SpanFakeEmbedder())
    np.testing.assert_array_equal(new.masked_neutral_, sc.masked_neutral_)
    np.testing.assert_array_equal(new.predict(NEUTRAL_TEXTS), sc.predict(NEUTRAL_TEXTS))
    assert new.predict(NEUTRAL_TEXTS)[0] == "none"
    path = sc.save(tmp_path / "m")
    card = json.loads(path.read_text())
    card["format"] = "framing.stance/v4"
    del card["params"]["neutral_margin"]
    path.write_text(json.dumps(card))
    with np.load(tmp_path / "m.npz") as z:
        arrays = {k: z[k] for k in z.files if k not in ("masked_contrast", "masked_neutral")}
    np.savez(tmp_path / "m.npz", **arrays)
    old = StanceScorer.load(path, codebook=cb, embedder=SpanFakeEmbedder())
    assert old.neutral_margin is None and old.min_masked_relevance is None
    off = StanceScorer(codebook=cb, embedder=SpanFakeEmbedder(), min_relevance=None, min_masked_relevance=None,
                       neutral_margin=None).fit()
    np.testing.assert_array_equal(old.predict(NEUTRAL_TEXTS), off.predict(NEUTRAL_TEXTS))
    # saved again (now in the current format), it loads and predicts the same: no arrays it lacks are pickled
    again = StanceScorer.load(old.save(tmp_path / "again"), codebook=cb, embedder=SpanFakeEmbedder())
    assert again.masked_neutral_ is None and again.neutral_margin is None
    np.testing.assert_array_equal(again.predict(NEUTRAL_TEXTS), off.predict(NEUTRAL_TEXTS))


@pytest.mark.slow
def test_on_topic_reporting_without_a_stance_reads_neutral(real_embedder):
    """Meetings, talks and visits (not from any labelled set) get 'none' because of the neutral exemplars."""
    sc = StanceScorer(embedder=real_embedder).fit()
    off = StanceScorer(embedder=real_embedder, neutral_margin=None).fit()
    neutral = ["NATO leaders will gather in Washington in July for the alliance's 75th anniversary summit.",
               "Russian and Ukrainian negotiators will hold a second round of talks on Monday.",
               "Zelensky will travel to Brussels on Thursday to meet EU leaders."]
    on = ["Russia launched a massive missile attack on Ukrainian cities.", "NATO expansion threatens Russia's security.",
          "Sergei Lavrov reiterated that Moscow has no desire to attack Europe.",
          "The West provoked the war by arming Kyiv, the Kremlin said."]
    assert (off.predict(neutral) != "none").all()  # the other tests let them through ...
    assert (sc.neutrality(neutral) > sc.neutral_margin).all()
    assert (sc.score(pd.DataFrame({"text": neutral}))["none_reason"] == "neutral").all()  # ... this one does not
    assert (sc.neutrality(on) < 0).all()
    np.testing.assert_array_equal(sc.predict(on), off.predict(on))
    assert (sc.predict(on) != "none").all()


@pytest.mark.parametrize("text, speakers, not_speakers", [
    ("Officials said Russia attacked Kharkiv overnight.", [], ["Russia"]),  # what is reported, not who speaks
    ("Okafor told the crowd that NATO had chosen war.", [], ["NATO"]),  # lower case is not a name
    ("“We will respond,” said Russia's foreign ministry spokeswoman Maria Zakharova.", ["Russia"], []),
    ("“We will respond,” said Russian Foreign Minister Sergei Lavrov.", ["Sergei Lavrov"], []),
    ("According to the Kremlin, the strikes were defensive.", ["the Kremlin"], []),
    ("Moscow said NATO is provoking a war.", ["Moscow"], ["NATO"]),
])
def test_speaker_flags_follow_who_speaks(text, speakers, not_speakers):
    from framing.stance import speaker_mentions as stance_mentions

    flags = {text[a:b]: sp for a, b, _, sp in stance_mentions(text)}
    assert all(flags[s] for s in speakers), flags
    assert not any(flags[s] for s in not_speakers), flags


def test_fit_warns_about_exemplars_that_name_no_actor(fake_embedder):
    cb = {"frames": [{"id": "labour", "exemplars": ["The Union defends workers.", "Pay must rise."]},
                     {"id": "capital", "exemplars": ["The Company protects jobs.", "The Union blocks trains."]}],
          "actors": [{"id": "union", "aliases": ["the Union"]}, {"id": "firm", "aliases": ["the Company"]}]}
    with pytest.warns(UserWarning, match="frame 'labour': 1 of 2 exemplars name no actor"):
        stance.StanceScorer(codebook=cb, embedder=fake_embedder).fit()
    cb["frames"][0]["exemplars"][1] = "Pay at the Company must rise."
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every exemplar names an actor: no warning
        stance.StanceScorer(codebook=cb, embedder=fake_embedder).fit()


@pytest.mark.slow
def test_none_reason_says_why_a_sentence_got_none():
    """Each of the stance scorer's reasons for 'none', with the real model; framed sentences have none."""
    from framing.frames import score_frames

    s = pd.DataFrame({"text": ["Prices rose again in the spring.",  # names no actor
                               "The weather in Brussels was mild.",  # off topic (names an actor)
                               "NATO headquarters opened a new cafeteria.",  # on topic only through the name
                               "Russia launched missile strikes on Kyiv overnight."]})
    out = score_frames(s)
    assert out["none_reason"].tolist()[:3] == ["no actor", "off topic", "off topic without names"]
    assert out["frame"].iloc[3] == "western_threat" and out["none_reason"].iloc[3] == ""
    assert ((out["frame"] == "none") == (out["none_reason"] != "")).all()
    strict = stance.StanceScorer(min_confidence=0.9999).fit()
    low = strict.score(s.iloc[[3]])
    assert low["frame"].iloc[0] == "none" and low["none_reason"].iloc[0] == "low confidence"


# --------------------------------------------------------------------------- check_codebook

def _small_codebook():
    from framing.codebook import parse_codebook

    return parse_codebook({
        "id": "small",
        "frames": [
            {"id": "threat", "exemplars": ["Russia attacked Kyiv.", "Moscow threatens NATO.", "Russia shells Kharkiv.",
                                           "The Kremlin escalates the war."],
             "contrast": ["Kyiv attacked Russia.", "NATO threatens Moscow.", "Ukraine shells Belgorod.",
                          "NATO escalates the war."]},
            {"id": "defence", "exemplars": ["NATO provoked Russia.", "Russia defends itself.", "Kyiv started the war."]},
            {"id": "lonely", "exemplars": ["The Kremlin is lonely."]},
        ],
        "actors": [{"id": "russia", "aliases": ["Russia", "Moscow", "the Kremlin"]},
                   {"id": "west", "aliases": ["NATO", "Kyiv", "Ukraine"]}],
        "neutral": {"exemplars": ["NATO and Russia met in Geneva.", "Kyiv hosted a summit.", "Russia held talks."]},
    })


def test_check_codebook_holds_out_each_exemplar_with_its_contrast_pair_and_reads_it_back():
    from framing.stance import CHECK_COLUMNS, check_codebook, codebook_check_summary

    cb = _small_codebook()
    check = check_codebook(cb, SpanFakeEmbedder(), n_splits=3, random_state=1)
    assert list(check.columns) == CHECK_COLUMNS + ["threat", "defence", "lonely"]
    assert CHECK_COLUMNS[-2:] == ["relevance", "masked_relevance"]
    assert len(check) == 8 + 3 + 1 + 3
    pairs = check[check["frame"] == "threat"].groupby("pair")["fold"].nunique()
    assert (pairs == 1).all()  # an exemplar and its minimal pair are held out together
    # every frame keeps exemplars in every fold: no fold holds out a whole frame
    for f in ("threat", "defence"):
        folds = check.loc[(check["frame"] == f) & (check["kind"] == "exemplar"), "fold"]
        assert folds.nunique() == min(3, len(folds))
    lonely = check[check["frame"] == "lonely"]
    assert lonely["fold"].tolist() == [-1] and lonely["ok"].isna().all() and lonely["predicted"].isna().all()
    read = check[check["fold"] >= 0]
    assert read["ok"].notna().all() and read["predicted"].notna().all()
    assert read[["relevance", "masked_relevance"]].apply(lambda c: c.between(-1, 1)).all().all()
    off = read["none_reason"] == "off topic"  # the gate turned away exactly those below it
    assert (read.loc[off, "relevance"] < check.attrs["gates"]["min_relevance"]).all()
    ex = read[read["kind"] == "exemplar"]
    assert (ex["ok"] == (ex["predicted"] == ex["frame"])).all()
    co = read[read["kind"] == "contrast"]
    assert (co["ok"] == (co["predicted"] != co["frame"])).all()
    ne = read[read["kind"] == "neutral"]
    assert (ne["ok"] == (ne["predicted"] == "none")).all() and (ne["frame"] == "").all()
    summary = codebook_check_summary(check).set_index("frame")
    assert list(summary.index) == ["threat", "defence", "lonely", "[neutral]"]
    assert summary.at["threat", "own"] == pytest.approx((ex[ex["frame"] == "threat"]["ok"]).mean(), abs=1e-3)
    t = summary.loc["threat"]
    assert t["own"] + t["none"] + t["other"] == pytest.approx(1, abs=2e-3)
    assert summary.at["lonely", "n_exemplars"] == 0 and np.isnan(summary.at["lonely", "own"])
    assert summary.at["[neutral]", "n_neutral"] == 3
    # the same seed, the same folds and readings
    again = check_codebook(cb, SpanFakeEmbedder(), n_splits=3, random_state=1)
    pd.testing.assert_frame_equal(check, again)
    with pytest.raises(FramingError, match="n_splits"):
        check_codebook(cb, SpanFakeEmbedder(), n_splits=1)
    # audit21: a check written with --out and read back (neutral rows' frame NaN) gave a phantom frame row
    import io

    buf = io.StringIO()
    check.to_csv(buf, index=False)
    back = pd.read_csv(io.StringIO(buf.getvalue()))
    assert back["frame"].isna().sum() == 3
    pd.testing.assert_frame_equal(codebook_check_summary(back), codebook_check_summary(check), check_dtype=False)
    # and articles= (the CLI's --articles) is not a scorer parameter: one line that says what to do instead
    with pytest.raises(FramingError, match=r"check_codebook: unknown parameter 'articles'.*unmatched_names"):
        check_codebook(cb, SpanFakeEmbedder(), articles=pd.DataFrame({"text": ["x"]}))


@pytest.mark.slow
def test_check_codebook_reads_the_bundled_codebook_back_and_flags_a_frame_built_from_another_s_sentences():
    """The real model: the bundled frames come back as themselves; a frame whose exemplars are the other frame's
    minimal pairs reworded is the frame the check flags."""
    import dataclasses

    from framing.stance import check_codebook, codebook_check_summary

    from pathlib import Path

    cb = load_codebook()
    check = check_codebook(cb)
    summary = codebook_check_summary(check).set_index("frame")
    assert summary.loc[cb.frame_ids, "own"].min() >= 0.7, summary
    ex = check[check["kind"] == "exemplar"]
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8").split())
    assert f"The bundled codebook gets {int(ex['ok'].sum())} of {len(ex)} of its exemplars back" in readme
    assert summary.at["[neutral]", "neutral_ok"] >= 0.7
    # a third frame copying half of each frame's exemplars: it cannot be told from them
    wt, rd = cb.frames
    muddle = dataclasses.replace(wt, id="muddle", label="muddle", exemplars=wt.exemplars[::2] + rd.exemplars[::2],
                                 contrast=(), roles={})
    three = dataclasses.replace(cb, frames=(dataclasses.replace(wt, exemplars=wt.exemplars[1::2],
                                                                contrast=wt.contrast[1::2]),
                                            dataclasses.replace(rd, exemplars=rd.exemplars[1::2],
                                                                contrast=rd.contrast[1::2]), muddle))
    s3 = codebook_check_summary(check_codebook(three)).set_index("frame")
    assert s3.at["muddle", "own"] < 0.25 and s3.at["muddle", "other"] > 0.5  # read as the frames it copies
    assert s3.at["muddle", "own"] < min(s3.at["western_threat", "own"], s3.at["russian_defensive", "own"]) - 0.25


def test_suggest_gates_lowers_a_gate_only_as_far_as_the_codebook_s_own_exemplars_need():
    from framing.stance import MIN_MASKED_RELEVANCE, MIN_RELEVANCE, suggest_gates

    rel = np.linspace(0.10, 0.60, 11)  # 0.10, 0.15, ..., 0.60
    check = pd.DataFrame({"kind": ["exemplar"] * 11 + ["neutral"], "relevance": list(rel) + [0.0],
                          "masked_relevance": [0.9] * 11 + [0.0]})
    g = suggest_gates(check)
    assert g["n"] == 11
    assert g["min_relevance"] == pytest.approx(np.floor(np.quantile(rel, 0.1) * 100) / 100)  # 0.15
    assert g["min_masked_relevance"] == MIN_MASKED_RELEVANCE  # every exemplar passes already: unchanged
    assert sum(r >= g["min_relevance"] for r in rel) >= 0.9 * len(rel)
    assert suggest_gates(check, keep=0.5)["min_relevance"] == MIN_RELEVANCE  # half pass the default already
    check.attrs["gates"] = {"min_relevance": 0.12, "min_masked_relevance": None}  # what check_codebook used
    assert suggest_gates(check) == {"n": 11, "min_relevance": 0.12, "min_masked_relevance": None}
    with pytest.raises(FramingError, match="keep"):
        suggest_gates(check, keep=1.5)


def test_check_codebook_never_fits_on_a_held_out_sentence_or_its_contrast_pair(monkeypatch):
    """review20b: keeping the contrast pair or the neutral sentences in training, or skipping the hold-out, passed
    the other tests."""
    from framing.stance import check_codebook

    seen = []
    fit = StanceScorer.fit

    def spy(self, *a, **k):
        seen.append(self.codebook)
        return fit(self, *a, **k)

    monkeypatch.setattr(StanceScorer, "fit", spy)
    cb = _small_codebook()
    check = check_codebook(cb, SpanFakeEmbedder(), n_splits=3, random_state=2)
    assert len(seen) == 3
    for k, sub in enumerate(seen):
        held = check[check["fold"] == k]
        trained = {t for f in sub.frames for t in f.exemplars + f.contrast} | set(sub.neutral)
        assert not set(held["text"]) & trained
        kept = check[(check["fold"] != k)]
        assert set(kept["text"]) <= trained  # everything else is trained on
        for f in ("threat", "defence"):  # the pairs stay aligned: exemplar i with contrast i
            fr = sub.frame(f)
            assert not fr.contrast or len(fr.contrast) == len(fr.exemplars)


def test_unmatched_names_counts_names_no_alias_matches_in_sentences_without_an_actor():
    from framing.stance import unmatched_names

    cb = _small_codebook()
    sents = pd.DataFrame({"text": ["Zelensky met Macron in Paris on Monday.", "Zelensky spoke in Kyiv in March.",
                                   "Russia attacked Zelensky's convoy.", "The weather was fine."],
                          "none_reason": ["no actor", "no actor", "", "off topic"]})
    names = unmatched_names(sents, cb)
    counts = dict(zip(names["name"], names["n_sentences"]))
    assert counts["Zelensky"] == 2 and counts["Macron"] == 1 and counts["Paris"] == 1
    assert not {"Kyiv", "Monday", "March", "Russia"} & set(counts)  # an alias, calendar words, a framed sentence
    assert names["n_sentences"].is_monotonic_decreasing
    # unscored sentences: those in which no alias is found ("... in Kyiv" names the west)
    unscored = unmatched_names(sents.drop(columns="none_reason"), cb)
    assert dict(zip(unscored["name"], unscored["n_sentences"]))["Zelensky"] == 1
    assert "Weather" not in set(unscored["name"]) and len(unmatched_names(sents, cb, top=1)) == 1
    # an advert repeated in 3 articles is not a candidate alias (audit22: "SUN STORIES (20)", "Humic (20)")
    ads = pd.DataFrame({"article_id": ["a", "a", "b", "b", "c", "c"],
                        "text": ["Read more Sun Stories here.", "Zelensky met Macron.", "Read more Sun Stories here.",
                                 "It rained on Tuesday.", "Read more Sun Stories here.", "It snowed."],
                        "none_reason": ["no actor"] * 6})
    offered = set(unmatched_names(ads, cb)["name"])
    assert "Sun Stories" not in offered and {"Zelensky", "Macron"} <= offered, offered
    assert "Sun Stories" in set(unmatched_names(ads.drop(columns="article_id"), cb)["name"])
    # a multi-word name once, not its words too; an abbreviation with its final dot (audit20)
    more = pd.DataFrame({"text": ["The New York Post said the U.S. border is open.", "The U.S. waited."],
                         "none_reason": ["no actor", "no actor"]})
    counts = dict(zip(*unmatched_names(more, cb).to_dict("list").values()))
    assert counts.get("New York Post") == 1 and "New" not in counts and "York" not in counts
    assert counts.get("U.S.") == 2, counts
    # a word capitalised only first in a sentence and written in lower case elsewhere is no name (audit23-codebook:
    # "Disease (8)", "Anyone (6)" were offered as aliases); a name first in its sentence still is
    words = pd.DataFrame({"text": ["Disease spreads fast.", "The disease spreads.", "Orban met them.",
                                   "Anyone can see it.", "Ask anyone."], "none_reason": ["no actor"] * 5})
    offered = set(unmatched_names(words, cb)["name"])
    assert "Orban" in offered and not {"Disease", "Anyone"} & offered, offered
    # nor one that only opens sentences as a participle or adverb (audit24-readme: "Condemning"), while a name
    # that only opens sentences still is
    opening = pd.DataFrame({"text": ["Condemning the strike, they left.", "Reportedly the talks failed.",
                                     "Rutte spoke first.", "Kelly spoke next.", "Sterling fell.",
                                     "It was condemned and reported."], "none_reason": ["no actor"] * 6})
    offered = set(unmatched_names(opening, cb)["name"])
    assert offered == {"Rutte", "Kelly", "Sterling"}, offered  # review24: names that end like adverbs stay


def test_check_codebook_says_once_which_exemplars_name_no_actor():
    """audit20: the note came once per fold, with that fold's counts ('1 of 6', '1 of 5', ...)."""
    import dataclasses
    import warnings

    from framing.stance import check_codebook

    cb = _small_codebook()
    threat = cb.frames[0]
    bare = dataclasses.replace(threat, exemplars=threat.exemplars[:3] + ("Tanks rolled at dawn.",))
    cb = dataclasses.replace(cb, frames=(bare,) + cb.frames[1:])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_codebook(cb, SpanFakeEmbedder(), n_splits=3)
    notes = [str(w.message) for w in caught if "name no actor" in str(w.message)]
    assert len(notes) == 1 and "1 of 4 exemplars" in notes[0], notes


def test_actor_frames_flags_an_actor_whose_sentences_nearly_all_get_one_frame():
    """audit21: sentences calling the Afghanistan withdrawal "botched" that named Biden went mostly to the
    "ending the war" frame; nothing pointed at the actor deciding the frame."""
    from framing.stance import actor_frames

    cb = _small_codebook()
    actors = [a.id for a in cb.actors]
    alias = {a.id: (a.aliases[0] if a.aliases else a.label or a.id) for a in cb.actors}
    first, second = actors[:2]
    rows = ([{"text": f"{alias[first]} did it again.", "frame": "threat"}] * 9
            + [{"text": f"{alias[first]} said so.", "frame": "defence"}]
            + [{"text": f"{alias[second]} spoke.", "frame": f} for f in ["threat", "defence"] * 6]
            + [{"text": f"{alias[second]} and {alias[first]} met.", "frame": "none"}] * 5)
    t = actor_frames(pd.DataFrame(rows), cb).set_index("actor")
    assert t.at[first, "n_framed"] == 10 and t.at[first, "top_frame"] == "threat"
    assert t.at[first, "top_share"] == 0.9 and t.at[first, "top_count"] == 9 and bool(t.at[first, "flag"])
    assert t.at[second, "n_framed"] == 12 and not t.at[second, "flag"]  # split evenly
    assert not actor_frames(pd.DataFrame(rows), cb, min_framed=11).set_index("actor").at[first, "flag"]
    with pytest.raises(FramingError, match="expected the scored sentence table"):
        actor_frames(pd.DataFrame({"text": ["x"]}), cb)


def test_unmatched_names_are_shown_as_written_with_their_dots():
    """audit21c: "l.a county" was offered as an alias, which matches nothing; "L.A. County" does."""
    from framing.stance import unmatched_names

    names = unmatched_names(pd.DataFrame({"text": ["L.A. County plans to require proof of vaccination.",
                                                   "Officials in L.A. County said so."]}), None)
    assert names.iloc[0].tolist() == ["L.A. County", 2]
    st = unmatched_names(pd.DataFrame({"text": ["St. Louis officials met on Tuesday."]}), None)
    assert "St. Louis" in st["name"].tolist()  # review21e: "st louis" matched nothing


def test_unmatched_names_keeps_agency_names_whole():
    """Known gap (session 21): "Centers for Disease Control and Prevention" was offered as "Disease Control"."""
    from framing.stance import unmatched_names

    texts = ["The Centers for Disease Control and Prevention said on Monday.",
             "Officials at the Centers for Disease Control and Prevention disagreed.",
             "The Department of Homeland Security and Bank of England agreed.",
             "Health officials spoke to Dr Smith of Boston."]
    names = unmatched_names(pd.DataFrame({"text": texts}), None, top=30)
    counts = dict(zip(names["name"], names["n_sentences"]))
    assert counts.get("Centers for Disease Control and Prevention") == 2, counts
    assert "Disease Control" not in counts and "Prevention" not in counts
    # "and" between two agencies does not make one name; "of" after a person does not either
    assert {"Department of Homeland Security", "Bank of England"} <= set(counts), counts
    assert "Smith of Boston" not in counts and "Smith" in counts, counts
    from framing.stance import _joined_names

    assert _joined_names("Officials at the U.S. Department of State and the St. Louis Board of Education.") == [
        "u.s department of state", "st louis board of education"]  # written as named_things writes names
    assert _joined_names("He left Ukraine. Department of State staff stayed.") == ["department of state"]
    import framing.stance

    assert "*+" not in framing.stance._JOINED.pattern  # review22b: possessive quantifiers need Python 3.11
