"""Build the real corpus and count what readers would find missing, scrambled or left showing.

For each bullet of issue 12's "What was measured" this prints, per post and in total, how many
places the built site differs from what the Markdown source asks for, and where each one is
(the post and a source line or a snippet of the rendered text), so a renderer fix can be judged
by the same figures before and after. The counting is bench/corpus_fidelity.py's, shared with the
acceptance test tests/test_corpus.py; its docstrings say how each figure is computed.

    python bench/fidelity.py                       # every check, every post, where each problem is
    python bench/fidelity.py --post punctilio      # one post (by file name or permalink)
    python bench/fidelity.py --check footnote_order --limit 0
    python bench/fidelity.py --json > before.json

The corpus (`../shared/corpus/turntrout/` beside the repository) is copied into a temporary
project folder outside the repository and built there with a non-strict `mkdocs build`, so a
post the garden drops or a warning does not stop the measurement. `--keep DIR` builds into DIR
and leaves it there to look at.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import corpus_fidelity as fidelity  # bench/corpus_fidelity.py: this script's folder is on sys.path


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures and every finding as JSON")
    parser.add_argument("--post", action="append", default=[], metavar="NAME", help="report only this post (file stem or permalink; repeatable)")
    parser.add_argument("--check", action="append", default=[], metavar="KEY", choices=fidelity.CHECK_KEYS, help="report only this check (repeatable)")
    parser.add_argument("--limit", type=int, default=5, metavar="N", help="places shown per check and post (default 5; 0: all)")
    parser.add_argument("--corpus", type=Path, default=fidelity.CORPUS, help=f"the content folder to build and measure (default: the corpus, {fidelity.CORPUS}; `content` measures the sample garden)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR (outside the repository) and keep it")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        parser.error(f"no corpus at {args.corpus}: it lives in ../shared/corpus/turntrout beside the repository")
    if args.keep and args.keep.resolve().is_relative_to(fidelity.REPO):
        parser.error(f"--keep {args.keep} is inside the repository; pick a folder outside it (the corpus must not be copied in)")
    return args


def chosen_posts(report: fidelity.CorpusReport, names: list[str]) -> list[str]:
    if not names:
        return list(report.posts)
    wanted = []
    for name in names:
        match = [post for post, r in report.posts.items() if name in (post, f"{post}.md", r.permalink)]
        if not match:
            raise SystemExit(f"error: no corpus post named {name!r} (give a file name such as 'punctilio' or a permalink)")
        wanted += match
    return wanted


def print_report(report: fidelity.CorpusReport, posts: list[str], checks: list[str], limit: int, beyond: list[str]) -> None:
    published = [s for s in report.sources if not s.is_draft]
    with_notes = [s.name for s in published if s.footnote_defs and report.posts[s.name].built]
    print(f"corpus: {fidelity.CORPUS if not report.sources else report.sources[0].path.parent} "
          f"({len(report.sources)} posts: {len(published)} published, {len(report.sources) - len(published)} draft)")
    print(f"garden {report.commit}; non-strict mkdocs build in {report.build.seconds:.1f} s, exit {report.build.returncode}, "
          f"{len(report.build.warnings)} warnings, {len(beyond)} of them not about links to posts outside the corpus")
    print()

    selected = [c for c in fidelity.CHECKS if not checks or c.key in checks]
    subset = set(posts)
    rows = [("check", "total", "posts", "issue's figure", "one unit is")]
    for check in selected:
        total = sum(report.posts[p].counts[check.key] for p in posts)
        affected = sum(1 for p in posts if report.posts[p].counts[check.key])
        scope = f"{affected}/{len(with_notes)}" if check.key == "footnote_order" and subset == set(report.posts) else str(affected)
        rows.append((check.key, str(total), scope, check.issue, check.what))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    bullet = None
    for index, row in enumerate(rows):
        if index and selected[index - 1].bullet != bullet:
            bullet = selected[index - 1].bullet
            print(f"-- {bullet}")
        print("  ".join([row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2].rjust(widths[2]), row[3].ljust(widths[3]), row[4]]))
    if subset == set(report.posts) and any(c.key == "footnote_order" for c in selected):
        print("(footnote_order posts: affected / published posts with footnotes that were built)")

    print("\nPer post (non-zero counts):")
    for name in posts:
        post = report.posts[name]
        counts = [f"{key} {post.counts[key]}" for key in fidelity.CHECK_KEYS if post.counts[key] and (not checks or key in checks)]
        state = "" if post.built else " [NOT BUILT]" if not post.info.get("draft") else " [draft: not built]"
        if counts or state:
            print(f"  {name}{state}: " + ", ".join(counts))

    print("\nWhere:")
    for check in selected:
        lines = []
        for name in posts:
            found = report.posts[name].of(check.key)
            shown = found if limit <= 0 else found[:limit]
            lines += [f"  {finding}" for finding in shown]
            if check.key in fidelity.SAMPLED:  # only the first few places of the count are kept
                more = report.posts[name].counts[check.key] - len(shown)
            else:
                more = len(found) - len(shown)
            if more > 0:
                lines.append(f"  {name}: … {more} more" + (" (--limit 0 shows all)" if len(found) > len(shown) else ""))
        if lines:
            print(f"[{check.key}] {check.what}")
            print("\n".join(lines))
    if beyond and not checks:
        print("[warnings] warnings other than links to posts outside the corpus (`mkdocs build --strict` must fail only on those):")
        for line in beyond if limit <= 0 else beyond[: limit * 4]:
            print(f"  {line}")
        if limit > 0 and len(beyond) > limit * 4:
            print(f"  … {len(beyond) - limit * 4} more (--limit 0 shows all)")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    root = args.keep.resolve() if args.keep else fidelity.temporary_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        build = fidelity.build_corpus(root, corpus=args.corpus)
        if not (build.site / "index.html").exists():
            print(f"error: the build wrote no site (exit {build.returncode}):\n{build.output[-4000:]}", file=sys.stderr)
            return 1
        report = fidelity.measure(build, fidelity.corpus_sources(args.corpus))
        beyond = fidelity.warnings_beyond_missing_posts(build, report.sources)
        posts = chosen_posts(report, args.post)
        if args.json:
            data = report.to_json()
            if args.post:
                data["posts"] = {name: data["posts"][name] for name in posts}
                data["findings"] = [f for f in data["findings"] if f["post"] in posts]
                data["totals"] = {key: sum(report.posts[p].counts[key] for p in posts) for key in fidelity.CHECK_KEYS}
            data["warnings_beyond_missing_posts"] = beyond
            json.dump(data, sys.stdout, indent=1, ensure_ascii=False)
            print()
        else:
            print_report(report, posts, args.check, args.limit, beyond)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
