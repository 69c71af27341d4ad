"""The garden's Markdown without the hook: mkdocs.yml's `markdown_extensions:` alone (as a build
by ProperDocs or Zensical, which never run `hooks:`, would use them) convert every sample essay
exactly as the garden's own build does."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml
from conftest import BIN, ENV, REPO
from selectolax.lexbor import LexborHTMLParser

from garden.markdown.drafts import NOTICE
from garden.model.index import Garden

RECORDER = REPO / "tests" / "fixtures" / "record_pages.py"
pytestmark = pytest.mark.slow


def build(root: Path, *, hook: bool) -> dict[str, dict]:
    """Build the sample garden into root/site, with or without the garden's hook; return each
    page's converted Markdown and URL by source path."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(REPO / "content")
    config["theme"]["custom_dir"] = str(REPO / config["theme"]["custom_dir"])
    config.pop("watch", None)
    config["hooks"] = [str(REPO / "hooks" / "build.py")] * hook + [str(RECORDER)]
    if not hook:
        # MkDocs' own frontmatter reading leaves a bare-string `tags: meta` (as LessWrong exports
        # write it) a string, which Material's tags plugin refuses; the garden's post model
        # makes it a list. That plugin is the hook's business here, not the Markdown's.
        config["plugins"] = [p for p in config["plugins"] if "tags" not in (p if isinstance(p, str) else p)]
    for entry in config["markdown_extensions"]:
        for options in entry.values() if isinstance(entry, dict) else ():
            if isinstance(options, dict) and "content_dir" in options:
                options["content_dir"] = str(REPO / "content")
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    command = [str(BIN / "mkdocs"), "build", "--strict", "-f", str(config_file), "-d", str(root / "site")]
    result = subprocess.run(command, capture_output=True, text=True, env=ENV, cwd=root, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((root / "pages.json").read_text(encoding="utf-8"))


def comparable(page: dict, pages: dict[str, dict]) -> str:
    """The page's HTML with every link and image address written as the site path it leads to,
    posts named by their source file: the two builds serve posts at different URLs."""
    by_url = {other["url"]: src_uri for src_uri, other in pages.items()}
    html = LexborHTMLParser(f"<body>{page['content']}</body>")
    for node in html.css("[href], [src]"):
        for attribute in ("href", "src"):
            value = node.attributes.get(attribute)
            if value is None:
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            path = posixpath.normpath(posixpath.join("/" + page["url"], parts.path)).lstrip("/")
            path = path + "/" if parts.path.endswith("/") and path else path
            target = by_url.get(path if path != "." else "")
            node.attrs[attribute] = urlunsplit(("", "", f"post:{target}" if target else "/" + path, parts.query, parts.fragment))
    return html.body.html


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    return build(tmp_path_factory.mktemp("with-hook"), hook=True), build(tmp_path_factory.mktemp("without-hook"), hook=False)


def test_every_published_essay_converts_the_same_without_the_hook(builds):
    with_hook, without_hook = builds
    # The tags index is Material's tags plugin's page, which the build without the hook lacks.
    published = [post for post in Garden.load(REPO / "content").posts if not post.is_draft and post.src_uri != "tags.md"]
    assert len(published) >= 10
    for post in published:
        assert post.src_uri in with_hook and post.src_uri in without_hook, post.src_uri
        assert comparable(without_hook[post.src_uri], without_hook) == comparable(with_hook[post.src_uri], with_hook), post.src_uri


def test_without_the_hook_a_draft_shows_none_of_its_text(builds):
    with_hook, without_hook = builds
    [draft] = [post for post in Garden.load(REPO / "content").posts if post.is_draft]
    assert draft.src_uri not in with_hook  # the hook leaves it out of the build
    text = LexborHTMLParser(without_hook[draft.src_uri]["content"]).text()
    assert text.strip() == NOTICE.strip("*")
    assert "make serve" in draft.body and "make serve" not in text


def test_properdocs_builds_the_sample_garden_as_mkdocs_does(sample_site, tmp_path):
    """ProperDocs (the maintained fork of MkDocs 1.6) runs the hook too: the same site, but
    for the generator it names in each page."""
    site = tmp_path / "site"
    command = [str(BIN / "properdocs"), "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)]
    result = subprocess.run(command, capture_output=True, text=True, env={**ENV, "GARDEN_NO_CACHE": "1"}, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr

    def pages(root: Path) -> dict[str, str]:
        generator = re.compile(r'<meta name="generator" content="[^"]*">')
        return {str(p.relative_to(root)): generator.sub("", p.read_text(encoding="utf-8")) for p in root.rglob("*.html")}

    built, expected = pages(site), pages(sample_site.site)
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []
