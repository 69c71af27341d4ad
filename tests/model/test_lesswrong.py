"""The LessWrong-family URL recogniser."""

from __future__ import annotations

import pytest

from garden.model.lesswrong import LessWrongLink, parse_lesswrong_url

POST = "cAC4AXiNC5ig6jQnc"
COMMENT = "Nr7YqjkZS4jg2aNAo"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.lesswrong.com/posts/{POST}/understanding-and-controlling",
        f"https://lesswrong.com/posts/{POST}/a-renamed-slug/",
        f"http://www.lesswrong.com/posts/{POST}",
        f"https://www.lesswrong.com/posts/{POST}/",
        f"https://www.alignmentforum.org/posts/{POST}/slug",
        f"https://alignmentforum.org/posts/{POST}",
        f"https://www.greaterwrong.com/posts/{POST}/slug",
        f"https://greaterwrong.com/posts/{POST}",
        f"https://www.lesswrong.com/s/sv2CKDaQDRTXDzp5v/p/{POST}",
        f"https://www.lesswrong.com/posts/{POST}/slug?utm_source=feed",
        f"HTTPS://WWW.LessWrong.com/posts/{POST}/slug",
    ],
)
def test_post_urls_in_every_form_give_the_post_id(url):
    assert parse_lesswrong_url(url) == LessWrongLink(POST)


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.lesswrong.com/posts/{POST}/slug?commentId={COMMENT}",
        f"https://www.lesswrong.com/posts/{POST}?commentId={COMMENT}#comments",
        f"https://www.lesswrong.com/posts/{POST}/slug#{COMMENT}",
        f"https://www.alignmentforum.org/posts/{POST}/slug/?commentId={COMMENT}",
        f"https://www.greaterwrong.com/posts/{POST}/slug/comment/{COMMENT}",
        f"https://www.greaterwrong.com/posts/{POST}/slug#comment-{COMMENT}",
    ],
)
def test_comment_urls_give_the_post_and_the_comment(url):
    link = parse_lesswrong_url(url)
    assert link.key == (POST, COMMENT)


def test_a_heading_fragment_is_kept_apart_from_comment_ids():
    link = parse_lesswrong_url(f"https://www.lesswrong.com/posts/{POST}/slug#related-work")
    assert link == LessWrongLink(POST, None, "related-work")
    # 17 lowercase letters could be a heading; an id has capitals or digits
    assert parse_lesswrong_url(f"https://www.lesswrong.com/posts/{POST}/x#introductionsabcd").fragment == "introductionsabcd"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.lesswrong.com/users/turntrout",
        "https://www.lesswrong.com/tag/shard-theory",
        "https://www.lesswrong.com/s/sv2CKDaQDRTXDzp5v",
        "https://www.lesswrong.com/",
        f"https://example.com/posts/{POST}/slug",
        f"https://notlesswrong.com/posts/{POST}",
        "https://www.lesswrong.com/posts/tooShort/slug",
        f"ftp://www.lesswrong.com/posts/{POST}",
        f"/posts/{POST}",
        "not a url at all",
    ],
)
def test_other_urls_are_not_posts(url):
    assert parse_lesswrong_url(url) is None
