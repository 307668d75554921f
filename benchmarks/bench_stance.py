"""Stance benchmark: the default StanceScorer vs the naive prototype baseline, same run.

Data: sentence labels western_threat / russian_defensive derived from the
human entity-role annotations of SemEval-2025 Task 10 (English train split
only), built by :mod:`benchmarks.stance_data`. Two label sets are reported:
``core`` (Russia cast as antagonist -> western_threat; Russia as
protagonist/innocent or the West/Ukraine as antagonist -> russian_defensive)
and ``all`` (``core`` plus the West/Ukraine cast as protagonist/innocent ->
western_threat; noisier).

Rows
----
prototype (codebook)
    cosine to each frame's mean exemplar; argmax.
stance (codebook) = the default
    :class:`framing.stance.StanceScorer` fitted on the codebook only; nothing
    is fitted on the eval set, so the whole set is a transfer test.
stance (fit, grouped CV)
    the same model fitted on the eval set's labelled sentences plus the
    codebook, 5-fold cross-validation grouped by article (3 seeds).

``bacc`` is the balanced accuracy over the two classes, argmax of the
frame scores (abstention off). ``bacc_none`` counts ``none`` as wrong (the
default abstention rule: no codebook actor in the sentence), ``coverage`` is
the share not abstained.
"""

from __future__ import annotations

import os
import warnings

import numpy as np


def _bacc(y, pred) -> float:
    from sklearn.metrics import recall_score

    labels = sorted(set(y))
    return float(np.mean([recall_score(np.asarray(y) == c, np.asarray(pred) == c) for c in labels]))


def main() -> int:
    warnings.filterwarnings("ignore")
    from benchmarks import stance_data

    df = stance_data.load()
    if df is None:
        print(f"skipped: data not found at {stance_data.DEFAULT_DIR / stance_data.SPLIT}; get it with {stance_data.GET}")
        return 0
    from sklearn.model_selection import StratifiedGroupKFold

    from framing.embed import get_embedder
    from framing.frames import PrototypeScorer
    from framing.stance import StanceScorer

    emb = get_embedder()
    texts = df["text"].tolist()
    y = df["label"].to_numpy()
    core = ~df["rules"].str.fullmatch(r"W\+").to_numpy()
    S = emb.encode(texts)
    rows = []

    def add(name, pred, labels_none=None, cov=None):
        for subset, m in (("core", core), ("all", np.ones(len(y), bool))):
            r = {"method": name, "labels": subset, "n": int(m.sum()), "bacc": _bacc(y[m], pred[m])}
            if labels_none is not None:
                r["bacc_none"] = _bacc(y[m], labels_none[m])
                r["coverage"] = float((labels_none[m] != "none").mean())
            rows.append(r)

    proto = PrototypeScorer(embedder=emb).fit()
    sc = proto.decision_function(S)
    add("prototype (codebook)", np.array(proto.frame_ids_)[sc.argmax(1)])

    st = StanceScorer(embedder=emb).fit()
    P, has = st.predict_proba(texts, S)
    labels, _ = st._assign(P, has)
    add("stance (codebook) [default]", np.array(st.frame_ids_)[P.argmax(1)], labels)

    g = df["article_id"].to_numpy()
    cv = []
    for seed in range(int(os.environ.get("STANCE_CV_SEEDS", "3"))):
        pred = np.empty(len(y), dtype=object)
        for tr, te in StratifiedGroupKFold(5, shuffle=True, random_state=seed).split(texts, y, g):
            m = StanceScorer(embedder=emb).fit(df.iloc[tr], y[tr], embeddings=S[tr])
            Pt, _ = m.predict_proba([texts[i] for i in te], S[te])
            pred[te] = np.array(m.frame_ids_)[Pt.argmax(1)]
        cv.append(pred)
    for subset, msk in (("core", core), ("all", np.ones(len(y), bool))):
        vals = [_bacc(y[msk], p[msk]) for p in cv]
        rows.append({"method": "stance (fit, grouped 5-fold CV)", "labels": subset, "n": int(msk.sum()),
                     "bacc": float(np.mean(vals)), "sd": float(np.std(vals))})

    print(f"stance benchmark: SemEval-2025 T10 EN train entity roles, {len(df)} sentences, "
          f"{df['article_id'].nunique()} articles; model {getattr(emb, 'model_id', emb)}")
    print(f"{'method':34s} {'labels':6s} {'n':>4s} {'bacc':>6s} {'bacc_none':>9s} {'coverage':>8s} {'cv_sd':>6s}")
    for r in rows:
        f = lambda k, w: (f"{r[k]:{w}.3f}" if k in r else " " * w)
        print(f"{r['method']:34s} {r['labels']:6s} {r['n']:4d} {r['bacc']:6.3f} {f('bacc_none', 9)} {f('coverage', 8)} {f('sd', 6)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
