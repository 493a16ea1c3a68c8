"""ZWNJ restoration: put back the zero-width non-joiner that corpora lose (``میکنیم`` → ``می‌کنیم``,
``همکاری های`` → ``همکاری‌های``) and leave alone what is already right (``کشورها``, ``میز``, ``بیمار``).

The model (``training/zwnj.py``) counts how carefully edited text (UD PerDT) writes every word form, with
hazm's and shekar's word lists for coverage, learns which word parts follow or precede a ZWNJ (``های``, ``اند``,
``شناسی``; ``می``, ``بی``), and trains two small perceptrons: one for letter boundaries inside unseen words, one
for spaces between words. First the writer is read (:func:`edits`): a text with ZWNJ is *careful* (its spelling
is kept), one that writes affixes apart is *spaced* (its ZWNJ became spaces), any other has simply lost them.
Then, word by word:

- A token the writer already gave a ZWNJ is trusted.
- A joined token takes the spelling edited text prefers (``همکاریهای`` → ``همکاری‌های``) when that spelling is
  clearly more frequent than the token as written; PerDT's evidence outranks the word lists.
- An unseen token is split into known parts around learned affixes (``روانگردانهای`` → ``روانگردان‌های``);
  what is left goes to the boundary classifier.
- Tokens separated by a space are joined when one is an affix written apart (``همکاری ها``, ``می کنیم``), when
  edited text writes the pair as one word more often than apart (``بین الملل`` → ``بین‌الملل``), or when the
  junction classifier is very sure; pairs edited text writes apart never join.

:func:`edits` only inserts, deletes or replaces spaces and ZWNJ, so the normalizer's offset map stays exact.
"""

from __future__ import annotations

import gzip
import math
import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources

ZWNJ = "\u200c"
LETTERS = "\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u06c0\u0654"
WORD_RUN = re.compile(rf"[{LETTERS}][{LETTERS}{ZWNJ}]*(?: [{LETTERS}][{LETTERS}{ZWNJ}]*)*")
NON_JOINING = frozenset("اآأإدذرزژوؤة")

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
JUNCTION_PART_RATIO = 0.2  # ... and only next to word parts that take a ZWNJ at least this often
JUNCTION_MARGIN = 20.0
JUNCTION_MARGIN_SPACED = 5.0  # ... and this sure in a text that writes affixes apart (its ZWNJ became spaces)
CAREFUL, SPACED, JOINED = "careful", "spaced", "joined"
AFFIX_APART = re.compile(
    r"(?:^|\s)(?:ن?می|ها|های|هایی) "
)  # the junction classifier must be this sure to join two words written apart
RELIABLE_MIN = 300  # a suffix seen this often after a ZWNJ ...
RELIABLE_RATIO = 0.95  # ... and this reliably may follow a word never seen (حوثی‌های)
MIN_RATIO = 0.6
CLITIC_RATIO = 0.9
COMPOUND_RATIO = 0.9  # a compound part (شناسی، نامه، هم) must take a ZWNJ this reliably to be split off
COMPOUND_MIN = 20  # ... and have been seen after or before a ZWNJ this often  # a part must follow/precede a ZWNJ at least this often in edited text to be split off
MIN_CLITIC_CORE = 3  # letters a word needs before a clitic (ره + ایم is not رهایم)
MIN_COMPARATIVE_CORE = 2  # edited-text occurrences a word needs before تر/ترین (not هان + تر)
MIN_TOGETHER = 2  # edited-text occurrences of a multiword spelling before words written apart are joined


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
    seen_apart: frozenset[tuple[str, ...]] = frozenset()  # pairs edited text writes apart: never join them
    key_evidence: dict[str, float] = field(default_factory=dict)  # key → evidence of all its spellings
    settled: frozenset[str] = frozenset()  # words edited text only ever spells one way: nothing to decide
    pair_heads: frozenset[str] = frozenset()  # words that may begin a join with any word after them
    join_next: dict[str, frozenset[str]] = field(
        default_factory=dict
    )  # first word → second words of joinable
    join_next_eager: dict[str, frozenset[str]] = field(default_factory=dict)
    pair_ends: frozenset[str] = frozenset()  # words that may end a join
    junction_tails: frozenset[str] = frozenset()  # words that often follow a ZWNJ: worth asking joins()
    junction_heads: frozenset[str] = frozenset()

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
    seen_apart: frozenset[tuple[str, ...]] = frozenset()
    key_evidence: dict[str, float] = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        fields = line.split("\t")
        if fields[0] == "#apart":
            apart = {
                key: int(count) for key, _, count in (item.rpartition(":") for item in fields[1].split())
            }
        elif fields[0] in ("#tails", "#heads"):
            tables[fields[0]] = {
                part: (int(apart), int(joined))
                for part, apart, joined in (item.rsplit(":", 2) for item in fields[1].split())
            }
        elif fields[0] == "#seen_apart":
            seen_apart = frozenset(tuple(pair.split(" ", 1)) for pair in fields[1:])
        elif fields[0] == "#weights":
            weights = {
                feature: float(weight) for feature, _, weight in (i.rpartition(":") for i in fields[1:])
            }
        elif fields[0] in ("#past", "#present"):
            stems[fields[0]] = frozenset(fields[1].split())
        elif not fields[0].startswith("#"):
            form, in_edited, in_lists = fields[0], int(fields[1]), float(fields[2])
            if in_edited:
                edited[form] = in_edited
            if in_lists:
                listed[form] = in_lists
            key = form.replace(ZWNJ, "")
            spellings.setdefault(key, []).append(form)
            key_evidence[key] = key_evidence.get(key, 0.0) + in_edited + LIST_WEIGHT * in_lists
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
        seen_apart=seen_apart,
        key_evidence=key_evidence,
        junction_tails=_junction_parts(model, model.tails),
        junction_heads=_junction_parts(model, model.heads),
    )
    return replace(
        model,
        settled=frozenset(
            forms[0] for forms in model.spellings.values() if len(forms) == 1 and forms[0] in edited
        ),
        pair_heads=model.affix_heads | model.junction_heads,
        join_next=_next_words(model.joinable),
        join_next_eager=_next_words(model.joinable_eager),
        pair_ends=model.affix_tails | model.junction_tails,
    )


def _next_words(groups: frozenset[tuple[str, ...]]) -> dict[str, frozenset[str]]:
    following: dict[str, set[str]] = {}
    for group in groups:
        following.setdefault(group[0], set()).add(group[1])
    return {first: frozenset(words) for first, words in following.items()}


def _junction_parts(model: Lexicon, table: dict[str, tuple[int, int]]) -> frozenset[str]:
    """Word parts seen often and mostly next to a ZWNJ, and not verbs: the only ones worth asking joins()."""
    return frozenset(
        part
        for part, (apart, joined) in table.items()
        if apart >= MIN_PART and apart >= JUNCTION_PART_RATIO * (apart + joined) and not _verbal(model, part)
    )


def edits(text: str) -> list[tuple[int, int, str]]:
    """Edits that restore ZWNJ in every run of Persian words of ``text``.

    A text that has ZWNJ inside its words was written by someone who uses them: the words they joined or
    wrote apart are their spelling, so only tokens that are no known spelling at all and affixes that never
    stand alone (ها، می) are touched. A text without any ZWNJ has lost them and gets the full restoration;
    if it also writes affixes apart (می کنم، کتاب ها), its ZWNJ became spaces, and words written apart are
    joined more readily.
    """
    regime = CAREFUL if ZWNJ in text else SPACED if AFFIX_APART.search(text) else JOINED
    found: list[tuple[int, int, str]] = []
    for match in WORD_RUN.finditer(text):
        offset = match.start()
        for start, _end, old, new in restore_run(match.group(), regime):
            found.extend(
                (offset + start + s, offset + start + e, piece) for s, e, piece in _separator_edits(old, new)
            )
    return found


def restore_run(run: str, regime: str = "joined") -> list[tuple[int, int, str, str]]:
    """Changes to a run of words separated by single spaces: ``(start, end, old, new)`` per changed word.

    ``regime`` is what :func:`edits` found out about the writer: ``careful`` (uses ZWNJ), ``spaced`` (writes
    affixes apart: ZWNJ became spaces) or ``joined`` (ZWNJ simply lost).
    """
    model = lexicon()
    careful, eager = regime == CAREFUL, regime == SPACED
    joinable = model.joinable_eager if eager else model.joinable
    tails, heads, firsts = model.affix_tails, model.affix_heads, model.join_firsts
    if careful:
        tails, heads, firsts = SUFFIX_WORDS, PREFIX_WORDS, frozenset()
    heads_any = heads if careful else model.pair_heads
    ends = tails if careful else model.pair_ends
    follows = {} if careful else model.join_next_eager if eager else model.join_next
    settled, spell_one = model.settled, spell_known if careful else spell
    tokens = run.split(" ")
    tokens.append("")  # a sentinel: no word follows the last one
    count = len(tokens) - 1
    changes: list[tuple[int, int, str, str]] = []
    index = position = 0
    while index < count:
        token = tokens[index]
        following = tokens[index + 1]
        if token not in heads_any and following not in ends and following not in follows.get(token, ()):
            # The common case: a word on its own. Settled words need no look at all.
            if token not in settled and (word := spell_one(token)) != token:
                changes.append((position, position + len(token), token, word))
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
        if (
            word is None
            and not careful
            and index + 1 < count
            and token[-1] not in NON_JOINING
            and (tokens[index + 1] in model.junction_tails or token in model.junction_heads)
            and _evidence(model, tokens[index + 1]) >= MIN_CORE  # never glue an unknown name to a word
            and (token, tokens[index + 1]) not in model.seen_apart
            and joins(token, tokens[index + 1], JUNCTION_MARGIN_SPACED if eager else JUNCTION_MARGIN)
        ):
            word, size = spell(token) + ZWNJ + tokens[index + 1], 2
        if word is None:
            word = spell_known(token) if careful else spell(token)
        # Affixes written apart keep attaching: بی رحمی هایم → بی‌رحمی‌هایم.
        while index + size < count and tokens[index + size] in tails:
            longer = _join_affix(model, word, tokens[index + size])
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


def _join_affix(model: Lexicon, left: str, right: str) -> str | None:
    """A prefix or suffix written apart from its word: همکاری ها، می کنیم، خانه ای، باستان شناسی."""
    glue = "" if left[-1] in NON_JOINING else ZWNJ
    if right in SUFFIX_WORDS:
        return left + glue + right
    if left in PREFIX_WORDS or (left.endswith("می") and left[:-2] in PREVERBS):
        return left + ZWNJ + right if _is_verb(model, right.replace(ZWNJ, "")) else None
    if not glue:
        return None
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


def spell_known(token: str) -> str:
    """Like :func:`spell`, for a writer who uses ZWNJ: a token that is a known spelling is left as written."""
    model = lexicon()
    if ZWNJ in token or token in model.edited or token in model.listed:
        return token
    return spell(token)


@lru_cache(maxsize=200_000)
def spell(token: str) -> str:
    """The spelling of one token: as written when it has a ZWNJ or is itself a common spelling."""
    if ZWNJ in token:
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
    if rest in model.verb_forms:
        return True
    for ending in VERB_ENDINGS:
        if rest.endswith(ending):
            stem = rest[: len(rest) - len(ending)]
            if stem in model.past_stems or (ending and ending != "ه" and stem in model.present_stems):
                return True
            if ending and stem.endswith("ان") and stem[:-2] in model.present_stems:  # causative: می‌خوابانند
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


def junction_features(model: Lexicon, left: str, right: str) -> list[str]:
    """What the junction classifier sees at a space between two words (its own feature names, ``J…``)."""
    return ["J" + feature for feature in boundary_features(model, left + right, len(left))] + [
        "Jalone:" + _bucket(model.edited.get(right, 0)) + _bucket(model.edited.get(left, 0))
    ]


def joins(left: str, right: str, margin: float = 0.0) -> bool:
    """Whether the junction classifier reads the space between two words as a lost ZWNJ."""
    return junction_score(left, right) > margin


@lru_cache(maxsize=100_000)
def junction_score(left: str, right: str) -> float:
    model = lexicon()
    return sum(model.weights.get(feature, 0.0) for feature in junction_features(model, left, right))


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
    if not model.weights or len(token) < 4:
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
