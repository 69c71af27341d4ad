"""What a link shows for `@title`: the one rule for the page (garden.markdown.crosslinks), the
"Linked from" excerpts (garden.model.backlinks) and the linter.

`@title` in a link's text (`[@title](/post)`, `["@title"](/post)`) becomes the target's title,
`@title-lower` the same with a lower-case first letter. A link that leads outside the garden
reads words made from its address instead (`/against-the-grain#roots` reads "Against the grain §
Roots"), and the linter warns about it.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from urllib.parse import unquote, urlsplit

from markdown.util import AtomicString

TITLE_TOKEN = re.compile(r"@title(?P<lower>-lower)?")


def has_title_token(link: etree.Element) -> bool:
    return "@title" in "".join(link.itertext())


def set_title(link: etree.Element, title: str) -> None:
    """Put `title` where the link's text says `@title` (`@title-lower`: with a lower-case first
    letter, for the middle of a sentence), keeping the rest of the text and its markup."""

    def replace(text: str | None) -> str | None:
        if not text or "@title" not in text:
            return text
        return AtomicString(TITLE_TOKEN.sub(lambda m: lower_first(title) if m["lower"] else title, text))

    link.text = replace(link.text)
    for child in link.iter():
        if child is not link:
            child.text = replace(child.text)
            child.tail = replace(child.tail)


def lower_first(title: str) -> str:
    """"Reward is not…" → "reward is not…", but "AI presidents…" stays as it is."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def fallback_title(href: str) -> str:
    """Readable words for a link whose target has no title in the garden: `/slow-growth#roots`
    reads "Slow growth § Roots", `https://example.org/notes/` reads "example.org/notes"."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return (parts.netloc + unquote(parts.path)).rstrip("/") or href
    name = posixpath.basename(unquote(parts.path).rstrip("/")).removesuffix(".md")
    shown = [_words(piece) for piece in (name, unquote(parts.fragment)) if piece]
    return " § ".join(piece for piece in shown if piece) or href


def _words(slug: str) -> str:
    words = " ".join(re.split(r"[-_\s]+", slug)).strip()
    return words[:1].upper() + words[1:]
