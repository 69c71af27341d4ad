"""garden.model.nesting: the bound that lets most paragraphs skip counting emphasis run by run
never changes where a post is found to nest too deep, nor how deep."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from garden.model.nesting import _emphasis, too_deep
from garden.model.source import prose_lines


def counted_run_by_run(body: str, limit: int) -> tuple[int, int] | None:
    """The emphasis check without the bound: every run of every line counted."""
    inline = 0
    for line in prose_lines(body):
        if line.blank:
            inline = 0
            continue
        if line.html_block:
            continue
        inline = _emphasis(line.text, inline, limit)
        if inline > limit:
            return line.number, inline
    return None


PIECES = st.sampled_from(["*", "**", "_", "[", "]", "[[", "]]", "~", "^", "=", " ", "word", "\\*", "\n", "\n\n", "> ", "`*`"])


@settings(max_examples=500, deadline=None)
@given(body=st.lists(PIECES, max_size=60).map("".join), limit=st.integers(min_value=1, max_value=6))
def test_the_bound_never_changes_the_answer(body, limit):
    found = too_deep(body, 1, limit)
    expected = counted_run_by_run(body, limit)
    if found is not None and found.what != "emphasis or brackets":
        return  # quotes found first: the emphasis count was not asked for
    assert (None if found is None else (found.line, found.depth)) == expected


def test_a_paragraph_of_many_marks_is_still_counted_exactly():
    # Two runs of 30 brackets in one paragraph pass the limit of 50; 60 closed emphases never do.
    assert too_deep(" ".join(["*a*"] * 60)) is None
    deep = too_deep("text " + "[" * 30 + "\nmore " + "[" * 30 + "\n")
    assert deep is not None and (deep.line, deep.depth, deep.what) == (2, 60, "emphasis or brackets")
