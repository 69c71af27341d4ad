"""Property tests: generated posts never crash the post model, the linter, the renderer or a
build, and a post's text survives into its page.

Hypothesis draws frontmatter as raw text (to hit every YAML error) and as data of every type
under the keys the garden reads; bodies as Markdown-ish noise (for crashes) and as plain words
(for what must survive). No example database is written: each run draws afresh.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import BIN, ENV, render, site_markdown, write_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from garden.check.lint import lint_post
from garden.model.errors import InvalidPost
from garden.model.index import Garden
from garden.model.post import BOOL_KEYS, DATE_KEYS, INT_KEYS, LIST_KEYS, STRING_KEYS, TEXT_KEYS, URL_KEYS, Post

FAST = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
KEYS = sorted(BOOL_KEYS | DATE_KEYS | INT_KEYS | LIST_KEYS | STRING_KEYS | TEXT_KEYS | URL_KEYS | {"unknown-key"})

# Characters a title may hold: anything printable (markup and quotes included), no controls.
printable = st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp", "Co", "Cn"))
titles = st.text(printable, min_size=1, max_size=60).filter(lambda t: t.strip() and t.strip().lower() not in {"none", "null", "~"})
# Words that Markdown leaves alone: letters and digits of any script, with plain punctuation after.
words = st.builds(
    lambda letters, mark: letters + mark,
    st.text(st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd")), min_size=1, max_size=12),
    st.sampled_from(["", "", "", ".", ",", ";", "!", "?"]),
)
paragraphs = st.lists(st.lists(words, min_size=1, max_size=30).map(" ".join), min_size=1, max_size=6).map(
    lambda ps: ["A" + p for p in ps]  # a letter first: never a list marker, heading or quote
)
# Noise: the characters Markdown, HTML and the garden's extensions act on, in any order.
PIECES = [*"ab \n\n\t>*_-+#`~=[]()!^:|\\<>/&\"'$%{}0123.", "[[", "]]", "[^1]", "[^1]: ", "[!note]", "<div>", "</div>", "<![", "```", "$$", "\r\n", "    "]
noise = st.lists(st.sampled_from(PIECES), max_size=200).map("".join)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(printable, max_size=30),
    st.dates(), st.datetimes(timezones=st.just(dt.timezone.utc)),
)  # fmt: skip
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=10)


def parse(source: str) -> Post | None:
    """The post, or None when the model refused it with located errors."""
    total = source.count("\n") + 1
    try:
        post = Post.parse(source, Path("/garden/content/post.md"), "post.md")
    except InvalidPost as invalid:
        assert invalid.errors
        for error in invalid.errors:
            assert 1 <= (error.line or 1) <= total, (error, source)
            assert error.message and "Traceback" not in error.message
        return None
    for finding in post.findings:
        assert 1 <= finding.line <= total
    return post


@FAST
@given(st.text(max_size=300))
def test_any_frontmatter_text_is_read_or_refused_with_a_line(frontmatter):
    parse(f"---\n{frontmatter}\n---\nBody.\n")


@FAST
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=6))
def test_any_value_under_any_key_is_read_or_refused_with_a_line(data):
    source = "---\n" + yaml.safe_dump({"title": "T", **data}, allow_unicode=True) + "---\nBody.\n"
    post = parse(source)
    if post is not None:
        # what the templates will be given: text where text is shown, lists of names, real dates
        assert isinstance(post.title, str) and all(isinstance(tag, str) for tag in post.tags)
        for key in DATE_KEYS & post.meta.keys():
            assert post.meta[key] is None or isinstance(post.meta[key], dt.datetime)
        for key in (STRING_KEYS | URL_KEYS) & post.meta.keys():
            assert post.meta[key] is None or isinstance(post.meta[key], str)


@FAST
@given(noise)
def test_any_body_is_linted_and_converted_without_a_crash(body):
    post = parse("---\ntitle: Noise\n---\n" + body)
    if post is None:
        return  # refused with a located error (e.g. nesting past the limit)
    garden = Garden(Path("/garden/content"))
    garden.add(post)
    total = body.count("\n") + 4
    findings = lint_post(post, garden=garden)
    for finding in findings:
        assert 1 <= finding.line <= total, finding
    try:
        site_markdown().convert(post.body)
    except Exception:
        # Python-Markdown itself can still crash on some text (an empty footnote definition that
        # nothing cites: `[^1]: ` alone, with USE_DEFINITION_ORDER off). Then the linter must have
        # told the author what is wrong there, and the build stands a page in (test_faults.py).
        assert [f for f in findings if f.severity == "error"], body


@FAST
@given(paragraphs)
def test_a_posts_words_survive_into_its_html(texts):
    html = render("\n\n".join(texts) + "\n")
    shown = [" ".join(p.text().split()) for p in html.css("p")]
    assert shown == [" ".join(t.split()) for t in texts]


@pytest.mark.slow
@settings(max_examples=3, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(titles, paragraphs), min_size=2, max_size=5))
def test_a_built_garden_shows_every_posts_title_and_words(tmp_path_factory, posts):
    root = tmp_path_factory.mktemp("generated")
    files = {"index.md": "---\ntitle: Home\n---\n\nWelcome.\n"}
    for number, (title, texts) in enumerate(posts):
        frontmatter = yaml.safe_dump({"title": title, "permalink": f"p{number}", "tags": [title]}, allow_unicode=True)
        files[f"p{number}.md"] = "---\n" + frontmatter + "---\n\n" + "\n\n".join(texts) + "\n"
    config = write_project(root, files)
    result = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--clean", "-f", str(config), "-d", str(root / "site")],
        capture_output=True, text=True, env=ENV, cwd=root, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    home = LexborHTMLParser((root / "site/index.html").read_text(encoding="utf-8"))
    listed = [" ".join(a.text().split()) for a in home.css(".garden-post-title")]
    for number, (title, texts) in enumerate(posts):
        page = LexborHTMLParser((root / f"site/p{number}/index.html").read_text(encoding="utf-8"))
        assert " ".join(page.css_first("article h1").text().split()) == " ".join(title.split())
        assert " ".join(title.split()) in listed
        article = " ".join(page.css_first("article").text().split())
        for text in texts:
            assert " ".join(text.split()) in article, textwrap.shorten(text, 80)
