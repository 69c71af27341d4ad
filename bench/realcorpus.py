"""Write a benchmark garden of N essays made from the real posts, not from bench/generate.py.

The posts are the 30 of `../shared/corpus/turntrout/` beside the repository (see the README.md
there: real LessWrong-export frontmatter, links to posts outside the corpus, `![[...]]`
transclusions, media on a remote host). The one draft (`draft: true`, `gradient-routing.md`) is
left out, since the garden would not build it and plain Material would; the 29 others are
repeated round-robin, in file-name order, until there are N: essay j (from 0) is copy
k = j // 29 + 1 of post j % 29. Copy k of a post gets, so that nothing collides:

- the file name `<stem>-k.md` (all at the top of the folder, as in the corpus);
- the permalink `<permalink>-k`, and every alias `<alias>-k`;
- for k > 1, a LessWrong post id of its own in `lw-page-url` and `original_url` (17 characters
  derived from the original id and k: `copy_id`), since the garden refuses two posts that claim
  to come from one LessWrong post;
- its links to other corpus posts (`](/slug)`, `](./slug)`, `href="/slug"`, `[[slug]]`,
  `![[slug#...]]`, and `prev-post-slug`, `next-post-slug` and `sequence-link` in the
  frontmatter, and LessWrong or Alignment Forum URLs of corpus posts, which the garden turns
  into local links) pointed at copy k of the target, or copy 1 when the target has fewer
  copies, so the links between corpus posts still lead somewhere. Links to posts outside the corpus are
  left as they are: a build warns about them, as it does on the corpus itself.

Nothing else changes: the frontmatter is edited line by line, not re-dumped, so its quirks
(quoted booleans, `None`, `null` aliases) stay, and the rest of every file is byte for byte the
post's. No images or other assets are copied, because the posts have none next to them: their
media are URLs on assets.turntrout.com. An `index.md` (the home page; the corpus's own
`index.md`, permalink `welcome`, is a post like the others here) and a `tags.md` are added, as
bench/generate.py writes them, because mkdocs.yml's `nav` names both.

The output depends only on N and the corpus files: the same N gives byte-identical files. The
folder gets a `.bench-corpus.json` manifest (what it was made from and a digest of its files),
so `is_current` can tell whether it can be reused. It writes into an empty or missing folder,
or replaces a folder that holds an earlier benchmark corpus (one with that manifest); it refuses
any other non-empty folder, and never writes under content/ or into the shared corpus. The posts
are CC BY-SA 4.0 test fixtures (see that README): write them under bench/.work/ (gitignored) or a
temporary folder, never into the repository's tracked files.

    python bench/realcorpus.py 60 bench/.work/corpus-real-60
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "turntrout"
PROTECTED_DIR = PROJECT_DIR / "content"  # the real garden: never written to
MANIFEST_NAME = ".bench-corpus.json"  # the same marker as bench/generate.py's corpora
KIND = "real"
# Slugs no copy may take: the pages and folders every built site has.
RESERVED_SLUGS = frozenset({"index", "tags", "search", "assets", "404.html", "sitemap.xml"})

FRONTMATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):(.*)$")
LIST_ITEM = re.compile(r"^(\s*-\s+)(['\"]?)(.*?)\2\s*$")
# A local link's slug: after `](/`, `](./`, `href="/` or `href="./`, up to `#`, `?`, `)`, `/`, a quote or space.
LINK = re.compile(r"""(?P<lead>\]\(|href=["'])(?P<dot>\.?/)(?P<slug>[A-Za-z0-9_.-]+?)(?=[#?)/"'\s])""")
WIKILINK = re.compile(r"(?P<lead>!?\[\[/?)(?P<slug>[^\]#|/]+)")
# A LessWrong-family post URL's id, as garden.model.lesswrong reads it.
LW_URL = re.compile(r"(?P<lead>(?:lesswrong\.com|alignmentforum\.org|greaterwrong\.com)/(?:posts|s/[A-Za-z0-9]+/p)/)(?P<id>[A-Za-z0-9]{17})")
LESSWRONG_KEYS = ("lw-page-url", "original_url")  # garden.model.index: where a post came from
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class SourcePost:
    path: Path
    permalink: str
    aliases: tuple[str, ...]
    text: str
    lesswrong_ids: tuple[str, ...] = ()  # the post ids of its lw-page-url and original_url


@dataclass(frozen=True)
class Essay:
    number: int  # 0-based place in the corpus
    source: SourcePost
    copy: int  # 1-based: which repetition of the source post this is
    name: str  # file name, e.g. "punctilio-2.md"
    permalink: str
    aliases: tuple[str, ...]
    text: str


# --------------------------------------------------------------------------------------------
# The source posts.


def frontmatter(text: str) -> dict:
    match = FRONTMATTER.match(text)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def is_draft(meta: dict) -> bool:
    """As the garden decides (garden.model.post): `draft: true` or `publish: false` hides a post."""
    return truthy(meta.get("draft")) or meta.get("publish") is False or str(meta.get("publish")).lower() == "false"


def alias_list(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(item) for item in value if item is not None)
    return (str(value),)


def source_posts(corpus: Path = CORPUS) -> list[SourcePost]:
    """The corpus's published posts, in file-name order."""
    posts = []
    for path in sorted(corpus.glob("*.md")):
        if path.name.lower().startswith("readme"):
            continue
        text = path.read_text(encoding="utf-8")
        meta = frontmatter(text)
        if is_draft(meta) or not meta.get("permalink"):
            continue
        ids = tuple(dict.fromkeys(m["id"] for key in LESSWRONG_KEYS if (m := LW_URL.search(str(meta.get(key) or "")))))
        posts.append(SourcePost(path, str(meta["permalink"]), alias_list(meta.get("aliases")), text, ids))
    if not posts:
        raise SystemExit(f"error: no published posts in {corpus} (the real corpus lives in ../shared/corpus/turntrout beside the repository)")
    return posts


# --------------------------------------------------------------------------------------------
# The copies.


def plan(count: int, posts: Sequence[SourcePost]) -> list[tuple[SourcePost, int]]:
    """Round-robin: essay j is copy j // len(posts) + 1 of post j % len(posts)."""
    return [(posts[j % len(posts)], j // len(posts) + 1) for j in range(count)]


def make_corpus(count: int, corpus: Path = CORPUS) -> list[Essay]:
    posts = source_posts(corpus)
    planned = plan(count, posts)
    copies: dict[str, int] = {}  # post's permalink -> how many copies it gets
    for post, copy in planned:
        copies[post.permalink] = max(copies.get(post.permalink, 0), copy)
    # Any slug a post answers to (lower-cased, as the garden compares them) -> its permalink.
    owner = {slug.lower(): post.permalink for post in posts for slug in (post.permalink, *post.aliases)}

    # A LessWrong post id -> the copied posts that come from it (two shortform comments share one).
    by_id: dict[str, list[str]] = {}
    for post in posts:
        for post_id in post.lesswrong_ids:
            if post.permalink in copies:
                by_id.setdefault(post_id, []).append(post.permalink)

    def target(slug: str, copy: int) -> str | None:
        """The slug a link of copy `copy` to `slug` should use; None if it is not a copied post."""
        permalink = owner.get(slug.lower())
        if permalink is None or permalink not in copies:
            return None
        return f"{permalink}-{copy if copy <= copies[permalink] else 1}"

    def target_id(post_id: str, copy: int) -> str:
        """The LessWrong id a link of copy `copy` to `post_id` should use."""
        owners = by_id.get(post_id)
        if not owners:
            return post_id
        return copy_id(post_id, copy if copy <= min(copies[p] for p in owners) else 1)

    essays = []
    for number, (post, copy) in enumerate(planned):
        text = rewrite(post, copy, target, target_id)
        essays.append(
            Essay(number, post, copy, f"{post.path.stem}-{copy}.md", f"{post.permalink}-{copy}", tuple(f"{a}-{copy}" for a in post.aliases), text)
        )
    check_unique(essays)
    return essays


def copy_id(post_id: str, copy: int) -> str:
    """Copy 1 keeps the LessWrong id; copy k > 1 gets 17 base-62 characters hashed from it and k."""
    if copy == 1:
        return post_id
    number = int.from_bytes(hashlib.sha256(f"{post_id}:{copy}".encode()).digest(), "big")
    chars = []
    for _ in range(17):
        number, digit = divmod(number, 62)
        chars.append(BASE62[digit])
    return "".join(chars)


def rewrite(post: SourcePost, copy: int, target, target_id) -> str:
    match = FRONTMATTER.match(post.text)
    if not match:
        raise ValueError(f"{post.path.name}: no frontmatter")
    head = rewrite_frontmatter(match.group(1), post, copy, target)
    body = post.text[match.end() :]
    body = LINK.sub(lambda m: relinked(m, target, copy, m.group("lead") + m.group("dot")), body)
    body = WIKILINK.sub(lambda m: relinked(m, target, copy, m.group("lead")), body)
    body = LW_URL.sub(lambda m: m.group("lead") + target_id(m.group("id"), copy), body)
    text = f"---\n{head}---\n{body}"
    meta = frontmatter(text)
    # The line edits must have given exactly the new permalink and aliases, and nothing else.
    if str(meta.get("permalink")) != f"{post.permalink}-{copy}" or alias_list(meta.get("aliases")) != tuple(f"{a}-{copy}" for a in post.aliases):
        raise ValueError(f"{post.path.name}: could not rewrite its permalink or aliases line by line")
    return text


def relinked(match: re.Match, target, copy: int, lead: str) -> str:
    new = target(match.group("slug"), copy)
    return match.group(0) if new is None else lead + new


def rewrite_frontmatter(head: str, post: SourcePost, copy: int, target) -> str:
    lines = []
    key = None
    for line in head.splitlines(keepends=True):
        found = TOP_KEY.match(line.rstrip("\n"))
        if found:
            key, value = found.group(1), found.group(2)
            if key == "permalink":
                line = f"permalink: {post.permalink}-{copy}\n"
            elif key == "aliases" and value.strip() and value.strip() not in ("null", "~"):
                items = alias_list(yaml.safe_load(value))
                line = "aliases: [" + ", ".join(json.dumps(f"{a}-{copy}") for a in items) + "]\n"
            elif key in LESSWRONG_KEYS:
                line = LW_URL.sub(lambda m: m.group("lead") + copy_id(m.group("id"), copy), line)
            elif key in ("prev-post-slug", "next-post-slug", "sequence-link") and value.strip():
                slug, hash_, anchor = value.strip().strip("'\"").partition("#")
                new = target(slug, copy)
                if new is not None:
                    line = f"{key}: {new}{hash_}{anchor}\n"
        elif key == "aliases":
            item = LIST_ITEM.match(line.rstrip("\n"))
            if item:
                quote = item.group(2)  # kept as written: plain, 'single' or "double"
                line = f"{item.group(1)}{quote}{item.group(3)}-{copy}{quote}\n"
        lines.append(line)
    return "".join(lines)


def check_unique(essays: Sequence[Essay]) -> None:
    names = [essay.name.lower() for essay in essays] + ["index.md", "tags.md"]
    if len(set(names)) != len(names):
        raise ValueError("two essays would get the same file name")
    # A post may list its own permalink among its aliases, or one alias in two cases (`melbo`,
    # `MELBO`), as real posts do; what must not happen is two essays answering to one slug.
    slugs = [slug for essay in essays for slug in {s.lower() for s in (essay.permalink, *essay.aliases)}]
    if len(set(slugs)) != len(slugs) or RESERVED_SLUGS & set(slugs):
        raise ValueError("two essays would share a permalink or alias, or one would take a reserved slug")


# --------------------------------------------------------------------------------------------
# The two fixed pages and the output folder.


def render_index(count: int, posts: int) -> str:
    return (
        "---\n"
        "title: A Garden of Real Posts, Repeated\n"
        f"description: {count} essays made from {posts} real posts, for timing the garden's build.\n"
        "---\n\n"
        f"Every essay here is one of {posts} real posts from turntrout.com (CC BY-SA 4.0, used as test\n"
        "fixtures only), repeated under new permalinks by `bench/realcorpus.py`. Browse by [tag](tags.md).\n"
    )


def render_tags() -> str:
    return "---\ntitle: Tags\nunlisted: true\n---\n\nEvery tag in the garden.\n\n<!-- material/tags -->\n"


def prepare_output(out_dir: Path, corpus: Path = CORPUS) -> None:
    """Refuse the real garden, the shared corpus, and any non-empty folder that is not an earlier
    benchmark corpus; clear an earlier benchmark corpus so no stale essay survives."""
    resolved = out_dir.resolve()
    for protected in (PROTECTED_DIR, corpus.resolve()):
        if resolved == protected or protected in resolved.parents:
            raise SystemExit(f"error: refusing to write into {protected}")
    if resolved.exists() and not resolved.is_dir():
        raise SystemExit(f"error: {out_dir} exists and is not a folder")
    if resolved.is_dir() and any(resolved.iterdir()):
        if not (resolved / MANIFEST_NAME).is_file():
            raise SystemExit(f"error: {out_dir} is not empty and holds no benchmark corpus ({MANIFEST_NAME}); pick an empty folder")
        shutil.rmtree(resolved)
    resolved.mkdir(parents=True, exist_ok=True)


def source_digest(corpus: Path = CORPUS) -> str:
    """This module's code and the corpus's files: a change to either means a stale corpus."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(corpus.glob("*.md")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def content_digest(out_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file() and p.name != MANIFEST_NAME):
        digest.update(path.relative_to(out_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def manifest(count: int, corpus: Path = CORPUS) -> dict[str, object]:
    return {"kind": KIND, "essays": count, "source": source_digest(corpus)}


def is_current(out_dir: Path, count: int, corpus: Path = CORPUS) -> bool:
    """Whether `out_dir` holds exactly what `write_corpus(count, out_dir)` would write now."""
    try:
        recorded = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all(recorded.get(k) == v for k, v in manifest(count, corpus).items()) and recorded.get("content") == content_digest(out_dir)


def write_corpus(count: int, out_dir: Path, corpus: Path = CORPUS) -> list[Essay]:
    """Write N essays, index.md, tags.md and the manifest into `out_dir`; return the essays."""
    if count < 1:
        raise ValueError("N must be at least 1")
    essays = make_corpus(count, corpus)  # before touching the folder: a failure leaves it as it was
    prepare_output(out_dir, corpus)
    for essay in essays:
        (out_dir / essay.name).write_text(essay.text, encoding="utf-8")
    posts = len({essay.source.path for essay in essays})
    (out_dir / "index.md").write_text(render_index(count, posts), encoding="utf-8")
    (out_dir / "tags.md").write_text(render_tags(), encoding="utf-8")
    record = manifest(count, corpus) | {"content": content_digest(out_dir)}
    (out_dir / MANIFEST_NAME).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return essays


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write N essays made from the real posts of ../shared/corpus/turntrout (repeated "
        "round-robin under new permalinks, aliases and file names), plus index.md and tags.md, into OUT_DIR.",
        epilog="Example: python bench/realcorpus.py 60 bench/.work/corpus-real-60",
    )
    parser.add_argument("count", type=int, metavar="N", help="how many essays to write (at least 1)")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="an empty folder, or one holding an earlier benchmark corpus")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("N must be at least 1")
    if not CORPUS.is_dir():
        parser.error(f"no corpus at {CORPUS}: it lives in ../shared/corpus/turntrout beside the repository")
    essays = write_corpus(args.count, args.out_dir)
    print(f"wrote {len(essays)} essays from {len({e.source.path for e in essays})} real posts to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
