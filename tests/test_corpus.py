"""Reading articles: formats, decoding, titles, and the errors users see."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.corpus import ARTICLE_COLUMNS, ReadWarning, decode_bytes, read_articles, read_table, split_title
from framing.errors import FramingError


def test_seeds_read_as_two_articles(seed_articles, seeds_dir):
    assert list(seed_articles.columns) == ARTICLE_COLUMNS
    assert len(seed_articles) == 2
    assert set(seed_articles["article_id"]) == {p.name for p in seeds_dir.glob("*.txt")}
    # the text is the file, byte for byte after decoding
    for row in seed_articles.itertuples():
        assert row.text == (seeds_dir / row.article_id).read_text(encoding="utf-8")


def test_title_is_first_line_followed_by_blank(seed_articles):
    titled = seed_articles.set_index("article_id")["title"]
    assert titled["nato-rutte-warns-lavrov-no-desire-to-attack.txt"].startswith("Urgent Warnings: NATO Prepares")
    # the other seed has no blank line after its first line: no title
    assert titled["russia-nato-oreshnik-warning.txt"] is None


def test_split_title_rules():
    assert split_title("Headline\n\nBody text.") == "Headline"
    assert split_title("\n\n  Headline  \n\nBody.") == "Headline"
    assert split_title("Line one\nLine two\n\nBody") is None
    assert split_title("Only a line\n\n") is None


def test_bom_and_crlf_are_normalised(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbfTitle\r\n\r\nFirst.\r\nSecond.\rThird.")
    df = read_articles(tmp_path / "a.txt")
    assert df.loc[0, "text"] == "Title\n\nFirst.\nSecond.\nThird."
    assert df.loc[0, "title"] == "Title"


def test_utf16_with_bom_is_read(tmp_path):
    (tmp_path / "u.txt").write_bytes("Zelensky’s call.".encode("utf-16"))
    assert read_articles(tmp_path)["text"].tolist() == ["Zelensky’s call."]


def test_undecodable_file_names_file_and_byte(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("Caf\xe9 au lait".encode("latin-1"))
    with pytest.raises(FramingError, match=r"latin1\.txt: cannot decode as UTF-8 at byte 3"):
        read_articles(p)


def test_binary_file_is_rejected(tmp_path):
    p = tmp_path / "blob.txt"
    p.write_bytes(b"abc\x00\x01\x02def")
    with pytest.raises(FramingError, match=r"blob\.txt: contains NUL characters"):
        read_articles(p)


def test_csv_and_jsonl_with_metadata(tmp_path):
    pd.DataFrame({"id": ["x1", "x2"], "text": ["A b.", "C d."], "source": ["s1", ""], "date": ["2024-01-01", ""]}).to_csv(
        tmp_path / "t.csv", index=False)
    (tmp_path / "t.jsonl").write_text('{"text": "E f.", "title": "T"}\n\n{"text": "G h."}\n', encoding="utf-8")
    df = read_articles([tmp_path / "t.csv", tmp_path / "t.jsonl"])
    assert df["article_id"].tolist() == ["x1", "x2", "t-1", "t-2"]
    assert df["source"].tolist()[:2] == ["s1", None]
    assert df["title"].tolist()[2] == "T"


def test_csv_without_text_column(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("words,title\nx,y\n", encoding="utf-8")
    with pytest.raises(FramingError, match=r"bad\.csv: no 'text' column; expected a 'text' column \(or one of body, "
                                           r"content, maintext, .*\), found columns: words, title"):
        read_articles(p)


def test_empty_and_malformed_csv(tmp_path):
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(FramingError, match=r"empty\.csv: the file is empty"):
        read_articles(tmp_path / "empty.csv")
    (tmp_path / "mal.csv").write_text('text,title\n"unterminated,x\n', encoding="utf-8")
    with pytest.raises(FramingError, match=r"mal\.csv: malformed CSV"):
        read_articles(tmp_path / "mal.csv")


def test_bad_jsonl_line_is_named(tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_text('{"text": "ok"}\n{"text": oops}\n', encoding="utf-8")
    with pytest.raises(FramingError, match=r"b\.jsonl, line 2: invalid JSON"):
        read_articles(p)


def test_dataframe_input():
    df = read_articles(pd.DataFrame({"text": ["One.", "Two."]}))
    assert df["article_id"].tolist() == ["article-1", "article-2"]
    with pytest.raises(FramingError, match="no 'text' column"):
        read_articles(pd.DataFrame({"words": ["x"]}))


def test_glob_and_missing_paths(tmp_path, seeds_dir):
    df = read_articles(str(seeds_dir / "russia-*.txt"))
    assert df["article_id"].tolist() == ["russia-nato-oreshnik-warning.txt"]
    with pytest.raises(FramingError, match="the pattern matches no file"):
        read_articles(str(tmp_path / "*.nothing"))
    with pytest.raises(FramingError, match="no such file or directory"):
        read_articles(tmp_path / "missing.txt")


def test_directory_with_nothing_readable(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"\x00")
    with pytest.raises(FramingError, match="no readable articles in this directory"):
        read_articles(tmp_path)


def test_empty_files_are_skipped_with_a_count(tmp_path):
    (tmp_path / "a.txt").write_text("Real text.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("   \n\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("", encoding="utf-8")
    with pytest.warns(ReadWarning, match=r"2 empty or whitespace-only \(b.txt, c.txt\)"):  # named, to be found
        df = read_articles(tmp_path)
    assert df["article_id"].tolist() == ["a.txt"]
    for i in range(5):
        (tmp_path / f"z{i}.txt").write_text("", encoding="utf-8")
    with pytest.warns(ReadWarning, match=r"7 empty or whitespace-only \(b.txt, c.txt, z0.txt and 4 more\)"):
        read_articles(tmp_path)
    for i in range(5):
        (tmp_path / f"z{i}.txt").unlink()
    only_empty = tmp_path / "only"
    only_empty.mkdir()
    (only_empty / "e.txt").write_text(" ", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(FramingError, match="no readable articles"):
            read_articles(only_empty)


def test_duplicate_ids_are_made_unique(tmp_path):
    (tmp_path / "d1").mkdir()
    (tmp_path / "d2").mkdir()
    (tmp_path / "d1" / "same.txt").write_text("Text one.", encoding="utf-8")
    (tmp_path / "d2" / "same.txt").write_text("Text two.", encoding="utf-8")
    (tmp_path / "d3").mkdir()
    (tmp_path / "d3" / "same.txt").write_text("Text one.", encoding="utf-8")
    with pytest.warns(ReadWarning) as rec:
        df = read_articles(tmp_path)
    assert df["article_id"].tolist() == ["same.txt", "same.txt#2"]
    msg = str(rec[0].message)
    assert "1 exact duplicate;" in msg and "1 duplicate article_id renamed" in msg
    for d, text in (("d4", "Text three."), ("d5", "Text one.")):
        (tmp_path / d).mkdir()
        (tmp_path / d / "same.txt").write_text(text, encoding="utf-8")
    with pytest.warns(ReadWarning) as rec:
        read_articles(tmp_path)
    msg = str(rec[0].message)
    assert "2 exact duplicates;" in msg and "2 duplicate article_ids renamed" in msg


def test_html_text_is_extracted(tmp_path):
    p = tmp_path / "page.html"
    p.write_text("<html><head><title>Big news</title><script>var x=1;</script></head>"
                 "<body><p>Russia said <b>this</b>.</p><p>NATO replied.</p></body></html>", encoding="utf-8")
    df = read_articles(p)
    assert df.loc[0, "text"] == "Big news\n\nRussia said this.\n\nNATO replied."
    assert df.loc[0, "title"] == "Big news"


def test_read_table_keeps_columns(tmp_path):
    p = tmp_path / "in.csv"
    p.write_text("id,text,extra\n1,Hello there.,a\n", encoding="utf-8")
    df = read_table(p)
    assert list(df.columns) == ["id", "text", "extra"]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_decode_arbitrary_bytes_gives_text_or_framing_error(data):
    try:
        text = decode_bytes(data, "x")
    except FramingError as exc:
        assert str(exc).startswith("x: ")
    else:
        assert "\r" not in text and "\x00" not in text


def test_extra_columns_are_kept_and_usable_for_shares(tmp_path, fake_embedder):
    """A CSV/JSONL column of the user's own (a URL, the outlet's leaning) follows the standard columns,
    as read, and run.shares(by=...) can group by it; 'id' becomes article_id and is not repeated."""
    from framing.report import run_pipeline

    pd.DataFrame({"id": ["x1", "x2"], "text": ["Russia attacked Kyiv.", "NATO provoked Russia."],
                  "url": ["https://a.example/1", "https://b.example/2"], "leaning": ["west", "east"]}).to_csv(
        tmp_path / "t.csv", index=False)
    (tmp_path / "t.jsonl").write_text('{"text": "Moscow warned Europe.", "leaning": "west", "n_words": 3}\n',
                                      encoding="utf-8")
    df = read_articles([tmp_path / "t.csv", tmp_path / "t.jsonl"])
    assert list(df.columns) == ARTICLE_COLUMNS + ["url", "leaning", "n_words"]
    assert df["leaning"].tolist() == ["west", "east", "west"] and df["url"].iloc[0] == "https://a.example/1"
    assert pd.isna(df["url"].iloc[2]) and df["n_words"].iloc[2] == 3
    run = run_pipeline(tmp_path / "t.csv", embedder=fake_embedder, method="prototype")
    shares = run.shares(by="leaning")
    assert set(shares["leaning"]) == {"west", "east"} and shares.groupby("leaning")["n"].first().sum() == len(run.sentences)


def test_grouping_by_an_article_column_on_the_sentence_table_says_how(fake_embedder):
    from framing.frames import frame_lean
    from framing.report import run_pipeline

    arts = pd.DataFrame({"text": ["Russia attacked Kyiv.", "NATO provoked Russia."], "source": ["A", "B"]})
    run = run_pipeline(arts, embedder=fake_embedder, method="prototype")
    with pytest.raises(FramingError, match=r"no column 'source' to group by; .*merge it in first.*run\.shares"):
        frame_lean(run.sentences, by="source")


def test_sources_are_stripped_so_one_outlet_is_one_outlet():
    df = read_articles(pd.DataFrame({"text": ["A b.", "C d.", "E f."], "source": ["Herald ", " Herald", "  "]}))
    assert df["source"].tolist() == ["Herald", "Herald", None]


def test_a_text_file_can_carry_its_outlet_and_date_in_front_matter(tmp_path):
    """'---' / key: value / '---' at the top of a .txt gives title, source, date (and other keys as
    columns); the text is what follows. A file that merely starts with a rule is left whole."""
    (tmp_path / "a.txt").write_text("---\nsource: Atlantic Herald\ndate: 2026-06-05\nurl: 'https://x.example/a'\n---\n\n"
                                    "Drones hit Kharkiv\n\nRussia launched drones at Kharkiv.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("---\nThis is not metadata.\n---\n\nBody.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Plain title\n\nPlain body.\n", encoding="utf-8")
    df = read_articles(tmp_path).set_index("article_id")
    a = df.loc["a.txt"]
    assert (a["source"], a["date"], a["url"]) == ("Atlantic Herald", "2026-06-05", "https://x.example/a")
    assert a["title"] == "Drones hit Kharkiv" and a["text"] == "Drones hit Kharkiv\n\nRussia launched drones at Kharkiv.\n"
    b = df.loc["b.txt"]
    assert b["text"].startswith("---\nThis is not metadata.") and b["source"] is None
    assert df.loc["c.txt", "source"] is None and pd.isna(df.loc["c.txt", "url"])


def test_front_matter_cannot_replace_the_text_or_the_id(tmp_path):
    (tmp_path / "a.txt").write_text("---\ntext: hello\n---\n\nBody.\n", encoding="utf-8")
    with pytest.raises(FramingError, match=r"a\.txt: front-matter key 'text' is reserved"):
        read_articles(tmp_path / "a.txt")


def test_an_article_table_given_to_run_pipeline_has_its_sources_stripped_too(fake_embedder):
    from framing.corpus import ARTICLE_COLUMNS
    from framing.report import run_pipeline

    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "title": None, "date": None,
                         "text": ["Russia attacked Kyiv.", "NATO provoked Russia.", "Kyiv was hit."],
                         "source": ["Herald ", "Herald", "  "]})[ARTICLE_COLUMNS]
    run = run_pipeline(arts, embedder=fake_embedder, method="prototype")
    assert run.articles["source"].tolist() == ["Herald", "Herald", None]
    assert arts["source"].tolist() == ["Herald ", "Herald", "  "]  # the caller's table is left alone


def test_two_files_with_the_same_text_are_kept_and_named_in_the_warning(tmp_path):
    (tmp_path / "wire-herald.txt").write_text("Russia attacked Kyiv at dawn.", encoding="utf-8")
    (tmp_path / "wire-observer.txt").write_text("Russia attacked Kyiv at dawn.", encoding="utf-8")
    (tmp_path / "other.txt").write_text("NATO met in Brussels.", encoding="utf-8")
    with pytest.warns(ReadWarning, match=r"2 articles share their exact text with another, kept: syndicated copies "
                                         r"count for each outlet that ran them \(e\.g\. 'wire-herald\.txt' and "
                                         r"'wire-observer\.txt'\); framing events names copies"):
        df = read_articles(tmp_path)
    assert sorted(df["article_id"]) == ["other.txt", "wire-herald.txt", "wire-observer.txt"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no copies: no warning
        read_articles(tmp_path / "other.txt")


def test_a_table_without_text_names_its_columns_on_one_line_even_odd_ones():
    """A column named by a line break (a CSV whose header is one) is quoted in the error, which stays one line."""
    with pytest.raises(FramingError) as e:
        read_articles(pd.DataFrame({"\n": ["x"], "words": ["y"]}))
    assert "\n" not in str(e.value) and "'\\n', words" in str(e.value)


def test_texts_given_where_paths_are_expected_get_one_clear_line():
    """audit21: run_pipeline(df.text.tolist()) raised OSError "File name too long", and a plain string
    "…: no such file or directory"."""
    from framing.corpus import read_articles

    long = "The Taliban took Kabul on Sunday. The president spoke. " * 10
    for source in ([long], "The Taliban took Kabul.", pd.Series(["Troops left. Crowds gathered."]),
                   ["first line\nsecond line"], "The 24/7 news cycle is over.", "Kyiv fell."):
        with pytest.raises(FramingError, match=r"this looks like an article's text, not a path; expected paths, "
                                               r"or a DataFrame with a 'text' column") as e:
            read_articles(source)
        assert "\n" not in str(e.value) and len(str(e.value)) < 220


def test_a_long_real_path_and_a_missing_path_with_spaces_are_still_paths(tmp_path):
    """review21b: the text rule counted the whole path against the 255-character limit of one file name."""
    from framing.corpus import read_articles

    deep = tmp_path.joinpath(*(["folder" * 15] * 3))
    deep.mkdir(parents=True)
    f = deep / "article.txt"
    f.write_text("Russia attacked Kyiv. NATO met.", encoding="utf-8")
    assert len(str(f)) > 255
    assert read_articles(str(f))["text"].tolist() == ["Russia attacked Kyiv. NATO met."]
    with pytest.raises(FramingError, match="no such file or directory"):
        read_articles(str(tmp_path / "missing folder" / "My draft."))


def test_an_empty_jsonl_file_says_it_is_empty(tmp_path):
    """audit21c: "no 'text' column; expected a 'text' column, found columns: none"."""
    from framing.corpus import read_articles

    f = tmp_path / "empty.jsonl"
    f.write_text("", encoding="utf-8")
    with pytest.raises(FramingError, match=r"empty.jsonl: the file is empty; expected one article per line"):
        read_articles(str(f))


def test_rows_without_an_id_get_one_and_whole_number_ids_keep_no_decimal(tmp_path):
    """review22: a JSONL row without an id got the id NaN (then a traceback in the report); ids 1, -, 3 read as
    '1.0', NaN, '3.0'."""
    p = tmp_path / "x.jsonl"
    p.write_text('{"id": 1, "text": "Russia attacked Kyiv."}\n{"text": "NATO sent air defence."}\n'
                 '{"id": 3, "text": "Moscow blamed the West."}\n{"id": " ", "text": "Kyiv was hit again."}\n',
                 encoding="utf-8")
    assert read_articles(p)["article_id"].tolist() == ["1", "x-2", "3", "x-4"]
    df = pd.DataFrame({"article_id": [1, None, 3], "text": ["a b.", "c d.", "e f."]})
    assert read_articles(df)["article_id"].tolist() == ["1", "article-2", "3"]
    from framing.corpus import prepare_articles

    full = pd.DataFrame({"article_id": [7.0, float("nan")], "title": None, "source": [" Herald ", None],
                         "date": None, "text": ["a b.", "c d."]})
    prepared = prepare_articles(full)
    assert prepared["article_id"].tolist() == ["7", "article-2"]  # named as read_articles names them (review22b)
    # a made-up id is never one another row has; a full table's repeated id is refused, as every pipeline refuses it
    assert read_articles(pd.DataFrame({"article_id": ["article-2", None], "text": ["a b.", "c d."]}))[
        "article_id"].tolist() == ["article-2", "article-2#2"]
    with pytest.raises(FramingError, match="article_id '7' appears more than once"):
        prepare_articles(pd.concat([full, full]))
    assert prepared["source"].iloc[0] == "Herald" and pd.isna(prepared["source"].iloc[1])


def test_an_article_table_and_a_partial_one_are_prepared_alike():
    """review23-api: run_pipeline kept a full article table as it was (blank article, index 10..12) but read a
    partial one (blank dropped, index reset), and the reader turned datetimes into "2022-02-01 00:00:00" and a
    categorical column into strings."""
    from framing.corpus import ReadWarning, prepare_articles

    part = pd.DataFrame({"article_id": ["a", "b", "c"], "text": ["Russia attacked Kyiv.", "  ", "NATO warned."],
                         "date": pd.to_datetime(["2022-02-01", "2022-02-02", None]),
                         "side": pd.Categorical(["left", "right", "left"])}, index=[10, 11, 12])
    full = part.assign(title=None, source="Herald")
    for table in (part, full):
        with pytest.warns(ReadWarning, match=r"1 empty or whitespace-only \(b\)"):
            got = prepare_articles(table)
        assert got["article_id"].tolist() == ["a", "c"] and got.index.tolist() == [0, 1]
        assert pd.api.types.is_datetime64_any_dtype(got["date"]) and got["date"].iloc[0] == pd.Timestamp("2022-02-01")
        assert isinstance(got["side"].dtype, pd.CategoricalDtype)
    with pytest.raises(FramingError, match=r"articles table, row 2: 'text' must be a string, found int"):
        prepare_articles(full.assign(text=["a b.", 5, "c d."]))
    # a missing text of pandas' string dtype (pd.NA) or a float32 NaN is a blank article, not a wrong type (review23b)
    for table in (part, full):
        for gap in (pd.array(["a b.", None, "c d."], dtype="string"), ["a b.", np.float32("nan"), "c d."]):
            with pytest.warns(ReadWarning, match=r"1 empty or whitespace-only \(b\)"):
                assert prepare_articles(table.assign(text=gap))["article_id"].tolist() == ["a", "c"]


def test_one_story_syndicated_by_two_outlets_is_two_articles(tmp_path):
    """review22: herald/story.txt and courier/story.txt, same body, were read as one article ("1 exact duplicate"),
    so the outlet comparison lost one; the same file twice is still one."""
    body = "Drones hit Kharkiv overnight.\n\nThe mayor said three people were hurt.\n"
    for outlet in ("Herald", "Courier"):
        (tmp_path / outlet.lower()).mkdir()
        (tmp_path / outlet.lower() / "story.txt").write_text(f"---\nsource: {outlet}\n---\n\n{body}", encoding="utf-8")
    with pytest.warns(ReadWarning, match="share their exact text with another, kept") as caught:
        df = read_articles(tmp_path)
    assert sorted(df["source"]) == ["Courier", "Herald"] and df["article_id"].tolist() == ["story.txt", "story.txt#2"]
    assert not any("exact duplicate" in str(w.message) for w in caught)
    with pytest.warns(ReadWarning, match="1 exact duplicate"):
        once = read_articles([tmp_path / "herald" / "story.txt", tmp_path / "herald" / "story.txt"])
    assert len(once) == 1


def test_a_page_read_twice_from_one_outlet_is_dropped_and_a_title_without_text_is_named_as_such(tmp_path):
    """audit24-report: one page read under two URLs counted twice in its outlet's pooled shares, and rows with a
    title and no text (paywalled pages) were called "empty or whitespace-only"."""
    rows = [{"id": "ax-1", "title": "Jobs", "text": "Hiring slowed in May.", "source": "axios.com"},
            {"id": "ax-1?utm=x", "title": "Jobs", "text": "Hiring slowed in May.", "source": "axios.com"},
            {"id": "ap-1", "title": "Jobs", "text": "Hiring slowed in May.", "source": "apnews.com"},
            {"id": "wsj-1", "title": "Jobs report", "text": None, "source": "wsj.com"}]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.warns(ReadWarning) as caught:
        df = read_articles(tmp_path / "a.jsonl")
    assert df["article_id"].tolist() == ["ax-1", "ax-1?utm=x", "ap-1"]  # read: every row with text has its article
    said = " ".join(str(w.message) for w in caught)
    assert "1 article with a title and no text (a paywalled page?), left out: nothing to score (wsj-1)" in said
    assert ("1 article with the same text as another of the same outlet under another id (a page read twice?: "
            "ax-1?utm=x); the report and run_pipeline leave them out") in said
    assert "share their exact text" in said  # ap-1 and ax-1: a syndicated copy, another outlet's
    from framing.corpus import prepare_articles

    assert "(e.g. 'ax-1' and 'ap-1')" in said
    with pytest.warns(ReadWarning) as caught:
        ready = prepare_articles(tmp_path / "a.jsonl")
    assert ready["article_id"].tolist() == ["ax-1", "ap-1"]  # the pipelines count the page once
    assert not any("left out: 1 article read twice" in str(w.message) for w in caught)  # said once (review24b)
    with pytest.warns(ReadWarning, match=r"left out: 1 article read twice \(the same text as an earlier one of the "
                                         r"same outlet: ax-1\?utm=x\)"):
        assert prepare_articles(df)["article_id"].tolist() == ["ax-1", "ap-1"]  # a table read before: said here
    # review24b: a page read twice and no other outlet's copy crashed the copies note (IndexError)
    (tmp_path / "b.csv").write_text("article_id,text,source\nax-1,Hiring slowed in May.,axios.com\n"
                                    "ax-1?utm=x,Hiring slowed in May.,axios.com\nb,Other news today.,cnn.com\n",
                                    encoding="utf-8")
    with pytest.warns(ReadWarning) as caught:
        assert len(read_articles(tmp_path / "b.csv")) == 3
    said = " ".join(str(w.message) for w in caught)
    assert "a page read twice?: ax-1?utm=x" in said and "share their exact text" not in said


def test_a_report_folder_inside_the_corpus_is_not_read_as_articles(tmp_path):
    """review22: `framing report .` run twice read its own reports/latest/articles.csv as articles."""
    import json

    (tmp_path / "a.txt").write_text("Drones hit Kharkiv overnight.", encoding="utf-8")
    out = tmp_path / "reports" / "latest"
    out.mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({"framing_version": "0", "inputs": []}), encoding="utf-8")
    pd.DataFrame({"article_id": ["a.txt"], "text": ["Drones hit Kharkiv overnight."]}).to_csv(out / "articles.csv",
                                                                                             index=False)
    with pytest.warns(ReadWarning, match="2 files in a framing output folder"):
        assert read_articles(tmp_path)["article_id"].tolist() == ["a.txt"]
    # a manifest.json of another tool is data like any other file
    (out / "manifest.json").write_text(json.dumps({"name": "my corpus"}), encoding="utf-8")
    with pytest.raises(FramingError, match=r"manifest.json: no 'text' column"):
        read_articles(tmp_path)


def test_an_events_csv_written_into_the_corpus_is_not_read_as_articles(tmp_path):
    """audit24-events: `framing events corpus/ --out corpus/events.csv` worked once; the next run stopped with
    "events.csv: no 'text' column". Named explicitly, the file is still read (and refused)."""
    (tmp_path / "a.txt").write_text("Drones hit Kharkiv overnight.", encoding="utf-8")
    (tmp_path / "events.csv").write_text("article_id,event_id,event_size,cohesion,similarity,copy_of,title\n"
                                         "a.txt,0,1,,,,\n", encoding="utf-8")
    with pytest.warns(ReadWarning, match="1 table written by framing events"):
        assert read_articles(tmp_path)["article_id"].tolist() == ["a.txt"]
    with pytest.raises(FramingError, match=r"events\.csv: no 'text' column"):
        read_articles(tmp_path / "events.csv")


def test_html_pages_keep_their_body_and_say_the_headline_once(tmp_path):
    """review22: share icons' <svg><title> were glued to the page title ("Drones hit KharkivFacebookTwitter"); a
    page without </head> lost its whole body; a title of headline + outlet repeated the <h1>."""
    from framing.corpus import _html_to_text

    icons = ("<html><head><title>Drones hit Kharkiv</title></head><body><p>Three people were hurt.</p>"
             "<a><svg><title>Facebook</title></svg></a><a><svg><title>Twitter</title></svg></a></body></html>")
    assert _html_to_text(icons) == "Drones hit Kharkiv\n\nThree people were hurt."
    no_head_end = '<head><title>T</title><meta charset="utf-8"><body><p>The body is kept.</p>'
    assert _html_to_text(no_head_end) == "T\n\nThe body is kept."
    twice = ("<html><head><title>Drones hit Kharkiv | Atlantic Herald</title></head>"
             "<body><h1>Drones hit Kharkiv</h1><p>Body.</p></body></html>")
    assert _html_to_text(twice) == "Drones hit Kharkiv\n\nBody."
    # review22b: a first block that merely starts the title (a section label) does not replace the headline
    section = ("<html><head><title>European Union agrees new sanctions</title></head>"
               "<body><p>Europe</p><p>Body.</p></body></html>")
    assert _html_to_text(section) == "European Union agrees new sanctions\n\nEurope\n\nBody."
    for title in ("Opinion | Why the ECB should wait - The New York Times",  # review22c: a label, then a headline
                  "Europe: leaders agree new sanctions on Russia", "Ukraine - live updates as drones hit Kharkiv"):
        label = title.split()[0].rstrip(":")
        page = f"<html><head><title>{title}</title></head><body><p>{label}</p><p>Body.</p></body></html>"
        assert _html_to_text(page) == f"{title}\n\n{label}\n\nBody.", title
    (tmp_path / "a.html").write_text(no_head_end, encoding="utf-8")
    assert read_articles(tmp_path)["text"].iloc[0].endswith("The body is kept.")


def test_front_matter_lists_are_read_and_a_block_that_cannot_be_read_is_said(tmp_path):
    """review22: a .md file with 'tags:' and '  - war' lines lost its title and source, and its metadata was
    scored as sentences, without a word."""
    (tmp_path / "a.md").write_text('---\ntitle: "Drones hit Kharkiv"\nsource: Herald\ntags:\n  - war\n  - ukraine\n'
                                   "---\n\nRussia launched drones at Kharkiv.\n", encoding="utf-8")
    a = read_articles(tmp_path / "a.md").iloc[0]
    assert (a["title"], a["source"], a["tags"]) == ("Drones hit Kharkiv", "Herald", "war; ukraine")
    assert a["text"] == "Russia launched drones at Kharkiv.\n"
    (tmp_path / "b.md").write_text("---\ntitle: T\nauthor:\n  name: Ann\n---\n\nBody.\n", encoding="utf-8")
    with pytest.warns(ReadWarning, match=r"b\.md: the block between the '---' lines at the top is not read as front"):
        b = read_articles(tmp_path / "b.md").iloc[0]
    assert b["text"].startswith("---\ntitle: T")
    # audit24-readme: two nested lines outnumbered the top-level keys, and the block was read as text in silence
    (tmp_path / "d.txt").write_text("---\ntitle: T\nauthor:\n  name: Ann\n  email: ann@example.org\n---\n\nBody.\n",
                                    encoding="utf-8")
    with pytest.warns(ReadWarning, match=r"d\.txt: the block between the '---' lines at the top is not read"):
        read_articles(tmp_path / "d.txt")
    # review22b: a note between rules, one line of which has a colon, is text and not a front-matter mistake
    (tmp_path / "c.txt").write_text("---\nUPDATE: this story has been updated.\nThe mayor spoke again.\nShe said so.\n"
                                    "---\n\nBody.\n", encoding="utf-8")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_articles(tmp_path / "c.txt").iloc[0]["text"].startswith("---\nUPDATE")


def test_a_pretty_printed_json_object_is_one_article(tmp_path):
    """review22: a single object over several lines got "expected one JSON object per line"."""
    import json

    p = tmp_path / "a.json"
    p.write_text(json.dumps({"id": "k1", "title": "Drones hit Kharkiv", "text": "Russia launched drones."}, indent=2),
                 encoding="utf-8")
    df = read_articles(p)
    assert df[["article_id", "title", "text"]].values.tolist() == [["k1", "Drones hit Kharkiv", "Russia launched drones."]]
    lines = tmp_path / "b.json"  # JSON lines in a .json file still read line by line
    lines.write_text('{"text": "One."}\n{"text": "Two."}\n', encoding="utf-8")
    assert read_articles(lines)["text"].tolist() == ["One.", "Two."]


def test_column_names_other_tools_write_are_read_as_the_article_tables_with_a_note(tmp_path):
    """A news-please or spreadsheet export ("maintext", "Headline", "date_publish", "Outlet") was refused for
    want of a 'text' column; its columns are now read as the toolkit's, and the note names each one."""
    (tmp_path / "a.jsonl").write_text(
        '{"ID": "n1", "Headline": "Drones hit Kharkiv", "maintext": "Drones hit Kharkiv overnight. Three were hurt.",'
        ' "date_publish": "2026-06-05 10:00:00", "Outlet": "Herald ", "domain": "URW"}\n', encoding="utf-8")
    with pytest.warns(ReadWarning) as rec:
        df = read_articles(tmp_path / "a.jsonl")
    assert df.loc[0, ["article_id", "title", "source", "date"]].tolist() == [
        "n1", "Drones hit Kharkiv", "Herald", "2026-06-05 10:00:00"]
    assert df.loc[0, "text"].startswith("Drones hit Kharkiv overnight.")
    assert list(df.columns) == ARTICLE_COLUMNS + ["domain"]  # not a synonym of anything: kept as it is
    said = " ".join(str(w.message) for w in rec)
    assert "in a.jsonl: " in said
    for note in ("'maintext' read as 'text'", "'Headline' read as 'title'", "'date_publish' read as 'date'",
                 "'Outlet' read as 'source'", "'ID' read as 'article_id'"):
        assert note in said


def test_a_column_named_as_the_toolkits_wins_and_two_candidates_for_the_text_are_refused(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing read under another name: no note
        df = read_articles(pd.DataFrame({"text": ["The text. Two."], "body": ["Not this."]}))
    assert df.loc[0, "text"] == "The text. Two." and df.loc[0, "body"] == "Not this."
    (tmp_path / "two.csv").write_text("content,body\nx,y\n", encoding="utf-8")
    with pytest.raises(FramingError, match=r"two\.csv: no 'text' column, and several that could be it "
                                           r"\('content', 'body'\); rename the one"):
        read_articles(tmp_path / "two.csv")
    # two candidates for the date: neither is used, and the note says so
    with pytest.warns(ReadWarning, match=r"no 'date': several columns could be it \('published', 'pub_date'\)"):
        df = read_articles(pd.DataFrame({"text": ["x y."], "published": ["2026-01-01"], "pub_date": ["2026-01-02"]}))
    assert df.loc[0, "date"] is None and df.loc[0, "published"] == "2026-01-01"


def test_group_events_reads_a_table_of_ones_own_columns(fake_embedder):
    """group_events(df) with "id", "headline" and "body" said 'missing column article_id'; it now reads the table
    as read_articles would."""
    from framing.events import group_events

    df = pd.DataFrame({"id": ["a", "b"], "headline": ["Drones hit Kharkiv", "Talks stall in Geneva"],
                       "body": ["Drones hit Kharkiv overnight.", "Talks in Geneva stalled on Monday."]})
    with pytest.warns(ReadWarning, match="'body' read as 'text'"):
        out = group_events(df, embedder=fake_embedder)
    assert sorted(out["article_id"]) == ["a", "b"]


def test_articles_that_do_not_read_as_english_are_said(tmp_path):
    """audit24-events: Portuguese and Russian articles were grouped (into events of unrelated stories) and scored
    by English tools without a word."""
    pt = ("O governo anunciou hoje um novo pacote de medidas para apoiar as famílias afetadas pela subida dos "
          "preços da energia. Segundo o ministro, as medidas entram em vigor no próximo mês e vão custar cerca de "
          "dois mil milhões de euros ao Estado, o que a oposição considera insuficiente.")
    ru = ("Правительство в среду объявило о новом пакете мер поддержки семей, пострадавших от роста цен на "
          "энергию. По словам министра, меры вступят в силу в следующем месяце и обойдутся государству примерно в "
          "два миллиарда евро, что оппозиция считает недостаточным.")
    de = ("Die Bundesregierung hat am Mittwoch ein neues Hilfspaket für Familien beschlossen, die unter den hohen "
          "Energiepreisen leiden. Nach Angaben des Ministers sollen die Maßnahmen im nächsten Monat in Kraft treten.")
    (tmp_path / "pt.txt").write_text(pt, encoding="utf-8")
    (tmp_path / "ru.txt").write_text(ru, encoding="utf-8")
    (tmp_path / "de.txt").write_text(de, encoding="utf-8")
    with pytest.warns(ReadWarning, match=r"3 of 3 articles do not read as English \(e\.g\. 'de\.txt', 'pt\.txt'\)"):
        read_articles(tmp_path)


def test_english_articles_raise_no_language_note_even_lists_and_tables(seeds_dir):
    """review24: a share of English words alone flagged English results tables, market closes and bullet lists."""
    lists = pd.DataFrame({"text": [
        "Premier League results: Arsenal 2 Chelsea 1; Liverpool 3 Everton 0; Leeds 1 Wolves 1; Brighton 0 Spurs 2; "
        "Newcastle 4 Fulham 1; Villa 2 Burnley 2; Brentford 2 Luton 0. Scorers: Saka, Havertz; Salah 2, Nunez.",
        "Key points: - Russian forces shell Kharkiv overnight - Zelensky calls emergency meeting - NATO ministers "
        "gather Brussels - Grain deal talks resume Istanbul - Energy prices surge Europe - Refugees cross Poland "
        "border - Kremlin denies involvement - Satellite images show convoy"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(read_articles(seeds_dir)) == 2
        assert len(read_articles(lists)) == 2


def test_a_semicolon_csv_is_read_and_a_spreadsheet_is_named_as_one(tmp_path):
    """audit24-events: a spreadsheet saved as CSV in a European locale got "quote fields that contain ','", and an
    .xlsx "cannot decode as UTF-8 ... iconv"."""
    (tmp_path / "semi.csv").write_text("id;title;text\n1;Talks;Talks in Geneva stalled, both sides said.\n",
                                       encoding="utf-8")
    df = read_articles(tmp_path / "semi.csv")
    assert df.loc[0, ["article_id", "title", "text"]].tolist() == ["1", "Talks", "Talks in Geneva stalled, both sides said."]
    (tmp_path / "a.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)))
    with pytest.raises(FramingError, match=r"a\.xlsx: a spreadsheet; save it as CSV \(UTF-8\)"):
        read_articles(tmp_path / "a.xlsx")
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (tmp_path / "a.xlsx").rename(sheets / "a.xlsx")
    with pytest.raises(FramingError, match=r"no readable articles in this directory; .*\(found \.xlsx: a "
                                           r"spreadsheet; save it as CSV \(UTF-8\)\)"):
        read_articles(sheets)


def test_an_empty_text_column_gives_way_to_maintext_as_news_please_writes_it(tmp_path):
    """review24: news-please's dicts carry "maintext" and "text": null; the empty 'text' won, and the file was
    refused as empty (or, in framing events, grouped by headline alone)."""
    (tmp_path / "np.jsonl").write_text(
        '{"title": "Talks stall", "maintext": "Talks in Geneva stalled on Monday. Both sides blamed each other.", '
        '"text": null, "date_publish": "2021-10-19 10:00:00", "source_domain": "example.com"}\n', encoding="utf-8")
    with pytest.warns(ReadWarning, match="'text' is empty, 'maintext' read as 'text'"):
        df = read_articles(tmp_path / "np.jsonl")
    assert df.loc[0, "text"].startswith("Talks in Geneva") and df.loc[0, "source"] == "example.com"
    assert "maintext" not in df.columns
    from framing.corpus import text_column

    assert text_column(read_table(tmp_path / "np.jsonl")) == "maintext"
    assert text_column(["text", "maintext"]) == "text"  # names alone: the exact name wins


def test_a_jsonl_file_of_mixed_schemas_reads_each_lines_text_from_the_name_it_has(tmp_path):
    """The known gap of session 24: lines with "text" beside lines with "body" (two scrapers' output in one file)
    read the "body" lines as empty and dropped them. Each blank 'text' now takes the one other-named column that
    has a value there, with a note; the rows with a 'text' keep it."""
    (tmp_path / "mixed.jsonl").write_text(
        '{"id": "a", "text": "Talks in Geneva stalled on Monday. Both sides blamed each other."}\n'
        '{"id": "b", "body": "NATO ministers met in Brussels on Tuesday. They promised more air defence."}\n'
        '{"id": "c", "text": "", "body": "Kyiv asked for more aid on Wednesday. The request was not answered.",'
        ' "headline": "Kyiv asks for aid"}\n', encoding="utf-8")
    with pytest.warns(ReadWarning, match="'body' read as 'text' in the 2 rows where 'text' is blank"):
        df = read_articles(tmp_path / "mixed.jsonl")
    assert df["article_id"].tolist() == ["a", "b", "c"]
    assert df.set_index("article_id")["text"].str.split(".").str[0].to_dict() == {
        "a": "Talks in Geneva stalled on Monday", "b": "NATO ministers met in Brussels on Tuesday",
        "c": "Kyiv asked for more aid on Wednesday"}
    assert df.set_index("article_id").loc["c", "title"] == "Kyiv asks for aid"
    # two other-named columns with text in the blank rows: the reader cannot tell which, and leaves the row blank
    (tmp_path / "two.jsonl").write_text(
        '{"id": "a", "text": "Talks in Geneva stalled on Monday. Both sides blamed each other."}\n'
        '{"id": "b", "body": "NATO ministers met in Brussels.", "content": "A summary of the meeting."}\n',
        encoding="utf-8")
    with pytest.warns(ReadWarning) as caught:
        df = read_articles(tmp_path / "two.jsonl")
    said = " ".join(str(w.message) for w in caught)
    assert "'text' is blank in some rows where several columns could be it ('body', 'content')" in said, said
    assert df["article_id"].tolist() == ["a"]


def test_a_folders_readme_and_metadata_table_are_not_read_as_articles(tmp_path):
    """audit25-notebooks: a sources.csv (url, outlet) beside the articles stopped the whole read ("no 'text'
    column"), and a README.md was read as an article."""
    (tmp_path / "a.txt").write_text("Drones hit Kharkiv\n\nRussian drones hit Kharkiv overnight.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Talks stall\n\nTalks in Geneva stalled on Monday.", encoding="utf-8")
    (tmp_path / "README.md").write_text("# My corpus\n\nCollected in June.", encoding="utf-8")
    (tmp_path / "sources.csv").write_text("url,outlet\nhttps://example.com/a,Herald\n", encoding="utf-8")
    (tmp_path / "more.csv").write_text("id,text\nc,Kyiv asked for more aid on Wednesday.\n", encoding="utf-8")
    with pytest.warns(ReadWarning) as caught:
        df = read_articles(tmp_path)
    assert sorted(df["article_id"]) == ["a.txt", "b.txt", "c"]
    said = " ".join(str(w.message) for w in caught)
    assert "1 README or licence file" in said
    assert "table without a text column, read as metadata (sources.csv)" in said
    # named on its own, a table without text is still an error, not skipped
    with pytest.raises(FramingError, match="no 'text' column"):
        read_articles(tmp_path / "sources.csv")
