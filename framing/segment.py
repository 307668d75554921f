"""Articles -> a sentence table with character offsets, paragraphs and quotes.

Sentence boundaries come from pysbd (a rule-based, well-tested segmenter that
handles abbreviations such as "U.S." and "Gen."), applied paragraph by
paragraph. Three repairs follow: a segment that starts with a closing quote
mark ("... war!’ wrote Siarto") is joined to the sentence before it; two
whole quotes in a row ("“We are ready.” “We will rebuild.”", which pysbd
keeps together) are cut apart; and an overlong run of text without sentence
punctuation is cut at whitespace, so that no sentence exceeds ``max_chars``.
A headline printed twice, as the title line and again as the first paragraph
(common in scraped news), is kept once (``keep_repeated_title``); a
"sentence" of punctuation alone joins its neighbour in the paragraph, and a
line of punctuation alone (a stray quote mark) is left out.

The sentence table has the columns

``article_id``, ``sentence_id``
    ``sentence_id`` counts from 0 within each article.
``text``
    the sentence; always ``article.text[start:end]``.
``start``, ``end``
    character offsets into the article's ``text``.
``paragraph``
    the paragraph number within the article, from 0 (the title, when the
    article has one, is paragraph 0). Paragraphs are separated by line breaks.
``is_quote``
    the sentence is, or contains, direct speech: text inside quotation
    marks of at least three words, or a sentence inside a quotation that
    spans several sentences.
"""

from __future__ import annotations

import re
import threading

import pandas as pd

from ._checks import check_rows, check_whole
from .errors import FramingError

__all__ = ["segment", "split_sentences", "SENTENCE_COLUMNS"]

SENTENCE_COLUMNS = ["article_id", "sentence_id", "text", "start", "end", "paragraph", "is_quote"]

_OPENERS = "“‘\"'«„"
_CLOSERS = "”’\"'»“"
# A paragraph is a line: ended by \n, a lone \r (old Mac files) or a Unicode line or paragraph separator, so that a
# table that did not come through read_articles (which turns \r\n and \r into \n) splits the same way.
_PARA_RE = re.compile(r"[^\n\r\u2028\u2029]+")
# Direct speech: a quoted stretch of at least three words. Single quotes must
# open at a word start so that apostrophes (Russia’s, don't) never count.
_QUOTE_RE = re.compile(
    r"“[^”]{2,}?\s[^”]*?\s[^”]*?”"
    r"|«[^»]+?\s[^»]+?\s[^»]+?»"
    r"|(?<![\w])\"[^\"]+?\s[^\"]+?\s[^\"]+?\""
    r"|(?<![\w])[‘'][^’']+?\s[^’']+?\s[^’']+?[’'](?!\w)"
)


# pysbd's run time grows faster than linearly with the length of what it is
# given (a 200 kB paragraph takes minutes), so a longer paragraph is first cut
# into windows of at most this many characters at a likely sentence end.
_WINDOW_CHARS = 3000
# A likely sentence end: . ! ? after a word of three or more lowercase letters
# (so not "U.S.", "Gen.", "Mr."), optional closing quotes, whitespace, then a
# capital or an opening quote.
_WINDOW_CUT_RE = re.compile(r"(?<=[a-z]{3})[.!?][\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?[A-Z0-9])")


def _windows(para: str, limit: int = _WINDOW_CHARS) -> list[tuple[int, int]]:
    """Cut a paragraph into consecutive spans of at most ``limit`` characters.

    Each cut is at the last likely sentence end in the window outside a
    quotation (pysbd keeps a quoted passage whole only when it sees both of
    its quotation marks), else at the last likely sentence end, else at the
    last space, else (a single giant token) at ``limit``. Linear in ``len(para)``.
    """
    n = len(para)
    out, i = [], 0
    while n - i > limit:
        window = para[i : i + limit]
        cut = any_cut = None
        depth = straight = last = 0
        for m in _WINDOW_CUT_RE.finditer(window):
            chunk = window[last : m.end()]
            last = m.end()
            depth += chunk.count("“") + chunk.count("«") - chunk.count("”") - chunk.count("»")
            straight += chunk.count('"')
            any_cut = m.end()
            if depth <= 0 and straight % 2 == 0:
                cut = m.end()
        if cut is None or cut < limit // 4:
            cut = any_cut
        if cut is None or cut < limit // 4:
            k = window.rfind(" ")
            cut = k + 1 if k > 0 else limit
        out.append((i, i + cut))
        i += cut
    out.append((i, n))
    return out


_LOCAL = threading.local()


def _segmenter(language: str):
    """The pysbd segmenter of ``language`` for this thread: a Segmenter keeps the text it is splitting on
    itself, so one shared by threads (a Dask worker's) loses sentences (review22)."""
    cache = getattr(_LOCAL, "segmenters", None)
    if cache is None:
        cache = _LOCAL.segmenters = {}
    if language not in cache:
        cache[language] = _new_segmenter(language)
    return cache[language]


def _new_segmenter(language: str):
    import pysbd

    try:
        return pysbd.Segmenter(language=language, clean=False, char_span=False)
    except ValueError:
        from pysbd.languages import LANGUAGE_CODES

        raise FramingError(f"language: expected a pysbd language code ({', '.join(sorted(LANGUAGE_CODES))}), "
                           f"found {language!r}") from None


def _check_max_chars(max_chars) -> int:
    check_whole("max_chars", max_chars, 1)
    return int(max_chars)


def _hard_wrap(text: str, start: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut an overlong run into pieces of at most ``max_chars`` at whitespace."""
    spans = []
    i, n = 0, len(text)
    while i < n:
        j = min(i + max_chars, n)
        if j < n:
            # the last whitespace of any kind (tab, no-break space) in the piece, not only " "
            k = max((m.start() for m in re.finditer(r"\s", text[i + 1:j])), default=-1)
            if k >= 0:
                j = i + 1 + k
        e = j
        while e > i and text[e - 1].isspace():  # no trailing whitespace, as split_sentences promises
            e -= 1
        if e > i:
            spans.append((start + i, start + e))
        i = j
        while i < n and text[i].isspace():
            i += 1
    return spans


def split_sentences(text: str, *, language: str = "en", max_chars: int = 2000) -> list[tuple[int, int, int]]:
    """Split one text into sentence spans.

    Returns
    -------
    list of (start, end, paragraph)
        Offsets into ``text``; ``text[start:end]`` has no leading or trailing
        whitespace. Spans are in order and do not overlap.
    """
    max_chars = _check_max_chars(max_chars)
    seg = _segmenter(language)
    out: list[tuple[int, int, int]] = []
    para_no = -1
    for m in _PARA_RE.finditer(text):
        para = m.group(0)
        base = m.start()
        if para.startswith("\ufeff"):  # a byte-order mark is not text (a table read without read_articles)
            para, base = para[1:], base + 1
        if not para.strip():
            continue
        para_no += 1
        spans: list[list[int]] = []
        if len(para) <= _WINDOW_CHARS:
            pieces = seg.segment(para)
        else:
            pieces = []
            for a, b in _windows(para):
                window = para[a:b]
                # Nothing to segment on: pysbd would be slow and return the window whole.
                pieces.extend(seg.segment(window) if re.search(r"[.!?]", window) else [window])
        cursor = 0
        for piece in pieces:
            stripped = piece.strip()
            if not stripped:
                cursor += len(piece)
                continue
            pos = para.find(stripped, cursor)
            if pos < 0:  # pysbd changed the text; fall back to the raw cursor
                pos = cursor + (len(piece) - len(piece.lstrip()))
                stripped = para[pos : pos + len(stripped)]
            spans.append([pos, pos + len(stripped)])
            cursor = pos + len(stripped)
        spans = _cover(para, spans)
        merged: list[list[int]] = []
        for s, e in spans:
            frag = para[s:e]
            # "…war!’ wrote Siarto": the closing quote belongs to the sentence before.
            if merged and frag[0] in "”’»" and (len(frag) == 1 or frag[1].isspace() or frag[1] in ",.;"):
                merged[-1][1] = e
            else:
                merged.append([s, e])
        if not merged and para.strip():
            s = len(para) - len(para.lstrip())
            merged = [[s, len(para.rstrip())]]
        merged = _split_quote_runs(para, merged)
        for s, e in merged:
            if e - s > max_chars:
                for a, b in _hard_wrap(para[s:e], s, max_chars):
                    out.append((base + a, base + b, para_no))
            else:
                out.append((base + s, base + e, para_no))
    return out


# Two whole quotes in a row ("“We are ready.” “We will rebuild.”"): pysbd keeps them as one sentence.
# Only the directed marks are read (a straight quote does not say whether it opens or closes).
_QUOTE_RUN_RE = re.compile(r"(?<=[.!?][”»])\s+(?=[“«])")


def _split_quote_runs(para: str, spans: list[list[int]]) -> list[list[int]]:
    """Cut a span between a quote that ends a sentence and a quote that opens the next one."""
    out = []
    for s, e in spans:
        cuts = [m.span() for m in _QUOTE_RUN_RE.finditer(para, s, e)]
        for a, b in cuts:
            out.append([s, a])
            s = b
        out.append([s, e])
    return out


def _cover(para: str, spans: list[list[int]]) -> list[list[int]]:
    """Make the spans cover every non-space character of the paragraph.

    pysbd occasionally drops text (e.g. the "!!" of "a.!!"); whatever lies
    between or after its sentences joins the sentence before it (or, at the
    start, the sentence after it), so that no text is ever lost.
    """
    if not spans:
        return spans
    out = [list(sp) for sp in spans]
    lead = para[: out[0][0]]
    if lead.strip():
        out[0][0] = len(lead) - len(lead.lstrip())
    for i in range(len(out)):
        nxt = out[i + 1][0] if i + 1 < len(out) else len(para)
        gap = para[out[i][1] : nxt]
        if gap.strip():
            out[i][1] = out[i][1] + len(gap.rstrip())
    return out


def _balance(t: str) -> int:
    """Opening minus closing quotation marks (apostrophes excluded)."""
    n_open = t.count("“") + t.count("«") + len(re.findall(r"(?:^|(?<=[\s(—–-]))‘", t))
    n_close = t.count("”") + t.count("»") + len(re.findall(r"(?<=[\w.,!?…])’(?=\s|$|[,.;:!?—–-])", t))
    return n_open - n_close


def _quote_flags(texts: list[str], max_span: int = 4) -> list[bool]:
    """Direct speech per sentence.

    A quotation left open in one sentence marks the following sentences as
    quoted only if a closing mark comes within ``max_span`` sentences, so
    that a stray, never-closed quotation mark does not leak through the rest
    of the article.
    """
    flags = [bool(_QUOTE_RE.search(t)) for t in texts]
    balance = [_balance(t) for t in texts]
    for i, b in enumerate(balance):
        if b <= 0:
            continue
        flags[i] = True  # it opens a quotation
        for j in range(i + 1, min(i + 1 + max_span, len(texts))):
            if balance[j] < 0:
                for k in range(i, j + 1):
                    flags[k] = True
                break
            if balance[j] > 0:
                break
    return flags


# Above this much text, ``segment(n_jobs=None)`` spreads the articles over worker processes
# (about 30,000 sentences of news; pysbd does roughly 600-1,000 sentences a second per core).
PARALLEL_CHARS = 4_000_000


_HAS_WORD = re.compile(r"\w")


def _join_punctuation(text: str, spans: list) -> list:
    """A "sentence" of punctuation alone ("." after "Mr.", a stray quote mark) joins its neighbour in the
    paragraph; alone on its line, it is left out: it says nothing."""
    out: list = []
    pending = None  # punctuation that opens a paragraph, for the next sentence of that paragraph
    for s, e, p, q in spans:  # q: the quote flag, kept (or-ed) through a join
        if _HAS_WORD.search(text, s, e):
            if pending is not None and pending[2] == p:
                s, q = pending[0], q or pending[3]
            pending = None
            out.append((s, e, p, q))
        elif out and out[-1][2] == p:
            out[-1] = (out[-1][0], e, p, out[-1][3] or q)
        else:
            pending = (s, e, p, q) if pending is None or pending[2] != p else pending
    return out


def _repeated_title(text: str, spans: list) -> list:
    """The spans without a second paragraph that repeats the first (a headline printed twice)."""
    paras: dict = {}
    for s, e, p, *_ in spans:
        paras.setdefault(p, []).append(text[s:e])
    if len(paras) < 2:
        return spans
    first, second = sorted(paras)[:2]
    if " ".join(" ".join(paras[first]).split()) != " ".join(" ".join(paras[second]).split()):
        return spans
    return [sp for sp in spans if sp[2] != second]


def _segment_rows(ids: list, texts: list, language: str, max_chars: int,
                  keep_repeated_title: bool = False) -> list[tuple]:
    rows = []
    for aid, text in zip(ids, texts):
        if not isinstance(text, str):
            raise FramingError(f"article {aid!r}: text must be a string, found {type(text).__name__}")
        spans = split_sentences(text, language=language, max_chars=max_chars)
        # quotes are read on every piece first: a closing mark alone on its line still closes its quotation
        flags = _quote_flags([text[s:e] for s, e, _ in spans])
        spans = [(s, e, p, q) for (s, e, p), q in zip(spans, flags)]
        if not keep_repeated_title:
            spans = _repeated_title(text, spans)
        spans = _join_punctuation(text, spans)
        for i, (s, e, p, q) in enumerate(spans):
            rows.append((aid, i, text[s:e], s, e, p, q))
    return rows


def _n_workers(n_jobs: int | None, total_chars: int) -> int:
    from ._onnx import _cores

    cores = _cores()
    if n_jobs is None:
        return cores if total_chars >= PARALLEL_CHARS else 1
    n_jobs = int(n_jobs)
    return cores if n_jobs < 0 else max(1, n_jobs)


def segment(articles, *, language: str = "en", max_chars: int = 2000, n_jobs: int | None = None,
            keep_repeated_title: bool = False) -> pd.DataFrame:
    """Split articles into sentences.

    Parameters
    ----------
    articles : pandas.DataFrame
        An article table with ``article_id`` and ``text`` (see
        :func:`framing.corpus.read_articles`). Anything else that
        ``read_articles`` accepts (paths, a glob) is read first.
    language : str
        pysbd language code.
    max_chars : int
        Sentences longer than this are cut at whitespace.
    n_jobs : int, optional
        Worker processes (forked; where ``fork`` is unavailable, e.g. on
        Windows, segmentation stays in this process). ``None`` (default)
        uses one per core for corpora of more than :data:`PARALLEL_CHARS`
        characters and none below; ``1`` never starts a process; ``-1``
        uses every core. The table is the same either way.
    keep_repeated_title : bool
        Scraped news often prints the headline twice: as the title line and
        again as the first paragraph. By default that second copy is left
        out (its paragraph number is skipped; ``sentence_id`` stays
        consecutive), so the headline does not count twice in shares and
        leans. ``True`` keeps every sentence, e.g. to match annotations
        made on the raw text.

    Returns
    -------
    pandas.DataFrame
        The sentence table, columns :data:`SENTENCE_COLUMNS`, ordered by
        article (input order) then position.
    """
    if not isinstance(articles, pd.DataFrame):
        from .corpus import read_articles

        articles = read_articles(articles)
    for col in ("article_id", "text"):
        if col not in articles.columns:
            raise FramingError(f"articles table: missing column {col!r}; expected article_id and text")
    _check_max_chars(max_chars)
    _segmenter(language)  # an unknown language fails here, once, not in every worker
    check_rows(articles, ["article_id"], "articles table", text=False)  # texts are checked article by article
    ids, texts = articles["article_id"].tolist(), articles["text"].tolist()
    total = sum(len(t) for t in texts if isinstance(t, str))
    workers = min(_n_workers(n_jobs, total), max(1, len(texts)))
    if workers <= 1 or not _can_fork():
        rows = _segment_rows(ids, texts, language, max_chars, keep_repeated_title)
    else:
        rows = _segment_parallel(ids, texts, language, max_chars, workers, keep_repeated_title)
    df = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    return df.astype({"sentence_id": "int64", "start": "int64", "end": "int64", "paragraph": "int64", "is_quote": "bool"})


def balanced_bounds(sizes, n: int) -> list[int]:
    """Cut points ``[0, ..., len(sizes)]`` of at most ``n`` consecutive, non-empty runs of about equal total size.

    Items keep their order within and across runs.
    """
    import numpy as np

    sizes = np.asarray(sizes, dtype=np.int64)
    inner = np.searchsorted(np.cumsum(sizes), np.linspace(0, sizes.sum(), n + 1)[1:-1])
    cuts = [0]
    for b in inner.tolist() + [len(sizes)]:
        if b > cuts[-1]:
            cuts.append(int(b))
    return cuts


def _can_fork() -> bool:
    import multiprocessing as mp

    return "fork" in mp.get_all_start_methods()


def _segment_parallel(ids: list, texts: list, language: str, max_chars: int, workers: int,
                      keep_repeated_title: bool = False) -> list[tuple]:
    """The rows of :func:`_segment_rows`, from ``workers`` fresh processes, in input order."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # chunks of about equal text, several per worker so that a slow one does not hold the rest up
    bounds = balanced_bounds([len(t) if isinstance(t, str) else 0 for t in texts], workers * 4)
    # fork: spawn would re-run the caller's script in each worker (scripts without a __main__ guard
    # would break). The workers only run pysbd, never the model the parent may hold.
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
        futures = [pool.submit(_segment_rows, ids[a:b], texts[a:b], language, max_chars, keep_repeated_title)
                   for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
        rows = []
        for f in futures:
            rows.extend(f.result())
    return rows


class _CallableModule(type(re)):
    """This module, callable as its own :func:`segment`.

    Python binds ``framing.segment`` to this *module* the first time any code
    imports it (``run_pipeline`` does), which would hide the package's
    ``framing.segment`` *function*. Calling the module calls the function, so
    ``framing.segment(articles)`` works whichever of the two the name holds.
    """

    def __call__(self, *args, **kwargs):
        return segment(*args, **kwargs)


import sys as _sys  # noqa: E402

_sys.modules[__name__].__class__ = _CallableModule
