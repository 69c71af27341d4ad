"""Cross-links, on a built site: LessWrong URLs of garden posts, wikilinks and /permalink links
become local links; comments stay on LessWrong; every post lists who links to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import post

from garden.model.index import Garden
from garden.check.lint import lint_garden

SEEDS = "SeedsPostId000001"
WEEDS = "WeedsPostId000002"
FEED = "ShortformFeed0003"
SHORT = "ShortComment00004"
OTHER = "OtherComment00005"
LW = "https://www.lesswrong.com/posts"

GARDEN = {
    "essays/seeds.md": post(
        "On seeds",
        f"""\
        A garden starts small. My [essay on weeds]({LW}/{WEEDS}/on-weeds) says what comes next,
        as does the [Alignment Forum copy](https://www.alignmentforum.org/posts/{WEEDS}#pulling-them-out).

        See [[weeds|the weeds essay]], [[On Weeds#Pulling them out]] and [this link](/weeds).

        [@title](/weeds) is the current title. A [renamed link](/old-weeds/) uses an alias.

        Comments stay put: [a comment]({LW}/{WEEDS}/on-weeds?commentId={OTHER}) and
        [another]({LW}/{WEEDS}/on-weeds#{OTHER}). My own [original]({LW}/{SEEDS}/on-seeds) too.

        A [missing heading]({LW}/{WEEDS}/on-weeds#no-such-heading) lands on the post.
        A [shortform note]({LW}/{FEED}/shortform?commentId={SHORT}) and [another comment]({LW}/{FEED}/shortform?commentId={OTHER}).

        `[[weeds]]` and `{LW}/{WEEDS}/x` in code stay as they are.
        """,
        permalink="seeds",
        date_published="2024-01-01",
        lw_page_url=f"{LW}/{SEEDS}/on-seeds",
    ),
    "weeds.md": post(
        "On weeds",
        f"""\
        Weeds come back. The [seed essay]({LW}/{SEEDS}/on-seeds) came first.

        ## Pulling them out

        By hand. [[On seeds]].
        """,
        permalink="weeds",
        aliases=["old-weeds"],
        date_published="2024-02-01",
        original_url=f"https://www.alignmentforum.org/posts/{WEEDS}/on-weeds",
    ),
    "notes/short.md": post(
        "A shortform note",
        "Born as a comment. It mentions [[weeds]] in passing.\n",
        permalink="short",
        date_published="2023-06-01",
        original_url=f"{LW}/{FEED}/shortform?commentId={SHORT}",
    ),
    "draft.md": post("Unfinished", "Will link to [[weeds]].\n", publish="false"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from conftest import mkdocs_build, write_project

    root = tmp_path_factory.mktemp("crosslinks")
    build = mkdocs_build(write_project(root, {"index.md": post("Home"), **GARDEN}), strict=False)
    assert build.returncode == 0, build.output
    return build


def hrefs(page) -> dict[str, str]:
    return {a.text().strip(): a.attributes["href"] for a in page.css("article a[href]") if a.text().strip()}


@pytest.mark.slow
def test_lesswrong_and_alignment_forum_urls_of_garden_posts_become_local(site):
    links = hrefs(site.page("seeds"))
    assert links["essay on weeds"] == "../weeds/"
    assert links["Alignment Forum copy"] == "../weeds/#pulling-them-out"
    assert hrefs(site.page("weeds"))["seed essay"] == "../seeds/"


@pytest.mark.slow
def test_wikilinks_and_permalink_links_resolve(site):
    page = site.page("seeds")
    links = hrefs(page)
    assert links["the weeds essay"] == "../weeds/"
    assert links["On weeds § Pulling them out"] == "../weeds/#pulling-them-out"
    assert links["this link"] == "../weeds/"
    assert links["renamed link"] == "../weeds/"
    assert "wikilink" in page.css_first("a.wikilink").attributes["class"]
    assert hrefs(site.page("weeds"))["On seeds"] == "../seeds/"


@pytest.mark.slow
def test_at_title_becomes_the_targets_title(site):
    assert hrefs(site.page("seeds"))["On weeds"] == "../weeds/"


@pytest.mark.slow
def test_comments_and_a_posts_own_original_stay_external(site):
    links = hrefs(site.page("seeds"))
    assert links["a comment"] == f"{LW}/{WEEDS}/on-weeds?commentId={OTHER}"
    assert links["another"] == f"{LW}/{WEEDS}/on-weeds#{OTHER}"
    assert links["original"] == f"{LW}/{SEEDS}/on-seeds"


@pytest.mark.slow
def test_a_comment_that_is_a_garden_post_links_to_it_and_its_siblings_do_not(site):
    links = hrefs(site.page("seeds"))
    assert links["shortform note"] == "../short/"
    assert links["another comment"] == f"{LW}/{FEED}/shortform?commentId={OTHER}"


@pytest.mark.slow
def test_a_missing_fragment_is_dropped(site):
    assert hrefs(site.page("seeds"))["missing heading"] == "../weeds/"


@pytest.mark.slow
def test_links_in_code_are_left_alone(site):
    codes = [code.text() for code in site.page("seeds").css("article p code")]
    assert "[[weeds]]" in codes and f"{LW}/{WEEDS}/x" in codes


@pytest.mark.slow
def test_each_post_lists_who_links_to_it_newest_first_without_drafts(site):
    backlinks = site.page("weeds").css(".garden-backlinks li")
    assert [li.css_first("a").text() for li in backlinks] == ["On seeds", "A shortform note"]
    assert [li.css_first("a").attributes["href"] for li in backlinks] == ["../seeds/", "../short/"]
    context = backlinks[0].css_first(".garden-backlink-context").text()
    assert context.startswith("A garden starts small. My essay on weeds says what comes next")
    assert backlinks[1].css_first(".garden-backlink-context").text() == "Born as a comment. It mentions On weeds in passing."
    assert [li.css_first("a").text() for li in site.page("seeds").css(".garden-backlinks li")] == ["On weeds"]
    assert [li.css_first("a").text() for li in site.page("short").css(".garden-backlinks li")] == ["On seeds"]
    assert site.page("").css_first(".garden-backlinks") is None


def garden_of(tmp_path: Path, files: dict[str, str]) -> Garden:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return Garden.load(tmp_path)


def findings(garden: Garden) -> list[tuple[str, int, int, str, str]]:
    return [(f.path.name, f.line, f.column, f.severity, f.message) for f in lint_garden(garden)]


def test_the_linter_reports_links_that_lead_nowhere_with_the_closest_names(tmp_path):
    garden = garden_of(
        tmp_path,
        {
            "weeds.md": post("On weeds", "## Pulling them out\n", permalink="weeds"),
            "a.md": post("A", "See [[wedes]] and [this](/weds) and [[On Weeds#Planting]].\n\n```\n[[nothing]]\n```\n"),
        },
    )
    result = lint_garden(garden)
    assert [(f.line, f.column, f.severity) for f in result] == [(5, 5, "error"), (5, 26, "error"), (5, 37, "warning")]
    assert result[0].message == "wikilink [[wedes]] leads to no post: nothing has that permalink, alias or title"
    assert result[0].hint == "did you mean 'weeds' (On weeds)?"
    assert result[1].message == "link '/weds' leads to no post: no permalink or alias 'weds'"
    assert "'weeds'" in result[1].hint
    assert result[2].message.startswith("[[On Weeds#Planting]] points at '#planting', which weeds.md does not have")


def test_an_ambiguous_title_is_an_error_naming_the_candidates(tmp_path):
    garden = garden_of(
        tmp_path,
        {"one.md": post("Spring"), "two.md": post("Spring"), "a.md": post("A", "Read [[spring]].\n")},
    )
    [finding] = lint_garden(garden)
    assert finding.message.startswith("wikilink [[spring]] is ambiguous: 2 posts are titled 'spring'")
    assert "one.md (one)" in finding.message and "two.md (two)" in finding.message
    assert finding.hint == "link by permalink instead, e.g. [[one]]"


def test_two_posts_from_one_lesswrong_post_are_an_error(tmp_path):
    garden = garden_of(
        tmp_path,
        {"a.md": post("A", lw_page_url=f"{LW}/{WEEDS}/x"), "b.md": post("B", original_url=f"https://www.greaterwrong.com/posts/{WEEDS}")},
    )
    [error] = garden.errors
    assert error.path.name == "b.md" and error.line == 3
    assert "names the LessWrong post that" in error.message and "a.md already comes from" in error.message


# --------------------------------------------------------------------------------------------
# Markdown in, HTML out, on a small in-memory index (no build)


def convert_in_garden(body: str) -> str:
    """The HTML of a post whose body is `body`, in a garden that also holds the posts of GARDEN."""
    import markdown

    from conftest import garden_in_memory, published

    garden = garden_in_memory({**GARDEN, "essays/under-test.md": post("Under test", body, permalink="under-test")})
    with published(garden):
        return markdown.Markdown(extensions=["garden.markdown.crosslinks"]).convert(body)


@pytest.mark.parametrize(
    ("markdown_in", "html_out"),
    [
        (f"[x]({LW}/{WEEDS}/any-slug)", '<p><a href="../weeds.md">x</a></p>'),
        ("[x](/old-weeds/#pulling-them-out)", '<p><a href="../weeds.md#pulling-them-out">x</a></p>'),
        ("[@title](/short)", '<p><a href="../notes/short.md">A shortform note</a></p>'),
        ("[@title](seeds.md)", '<p><a href="seeds.md">On seeds</a></p>'),
        ("[[On Weeds#Pulling them out]]", '<p><a class="wikilink" href="../weeds.md#pulling-them-out">On weeds § Pulling them out</a></p>'),
        ("[[weeds|*not* emphasis]]", '<p><a class="wikilink" href="../weeds.md">*not* emphasis</a></p>'),
        ("[[nowhere]]", "<p><span class=\"wikilink wikilink--missing\" title=\"wikilink [[nowhere]] leads to no post: nothing has that permalink, alias or title\">nowhere</span></p>"),
        (f"[c]({LW}/{WEEDS}/on-weeds?commentId={OTHER})", f'<p><a href="{LW}/{WEEDS}/on-weeds?commentId={OTHER}">c</a></p>'),
        ("`[[weeds]]` and ![[image.png]]", "<p><code>[[weeds]]</code> and ![[image.png]]</p>"),
    ],
)
def test_links_in_and_html_out(markdown_in, html_out):
    assert convert_in_garden(markdown_in) == html_out


def test_text_that_is_no_post_is_left_as_written():
    import markdown

    assert markdown.Markdown(extensions=["garden.markdown.crosslinks"]).convert("[[weeds]]") == "<p>[[weeds]]</p>"
