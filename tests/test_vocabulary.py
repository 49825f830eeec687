"""The one vocabulary: every message of the code is in both catalogues, translated; templates hold no bare text.

The catalogue test extracts with Babel exactly as `make i18n` does (babel.cfg, keywords `tr:2`, `ntr:2,3`),
so a new `tr(lang, "...")`, `_("...")` or `{% trans %}` that is not in the catalogues fails here, and so
does a catalogue entry nothing uses any more. The template scan fails on text outside `_()` / `{% trans %}`.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from capaian.present import i18n

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "capaian"
TEMPLATES = sorted(SRC.glob("**/templates/*.html"))
# Words that read the same in both languages and are names, not sentences.
ALLOWED_WORDS = {"capaian", "Indonesia", "KTP-el", "KIA", "API", "OpenAPI", "UTC", "L", "CSV", "JSON", "Excel",
                 "PDF", "Markdown", "PNG", "SVG"}
USER_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "label"}


def _extracted() -> set:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None,
                **{k: v for k, v in i18n.KEYWORDS.items()}}
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def _catalogue(lang: str):
    with i18n.po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang, domain=i18n.DOMAIN)


@pytest.fixture(scope="module")
def extracted() -> set:
    return _extracted()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_message_is_translated_and_none_is_obsolete(extracted, lang):
    catalogue = _catalogue(lang)
    entries = {m.id[0] if isinstance(m.id, tuple) else m.id: m for m in catalogue if m.id}
    missing = sorted(extracted - set(entries))
    obsolete = sorted(set(entries) - extracted)
    empty = sorted(k for k, m in entries.items()
                   if not (all(m.string) if isinstance(m.string, tuple) else m.string))
    assert not missing, f"{lang}: messages not in the catalogue (run `make i18n`): {missing}"
    assert not obsolete, f"{lang}: catalogue entries no code uses (run `make i18n`): {obsolete}"
    assert not empty, f"{lang}: untranslated entries: {empty}"
    assert not list(catalogue.obsolete)


def test_placeholders_agree_between_catalogues():
    """Babel's own checks (python-format placeholders) pass for both catalogues."""
    for lang in ("id", "en"):
        problems = [(m.id, [str(e) for e in errs]) for m, errs in _catalogue(lang).check()]
        assert not problems, f"{lang}: {problems}"


def test_indonesian_is_the_default_and_met_is_one_word():
    assert i18n.tr(None, "met") == i18n.tr("id", "met") == "tercapai"
    assert i18n.tr("en", "met") == "met"
    assert i18n.tr("en_US", "DRAFT") == "DRAFT" and i18n.tr("id", "DRAFT") == "DRAF"
    indonesian = {m.string for m in _catalogue("id") if m.id}
    assert not any("terpenuhi" in s for s in indonesian if isinstance(s, str))  # "met" is "tercapai" only


def test_stale_or_missing_mo_falls_back_to_the_po(tmp_path, monkeypatch):
    """A fresh clone has no .mo: the loader compiles the .po in memory and gives the same texts."""
    locale = tmp_path / "locale"
    for lang in ("id", "en"):
        target = locale / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "capaian.po").write_bytes(i18n.po_path(lang).read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    i18n.translations.cache_clear()
    try:
        assert i18n.tr("id", "Level change") == "Perubahan level"
        assert not list(locale.glob("*/LC_MESSAGES/*.mo"))
    finally:
        i18n.translations.cache_clear()


# ---------------------------------------------------------------- templates
class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        self.found += [v for k, v in attrs if k in USER_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.found.append(data)


def bare_words(source: str) -> list[str]:
    """Words of a template that people read but no `_()` / `{% trans %}` translates."""
    source = re.sub(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", " ", source, flags=re.S)
    source = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", source, flags=re.S)
    parser = _Text()
    parser.feed(source)
    words = []
    for text in parser.found:
        text = re.sub(r"/[\w./-]*", " ", text)  # paths and URLs
        words += [w for w in re.findall(r"[^\W\d_][\w-]*", text) if w not in ALLOWED_WORDS]
    return words


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_templates_have_no_bare_text(template):
    assert bare_words(template.read_text(encoding="utf-8")) == []


def test_the_template_scan_catches_bare_text():
    assert bare_words('<p title="Peringkat">{{ _("Rank") }} nasional</p>') == ["Peringkat", "nasional"]
    assert bare_words('<p>{{ _("Rank") }} {% trans %}National rank{% endtrans %} 4/34 ✓ KTP-el</p>') == []


# ---------------------------------------------------------------- Python modules
PAIR_FREE = [SRC / "web", SRC / "reports", SRC / "evaluate" / "explain_text.py", SRC / "evaluate" / "explain.py",
             SRC / "cli", SRC / "present"]


def _literal(node) -> str | None:
    """The text of a string literal or f-string (its constant parts), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return None


def _pairs(path: Path) -> list[str]:
    """Indonesian/English pairs written in code: `("teks", "text")` tuples or `x if lang == "en" else y`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "CapaianError", "PageError"):
            for child in ast.walk(node):
                child._skip = True
        if getattr(node, "_skip", False):
            continue
        groups = [node.elts] if isinstance(node, ast.Tuple) and len(node.elts) == 2 else []
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") != "ntr":  # t(lang, "teks", "text")
            groups += [node.args[i:i + 2] for i in range(len(node.args) - 1)]
        for pair in groups:
            texts = [_literal(e) for e in pair]
            if all(t and re.search(r"[^\W\d_]\s+[^\W\d_]", t) for t in texts) and texts[0] != texts[1]:
                found.append(f"{path.name}:{node.lineno} {texts}")
        if isinstance(node, ast.Compare) and any(isinstance(c, ast.Constant) and c.value in ("en", "id")
                                                 for c in node.comparators):
            if isinstance(node.left, ast.Name) and node.left.id in ("lang", "lang_"):
                found.append(f"{path.name}:{node.lineno} lang comparison")
    return found


def test_presentation_modules_hold_no_language_pairs():
    files = [f for p in PAIR_FREE for f in ([p] if p.is_file() else sorted(p.glob("**/*.py")))]
    found = [hit for f in files for hit in _pairs(f)]
    assert found == []


def test_the_pair_scan_catches_pairs(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('WORDS = {"met": ("sudah tercapai", "is met")}\n'
                      'x = t(lang, f"{n} dari {m} indikator", f"{n} of {m} indicators")\n'
                      'y = "id text" if lang == "id" else "en text"\n'
                      'z = CapaianError("Berkas tidak ada.", "No such file.")\n')
    assert sorted(hit.split()[0] for hit in _pairs(module)) == ["m.py:1", "m.py:2", "m.py:3"]
