"""The `garden` command: start, check and publish essays; check the built site."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__

from . import authoring

from ..check import links
from ..model.config import GardenConfig
from ..model.errors import GardenError, display_path
from ..model.index import Garden, markdown_files
from ..model.layout import SiteLayout
from ..check.lint import lint_garden


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except GardenError as error:
        print(f"garden: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="garden",
        description="Tools for an essay garden built with MkDocs: start and publish posts, check them before you build, check the built site.",
        epilog="Build and preview with `make build` and `make serve` (see README.md).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check posts for mistakes the build would let through, without building",
        description="Check Markdown posts without building the site: frontmatter, permalink and "
        "alias clashes, footnotes (undefined, defined twice, unused) and callouts (markers that will "
        "not render, unknown types). Prints one line per finding as "
        "`path:line:column: error|warning: message (hint)`; exits 1 if there is any error.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="posts or folders to check (default: the content folder named by mkdocs.yml)",
    )
    check.add_argument(
        "--config-file",
        "-f",
        type=Path,
        default=Path("mkdocs.yml"),
        help="the site's MkDocs configuration, to find the content folder (default: mkdocs.yml)",
    )
    check.set_defaults(run=run_check)

    build = commands.add_parser(
        "build",
        help="build the site (mkdocs build --strict), with or without the build cache",
        description="Build the site into site/ with `mkdocs build --strict`. Builds reuse what "
        "earlier builds worked out (rendered pages, the search index), kept in .cache/garden/ beside "
        "mkdocs.yml and checked against every source and setting they depend on; --no-cache builds "
        "everything afresh without reading or writing it. `make clean` deletes the cache.",
    )
    build.add_argument("--no-cache", action="store_true", help="neither read nor write the build cache")
    build.add_argument("--config-file", "-f", type=Path, default=Path("mkdocs.yml"), help="the site's MkDocs configuration (default: mkdocs.yml)")
    build.add_argument("--site-dir", "-d", type=Path, help="where to build (default: site_dir of mkdocs.yml)")
    build.set_defaults(run=run_build)
    links.add_commands(commands)
    authoring.add_commands(commands)
    return parser


def run_check(args: argparse.Namespace) -> int:
    config = GardenConfig.read(args.config_file)
    targets = [path.resolve() for path in args.paths] or [config.content_dir]
    for target in targets:
        if not target.exists():
            raise GardenError(target, None, "no such file or folder", "check the path")

    findings: list[GardenError] = []
    checked = 0
    for garden_dir, paths in group_by_garden(targets, config.content_dir).items():
        wanted = set(paths)
        layout = SiteLayout.of_project(garden_dir, config.theme_dir, config.theme)
        project = config.root if garden_dir.is_relative_to(config.root) else garden_dir.parent
        garden = Garden.load(garden_dir, layout=layout, project=project)
        findings += [f for f in lint_garden(garden, config.callout_types) if f.path.resolve() in wanted]
        checked += len(wanted)

    for finding in sorted(findings, key=lambda f: (str(f.path), f.line or 0, f.column or 0)):
        print(format_finding(finding))
    errors = sum(finding.severity == "error" for finding in findings)
    warnings = len(findings) - errors
    print(
        f"checked {checked} post{'s' * (checked != 1)}: "
        + (f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}" if findings else "no problems"),
        file=sys.stderr,
    )
    return 1 if errors else 0


def run_build(args: argparse.Namespace) -> int:
    """MkDocs' own build, in a child process so its exit status and messages are MkDocs' own."""
    if not args.config_file.is_file():
        raise GardenError(args.config_file, None, "no such file", "run this in the folder of mkdocs.yml, or pass -f PATH")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(args.config_file)]
    if args.site_dir is not None:
        command += ["--site-dir", str(args.site_dir)]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if args.no_cache:
        environment["GARDEN_NO_CACHE"] = "1"
    return subprocess.run(command, env=environment).returncode


def format_finding(finding: GardenError) -> str:
    """`path:line:column: severity: message (hint)`, the form editors and CI annotations read."""
    line = f"{display_path(finding.path)}:{finding.line or 1}:{finding.column or 1}"
    return f"{line}: {finding.severity}: {finding.message}" + (f" ({finding.hint})" if finding.hint else "")


def group_by_garden(targets: list[Path], content_dir: Path) -> dict[Path, list[Path]]:
    """Map each garden folder to the Markdown files asked for in it.

    A path inside the site's content folder is checked against the whole garden, so that a
    permalink clash with a post not named on the command line is still found. A folder outside
    it is a garden of its own; a single file outside it (a README, say, handed over by a
    pre-commit hook) is not a post, and is skipped with a note."""
    groups: dict[Path, list[Path]] = {}
    for target in targets:
        if target.is_relative_to(content_dir):
            root = content_dir
        elif target.is_dir():
            root = target
        else:
            print(f"garden: skipped {display_path(target)}: not in the content folder {display_path(content_dir)}", file=sys.stderr)
            continue
        files = markdown_files(target) if target.is_dir() else [target]
        groups.setdefault(root, []).extend(path.resolve() for path in files)
    return groups


if __name__ == "__main__":
    sys.exit(main())
