"""Content checks that need no build: what Python-Markdown would otherwise get wrong silently.

For each post's source (read through `garden.model.source`, so code is never checked):

- a footnote referenced but never defined: Python-Markdown prints the literal `[^label]`;
- a footnote defined twice: the last definition silently wins;
- a footnote defined but never referenced: it is listed with a backlink to nowhere;
- ambiguous footnote indentation (warnings): a note's later paragraph indented by one to three
  spaces, which the garden keeps in the note but CommonMark renderers do not, and a definition
  indented inside another note's text, which the garden shows as a note of its own;
- raw HTML that does not balance (warnings, `check.rawhtml`): an end tag that closes nothing
  the post opened, an element never closed, or one left open when its paragraph or quote ends;
  the build repairs each (`garden.markdown.htmlbalance`);
- a callout marker that will not render: `[!type]` outside a quote, or after other lines of
  the same quote, which is how two callouts with no blank line between them merge into one;
- an unknown callout type (a warning: it renders like `note`);
- a wikilink or `/permalink` link that leads to no post (or to several), with the closest names;
- a relative link to a file the content folder lacks (`[a file](missing-file.md)`), which MkDocs
  would report without a line (the build then leaves MkDocs' own message out), and a
  `javascript:` (or `vbscript:`, `data:`) link;
- a LessWrong or wikilink `#fragment` the target post lacks (a warning: it is dropped);
- an `![[…]]` embed of a post, section or local file that does not exist;
- an `@title` link whose target is not a garden post (a warning: it shows words made from
  its address, or the heading's text for a `#heading` on the same page);
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
from ..model.embeds import EMBED, Embed
from ..model.post import Post
from ..model.sequences import check_sequences
from ..model.resolve import NOT_OURS, check_address, markdown_link_target, resolve_href, resolve_source_link
from ..model.source import CALLOUT_MARKER, FOOTNOTE_DEFINITION, FOOTNOTE_REFERENCE, SourceLine, links_on, prose_lines
from ..model.titles import fallback_title
from .rawhtml import unbalanced_html

# A link's destination, `](…)`: brackets in a URL are not markers.
LINK_DESTINATION = re.compile(r"(?<=\])\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
AT_TITLE = re.compile(r"\[[^\]\n]*@title[^\]\n]*\]\((?P<url><[^>\n]*>|(?:[^()\s]|\([^()\s]*\))+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)")

Position = tuple[int, int]  # (line, column)
PostLinter = Callable[[Post, frozenset[str], Garden], list[GardenError]]


def lint_garden(garden: Garden, callout_types: Iterable[str] = (), lint: PostLinter | None = None) -> list[GardenError]:
    """Every problem in the garden: frontmatter and URL clashes first, then each post's content
    (checked by `lint`, default `lint_post`; the build passes a cached one)."""
    known = KNOWN_TYPES | {name.lower() for name in callout_types}
    findings = list(garden.errors) + check_sequences(garden.sequences, garden)
    for post in garden.posts:
        findings += (lint or lint_post)(post, known, garden)
        if (template := missing_template(post, garden.layout.templates)) is not None:
            findings.append(template)
    return findings


def missing_template(post: Post, templates: Iterable[str] | None) -> GardenError | None:
    """`template:` naming no template of the theme (when the theme's templates are known)."""
    name = post.meta.get("template")
    if not name or templates is None or name in templates:
        return None
    return GardenError(
        post.path,
        post.line_of("template"),
        f"template '{name}' is not a template of the theme, so the page cannot be built with it",
        "name one of overrides/ or Material's (such as main.html), or delete the line; the page uses main.html",
    )


def lint_post(post: Post, callout_types: frozenset[str] = KNOWN_TYPES, garden: Garden | None = None) -> list[GardenError]:
    """The post's problems; links are checked only against a `garden`."""
    findings: list[GardenError] = []

    def report(position: Position, message: str, hint: str, severity: str = "error") -> None:
        findings.append(GardenError(post.path, position[0], message, hint, position[1], severity))

    references: dict[str, list[Position]] = {}
    definitions: dict[str, list[Position]] = {}
    quote_has_content: list[bool] = []  # one flag per open quote, outermost first
    open_footnote: tuple[str, int] | None = None  # (label, indent) of the definition being continued
    after_blank = False  # a blank line (or only comments) since the last line of text

    lines = list(prose_lines(post.body, post.body_line))
    for line in lines:
        if line.blank and line.depth == 0:
            quote_has_content = []  # a blank line ends every quote
            after_blank = True
            continue
        paragraph_start, after_blank = after_blank, False
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

        if open_footnote and not line.blank and (line.margin if line.depth else line.indent) < open_footnote[1] + 4:
            if paragraph_start and line.margin > open_footnote[1]:
                report(
                    (line.number, line.margin + 1),
                    f"this {'quote' if line.depth else 'paragraph'} is indented {line.margin - open_footnote[1]} space(s) under footnote "
                    f"[^{open_footnote[0]}]: the garden keeps it in the note, but CommonMark renderers "
                    "(GitHub, Obsidian) end the note before it",
                    "indent it by 4 spaces to keep it in the note everywhere, or start it at the margin to end the note",
                    "warning",
                )
            else:
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
                # Indented as part of the other note's text: the garden lists it as a note of its
                # own (Python-Markdown alone drops it), but the source reads both ways.
                report(
                    position,
                    f"footnote [^{label}] is indented inside the text of footnote [^{open_footnote[0]}]; the garden "
                    "shows it as a note of its own",
                    "start the definition at the margin (remove its indentation), so that it reads as its own note",
                    "warning",
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
            for position, message, hint in untitled_links(line, post, garden):
                report(position, message, hint, "warning")
            for match in EMBED.finditer(line.text) if "![[" in line.text else ():
                if problem := embed_problem(Embed.parse(match["inner"]), post, garden):
                    report((line.number, line.column_of(match.start())), *problem)

    for finding in unbalanced_html(lines):
        report(finding.position, finding.message, finding.hint, "warning")

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
        resolution = resolve_source_link(link, post, garden)
        if resolution is NOT_OURS and link.kind == "url":
            resolution = check_address(link.target, post, garden)  # a missing file, a `javascript:` link
        yield (link.line, link.column), resolution


def embed_problem(embed: Embed, post: Post, garden: Garden) -> tuple[str, str] | None:
    """(message, hint) when an `![[…]]` embed leads nowhere."""
    written = f"![[{embed.inner}]]"
    if embed.kind != "post":
        if embed.is_url or garden.media_file(embed.target, post) is not None:
            return None
        return (
            f"embed {written} names a file the content folder does not have, so readers see a broken {embed.kind}",
            "put the file beside the post or anywhere under the content folder (a unique name is found), or fix the name",
        )
    target, candidates = garden.lookup(embed.post_name)
    if target is None:
        if candidates:
            where = ", ".join(f"{p.src_uri} ({p.permalink})" for p in candidates)
            return (f"embed {written} is ambiguous: {len(candidates)} posts are titled '{embed.post_name}' ({where})",
                    f"embed by permalink instead, e.g. ![[{candidates[0].permalink}]]")
        closest = garden.closest(embed.post_name)
        hint = ("did you mean " + " or ".join(f"'{p.permalink}' ({p.title})" for p in closest) + "?") if closest else "check the name"
        return (f"embed {written} leads to no post: nothing has the permalink, alias or title '{embed.post_name}', "
                "so readers see only its name", hint)
    if garden.section(target, embed.fragment, embed.lede) is None:
        what = f"block ^{embed.fragment[1:]}" if embed.fragment.startswith("^") else f"section '{embed.fragment}'"
        hint = (f"end the paragraph in {target.src_uri} with ' {embed.fragment}'" if embed.fragment.startswith("^")
                else "name one of its headings, by its text or its id")
        return f"embed {written}: {target.src_uri} has no {what}, so readers see only its name", hint
    return None


def untitled_links(line: SourceLine, post: Post, garden: Garden):
    """Each `[@title](…)` on the line whose target the garden cannot title, with a warning."""
    for match in AT_TITLE.finditer(line.text):
        url = match["url"].strip("<>")
        if url.startswith("#"):
            if url[1:] in garden.anchors(post):
                continue
        elif resolve_href(url, post, garden).target is not None or markdown_link_target(url, post, garden) is not None:
            continue
        where = f"points at '{url}', which this post does not have" if url.startswith("#") else "leads outside the garden"
        yield (
            (line.number, line.column_of(match.start())),
            f"[@title]({url}) {where}, so no title is known: the link reads '{fallback_title(url)}'",
            f"write the link's text yourself, e.g. [Its title]({url})",
        )
