"""Build a sentence-level stance evaluation set from SemEval-2025 Task 10 entity roles.

The labels ``western_threat`` / ``russian_defensive`` (the frame ids of the
default codebook) are derived from public human annotations: the English
**train** split of SemEval-2025 Task 10, subtask 1 (entity framing). Each
annotation gives an article, an entity mention (character offsets into
``raw-documents/<article>.txt``, ``end`` inclusive) and the main role the
article casts it in: Protagonist, Antagonist or Innocent.

The rule
--------
1. Segment each raw document with :func:`framing.segment.segment`; a mention
   belongs to the sentence that contains its first character.
2. Put each annotated entity in a camp by its surface string:
   *russia* (Russia, Russian…, Moscow, Kremlin, Putin, Lavrov, Peskov,
   Medvedev, Shoigu, Gerasimov, Zakharova, Wagner, Prigozhin) or *west*
   (Ukraine, Ukrainian…, Kyiv/Kiev, Zelensky, Yermak, Klitschko, Zaluzhny,
   NATO, the West/Western, US/U.S./United States/America/Washington, Biden,
   Blinken, Austin, Nuland, UK/Britain/London, Johnson, Sunak, Germany,
   France, Poland, Finland, Baltic, EU/Europe/Brussels, von der Leyen,
   Macron, Scholz, Stoltenberg, Pentagon, White House, CIA). Everything else
   (China, Trump, Israel, climate actors…) is ignored: their camp in this
   conflict is not clear-cut.
3. Each mention votes:

   - russia + Antagonist            -> ``western_threat``
   - russia + Protagonist/Innocent  -> ``russian_defensive``
   - west + Antagonist              -> ``russian_defensive``
   - west + Protagonist/Innocent    -> ``western_threat``  (rule ``W+``; the
     article casts NATO/Ukraine as guardian or victim: the Western framing)

4. A sentence whose votes disagree is dropped; otherwise it gets the common
   label. The column ``rules`` records which rules fired, so the benchmark can
   also report the subset without ``W+`` (the narrower reading: only Russia's
   role, or the West cast as antagonist).

Subtask-2 narratives are document-level (one article, several narratives)
and almost all URW narratives in this data are pro-Kremlin ones, so they
cannot give sentence labels of both classes without guessing which sentence
carries them; they are not used for labels. The benchmark uses them only as
an article-level check (``narratives`` column of the article table).

Licence
-------
The data comes from https://github.com/Matija-Kukic/semeval2025-t10, fetched into
``data/external/semeval2025-t10``; its README says "Add licensing information
here" (no licence). The SemEval organisers distribute the task data for
research. Nothing derived from it is committed: the set is written to
``data/external/stance/`` (gitignored).

Usage::

    python -m benchmarks.stance_data            # writes data/external/stance/semeval_en_train.csv

``SEMEVAL_T10_DIR`` overrides the data location.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "data" / "external" / "semeval2025-t10"
OUT_DIR = ROOT / "data" / "external" / "stance"
SPLIT = Path("data") / "train_data" / "EN"  # ONLY the train split: dev/test are the project's held-out data
GET = "git clone https://github.com/Matija-Kukic/semeval2025-t10 data/external/semeval2025-t10"

RUSSIA_RE = re.compile(
    r"\b(russia|russian|russians|moscow|kremlin|putin|lavrov|peskov|medvedev|shoigu|gerasimov|zakharova|"
    r"wagner|prigozhin|belousov|nebenzia)\b", re.I)
WEST_RE = re.compile(
    r"\b(ukraine|ukrainian|ukrainians|kyiv|kiev|zelensky|zelenskyy|zelenskiy|yermak|klitschko|zaluzhny|"
    r"kuleba|podolyak|nato|west|western|westerners|us|u\.s|u\.s\.|usa|united states|america|american|americans|"
    r"washington|biden|blinken|nuland|pentagon|white house|cia|uk|britain|british|london|johnson|sunak|"
    r"germany|german|berlin|scholz|france|french|macron|poland|polish|finland|baltic|baltics|estonia|latvia|"
    r"lithuania|eu|europe|european|brussels|von der leyen|stoltenberg|rutte|austin|sullivan)\b", re.I)
LABELS = ("western_threat", "russian_defensive")


def camp_of(entity: str) -> str | None:
    """'russia', 'west' or None (unknown or both) for an annotated entity string."""
    r = bool(RUSSIA_RE.search(entity))
    w = bool(WEST_RE.search(entity))
    if r == w:
        return None
    return "russia" if r else "west"


def vote(camp: str | None, role: str) -> tuple[str, str] | None:
    """(label, rule) for one mention, or None."""
    if camp == "russia":
        return ("western_threat", "R-") if role == "Antagonist" else ("russian_defensive", "R+")
    if camp == "west":
        return ("russian_defensive", "W-") if role == "Antagonist" else ("western_threat", "W+")
    return None


def find_data(root=None) -> Path | None:
    root = Path(root or os.environ.get("SEMEVAL_T10_DIR") or DEFAULT_DIR)
    d = root / SPLIT
    return d if (d / "subtask-1-annotations.txt").is_file() else None


def read_annotations(d: Path) -> pd.DataFrame:
    rows = []
    for line in (d / "subtask-1-annotations.txt").read_text(encoding="utf-8").splitlines():
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 5:
            continue
        rows.append({"article_id": parts[0].removesuffix(".txt"), "entity": parts[1], "start": int(parts[2]),
                     "end": int(parts[3]) + 1, "role": parts[4], "fine_roles": ";".join(parts[5:])})
    return pd.DataFrame(rows)


def read_narratives(d: Path) -> pd.DataFrame:
    f = d / "subtask-2-annotations.txt"
    rows = []
    if f.is_file():
        for line in f.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2:
                rows.append({"article_id": parts[0].removesuffix(".txt"), "narratives": parts[1],
                             "subnarratives": parts[2] if len(parts) > 2 else ""})
    return pd.DataFrame(rows, columns=["article_id", "narratives", "subnarratives"])


def build(root=None) -> pd.DataFrame | None:
    """The labelled sentence table, or None when the data is missing.

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``sentence_id``, ``text``, ``start``, ``end``,
        ``paragraph``, ``is_quote`` (from :func:`framing.segment.segment`),
        ``label`` (western_threat / russian_defensive), ``rules`` (the rules
        that fired, e.g. ``R-;W+``), ``entities`` (``entity:role`` joined by
        ``; ``), ``topic`` (``UA`` or ``CC``, from the article id).
    """
    from framing.segment import segment

    d = find_data(root)
    if d is None:
        return None
    ann = read_annotations(d)
    ann["camp"] = ann["entity"].map(camp_of)
    ann = ann[ann["camp"].notna()]
    texts = {}
    for aid in sorted(set(ann["article_id"])):
        # newline="" keeps \r\n as is: offsets are into the raw file text
        with open(d / "raw-documents" / f"{aid}.txt", encoding="utf-8", newline="") as fh:
            texts[aid] = fh.read()
    arts = pd.DataFrame({"article_id": list(texts), "text": list(texts.values())})
    sents = segment(arts, keep_repeated_title=True)  # annotations are on the raw text, repeats included
    out = []
    for aid, grp in ann.groupby("article_id"):
        s = sents[sents["article_id"] == aid]
        starts = s["start"].to_numpy()
        ends = s["end"].to_numpy()
        by_sent: dict[int, list] = {}
        for r in grp.itertuples():
            hit = ((starts <= r.start) & (r.start < ends)).nonzero()[0]
            if len(hit) == 0:
                continue
            v = vote(r.camp, r.role)
            by_sent.setdefault(int(hit[0]), []).append((v[0], v[1], f"{r.entity}:{r.role}"))
        for i, votes in by_sent.items():
            labels = {v[0] for v in votes}
            if len(labels) != 1:
                continue  # conflicting votes: ambiguous sentence
            row = s.iloc[i].to_dict()
            row["label"] = labels.pop()
            row["rules"] = ";".join(sorted({v[1] for v in votes}))
            row["entities"] = "; ".join(v[2] for v in votes)
            row["topic"] = aid.split("_")[1]
            out.append(row)
    df = pd.DataFrame(out)
    df["text"] = df["text"].map(lambda t: " ".join(t.split()))
    return df.sort_values(["article_id", "sentence_id"]).reset_index(drop=True)


def article_sentences(root=None, article_ids=None) -> pd.DataFrame | None:
    """Every sentence of the labelled articles (the context the labelled sentences sit in).

    Returns
    -------
    pandas.DataFrame
        :func:`framing.segment.segment` columns for the raw documents of
        ``article_ids`` (default: every article with an entity annotation),
        text whitespace-collapsed like the labelled table, so that
        ``(article_id, sentence_id)`` joins the two.
    """
    from framing.segment import segment

    d = find_data(root)
    if d is None:
        return None
    if article_ids is None:
        article_ids = sorted(set(read_annotations(d)["article_id"]))
    texts = {}
    for aid in sorted(set(article_ids)):
        with open(d / "raw-documents" / f"{aid}.txt", encoding="utf-8", newline="") as fh:
            texts[aid] = fh.read()
    sents = segment(pd.DataFrame({"article_id": list(texts), "text": list(texts.values())}), keep_repeated_title=True)
    sents["text"] = sents["text"].map(lambda t: " ".join(t.split()))
    return sents.sort_values(["article_id", "sentence_id"]).reset_index(drop=True)


def load_context(labelled: pd.DataFrame, root=None, *, rebuild: bool = False) -> pd.DataFrame | None:
    """:func:`article_sentences` for the articles of ``labelled``, cached next to the eval set."""
    out = Path(os.environ.get("STANCE_DATA_DIR") or OUT_DIR) / "semeval_en_train_articles.csv"
    want = set(labelled["article_id"])
    if out.is_file() and not rebuild:
        df = pd.read_csv(out)
        if set(df["article_id"]) >= want:
            return df[df["article_id"].isin(want)].reset_index(drop=True)
    df = article_sentences(root, sorted(want))
    if df is None:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out, index=False)
    return df


def load(root=None, *, rebuild: bool = False) -> pd.DataFrame | None:
    """The eval set, built once and cached in ``data/external/stance/`` (None when the data is missing)."""
    out = Path(os.environ.get("STANCE_DATA_DIR") or OUT_DIR) / "semeval_en_train.csv"
    if out.is_file() and not rebuild:
        return pd.read_csv(out)
    df = build(root)
    if df is None:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out, index=False)
    return df


def summary(df: pd.DataFrame) -> str:
    core = df[~df["rules"].str.fullmatch("W\\+")]
    lines = [f"sentences: {len(df)} from {df['article_id'].nunique()} articles",
             "labels: " + ", ".join(f"{k} {v}" for k, v in df["label"].value_counts().items()),
             f"without rule-W+-only sentences: {len(core)} ("
             + ", ".join(f"{k} {v}" for k, v in core["label"].value_counts().items()) + ")",
             "rules: " + ", ".join(f"{k} {v}" for k, v in df["rules"].value_counts().items())]
    return "\n".join(lines)


def main() -> int:
    df = load(rebuild=True)
    if df is None:
        print(f"skipped: data not found at {DEFAULT_DIR / SPLIT}; get it with {GET}")
        return 0
    print(summary(df))
    ctx = load_context(df, rebuild=True)
    print(f"context: {len(ctx)} sentences of the {ctx['article_id'].nunique()} labelled articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
