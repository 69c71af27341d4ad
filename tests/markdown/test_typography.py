"""Smart quotes, dashes and ellipses (smarty's rules, by garden.markdown.smarty as mkdocs.yml configures it):
in prose only, never in code, math, URLs or raw HTML."""

from __future__ import annotations

from conftest import render


def test_quotes_apostrophes_dashes_and_ellipses_in_prose():
    html = render("\"Weeds,\" she said -- it's 'true' --- and the '90s... were wet.\n")
    assert html.css_first("p").text() == "“Weeds,” she said — it’s ‘true’ — and the ’90s… were wet."


def test_quotes_around_code_and_emphasis_close_the_right_way():
    html = render('I named it "`punctilio`" - the "*precise* observance".\n')
    assert html.css_first("p").text() == "I named it “punctilio” - the “precise observance”."


def test_code_math_urls_and_raw_html_are_left_as_typed():
    html = render(
        """\
        Run `echo "it's" -- now` and $f'(x) = "a"$.

        ```python
        print("it's" -- 1)
        ```

        <div title="it's &quot;raw&quot; -- html">raw "text" -- here</div>

        [a "link"](https://example.org/it's--here "A 'title'") and <https://example.org/a--b>
        """
    )
    assert html.css_first("p code").text() == 'echo "it\'s" -- now'
    assert html.css_first("span.arithmatex").text() == "\\(f'(x) = \"a\"\\)"
    assert html.css_first("pre code").text() == "print(\"it's\" -- 1)\n"
    div = html.css_first("div[title]")
    assert div.attributes["title"] == 'it\'s "raw" -- html' and div.text() == 'raw "text" -- here'
    link, auto = html.css("p a")
    assert link.text() == "a “link”" and link.attributes["href"] == "https://example.org/it's--here"
    assert link.attributes["title"] == "A 'title'"
    assert auto.attributes["href"] == auto.text() == "https://example.org/a--b"


def test_headings_get_smart_quotes_and_keep_ids_from_the_text_as_typed():
    heading = render("## Don't -- panic\n").css_first("h2")
    assert heading.text().replace("¶", "") == "Don’t — panic"
    assert heading.attributes["id"] == "don-t-panic"
