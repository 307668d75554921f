"""Text helpers shared by the steps that describe groups of sentences (clusters, events).

Private: the public way to get keywords is
:func:`framing.clusters.cluster_keywords` and the ``keywords`` column of
:func:`framing.events.align_events`.
"""

from __future__ import annotations

import re
from collections import Counter


def surface_forms(texts, words: set, token_re: re.Pattern) -> dict:
    """How each lower-cased keyword is written in ``texts``: ``nato`` -> ``NATO``, ``russia`` -> ``Russia``.

    A word that ever appears in lower case stays in lower case ("War"
    opening a sentence and "war" are one word); a name takes its most common
    spelling (ties: the first seen). Tokens are the matches of ``token_re``,
    so words of several tokens are not found and stay lower-cased.

    Returns
    -------
    dict
        ``{lower-cased word: spelling}`` for the words of ``words`` that are
        only ever written with capitals; the others are left out.
    """
    forms: dict[str, Counter] = {}
    lower: set = set()
    for t in texts:
        for m in token_re.finditer(t):
            tok = m.group(0)
            lw = tok.lower()
            if lw not in words:
                continue
            if tok == lw:
                lower.add(lw)
            else:
                forms.setdefault(lw, Counter())[tok] += 1
    return {w: c.most_common(1)[0][0] for w, c in forms.items() if w not in lower}
