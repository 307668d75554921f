"""Segmenting very large articles: time and peak memory grow linearly (issue #8).

pysbd is superlinear in the length of what it is given, so
:func:`framing.segment.split_sentences` feeds it windows of at most
``_WINDOW_CHARS`` characters. This prints, for generated articles of growing
size, the time to segment them in three shapes: many normal paragraphs, one
giant paragraph, and long lines without any punctuation. The baseline is the
smallest size of each shape: a linear segmenter keeps kB/s about constant.

Sizes in MB come from ``FRAMING_BENCH_SEGMENT_MB`` (default ``0.1,0.4``; on
the 2-core box ``5`` takes 100-190 s per shape, depending on load).
"""

from __future__ import annotations

import os
import random
import resource
import time


def _text(shape: str, n_chars: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    words = ("Russia NATO Ukraine said the minister on Tuesday that forces would attack defend Kyiv Moscow "
             "U.S. Gen. Mr. war peace talks 2024 3.5 percent").split()

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(5, 30))).capitalize() + rng.choice(".!?.")

    parts, n = [], 0
    while n < n_chars:
        if shape == "paragraphs":
            p = " ".join(sentence() for _ in range(rng.randint(1, 8)))
        elif shape == "one_paragraph":
            p = sentence()
        else:
            p = " ".join(rng.choice(words).replace(".", "") for _ in range(6000))
        parts.append(p)
        n += len(p) + 2
    sep = {"paragraphs": "\n\n", "one_paragraph": " ", "no_punctuation": "\n"}[shape]
    return sep.join(parts)[:n_chars]


def main() -> None:
    from framing.segment import split_sentences

    sizes = [float(x) for x in os.environ.get("FRAMING_BENCH_SEGMENT_MB", "0.1,0.4").split(",") if x.strip()]
    print("segmenting large articles (split_sentences; kB/s should stay flat as size grows)")
    print(f"{'shape':<16}{'MB':>6}{'sentences':>11}{'seconds':>9}{'kB/s':>8}{'peak RSS MB':>13}")
    split_sentences("Warm up. The segmenter loads its rules once.")
    for shape in ("paragraphs", "one_paragraph", "no_punctuation"):
        for mb in sizes:
            text = _text(shape, int(mb * 1_000_000))
            t = time.perf_counter()
            spans = split_sentences(text)
            dt = time.perf_counter() - t
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{shape:<16}{mb:>6.2f}{len(spans):>11}{dt:>9.1f}{len(text) / 1000 / max(dt, 1e-9):>8.0f}{rss:>13.0f}")


if __name__ == "__main__":
    main()
