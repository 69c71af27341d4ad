"""Acronyms in small capitals: a run of capitals such as NASA, RLHF or GPT-4 in the text becomes
`<abbr class="garden-acronym">`, which essay.css sets in small capitals so that it does not
shout in the middle of a sentence.

Python-Markdown's `abbr` extension marks only the abbreviations an author defines one by one, and
no Python-Markdown or pymdown extension marks the rest, hence this treeprocessor. It works on the
parsed tree after inline parsing and after `abbr` (whose `<abbr>` elements it leaves as they
are), so code, links' addresses and raw HTML are never touched. What counts as an acronym: two
or more capitals (digits may follow after a hyphen or directly, and a plural "s" may end it),
standing as a word of its own. Single capitals, words with lowercase inside ("PhD", "iOS") and
Roman numerals are left alone.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

ACRONYM = re.compile(r"(?<![\w&-])([A-Z][A-Z&]*[A-Z](?:-?\d+[A-Za-z]?)?)(s?)(?![\w&-])")
ROMAN = re.compile(r"^M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")  # II, XIV; not LLM
# Elements whose text is not prose: code, and elements that are already marked up.
SKIP = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style", "abbr", "svg", "math"})


def _split_into(parent: etree.Element, text: str, index: int) -> str:
    """Wrap each acronym in `text` (which sits in `parent` before child number `index`); return
    the text that stays in place, and insert the rest as abbr elements with tails."""
    pieces = list(ACRONYM.finditer(text))
    pieces = [match for match in pieces if not ROMAN.match(match.group(1))]
    if not pieces:
        return text
    head = text[: pieces[0].start()]
    for number, match in enumerate(pieces):
        end = pieces[number + 1].start() if number + 1 < len(pieces) else len(text)
        abbr = etree.Element("abbr", {"class": "garden-acronym"})
        abbr.text = match.group(1) + match.group(2)
        abbr.tail = text[match.end() : end]
        parent.insert(index + number, abbr)
    return head


class AcronymTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        _walk(root)


def _walk(element: etree.Element) -> None:
    """Mark acronyms in `element`'s own text and its children's tails, then in each child that
    is prose (never inside code or an existing abbr)."""
    if element.tag in SKIP or "arithmatex" in (element.get("class") or "").split():
        return  # code, marked-up text, math (TeX, typeset later)
    children = list(element)
    if element.text:
        element.text = _split_into(element, element.text, 0)
    for child in children:
        _walk(child)
        if child.tail:
            child.tail = _split_into(element, child.tail, list(element).index(child) + 1)


class AcronymExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After inline parsing (20) and `abbr` (7), before the table of contents (5) reads headings.
        md.treeprocessors.register(AcronymTreeprocessor(md), "garden_acronyms", 6)


def makeExtension(**kwargs) -> AcronymExtension:
    return AcronymExtension(**kwargs)
