"""Slugs: the URL-safe names posts are served under."""

from __future__ import annotations

import re
import unicodedata

# Characters a URL path segment can hold without percent-escaping (RFC 3986 "unreserved").
# Case is kept: real exports have aliases such as `MELBO`.
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")

# Latin letters that NFKD leaves whole (they are letters of their own, not a base letter plus an
# accent), spelled the way the languages that use them write them without the letter.
_LETTERS_NFKD_KEEPS = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS",
        "æ": "ae", "Æ": "AE",
        "ø": "o", "Ø": "O",
        "œ": "oe", "Œ": "OE",
        "ł": "l", "Ł": "L",
        "đ": "d", "Đ": "D",
        "ð": "d", "Ð": "D",
        "þ": "th", "Þ": "TH",
        "ħ": "h", "Ħ": "H",
        "ı": "i",
        "’": "'",  # a typographic apostrophe is still an apostrophe: "Gödel’s" → "godels"
    }
)  # fmt: skip


def is_slug(text: str) -> bool:
    return SLUG.fullmatch(text) is not None


def slugify(text: str) -> str:
    """A lowercase ASCII slug: "Über Gödel's proof" → "uber-godels-proof", "Straße" → "strasse".

    Accents are dropped (NFKD, then the combining marks), the letters NFKD cannot split are
    transliterated, apostrophes vanish, and every other run of non-alphanumerics becomes one
    `-`. Letters of other scripts have no ASCII spelling here and are dropped, so a title
    such as "日本語" gives "": the caller must ask for a permalink instead."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS_NFKD_KEEPS))
    ascii_text = "".join(_ascii_of(char) for char in decomposed if not unicodedata.combining(char))
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def _ascii_of(char: str) -> str:
    """ASCII stays; a letter or digit of another script is dropped; any other character (a dash,
    a quotation mark, a non-breaking space) separates words, so "war—peace" keeps two words."""
    if char.isascii():
        return char
    return "" if unicodedata.category(char)[0] in "LNM" else " "
