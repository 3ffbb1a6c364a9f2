"""The raw page before parsing: its encoding, and its markup bounded so no page can stall the parser."""

from __future__ import annotations

import codecs
import re

from xxgk.formats.text import decode

MAX_DEPTH = 256  # nesting of non-void elements; real pages, Word's included, stay under 60
SAFE_TAGS = 8000  # below this many tags even the worst nesting parses in a fraction of a second
MAX_TAGS = 400_000  # a whole government page with a long report has some 20 000
CUT_NOTE = f"网页标签过多，只读取前{MAX_TAGS}个标签"


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_VOID = _names(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta param source track wbr"
)
# Closed implicitly by the parser, so a page may leave them open without being deep.
_IMPLIED = _names("p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rtc rp")

_CHARSET = re.compile(
    rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:\-]{1,40})""",
    re.I,
)
# GB2312 and GBK pages routinely use characters beyond them; GB18030 is the superset that reads them all.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030"}
_ALIASES |= {"cp936": "gb18030", "hz-gb-2312": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}
_SINGLE_BYTE_WESTERN = {"latin_1", "cp1252", "ascii", "iso8859-1", "iso8859_1"}

# a comment's opening, or a start or end tag's name
_TAG = re.compile(r"<!--|</?[A-Za-z][-\w:.]*", re.A)
_RAW_TEXT = ("script", "style", "textarea", "xmp", "title")
# "<name" → True: its content holds no markup (skip it); False: it never stays open (void or implied)
_KINDS: dict[str, bool] = {"<!--": True} | {f"<{n}": True for n in _RAW_TEXT}
_KINDS |= {f"<{n}": False for n in _VOID | _IMPLIED}
# Kept beyond MAX_DEPTH (up to twice it): a report wrapped in thousands of <div> keeps its tables and headings.
_STRUCTURE = frozenset(f"<{n}" for n in _names("table tbody thead tfoot h1 h2 h3 h4 h5 h6 ul ol dl"))


def _charset(data: bytes) -> str | None:
    """The encoding a page declares in <meta charset>, http-equiv or an XML declaration, normalised."""
    m = _CHARSET.search(data[:65536])
    if m is None:
        return None
    label = (m.group(1) or m.group(2)).decode("ascii").lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def decode_page(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): a BOM first, then the page's own declaration, then sniffing — never assumed.

    UTF-8 validates itself (GBK text is never valid UTF-8 by chance), so bytes that decode as UTF-8 are
    read so even when the page declares gb2312, as copied templates often do. A declaration is taken only
    when the bytes decode under it; a UTF-16 declaration on an ASCII-compatible page (a known mistake)
    or a Western single-byte one over non-ASCII bytes is ignored, and the bytes are sniffed.
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, name)
    declared = _charset(data)
    if declared is not None and declared != "utf-8" and not data.isascii():
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if (
        declared is None
        or declared.startswith(("utf-16", "utf-32"))
        or (declared in _SINGLE_BYTE_WESTERN and not data.isascii())
    ):
        return decode(data, name)
    try:
        return data.decode(declared), declared
    except UnicodeDecodeError:
        text = data.decode(declared, errors="replace")
    damaged = text.count("\ufffd")
    if damaged <= max(3, len(text) // 2000):
        return text, f"{declared} ({damaged} damaged bytes replaced)"
    return decode(data, name)


def _skip_to(text: str, opener: str, pos: int) -> int:
    """Where the comment or raw-text element (script, style…) opened at ``pos`` ends."""
    if opener == "<!--":
        end = text.find("-->", pos)
        return len(text) if end < 0 else end + 3
    close = re.compile(f"</{opener[1:]}", re.I).search(text, pos)
    return len(text) if close is None else close.start()


def bound_markup(text: str) -> tuple[str, list[str]]:
    """The page with start tags beyond MAX_DEPTH dropped and cut after MAX_TAGS tags, and notes saying so.

    lexbor walks its stack of open elements for many tags (block starts, list items, stray end tags), so
    100 000 open elements followed by as many stray end tags take minutes. The stack is followed roughly
    here — an end tag closes back to its element, void and implicitly closed elements never stay open,
    comments, scripts and styles hold no markup — and kept within MAX_DEPTH. Pages of fewer than
    SAFE_TAGS tags, every real one, are passed as they are.
    """
    if text.count("<") <= SAFE_TAGS:
        return text, []
    notes: list[str] = []
    parts: list[str] = []
    stack: list[str] = []
    dropped = tags = last = skip = 0
    for m in _TAG.finditer(text):
        start = m.start()
        if start < skip:  # inside a comment, a script or a dropped tag
            continue
        tags += 1
        if tags > MAX_TAGS:
            parts.append(text[last:start])
            last = len(text)
            notes.append(CUT_NOTE)
            break
        opener = m.group(0).lower()
        if opener[1] == "/":  # an end tag closes back to its element, if that is open
            if opener[2:] in stack:
                while stack.pop() != opener[2:]:
                    pass
            continue
        kind = _KINDS.get(opener)
        if kind is None:  # an element that stays open until its end tag
            if len(stack) < MAX_DEPTH or (opener in _STRUCTURE and len(stack) < 2 * MAX_DEPTH):
                stack.append(opener[1:])
                continue
            end = text.find(">", start, start + 8192)
            parts.append(text[last:start])
            last = skip = m.end() if end < 0 else end + 1
            dropped += 1
        elif kind:
            skip = _skip_to(text, opener, m.end())
    parts.append(text[last:])
    if dropped:
        notes.append(f"网页嵌套过深，已忽略{dropped}个嵌套层级超过{MAX_DEPTH}的标签")
    return "".join(parts), notes
