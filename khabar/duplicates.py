"""Near-duplicates: MinHash signatures over word shingles of khabar's search terms, banded for LSH.

The same agency report is republished by many sites with small edits: another headline, an agency line added,
paragraphs reordered, a sentence dropped, ZWNJ deleted or spaced, Arabic ي/ك. Shingles are built from
:func:`khabar.text.terms.term_texts`, which already folds every orthographic variant (ي/ی, ک/ك, digit scripts,
diacritics, ZWNJ written, omitted or spaced, affixes written apart), so those variants give *identical*
signatures; the other edits only touch the few shingles that cross them.

Parameters (measured in ``bench/duplicates.py``, reported in docs/benchmarks.md):

- ``SHINGLE_WORDS = 5``: word 5-grams. Shorter shingles make different reports of one event (shared names,
  titles and set phrases such as «به گزارش خبرگزاری») look alike; longer ones let every small edit break more
  shingles. 5 separates republications from same-event reports best on the test set.
- ``NUM_PERM = 128`` permutations, ``BANDS × ROWS = 32 × 4``: the LSH turns a pair into a candidate with
  probability ``1 − (1 − J⁴)³²`` — 0.87 at J = 0.5, 0.99 at J = 0.6, 0.23 at J = 0.3 — and every candidate is
  then *verified* with the exact Jaccard of the two shingle sets, so false candidates cost time, never
  precision. 32 rows per article keep the band table small (see docs/schema.md).
- ``THRESHOLD = 0.5``: a pair is a duplicate when the exact Jaccard of its shingle sets is at least this.

Everything here is pure: the archive (``khabar/store/links.py``) stores signatures and band keys and asks these
functions what to compare.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
from datasketch import MinHash

SHINGLE_WORDS = 5
NUM_PERM = 128
BANDS = 32
ROWS = 4
THRESHOLD = 0.5
SEED = 1
SCHEME = "affine32"  # pinned: signatures are stored, so a datasketch default changing must not change them

assert BANDS * ROWS == NUM_PERM


def shingles(terms: Sequence[str], size: int = SHINGLE_WORDS) -> set[str]:
    """Word ``size``-grams of the terms (one shingle of all terms when there are fewer); empty for no terms."""
    if not terms:
        return set()
    if len(terms) <= size:
        return {" ".join(terms)}
    return {" ".join(terms[index : index + size]) for index in range(len(terms) - size + 1)}


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """Generated once per process: MinHash draws them from its seed on every construction otherwise."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(shingle_set: Iterable[str]) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of a shingle set."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations())
    minhash.update_batch([shingle.encode("utf-8") for shingle in shingle_set])
    return minhash.hashvalues


def signature_bytes(values: np.ndarray) -> bytes:
    """The stored form of a signature: little-endian uint32s."""
    return values.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4")


def band_keys(values: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (the band's number mixed in), for an indexed SQL column.

    Two articles are LSH candidates when they share a key; a key is a hash of the band's ``ROWS`` values, so
    a random collision between different bands or values has probability ~2⁻⁶⁴.
    """
    data = signature_bytes(values)
    width = ROWS * 4
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(
            data[band * width : (band + 1) * width], digest_size=8, person=band.to_bytes(2)
        )
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return keys


def estimated_jaccard(left: np.ndarray, right: np.ndarray) -> float:
    """The share of equal signature values: an unbiased estimate of the Jaccard similarity."""
    return float(np.count_nonzero(left == right)) / len(left)


def jaccard(left: set[str], right: set[str]) -> float:
    """Exact Jaccard similarity of two shingle sets (0 when both are empty)."""
    if not left or not right:
        return 0.0
    shared = len(left & right)
    return shared / (len(left) + len(right) - shared)


def candidate_probability(similarity: float, bands: int = BANDS, rows: int = ROWS) -> float:
    """The chance that LSH with these bands makes a pair of this Jaccard similarity a candidate."""
    return 1 - (1 - similarity**rows) ** bands
