"""Images that do not make the text jump: each `<img>` of a local picture gets the `width` and
`height` of the file (unless the author wrote them), so the browser keeps its space before it
arrives, and every image is loaded lazily (`loading="lazy"`, `decoding="async"`).

Python-Markdown and pymdown-extensions have no extension that reads a picture's size, and
Pillow is not one of the garden's dependencies, hence this treeprocessor: it reads the few
bytes of a PNG, GIF, JPEG or WebP header, or an SVG's `width`/`height`/`viewBox`, itself. A
relative `src` is found beside the post's file, a `/…` one under the content folder; an image on
another site or one that cannot be read is left without a size (the linters report a missing
file). Outside a garden build (plain Python-Markdown) only the lazy loading is added.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as etree
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

from .context import GardenExtension, current_page

SVG_LENGTH = re.compile(r"^\s*([\d.]+)\s*(px)?\s*$")


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in CSS pixels, or None if the file is not a picture this can measure."""
    try:
        with path.open("rb") as file:
            head = file.read(64 * 1024)
    except OSError:
        return None
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", head[6:10])
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp_size(head)
    if head[:2] == b"\xff\xd8":
        return _jpeg_size(head)
    if path.suffix.lower() == ".svg":
        return _svg_size(head)
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(head[24:27], "little"), 1 + int.from_bytes(head[27:30], "little")
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 < len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        length = struct.unpack(">H", head[at + 2 : at + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", head[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None


def _svg_size(head: bytes) -> tuple[int, int] | None:
    match = re.search(rb"<svg\b[^>]*>", head)
    if not match:
        return None
    tag = match.group(0).decode("utf-8", "replace")
    attributes = dict(re.findall(r'([\w:-]+)\s*=\s*["\']([^"\']*)["\']', tag))
    width, height = (SVG_LENGTH.match(attributes.get(name, "")) for name in ("width", "height"))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = attributes.get("viewBox", "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return round(float(box[2])), round(float(box[3]))
        except ValueError:
            return None
    return None


class ImageTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        page = current_page()
        for image in root.iter("img"):
            image.set("loading", image.get("loading") or "lazy")
            image.set("decoding", image.get("decoding") or "async")
            if page is None or image.get("width") or image.get("height"):
                continue
            path = _local_file(image.get("src") or "", page.post.path, _content_dir(page.post.path, page.post.src_uri))
            size = image_size(path) if path else None
            if size and all(size):
                image.set("width", str(size[0]))
                image.set("height", str(size[1]))


def _local_file(src: str, post_path: Path, content_dir: Path | None) -> Path | None:
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        return content_dir / path.lstrip("/") if content_dir else None
    return post_path.parent / path


def _content_dir(path: Path, src_uri: str) -> Path:
    """The content folder: the post's file less its path inside that folder."""
    return path.parents[len(Path(src_uri).parts) - 1]


class ImageExtension(GardenExtension):
    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        # After inline parsing (20), where images become <img>, and attr_list (8), so an author's size wins.
        md.treeprocessors.register(ImageTreeprocessor(md), "garden_images", 7.5)


def makeExtension(**kwargs) -> ImageExtension:
    return ImageExtension(**kwargs)
