"""The `garden` command: check an essay garden without building it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from . import __version__
from .errors import GardenError
from .index import Garden, markdown_files


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
        description="Tools for an essay garden built with MkDocs: check posts before you build.",
        epilog="Build and preview with `make build` and `make serve` (see README.md).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check posts' frontmatter, permalinks and aliases without building",
        description="Check Markdown posts without building the site. Prints one line per problem "
        "as `path:line: error: message (hint)` and exits 1 if there is any.",
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
    return parser


def run_check(args: argparse.Namespace) -> int:
    content_dir = content_folder(args.config_file)
    targets = [path.resolve() for path in args.paths] or [content_dir]
    for target in targets:
        if not target.exists():
            raise GardenError(target, None, "no such file or folder", "check the path")

    errors: list[GardenError] = []
    checked = 0
    for garden_dir, paths in group_by_garden(targets, content_dir).items():
        garden = Garden.load(garden_dir)
        wanted = set(paths)
        errors += [e for e in garden.errors if e.path.resolve() in wanted]
        checked += len(wanted)

    for error in errors:
        print(f"{error.location}: error: {error.message}" + (f" ({error.hint})" if error.hint else ""))
    summary = f"checked {checked} post{'s' * (checked != 1)}: "
    summary += f"{len(errors)} problem{'s' * (len(errors) != 1)}" if errors else "no problems"
    print(summary, file=sys.stderr)
    return 1 if errors else 0


def content_folder(config_file: Path) -> Path:
    """The `docs_dir` of mkdocs.yml, or `content/` when there is no readable config."""
    try:
        # MkDocs' own loader needs every plugin importable; a plain read of one key is enough here.
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_LenientLoader) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    docs_dir = config.get("docs_dir", "docs") if config else "content"
    return (config_file.parent / docs_dir).resolve()


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring the custom tags (`!ENV`, `!!python/name`) MkDocs allows."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def group_by_garden(targets: list[Path], content_dir: Path) -> dict[Path, list[Path]]:
    """Map each garden folder to the Markdown files asked for in it.

    A path inside the site's content folder is checked against the whole garden, so that a
    permalink clash with a post not named on the command line is still found."""
    groups: dict[Path, list[Path]] = {}
    for target in targets:
        root = content_dir if target.is_relative_to(content_dir) else (target if target.is_dir() else target.parent)
        files = markdown_files(target) if target.is_dir() else [target]
        groups.setdefault(root, []).extend(path.resolve() for path in files)
    return groups


if __name__ == "__main__":
    sys.exit(main())
