"""garden.model.sequences: posts sharing an `lw-sequence-title`, in reading order."""

from __future__ import annotations

from conftest import garden_in_memory, post

from garden.model.sequences import check_sequences


def part(title: str, slug: str, date: str, **links) -> str:
    return post(title, "Text.\n", permalink=slug, lw_sequence_title="A Walk", date_published=date, **{f"{k}-post-slug": v for k, v in links.items()})


def test_prev_next_links_give_the_order_over_dates():
    garden = garden_in_memory(
        {
            "a.md": part("First", "first", "2024-03-01", next="second"),
            "b.md": part("Second", "second", "2024-01-01", prev="first", next="third"),
            "c.md": part("Third", "third", "2024-02-01", prev="second"),
        }
    )
    sequence = garden.sequences["A Walk"]
    assert [p.permalink for p in sequence.posts] == ["first", "second", "third"]
    assert sequence.position(garden.find("second")) == (2, garden.find("first"), garden.find("third"))
    assert check_sequences(garden.sequences, garden) == []


def test_without_links_dates_give_the_order_and_drafts_are_left_out():
    garden = garden_in_memory(
        {
            "a.md": part("Late", "late", "2024-03-01"),
            "b.md": part("Early", "early", "2024-01-01"),
            "c.md": post("Unready", "Text.\n", permalink="unready", lw_sequence_title="A Walk", publish=False),
        }
    )
    assert [p.permalink for p in garden.sequences["A Walk"].posts] == ["early", "late"]
    assert garden.sequence_of(garden.find("unready")) is None


def test_links_that_disagree_or_leave_the_sequence_are_errors_on_their_line():
    garden = garden_in_memory(
        {
            "a.md": part("First", "first", "2024-01-01", next="second"),
            "b.md": part("Second", "second", "2024-02-01", prev="other"),
            "c.md": post("Other", "Text.\n", permalink="other", **{"next-post-slug": "second"}),
        }
    )
    errors = check_sequences(garden.sequences, garden)
    messages = sorted(e.message for e in errors)
    assert any("`next-post-slug: second` disagrees with b.md, whose `prev-post-slug` is 'other'" in m for m in messages)
    assert any("`prev-post-slug: other` names c.md, which is not in the sequence 'A Walk'" in m for m in messages)
    assert all(e.line == garden.post_at(e.path.name).line_of("next-post-slug" if "next" in e.message else "prev-post-slug") for e in errors)
