"""Reading articles into an article table.

The article table has one row per article and the columns

``article_id``
    a stable identifier: the file name for text files (``EN_UA_021270.txt``),
    the ``article_id``/``id`` column of a CSV/JSONL, else ``<file stem>-<row>``.
``title``
    the headline, or ``None``. In a text file, the first non-empty line is the
    title when a blank line follows it.
``text``
    the article as scored, decoded from UTF-8 (with or without a BOM) or
    UTF-16 (with a BOM), with line endings normalised to ``\\n``. For a text
    or HTML file it holds the title; from a CSV, JSONL or DataFrame it is the
    ``text`` column as given, without the ``title`` column (add the headline
    to it to have it scored). Character offsets everywhere in the toolkit are
    offsets into this string.
``source``, ``date``
    optional metadata (``None`` when absent). A text file gives them in a
    front-matter block at its top (``---``, ``source: ...``, ``date: ...``,
    ``---``; see :func:`_front_matter`), a table in its columns.

Any other columns of a CSV, JSONL or DataFrame (a URL, the outlet's leaning,
...) follow these, as read, so that ``run.shares(by="leaning")`` can use them.
Columns that other tools name differently (``maintext``, ``headline``,
``date_publish``, ``outlet``, ``Text``: :data:`COLUMN_SYNONYMS`) are read as
the toolkit's, with a :class:`ReadWarning` saying so.

Anything that cannot be read raises :class:`framing.errors.FramingError` with
a one-line message naming the file. Files that are skipped (empty, unknown
extension) are counted in a :class:`ReadWarning`.
"""

from __future__ import annotations

import csv
import glob as _glob
import io
import json
import math
import numbers
import os
import re
from pathlib import Path
from typing import Iterable, Sequence, Union

import numpy as np
import pandas as pd

from .errors import FramingError, warn

__all__ = ["read_articles", "read_table", "text_column", "ARTICLE_COLUMNS", "COLUMN_SYNONYMS", "ReadWarning",
           "decode_bytes"]

ARTICLE_COLUMNS = ["article_id", "title", "text", "source", "date"]
TEXT_EXTENSIONS = {".txt", ".text", ".md"}
HTML_EXTENSIONS = {".html", ".htm"}
TABLE_EXTENSIONS = {".csv", ".tsv", ".jsonl", ".ndjson", ".json"}
KNOWN_EXTENSIONS = TEXT_EXTENSIONS | HTML_EXTENSIONS | TABLE_EXTENSIONS
# A guard against reading a disk image by mistake; a news article is far smaller.
MAX_FILE_BYTES = 200 * 1024 * 1024

PathLike = Union[str, os.PathLike]


class ReadWarning(UserWarning):
    """Some inputs were skipped, or read differently from how they were written; the message says how and why."""


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode a text file's bytes and normalise its line endings.

    UTF-8 with or without a BOM, and UTF-16/32 with a BOM, are accepted.
    Carriage returns (``\\r\\n`` and lone ``\\r``) become ``\\n``.

    Raises
    ------
    FramingError
        if the bytes are not text in one of those encodings; the message
        names ``name`` and the offending byte offset.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, body = "utf-8", data[3:]
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        encoding, body = "utf-32", data
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, body = "utf-16", data
    else:
        encoding, body = _sniff_utf16(data) or "utf-8", data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        hint = ""
        if encoding == "utf-8":
            # say what to do (audit22), without advising a conversion that would garble a UTF-8 file (review22c)
            loose = body.decode("utf-8", "replace")
            n_bad = loose.count("\ufffd")
            n_wide = sum(1 for ch in loose if ord(ch) > 127 and ch != "\ufffd")
            if n_wide > n_bad:  # real UTF-8 characters outnumber the bad bytes: a UTF-8 file with a few broken ones
                hint = (f"; the rest reads as UTF-8 ({n_bad} invalid byte{'s' if n_bad != 1 else ''}): fix or "
                        "remove those bytes")
            else:
                try:
                    body.decode("cp1252")
                    hint = ("; if it is Windows-1252 (Latin-1), as files saved on Windows often are, convert it, "
                            "e.g. iconv -f cp1252 -t utf-8 IN > OUT, or re-save it as UTF-8")
                except UnicodeDecodeError:  # not that either: binary data, most likely
                    pass
        raise FramingError(
            f"{name}: cannot decode as {encoding.upper()} at byte {exc.start}; "
            "expected UTF-8 text (or UTF-16 with a BOM)" + hint
        ) from None
    if "\x00" in text:
        raise FramingError(
            f"{name}: contains NUL characters; expected a text file, found binary data"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def _sniff_utf16(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" for UTF-16 text saved without a BOM, else None.

    Only the unambiguous case: an even length, and NUL in at least 30% of the
    odd (or even) byte positions and in none of the others, which mostly-Latin
    UTF-16 text has and UTF-8 text never does.
    """
    if len(data) < 2 or len(data) % 2 or b"\x00" not in data:
        return None
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.3 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.3 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _csv_separator(text: str) -> str:
    """"," or, for a header with semicolons and no comma (a spreadsheet saved as CSV in a European locale;
    audit24-events: "quote fields that contain ','"), ";"."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    return ";" if ";" in header and "," not in header else ","


def _check_csv_rows(path: Path, text: str, sep: str) -> None:
    """Refuse a row with more fields than the header.

    pandas would silently turn the extra leading fields into an index and
    shift every column, so 'text' would hold the wrong field.
    """
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, MAX_FILE_BYTES))
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        width = len(next(reader, []))
        for row in reader:
            if len(row) > width:
                raise FramingError(
                    f"{path}, line {reader.line_num}: expected at most {width} fields (as many as the header), "
                    f"found {len(row)}; quote fields that contain '{sep}'".replace("'\t'", "a tab")
                )
    except csv.Error as exc:
        raise FramingError(f"{path}, line {reader.line_num}: malformed {path.suffix[1:].upper()} ({exc})") from None
    finally:
        csv.field_size_limit(old)


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FramingError(
                f"{path}: {size} bytes is larger than the {MAX_FILE_BYTES} byte limit for one input file"
            )
        return path.read_bytes()
    except FramingError:
        raise
    except OSError as exc:
        raise FramingError(f"{path}: cannot read ({exc.strerror or exc})") from None


def split_title(text: str) -> str | None:
    """The title of a text article: its first non-empty line, when a blank line follows."""
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i + 1 < len(lines) and not lines[i + 1].strip() and i + 2 <= len(lines):
        # a title needs something after the blank line, or it is the whole text
        if any(line.strip() for line in lines[i + 2 :]):
            return lines[i].strip()
    return None


# --------------------------------------------------------------------------- HTML


def _html_to_text(html: str) -> str:
    from html.parser import HTMLParser

    blocks = {
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
        "section", "article", "header", "footer", "blockquote", "title", "ul", "ol",
    }
    skip = {"script", "style", "noscript", "template", "svg", "head"}

    class _P(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.out: list[str] = []
            self.depth_skip = 0
            self.title: list[str] = []
            self.in_title = False
            self.titled = False  # the page's title is the first <title>, not an icon's <svg><title>
            self.in_head = False
            self.svg = 0

        def _end_head(self):
            if self.in_head:  # </head> may be left out (HTML5): <body> or the first block ends it
                self.in_head = False
                self.depth_skip = max(self.depth_skip - 1, 0)

        def handle_starttag(self, tag, attrs):
            if tag == "title":
                self.in_title = not self.titled and not self.svg
                return
            if tag == "head":
                self.in_head = True
            elif tag == "body" or (tag in blocks and self.in_head):
                self._end_head()
            if tag == "svg":
                self.svg += 1
            if tag in skip:
                self.depth_skip += 1
            if tag in blocks:
                self.out.append("\n\n")

        def handle_endtag(self, tag):
            if tag == "title":
                if self.in_title:
                    self.titled = True
                self.in_title = False
                return
            if tag == "head":
                self._end_head()
                return
            if tag == "svg" and self.svg:
                self.svg -= 1
            if tag in skip and self.depth_skip:
                self.depth_skip -= 1
            if tag in blocks:
                self.out.append("\n\n")

        def handle_data(self, data):
            if self.in_title:
                self.title.append(data)
            elif not self.depth_skip:
                self.out.append(data)

    p = _P()
    p.feed(html)
    p.close()
    raw = "".join(p.out)
    paras = [" ".join(block.split()) for block in raw.split("\n\n")]
    body = "\n\n".join(x for x in paras if x)
    title = " ".join("".join(p.title).split())
    first = body.split("\n\n", 1)[0]
    # the page's title is often the headline plus the outlet ("Drones hit Kharkiv | Atlantic Herald"): when the
    # body opens with that headline, the title would say it twice
    opens = first.startswith(title) and (len(first) == len(title) or not first[len(title)].isalnum())
    rest = title[len(first):].lstrip() if first and title.startswith(first) else None
    # "Headline | Outlet": a headline of two words or more, then a short outlet name; not "Opinion | Why the ECB
    # should wait" or "Europe: leaders agree new sanctions", where the first block is a section label
    with_outlet = rest is not None and (not rest or (rest[0] in "|-–—:·•" and len(first.split()) >= 2
                                                     and len(rest[1:].split()) <= 5))
    if title and not opens and not with_outlet:
        body = f"{title}\n\n{body}" if body else title
    return body


# --------------------------------------------------------------------------- tables

# Column names that other tools write for the article table's columns (news-please's ``maintext`` and
# ``date_publish``, Media Cloud's ``media_name``, a spreadsheet's ``Text``), matched ignoring case, spaces, "-"
# and "_". A column named exactly as the toolkit's always wins; a table with none of them keeps that column empty
# (for ``text``: an error).
COLUMN_SYNONYMS = {
    "article_id": ("article_id", "id", "doc_id", "document_id"),
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "maintext", "article_text", "full_text", "body_text"),
    "source": ("source", "outlet", "publisher", "media_name", "source_name", "source_domain"),
    "date": ("date", "published", "published_at", "publish_date", "published_date", "publication_date",
             "date_publish", "pub_date", "pubdate"),
}


def _norm_column(name) -> str:
    return re.sub(r"[\s\-_]+", "_", str(name).strip().lower())


def _blank_values(values) -> bool:
    """Every value missing or blank (news-please writes ``"text": null`` beside its ``maintext``)."""
    return all(_missing(v) or (isinstance(v, str) and not v.strip()) for v in values)


def _column_map(table, where: str) -> tuple[dict, list[str]]:
    """Which of the table's columns hold the article table's own (``{"maintext": "text"}``), and a note for each
    one read under another name. ``table``: a DataFrame, or its column names (then a column named exactly as the
    toolkit's always wins; given the data, one that is blank in every row gives way to another name with content,
    review24). Raises when no column can be the text, or several can.

    ``id`` stands for ``article_id`` without a note, as it always has."""
    data = table if isinstance(table, pd.DataFrame) else None
    columns = list(table.columns if data is not None else table)
    mapping: dict = {}
    notes: list[str] = []
    for canon, names in COLUMN_SYNONYMS.items():
        empty = canon in columns and data is not None and len(data) > 0 and _blank_values(data[canon])
        if (canon in columns and not empty) or (canon == "article_id" and "id" in columns):
            continue
        taken = set(mapping)
        cands = [c for c in columns if c != canon and c not in taken]
        exact = [c for c in cands if _norm_column(c) == canon]
        found = exact or [c for c in cands if _norm_column(c) in names]
        if empty:
            found = [c for c in found if not _blank_values(data[c])]
        if len(found) == 1:
            mapping[found[0]] = canon
            notes.append((f"{canon!r} is empty, " if empty else "") + f"{found[0]!r} read as {canon!r}")
        elif len(found) > 1 and canon == "text" and not empty:
            which = ", ".join(repr(str(c)) for c in found[:4])
            raise FramingError(f"{where}: no 'text' column, and several that could be it ({which}); "
                               "rename the one that holds the articles to 'text'")
        elif len(found) > 1:
            which = ", ".join(repr(str(c)) for c in found[:4])
            notes.append(f"{'an empty' if empty else 'no'} {canon!r}: several columns could be it ({which}), none "
                         f"used; rename one to {canon!r}")
    if "text" not in columns and "text" not in mapping.values():
        found = _column_list(columns)
        raise FramingError(f"{where}: no 'text' column; expected a 'text' column (or one of "
                           f"{', '.join(COLUMN_SYNONYMS['text'][1:])}), found columns: {found}")
    return mapping, notes


def _table_rows(path: Path, text: str) -> pd.DataFrame:
    ext = path.suffix.lower()
    try:
        if ext in {".csv", ".tsv"}:
            if not text.strip():
                raise FramingError(f"{path}: the file is empty; expected a header row with a 'text' column")
            sep = "\t" if ext == ".tsv" else _csv_separator(text)
            _check_csv_rows(path, text, sep)
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, on_bad_lines="error")
        else:
            rows = []
            stripped = text.strip()
            whole = None
            if ext == ".json" and stripped.startswith("{"):  # one article, pretty-printed over several lines
                try:
                    whole = json.loads(stripped)
                except json.JSONDecodeError:
                    whole = None  # JSON lines, read below
            if ext == ".json" and stripped.startswith("["):
                data = json.loads(stripped)
                if not isinstance(data, list):
                    raise FramingError(f"{path}: expected a JSON list of objects")
                rows = data
            elif isinstance(whole, dict):
                rows = [whole]
            else:
                for lineno, line in enumerate(text.split("\n"), 1):
                    if not line.strip():
                        continue
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise FramingError(
                            f"{path}, line {lineno}: invalid JSON ({exc.msg}); expected one JSON object per line"
                        ) from None
            for i, row in enumerate(rows, 1):
                if not isinstance(row, dict):
                    raise FramingError(f"{path}, record {i}: expected a JSON object, found {type(row).__name__}")
            df = pd.DataFrame(rows)
    except FramingError:
        raise
    except json.JSONDecodeError as exc:
        raise FramingError(f"{path}: invalid JSON at line {exc.lineno} ({exc.msg})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        msg = " ".join(str(exc).split())
        raise FramingError(f"{path}: malformed {ext[1:].upper()} ({msg})") from None
    if df.empty and not len(df.columns):  # audit21c: "no 'text' column ... found columns: none"
        raise FramingError(f"{path}: the file is empty; expected one article per "
                           + ("line, a JSON object with a 'text' field" if ext in (".jsonl", ".ndjson") else
                              "row, with a 'text' column"))
    _column_map(df.columns, str(path))  # raises when no column holds the text
    if df.empty:
        raise FramingError(f"{path}: has a header but no rows")
    return df


def _id_text(v, default: str) -> str:
    """An article id as text: a missing or blank one gets ``default`` (``<stem>-<row>``, as for a table with no
    id column), and a whole number read as a float (an id column with gaps) keeps no ".0" (review22: a row
    without an id became the id NaN, and a traceback later)."""
    if _missing(v):
        return default
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = str(v)
    return text if text.strip() else default


def _ids_text(values: list, stem: str) -> list[str]:
    """:func:`_id_text` of each value; a made-up ``<stem>-<row>`` that another row has as its id gets a ``#n``."""
    written = [_id_text(v, "") for v in values]
    given = set(written) - {""}
    out = []
    for i, aid in enumerate(written, start=1):
        if not aid:
            aid, k = f"{stem}-{i}", 1
            while aid in given:
                k += 1
                aid = f"{stem}-{i}#{k}"
        out.append(aid)
    return out


def _missing(v) -> bool:
    """None, NaN of any float type, pd.NA or NaT: a missing value (a blank text), not a wrong type."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isnan(v)


def _text_or_blank(t, where: str, i: int) -> str:
    """An article's text: a missing one (:func:`_missing`) is blank; anything else not a string is refused."""
    if _missing(t):
        return ""
    if not isinstance(t, str):
        raise FramingError(f"{where}, row {i + 1}: 'text' must be a string, found {type(t).__name__}")
    return t


def _has_text(values) -> np.ndarray:
    """Which values are strings with something besides whitespace."""
    return np.array([isinstance(t, str) and bool(t.strip()) for t in values], dtype=bool)


def _textual(col: pd.Series) -> bool:
    """A column of strings (object or string dtype), not numbers or datetimes."""
    return not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_datetime64_any_dtype(col)
                or isinstance(col.dtype, pd.CategoricalDtype))


def _fill_blanks_from_synonyms(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rows of mixed schemas: a JSONL file with ``text`` on some lines and ``body`` on others has both columns,
    each blank where the other is filled. A column of the toolkit's (``text``, ``title``, ``source``, ``date``)
    takes, in its blank rows, the value of the one other-named column (:data:`COLUMN_SYNONYMS`) that has any
    there; with several such columns, none (the reader cannot tell which). Returns the table and a note for each
    column filled in this way."""
    notes: list[str] = []
    for canon in ("text", "title", "source", "date"):
        if canon not in df.columns or not _textual(df[canon]):
            continue
        blank = ~_has_text(df[canon]) & np.array([_missing(v) or isinstance(v, str) for v in df[canon]])
        if not blank.any():
            continue
        names = COLUMN_SYNONYMS[canon]
        cands = [c for c in df.columns if c != canon and _norm_column(c) in names and _textual(df[c])
                 and _has_text(df.loc[blank, c]).any()]
        if len(cands) > 1:
            which = ", ".join(repr(str(c)) for c in cands[:4])
            notes.append(f"{canon!r} is blank in some rows where several columns could be it ({which}), none used; "
                         f"rename one to {canon!r}")
        if len(cands) != 1:
            continue
        fill = blank & _has_text(df[cands[0]])
        df = df.copy()
        df.loc[fill, canon] = df.loc[fill, cands[0]]
        n = int(fill.sum())
        notes.append(f"{cands[0]!r} read as {canon!r} in the {n} row{'s' if n != 1 else ''} where {canon!r} is blank")
    return df, notes


def _blank_rows(df: pd.DataFrame) -> tuple[np.ndarray, str]:
    """The articles without text (blank or missing), and their ids as the reader's warning names them."""
    blank = ~_has_text(df["text"])
    names = df.loc[blank, "article_id"].astype(str).tolist()  # which ones, so they can be found
    return blank, ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _frame_from_table(df: pd.DataFrame, stem: str, where: str) -> pd.DataFrame:
    """The article table of a CSV/JSONL/DataFrame's rows. Columns read under another name (:data:`COLUMN_SYNONYMS`)
    are listed in ``attrs["read_as"]``, for the reader's warning."""
    mapping, read_as = _column_map(df, where)
    # an empty column of the toolkit's name gives way to the one read in its place
    df = df.drop(columns=[c for c in mapping.values() if c in df.columns]).rename(columns=mapping)
    df, filled = _fill_blanks_from_synonyms(df)
    read_as = read_as + filled
    out = _article_rows(df, stem, where)
    out.attrs["read_as"] = read_as
    return out


def _article_rows(df: pd.DataFrame, stem: str, where: str) -> pd.DataFrame:
    out = pd.DataFrame(index=range(len(df)))
    id_col = next((c for c in ("article_id", "id") if c in df.columns), None)
    if id_col is not None:
        ids = _ids_text(df[id_col].tolist(), stem)
    else:
        ids = [f"{stem}-{i}" for i in range(1, len(df) + 1)]
    out["article_id"] = ids
    texts = [_text_or_blank(t, where, i).replace("\r\n", "\n").replace("\r", "\n")
             for i, t in enumerate(df["text"].tolist())]
    out["text"] = texts
    for col in ("title", "source", "date"):
        if col == "date" and col in df.columns and pd.api.types.is_datetime64_any_dtype(df[col]):
            out[col] = df[col].array  # the user's datetimes stay datetimes (review23-api: "2022-02-01 00:00:00")
        elif col in df.columns:
            vals = [None if (v is None or (isinstance(v, float) and pd.isna(v)) or v == "") else str(v)
                    for v in df[col].tolist()]
            if col == "source":  # "Herald " and "Herald" are one outlet
                vals = [strip_source(v) for v in vals]
            out[col] = vals
        else:
            out[col] = None
    if "title" not in df.columns:
        out["title"] = [split_title(t) for t in texts]
    extra = [c for c in df.columns if c not in ARTICLE_COLUMNS and c != id_col]
    for col in extra:  # the user's own metadata (url, outlet leaning, ...), kept as read, with its dtype
        out[col] = df[col].array
    return out[ARTICLE_COLUMNS + extra]


# --------------------------------------------------------------------------- paths


def _looks_like_text(s: str) -> bool:
    """Whether a string given as a path is rather an article's text: no such file, and a line break, a part
    longer than a file name can be, or words without a path separator ending as a sentence does (audit21: a
    list of texts gave "File name too long")."""
    try:
        if os.path.exists(s):
            return False
    except (OSError, ValueError):
        pass
    if "\n" in s or any(len(part) > 255 for part in re.split(r"[\\/]", s)):
        return True
    t = s.strip()
    # a path: it starts as one, or names a folder that exists ("notes/Interview with the mayor of Kyiv." in
    # an existing notes/); else a sentence: two words or more, ending as sentences do ("The 24/7 news cycle
    # is over.")
    if re.match(r"^(/|\.{1,2}[\\/]|~|[A-Za-z]:[\\/])", t):
        return False
    parent = os.path.dirname(t)
    if parent and os.path.isdir(parent):
        return False
    return len(t.split()) >= 2 and t.endswith((".", "!", "?", '"', "\u201d"))


def _is_framing_output(manifest: Path) -> bool:
    """Whether a manifest.json is one framing wrote (a report's), whose folder holds output, not articles."""
    try:
        with open(manifest, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "framing_version" in data


def _expand(inputs: Sequence[PathLike]) -> tuple[list[Path], dict[str, int]]:
    files: list[Path] = []
    skipped: dict[str, int] = {}
    for item in inputs:
        s = os.fspath(item)
        if isinstance(s, str) and _looks_like_text(s):
            short = " ".join(s.split())
            raise FramingError(f"{short[:60] + '…' if len(short) > 60 else short!r}: this looks like an article's "
                               "text, not a path; expected paths, or a DataFrame with a 'text' column "
                               "(pd.DataFrame({'text': texts}))")
        if any(ch in s for ch in "*?[") and not os.path.exists(s):
            matches = sorted(_glob.glob(s, recursive=True))
            if not matches:
                raise FramingError(f"{s}: the pattern matches no file")
            files.extend(Path(m) for m in matches if os.path.isfile(m))
            continue
        p = Path(s)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and not any(part.startswith(".") for part in q.relative_to(p).parts))
            # a report folder written inside the corpus (`framing report .` twice) is output, not articles
            outputs = [q.parent for q in found if q.name == "manifest.json" and q.parent != p and _is_framing_output(q)]
            if outputs:
                kept = [q for q in found if not any(o in q.parents for o in outputs)]
                skipped["in a framing output folder"] = skipped.get("in a framing output folder", 0) + len(found) - len(kept)
                found = kept
            # and so is an events.csv that `framing events` wrote there (audit24-events: the next run stopped at it)
            tables = [q for q in found if q.suffix.lower() == ".csv" and _is_events_output(q)]
            if tables:
                skipped["framing events output"] = skipped.get("framing events output", 0) + len(tables)
                found = [q for q in found if q not in tables]
            # a folder's README or LICENSE is about the corpus, and a table without a text column (the outlets'
            # urls, say) is its metadata; neither is articles (audit25-notebooks: one sources.csv stopped the read)
            about = [q for q in found if q.stem.upper() in _ABOUT_FILES]
            if about:
                skipped["readme or licence"] = skipped.get("readme or licence", 0) + len(about)
                found = [q for q in found if q not in about]
            meta = [q for q in found if q.suffix.lower() in TABLE_EXTENSIONS and _table_without_text(q)]
            if meta:
                names = ", ".join(q.name for q in meta[:3]) + (f" and {len(meta) - 3} more" if len(meta) > 3 else "")
                key = f"table{'s' if len(meta) != 1 else ''} without a text column, read as metadata ({names})"
                skipped[key] = skipped.get(key, 0) + len(meta)
                found = [q for q in found if q not in meta]
            inside = [q for q in found if q.suffix.lower() in KNOWN_EXTENSIONS]
            n_other = len(found) - len(inside)
            if n_other:
                skipped["unknown extension"] = skipped.get("unknown extension", 0) + n_other
            if not inside:
                kinds = sorted({q.suffix.lower() for q in found if q.suffix.lower() in _NOT_TEXT})
                raise FramingError(
                    f"{p}: no readable articles in this directory; expected files ending in "
                    + ", ".join(sorted(KNOWN_EXTENSIONS))
                    + (f" (found {', '.join(kinds)}: {_NOT_TEXT[kinds[0]]})" if kinds else "")
                )
            files.extend(inside)
        elif p.is_file():
            files.append(p)
        elif p.exists():
            raise FramingError(f"{p}: not a regular file or directory")
        else:
            raise FramingError(f"{p}: no such file or directory")
    return files, skipped


_ABOUT_FILES = {"README", "LICENSE", "LICENCE", "COPYING", "CHANGELOG", "NOTICE"}


def _table_without_text(path: Path) -> bool:
    """A CSV/TSV/JSONL file in a folder whose header (first line) has no column that can be the text; read from its
    first 64 KB only, so a large corpus table costs nothing. A .json file, or one that cannot be read so, counts as
    having text (reading it says what is wrong)."""
    ext = path.suffix.lower()
    if ext == ".json":
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    first = next((line for line in head.splitlines() if line.strip()), "")
    if not first:
        return False
    if ext in {".jsonl", ".ndjson"}:
        import json

        try:
            names = list(json.loads(first))
        except (ValueError, TypeError):
            return False
    else:
        import csv

        sep = "\t" if ext == ".tsv" else _csv_separator(first)
        names = next(csv.reader([first], delimiter=sep), [])
    try:
        _column_map(names, str(path))
    except FramingError:
        return True
    return False


def _is_events_output(path: Path) -> bool:
    """A CSV that ``framing events`` wrote: its header opens with the columns it writes."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"article_id,event_id,event_size,")


# files people keep articles in that are not text (audit24-events: an .xlsx got "cannot decode as UTF-8 ...
# convert it with iconv")
_NOT_TEXT = {".xlsx": "a spreadsheet; save it as CSV (UTF-8)", ".xls": "a spreadsheet; save it as CSV (UTF-8)",
             ".ods": "a spreadsheet; save it as CSV (UTF-8)", ".numbers": "a spreadsheet; save it as CSV (UTF-8)",
             ".docx": "a word-processor file; save it as plain text (.txt)",
             ".doc": "a word-processor file; save it as plain text (.txt)",
             ".odt": "a word-processor file; save it as plain text (.txt)",
             ".rtf": "a word-processor file; save it as plain text (.txt)",
             ".pdf": "a PDF; extract its text to a .txt file first"}


def _read_file(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in _NOT_TEXT:
        raise FramingError(f"{path}: {_NOT_TEXT[path.suffix.lower()]}")
    data = _read_bytes(path)
    text = decode_bytes(data, str(path))
    ext = path.suffix.lower()
    if ext in TABLE_EXTENSIONS:
        return _frame_from_table(_table_rows(path, text), path.stem, str(path))
    if ext in HTML_EXTENSIONS or (ext not in TEXT_EXTENSIONS and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))):
        text = _html_to_text(text)
        meta = {}
    else:
        meta, text = _front_matter(text)
        if not meta and _looks_like_front_matter(text):
            warn(f"{path}: the block between the '---' lines at the top is not read as front matter (expected "
                 "'key: value' lines, or '- item' lines under a key); it is read as the article's text",
                 ReadWarning)
        for key in ("text", "article_id"):
            if key in meta:
                raise FramingError(f"{path}: front-matter key {key!r} is reserved (the file name is the id and "
                                   "what follows the block is the text); expected title, source, date or keys of "
                                   "your own")
    row = {"article_id": path.name, "title": meta.pop("title", None) or split_title(text), "text": text,
           "source": meta.pop("source", None), "date": meta.pop("date", None), **meta}
    return pd.DataFrame([row], columns=ARTICLE_COLUMNS + list(meta))


_FRONT_KEY = re.compile(r"^([A-Za-z_][\w\-]*)\s*:\s*(.*?)\s*$")


def _front_matter(text: str) -> tuple[dict, str]:
    """``(metadata, the rest)`` of a text file that opens with a front-matter block::

        ---
        source: Atlantic Herald
        date: 2026-06-05
        ---

    (``key: value`` lines between two ``---`` lines, as in Markdown tools). ``title``, ``source``
    and ``date`` fill those columns; other keys become columns of their own. A YAML list under a
    key (``tags:`` then ``  - war`` lines) becomes one value, its items joined by "; ". A file that
    does not open this way, or whose block holds a line that is none of these, is all text (the
    reader then warns when the block closes: it looked like front matter)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    meta: dict = {}
    last = None
    for i, line in enumerate(lines[1:31], 1):
        if line.strip() == "---":
            if not meta:
                return {}, text
            meta = {k: "; ".join(v) if isinstance(v, list) else v for k, v in meta.items()}
            return meta, "\n".join(lines[i + 1:]).lstrip("\n")
        if not line.strip():
            continue
        item = re.match(r"^\s*-\s+(.*?)\s*$", line)
        if item and last is not None and (meta[last] is None or isinstance(meta[last], list)):
            meta[last] = (meta[last] or []) + [_unquote(item.group(1))]  # tags:\n  - war\n  - ukraine
            continue
        m = _FRONT_KEY.match(line)
        if not m:
            return {}, text
        last = m.group(1).lower()
        meta[last] = _unquote(m.group(2)) or None
    return {}, text


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value


def _looks_like_front_matter(text: str) -> bool:
    """A block between two ``---`` lines at the top that :func:`_front_matter` could not read."""
    lines = text.split("\n", 32)
    if not lines or lines[0].strip() != "---":
        return False
    end = next((i for i, x in enumerate(lines[1:31], 1) if x.strip() == "---"), None)
    if end is None:
        return False
    # a rule, lines and a rule ("---\nUPDATE: this story has been updated.\n...\n---") is text; a block mostly
    # of "key: value" lines, nested ("  name: Ann") or not, and "- item" lines was meant as metadata (audit24-readme:
    # "title:", "author:", "  name:", "  email:" was read as text without a word)
    block = [x for x in lines[1:end] if x.strip()]
    meta = sum(bool(_FRONT_KEY.match(x.strip()) or x.strip().startswith("- ")) for x in block)
    return bool(block) and 2 * meta > len(block)



def _column_list(columns) -> str:
    """The first 8 column names for a one-line message; a name with a line break or other control character is
    quoted (a CSV whose header is a line break has one)."""
    return ", ".join(str(c) if str(c).isprintable() else repr(str(c)) for c in list(columns)[:8]) or "none"

def read_table(path: PathLike) -> pd.DataFrame:
    """Read a CSV/TSV/JSONL file with a ``text`` column, keeping every column as it is.

    Used where the input's own columns must be written back (``framing frames``).
    """
    p = Path(path)
    if not p.is_file():
        raise FramingError(f"{p}: no such file" if not p.exists() else f"{p}: not a regular file")
    if p.suffix.lower() not in TABLE_EXTENSIONS:
        raise FramingError(f"{p}: expected a .csv, .tsv, .jsonl or .json file with a 'text' column")
    df = _table_rows(p, decode_bytes(_read_bytes(p), str(p)))
    col = text_column(df, str(p))
    bad = [i + 1 for i, t in enumerate(df[col].tolist()) if not isinstance(t, str)]
    if bad:
        raise FramingError(f"{p}, row {bad[0]}: {col!r} must be a string")
    return df.reset_index(drop=True)


def text_column(table, where: str = "table") -> str:
    """The name of the column of ``table`` (a DataFrame, or its column names) that holds the articles' text:
    ``text``, else the one other name of :data:`COLUMN_SYNONYMS` (``body``, ``content``, ``maintext``, ...) the
    table has, also when a DataFrame's ``text`` is blank in every row. Raises
    :class:`~framing.errors.FramingError` when there is none, or several."""
    mapping, _ = _column_map(table, where)
    return next((c for c, canon in mapping.items() if canon == "text"), "text")


# how a count of skipped inputs reads: (one, several)
_BLANK = ("empty or whitespace-only", "with a title and no text", "without text (some with a title)")
_SAY = {"exact duplicate": ("exact duplicate", "exact duplicates"),
        "with a title and no text": ("article with a title and no text (a paywalled page?), left out: nothing to "
                                     "score", "articles with a title and no text (paywalled pages?), left out: "
                                     "nothing to score"),
        "in a framing output folder": ("file in a framing output folder (a report's, with its manifest.json)",
                                       "files in a framing output folder (a report's, with its manifest.json)"),
        "framing events output": ("table written by framing events (article_id, event_id, ...)",
                                  "tables written by framing events (article_id, event_id, ...)"),
        "unknown extension": ("file with an unknown extension", "files with an unknown extension"),
        "readme or licence": ("README or licence file", "README or licence files")}


def prepare_articles(source) -> pd.DataFrame:
    """The article table the pipelines run on: an article table (all of :data:`ARTICLE_COLUMNS`) as it is, with
    its ids as text (a missing one ``articles-<row>``) and its outlets stripped; anything else read with
    :func:`read_articles`. :func:`framing.report.run_pipeline` and
    :func:`framing.distributed.run_pipeline_dask` both take their articles from here, so that they read one
    source into the same table (review22: the Dask run kept integer ids and merged two articles of one id).
    A page read twice (the same text as an earlier article of the same outlet, under another id) is left out,
    with a note: pooled per outlet, it would count twice."""
    if not (isinstance(source, pd.DataFrame) and set(ARTICLE_COLUMNS) <= set(source.columns)):
        return _without_pages_read_twice(read_articles(source), say=False)  # read_articles said it
    # the same table as read_articles would give in these respects (review23-api): a fresh index, and no
    # article without text (said in the same warning)
    articles = source.reset_index(drop=True)
    for i, t in enumerate(articles["text"].tolist()):
        _text_or_blank(t, "articles table", i)
    blank, which = _blank_rows(articles)
    if blank.any():
        warn(f"skipped or changed inputs: {int(blank.sum())} empty or whitespace-only ({which})", ReadWarning)
        articles = articles[~blank].reset_index(drop=True)
        if articles.empty:
            raise FramingError("no readable articles: every input was empty or skipped")
    if not all(isinstance(a, str) and a.strip() for a in articles["article_id"]):
        # ids are strings everywhere (the report's cached blocks key on them), made up as read_articles does
        ids = _ids_text(articles["article_id"].tolist(), "article")
        articles = articles.assign(article_id=pd.Series(ids, index=articles.index, dtype=object))
    from ._checks import check_rows

    # one row per id, checked here for every pipeline (review22b: a Dask run segments partitions apart, and two
    # articles of one id were merged)
    check_rows(articles, ["article_id"], "articles table", text=False)
    clean = [strip_source(s) for s in articles["source"]]  # "Herald " and "Herald" are one outlet
    if clean != articles["source"].tolist():
        articles = articles.assign(source=pd.Series(clean, index=articles.index, dtype=object))
    return _without_pages_read_twice(articles)


def _without_pages_read_twice(articles: pd.DataFrame, say: bool = True) -> pd.DataFrame:
    """The articles but the pages read twice (:func:`_read_twice`), which a pipeline would count twice."""
    twice = _read_twice(articles)
    if not twice.any():
        return articles
    if say:
        warn(f"left out: {int(twice.sum())} article{'s' if twice.sum() != 1 else ''} read twice (the same text as an "
             f"earlier one of the same outlet: {', '.join(articles['article_id'][twice][:3])})", ReadWarning)
    return articles[~twice].reset_index(drop=True)


# The commonest function words of English and of the languages of Western Europe. An article is said not to
# read as English on evidence of another language: mostly letters of another script, or these words of other
# languages outnumbering the English ones two to one (review24: a share of English words alone flagged English
# sports results, market tables and bullet lists). In AllSides and SemEval news the English words are a sixth to a
# third of all words; in Portuguese, German or French news the other languages' words several times as many.
_ENGLISH_WORDS = frozenset("the of and to in is that for on with as was by it at from be have are has he his this "
                           "not but an they said their were will who which or its had been would more than after "
                           "about".split())
_OTHER_WORDS = frozenset(
    "der die und das ist nicht mit den von zu sich auf dem ein eine im für "  # German
    "le la les des et est une pour dans du au qui pas sur avec "  # French
    "el los las y del que por con para es se su "  # Spanish
    "os do da não em um uma dos das ao pelo pela "  # Portuguese
    "il di che per della gli nel sono "  # Italian
    "het een van en niet op dat zijn voor".split())  # Dutch


def _reads_as_english(text: str) -> bool:
    """False on evidence of another language in ``text``'s first 2,000 characters (see :data:`_OTHER_WORDS`)."""
    head = text[:2000]
    letters = re.findall(r"[^\W\d_]", head)
    if len(letters) >= 100 and 2 * len(re.findall(r"[A-Za-z\u00C0-\u024F]", head)) < len(letters):
        return False  # mostly another script (Cyrillic, Greek, Arabic, CJK, ...)
    words = re.findall(r"[^\W\d_]+", head.lower())
    other = sum(w in _OTHER_WORDS for w in words)
    return not (other >= 5 and other > 2 * sum(w in _ENGLISH_WORDS for w in words))


def _say_if_not_english(df: pd.DataFrame) -> None:
    """Warn when articles do not read as English (audit24-events: Portuguese and Russian articles were grouped into
    events of unrelated stories, without a word)."""
    odd = [str(aid) for aid, text in zip(df["article_id"], df["text"]) if not _reads_as_english(text)]
    if odd:
        warn(f"{len(odd)} of {len(df)} articles do not read as English (e.g. {', '.join(map(repr, odd[:2]))}): "
             "sentences are split by English rules, and the default model and the bundled codebook are English; "
             "for other languages pass a multilingual sentence-transformers model (--model, model=) and check the "
             "results by hand", ReadWarning)


def _read_twice(df: pd.DataFrame) -> np.ndarray:
    """Rows whose text an earlier row of the same named outlet has under another id: one page read twice (two
    URLs of it; audit24-report: it counted twice in its outlet's pooled shares)."""
    return (df["source"].notna().to_numpy() & _has_text(df["text"])
            & df.duplicated(subset=["text", "source"], keep="first").to_numpy())


def strip_source(value):
    """An outlet name without surrounding spaces ("Herald " and "Herald" are one outlet); None when blank.

    Anything that is not a string (None, NaN) is returned as it is.
    """
    return (value.strip() or None) if isinstance(value, str) else value


def _dedupe_ids(df: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    """Drop exact duplicates (same id, text and outlet); give clashing ids a ``#n`` suffix.

    The outlet counts: one story syndicated by two outlets (``herald/story.txt`` and ``courier/story.txt``)
    is two articles, one per outlet that ran it (review22: it was dropped as a duplicate)."""
    before = len(df)
    df = df.drop_duplicates(subset=["article_id", "text", "source"], keep="first").reset_index(drop=True)
    n_dropped = before - len(df)
    counts: dict[str, int] = {}
    new_ids = []
    n_renamed = 0
    seen = set(df["article_id"])
    for aid in df["article_id"]:
        k = counts.get(aid, 0) + 1
        counts[aid] = k
        if k == 1:
            new_ids.append(aid)
        else:
            cand = f"{aid}#{k}"
            while cand in seen:
                k += 1
                cand = f"{aid}#{k}"
            seen.add(cand)
            new_ids.append(cand)
            n_renamed += 1
    df["article_id"] = new_ids
    return df, n_dropped, n_renamed


def read_articles(source, *, skip_empty: bool = True) -> pd.DataFrame:
    """Read articles from files, directories, globs, CSV/JSONL or a DataFrame.

    Parameters
    ----------
    source : path, glob, list of them, or pandas.DataFrame
        A directory is searched recursively for ``.txt``, ``.md``, ``.html``,
        ``.csv``, ``.tsv``, ``.jsonl`` and ``.json`` files (hidden files, a
        report folder framing wrote there, README and licence files, and
        tables without a text column, such as a list of outlets, are left
        out with a note). A CSV/JSONL/DataFrame needs a ``text`` column and may have
        ``article_id`` (or ``id``), ``title``, ``source`` and ``date``; other
        columns are kept after these. Names other tools give these columns (``body``, ``maintext``,
        ``headline``, ``published``, ``outlet``, ``Text``: :data:`COLUMN_SYNONYMS`) are read as them, with a
        :class:`ReadWarning` naming each.
    skip_empty : bool
        Skip articles whose text is empty or whitespace only (with a
        :class:`ReadWarning`) instead of raising.

    Returns
    -------
    pandas.DataFrame
        The article table, columns :data:`ARTICLE_COLUMNS` and then any
        others of the input, in input order.
        Exact duplicates (same id, text and outlet) are dropped and clashing ids get a ``#2`` suffix,
        with a :class:`ReadWarning` saying how many.

    Raises
    ------
    FramingError
        naming the file and the problem, for anything that cannot be read.
    """
    skipped: dict[str, int] = {}
    if isinstance(source, pd.DataFrame):
        from ._checks import check_columns_once

        check_columns_once(source, "articles DataFrame")
        df = _frame_from_table(source.reset_index(drop=True), "article", "articles DataFrame")
        read_as = {note: [] for note in df.attrs.get("read_as", [])}
    else:
        if isinstance(source, (str, os.PathLike)):
            inputs: Iterable[PathLike] = [source]
        else:
            try:
                inputs = list(source)
            except TypeError:
                raise FramingError(f"articles: expected a path, a list of paths or a DataFrame, found "
                                   f"{type(source).__name__} {source!r}"[:200]) from None
            if not inputs:
                raise FramingError("no input paths given; expected at least one file or directory")
            bad = [x for x in inputs if not isinstance(x, (str, os.PathLike))]
            if bad:
                raise FramingError(f"articles: expected paths, found {type(bad[0]).__name__} {bad[0]!r}"[:200])
        files, skipped = _expand(list(inputs))
        frames = [_read_file(f) for f in files]
        read_as = {}
        for f, frame in zip(files, frames):
            for note in frame.attrs.get("read_as", []):
                read_as.setdefault(note, []).append(Path(f).name)
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ARTICLE_COLUMNS)
    empty_ids = ""
    if skip_empty:
        empty, which = _blank_rows(df)
        if empty.any():
            titled = int(_has_text(df.loc[empty, "title"]).sum())
            # a title and no text is a paywalled page or a feed of headlines, not an empty file (audit24-report)
            why = ("empty or whitespace-only" if not titled else "with a title and no text" if titled == empty.sum()
                   else "without text (some with a title)")
            skipped[why] = skipped.get(why, 0) + int(empty.sum())
            empty_ids = which
            df = df[~empty].reset_index(drop=True)
    df, n_dropped, n_renamed = _dedupe_ids(df)
    if n_dropped:
        skipped["exact duplicate"] = n_dropped
    notes = [f"{n} {_SAY.get(why, (why, why))[n != 1]}"
             + (f" ({empty_ids})" if why in _BLANK and empty_ids else "") for why, n in skipped.items()]
    if n_renamed:
        notes.append(f"{n_renamed} duplicate article_id{'s' if n_renamed != 1 else ''} renamed with a '#n' suffix")
    twice = _read_twice(df)
    if twice.any():  # kept here, so that every row has its article (framing events); the pipelines drop them
        notes.append(f"{int(twice.sum())} article{'s' if twice.sum() != 1 else ''} with the same text as another "
                     f"of the same outlet under another id (a page read twice?: {', '.join(df['article_id'][twice][:3])}"
                     "); the report and run_pipeline leave them out")
    kept = df[~twice]  # a page read twice is said above, not as a copy (review24b: its first half was counted)
    copies = kept["article_id"][kept.duplicated(subset=["text"], keep=False).to_numpy()
                                & _has_text(kept["text"])].tolist()  # blank texts are not copies
    if copies:  # syndicated copies count for each outlet that ran them, so they are kept; but say so
        first = kept["article_id"][kept["text"] == kept["text"][kept["article_id"] == copies[0]].iloc[0]].tolist()
        notes.append(f"{len(copies)} articles share their exact text with another, kept: syndicated copies "
                     f"count for each outlet that ran them (e.g. {first[0]!r} and {first[1]!r}); framing events "
                     "names copies, near ones too, in its copy_of column, and the report leaves pairs of copies out "
                     "of its comparisons")
    if notes:
        warn("skipped or changed inputs: " + "; ".join(notes), ReadWarning)
    if read_as:  # the columns read under another name, once for all files that have them
        by_files: dict = {}
        for note, where in read_as.items():
            by_files.setdefault(tuple(where), []).append(note)
        said = [("" if not where else f"in {where[0]}: " if len(where) == 1
                 else f"in {where[0]} and {len(where) - 1} more: ") + ", ".join(notes)
                for where, notes in by_files.items()]
        warn("columns read under another name: " + "; ".join(said), ReadWarning)
    if df.empty:
        raise FramingError("no readable articles: every input was empty or skipped")
    _say_if_not_english(df)
    for col in ("title", "source", "date"):
        if not pd.api.types.is_datetime64_any_dtype(df[col]):
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df[ARTICLE_COLUMNS + [c for c in df.columns if c not in ARTICLE_COLUMNS]].reset_index(drop=True)
