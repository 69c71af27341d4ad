"""Acceptance test of issue 12: the 30 real posts of ../shared/corpus/turntrout/ render whole.

The corpus is read in place (copied into a temporary project folder outside the repository by
bench/corpus_fidelity.py, never into the repository) and built once for the page checks; the
strict-build test builds it once more with `--strict` (a failed strict build leaves its site
folder empty, so it cannot serve the page checks).

Every per-post assertion is parametrised by the post's file name, so a failure names the post,
and its message lists where each problem is (a source line or a snippet of the rendered text).
The counting is bench/corpus_fidelity.py's, the same that `python bench/fidelity.py` prints;
what each check compares is documented there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import corpus_fidelity as fidelity  # noqa: E402 - bench/corpus_fidelity.py, shared with bench/fidelity.py

HAVE_CORPUS = fidelity.CORPUS.is_dir()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not HAVE_CORPUS,
        reason=f"the real corpus is not at {fidelity.CORPUS} (../shared/corpus/turntrout/ beside the repository; CI has it)",
    ),
]

SOURCES = fidelity.corpus_sources() if HAVE_CORPUS else []
PUBLISHED = [source.name for source in SOURCES if not source.is_draft]
DRAFTS = [source.name for source in SOURCES if source.is_draft]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> fidelity.CorpusReport:
    build = fidelity.build_corpus(tmp_path_factory.mktemp("corpus"))
    assert (build.site / "index.html").exists(), f"the corpus build wrote no site (exit {build.returncode}):\n{build.output[-4000:]}"
    return fidelity.measure(build, SOURCES)


def built(corpus: fidelity.CorpusReport, name: str) -> fidelity.PostReport:
    report = corpus.posts[name]
    assert report.built, f"{name}.md is published but has no page at /{report.permalink}/, so nothing in it can be checked"
    return report


def where(report: fidelity.PostReport, *checks: str) -> str:
    findings = [finding for check in checks for finding in report.of(check)]
    return "\n".join(f"  {finding.where}: {finding.detail}" for finding in findings) or "  (no finding names a place)"


def test_the_corpus_has_one_draft():
    # The corpus README: `draft: true` appears in gradient-routing.md only.
    assert DRAFTS == ["gradient-routing"]


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_post_is_built(corpus, name):
    report = corpus.posts[name]
    assert report.built, f"{name}.md is published but has no page at /{report.permalink}/:\n{where(report, 'posts_dropped')}"
    assert report.counts["aliases_missing"] == 0, f"{name}.md's aliases lead nowhere:\n{where(report, 'aliases_missing')}"


@pytest.mark.parametrize("name", DRAFTS)
def test_draft_stays_out(corpus, name):
    report = corpus.posts[name]
    assert not report.built, f"the draft {name}.md was built at /{report.permalink}/"


@pytest.mark.parametrize("name", PUBLISHED)
def test_footnotes_are_numbered_in_reading_order(corpus, name):
    report = built(corpus, name)
    assert report.counts["footnote_order"] == 0, f"{name}: footnotes are not numbered 1, 2, 3… as read:\n{where(report, 'footnote_order')}"


@pytest.mark.parametrize("name", PUBLISHED)
def test_every_footnote_defined_is_shown(corpus, name):
    report = built(corpus, name)
    defined, shown = report.info["footnotes_defined"], report.info["footnotes_shown"]
    assert shown == defined, f"{name}: {defined} footnotes defined in the source, {shown} in the footnote list:\n{where(report, 'footnotes_lost')}"


@pytest.mark.parametrize("name", PUBLISHED)
def test_footnote_references_lead_to_their_notes(corpus, name):
    report = built(corpus, name)
    assert report.counts["refs_nowhere"] == 0, f"{name}: references lead to no footnote:\n{where(report, 'refs_nowhere')}"


@pytest.mark.parametrize("name", PUBLISHED)
def test_footnotes_stay_inside_the_article(corpus, name):
    report = built(corpus, name)
    assert report.counts["footnotes_outside_article"] == 0, f"{name}: footnotes outside <article>:\n{where(report, 'footnotes_outside_article')}"


@pytest.mark.parametrize("name", PUBLISHED)
def test_quotes_in_a_footnote_stay_in_it(corpus, name):
    report = built(corpus, name)
    assert report.counts["footnote_quotes_escaped"] == 0, f"{name}: quotes escaped their footnotes:\n{where(report, 'footnote_quotes_escaped')}"


@pytest.mark.parametrize("name", PUBLISHED)
def test_every_callout_written_is_shown(corpus, name):
    report = built(corpus, name)
    written, rendered = report.info["callouts_written"], report.info["callouts_rendered"]
    assert rendered == written, (
        f"{name}: {written} callouts written, {rendered} rendered:\n{where(report, 'callouts_missing', 'callouts_as_text', 'callouts_as_code')}"
    )


@pytest.mark.parametrize("name", PUBLISHED)
def test_no_callout_is_shown_as_code(corpus, name):
    report = built(corpus, name)
    assert report.counts["callouts_as_code"] == 0, f"{name}: callouts shown as code:\n{where(report, 'callouts_as_code')}"


# Test ids without brackets or slashes, so `-k` can pick one: `-k "punctilio and callout-marker"`.
LEFTOVER_IDS = {
    "[!type]": "callout-marker",
    "[^x]": "footnote-marker",
    "$$": "double-dollar",
    "![[": "embed",
    "{.class}": "attribute-list",
    "\\%": "backslash-escape",
    "@title": "at-title",
    "Subtitle:": "subtitle-line",
    "Table:/Figure:/Code:": "caption-line",
}


@pytest.mark.parametrize("marker", [pytest.param(marker, id=LEFTOVER_IDS[marker]) for marker in fidelity.LEFTOVERS])
@pytest.mark.parametrize("name", PUBLISHED)
def test_no_source_syntax_is_left_in_the_text(corpus, name, marker):
    report = built(corpus, name)
    check = fidelity.LEFTOVERS[marker]
    assert report.counts[check] == 0, f"{name}: {marker} shown in the text (outside code):\n{where(report, check)}"


def test_strict_build_fails_only_on_links_to_posts_outside_the_corpus(tmp_path):
    build = fidelity.build_corpus(tmp_path, strict=True)
    beyond = fidelity.warnings_beyond_missing_posts(build, SOURCES)
    assert len(beyond) == 0, f"{len(beyond)} warnings are not about links to posts outside the corpus:\n" + "\n".join(beyond)
    # About 207 of the corpus's local links lead to posts it does not include (its README).
    assert build.warnings and build.returncode != 0, f"the strict build should fail on links to posts outside the corpus:\n{build.output[-3000:]}"
