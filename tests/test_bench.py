"""The benchmark's plain site is stock Material with the garden's Markdown extensions, less the
garden's own; one that stands in for a stock extension becomes that extension, options and all,
so both sites set the same typography (bench/build_time.py, bench/scale.py)."""

from __future__ import annotations

import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import build_time  # noqa: E402


def test_the_plain_site_has_stock_smarty_with_the_gardens_options_and_no_garden_extension():
    garden = build_time.load_site_config()
    plain = build_time.plain_config(garden)
    names = [build_time.extension_name(entry) for entry in plain["markdown_extensions"]]
    assert not [name for name in names if name.startswith("garden.")]
    ours = next(entry for entry in garden["markdown_extensions"] if build_time.extension_name(entry) == "garden.markdown.smarty")
    stock = next(entry for entry in plain["markdown_extensions"] if build_time.extension_name(entry) == "smarty")
    assert stock["smarty"] == ours["garden.markdown.smarty"] == {"substitutions": {"ndash": "&mdash;"}}
    # In the same place among the others: extensions register in the order they are listed.
    kept = [build_time.extension_name(entry) for entry in garden["markdown_extensions"]]
    kept = ["smarty" if name == "garden.markdown.smarty" else name for name in kept if not name.startswith("garden.") or name == "garden.markdown.smarty"]
    assert names == kept
