"""Turn the bytes of an input file into text, and say which encoding did it.

Persian news files come as UTF-8 (sometimes with a byte-order mark), as UTF-16 from Windows tools, and, in older
archives, as Windows-1256. The first two announce themselves; Windows-1256 does not, and Python's ``cp1256`` codec
maps nearly every byte to *some* character, so a binary file would "decode" without complaint. We therefore accept
cp1256 only when the result reads like Persian/Arabic text, and otherwise fail with a message that says what was
tried, so the user can re-save the file as UTF-8.
"""

from __future__ import annotations

import codecs
import unicodedata

from khabar.records import Rejection

# A cp1256 result is accepted when at least this share of its letters are Arabic-script letters...
MIN_ARABIC_SHARE = 0.4
# ...and at most this share of its characters are control characters or symbols (random bytes give ~10-20%).
MAX_ODD_SHARE = 0.03

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_ODD_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs", "So", "Sc", "Sk", "Sm", "No"})
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")


class DecodeFailure(ValueError):
    """The bytes are not text in any encoding we support; the message says what was tried."""


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``, trying UTF-8, UTF-16 (only with a BOM), then Persian Windows-1256."""
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
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_problem = _where(exc)
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


def decode_or_reject(data: bytes, origin: str, record_no: int | None = None) -> tuple[str, str] | Rejection:
    """``decode``, or the rejection a reader yields for bytes it cannot read (with a readable excerpt)."""
    try:
        return decode(data)
    except DecodeFailure as exc:
        return Rejection(origin=origin, record_no=record_no, reason=str(exc), excerpt=preview(data))


def preview(data: bytes, limit: int = 200) -> str:
    """A readable excerpt of bytes that could not be decoded, for a rejection message."""
    return data[:limit].decode("utf-8", errors="backslashreplace")


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
