"""The public's pages as static HTML, for `capaian export site` (`capaian.records.export`).

    pages = PublicPages(store)
    body = pages.get("/wilayah/65", cutoff="2020-11-H1")   # the page an anonymous reader gets, or None
    relink(body, "2020-11-H1/wilayah/65.html", resolve)    # every link relative, or removed

Pages are rendered by the web app itself, in process, as an anonymous reader sees them (the same
templates and record sets as the server). `relink` turns each server link into a link relative to
the page's own file when `resolve(path, query)` names an exported file, and otherwise drops the
link (the text stays): a static site has no login, no language switch and no cut-off picker, so
forms are removed too.
"""

from __future__ import annotations

import html
import posixpath
import re
import secrets
from urllib.parse import parse_qs, urlsplit

STATIC_PREFIX = "/static/"
_ATTR = re.compile(r'\b(href|src)="([^"]*)"')
_FORM = re.compile(r"<form\b.*?</form>", flags=re.S | re.I)


class PublicPages:
    """The web app over `store`, asked as an anonymous reader (nothing is written to the store)."""

    def __init__(self, store):
        import warnings

        with warnings.catch_warnings():  # starlette's note on its httpx client, not ours to act on
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient
        from capaian.web import create_app

        self.client = TestClient(create_app(store=store, secret=secrets.token_hex(16)), raise_server_exceptions=False)

    def get(self, path: str, **params) -> str | None:
        """The page's HTML, or None when the public may not read it."""
        response = self.client.get(path, params=params, follow_redirects=False)
        return response.text if response.status_code == 200 else None


def relative(target: str, here: str) -> str:
    """`target` (a site path such as `2020-11-H1/nasional.html`) as a link from the file `here`."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


def relink(page: str, here: str, resolve) -> str:
    """`page` with every link made relative to `here` (`resolve(path, query) -> site path | None`);
    links to nothing exported lose their target, forms are removed."""
    page = _FORM.sub("", page)

    def swap(match):
        attr, raw = match.group(1), html.unescape(match.group(2))
        if raw.startswith(("#", "data:", "mailto:")) or not raw:
            return match.group(0)
        parts = urlsplit(raw)
        if parts.scheme or parts.netloc:
            return ""  # relative links only: nothing outside the site
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        target = resolve(parts.path, query)
        if target is None:
            return "" if attr == "href" else f'{attr}=""'
        link = relative(target, here) + (f"#{parts.fragment}" if parts.fragment else "")
        return f'{attr}="{html.escape(link, quote=True)}"'

    return _ATTR.sub(swap, page)
