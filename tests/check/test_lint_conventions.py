"""The linter on the original site's conventions: `![[…]]` embeds that lead nowhere are errors
with file:line:col, in `garden check` and in the build; `@title` links that lead outside the
garden are warnings naming the text readers will see."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import BIN, ENV, post

from garden.check.lint import lint_post
from garden.model.index import Garden

OTHERS = {
    "pruning.md": post("On pruning", "Intro.\n\n## When to cut\n\nIn winter. ^winter\n", permalink="pruning"),
    "images/heron.png": b"\x89PNG\r\n\x1a\n",
}


def findings(tmp_path: Path, body: str) -> list[tuple[int, int, str, str]]:
    """(line, column, severity, message) for a post whose body starts on line 5."""
    content = tmp_path / "content"
    for name, text in {**OTHERS, "here.md": post("Here", body)}.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, encoding="utf-8")
    garden = Garden.load(content)
    found = lint_post(garden.post_at("here.md"), garden=garden)
    return [(f.line, f.column, f.severity, f.message) for f in found]


def test_embeds_that_lead_somewhere_pass(tmp_path):
    body = (
        "![[pruning]] ![[pruning#When to cut]] ![[/pruning#when-to-cut#]] ![[On pruning#^winter]]\n\n"
        "![[heron.png|A heron]] ![[images/heron.png]] ![[https://example.org/a.avif|Remote]]\n\n"
        "`![[nowhere]]` in code is code.\n\n```\n![[nowhere]]\n```\n"
    )
    assert findings(tmp_path, body) == []


def test_an_embed_of_a_missing_post_section_block_or_file_is_an_error_with_its_place(tmp_path):
    body = "Intro.\n\n![[prunning#When to cut]]\n\n> ![[pruning#Never]] and ![[pruning#^summer]]\n\nSee ![[gone.png|Gone]].\n"
    assert findings(tmp_path, body) == [
        (7, 1, "error", "embed ![[prunning#When to cut]] leads to no post: nothing has the permalink, alias or title "
         "'prunning', so readers see only its name"),
        (9, 3, "error", "embed ![[pruning#Never]]: pruning.md has no section 'Never', so readers see only its name"),
        (9, 26, "error", "embed ![[pruning#^summer]]: pruning.md has no block ^summer, so readers see only its name"),
        (11, 5, "error", "embed ![[gone.png|Gone]] names a file the content folder does not have, so readers see a broken image"),
    ]


def test_title_links_outside_the_garden_are_warnings_naming_their_text(tmp_path):
    body = "## Roots\n\n[@title](/pruning) and [@title](#roots) are fine; [@title](#stems) and [@title](https://example.org/x) are not.\n"
    assert findings(tmp_path, body) == [
        (7, 51, "warning", "[@title](#stems) points at '#stems', which this post does not have, so no title is "
         "known: the link reads 'Stems'"),
        (7, 72, "warning", "[@title](https://example.org/x) leads outside the garden, so no title is known: "
         "the link reads 'example.org/x'"),
    ]


def test_garden_check_and_the_build_fail_on_a_missing_embed(tmp_path, build_garden):
    (tmp_path / "content").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: content\n")
    (tmp_path / "content/a.md").write_text(post("A", "![[nowhere#Part]]\n"))
    result = subprocess.run([str(BIN / "garden"), "check"], capture_output=True, text=True, env=ENV, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("content/a.md:5:1: error: embed ![[nowhere#Part]] leads to no post")

    build = build_garden({"a.md": post("A", "![[nowhere#Part]]\n")})
    assert build.returncode != 0
    assert "WARNING -  garden: content/a.md:5:1: embed ![[nowhere#Part]] leads to no post" in build.output
