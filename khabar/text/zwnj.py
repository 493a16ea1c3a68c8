"""ZWNJ restoration: put back the zero-width non-joiner that corpora lose (``میکنیم`` → ``می‌کنیم``,
``همکاری های`` → ``همکاری‌های``) and leave alone what is already right (``کشورها``, ``میز``, ``بیمار``).

The model (``training/zwnj.py``) counts how carefully edited text (UD PerDT) writes every word form, with
hazm's and shekar's word lists for coverage, learns which word parts follow or precede a ZWNJ (``های``, ``اند``,
``شناسی``; ``می``, ``بی``), and trains two small perceptrons: the boundary classifier for letter boundaries
inside unseen words, the junction classifier for spaces between words. First the writer is read
(:func:`writer_regime`): a text with ZWNJ is *careful*, one that writes apart word parts edited text never
writes alone (``می کنم``, ``رفته اند``) is *spaced* (its ZWNJ became spaces), any other has *joined* (lost) them.
Then, word by word:

- A token written as one word is kept by careful and spaced writers: they chose to write it so.
- For a joined writer it takes the spelling edited text prefers (``همکاریهای`` → ``همکاری‌های``) when that
  spelling is clearly more frequent than the token as written; PerDT's evidence outranks the word lists. An
  unseen token is split into known parts around learned affixes (``روانگردانهای`` → ``روانگردان‌های``); what is
  left goes to the boundary classifier.
- Tokens separated by a space are joined when one is an affix written apart (``همکاری ها``, ``می کنیم``), when
  edited text writes the pair as one word more often than apart (``بین الملل`` → ``بین‌الملل``), or when the
  junction classifier reads the space as a lost ZWNJ (``قصه نویس``): readily for a spaced writer, only when very
  sure for a joined one, never for a careful one.

:func:`edits` only inserts, deletes or replaces spaces and ZWNJ, so the normalizer's offset map stays exact.
"""

from __future__ import annotations

import gzip
import math
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources

from khabar.text.alphabet import NON_JOINING, PERSIAN_LETTERS, ZWNJ

WORD_RUN = re.compile(
    rf"[{PERSIAN_LETTERS}][{PERSIAN_LETTERS}{ZWNJ}]*(?: [{PERSIAN_LETTERS}][{PERSIAN_LETTERS}{ZWNJ}]*)*"
)

PREVERBS = frozenset({"بر", "در", "فرو", "فرا", "باز", "وا", "ور"})  # برمی‌گردد، فرومی‌ریزد
PREFIX_WORDS = frozenset({"می", "نمی"})  # standing alone, these are a verb prefix written apart
PLURAL_SUFFIXES = ("هایشان", "هایتان", "هایمان", "هایی", "هایم", "هایت", "هایش", "های", "ها")
SUFFIX_WORDS = frozenset(PLURAL_SUFFIXES)  # standing alone, a plural suffix written apart
COMPARATIVE_SUFFIXES = ("ترین", "تری", "تر")
CLITICS = ("اند", "ایم", "اید", "ای", "ام", "اش", "ات")  # after final ه or ی: خانه‌ای، انسانی‌اند
POSSESSIVES = ("شان", "تان", "مان")  # joined except after final ه: خانه‌شان but کتابشان
INFLECTIONS = frozenset((*PLURAL_SUFFIXES, *COMPARATIVE_SUFFIXES, *CLITICS, *POSSESSIVES))
PERSON_ENDINGS = ("یم", "ید", "ند", "م", "د")
VERB_ENDINGS = ("یم", "ید", "ند", "م", "ی", "د", "ه", "")

# Tuned on PerDT dev (never on test) for ZWNJ F1 with next to no damage to text that is already right.
REWRITE_RATIO = 2.0  # a spelling replaces the written one only when this much more frequent
LIST_WEIGHT = 0.5  # how much one word-list pseudo-count counts against one PerDT occurrence
MIN_CORE = 2.0  # evidence a word needs to carry a prefix or suffix
LISTED_WORD = 0.5  # a joined token the word lists know this well is left as it is
MIN_PART = 5  # edited-text ZWNJ occurrences a word part needs before it is split off
AFFIX_MIN = 10  # ... and before a part written apart is joined back (باستان شناسی)
AFFIX_FACTOR = 5  # ... which it must be this many times more often than written as a word of its own
AFFIX_RATIO = 0.8  # ... and with a ZWNJ rather than joined at least this share of the time
RARE = 1  # a joined spelling seen this rarely in edited text yields to a strong analysis
STRONG = 100  # support an analysis needs to overrule a rare joined spelling
CLASSIFIER_MARGIN = 0.5
CAREFUL, SPACED, JOINED = "careful", "spaced", "joined"
COUNT_STEPS = (2, 5, 20, 100, 1000)  # the junction classifier's count buckets (see _count_bucket)
# Endings stripped to find the part a word adds to a compound (نظریه پردازانی: پرداز) or to know it (تعادلی: تعادل).
INFLECTION_ENDINGS = ("هایی", "های", "ها", "ترین", "تر", "انی", "ان", "ند", "ی")
# The junction classifier is asked only next to a word part seen this often beside a ZWNJ, and at least this
# share of the times edited text wrote it at all; in a text whose spaces are real, only next to true affixes.
PAIR_GATES = {SPACED: (2, 0.01), JOINED: (5, 0.1)}
# How sure the junction classifier must be to join two words written apart: in a text that writes affixes apart
# (its ZWNJ became spaces) fairly sure; in one that has simply lost its ZWNJ, its spaces are real and it must be
# very sure (perceptron score units; on dev 16 and 20 read joined text alike, 16 finds two more spaced joins).
JUNCTION_MARGIN = {SPACED: 0.0, JOINED: 16.0}
BOUND_MIN = 50  # a word part seen this often beside a ZWNJ ...
BOUND_SHARE = 0.02  # ... and at most this share of that alone: standing alone, it shows a spaced writer
RELIABLE_MIN = 300  # a suffix seen this often after a ZWNJ ...
RELIABLE_RATIO = 0.95  # ... and this reliably may follow a word never seen (حوثی‌های)
MIN_RATIO = 0.6
CLITIC_RATIO = 0.9
COMPOUND_RATIO = 0.9  # a compound part (شناسی، نامه، هم) must take a ZWNJ this reliably to be split off
COMPOUND_MIN = 20  # ... and have been seen after or before a ZWNJ this often
MIN_CLITIC_CORE = 3  # letters a word needs before a clitic (ره + ایم is not رهایم)
MIN_COMPARATIVE_CORE = 2  # edited-text occurrences a word needs before تر/ترین (not هان + تر)
MIN_TOGETHER = 2  # edited-text occurrences of a multiword spelling before words written apart are joined
# No Persian word is this long (the lexicon's longest is 22 letters): a longer token is kept as written, and a word
# stops taking affixes written apart once this long. Segmenting a token costs time quadratic in its length, so
# this bound keeps restoration linear in the text's length whatever a text holds (issue 13).
LONGEST_WORD = 100


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """How edited text writes words where they meet: what the junction classifier looks up. Training passes
    counts that leave out the sentences it is learning from (otherwise every pair would look seen before);
    run time passes the whole of PerDT train. Build it with :meth:`of`."""

    alone: Mapping[str, int]  # written as a word of its own
    after: Mapping[str, int]  # written after a ZWNJ (شناسی in باستان‌شناسی)
    before: Mapping[str, int]  # written before a ZWNJ (باستان)
    together: Mapping[tuple[str, str], int]  # the two written as one word with a ZWNJ between them
    apart: Mapping[tuple[str, str], int]  # the two written as neighbouring words
    listed: Mapping[str, float]  # word-list pseudo-counts (hazm): independent of PerDT
    compounds: frozenset[str]  # spellings with ZWNJ the word lists know (hazm, shekar)
    past_stems: frozenset[str]
    present_stems: frozenset[str]
    listed_after: Mapping[str, int]  # listed compounds with this part after a ZWNJ (…‌نویس)
    listed_before: Mapping[str, int]  # ... and before one

    @classmethod
    def of(
        cls,
        alone: Mapping[str, int],
        after: Mapping[str, int],
        before: Mapping[str, int],
        together: Mapping[tuple[str, str], int],
        apart: Mapping[tuple[str, str], int],
        listed: Mapping[str, float],
        compounds: frozenset[str],
        past_stems: frozenset[str],
        present_stems: frozenset[str],
    ) -> PairEvidence:
        listed_after, listed_before = _compound_parts(compounds)
        return cls(
            alone, after, before, together, apart, listed, compounds, past_stems, present_stems,
            listed_after, listed_before,
        )  # fmt: skip

    def asked(self, left: str, right: str) -> bool:
        """Whether the pair is worth a question in a spaced text: a ZWNJ can follow ``left``, and edited text
        puts one before ``right`` or after ``left`` often enough (:data:`PAIR_GATES`)."""
        return left[-1] not in NON_JOINING and (
            _beside_zwnj(self.after, self.alone, right, SPACED)
            or _beside_zwnj(self.before, self.alone, left, SPACED)
        )


def _beside_zwnj(beside: Mapping[str, int], alone: Mapping[str, int], part: str, regime: str) -> bool:
    """Whether edited text writes ``part`` beside a ZWNJ often enough for the regime's gate (PAIR_GATES)."""
    least, share = PAIR_GATES[regime]
    count = beside.get(part, 0)
    return count >= least and count >= share * (count + alone.get(part, 0))


def _compound_parts(compounds: frozenset[str]) -> tuple[dict[str, int], dict[str, int]]:
    """How many listed compounds have each part after a ZWNJ and before one (نویس in …‌نویس): the lists'
    own evidence about unseen compounds, independent of PerDT."""
    after: dict[str, int] = {}
    before: dict[str, int] = {}
    for form in compounds:
        parts = form.split(ZWNJ)
        for part in parts[1:]:
            after[part] = after.get(part, 0) + 1
        for part in parts[:-1]:
            before[part] = before.get(part, 0) + 1
    return after, before


NO_PAIRS = PairEvidence.of({}, {}, {}, {}, {}, {}, frozenset(), frozenset(), frozenset())


@dataclass(frozen=True, slots=True)
class Lexicon:
    edited: dict[str, int]  # written form → occurrences in edited text (PerDT)
    listed: dict[str, float]  # written form → pseudo-count from word lists
    spellings: dict[str, tuple[str, ...]]  # key (form without ZWNJ) → its written forms
    apart: dict[str, int]  # multiword key → occurrences written as separate words in edited text
    tails: dict[str, tuple[int, int]]  # word end → (written after a ZWNJ, written joined) in edited text
    heads: dict[str, tuple[int, int]]  # word start → (written before a ZWNJ, written joined)
    past_stems: frozenset[str]
    present_stems: frozenset[str]
    verb_forms: frozenset[str] = frozenset()  # what edited text writes after می‌/نمی‌ (دمد، چرخیدند)
    affix_tails: frozenset[str] = frozenset()  # tokens that may be a suffix written apart
    affix_heads: frozenset[str] = frozenset()  # tokens that may be a prefix written apart
    joinable: frozenset[tuple[str, ...]] = frozenset()  # word groups edited text writes as one word with ZWNJ
    joinable_eager: frozenset[tuple[str, ...]] = frozenset()  # ... even if only once
    join_firsts: frozenset[str] = frozenset()  # the first words of those groups
    weights: dict[str, float] = field(default_factory=dict)  # boundary classifier (see boundary_features)
    pairs: PairEvidence = NO_PAIRS  # what the junction classifier looks up
    pair_weights: dict[str, float] = field(default_factory=dict)  # junction classifier (junction_features)
    side_scores: dict[str, tuple[float, float]] = field(default_factory=dict)  # word → its left, right score
    pair_range: tuple[float, float] = (0.0, 0.0)  # the least and the most pair_features can add to a score
    unseen_pair_score: float = 0.0  # what they add for a pair edited text and the lists never wrote
    bound_parts: frozenset[str] = frozenset()  # parts edited text all but never writes alone (writer_regime)
    lost_zwnj: frozenset[str] = frozenset()  # words written as one that edited text spells with a ZWNJ
    key_evidence: dict[str, float] = field(default_factory=dict)  # key → evidence of all its spellings
    settled: frozenset[str] = frozenset()  # words edited text only ever spells one way: nothing to decide
    asked_firsts: dict[str, frozenset[str]] = field(default_factory=dict)  # regime → words to ask about first
    asked_seconds: dict[str, frozenset[str]] = field(default_factory=dict)  # ... and second (PAIR_GATES)
    join_next: dict[str, frozenset[str]] = field(
        default_factory=dict
    )  # first word → second words of joinable
    join_next_eager: dict[str, frozenset[str]] = field(default_factory=dict)

    def evidence(self, form: str) -> float:
        return self.edited.get(form, 0) + LIST_WEIGHT * self.listed.get(form, 0.0)


@cache
def lexicon() -> Lexicon:
    """Load the shipped model once per process."""
    return load_lexicon(resources.files("khabar.lang.fa.data").joinpath("zwnj_lexicon.tsv.gz").read_bytes())


def load_lexicon(data: bytes) -> Lexicon:
    """Read a model file (``training/zwnj.py`` writes it)."""
    edited: dict[str, int] = {}
    listed: dict[str, float] = {}
    spellings: dict[str, list[str]] = {}
    apart: dict[str, int] = {}
    stems: dict[str, frozenset[str]] = {}
    tables: dict[str, dict[str, tuple[int, int]]] = {}
    weights: dict[str, float] = {}
    pair_weights: dict[str, float] = {}
    parts: dict[str, tuple[int, int]] = {}
    sides: dict[str, tuple[float, float]] = {}
    neighbours: dict[str, dict[tuple[str, str], int]] = {}
    compounds: set[str] = set()
    key_evidence: dict[str, float] = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        fields = line.split("\t")
        if line[0] != "#":  # a form: most lines
            form, in_edited, in_lists = fields[0], int(fields[1]), float(fields[2])
            if in_edited:
                edited[form] = in_edited
            if in_lists:
                listed[form] = in_lists
                if ZWNJ in form:
                    compounds.add(form)
            if len(fields) > 3:  # flagged as a compound of shekar's list
                compounds.add(form)
            key = form.replace(ZWNJ, "")
            spellings.setdefault(key, []).append(form)
            key_evidence[key] = key_evidence.get(key, 0.0) + in_edited + LIST_WEIGHT * in_lists
        elif fields[0] == "#apart":
            apart = {
                key: int(count) for key, _, count in (item.rpartition(":") for item in fields[1].split())
            }
        elif fields[0] in ("#tails", "#heads"):
            tables[fields[0]] = {
                part: (int(apart), int(joined))
                for part, apart, joined in (item.rsplit(":", 2) for item in fields[1].split())
            }
        elif fields[0] == "#parts":
            parts = {
                part: (int(after), int(before))
                for part, after, before in (item.rsplit(":", 2) for item in fields[1].split())
            }
        elif fields[0] == "#sides":
            sides = {
                word: (float(left), float(right))
                for word, left, right in (item.split(":") for item in fields[1].split())
            }
        elif fields[0] in ("#together", "#apart_pairs"):
            neighbours[fields[0]] = {
                tuple(pair.split(" ", 1)): int(count)  # type: ignore[misc]  # the lexicon writes two words
                for pair, _, count in (item.rpartition(":") for item in fields[1:])
            }
        elif fields[0] in ("#weights", "#pair_weights"):
            table = {feature: float(weight) for feature, _, weight in (i.rpartition(":") for i in fields[1:])}
            if fields[0] == "#weights":
                weights = table
            else:
                pair_weights = table
        elif fields[0] in ("#past", "#present"):
            stems[fields[0]] = frozenset(fields[1].split())
    model = Lexicon(
        edited,
        listed,
        {key: tuple(forms) for key, forms in spellings.items()},
        apart,
        tables["#tails"],
        tables["#heads"],
        stems["#past"],
        stems["#present"],
    )
    affix_tails = {t for t in model.tails if _affix_like(model, model.tails, t)} | SUFFIX_WORDS | set(CLITICS)
    affix_tails |= {*POSSESSIVES, "تر", "ترین"}  # attached by _join_affix where grammar allows
    affix_heads = {h for h in model.heads if _affix_like(model, model.heads, h)} | PREFIX_WORDS
    joinable = {tuple(form.split(ZWNJ)) for form, n in edited.items() if ZWNJ in form and n >= MIN_TOGETHER}
    joinable_eager = {tuple(form.split(ZWNJ)) for form in edited if ZWNJ in form}
    verb_forms = {form.split(ZWNJ, 1)[1] for form in edited if form.startswith(("می" + ZWNJ, "نمی" + ZWNJ))}
    model = replace(
        model,
        verb_forms=frozenset(verb_forms),
        affix_tails=frozenset(affix_tails),
        affix_heads=frozenset(affix_heads),
        joinable=frozenset(joinable),
        joinable_eager=frozenset(joinable_eager),
        join_firsts=frozenset(group[0] for group in joinable_eager),
        weights=weights,
        key_evidence=key_evidence,
        pairs=PairEvidence.of(
            alone=edited,
            after={part: after for part, (after, _) in parts.items() if after},
            before={part: before for part, (_, before) in parts.items() if before},
            together=neighbours.get("#together", {}),
            apart=neighbours.get("#apart_pairs", {}),
            listed=listed,
            compounds=frozenset(compounds),
            past_stems=model.past_stems,
            present_stems=model.present_stems,
        ),
        pair_weights=pair_weights,
        side_scores=sides,
        pair_range=_feature_range(pair_weights, "P"),
        unseen_pair_score=pair_weights.get("Pbias", 0.0) + pair_weights.get("Pseen:0/0", 0.0),
    )
    evidence = model.pairs
    firsts = {
        regime: frozenset(p for p in evidence.before if _beside_zwnj(evidence.before, edited, p, regime))
        for regime in PAIR_GATES
    }
    seconds = {
        regime: frozenset(p for p in evidence.after if _beside_zwnj(evidence.after, edited, p, regime))
        for regime in PAIR_GATES
    }
    return replace(
        model,
        settled=frozenset(
            forms[0] for forms in model.spellings.values() if len(forms) == 1 and forms[0] in edited
        ),
        asked_firsts=firsts,
        asked_seconds=seconds,
        join_next=_next_words(model.joinable),
        join_next_eager=_next_words(model.joinable_eager),
        bound_parts=_bound_parts(edited, parts),
        lost_zwnj=_lost_zwnj_forms(edited),
    )


def _next_words(groups: frozenset[tuple[str, ...]]) -> dict[str, frozenset[str]]:
    following: dict[str, set[str]] = {}
    for group in groups:
        following.setdefault(group[0], set()).add(group[1])
    return {first: frozenset(words) for first, words in following.items()}


def _feature_range(weights: dict[str, float], prefix: str) -> tuple[float, float]:
    """The least and the most that features named ``prefix…`` can add to a score: one feature of each kind
    (``Pseen:…``) fires at most once, and any may be absent."""
    kinds: dict[str, list[float]] = {}
    for feature, weight in weights.items():
        if feature.startswith(prefix):
            kinds.setdefault(feature.split(":", 1)[0], [0.0]).append(weight)
    return sum(min(values) for values in kinds.values()), sum(max(values) for values in kinds.values())


def _lost_zwnj_forms(edited: dict[str, int]) -> frozenset[str]:
    """Words written as one that edited text spells with a ZWNJ, and clearly so (میکنیم): in a text without
    ZWNJ they show a writer who lost them."""
    best: dict[str, int] = {}
    for form, count in edited.items():
        if ZWNJ in form and count >= MIN_TOGETHER:
            key = form.replace(ZWNJ, "")
            best[key] = max(best.get(key, 0), count)
    return frozenset(key for key, count in best.items() if REWRITE_RATIO * edited.get(key, 0) < count)


def _bound_parts(edited: dict[str, int], parts: dict[str, tuple[int, int]]) -> frozenset[str]:
    """Word parts that edited text writes next to a ZWNJ often and all but never as words of their own (ها،
    می، اند، ترین، شناسی): standing alone in a text without ZWNJ, they show a writer whose ZWNJ became spaces."""
    return frozenset(
        part
        for part, (after, before) in parts.items()
        if after + before >= BOUND_MIN and edited.get(part, 0) <= BOUND_SHARE * (after + before)
    )


def edits(text: str) -> list[tuple[int, int, str]]:
    """Edits that restore ZWNJ in every run of Persian words of ``text``, read as :func:`writer_regime` tells."""
    matches = list(WORD_RUN.finditer(text))
    runs = [match.group() for match in matches]
    writer = writer_regime(text, runs)
    found: list[tuple[int, int, str]] = []
    for match, run in zip(matches, runs, strict=True):
        offset = match.start()
        for start, _end, old, new in restore_run(run, writer):
            found.extend(
                (offset + start + s, offset + start + e, piece) for s, e, piece in _separator_edits(old, new)
            )
    return found


def writer_regime(text: str, runs: list[str]) -> str:
    """How the writer of ``text`` (its runs of Persian words) treats ZWNJ, from what the text shows.

    - ``careful``: it has ZWNJ inside words; its writer uses them, so the words they joined or wrote apart are
      their spelling: only affixes that never stand alone (ها، می) are attached.
    - ``spaced``: it writes apart word parts that edited text all but never writes alone (می کنم، کتاب ها، رفته
      اند) and more kinds of them than words edited text spells with a ZWNJ written as one (میکنیم): its ZWNJ
      became spaces, so words written apart are joined more readily, and words written as one were meant so.
    - ``joined``: any other: its ZWNJ were lost, its spaces are real, and words are joined only on strong
      evidence.
    """
    if ZWNJ in text:
        return CAREFUL
    model = lexicon()
    words = " ".join(runs).split(" ")
    apart = model.bound_parts.intersection(words)
    if not apart:
        return JOINED
    return SPACED if _more_apart_than(runs, apart, len(model.lost_zwnj.intersection(words))) else JOINED


def _more_apart_than(runs: list[str], parts: frozenset[str], lost: int) -> bool:
    """Whether more than ``lost`` kinds of ``parts`` stand where joining them to a neighbour takes a ZWNJ.
    ``کشور ها`` shows nothing: joined, it leaves no trace (``کشورها``), and the normalized text would be read
    differently next time."""
    found = set()
    for run in runs:
        tokens = run.split(" ")
        for index, token in enumerate(tokens):
            if token in parts and (
                (index and tokens[index - 1][-1] not in NON_JOINING)
                or (index + 1 < len(tokens) and token[-1] not in NON_JOINING)
            ):
                found.add(token)
                if len(found) > lost:
                    return True
    return False


def restore_run(run: str, regime: str = "joined") -> list[tuple[int, int, str, str]]:
    """Changes to a run of words separated by single spaces: ``(start, end, old, new)`` per changed word.

    ``regime`` is what :func:`writer_regime` found out about the writer: ``careful`` (uses ZWNJ), ``spaced``
    (writes affixes apart: ZWNJ became spaces) or ``joined`` (ZWNJ simply lost).
    """
    model = lexicon()
    careful, eager = regime == CAREFUL, regime == SPACED
    joinable = model.joinable_eager if eager else model.joinable
    tails, heads, firsts = model.affix_tails, model.affix_heads, model.join_firsts
    if careful:
        tails, heads, firsts = SUFFIX_WORDS, PREFIX_WORDS, frozenset()
    follows = {} if careful else model.join_next_eager if eager else model.join_next
    asked_firsts = model.asked_firsts.get(regime, frozenset())  # the junction classifier's gate (_lost_zwnj)
    asked_seconds = model.asked_seconds.get(regime, frozenset())
    # Only a writer who lost ZWNJ gets words written as one respelled; careful and spaced writers meant them so.
    respell, settled = regime == JOINED, model.settled
    tokens = run.split(" ")
    tokens.append("")  # a sentinel: no word follows the last one
    count = len(tokens) - 1
    changes: list[tuple[int, int, str, str]] = []
    index = position = 0
    word: str | None  # a token's spelling, or None while no joined spelling was found
    while index < count:
        token = tokens[index]
        following = tokens[index + 1]
        if (
            token not in heads
            and following not in tails
            and following not in follows.get(token, ())
            and (
                (token not in asked_firsts and following not in asked_seconds)
                or not _lost_zwnj(token, following, regime)
            )
        ):
            # The common case: a word on its own. Settled words need no look at all.
            if respell and token not in settled and (spelled := spell(token)) != token:
                changes.append((position, position + len(token), token, spelled))
            position += len(token) + 1
            index += 1
            continue
        size, word = 1, None
        if index + 1 < count and (token in firsts or token in heads or tokens[index + 1] in tails):
            for candidate in (3, 2):
                group = tuple(tokens[index : index + candidate])
                if len(group) == candidate and (
                    (group in joinable and not careful)
                    or (candidate == 2 and (group[1] in tails or token in heads))
                ):
                    word = _join_affix(model, *group) if careful else join(group, eager)
                    if word is not None:
                        size = candidate
                        break
        if word is None:
            word = spell(token) if respell else token
        # Affixes and word parts written apart keep attaching: بی رحمی هایم → بی‌رحمی‌هایم.
        while index + size < count and len(word) <= LONGEST_WORD:
            following = tokens[index + size]
            longer = _join_affix(model, word, following) if following in tails else None
            if longer is None and _lost_zwnj(tokens[index + size - 1], following, regime):
                longer = word + ZWNJ + following
            if longer is None:
                break
            word, size = longer, size + 1
        old = token if size == 1 else " ".join(tokens[index : index + size])
        if word != old:
            changes.append((position, position + len(old), old, word))
        position += len(old) + 1
        index += size
    return changes


@lru_cache(maxsize=100_000)
def join(tokens: tuple[str, ...], eager: bool = False) -> str | None:
    """The spelling of space-separated tokens as one word, or ``None`` when they stay apart. ``eager`` for a
    writer whose ZWNJ became spaces: weaker evidence is enough."""
    model = lexicon()
    if len(tokens) == 2 and (joined := _join_affix(model, *tokens)) is not None:
        return joined
    key = "".join(token.replace(ZWNJ, "") for token in tokens)
    known = _preferred(model, key)
    if known is None or not _joined_at_junctions(known, tokens):
        return None
    together = sum(model.edited.get(form, 0) for form in model.spellings[key])
    apart = model.apart.get(key, 0)
    if together >= (1 if eager else MIN_TOGETHER) and together > apart:
        return known
    return None


@lru_cache(maxsize=100_000)
def _lost_zwnj(left: str, right: str, regime: str) -> bool:
    """Whether the junction classifier reads the space between two words as a lost ZWNJ, as sure as the
    writer's regime asks (JUNCTION_MARGIN; a careful writer's spaces are meant)."""
    if regime == CAREFUL or left[-1] in NON_JOINING or left in PREFIX_WORDS:
        return False  # grammar, not the classifier, says when می is a prefix: before a verb (_join_affix)
    model = lexicon()
    if left not in model.asked_firsts[regime] and right not in model.asked_seconds[regime]:
        return False
    first, second = _side_score(model, left, 0), _side_score(model, right, 1)
    if first is None or second is None:
        return False  # a word neither PerDT nor the lists know is mostly a name: never glued (برنامه کوربین)
    margin = JUNCTION_MARGIN[regime]
    words = first + second
    lowest, highest = model.pair_range
    if words + highest <= margin or words + lowest > margin:
        return words + lowest > margin  # whatever the pair's own features say, the answer is the same
    return words + _pair_score(model, left, right) > margin


def _join_affix(model: Lexicon, left: str, right: str) -> str | None:
    """A prefix or suffix written apart from its word: همکاری ها، می کنیم، خانه ای، باستان شناسی."""
    glue = "" if left[-1] in NON_JOINING else ZWNJ
    if right in SUFFIX_WORDS:
        return left + glue + right
    if left in PREFIX_WORDS or (left.endswith("می") and left[:-2] in PREVERBS):
        verb = right.replace(ZWNJ, "")
        return left + ZWNJ + right if _is_verb(model, verb) or _unseen_verb(model, verb) else None
    if not glue:
        return None
    if right in POSSESSIVES:
        return left + glue + right if left[-1] == "ه" and len(left) >= MIN_CLITIC_CORE else None
    if right in CLITICS:
        return left + glue + right if _may_take_clitic(left, right) else None
    if right in ("تر", "ترین") and _edited(model, left) >= MIN_COMPARATIVE_CORE:
        return left + glue + right  # وخیم تر، آهسته ترین
    if ZWNJ in left + right:
        return None
    if (
        _affix_like(model, model.tails, right)
        and _evidence(model, left) >= MIN_CORE
        and not _verbal(model, right)
    ):
        return left + glue + right
    if (
        _affix_like(model, model.heads, left)
        and _evidence(model, right) >= MIN_CORE
        and not _verbal(model, right)
    ):
        return left + glue + right
    return None


def _unseen_verb(model: Lexicon, word: str) -> bool:
    """A word the lexicon hardly knows that ends like a conjugated verb: after می written apart it is one
    (می نکوهیم، می لغزاندند), as after a joined می (see :func:`_unseen_but_regular`)."""
    return len(word) >= 3 and word.endswith(PERSON_ENDINGS) and _evidence(model, word) < MIN_CORE


def _edited(model: Lexicon, key: str) -> int:
    return sum(model.edited.get(form, 0) for form in model.spellings.get(key, ()))


def _verbal(model: Lexicon, word: str) -> bool:
    """A verb form or a bare present stem (توان، کن): such parts are words of their own after a space."""
    return word in model.present_stems or _is_verb(model, word)


def _affix_like(model: Lexicon, table: dict[str, tuple[int, int]], part: str) -> bool:
    """A part edited text attaches with a ZWNJ far more often than it writes it as a word: شناسی، گرا، بی."""
    apart, joined = table.get(part, (0, 0))
    alone = model.edited.get(part, 0)
    return (
        apart >= AFFIX_MIN and apart > AFFIX_FACTOR * (alone + 1) and apart >= AFFIX_RATIO * (apart + joined)
    )


def _evidence(model: Lexicon, key: str) -> float:
    """How well edited text and the word lists know a word, whatever its spelling (computed once at load)."""
    return model.key_evidence.get(key, 0.0)


def _joined_at_junctions(form: str, tokens: tuple[str, ...]) -> bool:
    """Words join only with a ZWNJ where the space was (بین الملل → بین‌الملل); dropping a space outright
    makes another word too often (و زیر → وزیر، شیر از → شیراز), and so does moving the boundary."""
    if any(token[-1] in NON_JOINING for token in tokens[:-1]):
        return False
    return form == ZWNJ.join(tokens)


@lru_cache(maxsize=200_000)
def spell(token: str) -> str:
    """The spelling of one token: as written when it has a ZWNJ, is longer than any word (:data:`LONGEST_WORD`)
    or is itself a common spelling."""
    if ZWNJ in token or len(token) > LONGEST_WORD:
        return token
    model = lexicon()
    if token in model.edited:
        preferred = max(model.spellings[token], key=lambda form: model.edited.get(form, 0))
        if model.edited.get(preferred, 0) > REWRITE_RATIO * model.edited[token]:
            return preferred
        if (
            model.edited[token] <= RARE
            and (analyzed := _analyze(token)) is not None
            and analyzed[1] >= STRONG
        ):
            return analyzed[0]  # a joined plural seen once is a slip of the corpus, not its spelling
        return token
    if model.listed.get(token, 0.0) >= LISTED_WORD:
        return token  # a word in its own right (شاهزاده، خونسرد), even if lists also know a ZWNJ spelling
    listed = max(model.spellings.get(token, ()), key=model.evidence, default=None)
    if listed is not None and ZWNJ in listed:
        return listed  # the word lists spell it with a ZWNJ (هم‌نوع)
    analyzed = _analyze(token)  # unseen, or only barely listed as joined (سگهای)
    return analyzed[0] if analyzed is not None else classify(token)


def _preferred(model: Lexicon, key: str) -> str | None:
    forms = model.spellings.get(key)
    if not forms:
        return None
    return max(forms, key=lambda form: (model.edited.get(form, 0), model.evidence(form)))


@lru_cache(maxsize=200_000)
def _analyze(key: str, depth: int = 0) -> tuple[str, float] | None:
    """Spell an unseen word as known parts around a ZWNJ: the best-supported (spelling, support).

    Parts come from the learned tables: a word end that edited text writes after a ZWNJ far more often than
    joined (``های``, ``اند``, ``شناسی``) or a word start written before one (``می``, ``بی``, ``خانه``), next to
    a known word. Support grows with how reliably the part takes a ZWNJ and how well both sides are attested.
    """
    if len(key) > LONGEST_WORD:
        return None
    model = lexicon()
    best: tuple[str, float] | None = None
    for cut in range(2, len(key) - 1):
        head, tail = key[:cut], key[cut:]
        glue = "" if head[-1] in NON_JOINING else ZWNJ  # یادهای needs no ZWNJ: د never joins
        for counts, other, other_is_head in (
            (model.tails.get(tail), head, True),
            (model.heads.get(head), tail, False),
        ):
            if counts is None:
                continue
            apart, joined = counts
            ratio = apart / (apart + joined + 1)
            if tail in CLITICS and other_is_head and _may_take_clitic(head, tail):
                ratio = max(ratio, CLITIC_RATIO)  # the table mixes in ام of کتابم; after ه or ی it is ‌ام
            inflection = tail in INFLECTIONS and other_is_head
            if ratio < (MIN_RATIO if inflection else COMPOUND_RATIO) or apart < (
                MIN_PART if inflection else COMPOUND_MIN
            ):
                continue
            spelled = _known_core(model, other) or _unseen_but_regular(model, head, tail, other_is_head)
            if spelled is None and depth == 0:
                inner = _analyze(other, 1)
                spelled = (inner[0], 1.0) if inner is not None else None
            if spelled is None or not _allowed(model, head, tail):
                continue
            other_form, evidence = spelled
            form = other_form + glue + tail if other_is_head else head + glue + other_form
            support = ratio * math.sqrt(apart * evidence)
            if best is None or support > best[1]:
                best = (form, support)
    return best


def _unseen_but_regular(
    model: Lexicon, head: str, tail: str, other_is_head: bool
) -> tuple[str, float] | None:
    """An unseen word is enough where grammar makes the ZWNJ all but certain: a verb after می (می‌چرخیدند،
    even one never seen: می‌دمد), a plural or clitic after final ه (زرافه‌ها، پنداشته‌اید), a clitic after ی
    (صندلی‌ام), and the plural suffixes (حوثی‌های، مشعل‌ها)."""
    if not other_is_head:
        if _is_verb(model, tail) or (len(tail) >= 3 and tail.endswith(PERSON_ENDINGS)):
            return tail, 1.0
        return None
    if len(head) < MIN_CLITIC_CORE:
        return None
    if (
        tail in CLITICS
        and _may_take_clitic(head, tail)
        and (head[-1] == "ی" or head[:-1] in model.past_stems)
    ):
        return head, 1.0  # ایمنی‌ام، پنداشته‌اید (but کنتورهای is کنتور + های, not کنتوره + ای)
    if tail in SUFFIX_WORDS:
        return head, 1.0 if head[-1] == "ه" else 0.5
    apart, joined = model.tails.get(tail, (0, 0))
    if apart >= RELIABLE_MIN and apart >= RELIABLE_RATIO * (apart + joined):
        return head, 0.5
    return None


def _allowed(model: Lexicon, head: str, tail: str) -> bool:
    """Grammar the tables cannot see: می only prefixes verbs and verbs follow only می; بی never prefixes a
    verb; clitics and possessives follow ه (or ی); تر follows words edited text knows."""
    if head in PREFIX_WORDS or (head.endswith("می") and (head[:-2] in PREVERBS or head[:-3] in PREVERBS)):
        return _is_verb(model, tail)
    if _is_verb(model, tail) and tail not in CLITICS:
        return False
    if head == "بی":
        return True
    if tail in CLITICS:
        return _may_take_clitic(head, tail)
    if tail in POSSESSIVES:
        return head[-1] == "ه" and len(head) >= MIN_CLITIC_CORE
    if tail in COMPARATIVE_SUFFIXES:
        return (
            sum(model.edited.get(form, 0) for form in model.spellings.get(head, ())) >= MIN_COMPARATIVE_CORE
        )
    return True


def _known_core(model: Lexicon, key: str) -> tuple[str, float] | None:
    weight = _evidence(model, key)
    if weight < MIN_CORE:
        return None
    return max(model.spellings[key], key=model.evidence), weight


def _is_verb(model: Lexicon, rest: str) -> bool:
    """A past stem with any person ending (رفت، رفتند) or a present stem with one (روند، روم)."""
    return rest in model.verb_forms or _conjugated(model.past_stems, model.present_stems, rest)


def _conjugated(past_stems: frozenset[str], present_stems: frozenset[str], word: str) -> bool:
    """A verb stem from the word lists with a person ending: the grammar part of :func:`_is_verb`."""
    for ending in VERB_ENDINGS:
        if word.endswith(ending):
            stem = word[: len(word) - len(ending)]
            if stem in past_stems or (ending and ending != "ه" and stem in present_stems):
                return True
            if ending and stem.endswith("ان") and stem[:-2] in present_stems:  # causative: می‌خوابانند
                return True
    return False


def _may_take_clitic(core: str, clitic: str) -> bool:
    """Clitics attach with a ZWNJ after final ه (خانه‌ای) or ی (انسانی‌اند); ـیات is an Arabic plural."""
    if len(core) < MIN_CLITIC_CORE or core[-1] not in "هی":
        return False
    return not (core[-1] == "ی" and clitic == "ات")


def boundary_features(model: Lexicon, key: str, cut: int) -> list[str]:
    """What the boundary classifier sees at one letter boundary of a word: the letters around it, whether the
    parts are known words, how the learned tables treat them, and the grammar checks (verb after می)."""
    left, right = key[:cut], key[cut:]
    features = [
        "bias",
        "l1:" + left[-1:],
        "l2:" + left[-2:],
        "l3:" + left[-3:],
        "r1:" + right[:1],
        "r2:" + right[:2],
        "r3:" + right[:3],
        "l2r2:" + left[-2:] + "|" + right[:2],
        "lk:" + _bucket(_evidence(model, left)),
        "rk:" + _bucket(_evidence(model, right)),
        "lkrk:" + _bucket(_evidence(model, left)) + _bucket(_evidence(model, right)),
        "tail:" + _ratio_bucket(model.tails.get(right)),
        "head:" + _ratio_bucket(model.heads.get(left)),
    ]
    if len(right) <= 6:
        features.append("right:" + right)
    if len(left) <= 5:
        features.append("left:" + left)
    if _is_verb(model, right):
        features.append("verb:" + ("mi" if left.endswith("می") else "other"))
    return features


# ---------------------------------------------------------------------------------------------------------------
# The junction classifier: is the space between two words a lost ZWNJ (همکاری ها, قصه نویس) or a real word
# boundary (جمهوری اسلامی)? Its features are named after what they look at: the first word (L…), the second
# (R…) or the pair (P…). Training adds up each PerDT word's L and R weights once and ships the sums, so a pair
# costs a few look-ups; the pair's own features can move a score only so far (Lexicon.pair_range), so most
# pairs are decided without them.


def left_features(evidence: PairEvidence, word: str) -> list[str]:
    """The first word of a pair: itself, how often it stands alone or before a ZWNJ, its letters."""
    before, alone = evidence.before.get(word, 0), evidence.alone.get(word, 0)
    features = [
        "Lword:" + word,
        "Lcounts:" + _count_bucket(before) + "/" + _count_bucket(alone),
        "Lshare:" + _share_bucket(before, alone) + _count_bucket(before),
        "Lend1:" + word[-1:],
        "Lend2:" + word[-2:],
        "Lstart2:" + word[:2],
        "Llisted:" + _count_bucket(evidence.listed.get(word, 0.0)),
        "Lcompounds:" + _count_bucket(evidence.listed_before.get(word, 0)),
        "Llength:" + str(min(len(word), 7)),
    ]
    if word.endswith("ه") and word[:-1] in evidence.past_stems:
        features.append("Lparticiple")  # کرده (اند), زده
    if _conjugated(evidence.past_stems, evidence.present_stems, word):
        features.append("Lverb")
    return features


def right_features(evidence: PairEvidence, word: str) -> list[str]:
    """The second word of a pair: itself, how often it stands alone or after a ZWNJ, its letters."""
    after, alone = evidence.after.get(word, 0), evidence.alone.get(word, 0)
    features = [
        "Rword:" + word,
        "Rcounts:" + _count_bucket(after) + "/" + _count_bucket(alone),
        "Rshare:" + _share_bucket(after, alone) + _count_bucket(after),
        "Rstart2:" + word[:2],
        "Rend2:" + word[-2:],
        "Rend1:" + word[-1:],
        "Rlisted:" + _count_bucket(evidence.listed.get(word, 0.0)),
        "Rcompounds:" + _count_bucket(evidence.listed_after.get(word, 0)),
        "Rlength:" + str(min(len(word), 7)),
    ]
    if _conjugated(evidence.past_stems, evidence.present_stems, word):
        features.append("Rverb")
    stem = _inflection_stem(word)
    if stem != word:  # پردازانی, نماها: the part before the ending is what follows a ZWNJ (نظریه‌پرداز)
        after, alone = evidence.after.get(stem, 0), evidence.alone.get(stem, 0)
        features.append("Rstem:" + _share_bucket(after, alone) + _count_bucket(after))
    return features


def pair_features(evidence: PairEvidence, left: str, right: str) -> list[str]:
    """The pair itself: how often edited text wrote these two words together and apart, whether the lists know
    them as one word, whether a word is doubled (دانه‌دانه). Grammar (می before a verb, a clitic after ه) is
    left to the affix rules (:func:`_join_affix`)."""
    together, apart = evidence.together.get((left, right), 0), evidence.apart.get((left, right), 0)
    features = ["Pbias", "Pseen:" + _count_bucket(together) + "/" + _count_bucket(apart)]
    if left + ZWNJ + right in evidence.compounds:
        features.append("Plisted")
    if left == right:
        features.append("Pdoubled")
    return features


def junction_features(evidence: PairEvidence, left: str, right: str) -> list[str]:
    """Everything the junction classifier sees at the space between ``left`` and ``right``."""
    return [
        *pair_features(evidence, left, right),
        *left_features(evidence, left),
        *right_features(evidence, right),
    ]


def junction_score(left: str, right: str) -> float:
    """The junction classifier's score: positive when the space reads as a lost ZWNJ."""
    model = lexicon()
    return _words_score(model, left, right) + _pair_score(model, left, right)


def _words_score(model: Lexicon, left: str, right: str) -> float:
    """What the two words add to a pair's score on their own."""
    known = model.side_scores
    score = known[left][0] if left in known else _left_score(left)
    return score + (known[right][1] if right in known else _right_score(right))


def _side_score(model: Lexicon, word: str, side: int) -> float | None:
    """What ``word`` adds as the first (side 0) or second (side 1) word of a pair: shipped for the words of
    PerDT (training sums their weights once), summed here for words the lists know or whose stem is known
    (تعادلی: تعادل), ``None`` for a word nobody knows."""
    scores = model.side_scores.get(word)
    if scores is not None:
        return scores[side]
    if word in model.listed or _inflection_stem(word) in model.side_scores:
        return _right_score(word) if side else _left_score(word)
    return None


def _pair_score(model: Lexicon, left: str, right: str) -> float:
    evidence = model.pairs
    pair = (left, right)
    if (
        pair not in evidence.together
        and pair not in evidence.apart
        and left != right
        and left + ZWNJ + right not in evidence.compounds
    ):
        return model.unseen_pair_score  # the common case, in one look-up
    weights = model.pair_weights
    return sum(weights.get(feature, 0.0) for feature in pair_features(evidence, left, right))


@lru_cache(maxsize=50_000)
def _left_score(word: str) -> float:
    model = lexicon()
    return sum(model.pair_weights.get(feature, 0.0) for feature in left_features(model.pairs, word))


@lru_cache(maxsize=50_000)
def _right_score(word: str) -> float:
    model = lexicon()
    return sum(model.pair_weights.get(feature, 0.0) for feature in right_features(model.pairs, word))


def _inflection_stem(word: str) -> str:
    """The word without one plural, comparative, adjective or verb ending (at least two letters left)."""
    for ending in INFLECTION_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            return word[: -len(ending)]
    return word


def _count_bucket(count: float) -> str:
    """0, 1, 2–4, 5–19, 20–99, 100–999, 1000 and more (word-list pseudo-counts below 1 count as 1)."""
    return str(bisect_right(COUNT_STEPS, count) + (count > 0))


def _share_bucket(part: int, alone: int) -> str:
    """Tenths of the occurrences that are as a word part (smoothed: one unseen occurrence alone)."""
    return str(int(10 * part / (part + alone + 1)))


def _bucket(evidence: float) -> str:
    return (
        "0"
        if evidence <= 0
        else "1"
        if evidence < 1
        else "2"
        if evidence < 5
        else "3"
        if evidence < 50
        else "4"
    )


def _ratio_bucket(counts: tuple[int, int] | None) -> str:
    if counts is None:
        return "none"
    apart, joined = counts
    return f"{min(4, int(math.log10(apart + 1)))}/{int(10 * apart / (apart + joined + 1))}"


def classify(token: str) -> str:
    """Spell an unseen word with the boundary classifier: a ZWNJ wherever its score is positive."""
    model = lexicon()
    if not model.weights or not 4 <= len(token) <= LONGEST_WORD:
        return token
    pieces: list[str] = []
    start = 0
    for cut in range(2, len(token) - 1):
        if token[cut - 1] in NON_JOINING:
            continue
        if not _plausible_split(model, token[start:cut], token[cut:]):
            continue
        score = sum(model.weights.get(feature, 0.0) for feature in boundary_features(model, token, cut))
        if score > CLASSIFIER_MARGIN:
            pieces.append(token[start:cut])
            start = cut
    pieces.append(token[start:])
    return ZWNJ.join(pieces)


def _plausible_split(model: Lexicon, left: str, right: str) -> bool:
    """The classifier never cuts بی off a verb (بیاندیشد is ب + یاندیشد, not بی + اندیشد)."""
    return not (left == "بی" and _verbal(model, right))


def _separator_edits(old: str, new: str) -> list[tuple[int, int, str]]:
    """Edits turning ``old`` into ``new`` when they differ only in spaces and ZWNJ between the same letters."""
    if len(old) == len(new) and old.replace(" ", ZWNJ) == new.replace(" ", ZWNJ):
        # The usual change in a spaced text (همکاری ها → همکاری‌ها): separators swapped in place.
        return [(i, i + 1, new[i]) for i in range(len(old)) if old[i] != new[i]]
    if " " not in old and ZWNJ not in old and new.replace(ZWNJ, "") == old:
        # ... and in a joined one (همکاریها → همکاری‌ها): ZWNJ inserted.
        return [(i - shift, i - shift, ZWNJ) for shift, i in enumerate(_positions(new, ZWNJ))]
    result: list[tuple[int, int, str]] = []
    i = j = 0
    separators = (" ", ZWNJ)
    while i < len(old) or j < len(new):
        if i < len(old) and j < len(new) and old[i] == new[j]:
            i += 1
            j += 1
            continue
        old_gap, new_gap = i, j
        while i < len(old) and old[i] in separators:
            i += 1
        while j < len(new) and new[j] in separators:
            j += 1
        if old_gap == i and new_gap == j:  # letters differ: not a separator-only change; leave the run alone
            return []
        result.append((old_gap, i, new[new_gap:j]))
    return result


def _positions(text: str, char: str) -> list[int]:
    found, start = [], text.find(char)
    while start >= 0:
        found.append(start)
        start = text.find(char, start + 1)
    return found
