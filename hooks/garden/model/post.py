"""The post model: one Markdown file, its frontmatter parsed, normalised and validated once.

Real LessWrong exports write booleans as the strings ``'true'``/``'false'``, nulls as ``None``,
dates as strings or YAML timestamps and a lone tag as a bare string. `Post.load` turns all of that
into what the author meant, so nothing else in the garden parses frontmatter again. Every
problem is a `GardenError` with the file and the line of the offending key.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

import frontmatter
import yaml

from .errors import GardenError, InvalidPost
from .lookalikes import BIDI_CONTROLS, bidi_control, mixed_script_word
from .nesting import too_deep
from .readingtime import reading_minutes
from .slugs import is_slug, slugify

# Keys whose values are dates; each becomes a timezone-aware datetime (UTC when no zone is given).
DATE_KEYS = frozenset(
    {
        "date_published",
        "date_updated",
        "lw-posted-at",
        "lw-last-modification",
        "lw-latest-edit",
        "lw-curation-date",
        "lw-frontpage-date",
    }
)
BOOL_KEYS = frozenset(
    {
        "publish",
        "draft",
        "unlisted",
        "lw-is-af",
        "lw-reward-post-warning",
        "lw-is-question",
        "lw-is-linkpost",
        "lw-is-shortform",
        "lw-is-debate",
        "lw-was-draft-post",
        "lw-was-unlisted",
        "hide_title",
        "hide_metadata",
        "toc",
    }
)
INT_KEYS = frozenset(
    {"lw-base-score", "lw-num-comments-on-upload", "lw-vote-count", "af-base-score", "af-num-comments-on-upload"}
)
# The typed keys the garden reads or shows. The others (`lw-posted-at`, `lw-vote-count`, …) are
# only kept for templates: a bad value there is a warning and the value is left out, never a
# lost post (exports do put URLs in `lw-posted-at`).
USED_KEYS = frozenset(
    {
        "date_published",
        "date_updated",
        "publish",
        "draft",
        "unlisted",
        "hide_title",
        "hide_metadata",
        "toc",
        "lw-is-af",
        "lw-reward-post-warning",
        "lw-is-question",
        "lw-base-score",
        "lw-num-comments-on-upload",
    }
)
# Deeper frontmatter than this is no essay's: the limit keeps a hostile file from exhausting
# the recursion of everything that walks the values later (pickling, templates, digests).
MAX_NESTING = 20
MAX_VALUES = 50_000
LIST_KEYS = frozenset({"tags", "aliases", "authors", "hide"})
# One line of text each (a number is read as text), shown or followed by the templates.
STRING_KEYS = frozenset(
    {"card_image_alt", "lw-sequence-title", "prev-post-slug", "next-post-slug", "template"}
)
# Addresses the templates link to: a web address or a path on the site, never a script.
URL_KEYS = frozenset({"original_url", "lw-page-url", "lw-linkpost-url", "card_image"})
_SCRIPT_SCHEMES = re.compile(r"\s*(?:javascript|vbscript|data)\s*:", re.IGNORECASE)
# Text: a title, permalink or description of "True" is text, not a boolean (a title of "None"
# is a title too; a permalink or description of "None" means "not set").
TEXT_KEYS = frozenset({"title", "permalink", "description"})

_NULL_STRINGS = {"none", "null", "~", ""}
_BOOL_STRINGS = {"true": True, "false": False}

_yaml_handler = frontmatter.YAMLHandler()


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader (libyaml's, when PyYAML was built with it: about ten times faster),
    except that a timestamp that is no real date (`2025-13-45`) stays text: PyYAML would raise a
    bare ValueError, and the date keys then say which line is wrong."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError, AttributeError):  # AttributeError: `!!timestamp x`
            return self.construct_scalar(node)


# What PyYAML's constructors raise, unmarked, for a value of the wrong shape.
_UNBUILDABLE = (ValueError, TypeError, OverflowError, KeyError, AttributeError, IndexError)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


@dataclass(frozen=True, eq=False)  # one object per file: compared and hashed by identity
class Post:
    """One essay: where it lives, what its frontmatter says, and its Markdown body."""

    path: Path
    src_uri: str  # posix path relative to the content folder, as MkDocs names it
    title: str
    permalink: str
    aliases: tuple[str, ...]
    description: str | None
    tags: tuple[str, ...]
    date_published: dt.datetime | None
    date_updated: dt.datetime | None
    meta: Mapping[str, Any]  # every key, normalised; unknown keys kept as they were
    body: str
    body_line: int  # the file's line number of the body's first line
    key_lines: Mapping[str, int] = field(default_factory=dict, repr=False)
    # Problems that leave the post whole: a bad value in a field the garden only keeps (a
    # warning), text that does not read as written (an error, for `--strict`; the post builds)
    findings: tuple[GardenError, ...] = field(default=(), repr=False)

    @property
    def is_home(self) -> bool:
        """The content folder's own index.md is the home page, served at the site root."""
        return self.src_uri == "index.md"

    @property
    def url(self) -> str:
        """The site-relative URL, as MkDocs writes it: ``permalink/`` (``""`` for the home page)."""
        return "" if self.is_home else f"{self.permalink}/"

    @property
    def is_draft(self) -> bool:
        """`publish: false` or `draft: true` hides a post; if they disagree, hiding wins."""
        return self.meta.get("draft") is True or self.meta.get("publish") is False

    @property
    def is_listed(self) -> bool:
        """Pages such as the tags index set `unlisted: true` to stay off the home page's list."""
        return not self.is_home and self.meta.get("unlisted") is not True

    @property
    def date(self) -> dt.datetime | None:
        """The date readers sort by: first publication, else the last update."""
        return self.date_published or self.date_updated

    @property
    def redirect_slugs(self) -> tuple[str, ...]:
        """Slugs that get a redirect page to this post: its aliases, and for the home page its
        `permalink` too, since the home page itself is always served at the root."""
        if self.is_home and "permalink" in self.key_lines and self.permalink not in self.aliases:
            return (self.permalink, *self.aliases)
        return self.aliases

    @property
    def update_shown(self) -> dt.datetime | None:
        """The update worth telling readers about: one on another day than the publication."""
        if self.date_updated and (not self.date_published or self.date_updated.date() != self.date_published.date()):
            return self.date_updated
        return None

    @cached_property
    def reading_minutes(self) -> int:
        """Minutes to read the body (garden.model.readingtime). Worked out once per source: the
        build cache keeps it with the parsed post, since a listing of a thousand essays asks
        for every one of them."""
        return reading_minutes(self.body, self.body_line)

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key)

    @classmethod
    def load(cls, path: Path, content_dir: Path) -> Post:
        """Read and validate one file; raise `InvalidPost` listing every problem found."""
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise InvalidPost([GardenError(path, None, f"cannot read the file: {error.strerror}")]) from None
        return cls.from_bytes(raw, path, content_dir)

    @classmethod
    def from_bytes(cls, raw: bytes, path: Path, content_dir: Path) -> Post:
        """The post in `raw`, the bytes of the file at `path`; raise `InvalidPost` like `load`."""
        src_uri = PurePosixPath(path.relative_to(content_dir).as_posix()).as_posix()
        return cls.parse(_decode(raw, path), path, src_uri)

    @classmethod
    def parse(cls, text: str, path: Path, src_uri: str) -> Post:
        frontmatter_text, first_line, body, body_line = _split(text, path)
        data, key_lines, item_lines = _load_yaml(frontmatter_text, first_line, path)
        errors: list[GardenError] = []
        warnings: list[GardenError] = []

        def error(key: str, message: str, hint: str, line: int | None = None) -> None:
            errors.append(GardenError(path, line or key_lines.get(key) or max(first_line - 1, 1), message, hint))

        meta = {}
        for key, value in data.items():
            problems: list[tuple[str, str]] = []
            normal = _normalise(key, value, lambda _key, message, hint: problems.append((message, hint)))
            if not problems:
                meta[key] = normal
            elif key in USED_KEYS or key not in DATE_KEYS | BOOL_KEYS | INT_KEYS:
                for message, hint in problems:
                    error(key, message, hint)
            else:
                for message, hint in problems:
                    line = key_lines.get(key) or first_line
                    warnings.append(
                        GardenError(path, line, f"{message}; the garden only keeps this field, so it is left out", hint, severity="warning")
                    )

        title = meta.get("title")
        if title is None:
            error("title", "the post has no title", "add a line such as `title: My essay` to the frontmatter")
        elif isinstance(title, (list, dict)):
            error("title", "`title` must be text, not a list or mapping", "write it on one line: `title: My essay`")
        else:
            meta["title"] = title = str(title).strip()

        stem = PurePosixPath(src_uri).stem
        permalink = meta.get("permalink")
        if permalink is None:
            permalink = stem
        elif not isinstance(permalink, (str, int)) or not is_slug(str(permalink)):
            suggestion = slugify(str(permalink)) or slugify(stem) or "my-essay"
            error(
                "permalink",
                f"`permalink` {_shown(permalink)} is not a URL-safe slug",
                f"use letters, digits, '-', '_', '.' or '~' only, e.g. `permalink: {suggestion}`",
            )
        permalink = str(permalink)
        meta["permalink"] = permalink

        aliases: list[str] = []
        for index, alias in enumerate(meta.get("aliases", ())):
            if not is_slug(alias):
                error(
                    "aliases",
                    f"alias {_shown(alias)} is not a URL-safe slug",
                    f"use letters, digits, '-', '_', '.' or '~' only, e.g. `{slugify(alias) or 'old-name'}`",
                    item_lines.get(("aliases", index)),
                )
            elif alias.lower() != permalink.lower() and alias.lower() not in {a.lower() for a in aliases}:
                aliases.append(alias)  # an alias equal to the permalink would redirect to itself: skip it

        description = meta.get("description")
        if description is not None and not isinstance(description, str):
            error(
                "description",
                f"`description` must be text, got {type(description).__name__}",
                "write one sentence after `description:`, in quotes if it contains a colon",
            )

        warnings += _lookalikes(path, meta, key_lines, body, body_line)
        if deep := too_deep(body, body_line):
            errors.append(
                GardenError(path, deep.line, deep.message, "nest quotes, lists, HTML and emphasis at most a few levels deep")
            )

        if errors:
            raise InvalidPost(sorted(errors, key=lambda e: e.line or 0))
        return cls(
            path=path,
            src_uri=src_uri,
            title=title,
            permalink=permalink,
            aliases=tuple(aliases),
            description=description,
            tags=meta.get("tags", ()),
            date_published=meta.get("date_published"),
            date_updated=meta.get("date_updated"),
            meta=meta,
            body=body,
            body_line=body_line,
            key_lines=key_lines,
            findings=tuple(warnings),
        )


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw[:2].count(0) == 1:
        raise InvalidPost(
            [
                GardenError(
                    path,
                    1,
                    "the file is UTF-16 text, not UTF-8",
                    "re-save it as UTF-8 in your editor, or convert it with `iconv -f utf-16 -t utf-8`",
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InvalidPost(
            [
                GardenError(
                    path,
                    line,
                    f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start})",
                    "re-save it as UTF-8 in your editor, or convert it with `iconv -f latin1 -t utf-8`",
                )
            ]
        ) from None
    if (nul := text.find("\x00")) >= 0:
        raise InvalidPost(
            [
                GardenError(
                    path,
                    text.count("\n", 0, nul) + 1,
                    "the file contains a NUL byte, so it is not plain text (or it is damaged)",
                    "delete the invisible character on this line (retype the line if unsure)",
                )
            ]
        )
    return text


def _split(text: str, path: Path) -> tuple[str, int, str, int]:
    """Return (frontmatter text, its first line, body, the body's first line)."""
    if not _yaml_handler.detect(text):
        return "", 1, text, 1
    # Only "\n" ends a line, as for YAML and Markdown; str.splitlines would also split on form
    # feeds and other separators, and every line number after them would be off.
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + [lines[-1]]
    # python-frontmatter's split would run on to a `---` rule in the body; find the real end first.
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in {"---", "..."}), None)
    if closing is None:
        raise InvalidPost(
            [
                GardenError(
                    path,
                    1,
                    "the frontmatter block opened on line 1 is never closed",
                    "add a line with just `---` after the last frontmatter key",
                )
            ]
        )
    return "".join(lines[1:closing]), 2, "".join(lines[closing + 1 :]), closing + 2


def _load_yaml(text: str, first_line: int, path: Path) -> tuple[dict, dict[str, int], dict[tuple[str, int], int]]:
    """Parse YAML keeping each key's line: python-frontmatter's loader drops positions."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise InvalidPost(
                [
                    GardenError(
                        path,
                        node.start_mark.line + first_line,
                        "the frontmatter is not a set of `key: value` lines",
                        "write one `key: value` per line between the two `---` lines",
                    )
                ]
            )
        key_lines: dict[str, int] = {}
        item_lines: dict[tuple[str, int], int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + first_line
            if key in key_lines:
                raise InvalidPost(
                    [
                        GardenError(
                            path,
                            line,
                            f"`{key}` is set twice (lines {key_lines[key]} and {line}); YAML would keep only the last",
                            "delete one of them",
                        )
                    ]
                )
            key_lines[key] = line
            if isinstance(value_node, yaml.SequenceNode):
                for index, item in enumerate(value_node.value):
                    item_lines[(key, index)] = item.start_mark.line + first_line
            if (oversized := _oversized(value_node)) is not None:
                raise InvalidPost(
                    [
                        GardenError(
                            path,
                            line,
                            f"`{key}` {oversized[1]}",
                            "frontmatter values are text, dates, numbers or short lists: shorten or flatten this value",
                        )
                    ]
                )
        try:
            data = loader.construct_document(node)
        except _UNBUILDABLE as error:
            # A value YAML parsed but cannot build, e.g. `!!int twelve` or `!!bool maybe`.
            bad = _first_unbuildable(loader, node)
            raise InvalidPost(
                [
                    GardenError(
                        path,
                        (bad.start_mark.line if bad is not None else 0) + first_line,
                        f"the frontmatter is not valid YAML: {error}",
                        "remove the `!!` tag or write a value of that type",
                    )
                ]
            ) from None
    except yaml.MarkedYAMLError as error:
        # An unclosed quote or bracket ("while scanning a quoted scalar", "while parsing a flow
        # sequence") starts where the author's mistake is, while the problem mark is only where
        # YAML gave up, e.g. the end of the block; otherwise the problem mark is the place.
        unclosed = error.context and ("quoted" in error.context or "flow" in error.context)
        mark = (error.context_mark if unclosed else None) or error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else first_line
        problem = error.problem or "invalid YAML"
        raise InvalidPost(
            [
                GardenError(
                    path,
                    line,
                    f"the frontmatter is not valid YAML: {problem}",
                    "quote values that contain `: `, `#` or start with `[`, `{`, `*`, `&`, `!` or `@`, "
                    "and close the block with a line of `---`",
                )
            ]
        ) from None
    except yaml.YAMLError as error:  # e.g. a control character, which YAML refuses to read at all
        position = getattr(error, "position", 0) or 0
        raise InvalidPost(
            [
                GardenError(
                    path,
                    text[:position].count("\n") + first_line,
                    f"the frontmatter cannot be read as YAML: {getattr(error, 'reason', error)}",
                    "delete the invisible control character on this line (retype the line if unsure)",
                )
            ]
        ) from None
    finally:
        loader.dispose()
    return {str(key): value for key, value in data.items()}, key_lines, item_lines


def _oversized(node: yaml.Node) -> tuple[yaml.Node, str] | None:
    """The first node below `node` that makes a value too deep or too big, and why. Walked without
    recursion, and counting every repeat of a YAML alias: `&a [*b, *b, …]` chains expand
    exponentially for anything that walks the value later."""
    todo, seen = [(node, 1)], 0
    while todo:
        current, depth = todo.pop()
        seen += 1
        if depth > MAX_NESTING:
            return current, f"nests lists or mappings more than {MAX_NESTING} levels deep"
        if seen > MAX_VALUES:
            return current, f"holds more than {MAX_VALUES:,} values (counting each use of a YAML alias)"
        if isinstance(current, yaml.SequenceNode):
            todo += [(child, depth + 1) for child in current.value]
        elif isinstance(current, yaml.MappingNode):
            todo += [(child, depth + 1) for pair in current.value for child in pair]
    return None


def _first_unbuildable(loader: yaml.BaseLoader, node: yaml.MappingNode) -> yaml.Node | None:
    """The value node YAML cannot build (for the line of the error)."""
    for _, value_node in node.value:
        try:
            loader.construct_object(value_node, deep=True)
        except (*_UNBUILDABLE, yaml.YAMLError):
            return value_node
    return None


def _normalise(key: str, value: Any, error) -> Any:
    """What the author meant by one frontmatter value."""
    if isinstance(value, str):
        folded = value.strip().lower()
        if folded in _NULL_STRINGS and (key != "title" or not folded):
            value = None
        elif folded in _BOOL_STRINGS and key not in TEXT_KEYS:
            value = _BOOL_STRINGS[folded]

    if key in DATE_KEYS and value is not None:
        return _to_datetime(key, value, error)
    if key in BOOL_KEYS and value is not None and not isinstance(value, bool):
        error(key, f"`{key}` must be true or false, got {_shown(value)}", f"write `{key}: true` or `{key}: false`")
    if key in INT_KEYS and value is not None:
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            return int(value)
        except (TypeError, ValueError, OverflowError):
            error(key, f"`{key}` must be a whole number, got {_shown(value)}", f"write e.g. `{key}: 12`")
            return None
    if key in LIST_KEYS:
        return _to_list(key, value, error)
    if key in STRING_KEYS | URL_KEYS and value is not None:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            error(key, f"`{key}` must be one line of text, got {type(value).__name__}", f"write `{key}: …` on one line")
            return None
        value = str(value).strip()
        if key in URL_KEYS and _SCRIPT_SCHEMES.match(value):
            error(
                key,
                f"`{key}` is a {value.split(':')[0].strip().lower()}: address, which the page would run as a script",
                "use a web address (https://…) or a path on the site",
            )
            return None
    return value


def _lookalikes(path: Path, meta: Mapping[str, Any], key_lines: Mapping[str, int], body: str, body_line: int) -> list[GardenError]:
    """Warnings for text that does not read as written (see garden.model.lookalikes): in the
    fields readers see or URLs are made of, and bidirectional controls in the body."""
    found = []
    for key in ("title", "description", "tags", "aliases", "authors", "permalink"):
        values = meta.get(key)
        for value in values if isinstance(values, (list, tuple)) else [values]:
            if not isinstance(value, str):
                continue
            line = key_lines.get(key) or 1
            if control := bidi_control(value):
                found.append(
                    GardenError(
                        path, line, f"`{key}` holds an invisible {control}, which shows the text after it in another order",
                        "delete the invisible character (retype the value if unsure)",
                    )
                )
            elif word := mixed_script_word(value):
                found.append(
                    GardenError(
                        path, line, f"`{key}` has the word {word!r}, which mixes look-alike letters of different alphabets",
                        "retype the word in one alphabet",
                    )
                )
    if (control := bidi_control(body)) is not None:
        index = BIDI_CONTROLS.search(body).start()  # type: ignore[union-attr]
        found.append(
            GardenError(
                path, body_line + body.count("\n", 0, index), f"the text holds an invisible {control}, which shows what follows in another order",
                "delete the invisible character, or use the `dir` attribute of HTML for right-to-left text",
            )
        )
    return found


def _shown(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: its repr (which escapes invisible characters), cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _to_datetime(key: str, value: Any, error) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            error(
                key,
                f"`{key}` is not a date: {_shown(value)}",
                f"write a date such as `{key}: 2024-03-05` or `{key}: 2024-03-05T10:00:00Z`",
            )
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _to_list(key: str, value: Any, error) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int, float)):
        return (str(value).strip(),)
    if isinstance(value, list) and all(isinstance(item, (str, int, float)) or item is None for item in value):
        return tuple(str(item).strip() for item in value if item is not None and str(item).strip().lower() not in _NULL_STRINGS)
    error(key, f"`{key}` must be a list of names", f"write `{key}: [first, second]` or one `- name` per line")
    return ()
