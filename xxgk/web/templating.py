"""The Jinja2 environment: templates from the package, every value escaped unless a template says otherwise.

Autoescaping is on for every template (not only ``.html``), and no template marks report text ``|safe``:
a report that prints ``<script>`` shows those characters.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from xxgk import __version__
from xxgk.model.report import Place


def place_attrs(place: Place | None) -> dict[str, str]:
    """The data-* attributes the page script reads to show a place: line span, or page and box."""
    if place is None:
        return {}
    out: dict[str, str] = {}
    if place.line is not None:
        out["data-line"] = str(place.line)
        out["data-end-line"] = str(place.end_line or place.line)
        if place.col is not None:
            out["data-col"] = str(place.col)
        if place.end_col is not None:
            out["data-end-col"] = str(place.end_col)
    if place.page is not None and place.bbox is not None:
        out["data-page"] = str(place.page)
        out["data-bbox"] = ",".join(f"{v:.2f}" for v in place.bbox)
    return out


def _attrs(mapping: dict[str, str]) -> Markup:
    """Attributes from a mapping, names and values escaped: ``<td{{ d|attrs }}>``."""
    return Markup("".join(f' {escape(k)}="{escape(v)}"' for k, v in mapping.items()))


def _thousands(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    if isinstance(value, (int, float)):
        return f"{int(value):,}"
    return "" if value is None else str(value)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("xxgk.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["place_attrs"] = place_attrs
    env.filters["attrs"] = _attrs
    env.filters["thousands"] = _thousands
    env.filters["urlquote"] = lambda s: quote(str(s), safe="")
    env.globals["version"] = __version__
    return env


@cache
def templates() -> Jinja2Templates:
    return Jinja2Templates(env=environment())


def render(name: str, **context: Any) -> str:
    """A template rendered to a string (the printable sheet, fragments)."""
    return environment().get_template(name).render(**context)
