"""The garden's `File` and `Page` subclasses (garden.site.pages): MkDocs keeps them, with the
titles `nav:` gives, and they answer `is_modified` and `render` as the garden says."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from garden.site.pages import GardenFile, GardenPage, make_pages, nav_titles


def config_with(tmp_path, nav) -> MkDocsConfig:
    config = MkDocsConfig()
    (tmp_path / "docs").mkdir()
    config.load_dict({"site_name": "t", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site"), "nav": nav})
    errors, _ = config.validate()
    assert not errors
    return config


def files_of(config: MkDocsConfig, *names: str) -> Files:
    return Files([GardenFile(name, config.docs_dir, config.site_dir, True, inclusion=InclusionLevel.INCLUDED) for name in names])


def test_nav_titles_are_the_first_given_for_each_file(tmp_path):
    config = config_with(tmp_path, [{"Home": "index.md"}, "b.md", {"Part": [{"Again": "index.md"}, {"B": "b.md"}]}])
    files = files_of(config, "index.md", "b.md", "c.md")
    assert nav_titles(config.nav, files) == {"index.md": "Home", "b.md": None}


def test_mkdocs_navigation_keeps_the_garden_pages_with_their_nav_titles(tmp_path):
    config = config_with(tmp_path, [{"Home": "index.md"}, "b.md"])
    files = files_of(config, "index.md", "b.md", "c.md")
    converted = []
    make_pages(files, config, lambda page, config, files: converted.append(page.file.src_uri))
    nav = get_navigation(files, config)
    assert all(type(file.page) is GardenPage for file in files)
    assert [page.file.src_uri for page in nav.pages] == ["index.md", "b.md"]
    assert nav.pages[0].title == "Home"
    nav.pages[1].render(config, files)
    assert converted == ["b.md"]
    assert isinstance(nav.pages[1], Page)


def test_a_garden_file_is_modified_until_the_garden_says_otherwise(tmp_path):
    config = config_with(tmp_path, None)
    (file,) = files_of(config, "a.md")
    assert isinstance(file, File) and file.is_modified()
    file.unchanged = True
    assert not file.is_modified()


def test_a_page_keeps_the_post_models_string_as_its_markdown_not_a_second_copy(tmp_path):
    from pathlib import Path

    from mkdocs.utils.meta import get_data

    from garden.model.post import Post
    from garden.site.pages import page_source, shared_source

    for line_end, shared in (("\n", True), ("\r\n", False)):
        raw = line_end.join(["---", "title: An essay", "---", "", "", "Some *text*.", "", "More."]).encode()
        post = Post.from_bytes(raw, Path("/g/content/essay.md"), Path("/g/content"))
        markdown, _ = get_data(page_source(post))  # what MkDocs makes of the page's source
        assert markdown.startswith("Some") and markdown is not post.body
        kept = shared_source(markdown, post)
        assert (kept is post.body) is shared
        assert kept.strip() == markdown.strip()
    assert shared_source("Changed by a plugin.", post) == "Changed by a plugin."
