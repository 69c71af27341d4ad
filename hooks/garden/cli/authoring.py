"""Authoring commands: `garden new` starts an essay, `garden publish` makes it public.

Both exist so that writing never risks a file the author already has:

- `garden new` writes a draft (`publish: false`) that the post model accepts, and refuses to
  overwrite a file or to take a permalink or alias another post already answers to. The file
  appears in one step (a temporary file hard-linked into place), so it is whole or absent.
- `garden publish` changes frontmatter by editing lines, not by re-serialising YAML: a YAML
  dump would reorder keys, drop comments and requote values, and every such change is noise in
  the author's diff. Lines are found through the post model's `key_lines` (the post model stays
  the only frontmatter parser), the result is parsed again and compared with what was asked
  before anything is written, and the file is replaced atomically with its permissions kept.
"""

from __future__ import annotations

import argparse
import difflib
import datetime as dt
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..model.config import GardenConfig
from ..model.errors import GardenError, InvalidPost, display_path
from ..model.index import Garden
from ..model.post import Post
from ..model.slugs import is_slug, slugify

# File names MkDocs reads as a folder's index page: a post saved under one would not be a post.
RESERVED_STEMS = frozenset({"index", "readme"})
BOM = "\ufeff"

NEW_BODY = """\
<!-- A draft until `garden publish`: `make serve` previews it with a Draft label, `make build`
     leaves it out. Start sections at `##`: the title above is the page's only `#` heading. -->

Write the opening paragraph here: what this essay claims, in two or three sentences.
"""


class UnsafeEdit(Exception):
    """A frontmatter line `garden publish` will not rewrite, because it cannot do so without
    changing more than the value (a list, a YAML anchor, a line it cannot find)."""

    def __init__(self, line: int | None, message: str, hint: str = "edit the line by hand"):
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class Refusal(Exception):
    """A request the garden declines to carry out, because doing it would lose or break
    something: each problem is reported (path, line, message, hint) and the command exits 1."""

    def __init__(self, *errors: GardenError):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


# The command line


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register `garden new` and `garden publish` on the `garden` command's subparsers."""
    new = commands.add_parser(
        "new",
        help="start a new essay as a draft, without ever overwriting a file",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""\
Create content/<permalink>.md with frontmatter the garden accepts (title, permalink,
description, tags, date_published, publish: false) and a short body, then print its path
and its URL under `make serve`. The post is a draft until `garden publish`.""",
        epilog="""\
examples:
  garden new "On pruning"
  garden new "Über Gödel" --tags logic,history --description "Incompleteness, gently."
  garden new "日本語の文法" --permalink japanese-grammar --dir content/notes

The permalink is made from the title (accents dropped: "Über Gödel" gives uber-godel); a title
with no Latin letters or digits needs --permalink. Nothing is written, and the exit status is 1,
when the file exists or the permalink is already another post's permalink or alias.
Exit status: 0 created, 1 refused, 2 bad command line.""",
    )
    new.add_argument("title", type=title_argument, metavar="TITLE", help="the essay's title (quote it)")
    new.add_argument("--tags", type=tags_argument, default=(), metavar="A,B", help="comma-separated tags")
    new.add_argument("--permalink", type=permalink_argument, help="the URL slug (default: made from the title)")
    new.add_argument("--description", type=one_line, default="", help="one sentence for the home page and link previews")
    new.add_argument(
        "--dir",
        type=Path,
        metavar="FOLDER",
        help="the folder to write in, created if missing (default: the content folder named by mkdocs.yml)",
    )
    new.add_argument("--config-file", "-f", type=Path, default=Path("mkdocs.yml"), help="the site's MkDocs configuration (default: mkdocs.yml)")
    new.set_defaults(run=refusals_exit_1(run_new), usage_error=new.error)

    publish = commands.add_parser(
        "publish",
        help="publish a draft: set `publish: true` and `date_published`, changing nothing else",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""\
Set `publish: true` and `date_published` (now, or --date) in a post's frontmatter. Only
those lines change: key order, comments, quoting and the body stay byte for byte. A post
that fails validation is refused, with each problem named. If the post also says
`draft: true`, that becomes `draft: false` too, since hiding wins when the two disagree.""",
        epilog="""\
examples:
  garden publish content/essays/on-pruning.md
  garden publish content/essays/on-pruning.md --date 2024-03-05
  garden publish --updated content/essays/on-pruning.md     # record a revision instead

An already published post keeps its date unless --date is given.
Exit status: 0 published, 1 refused (invalid post, or nothing safe to change), 2 bad command line.""",
    )
    publish.add_argument("path", type=Path, metavar="PATH", help="the post's Markdown file")
    publish.add_argument("--date", type=date_argument, help="YYYY-MM-DD or an ISO timestamp such as 2024-03-05T10:00:00+01:00 (default: now)")
    publish.add_argument("--updated", action="store_true", help="set `date_updated` instead, leaving `publish` alone")
    publish.add_argument("--config-file", "-f", type=Path, default=Path("mkdocs.yml"), help="the site's MkDocs configuration (default: mkdocs.yml)")
    publish.set_defaults(run=refusals_exit_1(run_publish))


def refusals_exit_1(run):
    """Report a `Refusal` like any other problem, but exit 1: the command line was fine, the
    content said no (as `garden check` exits 1 on content errors, 2 on a bad command line)."""

    def guarded(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except Refusal as refusal:
            for error in refusal.errors:
                print(f"garden: {error}", file=sys.stderr)
            return 1

    return guarded


def one_line(text: str) -> str:
    """Titles and descriptions are one line of YAML: collapse line breaks and runs of spaces."""
    return " ".join(text.split())


def title_argument(text: str) -> str:
    title = one_line(text)
    if not title:
        raise argparse.ArgumentTypeError('the title is empty: give one in quotes, e.g. garden new "On pruning"')
    return title


def permalink_argument(text: str) -> str:
    if not is_slug(text):
        suggestion = slugify(text) or "my-essay"
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a URL-safe slug: use letters, digits, '-', '_', '.' or '~', e.g. --permalink {suggestion}"
        )
    if text.lower() in RESERVED_STEMS:
        raise argparse.ArgumentTypeError(f"{text!r} would make the file {text}.md, which MkDocs reads as a folder's index page")
    return text


def tags_argument(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(tag for tag in map(one_line, text.split(",")) if tag))


def date_argument(text: str) -> dt.date | dt.datetime:
    """`YYYY-MM-DD` stays a date; a timestamp without an offset is local time, made explicit,
    because the post model would otherwise read it as UTC."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            return dt.date.fromisoformat(text.strip())
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write YYYY-MM-DD (2024-03-05) or an ISO timestamp (2024-03-05T10:00:00+01:00)"
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


# garden new


def run_new(args: argparse.Namespace) -> int:
    config = read_config(args.config_file)
    content_dir = config.content_dir
    permalink = args.permalink or slug_for_title(args.title, args.usage_error)
    folder = (args.dir or content_dir).resolve()
    path = folder / f"{permalink}.md"

    if os.path.lexists(path):
        raise Refusal(
            GardenError(
                path,
                None,
                "the file already exists; `garden new` never overwrites a file",
                "open it to keep writing, or choose another title or --permalink",
            )
        )
    refuse_taken_permalink(Garden.load(content_dir), permalink, path)

    text = new_post_text(args.title, permalink, args.description, args.tags, now())
    root = content_dir if path.is_relative_to(content_dir) else folder
    try:  # never write a post the garden would reject
        written = Post.parse(text, path, path.relative_to(root).as_posix())
    except InvalidPost as invalid:  # pragma: no cover - a bug in new_post_text, reported as such
        raise Refusal(*invalid.errors, GardenError(path, None, "garden new made an invalid post (a bug): nothing was written")) from None
    if written.permalink != permalink:  # the post model reads `'true'`, `'null'`, … as what they spell
        raise Refusal(
            GardenError(path, None, f"the garden would not read permalink '{permalink}' as written", "choose another with --permalink")
        )
    make_folder(folder)
    write_new_file(path, text.encode("utf-8"))

    print(f"created {display_path(path)}")
    if is_built(path, content_dir):
        print(f"preview: {preview_url(config, permalink)} (run make serve; drafts show under make serve only)")
    else:
        where = "in a hidden folder" if path.is_relative_to(content_dir) else f"outside the content folder {display_path(content_dir)}/"
        print(f"note: {display_path(path)} is {where}, so neither make serve nor make build will show it")
    print(f"publish it with: garden publish {display_path(path)}")
    return 0


def read_config(config_file: Path) -> GardenConfig:
    """`garden new` writes into the content folder mkdocs.yml names; without the file it would be
    guessing, and a guess made from the wrong folder creates content/content/."""
    if not config_file.is_file():
        raise GardenError(
            config_file,
            None,
            "no such file: it names the content folder new posts go in",
            "run the command in the site's folder (beside mkdocs.yml), or pass --config-file path/to/mkdocs.yml",
        )
    return GardenConfig.read(config_file)


def slug_for_title(title: str, usage_error: Callable[[str], None]) -> str:
    """The permalink made from the title; a title it cannot be made from is a command-line
    problem (exit 2), reported by argparse's `error` with the usage line."""
    slug = slugify(title)
    if not slug:
        usage_error(
            f"the title {title!r} has no Latin letters or digits to make a permalink from: "
            "choose the URL yourself with --permalink, e.g. --permalink my-essay"
        )
    if slug in RESERVED_STEMS:
        usage_error(
            f"the title {title!r} would give the file {slug}.md, which MkDocs reads as a folder's index page: "
            f"choose another with --permalink, e.g. --permalink {slug}-essay"
        )
    return slug


def refuse_taken_permalink(garden: Garden, permalink: str, path: Path) -> None:
    """Two posts at one URL means one of them is left out of the build: refuse before writing.
    `Garden.find` compares without case, as the build does."""
    owner = garden.find(permalink)
    if owner is None:
        return
    is_permalink = not owner.is_home and owner.permalink.lower() == permalink.lower()
    key = "permalink" if is_permalink else "aliases"
    what = "permalink" if is_permalink else "alias"
    raise Refusal(
        GardenError(
            path,
            None,
            f"permalink '{permalink}' is already the {what} of {display_path(owner.path)}:{owner.line_of(key) or 1}",
            "choose another with --permalink",
        )
    )


def new_post_text(title: str, permalink: str, description: str, tags: tuple[str, ...], published: dt.datetime) -> str:
    """The new file: each value written by PyYAML's emitter, so a title such as `True`,
    `#1` or `Notes: a list` is quoted exactly when YAML needs it."""
    lines = [
        yaml_line("title", title),
        yaml_line("permalink", permalink),
        yaml_line("description", description).rstrip("\n")
        + ("  # one sentence: the home page summary and link previews\n" if not description else "\n"),
        yaml_line("tags", list(tags)),
        f"date_published: {published.isoformat()}\n",
        "publish: false\n",
    ]
    return "---\n" + "".join(lines) + "---\n\n" + NEW_BODY


def yaml_line(key: str, value: str | list[str]) -> str:
    """`key: value` on one line (a list in flow style: `tags: [a, b]`)."""
    options = {"allow_unicode": True, "width": float("inf")}
    if isinstance(value, list):
        return f"{key}: {yaml.safe_dump(value, default_flow_style=True, **options).strip()}\n"
    return yaml.safe_dump({key: value}, default_flow_style=False, **options)


def now() -> dt.datetime:
    """This moment in the author's own time zone, to the second: `2026-11-23T12:00:00+01:00`."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


def is_built(path: Path, content_dir: Path) -> bool:
    """MkDocs builds Markdown under the content folder, skipping hidden files and folders."""
    if not path.is_relative_to(content_dir):
        return False
    return not any(part.startswith(".") for part in path.relative_to(content_dir).parts)


def preview_url(config: GardenConfig, permalink: str) -> str:
    """Where `make serve` shows the post: at mkdocs.yml's `dev_addr` (which `make serve` uses
    unless given HOST or PORT), under the path of `site_url` (e.g. /garden/ on a project site),
    where `mkdocs serve` mounts the site. A server listening on every interface is reached on
    this machine at 127.0.0.1."""
    host, _, port = config.dev_addr.rpartition(":")
    if host in ("0.0.0.0", "::", "[::]", ""):
        host = "127.0.0.1"
    mount = urlsplit(str(config.site_url or "/")).path.rstrip("/") + "/"
    return f"http://{host}:{port}{mount}{permalink}/"


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise Refusal(
            GardenError(
                folder,
                None,
                f"cannot create the folder: {error.strerror or error}",
                "choose another --dir: part of this path may be a file, or a folder you cannot write to",
            )
        ) from None


def write_new_file(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, whole or not at all: the data goes to a temporary
    file, which is then hard-linked into place (linking fails if the name was taken meanwhile,
    where a rename would silently replace it). Without hard links, an exclusive create."""
    try:
        temporary = write_temporary(path, data, 0o666)  # the umask applies, as for any new file
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise Refusal(GardenError(path, None, "the file already exists; `garden new` never overwrites a file")) from None
        except OSError:  # a file system without hard links
            with open(path, "xb") as file:
                file.write(data)
        finally:
            temporary.unlink(missing_ok=True)
    except FileExistsError:
        raise Refusal(GardenError(path, None, "the file already exists; `garden new` never overwrites a file")) from None
    except OSError as error:
        raise Refusal(GardenError(path, None, f"cannot write the file: {error.strerror or error}", "choose another --dir")) from None


def write_temporary(beside: Path, data: bytes, mode: int) -> Path:
    """A hidden temporary file in the same folder (so a rename or link into place is atomic, and
    MkDocs ignores it meanwhile), written and flushed to disk."""
    temporary = beside.with_name(f".{beside.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


# garden publish


def run_publish(args: argparse.Namespace) -> int:
    path: Path = args.path
    if not path.exists():
        raise GardenError(path, None, "no such file", "check the path")
    if not path.is_file() or path.suffix.lower() != ".md":
        raise GardenError(path, None, "not a Markdown post (.md file)", "name one post's file")
    real_path = path.resolve()  # edit the file a symlink points at, not the link
    content_dir = GardenConfig.read(args.config_file).content_dir
    in_garden = is_built(real_path, content_dir)
    root = content_dir if real_path.is_relative_to(content_dir) else real_path.parent
    post = load_valid_post(real_path, root, in_garden)

    moment = args.date or now()
    if args.updated:
        changes: dict[str, object] = {"date_updated": moment}
    else:
        if not post.is_draft and args.date is None:
            raise Refusal(
                GardenError(
                    path,
                    post.line_of("date_published") or post.line_of("publish"),
                    "the post is already published"
                    + (f" (date_published: {post.date_published.isoformat()})" if post.date_published else ""),
                    "record a revision with `garden publish --updated`, or set the date with --date",
                )
            )
        changes = {"publish": True, "date_published": moment}
        if post.meta.get("draft") is True:
            changes["draft"] = False

    raw = real_path.read_bytes()
    text = raw.decode("utf-8")
    try:
        edited = edit_frontmatter(text, post, changes)
    except UnsafeEdit as unsafe:
        raise Refusal(GardenError(path, unsafe.line, unsafe.message + "; nothing was written", unsafe.hint)) from None
    check_edit(post, edited, changes, real_path, root)
    replace_file(real_path, edited.encode("utf-8"))

    print(f"{'updated' if args.updated else 'published'} {display_path(path)}")
    for change in line_changes(text, edited):
        print(f"  {change}")
    if "draft" in changes:
        print("note: the post also said `draft: true`, which hides it whatever `publish` says: set to `draft: false`")
    if args.updated and post.is_draft:
        print("note: the post is still a draft; `garden publish` makes it public")
    return 0


def load_valid_post(path: Path, root: Path, in_garden: bool) -> Post:
    """The post, if the garden accepts it: the post model's checks, and inside the content folder
    the index's too (a permalink another post already has keeps the post out of the build)."""
    garden = Garden.load(root, None if in_garden else [path])
    problems = [error for error in garden.errors if error.path == path]
    post = garden.post_for(path)
    if problems or post is None:
        raise Refusal(
            *problems,
            GardenError(path, None, "not published: fix the problems above first", "`garden check` lists them too"),
        )
    return post


@dataclass(frozen=True)
class ValueLines:
    """Where one key's value sits: lines [first, end) of the file (0-based), and on the first
    line the text around the value, kept when the value is replaced."""

    first: int
    end: int
    head: str  # indentation, the key as written, the colon and the space after it
    value: str  # the value as written on the key's line ('' when it starts on the next line)
    tail: str  # spaces and a comment after the value, if any


def edit_frontmatter(text: str, post: Post | Mapping[str, int], changes: Mapping[str, object]) -> str:
    """`text` with each key in `changes` set to its value, touching only that key's lines: a key
    that exists keeps its indentation, quoting and trailing comment; a missing key becomes one
    line just before the closing `---`. `post` gives the line of each key (its `key_lines`)."""
    key_lines = post.key_lines if isinstance(post, Post) else post
    lines = text.splitlines(keepends=True)
    closing = frontmatter_end(lines)
    newline = line_ending(lines[0])
    indent = leading_space(lines[min(key_lines.values()) - 1]) if key_lines else ""
    replacements: dict[int, tuple[int, str]] = {}  # first line -> (end line, new text)
    inserted: list[str] = []
    for key, value in changes.items():
        if key not in key_lines:
            inserted.append(f"{indent}{key}: {yaml_value(value, '')}{newline}")
            continue
        where = value_lines(lines, key, key_lines, closing)
        quote = where.value[0] if where.value[:1] in {"'", '"'} and where.end == where.first + 1 else ""
        written = yaml_value(value, quote, where.value.strip("'\""))
        ending = line_ending(lines[where.end - 1]) or newline
        replacements[where.first] = (where.end, f"{where.head}{written}{where.tail}{ending}")

    result: list[str] = []
    index = 0
    while index < len(lines):
        if index == closing:
            result += inserted
        if index in replacements:
            end, new = replacements[index]
            result.append(new)
            index = end
        else:
            result.append(lines[index])
            index += 1
    return "".join(result)


def frontmatter_end(lines: list[str]) -> int:
    """The index of the closing `---` (or `...`) line, found as the post model finds it."""
    if lines and lines[0].lstrip(BOM).rstrip() == "---":
        for index, line in enumerate(lines[1:], 1):
            if line.rstrip() in {"---", "..."}:
                return index
    raise UnsafeEdit(1, "the file has no frontmatter block to edit")


def value_lines(lines: list[str], key: str, key_lines: Mapping[str, int], closing: int) -> ValueLines:
    """Find `key`'s value from its line to the next key's: a block list or mapping, a flow
    collection or a YAML tag, anchor or alias is refused (replacing it would change more than
    a value); a scalar that runs over several lines is replaced whole."""
    first = key_lines[key] - 1
    line = lines[first].rstrip("\r\n")
    match = re.match(rf"""([ \t]*(?:{re.escape(key)}|'{re.escape(key)}'|"{re.escape(key)}")[ \t]*:)([ \t]*)(.*)""", line)
    if not match or first >= closing:
        raise UnsafeEdit(first + 1, f"cannot find `{key}:` at the start of line {first + 1}")
    head = match[1] + (match[2] or " ")
    value, tail = split_scalar(match[3])
    if not value and tail:  # `key:  # comment`: the value goes between the two
        head, tail = match[1] + " ", " " + match[2] + tail
    following = sorted(line_number - 1 for line_number in key_lines.values() if line_number - 1 > first)
    end = min([*following, closing])
    while end > first + 1 and is_blank_or_comment(lines[end - 1]):
        end -= 1  # blank lines and comments before the next key belong to no value: keep them
    continued = [text.strip() for text in lines[first + 1 : end]]
    if value[:1] in {"[", "{"} or (not value and continued and is_collection_line(continued[0])):
        raise UnsafeEdit(
            first + 1,
            f"`{key}` holds a list or mapping (lines {first + 1}-{end}), which `garden publish` will not rewrite",
            f"write it as one line, e.g. `{key}: true`, or edit it by hand",
        )
    if value[:1] in {"!", "&", "*"}:
        raise UnsafeEdit(first + 1, f"`{key}` uses a YAML tag, anchor or alias")
    if end > first + 1 or value[:1] in {"|", ">"}:
        return ValueLines(first, end, head, "", "")  # a multi-line scalar: the whole value goes
    return ValueLines(first, end, head, value, tail)


def split_scalar(text: str) -> tuple[str, str]:
    """Split what follows `key:` into the value and the rest (spaces and a `# comment`).
    A quote left open means the value goes on to the next line: then all of it is the value."""
    if text[:1] == "'":
        closed = re.match(r"'(?:[^']|'')*'", text)
    elif text[:1] == '"':
        closed = re.match(r'"(?:[^"\\]|\\.)*"', text)
    else:
        comment = re.search(r"[ \t]+#|^#", text)
        value = text[: comment.start()] if comment else text
        return value.rstrip(), text[len(value.rstrip()) :]
    return (text[: closed.end()], text[closed.end() :]) if closed else (text, "")


def is_blank_or_comment(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def is_collection_line(text: str) -> bool:
    """A `- item` or `name: value` line: the value above is a block list or mapping."""
    return text == "-" or text.startswith("- ") or re.match(r"""(?:[^\s#'"][^#]*?|'[^']*'|"[^"]*")[ \t]*:(?:\s|$)""", text) is not None


BOOLEAN_WORDS = (("true", "false"), ("yes", "no"), ("on", "off"))


def yaml_value(value: object, quote: str, before: str = "") -> str:
    """A boolean or a date as YAML, in the quotes and the spelling the author used before:
    `'False'` becomes `'True'`, `no` becomes `yes`."""
    if isinstance(value, bool):
        pair = next((pair for pair in BOOLEAN_WORDS if before.lower() in pair and not quote), BOOLEAN_WORDS[0])
        word = pair[0] if value else pair[1]
        if before.lower() in pair and before.isupper() and len(before) > 1:
            word = word.upper()  # FALSE -> TRUE
        elif before.lower() in pair and before[:1].isupper():
            word = word.capitalize()  # False -> True
    elif isinstance(value, (dt.date, dt.datetime)):
        word = value.isoformat()
    else:  # pragma: no cover - only booleans and dates are ever set
        raise TypeError(value)
    return f"{quote}{word}{quote}"


def line_ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def leading_space(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t" + BOM))].lstrip(BOM)


def check_edit(before: Post, text: str, changes: Mapping[str, object], path: Path, root: Path) -> None:
    """Parse the edited text with the post model before writing it: it must be valid, hold the
    new values, and hold every other key and the body exactly as before. Anything else means
    the line edit misread the file, and nothing is written."""
    try:
        after = Post.parse(text.removeprefix(BOM), path, before.src_uri)
    except InvalidPost as invalid:
        raise Refusal(
            GardenError(path, None, f"editing the frontmatter would break it ({invalid.errors[0].message}); nothing was written", "edit it by hand")
        ) from None
    wrong = [key for key, value in changes.items() if after.meta.get(key) != as_read(value)]
    kept = lambda post: {k: v for k, v in post.meta.items() if k not in changes}  # noqa: E731
    if wrong or kept(after) != kept(before) or after.body != before.body:
        raise Refusal(
            GardenError(
                path,
                None,
                "could not change " + ", ".join(f"`{key}`" for key in (wrong or changes)) + " without touching other lines; nothing was written",
                "edit the frontmatter by hand",
            )
        )
    if "publish" in changes and after.is_draft:  # pragma: no cover - guarded by the comparison above
        raise Refusal(GardenError(path, None, "the post would still be a draft; nothing was written"))


def as_read(value: object) -> object:
    """A value as the post model reads it back: a date is midnight UTC."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    return value


def replace_file(path: Path, data: bytes) -> None:
    """Replace a file atomically (a temporary file renamed over it), keeping its permissions:
    a crash leaves the old post or the new one, never half of one."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        temporary = write_temporary(path, data, mode)
        try:
            os.chmod(temporary, mode)  # os.open's mode is filtered by the umask
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as error:
        raise Refusal(GardenError(path, None, f"cannot write the file: {error.strerror or error}", "nothing was changed")) from None


def line_changes(before: str, after: str) -> list[str]:
    """`line N: text` for each line of `after` that `before` does not have at that place."""
    old, new = before.splitlines(), after.splitlines()
    changed = []
    for tag, _, _, start, stop in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag in {"replace", "insert"}:
            changed += [f"line {n + 1}: {new[n].strip()}" for n in range(start, stop)]
    return changed
