"""How whole do the real corpus posts come out? Source intent against rendered output.

The instrument behind `bench/fidelity.py` (which prints it) and `tests/test_corpus.py` (which
asserts on it); the counting lives here only, so the figures and the acceptance test agree.

It builds `../shared/corpus/turntrout/` (the 30 real posts beside the repository, read in place
and copied into a throw-away project folder outside the repository, never into it) with the
repository's mkdocs.yml, hooks and overrides, then, for every post, compares two readings:

- **expected**, from the Markdown source, by a line scanner (`scan_source`). It is deliberately
  simple: it knows fenced code blocks (```` ``` ```` / `~~~`, also inside quotes and lists), HTML
  comments, inline code spans, quote markers (`>`) and list markers, and nothing else of
  Markdown. What it counts is listed on `Source`; each heuristic is stated where it is made.
- **rendered**, from the built page (`analyse_page`), parsed with selectolax's lexbor parser.
  "The post's text" is everything inside `<main>` except the theme's chrome (sidebars, the post
  header, sequence links, "Linked from", notices the template adds, buttons, scripts), so text
  that escaped `<article>` is still read. Text checks read it with code (`<code>`, `<pre>`,
  `<kbd>`, `<samp>`) and math (`.arithmatex`, KaTeX output, MathML) taken out.

Each check has a key (`CHECKS`), the bullet of issue 12's "What was measured" it belongs to, and
per post a count plus findings that say where (the source line, or a snippet of rendered text).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from posixpath import join, normpath
from typing import Any
from urllib.parse import unquote

import yaml
from selectolax.lexbor import LexborHTMLParser, LexborNode

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "turntrout"
BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
BUILD_TIMEOUT = 900  # seconds; the corpus builds in a few seconds on a 2-CPU machine


# --------------------------------------------------------------------------------------------
# The checks: one per count, grouped under the bullets of issue 12's "What was measured".


@dataclass(frozen=True)
class Check:
    key: str
    bullet: str  # the issue's bullet it belongs to
    what: str  # what one unit of the count is
    issue: str  # the issue's own figure, for the before/after table ("" when it gave none)


CHECKS: tuple[Check, ...] = (
    Check("footnote_order", "Footnotes out of reading order", "footnotes whose shown number is not their place in reading order", "8 of 21 posts with footnotes"),
    Check("footnotes_lost", "Footnotes lost", "definitions in the source not shown in the footnote list", "9 (mechanistically-…)"),
    Check("refs_nowhere", "Footnotes lost", "references that link to no footnote", "9 (mechanistically-…)"),
    Check("refs_as_text", "Footnotes lost", "`[^x]` shown as text", ""),
    Check("footnotes_outside_article", "Footnotes lost", "footnotes shown outside <article>", "16 (test-page)"),
    Check("footnote_quotes_escaped", "Footnote bodies broken", "quotes/callouts written in a footnote not rendered inside it", "1 (best-reasons-…)"),
    Check("callouts_as_code", "Footnote bodies broken / Callouts lost", "`[!type]` shown inside code, beyond the source's own code", "first-rung 264–276"),
    Check("callouts_as_text", "Callouts lost", "`[!type]` shown as text", "3 (punctilio)"),
    Check("callouts_missing", "Callouts lost", "callouts written minus callouts rendered", ""),
    Check("posts_dropped", "Whole post dropped", "published posts with no built page", "1 post + 5 aliases"),
    Check("aliases_missing", "Whole post dropped", "aliases of published posts with no redirect page", "5"),
    Check("raw_double_dollar", "Math", "`$$` shown as text", "12"),
    Check("false_bracket_math", "Math", "prose `\\[…\\]` rendered as a display-math block", "3"),
    Check("backslash_escapes", "CommonMark differences", "a backslash shown before ASCII punctuation", "17 (\\% \\& \\# \\_)"),
    Check("list_run_in", "CommonMark differences", "list items run into the paragraph above", "2 (leaving-google-deepmind)"),
    Check("broken_anchors", "CommonMark differences", "`#anchor` links to no id (in the page or another built post)", "8"),
    Check("subtitle_lines", "Authoring conventions", "`Subtitle:` lines shown", "59"),
    Check("caption_lines", "Authoring conventions", "`Table:` / `Figure:` / `Code:` lines shown", "~140"),
    Check("class_lines", "Authoring conventions", "`{.class}` attribute text shown", "30"),
    Check("embeds", "Authoring conventions", "`![[…]]` shown", "19"),
    Check("spoilers_in_clear", "Authoring conventions", "`> !` spoilers shown as plain quotes", "1+ (design 830)"),
    Check("mermaid_as_code", "Authoring conventions", "mermaid fences shown as code, not diagrams", ""),
    Check("at_title", "Authoring conventions", "`@title` shown as text", "69"),
    Check("straight_quotes", "Typography", "straight `\"` and `'` in prose", ""),
    Check("double_hyphens", "Typography", "`--` in prose", ""),
    Check("search_raw", "Derived text", "source syntax in a page's search record", ""),
    Check("backlink_excerpts", "Derived text", "“Linked from” excerpts that are not the linking post's rendered text", ""),
)
CHECK_KEYS = tuple(check.key for check in CHECKS)
# Checks whose findings keep only the first few places of a count in the thousands.
SAMPLED = frozenset({"straight_quotes", "double_hyphens"})
SAMPLED_PLACES = 5
# Issue 12's "Done when": none of these left in a post's text outside code, by the check that
# finds each. `\\%` stands for every backslash escape of ASCII punctuation (the issue's item 4).
LEFTOVERS = {
    "[!type]": "callouts_as_text",
    "[^x]": "refs_as_text",
    "$$": "raw_double_dollar",
    "![[": "embeds",
    "{.class}": "class_lines",
    "\\%": "backslash_escapes",
    "@title": "at_title",
    "Subtitle:": "subtitle_lines",
    "Table:/Figure:/Code:": "caption_lines",
}


@dataclass(frozen=True)
class Finding:
    check: str
    post: str  # the source file's stem
    where: str  # "line 61" (source) or "rendered" or "search record" ...
    detail: str  # what is wrong, with a snippet

    def __str__(self) -> str:
        return f"{self.post}: {self.where}: {self.detail}"


# --------------------------------------------------------------------------------------------
# Source: what the author wrote, by a line scanner.

FENCE = re.compile(r"(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
CALLOUT_MARK = re.compile(r"\[!([A-Za-z][\w-]*)\][+-]?")
FOOTNOTE_DEF = re.compile(r"\[\^([^\]\s]+)\]:")
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
SOURCE_CAPTION = re.compile(r"(Table|Figure|Code):\s")
BR_CAPTION = re.compile(r"<br\s*/?>\s*(Table|Figure|Code):\s")
SOURCE_CLASS = re.compile(r"\{\s*:?\s*[.#][A-Za-z_][^{}\n]*\}")
EMBED = re.compile(r"!\[\[[^\]]*\]\]")
SPOILER = re.compile(r"!(?!\[)")  # `> ! text` or `>! text`, not `> ![image](…)`
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)(?:\\.|[^\\$\n])+?(?<![\s\\])\$")
# Lines that are not paragraph text: headings, tables, HTML, definitions, rules, images.
NOT_PARAGRAPH = re.compile(r"(#{1,6}\s|\||<|\[\^[^\]]*\]:|:\s|[-*_](?:\s*[-*_]){2,}\s*$|=+\s*$|!\[)")


@dataclass(frozen=True)
class Peeled:
    depth: int  # quote markers
    after_quote: bool  # the last marker peeled was `>`
    item: str  # the last list marker peeled ("" if none)
    column: int  # indentation before the first marker or text (tabs count 4)
    rest: str  # the text after every marker


def peel(line: str) -> Peeled:
    """A line's quote markers, list (and definition-list) markers and indentation, and the
    text after them."""
    expanded = line.expandtabs(4)
    column = len(expanded) - len(expanded.lstrip(" "))
    depth, after_quote, item, rest = 0, False, "", line
    while True:
        if match := re.match(r"[ \t]*>[ \t]?", rest):
            depth, after_quote, rest = depth + 1, True, rest[match.end() :]
        elif match := re.match(r"[ \t]*([-*+:]|\d{1,9}[.)])(?:[ \t]+|$)", rest):  # `:` opens a definition
            item, after_quote, rest = match.group(1), False, rest[match.end() :]
        else:
            break
    return Peeled(depth, after_quote, item, column, rest.lstrip(" \t"))
AT_TITLE = re.compile(r"@title")
BRACKET_MATH = re.compile(r"(?<!\\)\\\[(.*?)(?<!\\)\\\]")


@dataclass
class Source:
    """What one post's Markdown asks for. Lines are the file's line numbers (1-based)."""

    name: str  # the file's path in the content folder without `.md` (the corpus's: its stem)
    path: Path
    meta: dict[str, Any]  # frontmatter, every value a string (YAML's BaseLoader), lists kept
    permalink: str
    aliases: list[str]
    is_draft: bool
    is_home: bool
    # footnotes: label -> line of its definition (first one); references in reading order
    footnote_defs: dict[str, int] = field(default_factory=dict)
    footnote_refs: list[tuple[str, int]] = field(default_factory=list)
    # label -> quote blocks written inside that footnote's body
    footnote_quotes: dict[str, int] = field(default_factory=dict)
    callouts: list[tuple[int, str]] = field(default_factory=list)  # (line, type) of each `> [!type]`
    callout_marks_in_code: int = 0  # `[!type]` inside fenced code or code spans: code on purpose
    display_math: list[tuple[int, str]] = field(default_factory=list)  # `$$…$$` blocks (line, TeX)
    prose_brackets: list[tuple[int, str, bool]] = field(default_factory=list)  # `\[…\]` in prose (line, inside, alone on its line)
    list_after_text: list[int] = field(default_factory=list)  # list item straight after a text line
    subtitles: list[int] = field(default_factory=list)
    captions: list[int] = field(default_factory=list)
    class_lines: list[int] = field(default_factory=list)
    embeds: list[int] = field(default_factory=list)
    spoilers: list[int] = field(default_factory=list)
    mermaid: list[int] = field(default_factory=list)
    at_titles: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return "" if self.is_home else f"{self.permalink}/"


def _truthy(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() == "true"


def _falsy(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() == "false"


def split_frontmatter(text: str) -> tuple[dict[str, Any], list[str], int]:
    """(frontmatter, body lines, the file's line number of the first body line).

    YAML's BaseLoader reads every scalar as a string, so an impossible date or a URL in a date
    field cannot stop the instrument: it only needs permalink, aliases, draft and publish."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, lines, 1
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in {"---", "..."}), None)
    if end is None:
        return {}, lines, 1
    try:
        meta = yaml.load("\n".join(lines[1:end]), Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError:
        meta = {}
    return (meta if isinstance(meta, dict) else {}), lines[end + 1 :], end + 2


def scan_source(path: Path, root: Path | None = None) -> Source:
    """Read one post's intent from its Markdown. The heuristics, line by line:

    - `peel` strips a line's indentation, quote markers (`>`) and list or definition markers
      (`-`, `1.`, `:`). Fences (```` ``` ````, `~~~`) open and close on what is left, so code
      inside quotes, lists and footnotes is skipped like top-level code. Indented code blocks
      are not recognised (the corpus has none outside lists and footnotes, where indentation
      means nesting). Raw HTML is read as text, so Markdown inside a `<div>` still counts.
    - HTML comments (`<!-- … -->`, also over several lines) are not text.
    - Code spans (`` `…` ``) are cut out before prose patterns are looked for; `[!type]` inside
      them, or inside fenced code, is counted as code the author meant (`callout_marks_in_code`).
    - A callout is a line whose stripped text, after at least one `>`, starts `[!type]`.
    - A footnote definition is `[^label]:` at the start of the stripped text (so definitions in
      lists, quotes or indented after another note all count); a reference is any other
      `[^label]`. A definition's body runs over the following lines that are blank, HTML
      comments, or indented deeper than the definition; a line that starts at or left of the
      definition's column, or another definition, ends it. Runs of `>` lines in the body are
      the quotes it holds; runs separated only by blank lines count as one (Markdown merges them).
    - Display math is text between a pair of `$$` outside code; `\\[…\\]` outside code and
      outside `$…$`/`$$…$$` is prose (an escaped bracket), never math.
    - `Subtitle:` and `Table:` / `Figure:` / `Code:` (then a space; also after a `<br/>`, as
      the corpus writes captions below images, also on the image's own line) at the start
      of a line's text; `{.class …}` / `{#id}` attribute lists, `![[…]]` and `@title`
      wherever they stand; `> !` spoilers (a run of such lines is one spoiler); ```` ```mermaid ````
      fences.
    - A "list after text" is a list item line (`- `, `* `, `+ `, or `1.`: CommonMark lets only
      those interrupt a paragraph) directly below a line of paragraph text at the same quote
      depth, with no blank line between.
    """
    relative = path.relative_to(root).as_posix() if root is not None else path.name
    text = path.read_text(encoding="utf-8")
    meta, lines, first = split_frontmatter(text)
    aliases = meta.get("aliases")
    if isinstance(aliases, str):
        aliases = [aliases]
    permalink = str(meta.get("permalink") or path.stem).strip()
    # URLs are matched without regard to case, as the garden does: `MELBO` beside `melbo` is one alias.
    unique: dict[str, str] = {}
    for alias in aliases if isinstance(aliases, list) else []:
        alias = str(alias).strip()
        if alias and alias.lower() not in {"null", "none", "~", permalink.lower()}:
            unique.setdefault(alias.lower(), alias)
    source = Source(
        name=relative.removesuffix(".md"),
        path=path,
        meta=meta,
        permalink=permalink,
        aliases=list(unique.values()),
        is_draft=_truthy(meta.get("draft")) or _falsy(meta.get("publish")),
        is_home=relative == "index.md",
    )

    fence: tuple[str, int] | None = None  # (fence character, length) of the open fence
    in_comment = False
    math_open: tuple[int, list[str]] | None = None  # an open `$$` block: its line and text so far
    footnote: tuple[str, int] | None = None  # (label, column) of the definition whose body we are in
    quote_run = False  # inside a run of `>` lines in the current footnote body
    gap_after_quote = False  # only blank lines since that run ended
    previous_text: tuple[int, bool] | None = None  # (quote depth, is paragraph text) of the last line
    spoiler_line = 0  # the last `> !` line

    for offset, raw in enumerate(lines):
        number = first + offset

        if fence is not None:
            close = FENCE.match(peel(raw).rest)
            if close and close["fence"][0] == fence[0] and len(close["fence"]) >= fence[1] and not close["info"].strip():
                fence = None
            else:
                source.callout_marks_in_code += len(CALLOUT_MARK.findall(raw))
            previous_text = None
            continue

        # HTML comments are not text; a line that held only a comment is skipped altogether.
        line = raw
        if in_comment:
            end = line.find("-->")
            if end < 0:
                continue
            line, in_comment = " " * (end + 3) + line[end + 3 :], False
        line = re.sub(r"<!--.*?-->", lambda m: " " * len(m.group(0)), line)
        if "<!--" in line:
            line, in_comment = line[: line.index("<!--")], True
        if not line.strip() and raw.strip():
            continue

        parts = peel(line)
        opening = FENCE.match(parts.rest)
        if opening and math_open is None:
            fence = (opening["fence"][0], len(opening["fence"]))
            if opening["info"].strip().split(" ")[0].strip("{}.").lower() == "mermaid":
                source.mermaid.append(number)
            previous_text = None
            continue

        # Code spans are code.
        source.callout_marks_in_code += sum(len(CALLOUT_MARK.findall(m.group(2))) for m in CODE_SPAN.finditer(line))
        prose = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        parts = peel(prose)
        content = parts.rest
        blank = not prose.strip()

        # Footnote definitions and the quotes in their bodies.
        definition = FOOTNOTE_DEF.match(content)
        if footnote is not None and not blank and (definition or parts.column <= footnote[1]):
            footnote, quote_run, gap_after_quote = None, False, False
        if definition:
            label = definition.group(1)
            source.footnote_defs.setdefault(label, number)
            source.footnote_quotes.setdefault(label, 0)
            footnote = (label, parts.column)
            quote_run = gap_after_quote = False
            if content[definition.end() :].lstrip().startswith(">"):
                source.footnote_quotes[label] += 1
                quote_run = True
        elif footnote is not None:
            if blank:
                if quote_run:
                    quote_run, gap_after_quote = False, True
            elif parts.depth > 0:
                if not quote_run and not gap_after_quote:
                    source.footnote_quotes[footnote[0]] += 1
                quote_run, gap_after_quote = True, False
            else:
                quote_run = gap_after_quote = False

        for match in FOOTNOTE_REF.finditer(content[definition.end() :] if definition else prose):
            source.footnote_refs.append((match.group(1), number))

        # Callouts: `[!type]` straight after a `>`.
        callout = CALLOUT_MARK.match(content)
        if callout and parts.after_quote:
            source.callouts.append((number, callout.group(1).lower()))

        # Math: `$$` pairs; `\\[…\\]` elsewhere in prose.
        outside: list[str] = []
        for index, piece in enumerate(prose.split("$$")):
            if index > 0:
                if math_open is None:
                    math_open = (number, [])
                else:
                    source.display_math.append((math_open[0], "\n".join(math_open[1])))
                    math_open = None
            if math_open is not None:
                math_open[1].append(piece)
            else:
                outside.append(piece)
        prose_outside = INLINE_MATH.sub(" ", " ".join(outside))
        for match in BRACKET_MATH.finditer(prose_outside):
            alone = match.group(0) == peel(prose_outside).rest.strip() and math_open is None
            source.prose_brackets.append((number, match.group(1), alone))

        # The original site's conventions.
        if content.startswith("Subtitle:"):
            source.subtitles.append(number)
        if SOURCE_CAPTION.match(content) or BR_CAPTION.match(content):
            source.captions.append(number)
        source.captions.extend(number for match in BR_CAPTION.finditer(content) if match.start() > 0)
        source.class_lines.extend(number for _ in SOURCE_CLASS.finditer(prose))
        source.embeds.extend(number for _ in EMBED.finditer(prose))
        if parts.depth and SPOILER.match(content):
            if not (source.spoilers and spoiler_line == number - 1):
                source.spoilers.append(number)  # a block of `> !` lines is one spoiler
            spoiler_line = number
        source.at_titles.extend(number for _ in AT_TITLE.finditer(prose))

        # A list straight after a line of paragraph text (in CommonMark an ordered list may
        # interrupt a paragraph only when it starts at 1).
        interrupts = parts.item in ("-", "*", "+") or parts.item[:-1] == "1"  # not `:`
        if parts.item and interrupts and content.strip() and previous_text == (parts.depth, True) and not definition:
            source.list_after_text.append(number)
        is_text = bool(content.strip()) and not parts.item and not NOT_PARAGRAPH.match(content)
        previous_text = None if blank else (parts.depth, is_text)

    return source


def corpus_sources(corpus: Path = CORPUS) -> list[Source]:
    """Every post of a content folder (the corpus is flat; another garden's folders are read too)."""
    return [scan_source(path, corpus) for path in sorted(corpus.rglob("*.md")) if not path.name.startswith("README")]


# --------------------------------------------------------------------------------------------
# Building the corpus.


@dataclass
class CorpusBuild:
    returncode: int
    output: str  # MkDocs' log, stdout and stderr together
    site: Path
    seconds: float
    strict: bool

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith(("WARNING", "ERROR"))]


def write_corpus_project(root: Path, corpus: Path = CORPUS) -> Path:
    """A project folder at `root` (outside the repository) with the repository's mkdocs.yml,
    hooks and overrides, and a copy of the corpus as its content folder; returns its config.

    As tests/conftest.py's `write_project` does: file paths in the config are made absolute and
    `nav` is dropped (it names the sample garden's pages)."""
    if root.resolve().is_relative_to(REPO):
        raise ValueError(f"{root} is inside the repository; the corpus must never be copied into it")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"] = [str(REPO / hook) for hook in config.get("hooks", [])]
    config["theme"]["custom_dir"] = str(REPO / config["theme"]["custom_dir"])
    config["watch"] = [str(REPO / path) for path in config.get("watch", [])]
    config.pop("nav", None)
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(corpus, content, ignore=shutil.ignore_patterns("README*"))
    for path in content.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # the shared corpus is read-only
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return config_file


def build_corpus(root: Path, *, strict: bool = False, corpus: Path = CORPUS) -> CorpusBuild:
    """`mkdocs build` of the corpus in a project folder at `root`, timed. A strict build that
    fails leaves its site folder empty (garden.site.guard): measure a non-strict one."""
    config = write_corpus_project(root, corpus)
    site = root / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(config), "-d", str(site)]
    start = time.perf_counter()
    result = subprocess.run(
        command + ["--strict"] * strict, capture_output=True, text=True, env=BUILD_ENV, cwd=root, timeout=BUILD_TIMEOUT
    )
    return CorpusBuild(result.returncode, result.stdout + result.stderr, site, time.perf_counter() - start, strict)


# --------------------------------------------------------------------------------------------
# Rendered pages.

CHROME = ", ".join(
    (
        ".md-sidebar",
        ".garden-toc-inline",  # the folded contents at the top: the headings again, code marks left out
        "header.garden-post-header",
        ".garden-sequence",
        ".garden-backlinks",
        ".garden-linkpost",
        ".garden-question-notice",
        ".garden-reward-warning",
        ".garden-post-list",
        ".garden-posts",
        ".md-content__button",
        ".md-source-file",
        ".md-feedback",
        ".md-top",
        "script",
        "style",
        "template",
    )
)
# Code, and text that is code to a renderer: mermaid diagram source and drawn diagrams.
CODE = "code, pre, kbd, samp, .mermaid, svg"
MATH = ".arithmatex, .katex, .katex-display, math, mjx-container, script[type^='math']"
QUOTE_LIKE = "blockquote, div.admonition, details"
CALLOUT_ELEMENTS = "div.admonition, details"  # a <details> counts if it carries a callout type
FOOTNOTE_ITEMS = "div.footnote > ol > li[id], .footnotes > ol > li[id]"
FOOTNOTE_REF_LINKS = "a.footnote-ref, sup[id^='fnref'] > a[href^='#']"

TEXT_CALLOUT = re.compile(r"\[!([A-Za-z][\w-]*)\][+-]?")
TEXT_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
DOUBLE_DOLLAR = re.compile(r"\$\$")
BACKSLASH_PUNCT = re.compile(r"\\[!-/:-@\[-`{-~]")
LINE_LABEL = {
    "subtitle_lines": re.compile(r"(?m)^[ \t>]*Subtitle:"),
    "caption_lines": re.compile(r"(?m)^[ \t>]*(?:Table|Figure|Code):\s"),
}
CLASS_TEXT = re.compile(r"\{\s*:?\s*[.#][A-Za-z_][\w-]*(?:\s+[^{}\n]*)?\}")
EMBED_TEXT = re.compile(r"!\[\[")
AT_TITLE_TEXT = re.compile(r"@title")
STRAIGHT_QUOTE = re.compile(r"[\"']")
DOUBLE_HYPHEN = re.compile(r"(?<!-)-{2,}(?!-)")
RUN_IN_LINE = re.compile(r"\n[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
RAW_MARKERS = re.compile(r"\[![A-Za-z][\w-]*\]|\[\^[^\]\s]+\]|\$\$|!\[\[|\{\s*:?\s*\.[A-Za-z][\w-]*[^{}]*\}")


def select(node: LexborNode | LexborHTMLParser, selector: str) -> list[LexborNode]:
    """`node.css(selector)` in document order, each element once: lexbor returns an element
    once per selector of a comma-separated list that it matches."""
    seen: set[int] = set()
    found = []
    for match in node.css(selector):
        if match.mem_id not in seen:
            seen.add(match.mem_id)
            found.append(match)
    return found


def _ancestors(node: LexborNode) -> Iterator[LexborNode]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _has_ancestor(node: LexborNode, tags: Iterable[str] = (), classes: Iterable[str] = ()) -> bool:
    tags, classes = set(tags), set(classes)
    for parent in _ancestors(node):
        if parent.tag in tags:
            return True
        if classes and classes & set((parent.attributes.get("class") or "").split()):
            return True
    return False


def _squash(text: str) -> str:
    return " ".join(text.split())


def snippet(text: str, start: int, end: int, width: int = 40) -> str:
    before = _squash(text[max(0, start - width) : start])
    after = _squash(text[end : end + width])
    return f"“…{before} ⟦{_squash(text[start:end])}⟧ {after}…”"


@dataclass
class Page:
    """A built page, read three ways: the whole document; the post's region (`main` without
    the theme's chrome); and that region's visible text without code and math."""

    tree: LexborHTMLParser
    region: LexborNode
    text: str  # visible text, code and math removed
    full_text: str  # visible text with code and math (for excerpts, which may quote code)
    code_text: str  # the text of code elements only
    ids: set[str]  # every id (and <a name>) in the whole document
    backlinks: list[tuple[str, str, str]]  # "Linked from": (href, title, excerpt) of each entry


def read_page(path: Path) -> Page | None:
    if not path.exists():
        return None
    html = path.read_text(encoding="utf-8")
    tree = LexborHTMLParser(html)
    if tree.css_first("article") is None:
        return None  # an alias redirect, not a post
    ids = {node.attributes.get("id") or "" for node in select(tree, "[id]")} | {node.attributes.get("name") or "" for node in select(tree, "a[name]")}
    backlinks = []
    for item in select(tree, ".garden-backlink"):
        link, context = item.css_first("a"), item.css_first(".garden-backlink-context")
        if link is not None and context is not None:
            backlinks.append((link.attributes.get("href") or "", _squash(link.text()), _squash(context.text())))
    region = tree.css_first("main") or tree.body
    for node in select(region, CHROME):
        node.decompose()
    for node in select(region, ".headerlink, .footnote-backref"):
        node.decompose()
    full_text = region.text(separator="")
    code_text = "\n".join(
        node.text(separator="") for node in select(region, CODE) if not _has_ancestor(node, tags=("code", "pre", "kbd", "samp", "svg"), classes=("mermaid",))
    )
    # The text without code or math, from a second parse (decompose changes the tree).
    bare = LexborHTMLParser(region.html or "")
    bare_root = bare.body or bare.root
    for node in select(bare_root, f"{CODE}, {MATH}"):
        node.decompose()
    return Page(tree, region, bare_root.text(separator=""), full_text, code_text, ids, backlinks)


@dataclass
class PostReport:
    name: str
    permalink: str
    built: bool
    counts: Counter = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)  # expected/rendered figures behind the counts

    def __repr__(self) -> str:  # short: pytest shows it beside a failing assertion
        counts = ", ".join(f"{key} {self.counts[key]}" for key in CHECK_KEYS if self.counts[key])
        return f"<PostReport {self.name}: {'built' if self.built else 'NOT BUILT'}; {counts or 'no findings'}>"

    def add(self, check: str, where: str, detail: str, count: int = 1) -> None:
        self.counts[check] += count
        self.findings.append(Finding(check, self.name, where, detail))

    def of(self, check: str) -> list[Finding]:
        return [finding for finding in self.findings if finding.check == check]


def _text_matches(report: PostReport, check: str, pattern: re.Pattern, text: str, where: str = "rendered") -> None:
    for match in pattern.finditer(text):
        report.add(check, where, snippet(text, match.start(), match.end()))


def _footnote_number(item: LexborNode) -> int:
    """The number a footnote list shows for `item`: its place in its `<ol>` (from `start`)."""
    parent = item.parent
    start = int(parent.attributes.get("start") or 1) if parent is not None and (parent.attributes.get("start") or "1").isdigit() else 1
    siblings = [child for child in parent.iter() if child.tag == "li"] if parent is not None else [item]
    return start + next(i for i, child in enumerate(siblings) if child.mem_id == item.mem_id)


def footnote_reading_order(region: LexborNode) -> tuple[list[str], dict[str, LexborNode], dict[str, list[LexborNode]]]:
    """Footnote ids in reading order: the order their first references appear in the text,
    then, note by note in that order, references first made inside footnotes (as remark does:
    a reader meets a note's own notes when reading that note). Notes no reference reaches come
    last, in list order. Returns (order, footnote items by id, references by target id)."""
    items = {item.attributes.get("id"): item for item in select(region, FOOTNOTE_ITEMS) if item.attributes.get("id")}
    refs: dict[str, list[LexborNode]] = {}
    body_order: list[str] = []
    inside: dict[str, list[str]] = {}
    for link in select(region, FOOTNOTE_REF_LINKS):
        target = (link.attributes.get("href") or "").lstrip("#")
        refs.setdefault(target, []).append(link)
        holder = next((parent.attributes.get("id") for parent in _ancestors(link) if parent.attributes.get("id") in items), None)
        if holder is None:
            if target not in body_order:
                body_order.append(target)
        else:
            inside.setdefault(holder, [])
            if target not in inside[holder]:
                inside[holder].append(target)
    order: list[str] = []
    queue = list(body_order)
    while queue:
        target = queue.pop(0)
        if target in order:
            continue
        order.append(target)
        queue.extend(inside.get(target, []))  # breadth-first, after the notes already queued
        queue = sorted(set(queue), key=queue.index)
    order += [target for target in items if target not in order]
    return order, items, refs


def analyse_page(source: Source, page: Page | None, site: Path) -> PostReport:
    report = PostReport(source.name, source.permalink, page is not None)
    report.info["footnotes_defined"] = len(source.footnote_defs)
    report.info["callouts_written"] = len(source.callouts)
    if page is None:
        return report
    region, text = page.region, page.text

    # Footnotes: reading order, lost, pointing nowhere, outside the article.
    order, items, refs = footnote_reading_order(region)
    report.info["footnotes_shown"] = len(items)
    for place, target in enumerate(order, 1):
        links = refs.get(target)
        if not links:
            continue
        shown = _squash(links[0].text())
        label = target.split(":", 1)[-1]
        listed = _footnote_number(items[target]) if target in items else None
        if shown != str(place):
            report.add("footnote_order", "rendered", f"footnote [^{label}] is read {place}{_ordinal(place)} but numbered {shown or '(no number)'}")
        elif listed is not None and listed != place:
            report.add("footnote_order", "rendered", f"footnote [^{label}] is numbered {shown} but stands {listed}{_ordinal(listed)} in the list")
    ids = page.ids
    # Lost: definitions minus list items. The lost ones are named by label where the list's ids
    # are Python-Markdown's `fn:<label>`; any others are counted without a name.
    missing = max(0, len(source.footnote_defs) - len(items))
    shown_labels = {target.split(":", 1)[-1] for target in items}
    lost = [label for label in source.footnote_defs if label not in shown_labels][:missing]
    for label in lost:
        report.add("footnotes_lost", f"line {source.footnote_defs[label]}", f"[^{label}] is defined but not in the footnote list")
    if missing > len(lost):
        report.add("footnotes_lost", "rendered", f"{missing - len(lost)} more definitions than list items", missing - len(lost))
    for target, links in refs.items():
        if target not in ids:
            report.add("refs_nowhere", "rendered", f"{len(links)} reference(s) to #{target}, which no element has", len(links))
    _text_matches(report, "refs_as_text", TEXT_FOOTNOTE_REF, text)
    for target, item in items.items():
        if not _has_ancestor(item, tags=("article",)):
            report.add("footnotes_outside_article", "rendered", f"footnote #{target} is outside <article>")

    # Quotes and callouts written inside footnotes stay there.
    for label, written in source.footnote_quotes.items():
        if not written:
            continue
        item = items.get(f"fn:{label}")
        if item is None:
            if len(items) >= len(source.footnote_defs):  # not lost, so the ids changed: say so
                report.add("footnote_quotes_escaped", f"line {source.footnote_defs[label]}", f"[^{label}] holds a quote, but no list item has the id fn:{label} to look in", written)
            continue  # otherwise counted as lost
        rendered = sum(1 for node in select(item, QUOTE_LIKE) if not any(_quote_like(p) for p in _ancestors_until(node, item)))
        if rendered < written:
            report.add(
                "footnote_quotes_escaped",
                f"line {source.footnote_defs[label]}",
                f"[^{label}] holds {written} quote(s) in the source, {rendered} in its rendered note",
                written - rendered,
            )

    # Callouts: as code, as text, or missing.
    in_code = len(TEXT_CALLOUT.findall(page.code_text))
    if in_code > source.callout_marks_in_code:
        extra = in_code - source.callout_marks_in_code
        shown = [m for m in TEXT_CALLOUT.finditer(page.code_text)]
        report.add("callouts_as_code", "rendered code", f"{extra} beyond the source's {source.callout_marks_in_code} in code, e.g. {snippet(page.code_text, shown[-1].start(), shown[-1].end())}", extra)
    _text_matches(report, "callouts_as_text", TEXT_CALLOUT, text)
    # Material renders a foldable callout as <details class="type">; a <details> without one of
    # the post's callout types (a spoiler, say) is not a callout.
    types = {kind for _, kind in source.callouts}
    rendered_callouts = sum(
        1
        for node in select(region, CALLOUT_ELEMENTS)
        if node.tag != "details" or "admonition" in _classes(node) or types & _classes(node)
    )
    report.info["callouts_rendered"] = rendered_callouts
    if rendered_callouts < len(source.callouts):
        lines = ", ".join(str(line) for line, _ in source.callouts[:12])
        report.add(
            "callouts_missing",
            "source",
            f"{len(source.callouts)} written (lines {lines}{'…' if len(source.callouts) > 12 else ''}), {rendered_callouts} rendered",
            len(source.callouts) - rendered_callouts,
        )
    elif rendered_callouts > len(source.callouts):
        report.info["callouts_extra"] = rendered_callouts - len(source.callouts)

    # Math.
    _text_matches(report, "raw_double_dollar", DOUBLE_DOLLAR, text)
    # A rendered `\[X\]` whose X is prose in the source. Its source line: the next one, in order,
    # where such a bracket stands alone on its line (the form that becomes a block).
    brackets = {_squash(inner) for _, inner, _ in source.prose_brackets}
    alone = [(line, _squash(inner)) for line, inner, whole in source.prose_brackets if whole]
    for node in select(region, ".arithmatex, .katex-display"):
        tex = node.text(separator="").strip()
        inner = _squash(tex[2:-2])
        if tex.startswith("\\[") and tex.endswith("\\]") and inner in brackets:
            line = next((line for line, text in alone if text == inner), None)
            if line is not None:
                alone.remove((line, inner))
            report.add("false_bracket_math", f"line {line}" if line else "rendered", f"prose \\[{inner[:40]}\\] became a math block")
    report.info["display_math_written"] = len(source.display_math)

    # CommonMark differences.
    _text_matches(report, "backslash_escapes", BACKSLASH_PUNCT, text)
    for paragraph in select(region, "p"):
        if _has_ancestor(paragraph, tags=("pre", "code")):
            continue
        body = paragraph.text(separator="")
        if match := RUN_IN_LINE.search(body):  # one per paragraph: the list that ran into it
            report.add("list_run_in", "rendered", snippet(body, match.start(), match.end()))
    for link in select(region, "a[href*='#']"):
        href = link.attributes.get("href") or ""
        if link.css_matches(".footnote-ref") or re.match(r"#fn(ref\d*)?:", href) or _has_ancestor(link, tags=("pre", "code")):
            continue
        path_part, _, fragment = href.partition("#")
        if not fragment or re.match(r"[a-z][a-z0-9+.-]*:", path_part):
            continue  # an external link
        if not path_part:
            if fragment not in ids and unquote(fragment) not in ids:
                report.add("broken_anchors", "rendered", f"{href} (text {_squash(link.text())[:40]!r}) has no target in the page")
            continue
        target = _page_at(site, source.url, path_part)
        if target is None:
            continue  # a link to a page the build lacks: the link checker's business, not an anchor
        if fragment not in target and unquote(fragment) not in target:
            report.add("broken_anchors", "rendered", f"{href} (text {_squash(link.text())[:40]!r}) has no target on that page")

    # The original site's conventions.
    for key, pattern in LINE_LABEL.items():
        _text_matches(report, key, pattern, text)
    _text_matches(report, "class_lines", CLASS_TEXT, text)
    _text_matches(report, "embeds", EMBED_TEXT, text)
    for paragraph in select(region, "p"):
        body = paragraph.text(separator="").lstrip()
        in_quote = paragraph.parent is not None and paragraph.parent.tag == "blockquote"
        if (in_quote and re.match(r"!\s", body)) or body.startswith(">!"):
            if not _has_ancestor(paragraph, classes=("spoiler",)):
                report.add("spoilers_in_clear", "rendered", snippet(body, 0, 2))
    # Mermaid: Pygments has no mermaid lexer, so a fence shown as code carries no language
    # class to find it by; count the source's fences against the diagrams rendered.
    diagrams = [node for node in select(region, ".mermaid") if not _has_ancestor(node, classes=("mermaid",))]
    report.info["mermaid"] = {"written": len(source.mermaid), "diagrams": len(diagrams)}
    for line in source.mermaid[len(diagrams) :]:
        report.add("mermaid_as_code", f"line {line}", "```mermaid fence without a rendered diagram (.mermaid)")
    _text_matches(report, "at_title", AT_TITLE_TEXT, text)

    # Typography: counted, with the first few places.
    for key, pattern in (("straight_quotes", STRAIGHT_QUOTE), ("double_hyphens", DOUBLE_HYPHEN)):
        matches = list(pattern.finditer(text))
        for match in matches[:SAMPLED_PLACES]:
            report.add(key, "rendered", snippet(text, match.start(), match.end(), 25))
        if len(matches) > SAMPLED_PLACES:
            report.counts[key] += len(matches) - SAMPLED_PLACES

    return report


def _classes(node: LexborNode) -> set[str]:
    return set((node.attributes.get("class") or "").split())


def _quote_like(node: LexborNode) -> bool:
    return node.tag in ("blockquote", "details") or "admonition" in (node.attributes.get("class") or "").split()


def _ancestors_until(node: LexborNode, stop: LexborNode) -> Iterator[LexborNode]:
    for parent in _ancestors(node):
        if parent.mem_id == stop.mem_id:
            return
        yield parent


def _ordinal(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


_ids_cache: dict[Path, set[str] | None] = {}


def _page_at(site: Path, page_url: str, href: str) -> set[str] | None:
    """The ids on the built page `href` leads to from the page at `page_url`, or None."""
    path = href if href.startswith("/") else normpath(join("/" + page_url, href))
    path = path.lstrip("/")
    file = (site / path / "index.html") if not path.endswith(".html") else site / path
    file = file.resolve()
    if file not in _ids_cache:
        if not file.exists():
            _ids_cache[file] = None
        else:
            tree = LexborHTMLParser(file.read_text(encoding="utf-8"))
            if tree.css_first("article") is None:  # an alias redirect: follow it
                refresh = tree.css_first("meta[http-equiv='refresh']")
                url = (refresh.attributes.get("content") or "").partition("url=")[2] if refresh else ""
                _ids_cache[file] = _page_at(site, path + "/", url) if url else None
            else:
                _ids_cache[file] = {n.attributes.get("id") for n in select(tree, "[id]")}
    return _ids_cache[file]


# --------------------------------------------------------------------------------------------
# Derived text: search records and "Linked from" excerpts.


def search_records(site: Path) -> dict[str, str]:
    """Pagefind's record of each page, by URL path (`/punctilio/`): the text it shows snippets of."""
    records: dict[str, str] = {}
    for fragment in (site / "pagefind").rglob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        if data.startswith(b"pagefind_dcd"):
            data = data[len(b"pagefind_dcd") :]
        record = json.loads(data)
        records[record.get("url", "")] = record.get("content", "")
    return records


def check_search(report: PostReport, source: Source, page: Page, records: dict[str, str]) -> None:
    record = records.get("/" + source.url)
    if record is None:
        report.info["search_record"] = False
        return
    report.info["search_record"] = True
    # Code may show source syntax on purpose: cut the page's code (as Pagefind flattens it)
    # out of the record before looking for markers.
    record = _squash(record)
    for code in sorted({_squash(node.text(separator="")) for node in select(page.region, CODE)}, key=len, reverse=True):
        if RAW_MARKERS.search(code):
            record = record.replace(code, " ")
    for match in RAW_MARKERS.finditer(record):
        report.add("search_raw", "search record", snippet(record, match.start(), match.end()))


def check_backlinks(report: PostReport, page: Page, site: Path, texts: dict[str, str]) -> None:
    """Each "Linked from" excerpt must be words of the linking post as rendered."""
    for href, title, excerpt in page.backlinks:
        target = normpath(join("/" + report.permalink + "/", href.split("#")[0])).strip("/")
        rendered = texts.get(target)
        if rendered is None:
            continue
        core = excerpt.removeprefix("… ").removesuffix(" …")
        if core and core not in rendered:
            report.add("backlink_excerpts", f"“Linked from” {title[:40]!r}", f"excerpt not in that post's rendered text: “{core[:90]}…”")


# --------------------------------------------------------------------------------------------
# The corpus as a whole.


@dataclass
class CorpusReport:
    build: CorpusBuild
    sources: list[Source]
    posts: dict[str, PostReport]
    commit: str

    def __repr__(self) -> str:
        built = sum(report.built for report in self.posts.values())
        return f"<CorpusReport {built}/{len(self.posts)} posts built in {self.build.seconds:.1f} s, exit {self.build.returncode}, {len(self.build.warnings)} warnings>"

    def total(self, key: str) -> int:
        return sum(report.counts[key] for report in self.posts.values())

    def posts_with(self, key: str) -> list[str]:
        return [name for name, report in self.posts.items() if report.counts[key]]

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "build": {"seconds": round(self.build.seconds, 2), "returncode": self.build.returncode, "strict": self.build.strict, "warnings": len(self.build.warnings)},
            "checks": [check.__dict__ for check in CHECKS],
            "totals": {key: self.total(key) for key in CHECK_KEYS},
            "posts_affected": {key: len(self.posts_with(key)) for key in CHECK_KEYS},
            "posts": {
                name: {"permalink": report.permalink, "built": report.built, "counts": {key: report.counts[key] for key in CHECK_KEYS}, "info": report.info}
                for name, report in self.posts.items()
            },
            "findings": [finding.__dict__ for report in self.posts.values() for finding in report.findings],
        }


def measure(build: CorpusBuild, sources: list[Source] | None = None) -> CorpusReport:
    """Every check on every post of a built corpus."""
    sources = corpus_sources() if sources is None else sources
    _ids_cache.clear()
    pages = {source.name: read_page(build.site / source.url / "index.html") for source in sources}
    texts = {source.permalink if not source.is_home else "": _squash(page.full_text) for source in sources if (page := pages[source.name])}
    records = search_records(build.site)
    posts: dict[str, PostReport] = {}
    for source in sources:
        page = pages[source.name]
        report = analyse_page(source, page, build.site)
        if source.is_draft:
            report.info["draft"] = True
            if page is not None:
                report.add("posts_dropped", "site", f"the draft is built at /{source.url}", 0)
        else:
            if page is None:
                report.add("posts_dropped", "site", f"published post has no page at /{source.url}")
            for alias in source.aliases:
                if not (build.site / alias / "index.html").exists():
                    report.add("aliases_missing", "site", f"alias /{alias}/ has no redirect page")
        if page is not None:
            check_search(report, source, page, records)
            check_backlinks(report, page, build.site, texts)
        posts[source.name] = report
    return CorpusReport(build, sources, posts, _commit())


def _commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "hooks", "overrides", "mkdocs.yml"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"
    return commit + (" + uncommitted changes" if dirty else "")


# --------------------------------------------------------------------------------------------
# The strict build's warnings.

# The warnings a link to a post outside the corpus gives: the garden's, and MkDocs' own for
# relative links it cannot resolve (`./slug`, `./slug.md`, or a host written without `https://`).
# The garden's resolver says "no permalink or alias 'slug'" (links; any warning built on its
# answer, e.g. for an embed or an `@title`, carries the phrase too) or, for a wikilink,
# "wikilink [[name]] leads to no post".
GARDEN_NO_POST = re.compile(r"no permalink or alias '(?P<slug>[^']*)'")
GARDEN_NO_WIKILINK = re.compile(r"wikilink \[\[(?P<inner>[^\]|#]*)[^\]]*\]\] leads to no post")
GARDEN_NO_EMBED = re.compile(r"embed !\[\[(?P<inner>[^\]|#]*)[^\]]*\]\] leads to no post")
MKDOCS_NO_TARGET = re.compile(
    r"Doc file '[^']*' contains (?:an unrecognized relative link '(?P<relative>[^']*)', it was left as is"
    r"|a link '(?P<href>[^']*)', but the target (?:'(?P<target>[^']*)' )?is not found among documentation files)"
)


# The garden's own message for a relative link to a file the content folder lacks.
GARDEN_NO_FILE = re.compile(r"garden: \S+: link '(?P<href>[^']*)' leads to no file")


def corpus_slugs(sources: Iterable[Source]) -> set[str]:
    """Every permalink, alias and file name of every corpus post, drafts included, lower-cased."""
    return {slug.lower() for source in sources for slug in (source.permalink, *source.aliases, source.name, source.path.name)}


def _local_name(href: str) -> str:
    """`./slug`, `/slug/`, `../slug.md#part` -> `slug`; a deeper path keeps its folders."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    name = "/".join(part for part in path.split("/") if part not in ("", ".", ".."))
    return name.removesuffix(".md").lower()


def is_link_outside_corpus(warning: str, slugs: set[str]) -> bool:
    """Is this warning about a link to a page that is not a corpus post (and only that)?"""
    if match := GARDEN_NO_POST.search(warning):
        return match["slug"].lower() not in slugs
    if match := GARDEN_NO_WIKILINK.search(warning) or GARDEN_NO_EMBED.search(warning):
        return _local_name(match["inner"]) not in slugs
    if match := GARDEN_NO_FILE.search(warning):
        return _local_name(match["href"]) not in slugs
    if match := MKDOCS_NO_TARGET.search(warning):
        href = match["relative"] or match["target"] or match["href"] or ""
        return _local_name(href) not in slugs
    return False


def warnings_beyond_missing_posts(build: CorpusBuild, sources: Iterable[Source]) -> list[str]:
    """The build's warnings and errors other than those about links to posts that are not in
    the corpus (about 207 of the corpus's local links lead to such posts; see its README)."""
    slugs = corpus_slugs(sources)
    return [line for line in build.warnings if not is_link_outside_corpus(line, slugs)]


def temporary_root(prefix: str = "garden-corpus-") -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
