"""The garden's settings, read from mkdocs.yml: by MkDocs during a build, by the CLI without one.

    docs_dir: content          # the content folder
    site_dir: site             # where the site is built
    site_url: https://…/       # to spot absolute links to the site itself
    dev_addr: 127.0.0.1:8000   # where `make serve` previews the site (`garden new` prints it)
    extra:
      garden:
        callout_types: [goose]  # callout types of your own, styled in overrides/ CSS
        links: {…}              # `garden links --external` settings (see garden.check.external)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class GardenConfig:
    content_dir: Path
    root: Path = Path(".")  # the folder of mkdocs.yml, which relative settings start from
    site_dir: Path = Path("site")
    site_url: str | None = None
    callout_types: frozenset[str] = frozenset()
    links: Mapping[str, Any] = field(default_factory=dict)
    theme_dir: Path | None = None  # the theme's custom_dir (overrides/), whose files the site copies
    theme: str | None = "material"  # the theme's name
    dev_addr: str = "127.0.0.1:8000"  # MkDocs' default

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any], base: Path) -> GardenConfig:
        garden = (config.get("extra") or {}).get("garden") or {}
        theme = config.get("theme")
        custom_dir = theme.get("custom_dir") if isinstance(theme, Mapping) else None
        theme_name = theme.get("name") if isinstance(theme, Mapping) else theme
        return cls(
            content_dir=(base / config.get("docs_dir", "docs")).resolve(),
            root=base.resolve(),
            site_dir=(base / config.get("site_dir", "site")).resolve(),
            site_url=config.get("site_url") or None,
            callout_types=frozenset(str(name).lower() for name in garden.get("callout_types") or ()),
            links=garden.get("links") or {},
            theme_dir=(base / custom_dir).resolve() if isinstance(custom_dir, str) and custom_dir else None,
            theme=theme_name if isinstance(theme_name, str) else None,
            dev_addr=str(config.get("dev_addr") or "127.0.0.1:8000"),
        )

    @classmethod
    def read(cls, config_file: Path) -> GardenConfig:
        """Read mkdocs.yml without MkDocs (whose loader needs every plugin importable).
        Without a readable file, the content folder is `content/` beside it."""
        try:
            config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_LenientLoader)
        except (OSError, yaml.YAMLError):
            config = None
        if not isinstance(config, Mapping):
            return cls(content_dir=(config_file.parent / "content").resolve(), root=config_file.parent.resolve())
        return cls.from_mapping(config, config_file.parent)


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring the custom tags (`!ENV`, `!!python/name:`) MkDocs allows."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)
