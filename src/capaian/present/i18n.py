"""The one vocabulary: every text shown to people, from two gettext catalogues (`id`, the default, and `en`).

Messages are written in English in the code and looked up per call:
`tr(lang, "Rank")`, `tr(lang, "%(met)s of %(total)s indicators met", met=8, total=9)`,
`ntr(lang, "%(n)s more indicator", "%(n)s more indicators", n)`; in Jinja2 templates `{{ _("Rank") }}`
or `{% trans %}` (Jinja2's i18n extension, installed by `jinja_env`). Words that are only marked
here and translated later (tables of statuses, tiers, error titles) use `N_`.

Catalogues live in `locale/<lang>/LC_MESSAGES/capaian.po` and are maintained with Babel:
`make i18n` runs `pybabel extract` (keywords below), `pybabel update`, fills the English
catalogue's new entries with their msgid (English is the source language; its catalogue exists so
that an English wording can be changed without touching code) and `pybabel compile`.

Compiled at build time, yet never stale: `make run` / `make test` compile the `.mo` files once
Babel is installed (`make i18n-compile`). `translations()` uses a `.mo` only when it is at least as
new as its `.po`; otherwise (a fresh clone used without `make`, or a `.po` edited since) it compiles
the `.po` in memory with `babel.messages` (the same code `pybabel compile` runs), so a checkout never
shows a missing or outdated text. The `.mo` files are build products and are not committed.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

DOMAIN = "capaian"
LANGS = ("id", "en")
DEFAULT_LANG = "id"
LOCALE_DIR = Path(__file__).with_name("locale")
# Extraction keywords besides Babel's defaults (`_`, `gettext`, `ngettext`, `N_`, ...); the Makefile passes the same.
KEYWORDS = {"tr": (2,), "ntr": (2, 3)}


def norm(lang: str | None) -> str:
    """`en`, `en_US`, `EN` -> `en`; anything else (None too) -> `id`."""
    return "en" if (lang or DEFAULT_LANG).lower().startswith("en") else DEFAULT_LANG


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str):
    """The compiled catalogue of a language (`.mo` if fresh, else the `.po` compiled in memory)."""
    from babel.support import Translations

    po = po_path(norm(lang))
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fh:
            return Translations(fh, domain=DOMAIN)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=norm(lang), domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def tr(lang: str | None, message: str, **values) -> str:
    """`message` in `lang`; `%(name)s` placeholders are filled from `values`."""
    text = translations(norm(lang)).gettext(message)
    return text % values if values else text


def ntr(lang: str | None, singular: str, plural: str, n: int, **values) -> str:
    """Singular or plural by `n` (Indonesian has one form); `%(n)s` is available in the text."""
    text = translations(norm(lang)).ngettext(singular, plural, n)
    return text % {"n": n, **values}


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it here (translate it with `tr` when shown)."""
    return message


def jinja_env(lang: str | None, **options):
    """A Jinja2 environment whose `_`, `gettext`, `ngettext` and `{% trans %}` speak `lang`.

    New-style gettext: `_("%(n)s of %(total)s", n=1, total=2)` formats and escapes the values;
    a literal percent sign inside `_()` is written `%%`.
    """
    import jinja2

    options.setdefault("autoescape", jinja2.select_autoescape(["html"]))
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_translations(translations(norm(lang)), newstyle=True)
    env.globals["lang"] = norm(lang)
    return env


def fill_english() -> int:
    """Give every untranslated entry of the English catalogue its msgid (English is the source language)."""
    from babel.messages.pofile import read_po, write_po

    path = po_path("en")
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="en", domain=DOMAIN)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            if not all(message.string or ()):
                message.string = tuple(message.id)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
    with path.open("wb") as fh:
        write_po(fh, catalog, width=None, no_location=True, sort_output=True, ignore_obsolete=True)
    return filled


if __name__ == "__main__":  # `python -m capaian.present.i18n fill-en`, run by `make i18n`
    import sys

    if sys.argv[1:] != ["fill-en"]:
        raise SystemExit("usage: python -m capaian.present.i18n fill-en")
    print(f"en: {fill_english()} entries filled")
