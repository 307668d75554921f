"""Same-event grouping on AllSides story roundups: ARI of EventGrouper vs a naive title baseline.

Data: the AllSides roundups of the framing-bias-metric repository
(``data/raw_crawled/*.jsonl``): each story (an "issue") links a left, a
centre and a right article about the same event. Every article is given to
the grouper with the number of events *unknown*; the stories are the truth.

Protocol: stories are split in two halves by a seeded shuffle. Parameters
(the distance threshold of both methods; the channel weights, date window
and local scaling of EventGrouper) are chosen on the *tune* half; ARI is
reported on the disjoint *report* half, then the two halves swap roles
(2-fold), so every story is reported once by a model that never saw it.
ARI is reported on the whole report half at once (~250 events in ~740
articles), on blocks of 20 stories (~60 articles, a typical collection)
on blocks of 5 stories (~15 articles), and on single-topic collections:
all the articles of one AllSides topic (Coronavirus, Immigration, ...) in
the report half, for each topic with at least TOPIC_MIN_STORIES stories in
the data and 3 in the half (a researcher who collected one topic over
months), their ARI weighted by articles. A threshold sweep on the report
half shows the sensitivity.
Ablations: the same tuned settings without the outlet penalty and with a
hard date penalty; and the grouper without the mutual-neighbour bonus,
tuned the same way (the previous method).

Absolute floor (``min_similarity``): the grouper is tuned without it, then
the floor is chosen on the *tune* half alone: of the floors in FLOOR_GRID
whose ARI on the whole tune half and on its blocks of 20 stories stays
within FLOOR_TOLERANCE of the no-floor ARI, the one with the best ARI on
the tune half's "sparse stories" version (ties to the higher floor). Both groupers, with and without the
floor, are reported on the report half in the same run.

Sparse stories (the situation of a corpus where most articles have no
partner story): from the report half, all articles of SPARSE_SHARE of the
stories and one article (seeded) of every other story; grouped with the
number of events unknown, as a whole and in blocks of 50 stories (~70
articles). Besides ARI, the number of false multi-article groups (groups
of two or more articles that mix stories) out of all multi-article groups.

Extra held-out check: the AllSides "probe" set of the same repository
(``data/naacl2022_lrc_roundup_random_order_probe/train.source``, three
articles per story, no outlets, no dates); only stories none of whose titles
occur in ``raw_crawled``, 250 of them drawn with a fixed seed, grouped with the
*default* parameters of :class:`framing.events.EventGrouper` (nothing tuned on
them). The probe's val/test files are never read.

The outlet of each article (``source``) is given to the grouper (a user has
it too); the story ids are not.

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
REPO = "https://github.com/HLTCHKUST/framing-bias-metric"
_URL_DATE = re.compile(r"/(20\d\d)[/-](\d\d)[/-](\d\d)(?:/|\b)")


def data_dir() -> Path:
    return Path(os.environ.get("FRAMING_ALLSIDES", DEFAULT_DIR))


def load_allsides(root: Path | None = None, *, min_articles: int = 2) -> pd.DataFrame:
    """The AllSides articles as an article table plus ``story``, ``side`` (left, center or right, AllSides'
    rating of the outlet), ``topic`` (AllSides' topic of the story) and ``story_title``.

    ``date`` comes from the article URL when it carries one (about 40% do);
    otherwise it is None, as in real corpora where dates are often missing. (The story's own date is left
    out on purpose: every article of a story would share it, and grouping by it would read the answer.)
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
                    "side": side, "topic": r.get("topic"), "story_title": r.get("issue"),
                })
            if len(arts) >= min_articles:
                rows.extend(arts)
    return pd.DataFrame(rows)


# A small grid around what a full search (framing.events.tune_event_grouper's default grid) picks,
# so that the benchmark runs in a few minutes.
WEIGHT_GRID = [{"title": 1.0, "lead": wl, "body": 1.0, "names": wn, "words": ww}
               for wl in (0.0, 1.0) for wn in (0.5, 1.0) for ww in (2.0, 4.0)]


# the floors tried on the tune halves, and how much tune ARI (whole half) a floor may cost
FLOOR_GRID = tuple(float(x) for x in np.round(np.arange(0.15, 0.351, 0.025), 3))
FLOOR_TOLERANCE = 0.005
SPARSE_SHARE = 0.2
TOPIC_MIN_STORIES = 6  # single-topic collections: topics with at least this many stories in the data


def sparse_stories(stories: np.ndarray, share: float = SPARSE_SHARE, seed: int = 0) -> np.ndarray:
    """Row positions: every article of ``share`` of the stories (seeded), one article of each other story."""
    rng = np.random.default_rng(seed)
    uniq = np.array(sorted(set(stories)))
    full = set(rng.choice(uniq, max(1, int(round(share * len(uniq)))), replace=False).tolist())
    keep = []
    for st in uniq:
        idx = np.flatnonzero(stories == st)
        keep.extend(idx.tolist() if st in full else [int(rng.choice(idx))])
    return np.sort(np.array(keep, dtype=np.int64))


def false_groups(stories, labels) -> tuple[int, int]:
    """(groups of 2+ articles that mix stories, all groups of 2+ articles)."""
    df = pd.DataFrame({"y": np.asarray(stories), "g": np.asarray(labels)})
    by = df.groupby("g")["y"]
    multi = by.size() > 1
    return int((multi & (by.nunique() > 1)).sum()), int(multi.sum())


PROBE = Path("data") / "naacl2022_lrc_roundup_random_order_probe" / "train.source"
_PROBE_ARTICLE = re.compile(r"\s*TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)", re.S)


def load_probe(root: Path | None = None, *, exclude_titles=(), n_stories: int = 250, seed: int = 0) -> pd.DataFrame:
    """Stories of the probe train split as an article table plus ``story`` (no source, no date).

    Stories with a title in ``exclude_titles`` (compared lower-cased) are
    dropped; ``n_stories`` of the rest are drawn with ``seed``. Empty when the
    file is missing.
    """
    root = Path(root) if root is not None else data_dir()
    path = root / PROBE
    if not path.is_file():
        return pd.DataFrame(columns=["article_id", "title", "text", "date", "story"])
    seen = {t.strip().lower() for t in exclude_titles if isinstance(t, str)}
    rows = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        arts = []
        for k, part in enumerate(line.split("[SEP]")):
            m = _PROBE_ARTICLE.match(part.strip())
            if not m:
                continue
            title, body = m.group(1).strip(), m.group(2).strip()
            arts.append({"article_id": f"p{i}-{k}", "title": title, "text": f"{title}\n\n{body}", "date": None,
                         "story": f"p{i}"})
        if len(arts) >= 2 and not any(a["title"].lower() in seen for a in arts):
            rows.extend(arts)
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    pick = np.random.default_rng(seed).choice(sorted(df["story"].unique()), min(n_stories, df["story"].nunique()),
                                              replace=False)
    return df[df["story"].isin(pick)].reset_index(drop=True)


def run_probe(probe: pd.DataFrame, baseline_t: float, *, embedder=None, block: int = 20) -> dict:
    """Default EventGrouper (and the grouper without the mutual bonus at the old default threshold 1.0) on the probe."""
    from sklearn.metrics import adjusted_rand_score as ari

    from framing.events import EventGrouper, article_features, baseline_groups

    feats = article_features(probe, embedder=embedder)
    y = probe["story"].to_numpy()
    old = EventGrouper(threshold=1.0, mutual_bonus=0.0)
    out = {"n_articles": len(probe), "n_events": len(set(y)),
           "baseline@0.5": ari(y, baseline_groups(feats["title"], 0.5)),
           "baseline@t": ari(y, baseline_groups(feats["title"], baseline_t)), "baseline_t": baseline_t,
           "ours": ari(y, EventGrouper().fit(probe, features=feats).labels_),
           "ours_no_floor": ari(y, EventGrouper(min_similarity=None).fit(probe, features=feats).labels_),
           "ours_no_mutual@1.0": ari(y, old.fit(probe, features=feats).labels_)}
    bo, bn, bb = [], [], []
    for stories in _blocks(y, block, 0):
        bi = np.flatnonzero(np.isin(y, stories))
        bo.append(ari(y[bi], EventGrouper().fit(probe.iloc[bi], features=_subset(feats, bi)).labels_))
        bn.append(ari(y[bi], EventGrouper(min_similarity=None).fit(probe.iloc[bi], features=_subset(feats, bi)).labels_))
        bb.append(ari(y[bi], baseline_groups(feats["title"][bi], baseline_t)))
    out.update({"blocks_ours": float(np.mean(bo)), "blocks_ours_no_floor": float(np.mean(bn)),
                "blocks_baseline@t": float(np.mean(bb)), "n_blocks": len(bo)})
    return out


def loose_stories(table: pd.DataFrame, stories: np.ndarray) -> tuple[int, int, int, int]:
    """How the report's "loose story" check (framing.report._is_loose) fares.

    ``table`` is :meth:`EventGrouper.table`; ``stories`` the true story of each of its rows. Returns the
    groups of several articles that are loose, those of them that mix true stories, all groups of several
    articles, and all of them that mix stories.
    """
    from framing.report import _is_loose

    t = table.assign(story=np.asarray(stories))
    multi = t[t["event_size"] > 1].groupby("event_id").agg(sim=("similarity", "mean"), n=("story", "nunique"))
    loose = multi["sim"].map(_is_loose)  # the report's own rule
    mixed = multi["n"] > 1
    return int(loose.sum()), int((loose & mixed).sum()), len(multi), int(mixed.sum())


def _split(stories: np.ndarray, seed: int = 0) -> tuple[set, set]:
    uniq = np.array(sorted(set(stories)))
    rng = np.random.default_rng(seed)
    rng.shuffle(uniq)
    half = len(uniq) // 2
    return set(uniq[:half]), set(uniq[half:])


def _blocks(stories: np.ndarray, size: int, seed: int) -> list[np.ndarray]:
    """Disjoint random groups of ``size`` stories (a user's collection of a few dozen articles)."""
    uniq = np.array(sorted(set(stories)))
    np.random.default_rng(seed).shuffle(uniq)
    return [uniq[i:i + size] for i in range(0, len(uniq) - size + 1, size)]


def run(articles: pd.DataFrame, *, embedder=None, seed: int = 0, dates: bool = True, block: int = 20) -> dict:
    """Tune on one half, report on the other, both ways. Returns a dict of tables."""
    from sklearn.metrics import adjusted_rand_score as ari

    from framing.events import EventGrouper, article_features, baseline_groups, tune_event_grouper

    arts = articles.reset_index(drop=True).copy()
    if not dates:
        arts["date"] = None
    feats = article_features(arts, embedder=embedder)
    y_all = arts["story"].to_numpy()
    a, b = _split(y_all, seed)
    folds = [(a, b), (b, a)]
    grid_b = np.round(np.arange(0.20, 0.71, 0.025), 3)
    rows, sens = [], []
    for k, (tune, rep) in enumerate(folds):
        ti = np.flatnonzero(arts["story"].isin(tune))
        ri = np.flatnonzero(arts["story"].isin(rep))
        y_t, y_r = y_all[ti], y_all[ri]
        # baseline: fixed threshold on title cosine (average linkage); the threshold tuned too
        best_b = max(grid_b, key=lambda t: ari(y_t, baseline_groups(feats["title"][ti], t)))
        nofloor, _ = tune_event_grouper(arts.iloc[ti], y_t, features=_subset(feats, ti), weight_grid=WEIGHT_GRID,
                                        date_windows=(None, 3.0) if dates else (None,), neighbors=(0, 3, 5),
                                        min_similarity=None)
        # the floor, chosen on the tune half alone (see the module docstring)
        tsp = ti[sparse_stories(y_t, seed=100 + seed + k)]

        def with_floor(f):
            return EventGrouper(**{**nofloor.get_params(), "embedder": None, "min_similarity": f})

        def tune_scores(f):
            g = with_floor(f)
            blocks = [ari(y_all[bi], g.fit(arts.iloc[bi], features=_subset(feats, bi)).labels_)
                      for stories in _blocks(y_t, block, seed + k) for bi in [ti[np.isin(y_t, stories)]]]
            return (ari(y_t, g.fit(arts.iloc[ti], features=_subset(feats, ti)).labels_),
                    ari(y_all[tsp], g.fit(arts.iloc[tsp], features=_subset(feats, tsp)).labels_),
                    float(np.mean(blocks)))

        base_whole, base_sparse, base_blocks = tune_scores(None)
        scores = {f: tune_scores(float(f)) for f in FLOOR_GRID}
        ok = [f for f in FLOOR_GRID if scores[f][0] >= base_whole - FLOOR_TOLERANCE
              and scores[f][2] >= base_blocks - FLOOR_TOLERANCE]
        floor = max(ok, key=lambda f: (round(scores[f][1], 6), f)) if ok else None
        grouper = with_floor(None if floor is None else float(floor))
        lab = grouper.fit(arts.iloc[ri], features=_subset(feats, ri)).labels_
        loose = loose_stories(grouper.table(), y_r)
        nofloor_lab = nofloor.fit(arts.iloc[ri], features=_subset(feats, ri)).labels_
        # sparse stories on the report half: whole, and blocks of 50 stories
        rsp = ri[sparse_stories(y_r, seed=200 + seed + k)]
        sp = {}
        for name, fit in (("ours", lambda i: grouper.fit(arts.iloc[i], features=_subset(feats, i)).labels_),
                          ("ours_no_floor", lambda i: nofloor.fit(arts.iloc[i], features=_subset(feats, i)).labels_),
                          ("baseline", lambda i: baseline_groups(feats["title"][i], best_b))):
            lab_sp = fit(rsp)
            if name == "ours":  # the grouper is now fitted on the sparse half
                sp["sparse_loose"] = loose_stories(grouper.table(), y_all[rsp])
            fg, mg = false_groups(y_all[rsp], lab_sp)
            blk = []
            for stories in _blocks(y_all[rsp], 50, seed + k):
                bi = rsp[np.isin(y_all[rsp], stories)]
                blk.append(ari(y_all[bi], fit(bi)))
            sp.update({f"sparse_{name}": ari(y_all[rsp], lab_sp), f"sparse_{name}_false": fg,
                       f"sparse_{name}_multi": mg, f"sparse_blocks_{name}": float(np.mean(blk))})
        # the same tuned settings on small collections: blocks of `block` stories of the report half
        blk_ours, blk_base, small_ours, small_base = [], [], [], []
        blk_nofloor, small_nofloor = [], []
        for stories in _blocks(y_r, block, seed + k):
            bi = np.flatnonzero(arts["story"].isin(stories))
            blk_ours.append(ari(y_all[bi], grouper.fit(arts.iloc[bi], features=_subset(feats, bi)).labels_))
            blk_nofloor.append(ari(y_all[bi], nofloor.fit(arts.iloc[bi], features=_subset(feats, bi)).labels_))
            blk_base.append(ari(y_all[bi], baseline_groups(feats["title"][bi], best_b)))
        # one topic each: the articles of one AllSides topic in the report half
        topic_ours, topic_base, topic_old, topic_n = [], [], [], []
        # the alternative: local scaling from 10 articles (the default starts at 30; a constant below)
        old = EventGrouper(**{**grouper.get_params(), "embedder": None, "min_articles": 10})
        if "topic" in arts.columns:
            n_stories = arts.drop_duplicates("story")["topic"].value_counts()
            r_topic = arts["topic"].to_numpy()[ri]
            for topic in sorted(set(t for t in r_topic if isinstance(t, str))):
                bi = ri[r_topic == topic]
                if n_stories.get(topic, 0) < TOPIC_MIN_STORIES or len(set(y_all[bi])) < 3:
                    continue
                topic_ours.append(ari(y_all[bi], grouper.fit(arts.iloc[bi], features=_subset(feats, bi)).labels_))
                topic_base.append(ari(y_all[bi], baseline_groups(feats["title"][bi], best_b)))
                topic_old.append(ari(y_all[bi], old.fit(arts.iloc[bi], features=_subset(feats, bi)).labels_))
                topic_n.append(len(bi))
        # tiny collections (5 stories, ~15 articles)
        for stories in _blocks(y_r, 5, seed + k):
            bi = np.flatnonzero(arts["story"].isin(stories))
            small_ours.append(ari(y_all[bi], grouper.fit(arts.iloc[bi], features=_subset(feats, bi)).labels_))
            small_nofloor.append(ari(y_all[bi], nofloor.fit(arts.iloc[bi], features=_subset(feats, bi)).labels_))
            small_base.append(ari(y_all[bi], baseline_groups(feats["title"][bi], best_b)))
        # ablation: the same tuned settings without the outlet penalty and with the old hard date penalty
        plain = EventGrouper(**{**grouper.get_params(), "embedder": None, "date_penalty": 1.0, "source_penalty": 0.0})
        plain_lab = plain.fit(arts.iloc[ri], features=_subset(feats, ri)).labels_
        # the previous method: no mutual-neighbour bonus, tuned the same way
        nomut, _ = tune_event_grouper(arts.iloc[ti], y_t, features=_subset(feats, ti), weight_grid=WEIGHT_GRID,
                                      date_windows=(None, 3.0) if dates else (None,), neighbors=(0, 3, 5),
                                      mutual_bonus=0.0, min_similarity=None)
        nomut_lab = nomut.fit(arts.iloc[ri], features=_subset(feats, ri)).labels_
        nomut_blk = [ari(y_all[bi], nomut.fit(arts.iloc[bi], features=_subset(feats, bi)).labels_)
                     for stories in _blocks(y_r, block, seed + k)
                     for bi in [np.flatnonzero(arts["story"].isin(stories))]]
        rows.append({
            "fold": k, "ours_no_penalties": ari(y_r, plain_lab), "ours_no_mutual": ari(y_r, nomut_lab),
            "blocks_no_mutual": float(np.mean(nomut_blk)), "n_articles": len(ri), "n_events": len(set(y_r)),
            "baseline@0.5": ari(y_r, baseline_groups(feats["title"][ri], 0.5)),
            "baseline@tuned": ari(y_r, baseline_groups(feats["title"][ri], best_b)),
            "baseline_t": best_b,
            "ours": ari(y_r, lab), "loose": loose, "ours_t": grouper.threshold, "ours_events": len(set(lab)),
            "floor": floor, "ours_no_floor": ari(y_r, nofloor_lab), "blocks_no_floor": float(np.mean(blk_nofloor)),
            "small_no_floor": float(np.mean(small_nofloor)), **sp,
            "floor_tune": {float(f): tuple(round(x, 3) for x in v) for f, v in scores.items()},
            "floor_tune_base": (round(base_whole, 3), round(base_sparse, 3), round(base_blocks, 3)),
            "blocks_baseline": float(np.mean(blk_base)), "blocks_ours": float(np.mean(blk_ours)),
            "n_blocks": len(blk_ours),
            "small_baseline": float(np.mean(small_base)), "small_ours": float(np.mean(small_ours)),
            "topic_baseline": float(np.average(topic_base, weights=topic_n)) if topic_n else np.nan,
            "topic_ours": float(np.average(topic_ours, weights=topic_n)) if topic_n else np.nan,
            "topic_min10": float(np.average(topic_old, weights=topic_n)) if topic_n else np.nan,
            "n_topics": len(topic_n),
            "settings": {**grouper.weights, "date_window": grouper.date_window, "neighbors": grouper.neighbors},
        })
        for d in np.round(np.arange(-0.15, 0.151, 0.025), 3):
            t = float(grouper.threshold + d)
            g = EventGrouper(**{**grouper.get_params(), "threshold": t, "embedder": None})
            g0 = EventGrouper(**{**nomut.get_params(), "threshold": float(nomut.threshold + d), "embedder": None})
            sens.append({"fold": k, "offset": d,
                         "ours": ari(y_r, g.fit(arts.iloc[ri], features=_subset(feats, ri)).labels_),
                         "ours_no_mutual": ari(y_r, g0.fit(arts.iloc[ri], features=_subset(feats, ri)).labels_),
                         "baseline": ari(y_r, baseline_groups(feats["title"][ri], best_b + d))})
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


def blockwise_check(arts: pd.DataFrame) -> None:
    """The blockwise path (EventGrouper from BLOCKWISE_MIN_ARTICLES articles on) against the dense one on all
    the articles, default settings: the same labels and table, with time and peak traced memory of each."""
    import time
    import tracemalloc

    import framing.events as ev

    feats = ev.article_features(arts)
    got = {}
    for name, at in (("dense", len(arts) + 1), ("blockwise", 1)):
        old = ev.BLOCKWISE_MIN_ARTICLES
        ev.BLOCKWISE_MIN_ARTICLES = at
        try:
            tracemalloc.start()
            t0 = time.perf_counter()
            g = ev.EventGrouper().fit(arts, features=feats)
            table = g.table()
            secs = time.perf_counter() - t0
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        finally:
            ev.BLOCKWISE_MIN_ARTICLES = old
        got[name] = (table, secs, peak)
    same = got["dense"][0].equals(got["blockwise"][0])
    print(f"blockwise grouping (used from {ev.BLOCKWISE_MIN_ARTICLES:,} articles on), on all {len(arts)} articles: "
          f"the same events and table as the dense path: {same}; dense {got['dense'][1]:.1f} s, peak "
          f"{got['dense'][2]:.0f} MB traced; blockwise {got['blockwise'][1]:.1f} s, {got['blockwise'][2]:.0f} MB")


def copies_check(arts: pd.DataFrame, share: float = 0.2, seed: int = 0) -> None:
    """Syndicated copies: ``share`` of the articles again, under another outlet and without their last paragraph
    (a near copy). ARI of the original articles with copies counted once (the default) and counted as any other
    article (``copy_similarity=None``), against the ARI without copies; default settings, all articles."""
    from sklearn.metrics import adjusted_rand_score as ari

    import framing.events as ev

    rng = np.random.default_rng(seed)
    pick = rng.choice(len(arts), int(share * len(arts)), replace=False)
    copies = arts.iloc[pick].assign(
        article_id=lambda d: "copy-" + d["article_id"].astype(str), source="Reprint",
        text=lambda d: d["text"].map(lambda t: t.rsplit("\n\n", 1)[0] if "\n\n" in t.strip() else t))
    both = pd.concat([arts, copies], ignore_index=True)
    y, n = arts["story"].to_numpy(), len(arts)
    feats = ev.article_features(both)
    clean = ari(y, ev.EventGrouper().fit(arts, features=_subset(feats, np.arange(n))).labels_)
    once = ev.EventGrouper().fit(both, features=feats)
    twice = ev.EventGrouper(copy_similarity=None).fit(both, features=feats)
    print(f"near copies ({share:.0%} of the articles again, another outlet, last paragraph cut), ARI of the "
          f"{n} originals: without copies {clean:.3f}; with copies counted once (default) "
          f"{ari(y, once.labels_[:n]):.3f}, counted as other articles {ari(y, twice.labels_[:n]):.3f}; "
          f"{int((once.copy_of_[n:] >= 0).sum())} of {len(copies)} copies found")


def main(argv=None) -> None:
    root = data_dir()
    if not (root / "data" / "raw_crawled").is_dir() or not list((root / "data" / "raw_crawled").glob("*.jsonl")):
        print(f"skipped: data not found at {root}/data/raw_crawled; get it with "
              f"git clone {REPO} {DEFAULT_DIR}")
        return
    arts = load_allsides(root)
    print(f"same-event grouping: {arts['story'].nunique()} AllSides stories, {len(arts)} articles "
          f"({sum(arts['date'].notna())} with a URL date); number of events unknown; ARI, 2-fold tune/report")
    blockwise_check(arts)
    copies_check(arts)
    for dates in (True, False):
        res = run(arts, dates=dates)
        f = res["folds"]
        print(f"\n-- dates {'used when present' if dates else 'ignored'}")
        print(f[["fold", "n_articles", "n_events", "baseline@0.5", "baseline@tuned", "baseline_t",
                 "ours", "ours_t", "ours_events", "blocks_baseline", "blocks_ours", "small_baseline", "small_ours"]]
              .to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        print(f"mean ARI, whole report half: baseline@0.5 {f['baseline@0.5'].mean():.3f}  "
              f"baseline@tuned {f['baseline@tuned'].mean():.3f}  ours {f['ours'].mean():.3f} "
              f"(per fold {', '.join(f'{x:.3f}' for x in f['ours'])})")
        print(f"  floor chosen on the tune halves: {', '.join(str(x) for x in f['floor'])}; without the floor "
              f"(the previous grouper): whole {f['ours_no_floor'].mean():.3f} (per fold "
              f"{', '.join(f'{x:.3f}' for x in f['ours_no_floor'])}), blocks of 20 {f['blocks_no_floor'].mean():.3f}, "
              f"blocks of 5 {f['small_no_floor'].mean():.3f}")
        for _, r in f.iterrows():
            print(f"  fold {r['fold']} tune half, ARI (whole, sparse, blocks of 20) without floor {r['floor_tune_base']}; "
                  "by floor: " + ", ".join(f"{k}: {v[0]:.3f}/{v[1]:.3f}/{v[2]:.3f}" for k, v in r["floor_tune"].items()))
        print(f"sparse stories (report half: all articles of {SPARSE_SHARE:.0%} of the stories, one of each other; "
              f"number of events unknown):")
        for name, label in (("baseline", "baseline@tuned"), ("ours_no_floor", "ours, no floor"), ("ours", "ours")):
            print(f"  {label:15s} ARI whole {f[f'sparse_{name}'].mean():.3f} (per fold "
                  f"{', '.join(f'{x:.3f}' for x in f[f'sparse_{name}'])}), blocks of 50 stories "
                  f"{f[f'sparse_blocks_{name}'].mean():.3f}; false multi-article groups "
                  f"{' + '.join(str(int(x)) for x in f[f'sparse_{name}_false'])} of "
                  f"{' + '.join(str(int(x)) for x in f[f'sparse_{name}_multi'])}")
        for key, label in (("loose", "whole report half"), ("sparse_loose", "sparse stories")):
            n_l, mix_l, n_m, mix_m = (sum(int(v[i]) for v in f[key]) for i in range(4))
            print(f"loose stories ({label}, both folds; mean similarity below the report's check): {n_l} of {n_m} "
                  f"groups of several articles; {mix_l} of them mix stories ({mix_l / max(n_l, 1):.0%}), against "
                  f"{mix_m - mix_l} of the other {n_m - n_l} ({(mix_m - mix_l) / max(n_m - n_l, 1):.0%}) and "
                  f"{mix_m} of all {n_m} ({mix_m / max(n_m, 1):.0%})")
        print(f"  ablation, same settings without outlet penalty and with a hard date penalty: "
              f"{f['ours_no_penalties'].mean():.3f}")
        print(f"  ablation, without the mutual-neighbour bonus (tuned the same way): whole "
              f"{f['ours_no_mutual'].mean():.3f} (per fold {', '.join(f'{x:.3f}' for x in f['ours_no_mutual'])}), "
              f"blocks of 20 {f['blocks_no_mutual'].mean():.3f}")
        print(f"mean ARI, blocks of 20 stories: baseline@tuned {f['blocks_baseline'].mean():.3f}  "
              f"ours {f['blocks_ours'].mean():.3f}")
        print(f"mean ARI, blocks of 5 stories: baseline@tuned {f['small_baseline'].mean():.3f}  "
              f"ours {f['small_ours'].mean():.3f}")
        print(f"mean ARI, single-topic collections ({int(f['n_topics'].sum())} topic blocks over both report "
              f"halves, weighted by articles): baseline@tuned {f['topic_baseline'].mean():.3f}  "
              f"ours {f['topic_ours'].mean():.3f} (per fold {', '.join(f'{x:.3f}' for x in f['topic_ours'])}); "
              f"with local scaling from 10 articles (min_articles=10) {f['topic_min10'].mean():.3f} (per fold "
              f"{', '.join(f'{x:.3f}' for x in f['topic_min10'])})")
        print("settings chosen per fold:", "; ".join(str(w) for w in f["settings"]))
        s = res["sensitivity"].groupby("offset")[["ours", "ours_no_mutual", "baseline"]].mean().reset_index()
        print("threshold sensitivity (whole report half, mean ARI, threshold = tuned + offset):")
        print(s.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        if dates:
            baseline_t = float(f["baseline_t"].mean())
    probe = load_probe(root, exclude_titles=arts["title"])
    if probe.empty:
        print(f"\nextra held-out check skipped: {root / PROBE} not found")
        return
    p = run_probe(probe, baseline_t)
    print(f"\n-- extra held-out check: probe train.source, {p['n_events']} stories not in raw_crawled, "
          f"{p['n_articles']} articles, no outlets, no dates; DEFAULT parameters (nothing tuned on them)")
    print(f"whole: baseline@0.5 {p['baseline@0.5']:.3f}  baseline@{p['baseline_t']:.3f} (tuned on raw_crawled) "
          f"{p['baseline@t']:.3f}  ours {p['ours']:.3f}  (without the floor {p['ours_no_floor']:.3f}; without "
          f"the mutual bonus, old threshold 1.0: {p['ours_no_mutual@1.0']:.3f})")
    print(f"blocks of 20 stories ({p['n_blocks']}): baseline@{p['baseline_t']:.3f} {p['blocks_baseline@t']:.3f}  "
          f"ours {p['blocks_ours']:.3f}  (without the floor {p['blocks_ours_no_floor']:.3f})")


if __name__ == "__main__":  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main(sys.argv[1:])
