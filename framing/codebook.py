"""Frames and actors: the TOML codebook format, validation, the bundled defaults.

A codebook is a TOML file::

    id = "western-threat-vs-russian-defensive"
    label = "Western threat vs Russian defensive framing"
    description = "..."

    [[frames]]
    id = "western_threat"              # a column name: lowercase letters, digits, _
    label = "Western threat framing"
    description = "Russia as the aggressor ..."
    exemplars = ["Russia launched missile strikes on Kyiv.", ...]
    # Optional minimal pairs: contrast[i] is exemplars[i] with the stance
    # flipped (same topic and actors). Same length as exemplars.
    contrast = ["Ukraine shelled Russian border towns.", ...]
    # Optional: the roles this frame casts actors in (actor ids). The role of a mention is read
    # from the vocabulary of conflict (attack, threat, defend; see framing.actors): on other
    # topics most mentions come out neutral, and the roles then add little.
    roles = { aggressor = ["russia"], victim = ["ukraine"], defender = ["nato_west"] }

    [[frames]]                         # usually two or more: a sentence is scored as a choice between them
    id = "russian_defensive"
    ...

    [[actors]]
    id = "russia"
    label = "Russia"
    camp = "russia"                    # optional: actors a frame treats alike (the stance scorer reads
                                       # one vector per camp); without it, the actor is its own camp
    aliases = ["Russia", "Moscow", "the Kremlin", "Putin", "Lavrov"]

    [[actors]]
    id = "nato_west"
    ...

    [neutral]                          # optional: on-topic sentences that carry no frame
    exemplars = ["The summit will take place in Vilnius on 11 July.", ...]

An actor without ``aliases`` is found by its ``label`` (by its id, with a
warning, when it has no label either).

How aliases match (:func:`framing.actors.find_mentions`): at word
boundaries, longest first; an acronym (``NATO``, ``US``) only as written; an
alias's first capitalised word (its name) as written or in capitals, never in
lower case ("western Ukraine" is not ``West``); the other words in any case
("Russian foreign minister" matches ``Russian Foreign Minister``). So write
a lower-case alias in lower case ("transport secretary") when the texts do.
The stance scorer reads the roles of actors, so a sentence that names no
actor gets the frame ``none``; an exemplar without an actor mention teaches
little.

``[neutral]`` exemplars are sentences about the codebook's topic that take
no side: schedules, talks, visits, troop rotations, court dates, figures.
The stance scorer gives ``none`` to a sentence that is clearly closer to
them than to every frame's exemplars and contrast sentences (its
``neutral_margin``), so that on-topic reporting without a stance is not
pushed into a frame. Write them about the same actors as the frames, in the
style of the texts.

A codebook needs at least one frame. With one frame (give it ``contrast``
sentences) the scorer is a detector of that frame; comparisons of frames,
the lean and the report need two or more.

Loading validates everything once; an error names the file, the frame or
actor, and the problem, e.g. ``codebook 'x.toml': frame 'western_threat' has
no exemplars``. It refuses frame ids that would overwrite a column of the
tables (``start``, ``source``, ...), an alias under two actors (in any
case: "biden" and "Biden" compete), a common word as an alias ("it",
"the": it would match most sentences), an exemplar
in two frames, and an actor that one frame casts as aggressor and also as
victim or defender.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from .errors import FramingError, FramingWarning, warn

__all__ = [
    "Codebook",
    "Frame",
    "Actor",
    "load_codebook",
    "list_codebooks",
    "DEFAULT_CODEBOOK",
    "ROLE_NAMES",
]

DEFAULT_CODEBOOK = "western-threat-vs-russian-defensive"
ROLE_NAMES = ("aggressor", "defender", "victim")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Column names of the tables a frame id becomes a column of (sentences, articles, maps, clusters, events):
# a frame called "start" would overwrite the sentence offsets.
_RESERVED = {"none", "frame", "confidence", "text", "article_id", "sentence_id", "lean", "start", "end",
             "paragraph", "is_quote", "title", "source", "date", "x", "y", "cluster", "centrality", "event_id",
             "relevance", "n", "count", "share", "ci_low", "ci_high", "none_reason", "roles", "speakers",
             "keywords", "label", "story", "n_framed", "n_sentences", "n_articles", "copy_of", "note",
             "similarity", "lean_low", "lean_high"}
# articles.csv gives each frame's share an interval: share_<id>_low and share_<id>_high (audit25-codebook: frames
# "cost" and "cost_low" overwrote each other's columns)
_INTERVAL_SUFFIXES = ("_low", "_high")


@dataclass(frozen=True)
class Frame:
    """One framing group: what it means and sentences that carry it."""

    id: str
    label: str
    description: str
    exemplars: tuple[str, ...]
    contrast: tuple[str, ...] = ()
    roles: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"Frame({self.id!r}, label={self.label!r}, {len(self.exemplars)} exemplars, "
                f"{len(self.contrast)} contrast sentences, roles={self.roles!r})")


@dataclass(frozen=True)
class Actor:
    """An actor and the names it goes by."""

    id: str
    label: str
    aliases: tuple[str, ...]
    camp: str | None = None


@dataclass(frozen=True)
class Codebook:
    """A validated codebook. Use :func:`load_codebook` to read one."""

    id: str
    label: str
    description: str
    frames: tuple[Frame, ...]
    actors: tuple[Actor, ...] = ()
    # on-topic sentences without a stance ([neutral] exemplars)
    neutral: tuple[str, ...] = ()
    # where it was read from; not part of equality: two codebooks are the same when their content is
    path: str | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        # a short summary, not every exemplar (audit25-notebooks: 14,157 characters in a notebook cell)
        frames = ", ".join(f"{f.id} ({len(f.exemplars)} exemplars)" for f in self.frames)
        return (f"Codebook({self.id!r}: frames {frames}; {len(self.actors)} actors; "
                f"{len(self.neutral)} neutral exemplars)")

    @property
    def frame_ids(self) -> list[str]:
        """Frame ids in codebook order; these are the score column names."""
        return [f.id for f in self.frames]

    def frame(self, frame_id: str) -> Frame:
        for f in self.frames:
            if f.id == frame_id:
                return f
        raise FramingError(f"codebook {self.id!r}: no frame {frame_id!r}; frames are {', '.join(self.frame_ids)}")

    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise FramingError(f"codebook {self.id!r}: no actor {actor_id!r}")

    def frames_table(self):
        """The frames as a DataFrame: ``frame``, ``label``, ``description``, ``n_exemplars``, ``n_contrast``."""
        import pandas as pd

        return pd.DataFrame(
            [
                {"frame": f.id, "label": f.label, "description": f.description,
                 "n_exemplars": len(f.exemplars), "n_contrast": len(f.contrast)}
                for f in self.frames
            ]
        )

    def exemplars_table(self):
        """One row per exemplar: ``frame``, ``kind`` (exemplar/contrast), ``pair``, ``text``."""
        import pandas as pd

        rows = []
        for f in self.frames:
            for i, t in enumerate(f.exemplars):
                rows.append({"frame": f.id, "kind": "exemplar", "pair": i, "text": t})
            for i, t in enumerate(f.contrast):
                rows.append({"frame": f.id, "kind": "contrast", "pair": i, "text": t})
        return pd.DataFrame(rows, columns=["frame", "kind", "pair", "text"])

    def actors_table(self):
        """The actors as a DataFrame: ``actor``, ``label``, ``camp``, ``aliases`` (joined with ``; ``)."""
        import pandas as pd

        return pd.DataFrame(
            [{"actor": a.id, "label": a.label, "camp": a.camp, "aliases": "; ".join(a.aliases)} for a in self.actors],
            columns=["actor", "label", "camp", "aliases"],
        )

    def with_actors(self, *actors: Actor | dict) -> "Codebook":
        """A copy with more actors (or more aliases for an existing actor id).

        Examples
        --------
        >>> cb = load_codebook().with_actors({"id": "hungary", "label": "Hungary", "aliases": ["Orban", "Budapest"]})
        """
        bad = next((a for a in actors if not isinstance(a, (Actor, dict))), None)
        if bad is not None:
            raise FramingError("with_actors: expected actors as dicts ({'id': ..., 'aliases': [...]}) or Actor "
                               f"objects, given one by one, found {type(bad).__name__}")
        current = {a.id: a for a in self.actors}
        for i, a in enumerate(actors):
            if isinstance(a, dict):
                a = _parse_actor(a, f"codebook {self.id!r}", i)
            if a.id in current:
                old = current[a.id]
                aliases = tuple(dict.fromkeys(old.aliases + a.aliases))
                current[a.id] = replace(old, aliases=aliases)
            else:
                current[a.id] = a
        new = tuple(current.values())
        _check_aliases(new, f"codebook {self.id!r}")  # audit25-codebook: "it" and "the" were accepted as aliases
        return replace(self, actors=new)


# --------------------------------------------------------------------------- parsing


def _str_list(value, where: str, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FramingError(f"{where}: {what} must be a list of strings, found {type(value).__name__}")
    out = []
    for i, v in enumerate(value):
        if not isinstance(v, str) or not v.strip():
            raise FramingError(f"{where}: {what}[{i}] must be a non-empty string, found {v!r}")
        out.append(" ".join(v.split()))
    return tuple(out)


def _opt_str(raw: dict, key: str, default, where: str) -> str:
    """A text field that may be absent (then ``default``) but, when given, is a string."""
    value = raw.get(key, default)
    if not isinstance(value, str):
        raise FramingError(f"{where}: {key} must be a string, found {type(value).__name__} {value!r}")
    return value


# Lower-case words that are never an actor's name: as an alias (which matches in any case) they would make
# nearly every sentence "name" that actor (audit23-codebook: "it" took an actor from 28 framed mentions to 189).
_COMMON_WORDS = frozenset("""
the a an it its this that these those he him his she her hers they them their theirs we us our ours you your
i me my mine who whom whose which what there here and or but nor not no yes of in on at to for by with from as
into onto over under about than then so if is are was were be been being has have had do does did will would
can could may might must shall should said says say also all any each every some one other such own
""".split())


def _parse_actor(raw, where: str, i: int) -> Actor:
    if not isinstance(raw, dict):
        raise FramingError(f"{where}: actors[{i}] must be a table, found {type(raw).__name__}")
    aid = raw.get("id")
    if not isinstance(aid, str) or not _ID_RE.match(aid):
        raise FramingError(f"{where}: actors[{i}] has id {aid!r}; expected lowercase letters, digits and _")
    aliases = _str_list(raw.get("aliases"), f"{where}: actor {aid!r}", "aliases")
    label = _opt_str(raw, "label", aid, f"{where}: actor {aid!r}")
    if not aliases:  # found by its label; by its id only when it has no label either, which texts rarely write
        aliases = (label,)
        if "label" not in raw:
            warn(f"{where}: actor {aid!r} has no aliases and no label, so only the words {aid!r} find it "
                 "in a text; give it aliases = [...] with the names the texts use", FramingWarning)
    unknown = set(raw) - {"id", "label", "aliases", "camp"}
    if unknown:
        raise FramingError(f"{where}: actor {aid!r} has unknown key(s) {', '.join(sorted(unknown))}; expected id, label, aliases, camp")
    camp = raw.get("camp")
    if camp is not None and not isinstance(camp, str):
        raise FramingError(f"{where}: actor {aid!r}: camp must be a string, found {type(camp).__name__} {camp!r}")
    return Actor(id=aid, label=str(label), aliases=aliases, camp=camp)


def parse_codebook(data: dict, where: str = "codebook") -> Codebook:
    """Validate a codebook given as a dict (the parsed TOML)."""
    if not isinstance(data, dict):
        raise FramingError(f"{where}: expected a table at the top level")
    unknown = set(data) - {"id", "label", "description", "version", "frames", "actors", "neutral"}
    if unknown:
        raise FramingError(f"{where}: unknown top-level key(s) {', '.join(sorted(unknown))}; expected id, label, description, version, frames, actors, neutral")
    frames_raw = data.get("frames")
    if frames_raw is not None and not isinstance(frames_raw, list):
        raise FramingError(f"{where}: frames must be a list of tables ([[frames]]), found {type(frames_raw).__name__}")
    if not frames_raw:
        raise FramingError(f"{where}: has no [[frames]]; expected at least one frame")
    actors_raw = data.get("actors") or []
    if not isinstance(actors_raw, list):
        raise FramingError(f"{where}: actors must be a list of tables ([[actors]]), found {type(actors_raw).__name__}")
    for key in ("id", "label", "description"):
        if key in data:
            _opt_str(data, key, "", where)
    actors = tuple(_parse_actor(a, where, i) for i, a in enumerate(actors_raw))
    actor_ids = [a.id for a in actors]
    dup = {x for x in actor_ids if actor_ids.count(x) > 1}
    if dup:
        raise FramingError(f"{where}: actor id {sorted(dup)[0]!r} appears more than once")
    _check_aliases(actors, where)
    frames = []
    seen = set()
    for i, raw in enumerate(frames_raw):
        if not isinstance(raw, dict):
            raise FramingError(f"{where}: frames[{i}] must be a table")
        fid = raw.get("id")
        if not isinstance(fid, str) or not _ID_RE.match(fid):
            raise FramingError(f"{where}: frames[{i}] has id {fid!r}; expected lowercase letters, digits and _ (it becomes a column name)")
        if fid in _RESERVED:
            raise FramingError(f"{where}: frame id {fid!r} is reserved; choose another")
        if fid in seen:
            raise FramingError(f"{where}: frame {fid!r} appears more than once")
        seen.add(fid)
        fw = f"{where}: frame {fid!r}"
        unknown = set(raw) - {"id", "label", "description", "exemplars", "contrast", "roles"}
        if unknown:
            raise FramingError(f"{fw} has unknown key(s) {', '.join(sorted(unknown))}; expected id, label, description, exemplars, contrast, roles")
        exemplars = _str_list(raw.get("exemplars"), fw, "exemplars")
        if not exemplars:
            raise FramingError(f"{fw} has no exemplars")
        contrast = _str_list(raw.get("contrast"), fw, "contrast")
        if contrast and len(contrast) != len(exemplars):
            raise FramingError(
                f"{fw}: contrast has {len(contrast)} sentences and exemplars {len(exemplars)}; "
                "contrast[i] is the minimal-pair counterpart of exemplars[i], so the lengths must match"
            )
        desc = raw.get("description", "")
        if not isinstance(desc, str):
            raise FramingError(f"{fw}: description must be a string")
        roles_raw = raw.get("roles") or {}
        if not isinstance(roles_raw, dict):
            raise FramingError(f"{fw}: roles must be a table like {{ aggressor = [\"russia\"] }}")
        roles = {}
        for role, ids in roles_raw.items():
            if role not in ROLE_NAMES:
                raise FramingError(f"{fw}: unknown role {role!r}; expected one of {', '.join(ROLE_NAMES)}")
            ids = _str_list(ids, fw, f"roles.{role}")
            for a in ids:
                if a not in actor_ids:
                    raise FramingError(f"{fw}: roles.{role} names actor {a!r}, which is not in [[actors]]")
            roles[role] = ids
        # victim and defender together is a frame's normal picture (Ukraine in the Western frame); the
        # aggressor of a frame cannot also be its victim or defender
        both = next((a for a in roles.get("aggressor", []) if any(a in ids for r, ids in roles.items()
                                                                  if r != "aggressor")), None)
        if both is not None:
            other = next(r for r, ids in roles.items() if r != "aggressor" and both in ids)
            raise FramingError(f"{fw}: actor {both!r} is both aggressor and {other}; expected one side")
        label = _opt_str(raw, "label", fid, fw)
        frames.append(Frame(id=fid, label=label, description=" ".join(desc.split()),
                            exemplars=exemplars, contrast=contrast, roles=roles))
    for f in frames:
        base = next((f.id[: -len(x)] for x in _INTERVAL_SUFFIXES if f.id.endswith(x) and f.id[: -len(x)] in seen),
                    None)
        if base is not None:
            raise FramingError(f"{where}: frame id {f.id!r} clashes with frame {base!r}, whose share interval is "
                               f"written as share_{f.id}; choose another id")
    where_from: dict[str, str] = {}
    for f in frames:
        for t in f.exemplars:
            if t in where_from and where_from[t] != f.id:
                raise FramingError(f"{where}: exemplar {t[:60]!r} is in frames {where_from[t]!r} and {f.id!r}; "
                                   "an exemplar teaches one frame")
            where_from[t] = f.id
    neutral = _parse_neutral(data.get("neutral"), where)
    for t in neutral:
        if t in where_from:
            raise FramingError(f"{where}: neutral exemplar {t[:60]!r} is also an exemplar of frame {where_from[t]!r}; "
                               "a neutral exemplar carries no frame")
    cid = data.get("id", "codebook")
    return Codebook(
        id=str(cid),
        label=str(data.get("label", cid)),
        description=" ".join(str(data.get("description", "")).split()),
        frames=tuple(frames),
        actors=actors,
        neutral=neutral,
    )


def _check_aliases(actors, where: str) -> None:
    """Each alias under one actor (in any case), and no common word as an alias."""
    owner: dict[str, tuple[str, str]] = {}  # casefolded alias -> (actor, alias as written)
    for a in actors:
        for alias in dict.fromkeys(a.aliases):
            key = alias.casefold()
            if key in owner and owner[key][0] != a.id:
                # in any case: a lower-case alias matches any case, so "biden" and "Biden" would compete
                # (audit23-codebook)
                same = "" if owner[key][1] == alias else f" (written {owner[key][1]!r} there)"
                raise FramingError(f"{where}: alias {alias!r} belongs to actors {owner[key][0]!r} and {a.id!r}{same}; "
                                   "expected each alias under one actor")
            owner.setdefault(key, (a.id, alias))
            if alias.islower() and (len(alias) <= 2 or alias in _COMMON_WORDS):
                raise FramingError(f"{where}: actor {a.id!r}: aliases has {alias!r}, a common word that would match "
                                   "most sentences; expected the names the texts use for this actor")


def _parse_neutral(raw, where: str) -> tuple[str, ...]:
    """The ``[neutral]`` table's exemplars (``()`` when there is no such table)."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise FramingError(f"{where}: neutral must be a table ([neutral] with exemplars = [...]), "
                           f"found {type(raw).__name__}")
    unknown = set(raw) - {"description", "exemplars"}
    if unknown:
        raise FramingError(f"{where}: neutral has unknown key(s) {', '.join(sorted(unknown))}; "
                           "expected description, exemplars")
    if "description" in raw:
        _opt_str(raw, "description", "", f"{where}: neutral")
    return _str_list(raw.get("exemplars"), f"{where}: neutral", "exemplars")


# --------------------------------------------------------------------------- finding


def _search_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [
        here.parent / "data" / "codebooks",  # a source checkout / editable install
        Path(sys.prefix) / "share" / "framing" / "codebooks",  # an installed wheel
    ]


def list_codebooks() -> list[str]:
    """Names of the bundled codebooks."""
    names = set()
    for d in _search_dirs():
        if d.is_dir():
            names.update(p.stem for p in d.glob("*.toml"))
    return sorted(names)


def _read_toml(path: Path) -> dict:
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python < 3.11
        import tomli as tomllib
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FramingError(f"codebook '{path}': cannot read ({exc.strerror or exc})") from None
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FramingError(f"codebook '{path}': not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        text = raw.decode("utf-8-sig", errors="replace").lstrip()
        if path.suffix.lower() == ".json" or text[:1] in "{[":
            import json

            try:  # a JSON codebook holds the same tables as a TOML one (audit25-codebook)
                return json.loads(text)
            except ValueError as jexc:
                raise FramingError(f"codebook '{path}': invalid JSON ({jexc})") from None
        looks = (" (it looks like YAML; write the codebook as TOML or JSON)"
                 if path.suffix.lower() in (".yaml", ".yml") or text.startswith("---") else "")
        raise FramingError(f"codebook '{path}': invalid TOML ({exc}){looks}") from None


def _parse_file(path: Path) -> Codebook:
    """Parse a TOML codebook; a semantic error also names the line it points at."""
    where = f"codebook '{path}'"  # the path as given, as the read and TOML errors name it
    try:
        return parse_codebook(_read_toml(path), where)
    except FramingError as exc:
        msg = str(exc)
        if not msg.startswith(where + ": "):
            raise
        try:
            line = _error_line(path.read_bytes().decode("utf-8-sig"), msg[len(where) + 2:])
        except (OSError, UnicodeDecodeError):  # pragma: no cover - it was just read
            line = None
        if line is None:
            raise
        raise FramingError(f"{where}, line {line}: {msg[len(where) + 2:]}") from None


def _error_line(text: str, problem: str) -> int | None:
    """The 1-based line of ``text`` (a TOML codebook) that ``problem`` (a parse_codebook message) is about.

    Heuristic but conservative: the block of the frame or actor the message names
    (``frame 'x'``, ``actors[2]``), then within it the key or value it names; ``None``
    when nothing matches, and the message goes out without a line."""

    lines = text.splitlines()

    def blocks(kind):  # (header line index, end) of each [[frames]] / [[actors]] table, in order
        heads = [i for i, ln in enumerate(lines) if re.match(r"\s*\[\[\s*" + kind + r"\s*\]\]", ln)]
        tops = [i for i, ln in enumerate(lines) if re.match(r"\s*\[\[?\s*[A-Za-z_]+\s*\]\]?\s*(#.*)?$", ln)]
        out = []
        for h in heads:
            end = next((t for t in tops if t > h), len(lines))
            out.append((h, end))
        return out

    def find(pattern, lo=0, hi=None, last=False):
        hits = [i for i in range(lo, len(lines) if hi is None else hi) if re.search(pattern, lines[i])]
        return (hits[-1] if last else hits[0]) if hits else None

    def quoted(value):  # the value as TOML writes it, in either quote style, quotes included
        return "(?:\"" + re.escape(value) + "\"|'" + re.escape(value) + "')"

    def by_id(kind, ident):
        for h, end in blocks(kind):
            if find(r"^\s*id\s*=\s*" + quoted(ident), h, end) is not None:
                return h, end
        return None

    m = re.match(r"(frame|actor)(?: id)? '([^']*)' appears more than once", problem)
    if m:  # the second table with that id
        kind = "frames" if m.group(1) == "frame" else "actors"
        hits = [h for h, end in blocks(kind) if find(r"^\s*id\s*=\s*" + quoted(m.group(2)), h, end) is not None]
        return find(r"^\s*id\s*=", hits[-1], len(lines)) + 1 if len(hits) > 1 else None
    if problem.startswith("neutral"):  # the [neutral] table: the key or exemplar named, else its header
        h = find(r"^\s*\[\s*neutral\s*\]")
        if h is None:
            return None
        named = re.search(r"unknown key\(s\) ([A-Za-z_]+)", problem)
        text = re.match(r"neutral exemplar (['\"])(.*?)\1 ", problem)
        if named:
            i = find(r"^\s*" + re.escape(named.group(1)) + r"\s*=", h)
        elif text:
            i = find(re.escape(text.group(2)[:40]), h)
        else:
            i = find(r"^\s*exemplars\s*=", h)
        return (i if i is not None else h) + 1
    block = None
    m = re.match(r"(frames|actors)\[(\d+)\]", problem)
    if m:
        bl = blocks(m.group(1))
        k = int(m.group(2))
        block = bl[k] if k < len(bl) else None
    else:
        m = re.match(r"(frame|actor)(?: id)? '([^']*)'", problem)
        if m:
            block = by_id("frames" if m.group(1) == "frame" else "actors", m.group(2))
    if block is not None:
        h, end = block
        rest = problem[m.end():]
        key = re.search(r"\b(exemplars|contrast|roles|description|label|aliases|camp)\b", rest)
        named = re.search(r"(?:unknown key\(s\)|unknown role) '?([A-Za-z_]+)", rest)
        actor = re.search(r"names actor '([^']*)'|actor '([^']*)' is both", rest)
        if named:
            i = find(r"^\s*" + re.escape(named.group(1)) + r"\s*=", h, end)
            if i is None:
                i = find(r"\b" + re.escape(named.group(1)) + r"\s*=", h, end)
        elif actor:
            i = find(quoted(actor.group(1) or actor.group(2)), h, end)
        elif key and not rest.lstrip().startswith("has no"):
            i = find(r"^\s*(\[\s*frames\.)?" + key.group(1) + r"\b", h, end)
        elif re.match(r"(frames|actors)\[\d+\] has id|frame id '[^']*' is reserved", problem):
            i = find(r"^\s*id\s*=", h, end)
        else:
            i = None
        return (i if i is not None else h) + 1
    m = re.match(r"(alias|exemplar) (['\"])(.*?)\2 (?:belongs to actors|is in frames) '[^']*' and '([^']*)'", problem)
    if m:  # the second place it appears: in the second actor's (frame's) table, not a neutral sentence naming it
        second = by_id("actors" if m.group(1) == "alias" else "frames", m.group(4))
        if second is None:
            return None
        h, end = second
        key = find(r"^\s*" + ("aliases" if m.group(1) == "alias" else "exemplars") + r"\s*=", h, end)
        if m.group(1) == "alias":  # the whole quoted alias, as written, from the aliases key on
            i = find(quoted(m.group(3)), h if key is None else key, end)
        else:  # the message cuts an exemplar to 60 characters: its opening words, after a quote
            i = find("[\"']" + re.escape(m.group(3)[:40]), h, end)
        i = i if i is not None else key if key is not None else h
        return i + 1
    return None


def codebook_digest(codebook: Codebook) -> str:
    """SHA-256 of a codebook's content as used (frames, exemplars, actors, neutral), not of where it was read
    from: the same codebook from any file, or given as a dict, has one digest."""
    import dataclasses
    import hashlib
    import json

    content = json.dumps({**dataclasses.asdict(codebook), "path": None}, sort_keys=True, ensure_ascii=False,
                         default=list)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def bundled_frame_ids() -> set[str] | None:
    """The frame ids of the bundled codebook, or None when it cannot be read."""
    try:
        return set(load_codebook(None).frame_ids)
    except FramingError:
        return None


def _warn_if_other_frames(table, what: str) -> None:
    """A scored table whose record of its codebook is gone (a merge, a CSV round trip drops ``attrs``):
    warn when its ``frame`` column holds frames the bundled codebook does not have (review23-api: the
    roles were then read with the bundled actors, without a word)."""
    import pandas as pd

    if not isinstance(table, pd.DataFrame) or "frame" not in table.columns:
        return
    bundled = bundled_frame_ids()
    if bundled is None:
        return
    bundled = bundled | {"none"}
    other = sorted(str(x) for x in pd.unique(table["frame"].dropna()) if str(x) not in bundled)
    if other:
        warn(f"{what}: the table's frames ({', '.join(other[:4])}{', …' if len(other) > 4 else ''}) are not the "
             f"bundled codebook's, and it no longer records which codebook scored it (a merge or a CSV file "
             f"drops that), so the bundled {DEFAULT_CODEBOOK!r} is used (its actors and frames); pass codebook=",
             FramingWarning)


def warn_if_default_for(table, codebook, what: str):
    """The codebook a later step should use: ``codebook`` as given, else the one that scored ``table``.

    :func:`framing.frames.score_frames` records in the table's ``attrs`` the
    codebook's id, the digest of its content (:func:`codebook_digest`) and,
    when it was read from a file, that file's absolute path. A later step
    given ``codebook=None`` uses the bundled codebook when it is the one
    that scored the table; else that file, when it still holds the same
    content, so that a table scored with the user's codebook is not read
    with the bundled one's actors and frames. Otherwise (the file is gone or
    was edited since, or the codebook was built in Python) a warning says
    that the bundled codebook is used, instead of silently empty roles.
    """
    attrs = (getattr(table, "attrs", None) or {}) if codebook is None else {}
    used, digest = attrs.get("codebook"), attrs.get("codebook_digest")
    if not used:
        if codebook is None:
            _warn_if_other_frames(table, what)
        return codebook
    if digest is None:  # a table scored before digests were recorded: by id
        if used != DEFAULT_CODEBOOK:
            warn(f"{what}: the table was scored with codebook {used!r} but no codebook= was given, so the "
                 f"bundled {DEFAULT_CODEBOOK!r} is used (its actors and frames); pass codebook=", FramingWarning)
        return codebook
    try:
        if codebook_digest(load_codebook(None)) == digest:
            return codebook  # the bundled one scored it
    except FramingError:
        pass
    path = attrs.get("codebook_path")
    if path:
        try:
            cb = load_codebook(path)
        except (FramingError, OSError):
            cb = None
        if cb is not None and codebook_digest(cb) == digest:
            return cb
    where = f" (its file {path} is gone or was edited since)" if path else " (built in Python, not read from a file)"
    warn(f"{what}: the table was scored with codebook {used!r}{where} but no codebook= was given, so the "
         f"bundled {DEFAULT_CODEBOOK!r} is used (its actors and frames); pass codebook=", FramingWarning)
    return codebook


def load_codebook(codebook=None) -> Codebook:
    """Load and validate a codebook.

    Parameters
    ----------
    codebook : str, path, dict or Codebook, optional
        A bundled codebook name (see :func:`list_codebooks`), a path to a TOML
        file, a dict in the same shape, or a :class:`Codebook` (returned as
        is). ``None`` is :data:`DEFAULT_CODEBOOK`.

    Raises
    ------
    FramingError
        naming the file, the frame or actor, and the problem.
    """
    if isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, dict):
        return parse_codebook(codebook, "codebook <dict>")
    name = DEFAULT_CODEBOOK if codebook is None else str(codebook)
    p = Path(name).expanduser()
    if p.suffix.lower() == ".toml" or p.exists() or "/" in name or "\\" in name:
        if p.is_dir():
            raise FramingError(f"codebook '{name}': is a directory; expected a TOML file")
        if not p.is_file():
            raise FramingError(f"codebook '{name}': no such file")
        return replace(_parse_file(p), path=str(p))
    for d in _search_dirs():
        f = d / f"{name}.toml"
        if f.is_file():
            return replace(_parse_file(f), path=str(f))
    raise FramingError(
        f"codebook {name!r}: not a file and not a bundled codebook; bundled: {', '.join(list_codebooks()) or 'none'}"
    )


def iter_aliases(codebook: Codebook) -> Iterable[tuple[str, str]]:
    """(alias, actor id) pairs, longest alias first (so 'the Kremlin' wins over 'Kremlin')."""
    pairs = [(al, a.id) for a in codebook.actors for al in a.aliases]
    return sorted(pairs, key=lambda x: -len(x[0]))
