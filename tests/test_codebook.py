"""Codebook validation: a malformed codebook gets a one-line error naming the problem."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from framing.codebook import load_codebook
from framing.errors import FramingError


def _frame(**kw):
    f = {"id": "threat", "exemplars": ["Russia attacked Kyiv."]}
    f.update(kw)
    return f


def _cb(frames, actors=()):
    return {"id": "t", "frames": list(frames), "actors": list(actors)}


@pytest.mark.parametrize(
    "data, expected",
    [
        (_cb([_frame(exemplars=[])]), "frame 'threat' has no exemplars"),
        (_cb([_frame(id="Bad-Id")]), "has id 'Bad-Id'"),
        (_cb([_frame(contrast=["a.", "b."])]), "contrast has 2 sentences and exemplars 1"),
        (_cb([_frame(roles={"aggressor": ["mars"]})]), "names actor 'mars', which is not in [[actors]]"),
        (_cb([_frame(roles={"villain": ["russia"]})], [{"id": "russia", "aliases": ["Russia"]}]), "unknown role 'villain'"),
        (_cb([_frame(), _frame()]), "frame 'threat' appears more than once"),
        (_cb([]), "has no [[frames]]"),
    ],
)
def test_malformed_codebook_one_line_error(data, expected):
    with pytest.raises(FramingError) as exc:
        load_codebook(data)
    msg = str(exc.value)
    assert expected in msg
    assert "\n" not in msg


def test_bad_toml_names_the_file(tmp_path):
    p = tmp_path / "broken.toml"
    p.write_text('id = "x"\n[[frames]\nid = "a"\n', encoding="utf-8")
    with pytest.raises(FramingError) as exc:
        load_codebook(p)
    assert "broken.toml" in str(exc.value) and "invalid TOML" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_default_codebook_has_mirrored_frames():
    cb = load_codebook()
    assert cb.frame_ids == ["western_threat", "russian_defensive"]
    for f in cb.frames:
        assert len(f.contrast) == len(f.exemplars) > 0
    camps = {a.camp for a in cb.actors}
    assert {"russia", "west"} <= camps


@pytest.mark.parametrize("change, says", [
    (lambda d: d["frames"][0].update(id="start"), "reserved"),
    (lambda d: d["frames"][1].update(id="source"), "reserved"),
    (lambda d: d["actors"][1]["aliases"].append(d["actors"][0]["aliases"][0]), "belongs to actors"),
    # audit23-codebook: a lower-case alias matches any case, so these two would compete in silence
    (lambda d: d["actors"][1]["aliases"].append("alpha"), r"alias 'alpha' belongs to actors 'a' and 'b' \(written "
                                                          r"'Alpha' there\)"),
    # and a common word as an alias makes nearly every sentence name that actor
    (lambda d: d["actors"][0]["aliases"].append("it"), "actor 'a': aliases has 'it', a common word"),
    (lambda d: d["actors"][0]["aliases"].append("the"), "a common word that would match most sentences"),
    (lambda d: d["frames"][1]["exemplars"].append(d["frames"][0]["exemplars"][0]), "is in frames"),
    (lambda d: d["frames"][0].update(roles={"aggressor": ["a"], "victim": ["a"]}), "both aggressor and victim"),
])
def test_contradictory_codebooks_are_refused(change, says):
    d = {"frames": [{"id": "one", "exemplars": ["A attacked B."], "roles": {"victim": ["b"], "defender": ["b"]}},
                    {"id": "two", "exemplars": ["B attacked A."]}],
         "actors": [{"id": "a", "aliases": ["Alpha"]}, {"id": "b", "aliases": ["Beta"]}]}
    assert load_codebook(d).frame_ids == ["one", "two"]  # victim and defender together are fine
    change(d)
    with pytest.raises(FramingError, match=says):
        load_codebook(d)


_TOML = '''id = "mine"

[[frames]]
id = "threat"
label = "Threat"
exemplars = [
  "Alpha attacked Beta.",
  "Alpha threatened Beta.",
]
roles = { aggressor = ["alpha"], victim = ["beta"] }

[[frames]]
id = "defence"
exemplars = ["Beta provoked Alpha."]

[[actors]]
id = "alpha"
aliases = ["Alpha", "the Alphans"]

[[actors]]
id = "beta"
aliases = ["Beta"]
'''


@pytest.mark.parametrize("old, new, line, says", [
    ('label = "Threat"', 'label = "Threat"\ncolour = "red"', 6, "unknown key(s) colour"),
    ("roles = { aggressor", "roles = { attacker", 10, "unknown role 'attacker'"),
    ('aggressor = ["alpha"]', 'aggressor = ["gamma"]', 10, "names actor 'gamma'"),
    ('victim = ["beta"]', 'victim = ["alpha"]', 10, "'alpha' is both aggressor and victim"),
    ('id = "defence"', 'id = "threat"', 13, "frame 'threat' appears more than once"),
    ('id = "beta"', 'id = "Beta"', 21, "actors[1] has id 'Beta'"),
    ('aliases = ["Beta"]', 'aliases = ["Beta", "the Alphans"]', 22, "alias 'the Alphans' belongs to actors"),
    ('aliases = ["Beta"]', 'aliases = ["Beta", "we"]', 22, "actor 'beta': aliases has 'we', a common word"),
    ('["Beta provoked Alpha."]', '["Alpha attacked Beta."]', 14, "is in frames 'threat' and 'defence'"),
])
def test_a_codebook_file_error_names_its_line(tmp_path, old, new, line, says):
    """A mistake in a TOML codebook is reported with the line it is on (the line of the duplicate,
    for something that appears twice)."""
    p = tmp_path / "mine.toml"
    p.write_text(_TOML, encoding="utf-8")
    assert load_codebook(p).frame_ids == ["threat", "defence"]
    assert _TOML.count(old) == 1
    p.write_text(_TOML.replace(old, new), encoding="utf-8")
    with pytest.raises(FramingError) as exc:
        load_codebook(p)
    msg = str(exc.value)
    assert msg.startswith(f"codebook '{p}', line {line}: ") and says in msg, msg


def test_neutral_exemplars_are_read_from_a_neutral_table(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text(_TOML + '\n[neutral]\nexemplars = ["Alpha and  Beta will meet on Tuesday.", "Beta held talks."]\n',
                 encoding="utf-8")
    cb = load_codebook(p)
    assert cb.neutral == ("Alpha and Beta will meet on Tuesday.", "Beta held talks.")  # whitespace collapsed
    assert cb.frame_ids == ["threat", "defence"]
    plain = load_codebook(_cb([_frame()]))
    assert plain.neutral == ()
    assert load_codebook(dict(_cb([_frame()]), neutral={"exemplars": ["They met."]})) != plain


def test_the_default_codebook_has_neutral_exemplars_apart_from_its_frames():
    cb = load_codebook()
    assert len(cb.neutral) >= 20
    framed = {t for f in cb.frames for t in f.exemplars + f.contrast}
    assert not framed & set(cb.neutral)


@pytest.mark.parametrize("neutral, says", [
    (["They met."], "neutral must be a table"),
    ({"exemplars": ["They met."], "label": "x"}, "neutral has unknown key(s) label"),
    ({"exemplars": "They met."}, "neutral: exemplars must be a list"),
    ({"exemplars": ["Russia attacked Kyiv."]}, "is also an exemplar of frame 'threat'"),
])
def test_malformed_neutral_tables_are_refused(neutral, says):
    with pytest.raises(FramingError) as exc:
        load_codebook(dict(_cb([_frame()]), neutral=neutral))
    assert says in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize("extra, line, says", [
    ('[neutral]\nexemplars = ["They met."]\nlabel = "x"\n', 26, "neutral has unknown key(s) label"),
    ('[neutral]\nexemplars = [\n  "They met.",\n  "Alpha attacked Beta.",\n]\n', 27, "is also an exemplar"),
])
def test_a_neutral_table_error_names_its_line(tmp_path, extra, line, says):
    p = tmp_path / "mine.toml"
    p.write_text(_TOML + "\n" + extra, encoding="utf-8")
    with pytest.raises(FramingError) as exc:
        load_codebook(p)
    msg = str(exc.value)
    assert msg.startswith(f"codebook '{p}', line {line}: ") and says in msg, msg


def test_a_duplicate_alias_is_found_in_the_second_actor_not_in_a_neutral_sentence_naming_it(tmp_path):
    """audit19: the error pointed at a [neutral] sentence that names the actor (they are meant to), not at the
    second actor's aliases; the message names the path as given, as a TOML syntax error does."""
    extra = '\n[neutral]\nexemplars = ["Beta and the Alphans will meet on Tuesday."]\n'
    text = _TOML.replace('aliases = ["Beta"]', 'aliases = ["Beta", "the Alphans"]') + extra
    (tmp_path / "sub").mkdir()
    p = tmp_path / "sub" / "mine.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(FramingError) as exc:
        load_codebook(p)
    assert str(exc.value).startswith(f"codebook '{p}', line 22: alias 'the Alphans' belongs to actors 'alpha' and "
                                     "'beta'"), str(exc.value)
    p.write_text("id = [", encoding="utf-8")
    with pytest.raises(FramingError, match=r"^codebook '" + re.escape(str(p)) + "': invalid TOML"):
        load_codebook(p)


def test_a_duplicate_frame_is_found_by_its_whole_id(tmp_path):
    """'threat' appears twice; a later 'threat_x' must not be taken for it."""
    text = ('[[frames]]\nid = "threat"\nexemplars = ["Alpha attacked Beta."]\n\n'
            '[[frames]]\nid = "threat"\nexemplars = ["Alpha threatened Beta."]\n\n'
            '[[frames]]\nid = "threat_x"\nexemplars = ["Beta provoked Alpha."]\n')
    p = tmp_path / "dup.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(FramingError, match=r"^codebook '.*dup.toml', line 6: frame 'threat' appears more than once"):
        load_codebook(p)


def test_an_actor_without_aliases_is_found_by_its_label_and_without_a_label_gets_a_warning():
    """audit19: an actor with aliases = [] loaded silently; with a label it is found by the label, with only an
    id (which texts rarely write) the loader says so."""
    import warnings

    from framing.errors import FramingWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", FramingWarning)
        cb = load_codebook(_cb([_frame()], actors=[{"id": "cdc", "label": "CDC", "aliases": []}]))
    assert cb.actors[0].aliases == ("CDC",)
    with pytest.warns(FramingWarning, match="actor 'cdc' has no aliases and no label.*give it aliases"):
        cb = load_codebook(_cb([_frame()], actors=[{"id": "cdc"}]))
    assert cb.actors[0].aliases == ("cdc",)


def test_warnings_name_the_callers_line_whichever_function_of_framing_raised_them(tmp_path):
    """A fixed stacklevel named a line inside framing when the codebook was loaded through another function; a
    notebook showed framing's source instead of the user's cell."""
    import warnings

    from framing.frames import score_frames

    path = tmp_path / "c.toml"
    path.write_text('[[frames]]\nid = "a"\nexemplars = ["Russia attacks."]\n[[frames]]\nid = "b"\n'
                    'exemplars = ["NATO expands."]\n[[actors]]\nid = "cdc"\n', encoding="utf-8")
    sentences = pd.DataFrame({"article_id": ["x"], "sentence_id": [0], "text": ["Russia attacks."]})

    def hashed(texts):  # deterministic: not Python's hash(), which PYTHONHASHSEED changes between runs
        return np.array([[sum(map(ord, t)) % 7 + 1.0, len(t) + 1.0] for t in texts], dtype=np.float32)

    class Fake:
        def encode(self, texts, **kw):
            v = hashed(texts)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

    for call in (lambda: load_codebook(path), lambda: score_frames(sentences, path, Fake(), method="prototype")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        mine = [w for w in caught if "no aliases and no label" in str(w.message)]
        assert mine and all(w.filename == __file__ for w in mine), [(w.filename, w.lineno) for w in mine]


def test_a_duplicate_alias_is_found_as_written_not_in_an_id_or_label_that_reads_alike(tmp_path):
    """review19b: 'US' in actors 'nato_west' and 'us' pointed at the line id = "us"; a label "kremlin" was taken
    for the alias "Kremlin"."""
    frames = '[[frames]]\nid = "a"\nexemplars = ["x y z"]\n[[frames]]\nid = "b"\nexemplars = ["p q r"]\n'
    cases = [('[[actors]]\nid = "nato_west"\naliases = ["NATO", "US"]\n\n[[actors]]\nid = "us"\n'
              'label = "United States"\naliases = ["Washington", "US"]\n', 'aliases = ["Washington", "US"]'),
             ('[[actors]]\nid = "x"\naliases = ["Kremlin"]\n\n[[actors]]\nid = "russia"\nlabel = "kremlin"\n'
              'aliases = [\n  "Moscow",\n  "Kremlin",\n]\n', '  "Kremlin",')]
    for actors, line in cases:
        text = frames + actors
        p = tmp_path / "c.toml"
        p.write_text(text, encoding="utf-8")
        with pytest.raises(FramingError) as exc:
            load_codebook(p)
        n = int(re.search(r", line (\d+):", str(exc.value)).group(1))
        assert text.splitlines()[n - 1] == line, str(exc.value)


def _two_frames(**ids) -> str:
    a, b = ids.get("a", "cost"), ids.get("b", "emergency")
    return (f'[[frames]]\nid = "{a}"\nexemplars = ["The plan will cost households dearly."]\n'
            f'[[frames]]\nid = "{b}"\nexemplars = ["The climate crisis demands action now."]\n')


def test_frame_ids_that_would_share_a_column_are_refused(tmp_path):
    """audit25-codebook: frames 'cost' and 'cost_low' overwrote each other's columns in articles.csv
    (share_cost_low is both), and a frame 'none_reason' crashed the report with a message about scores."""
    from framing.codebook import load_codebook

    for b, said in (("cost_low", "frame id 'cost_low' clashes with frame 'cost'"),
                    ("cost_high", "frame id 'cost_high' clashes with frame 'cost'"),
                    ("none_reason", "frame id 'none_reason' is reserved")):
        path = tmp_path / f"{b}.toml"
        path.write_text(_two_frames(b=b), encoding="utf-8")
        with pytest.raises(FramingError, match=said):
            load_codebook(path)
    (tmp_path / "fine.toml").write_text(_two_frames(b="low"), encoding="utf-8")
    assert [f.id for f in load_codebook(tmp_path / "fine.toml").frames] == ["cost", "low"]


def test_a_json_codebook_is_read_and_a_yaml_one_is_named(tmp_path):
    """audit25-codebook: a JSON codebook got "invalid TOML (Invalid statement (at line 1, column 1))", though
    load_codebook(dict) takes the same content."""
    import json

    from framing.codebook import load_codebook

    data = {"id": "climate", "frames": [{"id": "cost", "exemplars": ["The plan will cost households dearly."]},
                                        {"id": "emergency", "exemplars": ["The climate crisis demands action."]}]}
    (tmp_path / "cb.json").write_text(json.dumps(data), encoding="utf-8")
    cb = load_codebook(tmp_path / "cb.json")
    assert cb.id == "climate" and [f.id for f in cb.frames] == ["cost", "emergency"]
    (tmp_path / "bad.json").write_text('{"frames": [', encoding="utf-8")
    with pytest.raises(FramingError, match=r"codebook '.*bad.json': invalid JSON"):
        load_codebook(tmp_path / "bad.json")
    (tmp_path / "cb.yaml").write_text("frames:\n  - id: cost\n    exemplars: [a]\n", encoding="utf-8")
    with pytest.raises(FramingError, match="it looks like YAML; write the codebook as TOML or JSON"):
        load_codebook(tmp_path / "cb.yaml")


def test_with_actors_checks_aliases_as_a_codebook_file_is_checked():
    """audit25-codebook: with_actors accepted 'it' and 'the' as aliases (found in every sentence) and an alias of
    another actor; a list instead of actors one by one raised AttributeError."""
    from framing.codebook import load_codebook

    cb = load_codebook()
    with pytest.raises(FramingError, match="'the', a common word"):
        cb.with_actors({"id": "shell", "aliases": ["Shell", "the"]})
    other = cb.actors[0]
    with pytest.raises(FramingError, match=f"alias {other.aliases[0]!r} belongs to actors"):
        cb.with_actors({"id": "someone", "aliases": [other.aliases[0]]})
    with pytest.raises(FramingError, match="given one by one, found list"):
        cb.with_actors([{"id": "shell", "aliases": ["Shell"]}])
    assert "shell" in [a.id for a in cb.with_actors({"id": "shell", "aliases": ["Shell"]}).actors]


def test_a_codebook_and_a_run_show_a_short_summary_and_caches_key_on_the_content(tmp_path):
    """audit25-notebooks: typing a codebook or a run in a notebook cell printed 14,157 and 19,388 characters.
    The fitted-scorer memo and the report's block cache keyed on repr(codebook): with a summary repr, two codebooks
    of the same shape must still get two keys."""
    from framing.codebook import load_codebook
    from framing.frames import _default_scorer

    cb = load_codebook()
    assert len(repr(cb)) < 300 and "western_threat (" in repr(cb) and len(repr(cb.frames[0])) < 400
    other = load_codebook({"id": cb.id, "frames": [
        {"id": f.id, "exemplars": [e + " Really." for e in f.exemplars]} for f in cb.frames],
        "actors": [{"id": a.id, "aliases": list(a.aliases)} for a in cb.actors],
        "neutral": {"exemplars": list(cb.neutral)}})
    assert repr(other) == repr(cb) and other != cb  # the same shape, another content

    class Emb:  # the memo keys on id(embedder) too; fitting is never reached for the check below
        pass

    from framing import frames as fr

    emb = Emb()
    fr._SCORERS[("prototype", fr.codebook_digest(cb), id(emb))] = "first"
    assert _default_scorer("prototype", cb, emb) == "first"
    assert ("prototype", fr.codebook_digest(other), id(emb)) != ("prototype", fr.codebook_digest(cb), id(emb))
