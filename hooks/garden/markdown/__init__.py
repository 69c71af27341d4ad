"""The garden's Python-Markdown extensions.

Each module is one extension, usable by name in `markdown_extensions:` (e.g.
`garden.markdown.headings`), so they run under MkDocs, ProperDocs or Zensical alike. What an
extension needs to know about the page being converted comes from `garden.markdown.context`.
"""
