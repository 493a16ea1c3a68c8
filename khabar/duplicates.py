"""Near-duplicates: MinHash signatures over shingles of khabar's search terms, banded for LSH.

The same agency report is republished by many sites with small edits: another headline, an agency line added,
paragraphs reordered, a sentence dropped, ZWNJ deleted or spaced, Arabic ي/ك. Shingles are built from
the words in khabar's search form (:func:`khabar.text.terms.fold`: ي/ی, ک/ك, digit scripts, diacritics and ZWNJ
folded). Word shingles of the search terms (``term_texts``) are not enough: a compound or an auxiliary written with
a ZWNJ, a space or nothing (``آتش‌نشانی``/``آتش نشانی``, ``گفته‌اند``/``گفته اند``) is one term or two, and the
stemmer strips «های» from ``هسته‌ای`` but not from ``هسته ای``, so a short report with its ZWNJ spaced kept only
J ≈ 0.6 of its word 5-grams. The shingles are therefore character n-grams of the *skeleton* — the folded words
concatenated without separators: every ZWNJ/space/ي/ک/digit variant of a text has the same skeleton, hence the
same shingles and the same signature. Other edits touch only the grams that cross them.

Parameters (measured in ``bench/duplicates.py``, reported in docs/benchmarks.md):

- ``SHINGLE_CHARS = 24`` characters of skeleton (about five words). Shorter grams make different reports of one
  event look alike (names, titles, set phrases); longer ones let each edit break more grams. On the labelled set
  12–30 characters all reach F1 ≥ 0.99; 24 separates best.
- ``SAMPLE_EVERY = 4``: only grams whose hash is divisible by 4 are kept. The choice depends on the gram alone,
  so two texts keep the same grams from what they share and the Jaccard of the samples estimates that of the full
  sets, with a quarter of the MinHash work (≈ 1,000 shingles for a 4,000-character article).
- ``NUM_PERM = 128`` permutations in ``BANDS × ROWS = 64 × 2``: a pair becomes an LSH candidate with probability
  ``1 − (1 − J²)⁶⁴`` — 0.99998 at J = 0.4, 0.998 at J = 0.3, 0.47 at J = 0.1. Each candidate is checked against
  its stored signature (cheap) and then with the *exact* Jaccard of the two shingle sets, so a false candidate
  costs time, never precision.
- ``THRESHOLD = 0.4``: a pair is a duplicate when the exact Jaccard of its shingle sets is at least this. On the
  labelled set different reports of one event reach J 0.38 (agencies quoting one government release) and heavily
  edited republications go down to J 0.31; 0.4 has the best F1 and leans to precision: a wrong "also published
  by" is worse than a missed one.

Everything here is pure: the archive (``khabar/store/links.py``) stores signatures and band keys and asks these
functions what to compare.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable
from functools import cache, lru_cache

import numpy as np
from datasketch import MinHash

from khabar.text.terms import fold

SHINGLE_CHARS = 24
SAMPLE_EVERY = 4
NUM_PERM = 128
BANDS = 64
ROWS = 2
THRESHOLD = 0.4
SEED = 1
SCHEME = "affine32"  # pinned: signatures are stored, so a datasketch default changing must not change them

assert BANDS * ROWS == NUM_PERM


_NOT_A_LETTER = re.compile(r"[\W_]+")
_MULTIPLIER = 0x100000001B3  # FNV-1a's 64-bit prime, odd: the polynomial hash of a gram, modulo 2⁶⁴
_MIX = np.uint64(0xFF51AFD7ED558CCD)  # MurmurHash3's finalizer constant


def skeleton(text: str) -> str:
    """The text's letters and digits in search form (folded, not stemmed), without separators.

    The same for every ZWNJ/space variant of a text. Not stemmed because stemming depends on where a word ends:
    ``هسته‌ای`` is one word whose «های» ending the stemmer strips, ``هسته ای`` two words it leaves alone.
    """
    return _NOT_A_LETTER.sub("", fold(text))


@lru_cache(maxsize=8)
def _powers(size: int) -> np.ndarray:
    return np.array([pow(_MULTIPLIER, size - 1 - index, 2**64) for index in range(size)], dtype=np.uint64)


def shingles(text: str, size: int = SHINGLE_CHARS, every: int = SAMPLE_EVERY) -> set[int]:
    """32-bit hashes of the skeleton's ``size``-character grams, those divisible by ``every`` (all when none is).

    A skeleton shorter than a gram is one shingle; a text without letters or digits has none. The grams are
    hashed all at once with numpy (a polynomial over the code points, then MurmurHash3's finalizer).
    """
    letters = skeleton(text)
    if not letters:
        return set()
    if len(letters) <= size:
        return {zlib.crc32(letters.encode("utf-8"))}
    codes = np.frombuffer(letters.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    grams = np.lib.stride_tricks.sliding_window_view(codes, size) @ _powers(size)
    grams ^= grams >> np.uint64(33)
    grams *= _MIX
    grams ^= grams >> np.uint64(33)
    hashes = (grams & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    sampled = hashes[hashes % every == 0]
    return set((sampled if len(sampled) else hashes).tolist())


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """Generated once per process: MinHash draws them from its seed on every construction otherwise."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(shingle_set: Iterable[int]) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of a shingle set (already 32-bit hashes)."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations(), hashfunc=int)
    minhash.update_batch(shingle_set)
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


def jaccard(left: set[int], right: set[int]) -> float:
    """Exact Jaccard similarity of two shingle sets (0 when both are empty)."""
    if not left or not right:
        return 0.0
    shared = len(left & right)
    return shared / (len(left) + len(right) - shared)


def candidate_probability(similarity: float, bands: int = BANDS, rows: int = ROWS) -> float:
    """The chance that LSH with these bands makes a pair of this Jaccard similarity a candidate."""
    return 1 - (1 - similarity**rows) ** bands
