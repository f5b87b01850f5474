"""The Jinja environment of the pages: templates from this package, everything escaped, an
undefined name an error, and the one style sheet every page inlines, allowed by its hash."""

from __future__ import annotations

import hashlib
import re
from base64 import b64encode
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from app.pages import charts, labels

STYLE = files("app.pages").joinpath("page.css").read_text(encoding="utf-8")
_STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def _policy(styles: list[str]) -> str:
    hashes = " ".join(
        f"'sha256-{b64encode(hashlib.sha256(css.encode()).digest()).decode()}'" for css in styles
    )
    sources = hashes or "'none'"
    return (
        f"default-src 'none'; style-src {sources}; img-src data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


# The page's one style element is allowed by hash: no script, no other style, no frame.
PAGE_CSP = _policy([STYLE])


def stored_page_csp(html: str) -> str:
    """The policy of a page rendered and stored earlier, whose style may be an older one."""
    return _policy(_STYLE_ELEMENT.findall(html))


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("app.pages", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        country=labels.country,
        organisation=labels.organisation,
        term=labels.term,
        long_date=labels.long_date,
        names=labels.names,
        figure=labels.figure,
    )
    env.globals.update(plural=labels.plural, charts=charts, style=STYLE)
    return env


def render(template: str, **context: Any) -> str:
    """The page `template` (a file in app/pages/templates) drawn from `context`."""
    return environment().get_template(template).render(**context)
