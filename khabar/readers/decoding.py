"""Turn the bytes of an input file into text, and say which encoding did it.

Persian news files come as UTF-8 (sometimes with a byte-order mark), as UTF-16 from Windows tools, and, in older
archives, as Windows-1256. The first two announce themselves; Windows-1256 does not, and Python's ``cp1256`` codec
maps nearly every byte to *some* character, so a binary file would "decode" without complaint. We therefore accept
cp1256 only when the result reads like Persian/Arabic text, and otherwise fail with a message that says what was
tried, so the user can re-save the file as UTF-8.

UTF-16 without a byte-order mark is recognised by its zero bytes: in UTF-16 text nearly every other byte is the
high byte of a Latin (``0x00``) or Arabic-script (``0x06``) character, which UTF-8 text never has. A charset a web
page or server declares (:func:`declared_charset` reads ``<meta charset>``) is used when the bytes are not UTF-8:
valid UTF-8 is hardly ever an accident, while pages that declare one charset and send another are common.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from khabar.records import Rejection

# A cp1256 result is accepted when at least this share of its letters are Arabic-script letters...
MIN_ARABIC_SHARE = 0.4
# ...and at most this share of its characters are control characters or symbols (random bytes give ~10-20%).
MAX_ODD_SHARE = 0.03

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_ODD_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs", "So", "Sc", "Sk", "Sm", "No"})
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")
# High bytes of UTF-16 code units in Persian or Latin text: Latin, Arabic script, punctuation (ZWNJ, dashes),
# Arabic presentation forms.
_UTF16_HIGH_BYTES = frozenset({0x00, 0x06, 0x20, 0xFB, 0xFE})
_UTF16_SAMPLE = 4096
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)


DETECT_BYTES = 1 << 16
"""Readers that stream a file detect its encoding from this many first bytes (64 KB: hundreds of lines)."""


class DecodeFailure(ValueError):
    """The bytes are not text in any encoding we support; the message says what was tried."""


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)``: UTF-8 or UTF-16 by their BOM, UTF-16 without one, UTF-8, then the ``declared``
    charset (from an HTML page or HTTP header; a name :func:`codecs.lookup` knows), then Persian Windows-1256."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DecodeFailure(
                f"starts with a UTF-8 byte-order mark but is not valid UTF-8 ({_where(exc)})"
            ) from None
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DecodeFailure(
                f"starts with a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason})"
            ) from None
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_problem = _where(exc)
    encoding = _codec_name(declared)
    if encoding and encoding not in ("utf-8", "utf-16"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass  # the declaration is wrong; see whether it reads as Windows-1256
    text = data.decode("cp1256", errors="replace")
    arabic_share, odd_share = _script_profile(text)
    if arabic_share >= MIN_ARABIC_SHARE and odd_share <= MAX_ODD_SHARE:
        return text, "cp1256"
    raise DecodeFailure(
        f"cannot decode the bytes as text: not UTF-8 ({utf8_problem}), no UTF-16 byte-order mark, and as "
        f"Windows-1256 (cp1256) it does not read as Persian/Arabic ({arabic_share:.0%} of letters are "
        f"Arabic-script, {odd_share:.0%} of characters are control characters or symbols); "
        "if this is a text file, re-save it as UTF-8"
    )


def detect_encoding(prefix: bytes, *, complete: bool, declared: str | None = None) -> str:
    """The encoding of a file from its first bytes (:data:`DETECT_BYTES` of them), by the rules of :func:`decode`.

    ``complete`` says the prefix is the whole file; otherwise a character cut at its end is left out, so that a
    valid UTF-8 file is never mistaken for Windows-1256 because of where the prefix stopped. Raises
    :class:`DecodeFailure` when the prefix reads in no supported encoding.
    """
    if not complete:
        if prefix.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if prefix.startswith(_UTF16_BOMS):
            return "utf-16"
        prefix = _without_cut_character(prefix)
    return decode(prefix, declared)[1]


def _without_cut_character(prefix: bytes) -> bytes:
    """The prefix without the start of a UTF-8 character at its end; an even number of bytes otherwise (UTF-16)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(prefix, final=False)
    except UnicodeDecodeError:
        return prefix[: len(prefix) // 2 * 2]
    pending = len(decoder.getstate()[0])
    return prefix[: len(prefix) - pending]


def decode_or_reject(
    data: bytes, origin: str, record_no: int | None = None, declared: str | None = None
) -> tuple[str, str] | Rejection:
    """``decode``, or the rejection a reader yields for bytes it cannot read (with a readable excerpt)."""
    try:
        return decode(data, declared)
    except DecodeFailure as exc:
        return Rejection(origin=origin, record_no=record_no, reason=str(exc), excerpt=preview(data))


def detect_or_reject(prefix: bytes, origin: str, *, complete: bool) -> str | Rejection:
    """``detect_encoding``, or the rejection a streaming reader yields for a file whose start reads in no supported
    encoding (with a readable excerpt of that start)."""
    try:
        return detect_encoding(prefix, complete=complete)
    except DecodeFailure as failure:
        return Rejection(origin=origin, record_no=None, reason=str(failure), excerpt=preview(prefix))


def undecodable_reason(encoding: str, exc: UnicodeDecodeError) -> str:
    """The reason a streamed file stops where its bytes leave the encoding its start was detected in."""
    return (
        f"the file is not valid {encoding} past its start ({exc.reason}), so the rest of it is skipped; "
        "re-save it as UTF-8"
    )


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML or XML document declares in its first 4 KB (``<meta charset="windows-1256">``,
    ``<meta http-equiv="Content-Type" content="text/html; charset=...">``, ``<?xml ... encoding="...">``) as a
    Python codec name (``cp1256``), or ``None`` when it declares none that Python knows."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    return _codec_name((match[1] or match[2]).decode("ascii"))


def preview(data: bytes, limit: int = 200) -> str:
    """A readable excerpt of bytes that could not be decoded, for a rejection message."""
    return data[:limit].decode("utf-8", errors="backslashreplace")


def _codec_name(name: str | None) -> str | None:
    """Python's name of a codec (``windows-1256`` → ``cp1256``, ``UTF8`` → ``utf-8``), ``None`` if unknown."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """``(text, "utf-16-le" or "utf-16-be")`` when bytes with zero bytes in them read as UTF-16 without a BOM."""
    if len(data) % 2:
        return None
    sample = data[:_UTF16_SAMPLE]
    odd, even = (
        sum(byte in _UTF16_HIGH_BYTES for byte in sample[start::2]) / (len(sample) / 2) for start in (1, 0)
    )
    for encoding, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high >= 0.9 and low < 0.5:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            _, odd_share = _script_profile(text)
            return (text, encoding) if odd_share <= MAX_ODD_SHARE else None
    return None


def _where(exc: UnicodeDecodeError) -> str:
    return f"invalid byte 0x{exc.object[exc.start]:02x} at offset {exc.start}"


def _script_profile(text: str) -> tuple[float, float]:
    """Share of Arabic-script letters among letters, and share of control characters/symbols among characters."""
    letters = arabic = odd = 0
    for char in text:
        if char.isalpha():
            letters += 1
            if "\u0600" <= char <= "\u06ff" or "\ufb50" <= char <= "\ufeff":
                arabic += 1
        elif char not in _ALLOWED_CONTROLS and unicodedata.category(char) in _ODD_CATEGORIES:
            odd += 1
    return (arabic / letters if letters else 0.0), (odd / len(text) if text else 0.0)
