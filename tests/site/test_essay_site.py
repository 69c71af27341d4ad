"""The garden reads as an essay site: what the built pages hold (layout, home page, 404 page,
drop cap, index pages), the acronym and image extensions (Markdown in, HTML out), and the
preview's address. What only a browser shows (sidenotes, popovers, previews) is in
tests/test_browser.py."""

from __future__ import annotations

import os
import struct
import subprocess
import textwrap
import zlib
from pathlib import Path

import markdown
import pytest
from conftest import BIN, ENV, REPO, mkdocs_build, post, render, write_project
from selectolax.lexbor import LexborHTMLParser

from garden.markdown.images import image_size
from garden.site.bundles import trimmed

# ---- Acronyms ------------------------------------------------------------------------------


def acronyms(text: str) -> list[str]:
    return [node.text() for node in render(text).css("abbr.garden-acronym")]


def test_runs_of_capitals_become_small_caps_acronyms():
    assert acronyms("NASA, GPT-4 and RLHFs, an LLM and Q&A.") == ["NASA", "GPT-4", "RLHFs", "LLM", "Q&A"]


def test_single_capitals_mixed_case_roman_numerals_and_code_are_left_alone():
    html = render("I met a PhD from iOS in part XIV; `HTML` and\n\n    CSS code\n")
    assert html.css("abbr") == []
    assert html.css_first("code").text() == "HTML"


def test_math_is_never_marked_as_acronyms():
    html = render("The penalty $\\text{AUP}(s)$ and the AUP agent.")
    assert [node.text() for node in html.css("abbr.garden-acronym")] == ["AUP"]
    assert html.css_first(".arithmatex").text() == "\\(\\text{AUP}(s)\\)"


def test_acronyms_in_links_and_headings_keep_the_link_and_the_anchor():
    html = render("## The AI question\n\nSee [the AI essay](x.md).\n")
    assert html.css_first("h2").attributes["id"] == "the-ai-question"
    assert html.css_first("a[href='x.md'] abbr.garden-acronym").text() == "AI"


def test_an_abbreviation_the_author_defined_keeps_its_title():
    html = render("HTML is short.\n\n*[HTML]: HyperText Markup Language\n")
    abbr = html.css_first("abbr")
    assert abbr.attributes == {"title": "HyperText Markup Language"}


def test_the_acronym_extension_works_without_the_garden():
    html = markdown.markdown("Read the FAQ.", extensions=["garden.markdown.acronyms"])
    assert html == '<p>Read the <abbr class="garden-acronym">FAQ</abbr>.</p>'


# ---- Images ------------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\0" + b"\0\0\0" * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_image_sizes_are_read_from_png_gif_svg_and_jpeg(tmp_path):
    (tmp_path / "a.png").write_bytes(png(12, 7))
    (tmp_path / "b.gif").write_bytes(b"GIF89a" + struct.pack("<HH", 30, 20) + b"\0" * 20)
    (tmp_path / "c.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150"></svg>')
    (tmp_path / "d.svg").write_text('<?xml version="1.0"?>\n<svg width="64px" height="32" viewBox="0 0 1 1"/>')
    sof = b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 90, 160) + b"\x03" + b"\0" * 9
    (tmp_path / "e.jpg").write_bytes(b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"\0" * 14 + sof)
    (tmp_path / "f.txt").write_text("not a picture")
    sizes = {path.name: image_size(path) for path in sorted(tmp_path.iterdir())}
    assert sizes == {"a.png": (12, 7), "b.gif": (30, 20), "c.svg": (300, 150), "d.svg": (64, 32), "e.jpg": (160, 90), "f.txt": None}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("essay-site")
    files = {
        "index.md": post("Home", "Welcome to the garden.\n"),
        "tags.md": post("Tags", "Every tag.\n\n<!-- material/tags -->\n", unlisted=True),
        "essay.md": post(
            "An essay",
            textwrap.dedent(
                """\
                The first paragraph opens with a letter set large.

                ## A section

                ![A picture](images/dot.png) ![Sized by hand](images/dot.png){ width="600" height="350" }
                ![Elsewhere](https://example.org/x.png)
                """
            ),
            permalink="essay",
            tags=["craft"],
            date_published="2024-05-01",
        ),
        "plain.md": post("No drop cap", "Plain opening.\n", permalink="plain", no_dropcap="true", date_published="2024-04-01"),
        "draft.md": post("Unfinished", "Soon.\n", permalink="unfinished", draft=True, date_published="2024-06-01"),
        "images/dot.png": png(40, 30),
    }
    build = mkdocs_build(write_project(root, files, nav=False))
    assert build.returncode == 0, build.output
    return build


def test_pages_have_no_navigation_sidebar_and_the_home_page_is_titled_by_the_site_name(site):
    home = site.page("")
    assert home.css(".md-sidebar--primary") == [] and home.css('label.md-header__button[for="__drawer"]') == []
    assert home.css_first("h1").text() == "An Essay Garden"
    links = [a.text() for a in home.css(".garden-header-links a")]
    assert links == ["Essays", "Tags"]


def test_each_entry_on_the_home_page_has_its_date_reading_time_and_tags(site):
    entry = site.page("").css("li.garden-post")[0]
    assert entry.css_first(".garden-post-title").text() == "An essay"
    facts = entry.css_first(".garden-post-facts")
    assert facts.css_first("time").text() == "1 May 2024"
    assert facts.css_first(".garden-post-reading-time").text() == "1 min read"
    assert [a.text() for a in facts.css("a.garden-post-tag")] == ["craft"]


def test_index_pages_show_no_reading_time_and_no_drop_cap(site):
    tags = site.page("tags")
    assert tags.css(".garden-reading-time") == []
    assert "garden-dropcap" not in tags.css_first(".garden-post-header").attributes.get("class", "")
    assert "garden-dropcap" not in site.page("").css_first(".garden-post-header").attributes.get("class", "")


def test_an_essay_has_a_drop_cap_unless_its_frontmatter_says_no_dropcap(site):
    assert "garden-dropcap" in site.page("essay").css_first(".garden-post-header").attributes["class"]
    assert "garden-dropcap" not in site.page("plain").css_first(".garden-post-header").attributes["class"]


def test_images_get_their_size_and_load_lazily(site):
    images = {img.attributes["alt"]: img.attributes for img in site.page("essay").css("article img")}
    assert (images["A picture"]["width"], images["A picture"]["height"]) == ("40", "30")
    assert (images["Sized by hand"]["width"], images["Sized by hand"]["height"]) == ("600", "350")
    assert "width" not in images["Elsewhere"]
    assert {attributes["loading"] for attributes in images.values()} == {"lazy"}


def test_the_404_page_offers_search_and_the_newest_essays(site):
    page = LexborHTMLParser((site.site / "404.html").read_text(encoding="utf-8"))
    form = page.css_first("form.garden-404-search")
    assert form.attributes["action"] == "/" and form.css_first("input").attributes["name"] == "q"
    assert [a.text() for a in page.css(".garden-post-title")] == ["An essay", "No drop cap"]  # no draft
    assert page.css(".garden-problems") == []  # problems are for the preview only


def test_a_draft_previewed_shows_no_published_date(tmp_path):
    files = {"index.md": post("Home"), "draft.md": post("Unfinished", "Soon.\n", permalink="unfinished", draft=True, date_published="2024-06-01")}
    config = write_project(tmp_path, files)
    # Drafts are built only by `mkdocs serve`; GardenSite decides from the command it was started with.
    script = (
        "import sys; sys.argv = ['mkdocs']\n"
        "from mkdocs.commands import build\nfrom mkdocs.config import load_config\n"
        "from mkdocs import plugins\n"
        f"config = load_config({str(config)!r}, site_dir={str(tmp_path / 'site')!r})\n"
        "config.plugins.on_startup(command='serve', dirty=False)\n"
        "build.build(config, serve_url='http://127.0.0.1:8000/')\n"
    )
    result = subprocess.run([str(BIN / "python"), "-c", script], capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    page = LexborHTMLParser((tmp_path / "site/unfinished/index.html").read_text(encoding="utf-8"))
    assert page.css_first(".garden-draft-label") is not None
    assert page.css(".garden-published") == [] and "Published" not in page.css_first(".garden-dates").text()


# ---- The preview's address ---------------------------------------------------------------


def test_make_serve_takes_port_and_host(tmp_path):
    def serve_command(*settings: str) -> str:
        # Under `make test` this make is a sub-make: without MAKEFLAGS/MAKELEVEL and with
        # --no-print-directory it prints only the commands, not "Entering/Leaving directory".
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
        result = subprocess.run(
            ["make", "--no-print-directory", "-n", "serve", *settings], capture_output=True, text=True, cwd=REPO, env=env, timeout=60
        )
        assert result.returncode == 0, result.stderr
        [command] = [line for line in result.stdout.splitlines() if "mkdocs serve" in line]
        return command.strip()

    assert serve_command().endswith("--dev-addr 127.0.0.1:8000")  # mkdocs.yml's dev_addr
    assert serve_command("PORT=8001").endswith("--dev-addr 127.0.0.1:8001")
    assert serve_command("HOST=0.0.0.0", "PORT=9000").endswith("--dev-addr 0.0.0.0:9000")


@pytest.mark.parametrize(
    ("dev_addr", "shown"),
    [("127.0.0.1:8001", "http://127.0.0.1:8001/on-pruning/"), ("0.0.0.0:8080", "http://127.0.0.1:8080/on-pruning/")],
)
def test_garden_new_prints_the_address_mkdocs_yml_configures(tmp_path, dev_addr, shown):
    write_project(tmp_path, {"index.md": post("Home")}, dev_addr=dev_addr)
    result = subprocess.run([str(BIN / "garden"), "new", "On pruning"], capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"preview: {shown} " in result.stdout


def test_the_sample_garden_demonstrates_sidenotes_acronyms_and_a_no_dropcap_post():
    sources = {path.name: path.read_text(encoding="utf-8") for path in (REPO / "content").rglob("*.md")}
    assert any("no_dropcap: true" in text for text in sources.values())
    assert "sidenote" in sources["footnotes.md"].lower()
    assert Path(REPO / "content/images/screenshots/essay-1440-light.png").is_file()


@pytest.mark.parametrize(
    ("group_by", "groups"),
    [
        ("year", {"2024": ["Newer", "Part two", "Part one"], "2023": ["Older"]}),
        ("sequence", {"A walk": ["Part one", "Part two"], "Other essays": ["Newer", "Older"]}),
    ],
)
def test_the_home_page_groups_its_essays_by_year_or_sequence(tmp_path, group_by, groups):
    files = {
        "index.md": post("Home"),
        "a.md": post("Older", permalink="older", date_published="2023-05-01"),
        "b.md": post("Newer", permalink="newer", date_published="2024-09-01"),
        "one.md": post("Part one", permalink="one", lw_sequence_title="A walk", date_published="2024-01-01", **{"next-post-slug": "two"}),
        "two.md": post("Part two", permalink="two", lw_sequence_title="A walk", date_published="2024-02-01", **{"prev-post-slug": "one"}),
    }
    build = mkdocs_build(write_project(tmp_path, files, extra={"garden": {"home": {"group_by": group_by}}}))
    assert build.returncode == 0, build.output
    found, current = {}, None
    for node in build.page("").css_first("section.garden-post-list").iter():
        if node.tag == "h3":
            current = found.setdefault(node.text(), [])
        elif node.tag == "ol":
            current += [a.text() for a in node.css(".garden-post-title")]
    assert found == groups


@pytest.mark.parametrize("bundle", ["assets/stylesheets/garden-bundle.css", "assets/javascripts/garden-bundle.js"])
def test_the_bundles_hold_exactly_the_files_they_name_less_their_comments(site, bundle):
    """Each page loads the garden's styles and scripts as one file each; MkDocs renders them from
    Jinja templates that include the real files, so a file that happened to contain Jinja's
    delimiters would come out changed: this catches it. The hook drops the comment lines
    (garden.site.bundles), and nothing else."""
    template = (REPO / "overrides" / bundle).read_text(encoding="utf-8")
    names = [line.split('"')[1] for line in template.splitlines() if line.startswith("{% include")]
    assert len(names) >= 6
    body = template[template.index("-#}") + len("-#}") :].lstrip("\n")
    for name in names:
        source = (REPO / "overrides" / name).read_text(encoding="utf-8")
        assert "{{" not in source and "{%" not in source and "{#" not in source, f"{name} holds Jinja's delimiters"
        body = body.replace(f'{{% include "{name}" %}}', source.rstrip("\n"))
    built = (site.site / bundle).read_text(encoding="utf-8")
    assert built == trimmed(body, bundle)
    assert len(built) < 0.85 * len(body), "the comments were not dropped"
    page = site.page("essay")
    assert [link.attributes["href"] for link in page.css('link[rel="stylesheet"]')][-1] == "../assets/stylesheets/garden-bundle.css"
    assert [script.attributes["src"] for script in page.css("script[src]")][-1] == "../assets/javascripts/garden-bundle.js"
