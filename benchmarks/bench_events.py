"""Same-event grouping on AllSides story roundups: ARI of EventGrouper vs a naive title baseline.

Data: the AllSides roundups of the framing-bias-metric repository
(``data/raw_crawled/*.jsonl``): each story (an "issue") links a left, a
centre and a right article about the same event. Every article is given to
the grouper with the number of events *unknown*; the stories are the truth.

Protocol: stories are split in two halves by a seeded shuffle. Parameters
(the distance threshold of both methods, the channel weights of
EventGrouper) are chosen on the *tune* half; ARI is reported on the
disjoint *report* half, then the two halves swap roles (2-fold), so every
story is reported once by a model that never saw it. A threshold sweep on
the report half shows the sensitivity.

Set ``FRAMING_ALLSIDES`` to the repository folder to read it from elsewhere.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_DIR = Path("data/external/framing-bias-metric")
REPO = "https://github.com/nayeon7lee/framing-bias-metric"
_URL_DATE = re.compile(r"/(20\d\d)[/-](\d\d)[/-](\d\d)(?:/|\b)")


def data_dir() -> Path:
    return Path(os.environ.get("FRAMING_ALLSIDES", DEFAULT_DIR))


def load_allsides(root: Path | None = None, *, min_articles: int = 2) -> pd.DataFrame:
    """The AllSides articles as an article table plus ``story``.

    ``date`` comes from the article URL when it carries one (about 40% do);
    otherwise it is None, as in real corpora where dates are often missing.
    """
    root = Path(root) if root is not None else data_dir()
    files = sorted((root / "data" / "raw_crawled").glob("*.jsonl"))
    rows = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            news = r.get("news") or {}
            arts = []
            for side in ("left", "center", "right"):
                v = news.get(side)
                if not v or not v.get("newBody"):
                    continue
                title = (v.get("newsTitle") or "").strip()
                body = "\n\n".join(p.strip() for p in v["newBody"] if p and p.strip())
                m = _URL_DATE.search(v.get("newsLink") or "")
                date = f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None
                arts.append({
                    "article_id": f"{r['id']}-{side}", "title": title or None,
                    "text": f"{title}\n\n{body}" if title else body,
                    "source": v.get("newsSource"), "date": date, "story": str(r["id"]),
                })
            if len(arts) >= min_articles:
                rows.extend(arts)
    return pd.DataFrame(rows)


def _split(stories: np.ndarray, seed: int = 0) -> tuple[set, set]:
    uniq = np.array(sorted(set(stories)))
    rng = np.random.default_rng(seed)
    rng.shuffle(uniq)
    half = len(uniq) // 2
    return set(uniq[:half]), set(uniq[half:])


def run(articles: pd.DataFrame, *, embedder=None, seed: int = 0, dates: bool = True) -> dict:
    """Tune on one half, report on the other, both ways. Returns a dict of tables."""
    from sklearn.metrics import adjusted_rand_score as ari

    from framing.events import EventGrouper, article_features, baseline_groups, tune_event_grouper

    arts = articles.reset_index(drop=True).copy()
    if not dates:
        arts["date"] = None
    feats = article_features(arts, embedder=embedder)
    a, b = _split(arts["story"].to_numpy(), seed)
    folds = [(a, b), (b, a)]
    grid_t = np.round(np.arange(0.20, 0.71, 0.025), 3)
    rows, sens = [], []
    for k, (tune, rep) in enumerate(folds):
        ti = np.flatnonzero(arts["story"].isin(tune))
        ri = np.flatnonzero(arts["story"].isin(rep))
        y_t, y_r = arts["story"].to_numpy()[ti], arts["story"].to_numpy()[ri]
        # baseline: fixed threshold on title cosine (average linkage); the threshold tuned too
        best_b = max(grid_t, key=lambda t: ari(y_t, baseline_groups(feats["title"][ti], t)))
        # ours: weights and threshold tuned on the tune half
        grouper, _ = tune_event_grouper(arts.iloc[ti], y_t, features=_subset(feats, ti))
        lab = grouper.fit(arts.iloc[ri], features=_subset(feats, ri)).labels_
        rows.append({
            "fold": k, "n_articles": len(ri), "n_events": len(set(y_r)),
            "baseline@0.5": ari(y_r, baseline_groups(feats["title"][ri], 0.5)),
            f"baseline@tuned": ari(y_r, baseline_groups(feats["title"][ri], best_b)),
            "baseline_t": best_b,
            "ours": ari(y_r, lab), "ours_t": grouper.threshold, "ours_events": len(set(lab)),
            "weights": grouper.weights,
        })
        for t in grid_t:
            g = EventGrouper(threshold=float(t), weights=grouper.weights, date_window=grouper.date_window)
            sens.append({"fold": k, "threshold": t,
                         "ours": ari(y_r, g.fit(arts.iloc[ri], features=_subset(feats, ri)).labels_),
                         "baseline": ari(y_r, baseline_groups(feats["title"][ri], t))})
    return {"folds": pd.DataFrame(rows), "sensitivity": pd.DataFrame(sens)}


def _subset(feats: dict, idx: np.ndarray) -> dict:
    out = {}
    for k, v in feats.items():
        if isinstance(v, np.ndarray):
            out[k] = v[idx]
        elif isinstance(v, list):
            out[k] = [v[i] for i in idx]
        else:
            out[k] = v
    return out


def main(argv=None) -> None:
    root = data_dir()
    if not (root / "data" / "raw_crawled").is_dir() or not list((root / "data" / "raw_crawled").glob("*.jsonl")):
        print(f"skipped: data not found at {root}/data/raw_crawled; get it with "
              f"git clone {REPO} {DEFAULT_DIR}")
        return
    arts = load_allsides(root)
    print(f"same-event grouping: {arts['story'].nunique()} AllSides stories, {len(arts)} articles "
          f"({sum(arts['date'].notna())} with a URL date); number of events unknown; ARI, 2-fold tune/report")
    for dates in (True, False):
        res = run(arts, dates=dates)
        f = res["folds"]
        print(f"\n-- dates {'used when present' if dates else 'ignored'}")
        print(f[["fold", "n_articles", "n_events", "baseline@0.5", "baseline@tuned", "baseline_t",
                 "ours", "ours_t", "ours_events"]].to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        print(f"mean ARI: baseline@0.5 {f['baseline@0.5'].mean():.3f}  baseline@tuned {f['baseline@tuned'].mean():.3f}"
              f"  ours {f['ours'].mean():.3f}")
        print("weights chosen:", "; ".join(str(w) for w in f["weights"]))
        s = res["sensitivity"].groupby("threshold")[["ours", "baseline"]].mean().reset_index()
        print("threshold sensitivity (report halves, mean ARI; ours keeps its tuned weights):")
        print(s.to_string(index=False, float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main(sys.argv[1:])
