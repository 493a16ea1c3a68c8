"""Text tools of the CLI: the normalization rules, a normalizer, and decoding bytes in any of the usual encodings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from khabar.errors import InputError
from khabar.readers.decoding import DecodeFailure, decode
from khabar.text.normalize import RULES as NORMALIZATION_RULES
from khabar.text.normalize import normalize_text


# -- what the commands need besides an archive --------------------------------------------------------------------
def normalization_steps() -> list[tuple[str, str]]:
    """The normalization steps in the order they run, as ``(name, description)``; each can be left out."""
    return [(rule.name, rule.description) for rule in NORMALIZATION_RULES]


def normalizer(skip: Iterable[str] = ()) -> Callable[[str], str]:
    """Persian normalization of a text (``khabar normalize``) with the steps named in ``skip`` left out.

    An unknown step is an :class:`~khabar.errors.InputError` now, before any text is read.
    """
    skipped = list(skip)
    try:
        normalize_text("", skip=skipped)
    except ValueError as error:
        raise InputError(str(error)) from None
    return partial(normalize_text, skip=skipped)


def decode_text(data: bytes, name: str) -> str:
    """Bytes as text, in the encoding the readers detect (UTF-8, UTF-16, Windows-1256 …); bytes that are not text
    are an :class:`~khabar.errors.InputError` naming ``name``."""
    try:
        text, _ = decode(data)
    except DecodeFailure as error:
        raise InputError(f"{name}: {error}") from None
    return text
