"""garden.markdown.smarty gives exactly the HTML of Python-Markdown's smarty, with each of its
options: on every essay of the sample garden and of the real corpus, with the site's whole set
of extensions, and on random text made of what smarty's patterns look at."""

from __future__ import annotations

import sys
from pathlib import Path

import frontmatter
import markdown
import pytest
import yaml
from conftest import REPO, site_markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(REPO / "bench"))
import corpus_fidelity as fidelity  # noqa: E402 - where the real corpus is

OPTIONS = [
    {},
    {"substitutions": {"ndash": "&mdash;"}},  # as mkdocs.yml has it
    {"smart_angled_quotes": True},
    {"smart_dashes": False, "smart_ellipses": False},
    {"smart_quotes": False, "substitutions": {"ellipsis": "<em>…</em>"}},
]


def pair(extensions: list[str], configs: dict, options: dict) -> tuple[markdown.Markdown, markdown.Markdown]:
    """Stock smarty and the garden's, each after the same other extensions."""
    return tuple(  # type: ignore[return-value]
        markdown.Markdown(extensions=[*extensions, name], extension_configs={**configs, name: options})
        for name in ("smarty", "garden.markdown.smarty")
    )


def site_pair() -> tuple[markdown.Markdown, markdown.Markdown]:
    """The site's extensions, as mkdocs.yml lists them, with stock smarty or the garden's."""
    converters = [site_markdown({"garden.markdown.smarty": "smarty"}), site_markdown()]
    # Two different loops are compared, not one with itself.
    assert [type(md.treeprocessors["smarty"]).__module__ for md in converters] == ["markdown.treeprocessors", "garden.markdown.smarty"]
    return converters[0], converters[1]


def essays() -> list[Path]:
    found = sorted((REPO / "content").rglob("*.md"))
    if fidelity.CORPUS.is_dir():
        found += sorted(fidelity.CORPUS.glob("*.md"))
    return found


@pytest.fixture(scope="module")
def site() -> tuple[markdown.Markdown, markdown.Markdown]:
    return site_pair()


@pytest.mark.parametrize("essay", essays(), ids=lambda path: path.relative_to(path.parent.parent).as_posix())
def test_every_essay_renders_as_with_stock_smarty(essay, site):
    try:
        body = frontmatter.loads(essay.read_text(encoding="utf-8")).content
    except Exception:  # noqa: BLE001 - content/trouble/ holds posts that are broken on purpose
        body = essay.read_text(encoding="utf-8", errors="replace")
    stock, ours = site
    assert ours.reset().convert(body) == stock.reset().convert(body)


def test_the_site_uses_the_garden_smarty_and_the_corpus_was_compared():
    assert any(
        (entry if isinstance(entry, str) else next(iter(entry))) == "garden.markdown.smarty"
        for entry in yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["markdown_extensions"]
    )
    # A folder moved elsewhere would leave the essay test with nothing to compare.
    sample = len(list((REPO / "content").rglob("*.md")))
    assert sample >= 5
    if fidelity.CORPUS.is_dir():
        assert len(essays()) == sample + 30  # and the corpus's 30 posts


# Text made of what the patterns look at: quotes, dashes, dots, angle brackets, spaces and
# line breaks, letters, digits, `s` (for 's and '80s), brackets, entities, and Markdown that
# makes elements (emphasis, code, links) so that quotes sit at the edges of texts and tails.
PIECES = st.sampled_from(
    ["'", '"', "-", "--", "---", ".", "...", "<<", ">>", " ", "\n", "a", "word", "s", "80s", "9", "(", ")",
     "[", "]", "{", "&nbsp;", "&mdash;", "–", "—", "*", "_", "`", "[link](u)", "**b**", ",", "!", "?", ":"]
)
TEXTS = st.lists(PIECES, max_size=40).map("".join)


@pytest.mark.parametrize("options", OPTIONS, ids=lambda options: ",".join(options) or "defaults")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_random_text_renders_as_with_stock_smarty(options, text):
    stock, ours = pair(["extra"], {}, options)
    assert type(ours.treeprocessors["smarty"]) is not type(stock.treeprocessors["smarty"])
    assert ours.convert(text) == stock.convert(text)


@pytest.mark.parametrize("options", OPTIONS, ids=lambda options: ",".join(options) or "defaults")
def test_known_cases_render_as_with_stock_smarty(options):
    cases = [
        "\"Weeds,\" she said -- it's 'true' --- and the '90s... were wet.",
        "''a'' \"\"b\"\" '\"c\"' \"'d'\" it''s",
        "He said, \"'Quoted' words in a larger quote.\"",
        "'*emphasis*' \"`code`\" '[a link](x)' \"**strong**\"",
        "<<angled>> a -- b --- c ---- d ... e .... f",
        "> \"quoted\" line\n>\n> - 'item' one\n> - it's",
        "| a 'b' | \"c\" |\n|---|---|\n| d -- e | f... |",
    ]
    stock, ours = pair(["extra"], {}, options)
    for text in cases:
        assert ours.reset().convert(text) == stock.reset().convert(text), text
