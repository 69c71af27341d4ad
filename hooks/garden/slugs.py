"""Slugs: the URL-safe names posts are served under."""

from __future__ import annotations

import re
import unicodedata

# Characters a URL path segment can hold without percent-escaping (RFC 3986 "unreserved").
# Case is kept: real exports have aliases such as `MELBO`.
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")


def is_slug(text: str) -> bool:
    return SLUG.fullmatch(text) is not None


def slugify(text: str) -> str:
    """A lowercase ASCII slug: "Über Gödel's proof" → "uber-godels-proof"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
