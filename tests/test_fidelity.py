"""The corpus instrument itself (bench/corpus_fidelity.py): it reads intent from Markdown, finds
nothing wrong in a page rendered whole, and finds each problem in one that is not. Without these,
tests/test_corpus.py could fail on a renderer that does everything right."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import corpus_fidelity as fidelity  # noqa: E402 - bench/corpus_fidelity.py


def source(tmp_path: Path, text: str, name: str = "essay") -> fidelity.Source:
    path = tmp_path / "content" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return fidelity.scan_source(path, path.parent)


def test_the_source_scanner_reads_what_the_author_wrote(tmp_path):
    post = source(
        tmp_path,
        """\
        ---
        title: Intent
        permalink: intent
        aliases: [old, OLD, intent]
        draft: "true"
        ---
        Text with a note.[^a] And another.[^b]

        [^a]: A note in two paragraphs.

            > [!quote]
            > Quoted in the note.

            [^b]: Defined indented after it.

        - an item

          > [!note] In a list
          > body

        Term
        : > [!tip] In a definition

        ```markdown
        > [!warning] in code, not a callout
        ```

        <div class="wrapper">

        > [!info] In raw HTML

        </div>

        $$
        x^2
        $$

        > \\[...\\]

        Subtitle: a subtitle
        ![image](x.png)
        <br/>Figure: a caption
        {.full-width}

        > ! a spoiler
        > ! of two lines

        There were two problems.
        1. the first

        ```mermaid
        graph TD
        ```

        [@title](/elsewhere) and `[!note]` in code.
        """,
    )
    assert post.is_draft and post.permalink == "intent" and post.aliases == ["old"]
    assert list(post.footnote_defs) == ["a", "b"]
    assert post.footnote_quotes == {"a": 1, "b": 0}
    assert [kind for _, kind in post.callouts] == ["quote", "note", "tip", "info"]
    assert post.callout_marks_in_code == 2
    assert [tex.strip() for _, tex in post.display_math] == ["x^2"]
    assert [(inner, alone) for _, inner, alone in post.prose_brackets] == [("...", True)]
    assert (len(post.subtitles), len(post.captions), len(post.class_lines)) == (1, 1, 1)
    assert len(post.spoilers) == 1 and len(post.mermaid) == 1 and len(post.at_titles) == 1
    assert len(post.list_after_text) == 1


WHOLE_SOURCE = """\
---
title: Whole
permalink: whole
---
Body.[^one] More.[^two]

> [!note] A callout
> Inside.[^three] It’s “curly” and `"straight" [!tip] $$ \\%`.

[^one]: One.
[^two]: Two, with a quote:

    > Quoted.

[^three]: Three.
"""

PAGE = """<!doctype html><html><body><main class="md-main"><div class="md-main__inner">
<div class="md-sidebar"><p>[!note] Subtitle: chrome is not the post</p></div>
<div class="md-content"><article class="md-content__inner md-typeset">
<header class="garden-post-header"><h1>Whole</h1></header>
{body}
</article></div></div></main></body></html>"""

WHOLE_BODY = """
<p>Body.<sup id="fnref:one"><a class="footnote-ref" href="#fn:one">1</a></sup> More.<sup id="fnref:two"><a class="footnote-ref" href="#fn:two">2</a></sup></p>
<div class="admonition note"><p class="admonition-title">A callout</p>
<p>Inside.<sup id="fnref:three"><a class="footnote-ref" href="#fn:three">3</a></sup> It’s “curly” and <code>"straight" [!tip] $$ \\%</code>.</p></div>
<div class="footnote"><hr><ol>
<li id="fn:one"><p>One. <a class="footnote-backref" href="#fnref:one">↩</a></p></li>
<li id="fn:two"><p>Two, with a quote:</p><blockquote><p>Quoted.</p></blockquote></li>
<li id="fn:three"><p>Three.</p></li>
</ol></div>"""

BROKEN_BODY = """
<p>Body.<sup id="fnref:one"><a class="footnote-ref" href="#fn:one">2</a></sup> More.<sup id="fnref:two"><a class="footnote-ref" href="#fn:two">3</a></sup> See <a href="#no-such-heading">below</a>.</p>
<p>[!note] A callout
Inside.<sup id="fnref:three"><a class="footnote-ref" href="#fn:three">1</a></sup> It costs 5 \\% and $$ x $$.</p>
<blockquote><p>Quoted.</p></blockquote>
</article>
<div class="footnote"><hr><ol>
<li id="fn:three"><p>Three.</p></li>
<li id="fn:one"><p>One.</p></li>
<li id="fn:two"><p>Two, with a quote:</p></li>
</ol></div><article>"""


def page_report(tmp_path: Path, body: str) -> fidelity.PostReport:
    post = source(tmp_path, WHOLE_SOURCE)
    site = tmp_path / "site"
    (site / "whole").mkdir(parents=True, exist_ok=True)
    (site / "whole" / "index.html").write_text(PAGE.format(body=body), encoding="utf-8")
    page = fidelity.read_page(site / "whole" / "index.html")
    return fidelity.analyse_page(post, page, site)


def test_a_page_rendered_whole_has_no_findings(tmp_path):
    report = page_report(tmp_path, WHOLE_BODY)
    assert report.findings == []
    assert (report.info["footnotes_shown"], report.info["callouts_rendered"]) == (3, 1)


def test_each_problem_of_a_broken_page_is_found(tmp_path):
    report = page_report(tmp_path, BROKEN_BODY)
    found = {key for key in fidelity.CHECK_KEYS if report.counts[key]}
    assert found == {
        "footnote_order",
        "footnotes_outside_article",
        "footnote_quotes_escaped",
        "callouts_as_text",
        "callouts_missing",
        "raw_double_dollar",
        "backslash_escapes",
        "broken_anchors",
    }
    assert [f.detail for f in report.of("footnote_order")][0] == "footnote [^one] is read 1st but numbered 2"
    assert report.counts["footnotes_outside_article"] == 3


def test_warnings_about_links_to_posts_outside_the_corpus_are_told_apart():
    slugs = {"punctilio", "design", "why-i-left-google-deepmind"}
    outside = [
        "WARNING -  garden: content/date-me.md:45:76: link '/alignment-phd' leads to no post: no permalink or alias 'alignment-phd' (check the slug)",
        "WARNING -  Doc file 'posts.md' contains an unrecognized relative link './swimming-upstream', it was left as is.",
        "WARNING -  Doc file 'posts.md' contains a link './lightness-and-unease.md', but the target 'lightness-and-unease.md' is not found among documentation files.",
        "WARNING -  Doc file 'privacy.md' contains a link 'ente.io', but the target is not found among documentation files.",
    ]
    inside = [
        "WARNING -  garden: content/index.md:29:13: link '/why-i-left-google-deepmind' leads to no post: no permalink or alias 'why-i-left-google-deepmind' (check the slug)",
        "WARNING -  Doc file 'design.md' contains a link '#nowhere', but there is no such anchor on this page.",
        "WARNING -  garden: content/punctilio.md:36:3: [!info] is inside a raw HTML <div> block",
        "WARNING -  Doc file 'posts.md' contains an unrecognized relative link './design', it was left as is.",
    ]
    assert [fidelity.is_link_outside_corpus(line, slugs) for line in outside] == [True] * 4
    assert [fidelity.is_link_outside_corpus(line, slugs) for line in inside] == [False] * 4
