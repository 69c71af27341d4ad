"""The post model: LessWrong-export frontmatter normalised, every bad value located and explained."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from garden.model.errors import InvalidPost
from garden.model.post import Post

UTC = dt.timezone.utc


def parse(source: str, src_uri: str = "essays/my-essay.md") -> Post:
    return Post.parse(source, Path("/garden/content") / src_uri, src_uri)


def problems(source: str, src_uri: str = "essays/my-essay.md") -> list:
    with pytest.raises(InvalidPost) as caught:
        parse(source, src_uri)
    return caught.value.errors


def test_quoted_booleans_and_none_strings_mean_what_exports_meant():
    post = parse(
        "---\ntitle: Imported\nlw-is-af: 'true'\nlw-reward-post-warning: 'FALSE'\npublish: \"True\"\n"
        "lw-sequence-title: None\nlw-curation-date: 'null'\ncard_image:\nsummary: ''\n---\nBody\n"
    )
    assert post.meta["lw-is-af"] is True
    assert post.meta["lw-reward-post-warning"] is False
    assert post.meta["publish"] is True
    assert post.meta["lw-sequence-title"] is None
    assert post.meta["lw-curation-date"] is None
    assert post.meta["card_image"] is None
    assert post.meta["summary"] is None


def test_a_title_that_reads_like_a_boolean_stays_a_title():
    assert parse("---\ntitle: 'True'\n---\n").title == "True"
    assert parse("---\ntitle: None\n---\n").title == "None"


def test_a_permalink_or_description_that_reads_like_a_boolean_stays_text():
    post = parse("---\ntitle: T\npermalink: 'true'\ndescription: 'False'\n---\n")
    assert (post.permalink, post.description) == ("true", "False")
    assert parse("---\ntitle: T\npermalink: None\n---\n", "a/b.md").permalink == "b"


def test_dates_in_every_export_form_become_timezone_aware():
    post = parse(
        "---\ntitle: T\ndate_published: 2023-05-01\ndate_updated: '2024-02-10'\n"
        "lw-posted-at: 2023-05-01T18:00:00.000Z\nlw-latest-edit: '2023-06-07 01:47:42'\n"
        "lw-last-modification: '2024-01-02T03:04:05+02:00'\n---\n"
    )
    assert post.date_published == dt.datetime(2023, 5, 1, tzinfo=UTC)
    assert post.date_updated == dt.datetime(2024, 2, 10, tzinfo=UTC)
    assert post.meta["lw-posted-at"] == dt.datetime(2023, 5, 1, 18, tzinfo=UTC)
    assert post.meta["lw-latest-edit"] == dt.datetime(2023, 6, 7, 1, 47, 42, tzinfo=UTC)
    offset = post.meta["lw-last-modification"]
    assert offset.utcoffset() == dt.timedelta(hours=2) and offset.hour == 3


def test_a_lone_tag_or_alias_becomes_a_one_item_list():
    post = parse("---\ntitle: T\ntags: meta\naliases: old-name\nauthors: Wren\n---\n")
    assert post.tags == ("meta",)
    assert post.aliases == ("old-name",)
    assert post.meta["authors"] == ("Wren",)


def test_null_lists_are_empty_and_numbers_are_kept_as_names():
    post = parse("---\ntitle: T\naliases:\ntags: [2024, essays, null, None, '']\n---\n")
    assert post.aliases == ()
    assert post.tags == ("2024", "essays")


def test_unknown_keys_are_kept():
    post = parse("---\ntitle: T\nhideSubscriptionLinks: true\nsimilar_posts: [a, b]\n---\n")
    assert post.meta["hideSubscriptionLinks"] is True
    assert post.meta["similar_posts"] == ["a", "b"]


def test_counts_from_exports_become_numbers():
    post = parse("---\ntitle: T\nlw-base-score: '42'\nlw-num-comments-on-upload: 7\n---\n")
    assert post.meta["lw-base-score"] == 42
    assert post.meta["lw-num-comments-on-upload"] == 7


def test_permalink_defaults_to_the_file_name_and_url_ignores_the_folder():
    post = parse("---\ntitle: T\n---\n", "deep/folder/my-essay.md")
    assert post.permalink == "my-essay"
    assert post.url == "my-essay/"
    assert parse("---\ntitle: T\npermalink: elsewhere\n---\n", "deep/x.md").url == "elsewhere/"


def test_the_content_root_index_is_the_home_page():
    home = parse("---\ntitle: Home\n---\n", "index.md")
    assert home.is_home and home.url == ""
    assert not parse("---\ntitle: Notes\n---\n", "notes/index.md").is_home


def test_an_alias_equal_to_the_permalink_is_dropped_and_duplicates_are_merged():
    post = parse("---\ntitle: T\npermalink: cheese\naliases: [cheese, Cheese-Vector, cheese-vector]\n---\n")
    assert post.aliases == ("Cheese-Vector",)


@pytest.mark.parametrize(
    ("frontmatter", "draft"),
    [
        ("publish: false", True),
        ("publish: 'false'", True),
        ("draft: 'true'", True),
        ("draft: true\npublish: true", True),  # they disagree: hiding wins
        ("publish: true\ndraft: false", False),
        ("", False),
    ],
)
def test_drafts(frontmatter, draft):
    assert parse(f"---\ntitle: T\n{frontmatter}\n---\n").is_draft is draft


def test_body_and_its_first_line_are_kept():
    post = parse("---\ntitle: T\ntags: [a]\n---\nFirst line\n\n--- \nafter a rule\n")
    assert post.body.startswith("First line")
    assert "after a rule" in post.body
    assert post.body_line == 5


def test_a_file_without_frontmatter_is_told_to_add_a_title():
    [error] = problems("Just text\n")
    assert error.line == 1
    assert "no title" in error.message and "title:" in error.hint


def test_a_missing_title_is_reported_on_the_frontmatter():
    [error] = problems("---\ndescription: d\n---\n")
    assert "no title" in error.message
    assert str(error).startswith("/garden/content/essays/my-essay.md:1: ")


def test_a_bad_permalink_names_its_line_and_suggests_a_slug():
    [error] = problems("---\ntitle: T\ntags: [a]\npermalink: My Great Essay!\n---\n")
    assert error.line == 4
    assert "permalink" in error.message and "not a URL-safe slug" in error.message
    assert "my-great-essay" in error.hint


def test_a_bad_alias_names_the_line_of_the_alias_itself():
    [error] = problems("---\ntitle: T\naliases:\n  - fine\n  - not fine/at all\n---\n")
    assert error.line == 5
    assert "'not fine/at all'" in error.message


def test_a_description_must_be_text():
    [error] = problems("---\ntitle: T\ndescription:\n  - a list\n---\n")
    assert error.line == 3 and "description" in error.message


def test_every_problem_in_a_post_is_reported_at_once():
    errors = problems("---\npermalink: a b\ndate_published: last tuesday\npublish: maybe\n---\n")
    assert [e.line for e in errors] == [1, 2, 3, 4]
    assert "no title" in errors[0].message
    assert "`permalink` 'a b'" in errors[1].message
    assert "`date_published` is not a date" in errors[2].message
    assert "`publish` must be true or false" in errors[3].message


def test_a_date_that_is_not_a_date_is_an_error_with_an_example():
    [error] = problems("---\ntitle: T\ndate_published: https://www.lesswrong.com/posts/abc/x\n---\n")
    assert error.line == 3 and "is not a date" in error.message and "2024-03-05" in error.hint


def test_a_bad_value_in_a_field_the_garden_only_keeps_is_a_warning_and_the_post_stays():
    # leaving-google-deepmind.md in the corpus has a URL in lw-posted-at: the post and its aliases must build
    post = parse(
        "---\ntitle: T\naliases: [old]\nlw-posted-at: https://www.lesswrong.com/posts/abc/x\n"
        "lw-vote-count: lots\nlw-is-shortform: maybe\nlw-base-score: 3\n---\nBody\n"
    )
    assert post.aliases == ("old",) and post.meta["lw-base-score"] == 3
    assert "lw-posted-at" not in post.meta and "lw-vote-count" not in post.meta and "lw-is-shortform" not in post.meta
    assert [(w.line, w.severity) for w in post.findings] == [(4, "warning"), (5, "warning"), (6, "warning")]
    assert "`lw-posted-at` is not a date" in post.findings[0].message and "only keeps" in post.findings[0].message


def test_a_bad_value_in_a_field_the_garden_shows_is_still_an_error():
    [error] = problems("---\ntitle: T\nlw-base-score: lots\n---\n")
    assert error.line == 3 and "whole number" in error.message


@pytest.mark.parametrize("value", ["2025-13-45", "2025-02-30", "2025-02-30T10:00:00Z", "'2025-13-45'"])
def test_an_impossible_date_is_an_error_on_its_line(value):
    [error] = problems(f"---\ntitle: T\ndate_published: {value}\n---\n")
    assert error.line == 3 and "`date_published` is not a date: '2025-" in error.message


def test_an_impossible_date_in_a_kept_field_is_a_warning():
    post = parse("---\ntitle: T\nlw-curation-date: 2025-13-45\n---\n")
    [warning] = post.findings
    assert warning.line == 3 and "not a date" in warning.message
    assert parse("---\ntitle: T\nsomething: 2025-13-45\n---\n").meta["something"] == "2025-13-45"


@pytest.mark.parametrize("value", ["!!int twelve", "!!float x", "!!bool maybe", "!!binary ***"])
def test_a_yaml_tag_that_cannot_build_its_value_is_an_error_on_its_line(value):
    [error] = problems(f"---\ntitle: T\ntags: [a]\nsomething: {value}\n---\n")
    assert error.line == 4 and "not valid YAML" in error.message


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1.5", "true", "[1]", "{a: 1}", "'9999999999999999999999999999999999e9'"])
def test_a_count_that_is_not_a_whole_number_is_an_error(value):
    [error] = problems(f"---\ntitle: T\nlw-num-comments-on-upload: {value}\n---\n")
    assert error.line == 3 and "whole number" in error.message


def test_frontmatter_nested_too_deep_is_an_error_not_a_crash():
    [error] = problems("---\ntitle: T\nextra: " + "[" * 2000 + "]" * 2000 + "\n---\n")
    assert error.line == 3 and "levels deep" in error.message
    [error] = problems("---\ntitle: T\nextra:\n" + "".join("  " * i + "- \n" for i in range(1, 40)) + "---\n")
    assert error.line == 3 and "levels deep" in error.message
    [error] = problems("---\ntitle: T\nloop: &a [*a]\n---\n")
    assert error.line == 3 and "levels deep" in error.message


def test_yaml_aliases_that_expand_exponentially_are_an_error_not_a_hang():
    laughs = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
    [error] = problems("---\ntitle: T\nl0: &l0 lol\n" + laughs + "---\n")
    assert "l5" in error.message and "values" in error.message and error.line == 8


def test_utf16_and_nul_bytes_are_reported(tmp_path):
    for name, raw, line, words in [
        ("utf16.md", "---\ntitle: T\n---\nText\n".encode("utf-16"), 1, "UTF-16"),
        ("utf16be.md", "---\ntitle: T\n---\n".encode("utf-16-be"), 1, "UTF-16"),
        ("nul.md", b"---\ntitle: T\n---\nText\n\nA \x00 here\n", 6, "NUL byte"),
    ]:
        (tmp_path / name).write_bytes(raw)
        with pytest.raises(InvalidPost) as caught:
            Post.load(tmp_path / name, tmp_path)
        [error] = caught.value.errors
        assert (error.line, words in error.message) == (line, True), error


def test_a_message_quotes_a_huge_value_briefly():
    [error] = problems("---\ntitle: T\ndate_published: " + "x" * 100_000 + "\n---\n")
    assert len(error.message) < 200


def test_malformed_yaml_points_at_the_line():
    [error] = problems("---\ntitle: T\ndescription: a: b: c\n---\n")
    assert error.line == 3
    assert "not valid YAML" in error.message and "quote" in error.hint


def test_an_unterminated_frontmatter_block_is_reported():
    [error] = problems("---\ntitle: T\n\nNo closing line.\n")
    assert error.line == 1 and "never closed" in error.message and "---" in error.hint


def test_a_key_set_twice_is_reported_with_both_lines():
    [error] = problems("---\ntitle: A\ndescription: d\ntitle: B\n---\n")
    assert error.line == 4 and "lines 2 and 4" in error.message


def test_frontmatter_that_is_not_a_mapping():
    [error] = problems("---\n- just\n- a list\n---\n")
    assert "key: value" in error.message


def test_a_file_that_is_not_utf8_is_reported_with_its_line(tmp_path):
    path = tmp_path / "latin.md"
    path.write_bytes("---\ntitle: Caf\u00e9\n---\n".encode("latin-1"))
    with pytest.raises(InvalidPost) as caught:
        Post.load(path, tmp_path)
    [error] = caught.value.errors
    assert error.line == 2 and "not UTF-8" in error.message and "UTF-8" in error.hint


def test_a_byte_order_mark_is_not_a_problem(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff---\ntitle: With BOM\n---\nText\n".encode("utf-8"))
    assert Post.load(path, tmp_path).title == "With BOM"


def test_line_numbers_count_only_newlines():
    post = parse("---\ntitle: T\n---\nPage\x0cbreak.\n\x1cSecond line.\n")
    assert post.body_line == 4 and post.body.split("\n")[1] == "\x1cSecond line."


def test_a_control_character_in_the_frontmatter_is_reported_not_raised():
    [error] = problems("---\ntitle: T\ndescription: a\x0cb\n---\n")
    assert error.line == 3 and "cannot be read as YAML" in error.message


def test_text_that_does_not_read_as_written_is_an_error_but_the_post_stays():
    post = parse("---\ntitle: Pay\u202egnp.exe\ntags: [t\u0435st, Straße, Ελλάδα, Москва]\n---\nText \u2067x\u2069 and العربية\n")
    assert [(f.line, f.severity) for f in post.findings] == [(2, "error"), (3, "error"), (5, "error")]
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in post.findings[0].message
    assert "'t\u0435st'" in post.findings[1].message and "look-alike" in post.findings[1].message
    assert "U+2067 RIGHT-TO-LEFT ISOLATE" in post.findings[2].message
    assert parse("---\ntitle: שלום and مرحبا\n---\nعربي\n").findings == ()
