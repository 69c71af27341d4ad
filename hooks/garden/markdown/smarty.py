"""Smart quotes, dashes and ellipses: Python-Markdown's `smarty`, with the same options and
the same output, in a fraction of the time.

    markdown_extensions:
      - garden.markdown.smarty:      # instead of `smarty:`; every option of smarty's works
          substitutions:
            ndash: "&mdash;"

Why not `smarty` itself: it was the slowest step of the garden's conversion, 27% of converting
an essay (34% for plain Material with the same extensions), measured per processor over 200
generated essays. Its maintainers know, and will not change it (Python-Markdown/markdown#1103,
closed as wontfix): smarty runs a second `InlineProcessor` over every text of the page, whose
generic loop costs a Python call per pattern (18 of them) per text, and a placeholder, string
rebuild and stash round trip per quote. No other maintained extension educates quotes
(`pymdownx.smartsymbols` does arrows, fractions and marks, not quotes).

So this keeps everything of smarty's that decides *what* is replaced (its extension class, its
options, its patterns and their order, and `SubstituteTextPattern.handleMatch`, which stores
each entity in the HTML stash) and replaces only the loop that applies them: one pass per text,
a pattern tried only on a text holding its literal character, each match hidden behind a
placeholder of the same form as Python-Markdown's (later patterns look at the characters around
a quote, and must see what they would see there) and the placeholders put back at the end.
`tests/markdown/test_smarty.py` compares the output with stock smarty's on every essay of the
sample garden and the corpus, and on random text made of the characters the patterns look at.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown, util
from markdown.extensions import smarty as stock
from markdown.extensions.smarty import SubstituteTextPattern
from markdown.treeprocessors import Treeprocessor

# The literal each of smarty's patterns cannot match without, by the pattern's source: a pattern
# is tried only on a text that holds it, and most texts hold none. A pattern not listed here (a
# later smarty's) is tried on every text.
_LITERAL = {
    stock.singleQuoteStartRe: "'",
    stock.doubleQuoteStartRe: '"',
    stock.doubleQuoteSetsRe: "\"'",
    stock.singleQuoteSetsRe: "'\"",
    stock.doubleQuoteSetsRe2: "'\"",
    stock.singleQuoteSetsRe2: "\"'",
    stock.decadeAbbrRe: "'",
    stock.openingSingleQuotesRegex: "'",
    stock.closingSingleQuotesRegex: "'",
    stock.closingSingleQuotesRegex2: "'",
    stock.remainingSingleQuotesRegex: "'",
    stock.openingDoubleQuotesRegex: '"',
    stock.closingDoubleQuotesRegex: '"',
    stock.closingDoubleQuotesRegex2: '"',
    stock.remainingDoubleQuotesRegex: '"',
    r"(?<!-)---(?!-)": "---",
    r"(?<!-)--(?!-)": "--",
    r"(?<!\.)\.{3}(?!\.)": "...",
    r"\<\<": "<<",
    r"\>\>": ">>",
}


class SmartyTreeprocessor(Treeprocessor):
    """Applies smarty's patterns, in smarty's order, to each text of the tree."""

    def __init__(self, md: Markdown, patterns: list[SubstituteTextPattern]) -> None:
        super().__init__(md)
        self.patterns = [(pattern, pattern.getCompiledRegExp(), _LITERAL.get(pattern.pattern)) for pattern in patterns]
        literals = [literal for _, _, literal in self.patterns]
        # A text holding none of the literals is left as it is (when every pattern's is known).
        self.needs = None if None in literals else re.compile("|".join(re.escape(literal) for literal in set(literals)))

    def run(self, root: etree.Element) -> None:
        # Python-Markdown's InlineProcessor reads every element's text and tail but the root's.
        for element in root.iter():
            if element is root:
                continue
            if element.text and not isinstance(element.text, util.AtomicString):
                element.text = self.educate(element.text)
            if element.tail and not isinstance(element.tail, util.AtomicString):
                element.tail = self.educate(element.tail)

    def educate(self, text: str) -> str:
        """`text` as smarty's patterns leave it: each pattern in turn, each match from the left
        (the text searched again after the placeholder that hides the last one)."""
        if self.needs is not None and not self.needs.search(text):
            return text
        replaced: list[str] = []
        for pattern, regex, literal in self.patterns:
            if literal is not None and literal not in text:
                continue
            start = 0
            while match := regex.search(text, start):
                result, begin, end = pattern.handleMatch(match, text)
                placeholder = util.INLINE_PLACEHOLDER % f"{len(replaced):04d}"
                replaced.append(result)
                text = text[:begin] + placeholder + text[end:]
                start = begin + len(placeholder)
        if not replaced:
            return text
        return util.INLINE_PLACEHOLDER_RE.sub(lambda found: _restore(found, replaced), text)


def _restore(found: re.Match, replaced: list[str]) -> str:
    index = int(found[1])
    return replaced[index] if index < len(replaced) else found[0]


class SmartyExtension(stock.SmartyExtension):
    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)  # smarty's patterns, options and escapes, and its `html` override
        patterns = list(self.inlinePatterns)
        if all(type(pattern) is SubstituteTextPattern and not pattern.ANCESTOR_EXCLUDES for pattern in patterns):
            md.treeprocessors.register(SmartyTreeprocessor(md, patterns), "smarty", 6)
        # Otherwise (a later smarty with patterns of another kind) its own processor stays.


def makeExtension(**kwargs) -> SmartyExtension:
    return SmartyExtension(**kwargs)
