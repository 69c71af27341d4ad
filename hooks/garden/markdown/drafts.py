"""A draft's words never reach a built page, with or without the hook.

With the hook, drafts (`publish: false` or `draft: true`) are left out of `mkdocs build` and
shown by `mkdocs serve`, through MkDocs' own DRAFT inclusion. A build that does not run the hook
(ProperDocs or Zensical reading the same mkdocs.yml, MkDocs with `hooks:` removed) cannot be
told from a Markdown extension to leave a page out, and would publish every draft as written;
this extension gives such a draft's page one line saying it is not published, and none of the
post's text. To leave those pages out entirely there, list the drafts in MkDocs' `draft_docs:`.
"""

from __future__ import annotations

from markdown import Markdown

from .context import GardenExtension, PagePreprocessor, current_page

NOTICE = "*This post is a draft: it is not published.*"


class DraftPreprocessor(PagePreprocessor):
    def run(self, lines: list[str]) -> list[str]:
        page = current_page()
        if page is not None and page.post.is_draft and not page.garden.drafts_visible:
            return [NOTICE]
        return lines


class DraftsExtension(GardenExtension):
    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        # Right after the post is identified (1000), before anything reads the text.
        md.preprocessors.register(DraftPreprocessor(md), "garden_drafts", 999)


def makeExtension(**kwargs) -> DraftsExtension:
    return DraftsExtension(**kwargs)
