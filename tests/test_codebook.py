"""Codebook validation: a malformed codebook gets a one-line error naming the problem."""

from __future__ import annotations

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
