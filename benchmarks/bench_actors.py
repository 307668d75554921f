"""How often the sentence-level role heuristic (framing.actors) agrees with annotated entity roles.

Data: SemEval-2025 Task 10, subtask 1, English *train* split only (dev/test are
the project's held-out data). Each annotated mention has an article-level main
role: Antagonist, Protagonist or Innocent. The heuristic reads one sentence
and says aggressor, defender, victim or neutral; we map aggressor ->
Antagonist, defender -> Protagonist, victim -> Innocent and report how often
it commits (non-neutral), how often a committed role agrees, and the
majority-class rate among committed mentions (the bar to beat). Nothing is
fitted, so there is no train/test split to respect beyond using train only.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pandas as pd

MAP = {"aggressor": "Antagonist", "defender": "Protagonist", "victim": "Innocent"}


def role_at(text: str, start: int, end: int) -> str:
    """The heuristic's role for the mention text[start:end], in its sentence."""
    from framing.actors import _clauses, _role_in_clause, _tokens
    from framing.segment import split_sentences

    sent = next(((a, b) for a, b, _ in split_sentences(text) if a <= start < b), None)
    if sent is None:
        return "neutral"
    st = text[sent[0]:sent[1]]
    ms, me = start - sent[0], min(end, sent[1]) - sent[0]
    for a, b in _clauses(st):
        if a <= ms < b:
            toks = _tokens(st, a, b)
            i0 = next((k for k, t in enumerate(toks) if t[1] >= ms), len(toks))
            i1 = next((k for k, t in enumerate(toks) if t[1] >= me), len(toks))
            return _role_in_clause(toks, (i0, max(i1, i0 + 1)), [])
    return "neutral"


def main(argv=None) -> None:
    from benchmarks import stance_data

    d = stance_data.find_data()
    if d is None:
        print(f"skipped: data not found at {stance_data.DEFAULT_DIR / stance_data.SPLIT}; get it with {stance_data.GET}")
        return
    from framing.corpus import decode_bytes

    texts: dict[str, str] = {}
    conf: Counter = Counter()
    for line in (d / "subtask-1-annotations.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 5:
            continue
        aid, ent, s, e, main_role = parts[0], parts[1], int(parts[2]), int(parts[3]) + 1, parts[4]
        if aid not in texts:
            texts[aid] = decode_bytes((d / "raw-documents" / aid).read_bytes(), aid)
        text = texts[aid]
        if text[s:e].strip() != ent.strip():
            k = text.find(ent, max(0, s - 5))
            if k < 0:
                continue
            s, e = k, k + len(ent)
        conf[(role_at(text, s, e), main_role)] += 1
    df = pd.Series(conf).unstack(fill_value=0)
    committed = df.drop(index=[r for r in df.index if r not in MAP])
    n, n_c = int(df.values.sum()), int(committed.values.sum())
    agree = sum(int(committed.loc[r, MAP[r]]) for r in committed.index if MAP[r] in committed.columns)
    print(f"actor roles vs SemEval-2025 T10 EN train main roles ({n} mentions)")
    print(df.to_string())
    print(f"committed (non-neutral): {n_c} of {n} ({n_c / max(n, 1):.1%})")
    print(f"agreement when committed: {agree / max(n_c, 1):.3f}; majority class among committed: "
          f"{committed.sum(axis=0).max() / max(n_c, 1):.3f}")
    for r in committed.index:
        tot = int(committed.loc[r].sum())
        print(f"  precision {r:9s} -> {MAP[r]:11s}: {int(committed.loc[r, MAP[r]]) if MAP[r] in committed.columns else 0}/{tot}")


if __name__ == "__main__":  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main(sys.argv[1:])
