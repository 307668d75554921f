"""The shared keyword-spelling rule of cluster and event keywords."""

import re

from framing._text import surface_forms

WORDS = re.compile(r"[A-Za-z]+")


def test_names_keep_their_capitals_and_common_words_stay_lower_case():
    texts = ["War in Europe: NATO warns Russia.", "The war goes on, Nato says.", "NATO and RUSSIA talk."]
    shown = surface_forms(texts, {"war", "nato", "russia", "europe", "absent"}, WORDS)
    assert shown["nato"] == "NATO"  # the most common spelling (2 of 3)
    assert shown["russia"] == "Russia"  # a tie: the first seen
    assert shown["europe"] == "Europe"
    assert "war" not in shown  # also written in lower case, so shown in lower case
    assert "absent" not in shown  # not in the texts
