"""`garden links` on built sites: one deliberate fault of each kind, each reported with the
Markdown file and line it came from; and a clean site passes."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml
from conftest import BIN, ENV, REPO, mkdocs_build, post, write_project

pytestmark = pytest.mark.slow  # builds sites, runs servers or the CLI in processes

FAULTY = {
    "index.md": post("Home", "Welcome.\n"),
    "target.md": post("Target", "## A real heading\n\nText.\n", permalink="target", aliases=["old-target"]),
    "essays/faults.md": post(
        "Faults",
        """\
        A [broken page link](../nowhere.md).

        A [broken anchor](../target.md#no-such-heading).

        ![A missing image](../images/missing.png)

        [!note] A callout marker without its quote.

        A footnote that was never defined.[^ghost]

        <span id="twice">one</span> and <span id="twice">two</span>

        A [script link](javascript:alert(1)) and a [local server](http://localhost:8000/x).

        An [absolute link to this very site](https://garden.example.org/target/).

        A [fine link](../target.md#a-real-heading) and [another](/target) and <a href="">empty</a>.
        """,
        permalink="faults",
    ),
    # A hand-made page whose meta refresh leads nowhere, and one that goes round in a loop.
    "gone/index.html": '<html><head><meta http-equiv="refresh" content="0; url=../vanished/"></head></html>',
    "loop-a/index.html": '<html><head><meta http-equiv="refresh" content="0; url=../loop-b/"></head></html>',
    "loop-b/index.html": '<html><head><meta http-equiv="refresh" content="0; url=../loop-a/"></head></html>',
}


@pytest.fixture(scope="module")
def faulty_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("faulty")
    config = write_project(root, FAULTY, extra_css=["assets/stylesheets/garden.css", "assets/missing.css"])
    build = mkdocs_build(config, strict=False)
    assert build.returncode == 0, build.output
    return root


def garden_links(project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "garden"), "links", *args], capture_output=True, text=True, env=ENV, cwd=project, timeout=120
    )


@pytest.fixture(scope="module")
def findings(faulty_site):
    result = garden_links(faulty_site, "--format", "json")
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)["findings"]


def one(findings, **where):
    matches = [f for f in findings if all(f[key] == value for key, value in where.items())]
    assert len(matches) == 1, (where, [f for f in findings if f["page"] == where.get("page", f["page"])])
    return matches[0]


def test_a_broken_page_link_names_the_markdown_line(findings):
    finding = one(findings, target="../nowhere.md")
    assert (finding["source"], finding["line"], finding["page"]) == ("content/essays/faults.md", 6, "faults/index.html")
    assert "broken link" in finding["reason"]


def test_a_broken_anchor(findings):
    finding = one(findings, target="../target/#no-such-heading")
    assert (finding["source"], finding["line"]) == ("content/essays/faults.md", 8)
    assert "has no id 'no-such-heading'" in finding["reason"]


def test_a_missing_image(findings):
    finding = one(findings, target="../images/missing.png")
    assert (finding["source"], finding["line"]) == ("content/essays/faults.md", 10)
    assert "broken image" in finding["reason"]


def test_a_stylesheet_missing_from_every_page_is_reported_once(findings):
    [missing] = [f for f in findings if f["target"].endswith("assets/missing.css")]
    assert missing["reason"].startswith("broken stylesheet or icon: the site has nothing at /assets/missing.css")
    assert missing["reason"].endswith("(and on 3 other pages)")


def test_leftover_markers_are_reported_at_their_line(findings):
    callout = one(findings, target="[!note]")
    assert (callout["source"], callout["line"], callout["column"]) == ("content/essays/faults.md", 12, 1)
    assert callout["reason"] == "callout marker left as text"
    footnote = one(findings, target="[^ghost]")
    assert (footnote["line"], footnote["reason"]) == (14, "footnote marker left as text")


def test_a_duplicate_id(findings):
    finding = one(findings, target="#twice")
    assert (finding["line"], finding["reason"]) == (16, "id 'twice' is used 2 times on the page")


def test_suspicious_hrefs(findings):
    script = one(findings, target="javascript:alert(1)")
    assert (script["line"], script["reason"]) == (18, "javascript: link")
    local = one(findings, target="http://localhost:8000/x")
    assert local["line"] == 18 and "localhost" in local["reason"]
    own = one(findings, target="https://garden.example.org/target/")
    assert (own["line"], own["severity"]) == (20, "warning")
    empty = one(findings, target="")
    assert (empty["line"], empty["reason"]) == (22, "empty link address")


def test_redirects_to_nothing_and_loops(findings):
    gone = one(findings, page="gone/index.html")
    assert gone["reason"] == "redirect to a page that does not exist" and gone["source"] is None
    loops = [f for f in findings if f["page"].startswith("loop-")]
    assert loops and all(f["reason"].startswith("redirect loop: ") for f in loops)


def test_working_links_and_alias_redirects_are_not_reported(findings):
    assert not [f for f in findings if f["page"] in ("old-target/index.html", "target/index.html") and "missing.css" not in f["target"]]
    assert not [f for f in findings if f["target"] in ("../target/#a-real-heading", "../target/")]


def test_human_output_groups_by_source_file(faulty_site):
    result = garden_links(faulty_site)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    source = lines.index("content/essays/faults.md")
    assert lines[source + 1].split()[:3] == ["6:22", "error", "../nowhere.md:"]
    assert lines[-1].startswith("checked ") and " errors, 1 warning" in lines[-1]


def test_github_format_annotates_the_markdown_line(faulty_site):
    result = garden_links(faulty_site, "--format", "github")
    assert result.returncode == 1
    assert "::error file=content/essays/faults.md,line=6,col=22,title=garden links::broken link" in result.stdout
    assert "::warning file=content/essays/faults.md,line=20," in result.stdout


def test_the_sample_garden_passes(sample_site):
    result = subprocess.run(
        [str(BIN / "garden"), "links", str(sample_site.site)], capture_output=True, text=True, env=ENV, cwd=REPO
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("no problems")


def test_no_site_is_a_message_not_a_traceback(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump({"site_name": "x", "docs_dir": "content"}))
    result = garden_links(tmp_path)
    assert result.returncode == 2
    assert "no built site here" in result.stderr and "make build" in result.stderr
    assert "Traceback" not in result.stderr


def test_external_results_become_findings_on_the_pages_that_link_them(tmp_path):
    """`--external` itself is tested against a fault-injecting server in test_external.py;
    here, its answers are turned into findings with the page and severity."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from garden.model.config import GardenConfig
    from garden.check.links import SiteChecker, check_external

    class Answers(BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response({"/ok": 200, "/gone": 404}.get(self.path, 429))
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        site = tmp_path / "site"
        (site / "essay").mkdir(parents=True)
        (site / "index.html").write_text("<html><body></body></html>")
        (site / "essay/index.html").write_text("<html><body><article>Text</article></body></html>")
        checker = SiteChecker(site)
        checker.read()
        checker.external = {f"{base}/ok": [("essay/index.html", f"{base}/ok")], f"{base}/gone": [("essay/index.html", f"{base}/gone")], f"{base}/busy": [("index.html", f"{base}/busy")]}
        settings = {"timeout": 2, "retries": 0, "cache_file": str(tmp_path / "cache.json")}
        config = GardenConfig(content_dir=tmp_path / "content", root=tmp_path, links=settings)
        findings = {f.target: f for f in check_external(checker, config, interactive=False)}
    finally:
        server.shutdown()
    assert set(findings) == {f"{base}/gone", f"{base}/busy"}
    gone, busy = findings[f"{base}/gone"], findings[f"{base}/busy"]
    assert (gone.page, gone.severity) == ("essay/index.html", "error") and "404" in gone.reason
    assert (busy.page, busy.severity) == ("index.html", "warning") and busy.reason.startswith("external link unknown")


# -- where a finding is placed -----------------------------------------------------------------

PLACED = {
    "index.md": post("Home", "Welcome.\n"),
    "beta.md": post("Beta", "## Present\n\nText.\n", permalink="beta"),
    "alpha.md": post(
        "Alpha",
        "".join(f"Filler line {n}.\n\n" for n in range(14))
        + "The beta version, see #missing-anchor and beta.md soon.\n"
        + "A [link to a heading beta lacks](beta.md#missing-anchor).\n"
        + "\n"
        + "A claim.[^long]\n"
        + "\n"
        + "[^long]: First paragraph of the note.\n"
        + "\n"
        + "    Second paragraph, with [a dead link](/nowhere-at-all).\n",
        permalink="alpha",
    ),
}


@pytest.fixture(scope="module")
def placed_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("placed")
    build = mkdocs_build(write_project(root, PLACED), strict=False)
    assert build.returncode == 0, build.output
    return root


def located(project) -> list[dict]:
    result = garden_links(project, "--format", "json")
    return json.loads(result.stdout)["findings"]


def test_a_finding_is_placed_on_the_link_not_on_the_same_words_a_line_above(placed_site):
    # the page has `../beta/#missing-anchor`; the source line above mentions "#missing-anchor" and "beta" in prose
    finding = one(located(placed_site), target="../beta/#missing-anchor")
    assert (finding["line"], finding["column"]) == (35, 34)


def test_a_link_in_an_indented_footnote_paragraph_is_placed_on_its_line(placed_site):
    finding = one(located(placed_site), target="/nowhere-at-all")
    assert finding["line"] == 41


def test_one_place_in_the_source_is_one_finding_that_says_how_many_links_it_stands_for(placed_site):
    # A heading's ¶ link and the table of contents' link lead to one anchor; here the page gets
    # the same broken link twice, as a heading's links do, while its Markdown has it once.
    page = placed_site / "site/alpha/index.html"
    html = page.read_text(encoding="utf-8")
    twice = html.replace('href="/nowhere-at-all"', 'href="/nowhere-at-all"></a><a href="/nowhere-at-all"', 1)
    page.write_text(twice, encoding="utf-8")
    try:
        finding = one(located(placed_site), target="/nowhere-at-all")
    finally:
        page.write_text(html, encoding="utf-8")
    assert finding["line"] == 41
    assert finding["reason"].endswith("(2 links on the page come from this place, e.g. a heading and the table of contents)")
    human = garden_links(placed_site).stdout
    assert human.count("/nowhere-at-all:") == 1
