"""Text that does not read as it is written: invisible bidirectional controls, and words that mix
look-alike letters of different scripts.

A RIGHT-TO-LEFT OVERRIDE (U+202E) or an isolate makes a browser show the characters after it in
another order than the file has them (the "Trojan source" trick), so a title, tag or sentence
can read differently from what it says. A word such as "pаypal" with a Cyrillic "а" looks like
the Latin word but is another string: another tag page, another name. Right-to-left text itself
(Arabic, Hebrew) is fine; only these are reported, as warnings, since the post still builds.
"""

from __future__ import annotations

import re
import unicodedata

# Embeddings, overrides and isolates: the controls that reorder what follows them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_WORD = re.compile(r"\w+")
_LOOKALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def bidi_control(text: str) -> str | None:
    """The first bidirectional control in `text`, named, or None."""
    match = BIDI_CONTROLS.search(text)
    return f"U+{ord(match[0]):04X} {unicodedata.name(match[0])}" if match else None


def mixed_script_word(text: str) -> str | None:
    """The first word of `text` made of letters of more than one of Latin, Cyrillic and Greek."""
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        scripts = {
            script
            for char in word
            if char.isalpha()
            for script in _LOOKALIKE_SCRIPTS
            if unicodedata.name(char, "").startswith(script + " ")
        }
        if len(scripts) > 1:
            return word
    return None
