"""The garden index: lookups by permalink and alias, and every URL claimed once."""

from __future__ import annotations

from pathlib import Path

from conftest import post

from garden.model.index import Garden


def garden_of(tmp_path: Path, files: dict[str, str]) -> Garden:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return Garden.load(tmp_path)


def test_posts_are_found_by_permalink_and_alias_without_case(tmp_path):
    garden = garden_of(tmp_path, {"a.md": post("A", permalink="alpha", aliases=["first", "MELBO"])})
    assert garden.find("alpha").title == "A"
    assert garden.find("/first/").title == "A"
    assert garden.find("melbo").title == "A"
    assert garden.find("nothing") is None
    assert set(garden.redirects) == {"first", "MELBO"}


def test_two_posts_with_one_permalink_are_an_error_naming_both_files(tmp_path):
    garden = garden_of(
        tmp_path,
        {"a.md": post("A", permalink="same"), "sub/b.md": post("B", description="x", permalink="same")},
    )
    [error] = garden.errors
    assert error.path == tmp_path / "sub/b.md" and error.line == 4
    assert "permalink 'same' is already the permalink of" in error.message
    assert f"{tmp_path / 'a.md'}:3" in error.message
    assert [p.title for p in garden.posts] == ["A"]
    assert tmp_path / "sub/b.md" in garden.rejected


def test_a_permalink_differing_only_in_case_still_clashes(tmp_path):
    garden = garden_of(tmp_path, {"a.md": post("A", permalink="Essay"), "b.md": post("B", permalink="essay")})
    assert len(garden.errors) == 1 and "already the permalink" in garden.errors[0].message


def test_an_alias_equal_to_another_posts_permalink_is_an_error(tmp_path):
    garden = garden_of(tmp_path, {"a.md": post("A", permalink="alpha"), "b.md": post("B", aliases=["alpha"])})
    [error] = garden.errors
    assert error.path == tmp_path / "b.md"
    assert "alias 'alpha' is already the permalink of" in error.message and "a.md" in error.message
    assert garden.find("alpha").title == "A"
    assert len(garden.posts) == 2  # the post keeps its own page; only the alias is refused


def test_an_alias_claimed_twice_is_an_error_naming_both(tmp_path):
    garden = garden_of(tmp_path, {"a.md": post("A", aliases=["old"]), "b.md": post("B", aliases=["old"])})
    [error] = garden.errors
    assert "alias 'old' is already the alias of" in error.message and "a.md:3" in error.message


def test_invalid_posts_are_reported_and_left_out(tmp_path):
    garden = garden_of(tmp_path, {"good.md": post("Good"), "bad.md": "---\ntitle: [unclosed\n---\n"})
    assert [p.title for p in garden.posts] == ["Good"]
    assert garden.rejected == {tmp_path / "bad.md"}
    assert garden.errors[0].path == tmp_path / "bad.md"


def test_listing_is_newest_first_without_drafts_home_or_unlisted_pages(tmp_path):
    garden = garden_of(
        tmp_path,
        {
            "index.md": post("Home"),
            "old.md": post("Old", date_published="2020-01-01"),
            "new.md": post("New", date_published="2025-01-01"),
            "undated.md": post("Undated"),
            "draft.md": post("Draft", date_published="2026-01-01", publish="false"),
            "tags.md": post("Tags", unlisted=True),
        },
    )
    assert [p.title for p in garden.listed()] == ["New", "Old", "Undated"]
    assert [p.title for p in garden.listed(drafts=True)] == ["Draft", "New", "Old", "Undated"]


def test_hidden_folders_are_not_posts(tmp_path):
    garden = garden_of(tmp_path, {"a.md": post("A"), ".obsidian/notes.md": "not a post"})
    assert [p.title for p in garden.posts] == ["A"] and not garden.errors


def test_a_section_is_found_once_per_text_even_for_copies_of_a_post(tmp_path, monkeypatch):
    """Copies of a post (the same text under other names) share the answer; another text does not."""
    from garden.model import index

    body = "## Roots\n\nDeep.\n\n## Leaves\n\nGreen.\n"
    files = {"a.md": post("A", body, permalink="a"), "b.md": post("B", body, permalink="b"), "c.md": post("C", "## Roots\n\nShallow.\n", permalink="c")}
    garden = garden_of(tmp_path, files)
    searches = []
    find_section = index.find_section
    monkeypatch.setattr(index, "find_section", lambda *args: searches.append(args) or find_section(*args))
    first = garden.section(garden.post_at("a.md"), "roots")
    assert "Deep." in first.text
    assert garden.section(garden.post_at("b.md"), "roots") == first
    assert len(searches) == 1
    assert "Shallow." in garden.section(garden.post_at("c.md"), "roots").text
    assert len(searches) == 2
