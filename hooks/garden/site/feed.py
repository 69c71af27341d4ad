"""The RSS 2.0 feed of the newest published posts, written from the post model.

Written by hand rather than with mkdocs-rss-plugin: that plugin feeds every page (the home and
tags pages included), stamps pages without a date with the build time, and wants Git; the garden
already knows which posts are listed, and their dates.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urljoin

from ..model.index import Garden

FEED_FILE = "feed.xml"
FEED_ITEMS = 50  # the newest posts; readers' apps keep older items themselves
_DC = "http://purl.org/dc/elements/1.1/"
_ATOM = "http://www.w3.org/2005/Atom"


def feed_xml(garden: Garden, site_url: str, title: str, description: str | None) -> bytes:
    etree.register_namespace("dc", _DC)
    etree.register_namespace("atom", _ATOM)
    rss = etree.Element("rss", {"version": "2.0"})
    channel = etree.SubElement(rss, "channel")
    etree.SubElement(channel, "title").text = title
    etree.SubElement(channel, "link").text = site_url
    etree.SubElement(channel, "description").text = description or title
    etree.SubElement(channel, f"{{{_ATOM}}}link", {"href": urljoin(site_url, FEED_FILE), "rel": "self", "type": "application/rss+xml"})
    posts = [post for post in garden.listed(drafts=False) if post.date][:FEED_ITEMS]
    if posts:
        etree.SubElement(channel, "lastBuildDate").text = format_datetime(max(p.date_updated or p.date for p in posts))
    for post in posts:
        item = etree.SubElement(channel, "item")
        link = urljoin(site_url, post.url)
        etree.SubElement(item, "title").text = post.title
        etree.SubElement(item, "link").text = link
        etree.SubElement(item, "guid", {"isPermaLink": "true"}).text = link
        etree.SubElement(item, "pubDate").text = format_datetime(post.date)
        if post.description:
            etree.SubElement(item, "description").text = post.description
        for author in post.meta.get("authors", ()):
            etree.SubElement(item, f"{{{_DC}}}creator").text = author
        for tag in post.tags:
            etree.SubElement(item, "category").text = tag
    etree.indent(rss)
    return etree.tostring(rss, encoding="utf-8", xml_declaration=True)


def write_feed(garden: Garden, site_dir: Path, site_url: str, title: str, description: str | None) -> Path:
    path = site_dir / FEED_FILE
    path.write_bytes(feed_xml(garden, site_url if site_url.endswith("/") else site_url + "/", title, description))
    return path
