"""The bad-input corpus: malformed posts, each with what the garden must say about it.

Every case is one file of a content folder (a few need a good post to collide with: `GOOD`),
with the line its one message must name, a piece of that message, and what a non-strict build
does with the post. The tests build the whole corpus once (tests/reliability/test_bad_input.py).
Binary and huge cases are made here rather than kept as files: a 5 MB post, NUL bytes, UTF-16.

    python tests/reliability/badposts.py DIR    writes the corpus into DIR/content, to try by hand
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ERROR, WARNING = "error", "warning"
LEFT_OUT, BUILT = "left out", "built"

# Good posts the bad ones collide with, link to, or must not disturb.
GOOD = {
    "index.md": "---\ntitle: Home\n---\n\nWelcome to a garden that has seen worse.\n",
    "tags.md": "---\ntitle: Tags\nunlisted: true\n---\n\n<!-- material/tags -->\n",
    "good/first.md": "---\ntitle: The first good post\npermalink: first\naliases: [first-alias]\ntags: [fine]\n"
    "date_published: 2024-01-01\n---\n\nThe first good post survives its neighbours.\n",
    "good/second.md": "---\ntitle: The second good post\npermalink: second\ndate_published: 2024-01-02\n---\n\n"
    "It links to [the first](first.md) and [[first]].\n",
}
GOOD_PAGES = {"": "Welcome to a garden", "first/": "survives its neighbours", "second/": "It links to"}


@dataclass(frozen=True)
class Case:
    name: str  # the file, under content/trouble/ (after content/good/: the second claimant of a URL loses)
    source: bytes | str
    line: int  # the line the one message names
    message: str  # a piece of that message
    severity: str = ERROR  # ERROR fails `--strict`; WARNING does not
    outcome: str = LEFT_OUT  # what a non-strict build does with the post
    url: str | None = None  # where the post is served when it is built
    text: str | None = None  # words the built page must show
    kind: str = "file"  # "symlink": `source` is the text of a file outside the project, linked to

    @property
    def path(self) -> str:
        return f"trouble/{self.name}"

    def data(self) -> bytes:
        return self.source if isinstance(self.source, bytes) else self.source.encode("utf-8")


def fm(*lines: str, body: str = "Body text.\n") -> str:
    """A post: frontmatter lines (the first is line 2 of the file), then a blank line and `body`."""
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n\n" + body


def _five_megabytes() -> str:
    paragraph = "".join(f"Line {n} of a long paragraph about gardens, paths and the people who walk them.\n" for n in range(20))
    count = 5_000_000 // (len(paragraph) + 1)
    body = (paragraph + "\n") * count
    # the one problem, on the last line: a wikilink to no post
    return fm("title: A five megabyte post", "permalink: huge", body=body + "The end, with [[a-missing-post]].\n")


_HUGE = _five_megabytes()


CASES: list[Case] = [
    # -- every kind of YAML error ------------------------------------------------------------
    Case("yaml-colon-in-value.md", fm("title: Gardens: a history"), 2, "the frontmatter is not valid YAML: mapping values are not allowed"),
    Case("yaml-unclosed-quote.md", fm('title: "Never closed', "tags: [a]"), 2, "the frontmatter is not valid YAML"),
    Case("yaml-unclosed-bracket.md", fm("title: T", "tags: [a, b", "date_published: 2024-01-01"), 3, "the frontmatter is not valid YAML"),
    Case("yaml-bad-indentation.md", fm("title: T", "tags:", "  - a", " - b"), 5, "the frontmatter is not valid YAML"),
    Case("yaml-tab.md", fm("title: T", "\ttags: [a]"), 3, "the frontmatter is not valid YAML"),
    Case("yaml-undefined-alias.md", fm("title: T", "tags: *nowhere"), 3, "the frontmatter is not valid YAML: found undefined alias"),
    Case("yaml-python-tag.md", fm("title: T", "run: !!python/object/apply:os.system [ls]"), 3, "the frontmatter is not valid YAML"),
    Case("yaml-unbuildable-tag.md", fm("title: T", "lw-base-score: !!int twelve"), 3, "the frontmatter is not valid YAML"),
    Case("yaml-control-character.md", fm("title: T", "description: a\x0cb"), 3, "the frontmatter cannot be read as YAML"),
    Case("yaml-key-twice.md", fm("title: A", "description: d", "title: B"), 4, "`title` is set twice (lines 2 and 4)"),
    Case("yaml-not-a-mapping.md", fm("- just", "- a list"), 2, "the frontmatter is not a set of `key: value` lines"),
    Case("yaml-never-closed.md", "---\ntitle: T\n\nThe body starts, but the frontmatter never ended.\n", 1, "the frontmatter block opened on line 1 is never closed"),
    Case("yaml-2000-deep.md", fm("title: T", "extra: " + "[" * 2000 + "]" * 2000), 3, "`extra` nests lists or mappings more than 20 levels deep"),
    Case(
        "yaml-billion-laughs.md",
        fm("title: T", "l0: &l0 lol", *[f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]),
        8,
        "holds more than 50,000 values",
    ),
    Case("no-frontmatter.md", "Just a body, no frontmatter at all.\n", 1, "the post has no title"),
    Case("empty-file.md", b"", 1, "the post has no title"),
    # -- wrong types for every typed field ---------------------------------------------------------
    Case("title-list.md", fm("title: [a, b]"), 2, "`title` must be text"),
    Case("permalink-list.md", fm("title: T", "permalink: [a]"), 3, "`permalink` ['a'] is not a URL-safe slug"),
    Case("permalink-spaces.md", fm("title: T", "permalink: no spaces please"), 3, "is not a URL-safe slug"),
    Case("aliases-mapping.md", fm("title: T", "aliases: {old: name}"), 3, "`aliases` must be a list of names"),
    Case("aliases-of-mappings.md", fm("title: T", "aliases:", "  - old: name"), 3, "`aliases` must be a list of names"),
    Case("description-list.md", fm("title: T", "description: [one, two]"), 3, "`description` must be text, got list"),
    Case("tags-mapping.md", fm("title: T", "tags: {a: 1}"), 3, "`tags` must be a list of names"),
    Case("authors-mapping.md", fm("title: T", "authors: {name: Wren}"), 3, "`authors` must be a list of names"),
    Case("date-list.md", fm("title: T", "date_published: [2024-01-01]"), 3, "`date_published` is not a date"),
    Case("date-updated-boolean.md", fm("title: T", "date_updated: true"), 3, "`date_updated` is not a date"),
    Case("publish-maybe.md", fm("title: T", "publish: maybe"), 3, "`publish` must be true or false, got 'maybe'"),
    Case("draft-number.md", fm("title: T", "draft: 2"), 3, "`draft` must be true or false, got 2"),
    Case("unlisted-text.md", fm("title: T", "unlisted: sometimes"), 3, "`unlisted` must be true or false"),
    Case("hide-title-list.md", fm("title: T", "hide_title: [yes]"), 3, "`hide_title` must be true or false"),
    Case("toc-text.md", fm("title: T", "toc: perhaps"), 3, "`toc` must be true or false"),
    Case("score-words.md", fm("title: T", "lw-base-score: lots"), 3, "`lw-base-score` must be a whole number, got 'lots'"),
    Case("comments-infinite.md", fm("title: T", "lw-num-comments-on-upload: .inf"), 3, "`lw-num-comments-on-upload` must be a whole number"),
    Case("card-image-mapping.md", fm("title: T", "card_image: {src: a.png}"), 3, "`card_image` must be one line of text, got dict"),
    Case("original-url-list.md", fm("title: T", "original_url: [https://example.org]"), 3, "`original_url` must be one line of text"),
    Case("sequence-title-list.md", fm("title: T", "lw-sequence-title: [a]"), 3, "`lw-sequence-title` must be one line of text"),
    Case("hide-mapping.md", fm("title: T", "hide: {toc: true}"), 3, "`hide` must be a list of names"),
    Case(
        "template-missing.md",
        fm("title: Template missing", "permalink: template-missing", "template: nowhere.html"),
        4,
        "template 'nowhere.html' is not a template of the theme",
        outcome=BUILT,
        url="template-missing/",
        text="Body text.",
    ),
    # -- impossible dates, and a bad value in a field the garden only keeps ------------------
    Case("date-month-13.md", fm("title: T", "date_published: 2025-13-45"), 3, "`date_published` is not a date: '2025-13-45'"),
    Case("date-february-30.md", fm("title: T", "date_updated: '2025-02-30'"), 3, "`date_updated` is not a date: '2025-02-30'"),
    Case("date-hour-25.md", fm("title: T", "date_published: 2025-01-01T25:00:00Z"), 3, "`date_published` is not a date"),
    Case(
        "kept-field-url.md",
        fm("title: Posted at a URL", "permalink: posted-at-url", "aliases: [posted-at-alias]", "lw-posted-at: https://www.lesswrong.com/posts/abc/x"),
        5,
        "`lw-posted-at` is not a date",
        WARNING,
        BUILT,
        "posted-at-url/",
        "Body text.",
    ),
    Case(
        "kept-field-month-13.md",
        fm("title: Curated in month 13", "permalink: curated", "lw-curation-date: 2025-13-45"),
        4,
        "`lw-curation-date` is not a date: '2025-13-45'",
        WARNING,
        BUILT,
        "curated/",
        "Body text.",
    ),
    # -- encodings and bytes ---------------------------------------------------------------------
    Case("latin-1.md", "---\ntitle: Caf\u00e9\n---\n\nText.\n".encode("latin-1"), 2, "the file is not UTF-8 text (byte 0xe9"),
    Case("utf-16.md", fm("title: Sixteen bits").encode("utf-16"), 1, "the file is UTF-16 text, not UTF-8"),
    Case("utf-16-no-bom.md", fm("title: Sixteen bits").encode("utf-16-le"), 1, "the file is UTF-16 text, not UTF-8"),
    Case("nul-byte.md", fm("title: T", body="A line.\n\nA NUL \x00 here.\n"), 7, "the file contains a NUL byte"),
    Case(
        "crlf-bom-error.md",
        b"\xef\xbb\xbf" + fm("title: Windows", "tags: [a]", "publish: maybe").replace("\n", "\r\n").encode(),
        4,
        "`publish` must be true or false, got 'maybe'",
    ),
    Case(
        "crlf-bom-broken-link.md",
        b"\xef\xbb\xbf" + fm("title: Windows link", "permalink: windows-link", body="Line one.\n\nA [[nothing-here]] link.\n").replace("\n", "\r\n").encode(),
        8,
        "wikilink [[nothing-here]] leads to no post",
        outcome=BUILT,
        url="windows-link/",
        text="Line one.",
    ),
    # -- size and depth ----------------------------------------------------------------------------
    Case("five-megabytes.md", _HUGE, _HUGE.count("\n"), "wikilink [[a-missing-post]] leads to no post", outcome=BUILT, url="huge/", text="The end, with"),
    Case(
        "one-megabyte-line.md",
        fm("title: A long line", "permalink: long-line", body="word " * 200_000 + "and [[no-such-post]] at the end.\n"),
        6,
        "wikilink [[no-such-post]] leads to no post",
        outcome=BUILT,
        url="long-line/",
        text="at the end.",
    ),
    Case("quotes-2000-deep.md", fm("title: T", body=">" * 2000 + " deep\n"), 5, "quotes nest 2000 levels deep"),
    Case("lists-2000-deep.md", fm("title: T", body="".join("\t" * i + "- item\n" for i in range(2000))), 55, "list items nest 51 levels deep"),
    Case("html-2000-deep.md", fm("title: T", body='<div markdown="1">\n' * 2000 + "x\n" + "</div>\n" * 2000), 55, "HTML elements nest 51 levels deep"),
    Case("emphasis-2000-deep.md", fm("title: T", body="*" * 2000 + "x" + "*" * 2000 + "\n"), 5, "emphasis or brackets nest 2000 levels deep"),
    # -- URLs: clashes, the site's own files, leaving the site ------------------------------------------
    Case("duplicate-permalink.md", fm("title: T", "permalink: First"), 3, "permalink 'First' is already the permalink of content/good/first.md:3"),
    Case(
        "duplicate-alias.md",
        fm("title: Duplicate alias", "permalink: duplicate-alias", "aliases: [first-alias]"),
        4,
        "alias 'first-alias' is already the alias of content/good/first.md:4",
        outcome=BUILT,
        url="duplicate-alias/",
        text="Body text.",
    ),
    *[
        Case(
            f"alias-{name.replace('.', '-')}.md",
            fm(f"title: Alias {name}", f"permalink: alias-{name.replace('.', '-')}", f"aliases: [{name}]"),
            4,
            f"alias '{name}' would overwrite {taken}, which the site already has",
            outcome=BUILT,
            url=f"alias-{name.replace('.', '-')}/",
            text="Body text.",
        )
        for name, taken in [
            ("assets", "assets/"),
            ("search", "search/"),
            ("index.html", "index.html"),
            ("sitemap.xml", "sitemap.xml"),
            ("404.html", "404.html"),
            ("feed.xml", "feed.xml"),
            ("Pagefind", "pagefind/"),
        ]
    ],
    Case(
        "alias-tags.md",
        fm("title: Alias tags", "permalink: alias-tags", "aliases: [tags]"),
        4,
        "alias 'tags' is already the permalink of content/tags.md:1",
        outcome=BUILT,
        url="alias-tags/",
        text="Body text.",
    ),
    *[
        Case(f"permalink-{name.replace('.', '-')}.md", fm("title: T", f"permalink: {name}"), 3, f"permalink '{name}' would overwrite {taken}")
        for name, taken in [("index.html", "index.html"), ("sitemap.xml", "sitemap.xml"), ("feed.xml", "feed.xml"), ("assets", "assets/")]
    ],
    Case("permalink-parent.md", fm("title: T", "permalink: ../x"), 3, "`permalink` '../x' is not a URL-safe slug"),
    Case("permalink-root.md", fm("title: T", "permalink: /etc"), 3, "`permalink` '/etc' is not a URL-safe slug"),
    Case("permalink-dot.md", fm("title: T", "permalink: ."), 3, "`permalink` '.' is not a URL-safe slug"),
    *[
        Case(f"alias-{label}.md", fm("title: T", "aliases:", f"  - '{alias}'"), 4, f"alias '{alias}' is not a URL-safe slug")
        for label, alias in [("encoded-dots", "%2e%2e"), ("dot", "."), ("dots", ".."), ("parent", "../x"), ("root", "/etc")]
    ],
    # -- text that does not read as written --------------------------------------------------
    Case("alias-confusable.md", fm("title: T", "aliases: [p\u0430ypal]"), 3, "alias 'p\u0430ypal' is not a URL-safe slug"),
    Case(
        "tag-confusable.md",
        fm("title: Confusable tag", "permalink: confusable-tag", "tags: [f\u0456ne]"),
        4,
        "`tags` has the word 'f\u0456ne', which mixes look-alike letters",
        outcome=BUILT,
        url="confusable-tag/",
        text="Body text.",
    ),
    Case(
        "title-right-to-left-override.md",
        fm("title: Invoice\u202etxt.exe", "permalink: rlo-title"),
        2,
        "`title` holds an invisible U+202E RIGHT-TO-LEFT OVERRIDE",
        outcome=BUILT,
        url="rlo-title/",
        text="Body text.",
    ),
    Case(
        "body-right-to-left-isolate.md",
        fm("title: Isolate", "permalink: rli-body", body="Fine text, with \u05e9\u05dc\u05d5\u05dd.\n\nAccess \u2067level\u2069 granted.\n"),
        8,
        "the text holds an invisible U+2067 RIGHT-TO-LEFT ISOLATE",
        outcome=BUILT,
        url="rli-body/",
        text="Fine text, with",
    ),
    # -- the body --------------------------------------------------------------------------------
    Case(
        "html-stray-close.md",
        fm("title: Stray close", "permalink: stray-close", body="<div>\nA box.\n</div>\n</div>\n\nAfter the box.\n"),
        9,
        "`</div>` closes no element opened before it in the post",
        # A warning, not an error: the renderer repairs it (issue 12, item 3), so what follows
        # the stray </div> stays in the article.
        severity=WARNING,
        outcome=BUILT,
        url="stray-close/",
        text="After the box.",
    ),
    Case(
        "html-never-closed.md",
        fm("title: Never closed", "permalink: never-closed", body="Before.\n\n<section>\nOpened.\n\nAnd never closed.\n"),
        8,
        "`<section>` is never closed",
        severity=WARNING,  # closed by the renderer at the end of its HTML block
        outcome=BUILT,
        url="never-closed/",
        text="And never closed.",
    ),
    Case(
        "javascript-link.md",
        fm("title: Script link", "permalink: script-link", body="Text.\n\nA [link that runs code](javascript:alert(document.cookie)).\n"),
        8,
        "link 'javascript:alert(document.cookie)' is a javascript: address",
        outcome=BUILT,
        url="script-link/",
        text="Text.",
    ),
    Case("javascript-url-field.md", fm("title: T", "original_url: 'javascript:alert(1)'"), 3, "`original_url` is a javascript: address"),
    Case(
        "missing-file-link.md",
        fm("title: Missing file", "permalink: missing-file", body="Text.\n\nSee [a file](missing-file.md).\n"),
        8,
        "link 'missing-file.md' leads to no file: the content folder has no trouble/missing-file.md",
        outcome=BUILT,
        url="missing-file/",
        text="See",
    ),
    Case(
        "link-out-of-the-site.md",
        fm("title: Out of the site", "permalink: out-of-site", body="Text.\n\nSee [the password file](../../../etc/passwd.md).\n"),
        8,
        "leads outside the content folder",
        outcome=BUILT,
        url="out-of-site/",
        text="See",
    ),
    Case("symlink-outside.md", fm("title: A file outside the project", body="A secret the site must not publish.\n"), 1, "the file is a symbolic link to", kind="symlink"),
]

# Cases that are not malformed but awkward: each must build, with no message at all.
QUIET: list[Case] = [
    Case("regex-in-prose.md", fm("title: A regex", "permalink: regex", body="The pattern (?<![*_]) and `(?<![a-z])` and <![ stay.\n"), 0, "", outcome=BUILT, url="regex/", text="(?<![*_])"),
    Case("crlf-bom-valid.md", b"\xef\xbb\xbf" + fm("title: Windows valid", "permalink: windows-valid", body="Carriage returns.\n").replace("\n", "\r\n").encode(), 0, "", outcome=BUILT, url="windows-valid/", text="Carriage returns."),
    Case("right-to-left-text.md", fm("title: \u05e9\u05dc\u05d5\u05dd", "permalink: shalom", body="\u0645\u0631\u062d\u0628\u0627 and \u05e9\u05dc\u05d5\u05dd.\n"), 0, "", outcome=BUILT, url="shalom/", text="\u0645\u0631\u062d\u0628\u0627"),
]


def write_corpus(content: Path, outside: Path) -> None:
    """The good posts and every case under `content`; symlinked cases point into `outside`."""
    for name, text in GOOD.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    for case in CASES + QUIET:
        path = content / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if case.kind == "symlink":
            outside.mkdir(parents=True, exist_ok=True)
            target = outside / case.name
            target.write_bytes(case.data())
            path.symlink_to(target)
        else:
            path.write_bytes(case.data())


if __name__ == "__main__":
    root = Path(sys.argv[1])
    write_corpus(root / "content", root.parent / f"{root.name}-outside")
    print(f"wrote {len(CASES)} malformed and {len(QUIET)} awkward posts into {root / 'content'}")
