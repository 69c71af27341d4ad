"""LessWrong-family URLs: which post (and which comment) a link points at.

LessWrong, the Alignment Forum and GreaterWrong share post ids, so one post has many URLs:

    https://www.lesswrong.com/posts/<id>/<slug>            the slug is ignored: slugs change
    https://alignmentforum.org/posts/<id>                  with or without www., http or https
    https://www.lesswrong.com/s/<sequence-id>/p/<id>       a post read inside a sequence
    …/posts/<id>/<slug>?commentId=<comment-id>             a comment on it
    …/posts/<id>/<slug>#<comment-id>                       a comment, the short way
    https://www.greaterwrong.com/posts/<id>/<slug>/comment/<comment-id>

A post is keyed by (post id, comment id), because some essays began as comments: a shortform
feed is one post whose comments are many essays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

HOSTS = frozenset({"lesswrong.com", "alignmentforum.org", "greaterwrong.com"})
# Post and comment ids are 17 characters from this alphabet.
_ID = r"[A-Za-z0-9]{17}"
_POST_PATH = re.compile(rf"/(?:posts|s/[A-Za-z0-9]+/p)/(?P<post>{_ID})(?:/[^/]*)?(?:/comment/(?P<comment>{_ID}))?/?")
_COMMENT_ID = re.compile(rf"(?:comment-)?(?P<id>{_ID})")


@dataclass(frozen=True)
class LessWrongLink:
    post_id: str
    comment_id: str | None = None
    fragment: str | None = None  # an anchor in the post that is not a comment id, e.g. a heading

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.post_id, self.comment_id)


def parse_lesswrong_url(url: str) -> LessWrongLink | None:
    """The post (and comment) a LessWrong, Alignment Forum or GreaterWrong URL points at."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.scheme not in ("http", "https") or host not in HOSTS:
        return None
    path = _POST_PATH.fullmatch(parts.path)
    if path is None:
        return None
    comment = path["comment"] or next(iter(parse_qs(parts.query).get("commentId", [])), None)
    fragment = parts.fragment or None
    if fragment and (looks_like_comment := _COMMENT_ID.fullmatch(fragment)) and _is_id(looks_like_comment["id"]):
        comment, fragment = comment or looks_like_comment["id"], None
    return LessWrongLink(path["post"], comment, fragment)


def _is_id(text: str) -> bool:
    """A 17-character id, told from a 17-letter heading slug by its digits or capitals."""
    return any(c.isdigit() or c.isupper() for c in text)
