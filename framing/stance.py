"""Stance, not topic: scoring who is cast as the aggressor, from actor mentions.

Pooled sentence vectors say what a sentence is about, not who threatens
whom: "NATO expansion threatens Russia" and "Russia threatens NATO" embed
close together. The role an actor plays is visible in the *contextual token
vectors* of its mentions, though. :class:`StanceScorer` therefore describes a
sentence by

* the mean contextual token vector of the mentions of each camp of actors in
  the codebook (``camp`` field of ``[[actors]]``; an actor without a camp is
  its own camp), from :meth:`framing.embed.Embedder.encode_spans`, plus a
  0/1 flag per camp saying whether it is mentioned at all;
* the pooled sentence vector (so that codebooks without actors still work).

Mentions are those of :func:`framing.actors.find_mentions` (one alias
matcher and one case rule for the package); in one scoring pass they are
found once per sentence and shared by the mention features and the role
evidence below.

Mentions that only introduce a speaker ("Lavrov said …", "according to the
Pentagon") are left out of their camp's vector when the sentence mentions
that camp elsewhere too: the speaker is not cast in a role by the sentence
that quotes them.

One logistic regression per frame (one-vs-rest) is trained on these features
— by default on the codebook alone: a frame's exemplars are positives, the
other frames' exemplars and the frame's own ``contrast`` sentences (minimal
pairs with the stance flipped) are negatives. Because the features are
*contextual* mention vectors, the exemplars teach "the Russia mention is in
an aggressor context", not "the sentence is about Russia". With
``fit(sentences, labels)`` the same model is trained on a user's labelled
sentences (the codebook's sentences are added unless ``use_codebook=False``).
A frame with no negatives at all (a one-frame codebook without contrast)
falls back to cosine similarity to its mean exemplar.

Who does what to whom
---------------------
Mention vectors are a weak signal for agent vs patient ("Russia struck
Kyiv" vs "Kyiv struck Russia"). So each frame's logit is combined with
explicit *role evidence*: :func:`framing.actors.sentence_roles` casts every
actor mention as aggressor / victim / defender / neutral from simple
patterns ("X attacked Y", "Y was attacked by X", "X's aggression", "the
threat posed by X", "strikes against Y", denied aggression -> defender), and
a frame gets one point per mention whose (actor, role) its codebook
``roles`` table lists (default codebook: Russia aggressor or the West /
Ukraine / Europe victim or defender -> ``western_threat``; the West /
Ukraine / Europe aggressor or Russia defender / victim ->
``russian_defensive``). The frame scores are

    score_f = logit_f / temperature + role_weight * roles_f

and the probabilities are their softmax over the frames. The speaker of
reported speech ("Lavrov said …", "according to Kyiv") adds
``speaker_weight`` to the frame that lists the speaker's actor as
``defender``: the sentence gives that side its voice.

Defaults and how they were chosen
---------------------------------
``C=10``, ``role_weight=2``, ``speaker_weight=1``, ``temperature=5``
and ``min_confidence=0.55`` were chosen on the *tuning half* of
``benchmarks/bench_stance.py`` (real news sentences with stance labels from
SemEval-2025 T10 EN-train entity roles; the report half gives the headline
figure): ``C``, ``role_weight`` and ``speaker_weight`` by balanced accuracy,
``temperature`` by log-loss, so the probabilities (and ``confidence``) are
calibrated on news text, not on the clean codebook sentences;
``min_confidence`` as described on :class:`StanceScorer`. The logistic
regression itself never sees an eval label: it is fitted on the codebook.
For another codebook these values are only a starting point.

Scores are the per-frame probabilities (rows sum to 1); ``frame`` is the
best frame, or ``"none"`` when the sentence mentions no codebook actor (for
codebooks with actors), is off the codebook's topic (its cosine to every
exemplar is below ``min_relevance``), says nothing of the codebook's kind
once its actor names are masked (below ``min_masked_relevance``), reads like
the codebook's ``[neutral]`` exemplars rather than like any frame's
(``neutral_margin``: on-topic reporting without a stance, "Biden and Putin
will meet in Geneva in mid-June") or the best probability is below
``min_confidence``.
``confidence`` is the best frame's probability (a calibrated estimate of
the chance that ``frame`` is right; at least 1/n_frames), 0 for ``none``.

A fitted scorer is saved as data (``save(path)`` writes ``path.json`` and
``path.npz``), never as a pickle; :meth:`StanceScorer.load` reads it back.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import Codebook, codebook_digest, load_codebook
from ._checks import Estimator, check_whole, unfit_on_error
from .errors import FramingError, FramingWarning, not_fitted, warn

__all__ = ["StanceScorer", "speaker_mentions", "mention_table", "fitted_scorer", "FORMAT", "MINIMAL_PAIRS",
           "check_codebook", "codebook_check_summary", "suggest_gates", "unmatched_names", "actor_frames",
           "CHECK_COLUMNS"]

FORMAT = "framing.stance/v5"
_FORMATS = ("framing.stance/v1", "framing.stance/v2", "framing.stance/v3", "framing.stance/v4", FORMAT)
NONE = "none"
# Why a sentence got "none" (the ``none_reason`` column of StanceScorer.score); index 0 is "may be framed".
NONE_REASONS = ("", "no actor", "off topic", "off topic without names", "neutral", "low confidence")

# Six minimal pairs (written for this toolkit): the same topic and actors with the stance flipped,
# and the frame of the first sentence. A stance-aware scorer must move its score the right way
# within each pair; the stance benchmark and the tests both check this.
MINIMAL_PAIRS = [
    ("Sergei Lavrov reiterated that Moscow has no desire to attack Europe.",
     "Sergei Lavrov reiterated that Moscow has every desire to attack Europe.", "russian_defensive"),
    ("Russia conducted missile strikes against Kyiv.", "Ukraine conducted missile strikes against Moscow.", "western_threat"),
    ("NATO expansion threatens Russia.", "Russia threatens NATO.", "russian_defensive"),
    ("Russian troops attacked Ukrainian villages.", "Ukrainian troops attacked Russian villages.", "western_threat"),
    ("Moscow warned that it will defend itself against NATO aggression.",
     "NATO warned that it will defend itself against Russian aggression.", "russian_defensive"),
    ("Putin's invasion endangers European security.", "NATO's expansion endangers Russian security.", "western_threat"),
]

# Rows scored at a time (bounds the feature matrix's memory).
_CHUNK = 8192

# Defaults chosen on the *tuning* half of the stance benchmark only (see
# benchmarks/bench_stance.py; the report half was never used to pick them).
DEFAULT_C = 10.0
ROLE_WEIGHT = 2.0
TEMPERATURE = 5.0
MIN_CONFIDENCE = 0.55
MIN_RELEVANCE = 0.33
MIN_MASKED_RELEVANCE = 0.31
NEUTRAL_MARGIN = 0.06
# What an actor mention is replaced with for ``min_masked_relevance``.
MASK = "someone"
CONTEXT_WINDOW = 5
CONTEXT_WEIGHT = 0.0
SPEAKER_WEIGHT = 1.0

# A mention right before a speech verb, or after "according to", is a speaker.
_SPEECH = (r"said|says|say|stated|states|told|tells|warned|warns|claimed|claims|added|adds|noted|notes|"
           r"insisted|insists|argued|argues|declared|declares|announced|announces|stressed|stresses|"
           r"reiterated|reiterates|emphasized|emphasised|explained|wrote|writes|accused|accuses|alleged|"
           r"believes|believed|thinks|thought|asserted|asserts|commented|remarked|replied|responded|tweeted|"
           r"posted|suggested|suggests|told reporters|has said|had said|has warned|has claimed")
_SPEAKER_AFTER = re.compile(r"^(?:['’]s)?(?:\s+[A-Z][\w.’'-]*){0,3}(?:\s*,[^,]{0,60},)?\s+(?:" + _SPEECH + r")\b")
# "according to X": X is the source whatever follows. "said X" only when X ends the clause (", said Russia's
# foreign ministry."): in "Officials said Russia attacked Kharkiv" Russia is what is reported, not who speaks.
# Only the verbs ignore case: a name starts with a capital. "told X": X is the listener, never the speaker.
_TITLE = (r"(?i:spokes\w+|minister|ministry|secretary|officials?|ambassador|president|chief|head|adviser|advisor|"
          r"press|foreign|defen[cs]e|deputy|prime|general|envoy|agency|service)")
_NAME_OR_TITLE = r"(?:[A-Z][\w.’'-]*|" + _TITLE + r")"
_BEFORE_MENTION = r"\s+(?:[Tt]he\s+)?(?:" + _NAME_OR_TITLE + r"\s+){0,6}$"  # the words between the verb and the mention
_SPEAKER_ACCORDING = re.compile(r"(?i:according\s+to)" + _BEFORE_MENTION)
_SPEAKER_INVERTED = re.compile(r"(?i:said|says|stated|warned|claimed)" + _BEFORE_MENTION)
_CLAUSE_ENDS = re.compile(r"^(?:['’]s)?(?:\s+" + _NAME_OR_TITLE + r"){0,6}\s*(?:[.,;:!?”\"’)]|$)")


def _encode(emb, texts: list[str], spans) -> np.ndarray:
    """``emb.encode(texts, spans=spans)`` for embedders that take spans, else ``emb.encode(texts)``."""
    import inspect

    try:
        takes = "spans" in inspect.signature(emb.encode).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        takes = False
    return emb.encode(texts, spans=spans) if takes else emb.encode(texts)


def encode_with_mentions(embedder, texts, codebook=None) -> np.ndarray:
    """Sentence vectors ``(n, d)``, with the actor-mention vectors stance scoring needs made on the way.

    With framing's :class:`~framing.embed.Embedder` on an ONNX backend and
    its cache on, the mention vectors come from the same forward pass as the
    sentence vectors and are cached, so that scoring the sentences next
    (``score_frames(..., embeddings=vectors)``) costs no second pass.
    Otherwise this is ``embedder.encode(texts)``.
    """
    texts = list(texts)
    return _encode(embedder, texts, mention_spans(texts, codebook))


def mention_spans(texts, codebook=None) -> list[list[tuple[int, int]]]:
    """Character spans of every actor mention, per text (offsets into ``preprocess(text)``).

    What :meth:`StanceScorer.features` will ask the embedder for; pass them to
    ``Embedder.encode(texts, spans=...)`` to compute sentence and mention
    vectors in one pass over the model.
    """
    from .actors import find_mentions as actor_mentions_in
    from .embed import preprocess

    cb = load_codebook(codebook)
    return [[(a, b) for _, _, a, b in actor_mentions_in(preprocess(t), cb)] for t in texts]


def _with_speakers(text: str, mentions) -> list[tuple[int, int, str, bool]]:
    """``(start, end, actor_id, is_speaker)`` from :func:`framing.actors.find_mentions` tuples of ``text``."""
    out = []
    for aid, _, a, b in mentions:
        before = text[max(0, a - 60) : a]
        speaker = bool(_SPEAKER_AFTER.match(text[b : b + 90]) or _SPEAKER_ACCORDING.search(before)
                       or (_SPEAKER_INVERTED.search(before) and _CLAUSE_ENDS.match(text[b : b + 120])))
        out.append((a, b, aid, speaker))
    return out


def speaker_mentions(text: str, codebook=None) -> list[tuple[int, int, str, bool]]:
    """Actor mentions in one text: ``(start, end, actor_id, is_speaker)``, in text order.

    The mentions are those of :func:`framing.actors.find_mentions` (the
    package's one alias matcher: longest alias first, no overlaps, its case
    rule; it gives ``(actor_id, alias, start, end)``). ``is_speaker`` marks a mention that introduces what someone said
    ("Lavrov said", "according to the Pentagon").
    """
    from .actors import find_mentions as actor_mentions_in

    return _with_speakers(text, actor_mentions_in(text, codebook))


def _mentions_once(texts: list[str], codebook) -> list[tuple[list, list]]:
    """Per text: its :func:`framing.actors.find_mentions` tuples and the same with speaker flags.

    Found once per distinct text of this call (a dict that lives for the
    call only), so that the mention features and the role evidence of one
    scoring pass share them instead of matching every alias again.
    """
    from .actors import find_mentions as actor_mentions_in

    memo: dict = {}
    out = []
    for t in texts:
        hit = memo.get(t)
        if hit is None:
            am = actor_mentions_in(t, codebook)
            hit = memo[t] = (am, _with_speakers(t, am))
        out.append(hit)
    return out


def mention_table(sentences, codebook=None) -> pd.DataFrame:
    """All actor mentions in a sentence table.

    Returns
    -------
    pandas.DataFrame
        ``row`` (position in ``sentences``), ``start``, ``end`` (offsets into
        the whitespace-collapsed sentence text), ``mention``, ``actor``,
        ``camp``, ``is_speaker``.
    """
    from .embed import preprocess

    cb = load_codebook(codebook)
    camp = {a.id: a.camp or a.id for a in cb.actors}
    texts = [preprocess(t) for t in _texts(sentences)]
    rows = []
    for i, t in enumerate(texts):
        for a, b, aid, sp in speaker_mentions(t, cb):
            rows.append((i, a, b, t[a:b], aid, camp[aid], sp))
    return pd.DataFrame(rows, columns=["row", "start", "end", "mention", "actor", "camp", "is_speaker"])


def _warn_actorless_exemplars(cb: Codebook) -> None:
    """Warn about exemplars that name no actor: with ``require_actor`` such a sentence is scored ``none``."""

    from .actors import find_mentions as actor_mentions_in

    for f in cb.frames:
        bare = [t for t in f.exemplars if not actor_mentions_in(t, cb)]
        if bare:
            warn(
                f"codebook {cb.id!r}: frame {f.id!r}: {len(bare)} of {len(f.exemplars)} exemplars name no actor of "
                f"the codebook (e.g. {bare[0][:60]!r}); a sentence that names no actor is scored 'none' "
                "(require_actor=True), so add the actors' aliases as the texts write them (case matters: "
                "see framing.codebook)", FramingWarning)


def _texts(sentences) -> list[str]:
    if isinstance(sentences, pd.DataFrame):
        if "text" not in sentences.columns:
            raise FramingError("sentences: no 'text' column; expected the sentence table from framing.segment")
        sentences = sentences["text"]
    if isinstance(sentences, str):
        raise FramingError("sentences: expected a list of strings or a sentence table, found a single string")
    from .frames import _check_texts

    texts = sentences if isinstance(sentences, pd.Series) else pd.Series(list(sentences), dtype=object)
    _check_texts(texts)
    return texts.tolist()


def _mask(text: str, codebook, mentions=None) -> str:
    """``text`` with every actor mention (:func:`framing.actors.find_mentions`) replaced by ``MASK``."""
    if mentions is None:
        from .actors import find_mentions as actor_mentions_in

        mentions = actor_mentions_in(text, codebook)
    out, last = [], 0
    for _, _, a, b in mentions:
        out += [text[last:a], MASK]
        last = b
    out.append(text[last:])
    return "".join(out)


def _codebook_training_set(cb: Codebook) -> pd.DataFrame:
    """``text``, ``frame``, ``positive`` (bool) rows for each frame's one-vs-rest model."""
    rows = []
    for f in cb.frames:
        for t in f.exemplars:
            rows.append((t, f.id, True))
        for t in f.contrast:
            rows.append((t, f.id, False))
        for g in cb.frames:
            if g.id != f.id:
                for t in g.exemplars:
                    rows.append((t, f.id, False))
    return pd.DataFrame(rows, columns=["text", "frame", "positive"])


# Words after which a sentence reports someone else's framing rather than
# stating it: "…, with Putin's government framing these actions as
# retaliation against what they describe as NATO's provocations".
_DISTANCING = re.compile(
    r"\b(?:describ\w* (?:\w+ ){0,6}?as|fram\w* (?:\w+ ){0,6}?as|portray\w* (?:\w+ ){0,6}?as|"
    r"what (?:\w+ ){1,3}?(?:calls?|called|describes?|described|terms?|termed)|so-called|allegedly|alleged|"
    r"claim(?:s|ed)? (?:of|that)|accus\w*|blam\w*)\b", re.I)
_ACCUSE = re.compile(r"\b(?:accus\w*|blam\w*)\s+(.{1,60}?)\s+(?:of|for)\b", re.I)
DISTANCED_WEIGHT = 0.5


def _weighted_roles(text: str, codebook, speaker_weight: float = 0.0, mentions=None) -> list[tuple[str, str, float]]:
    """(actor id, role, weight) per mention, from :func:`framing.actors.sentence_roles`.

    Two corrections on top of it: in "X accused / blamed Y of / for …" Y is
    cast as the aggressor (by X) and X is only the accuser; and mentions
    after a distancing cue ("framing … as", "what they describe as",
    "so-called", "accused …") count ``DISTANCED_WEIGHT``: the sentence reports
    that framing rather than stating it, so the author's own clause weighs
    more.

    ``mentions``: ``_mentions_once([text], codebook)[0]`` when the caller
    has it (found once per scoring pass), else they are found here.
    """
    from .actors import find_mentions as actor_mentions_in
    from .actors import sentence_roles

    am, sm = mentions if mentions is not None else (None, None)
    if am is None:
        am = actor_mentions_in(text, codebook)
    m = _DISTANCING.search(text)
    cut = m.start() if m else len(text)
    # before the cue: roles read from the author's clause alone; after it: from the whole sentence
    if m is None:
        roles = sentence_roles(text, codebook, mentions=am)
    else:
        # the clause before the cue has the sentence's mentions that end before it, unless one straddles the
        # cue (then a shorter alias may match inside the clause: find them there)
        head = None if any(a < cut < b for _, _, a, b in am) else [x for x in am if x[3] <= cut]
        roles = [r for r in sentence_roles(text[:cut], codebook, mentions=head) if r[3] <= cut]
        roles += [r for r in sentence_roles(text, codebook, mentions=am) if r[2] >= cut]
    acc = _ACCUSE.search(text)
    out = []
    for actor, _, a, b, role in roles:
        if acc is not None:
            if acc.start(1) <= a and b <= acc.end(1):
                role = "aggressor"
            elif b <= acc.start() and role in ("aggressor", "victim"):
                role = "neutral"
        out.append((actor, role, 1.0 if a < cut else DISTANCED_WEIGHT))
    if speaker_weight:
        # the voice a sentence gives: "Putin said …", "according to Kyiv" -> the speaker's side (its frame's defender)
        for a, b, aid, sp in sm if sm is not None else _with_speakers(text, am):
            if sp:
                out.append((aid, "defender", float(speaker_weight)))
    return out


def _context_scores(s: np.ndarray, has: np.ndarray, groups, order, window: int) -> np.ndarray:
    """Mean frame-centred score of each row's neighbours (same group, within ``window`` positions, with an actor)."""
    n = len(s)
    c = s - s.mean(axis=1, keepdims=True)
    c = np.where(has[:, None], c, 0.0)
    out = np.zeros_like(c)
    groups = pd.Series(np.asarray(groups, dtype=object)).astype(str).to_numpy()
    order = np.arange(n) if order is None else np.asarray(order)
    idx = np.lexsort((np.arange(n), order, groups))  # by group, then position, then row
    g_sorted = groups[idx]
    start = 0
    while start < n:
        end = start
        while end < n and g_sorted[end] == g_sorted[start]:
            end += 1
        rows = idx[start:end]
        cg, hg = c[rows], has[rows].astype(float)
        m = len(rows)
        cs = np.vstack([np.zeros((1, c.shape[1])), np.cumsum(cg, axis=0)])
        hs = np.concatenate([[0.0], np.cumsum(hg)])
        lo = np.clip(np.arange(m) - window, 0, m)
        hi = np.clip(np.arange(m) + window + 1, 0, m)
        tot = cs[hi] - cs[lo] - cg  # the row itself left out
        cnt = hs[hi] - hs[lo] - hg
        out[rows] = np.where(cnt[:, None] > 0, tot / np.maximum(cnt, 1)[:, None], 0.0)
        start = end
    return out


class StanceScorer(Estimator):
    """Stance-aware frame scorer: logistic regression on contextual actor-mention vectors.

    Parameters
    ----------
    codebook : str, path or Codebook, optional
        Defaults to ``western-threat-vs-russian-defensive``.
    embedder : str or Embedder, optional
        Needs ``encode(texts)``; for the mention features also
        ``encode_spans(texts, spans)`` (without it only sentence vectors are
        used).
    C : float
        Inverse L2 regularisation of each frame's logistic regression.
    use_contrast : bool
        Use the codebook's ``contrast`` minimal pairs as negatives.
    use_codebook : bool
        In ``fit(sentences, labels)``, add the codebook's sentences to the
        user's labelled ones.
    drop_speakers : bool
        Leave speaker mentions ("Lavrov said") out of a camp's vector when
        the camp is also mentioned elsewhere in the sentence.
    min_confidence : float
        Below this best-frame probability a sentence gets ``none``: it
        carries neither frame clearly. It is on the two-frame scale; with k
        frames the threshold is ``1/k + (min_confidence - 1/2) * 2 * (1 - 1/k)``
        (the same distance from chance). Default 0.55, chosen on the tuning
        half of the stance benchmark: it leaves out the near-coin-flip
        sentences (about 18% of those that mention an actor there; accuracy
        on the rest 0.80 -> 0.81, core labels 0.84 -> 0.85). Higher
        thresholds cost much coverage for little accuracy: the confidence is
        calibrated but only weakly informative.
    require_actor : bool
        A sentence that mentions no codebook actor gets ``none`` (only for
        codebooks that have actors).
    min_relevance : float or None
        A sentence whose cosine to every exemplar of the codebook is below
        this gets ``none``: it is not about what the codebook is about, even
        if it names an actor ("The weather in Brussels was mild", "Biden
        signed the farm bill"). Without it the scorer gave a frame to 77% and
        79% of such sentences in climate articles and US news (see
        ``benchmarks/bench_stance.py``), because which actor is named leans
        the model one way. Default 0.33, chosen on the tuning half of the
        stance benchmark as the value that keeps 95% of its labelled news
        sentences; for another codebook, check it on a few of your
        sentences (:meth:`relevance`). ``None`` turns it off.
    min_masked_relevance : float or None
        The same test with every actor mention replaced by "someone", in
        the sentence and in the exemplars (:meth:`masked_relevance`): a
        sentence below it gets ``none``. ``min_relevance`` is mostly about
        *names* (a sentence naming NATO is close to exemplars naming NATO);
        this one asks whether the rest of the sentence is about attacking,
        threatening or defending. "NATO headquarters opened a new
        cafeteria." passes ``min_relevance`` (0.45) but not this (0.26).
        Default 0.31, chosen on the tuning half of the stance benchmark by
        the same rule as ``min_relevance`` (it keeps 95% of the labelled news
        sentences that pass ``min_relevance``). On 105 hand-labelled
        on-topic sentences without a stance (SemEval EN-train and AllSides
        sentences naming an actor; not in the repository) it lowers the
        share given a frame from 0.76 to 0.53; raising ``min_relevance`` to
        the same cost in labelled sentences only gets to 0.68. It costs one
        more encoding pass over the sentences that name an actor. ``None``
        turns it off.
    neutral_margin : float or None
        A sentence gets ``none`` when, with actor names masked as for
        ``min_masked_relevance``, its cosine to the nearest of the
        codebook's ``[neutral]`` exemplars exceeds its cosine to the nearest
        frame exemplar or contrast sentence by more than this
        (:meth:`neutrality`): it reads like on-topic reporting that takes no
        side (summits, talks, visits, troop rotations, court dates) more
        than like any frame. Off when the codebook has no ``[neutral]``
        table. Default 0.06, chosen on the tuning half of the stance
        benchmark as the margin that keeps 95% of the labelled news sentences
        the other tests leave framed (it keeps 98.6%). On hand-labelled
        on-topic sentences without a stance (SemEval EN-train and AllSides
        sentences naming an actor; one reader; not in the repository), the
        share given a frame went from 0.55 to 0.45 on the report half
        (47 sentences; 0.52 to 0.28 on the tuning half, whose sentences the
        last ten neutral exemplars were written after looking at), and the
        benchmark's coverage from 0.77 to 0.75. Write neutral exemplars for
        your own codebook the same way: about its actors, without a stance.
        ``None`` turns it off.
    residual : bool
        Use mention vectors minus the vector of the name alone.
    role_weight : float
        Weight of the agent/patient role evidence (:meth:`role_evidence`)
        added to each frame's score; 0 turns it off.
    temperature : float
        The logistic-regression logits are divided by it before the role
        evidence is added (calibration of the probabilities).
    speaker_weight : float
        Weight, relative to one role, of the side whose actor is the
        *speaker* ("Putin said …", "according to Kyiv"): the speaker is
        counted as that frame's ``defender``. 0 turns it off.
    context_window, context_weight : int, float
        Opt-in article context in :meth:`score` (off by default, see
        :meth:`frame_proba`): it helped on the tuning half of the
        benchmark and hurt on the report half.

    Attributes
    ----------
    frame_ids_ : list of str
    classes_ : ndarray of str
        What :meth:`predict` returns: the frame ids and ``"none"``, sorted
        (scikit-learn's convention). In ``cross_val_score`` or
        ``GridSearchCV`` pass ``scoring=`` (e.g. ``"accuracy"``): this
        class's :meth:`score` returns the scored table, not a metric.
    camps_ : list of str
        The camps whose mention vectors are features, in order.
    coef_ : ndarray (n_frames, n_features)
    intercept_ : ndarray (n_frames,)
    prototypes_ : ndarray (n_frames, d)
        Mean exemplar vector per frame (used by frames without negatives).
    exemplars_ : ndarray (n_exemplars, d)
        Unit vectors of every frame's exemplars (for ``min_relevance``).
    masked_exemplars_ : ndarray (n_exemplars, d)
        The same with their actor mentions masked (for ``min_masked_relevance``).
    masked_contrast_, masked_neutral_ : ndarray (n_contrast, d), (n_neutral, d)
        Every frame's contrast sentences and the codebook's ``[neutral]``
        exemplars, actor mentions masked (for ``neutral_margin``).
    trained_on_ : dict
        What the model was fitted on (for the saved card).
    """

    _sklearn_type = "classifier"

    def __init__(self, codebook=None, embedder=None, *, C: float = DEFAULT_C, use_contrast: bool = True,
                 use_codebook: bool = True, drop_speakers: bool = True, min_confidence: float = MIN_CONFIDENCE,
                 require_actor: bool = True, residual: bool = False, role_weight: float = ROLE_WEIGHT,
                 temperature: float = TEMPERATURE, context_window: int = CONTEXT_WINDOW,
                 context_weight: float = CONTEXT_WEIGHT, speaker_weight: float = SPEAKER_WEIGHT,
                 min_relevance: float | None = MIN_RELEVANCE,
                 min_masked_relevance: float | None = MIN_MASKED_RELEVANCE,
                 neutral_margin: float | None = NEUTRAL_MARGIN):
        self.codebook = codebook
        self.embedder = embedder
        self.C = C
        self.use_contrast = use_contrast
        self.use_codebook = use_codebook
        self.drop_speakers = drop_speakers
        self.min_confidence = min_confidence
        self.require_actor = require_actor
        self.residual = residual
        self.role_weight = role_weight
        self.temperature = temperature
        self.context_window = context_window
        self.context_weight = context_weight
        self.speaker_weight = speaker_weight
        self.min_relevance = min_relevance
        self.min_masked_relevance = min_masked_relevance
        self.neutral_margin = neutral_margin

    _PARAMS = ("C", "use_contrast", "use_codebook", "drop_speakers", "min_confidence", "require_actor", "residual",
               "role_weight", "temperature", "context_window", "context_weight", "speaker_weight", "min_relevance",
               "min_masked_relevance", "neutral_margin")

    def get_params(self, deep: bool = False) -> dict:
        """The constructor's arguments as given (codebook and embedder objects included), as scikit-learn expects."""
        p = {k: getattr(self, k) for k in self._PARAMS}
        p["codebook"] = self.codebook
        p["embedder"] = self.embedder
        return p

    def set_params(self, **params):
        from ._checks import set_params

        return set_params(self, params)

    def _check_params(self) -> None:
        from ._checks import is_number as number
        from ._checks import is_whole

        checks = [("C", self.C, number(self.C) and self.C > 0, "a positive number"),
                  ("temperature", self.temperature, number(self.temperature) and self.temperature > 0,
                   "a positive number"),
                  ("min_confidence", self.min_confidence, number(self.min_confidence) and 0 <= self.min_confidence < 1,
                   "a probability in [0, 1)"),
                  ("role_weight", self.role_weight, number(self.role_weight) and self.role_weight >= 0, "a number >= 0"),
                  ("speaker_weight", self.speaker_weight, number(self.speaker_weight) and self.speaker_weight >= 0,
                   "a number >= 0"),
                  ("min_relevance", self.min_relevance,
                   self.min_relevance is None or (number(self.min_relevance) and -1 <= self.min_relevance <= 1),
                   "a cosine in [-1, 1] or None"),
                  ("min_masked_relevance", self.min_masked_relevance,
                   self.min_masked_relevance is None
                   or (number(self.min_masked_relevance) and -1 <= self.min_masked_relevance <= 1),
                   "a cosine in [-1, 1] or None"),
                  ("neutral_margin", self.neutral_margin,
                   self.neutral_margin is None or (number(self.neutral_margin) and -2 <= self.neutral_margin <= 2),
                   "a difference of cosines in [-2, 2] or None"),
                  ("context_window", self.context_window,
                   is_whole(self.context_window) and self.context_window >= 0, "a whole number of sentences >= 0"),
                  ("context_weight", self.context_weight, number(self.context_weight) and self.context_weight >= 0,
                   "a number >= 0")]
        for name, v, ok, want in checks:
            if not ok:
                raise FramingError(f"StanceScorer {name}: expected {want}, found {v!r}")

    # ------------------------------------------------------------------ features
    def _emb(self):
        from .embed import get_embedder

        return get_embedder(self.embedder)

    def _camps(self, cb: Codebook) -> list[str]:
        return list(dict.fromkeys(a.camp or a.id for a in cb.actors))

    def features(self, texts, embeddings=None) -> tuple[np.ndarray, np.ndarray]:
        """Feature matrix and the "mentions an actor" mask.

        Parameters
        ----------
        texts : list of str, length n
        embeddings : ndarray (n, d), optional
            Precomputed sentence vectors.

        Returns
        -------
        X : ndarray (n, d + n_camps * (d + 1)), float32
            Sentence vector, then per camp the mean mention vector and a 0/1
            flag.
        has_actor : ndarray (n,) bool
        """
        from .embed import preprocess

        texts = [preprocess(t) for t in texts]
        return self._features(texts, embeddings, _mentions_once(texts, self._codebook()))

    def _features(self, texts: list[str], embeddings, mentions) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`features` of preprocessed ``texts`` with their ``_mentions_once`` found."""
        cb = self._codebook()
        emb = self._emb()
        camps = self._camps(cb)
        if not camps or not callable(getattr(emb, "encode_spans", None)):
            S = np.asarray(embeddings if embeddings is not None else emb.encode(texts), dtype=np.float32)
            has = np.zeros(len(S), dtype=bool)
            if camps:
                has = np.array([bool(am) for am, _ in mentions], dtype=bool)
            return S, has
        camp_of = {a.id: a.camp or a.id for a in cb.actors}
        cidx = {c: j for j, c in enumerate(camps)}
        spans, owner = [], []
        for _, ms in mentions:
            if self.drop_speakers:
                content = {camp_of[aid] for _, _, aid, sp in ms if not sp}
                ms = [m for m in ms if not m[3] or camp_of[m[2]] not in content]
            spans.append([(a, b) for a, b, _, _ in ms])
            owner.append([cidx[camp_of[aid]] for _, _, aid, _ in ms])
        if embeddings is not None:
            S = np.asarray(embeddings, dtype=np.float32)
        else:  # one forward pass for the sentence and its mentions, when the embedder can
            S = np.asarray(_encode(emb, texts, spans), dtype=np.float32)
        n, d = S.shape
        V = emb.encode_spans(texts, spans)
        if self.residual and len(V):
            # What the context adds to a name: its vector in the sentence minus
            # its vector alone, so that the name itself ("Russia") carries no
            # stance and the model must read the role from the context.
            surf = [texts[i][a:b] for i, sp in enumerate(spans) for a, b in sp]
            uniq = list(dict.fromkeys(surf))
            alone = emb.encode_spans(uniq, [[(0, len(u))] for u in uniq])
            V = V - alone[[uniq.index(u) for u in surf]]
        M = np.zeros((n, len(camps), d), dtype=np.float32)
        cnt = np.zeros((n, len(camps)), dtype=np.float32)
        k = 0
        for i, own in enumerate(owner):
            for j in own:
                M[i, j] += V[k]
                cnt[i, j] += 1
                k += 1
        M /= np.maximum(cnt, 1)[:, :, None]
        has = cnt.sum(axis=1) > 0
        X = np.concatenate([S, M.reshape(n, -1), (cnt > 0).astype(np.float32)], axis=1)
        return X, has

    def role_evidence(self, texts) -> np.ndarray:
        """Who-does-what-to-whom evidence per frame, from the codebook's ``roles`` tables.

        Each actor mention gets a role (aggressor, victim, defender or
        neutral) from the dependency-free clause heuristics of
        :func:`framing.actors.sentence_roles` ("Russia conducted missile
        strikes against Kyiv": Russia aggressor, Kyiv victim; "Moscow has no
        desire to attack Europe": Moscow defender), corrected for "X accused
        Y of …" and down-weighted after distancing cues ("what they describe
        as …"), see ``_weighted_roles``. A frame gets one point per mention
        whose (actor, role) its ``roles`` table lists, and ``speaker_weight``
        per speaker mention ("Lavrov said") whose actor it lists as
        ``defender``.

        Returns
        -------
        ndarray (n, n_frames), float32
        """
        from .embed import preprocess

        texts = [preprocess(t) for t in texts]
        return self._role_evidence(texts, None)

    def _role_evidence(self, texts: list[str], mentions) -> np.ndarray:
        """:meth:`role_evidence` of preprocessed ``texts``; ``mentions`` from ``_mentions_once`` (or None)."""
        cb = self._codebook()
        E = np.zeros((len(texts), len(cb.frames)), dtype=np.float32)
        if not cb.actors or not any(f.roles for f in cb.frames):
            return E
        if mentions is None:
            mentions = _mentions_once(texts, cb)
        cast = [{(a, role) for role, ids in f.roles.items() for a in ids} for f in cb.frames]
        for i, t in enumerate(texts):
            for actor, role, w in _weighted_roles(t, cb, self.speaker_weight, mentions[i]):
                for j, c in enumerate(cast):
                    if (actor, role) in c:
                        E[i, j] += w
        return E

    def _codebook(self) -> Codebook:
        cb = getattr(self, "codebook_", None)
        return cb if cb is not None else load_codebook(self.codebook)

    # ------------------------------------------------------------------ fit
    @unfit_on_error
    def fit(self, sentences=None, labels=None, *, embeddings=None):
        """Fit on the codebook, and on labelled sentences when given.

        Parameters
        ----------
        sentences : sentence table or list of str, optional
            Labelled sentences (a ``text`` column, or strings).
        labels : sequence of str, optional
            One frame id per sentence (``"none"`` rows are negatives for
            every frame).
        embeddings : ndarray (n, d), optional
            Precomputed vectors of ``sentences``.

        Returns
        -------
        self

        A ``fit`` that raises (a label that is not a frame, say) leaves the
        scorer not fitted: the fitted attributes of an earlier fit are removed
        too, never mixed with the new ones.
        """
        from sklearn.linear_model import LogisticRegression

        from .embed import preprocess, unit_rows

        self._check_params()
        cb = load_codebook(self.codebook)
        self.codebook_ = cb
        self.frame_ids_ = cb.frame_ids
        self.classes_ = np.array(sorted([*cb.frame_ids, NONE]), dtype=object)  # what predict returns (sklearn)
        self.camps_ = self._camps(cb)
        if self.require_actor and self.camps_:  # the actor requirement applies (see score)
            _warn_actorless_exemplars(cb)
        emb = self._emb()
        protos, vecs = [], []
        for f in cb.frames:
            E = np.asarray(emb.encode(list(f.exemplars)), dtype=np.float32)
            vecs.append(unit_rows(E))
            v = E.mean(axis=0)
            protos.append(v / (np.linalg.norm(v) or 1.0))
        self.prototypes_ = np.vstack(protos)
        self.exemplars_ = np.vstack(vecs)
        d = self.exemplars_.shape[1]

        def masked(sents):
            sents = [_mask(preprocess(t), cb) for t in sents]
            return unit_rows(np.asarray(emb.encode(sents), dtype=np.float32) if sents else np.zeros((0, d), np.float32))

        self.masked_exemplars_ = masked([t for f in cb.frames for t in f.exemplars])
        self.masked_contrast_ = masked([t for f in cb.frames for t in f.contrast])
        self.masked_neutral_ = masked(cb.neutral)

        parts = []  # (X, per-frame target matrix with -1 = not used)
        k = len(self.frame_ids_)
        if sentences is not None or labels is not None:
            if sentences is None or labels is None:
                raise FramingError("fit: give both sentences and labels, or neither")
            texts = _texts(sentences)
            labels = [str(x) for x in labels]
            if len(labels) != len(texts):
                raise FramingError(f"fit: {len(texts)} sentences but {len(labels)} labels")
            bad = sorted(set(labels) - set(self.frame_ids_) - {NONE})
            if bad:
                raise FramingError(f"fit: label {bad[0]!r} is not a frame of codebook {cb.id!r} "
                                   f"(frames: {', '.join(self.frame_ids_)}, or 'none')")
            X, _ = self.features(texts, embeddings)
            Y = np.array([[1 if lab == fid else 0 for fid in self.frame_ids_] for lab in labels], dtype=np.int8)
            parts.append((X, Y))
            self.trained_on_ = {"labelled_sentences": len(texts), "codebook": cb.id if self.use_codebook else None}
        else:
            self.trained_on_ = {"labelled_sentences": 0, "codebook": cb.id}
        if self.use_codebook or not parts:
            ts = _codebook_training_set(cb)
            if not self.use_contrast:
                contrast = {t for f in cb.frames for t in f.contrast}
                ts = ts[~(~ts["positive"] & ts["text"].isin(contrast))]
            uniq = list(dict.fromkeys(ts["text"]))
            X, _ = self.features(uniq)
            row = {t: i for i, t in enumerate(uniq)}
            Y = -np.ones((len(uniq), k), dtype=np.int8)
            for t, fid, pos in ts.itertuples(index=False):
                j = self.frame_ids_.index(fid)
                Y[row[t], j] = max(Y[row[t], j], int(pos))
            parts.append((X, Y))
        X = np.vstack([p[0] for p in parts])
        Y = np.vstack([p[1] for p in parts])
        coef = np.zeros((k, X.shape[1]), dtype=np.float32)
        icpt = np.zeros(k, dtype=np.float32)
        self.fallback_ = np.zeros(k, dtype=bool)
        for j in range(k):
            use = Y[:, j] >= 0
            yj = Y[use, j]
            if yj.min() == yj.max():  # no negatives (or no positives): prototype fallback
                self.fallback_[j] = True
                continue
            lr = LogisticRegression(C=self.C, max_iter=5000, class_weight="balanced").fit(X[use], yj)
            coef[j] = lr.coef_[0]
            icpt[j] = lr.intercept_[0]
        self.coef_ = coef
        self.intercept_ = icpt
        self.n_features_ = X.shape[1]
        return self

    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            raise not_fitted("StanceScorer is not fitted yet; call fit() first (or StanceScorer.load(path))")

    # ------------------------------------------------------------------ score
    def decision_function(self, texts, embeddings=None) -> tuple[np.ndarray, np.ndarray]:
        """Per-frame scores (n, n_frames) before the softmax, and the eligible mask (n,).

        ``score_f = logit_f / temperature + role_weight * roles_f``: the
        frame's logistic-regression logit on the mention features, plus the
        role evidence of :meth:`role_evidence`. A sentence is *eligible* for
        a frame when it mentions a codebook actor (with ``require_actor`` and
        a codebook with actors) and reaches ``min_relevance`` and
        ``min_masked_relevance`` (when set).
        """
        s, codes = self._decision(texts, embeddings)
        return s, codes == 0

    def _decision(self, texts, embeddings=None) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`decision_function` with, instead of the eligible mask, why a sentence is not eligible
        (an index into :data:`NONE_REASONS`; 0 = eligible)."""
        self._check_fitted()
        texts = list(texts)
        if embeddings is not None and len(embeddings) != len(texts):  # review21-api: an IndexError deep inside
            raise FramingError(f"embeddings: expected {len(texts)} rows (one per text), found {len(embeddings)}")
        if len(texts) > _CHUNK:
            # the feature matrix is (n, d * (1 + camps)) float32: ~0.8 GB for 100k sentences at once
            parts = [self._decision(texts[i:i + _CHUNK], None if embeddings is None else embeddings[i:i + _CHUNK])
                     for i in range(0, len(texts), _CHUNK)]
            return np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        from .embed import preprocess

        texts = [preprocess(t) for t in texts]
        mentions = _mentions_once(texts, self._codebook())  # shared by the features and the role evidence
        X, has = self._features(texts, embeddings, mentions)
        if X.shape[1] != self.n_features_:
            raise FramingError(f"StanceScorer: features have {X.shape[1]} columns, the model expects "
                               f"{self.n_features_}; was it fitted with another embedder or codebook?")
        codes = self._eligible(X, has, texts, mentions)
        z = X @ self.coef_.T + self.intercept_
        if self.fallback_.any():
            d = self.prototypes_.shape[1]
            cos = np.clip(X[:, :d] @ self.prototypes_.T, -0.999, 0.999)
            q = (cos + 1) / 2
            z[:, self.fallback_] = np.log(q / (1 - q))[:, self.fallback_]
        s = z / float(self.temperature)
        if self.role_weight:
            s = s + float(self.role_weight) * self._role_evidence(texts, mentions)
        return s.astype(np.float64), codes

    def predict_proba(self, texts, embeddings=None) -> np.ndarray:
        """Probabilities (n, len(classes_)), columns in the order of ``classes_``, as scikit-learn expects.

        A sentence that may get a frame (the eligible mask of
        :meth:`frame_proba`) gets its frames' softmax and ``none`` 0; one that
        may not (no actor, off topic, neutral) gets ``none`` 1. The
        ``min_confidence`` cut of :meth:`predict` is not applied, so an
        eligible sentence can be predicted ``none`` while its ``none``
        column is 0. For the frames alone, in codebook order, with the
        eligible mask, use :meth:`frame_proba`.
        """
        P, codes = self._proba(_texts(texts), embeddings)
        out = np.zeros((len(P), len(self.classes_)), dtype=np.float64)
        col = {c: j for j, c in enumerate(self.classes_)}
        ok = codes == 0
        for j, fid in enumerate(self.frame_ids_):
            out[ok, col[fid]] = P[ok, j]
        out[~ok, col[NONE]] = 1.0
        return out

    def frame_proba(self, texts, embeddings=None, *, groups=None, order=None) -> tuple[np.ndarray, np.ndarray]:
        """Per-frame probabilities (n, n_frames) and the eligible mask (n,) of :meth:`decision_function`.

        A softmax over the frames of :meth:`decision_function` (rows sum to
        1); a one-frame codebook gets the sigmoid of its score.

        Parameters
        ----------
        texts : list of str, length n
        embeddings : ndarray (n, d), optional
        groups : sequence, length n, optional
            Article of each text. When given (and ``context_weight`` > 0),
            each sentence's frame scores are shifted towards those of its
            neighbours: ``context_weight`` times the mean (frame-centred)
            score of the up to ``context_window`` sentences before and after
            it in the same article that mention an actor.
        order : sequence, length n, optional
            Position within the article (``sentence_id``); default: row order.
        """
        P, codes = self._proba(texts, embeddings, groups=groups, order=order)
        return P, codes == 0

    def _proba(self, texts, embeddings=None, *, groups=None, order=None) -> tuple[np.ndarray, np.ndarray]:
        texts = list(texts)
        if not texts:  # an empty table (a filter that kept nothing) scores to an empty table
            self._check_fitted()
            return np.zeros((0, len(self.frame_ids_))), np.zeros(0, dtype=int)
        s, codes = self._decision(texts, embeddings)
        if groups is not None and self.context_weight and self.context_window and s.shape[1] > 1:
            s = s + float(self.context_weight) * _context_scores(s, codes == 0, groups, order, int(self.context_window))
        if s.shape[1] == 1:
            return 1.0 / (1.0 + np.exp(-s)), codes
        s = s - s.max(axis=1, keepdims=True)
        P = np.exp(s)
        return P / P.sum(axis=1, keepdims=True), codes

    def _eligible(self, X: np.ndarray, has: np.ndarray, texts=None, mentions=None) -> np.ndarray:
        """Why each sentence may not get a frame, as an index into :data:`NONE_REASONS` (0: it may).

        It must mention an actor (when required), be about the codebook's
        topic (``min_relevance``, ``min_masked_relevance``, when set) and not
        read like its neutral exemplars (``neutral_margin``), checked in that
        order; ``texts`` preprocessed, ``mentions`` from ``_mentions_once``."""
        codes = np.zeros(len(X), dtype=np.int8)
        if self.require_actor and self.camps_:
            codes[~has] = 1
        if self.min_relevance is not None and getattr(self, "exemplars_", None) is not None:
            codes[(codes == 0) & (self._relevance(X) < float(self.min_relevance))] = 2
        gate = self.min_masked_relevance is not None and getattr(self, "masked_exemplars_", None) is not None
        neutral = self._neutral_on()
        if (gate or neutral) and texts is not None and (codes == 0).any():
            rows = np.flatnonzero(codes == 0)  # only the rows still in play are encoded again (once, for both tests)
            masked = [_mask(texts[i], self._codebook(), mentions[i][0] if mentions is not None else None) for i in rows]
            M = self._masked_vectors(masked)
            if gate:
                fail = (M @ self.masked_exemplars_.T).max(axis=1) < float(self.min_masked_relevance)
                codes[rows[fail]] = 3
                rows, M = rows[~fail], M[~fail]
            if neutral and len(rows):
                codes[rows[self._neutrality(M) > float(self.neutral_margin)]] = 4
        return codes

    def _neutral_on(self) -> bool:
        """Whether the neutral test applies: a margin is set and the model has neutral exemplars."""
        nm = getattr(self, "masked_neutral_", None)
        return (self.neutral_margin is not None and nm is not None and len(nm) > 0
                and getattr(self, "masked_exemplars_", None) is not None)

    def _masked_vectors(self, masked: list[str]) -> np.ndarray:
        from .embed import unit_rows

        if not masked:
            return np.zeros((0, self.masked_exemplars_.shape[1]), np.float32)
        return unit_rows(np.asarray(self._emb().encode(masked), dtype=np.float32))

    def _masked_relevance(self, masked: list[str]) -> np.ndarray:
        M = self._masked_vectors(masked)
        return (M @ self.masked_exemplars_.T).max(axis=1) if len(M) else np.zeros(0)

    def _neutrality(self, M: np.ndarray) -> np.ndarray:
        """Nearest neutral exemplar's cosine minus nearest frame exemplar's or contrast sentence's, (n,)."""
        stance = self.masked_exemplars_
        if getattr(self, "masked_contrast_", None) is not None and len(self.masked_contrast_):
            stance = np.vstack([stance, self.masked_contrast_])
        return (M @ self.masked_neutral_.T).max(axis=1) - (M @ stance.T).max(axis=1)

    def neutrality(self, texts) -> np.ndarray:
        """How much more each text reads like the codebook's neutral exemplars than like any frame, (n,).

        With every actor mention masked (as for :meth:`masked_relevance`):
        the highest cosine to the ``[neutral]`` exemplars minus the highest
        cosine to the frames' exemplars and contrast sentences. What
        ``neutral_margin`` is compared to: above it, ``none``. "Biden and
        Putin will meet face to face in Geneva in mid-June." is well above
        0; "Russian missiles hit a hospital in Kyiv." well below.
        """
        from .embed import preprocess

        self._check_fitted()
        if (getattr(self, "masked_neutral_", None) is None or not len(self.masked_neutral_)
                or getattr(self, "masked_exemplars_", None) is None):
            raise FramingError("StanceScorer: this model has no neutral exemplars (its codebook has no [neutral] "
                               "table, or it was saved before neutral_margin); add them to the codebook and refit")
        cb = self._codebook()
        return self._neutrality(self._masked_vectors([_mask(preprocess(t), cb) for t in _texts(texts)]))

    def masked_relevance(self, texts) -> np.ndarray:
        """Highest cosine of each text to the codebook's exemplars with every actor mention masked, (n,).

        What ``min_masked_relevance`` is compared to: each mention found by
        :func:`framing.actors.find_mentions` is replaced by "someone", in the
        text and in the exemplars, so that naming an actor no longer makes a
        sentence look relevant ("someone headquarters opened a new
        cafeteria").
        """
        from .embed import preprocess

        self._check_fitted()
        if getattr(self, "masked_exemplars_", None) is None:
            raise FramingError("StanceScorer: this model has no masked exemplar vectors (saved before "
                               "min_masked_relevance); refit it")
        cb = self._codebook()
        return self._masked_relevance([_mask(preprocess(t), cb) for t in _texts(texts)])

    def _relevance(self, X: np.ndarray) -> np.ndarray:
        d = self.exemplars_.shape[1]
        return (X[:, :d] @ self.exemplars_.T).max(axis=1) if len(X) else np.zeros(0)

    def relevance(self, texts, embeddings=None) -> np.ndarray:
        """Highest cosine of each text to the codebook's exemplars, (n,): what ``min_relevance`` is compared to."""
        from .embed import preprocess

        self._check_fitted()
        if getattr(self, "exemplars_", None) is None:
            raise FramingError("StanceScorer: this model has no exemplar vectors (saved before min_relevance); refit it")
        texts = [preprocess(t) for t in _texts(texts)]
        S = embeddings if embeddings is not None else self._emb().encode(texts)
        return self._relevance(np.asarray(S, dtype=np.float32))

    def _assign(self, P: np.ndarray, has: np.ndarray):
        best = P.argmax(axis=1)
        top = P[np.arange(len(P)), best]
        k = P.shape[1]
        thr = applied_min_confidence(self.min_confidence, k)
        keep = top >= thr
        keep &= has  # the eligible mask of decision_function
        ids = np.array(self.frame_ids_, dtype=object)[best]
        labels = np.where(keep, ids, NONE)
        return labels, np.where(keep, top, 0.0)

    def predict(self, texts, embeddings=None) -> np.ndarray:
        """Frame id or ``"none"`` per text."""
        P, codes = self._proba(_texts(texts), embeddings)
        return self._assign(P, codes == 0)[0]

    def score(self, sentences: pd.DataFrame, embeddings=None) -> pd.DataFrame:
        """The sentence table plus one probability column per frame, ``frame``, ``confidence`` and ``none_reason``.

        ``none_reason`` says why a sentence got ``none`` (one of
        :data:`NONE_REASONS`: it names no codebook actor, it is off the
        codebook's topic, it is off topic once the actors' names are masked,
        it reads like the codebook's neutral exemplars (``neutral_margin``),
        or the best frame's probability is below ``min_confidence``), and is
        empty for a framed sentence. With an ``article_id`` column,
        neighbouring sentences of the same article (ordered by
        ``sentence_id`` when present) give context, see :meth:`frame_proba`.
        """
        from .frames import _not_labels

        _not_labels(embeddings, "StanceScorer")
        texts = _texts(sentences)
        groups = order = None
        if isinstance(sentences, pd.DataFrame) and "article_id" in sentences.columns:
            groups = sentences["article_id"].to_numpy()
            if "sentence_id" in sentences.columns:
                order = sentences["sentence_id"].to_numpy()
        P, codes = self._proba(texts, embeddings, groups=groups, order=order)
        labels, conf = self._assign(P, codes == 0)
        out = sentences.copy() if isinstance(sentences, pd.DataFrame) else pd.DataFrame({"text": texts})
        for j, fid in enumerate(self.frame_ids_):
            out[fid] = P[:, j].astype(np.float64).round(6)
        out["frame"] = labels
        out["confidence"] = np.round(conf.astype(np.float64), 6)
        reason = np.where(codes == 0, len(NONE_REASONS) - 1, codes)  # eligible but unframed: low confidence
        out["none_reason"] = np.where(labels == NONE, np.array(NONE_REASONS, dtype=object)[reason], "")
        return out

    # ------------------------------------------------------------------ save / load
    def save(self, path) -> Path:
        """Write ``<path>.json`` (card: parameters, codebook, embedder, training data) and ``<path>.npz``."""
        self._check_fitted()
        path = Path(path)
        base = path.with_suffix("") if path.suffix in {".json", ".npz"} else path
        card = {
            "format": FORMAT,
            "params": {k: getattr(self, k) for k in self._PARAMS},
            "codebook": self.codebook_.id,
            "codebook_path": Path(self.codebook_.path).name if self.codebook_.path else None,
            "embedder": getattr(self._emb(), "model_id", type(self._emb()).__name__),
            "frame_ids": list(self.frame_ids_),
            "camps": list(self.camps_),
            "n_features": int(self.n_features_),
            "trained_on": self.trained_on_,
        }
        import io

        from .cache import atomic_write_bytes

        buf = io.BytesIO()
        arrays = {"coef": self.coef_, "intercept": self.intercept_, "prototypes": self.prototypes_,
                  "fallback": self.fallback_, "exemplars": getattr(self, "exemplars_", None),
                  "masked_exemplars": getattr(self, "masked_exemplars_", None),
                  "masked_contrast": getattr(self, "masked_contrast_", None),
                  "masked_neutral": getattr(self, "masked_neutral_", None)}
        # a model loaded from an older format lacks the newer arrays: they are left out (None would be pickled)
        np.savez(buf, **{k: v for k, v in arrays.items() if v is not None})
        try:
            # temp file + rename, so a killed run never leaves a truncated model behind
            atomic_write_bytes(base.with_suffix(".npz"), buf.getvalue())
            atomic_write_bytes(base.with_suffix(".json"), (json.dumps(card, indent=2) + "\n").encode("utf-8"))
        except OSError as exc:
            raise FramingError(f"stance model '{base}.json': cannot write it ({exc.strerror or exc})") from None
        return base.with_suffix(".json")

    @classmethod
    def load(cls, path, codebook=None, embedder=None) -> "StanceScorer":
        """Read a scorer written by :meth:`save` (no pickle involved)."""
        path = Path(path)
        base = path.with_suffix("") if path.suffix in {".json", ".npz"} else path
        try:
            card = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise FramingError(f"stance model '{base}.json': cannot read it ({exc})") from None
        if not isinstance(card, dict) or card.get("format") not in _FORMATS:
            found = card.get("format") if isinstance(card, dict) else type(card).__name__
            raise FramingError(f"stance model '{base}.json': format {found!r}, expected {FORMAT!r}")
        params = dict(card.get("params", {}))
        if card["format"] == "framing.stance/v1":  # before role evidence and the softmax
            params.setdefault("role_weight", 0.0)
            params.setdefault("temperature", 1.0)
        if card["format"] in ("framing.stance/v1", "framing.stance/v2"):  # before the relevance gate
            params.setdefault("min_relevance", None)
        if card["format"] not in ("framing.stance/v4", FORMAT):  # before the masked relevance gate
            params.setdefault("min_masked_relevance", None)
        if card["format"] != FORMAT:  # before the neutral exemplars
            params.setdefault("neutral_margin", None)
        obj = cls(codebook=codebook if codebook is not None else card["codebook"], embedder=embedder, **params)
        cb = load_codebook(obj.codebook)
        if cb.frame_ids != card["frame_ids"]:
            raise FramingError(f"stance model '{base}.json': trained for frames {card['frame_ids']}, "
                               f"codebook {cb.id!r} has {cb.frame_ids}")
        try:
            with np.load(base.with_suffix(".npz"), allow_pickle=False) as z:
                obj.coef_, obj.intercept_ = z["coef"], z["intercept"]
                obj.prototypes_, obj.fallback_ = z["prototypes"], z["fallback"].astype(bool)
                obj.exemplars_ = z["exemplars"] if "exemplars" in z.files else None
                obj.masked_exemplars_ = z["masked_exemplars"] if "masked_exemplars" in z.files else None
                obj.masked_contrast_ = z["masked_contrast"] if "masked_contrast" in z.files else None
                obj.masked_neutral_ = z["masked_neutral"] if "masked_neutral" in z.files else None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:  # missing, truncated, not ours
            raise FramingError(f"stance model '{base}.npz': cannot read its arrays ({type(exc).__name__}: {exc})") from None
        obj.codebook_ = cb
        obj.frame_ids_ = cb.frame_ids
        obj.camps_ = card["camps"]
        obj.n_features_ = card["n_features"]
        obj.trained_on_ = card.get("trained_on", {})
        return obj


def fitted_scorer(codebook=None, embedder=None, **params) -> StanceScorer:
    """A :class:`StanceScorer` fitted on the codebook, cached on disk as data.

    With a real :class:`framing.embed.Embedder` whose cache is on, the fitted
    model is stored as ``<cache>/stance-models/<key>.json/.npz`` (written
    atomically), keyed by the codebook's content, the embedder's fingerprint,
    the parameters and the model format, so a warm run loads it instead of
    importing scikit-learn and refitting. A missing, unreadable or stale
    file is refitted.
    """
    import hashlib

    from .embed import get_embedder

    cb = load_codebook(codebook)
    emb = get_embedder(embedder)
    sc = StanceScorer(codebook=cb, embedder=emb, **params)
    # Only an embedder with an on-disk cache (framing's Embedder, cache on) gets a cached model.
    if getattr(emb, "cache", None) is not True or not isinstance(getattr(emb, "fingerprint", None), str):
        return sc.fit()
    from .cache import default_cache_dir

    from .actors import MATCH_VERSION
    from .embed import SPAN_VERSION

    spec = json.dumps({"format": FORMAT, "codebook": codebook_digest(cb), "embedder": emb.fingerprint, "spans": SPAN_VERSION,
                       "mentions": MATCH_VERSION,
                       "params": {k: getattr(sc, k) for k in sc._PARAMS}}, sort_keys=True, default=str)
    key = hashlib.sha256(spec.encode("utf-8")).hexdigest()[:32]
    base = Path(emb.cache_dir or default_cache_dir()) / "stance-models" / key
    if base.with_suffix(".json").is_file() and base.with_suffix(".npz").is_file():
        try:
            return StanceScorer.load(base, codebook=cb, embedder=emb)
        except FramingError:
            pass  # truncated or foreign: refit below
    sc.fit()
    try:
        sc.save(base)
    except FramingError:
        pass  # a read-only cache only costs the refit next time
    return sc


# --------------------------------------------------------------------------- checking a codebook

CHECK_COLUMNS = ["frame", "kind", "pair", "text", "fold", "predicted", "confidence", "none_reason", "ok", "relevance",
                 "masked_relevance"]


def applied_min_confidence(min_confidence: float, k: int) -> float:
    """The threshold a :class:`StanceScorer` applies with ``k`` frames: ``min_confidence`` is on the two-frame
    scale, and with more frames the same distance from chance (``1/k``) is kept."""
    return float(min_confidence) if k <= 2 else 1 / k + (float(min_confidence) - 0.5) * 2 * (1 - 1 / k)


def check_codebook(codebook=None, embedder=None, *, n_splits: int = 5, random_state: int = 0,
                   **params) -> pd.DataFrame:
    """Cross-validate a codebook on its own sentences: how well does the scorer read each frame?

    The codebook's sentences are split into ``n_splits`` folds, within each
    frame, an exemplar together with its ``contrast`` pair (``pair`` of
    :meth:`framing.codebook.Codebook.exemplars_table`), and the ``[neutral]``
    sentences among them. Each fold is scored by a :class:`StanceScorer`
    fitted on the codebook without that fold, so each sentence is read by a
    model that never saw it or its minimal pair. An exemplar is read well
    when it gets its own frame; a contrast sentence (its frame's topic,
    stance flipped) when it does not get its frame; a neutral sentence when
    it gets ``none``.

    It shows frames that are thin or overlap, and which sentences fail: a
    frame with few of its own exemplars read back (say under two thirds)
    needs more, or more distinct, exemplars, and frames that overlap need
    sharper descriptions of who does what to whom. It is not an estimate
    of accuracy on articles. Held out, a frame with few exemplars loses
    much of itself, so small frames read pessimistic; and exemplars name
    the actors as listed, so aliases missing for the names articles use
    (the commonest cause of ``none`` on real text) do not show here: score
    a sample of your own sentences and look at ``none_reason`` and
    :func:`unmatched_names` (``framing codebook check --articles``). On the
    bundled codebook 42 of its 48 exemplars come back as their own frame.
    A three-frame codebook on COVID-19 vaccine mandates written in an audit
    (not in the repository) got 16 of 25, and 1 of 5 for its thinnest
    frame; a reader found the scorer right on 12 of 30 of its framed news
    sentences. In a review, three codebooks' checks were off from their
    accuracy on 54 hand-labelled held-out sentences by -0.63 to +0.19, while
    adding exemplars and aliases raised that accuracy every time; in an
    audit on another topic it left accuracy on 20 fresh sentences unchanged
    (12 of 20).

    Parameters
    ----------
    codebook : str, path or Codebook, optional
    embedder : str or Embedder, optional
    n_splits : int
        Folds (at least 2). A frame with a single exemplar cannot be held
        out: its exemplar is not checked (``fold`` -1, ``ok`` missing).
    random_state : int
        Seeds the assignment of sentences to folds.
    **params
        Passed to :class:`StanceScorer` (e.g. ``min_confidence``).

    Returns
    -------
    pandas.DataFrame
        One row per sentence of the codebook: :data:`CHECK_COLUMNS`
        (``frame`` the sentence belongs to, empty for neutral ones; ``kind``
        exemplar, contrast or neutral; ``predicted`` a frame id or
        ``none``; ``ok`` a nullable boolean; ``relevance`` and
        ``masked_relevance`` what the scorer's ``min_relevance`` and
        ``min_masked_relevance`` gates compare: the sentence's closeness to
        the rest of the codebook) and one probability column per frame.
        :func:`codebook_check_summary` condenses it per frame, and
        :func:`suggest_gates` turns the relevance columns into gates that
        would let the codebook's own exemplars through.
    """
    import dataclasses
    import warnings

    from .codebook import load_codebook
    from .embed import get_embedder

    check_whole("n_splits", n_splits, 2)
    known = StanceScorer().get_params()
    unknown = [k for k in params if k not in known or k in ("codebook", "embedder")]
    if unknown:  # audit21: articles= reached StanceScorer as "unexpected keyword argument"
        raise FramingError(
            f"check_codebook: unknown parameter {unknown[0]!r}; the others are passed to StanceScorer, whose "
            f"parameters are {', '.join(k for k in known if k not in ('codebook', 'embedder'))}"
            + ("; to see how the codebook reads your articles, score them (run = framing.run_pipeline(articles, "
               "codebook=...)) and read run.sentences['none_reason'] and framing.stance.unmatched_names("
               "run.sentences, codebook), as `framing codebook check --articles` does" if unknown[0] == "articles"
               else ""))
    cb = load_codebook(codebook)
    emb = get_embedder(embedder)
    rows = [{"frame": r.frame, "kind": r.kind, "pair": int(r.pair), "text": r.text}
            for r in cb.exemplars_table().itertuples(index=False)]
    rows += [{"frame": "", "kind": "neutral", "pair": i, "text": t} for i, t in enumerate(cb.neutral)]
    tab = pd.DataFrame(rows, columns=["frame", "kind", "pair", "text"])
    # folds within each frame, an exemplar and its contrast pair together; neutral sentences on their own
    rng = np.random.default_rng(random_state)
    fold = {}
    for key in [f.id for f in cb.frames] + [""]:
        pairs = sorted(set(tab.loc[tab["frame"] == key, "pair"]))
        n_ex = len(cb.frame(key).exemplars) if key else len(pairs)
        if key and n_ex < 2:
            for p in pairs:
                fold[(key, p)] = -1
            continue
        offset = int(rng.integers(n_splits))  # frames do not all start their folds at fold 0
        for i, p in enumerate(rng.permutation(pairs)):
            fold[(key, int(p))] = (i + offset) % n_splits
    tab["fold"] = [fold[(f, p)] for f, p in zip(tab["frame"], tab["pair"])]
    whole = StanceScorer(cb, emb, **params)
    if whole.require_actor and whole._camps(cb):
        _warn_actorless_exemplars(cb)
    pieces = []
    for k in range(n_splits):
        held = tab[tab["fold"] == k]
        if held.empty:
            continue
        out_pairs = {(f, p) for f, p, kind in zip(held["frame"], held["pair"], held["kind"]) if kind != "neutral"}
        frames = tuple(dataclasses.replace(
            f, exemplars=tuple(t for i, t in enumerate(f.exemplars) if (f.id, i) not in out_pairs),
            contrast=tuple(t for i, t in enumerate(f.contrast) if (f.id, i) not in out_pairs)) for f in cb.frames)
        gone = set(held.loc[held["kind"] == "neutral", "pair"])
        sub = dataclasses.replace(cb, frames=frames, neutral=tuple(t for i, t in enumerate(cb.neutral) if i not in gone))
        with warnings.catch_warnings():  # said once below, of the whole codebook, not per fold with its counts
            warnings.filterwarnings("ignore", message=".*exemplars name no actor of the codebook")
            sc = StanceScorer(sub, emb, **params).fit()
        scored = sc.score(held[["text"]].reset_index(drop=True))
        # what the relevance gates compare (min_relevance, min_masked_relevance): how close the held-out sentence
        # is to the rest of the codebook
        scored["relevance"] = np.round(sc.relevance(held["text"].tolist()).astype(np.float64), 4)
        scored["masked_relevance"] = np.round(sc.masked_relevance(held["text"].tolist()).astype(np.float64), 4)
        scored.index = held.index
        pieces.append(scored.drop(columns=["text"]).rename(columns={"frame": "predicted"}))
    out = tab.join(pd.concat(pieces)) if pieces else tab.assign(predicted=None)
    out = _check_result(out, cb)
    out.attrs["gates"] = {"min_relevance": whole.min_relevance, "min_masked_relevance": whole.min_masked_relevance}
    return out


def _check_result(out: pd.DataFrame, cb) -> pd.DataFrame:
    """Order the columns of :func:`check_codebook` and decide ``ok``."""
    out = out.copy()
    ok = pd.Series(pd.NA, index=out.index, dtype="boolean")
    read = out["predicted"].notna()
    ex, co, ne = (out["kind"] == k for k in ("exemplar", "contrast", "neutral"))
    ok[read & ex] = (out["predicted"] == out["frame"])[read & ex]
    ok[read & co] = (out["predicted"] != out["frame"])[read & co]
    ok[read & ne] = (out["predicted"] == NONE)[read & ne]
    out["ok"] = ok
    for col, fill in (("confidence", np.nan), ("none_reason", ""), ("relevance", np.nan),
                      ("masked_relevance", np.nan)):
        if col not in out.columns:
            out[col] = fill
    return out[CHECK_COLUMNS + [f for f in cb.frame_ids if f in out.columns]].reset_index(drop=True)


def codebook_check_summary(check: pd.DataFrame) -> pd.DataFrame:
    """Per frame, how its sentences were read in :func:`check_codebook`.

    Returns
    -------
    pandas.DataFrame
        One row per frame (then ``[neutral]`` when the codebook has neutral
        sentences): ``frame``, ``n_exemplars`` (checked), ``own`` (share read
        as the frame), ``none`` (share read as no frame), ``other`` (share
        read as another frame), ``n_contrast``, ``contrast_ok`` (share of
        contrast sentences not read as the frame), ``n_neutral``,
        ``neutral_ok`` (share read as ``none``).
    """
    rows = []
    checked = check[check["ok"].notna()]
    # a neutral sentence has no frame: "" here, NaN in a check read back from CSV (audit21: a phantom row)
    frames = list(dict.fromkeys(f for f in check["frame"] if isinstance(f, str) and f))
    for fid in frames:
        ex = checked[(checked["frame"] == fid) & (checked["kind"] == "exemplar")]
        co = checked[(checked["frame"] == fid) & (checked["kind"] == "contrast")]
        n = len(ex)
        rows.append({"frame": fid, "n_exemplars": n,
                     "own": (ex["predicted"] == fid).mean() if n else np.nan,
                     "none": (ex["predicted"] == NONE).mean() if n else np.nan,
                     "other": (~ex["predicted"].isin([fid, NONE])).mean() if n else np.nan,
                     "n_contrast": len(co), "contrast_ok": co["ok"].astype(float).mean() if len(co) else np.nan,
                     "n_neutral": 0, "neutral_ok": np.nan})
    ne = checked[checked["kind"] == "neutral"]
    if len(ne):
        rows.append({"frame": "[neutral]", "n_exemplars": 0, "own": np.nan, "none": np.nan, "other": np.nan,
                     "n_contrast": 0, "contrast_ok": np.nan, "n_neutral": len(ne),
                     "neutral_ok": ne["ok"].astype(float).mean()})
    cols = ["frame", "n_exemplars", "own", "none", "other", "n_contrast", "contrast_ok", "n_neutral", "neutral_ok"]
    return pd.DataFrame(rows, columns=cols).round(3)


def suggest_gates(check: pd.DataFrame, keep: float = 0.9) -> dict:
    """Relevance gates under which ``keep`` of a codebook's held-out exemplars would pass.

    The scorer's ``min_relevance`` (0.33) and ``min_masked_relevance``
    (0.31) were tuned on the bundled codebook, whose 48 exemplars cover its
    frames closely. A small codebook of one's own can have exemplars each
    unlike the others: held out, they are turned away as ``off topic``, and
    so are sentences like them in articles. This reads the ``relevance``
    columns of :func:`check_codebook` and returns, for each gate, the
    one the check used (the default unless ``check_codebook`` was given
    another) when it already lets ``keep`` of the exemplars through, else
    the ``1 - keep`` quantile of their closeness (rounded down to 0.01).
    Lower gates also let more off-topic sentences through: check the
    ``none_reason`` of a sample of your sentences after changing them.

    Returns
    -------
    dict
        ``min_relevance`` and ``min_masked_relevance`` (floats; pass them to
        :class:`StanceScorer`), and ``n`` (exemplars read).
    """
    if not 0 < keep < 1:
        raise FramingError(f"keep: expected a share between 0 and 1, found {keep!r}")
    ex = check[(check["kind"] == "exemplar") & check["relevance"].notna()]
    used = {"min_relevance": MIN_RELEVANCE, "min_masked_relevance": MIN_MASKED_RELEVANCE,
            **check.attrs.get("gates", {})}
    out = {"n": int(len(ex))}
    for gate, col in (("min_relevance", "relevance"), ("min_masked_relevance", "masked_relevance")):
        now = used[gate]
        q = float(np.quantile(ex[col].to_numpy(dtype=float), 1 - keep)) if len(ex) else np.inf
        out[gate] = now if now is None or q >= now else float(np.floor(q * 100) / 100)
    return out


# Agency names join their capitalised words with "of"/"for" after a head word, and "and" before a last
# part: "Centers for Disease Control and Prevention", "Ministry of Foreign Affairs", "Bank of America".
_NAME_PART = r"(?:[A-Z][\w’'.-]*(?![\w’'.-]))"  # a whole word (no possessive *+: Python 3.10 lacks it)
_NAME_HEADS = ("Academy Administration Agency Alliance Army Assembly Association Authority Bank Board Bureau Cabinet "
               "Center Centers Centre Centres Chamber Church Coalition College Command Commission Committee Congress "
               "Council Court Department Division Embassy Federation Forces Foundation Fund House Institute Institutes "
               "League Minister Ministry Museum Navy Office Organisation Organization Party Republic Secretary Senate "
               "Service Services Society School Union University").split()
_JOINED = re.compile(rf"\b(?:{'|'.join(_NAME_HEADS)})\s+(?:of|for)\s+(?:the\s+)?{_NAME_PART}"
                     rf"(?:\s+{_NAME_PART})*(?:\s+and\s+{_NAME_PART}(?:\s+{_NAME_PART})*(?!\s+(?:of|for)\s))?")


def _joined_names(text: str) -> list[str]:
    """Agency names joined by "of"/"for" after a head word ("Bank of America"), lower-cased.

    "and" joins only a last part that has no "of" of its own: "Department of
    Health and Human Services" is one name, "Department of Homeland Security
    and Bank of America" two.
    """
    from .events import _NOT_NAMES

    out = []
    for m in _JOINED.finditer(text):
        words = m.group(0).split()
        before = text[:m.start()].split()  # the capitalised words just before the head: "U.S. Department of State"
        while before and re.fullmatch(_NAME_PART, before[-1]) and not before[-1].endswith(",") and (
                not before[-1].endswith(".") or len(before[-1]) <= 3 or re.fullmatch(r"(?:[A-Z]\.)+", before[-1])):
            words.insert(0, before.pop())  # not past a full stop, but past "St." and "U.S."
        while words and words[0].lower().rstrip(".") in _NOT_NAMES and words[0] not in _NAME_HEADS:
            words.pop(0)  # "The", not "Secretary"
        if words and words[0][0].isupper():  # written as named_things writes names
            out.append(" ".join(w.rstrip(".") for w in words).lower())
    return out


_CALENDAR = {w for m in ("january february march april may june july august september october november december "
                         "monday tuesday wednesday thursday friday saturday sunday").split() for w in (m, m[:3])} | {
    "sept", "tues", "thur", "thurs"}


ACTOR_FRAME_SHARE = 0.8  # an actor whose framed sentences get one frame this often is flagged by actor_frames
ACTOR_FRAME_MIN = 10  # ... when it is named in at least this many framed sentences


def actor_frames(scored: pd.DataFrame, codebook=None, *, share: float = ACTOR_FRAME_SHARE,
                 min_framed: int = ACTOR_FRAME_MIN) -> pd.DataFrame:
    """Per actor of the codebook, which frames its framed sentences get: is the name deciding the frame?

    The stance scorer reads who does what to whom. When a codebook's frames
    differ rather by how they judge the same events (a success or a
    failure), the actor a sentence names can decide its frame: in an audit
    on the 2021 Afghanistan withdrawal, sentences calling it "botched" that
    named Biden went mostly to an "ending the war" frame. An actor whose
    framed sentences nearly all get one frame is a place to read a sample.

    Parameters
    ----------
    scored : DataFrame
        Scored sentences (``text``, ``frame``), e.g. ``run.sentences``.
    codebook : str, path or Codebook, optional
    share, min_framed : float, int
        ``flag`` is set for an actor named in at least ``min_framed`` framed
        sentences, ``share`` or more of them in one frame.

    Returns
    -------
    pandas.DataFrame
        ``actor``, ``n_framed`` (framed sentences naming it), ``top_frame``,
        ``top_count`` (of them in that frame), ``top_share``, ``flag``, most
        framed sentences first; actors named in no framed sentence are left
        out. With the bundled codebook, whose frames are read through who
        does what, an actor such as Russia can be flagged on ordinary war
        reporting: the flag says where to read, not that the scorer erred.
    """
    from .actors import find_mentions
    from .codebook import load_codebook

    if not isinstance(scored, pd.DataFrame) or not {"text", "frame"} <= set(scored.columns):
        raise FramingError("scored: expected the scored sentence table (run.sentences), with text and frame")
    from .codebook import warn_if_default_for

    cb = load_codebook(warn_if_default_for(scored, codebook, "actor_frames"))
    counts: dict[str, dict[str, int]] = {}
    for text, frame in zip(scored["text"], scored["frame"]):
        if frame == NONE or not isinstance(text, str):
            continue
        for actor in dict.fromkeys(m[0] for m in find_mentions(text, cb)):
            per = counts.setdefault(actor, {})
            per[frame] = per.get(frame, 0) + 1
    rows = []
    for actor, per in counts.items():
        n = sum(per.values())
        top = max(sorted(per), key=lambda f: per[f])
        rows.append({"actor": actor, "n_framed": n, "top_frame": top, "top_count": per[top],
                     "top_share": round(per[top] / n, 3), "flag": bool(n >= min_framed and per[top] / n >= share)})
    cols = ["actor", "n_framed", "top_frame", "top_count", "top_share", "flag"]
    return (pd.DataFrame(rows, columns=cols).sort_values(["n_framed", "actor"], ascending=[False, True], kind="stable")
            .reset_index(drop=True))


def unmatched_names(sentences: pd.DataFrame, codebook=None, top: int = 10) -> pd.DataFrame:
    """The names most often written in sentences that name no actor of the codebook: candidate aliases.

    A sentence that names none of the codebook's actors gets ``none`` ("no
    actor"), however clearly it takes a side. When many do, the aliases
    probably miss names the texts use ("Zelensky", "Brussels"). This
    counts the capitalised names (:func:`framing.events.named_things`) of
    those sentences that no alias matches.

    Parameters
    ----------
    sentences : DataFrame
        With ``text``; when it has ``none_reason`` (scored), only the "no
        actor" sentences are read, else those in which
        :func:`framing.actors.find_mentions` finds no actor. With
        ``article_id``, sentences written word for word in 3 or more
        articles (adverts, sign-offs:
        :func:`framing.events.boilerplate_sentences`) are left out.
    codebook : str, path or Codebook, optional
    top : int

    Returns
    -------
    pandas.DataFrame
        ``name`` (as first written), ``n_sentences``, most frequent first
        (ties by name).
    """
    import re

    from .actors import find_mentions
    from .codebook import iter_aliases, load_codebook
    from .events import named_things

    from .codebook import warn_if_default_for

    cb = load_codebook(warn_if_default_for(sentences, codebook, "unmatched_names"))
    if isinstance(sentences, (list, tuple, pd.Series)):
        sentences = pd.DataFrame({"text": list(sentences)})
    if not isinstance(sentences, pd.DataFrame):
        raise FramingError(f"sentences: expected a sentence table or a list of texts, found {type(sentences).__name__}")
    if "text" not in sentences.columns:
        raise FramingError("sentences: expected a 'text' column")
    if "article_id" in sentences.columns and len(sentences):
        # adverts and sign-offs repeated in several articles ("READ MORE SUN STORIES") are not candidate aliases
        from .events import boilerplate_sentences

        sentences = sentences[~boilerplate_sentences(sentences).to_numpy()]
    if "none_reason" in sentences.columns:
        texts = sentences.loc[sentences["none_reason"] == "no actor", "text"].astype(str).tolist()
    else:
        texts = [t for t in sentences["text"].astype(str) if not find_mentions(t, cb)]
    known = {alias.lower() for alias, _ in iter_aliases(cb)} | {a.label.lower() for a in cb.actors}
    known_words = {w for k in known for w in k.split()} | _CALENDAR
    # a one-word "name" written in lower case elsewhere, and capitalised only first in a sentence, is an
    # ordinary word ("Disease", "Anyone", "Related"; audit23-codebook): a name is not written in lower case
    # nor is a word that opens sentences only and reads as a participle or adverb of a word the texts use in lower
    # case ("Condemning" beside "condemned", "Reportedly" beside "reported"; audit24-readme), unlike "Kelly",
    # "Sterling" or "Ahmed" (review24)
    lower, inside, first = set(), set(), set()
    for t in sentences["text"].astype(str):
        for k, w in enumerate(re.findall(r"[A-Za-z][\w'’-]*", t)):
            w = re.sub(r"['’]s$", "", w)
            if w.islower():
                lower.add(w)
            elif k and w[0].isupper():
                inside.add(w.lower())
            elif not k and w[0].isupper():
                first.add(w.lower())
    stems = {w[:k] for w in lower for k in range(4, len(w) + 1)}  # every lower-case word's beginnings
    common = (lower - inside) | {w for w in first - inside
                                 if (m := re.search(r"(?:ing|ly|ed)$", w)) and len(w[:m.start()]) >= 4
                                 and w[:m.start()] in stems}
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for t in texts:
        names = set(named_things(t)) | set(_joined_names(t))
        names = {n for n in names if " " in n or n not in common}
        # "New York Post" once, not also "New" and "York": drop names inside a longer one of the same sentence
        names = {n for n in names if not any(n != o and f" {n} " in f" {o} " for o in names)}
        for name in names:
            if name in known or name in known_words or len(name) < 3:
                continue
            counts[name] = counts.get(name, 0) + 1
            if name not in shown:  # as written, abbreviations with their dots ("U.S.", "L.A. County")
                words = name.split()  # a dot may follow any word but the last ("St. Louis"), or a dotted last one
                m = re.search(r"\.?\s+".join(map(re.escape, words)) + (r"\.?" if "." in words[-1] else ""), t,
                              re.I)
                shown[name] = m.group(0) if m else name
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return pd.DataFrame([(shown[k], n) for k, n in rows], columns=["name", "n_sentences"])
