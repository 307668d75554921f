"""Who is mentioned, in which role, and who is speaking.

Three tables from a sentence table and a codebook's actors:

* :func:`actor_mentions` — every mention of a codebook actor (through its
  aliases) with the **role** the sentence casts it in: ``aggressor``
  (agent of an attack, threat, provocation, escalation: "Russia conducted
  missile strikes", "Russia launched drones at Kyiv", "NATO's provocations",
  "the threat posed by the Kremlin", "Putin is waging war on civilians",
  "Moscow stepped up its campaign against Europe", "Russian drones crossed
  into Estonian airspace"; quantity phrases such as "a wave of" are looked
  through: "Russia launched a wave of attack drones"; a weapon counts only
  when fired or launched, not when sent or supplied), ``victim`` (its target: "strikes
  against Kyiv", "a threat to Europe", "X was attacked"), ``defender`` (agent of defence, protection,
  deterrence or support, or of a *denied* aggression: "Moscow has no desire
  to attack Europe") or ``neutral``.
* :func:`speakers` — who a quote or a piece of reported speech is
  attributed to ("…,” stated Russian foreign minister Sergei Lavrov",
  "Lavrov said that…", "…, EU foreign policy chief Kaja Kallas said.",
  "according to the Kremlin") and which actor that is; a quote sentence
  without attribution takes its paragraph's nearest speaker, and "he said"
  the person named just before.
  The speaker of a reported attack is not its agent: in "Kyiv said Russia
  had fired 40 missiles" Russia is the aggressor and Kyiv neutral.

The role rules are a light, dependency-free heuristic over clauses and
trigger words (no parser: spaCy's English models are not installable from
the package registry here). They read English news syntax, they are not a
grammar; see ``tests/test_actors.py`` for what they are checked on. Their
trigger words are the vocabulary of conflict (attack, strike, threat,
invade, defend, protect, deter...): on other topics (a labour dispute, say)
most mentions come out ``neutral``, and the roles add little. The stance
scorer still learns each frame from your codebook's exemplars.

Mention matching (:func:`find_mentions`, the one matcher of the package:
:mod:`framing.stance` uses it too): aliases match at word boundaries,
longest first, without overlaps; a possessive ("Russia's") counts as a
mention of Russia. Case is read word by word of the alias:

* an acronym (every letter a capital: ``NATO``, ``US``, ``U.S.``, ``EU``)
  matches only as written — the pronoun "us" is not the United States;
* the alias's first capitalised word, its name (``Russia``, ``West``,
  ``Kremlin``, ``Trump``), matches as written or in capitals ("RUSSIA" in a
  headline) but not in lower case — "west of the river" is not the West,
  "western Ukraine" is not the West, "trump card" is not Trump;
* every other word may be in any case: lower-case words ("allies" /
  "Allies", "the" / "The") and the title words after a name ("Russian
  Foreign Minister" / "Russian foreign minister").

On the seed articles this finds the same mentions as the two earlier rules
(any case, or case-sensitive single words). On the 1,852 sentences of the
SemEval-2025 EN train articles it gains the capitalised headlines and
datelines ("KREMLIN propagandists", "MOSCOW—") and drops lower-case
"western" (geographic in four of six cases) and lower-case names in link
boilerplate ("read more in russia").
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from .codebook import load_codebook, warn_if_default_for
from .errors import FramingError

__all__ = ["actor_mentions", "speakers", "voices", "find_mentions", "sentence_roles", "ROLES", "MENTION_COLUMNS",
           "SPEAKER_COLUMNS", "VOICES"]

ROLES = ("aggressor", "victim", "defender", "neutral")
MENTION_COLUMNS = ["article_id", "sentence_id", "actor", "alias", "start", "end", "role"]
SPEAKER_COLUMNS = ["article_id", "sentence_id", "speaker", "actor", "kind", "cue"]

# Trigger stems; a word matches when it starts with one of them.
_AGG = (
    "attack", "strike", "struck", "invad", "invasion", "threat", "aggress", "provok", "provoc", "escalat",
    "bomb", "shell", "occup", "annex", "sabotag", "target", "kill", "destroy", "violat", "menac", "intimidat",
    "hostilit", "atrocit", "shoot", "buildup", "build-up", "blackmail", "terror", "raid", "assault", "hit ",
    "war crime", "incursion", "offensive", "endanger", "risk", "danger", "consequence",
)
# Whole words (not stems: "war" would match "warn", "campaign" a political one): "waging war on civilians",
# "a hybrid campaign against Europe" (a campaign counts only when it is against someone).
_AGG_WORDS = {"war", "wars", "warfare"}
_CAMPAIGN = {"campaign", "campaigns"}
# Crossing into a country's airspace is an incursion: "Russian drones crossed into Estonian airspace".
_CROSS = {"crossed", "crosses", "cross", "crossing", "entered", "enters", "entering", "penetrated", "intruded",
          "strayed", "flew"}
_TARGET_NOUN = {"target", "targets", "victim", "victims"}
# Weapons count as an attack only when fired or launched ("launched drones at Kyiv"): a weapon that is
# sent, supplied or delivered ("Germany sends missiles to Ukraine") is aid, not an attack.
_FIRE = {"launched", "launches", "launch", "launching", "fired", "fires", "fire", "firing", "dropped", "drops",
         "rained", "hurled", "unleashed", "unleashes", "lobbed"}
_WEAPON = ("missile", "drone", "rocket", "munition", "artillery", "warhead", "projectile", "grenade", "icbm",
           "cruise", "ballistic", "oreshnik", "kinzhal", "iskander", "shahed", "himars", "atacms", "storm")
# Verbs whose object noun makes their subject the agent: "conducted strikes", "posed a threat".
_DO = {"conducted", "conducts", "conduct", "launched", "launches", "launch", "carried", "carries", "made", "makes",
       "undertaken", "undertook", "undertakes", "issued", "issues", "posed", "poses", "pose", "staged", "stages",
       "mounted", "unleashed", "waged", "wages", "wage", "committed", "commits", "ordered", "orders", "stepped",
       "intensified", "escalated", "sent", "sends", "fired", "fires", "continued", "continues", "began", "begins",
       "started", "starts", "resumed", "threatened", "represents", "represent", "is", "are", "was", "were",
       "waging", "conducting", "launching", "carrying", "staging", "mounting", "unleashing", "stepping",
       "intensifying", "escalating", "delivered", "delivers", "deliver", "delivering"}
# Words skipped when looking back from an attack word for its verb: articles, possessives and quantity phrases
# ("launched a wave of attack drones", "stepped up its hybrid campaign", "carried out a massive strike").
_FILLER = {"a", "an", "the", "its", "their", "his", "her", "our", "another", "new", "fresh", "massive", "large",
           "huge", "major", "heavy", "up", "out"}
_QUANTITY = {"wave", "waves", "barrage", "barrages", "series", "volley", "volleys", "salvo", "salvos", "swarm",
             "swarms", "spate", "string", "number", "dozens", "hundreds", "round", "rounds"}


def _window(words: list, k: int, lo: int, n: int) -> list:
    """Up to n words before position k (not before lo), not counting the :data:`_FILLER` words and quantity
    phrases ("a wave of") between."""
    out, j = [], k - 1
    while j >= lo and len(out) < n:
        w = words[j]
        if not (w in _FILLER or w in _QUANTITY and j + 1 < k and words[j + 1] == "of"
                or w == "of" and j >= 1 and words[j - 1] in _QUANTITY):
            out.append(j)
        j -= 1
    return out


def _done_by_subject(words: list, k: int, lo: int) -> bool:
    """Whether a verb of doing ("conducted", "waging", "posed") governs the attack noun at k.

    A form of "to be" counts only right before the noun ("NATO is a threat") and never for a war or campaign
    ("Ukraine is winning the war").
    """
    for j in _window(words, k, lo, 3):
        if words[j] in _DO and not (words[j] in _BE and (k - j > 3 or words[k] in _AGG_WORDS | _CAMPAIGN)):
            return True
    return False
_AUX = {"to", "will", "would", "could", "can", "may", "might", "must", "has", "have", "had", "did", "does", "do",
        "shall", "should", "again", "also", "then", "reportedly", "allegedly"}


def _verbal(words: list, k: int, subj_end: int) -> bool:
    """Whether the trigger at k reads as a verb (its subject acts) rather than a noun."""
    w = words[k]
    if w.endswith(("ed", "ing")) and not w.startswith(("threat", "hostilit")):
        return True
    if w.startswith(("threat", "aggress", "invasion", "provocation", "escalation", "hostilit", "atrocit", "risk",
                     "danger", "consequence", "buildup", "build-up", "incursion", "occupation", "annexation",
                     "offensive", "war", "campaign")):
        return False
    prev = words[k - 1] if k >= 1 else ""
    return k == subj_end or prev in _AUX or prev.endswith("ly")
_DEF = (
    "defend", "defens", "defenc", "protect", "deter", "shield", "safeguard",
)
# "Defence" in an institution's name is no act of defence: "the Russian Defence Ministry said", "the Ministry of
# Defence", "Defense Secretary Lloyd Austin", "defence officials".
_DEF_TITLE_AFTER = {"ministry", "ministries", "minister", "ministers", "secretary", "secretaries", "department",
                    "chief", "chiefs", "source", "sources", "official", "officials", "spokesman", "spokeswoman",
                    "spokesperson", "attache", "attaché", "committee", "council", "intelligence", "correspondent",
                    "editor", "analyst", "analysts", "expert", "experts"}
_DEF_TITLE_BEFORE = {"ministry", "minister", "secretary", "department", "ministries", "ministers"}
# Words between a subject and a passive "be": "Russians can and need to be killed".
_MODAL = {"can", "could", "should", "must", "will", "would", "may", "might", "need", "needs", "ought", "to", "and",
          "have", "has", "had", "also"}  # not "not": "Ukraine has not been attacked by NATO" is no victim


def _defence_title(words: list, k: int) -> bool:
    """Whether the defence word at k names an institution or office, not an act of defence."""
    w = words[k]
    if not w.startswith(("defens", "defenc")):
        return False
    nxt = words[k + 1] if k + 1 < len(words) else ""
    return nxt in _DEF_TITLE_AFTER or (k >= 2 and words[k - 1] == "of" and words[k - 2] in _DEF_TITLE_BEFORE)


# Support and response words (support, aid, respond, retaliate, security) are left out on purpose: on the
# SemEval-2025 English train mentions they marked antagonists as often as protagonists.
_NEG = {"no", "not", "never", "without", "denied", "deny", "denies", "denying", "n't", "nor", "rejected",
        "rejects", "refused", "refuses"}
# Words that start a new clause after a comma: roles do not cross them.
_CLAUSE_BREAK = re.compile(
    r"[;:]|\s[—–]\s|—|\bthat\s+(?=[A-Z])|,\s+(?=(?:which|who|whom|while|whereas|but|although|though|with|as|after|amid|emphasi[sz]ing|"
    r"describing|stirring|resulting|saying|stating|claiming|urging|leading|likening)\b)", re.I)
_TOKEN = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’\-]*|\d+|[^\sA-Za-z\d]")
_TO_TARGET = {"against", "on", "at", "to", "toward", "towards", "into", "upon", "over"}
_BE = {"is", "are", "was", "were", "be", "been", "being", "got", "gets", "get"}

_SAY = (r"said|says|say|stated|states|told|tells|added|adds|warned|warns|wrote|writes|noted|notes|argued|argues|"
        r"claimed|claims|reiterated|reiterates|emphasi[sz]ed|emphasi[sz]es|insisted|insists|declared|declares|"
        r"announced|announces|stressed|stresses|asserted|asserts|suggested|suggests|explained|explains|"
        r"remarked|remarks|posted|tweeted|replied|responded|denied|denies|accused|accuses|acknowledged|"
        r"confirmed|confirms|believes|believed|urged|urges|called|calls|threatened|threatens")
_REPORT = re.compile(r"(?:" + _SAY + r"|accus\w*|blam\w*|alleg\w*|insist\w*|fear\w*|think|thinks|thought)")
_OPEN_Q = "“‘\"«"
_CLOSE_Q = "”’\"»"
# Lower-case words that may stand inside or before a speaker's name ("EU foreign policy chief Kaja Kallas",
# "Narva resident Svetlana Ivanova", "military analyst Andrei Klintsevich", "the official said").
_TITLE_WORDS = (
    "foreign", "defense", "defence", "prime", "deputy", "minister", "ministry", "secretary", "general", "spokesman",
    "spokeswoman", "spokesperson", "president", "vice", "chancellor", "ambassador", "envoy", "official",
    "officials", "chief", "head", "leader", "leaders", "press", "state", "national", "security", "adviser",
    "advisor", "army", "military", "top", "former", "senior", "acting", "policy", "affairs", "interior", "energy",
    "economy", "finance", "trade", "intelligence", "regional", "governor", "mayor", "commander", "commissioner",
    "representative", "director", "resident", "residents", "expert", "experts", "analyst", "analysts",
    "economist", "historian", "professor", "researcher", "lawmaker", "senator", "member", "opposition",
    "activist", "activists", "correspondent", "journalist", "officer", "diplomat", "diplomats",
)
# Words that join name words but never start or end a speaker phrase ("Secretary of State", "von der Leyen").
_CONNECT = r"(?:of|for|and|de|von|der|van|da)"
# A hyphen belongs to the word ("Jean-Claude"), and words are joined by white space (with an optional dash,
# "Kyiv - Moscow"): with a hyphen allowed in both, a long hyphenated chain backtracked exponentially.
_NP_WORD = r"(?:[A-Z][\w’'.]*(?:-[\w’'.]*)*|U\.S\.|" + "|".join(_TITLE_WORDS) + r")(?![\w])"
_NP_SEP = r"(?:\s+(?:-\s*)?)"
# A speaker phrase: an optional article, then capitalised words and title words ("Russian foreign minister Sergei
# Lavrov"), joined by spaces or a connector.
_NP = r"((?:the\s+|a\s+)?" + _NP_WORD + r"(?:" + _NP_SEP + r"(?:" + _CONNECT + _NP_SEP + r"){0,2}" + _NP_WORD + r")*)"
_RE_QUOTE_VERB_SPEAKER = re.compile(r"[,!?.…]?\s*[" + _CLOSE_Q + r"]\s*,?\s*(?:" + _SAY + r")\s+" + _NP)
_RE_QUOTE_SPEAKER_VERB = re.compile(r"[,!?.…]?\s*[" + _CLOSE_Q + r"]\s*,?\s*" + _NP + r"\s+(?:" + _SAY + r")\b")
_RE_SPEAKER_VERB = re.compile(r"^(?:[A-Z][\w\s,’'\-]{0,40}?,\s+)?" + _NP + r"(?:,[^,]{3,80},)?\s+(?:has\s+|have\s+|had\s+)?(?:" + _SAY + r")\b")
# "…, military analyst Andrei Klintsevich said." at the end of a sentence of any length (a short tail such as
# "in a statement" or "told reporters" may follow the verb)
_RE_TRAILING = re.compile(r",\s+" + _NP + r"\s+(?:has\s+|have\s+|had\s+)?(?:" + _SAY + r")\b[^,;:" + _OPEN_Q + _CLOSE_Q
                          + r"]{0,60}$")
_RE_ACCORDING = re.compile(r"\b[Aa]ccording to\s+" + _NP)
_RE_ISSUED_BY = re.compile(r"\b(?:statement|remarks|comments|warning|message)s?\s+(?:issued|made|released|posted)\s+by\s+" + _NP)
_RE_POSS_CLAIM = re.compile(_NP + r"[’']s\s+(?:assertion|statement|claim|remarks|warning|comments|message|words|call)s?\b")


# --------------------------------------------------------------------------- mentions


# Bump when the matching, role or speaker rules change: a fitted stance model cached on disk depends on them.
MATCH_VERSION = "alias-case/v2;roles/v4;speakers/v3"


def _word_regex(word: str, protected: bool) -> str:
    """The regex of one alias word under the case rule of the module docstring."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return re.escape(word)
    if all(c.isupper() for c in letters):
        return re.escape(word)  # an acronym: only as written
    if protected:
        return "(?:" + re.escape(word) + "|" + re.escape(word.upper()) + ")"  # the name: as written or in capitals
    return "(?i:" + re.escape(word) + ")"


def _alias_regex(alias: str) -> re.Pattern:
    """The compiled pattern of one alias (case rule in the module docstring)."""
    words = alias.split()
    first_cap = next((k for k, w in enumerate(words) if w[:1].isupper()), None)
    body = r"\s+".join(_word_regex(w, k == first_cap) for k, w in enumerate(words))
    # no word-boundary check after an alias ending in punctuation, so that "U.S." still matches before a full stop
    return re.compile(r"(?<![\w])" + body + (r"(?![\w])" if alias[-1:].isalnum() else ""))


@lru_cache(maxsize=32)
def _alias_patterns(pairs: tuple) -> list:
    return [(alias, actor, _alias_regex(alias), alias_key(alias)) for alias, actor in pairs]


_PAIRS: dict = {}


def _codebook_pairs(codebook) -> tuple:
    # memoised by name, or by identity for a Codebook object (kept alive beside its pairs)
    key = codebook if isinstance(codebook, (str, type(None))) else id(codebook)
    hit = _PAIRS.get(key)
    if hit is not None and (isinstance(key, (str, type(None))) or hit[0] is codebook):
        return hit[1]
    cb = load_codebook(codebook)
    pairs = [(al, a.id) for a in cb.actors for al in a.aliases]
    out = tuple(sorted(pairs, key=lambda x: (-len(x[0]), x[0])))
    if len(_PAIRS) > 64:
        _PAIRS.clear()
    _PAIRS[key] = (codebook, out)
    return out


_WORD = re.compile(r"\w+")


def alias_key(alias: str) -> str | None:
    """The first word of an alias, lowercased: the alias can only match a text that has this word.

    Every alias pattern starts at a word boundary, so its first word is a
    whole word of the text ("U.S." -> "u"); ``None`` when the alias has no
    word characters (then it is always tried).
    """
    m = _WORD.search(alias)
    return m.group(0).lower() if m else None


def text_words(text: str) -> frozenset:
    """The lowercased words of ``text``, to skip aliases whose :func:`alias_key` is absent."""
    return frozenset(_WORD.findall(text.lower()))


def find_mentions(text: str, codebook=None) -> list[tuple[str, str, int, int]]:
    """(actor id, alias, start, end) of every actor mention in ``text``, in order, without overlaps."""
    taken: list[tuple[int, int]] = []
    out = []
    words = text_words(text)
    for alias, actor, rx, key in _alias_patterns(_codebook_pairs(codebook)):
        if key is not None and key not in words:
            continue
        for m in rx.finditer(text):
            s, e = m.start(), m.end()
            if any(s < b and a < e for a, b in taken):
                continue
            taken.append((s, e))
            out.append((actor, alias, s, e))
    return sorted(out, key=lambda x: x[2])


# --------------------------------------------------------------------------- roles


def _stem_match(word: str, stems) -> bool:
    return word.lower().startswith(tuple(stems))


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _CLAUSE_BREAK.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if b > a]


def _tokens(text: str, a: int, b: int) -> list[tuple[str, int, int]]:
    return [(m.group(0), a + m.start(), a + m.end()) for m in _TOKEN.finditer(text[a:b])]


# a mention right after one of these is not the subject of its clause (rule 4 of _role_in_clause) ...
_NOT_SUBJECT_AFTER = _TO_TARGET | {"by", "from", "of", "with", "for", "between", "among"}
# ... and, with these too, it opens no clause of its own (_in_phrase, for the speaker of reported attacks)
_PREP = _NOT_SUBJECT_AFTER | {"in", "near", "across", "inside", "within", "about", "around"}


def _in_phrase(words: list, i: int) -> bool:
    """Whether the word at i opens no clause of its own: it follows a preposition ("actions in Ukraine")."""
    j = i - 1 if i >= 1 and words[i - 1] != "the" else i - 2
    return j >= 0 and words[j] in _PREP


def _role_in_clause(toks, mi: tuple[int, int], others: list[tuple[int, int]]) -> str:
    """Role of the mention covering tokens mi[0]..mi[1]-1 in one clause."""
    i0, i1 = mi
    words = [t[0].lower().strip("’'") for t in toks]
    agg = [k for k, w in enumerate(words) if _stem_match(w, _AGG)
           or (w in _AGG_WORDS and words[k + 1:k + 2] not in (["effort"], ["efforts"]))  # not "its war effort"
           or (w in _CAMPAIGN and k + 1 < len(words) and words[k + 1] in {"against", "on"})
           or (w in _CROSS and "airspace" in words[k + 1:k + 5])]
    # "fired missiles", "launched a wave of drones": the weapon after a firing verb is the attack
    fired = {k for k, w in enumerate(words) if _stem_match(w, _WEAPON)
             and any(words[j] in _FIRE for j in _window(words, k, 0, 4)) and k not in agg}
    agg = sorted(set(agg) | fired)
    dfn = [k for k, w in enumerate(words) if _stem_match(w, _DEF) and not _defence_title(words, k)]

    def negated(k):
        return any(words[j] in _NEG or words[j].endswith("n't") for j in range(max(0, k - 4), k))

    # 1. "X's aggression", "X’s threat"
    if i1 < len(words) and words[i1] in {"'s", "’s"} or (i1 - 1 < len(words) and re.search(r"[’']s$", toks[i1 - 1][0])):
        j = i1 + (1 if i1 < len(words) and words[i1] in {"'s", "’s"} else 0)
        for k in range(j, min(j + 4, len(words))):
            if k in agg:
                return "aggressor"
            if k in dfn:
                return "defender"
    # 1b. "Russian aggression", "the Russian threat": the mention modifies an aggression noun
    if i1 < len(words) and i1 in agg and words[i1].endswith(("ion", "s", "threat", "risk", "danger")):
        return "aggressor"
    # 2. "... by X" after a trigger: "the threat posed by the Kremlin", "was attacked by Russia"
    if i0 >= 1 and words[i0 - 1] in {"by", "from"} or (i0 >= 2 and words[i0 - 2] in {"by", "from"} and words[i0 - 1] == "the"):
        before = [k for k in agg + dfn if k < i0 and i0 - k <= 6]
        if before:
            return "aggressor" if max(before) in agg else "defender"
    # 3. target: "strikes against Kyiv", "a threat to Europe", "attacked Kyiv", "X was attacked"
    prev = [k for k in range(max(0, i0 - 3), i0)]
    if prev and words[prev[-1]] in _TO_TARGET | {"the"}:
        p = prev[-1] if words[prev[-1]] != "the" else (prev[-2] if len(prev) > 1 else None)
        if p is not None and words[p] in _TO_TARGET:
            trig = [k for k in agg + dfn if k < p and p - k <= 4]
            if trig:
                k = max(trig)
                if k in agg:
                    return "neutral" if negated(k) else "victim"
                return "victim" if words[k].startswith(("protect", "defend", "shield", "safeguard")) else "neutral"
    if i0 >= 1 and (i0 - 1) in agg and not words[i0 - 1].endswith(("s", "ion")) and not negated(i0 - 1):
        return "victim"  # "attacked Kyiv", "threatening Europe"
    after = list(range(i1, min(i1 + 3, len(words))))
    if len(after) >= 2 and words[after[0]] in _BE and after[1] in agg and words[after[1]].endswith("ed"):
        return "victim"
    # a passive behind modals: "Russians can and need to be killed", "Kyiv could have been struck"
    k = i1
    while k < len(words) and k - i1 < 5 and words[k] in _MODAL:
        k += 1
    if k > i1 and k + 1 < len(words) and words[k] in _BE and (k + 1) in agg and not words[k + 1].endswith(("ing", "s")):
        return "victim"
    # 4. subject: the first actor of the clause before a trigger, not inside a prepositional phrase
    if i0 >= 1 and words[i0 - 1] in _NOT_SUBJECT_AFTER:
        return "neutral"
    before = [b for a, b in others if a < i0]
    # another actor earlier in the clause is the subject, unless a verb of saying or accusing
    # starts a new clause after it ("Kyiv said Russia had fired ...", "Ukraine accused Russia of ...")
    subj_first = not before or any(_REPORT.fullmatch(words[j]) for j in range(max(before), i0))
    if subj_first:
        later = [k for k in agg + dfn if k >= i1 and k - i1 <= 10]
        # an actor after a verb of saying, between the mention and the trigger, is the subject of the
        # reported clause ("Kyiv said Russia had fired"): the mention is the speaker, not the agent
        if later and any(i1 <= a and b <= min(later) and not _in_phrase(words, a)
                         and any(_REPORT.fullmatch(words[j]) for j in range(i1, a)) for a, b in others):
            later = []
        if later:
            k = min(later)
            if k in agg:
                if negated(k):
                    return "defender"
                # "the alliance could become a 'next target' of Russian aggression"
                if words[k] in _TARGET_NOUN:
                    return "victim"
                if k in fired or _verbal(words, k, i1) or _done_by_subject(words, k, i1):
                    return "aggressor"
                # a noun the subject does not do: "NATO members underestimate the risks"
                return "neutral"
            return "defender"
    return "neutral"


def sentence_roles(text: str, codebook=None, *, mentions=None) -> list[tuple[str, str, int, int, str]]:
    """(actor, alias, start, end, role) for every mention in one sentence.

    ``mentions``: ``find_mentions(text, codebook)`` when the caller already
    has it (they are then not matched again).
    """
    ments = find_mentions(text, codebook) if mentions is None else mentions
    out = []
    for a, b in _clauses(text):
        toks = _tokens(text, a, b)
        inside = [m for m in ments if a <= m[2] and m[3] <= b]
        spans = []
        for m in inside:
            i0 = next((k for k, t in enumerate(toks) if t[1] >= m[2]), len(toks))
            i1 = next((k for k, t in enumerate(toks) if t[1] >= m[3]), len(toks))
            spans.append((i0, max(i1, i0 + 1)))
        for m, sp in zip(inside, spans):
            others = [s for s in spans if s != sp]
            out.append((m[0], m[1], m[2], m[3], _role_in_clause(toks, sp, others)))
    return sorted(out, key=lambda x: x[2])


def _check_sentences(sentences) -> pd.DataFrame:
    if isinstance(sentences, (list, tuple)):
        sentences = pd.DataFrame({"text": list(sentences)})
    if not isinstance(sentences, pd.DataFrame) or "text" not in sentences.columns:
        raise FramingError("sentences: expected the sentence table from framing.segment (a DataFrame with 'text')")
    sentences = sentences.reset_index(drop=True).copy()
    if "article_id" not in sentences.columns:
        sentences["article_id"] = "text"
    if "sentence_id" not in sentences.columns:
        sentences["sentence_id"] = range(len(sentences))
    return sentences


def actor_mentions(sentences, codebook=None) -> pd.DataFrame:
    """Actor mentions with the role each sentence casts them in.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The sentence table (``article_id``, ``sentence_id``, ``text``, and
        ``start`` if offsets into the article are wanted).
    codebook : str, path or Codebook, optional
        Its actors and aliases; add your own with ``Codebook.with_actors``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MENTION_COLUMNS`: ``article_id``, ``sentence_id``,
        ``actor`` (actor id), ``alias`` (the codebook alias that matched),
        ``start``, ``end`` (offsets of the mention in the *article* text when
        the table has a ``start`` column, else in the sentence), ``role``
        (one of :data:`ROLES`).
    """
    codebook = warn_if_default_for(sentences, codebook, "actor_mentions")
    sentences = _check_sentences(sentences)
    rows = []
    has_start = "start" in sentences.columns
    for rec in sentences.itertuples(index=False):
        text = str(rec.text)
        base = int(rec.start) if has_start else 0
        for actor, alias, s, e, role in sentence_roles(text, codebook):
            rows.append((rec.article_id, rec.sentence_id, actor, alias, base + s, base + e, role))
    out = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    return out.astype({"start": "int64", "end": "int64"}) if len(out) else out


# --------------------------------------------------------------------------- speakers


_PRONOUNS = {"this", "that", "it", "these", "those", "there", "he", "she", "they", "his", "her", "their", "its",
             "we", "i", "you", "our", "my", "your", "some", "many", "one", "such"}
# Capitalised words that open a sentence or clause but are nobody's name ("And Lavrov said" -> "Lavrov").
_LEAD_FUNCTION = {"the", "a", "an", "and", "but", "or", "so", "yet", "then", "also", "meanwhile", "however", "still",
                  "now", "moreover", "instead", "being", "having"}


def _clean_speaker(s: str) -> str:
    """The speaker phrase without spacing, punctuation or leading function words; "" when it names nobody."""
    s = re.sub(r"\s+", " ", s).strip(" ,.")
    words = s.split(" ")
    while words and words[0].lower() in _LEAD_FUNCTION:
        words = words[1:]
    if not words or words[0].lower() in _PRONOUNS:
        return ""
    return " ".join(words)


# "“…,” he said.", "He added that…", "…, she told reporters.": a person named earlier speaks again.
_RE_PRONOUN = re.compile(r"(?:[" + _CLOSE_Q + r"]\s*,?\s*|,\s+|^)(he|she|He|She)\s+(?:has\s+|had\s+|also\s+)?(?:"
                         + _SAY + r")\b|[" + _CLOSE_Q + r"]\s*,?\s*(?:" + _SAY + r")\s+(he|she)\b")


def _pronoun_in(text: str):
    """The cue of a he/she attribution in one sentence, or None."""
    m = _RE_PRONOUN.search(text)
    return m.group(0).strip(" ,“”‘’«»\"") if m else None


def _speaker_in(text: str, is_quote: bool):
    """(speaker, kind, cue) for one sentence, or None."""
    has_q = any(c in text for c in "“”«»\"") or re.search(r"(?:^|\s)‘|’(?:\s|$|[,.!?])", text)
    rules = []
    if has_q:
        rules += [(_RE_QUOTE_VERB_SPEAKER, "direct"), (_RE_QUOTE_SPEAKER_VERB, "direct")]
    rules += [(_RE_ACCORDING, None), (_RE_ISSUED_BY, "reported"), (_RE_POSS_CLAIM, "reported"),
              (_RE_SPEAKER_VERB, None), (_RE_TRAILING, None)]
    for rx, kind in rules:
        m = rx.search(text)
        sp = _clean_speaker(m.group(1)) if m else ""
        if sp:
            return sp, kind or ("direct" if is_quote else "reported"), m.group(0).strip()
    return None


# Capitalised words that are titles or bodies, not a person's name: a speaker ending in one ("the President",
# "the Foreign Ministry") is not looked up by name elsewhere in the article.
_NOT_A_NAME = {"president", "minister", "ministry", "spokesman", "spokeswoman", "spokesperson", "secretary",
                "chancellor", "premier", "general", "office", "government", "commission", "council", "department",
                "agency", "army", "forces", "command", "staff", "chief", "ambassador", "governor", "mayor", "head",
                "service", "services", "committee", "parliament", "administration", "embassy", "officials",
                "official", "press", "statement", "kremlin", "pentagon", "alliance", "media", "report", "reports"}
# every title word: a title alone is no name ("the president", "Foreign Minister")
_TITLES = frozenset(_TITLE_WORDS) | _NOT_A_NAME
# Words that end the title phrase before a name, looking back from it ("talks with | Russian Deputy Foreign
# Minister Alexander Grushko"); "of" and "to" stay inside titles ("Minister of Defence of Ukraine Rustem Umerov",
# "Ukraine's ambassador to Germany Oleksii Makeiev").
_TITLE_BREAK = {"and", "or", "but", "with", "by", "from", "that", "as", "while", "when", "after", "before", "for",
                "on", "in", "at", "said", "says", "told", "tells", "asked", "met", "meets", "called", "urged",
                "the", "a", "an", "than", "who", "which", "is", "was", "are", "were", "has", "had", "have",
                "counterpart", "counterparts"}
_TITLE_SPAN = 6


def _bare_title(speaker: str) -> set | None:
    """The title words of a speaker phrase that is a title alone ("president", "Foreign Minister"), else None."""
    words = speaker.lower().split()
    if words and words[0] in ("the", "a"):
        words = words[1:]
    if not words or not all(w in _TITLES for w in words):
        return None
    return set(words)


_HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "dame", "lord", "lady"}
_NAME_RUN = re.compile(r"[A-Z][a-zà-ÿ’'\-]+(?:\s+[A-Z][a-zà-ÿ’'\-]+)+")


def _person_name(speaker: str) -> bool:
    """Whether a speaker phrase names a person: two name words ("Sergei Lavrov", "President Vladimir Putin"),
    or an honorific and a name ("Mr Johnson"); not "Moscow", "the Kremlin" or "Lavrov" alone (too easily a
    place or a body to refer back to)."""
    words = [w.strip(",.") for w in speaker.split()]
    names = [w for w in words if w[:1].isupper() and w.lower().rstrip(".") not in _HONORIFICS
             and w.lower() not in _TITLES and not w.isupper()]
    honorific = any(w.lower().rstrip(".") in _HONORIFICS for w in words)
    return len(names) >= 2 or (honorific and len(names) >= 1)


# Given names and words that tell "he" from "she" (only these: an unknown name is compatible with both).
_FEMALE = frozenset("""mrs ms dame lady madam queen princess spokeswoman chairwoman congresswoman
    maria mariya kaja ursula annalena kamala hillary nancy olena iryna irina anna elena yelena olga valentina
    svetlana tatiana tatyana natalia natalya yulia julia liz elizabeth theresa angela giorgia
    ekaterina yekaterina margarita viktoria victoria victoriya lyudmila ludmila alla oksana halyna galina
    nataliya kristina christine christina mette sanna jacinda kristalina roberta karine linda samantha
    nikki marjorie susan jill melania michelle condoleezza madeleine tulsi ella lisa sarah emma sophie
    marie claire frederica agnes ylva kaia evika maia salome""".split())
_MALE = frozenset("""mr sir lord king prince spokesman chairman congressman
    sergei sergey vladimir dmitry dmitri dmitriy volodymyr dmytro oleksii oleksiy alexei aleksei alexey
    alexander aleksandr oleksandr andriy andrii andrei andrey mykhailo mikhail yuri yury igor ihor viktor
    nikolai mykola pavel petro valery valerii denys denis rustem kyrylo vitali vitaliy vitaly ramzan
    yevgeny evgeny grigory maxim maksym ivan boris gennady anatoly konstantin roman serhiy arseniy herman
    joe joseph donald antony anthony jake lloyd mike michael john jens mark emmanuel olaf keir rishi
    justin recep andrzej gitanas edgars alar josep charles friedrich robert david james william
    marco pete barack george bill kevin chuck mitch jeffrey richard ben benjamin
    xi narendra luiz lula""".split())


def _gender(speaker: str, texts: list = ()) -> str | None:
    """"m" or "f" when a speaker phrase says it (an honorific, a gendered title, a known given name), else None.

    A surname alone ("Zakharova") takes the given name it has elsewhere in ``texts`` ("Maria Zakharova").
    """
    # the person is named last: "Sergei Lavrov's spokeswoman Maria Zakharova", "George Washington University
    # professor Angela Stent"; so read after the last possessive, from the end
    tail = re.split(r"[’']s\s", speaker)[-1]
    words = [w.strip(",.").lower() for w in tail.split()]
    for w in reversed(words):
        if w in _FEMALE:
            return "f"
        if w in _MALE:
            return "m"
    if len(words) == 1 and texts:
        found = {g for w in _words_before(speaker.strip(",."), texts) for g in [_gender(w)] if g}
        if len(found) == 1:
            return found.pop()
    return None


_NOT_GIVEN_NAMES = {"in", "at", "on", "from", "to", "the", "and", "but", "by", "for", "with", "of", "as", "after",
                    "before", "while", "when", "if", "that", "this", "near", "outside", "inside", "across"}


def _words_before(name: str, texts: list):
    """The capitalised words that stand right before ``name`` in ``texts`` ("Sergei" of "Sergei Lavrov")."""
    rx = re.compile(r"(?<![\w])([A-Z][a-zà-ÿ’'\-]+)\s+" + re.escape(name) + r"(?![\w])")
    return (m.group(1) for t in texts for m in rx.finditer(t))


def _introduced(name: str, texts: list) -> bool:
    """Whether a one-word speaker ("Lavrov") appears in the article after a first name ("Sergei Lavrov"):
    a person, not a place ("Moscow") or a body."""
    return any(w.lower() not in _NOT_GIVEN_NAMES and w.lower() not in _TITLES for w in _words_before(name, texts))


def _other_name(text: str, speaker: str) -> bool:
    """Whether ``text`` names a person other than ``speaker`` (two capitalised words in a row, not at the
    start of the sentence and not part of the speaker's phrase)."""
    own = set(speaker.split())
    for m in _NAME_RUN.finditer(text):
        words = m.group(0).split()
        if words[0].lower() in _LEAD_FUNCTION or words[0].lower() in _NOT_GIVEN_NAMES:
            words = words[1:]  # "The Kremlin", "But Lavrov", "In Moscow": a capitalised first word is no name
        if len(words) >= 2 and not set(words) <= own:
            return True
    return False


def _surname(speaker: str) -> str | None:
    """The last word of a speaker phrase when it can be a person's name ("Grushko"), else None."""
    last = re.sub(r"(?:'s|’s)$", "", speaker.split(" ")[-1]).strip(",.;:")
    if len(last) < 3 or not last[:1].isupper() or last.isupper() or last.lower() in _NOT_A_NAME:
        return None
    return last


def _actor_by_title(name: str, texts: list, codebook) -> str | None:
    """The actor named in the title phrase before ``name`` elsewhere in the article, when it is always the same.

    "Russian Deputy Foreign Minister Alexander Grushko told reporters…" earlier
    in the article makes a later "Grushko said" Russia's; a name introduced
    with two different actors ("…Russia's and Ukraine's…") gives None.
    """
    rx = re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")
    found = set()
    for text in texts:
        for m in rx.finditer(text):
            before = re.split(r"[,;:()\[\]“”\"«»—–.!?]", text[:m.start()])[-1].split()[-_TITLE_SPAN:]
            if not before or not before[-1][:1].isupper():
                continue  # a title or a first name stands right before a name: not "its ally Finland"
            k = len(before)
            while k > 0 and before[k - 1].lower() not in _TITLE_BREAK:
                k -= 1
            ments = find_mentions(" ".join(before[k:]), codebook)
            if ments:
                found.add(ments[0][0])
    return found.pop() if len(found) == 1 else None


def speakers(sentences, codebook=None, *, carry: int = 3) -> pd.DataFrame:
    """Who each quote or piece of reported speech is attributed to.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The sentence table (``is_quote`` and ``paragraph`` are used when
        present). Its rows may come in any order (an event table's, say):
        they are read in article order, by ``sentence_id``.
    codebook : str, path or Codebook, optional
        Maps a speaker to an actor: through the aliases inside the speaker
        phrase ("Russian foreign minister Sergei Lavrov" -> ``russia``);
        else through the title the same name carries elsewhere in the
        article's sentences ("Russian Deputy Foreign Minister Alexander Grushko
        told reporters…" makes a later "Grushko said" ``russia``), when that
        title always names the same actor.
    carry : int
        A quote sentence without an attribution of its own gets the speaker
        of the nearest attributed sentence in the same paragraph, up to this
        many sentences away: the one before it first (in "“A,” X said. “B.”"
        B is X's), through quote sentences only; else the attributed quote
        after it ("“A.” “B,” X said.": A is X's). Never across a paragraph
        break (the ``paragraph`` column of :func:`framing.segment.segment`;
        without that column, the whole article counts as one paragraph),
        never over another attributed sentence, and never over a sentence
        missing from the table (a gap in ``sentence_id``). A sentence
        attributed to "he" or "she" ("“…,” he said.", "She added that…")
        gets the nearest speaker before it in the article, up to ``carry``
        sentences back and across paragraph breaks, when that speaker has a
        name ("Lavrov", not "the Kremlin"); otherwise it gets none, and no
        quote is carried past it. A speaker that is a title alone ("the
        president said", "the foreign minister told…") gets the nearest
        earlier speaker in the article with that title and a name
        ("President Vladimir Putin").

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SPEAKER_COLUMNS`: ``article_id``, ``sentence_id``,
        ``speaker`` (the phrase as written, without a leading article),
        ``actor`` (actor id; missing, NaN, for a speaker who is no codebook actor), ``kind`` (``direct`` for quotes,
        ``reported`` for "X said that…"), ``cue`` (the matched words).
        One row per attributed sentence, in article order (articles in their
        order of first appearance, sentences by ``sentence_id``).
    """
    from ._checks import check_whole

    check_whole("carry", carry, 0)
    codebook = warn_if_default_for(sentences, codebook, "speakers")
    sentences = _check_sentences(sentences)
    n = len(sentences)
    # article order as given, sentences by id: the carry rule reads neighbours in the article, not in the table
    art, _ = pd.factorize(sentences["article_id"], use_na_sentinel=False)  # a missing id is an article too
    sid_num = pd.to_numeric(sentences["sentence_id"], errors="coerce")
    numeric = bool(sid_num.notna().all())  # ids that are not all numbers: the table's order is the article's
    order = np.lexsort((np.arange(n), sid_num.to_numpy(dtype=float) if numeric else np.arange(n), art))
    sentences = sentences.iloc[order].reset_index(drop=True)
    art = art[order].tolist()
    quote = sentences["is_quote"].astype(bool).tolist() if "is_quote" in sentences.columns else [False] * n
    texts = sentences["text"].astype(str).tolist()
    found: dict[int, tuple] = {}
    for i, text in enumerate(texts):
        r = _speaker_in(text, quote[i])
        if r is not None:
            found[i] = r
    aids = sentences["article_id"].tolist()
    sids = sentences["sentence_id"].tolist()
    sidn = sid_num.to_numpy()[order].tolist() if numeric else list(range(n))
    paras = sentences["paragraph"].tolist() if "paragraph" in sentences.columns else [0] * n

    def adjacent(j, k):  # no sentence of the article lies between rows j and k
        return abs(sidn[j] - sidn[k]) == 1 if numeric else True

    def next_to(j, k):  # j and k are neighbours in one paragraph of one article
        return 0 <= j < n and 0 <= k < n and art[j] == art[k] and paras[j] == paras[k] and adjacent(j, k)

    # "the president said": the nearest earlier speaker of the article with that title and a person's name
    # ("President Vladimir Putin"), however far back: a title is specific enough. "A spokesman said" is
    # somebody else.
    people: dict = {}  # article -> rows of speakers with a person's name, in order
    for i in sorted(found):
        title = _bare_title(found[i][0])
        if title is not None and not re.match(r"(?:an?|A|An)\s", found[i][2].split(" (")[0].lstrip("“”\"’‘,. ")):
            for j in reversed(people.get(art[i], [])):
                if title <= set(found[j][0].lower().split()):
                    sp, kind, cue = found[i]
                    found[i] = (found[j][0], kind, f"({cue}: {found[j][0]})")
                    break
        if _person_name(found[i][0]):
            people.setdefault(art[i], []).append(i)
    # "he said" / "she added": the speaker just before, up to `carry` sentences back in the article (across
    # paragraph breaks: a pronoun refers back), when that speaker is a person with a name and no other name
    # stands in the sentences between (else "he" may be that one)
    texts_of: dict = {}
    for t, a in zip(texts, art):
        texts_of.setdefault(a, []).append(t)
    person: dict = {}

    def is_person(j):
        sp = found[j][0]
        if (art[j], sp) not in person:
            words = sp.split()
            person[(art[j], sp)] = _person_name(sp) or (len(words) == 1 and _introduced(words[0], texts_of[art[j]]))
        return person[(art[j], sp)]

    unresolved = set()  # attributed to "he" or "she" we cannot name: no quote is carried to or past them
    gender_of: dict = {}
    for i in range(n):
        if i in found:
            continue
        cue = _pronoun_in(texts[i])
        if cue is None:
            continue
        unresolved.add(i)
        j = i - 1
        while i - j <= carry and j >= 0 and art[j] == art[i] and adjacent(j, j + 1):
            if j in found:
                key = (art[j], found[j][0])
                if key not in gender_of:  # once per speaker and article: a surname is looked up in its text
                    gender_of[key] = _gender(found[j][0], texts_of[art[j]])
                g = gender_of[key]  # "she said" after "Sergei Lavrov said": not Lavrov
                if is_person(j) and g in (None, "f" if re.search(r"\bshe\b", cue, re.I) else "m") and not any(
                        _other_name(texts[k], found[j][0]) for k in range(j + 1, i + 1)):
                    found[i] = (found[j][0], "direct" if quote[i] else "reported", f"({cue}: {found[j][0]})")
                    unresolved.discard(i)
                break
            j -= 1
    own = set(found) | unresolved
    for i in range(n):  # in order, so that "“A,” X said. “B.” “C.”" hands X on to C through B
        if not quote[i] or i in own:
            continue
        j = i - 1  # back through quotes to the sentence that names the speaker, at most `carry` away
        while i - j <= carry and next_to(j, j + 1) and j not in own and quote[j]:
            j -= 1
        if i - j <= carry and next_to(j, j + 1) and j in found:
            sp, _, cue = found[j]
            found[i] = (sp, "direct", cue if cue.startswith("(quote continued") else f"(quote continued; {cue})")
            continue
        j = i + 1
        while j - i <= carry and next_to(j, j - 1) and j not in own and quote[j]:
            j += 1
        if j - i <= carry and next_to(j, j - 1) and j in found and found[j][1] == "direct":
            sp, _, cue = found[j]
            found[i] = (sp, "direct", f"(quote continued; {cue})")
    by_title: dict = {}
    rows = []
    for i in sorted(found):
        sp, kind, cue = found[i]
        ments = find_mentions(sp, codebook)
        actor = ments[0][0] if ments else None
        name = _surname(sp) if actor is None else None
        if name is not None:
            key = (art[i], name)
            if key not in by_title:
                by_title[key] = _actor_by_title(name, texts_of[art[i]], codebook)
            actor = by_title[key]
        rows.append((aids[i], sids[i], sp, actor, kind, cue))
    return pd.DataFrame(rows, columns=SPEAKER_COLUMNS)


VOICES = ("author", "quoted", "reported")


def voices(sentences, codebook=None, *, carry: int = 3) -> pd.Series:
    """Whose voice each sentence is in: the article's own, or someone it quotes or reports.

    A sentence's frame says whose claims an article *carries*, which is not
    always its own stance: an outlet quoting the Kremlin carries Russian
    defensive framing. Splitting by voice separates the two, e.g.
    ``frame_lean(scored[voices(scored) == "author"])`` is the lean of the
    article's own sentences.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The sentence table (``is_quote`` and ``paragraph`` are used when
        present), in any row order.
    codebook, carry
        As for :func:`speakers`.

    Returns
    -------
    pandas.Series
        Aligned with ``sentences`` (same index), named ``voice``, one of
        :data:`VOICES`: ``quoted`` (direct speech: the sentence is or
        contains a quotation, or is a quote attributed by the carry rule of
        :func:`speakers`), ``reported`` (attributed reported speech: "Lavrov
        said that…", "according to the Kremlin…", "he said that…" even
        when "he" cannot be named) or ``author`` (everything else: the
        article's own narration).
    """
    codebook = warn_if_default_for(sentences, codebook, "voices")  # before the columns it reads are picked out
    if codebook is None:
        codebook = load_codebook(None)
    table = _check_sentences(sentences)  # a list of texts too; article_id / sentence_id filled in when missing
    keep = ["article_id", "sentence_id", "text"] + [c for c in ("is_quote", "paragraph") if c in table.columns]
    spk = speakers(table[keep], codebook, carry=carry)
    kind = {(a, s): k for a, s, k in zip(spk["article_id"], spk["sentence_id"], spk["kind"])}
    quote = table["is_quote"].astype(bool).tolist() if "is_quote" in table.columns else [False] * len(table)
    out = []
    for a, s, q, t in zip(table["article_id"], table["sentence_id"], quote, table["text"].astype(str)):
        k = kind.get((a, s))
        if k is None and _pronoun_in(t) is not None:
            k = "reported"  # "He said that…" whoever "he" is: not the article's own voice
        out.append("quoted" if q or k == "direct" else "reported" if k == "reported" else "author")
    index = sentences.index if isinstance(sentences, pd.DataFrame) else table.index
    return pd.Series(out, index=index, name="voice", dtype=object)
