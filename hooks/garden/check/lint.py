"""Content checks that need no build: what Python-Markdown would otherwise get wrong silently.

For each post's source (read through `garden.model.source`, so code is never checked):

- a footnote referenced but never defined: Python-Markdown prints the literal `[^label]`;
- a footnote defined twice: the last definition silently wins;
- a footnote defined but never referenced: it is listed with a backlink to nowhere;
- a callout marker that will not render: `[!type]` outside a quote, or after other lines of
  the same quote, which is how two callouts with no blank line between them merge into one;
- an unknown callout type (a warning: it renders like `note`);
- a wikilink or `/permalink` link that leads to no post (or to several), with the closest names;
- a LessWrong or wikilink `#fragment` the target post lacks (a warning: it is dropped);
- sequence posts whose `prev-post-slug`/`next-post-slug` disagree.

Frontmatter problems come from the post model. The build runs the same checks, logging errors
as MkDocs warnings so `mkdocs build --strict` fails on them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..model.errors import GardenError
from ..model.index import Garden
from ..markdown.callouts import KNOWN_TYPES
from ..model.post import Post
from ..model.sequences import check_sequences
from ..model.resolve import resolve_source_link
from ..model.source import SourceLine, links_on, prose_lines

# Python-Markdown's own patterns, anchored where its block parser anchors them.
FOOTNOTE_DEFINITION = re.compile(r"[ \t]*\[\^([^\]]+)\]:")
FOOTNOTE_REFERENCE = re.compile(r"(?<!\\)\[\^([^\]]+)\](?!:)")
CALLOUT_MARKER = re.compile(r"(?<!\\)\[!([\w-]+(?: *\| *[\w-]+)*)\]([-+])?(?!\()")
# A link's destination, `](…)`: brackets in a URL are not markers.
LINK_DESTINATION = re.compile(r"(?<=\])\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")

Position = tuple[int, int]  # (line, column)
PostLinter = Callable[[Post, frozenset[str], Garden], list[GardenError]]


def lint_garden(garden: Garden, callout_types: Iterable[str] = (), lint: PostLinter | None = None) -> list[GardenError]:
    """Every problem in the garden: frontmatter and URL clashes first, then each post's content
    (checked by `lint`, default `lint_post`; the build passes a cached one)."""
    known = KNOWN_TYPES | {name.lower() for name in callout_types}
    findings = list(garden.errors) + check_sequences(garden.sequences, garden)
    for post in garden.posts:
        findings += (lint or lint_post)(post, known, garden)
    return findings


def lint_post(post: Post, callout_types: frozenset[str] = KNOWN_TYPES, garden: Garden | None = None) -> list[GardenError]:
    """The post's problems; links are checked only against a `garden`."""
    findings: list[GardenError] = []

    def report(position: Position, message: str, hint: str, severity: str = "error") -> None:
        findings.append(GardenError(post.path, position[0], message, hint, position[1], severity))

    references: dict[str, list[Position]] = {}
    definitions: dict[str, list[Position]] = {}
    quote_has_content: list[bool] = []  # one flag per open quote, outermost first
    open_footnote: tuple[str, int] | None = None  # (label, indent) of the definition being continued

    for line in prose_lines(post.body, post.body_line):
        if line.blank and line.depth == 0:
            quote_has_content = []  # a blank line ends every quote
            continue
        if line.depth:  # a line without `>` continues the innermost quote lazily
            del quote_has_content[line.depth :]
            quote_has_content += [False] * (line.depth - len(quote_has_content))

        if line.html_block:
            for marker in [*CALLOUT_MARKER.finditer(line.text), *FOOTNOTE_REFERENCE.finditer(line.text)]:
                report(
                    (line.number, line.column_of(marker.start())),
                    f"{marker[0]} is inside a raw HTML <{line.html_block}> block, where Markdown is not "
                    "processed, so readers see it as text",
                    f'add markdown="1" to the <{line.html_block}> tag, or close the tag before the Markdown',
                )
            continue

        if open_footnote and not line.blank and line.indent < open_footnote[1] + 4:
            open_footnote = None  # back at the definition's margin: its indented text has ended
        if "[" not in line.text:  # no marker, footnote or link: only the quote state matters
            if line.depth and not line.blank:
                quote_has_content[: line.depth] = [True] * line.depth
            continue
        text, start = LINK_DESTINATION.sub(lambda m: " " * len(m[0]), line.text), 0
        if definition := FOOTNOTE_DEFINITION.match(text):
            label, position = definition[1], (line.number, line.column_of(text.index("[^")))
            definitions.setdefault(label, []).append(position)
            if open_footnote:
                # Python-Markdown parses a footnote's text only after the main text, too late to
                # register a definition found there: the definition and its text are dropped.
                report(
                    position,
                    f"footnote [^{label}] is defined inside the indented text of footnote [^{open_footnote[0]}], "
                    "where it is dropped: its references lead nowhere",
                    "start the definition at the margin (remove its indentation)",
                )
            else:
                open_footnote = (label, line.indent)
            start = definition.end()
        for reference in FOOTNOTE_REFERENCE.finditer(text, start):
            references.setdefault(reference[1], []).append((line.number, line.column_of(reference.start())))

        for marker in CALLOUT_MARKER.finditer(text):
            position = (line.number, line.column_of(marker.start()))
            opens_quote = line.depth and not text[: marker.start()].strip()
            if opens_quote and not quote_has_content[line.depth - 1]:
                kind = marker[1].split("|")[0].strip().lower()
                if kind not in callout_types:
                    report(
                        position,
                        f"unknown callout type '{kind}': it renders like a note",
                        "use a known type (note, tip, warning, quote, idea, …; see README) or declare it "
                        "under `extra: garden: callout_types:` in mkdocs.yml with a style in callouts.css",
                        "warning",
                    )
            elif opens_quote:
                report(
                    position,
                    f"callout marker {marker[0]} follows other lines of the same quote, so it will not "
                    "render: two callouts with no blank line between them merge into one",
                    "leave an empty line (with no `>`) before this callout",
                )
            else:
                report(
                    position,
                    f"callout marker {marker[0]} is not at the start of a quote, so readers see it as text",
                    f"start the line with `> `, e.g. `> {marker[0]} Title`, or wrap it in backticks to show the syntax",
                )

        if line.depth and not line.blank:
            quote_has_content[: line.depth] = [True] * line.depth
        if garden is not None:
            for position, resolution in links_in(line, post, garden):
                if resolution.problem:
                    report(position, resolution.problem, resolution.hint, resolution.severity)

    for label, places in references.items():
        if label not in definitions:
            for place in places:
                report(
                    place,
                    f"footnote [^{label}] is referenced but never defined, so readers see the literal text",
                    f"add a definition `[^{label}]: …` anywhere in the post",
                )
    for label, places in definitions.items():
        first, *again = places
        for place in again:
            report(
                place,
                f"footnote [^{label}] is defined again (first on line {first[0]}); only the last definition is shown",
                "delete one definition, or give it its own label and reference",
            )
        if label not in references:
            report(
                first,
                f"footnote [^{label}] is defined but never referenced; it is listed with a backlink to nowhere",
                f"cite it in the text with [^{label}], or delete the definition",
            )
    return sorted(findings, key=lambda finding: (finding.line or 0, finding.column or 0))


def links_in(line: SourceLine, post: Post, garden: Garden):
    """Each link on a line of prose, with where it leads: Markdown links, reference definitions
    and wikilinks."""
    for link in links_on(line):
        yield (link.line, link.column), resolve_source_link(link, post, garden)
