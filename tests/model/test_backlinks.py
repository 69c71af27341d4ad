"""garden.model.backlinks: who links to whom, read from the sources, with the words around the
link as the page shows them."""

from __future__ import annotations

from pathlib import Path

from conftest import post

from garden.model.index import Garden

LW = "https://www.lesswrong.com/posts"


def garden_of(tmp_path: Path, files: dict[str, str], *, drafts: bool = False) -> Garden:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    garden = Garden.load(tmp_path)
    garden.drafts_visible = drafts
    return garden


TARGET = post("The target", "Roots.\n", permalink="target", aliases=["old"], lw_page_url=f"{LW}/TargetPostId00001/t")


def contexts(garden: Garden, slug: str = "target") -> dict[str, str]:
    return {b.source.permalink: b.context for b in garden.backlinks(garden.find(slug))}


def test_every_way_of_linking_counts_once_per_source(tmp_path):
    garden = garden_of(
        tmp_path,
        {
            "target.md": TARGET,
            "a.md": post("A", "See [the target](/target) and [again](/old/).\n", permalink="a", date_published="2024-01-02"),
            "b.md": post("B", "Via [[The target]].\n", permalink="b", date_published="2024-01-03"),
            "c.md": post("C", f"From [LessWrong]({LW}/TargetPostId00001/t).\n", permalink="c", date_published="2024-01-01"),
            "d/e.md": post("E", "A [file link](../target.md).\n", permalink="e"),
        },
    )
    assert [b.source.permalink for b in garden.backlinks(garden.find("target"))] == ["b", "a", "c", "e"]
    assert contexts(garden)["a"] == "See the target and again."


def test_the_context_is_the_rendered_text_of_the_block(tmp_path):
    garden = garden_of(
        tmp_path,
        {
            "target.md": TARGET,
            "a.md": post(
                "A",
                "- `lw-sequence-title` and *friends*: see [@title](/target).[^1]\n- Another item.\n\n[^1]: A note.\n",
                permalink="a",
            ),
            "b.md": post("B", "> [!note] Read [[target|this]] &amp; more\n> Inside.\n", permalink="b"),
            "c.md": post("C", "| Column | Link |\n|---|---|\n| one | [row link](/target) |\n", permalink="c"),
        },
    )
    found = contexts(garden)
    assert found["a"] == "lw-sequence-title and friends: see The target."  # inline code kept, @title resolved
    assert found["b"] == "Read this & more Inside."
    assert found["c"] == "one row link"


def test_links_in_code_and_from_drafts_and_to_oneself_do_not_count(tmp_path):
    files = {
        "target.md": post("The target", "Myself: [me](/target).\n", permalink="target"),
        "a.md": post("A", "`[x](/target)`\n\n```\n[[target]]\n```\n", permalink="a"),
        "draft.md": post("Draft", "See [[target]].\n", permalink="draft", publish=False),
    }
    assert garden_of(tmp_path, files).backlinks(garden_of(tmp_path, files).find("target")) == []
    previewed = garden_of(tmp_path, files, drafts=True)
    assert [b.source.permalink for b in previewed.backlinks(previewed.find("target"))] == ["draft"]


def test_a_long_paragraph_is_cut_around_the_link(tmp_path):
    words = " ".join(f"word{i}" for i in range(120))
    garden = garden_of(tmp_path, {"target.md": TARGET, "a.md": post("A", f"{words} [the link](/target) {words}\n", permalink="a")})
    context = contexts(garden)["a"]
    assert context.startswith("… ") and context.endswith(" …") and "the link" in context
    assert len(context) <= 280 + 4


def test_the_context_is_converted_with_the_sites_extensions(tmp_path):
    garden = garden_of(
        tmp_path,
        {
            "target.md": TARGET,
            "a.md": post("A", "Design & art\n: I drew [it](/target) -- \"quoted\".\n", permalink="a"),
        },
    )
    garden.markdown_settings = (["def_list", "smarty"], {})
    assert contexts(garden)["a"] == "Design & art I drew it – “quoted”."


def test_the_build_cache_keeps_each_posts_links_until_an_answer_they_got_changes(tmp_path):
    """garden.speed.memo.link_finder: the same backlinks as without the cache; a retitled target
    (whose title an `@title` link shows in the excerpt) is noticed, not served stale."""
    from garden.speed.cache import Cache
    from garden.speed.memo import link_finder

    files = {
        "target.md": TARGET,
        "a.md": post("A", "Read [@title](/target) today.\n", permalink="a"),
        "b.md": post("B", "Plain [link](/target).\n", permalink="b"),
    }
    plain = contexts(garden_of(tmp_path / "content", files))
    cache = Cache(tmp_path / "cache")

    def cached_contexts() -> dict[str, str]:
        garden = Garden.load(tmp_path / "content")
        garden.outgoing_links = link_finder(cache)
        return contexts(garden)

    assert cached_contexts() == plain == {"a": "Read The target today.", "b": "Plain link."}
    assert cached_contexts() == plain  # now from the cache
    (tmp_path / "content" / "target.md").write_text(TARGET.replace("The target", "A new name"), encoding="utf-8")
    assert cached_contexts()["a"] == "Read A new name today."
