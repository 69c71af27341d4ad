"""`![[…]]` embeds, as Obsidian writes them: what one names, and where its content is.

- `![[image.png]]`, `![[image.png|Alt text]]`, `![[image.png|300]]` or `|300x200` (a size),
  `![[https://…/photo.avif|Alt text]]`: a picture (or a video or sound, by the file's
  extension). A local file is looked for beside the post, then from the content folder's root,
  then by its name anywhere in the content folder, as Obsidian does.
- `![[post]]`, `![[post#Heading]]`, `![[post#heading-id]]`, `![[post#^block-id]]`: the text of
  another garden post (named by permalink, alias or title, as in a wikilink), of one of its
  sections (the heading's text, or its id, up to the next heading of the same or a higher
  level), or of the paragraph that ends in `^block-id`. `![[post#Heading#]]` (a trailing `#`)
  takes only the section's lede, up to its first subheading.

The Markdown extension (`garden.markdown.embeds`) and the linter read embeds through this
module, so the page and `garden check` agree on what leads nowhere.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from .source import ATX_HEADING, prose_lines

EMBED = re.compile(r"!\[\[(?P<inner>[^\]\n]+)\]\]")
IMAGE_TYPES = frozenset("png jpg jpeg gif webp avif svg bmp ico tif tiff".split())
VIDEO_TYPES = frozenset("mp4 webm mov ogv m4v".split())
AUDIO_TYPES = frozenset("mp3 wav ogg oga m4a flac".split())
_SIZE = re.compile(r"(?P<width>\d+)(?:x(?P<height>\d+))?")
_BLOCK_ID = re.compile(r"[ \t]+\^(?P<id>[A-Za-z0-9-]+)[ \t]*$")


@dataclass(frozen=True)
class Embed:
    """One `![[inner]]`: a media file (`kind` image, video or audio) or a post's text (`post`)."""

    inner: str
    target: str  # the file, URL or post name
    fragment: str | None = None  # a post's section: heading text or id, or `^block-id`
    option: str | None = None  # what follows `|`: alt text, or a size for a picture
    lede: bool = False  # `#Heading#`: the section up to its first subheading

    @classmethod
    def parse(cls, inner: str) -> Embed:
        inner = inner.strip()
        target, _, option = inner.partition("|")
        target, option = target.strip(), option.strip() or None
        if _media_kind(target):
            return cls(inner, target, option=option)
        name, _, fragment = target.partition("#")
        lede = fragment.endswith("#")
        fragment = fragment.rstrip("#").strip() or None
        return cls(inner, name.strip(), fragment, option, lede)

    @property
    def kind(self) -> str:
        return _media_kind(self.target) or "post"

    @property
    def is_url(self) -> bool:
        parts = urlsplit(self.target)
        return bool(parts.scheme or parts.netloc)

    @property
    def post_name(self) -> str:
        """The name to look a post up by: `/permalink/` and `./permalink` as a permalink."""
        name = self.target.strip()
        name = name.removeprefix("./").strip("/")
        return name.removesuffix(".md")

    @property
    def size(self) -> tuple[str, str | None] | None:
        match = _SIZE.fullmatch(self.option or "")
        return (match["width"], match["height"]) if match else None

    @property
    def alt(self) -> str:
        return "" if self.size else (self.option or "")


def _media_kind(target: str) -> str | None:
    path = unquote(urlsplit(target).path)
    extension = PurePosixPath(path).suffix.lower().lstrip(".")
    if extension in IMAGE_TYPES:
        return "image"
    if extension in VIDEO_TYPES:
        return "video"
    if extension in AUDIO_TYPES:
        return "audio"
    return None


def normalised(text: str) -> str:
    """A heading's text or id with case, punctuation and spacing taken out, so that `Start
    here`, `start-here` and `Start_Here` all match whichever slug style the ids use."""
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass(frozen=True)
class Section:
    """The Markdown an embed shows, and what to call it."""

    heading: str | None  # the section's heading as written, or None for a whole post or a block
    text: str


def find_section(body: str, body_line: int, fragment: str | None, lede: bool = False) -> Section | None:
    """The part of a post's `body` an embed's `fragment` names, or None when there is none."""
    lines = body.split("\n")
    if fragment is None:
        return Section(None, body)
    if fragment.startswith("^"):
        return _block(lines, fragment[1:])
    headings = []  # (index in lines, level, text)
    for line in prose_lines(body, 0):
        if line.depth == 0 and (atx := ATX_HEADING.match(line.original.strip())) and line.indent < 4:
            headings.append((line.number, len(atx["marks"]), atx["text"].strip()))
    wanted = normalised(fragment)
    for position, (index, level, text) in enumerate(headings):
        if normalised(text) != wanted:
            continue
        end = len(lines)
        for later_index, later_level, _ in headings[position + 1 :]:
            if lede or later_level <= level:
                end = later_index
                break
        return Section(text, "\n".join(lines[index + 1 : end]).strip("\n"))
    return None


def _block(lines: list[str], block_id: str) -> Section | None:
    """The paragraph (or other block) whose last line ends in ` ^block_id`, without the marker."""
    for index, line in enumerate(lines):
        match = _BLOCK_ID.search(line)
        if match is None or match["id"] != block_id:
            continue
        start = index
        while start > 0 and lines[start - 1].strip():
            start -= 1
        block = lines[start:index] + [line[: match.start()]]
        return Section(None, "\n".join(block))
    return None


def find_media(target: str, post_src: str, files: dict[str, list[str]], all_files: frozenset[str]) -> str | None:
    """The content-relative path of a local media file an embed names, or None.

    `all_files` holds every file's content-relative path; `files` maps each file name to the
    paths that have it. Beside the post first, then from the content root, then by name."""
    path = unquote(urlsplit(target).path)
    if not path:
        return None
    here = posixpath.dirname(post_src)
    for candidate in (posixpath.normpath(posixpath.join(here, path)), posixpath.normpath(path.lstrip("/"))):
        if candidate in all_files:
            return candidate
    found = files.get(PurePosixPath(path).name, [])
    return found[0] if len(found) == 1 else None


def content_files(content_dir: Path) -> frozenset[str]:
    """Every file under the content folder that is not Markdown or hidden, content-relative."""
    return frozenset(
        path.relative_to(content_dir).as_posix()
        for path in content_dir.rglob("*")
        if path.is_file()
        and path.suffix != ".md"
        and not any(part.startswith(".") for part in path.relative_to(content_dir).parts)
    )
