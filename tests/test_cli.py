"""The framing command end to end: report on the seeds, frames on a CSV, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from framing.cli import build_parser, main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory, seeds_dir, session_cache):
    out = tmp_path_factory.mktemp("report")
    assert main(["report", str(seeds_dir), "--out", str(out)]) == 0
    return out


def test_report_writes_every_file(report_dir):
    for name in ("report.html", "sentences.csv", "articles.csv", "manifest.json"):
        assert (report_dir / name).is_file() and (report_dir / name).stat().st_size > 0
    pngs = list((report_dir / "figures").glob("*.png"))
    assert pngs and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") >= len(pngs)  # self-contained


def test_report_tables_show_missing_values_as_a_dash_not_none(report_dir):
    # one seed has no title line: its title cell must read as missing, not as Python's "None"
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<td>None</td>" not in page and "<td>nan</td>" not in page
    assert "<td>—</td>" in page


def test_report_tables_round_numbers_for_reading(report_dir):
    import re

    page = (report_dir / "report.html").read_text(encoding="utf-8")
    cells = re.findall(r"<td>(-?\d+\.\d+)</td>", page)
    assert cells  # the share and lean tables have decimals
    # three significant digits at most: 0.745, not 0.744681 (the CSVs keep the full values)
    assert all(len(c.lstrip("-0.").replace(".", "")) <= 3 for c in cells), [c for c in cells if len(c) > 6][:5]


def test_sentences_csv_holds_both_articles(report_dir, seed_articles):
    df = pd.read_csv(report_dir / "sentences.csv")
    assert len(df) >= 40
    assert set(df["article_id"]) == set(seed_articles["article_id"])
    for col in ("sentence_id", "text", "start", "end", "paragraph", "is_quote", "western_threat",
                "russian_defensive", "frame"):
        assert col in df.columns
    assert set(df["frame"]) <= {"western_threat", "russian_defensive", "none"}
    texts = dict(zip(seed_articles["article_id"], seed_articles["text"]))
    assert all(texts[a][s:e] == t for a, s, e, t in zip(df["article_id"], df["start"], df["end"], df["text"]))


def test_articles_csv_has_shares_that_sum_to_one(report_dir):
    df = pd.read_csv(report_dir / "articles.csv")
    assert len(df) == 2
    total = df[["share_western_threat", "share_russian_defensive", "share_none"]].sum(axis=1)
    assert ((total - 1).abs() < 1e-3).all()
    assert (df["share_western_threat_low"] <= df["share_western_threat"]).all()
    assert (df["share_western_threat"] <= df["share_western_threat_high"]).all()


def test_manifest_records_model_versions_and_seeds(report_dir, seeds_dir):
    m = json.loads((report_dir / "manifest.json").read_text())
    assert m["embedder"]["model"].startswith("sentence-transformers/all-MiniLM-L6-v2@")
    assert m["codebook"]["id"] == "western-threat-vs-russian-defensive" and len(m["codebook"]["sha256"]) == 64
    assert m["codebook"]["file"] == "western-threat-vs-russian-defensive.toml" and len(m["codebook"]["file_sha256"]) == 64
    # the parameters that decide the tables: the scorer's and every later step's
    assert m["parameters"]["scoring"]["min_relevance"] == 0.33
    assert {"events", "alignment", "clusters", "map"} <= set(m["parameters"]["steps"])
    assert isinstance(m["parameters"]["steps"]["events"]["threshold"], float)
    assert m["parameters"]["random_state"] == 42
    assert m["versions"]["sentence-transformers"]
    assert len(m["inputs"]) == 2
    # what it takes to run it again: the inputs and command line as given, a hash of the articles, the time
    assert m["input"]["paths"] == [str(seeds_dir)]
    assert m["command"][:2] == ["framing", "report"] and m["command"][-2:] == ["--out", str(report_dir)]
    assert m["input"]["paths"] == m["command"][2:-2] and len(m["input"]["articles_sha256"]) == 64
    assert m["created_utc"].endswith("Z")


def test_report_of_undated_articles_says_dates_are_missing(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "No article has a date" in page  # the seeds are .txt files: no dates


def test_same_input_gives_same_tables(report_dir, seeds_dir, tmp_path):
    assert main(["report", str(seeds_dir), "--out", str(tmp_path)]) == 0
    for name in ("sentences.csv", "articles.csv", "report.html"):
        assert (tmp_path / name).read_bytes() == (report_dir / name).read_bytes()
    # the manifests differ only in the time and the --out of the command line
    m1, m2 = (json.loads((d / "manifest.json").read_text()) for d in (report_dir, tmp_path))
    assert m1["command"][:-1] == m2["command"][:-1]
    for m in (m1, m2):
        m.pop("created_utc"), m.pop("command")
    assert m1 == m2


def test_frames_command_keeps_input_columns(tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": [1, 2, 3], "text": ["Russia conducted missile strikes against Kyiv.",
                                            "Lavrov said Moscow has no desire to attack Europe.",
                                            "The weather in Lisbon was sunny."], "note": ["a", "b", "c"]}
                 ).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert main(["frames", str(src), "--out", str(out)]) == 0
    df = pd.read_csv(out, keep_default_na=False)
    assert list(df.columns) == ["id", "text", "note", "western_threat", "russian_defensive", "frame", "confidence",
                                "none_reason"]
    assert df["id"].tolist() == [1, 2, 3]
    assert df["frame"].iloc[2] == "none" and df["none_reason"].iloc[2] == "no actor"  # why it is none
    assert (df["none_reason"] == "").sum() == (df["frame"] != "none").sum()
    # --method prototype (audit23-codebook: the way out for frames that are not who-does-what-to-whom had no
    # option): cosines to the prototypes, so the sentence without an actor can be framed too
    proto = tmp_path / "proto.csv"
    assert main(["frames", str(src), "--out", str(proto), "--method", "prototype"]) == 0
    pf = pd.read_csv(proto, keep_default_na=False)
    from framing.frames import score_frames

    want = score_frames(pd.read_csv(src), method="prototype")
    assert pf["frame"].tolist() == want["frame"].tolist()
    assert not np.allclose(pf["western_threat"] + pf["russian_defensive"], 1)  # cosines, not probabilities


def test_report_method_prototype_is_recorded(tmp_path, seeds_dir, fake_everywhere):
    out = tmp_path / "rep"
    assert main(["report", str(seeds_dir), "--out", str(out), "--method", "prototype", "--no-events"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["parameters"]["method"] == "prototype"
    assert "scorer prototype" in (out / "report.html").read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as exc:  # argparse: one line naming the choices, exit code 2
        main(["report", str(seeds_dir), "--out", str(out), "--method", "cosine"])
    assert exc.value.code == 2


def test_frames_scores_a_body_column_and_writes_it_back_under_its_own_name(tmp_path):
    src = tmp_path / "in.csv"
    texts = ["Russia conducted missile strikes against Kyiv.", "The weather in Lisbon was sunny."]
    pd.DataFrame({"body": texts, "note": ["a", "b"]}).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert main(["frames", str(src), "--out", str(out)]) == 0
    df = pd.read_csv(out, keep_default_na=False)
    assert list(df.columns[:2]) == ["body", "note"] and "text" not in df.columns
    assert df["body"].tolist() == texts
    assert df["frame"].tolist()[1] == "none" and df["frame"].tolist()[0] != "none"


def test_frames_without_text_column_is_one_line_exit_2(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text("words\nx\n", encoding="utf-8")
    assert main(["frames", str(src), "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"framing: error: {src}: no 'text' column; expected a 'text' column")
    assert err[0].endswith("found columns: words")
    assert not (tmp_path / "o.csv").exists()


def test_missing_path_is_one_line_exit_2(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope"), "--out", str(tmp_path / "r")]) == 2
    assert capsys.readouterr().err.strip() == f"framing: error: {tmp_path / 'nope'}: no such file or directory"


@pytest.mark.parametrize("argv, says", [
    (["frames", "{src}", "--out", "{dir}"], "--out {dir}: expected a file to write, found a folder"),
    (["events", "{src}", "--out", "{dir}"], "--out {dir}: expected a file to write, found a folder"),
    (["report", "{src}", "--out", "{file}"], "--out {file}: expected a folder for the report, found a file"),
    (["report", "{src}", "--out", "{file}/sub"], "--out {file}/sub: cannot create it, {file} is a file, not a folder"),
    (["frames", "{src}", "--out", "{file}/o.csv"], "--out {file}/o.csv: cannot create it, {file} is a file, not a folder"),
    (["events", "{src}", "--out", "{dir}/new/"], "--out {dir}/new/: expected a file name, found a folder path (ends with /)"),
])
def test_an_output_path_that_cannot_be_written_is_one_line_exit_2(tmp_path, capsys, argv, says):
    src = tmp_path / "in.csv"
    src.write_text("text\nRussia warned NATO.\n", encoding="utf-8")
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("keep me", encoding="utf-8")
    names = {"src": str(src), "dir": str(tmp_path / "adir"), "file": str(tmp_path / "afile")}
    assert main([a.format(**names) for a in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["framing: error: " + says.format(**names)]
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "keep me"  # nothing already there is touched
    assert list((tmp_path / "adir").iterdir()) == []


def test_an_os_error_while_writing_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    import framing.cli as cli

    def full_disk(args):
        raise OSError(28, "No space left on device", str(tmp_path / "o.csv"))

    def parser():
        p = build_parser()
        sub = next(a for a in p._actions if a.__class__.__name__ == "_SubParsersAction")
        sub.choices["frames"].set_defaults(func=full_disk)
        return p

    monkeypatch.setattr(cli, "build_parser", parser)
    src = tmp_path / "in.csv"
    src.write_text("text\nx\n", encoding="utf-8")
    assert cli.main(["frames", str(src), "--out", str(tmp_path / "o.csv")]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"framing: error: {tmp_path / 'o.csv'}: No space left on device"]


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in sub.choices:
        with pytest.raises(SystemExit) as exc:
            main([name, "--help"])
        assert exc.value.code == 0


def _subparsers(parser):
    """Every (command words, parser) below ``parser``, leaves included."""
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            for name, child in action.choices.items():
                yield [name], child
                for words, grandchild in _subparsers(child):
                    yield [name, *words], grandchild


def test_every_option_has_a_help_string_and_the_event_threshold_shows_its_default(capsys):
    from framing.events import DEFAULT_THRESHOLD

    bare = [(" ".join(words), a.option_strings[0] if a.option_strings else a.dest)
            for words, p in _subparsers(build_parser()) for a in p._actions
            if a.help is None and a.__class__.__name__ != "_SubParsersAction"]
    assert bare == []
    for words, flag in ((["report"], "--event-threshold"), (["events"], "--threshold")):
        with pytest.raises(SystemExit):
            main([*words, "--help"])
        out = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
        assert f"{flag} D" in out and f"default: {DEFAULT_THRESHOLD}" in out
    with pytest.raises(SystemExit):
        main(["frames", "--help"])
    assert "off topic without names" in " ".join(capsys.readouterr().out.split())


def test_python_dash_m_and_light_import(tmp_path):
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    p = subprocess.run([sys.executable, "-m", "framing", "--help"], capture_output=True, text=True, env=env)
    assert p.returncode == 0 and "report" in p.stdout
    code = ("import sys, framing; heavy = [m for m in ('torch', 'sentence_transformers', 'umap', 'matplotlib', "
            "'onnxruntime', 'pandas', 'sklearn') if m in sys.modules]; print(heavy)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert p.stdout.strip() == "[]"
    # --help builds every sub-parser, --event-threshold's default included, without pandas or numpy
    code = ("import sys, framing.cli as c; h = c.build_parser().format_help(); "
            "print([m for m in ('pandas', 'numpy') if m in sys.modules])")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert p.stdout.strip() == "[]", p.stderr


def test_warm_report_is_served_from_the_block_memo_without_matplotlib_or_sklearn(report_dir, seeds_dir, tmp_path,
                                                                                  session_cache):
    """The second report of the same input reads its figures and tables from the cache, byte for byte."""
    code = ("import sys; from framing.cli import main; code = main(['report', sys.argv[1], '--out', sys.argv[2]]); "
            "print([m for m in ('matplotlib', 'sklearn', 'umap', 'torch') if m in sys.modules]); sys.exit(code)")
    env = dict(os.environ, FRAMING_CACHE=str(session_cache), HF_HUB_OFFLINE="1")
    p = subprocess.run([sys.executable, "-c", code, str(seeds_dir), str(tmp_path / "warm")], capture_output=True,
                       text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "[]"
    for name in ("report.html", "sentences.csv", "articles.csv"):
        assert (tmp_path / "warm" / name).read_bytes() == (report_dir / name).read_bytes(), name
    assert list((session_cache / "report-blocks").glob("*.npz"))


def test_a_damaged_block_memo_is_recomputed(report_dir, seeds_dir, tmp_path, session_cache):
    files = sorted((session_cache / "report-blocks").glob("clusters-*.npz"))
    assert files
    for f in files:
        f.write_bytes(b"not an npz")
    assert main(["report", str(seeds_dir), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "report.html").read_bytes() == (report_dir / "report.html").read_bytes()
    # the seeds' memo is replaced by a good file (other tests' memos in the shared cache stay as damaged: the
    # seeds report does not read them; checking them all made the test depend on test order)
    rewritten = [f for f in files if f.read_bytes() != b"not an npz"]
    assert rewritten and all(f.read_bytes()[:2] == b"PK" for f in rewritten)


def test_report_blocks_do_not_depend_on_the_hash_seed(seeds_dir, tmp_path, session_cache):
    """Tables and figures are computed afresh (no memo) under two string-hash seeds: same bytes."""
    code = ("import hashlib, json, sys; from framing import report as r; run = r.run_pipeline(sys.argv[1]); "
            "arts = r.article_table(run); out = {}\n"
            "for name, f in [('overview', lambda: r._overview_block(run, arts, run.shares())), "
            "('clusters', lambda: r._clusters_block(run)), ('events', lambda: r._events_block(run))]:\n"
            "    s, figs, p = f(); out[name] = [json.dumps(s, sort_keys=True, default=str), "
            "{k: hashlib.sha256(v).hexdigest() for k, v in figs.items()}]\n"
            "print(json.dumps(out, sort_keys=True))")
    outs = []
    for seed in ("1", "2"):
        env = dict(os.environ, FRAMING_CACHE=str(session_cache), HF_HUB_OFFLINE="1", PYTHONHASHSEED=seed)
        p = subprocess.run([sys.executable, "-c", code, str(seeds_dir)], capture_output=True, text=True, env=env)
        assert p.returncode == 0, p.stderr
        outs.append(json.loads(p.stdout.strip().splitlines()[-1]))
    assert set(outs[0]) == {"overview", "clusters", "events"}
    for name in outs[0]:
        assert outs[0][name][0] == outs[1][name][0], name
        assert outs[0][name][1] == outs[1][name][1], name


def test_a_report_with_a_one_frame_codebook_is_refused_before_any_work(tmp_path, capsys, seeds_dir):
    cb = tmp_path / "one.toml"
    cb.write_text('id = "one"\n[[frames]]\nid = "threat"\nexemplars = ["Russia threatens Europe."]\n',
                  encoding="utf-8")
    assert main(["report", str(seeds_dir), "--out", str(tmp_path / "r"), "--codebook", str(cb)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "framing: error: codebook 'one': has one frame ('threat'); the report compares frames and needs at least "
        "two (add the frame it is opposed to)"]
    assert not (tmp_path / "r").exists()


def test_holm_adjustment_by_hand():
    import numpy as np

    from framing.report import _holm

    # sorted 0.01, 0.03, 0.04, 0.5 times 4, 3, 2, 1 -> 0.04, 0.09, 0.08 -> 0.09 (monotone), 0.5
    got = _holm(np.array([0.01, 0.04, 0.03, np.nan, 0.5]))
    assert np.allclose(got, [0.04, 0.09, 0.09, np.nan, 0.5], equal_nan=True)
    assert _holm(np.array([0.6, 0.7])).tolist() == [1.0, 1.0]  # capped at 1


def test_codebook_check_prints_each_frame_flags_a_weak_one_and_writes_every_sentence(tmp_path, capsys,
                                                                                      fake_everywhere):
    import pandas as pd

    from framing.cli import main

    cb = tmp_path / "cb.toml"
    cb.write_text(
        'id = "small"\n[[frames]]\nid = "threat"\nexemplars = ["Russia attacked Kyiv.", "Moscow threatens NATO.", '
        '"Russia shells Kharkiv.", "The Kremlin escalates the war."]\n'
        '[[frames]]\nid = "defence"\nexemplars = ["NATO provoked Russia.", "Russia defends itself against NATO.", '
        '"Kyiv started the war."]\n'
        '[[actors]]\nid = "russia"\naliases = ["Russia", "Moscow", "the Kremlin"]\n'
        '[[actors]]\nid = "west"\naliases = ["NATO", "Kyiv"]\n', encoding="utf-8")
    out = tmp_path / "check.csv"
    assert main(["codebook", "check", str(cb), "--folds", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(out)
    assert len(table) == 7 and set(table["kind"]) == {"exemplar"}
    ex = table[table["ok"].notna()]
    n_ok = int(ex["ok"].astype(bool).sum())
    assert f"exemplars read as their own frame: {n_ok} of 7" in printed
    own = ex.groupby("frame")["ok"].mean()
    for frame, share in own.items():  # the table's row: frame, exemplars, read as own, as none, as another, ...
        row = next(line.split() for line in printed.splitlines() if line.strip().startswith(frame + " "))
        mine = ex[ex["frame"] == frame]
        assert [int(x) for x in row[1:5]] == [len(mine), int(mine["ok"].sum()), int((mine["predicted"] == "none").sum()),
                                              int((~mine["predicted"].isin([frame, "none"])).sum())], row
    weak = [f for f, v in own.items() if v < 2 / 3]
    assert ("thin or overlapping" in printed) == bool(weak)
    assert all(f in printed.split("thin or overlapping")[1] for f in weak)
    assert "not an estimate of accuracy on articles" in printed
    n_bad = int((~ex["ok"].astype(bool)).sum())
    assert (f"misread ({n_bad};" in printed) == bool(n_bad)
    from framing.stance import MIN_MASKED_RELEVANCE, MIN_RELEVANCE, suggest_gates

    gates = suggest_gates(table)
    lower = gates["min_relevance"] != MIN_RELEVANCE or gates["min_masked_relevance"] != MIN_MASKED_RELEVANCE
    assert ("turned away as off topic" in printed) == lower
    # with articles: their sentences' reasons, and the names in those that name no actor
    arts = tmp_path / "arts.csv"
    pd.DataFrame({"article_id": ["a", "b"], "text": ["Zelensky met Macron. Russia attacked Kyiv.",
                                                     "Zelensky spoke in Paris. NATO provoked Moscow."]}).to_csv(
        arts, index=False)
    assert main(["codebook", "check", str(cb), "--folds", "3", "--articles", str(arts)]) == 0
    printed = capsys.readouterr().out
    assert "your articles: 4 sentences of 2 articles" in printed and "no actor 50%" in printed
    assert "Zelensky (2)" in printed.split("names most often written")[1]
    # how each actor's framed sentences are read, printed whether or not one is flagged (audit22)
    from framing.report import run_pipeline
    from framing.stance import actor_frames

    per_actor = actor_frames(run_pipeline(str(arts), codebook=str(cb)).sentences, str(cb))
    line = next(x for x in printed.splitlines() if x.startswith("framed sentences naming each actor"))
    for r in per_actor.itertuples():
        assert f"{r.actor} {r.n_framed}, {r.top_frame} {r.top_share:.0%}" in line
    assert len(per_actor) and "nearly all get one frame" not in printed
    # an actor whose framed sentences nearly all get one frame is named (audit21), as actor_frames flags it
    many = tmp_path / "many.csv"
    pd.DataFrame({"article_id": [f"m{i}" for i in range(12)],
                  "text": [f"Russia shells Kharkiv. The Kremlin escalates the war. Filed as report {i}." for i in range(12)]}
                 ).to_csv(many, index=False)
    assert main(["codebook", "check", str(cb), "--folds", "3", "--articles", str(many)]) == 0
    printed = capsys.readouterr().out
    flagged = actor_frames(run_pipeline(str(many), codebook=str(cb)).sentences, str(cb)).query("flag")
    assert len(flagged) and "actors whose framed sentences nearly all get one frame" in printed
    for r in flagged.itertuples():
        assert f"{r.actor}: {r.top_frame} in {r.top_count} of {r.n_framed}" in printed
    # bad input: one line, exit code 2
    assert main(["codebook", "check", str(cb), "--folds", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--folds 1" in err
    one = tmp_path / "one.toml"
    one.write_text('[[frames]]\nid = "a"\nexemplars = ["x y.", "y z."]\n', encoding="utf-8")
    assert main(["codebook", "check", str(one)]) == 2
    assert "needs at least two" in capsys.readouterr().err
    assert main(["codebook", "check", str(tmp_path / "missing.toml")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    # a frame with a single exemplar is listed, not checked (audit23-codebook: a traceback from the table)
    single = tmp_path / "single.toml"
    single.write_text(cb.read_text(encoding="utf-8").replace(
        'exemplars = ["NATO provoked Russia.", "Russia defends itself against NATO.", "Kyiv started the war."]',
        'exemplars = ["NATO provoked Russia."]'), encoding="utf-8")
    assert main(["codebook", "check", str(single), "--folds", "3"]) == 0
    printed = capsys.readouterr().out
    assert next(line.split() for line in printed.splitlines() if line.strip().startswith("defence "))[:5] == \
        ["defence", "1", "-", "-", "-"]
    assert "not checked: 1 sentence(s) of frames with a single exemplar" in printed
