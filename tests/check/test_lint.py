"""The content linter. Each case also renders the Markdown with the site's extensions, to show
that what the linter reports is what a reader would see, and that what it passes renders well."""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import BIN, ENV, post, render

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


def test_a_definition_inside_another_footnotes_indented_text_is_reported():
    # Regression: mechanistically-eliciting-latent-behaviors-in-language-1.md in the corpus.
    body = "A.[^5] B.[^6]\n\n[^5]:\n    First paragraph.\n\n    Second.\n    [^6]: Swallowed.\n"
    [(line, column, severity, message)] = lint(body)
    assert (line, column, severity) == (10, 5, "error")
    assert "defined inside the indented text of footnote [^5]" in message
    assert reader_sees(body)["dead links"] == ["fn:6"]


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


def test_markers_in_a_raw_html_block_are_reported():
    # Regression: punctilio.md in the corpus holds callouts inside a <div>.
    body = '<div class="demo">\n<p>Demo</p>\n\n> [!info] Input\n> Text.[^x]\n</div>\n\n[^x]: Note.\n'
    found = lint(body)
    assert [(f[0], f[1], f[2]) for f in found] == [(7, 3, "error"), (8, 8, "error"), (11, 1, "error")]
    assert "inside a raw HTML <div> block" in found[0][3]
    assert "[^x] is defined but never referenced" in found[2][3]
    assert reader_sees(body)["literal"] == ["[!info]", "[^x]"]


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
