"""The reader's side, on built pages: post header and notices from LessWrong metadata,
sequences, tag pages, the feed, the sitemap and social cards."""

from __future__ import annotations

import email.utils
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
from conftest import mkdocs_build, post, write_project

from garden.model.index import Garden
from garden.check.lint import lint_garden

pytestmark = pytest.mark.slow  # builds sites, runs servers or the CLI in processes

LW = "https://www.lesswrong.com/posts"
BODY_WORDS = " ".join(["word"] * 460)  # two minutes at 230 words a minute

GARDEN = {
    "index.md": post("Home", "Welcome.\n"),
    "imported.md": post(
        "Imported essay",
        f"{BODY_WORDS}\n\n> [!note]- Folded away\n> {' '.join(['hidden'] * 500)}\n\nCited.[^1]\n\n[^1]: {' '.join(['note'] * 500)}\n",
        permalink="imported",
        description="An essay from LessWrong.",
        tags=["AI", "Writing"],
        authors=["Wren Ashby"],
        date_published="2023-03-11",
        date_updated="2024-01-02",
        original_url=f"{LW}/ImportedPostId001/imported",
        lw_page_url=f"{LW}/ImportedPostId001/imported",
        lw_num_comments_on_upload=27,
        lw_base_score=328,
        lw_is_af="true",
        lw_reward_post_warning="true",
        lw_is_question="True",
        lw_linkpost_url="https://example.org/original",
        card_image="images/card.png",
        card_image_alt="A card",
    ),
    "plain.md": post("Plain essay", "Short.\n", permalink="plain", tags="writing", date_published="2022-01-01", lw_is_af="false", lw_reward_post_warning="false"),
    "headed.md": post("With headings", "## A section\n\nText.\n", permalink="headed", unlisted="true"),
    "hidden.md": post("Hidden header", "Text.\n", permalink="hidden", hide_title="true", hide_metadata="true", toc="false", date_published="2021-01-01"),
    "seq/one.md": post("Part one", "One.\n", permalink="one", lw_sequence_title="A Walk", date_published="2020-01-03", **{"next-post-slug": "two"}),
    "seq/two.md": post("Part two", "Two.\n", permalink="two", lw_sequence_title="A Walk", date_published="2020-01-01", **{"prev-post-slug": "one"}, **{"next-post-slug": "three"}),
    "seq/three.md": post("Part three", "Three.\n", permalink="three", lw_sequence_title="A Walk", date_published="2020-01-02", **{"prev-post-slug": "two"}),
    "dated/a.md": post("Dated A", "A.\n", permalink="dated-a", lw_sequence_title="By Date", date_published="2019-02-01"),
    "dated/b.md": post("Dated B", "B.\n", permalink="dated-b", lw_sequence_title="By Date", date_published="2019-01-01"),
    "draft.md": post("A draft", "Draft.\n", permalink="draft", aliases=["draft-alias"], publish="false", tags=["secret"]),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("reader")
    build = mkdocs_build(write_project(root, GARDEN), strict=True)
    assert build.returncode == 0, build.output
    return build


def test_byline_dates_linked_to_the_original_and_reading_time(site):
    header = site.page("imported").css_first(".garden-post-header")
    assert header.css_first(".garden-authors").text() == "By Wren Ashby"
    original = header.css_first("a.garden-original")
    assert original.attributes["href"] == f"{LW}/ImportedPostId001/imported"
    assert original.css_first("time").text() == "11 March 2023"
    assert header.css_first("time.garden-updated").text() == "2 January 2024"
    # 460 words of text + 1: the folded callout and the footnote are not on the reader's way
    assert header.css_first(".garden-reading-time").text() == "3 min read"


def test_lesswrong_discussion_link_badge_and_counts(site):
    line = site.page("imported").css_first(".garden-lesswrong")
    assert line.css_first("a.garden-discuss").attributes["href"] == f"{LW}/ImportedPostId001/imported"
    assert line.css_first(".garden-comments").text() == "27 comments"
    assert line.css_first(".garden-karma").text() == "328 karma"
    assert line.css_first(".garden-badge--af").text() == "Alignment Forum"
    assert site.page("plain").css_first(".garden-lesswrong") is None  # 'false' strings mean false


def test_linkpost_question_and_reward_notices(site):
    page = site.page("imported")
    assert page.css_first(".garden-linkpost a").attributes["href"] == "https://example.org/original"
    assert page.css_first(".garden-question-notice a").attributes["href"] == f"{LW}/ImportedPostId001/imported"
    warning = page.css_first(".admonition.warning.garden-reward-warning")
    assert "shorthand for the training signal" in warning.text()
    plain = site.page("plain")
    assert plain.css_first(".garden-reward-warning") is None and plain.css_first(".garden-question-notice") is None


def test_the_reward_warning_text_comes_from_mkdocs_yml(tmp_path):
    files = {"index.md": post("Home"), "r.md": post("R", permalink="r", lw_reward_post_warning=True)}
    config = write_project(tmp_path, files, extra={"garden": {"reward_warning": {"title": "Mind the word", "text": "Our own words."}}})
    build = mkdocs_build(config)
    warning = build.page("r").css_first(".garden-reward-warning")
    assert warning.css_first(".admonition-title").text() == "Mind the word"
    assert warning.css("p")[1].text() == "Our own words."


def test_hide_title_hide_metadata_and_toc_false(site):
    page = site.page("hidden")
    assert "garden-visually-hidden" in page.css_first("h1").attributes["class"]  # still there for screen readers
    assert page.css_first(".garden-post-meta") is None
    assert "hidden" in page.css_first(".md-sidebar--secondary").attributes  # toc: false
    assert "hidden" not in site.page("headed").css_first(".md-sidebar--secondary").attributes  # it has a heading
    assert "hidden" in site.page("plain").css_first(".md-sidebar--secondary").attributes  # no heading, no sidebar


def test_tags_link_to_one_page_per_tag_listing_posts_newest_first(site):
    tags = {a.text(): a.attributes["href"] for a in site.page("imported").css(".garden-tags a")}
    assert tags == {"AI": "../tags/ai/", "Writing": "../tags/writing/"}
    writing = site.page("tags/writing")  # "Writing" and "writing" share a page
    assert writing.css_first("h1").text() == "Tagged “Writing”"  # as the newest post writes it
    assert [a.text() for a in writing.css(".garden-post-title")] == ["Imported essay", "Plain essay"]
    assert not (site.site / "tags/secret").exists()  # the draft's tag has no page in the built site


def sequence_links(page) -> list[tuple[str, str | None, str | None]]:
    found = []
    for nav in page.css("nav.garden-sequence"):
        previous, following = nav.css_first("a[rel=prev]"), nav.css_first("a[rel=next]")
        found.append(
            (
                nav.css_first(".garden-sequence-title").text(),
                previous.attributes["href"] if previous else None,
                following.attributes["href"] if following else None,
            )
        )
    return found


def test_a_sequence_follows_its_prev_next_links_at_the_top_and_the_end(site):
    assert sequence_links(site.page("two")) == [("Part 2 of 3 in A Walk", "../one/", "../three/")] * 2
    assert sequence_links(site.page("one")) == [("Part 1 of 3 in A Walk", None, "../two/")] * 2
    assert sequence_links(site.page("three"))[0] == ("Part 3 of 3 in A Walk", "../two/", None)
    article = site.page("two").css_first("article")
    navs = article.css("nav.garden-sequence")
    assert navs[0].parent.tag == "header"  # the first is at the top, the second after the text


def test_a_sequence_without_links_goes_by_date(site):
    assert sequence_links(site.page("dated-b"))[0] == ("Part 1 of 2 in By Date", None, "../dated-a/")


def test_inconsistent_prev_next_pairs_are_linter_errors(tmp_path):
    for name, text in {
        "a.md": post("A", permalink="a", lw_sequence_title="S", **{"next-post-slug": "b"}),
        "b.md": post("B", permalink="b", lw_sequence_title="S", **{"prev-post-slug": "c"}),
        "c.md": post("C", permalink="c", lw_sequence_title="S"),
    }.items():
        (tmp_path / name).write_text(text)
    errors = lint_garden(Garden.load(tmp_path))
    messages = {(e.path.name, e.line, e.message) for e in errors}
    assert ("a.md", 5, "`next-post-slug: b` disagrees with b.md, whose `prev-post-slug` is 'c'") in messages
    assert ("b.md", 5, "`prev-post-slug: c` disagrees with c.md, whose `next-post-slug` is not set") in messages


def test_the_feed_lists_published_posts_with_absolute_links_and_valid_dates(site):
    tree = etree.parse(site.site / "feed.xml")
    channel = tree.getroot().find("channel")
    assert tree.getroot().get("version") == "2.0"
    assert channel.findtext("link") == "https://garden.example.org/"
    items = channel.findall("item")
    titles = [item.findtext("title") for item in items]
    assert titles[:2] == ["Imported essay", "Plain essay"] and "A draft" not in titles and "Home" not in titles
    first = items[0]
    assert first.findtext("link") == first.findtext("guid") == "https://garden.example.org/imported/"
    assert email.utils.parsedate_to_datetime(first.findtext("pubDate")).isoformat() == "2023-03-11T00:00:00+00:00"
    assert first.findtext("description") == "An essay from LessWrong."
    assert [c.text for c in first.findall("category")] == ["AI", "Writing"]
    link = site.page("").css_first('link[rel="alternate"][type="application/rss+xml"]')
    assert link.attributes["href"] == "feed.xml"


def test_the_sitemap_has_no_alias_or_draft_pages(site):
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = {loc.text for loc in etree.parse(site.site / "sitemap.xml").iter(f"{namespace}loc")}
    assert "https://garden.example.org/imported/" in urls
    assert not {u for u in urls if "draft" in u}
    assert not (site.site / "draft-alias").exists()


def test_social_cards_use_the_card_image(site):
    meta = {(m.attributes.get("property") or m.attributes.get("name")): m.attributes.get("content") for m in site.page("imported").css("meta")}
    assert meta["og:image"] == "https://garden.example.org/images/card.png"
    assert meta["og:image:alt"] == "A card"
    assert meta["twitter:card"] == "summary_large_image"
    plain = {(m.attributes.get("name")): m.attributes.get("content") for m in site.page("plain").css("meta")}
    assert plain["twitter:card"] == "summary"
