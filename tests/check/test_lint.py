"""The content linter. Each case also renders the Markdown with the site's extensions, to show
that what the linter reports is what a reader would see, and that what it passes renders well."""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import BIN, ENV, post, render, site_markdown
from selectolax.lexbor import LexborHTMLParser

from garden.check.lint import lint_post
from garden.model.post import Post


def lint(body: str) -> list[tuple[int, int, str, str]]:
    """(line, column, severity, message) of each finding; the body starts on line 4."""
    source = "---\ntitle: T\n---\n" + textwrap.dedent(body)
    found = lint_post(Post.parse(source, Path("post.md"), "post.md"))
    return [(f.line, f.column, f.severity, f.message) for f in found]


def reader_sees(body: str) -> dict[str, list[str]]:
    """What goes wrong on the rendered page: literal markers, and footnote links to nowhere."""
    html = render(body)
    ids = {node.attributes["id"] for node in html.css("[id]")}
    links = [a.attributes["href"][1:] for a in html.css("a.footnote-ref, a.footnote-backref")]
    for code in html.css("code, pre"):
        code.decompose()
    text = html.body.text() if html.body else ""
    return {
        "literal": re.findall(r"\[\^[^\]]+\]|\[![\w-]+\][-+]?", text),
        "dead links": [target for target in links if target not in ids],
    }


CLEAN = {"literal": [], "dead links": []}


def test_an_undefined_footnote_is_reported_where_it_is_cited():
    body = "Fine.[^ok]\n\nA claim.[^missing]\n\n[^ok]: Defined.\n"
    assert lint(body) == [
        (6, 9, "error", "footnote [^missing] is referenced but never defined, so readers see the literal text")
    ]
    assert reader_sees(body)["literal"] == ["[^missing]"]


def test_a_footnote_defined_twice_is_reported_at_the_second_definition():
    body = "Text.[^d]\n\n[^d]: First.\n\n[^d]: Second.\n"
    [(line, column, severity, message)] = lint(body)
    assert (line, column, severity) == (8, 1, "error")
    assert message.startswith("footnote [^d] is defined again (first on line 6)")
    assert "First." not in render(body).css_first(".footnote").text()  # the last one silently won


def test_a_footnote_never_cited_is_reported_at_its_definition():
    body = "Text.\n\n  [^orphan]: Nobody cites me.\n"
    assert lint(body) == [
        (6, 3, "error", "footnote [^orphan] is defined but never referenced; it is listed with a backlink to nowhere")
    ]
    assert reader_sees(body)["dead links"] == ["fnref:orphan"]


def test_a_definition_indented_inside_another_footnote_is_a_warning_and_is_shown():
    # Regression: mechanistically-eliciting-latent-behaviors-in-language-1.md in the corpus,
    # where Python-Markdown alone dropped nine such notes.
    body = "A.[^5] B.[^6]\n\n[^5]:\n    First paragraph.\n\n    Second.\n    [^6]: Kept.\n"
    [(line, column, severity, message)] = lint(body)
    assert (line, column, severity) == (10, 5, "warning")
    assert "footnote [^6] is indented inside the text of footnote [^5]; the garden shows it as a note of its own" in message
    assert reader_sees(body) == CLEAN
    notes = render(body).css(".footnote li")
    assert [n.attributes["id"] for n in notes] == ["fn:5", "fn:6"]
    assert "Kept." in notes[1].text() and "Kept." not in notes[0].text()


@pytest.mark.parametrize(
    "body, position, what",
    [
        ("Text.[^1]\n\n[^1]: First.\n\n  Second, two spaces in.\n", (8, 3), "this paragraph is indented 2 space(s)"),
        ("Text.[^1]\n\n[^1]: First.\n\n  <!-- vale off -->\n  > [!quote]\n  > Quoted.\n", (9, 3), "this quote is indented 2 space(s)"),
    ],
    ids=["paragraph", "quote-after-a-comment"],
)
def test_a_note_continued_by_less_than_four_spaces_is_a_warning_and_stays_in_the_note(body, position, what):
    # Regression: best-reasons-for-pessimism-…md (a quote) and maze-solving-agents-…md (an image).
    [(line, column, severity, message)] = lint(body)
    assert ((line, column), severity) == (position, "warning")
    assert message.startswith(what + " under footnote [^1]: the garden keeps it in the note")
    html = render(body)
    assert html.css("body > p")[0].text() == "Text.1"  # nothing escaped the note into the text
    assert len(html.css("body > *")) == 2  # the paragraph and the footnotes


def test_a_marker_on_a_line_without_a_quote_is_reported():
    body = "[!note] Forgot the quote mark\nText.\n"
    [(line, column, severity, message)] = lint(body)
    assert (line, column, severity) == (4, 1, "error")
    assert "callout marker [!note] is not at the start of a quote" in message
    assert reader_sees(body)["literal"] == ["[!note]"]


def test_a_marker_in_the_middle_of_a_quote_line_is_reported():
    body = "> Quoting [!tip] mid-line.\n"
    assert [f[:3] for f in lint(body)] == [(4, 11, "error")]
    assert reader_sees(body)["literal"] == ["[!tip]"]


@pytest.mark.parametrize(
    "body",
    ["> [!note] A\n> Text.\n> [!warning] B\n> More.\n", "> [!note] A\n> Text.\n>\n> [!warning] B\n> More.\n"],
    ids=["adjacent", "joined-by-an-empty-quote-line"],
)
def test_two_callouts_without_a_blank_line_are_reported(body):
    [(line, column, severity, message)] = lint(body)
    assert severity == "error" and column == 3 and line in (6, 7)
    assert "two callouts with no blank line between them merge into one" in message
    assert reader_sees(body)["literal"] == ["[!warning]"]


def test_an_unknown_type_is_a_warning_and_known_types_pass_in_any_case():
    assert lint("> [!Goose] Honk\n> Text.\n") == [
        (4, 3, "warning", "unknown callout type 'goose': it renders like a note")
    ]
    assert lint("> [!TIP] Fine\n> Text.\n\n> [!Idea]\n> Fine too.\n") == []


def test_declared_types_are_known():
    found = lint_post(Post.parse("---\ntitle: T\n---\n> [!goose] Honk\n", Path("p.md"), "p.md"), frozenset({"goose"}))
    assert found == []


def test_markers_on_the_lines_of_a_raw_html_block_are_reported():
    # An HTML block runs to its end tag or to a blank line: Markdown in those lines stays text.
    body = '<div class="demo">\n> [!info] Input\n> Text.[^x]\n</div>\n\n[^x]: Note.\n'
    found = lint(body)
    assert [(f[0], f[1], f[2]) for f in found] == [(5, 3, "error"), (6, 8, "error"), (9, 1, "error")]
    assert "inside a raw HTML <div> block" in found[0][3]
    assert "[^x] is defined but never referenced" in found[2][3]
    assert reader_sees(body)["literal"] == ["[!info]", "[^x]"]


def test_markers_after_a_blank_line_inside_raw_html_render_and_are_not_reported():
    # Regression: punctilio.md in the corpus holds callouts inside a <div>, after a blank line,
    # where CommonMark (and the original site) read Markdown again.
    body = '<div class="demo">\n<p>Demo</p>\n\n> [!info] Input\n> Text.[^x]\n\n</div>\n\n[^x]: Note.\n'
    assert lint(body) == []
    assert reader_sees(body) == CLEAN
    assert render(body).css_first("div.demo > div.admonition.info .admonition-title").text() == "Input"


def page_around(body: str) -> LexborHTMLParser:
    """The post's HTML, as converted (not as a parser has tidied it), inside the theme's article."""
    html = site_markdown().convert(textwrap.dedent(body))
    return LexborHTMLParser(f'<div class="md-content"><article id="post">{html}</article><aside id="after"></aside></div>')


def test_a_stray_end_tag_is_reported_and_cannot_close_the_article():
    # Regression: test-page.md in the corpus, whose extra </div> put all 16 footnotes outside <article>.
    body = '<div class="timeline">\n<div>card</div>\n</div>\n</div>\n\nText.[^1]\n\n[^1]: Note.\n'
    [(line, column, severity, message)] = lint(body)
    assert ((line, column), severity) == ((7, 1), "warning")
    assert message.startswith("`</div>` closes no element opened before it in the post")
    page = page_around(body)
    assert page.css_first("article .footnote li").text().strip().startswith("Note.")
    assert page.css_first("article").parent.attributes["class"] == "md-content"


@pytest.mark.parametrize(
    "body, position, message, inside, outside",
    [
        (
            '<div class="box">\n<p>In the box.</p>\n\nAfter the box.\n',
            (4, 1), "`<div>` is never closed, so it would hold the rest of the post", "div.box", "After the box.",
        ),
        (
            "Some <b>bold text.\n\nA plain paragraph.\n",
            (4, 6), "`<b>` is not closed before its paragraph ends", "b", "A plain paragraph.",
        ),
        (
            '> <div class="x">\n> In the quote.\n\nOutside.\n\n</div>\n',
            (4, 3), "`<div>` is not closed before its quote ends", "div.x", "Outside.",
        ),
    ],
    ids=["block", "inline", "in-a-quote"],
)
def test_an_element_left_open_is_reported_and_closed_before_what_follows(body, position, message, inside, outside):
    found = lint(body)
    assert [(f[0], f[1]) for f in found][0] == position and found[0][2] == "warning"
    assert found[0][3].startswith(message)
    page = page_around(body)
    assert all(outside not in node.text() for node in page.css(inside))
    assert outside in page.css_first("article").text()


@pytest.mark.parametrize(
    "body",
    [
        "```markdown\n> [!note] Shown as syntax\nA[^nope] and [^def]: x\n```\n",
        "~~~\n[^nope]\n~~~\n",
        "> [!example] Inside a callout fence\n> ```\n> > [!bad]\n> [^nope]\n> ```\n",
        "Text.\n\n    [^nope] indented code\n    > [!note]\n",
        "Inline `[^nope]` and ``[!note] `with` ticks``.\n",
        "<!-- [^nope] a comment -->\nText.\n<!--\n> [!note]\n-->\n",
        '<div markdown="1">\n\n> [!note] Markdown inside\n> Text.\n\n</div>\n',
        "<script>\nconst a = '[^nope]';\n</script>\n",
        "Term\n: > [!quote] In a definition\n  > Text.\n",
        "- > [!note] Opening a list item\n  > Text.\n- Next.\n",
        "- Item.\n\n  > [!tip] Two spaces in\n  > Text.\n",
        "[^5]: Note.[^6]\n\n    > [!quote] A quote in the note\n    > Text.\n\nA.[^5]\n\n[^6]: Six.\n",
        "- An item.[^li]\n  [^li]: Defined in the item.\n",
        "> [!note] Outer\n> > [!tip] Inner\n> > Text.\n>\n> > [!quote] Second inner\n> > Text.\n",
        "> [!todo]+\n> Collapsible.\n\n> [!abstract]- Closed\n> Text.\n",
        "A [link](https://example.org/[!x]) is fine.\n",
        '<div id="demo">\n<div class="row">x</div>\n\n> [!info] Input\n> <div class="raw">\n> <textarea></textarea>\n> </div>\n\n</div>\n',
        "<figure>\n  <div>one</div>\n  \n  <div>two</div>\n</figure>\n",
        '<label for="s">Pick:</label>\n<select id="s">\n  <option value="1">One</option>\n  <option value="2">Two</option>\n</select>\n',
        '<svg viewBox="0 0 2 2"><path d="M0 0"/><circle r="1"/></svg>\n\nText with $a<b>c$ and ![the "<eos>" token](x.png).\n',
        "<details>\n<summary>More</summary>\n\nMarkdown *inside*.\n\n</details>\n",
        "<p>An unclosed paragraph\n<div>then a div</div>\n",
    ],
    ids=[
        "fenced",
        "tilde-fence",
        "fence-in-callout",
        "indented-code",
        "inline-code",
        "comments",
        "markdown-in-html",
        "script",
        "definition-list",
        "list-item-opening",
        "list-item-two-spaces",
        "quote-in-footnote",
        "footnote-in-list",
        "nested-siblings",
        "foldable",
        "in-a-url",
        "html-across-blank-lines",
        "html-block-split-by-a-blank-line",
        "select",
        "svg-math-and-image-text",
        "details-with-markdown",
        "implied-end-tag",
    ],
)
def test_what_renders_well_is_not_reported(body):
    assert lint(body) == []
    assert reader_sees(body) == CLEAN


def test_escaped_markers_are_meant_as_text():
    body = "Escaped \\[^nope] and \\[!note].\n"
    assert lint(body) == []
    assert reader_sees(body)["literal"] == ["[^nope]", "[!note]"]


@pytest.mark.slow
def test_garden_check_prints_findings_and_fails_on_errors_only(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: content\nextra:\n  garden:\n    callout_types: [goose]\n")
    (tmp_path / "content/a.md").write_text(post("A", "Cited.[^gone]\n\n> [!duck] Quack\n> Text.\n\n> [!goose] Honk\n"))
    result = subprocess.run([str(BIN / "garden"), "check"], capture_output=True, text=True, env=ENV, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "content/a.md:5:7: error: footnote [^gone] is referenced but never defined, so readers see the literal "
        "text (add a definition `[^gone]: …` anywhere in the post)",
        "content/a.md:7:3: warning: unknown callout type 'duck': it renders like a note (use a known type (note, "
        "tip, warning, quote, idea, …; see README) or declare it under `extra: garden: callout_types:` in "
        "mkdocs.yml with a style in callouts.css)",
    ]
    assert result.stderr.strip() == "checked 1 post: 1 error, 1 warning"

    (tmp_path / "content/a.md").write_text(post("A", "> [!duck] Quack\n> Text.\n"))
    result = subprocess.run([str(BIN / "garden"), "check"], capture_output=True, text=True, env=ENV, cwd=tmp_path)
    assert result.returncode == 0, "a warning alone does not fail the check"


@pytest.mark.slow
def test_the_build_fails_on_lint_errors_and_only_mentions_warnings(build_garden):
    failing = build_garden({"a.md": post("A", "Cited.[^gone]\n")})
    assert failing.returncode != 0
    assert "WARNING -  garden: content/a.md:5:7: footnote [^gone] is referenced but never defined" in failing.output

    passing = build_garden({"a.md": post("A", "> [!goose] Honk\n> Text.\n")})
    assert passing.returncode == 0, passing.output
    assert "INFO    -  garden: content/a.md:5:3: warning: unknown callout type 'goose'" in passing.output


def test_a_build_repairs_a_stray_end_tag_warns_with_its_place_and_keeps_the_notes_in_the_article(build_garden):
    body = '<div class="card">\nOne.\n</div>\n</div>\n\nAfter.[^1]\n\n[^1]: The note.\n'
    result = build_garden({"a.md": post("A", body)})
    assert result.returncode == 0, result.output  # a warning: the strict build passes
    assert "garden: content/a.md:8:1: warning: `</div>` closes no element opened before it in the post" in result.output
    page = result.page("a/")
    assert page.css_first("article li[id='fn:1']").text().strip().startswith("The note.")
    assert page.css_first("article").text().count("After.") == 1
