"""The Persian alphabet as khabar's text functions see it, defined once for every package.

``ZWNJ`` (U+200C, the zero-width non-joiner) is data in Persian: it separates the parts of one word
(می‌خواهیم, همکاری‌ها) without a space, and every layer keeps it. ``PERSIAN_LETTERS`` is the body of a regular
expression character class (``[{PERSIAN_LETTERS}]``): the Arabic-script letters Persian writes, with Persian
پ چ ژ ک گ ی ۀ and the hamza above (U+0654) that ۀ and ژانویهٔ carry. ``NON_JOINING`` are the letters that never join
the letter after them, so a ZWNJ after one of them is invisible and never needed.
"""

from __future__ import annotations

ZWNJ = "\u200c"
PERSIAN_LETTERS = "\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u06c0\u0654"
NON_JOINING = "اآأإٱدذرزژوؤة"
