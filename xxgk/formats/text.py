"""Bytes → text for the text forms (plain text, Markdown): detect the encoding, never assume it."""

from __future__ import annotations

import codecs

from xxgk.errors import ReadError

# A real report is a few tens of kB of text; 20 MB is far beyond any, and keeps memory bounded.
MAX_TEXT_BYTES = 20 * 1024 * 1024
# Any file at all: a scanned PDF of a long report can run to tens of MB; nothing real comes near this.
MAX_FILE_BYTES = 200 * 1024 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: NUL bytes from its ASCII characters; accept only if it decodes to CJK/ASCII text."""
    if len(data) % 2 or b"\x00" not in data[:65536]:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text) and _cjk_share(text) + _ascii_share(text) > 0.5:
            return text
    return None


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad <= max(2, len(sample) // 200)


def too_large(size: int, limit: int = MAX_TEXT_BYTES) -> str:
    return f"file too large for a report ({size / 2**20:.0f} MiB, limit {limit // 2**20} MiB)"


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Return (text, encoding name) or raise ReadError with a one-line reason."""
    if not data.strip():
        raise ReadError(source, "empty file")
    if len(data) > MAX_TEXT_BYTES:
        raise ReadError(
            source,
            f"file too large for a report ({len(data) / 1e6:.0f} MB, limit {MAX_TEXT_BYTES // 2**20} MiB)",
        )
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise ReadError(
                    source, f"declares {enc} by its BOM but does not decode ({exc.reason})"
                ) from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16, "utf-16"
    if b"\x00" in data[:65536]:
        raise ReadError(source, "binary data, not text")
    try:
        text = data.decode("utf-8")
        return text, "utf-8"
    except UnicodeDecodeError:
        pass
    # A UTF-8 file with a few damaged bytes (a download cut inside a character, a stray byte) is still
    # the report: keep it, with U+FFFD where the bytes were, and say so in the encoding name.
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    if damaged <= max(3, len(text) // 2000):
        return text, f"utf-8 ({damaged} damaged bytes replaced)"
    # GB18030 is a superset of GBK and GB2312: the usual encoding of Chinese government files.
    try:
        text = data.decode("gb18030")
        if _looks_like_text(text) and _cjk_share(text) > 0.05:
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    # imported here: only the rare file that is neither UTF nor GB needs it, and it costs 35 ms to import
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200000]).best()
    if best is None or best.encoding is None:
        raise ReadError(source, "not text in any known encoding")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise ReadError(source, f"not decodable as {best.encoding}") from None
    if not _looks_like_text(text):
        raise ReadError(source, "binary data, not text")
    return text, best.encoding


def _ascii_share(text: str) -> float:
    sample = text[:20000]
    return sum(1 for ch in sample if " " <= ch <= "~" or ch in "\t\n\r") / max(1, len(sample))


def _cjk_share(text: str) -> float:
    sample = text[:20000]
    return sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff") / max(1, len(sample))
