"""Sentences: offsets round-trip, abbreviations, quotes, paragraphs."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from framing.errors import FramingError
from framing.segment import SENTENCE_COLUMNS, segment, split_sentences


def _texts(seed_articles):
    return dict(zip(seed_articles["article_id"], seed_articles["text"]))


def test_offsets_round_trip_on_seeds(seed_articles, seed_sentences):
    assert list(seed_sentences.columns) == SENTENCE_COLUMNS
    texts = _texts(seed_articles)
    for r in seed_sentences.itertuples():
        assert texts[r.article_id][r.start:r.end] == r.text
    assert len(seed_sentences) >= 40
    assert set(seed_sentences["article_id"]) == set(seed_articles["article_id"])


def test_sentence_ids_count_within_article(seed_sentences):
    for _, g in seed_sentences.groupby("article_id"):
        assert g["sentence_id"].tolist() == list(range(len(g)))
        assert (g["start"].diff().dropna() > 0).all()


def test_us_abbreviation_never_splits(seed_sentences):
    # every "U.S." sits inside a sentence, never at a boundary followed by a new sentence start
    joined = seed_sentences["text"].tolist()
    assert any("U.S. military officials" in t for t in joined)
    assert not any(t.startswith(("S. ", "military officials")) for t in joined)
    toy = "The U.S. Army and Gen. Smith met in Washington. They talked."
    spans = split_sentences(toy)
    assert [toy[s:e] for s, e, _ in spans] == ["The U.S. Army and Gen. Smith met in Washington.", "They talked."]


def test_quoted_headline_stays_inside_its_sentence(seed_sentences):
    lavrov = [t for t in seed_sentences["text"] if "Oreshnik Warning To U.S." in t]
    assert len(lavrov) == 1
    assert "stated Russian foreign minister Sergei Lavrov" in lavrov[0]


def test_closing_quote_joins_previous_sentence(seed_sentences):
    siarto = [t for t in seed_sentences["text"] if "wrote Siarto" in t]
    assert len(siarto) == 1 and siarto[0].startswith("We will not allow ourselves")


def test_headline_without_final_punctuation(seed_sentences):
    first = seed_sentences[(seed_sentences["article_id"] == "nato-rutte-warns-lavrov-no-desire-to-attack.txt")
                           & (seed_sentences["sentence_id"] == 0)].iloc[0]
    assert first["text"].endswith("Crisis Point")
    assert first["paragraph"] == 0


def test_is_quote_flags(seed_sentences):
    q = dict(zip(seed_sentences["text"], seed_sentences["is_quote"]))
    assert q[next(t for t in q if t.startswith("“Take Russia's Signals"))]
    assert q[next(t for t in q if t.startswith("‘We understand"))]  # opens a quote closed two paragraphs later
    assert q[next(t for t in q if t.startswith("We will not allow"))]
    assert not q[next(t for t in q if t.startswith("Sergei Lavrov, the Russian Foreign Minister"))]
    # apostrophes are not quotes
    assert not q[next(t for t in q if t.startswith("Zelensky’s call on allies"))]


def test_unclosed_quote_does_not_leak():
    df = segment(pd.DataFrame({"article_id": ["a"], "text": [
        "He said “this never closes. Next sentence here is plain. Another plain one follows. And one more. Last."]}))
    assert df["is_quote"].tolist()[0]
    assert not df["is_quote"].tolist()[-1]


def test_long_text_without_punctuation_is_cut():
    text = " ".join(["word"] * 3000)
    spans = split_sentences(text, max_chars=500)
    assert all(e - s <= 500 for s, e, _ in spans)
    assert " ".join(text[s:e] for s, e, _ in spans) == text


_alphabet = st.sampled_from(list("abcXYZ .!?\n“”‘’\"'—,") + ["U.S.", "Gen.", " Mr. ", "\n\n"])


@settings(max_examples=80, deadline=None)
@given(st.lists(_alphabet, max_size=80).map("".join))
def test_offsets_always_round_trip_and_cover_all_text(text):
    spans = split_sentences(text)
    prev_end = 0
    for s, e, _ in spans:
        piece = text[s:e]
        assert piece == piece.strip() and piece
        assert s >= prev_end  # in order, no overlap
        assert text[prev_end:s].strip() == ""  # nothing but whitespace is skipped
        prev_end = e
    assert text[prev_end:].strip() == ""


def test_worker_processes_give_the_same_table(seed_articles, monkeypatch):
    import framing.segment as seg_mod

    many = pd.concat([seed_articles.assign(article_id=seed_articles["article_id"] + f"~{i}") for i in range(6)],
                     ignore_index=True)
    serial = segment(many, n_jobs=1)
    parallel = segment(many, n_jobs=2)
    pd.testing.assert_frame_equal(parallel, serial)
    # the automatic choice goes parallel only above PARALLEL_CHARS
    calls = []
    monkeypatch.setattr(seg_mod, "_segment_parallel", lambda *a: calls.append(a) or seg_mod._segment_rows(*a[:4]))
    segment(many)
    assert not calls
    monkeypatch.setattr(seg_mod, "PARALLEL_CHARS", 10)
    monkeypatch.setattr(seg_mod, "_n_workers", lambda n_jobs, total: 2 if total >= seg_mod.PARALLEL_CHARS else 1)
    pd.testing.assert_frame_equal(segment(many), serial)
    assert len(calls) == 1


def test_bad_text_in_a_worker_is_one_clear_error():
    bad = pd.DataFrame({"article_id": ["a", "b"], "text": ["Fine text. Here.", 42]})
    with pytest.raises(FramingError, match="article 'b': text must be a string"):
        segment(bad, n_jobs=2)


def test_framing_segment_stays_callable_after_the_module_is_imported(seeds_dir):
    """Importing framing.segment (run_pipeline, events do) binds the package name to the module; it must still segment."""
    import subprocess
    import sys

    code = ("import framing, framing.events, framing.segment as m; "
            "a = framing.read_articles(%r); "
            "assert framing.segment is m; "
            "print(len(framing.segment(a)), len(m.segment(a)))" % str(seeds_dir))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == out[1] and int(out[0]) > 10


def test_two_whole_quotes_in_a_row_are_two_sentences():
    text = ("Title\n\n“Russia wants to break our will. It will fail.” “We will rebuild.” "
            "“Every system we send saves lives,” Pistorius said.\n\n“Is it “fake”?” he asked.")
    spans = split_sentences(text)
    got = [text[a:b] for a, b, _ in spans]
    assert got == ["Title", "“Russia wants to break our will. It will fail.”", "“We will rebuild.”",
                   "“Every system we send saves lives,” Pistorius said.", "“Is it “fake”?” he asked."]


def test_a_headline_repeated_as_the_first_paragraph_counts_once():
    from framing.segment import segment

    text = ("Make no mistake - the West wanted Russia to invade.\n\n"
            " Make no mistake -  the West wanted Russia to invade.\n\n"
            "The weather in Kyiv was mild. Make no mistake - the West wanted Russia to invade.\n")
    arts = pd.DataFrame({"article_id": ["a"], "text": [text]})
    s = segment(arts)
    assert s["sentence_id"].tolist() == [0, 1, 2] and s["paragraph"].tolist() == [0, 2, 2]
    assert (s["text"] == [text[a:b] for a, b in zip(s["start"], s["end"])]).all()
    assert s["text"].str.startswith("Make no mistake").sum() == 2  # a later repeat is the author's own
    kept = segment(arts, keep_repeated_title=True)
    assert kept["paragraph"].tolist() == [0, 1, 2, 2]
    other = segment(pd.DataFrame({"article_id": ["b"], "text": ["Title\n\nTitle and more.\n"]}))
    assert len(other) == 2  # only an exact repeat is left out


def test_a_line_of_punctuation_alone_is_no_sentence():
    from framing.segment import segment

    text = "Title\n\nRussia attacked Kyiv.\n\n\"\n\n.\n\nNATO met in Brussels."
    s = segment(pd.DataFrame({"article_id": ["a"], "text": [text]}))
    assert s["text"].tolist() == ["Title", "Russia attacked Kyiv.", "NATO met in Brussels."]
    assert s["sentence_id"].tolist() == [0, 1, 2]


def test_a_closing_quote_alone_on_its_line_still_closes_the_quotation():
    from framing.segment import segment

    text = "Title\n\n“We will fight. We will win\n”\n\nThe talks resumed."
    s = segment(pd.DataFrame({"article_id": ["a"], "text": [text]}))
    assert s["text"].tolist() == ["Title", "“We will fight.", "We will win", "The talks resumed."]
    assert s["is_quote"].tolist() == [False, True, True, False]


def test_framing_segment_stays_the_module_whichever_is_used_first():
    """review21-api: after any use of framing.segment, `import framing.segment as seg` gave the function, and
    seg.split_sentences raised AttributeError. framing.segment is the callable module either way."""
    import subprocess
    import sys

    code = ("import framing; framing.segment\n"
            "import framing.segment as seg\n"
            "import pandas as pd\n"
            "assert seg.split_sentences('One two. Three four.') == [(0, 8, 0), (9, 20, 0)]\n"
            "t = framing.segment(pd.DataFrame({'article_id': ['a'], 'text': ['One two. Three four.']}))\n"
            "assert t['text'].tolist() == ['One two.', 'Three four.']\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_segment_is_the_same_from_several_threads():
    """review22: one pysbd Segmenter shared by threads (a Dask worker's) lost sentences, differently each run."""
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    from framing.segment import _segmenter, split_sentences

    seeds = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parents[1] / "seeds").glob("*.txt"))]
    texts = [f"Report {i}. " + seeds[i % len(seeds)][i * 7:] for i in range(40)]
    serial = [split_sentences(t) for t in texts]
    for _ in range(3):
        with ThreadPoolExecutor(4) as pool:
            assert list(pool.map(split_sentences, texts)) == serial
    # the mechanism: each thread has a segmenter of its own
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(_segmenter("en"))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 2 and seen[0] is not seen[1] and _segmenter("en") is _segmenter("en")


def test_overlong_sentences_are_cut_at_any_whitespace_and_keep_none_at_their_ends():
    """review22: the cutter looked for " " only (a tab-separated run was cut inside a word) and left trailing
    spaces, against split_sentences' promise."""
    from framing.segment import split_sentences

    for text, max_chars in (("aaaa  bbbb cccc", 6), ("aaaaaaaa\tbbbb\tcccc", 10), ("aaaa\u00a0bbbb\u2028cc", 6)):
        pieces = [text[a:b] for a, b, _ in split_sentences(text, max_chars=max_chars)]
        assert all(p == p.strip() and 0 < len(p) <= max_chars for p in pieces), pieces
        assert [w for p in pieces for w in p.split()] == text.split(), pieces  # nothing lost, no word cut


def test_a_table_not_read_by_read_articles_splits_as_one_that_was():
    """review22: lone \\r and U+2028 were not paragraph breaks, and a BOM stayed in the first sentence, when a table
    reached segment without read_articles (which normalises them); offsets still point into the text as given."""
    from framing.segment import split_sentences

    for text in ("\ufeffRussia attacked.\rNATO met.", "Russia attacked.\u2028NATO met.", "Russia attacked.\r\nNATO met."):
        spans = split_sentences(text)
        assert [text[a:b] for a, b, _ in spans] == ["Russia attacked.", "NATO met."], text
        assert [p for _, _, p in spans] == [0, 1]
