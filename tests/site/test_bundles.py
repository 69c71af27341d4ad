"""garden.site.bundles: the stylesheet and script bundles lose their comment lines, nothing else."""

from __future__ import annotations

from garden.site.bundles import trimmed

JS = "assets/javascripts/garden-bundle.js"
CSS = "assets/stylesheets/garden-bundle.css"


def test_comment_lines_and_blank_lines_go_code_stays_as_written():
    source = """// what this script does
(function () {
  /* a block
     of two lines */
  const url = "https://example.org/a"; // a comment after code stays
    var pattern = /\\/*x/;

  return url;
})();
"""
    assert trimmed(source, JS) == """(function () {
  const url = "https://example.org/a"; // a comment after code stays
    var pattern = /\\/*x/;
  return url;
})();
"""


def test_code_after_a_block_comment_on_its_line_stays():
    assert trimmed("/* one */ .a { color: red; }\n/* two\n*/ .b {}\n", CSS) == ".a { color: red; }\n.b {}\n"


def test_in_a_stylesheet_a_double_slash_is_not_a_comment():
    assert trimmed("a {\n  // not CSS, but not ours to judge\n}\n", CSS) == "a {\n  // not CSS, but not ours to judge\n}\n"


def test_other_templates_are_left_alone():
    page = "<!-- a comment -->\n\n// text\n"
    assert trimmed(page, "404.html") == page
    assert trimmed(page, "sitemap.xml") == page
