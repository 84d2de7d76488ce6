"""Imported text is data: never Markdown, never a link, never a spreadsheet formula.

Pure functions, no Streamlit.  Lane names and every other imported or
user-typed text pass through one of these before they reach

* Streamlit Markdown (headings, captions, metric labels, alerts, buttons,
  expanders): :func:`md` backslash-escapes every Markdown-active character,
  so ``[Sign in](https://evil.example)``, ``:red[...]``, ``$x$`` and
  ``**bold**`` show as the characters they are;
* Plotly titles and hover text (Plotly renders ``<a href>``, ``<b>``):
  :func:`plotly_text`;
* model answers rendered as Markdown: :func:`neutralise_links` keeps the
  formatting but turns links, images and bare URLs into plain text;
* CSV/XLSX exports: :func:`guard_cell` prefixes cells that a spreadsheet
  would evaluate (OWASP "CSV Injection": cells beginning with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return get a leading apostrophe), and the
  importer applies :func:`unguard_cell`, so export -> import is exact.
"""

from __future__ import annotations

import html
import re

# Characters that start Markdown syntax anywhere in a line: emphasis, code, links and
# images, raw HTML and entities, tables, strikethrough, Streamlit's ":red[...]",
# ":material/...:" and "$...$" LaTeX, autolinked "https://".  CommonMark lets a
# backslash escape any ASCII punctuation, so escaping them shows the character.
_INLINE_ACTIVE = frozenset("\\`*_{}[]()<>#!|~:$&")
# Active only at the start of a line (lists, headings, rules, quotes).
_LINE_START_ACTIVE = frozenset("-+=")
_ORDERED_LIST_START = re.compile(r"^(\d+)([.)])")
_WWW = re.compile(r"(?i)\b(www)\.")
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
GUARD = "'"


def md(text: object) -> str:
    """``text`` as literal characters inside Streamlit Markdown.

    >>> md("[Sign in](https://evil.example)")
    '\\\\[Sign in\\\\]\\\\(https\\\\://evil.example\\\\)'
    >>> md("BER-MUC"), md("-2+3"), md("www.evil.example")
    ('BER-MUC', '\\\\-2+3', 'www\\\\.evil.example')
    """
    value = str(text).replace("\r", " ").replace("\n", " ")
    escaped = "".join("\\" + ch if ch in _INLINE_ACTIVE else ch for ch in value)
    if escaped[:1] in _LINE_START_ACTIVE:
        escaped = "\\" + escaped
    escaped = _ORDERED_LIST_START.sub(r"\1\\\2", escaped)
    return _WWW.sub(r"\1\\.", escaped)


def plotly_text(text: object) -> str:
    """``text`` for a Plotly title or label: HTML-escaped (Plotly renders ``<a href>``).

    >>> plotly_text('<a href="https://evil.example">x</a>')
    '&lt;a href=&quot;https://evil.example&quot;&gt;x&lt;/a&gt;'
    """
    return html.escape(str(text), quote=True)


_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_INLINE_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:[a-zA-Z][a-zA-Z0-9+.-]{1,31}:|www\.)[^>\s]*)>")
_BARE_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,31}):(//)|\b(www)\.")
_HTML_TAG = re.compile(r"<(/?[a-zA-Z][^>]*)>")
# Streamlit's ":red[...]"-style directives and "$...$" LaTeX: a lane name quoted in an
# answer must not recolour or typeset the page.
_DIRECTIVE = re.compile(r":([A-Za-z-]+)\[")


def neutralise_links(markdown: str) -> str:
    """A model answer with its formatting kept but nothing clickable or loaded.

    Images become their alt text, links their label, link definitions vanish,
    bare URLs and autolinks are shown as text (``https\\://...``), HTML tags,
    ``:red[...]`` directives and ``$`` (LaTeX) are escaped.

    >>> neutralise_links("See [login](https://evil.example) ![x](https://t.example/p.png) **now**")
    'See login x **now**'
    >>> neutralise_links("go to https://evil.example")
    'go to https\\\\://evil.example'
    >>> neutralise_links(":red[x] costs $5")
    ':red\\\\[x] costs \\\\$5'
    """
    text = _IMAGE.sub(r"\1", str(markdown))
    text = _INLINE_LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _LINK_DEFINITION.sub("", text)
    text = _AUTOLINK.sub(lambda m: "\\<" + m.group(1) + "\\>", text)
    text = _HTML_TAG.sub(lambda m: "\\<" + m.group(1) + "\\>", text)
    text = _DIRECTIVE.sub(lambda m: ":" + m.group(1) + "\\[", text)
    text = text.replace("$", "\\$")

    def _break(match: re.Match[str]) -> str:
        if match.group(3):
            return match.group(3) + "\\."
        return match.group(1) + "\\:" + match.group(2)

    return _BARE_URL.sub(_break, text)


def unguard_cell(text: str) -> str:
    """Inverse of :func:`guard_cell` (applied to imported text cells).

    >>> unguard_cell("'=SUM(A1)"), unguard_cell("'s-Hertogenbosch")
    ('=SUM(A1)', "'s-Hertogenbosch")
    """
    if len(text) > 1 and text[0] == GUARD and (text[1] in FORMULA_TRIGGERS or text[1] == GUARD):
        return text[1:]
    return text


def guard_cell(text: str) -> str:
    """A text cell a spreadsheet shows as text instead of evaluating (OWASP CSV injection).

    A cell beginning with ``= + - @`` tab or CR gets a leading apostrophe; so
    does a cell that :func:`unguard_cell` would otherwise change, which makes
    ``unguard_cell(guard_cell(s)) == s`` for every ``s``.

    >>> guard_cell("=HYPERLINK(1)"), guard_cell("-2+3+cmd"), guard_cell("BER-MUC")
    ("'=HYPERLINK(1)", "'-2+3+cmd", 'BER-MUC')
    >>> guard_cell("'=x")
    "''=x"
    """
    if text and (text[0] in FORMULA_TRIGGERS or unguard_cell(text) != text):
        return GUARD + text
    return text
