"""Same-event grouping of articles and sentence alignment across articles.

Two levels:

* **Articles** -> events. :class:`EventGrouper` (behind :func:`group_events`)
  puts articles that report the same story into one event; the number of
  events is found, not given. It combines the cosine similarity of title,
  lead and body embeddings with the overlap of named things (capitalised
  names, weighted by rarity) and, when both articles have one, their dates,
  scales each pair by the local density of the two articles, adds a small
  bonus to mutual nearest neighbours, then cuts an average-linkage tree at a
  distance threshold chosen on the AllSides roundups (see
  ``benchmarks/bench_events.py``).
* **Sentences** -> events within a small set of articles.
  :func:`align_events` lines up sentences that describe the same event or
  claim in different articles (mutual best matches over embedding similarity
  plus shared actors and names), and keeps the sentences only one article has.

Then the comparison tables: :func:`event_article_table` (event x article:
frame lean, actor roles, quoted voices) and :func:`framing_diff` (two articles
side by side).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
import pandas as pd

from ._checks import Estimator, check_rows, check_whole, is_number, set_params, unfit_on_error
from ._tuned import DEFAULT_THRESHOLD
from ._text import surface_forms
from .codebook import warn_if_default_for
from .errors import FramingError, FramingWarning, not_fitted, warn

__all__ = [
    "EventGrouper",
    "group_events",
    "tune_event_grouper",
    "article_features",
    "baseline_groups",
    "named_things",
    "boilerplate_sentences",
    "align_events",
    "event_summary",
    "event_article_table",
    "framing_diff",
    "DEFAULT_WEIGHTS",
    "DEFAULT_THRESHOLD",
    "DEFAULT_MUTUAL_NEIGHBORS",
    "DEFAULT_MUTUAL_BONUS",
    "DEFAULT_MIN_SIMILARITY",
]

# Weights chosen on all 1479 AllSides articles (tune_event_grouper's default grid) after
# the 2-fold estimate in benchmarks/bench_events.py. The threshold, re-chosen on the same
# articles, is in _tuned.py with its sensitivity.
DEFAULT_WEIGHTS = {"title": 1.0, "lead": 1.0, "body": 1.0, "names": 0.5, "words": 2.0}
DEFAULT_NEIGHBORS = 5
# For collections too small for local scaling (< min_articles): subtracted from
# every similarity instead; chosen on blocks of 5 AllSides stories (~15 articles).
DEFAULT_BACKGROUND = 0.25
# Local scaling from this many articles on. Local scaling asks whether two articles are closer than their
# 5 nearest neighbours usually are, so it splits an event covered by 6 or more articles (its neighbours are
# all its own); the constant background merges stories that share a topic. At 10, AllSides collections on one
# topic (3 articles a story; only those of 10 to 29 articles change) grouped better (ARI over all 44 topic
# collections 0.716 -> 0.835, bench_events), but a
# review found real events of 6 articles split (12 articles: ARI 1.00 -> 0.45). Kept at 30: pass
# min_articles=10 for small collections whose stories have a few articles each. An absolute "join" that
# keeps pairs of high raw similarity together through local scaling does not rescue those events:
# the pairs local scaling splits have raw similarity 0.15-0.44, no higher than the
# different-event pairs of the same collections (up to 0.40), and every join cut from 0.55 down lowered
# the whole-half ARI on the tuning half (0.830 -> 0.824 at 0.55, 0.812 at 0.5, 0.31 at 0.25, the cut that
# would rejoin the review's events).
DEFAULT_MIN_ARTICLES = 30
# Subtracted from the (locally scaled) similarity of two articles whose dates are both
# known and more than date_window days apart, and of two articles from the same outlet
# (``source``). Both chosen on the tuning halves of benchmarks/bench_events.py (the same
# values won in both folds): a soft date penalty (0.1 instead of a hard 1.0) keeps a story
# whose follow-up came days later together; the outlet penalty reflects that a roundup
# rarely cites one outlet twice for one story (+0.007 ARI on the report halves).
DEFAULT_DATE_PENALTY = 0.1
DEFAULT_SOURCE_PENALTY = 0.2
# Added to the similarity of two articles that are each among the other's
# DEFAULT_MUTUAL_NEIGHBORS most similar articles (a k-reciprocal neighbour test, as in
# re-ranking for retrieval). Chosen on the tuning halves of benchmarks/bench_events.py
# among k in {1, 2, 3, 5} x bonus in {0.025, 0.05, 0.1}, threshold re-tuned for each:
# k=3, 0.05 had the best mean tuning ARI (best on one half, second on the other). Its
# accuracy gain is within noise (benchmark, whole report halves: 0.809 vs 0.806 without
# it, -0.004 and +0.011 per fold; blocks of 20 stories 0.955 vs 0.954; extra probe
# check 0.882 vs 0.875); what it buys is a flatter ARI-vs-threshold curve (0.78 vs 0.73
# at +-0.05 from the tuned threshold, 0.67 vs 0.55 at +-0.1), because a mutual pair
# merges a little earlier than the loose links around it. Going further does not pay: full k-reciprocal
# re-ranking (Zhong et al. 2017, Jaccard distance of k-reciprocal sets, chosen per tune half) moved the whole
# report-half ARI by -0.015, and a second-order similarity (cosine of the top-m rows) by +0.003.
DEFAULT_MUTUAL_NEIGHBORS = 3
DEFAULT_MUTUAL_BONUS = 0.05
# The absolute floor: two articles whose *raw* combined similarity (the weighted mean of the
# channels, before local scaling) is below it never join by themselves and get no mutual bonus.
# Local scaling only asks whether two articles are closer to each other than to their own
# neighbours, so in a corpus where most articles have no partner story, any mutual nearest pair
# joined, however unrelated (the audit of 60 Russia-Ukraine articles, nearly all separate stories:
# pairs at 0.18, below the corpus median, made "events"). Chosen on the tuning halves of
# benchmarks/bench_events.py, after the other settings: of the floors that keep the tuning ARI (whole
# half and blocks of 20 stories) within 0.005 of no floor, the one best on the tuning half's "sparse
# stories" (20% of the stories whole, one article of each other): 0.225 in both folds. Raw
# similarity of AllSides same-story pairs: 5th percentile ~0.27, median ~0.52; of different
# stories: median ~0.07, 99th percentile ~0.33, so the floor stops the loosest merges only.
DEFAULT_MIN_SIMILARITY = 0.225
# Copies: two articles at least this similar on the raw scale, and not dated further apart than the date
# window, are one text twice (a syndicated wire story run by several outlets, a page crawled twice). Copies
# count once in the neighbourhood statistics (local scaling, mutual neighbours): otherwise a copy fills a
# "nearest" slot of each article of its story, and the story splits (audit24-events: a three-article story
# with a copy of each, among 27 other articles, became three events; 20% near copies took the ARI of the
# AllSides articles from 0.749 to 0.676, and counting copies once gives 0.731: benchmarks/bench_events.py,
# copies_check). On the AllSides articles, which
# have almost none, it changes nothing (2 pairs at 0.85 or more, one of them the same NYT article filed under two
# AllSides stories). It costs one more pass over the similarity rows on the blockwise path (+18% at 6,000 articles).
DEFAULT_COPY_SIMILARITY = 0.85
CHANNELS = ("title", "lead", "body", "names", "words")

# Capitalised words that begin sentences or are otherwise not names.
_NOT_NAMES = set("""
a an the this that these those it its he she they we i you his her their our my your him them us
in on at by for from to of and or but nor so yet if when while after before as since until with without
about over under into onto than then there here what which who whom whose why how where all any each
every some no not one two three four five six seven eight nine ten first second third last more most
many much few other another such also still just even only now today yesterday tomorrow monday tuesday
wednesday thursday friday saturday sunday january february march april may june july august september
october november december mr mrs ms dr sen rep gov president minister secretary prime general former
according however meanwhile moreover although though because despite amid during yes read watch
said says told asked added
""".split())
_WORD = re.compile(r"[A-Z][A-Za-z\u00C0-\u024F]*(?:[-'’.][A-Za-z\u00C0-\u024F]+)*\.?|[A-Z]{2,}")


# --------------------------------------------------------------------------- checks


def _check_articles(articles) -> pd.DataFrame:
    from .corpus import _column_map, read_articles

    # a table of one's own ("id", "headline", "body"; "published" beside "article_id" and "text", review24) is
    # read as a file would be
    if (not isinstance(articles, pd.DataFrame) or not {"article_id", "text"} <= set(articles.columns)
            or _column_map(articles, "articles")[0]):
        articles = read_articles(articles)
    for col in ("article_id", "text"):
        if col not in articles.columns:
            raise FramingError(f"articles: missing column {col!r}; expected the article table from framing.read_articles")
    if len(articles) == 0:
        raise FramingError("articles: the table is empty; expected at least one article")
    check_rows(articles, ["article_id"], "articles")
    return articles.reset_index(drop=True)


def _check_sentences(sentences) -> pd.DataFrame:
    if not isinstance(sentences, pd.DataFrame):
        raise FramingError(f"sentences: expected the sentence table from framing.segment, found {type(sentences).__name__}")
    missing = [c for c in ("article_id", "sentence_id", "text") if c not in sentences.columns]
    if missing:
        raise FramingError(f"sentences: missing column(s) {', '.join(missing)}; expected the table from framing.segment")
    check_rows(sentences, ["article_id", "sentence_id"], "sentences")
    return sentences.reset_index(drop=True)


def _check_matrix(x, n: int, what: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[0] != n:
        raise FramingError(f"{what}: expected shape ({n}, d), found {x.shape}")
    return x


# --------------------------------------------------------------------------- names


def named_things(text: str) -> list[str]:
    """Capitalised names in a text, lower-cased: people, places, organisations.

    A dependency-free stand-in for NER: runs of capitalised words (and
    acronyms) minus sentence-initial function words, with possessives
    stripped. Each word of a multi-word name is returned too, so "Colin
    Powell" meets a later "Powell".

    Returns
    -------
    list of str
        In order of appearance, with repeats (counts matter for weighting).
    """
    out: list[str] = []
    run: list[str] = []

    def flush():
        if run:
            words = [w for w in run]
            if len(words) > 1:
                out.append(" ".join(words))
            out.extend(words)
            run.clear()

    pos = 0
    for m in _WORD.finditer(text):
        gap = text[pos:m.start()]
        pos = m.end()
        if gap.strip() not in ("",):
            flush()
        w = m.group(0).rstrip(".")
        w = re.sub(r"[’']s$", "", w).lower()
        if len(w) < 2 or w in _NOT_NAMES:
            flush()
            continue
        run.append(w)
    flush()
    return out


def _names_matrix(docs: list[list[str]]):
    """Rows: documents, columns: names; sublinear tf x idf, L2-normalised (a sparse matrix)."""
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, names in enumerate(docs):
        for name, c in Counter(names).items():
            j = vocab.setdefault(name, len(vocab))
            rows.append(i)
            cols.append(j)
            vals.append(1.0 + math.log(c))
    n = len(docs)
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(len(vocab), 1)), dtype=np.float64)
    df = np.bincount(cols, minlength=m.shape[1]).astype(float) if cols else np.zeros(m.shape[1])
    idf = np.log((1 + n) / (1 + df)) + 1.0
    # A name every document shares tells nothing about which event it is.
    m = m @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ m


# --------------------------------------------------------------------------- boilerplate

# Minimum number of articles a verbatim sentence must occur in to be boilerplate.
DEFAULT_BOILERPLATE_ARTICLES = 3
# Two articles are copies of each other (a syndicated story, one file saved twice) when the Jaccard
# overlap of their sets of sentences is at least this; copies count as one article.
_COPY_JACCARD = 0.5
# Sentences in more articles than this are left out of the copy test (they are boilerplate anyway,
# and the pair count would grow with the square of their spread).
_COPY_MAX_SPREAD = 50


def _norm_sentence(t) -> str:
    return " ".join(str(t).split()).casefold()


def _boilerplate_mask(arts: list, texts: list, min_articles: int | None) -> np.ndarray:
    """Boolean mask over parallel lists of article ids and sentence texts; see :func:`boilerplate_sentences`."""
    n = len(texts)
    if not min_articles or n == 0:
        return np.zeros(n, dtype=bool)
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    norm = [_norm_sentence(t) for t in texts]
    a_code, a_uniq = pd.factorize(pd.Series(arts, dtype=object))
    s_code, _ = pd.factorize(pd.Series(norm, dtype=object))
    n_art, n_sent = len(a_uniq), int(s_code.max()) + 1
    nonempty = np.array([bool(t) for t in norm])
    pairs = np.unique(np.stack([a_code, s_code], axis=1)[nonempty & (a_code >= 0)], axis=0)
    pa, ps = pairs[:, 0], pairs[:, 1]
    spread = np.bincount(ps, minlength=n_sent)
    if not (spread >= min_articles).any():
        return np.zeros(n, dtype=bool)
    # copies: articles whose sets of sentences overlap by half or more (Jaccard) count as one article
    size = np.bincount(pa, minlength=n_art).astype(np.float64)
    sel = (spread[ps] >= 2) & (spread[ps] <= _COPY_MAX_SPREAD)
    m = sparse.csr_matrix((np.ones(int(sel.sum())), (pa[sel], ps[sel])), shape=(n_art, n_sent))
    shared = sparse.triu(m @ m.T, k=1).tocoo()
    jac = shared.data / np.maximum(size[shared.row] + size[shared.col] - shared.data, 1.0)
    keep = jac >= _COPY_JACCARD
    graph = sparse.coo_matrix((np.ones(int(keep.sum())), (shared.row[keep], shared.col[keep])), shape=(n_art, n_art))
    _, group = connected_components(graph, directed=False)
    spread_groups = np.bincount(np.unique(np.stack([group[pa], ps], axis=1), axis=0)[:, 1], minlength=n_sent)
    mask = (spread_groups >= min_articles)[s_code] & nonempty & (a_code >= 0)
    # a quotation that several outlets carry word for word is news, not boilerplate: it lines up as one event
    from .segment import _QUOTE_RE

    mask &= ~np.array([bool(_QUOTE_RE.search(t)) for t in texts])
    # never an article's whole text (an article that is nothing but such lines keeps them)
    whole = pd.Series(mask).groupby(a_code, observed=True).transform("all").to_numpy()
    return mask & ~whole


def boilerplate_sentences(sentences, min_articles: int = DEFAULT_BOILERPLATE_ARTICLES) -> pd.Series:
    """Which sentences are boilerplate: the same text in ``min_articles`` or more articles.

    Adverts, "READ MORE SUN STORIES", "© 2022 AFP", "Issued on:", a site's
    sign-off: a sentence that occurs verbatim (case-folded, whitespace
    collapsed) in several articles, and quotes nobody (a quotation that
    several outlets carry word for word is news), says nothing about which event an
    article reports, yet it makes those articles look alike and lines up as
    a "shared event". :func:`article_features` (so :class:`EventGrouper`)
    and :func:`align_events` leave these sentences out.

    Copies count as one article: two articles whose sets of sentences
    overlap by half or more (Jaccard; a syndicated wire story run by several
    outlets, one file saved under two names) share their text because it is
    one story, so three copies of a story do not turn it into boilerplate
    and a copy still groups with its original. An article none of whose
    sentences would be left is kept whole.

    Parameters
    ----------
    sentences : pandas.DataFrame
        Sentence table (``article_id``, ``text``), as from
        :func:`framing.segment.segment`.
    min_articles : int
        Number of distinct articles a sentence must occur in. Default 3.

    Returns
    -------
    pandas.Series of bool
        Aligned with ``sentences`` (same index), True for boilerplate.
    """
    if not isinstance(sentences, pd.DataFrame):
        raise FramingError(f"sentences: expected the sentence table from framing.segment, found {type(sentences).__name__}")
    for col in ("article_id", "text"):
        if col not in sentences.columns:
            raise FramingError(f"sentences: missing column {col!r}; expected the table from framing.segment")
    check_whole("min_articles", min_articles, 2)
    mask = _boilerplate_mask(sentences["article_id"].tolist(), sentences["text"].tolist(), min_articles)
    return pd.Series(mask, index=sentences.index, name="boilerplate")


# --------------------------------------------------------------------------- article features


def _title_lead_body(articles: pd.DataFrame, sentences: pd.DataFrame | None = None,
                     boilerplate: int | None = DEFAULT_BOILERPLATE_ARTICLES
                     ) -> tuple[list[str], list[str], list[str], list[str]]:
    """Title, lead, body and text of each article, boilerplate sentences (:func:`boilerplate_sentences`
    with ``min_articles=boilerplate``; None keeps them) left out of all but the title."""
    titles, leads, bodies, texts = [], [], [], []
    from .segment import split_sentences

    given: dict = {}
    if sentences is not None:
        for col in ("article_id", "sentence_id", "text"):
            if col not in sentences.columns:
                raise FramingError(f"sentences: missing column {col!r}; expected the table of framing.segment")
        ordered = sentences.sort_values(["article_id", "sentence_id"], kind="stable")
        spans = ordered[["start", "end"]] if {"start", "end"} <= set(ordered.columns) else None
        given = {a: list(zip(g.tolist(), *([spans.loc[g.index, "start"].tolist(), spans.loc[g.index, "end"].tolist()]
                                            if spans is not None else [[None] * len(g)] * 2)))
                 for a, g in ordered.groupby("article_id", sort=False, observed=True)["text"]}
    ids = articles["article_id"].tolist()
    raw_texts = [str(t) for t in articles["text"].tolist()]
    per_article = []
    for aid, text in zip(ids, raw_texts):
        sents = given.get(aid)
        if sents is None:  # not in the given table: segment it here
            sents = [(text[s:e], s, e) for s, e, _ in split_sentences(text)]
        per_article.append(sents)
    flat_ids = [aid for aid, sents in zip(ids, per_article) for _ in sents]
    flat = _boilerplate_mask(flat_ids, [x[0] for sents in per_article for x in sents], boilerplate)
    pos = 0
    for title, text, sents_spans in zip(articles.get("title", pd.Series([None] * len(articles))).tolist(),
                                        raw_texts, per_article):
        drop = flat[pos:pos + len(sents_spans)]
        pos += len(sents_spans)
        sents = [x[0] for x, d in zip(sents_spans, drop) if not d]
        if drop.any():
            gone = [x for x, d in zip(sents_spans, drop) if d]
            if all(x[1] is not None and not pd.isna(x[1]) and not pd.isna(x[2])
                   and text[int(x[1]):int(x[2])] == x[0] for x in gone):
                for _, a, b in sorted(gone, key=lambda x: -int(x[1])):  # the text without them, the rest as it was
                    text = text[:int(a)] + " " + text[int(b):]
            else:  # no offsets into this text: the kept sentences
                text = "\n".join(sents)
        if isinstance(title, str) and title.strip() and not " ".join(text[:len(title) + 200].split()).lower(
                ).startswith(" ".join(title.split()).lower()):
            # the headline's names and words count whether it is in the text (a .txt file) or beside it (a
            # CSV's title column): the same article gives the same features either way
            text = f"{title.strip()}\n\n{text}"
        texts.append(text)
        t = title if isinstance(title, str) and title.strip() else (sents[0] if sents else "")
        rest = sents[1:] if sents and sents[0].strip() == t.strip() else sents
        body_sents = [s for s in rest if s.strip() != t.strip()]
        lead = " ".join(body_sents[:2]) if body_sents else t
        titles.append(t)
        leads.append(lead)
        bodies.append(" ".join(body_sents) if body_sents else t)
    return titles, leads, bodies, texts


def _one_day(v) -> float:
    """Days since 1970-01-01 (UTC) of one date value; nan when missing, raises ValueError when not a date."""
    import datetime as dt
    import warnings

    if v is None or (isinstance(v, str) and not v.strip()):
        return np.nan
    if isinstance(v, (bool, np.bool_)):
        raise ValueError(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        if np.isnan(v):
            return np.nan
        x = float(v)  # a Unix timestamp, in seconds (or milliseconds when it is that large)
        if not 1e8 <= abs(x) < 1e14:
            raise ValueError(v)
        return (x / 1000 if abs(x) >= 1e11 else x) / 86400.0
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date, np.datetime64)):
        t = pd.Timestamp(v)
    else:
        with warnings.catch_warnings():  # pandas' format-inference warnings: each value is parsed on its own
            warnings.simplefilter("ignore")
            try:
                t = pd.Timestamp(pd.to_datetime(str(v).strip()))
            except (ValueError, OverflowError):
                # a Unix timestamp read as text from a CSV or JSONL file, in seconds (10 digits) or milliseconds
                # (13): what pandas cannot read as a date (audit24-events: "1634598900" was not understood;
                # review24: "202110191230" is a date, a 9-digit id is not a time)
                if isinstance(v, str) and re.fullmatch(r"\s*(?:\d{10}|\d{13})(?:\.\d+)?\s*", v):
                    return _one_day(float(v))
                raise
    if pd.isna(t):
        return np.nan
    t = t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")
    return (t - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(days=1)


# "05/06/2026", "5.6.26", "05-06-2026 10:00": day and month in an order the value does not say
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)(.*)$", re.S)


def _numeric_order(vals) -> tuple[dict, list]:
    """Whether the column's numeric dates put the day first, per kind of separator, and notes for guesses.

    The column decides, not each value: one "13/06/2026" shows that "05/06/2026" beside it is the
    5th of June. Dotted dates ("05.06.2026") and slash/dash dates are decided apart, since they
    usually come from different sources; with no evidence, dotted dates are read day first (their
    convention) and the others month first (pandas' and the US order), with a note."""
    groups: dict = {".": ([], [], []), "/": ([], [], [])}  # first > 12, second > 12, ambiguous
    for v in vals:
        m = _NUMERIC_DATE.match(v) if isinstance(v, str) else None
        if not m:
            continue
        first_gt, second_gt, ambiguous = groups["." if m.group(2) == "." else "/"]
        a, b = int(m.group(1)), int(m.group(3))
        if a > 12 >= b:
            first_gt.append(v)
        elif b > 12 >= a:
            second_gt.append(v)
        elif a != b:
            ambiguous.append(v)
    order, notes = {}, []
    for sep, (first_gt, second_gt, ambiguous) in groups.items():
        if first_gt and second_gt:
            order[sep] = True
            notes.append(f"numeric dates in both orders ({first_gt[0]!r}, {second_gt[0]!r}); each is read in the "
                         "order its numbers allow, and ones like " + (repr(ambiguous[0]) if ambiguous else
                                                                      "'05/06/2026'")
                         + " day first; write ISO dates (2026-06-05) to be sure")
        elif first_gt or second_gt:
            order[sep] = bool(first_gt)
        else:
            order[sep] = sep == "."
            if ambiguous and sep != ".":
                notes.append(f"{len(ambiguous)} numeric date{'s' if len(ambiguous) > 1 else ''} such as "
                             f"{ambiguous[0]!r} could be day or month first; read month first (the US order). Write "
                             "ISO dates (2026-06-05) or written-out months to be sure")
    return order, notes


def _reorder_numeric(v, order: dict):
    """An ISO string for a numeric date (in its kind's order, or the only order its numbers allow)."""
    m = _NUMERIC_DATE.match(v) if isinstance(v, str) else None
    if not m:
        return v
    dayfirst = order["." if m.group(2) == "." else "/"]
    a, b, y, rest = int(m.group(1)), int(m.group(3)), m.group(4), m.group(5)
    day, month = (a, b) if (dayfirst and b <= 12) or a > 12 else (b, a)
    year = int(y) + (2000 if len(y) == 2 else 0)
    return f"{year:04d}-{month:02d}-{day:02d}{rest}"


def _days(dates, ids=None) -> np.ndarray:
    """Days since 1970 per value (any mix of ISO dates, times, "June 5, 2026", "05/06/2026", Unix
    timestamps); nan when missing, and a note naming the values that are not dates. Numeric dates
    take their day/month order from the column (see :func:`_numeric_order`)."""

    vals = list(dates)
    order, notes = _numeric_order(vals)
    for note in notes:
        warn(note, FramingWarning)
    out = np.full(len(vals), np.nan)
    bad = []
    for i, v in enumerate(vals):
        try:
            out[i] = _one_day(_reorder_numeric(v, order))
        except (ValueError, TypeError, OverflowError):
            bad.append(i)
    if bad:
        ids = list(ids) if ids is not None else list(range(len(vals)))
        shown = ", ".join(f"{vals[i]!r} ({ids[i]})" for i in bad[:3]) + (", ..." if len(bad) > 3 else "")
        warn(f"{len(bad)} date{'s' if len(bad) > 1 else ''} not understood, treated as unknown: {shown}",
             FramingWarning)
    return out


def article_features(articles, *, embedder=None, embeddings=None, sentences=None,
                     boilerplate: int | None = DEFAULT_BOILERPLATE_ARTICLES) -> dict:
    """What :class:`EventGrouper` compares: embeddings, names and dates per article.

    Parameters
    ----------
    articles : pandas.DataFrame
        Article table (``article_id``, ``text``; ``title`` and ``date`` used when present).
    embedder : str or Embedder, optional
    embeddings : ndarray (n, d) or dict, optional
        Precomputed vectors. One array is used for every channel; a dict may
        give ``title``, ``lead`` and ``body`` arrays separately.
    sentences : pandas.DataFrame, optional
        The articles' sentence table from :func:`framing.segment.segment`
        (``article_id``, ``sentence_id``, ``text``), when you have it: the
        leads are read from it instead of segmenting every article again.
    boilerplate : int or None
        Sentences found verbatim in this many articles or more
        (:func:`boilerplate_sentences`: adverts, "READ MORE" lines) are left
        out of the lead, the body, the names and the words, so that a shared
        footer does not make two articles one event. ``None`` keeps them.

    Returns
    -------
    dict
        ``title``, ``lead``, ``body``: float32 (n, d), L2-normalised;
        ``names``: list of name lists; ``texts``: the article texts
        (without boilerplate sentences; with the title in front when the
        text does not open with it, so that a title given in its own column
        counts as one written in the text);
        ``days``: float (n,), days since 1970, NaN when unknown;
        ``sources``: outlet name per article (lower-cased), None when unknown.
    """
    articles = _check_articles(articles)
    n = len(articles)
    titles, leads, bodies, clean = _title_lead_body(articles, sentences, boilerplate)
    feats: dict = {}
    given = embeddings if isinstance(embeddings, dict) else ({} if embeddings is None else
                                                             {k: embeddings for k in ("title", "lead", "body")})
    todo = [k for k in ("title", "lead", "body") if k not in given]
    if todo:
        from .embed import get_embedder

        emb = get_embedder(embedder)
        texts = {"title": titles, "lead": leads, "body": bodies}
        flat = [t for k in todo for t in texts[k]]
        vecs = emb.encode(flat)
        for i, k in enumerate(todo):
            feats[k] = np.asarray(vecs[i * n:(i + 1) * n], dtype=np.float32)
    for k, v in given.items():
        feats[k] = _check_matrix(v, n, f"embeddings[{k!r}]")
    feats["names"] = [named_things(t) for t in clean]
    feats["texts"] = clean
    feats["days"] = _days(articles["date"], articles["article_id"]) if "date" in articles.columns else np.full(n, np.nan)
    feats["sources"] = ([None if pd.isna(x) or not str(x).strip() else str(x).strip().lower()
                         for x in articles["source"]] if "source" in articles.columns else [None] * n)
    return feats


def _channel_similarity(feats: dict, k: str) -> np.ndarray:
    """One channel's similarity, ``(n, n)`` float64.

    Built with one ``(n, n)`` array alive at a time (a 4,200-article corpus
    makes each 140 MB): the embedding cosines are clipped in place, the
    sparse tf-idf products are made dense a block of rows at a time.
    """
    if k in ("title", "lead", "body"):
        x = feats[k] @ feats[k].T
        np.clip(x, -1, 1, out=x)
        return x.astype(np.float64)
    if k == "names":
        return _sparse_gram(_names_matrix(feats["names"]))
    if k == "words":
        return _words_similarity(feats["texts"])
    raise FramingError(f"weights: unknown channel {k!r}; expected {', '.join(CHANNELS)}")


def _channel_similarities(feats: dict) -> dict:
    return {k: _channel_similarity(feats, k) for k in CHANNELS}


def _sparse_gram(m, block: int = 512) -> np.ndarray:
    """``m @ m.T`` as a dense float64 array, computed ``block`` rows at a time.

    The same numbers as ``(m @ m.T).todense()`` (each row is the same sparse
    product), without the whole sparse product, which is about as big as the
    dense result and more, in memory at once.
    """
    m = m.tocsr()
    n = m.shape[0]
    mt = m.T.tocsr()
    out = np.empty((n, n), dtype=np.float64)
    for a in range(0, n, block):
        out[a:a + block] = (m[a:a + block] @ mt).toarray()
    return out


def _words_matrix(texts: list[str]):
    """Tf-idf word vectors (sublinear tf, English stop words), idf from these texts; None when there are
    only stop words."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        return TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    except ValueError:  # only stop words
        return None


def _words_similarity(texts: list[str]) -> np.ndarray:
    """Cosine of tf-idf word vectors (sublinear tf, English stop words), idf from these texts."""
    x = _words_matrix(texts)
    return np.eye(len(texts)) if x is None else _sparse_gram(x)


def _copy_pairs(raw: np.ndarray, rows: np.ndarray, days: np.ndarray, date_window: float | None,
                threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (i, j), i in ``rows`` and j > i, of rows ``raw`` (raw similarity of ``rows`` to every article)
    that are copies: at least ``threshold`` similar, and not known to be dated more than ``date_window`` apart."""
    ok = raw >= threshold
    ok &= np.arange(raw.shape[1])[None, :] > rows[:, None]
    if date_window is not None and np.isfinite(days).any():
        far = np.abs(days[rows][:, None] - days[None, :])
        np.nan_to_num(far, copy=False, nan=0.0)
        ok &= far <= date_window
    i, j = np.nonzero(ok)
    return rows[i], j


def _first_copies(n: int, pairs) -> np.ndarray | None:
    """Each article's first copy: the smallest index linked to it by a chain of copy ``pairs`` (itself when it
    has none); None when no article has a copy."""
    first = np.arange(n)
    i, j = pairs
    if not len(i):
        return None
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    _, comp = connected_components(sparse.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n)), directed=False)
    lowest = np.full(comp.max() + 1, n)
    np.minimum.at(lowest, comp, first)
    return lowest[comp]


def _n_distinct(n: int, first: np.ndarray | None) -> int:
    """How many articles there are when copies count once (:func:`_first_copies`)."""
    return n if first is None else len(np.unique(first))


def _not_neighbours(first: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Which columns cannot be a neighbour of rows ``rows`` when copies count once: an article's own copies,
    and every copy that is not the first of its group (the first stands for them all)."""
    out = first[rows][:, None] == first[None, :]
    out |= (first != np.arange(len(first)))[None, :]
    return out


def _local_scaling(s: np.ndarray, neighbors: int, background: float, min_articles: int,
                   first: np.ndarray | None = None) -> np.ndarray:
    """Subtract each pair's mean local density: ``s - (r_i + r_j) / 2``.

    ``r_i`` is the mean similarity of article i to its ``neighbors`` nearest
    articles (CSLS, Conneau et al. 2018). In a dense topic (a month of
    Covid news) every article is close to many others; this asks whether two
    articles are closer to each other than to their usual neighbourhood.
    Below ``min_articles`` articles the neighbourhood says little, and the
    constant ``background`` (tuned on small AllSides collections) stands in
    for it. ``first`` (:func:`_first_copies`) makes copies count once: the articles are then the distinct
    ones, and an article's neighbours are other distinct articles.
    """
    if _n_distinct(s.shape[0], first) < max(min_articles, neighbors + 2):
        return s - background
    n = s.shape[0]
    t = s.copy()
    np.fill_diagonal(t, -np.inf)
    if first is not None:
        t[_not_neighbours(first, np.arange(n))] = -np.inf
    # the top ``neighbors`` of each row, ascending (as a full sort would give them), without a second copy
    t.partition(n - neighbors, axis=1)
    r = np.sort(t[:, -neighbors:], axis=1).mean(axis=1)
    del t
    out = r[:, None] + r[None, :]
    out *= 0.5
    return np.subtract(s, out, out=out)


def _mutual_bonus(s: np.ndarray, neighbors: int | None, bonus: float, exclude: np.ndarray | None = None,
                  first: np.ndarray | None = None) -> np.ndarray:
    """Add ``bonus`` to every pair that are each among the other's ``neighbors`` most similar items.

    A pair of mutual nearest neighbours is more likely one story than a pair
    where only one side finds the other close (a hub article close to
    everything). Collections with fewer than ``neighbors + 2`` items are
    returned unchanged (everything would be everyone's neighbour). Ties are
    broken by position.

    Parameters
    ----------
    s : ndarray (n, n)
        Symmetric similarity.
    exclude : ndarray (n, n) of bool, optional
        Pairs that get no bonus even when mutual neighbours (those below the
        grouper's ``min_similarity``).
    first : ndarray (n,), optional
        :func:`_first_copies`: copies count once. Each row's neighbours are
        found among the first articles of the copy groups other than its
        own, and a pair gets the bonus when each row has the other's first
        among its neighbours.

    Returns
    -------
    ndarray (n, n)
        ``s`` plus ``bonus`` on mutual-neighbour pairs (symmetric; the diagonal untouched).
    """
    n = s.shape[0]
    k = int(neighbors or 0)
    if k <= 0 or not bonus or _n_distinct(n, first) < k + 2:
        return s
    t = np.negative(s)
    np.fill_diagonal(t, np.inf)
    if first is not None:
        t[_not_neighbours(first, np.arange(n))] = np.inf
    near = np.zeros((n, n), dtype=bool)
    for a in range(0, n, 512):  # a block of rows at a time: argpartition's (n, n) index array is 4x a bool one
        top = np.argpartition(t[a:a + 512], k - 1, axis=1)[:, :k]
        near[np.arange(a, a + len(top))[:, None], top] = True
    if first is not None:  # a copy is near where its first is
        near = near[:, first]
    near &= near.T
    if exclude is not None:
        near &= ~exclude
    np.copyto(t, s)
    t[near] += float(bonus)
    return t


def _total_weight(weights: dict) -> float:
    """The sum of the channel weights, which divides the weighted sum; refused when not positive."""
    total = sum(weights.get(k, 0.0) for k in CHANNELS)
    if total <= 0:
        raise FramingError(f"weights: expected some positive weight among {', '.join(CHANNELS)}, found {weights}")
    return total


def _combine(sims: dict, weights: dict, days: np.ndarray, date_window: float | None,
             neighbors: int | None = None, background: float = 0.0, min_articles: int = DEFAULT_MIN_ARTICLES,
             sources: list | None = None, date_penalty: float = 1.0, source_penalty: float = 0.0,
             mutual_neighbors: int | None = 0, mutual_bonus: float = 0.0, min_similarity: float | None = None,
             cap: float | None = None, raw: dict | None = None, copy_similarity: float | None = None) -> np.ndarray:
    """The similarity the tree is built on: weighted channels, local scaling, penalties, mutual bonus.

    ``min_similarity`` is the absolute floor on the *raw* combined similarity
    (the weighted mean of the channels, before local scaling): a pair below
    it gets no mutual bonus and, when ``cap`` is given, a similarity of at
    most ``cap`` (:class:`EventGrouper` passes the similarity just below its
    cut, so that such a pair never joins by itself). ``raw``, a dict, receives
    ``similarity`` (the raw combined similarity, float32), ``below`` (the
    pairs under the floor, bool, or None) and ``first`` (:func:`_first_copies`
    at ``copy_similarity``, or None).
    """
    total = _total_weight(weights)
    # ``sims`` maps a channel to its similarity; a callable builds it on demand and hands it over
    # (then it is scaled in place and dropped before the next channel is built)
    own = callable(sims)
    s = None
    for k in CHANNELS:
        w = weights.get(k, 0.0)
        if not w:
            continue
        x = sims(k) if own else sims[k]
        x = np.multiply(x, w, out=x) if own else w * x
        if s is None:
            s = np.zeros(x.shape)
        s += x
        del x
    s /= total
    below = None if min_similarity is None else s < float(min_similarity)
    first = None if copy_similarity is None else _first_copies(
        len(s), _copy_pairs(s, np.arange(len(s)), np.asarray(days, dtype=np.float64), date_window,
                            float(copy_similarity)))
    if raw is not None:
        raw["similarity"] = s.astype(np.float32)
        raw["below"] = below
        raw["first"] = first
    if neighbors:
        s = _local_scaling(s, int(neighbors), background, min_articles, first)
    if date_window is not None and np.isfinite(days).any():
        far = np.abs(days[:, None] - days[None, :])
        # Unknown dates (NaN) never separate articles.
        np.nan_to_num(far, copy=False, nan=0.0)
        far = far > date_window
        np.subtract(s, date_penalty, out=s, where=far)
        del far
    # one outlet (a single paper's archive) has no other outlet to prefer: no penalty then
    if source_penalty and sources is not None and len({x for x in sources if x is not None}) > 1:
        src = np.array([x if x is not None else "" for x in sources], dtype=object)
        same = (src[:, None] == src[None, :]) & (src[:, None] != "")
        np.fill_diagonal(same, False)
        # Unknown outlets (None) never separate articles.
        np.subtract(s, source_penalty, out=s, where=same)
        del same
    # last, so that the neighbours are judged on the penalised similarity
    s = _mutual_bonus(s, mutual_neighbors, mutual_bonus, exclude=below, first=first)
    if below is not None and cap is not None:
        _apply_floor(s, below, cap)
    return s


def _apply_floor(s: np.ndarray, below: np.ndarray, cap: float) -> np.ndarray:
    """In place: the pairs ``below`` the floor get a similarity of at most ``cap``."""
    np.minimum(s, cap, out=s, where=below)
    return s


def _floor_cap(threshold: float) -> float:
    """The highest similarity that stays apart when the tree is cut at ``threshold`` (a distance)."""
    return 1.0 - float(threshold) - 1e-6


def _tree(sim: np.ndarray, linkage: str = "average"):
    """The linkage tree over 1 - similarity (None for a single item)."""
    if sim.shape[0] == 1:
        return None
    from scipy.cluster.hierarchy import linkage as _linkage

    # the condensed distances, clip((d + d.T) / 2, 0) above the diagonal with d = 1 - sim, row by
    # row: no (n, n) temporary besides ``sim``
    n = sim.shape[0]
    cond = np.empty(n * (n - 1) // 2, dtype=np.float64)
    off = 0
    for i in range(n - 1):
        row = 1.0 - sim[i, i + 1:]
        row += 1.0 - sim[i + 1:, i]
        row /= 2
        np.clip(row, 0.0, None, out=cond[off:off + len(row)])
        off += len(row)
    return _linkage(cond, method=linkage)


def _labels(z, threshold: float) -> np.ndarray:
    if z is None:
        return np.zeros(1, dtype=np.int64)
    from scipy.cluster.hierarchy import fcluster

    lab = fcluster(z, t=threshold, criterion="distance")
    # Renumber by first appearance, so labels are stable and start at 0.
    _, first = np.unique(lab, return_index=True)
    order = {lab[i]: k for k, i in enumerate(sorted(first))}
    return np.array([order[x] for x in lab], dtype=np.int64)


def _cut(sim: np.ndarray, threshold: float, linkage: str = "average") -> np.ndarray:
    """Average-linkage tree over 1 - similarity, cut at ``threshold``; labels from 0."""
    return _labels(_tree(sim, linkage), threshold)


# --------------------------------------------------------------------------- blockwise grouping

# From this many articles on, EventGrouper.fit groups blockwise (:func:`_fit_blockwise`): no (n, n) matrix, the
# same labels. The dense path holds several (n, n) float64 arrays (+0.6 GB at 4,400 articles, +2.3 GB at 8,900).
BLOCKWISE_MIN_ARTICLES = 3000
# Rows per block: each (block, n) float64 temporary of the blockwise path stays near 32 MB.
_BLOCK_CELLS = 1 << 22
# OpenBLAS computes products with M*N*K <= 1e6 (and single rows) with other kernels than the large X @ X.T,
# whose float32 sums can differ from it in the last bit; embedding rows are padded with zero rows past this.
_SMALL_GEMM = 1e6
# An edge of the blockwise graph: a pair whose final similarity is >= 1 - threshold - this on either side (the
# floor's cap is 1e-6 below the cut; extra edges only make a component larger, never change an event).
_EDGE_SLACK = 1e-9


def _block_size(n: int) -> int:
    """Rows per block for ``n`` articles: each (block, n) float64 temporary near :data:`_BLOCK_CELLS` cells."""
    return min(1024, max(64, _BLOCK_CELLS // max(n, 1)))


class _BlockRows:
    """Rows of the similarity :func:`_combine` builds, computed row block by row block with the same
    operations in the same order (so the same numbers, bit for bit)."""

    def __init__(self, feats: dict, weights: dict, grouper: "EventGrouper", cap: float):
        g = grouper
        self.total = _total_weight(weights)
        self.weights = weights
        self.n = n = len(feats["days"])
        self.chan: dict = {}
        for k in CHANNELS:
            if not weights.get(k, 0.0):
                continue
            if k in ("title", "lead", "body"):
                self.chan[k] = (feats[k], None)
                continue
            from scipy import sparse

            m = _names_matrix(feats["names"]) if k == "names" else _words_matrix(feats["texts"])
            m = sparse.identity(n, format="csr") if m is None else m.tocsr()
            self.chan[k] = (m, m.T.tocsr())
        self.days = np.asarray(feats["days"], dtype=np.float64)
        self.date_window, self.date_penalty = g.date_window, float(g.date_penalty)
        self.use_dates = g.date_window is not None and bool(np.isfinite(self.days).any())
        sources, self.source_penalty = feats.get("sources"), float(g.source_penalty)
        self.src = None  # outlets as integer codes, -1 unknown (the dense path's ""): no string comparisons
        if self.source_penalty and sources is not None and len({x for x in sources if x is not None}) > 1:
            code = {x: i for i, x in enumerate(sorted({x for x in sources if x is not None and x != ""}))}
            self.src = np.array([-1 if x is None else code.get(x, -1) for x in sources], dtype=np.int64)
        self.neighbors = int(g.neighbors or 0)
        self.min_articles = int(g.min_articles)
        self.background = float(g.background)
        self.k = int(g.mutual_neighbors or 0)
        self.bonus = float(g.mutual_bonus)
        self.min_similarity = None if g.min_similarity is None else float(g.min_similarity)
        self.copy_similarity = None if g.copy_similarity is None else float(g.copy_similarity)
        self.cap = cap
        self.set_copies(None)
        self.r = None  # local density per article (pass 1)
        self.topk = None  # each row's mutual_neighbors nearest (pass 2)
        self.rev = None  # sparse (n, n): row i holds the j that have i among their nearest

    def set_copies(self, first: np.ndarray | None) -> None:
        """Copies count once (:func:`_first_copies`, or None): local scaling and the mutual bonus then see the
        distinct articles, as in :func:`_combine`."""
        self.first = first
        n = _n_distinct(self.n, first)
        self.local = bool(self.neighbors) and n >= max(self.min_articles, self.neighbors + 2)
        self.mutual = self.k if (self.k > 0 and self.bonus and n >= self.k + 2) else 0

    def raw(self, idx) -> np.ndarray:
        """Raw combined similarity of rows ``idx`` (a slice or index array) to every article, float64."""
        s = None
        for k in CHANNELS:
            w = self.weights.get(k, 0.0)
            if not w:
                continue
            m, mt = self.chan[k]
            if mt is None:  # embeddings: as _channel_similarity, kept out of BLAS's small kernels
                rows = m[idx]
                got, need = len(rows), max(2, int(_SMALL_GEMM // max(self.n * rows.shape[1], 1)) + 2)
                if got < need:
                    rows = np.concatenate([rows, np.zeros((need - got, rows.shape[1]), dtype=rows.dtype)])
                x = (rows @ m.T)[:got]
                np.clip(x, -1, 1, out=x)
                x = x.astype(np.float64)
            else:  # each row of a sparse product is summed in the same order as in _sparse_gram
                x = (m[idx] @ mt).toarray()
            x = np.multiply(x, w, out=x)
            if s is None:
                s = np.zeros(x.shape)
            s += x
            del x
        s /= self.total
        return s

    def penalised(self, idx, s: np.ndarray) -> np.ndarray:
        """Local scaling (or the background), then the date and outlet penalties, as in :func:`_combine`."""
        rows = np.arange(self.n)[idx]
        if self.local:
            out = self.r[rows][:, None] + self.r[None, :]
            out *= 0.5
            s = np.subtract(s, out, out=out)
        elif self.neighbors:
            s = s - self.background
        else:
            s = s.copy()
        if self.use_dates:
            far = np.abs(self.days[rows][:, None] - self.days[None, :])
            np.nan_to_num(far, copy=False, nan=0.0)
            np.subtract(s, self.date_penalty, out=s, where=far > self.date_window)
            del far
        if self.src is not None:
            same = (self.src[rows][:, None] == self.src[None, :]) & (self.src[rows][:, None] >= 0)
            same[np.arange(len(rows)), rows] = False
            np.subtract(s, self.source_penalty, out=s, where=same)
            del same
        return s

    def density(self, idx, s: np.ndarray) -> np.ndarray:
        """:func:`_local_scaling`'s r of rows ``idx`` (raw ``s``)."""
        rows = np.arange(self.n)[idx]
        t = s.copy()
        t[np.arange(len(rows)), rows] = -np.inf
        if self.first is not None:
            t[_not_neighbours(self.first, rows)] = -np.inf
        t.partition(self.n - self.neighbors, axis=1)
        return np.sort(t[:, -self.neighbors:], axis=1).mean(axis=1)

    def nearest(self, idx, s: np.ndarray) -> np.ndarray:
        """:func:`_mutual_bonus`'s nearest of rows ``idx`` (penalised ``s``): the same argpartition per row."""
        rows = np.arange(self.n)[idx]
        t = np.negative(s)
        t[np.arange(len(rows)), rows] = np.inf
        if self.first is not None:
            t[_not_neighbours(self.first, rows)] = np.inf
        return np.argpartition(t, self.mutual - 1, axis=1)[:, :self.mutual]

    def final(self, idx) -> tuple[np.ndarray, np.ndarray]:
        """(raw, final) rows ``idx``: what :func:`_combine` returns, mutual bonus and floor included."""
        raw = self.raw(idx)
        below = None if self.min_similarity is None else raw < self.min_similarity
        s = self.penalised(idx, raw)
        if self.mutual:
            rows = np.arange(self.n)[idx]
            near = np.zeros(s.shape, dtype=bool)
            near[np.arange(len(rows))[:, None], self.topk[rows]] = True
            if self.first is not None:  # a copy is near where its first is (as in _mutual_bonus)
                near = near[:, self.first]
            near &= self.rev[rows if self.first is None else self.first[rows]].toarray()
            if below is not None:
                near &= ~below
            s[near] += self.bonus
        if below is not None and self.cap is not None:
            np.minimum(s, self.cap, out=s, where=below)
        return raw, s


def _event_means(lab: np.ndarray, *mats) -> list[np.ndarray]:
    """Per article, its mean similarity to the other articles of its event (``lab``) in each of ``mats``
    (``(n, n)``, indexed like ``lab``); NaN for an article alone in its event."""
    outs = [np.full(len(lab), np.nan) for _ in mats]
    for e in np.unique(lab):
        p = np.flatnonzero(lab == e)
        if len(p) > 1:
            for m, out in zip(mats, outs):
                sub = np.asarray(m[np.ix_(p, p)], dtype=np.float64)
                out[p] = (sub.sum(axis=1) - np.diag(sub)) / (len(p) - 1)
    return outs


def _fit_blockwise(grouper: "EventGrouper", feats: dict, threshold: float, weights: dict,
                   block: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, "_BlockRows"]:
    """:meth:`EventGrouper.fit`'s labels without (n, n) matrices; also the two cohesion columns of its table.

    Every linkage the grouper offers merges two clusters at a height no lower than the smallest distance
    between them, so each event lies within one connected component of the graph of pairs at distance
    <= ``threshold`` (similarity >= 1 - threshold), and the tree of that component alone gives the same
    events. Passes over blocks of rows, each recomputing the channel rows: (1) each article's local density;
    (2) each row's mutual nearest and the candidate pairs (within the bonus of the cut, not under the floor);
    then the candidates with their bonus give the edges and the components; (3) the rows of the articles in
    components of two or more, their component's columns kept: the tree and the cut per component. The
    numbers are the dense path's, bit for bit (tested against it on the AllSides articles and their subsets),
    and the dense path also cuts each component's own tree (:func:`_cut_by_component`), so that exact ties
    between merge heights are broken alike on both.

    Returns
    -------
    labels, cohesion, raw_cohesion : ndarray (n,)
        Labels numbered by first appearance (as :func:`_labels`); per article the mean similarity to the
        other articles of its event on the tree's scale and on the raw scale (float32, as
        ``raw_similarity_``), NaN for an article alone.
    rows : _BlockRows
        What computes the similarity rows again (for :meth:`EventGrouper.table` of other labels).
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    t = float(threshold)
    rows_of = _BlockRows(feats, weights, grouper, _floor_cap(t))
    n = rows_of.n
    block = max(int(block or _block_size(n)), 2)
    starts = list(range(0, n, block))
    if len(starts) > 1 and n - starts[-1] < 2:  # no block of one row (a vector product, other sums)
        starts.pop()
    spans = [slice(a, b) for a, b in zip(starts, starts[1:] + [n])]
    if rows_of.copy_similarity is not None:  # pass 0: the copies, which count once from pass 1 on
        pairs = [_copy_pairs(rows_of.raw(sl), np.arange(sl.start, sl.stop), rows_of.days, rows_of.date_window,
                             rows_of.copy_similarity) for sl in spans]
        rows_of.set_copies(_first_copies(n, (np.concatenate([p[0] for p in pairs]),
                                             np.concatenate([p[1] for p in pairs]))))
    if rows_of.local:  # pass 1
        rows_of.r = np.empty(n)
        for sl in spans:
            rows_of.r[sl] = rows_of.density(sl, rows_of.raw(sl))
    # pass 2: the nearest of each row, the candidate pairs and their similarity before the bonus
    lo = 1.0 - t - (rows_of.bonus if rows_of.mutual else 0.0) - _EDGE_SLACK
    rows_of.topk = np.empty((n, rows_of.mutual), dtype=np.intp) if rows_of.mutual else None
    ci, cj, cv = [], [], []
    for sl in spans:
        raw = rows_of.raw(sl)
        ok = np.ones(raw.shape, dtype=bool) if rows_of.min_similarity is None else raw >= rows_of.min_similarity
        s = rows_of.penalised(sl, raw)
        del raw
        if rows_of.mutual:
            rows_of.topk[sl] = rows_of.nearest(sl, s)
        ok &= s >= lo
        ok[np.arange(sl.stop - sl.start), np.arange(sl.start, sl.stop)] = False
        i, j = np.nonzero(ok)
        ci.append(i + sl.start)
        cj.append(j)
        cv.append(s[i, j])
        del s, ok
    ci, cj, cv = np.concatenate(ci), np.concatenate(cj), np.concatenate(cv)
    if rows_of.mutual:
        src = np.repeat(np.arange(n), rows_of.mutual)
        rows_of.rev = sparse.csr_matrix((np.ones(len(src), dtype=bool), (rows_of.topk.ravel(), src)), shape=(n, n))
        keys = np.sort(src.astype(np.int64) * n + rows_of.topk.ravel())
        fi, fj = (ci, cj) if rows_of.first is None else (rows_of.first[ci], rows_of.first[cj])  # copies: their first's
        near = np.isin(ci.astype(np.int64) * n + fj, keys) & np.isin(cj.astype(np.int64) * n + fi, keys)
        cv[near] += rows_of.bonus
    edge = cv >= 1.0 - t - _EDGE_SLACK
    graph = sparse.coo_matrix((np.ones(int(edge.sum())), (ci[edge], cj[edge])), shape=(n, n))
    ncomp, comp = connected_components(graph, directed=False)
    del ci, cj, cv, graph
    # pass 3: each component of two or more articles, its submatrix, its tree
    key = comp.astype(np.int64) * n  # an event per article: component * n + label within it
    coh, rcoh = np.full(n, np.nan), np.full(n, np.nan)
    for ids, sim, raw in _group_matrices(rows_of, comp, block):
        lab = _labels(_tree(sim, grouper.linkage), t)
        key[ids] += lab
        coh[ids], rcoh[ids] = _event_means(lab, sim, raw)  # as EventGrouper.table
    return _first_appearance(key), coh, rcoh, rows_of


def _first_appearance(key: np.ndarray) -> np.ndarray:
    """Event labels from any keys, numbered from 0 by first appearance (as :func:`_labels`)."""
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[inv.ravel()]


def _cut_by_component(sim: np.ndarray, threshold: float, linkage: str) -> np.ndarray:
    """:func:`_cut` within each connected component of the pairs at or above the cut, as the blockwise
    path groups: the same events (a merge at or below the cut needs such a pair), except that an exact tie
    between merge heights is broken within the component alone, so that the events of a collection never
    depend on unrelated articles, and the two paths agree on either side of :data:`BLOCKWISE_MIN_ARTICLES`
    (review23c: with exact ties below the cut, scipy's tree over all articles could split otherwise)."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    n = sim.shape[0]
    t = float(threshold)
    edge = sim >= 1.0 - t - _EDGE_SLACK  # either direction, as the blockwise path's candidate rows
    np.fill_diagonal(edge, False)
    i, j = np.nonzero(edge)
    del edge
    _, comp = connected_components(sparse.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n)), directed=False)
    key = comp.astype(np.int64) * n
    for ids in _groups_in_order(comp):
        key[ids] += _labels(_tree(sim[np.ix_(ids, ids)], linkage), t)
    return _first_appearance(key)


def _groups_in_order(group: np.ndarray) -> list[np.ndarray]:
    """The articles of each group of two or more (``group``: a group number per article), each in article
    order, the groups in order of their number."""
    _, group = np.unique(group, return_inverse=True)
    group = group.ravel()
    size = np.bincount(group)
    members = np.flatnonzero(size[group] > 1)
    by_group = np.split(members[np.argsort(group[members], kind="stable")], np.cumsum(size[size > 1])[:-1])
    return [g for g in by_group if len(g)]


def _group_matrices(rows_of: "_BlockRows", group: np.ndarray, block: int):
    """For each group of two or more articles (``group``: a group number per article), in group order:
    ``(ids, final, raw)``, its articles and their (final, raw float32) similarity submatrix, computed a
    block of rows at a time; only the submatrices of the groups in the current batch are held."""
    groups = _groups_in_order(group)
    k = 0
    while k < len(groups):
        batch = [groups[k]]
        k += 1
        while k < len(groups) and sum(len(g) for g in batch) + len(groups[k]) <= block:
            batch.append(groups[k])
            k += 1
        sims = [np.empty((len(g), len(g))) for g in batch]
        raws = [np.empty((len(g), len(g)), dtype=np.float32) for g in batch]
        rows = [(j, r) for j, g in enumerate(batch) for r in range(len(g))]
        for a in range(0, len(rows), block):
            part = rows[a:a + block]
            raw, sim = rows_of.final(np.array([batch[j][r] for j, r in part]))
            for q, (j, r) in enumerate(part):
                sims[j][r] = sim[q, batch[j]]
                raws[j][r] = raw[q, batch[j]].astype(np.float32)
            del raw, sim
        yield from zip(batch, sims, raws)


def _group_row_means(rows_of: "_BlockRows", group: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_event_means` of the final and raw similarity for the groups of ``group``, a block of rows at a
    time: no group's submatrix is built, so a given story of thousands of articles costs no more than a
    block (review23c)."""
    n = len(group)
    coh, rcoh = np.full(n, np.nan), np.full(n, np.nan)
    groups = _groups_in_order(group)
    order = np.concatenate(groups) if groups else np.zeros(0, dtype=np.intp)
    of_row = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    for a in range(0, len(order), block):
        idx = order[a:a + block]
        raw, sim = rows_of.final(idx)
        for q, i in enumerate(idx):  # the same sums as _event_means' (a contiguous row in article order)
            ids = groups[of_row[a + q]]
            row, raw_row = sim[q, ids], raw[q, ids].astype(np.float32).astype(np.float64)
            own = int(np.searchsorted(ids, i))
            coh[i] = (row.sum() - row[own]) / (len(ids) - 1)
            rcoh[i] = (raw_row.sum() - raw_row[own]) / (len(ids) - 1)
        del raw, sim
    return coh, rcoh


def baseline_groups(title_embeddings: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """The naive baseline: average linkage over title cosine, cut at a fixed distance."""
    e = np.asarray(title_embeddings, dtype=np.float64)
    return _cut(e @ e.T, threshold)


class EventGrouper(Estimator):
    """Group articles that report the same event; the number of events is found.

    Parameters
    ----------
    threshold : float, optional
        Cosine *distance* (1 - combined similarity) at which the
        average-linkage tree is cut. Lower gives more, tighter events.
        Default :data:`DEFAULT_THRESHOLD`, chosen on AllSides roundups.
    weights : dict, optional
        Weight of each similarity channel: ``title``, ``lead``, ``body``
        (embedding cosines), ``names`` (tf-idf cosine of capitalised
        names) and ``words`` (tf-idf cosine of all words). The idf of names
        and words comes from the articles being grouped. Default
        :data:`DEFAULT_WEIGHTS`.
    date_window : float or None
        Articles whose dates are both known and more than this many days
        apart are pushed apart (by ``date_penalty``). ``None`` ignores dates.
    date_penalty : float
        Subtracted from the similarity of such pairs; default
        :data:`DEFAULT_DATE_PENALTY` (soft: a clear match still joins).
    source_penalty : float
        Subtracted from the similarity of two articles from the same
        outlet (``source`` column, compared case-insensitively; unknown
        outlets are never penalised); default :data:`DEFAULT_SOURCE_PENALTY`.
        It applies only when the articles come from two or more outlets (a
        single paper's archive is not penalised). Set 0 when one outlet
        often runs several articles on one event.
    mutual_neighbors : int or None
        Two articles that are each among the other's ``mutual_neighbors``
        most similar articles (after scaling and penalties) get
        ``mutual_bonus`` added to their similarity; ``None`` or 0 turns it
        off. Default :data:`DEFAULT_MUTUAL_NEIGHBORS`.
    mutual_bonus : float
        Default :data:`DEFAULT_MUTUAL_BONUS`.
    min_similarity : float or None
        Absolute floor on the *raw* combined similarity (the weighted mean
        of the channels, before local scaling, penalties and bonus; the
        ``similarity`` column of :meth:`table`): a pair below it gets no
        mutual bonus and never joins by itself (its similarity is capped
        just below the cut), though it may end up in one event through
        articles close to both. ``None`` turns it off. Default
        :data:`DEFAULT_MIN_SIMILARITY`, chosen on AllSides roundups for the
        default model; set it again for another embedding model.
    copy_similarity : float or None
        Two articles at least this similar on the raw scale (and not dated
        further apart than ``date_window``) are copies of one text, a
        syndicated story or a page crawled twice: they count once when the
        grouper asks which articles are an article's nearest (local scaling,
        mutual neighbours), so that a copy does not pull its story apart.
        Copies still get an event each (usually one event together).
        ``None`` turns this off. Default :data:`DEFAULT_COPY_SIMILARITY`.
    neighbors : int or None
        Local scaling: subtract from each pair's similarity the mean
        similarity of the two articles to their ``neighbors`` nearest
        articles (see :func:`_local_scaling`); ``None`` or 0 turns it off
        (then pick a threshold near 0.6). With fewer than ``min_articles``
        articles the constant ``background`` is subtracted instead.
    background : float
        Default :data:`DEFAULT_BACKGROUND`.
    min_articles : int
        Default :data:`DEFAULT_MIN_ARTICLES` (30): local scaling from that
        many articles on. Local scaling splits an event covered by 6 or
        more articles; below ``min_articles`` a constant stands in, which
        merges articles that merely share a topic in a collection on one
        topic. For a collection of 10 to 29 articles on one topic whose
        stories have a few articles each, ``min_articles=10`` groups better.
    linkage : str
        scipy linkage method.
    embedder : str or Embedder, optional

    Attributes
    ----------
    labels_ : ndarray (n,)
        Event number per article, from 0, in order of first appearance.
    n_events_ : int
    similarity_ : ndarray (n, n) or None
        The combined similarity the tree was built on (locally scaled,
        penalised, with the bonus and the floor). None for a collection of
        :data:`BLOCKWISE_MIN_ARTICLES` (3,000) articles or more: those are
        grouped block by block (the same events, without any (n, n)
        matrix; :meth:`table` still gives ``cohesion`` and ``similarity``).
    raw_similarity_ : ndarray (n, n), float32, or None
        The raw combined similarity (weighted mean of the channels), which
        ``min_similarity`` is compared with. None when ``similarity_`` is.
    copy_of_ : ndarray (n,) of int
        For an article that is a copy of an earlier one (``copy_similarity``;
        copies of copies are one group), the position of the group's first
        article; -1 otherwise.
    article_ids_ : list
    """

    _sklearn_type = "clusterer"

    def __init__(self, threshold: float | None = None, weights: dict | None = None, date_window: float | None = 3.0,
                 neighbors: int | None = DEFAULT_NEIGHBORS, background: float = DEFAULT_BACKGROUND,
                 min_articles: int = DEFAULT_MIN_ARTICLES, linkage: str = "average", embedder=None,
                 date_penalty: float = DEFAULT_DATE_PENALTY, source_penalty: float = DEFAULT_SOURCE_PENALTY,
                 mutual_neighbors: int | None = DEFAULT_MUTUAL_NEIGHBORS, mutual_bonus: float = DEFAULT_MUTUAL_BONUS,
                 min_similarity: float | None = DEFAULT_MIN_SIMILARITY,
                 copy_similarity: float | None = DEFAULT_COPY_SIMILARITY):
        self.threshold = threshold
        self.weights = weights
        self.date_window = date_window
        self.neighbors = neighbors
        self.background = background
        self.min_articles = min_articles
        self.linkage = linkage
        self.embedder = embedder
        self.date_penalty = date_penalty
        self.source_penalty = source_penalty
        self.mutual_neighbors = mutual_neighbors
        self.mutual_bonus = mutual_bonus
        self.min_similarity = min_similarity
        self.copy_similarity = copy_similarity

    def get_params(self, deep: bool = False) -> dict:
        return {"threshold": self.threshold, "weights": self.weights, "date_window": self.date_window,
                "neighbors": self.neighbors, "background": self.background, "min_articles": self.min_articles,
                "linkage": self.linkage, "date_penalty": self.date_penalty, "source_penalty": self.source_penalty,
                "mutual_neighbors": self.mutual_neighbors, "mutual_bonus": self.mutual_bonus,
                "min_similarity": self.min_similarity, "copy_similarity": self.copy_similarity,
                "embedder": self.embedder}  # as given, so that sklearn.base.clone keeps a working embedder

    def set_params(self, **params):
        return set_params(self, params)

    def _params(self):
        for name in ("date_penalty", "source_penalty", "mutual_bonus", "background"):
            v = getattr(self, name)
            if not (is_number(v) and v >= 0):
                raise FramingError(f"{name}: expected a number >= 0, found {v!r}")
        if self.threshold is not None and not is_number(self.threshold):
            raise FramingError(f"threshold: expected a cosine distance above 0 and below 2, found {self.threshold!r}")
        for name in ("neighbors", "mutual_neighbors"):
            check_whole(name, getattr(self, name), 0, none_ok=True)
        check_whole("min_articles", self.min_articles, 1)
        t = DEFAULT_THRESHOLD if self.threshold is None else float(self.threshold)
        if not 0.0 < t < 2.0:
            raise FramingError(f"threshold: expected a cosine distance above 0 and below 2, found {t}")
        w = dict(DEFAULT_WEIGHTS if self.weights is None else self.weights)
        unknown = set(w) - set(CHANNELS)
        if unknown:
            raise FramingError(f"weights: unknown channel(s) {', '.join(sorted(unknown))}; expected {', '.join(CHANNELS)}")
        linkages = ("average", "complete", "single", "weighted")
        if self.linkage not in linkages:
            raise FramingError(f"linkage: expected one of {', '.join(linkages)}, found {self.linkage!r}")
        if self.date_window is not None and not (is_number(self.date_window) and self.date_window >= 0):
            raise FramingError(f"date_window: expected a number of days >= 0 or None, found {self.date_window!r}")
        for name in ("min_similarity", "copy_similarity"):
            m = getattr(self, name)
            if m is not None and not (is_number(m) and -1.0 <= m <= 1.0):
                raise FramingError(f"{name}: expected a similarity between -1 and 1 or None, found {m!r}")
        return t, w

    @unfit_on_error
    def fit(self, articles, y=None, *, embeddings=None, features=None, sentences=None):
        """Group ``articles`` (an article table); ``features`` from :func:`article_features` skips embedding;
        ``sentences`` (their sentence table) skips segmenting them again."""
        t, w = self._params()
        articles = _check_articles(articles)
        feats = features if features is not None else article_features(articles, embedder=self.embedder,
                                                                       embeddings=embeddings, sentences=sentences)
        if len(articles) >= BLOCKWISE_MIN_ARTICLES:  # no (n, n) matrix; the same labels
            self.labels_, coh, raw_coh, self._rows = _fit_blockwise(self, feats, t, w)
            self._cohesion = (self.labels_.copy(), coh, raw_coh)
            self.similarity_ = self.raw_similarity_ = None
            first = self._rows.first
        else:
            raw: dict = {}
            sim = _combine(lambda k: _channel_similarity(feats, k), w, feats["days"], self.date_window,
                           self.neighbors, self.background, self.min_articles, feats.get("sources"),
                           float(self.date_penalty), float(self.source_penalty), self.mutual_neighbors,
                           float(self.mutual_bonus), min_similarity=self.min_similarity, cap=_floor_cap(t), raw=raw,
                           copy_similarity=self.copy_similarity)
            self.similarity_ = sim
            self.raw_similarity_ = raw["similarity"]
            self._cohesion = self._rows = None
            self.labels_ = _cut_by_component(sim, t, self.linkage)
            first = raw["first"]
        n = len(articles)
        self.copy_of_ = (np.full(n, -1, dtype=np.int64) if first is None else
                         np.where(first == np.arange(n), -1, first).astype(np.int64))
        self.n_events_ = int(self.labels_.max()) + 1
        self.article_ids_ = articles["article_id"].tolist()
        return self

    def fit_predict(self, articles, y=None, **kwargs) -> np.ndarray:
        return self.fit(articles, **kwargs).labels_

    def _check_fitted(self):
        if not hasattr(self, "labels_"):
            raise not_fitted("EventGrouper is not fitted yet; call fit(articles) first")

    def table(self) -> pd.DataFrame:
        """``article_id``, ``event_id``, ``event_size``, ``cohesion`` and ``similarity``.

        ``cohesion`` is the article's mean similarity to the event's other
        articles on the scale the tree was cut on (:attr:`similarity_`:
        locally scaled, so near 0 for two articles no closer than usual, and
        not comparable across corpora); ``similarity`` is the same mean on the raw scale
        (:attr:`raw_similarity_`, the weighted mean of the channel
        similarities, which :attr:`min_similarity` bounds): read it to judge a
        merge. Both NaN for an article alone in its event. (A large
        collection, grouped without :attr:`similarity_`, has them from the fit.)
        """
        self._check_fitted()
        lab = self.labels_
        size = np.bincount(lab)[lab]
        if getattr(self, "similarity_", None) is None and getattr(self, "_cohesion", None) is not None:
            fitted, coh, raw = self._cohesion
            if not np.array_equal(fitted, lab):  # labels set by hand (the report's given stories): measured again
                coh, raw = _group_row_means(self._rows, lab, _block_size(len(lab)))
        else:
            coh, raw = _event_means(lab, self.similarity_, self.raw_similarity_)
        return pd.DataFrame({"article_id": self.article_ids_, "event_id": lab.astype(np.int64),
                             "event_size": size.astype(np.int64), "cohesion": np.round(coh, 4),
                             "similarity": np.round(raw, 4)})


def group_events(articles, *, embedder=None, embeddings=None, threshold: float | None = None,
                 weights: dict | None = None, date_window: float | None = 3.0,
                 neighbors: int | None = DEFAULT_NEIGHBORS, date_penalty: float = DEFAULT_DATE_PENALTY,
                 source_penalty: float = DEFAULT_SOURCE_PENALTY,
                 mutual_neighbors: int | None = DEFAULT_MUTUAL_NEIGHBORS,
                 mutual_bonus: float = DEFAULT_MUTUAL_BONUS, sentences=None,
                 min_similarity: float | None = DEFAULT_MIN_SIMILARITY,
                 min_articles: int = DEFAULT_MIN_ARTICLES,
                 copy_similarity: float | None = DEFAULT_COPY_SIMILARITY) -> pd.DataFrame:
    """Group articles reporting the same story into events.

    Parameters
    ----------
    articles : pandas.DataFrame or paths
        The article table (``article_id``, ``text``, optional ``title``, ``date``).
    embedder : str or Embedder, optional
    embeddings : ndarray (n, d) or dict of them, optional
        See :func:`article_features`.
    threshold, weights, date_window, neighbors, date_penalty, source_penalty, mutual_neighbors, mutual_bonus, min_similarity, min_articles, copy_similarity
        See :class:`EventGrouper`.
    sentences : pandas.DataFrame, optional
        The articles' sentence table (:func:`framing.segment.segment`), to
        avoid segmenting them again; see :func:`article_features`.

    Returns
    -------
    pandas.DataFrame
        One row per article, in input order: ``article_id``, ``event_id``
        (from 0), ``event_size``, ``cohesion`` (mean locally scaled
        similarity to the event's other articles, near 0 for two articles
        no closer than usual; empty for an article alone), ``similarity`` (the same mean on the raw
        scale, the one ``min_similarity`` bounds), ``copy_of`` (for an
        article that is a copy of an earlier one, a syndicated story or a page
        read twice, the id of the first article of its copies; copies of
        copies are one group; else empty: copies count once in the
        grouping, see ``copy_similarity``), and ``title``, ``source``
        and ``date`` when the articles have them (the values the grouping
        used, so a reader can check a merge or a split). The index is a
        fresh 0..n-1, not the input's, and ``article_id`` is as given:
        join the result to your table with
        ``df.merge(events[["article_id", "event_id"]], on="article_id")``,
        not by index.
    """
    articles = _check_articles(articles)
    g = EventGrouper(threshold=threshold, weights=weights, date_window=date_window, neighbors=neighbors,
                     embedder=embedder, date_penalty=date_penalty, source_penalty=source_penalty,
                     mutual_neighbors=mutual_neighbors, mutual_bonus=mutual_bonus, min_similarity=min_similarity,
                     min_articles=min_articles, copy_similarity=copy_similarity)
    out = g.fit(articles, embeddings=embeddings, sentences=sentences).table()
    ids = out["article_id"].tolist()
    out["copy_of"] = [ids[c] if c >= 0 else None for c in g.copy_of_]
    for col in ("title", "source", "date"):
        if col in articles.columns and (col == "title" or articles[col].notna().any()):
            out[col] = articles[col].tolist()
    return out


def tune_event_grouper(articles, events, *, features=None, embedder=None, thresholds=None, weight_grid=None,
                       date_windows=(None, 3.0), neighbors=(0, 2, 3, 5), date_penalty: float = DEFAULT_DATE_PENALTY,
                       source_penalty: float = DEFAULT_SOURCE_PENALTY,
                       mutual_neighbors: int | None = DEFAULT_MUTUAL_NEIGHBORS,
                       mutual_bonus: float = DEFAULT_MUTUAL_BONUS,
                       min_similarity: float | None = DEFAULT_MIN_SIMILARITY,
                       copy_similarity: float | None = DEFAULT_COPY_SIMILARITY):
    """Choose threshold, channel weights, date window and local scaling by ARI against known events.

    Parameters
    ----------
    articles : pandas.DataFrame
    events : array-like (n,)
        The true event of each article.
    features : dict, optional
        :func:`article_features` of ``articles``, when you have them (nothing
        is embedded again).
    embedder : str or Embedder, optional
        Used to build the features when they are not given.
    thresholds : sequence of float, optional
        Tried for every setting; by default 0.4–0.8 (step 0.025) without local
        scaling and 0.8–1.2 (step 0.0125) with it (the scaled similarity is
        centred near 0).
    weight_grid : sequence of dict, optional
    date_windows, neighbors : sequences
    date_penalty, source_penalty, mutual_neighbors, mutual_bonus, min_similarity, copy_similarity
        Fixed (not searched); see :class:`EventGrouper`.

    Returns
    -------
    (EventGrouper, pandas.DataFrame)
        The best grouper (unfitted) and every tried setting with its ARI.
    """
    from sklearn.metrics import adjusted_rand_score

    articles = _check_articles(articles)
    y = np.asarray(events)
    if len(y) != len(articles):
        raise FramingError(f"events: expected {len(articles)} labels, found {len(y)}")
    feats = features if features is not None else article_features(articles, embedder=embedder)
    sims = _channel_similarities(feats)
    if weight_grid is None:
        weight_grid = []
        for wt in (0.0, 1.0):
            for wl in (0.0, 1.0):
                for wb in (1.0, 2.0):
                    for wn in (0.5, 1.0):
                        for ww in (0.0, 2.0, 4.0):
                            weight_grid.append({"title": wt, "lead": wl, "body": wb, "names": wn, "words": ww})
    rows = []
    for w in weight_grid:
        for dw in date_windows:
            for k in neighbors:
                ts = thresholds if thresholds is not None else (
                    np.round(np.arange(0.8, 1.2001, 0.0125), 4) if k else np.round(np.arange(0.4, 0.81, 0.025), 3))
                raw: dict = {}
                sim = _combine(sims, w, feats["days"], dw, k, DEFAULT_BACKGROUND, sources=feats.get("sources"),
                               date_penalty=date_penalty, source_penalty=source_penalty,
                               mutual_neighbors=mutual_neighbors, mutual_bonus=mutual_bonus,
                               min_similarity=min_similarity, raw=raw, copy_similarity=copy_similarity)
                below = raw["below"]
                z = _tree(sim) if below is None or not below.any() else None
                for t in ts:
                    # the floor's cap depends on the cut: one tree per threshold then
                    zt = z if z is not None else _tree(_apply_floor(sim.copy(), below, _floor_cap(t)))
                    rows.append({**w, "date_window": dw, "neighbors": k, "threshold": float(t),
                                 "ari": adjusted_rand_score(y, _labels(zt, float(t)))})
    res = pd.DataFrame(rows)
    best = res.loc[res["ari"].idxmax()]
    dw = best["date_window"]
    g = EventGrouper(threshold=float(best["threshold"]), weights={k: float(best[k]) for k in CHANNELS},
                     date_window=None if pd.isna(dw) else float(dw), neighbors=int(best["neighbors"]),
                     embedder=embedder, date_penalty=date_penalty, source_penalty=source_penalty,
                     mutual_neighbors=mutual_neighbors, mutual_bonus=mutual_bonus, min_similarity=min_similarity,
                     copy_similarity=copy_similarity)
    return g, res


# --------------------------------------------------------------------------- sentence alignment

ALIGN_COLUMNS = ["event_id", "article_id", "sentence_id", "text", "n_articles", "shared", "match_score", "label",
                 "keywords"]


class _UnionFind:
    def __init__(self, n):
        self.p = list(range(n))

    def find(self, i):
        while self.p[i] != i:
            self.p[i] = self.p[self.p[i]]
            i = self.p[i]
        return i

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def _sentence_names(texts: list[str], codebook) -> list[list[str]]:
    """Names per sentence, plus ``actor:<id>`` tokens for codebook actors (so 'Moscow' meets 'the Kremlin')."""
    from .actors import find_mentions

    out = []
    for t in texts:
        names = named_things(t)
        if codebook is not False:
            names += [f"actor:{m[0]}" for m in find_mentions(t, codebook)]
        out.append(names)
    return out


def sentence_similarity(sentences, *, embeddings=None, embedder=None, codebook=None, names_weight: float = 0.3,
                        center: bool = True):
    """Combined sentence similarity: embedding cosine and overlap of names/actors.

    Returns
    -------
    ndarray (n, n)
        ``(1 - names_weight) * cosine + names_weight * names_cosine``. With
        ``center`` the cosine is taken after subtracting the mean vector of
        the given sentences (their shared topic). Names
        are weighted by rarity within the given sentences (tf-idf), so a
        name only two sentences share (Lavrov, Oreshnik) counts far more than
        one every sentence has (Russia).
    """
    sentences = _check_sentences(sentences)
    if not (is_number(names_weight) and 0 <= names_weight <= 1):
        raise FramingError(f"names_weight: expected a weight between 0 and 1, found {names_weight!r}")
    texts = sentences["text"].astype(str).tolist()
    if embeddings is None:
        from .embed import get_embedder

        embeddings = get_embedder(embedder).encode(texts)
    e = _check_matrix(embeddings, len(texts), "embeddings").astype(np.float64)
    if center and len(e) > 2:
        # Articles about one story share their topic; removing the mean vector
        # leaves what tells one claim from another.
        e = e - e.mean(axis=0)
        e /= np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)
    cos = e @ e.T
    m = _names_matrix(_sentence_names(texts, codebook))
    nm = np.asarray((m @ m.T).todense(), dtype=np.float64)
    return (1 - names_weight) * cos + names_weight * nm


def _keywords(texts: list[str], k: int = 4, articles=None) -> list[str]:
    """Informative words/names of a group of sentences, those the articles share first.

    Ranked by the number of distinct ``articles`` whose sentences use the
    word (what the sides have in common names the event), then by the number
    of sentences, then by first appearance. Words of three letters count
    ("war", "aid", "EU").
    """
    arts = list(articles) if articles is not None else list(range(len(texts)))
    seen: dict[str, set] = {}
    sents = Counter()
    for t, a in zip(texts, arts):
        # dict, not set: ties keep their order of appearance whatever the hash seed (reproducible tables)
        for w in dict.fromkeys(_KEYWORD_RE.findall(t)):
            lw = w.lower()
            if len(w) == 2 and lw not in _SHORT_WORDS:
                pass  # a two-letter acronym: EU, US, UN, UK
            elif len(w) == 2 or lw in _STOP or lw in _NOT_NAMES:
                continue
            seen.setdefault(lw, set()).add(a)
            sents[lw] += 1
    order = sorted(seen, key=lambda w: (-len(seen[w]), -sents[w]))[:k]  # stable: first appearance breaks ties
    # "War" opening a sentence and "war" are one word, shown in lower case; a name keeps its capitals
    shown = surface_forms(texts, set(order), _KEYWORD_RE)
    return [shown.get(w, w) for w in order]


# a word of three letters or more (any script: "Erdoğan", "Zürich"), or a shorter one joined by a hyphen
# ("al-Assad"), with hyphens inside it and a number after a last one ("COVID-19", not "COVID-"); or a
# two-capital acronym
_KEYWORD_RE = re.compile(r"(?:[^\W\d_]{3,}|[^\W\d_]{1,2}(?=-[^\W\d_]))(?:-[^\W\d_]+)*(?:-\d+)?|\b[A-Z]{2}\b")


def _label_sentence(g: list[int], sim: np.ndarray, texts: list[str], words: list[str]) -> int:
    """The member sentence that best names the event: central, and using the event's keywords.

    Score = centrality (summed similarity to the other members, relative to
    the most central one) + the share of the event's keywords the sentence
    uses. Centrality alone tends to pick the vaguest sentence ("as the
    situation continues to evolve ..."), which is close to everything.
    """
    if len(g) == 1:
        return g[0]
    sub = sim[np.ix_(g, g)]
    cen = sub.sum(axis=1) - np.diag(sub)
    cen = cen / cen.max() if cen.max() > 0 else np.zeros(len(g))
    low = [w.lower() for w in words]
    cover = np.array([len({w.lower() for w in re.findall(r"[A-Za-z][A-Za-z\-]+", texts[i])} & set(low))
                      / max(len(low), 1) for i in g])
    return g[int(np.argmax(cen + cover))]


# Two-letter words that are not acronyms even in an all-caps headline.
_SHORT_WORDS = set("in to of at on by is it as an or if be do go no so up we he me my am".split())
_STOP = set("""
have has had been being were will would could should might must shall this that these those their there them they
with from into over under about after before while which whom what when where than then also just only more most
very such some many much other another being does doing done said says according amid against between within
without among through during including because however although though itself themselves himself herself
was are can did get got its not nor but how who why yet per via new now own too off out any all has had
""".split())


def _grow(sim: np.ndarray, arts: np.ndarray, uf: _UnionFind, threshold: float) -> None:
    """Average-linkage merging from the mutual-best pairs, never of two groups of one same article.

    Merging only when the result spans several articles keeps events
    anchored in cross-article matches: a sentence joins an event because it
    is like the event's sentences in *other* articles, and an article's
    own repetitions do not snowball.
    """
    n = len(arts)
    roots = [uf.find(i) for i in range(n)]
    groups: dict[int, list[int]] = {}
    for i, r in enumerate(roots):
        groups.setdefault(r, []).append(i)
    members = list(groups.values())
    k = len(members)
    if k < 2:
        return
    size = np.array([len(g) for g in members], dtype=np.float64)
    art_sets = [set(arts[g].tolist()) for g in members]
    # group x group mean similarity
    onehot = np.zeros((k, n))
    for gi, g in enumerate(members):
        onehot[gi, g] = 1.0
    tot = onehot @ sim @ onehot.T
    avg = tot / np.outer(size, size)
    alive = np.ones(k, dtype=bool)
    codes = {a: i for i, a in enumerate(dict.fromkeys(arts.tolist()))}
    # the one article of a group, or -1 once it spans several
    g_art = np.array([codes[next(iter(a))] if len(a) == 1 else -1 for a in art_sets])
    while True:
        cand = np.where(alive[:, None] & alive[None, :], avg, -np.inf)
        np.fill_diagonal(cand, -np.inf)
        same = (g_art[:, None] == g_art[None, :]) & (g_art[:, None] >= 0)
        cand[same] = -np.inf
        a, b = np.unravel_index(np.argmax(cand), cand.shape)
        if not np.isfinite(cand[a, b]) or cand[a, b] < threshold:
            break
        # Lance-Williams update for average linkage
        tot[a, :] += tot[b, :]
        tot[:, a] += tot[:, b]
        size[a] += size[b]
        avg[a, :] = tot[a, :] / (size[a] * size)
        avg[:, a] = avg[a, :]
        alive[b] = False
        art_sets[a] |= art_sets[b]
        g_art[a] = g_art[a] if len(art_sets[a]) == 1 else -1
        members[a] = members[a] + members[b]
        uf.union(members[a][0], members[b][0])


def _aligned_table(sentences: pd.DataFrame, texts: list, event, n_articles, match_score, labels, keywords,
                   boilerplate: np.ndarray) -> pd.DataFrame:
    """:func:`align_events`' output from its per-sentence columns: :data:`ALIGN_COLUMNS`, then the other
    columns of ``sentences``, sorted by event, article and sentence."""
    out = pd.DataFrame({
        "event_id": np.asarray(event, dtype=np.int64),
        "article_id": sentences["article_id"].to_numpy(),
        "sentence_id": sentences["sentence_id"].to_numpy(),
        "text": texts,
    })
    out["n_articles"] = np.asarray(n_articles, dtype=np.int64)
    out["shared"] = out["n_articles"] > 1
    out["match_score"] = match_score
    out["label"] = labels
    out["keywords"] = keywords
    out["boilerplate"] = boilerplate
    for c in sentences.columns:
        if c not in out.columns:
            out[c] = sentences[c].to_numpy()
    return out.sort_values(["event_id", "article_id", "sentence_id"], kind="stable").reset_index(drop=True)


def _one_article_events(sentences: pd.DataFrame, boilerplate: np.ndarray) -> pd.DataFrame:
    """:func:`align_events` of one article's sentences: each sentence an event, in reading order."""
    n = len(sentences)
    texts = sentences["text"].astype(str).tolist()
    keys = [", ".join(_keywords([t], articles=[a])) for t, a in zip(texts, sentences["article_id"])]
    return _aligned_table(sentences, texts, np.arange(n), np.ones(n), np.zeros(n), texts, keys, boilerplate)


def align_events(sentences, *, embeddings=None, embedder=None, codebook=None, threshold: float = 0.15,
                 mutual_threshold: float = 0.12, names_weight: float = 0.3, by: str | None = None,
                 boilerplate: int | None = DEFAULT_BOILERPLATE_ARTICLES, _in_group: bool = False,
                 _boilerplate: np.ndarray | None = None, _fast: bool = True) -> pd.DataFrame:
    """Line up sentences that describe the same event or claim across articles.

    Similarity is :func:`sentence_similarity`: embedding cosine after
    removing the shared topic (the mean vector), plus overlap of rare names
    and actors. Two sentences from different articles that are each other's
    best match, with similarity at least ``mutual_threshold``, seed an event.
    Events then grow by average linkage while the mean similarity between two
    groups is at least ``threshold``, and only into groups that span several
    articles, so every shared event rests on cross-article matches. A
    sentence left alone is an event of its own: what the other articles
    leave out.

    Parameters
    ----------
    sentences : pandas.DataFrame
        Sentence table of a few articles (``article_id``, ``sentence_id``, ``text``).
    embeddings : ndarray (n, d), optional
        Sentence vectors, float32, L2-normalised, in table order.
    embedder : str or Embedder, optional
    codebook : str, path or Codebook, optional
        Its actor aliases count as shared names. ``False`` ignores actors.
    threshold, mutual_threshold : float
        Mean combined similarity for growing an event, and the similarity
        for a mutual-best-match seed. Chosen on the seed articles.
    names_weight : float
        Weight of name/actor overlap against embedding cosine.
    by : str, optional
        A column of ``sentences`` (e.g. ``story``, the ``event_id`` of
        :func:`group_events` merged in and renamed) whose groups are aligned
        separately; event ids stay unique across groups. The thresholds
        assume the articles tell one story: on a corpus of many stories,
        group the articles first and pass ``by``, or sentences of unrelated
        stories end up in one event. A ``by`` named like a column of the
        result (``event_id``) is kept as ``story``.
    boilerplate : int or None
        Sentences found verbatim in this many of the given articles or more
        (:func:`boilerplate_sentences`, counted over the whole table, not
        within each group of ``by``) match nothing: each stays an event of
        its own, marked in the ``boilerplate`` column. ``None`` matches them
        like any other sentence.

    Returns
    -------
    pandas.DataFrame
        Long table, one row per sentence, columns :data:`ALIGN_COLUMNS`:
        ``event_id`` (from 0: events shared by several articles first, in
        reading order, then single-article ones), ``article_id``,
        ``sentence_id``, ``text``, ``n_articles`` (articles in the event),
        ``shared`` (``n_articles > 1``), ``match_score`` (best similarity to a
        sentence of another article), ``label`` (the member sentence that
        is most central and uses most of the keywords) and ``keywords`` (the
        words and names the event's articles share first), then ``boilerplate``
        (the sentence is shared boilerplate and was not matched; its
        ``match_score`` is 0) and the other columns of ``sentences``. See
        :func:`event_summary` for the wide view.
    """
    codebook = warn_if_default_for(sentences, codebook, "align_events")
    sentences = _check_sentences(sentences)
    for name, v in (("threshold", threshold), ("mutual_threshold", mutual_threshold)):
        if not (is_number(v) and -1 <= v <= 1):
            raise FramingError(f"{name}: expected a similarity between -1 and 1, found {v!r}")
    n = len(sentences)
    if n == 0:
        return pd.DataFrame(columns=ALIGN_COLUMNS)
    if _boilerplate is None:
        check_whole("boilerplate", boilerplate, 2, none_ok=True)
        _boilerplate = _boilerplate_mask(sentences["article_id"].tolist(), sentences["text"].tolist(), boilerplate)
    if by is not None:
        if by not in sentences.columns:
            raise FramingError(f"by: no column {by!r} in the sentence table; found {', '.join(map(str, sentences.columns))}")
        missing = sentences[by].isna()
        if missing.any():  # groupby would drop them: their sentences would vanish from the alignment
            raise FramingError(f"by: column {by!r} has no value for {int(missing.sum())} sentence(s) (e.g. of "
                               f"article {sentences.loc[missing, 'article_id'].iloc[0]!r}); give every sentence a "
                               "group, or leave by out")
        emb_all = None
        if embeddings is not None:
            emb_all = _check_matrix(embeddings, n, "embeddings")
        if codebook is None:  # warned about above, once: each group is given the codebook in use
            from .codebook import load_codebook

            codebook = load_codebook(None)
        keep_story = by in ALIGN_COLUMNS and "story" not in sentences.columns
        parts, offset = [], 0
        for key, idx in sentences.groupby(by, sort=True, observed=True).indices.items():
            part = align_events(sentences.iloc[idx], embeddings=None if emb_all is None else emb_all[idx],
                                embedder=embedder, codebook=codebook, threshold=threshold,
                                mutual_threshold=mutual_threshold, names_weight=names_weight, _in_group=True,
                                _boilerplate=_boilerplate[idx])
            part["event_id"] += offset
            offset = int(part["event_id"].max()) + 1
            if keep_story:
                # review23-api: by="event_id" (group_events' column) lost the story of each sentence to the
                # output's own event_id; it is kept as ``story``
                part["story"] = key.item() if isinstance(key, np.generic) else key
            parts.append(part)
        out = pd.concat(parts, ignore_index=True)
        # which group each article was aligned in (by may be event_id, which the output's own event_id
        # overwrites): framing_diff names the groups of two articles that could share no event
        out.attrs["aligned_by"] = by
        out.attrs["aligned_groups"] = _SharedMap((a, g.item() if isinstance(g, np.generic) else g)
                                                 for a, g in zip(sentences["article_id"], sentences[by]))
        return out
    arts = sentences["article_id"].to_numpy()
    if _fast and len(set(arts.tolist())) == 1:
        # one article (a story of one, in a report): nothing to line up, every sentence is an event of its own;
        # built directly (scale22: similarities and a pandas table per such story were half the events step)
        return _one_article_events(sentences, _boilerplate)
    sim = sentence_similarity(sentences, embeddings=embeddings, embedder=embedder, codebook=codebook,
                              names_weight=names_weight)
    if _boilerplate.any():
        # boilerplate matches nothing: as unlike every other sentence as can be
        sim[_boilerplate, :] = -1.0
        sim[:, _boilerplate] = -1.0
        np.fill_diagonal(sim, 1.0)
    uniq = list(dict.fromkeys(arts.tolist()))
    idx = {a: np.flatnonzero(arts == a) for a in uniq}
    uf = _UnionFind(n)
    best = np.full(n, np.nan)
    for ai, a in enumerate(uniq):
        for b in uniq[ai + 1:]:
            ia, ib = idx[a], idx[b]
            sub = sim[np.ix_(ia, ib)]
            best[ia] = np.fmax(best[ia], sub.max(axis=1))
            best[ib] = np.fmax(best[ib], sub.max(axis=0))
            row_best = sub.argmax(axis=1)
            col_best = sub.argmax(axis=0)
            for i in range(len(ia)):
                j = row_best[i]
                if col_best[j] == i and sub[i, j] >= mutual_threshold:
                    uf.union(ia[i], ib[j])
    _grow(sim, arts, uf, threshold)
    roots = np.array([uf.find(i) for i in range(n)])
    groups: dict[int, list[int]] = {}
    for i, r in enumerate(roots):
        groups.setdefault(r, []).append(i)
    texts = sentences["text"].astype(str).tolist()
    order = sorted(groups.values(), key=lambda g: (len(set(arts[g])) == 1, min(g)))
    event = np.empty(n, dtype=np.int64)
    labels, keys = {}, {}
    for e, g in enumerate(order):
        event[g] = e
        words = _keywords([texts[i] for i in g], articles=arts[g])
        labels[e] = texts[_label_sentence(g, sim, texts, words)]
        keys[e] = ", ".join(words)
    n_art = {e: len(set(arts[g])) for e, g in enumerate(order)}
    big = max(order, key=len)
    # one "event" swallowed a good part of several articles (not said within a group of by=: the caller grouped)
    if not _in_group and len(uniq) > 2 and len(big) > max(20, 0.25 * n):
        warn(f"align_events: one event holds {len(big)} of {n} sentences, from {len(set(arts[big]))} of "
             f"{len(uniq)} articles: these articles probably tell several stories. Group them first "
             "(group_events), merge their event_id into the sentence table as story and pass by='story'",
             FramingWarning)
    return _aligned_table(sentences, texts, event, [n_art[e] for e in event],
                          np.round(np.where(_boilerplate, 0.0, np.nan_to_num(best, nan=0.0)), 4),
                          [labels[e] for e in event], [keys[e] for e in event], _boilerplate)


def event_summary(aligned: pd.DataFrame, *, max_chars: int | None = None) -> pd.DataFrame:
    """The wide view of :func:`align_events`: one row per event, one column per article.

    Returns
    -------
    pandas.DataFrame
        ``event_id``, ``label``, ``keywords``, ``n_articles``, ``n_sentences``,
        then one column per article (named by ``article_id``) with that
        article's sentences of the event joined by " | " (empty when the
        article leaves the event out).
    """
    _check_aligned(aligned)
    check_whole("max_chars", max_chars, 2, none_ok=True)
    arts = list(dict.fromkeys(aligned["article_id"].tolist()))
    head = ["event_id", "label", "keywords", "n_articles", "n_sentences"]
    keep = aligned[aligned["event_id"].notna()]
    if keep.empty:
        return pd.DataFrame([], columns=[*head, *arts])
    texts = keep["text"].tolist()
    if max_chars:
        texts = [t if len(t) <= max_chars else t[: max_chars - 1] + "…" for t in texts]
    # one groupby over (event, article) codes (a mask per event and article was O(events x articles)); the
    # sentences of a cell keep their order in ``aligned``
    ev_code, events = pd.factorize(keep["event_id"], sort=True)
    art_code, art_uniq = pd.factorize(keep["article_id"], sort=False)
    col_of = {a: i for i, a in enumerate(arts)}
    col = np.array([col_of[a] for a in art_uniq], dtype=np.int64)[art_code]
    long = pd.DataFrame({"e": ev_code, "a": col, "text": texts})[art_code >= 0]  # (no column for a missing id)
    cells = long.groupby(["e", "a"], sort=False, observed=True)["text"].agg(" | ".join)
    grid = np.full((len(events), len(arts)), "", dtype=object)
    grid[cells.index.get_level_values(0).to_numpy(), cells.index.get_level_values(1).to_numpy()] = cells.to_numpy()
    _, first = np.unique(ev_code, return_index=True)  # each event's first row, as g.iloc[0]
    data = {"event_id": events.tolist(), "label": keep["label"].to_numpy()[first].tolist(),
            "keywords": keep["keywords"].to_numpy()[first].tolist(),
            "n_articles": [int(x) for x in keep["n_articles"].to_numpy()[first]],
            "n_sentences": np.bincount(ev_code, minlength=len(events)).tolist()}
    for i, a in enumerate(arts):
        data[a] = grid[:, i].tolist()
    return pd.DataFrame(data, columns=[*head, *arts])  # the dtypes a table of row dicts had


# --------------------------------------------------------------------------- comparison tables


def _frame_columns(scored: pd.DataFrame, codebook=None) -> list[str]:
    """The per-frame score columns of a score_frames table."""
    if not isinstance(scored, pd.DataFrame):
        raise FramingError(f"scored: expected the table from framing.score_frames, found {type(scored).__name__}")
    for col in ("frame", "confidence"):
        if col not in scored.columns:
            raise FramingError(f"scored: no {col!r} column; expected the table from framing.score_frames")
    from .codebook import load_codebook

    if codebook is not None:
        ids = [f for f in load_codebook(codebook).frame_ids if f in scored.columns]
    elif scored.attrs.get("frames") and all(f in scored.columns for f in scored.attrs["frames"]):
        ids = list(scored.attrs["frames"])  # what score_frames scored with
    else:
        try:
            ids = [f for f in load_codebook(None).frame_ids if f in scored.columns]
        except FramingError:  # pragma: no cover
            ids = []
    if not ids:
        from .frames import _frame_columns as score_columns

        try:  # the float columns just before 'frame' (see framing.frames._frame_columns)
            ids = [c for c in score_columns(scored) if c not in {"start", "end", "paragraph", "sentence_id"}]
        except FramingError:
            ids = []
    return ids


def _check_aligned(aligned) -> None:
    if not isinstance(aligned, pd.DataFrame):
        raise FramingError(f"aligned: expected the table from align_events, found {type(aligned).__name__}")
    missing = [c for c in ALIGN_COLUMNS if c not in aligned.columns]
    if missing:
        raise FramingError(f"aligned: missing column(s) {', '.join(missing)}; expected the table from align_events")


def _merge_scores(aligned: pd.DataFrame, scored: pd.DataFrame, frame_ids: list[str]) -> pd.DataFrame:
    _check_aligned(aligned)
    keep = ["article_id", "sentence_id"] + frame_ids + ["frame", "confidence"]
    s = scored[keep].drop_duplicates(["article_id", "sentence_id"])
    base = aligned.drop(columns=[c for c in keep[2:] if c in aligned.columns])
    out = base.merge(s, on=["article_id", "sentence_id"], how="left", validate="one_to_one")
    if out["frame"].isna().any():
        missing = out.loc[out["frame"].isna(), ["article_id", "sentence_id"]].iloc[0].tolist()
        raise FramingError(f"scored: no score for sentence {missing[1]} of article {missing[0]!r}; "
                           "score the same sentence table that was aligned")
    return out


def _lean(frames: np.ndarray, conf: np.ndarray) -> tuple[str, float]:
    """The frame a group of sentences leans to: the one with the largest summed confidence (ties: the first by
    name), and that sum over the number of sentences."""
    parts: dict = {}
    for f, c in zip(frames, conf):
        if f != "none":
            parts.setdefault(f, []).append(c)
    w = {f: math.fsum(v) for f, v in parts.items()}  # compensated, as pandas' grouped sum was
    best = None
    for f in sorted(w):
        if w[f] > 0 and (best is None or w[f] > w[best]):
            best = f
    return ("none", 0.0) if best is None else (str(best), float(w[best] / max(len(frames), 1)))


def event_article_table(aligned: pd.DataFrame, scored: pd.DataFrame, *, codebook=None) -> pd.DataFrame:
    """Event x article: how each article frames each aligned event.

    Parameters
    ----------
    aligned : pandas.DataFrame
        From :func:`align_events`.
    scored : pandas.DataFrame
        From :func:`framing.frames.score_frames` on the same sentences
        (``article_id``, ``sentence_id``, one score column per frame,
        ``frame``, ``confidence``).
    codebook : str, path or Codebook, optional
        For the actors (roles, speakers) and the frame ids.

    Returns
    -------
    pandas.DataFrame
        One row per (event, article) where the article has the event:
        ``event_id``, ``label``, ``keywords``, ``n_articles``, ``article_id``,
        ``n_sentences``, ``sentence_ids`` ("3,4"), one column per frame id
        (mean score of the article's sentences in the event), ``frame``
        (the lean: the frame with the largest summed confidence, or
        ``"none"``), ``confidence`` (that sum over the sentences, 0–1),
        ``lean`` (when the codebook has two or more frames: the summed
        confidence of the sentences in the first frame minus that of the
        sentences in the second, over the number of sentences; from -1 to
        +1, positive when ``frame`` is the first frame, negative when it is
        the second, 0 when no sentence is framed), ``roles`` ("russia: aggressor;
        ukraine: victim", actors in order of mentions, each with its most
        frequent non-neutral role) and ``speakers`` ("Sergei Lavrov (russia)").
    """
    codebook = warn_if_default_for(scored, codebook, "event_article_table")
    from .actors import actor_mentions, speakers

    frame_ids = _frame_columns(scored, codebook)
    df = _merge_scores(aligned, scored, frame_ids)
    ment = actor_mentions(df[["article_id", "sentence_id", "text"]], codebook)
    spk = speakers(df[["article_id", "sentence_id", "text"]
                      + [c for c in ("is_quote", "paragraph") if c in df.columns]], codebook)
    ev_of = {(a, s): e for a, s, e in zip(df["article_id"], df["sentence_id"], df["event_id"])}
    ment["event_id"] = [ev_of[(a, s)] for a, s in zip(ment["article_id"], ment["sentence_id"])]
    spk["event_id"] = [ev_of[(a, s)] for a, s in zip(spk["article_id"], spk["sentence_id"])]
    # each (event, article)'s mentions and speakers, in table order, looked up once (a mask per cell was
    # O(events x articles x mentions))
    # Per (event, article) cell, on plain arrays: a few pandas operations per cell took seconds on a hundred
    # articles (2,193 cells, 6 s); the numbers are computed as before.
    roles_of: dict = {}
    for e, a, actor, role in zip(ment["event_id"], ment["article_id"], ment["actor"], ment["role"]):
        counts = roles_of.setdefault((e, a), {}).setdefault(actor, {})  # actors, then roles, in order of mention
        if role != "neutral":
            counts[role] = counts.get(role, 0) + 1
    voices_of: dict = {}
    for e, a, s, act in zip(spk["event_id"], spk["article_id"], spk["speaker"], spk["actor"]):
        voices_of.setdefault((e, a), {})[f"{s} ({act})" if isinstance(act, str) else s] = None
    cells = df.groupby(["event_id", "article_id"], sort=True, observed=True)
    where = cells.indices
    scores = {f: df[f].to_numpy(dtype=np.float64) for f in frame_ids}
    frames = df["frame"].astype(object).to_numpy()
    conf = df["confidence"].fillna(0).to_numpy(dtype=np.float64)
    sids, labels, keys, n_arts = (df[c].to_numpy() for c in ("sentence_id", "label", "keywords", "n_articles"))
    rows = []
    for e, a in cells.size().index:  # the cells in groupby's order
        pos = where[(e, a)]
        first = pos[0]
        row = {"event_id": e, "label": labels[first], "keywords": keys[first], "n_articles": int(n_arts[first]),
               "article_id": a, "n_sentences": len(pos), "sentence_ids": ",".join(str(int(x)) for x in sids[pos])}
        for f in frame_ids:
            v = scores[f][pos]
            ok = ~np.isnan(v)  # a missing score is skipped, as pandas' mean skips it (zeros in its place, then sum)
            row[f] = round(float(np.where(ok, v, 0.0).sum() / ok.sum()), 6) if ok.any() else float("nan")
        row["frame"], row["confidence"] = _lean(frames[pos], conf[pos])
        row["confidence"] = round(row["confidence"], 6)
        if len(frame_ids) >= 2:
            # the same vote as ``frame``, signed: the heatmap's colour and the cell's frame never disagree
            fr, c = frames[pos], conf[pos]
            vote = c[fr == frame_ids[0]].sum() - c[fr == frame_ids[1]].sum()
            row["lean"] = round(float(vote) / len(pos), 6)
        row["roles"] = "; ".join(f"{actor}: {max(counts, key=counts.get) if counts else 'neutral'}"
                                 for actor, counts in roles_of.get((e, a), {}).items())
        row["speakers"] = "; ".join(voices_of.get((e, a), {}))
        rows.append(row)
    columns = ["event_id", "label", "keywords", "n_articles", "article_id", "n_sentences", "sentence_ids", *frame_ids,
               "frame", "confidence", *(["lean"] if len(frame_ids) >= 2 else []), "roles", "speakers"]
    out = pd.DataFrame(rows, columns=columns)  # the columns even when there is no row
    out.attrs["frames"] = list(frame_ids)  # the lean's ends and the colours, for framing.plot
    return out


DIFF_COLUMNS = ["event_id", "kind", "similarity", "sentence_id_a", "text_a", "frame_a", "confidence_a",
                "sentence_id_b", "text_b", "frame_b", "confidence_b", "same_frame"]


class _SharedMap(dict):
    """A dict that a table's ``attrs`` share instead of copying: pandas deep-copies ``attrs`` on every filter
    and merge, which for one entry per article made each operation on a 10,000-article alignment ten times
    slower. It is never changed after it is made."""

    def __deepcopy__(self, memo):
        return self


def _warn_if_apart(aligned: pd.DataFrame, a, b) -> None:
    """Warn when the given alignment cannot pair the two articles: one of them is not in it, or it was made
    by group (``align_events(by=...)``) and puts them in different groups. Every sentence then reads as left
    out, which is rarely what the caller meant (audit19: two articles of one AllSides story that the grouper
    had put in different stories, aligned by story as notebook 03 does). Two articles of one group that
    share no event are a finding, not a mistake, and get no warning."""

    missing = [x for x in (a, b) if x not in set(aligned["article_id"])]
    attrs = getattr(aligned, "attrs", None) or {}
    groups, by = attrs.get("aligned_groups") or {}, attrs.get("aligned_by")
    if missing:
        why = f"{missing[0]!r} is not in the given aligned table"
    elif a in groups and b in groups and groups[a] != groups[b]:
        why = (f"{a!r} and {b!r} are in different groups of the aligned table (aligned by {by!r}: {groups[a]!r} "
               f"and {groups[b]!r})")
    else:
        return
    warn(f"framing_diff: {why}, so they share no event and every sentence is listed as only_a or "
         "only_b; to line the two articles up with each other, leave aligned out", FramingWarning)


def framing_diff(scored: pd.DataFrame, a, b, *, aligned: pd.DataFrame | None = None, embeddings=None,
                 embedder=None, codebook=None, min_similarity: float | None = 0.12) -> pd.DataFrame:
    """Two articles side by side: aligned sentence pairs and what each leaves out.

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`framing.frames.score_frames` (with ``article_id``,
        ``sentence_id``, ``text``, ``frame``, ``confidence``).
    a, b : article ids
    aligned : pandas.DataFrame, optional
        From :func:`align_events` (on these or more articles); computed on
        the two articles when not given.
    embeddings : ndarray, optional
        Vectors of ``scored``'s rows (same order), to skip embedding.
    embedder, codebook
        As in :func:`align_events`.
    min_similarity : float or None
        A pair is kept only when its two sentences are at least this similar
        (:func:`sentence_similarity`: the cosine of the sentence vectors
        centred on these articles' mean, so 0 is "no more alike than any
        two of their sentences", blended with shared names). The default is
        :func:`align_events`' ``mutual_threshold``, the similarity at which
        two sentences seed an event. ``None`` keeps every pair of the
        one-to-one assignment, however loose.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DIFF_COLUMNS`. ``kind`` is ``"pair"`` for aligned
        pairs (the best one-to-one assignment within each event shared by
        both, pairs below ``min_similarity`` dropped); ``"unpaired_a"`` /
        ``"unpaired_b"`` for the other sentences of events both articles
        report (the other article reports the event, in fewer or looser
        sentences); ``"only_a"`` / ``"only_b"`` for sentences of events the
        other article does not report (or of no event): what it leaves out.
        Unpaired and only rows keep their ``event_id``. ``same_frame`` is
        whether both sides of a pair carry the same ``frame`` (None for the
        other rows). Pairs come first in event order, then the unpaired
        sentences of a and of b, then those only in a and only in b.
    """
    from scipy.optimize import linear_sum_assignment

    if not isinstance(scored, pd.DataFrame):
        raise FramingError("scored: expected the table from framing.score_frames")
    codebook = warn_if_default_for(scored, codebook, "framing_diff")
    if codebook is None:  # warned about here, once: the steps below are given the codebook in use
        from .codebook import load_codebook

        codebook = load_codebook(None)
    fcols = _frame_columns(scored, codebook)
    ids = set(scored["article_id"])
    for x, name in ((a, "a"), (b, "b")):
        if x not in ids:
            raise FramingError(f"{name}: article {x!r} is not in the scored table; found {', '.join(map(str, sorted(ids)))[:200]}")
    if a == b:
        raise FramingError(f"a and b: expected two different articles, found {a!r} twice")
    mask = scored["article_id"].isin([a, b]).to_numpy()
    two = scored[mask].reset_index(drop=True)
    emb = None
    if embeddings is not None:
        emb = _check_matrix(embeddings, len(scored), "embeddings")[mask]
    given = aligned is not None
    if not given:
        aligned = align_events(two, embeddings=emb, embedder=embedder, codebook=codebook)
    _check_aligned(aligned)
    al = aligned[aligned["article_id"].isin([a, b])]
    if given:
        _warn_if_apart(aligned, a, b)
    ev = {(r.article_id, r.sentence_id): r.event_id for r in al.itertuples()}
    sim = sentence_similarity(two, embeddings=emb, embedder=embedder, codebook=codebook)
    two["event_id"] = [ev.get((x, s), -1) for x, s in zip(two["article_id"], two["sentence_id"])]
    rows, used = [], set()

    def side(i, sfx):
        r = two.iloc[i]
        return {f"sentence_id_{sfx}": int(r["sentence_id"]), f"text_{sfx}": r["text"], f"frame_{sfx}": r["frame"],
                f"confidence_{sfx}": float(r["confidence"])}

    for e in sorted(set(two["event_id"]) - {-1}):
        ia = np.flatnonzero((two["event_id"] == e).to_numpy() & (two["article_id"] == a).to_numpy())
        ib = np.flatnonzero((two["event_id"] == e).to_numpy() & (two["article_id"] == b).to_numpy())
        if len(ia) == 0 or len(ib) == 0:
            continue
        sub = sim[np.ix_(ia, ib)]
        ra, rb = linear_sum_assignment(-sub)
        for x, y in sorted(zip(ra, rb), key=lambda p: ia[p[0]]):
            i, j = ia[x], ib[y]
            if min_similarity is not None and sim[i, j] < min_similarity:
                continue  # a loose match forced by the assignment: both stay unpaired
            used.update((i, j))
            fa, fb = two.at[i, "frame"], two.at[j, "frame"]
            rows.append({"event_id": int(e), "kind": "pair", "similarity": round(float(sim[i, j]), 4),
                         **side(i, "a"), **side(j, "b"), "same_frame": bool(fa == fb)})
    # events both articles report: their other sentences are "unpaired", not "only" (the other side has the event)
    shared = (set(two.loc[two["article_id"] == a, "event_id"]) & set(two.loc[two["article_id"] == b, "event_id"])) - {-1}
    for kinds in (("unpaired_a", "unpaired_b"), ("only_a", "only_b")):
        for art, kind, sfx in ((a, kinds[0], "a"), (b, kinds[1], "b")):
            for i in np.flatnonzero((two["article_id"] == art).to_numpy()):
                if i in used or (int(two.at[i, "event_id"]) in shared) != kind.startswith("unpaired"):
                    continue
                rows.append({"event_id": int(two.at[i, "event_id"]), "kind": kind, "similarity": None,
                             **side(i, sfx), "same_frame": None})
    out = pd.DataFrame(rows, columns=DIFF_COLUMNS)
    for c in ("sentence_id_a", "sentence_id_b"):
        out[c] = out[c].astype("Int64")
    out.attrs["frames"] = list(scored.attrs.get("frames") or fcols)  # codebook order, for the plot colours
    return out


def _titles_for_blank_texts(articles: pd.DataFrame) -> pd.DataFrame:
    """An article without text but with a headline (a paywalled page, a feed of headlines) is grouped by its
    headline; one with neither is left out. Both said in a note (audit24-events: 60 rows in, 57 out)."""
    from .corpus import ReadWarning, _has_text

    blank = ~_has_text(articles["text"])
    if not blank.any():
        return articles
    titled = blank & _has_text(articles["title"])
    ids = articles["article_id"].astype(str)
    notes = []
    if titled.any():
        articles = articles.copy()
        articles.loc[titled, "text"] = articles.loc[titled, "title"]
        notes.append(f"{int(titled.sum())} without text grouped by their title ({', '.join(ids[titled][:3])}"
                     + (" ..." if titled.sum() > 3 else "") + ")")
    gone = blank & ~titled
    if gone.any():
        notes.append(f"{int(gone.sum())} without text or title left out ({', '.join(ids[gone][:3])}"
                     + (" ..." if gone.sum() > 3 else "") + ")")
        articles = articles[~gone].reset_index(drop=True)
        if articles.empty:
            raise FramingError("no readable articles: every input was empty or skipped")
    warn("articles: " + "; ".join(notes), ReadWarning)
    return articles


def events_csv(paths, out, *, model=None, cache: bool = True, threshold: float | None = None,
               date_window: float | None = 3.0, source_penalty: float = DEFAULT_SOURCE_PENALTY,
               min_articles: int = DEFAULT_MIN_ARTICLES) -> dict:
    """Read articles, group them into events and write the table of :func:`group_events` as CSV.

    ``threshold``, ``date_window``, ``source_penalty`` and ``min_articles`` are those of :class:`EventGrouper`.

    Returns
    -------
    dict
        ``path``, ``n_articles``, ``n_events``.
    """
    import os

    from .corpus import read_articles
    from .embed import Embedder

    articles = _titles_for_blank_texts(read_articles(paths, skip_empty=False))
    embedder = Embedder(model, cache=cache)
    table = group_events(articles, embedder=embedder, threshold=threshold, date_window=date_window,
                         source_penalty=source_penalty, min_articles=min_articles)
    from .cache import atomic_write_bytes

    if os.path.isdir(os.fspath(out)):
        raise FramingError(f"--out {out}: is a directory; expected a CSV file name")
    try:
        # temp file + rename: an interrupted run never leaves a truncated CSV behind
        atomic_write_bytes(out, table.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    except OSError as exc:
        raise FramingError(f"{out}: cannot write ({exc.strerror or exc})") from None
    return {"path": str(out), "n_articles": len(table), "n_events": int(table["event_id"].nunique())}
