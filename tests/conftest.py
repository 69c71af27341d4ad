"""Shared fixtures: build small gardens with the real mkdocs.yml and parse what they produce."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import markdown
import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def site_markdown(instead: dict[str, str] | None = None) -> markdown.Markdown:
    """A Markdown converter with exactly the extensions and settings of mkdocs.yml; `instead`
    swaps extensions by name (`{"garden.markdown.smarty": "smarty"}`), with the same settings."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    names, settings = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        name = (instead or {}).get(name, name)
        names.append(name)
        settings[name] = options or {}
    return markdown.Markdown(extensions=names, extension_configs=settings)


def render(text: str) -> LexborHTMLParser:
    """Markdown in, parsed HTML out, as the site renders it."""
    return LexborHTMLParser(site_markdown().convert(textwrap.dedent(text)))


@dataclass
class Build:
    returncode: int
    output: str  # MkDocs' log: stdout and stderr together
    site: Path

    def page(self, url: str) -> LexborHTMLParser:
        """The built page at a site URL such as `essay/` or `` (the home page)."""
        path = self.site / url / "index.html" if not url.endswith(".html") else self.site / url
        assert path.exists(), f"no page at /{url}: {sorted(p.name for p in self.site.iterdir())}"
        return LexborHTMLParser(path.read_text(encoding="utf-8"))


def post(title: str | None = "An essay", body: str = "Some text.\n", **frontmatter) -> str:
    """A post's source: YAML frontmatter from keyword arguments (underscores kept, `lw_` → `lw-`)."""
    data = {"title": title} if title is not None else {}
    data |= {(k.replace("_", "-") if k.startswith("lw_") else k): v for k, v in frontmatter.items()}
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n\n" + textwrap.dedent(body)


def write_project(root: Path, files: dict[str, str], *, nav: bool = False, **settings) -> Path:
    """A project folder using the repository's mkdocs.yml, hooks and overrides, with `files`
    as its content folder. Returns the config file."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"] = [str(REPO / path) for path in config["hooks"]]
    config["theme"]["custom_dir"] = str(REPO / config["theme"]["custom_dir"])
    config["watch"] = [str(REPO / path) for path in config.get("watch", [])]
    if not nav:
        config.pop("nav", None)  # the repository's nav names pages these small gardens lack
    config.update(settings)
    content = root / "content"
    for name, text in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return config_file


def mkdocs_build(config_file: Path, *, strict: bool = True) -> Build:
    site = config_file.parent / "site"
    command = [str(BIN / "mkdocs"), "build", "--clean", "-f", str(config_file), "-d", str(site)]
    result = subprocess.run(
        command + (["--strict"] if strict else []),
        capture_output=True,
        text=True,
        env=ENV,
        cwd=config_file.parent,
        timeout=300,
    )
    return Build(result.returncode, result.stdout + result.stderr, site)


@pytest.fixture
def build_garden(tmp_path):
    """Build a garden from {path: source} and return the `Build`."""

    def build(files: dict[str, str], *, strict: bool = True) -> Build:
        files = {"index.md": post("Home", "Welcome.\n"), **files}
        return mkdocs_build(write_project(tmp_path, files), strict=strict)

    return build


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Build:
    """The bundled sample garden, built once with `mkdocs build --strict`."""
    site = tmp_path_factory.mktemp("sample") / "site"
    result = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--clean", "-d", str(site)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=REPO,
        timeout=300,
    )
    build = Build(result.returncode, result.stdout + result.stderr, site)
    assert build.returncode == 0, build.output
    return build


def garden_in_memory(files: dict[str, str], content_dir: Path = Path("/garden/content")) -> "Garden":
    """A garden index of {src_uri: source}, parsed by the post model without touching the disk."""
    from garden.model.index import Garden
    from garden.model.post import Post

    garden = Garden(content_dir)
    for src_uri, text in sorted(files.items()):
        garden.add(Post.parse(text, content_dir / src_uri, src_uri))
    return garden


@contextmanager
def published(garden) -> Iterator[None]:
    """Within the block, the garden extensions use `garden`, as during a garden build."""
    from garden.markdown import context

    context.publish(garden)
    try:
        yield
    finally:
        context.publish(None)
