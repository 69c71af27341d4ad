"""`garden new` and `garden publish` as an author runs them, and the pre-commit hook definitions.

Each command runs in a small project of its own (mkdocs.yml with `docs_dir: content`); edits are
checked byte for byte with difflib: exactly the expected lines change, nothing else does.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import BIN, ENV, REPO, mkdocs_build, post, write_project

from garden.cli.authoring import UnsafeEdit, edit_frontmatter
from garden.model.post import Post
from garden.model.slugs import slugify

pytestmark = pytest.mark.slow  # builds sites, runs servers or the CLI in processes

HOME = post("Home", "Welcome.\n")


def garden(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "garden"), *args], capture_output=True, text=True, env=env or ENV, cwd=cwd, timeout=60
    )


@pytest.fixture
def project(tmp_path) -> Path:
    """A site folder with its mkdocs.yml (`docs_dir: content`) and a home page."""
    write_project(tmp_path, {"index.md": HOME})
    return tmp_path


def load(path: Path, project: Path) -> Post:
    return Post.load(path, project / "content")


def changed_lines(before: bytes, after: bytes) -> list[tuple[str, list[bytes], list[bytes]]]:
    """Every difference between two files, as (operation, old lines, new lines), lines with
    their line endings: what a reviewer would see in the diff."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [(tag, old[i1:i2], new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def assert_clean_failure(result: subprocess.CompletedProcess, code: int, *messages: str) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for message in messages:
        assert message in result.stderr, result.stderr


# garden new


def test_new_writes_a_draft_with_every_field_the_post_model_accepts(project):
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    result = garden("new", "On pruning", "--tags", "writing, craft", "--description", "Why cutting back helps.", cwd=project)
    assert result.returncode == 0, result.stderr
    path = project / "content/on-pruning.md"
    written = load(path, project)
    assert (written.title, written.permalink, written.description) == ("On pruning", "on-pruning", "Why cutting back helps.")
    assert written.tags == ("writing", "craft")
    assert written.meta["publish"] is False and written.is_draft
    assert written.date_published.tzinfo is not None
    assert before <= written.date_published <= dt.datetime.now(dt.timezone.utc)
    assert [line.split(":")[0] for line in path.read_text().split("---")[1].strip().splitlines()] == [
        "title", "permalink", "description", "tags", "date_published", "publish"
    ]  # fmt: skip
    assert written.body.strip(), "the body template is missing"
    assert result.stdout.splitlines()[:2] == [
        "created content/on-pruning.md",
        "preview: http://127.0.0.1:8000/on-pruning/ (run make serve; drafts show under make serve only)",
    ]
    check = garden("check", "content/on-pruning.md", cwd=project)
    assert check.returncode == 0 and "no problems" in check.stderr, check.stdout + check.stderr


def test_new_writes_date_published_as_local_time_with_its_offset(project):
    result = garden("new", "Timekeeping", cwd=project, env={**ENV, "TZ": "Asia/Kolkata"})
    assert result.returncode == 0, result.stderr
    line = next(l for l in (project / "content/timekeeping.md").read_text().splitlines() if l.startswith("date_published:"))
    written = line.removeprefix("date_published: ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30", written), written
    assert load(project / "content/timekeeping.md", project).date_published == dt.datetime.fromisoformat(written)


def test_new_with_an_empty_description_and_no_tags_still_has_both_keys(project):
    assert garden("new", "Bare", cwd=project).returncode == 0
    written = load(project / "content/bare.md", project)
    assert {"description", "tags"} <= set(written.key_lines)
    assert written.description is None and written.tags == ()


def test_new_quotes_what_yaml_would_misread(project):
    result = garden("new", "Notes: a #list, [maybe]", "--description", "yes", "--tags", "yes,#1", cwd=project)
    assert result.returncode == 0, result.stderr
    written = load(project / "content/notes-a-list-maybe.md", project)
    assert written.title == "Notes: a #list, [maybe]"
    assert (written.description, written.tags) == ("yes", ("yes", "#1"))


def test_new_under_dir_creates_the_folder_and_prints_the_path(project):
    result = garden("new", "On pruning", "--dir", "content/essays/deep", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "content/essays/deep/on-pruning.md").is_file()
    assert result.stdout.startswith("created content/essays/deep/on-pruning.md\n")
    assert "http://127.0.0.1:8000/on-pruning/" in result.stdout


def test_the_preview_url_follows_the_path_of_site_url(tmp_path):
    write_project(tmp_path, {"index.md": HOME}, site_url="https://someone.github.io/garden/")
    result = garden("new", "On pruning", cwd=tmp_path)
    assert "preview: http://127.0.0.1:8000/garden/on-pruning/ " in result.stdout


def test_new_outside_the_content_folder_only_where_dir_says_so_and_says_it_will_not_be_built(project):
    result = garden("new", "Elsewhere", "--dir", "notes-for-later", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "notes-for-later/elsewhere.md").is_file()
    assert "outside the content folder" in result.stdout and "preview:" not in result.stdout


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Über Gödel", "uber-godel"),
        ("Ærø's Straße", "aeros-strasse"),
        ("Crème brûlée: a recipe", "creme-brulee-a-recipe"),
        ("Łódź, Þórr and œuvres", "lodz-thorr-and-oeuvres"),
        ("War—and peace", "war-and-peace"),
        ("Gödel’s proof", "godels-proof"),
    ],
)
def test_a_title_is_transliterated_into_the_permalink_and_file_name(project, title, slug):
    assert slugify(title) == slug
    result = garden("new", title, cwd=project)
    assert result.returncode == 0, result.stderr
    written = load(project / f"content/{slug}.md", project)
    assert (written.title, written.permalink) == (title, slug)


@pytest.mark.parametrize("text", ["On pruning", "Hello, World!", "It's 42", "a_b.c~d", "  --Trim--  ", "MELBO", "x" * 3])
def test_slugify_keeps_its_behaviour_for_ascii(text):
    def before(value: str) -> str:  # the implementation that predates transliteration
        ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
        ascii_text = re.sub(r"['’]", "", ascii_text.lower())
        return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")

    assert slugify(text) == before(text)


def test_new_refuses_to_overwrite_a_file_and_leaves_it_byte_for_byte(project):
    path = project / "content/on-pruning.md"
    original = "---\r\ntitle: Mine\r\npermalink: something-else\r\n---\r\nMy words.\r\n".encode()
    path.write_bytes(original)
    result = garden("new", "On pruning", cwd=project)
    assert_clean_failure(result, 1, "content/on-pruning.md: the file already exists", "never overwrites")
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["index.md", "on-pruning.md"]  # no temporary left


def test_new_refuses_a_permalink_that_is_another_posts_permalink(project):
    (project / "content/essays").mkdir()
    (project / "content/essays/cutting.md").write_text(post("Cutting", permalink="on-pruning"))
    result = garden("new", "On pruning", cwd=project)
    assert_clean_failure(result, 1, "permalink 'on-pruning' is already the permalink of content/essays/cutting.md:3")
    assert not (project / "content/on-pruning.md").exists()


def test_new_refuses_a_permalink_that_is_another_posts_alias_whatever_its_case(project):
    (project / "content/cutting.md").write_text(post("Cutting", permalink="cutting", aliases=["old", "On-Pruning"]))
    result = garden("new", "On pruning", cwd=project)
    assert_clean_failure(result, 1, "permalink 'on-pruning' is already the alias of content/cutting.md:4")
    assert not (project / "content/on-pruning.md").exists()
    assert garden("new", "On pruning", "--permalink", "pruning-again", cwd=project).returncode == 0


@pytest.mark.parametrize("title", ["", "   ", "\n"])
def test_new_rejects_an_empty_title(project, title):
    assert_clean_failure(garden("new", title, cwd=project), 2, "the title is empty")
    assert sorted(p.name for p in (project / "content").iterdir()) == ["index.md"]


def test_a_title_without_latin_letters_needs_a_permalink(project):
    assert_clean_failure(garden("new", "日本語", cwd=project), 2, "no Latin letters or digits", "--permalink")
    result = garden("new", "日本語", "--permalink", "nihongo", cwd=project)
    assert result.returncode == 0, result.stderr
    assert load(project / "content/nihongo.md", project).title == "日本語"


def test_a_bad_permalink_is_refused_with_a_suggestion(project):
    assert_clean_failure(garden("new", "X", "--permalink", "no spaces", cwd=project), 2, "--permalink no-spaces")
    assert_clean_failure(garden("new", "X", "--permalink", "index", cwd=project), 2, "index page")


def test_an_unwritable_folder_is_reported_without_a_traceback(project):
    (project / "content/somefile.txt").write_text("not a folder")
    result = garden("new", "Anything", "--dir", "content/somefile.txt/sub", cwd=project)
    assert_clean_failure(result, 1, "content/somefile.txt/sub: cannot create the folder")


def test_new_without_mkdocs_yml_says_where_to_run_it(tmp_path):
    assert_clean_failure(garden("new", "Lost", cwd=tmp_path), 2, "mkdocs.yml: no such file", "--config-file")
    assert not any(tmp_path.iterdir())


def test_help_shows_both_commands_with_examples(project):
    assert {"new", "publish"} <= set(re.findall(r"^    (\w+)", garden("--help", cwd=project).stdout, re.M))
    assert 'garden new "On pruning"' in garden("new", "--help", cwd=project).stdout
    assert "garden publish --updated" in garden("publish", "--help", cwd=project).stdout


# garden publish

ODD = (
    "---\n"
    "# Frontmatter comments stay where they are\n"
    'title: "Quoted: title"\n'
    "permalink: odd   # trailing comment\n"
    "publish: 'false'  # not yet\n"
    "x-unknown: {a: 1, b: [2, 3]}\n"
    "tags:\n"
    "  - one\n"
    '  - "two"\n'
    "lw-base-score: '42'\n"
    "---\n"
    "\n"
    "Body text.\n"
    "\n"
    "---\n"
    "\n"
    "After a rule, a line that looks like a key:\n"
    "publish: false\n"
    "---\n"
)


def test_publish_changes_exactly_the_lines_it_must_and_keeps_every_other_byte(project):
    path = project / "content/odd.md"
    path.write_bytes(ODD.encode())
    result = garden("publish", "content/odd.md", "--date", "2024-03-05T10:00:00+01:00", cwd=project)
    assert result.returncode == 0, result.stderr
    assert changed_lines(ODD.encode(), path.read_bytes()) == [
        ("replace", [b"publish: 'false'  # not yet\n"], [b"publish: 'true'  # not yet\n"]),
        ("insert", [], [b"date_published: 2024-03-05T10:00:00+01:00\n"]),
    ]
    assert path.read_bytes().splitlines()[10] == b"date_published: 2024-03-05T10:00:00+01:00"  # just before `---`
    published = load(path, project)
    assert not published.is_draft
    assert published.date_published == dt.datetime(2024, 3, 5, 9, tzinfo=dt.timezone.utc)
    assert "published content/odd.md" in result.stdout


def test_publish_keeps_crlf_a_bom_quoting_and_permissions(project):
    source = (
        "\ufeff---\r\n"
        "title: 'Windows, 2019'\r\n"
        'date_published: "2019-05-01"  # when it was drafted\r\n'
        "publish: False\r\n"
        "---\r\n"
        "Text.\r\n"
        "---\r\n"
    ).encode("utf-8")
    path = project / "content/windows.md"
    path.write_bytes(source)
    path.chmod(0o640)
    result = garden("publish", "content/windows.md", cwd=project)
    assert result.returncode == 0, result.stderr
    after = path.read_bytes()
    assert after.startswith("\ufeff".encode())
    [(tag, old, new)] = changed_lines(source, after)
    assert tag == "replace" and old == source.splitlines(keepends=True)[2:4]
    assert re.fullmatch(rb'date_published: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"  # when it was drafted\r\n', new[0])
    assert new[1] == b"publish: True\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["index.md", "windows.md"]  # no temporary left


def test_publish_also_clears_draft_true_and_says_so(project):
    path = project / "content/hidden.md"
    path.write_text("---\ntitle: Hidden\ndraft: 'true'\n---\nText.\n")
    result = garden("publish", "content/hidden.md", "--date", "2024-03-05", cwd=project)
    assert result.returncode == 0, result.stderr
    assert path.read_text() == "---\ntitle: Hidden\ndraft: 'false'\npublish: true\ndate_published: 2024-03-05\n---\nText.\n"
    assert "draft: true" in result.stdout and not load(path, project).is_draft


def test_publish_updated_sets_date_updated_and_leaves_publish_alone(project):
    source = "---\ntitle: Old\ndate_published: 2020-01-01\ndate_updated: 2021-01-01 # first revision\n---\nText.\n"
    path = project / "content/old.md"
    path.write_text(source)
    result = garden("publish", "--updated", "content/old.md", "--date", "2024-03-05", cwd=project)
    assert result.returncode == 0, result.stderr
    assert changed_lines(source.encode(), path.read_bytes()) == [
        ("replace", [b"date_updated: 2021-01-01 # first revision\n"], [b"date_updated: 2024-03-05 # first revision\n"])
    ]
    assert "publish" not in load(path, project).meta


def test_publish_date_accepts_a_day_or_a_timestamp_and_rejects_anything_else(project):
    path = project / "content/draft.md"
    path.write_text("---\ntitle: Draft\npublish: false\n---\n")
    assert_clean_failure(garden("publish", "content/draft.md", "--date", "yesterday", cwd=project), 2, "'yesterday' is not a date")
    assert path.read_text() == "---\ntitle: Draft\npublish: false\n---\n"
    assert garden("publish", "content/draft.md", "--date", "2024-03-05", cwd=project).returncode == 0
    assert load(path, project).date_published == dt.datetime(2024, 3, 5, tzinfo=dt.timezone.utc)
    assert garden("publish", "content/draft.md", "--date", "2024-03-06T08:30:00Z", cwd=project).returncode == 0
    assert "date_published: 2024-03-06T08:30:00+00:00\n" in path.read_text()


def test_publish_refuses_an_invalid_post_naming_each_problem(project):
    source = "---\ntitle: Bad\npermalink: no spaces please\npublish: maybe\n---\nText.\n"
    path = project / "content/bad.md"
    path.write_text(source)
    result = garden("publish", "content/bad.md", cwd=project)
    assert_clean_failure(result, 1, "content/bad.md:3: `permalink` 'no spaces please' is not a URL-safe slug", "content/bad.md:4: `publish` must be true or false")
    assert path.read_text() == source


def test_publish_refuses_a_permalink_another_post_already_has(project):
    (project / "content/a.md").write_text(post("A", permalink="same"))
    (project / "content/b.md").write_text(post("B", permalink="same", publish=False))
    assert_clean_failure(garden("publish", "content/b.md", cwd=project), 1, "already the permalink of content/a.md:3")


def test_publish_keeps_the_date_of_a_published_post_unless_told(project):
    source = post("Done", date_published="2020-01-01")
    (project / "content/done.md").write_text(source)
    assert_clean_failure(garden("publish", "content/done.md", cwd=project), 1, "already published", "--updated")
    assert (project / "content/done.md").read_text() == source


def test_publish_of_a_missing_file_is_a_message(project):
    assert_clean_failure(garden("publish", "content/nowhere.md", cwd=project), 2, "content/nowhere.md: no such file")


def test_a_value_over_several_lines_is_replaced_whole_and_a_list_is_refused():
    text = "---\ntitle: T\ndate_published:\n  2020-01-01\n# kept\npublish: false\n---\n"
    edited = edit_frontmatter(text, {"title": 2, "date_published": 3, "publish": 6}, {"date_published": dt.date(2024, 3, 5)})
    assert edited == "---\ntitle: T\ndate_published: 2024-03-05\n# kept\npublish: false\n---\n"
    block = "---\ntitle: T\npublish:\n  - true\n---\n"
    with pytest.raises(UnsafeEdit, match="holds a list or mapping"):
        edit_frontmatter(block, {"title": 2, "publish": 3}, {"publish": True})
    with pytest.raises(UnsafeEdit, match="list or mapping"):
        edit_frontmatter("---\ntitle: T\npublish: [1,\n  2]\n---\n", {"title": 2, "publish": 3}, {"publish": True})
    with pytest.raises(UnsafeEdit, match="anchor"):
        edit_frontmatter("---\ntitle: T\npublish: &p false\n---\n", {"title": 2, "publish": 3}, {"publish": True})


# From `garden new` to the built site


def home_titles(build) -> dict[str, str]:
    return {a.text(): a.attributes["href"] for a in build.page("").css(".garden-posts a.garden-post-title")}


def test_a_new_post_is_left_out_until_published_then_built_at_its_url_and_listed(project):
    config = project / "mkdocs.yml"
    assert garden("new", "On pruning", "--description", "Cutting back.", "--dir", "content/essays", cwd=project).returncode == 0

    draft = mkdocs_build(config)
    assert draft.returncode == 0, draft.output
    assert not (draft.site / "on-pruning").exists()
    assert "On pruning" not in home_titles(draft)

    result = garden("publish", "content/essays/on-pruning.md", cwd=project)
    assert result.returncode == 0, result.stderr
    assert garden("check", cwd=project).returncode == 0

    built = mkdocs_build(config)
    assert built.returncode == 0, built.output
    page = built.page("on-pruning")
    assert [h1.text() for h1 in page.css("h1")] == ["On pruning"]
    assert page.css_first('meta[name="description"]').attributes["content"] == "Cutting back."
    assert home_titles(built)["On pruning"] == "on-pruning/"


# pre-commit


def test_the_pre_commit_hook_runs_garden_check_on_markdown_files():
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == ("garden-check", "garden check", "python", True)
    assert re.search(hook["files"], "content/essays/x.md") and not re.search(hook["files"], "hooks/garden/cli.py")


def test_this_repository_runs_the_same_hook_locally_on_its_posts():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    [repo] = config["repos"]
    [hook] = repo["hooks"]
    assert repo["repo"] == "local" and hook["id"] == "garden-check" and hook["pass_filenames"] is True
    program, command = hook["entry"].split()
    assert (Path(program).name, command) == ("garden", "check")
    posts = [p.relative_to(REPO).as_posix() for p in (REPO / "content").rglob("*.md")]
    assert posts and all(re.search(hook["files"], name) for name in posts)
    assert not re.search(hook["files"], "README.md")
    result = garden(command, *posts, cwd=REPO)  # what pre-commit runs, with this venv's garden
    assert result.returncode == 0, result.stdout + result.stderr
