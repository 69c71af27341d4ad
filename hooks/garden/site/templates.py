"""What the garden gives Material's templates (overrides/): the index, and filters for dates
and tag links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Environment

from ..model.index import tag_slug


def extend(env: Environment, garden: Any, *, serving: bool) -> None:
    """`garden` is what templates ask about other posts (backlinks, lists, sequences): the index
    itself, or the speed layer's tracing stand-in for it."""
    env.filters["garden_date"] = human_date
    env.filters["tag_url"] = lambda tag: f"tags/{tag_slug(tag)}/"
    env.globals["garden"] = garden
    env.globals["garden_serving"] = serving


def human_date(moment: dt.datetime | None) -> str:
    """"5 March 2024": day first, month in words, no platform-specific strftime flags."""
    return f"{moment.day} {moment:%B %Y}" if moment else ""
