"""The search query language: a question in plain words, or a formula with "phrases" (or «phrases»), AND, OR, NOT,
parentheses, ``+word`` (must) and ``-word`` (must not).

A **plain query** (no AND, OR, NOT or parentheses) is a question, as a search engine reads one: every word is
optional, an article matches with any of them, and BM25 ranks first the articles holding more of them, the rarer
ones and in the title (:func:`_question`); function words are never required. ``+word`` and
``-word`` make a word required or excluded. A query with **AND, OR, NOT or parentheses** keeps strict boolean
meaning, words side by side meaning AND. Either way the query is parsed into a small tree, every word analyzed with
the same analyzer as the index (:mod:`khabar.text.terms`), and the tree rendered as the backend's match expression.
A malformed query raises :class:`~khabar.errors.QueryError` with a message that says how to fix it.

A query is also bounded before any SQL runs, because a search engine's work grows with the query, not only with
the archive: FTS5 merges the instances of every phrase of the query in each matching article, so one common word
repeated 64 times took 22 s over 20k articles (``bench/query_limits.py``). So a query has at most
:data:`MAX_QUERY_LENGTH` characters, :data:`MAX_QUERY_TERMS` terms (a repeated word counts once) and
:data:`MAX_QUERY_DEPTH` nested parentheses; the parser and the renderers recurse at most as deep as the tree,
which these limits keep small. What a search may still cost on a large archive is bounded by its time budget
(:mod:`khabar.search.budget`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from khabar.errors import QueryError
from khabar.search.stopwords import STOPWORDS
from khabar.text.alphabet import ZWNJ
from khabar.text.terms import SUFFIX_WORDS, term_texts

OPERATORS = ("AND", "OR", "NOT")

# The 100 hand-written queries of bench/data/search_queries.txt have at most 34 characters and 4 terms, and
# bench/query_limits.py measures the cost of more: 32 common words joined by OR search 20k articles in ~1.1 s.
MAX_QUERY_LENGTH = 1_000  # characters
MAX_QUERY_TERMS = 32  # index terms (a phrase counts each of its words), after repeated ones are dropped
MAX_QUERY_DEPTH = 16  # parentheses inside parentheses
MAX_TERM_LENGTH = 255  # characters of one term: at most 1,020 bytes of UTF-8, within PostgreSQL's 2,047


@dataclass(frozen=True, slots=True)
class Phrase:
    """One or more index terms that must appear in this order (a single word is a one-term phrase)."""

    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    keep: Node
    exclude: Node


Node = Phrase | And | Or | Not

_LEXEME = re.compile(
    r'\s*(?:(?P<sign>[+-])(?=["«]|[^\W_]))?'
    r'(?:(?P<phrase>"[^"]*"|«[^»]*»)|(?P<paren>[()])|(?P<word>[^\s()"«»]+)|(?P<open>["«]))'
)


def parse(query: str) -> Node:
    """The query as a tree, or :class:`QueryError` saying what to fix (a malformed or an oversized query)."""
    _check_text(query)
    lexemes = _lex(query)
    if not lexemes:
        raise QueryError("the query is empty: type one or more words")
    if any(kind in ("operator", "paren") for kind, _ in lexemes):
        return _bounded(_strict(lexemes))
    return _question(lexemes)


def is_question(query: str) -> bool:
    """Whether a (valid) query is a plain question rather than a formula: it has no AND, OR, NOT or parentheses."""
    return not any(kind in ("operator", "paren") for kind, _ in _lex(query))


def neighbours(query: str) -> list[tuple[str, str]]:
    """The content words a plain question types next to each other, as pairs in their order (function words
    between them left out): its ranking rewards articles where they stand near each other in that order
    (``مرگ و میر نهنگ`` → ``(مرگ, میر), (میر, نهنگ)``). A phrase, a sign or a formula's syntax breaks the run; a
    formula has none (its phrases say exactly what must stand together)."""
    if not is_question(query):
        return []
    runs: list[list[str]] = [[]]  # words typed one after another (a suffix typed apart joins its word)
    for kind, value in _lex(query):
        if kind == "word":
            runs[-1].append(value)
        elif runs[-1]:
            runs.append([])
    pairs: list[tuple[str, str]] = []
    for run in runs:
        words = [term for term in _searchable(term_texts(" ".join(run))) if term not in STOPWORDS]
        pairs += [(left, right) for left, right in zip(words, words[1:], strict=False) if left != right]
    return list(dict.fromkeys(pairs))[: MAX_QUERY_TERMS - 1]


def query_terms(node: Node) -> set[str]:
    """Every term a tree names, excluded ones too (what feedback must not add back)."""
    if isinstance(node, Phrase):
        return set(node.terms)
    if isinstance(node, Not):
        return query_terms(node.keep) | query_terms(node.exclude)
    return set().union(*(query_terms(item) for item in node.items))


def _bounded(node: Node) -> Node:
    count = term_count(node)
    if count > MAX_QUERY_TERMS:
        raise QueryError(
            f"the query has {count} search terms, more than the {MAX_QUERY_TERMS} allowed: keep the words that"
            " matter most (a date range or a source narrows a search too)"
        )
    return node


def _strict(lexemes: list[tuple[str, str]]) -> Node:
    """A query with AND, OR, NOT or parentheses: a boolean formula, words side by side meaning AND (``+word``
    is a word, ``-word`` means ``NOT word``)."""
    lexemes = [("operator", "NOT") if lexeme == ("sign", "-") else lexeme for lexeme in lexemes]
    parser = _Parser([lexeme for lexeme in lexemes if lexeme[0] != "sign"])
    node = parser.expression()
    if parser.position < len(parser.lexemes):
        kind, value = parser.lexemes[parser.position]
        hint = "a ')' has no matching '('" if value == ")" else f"unexpected {value!r}"
        raise QueryError(f"cannot read the query: {hint}")
    return node


def _question(lexemes: list[tuple[str, str]]) -> Node:
    """A plain query: a question, ranked over all its words rather than a formula every word must satisfy.

    Its words are optional: an article matches with any of them, and BM25 ranks first those holding more of them,
    the rarer ones, and in the title. Function words (:mod:`khabar.search.stopwords`) are not searched for (unless
    the query has nothing else). A word typed with a ZWNJ also matches its parts written apart (:func:`_compounds`).
    Words typed next to each other are rewarded for standing near each other in an article (:func:`neighbours`),
    in the ranking only.
    ``+word`` or ``+"phrase"`` must match, ``-word`` or ``-"phrase"`` must not; a ``"phrase"`` is one optional
    clause. The tree: ``Or(optional)``, or with required clauses ``And(required…, Or(required…, optional…))`` (the
    optional clauses count in the ranking, not in what matches), inside ``Not(…, excluded)`` when words are
    excluded."""
    required: list[Node] = []
    optional: list[Node] = []
    excluded: list[Node] = []
    function_words: list[Node] = []
    position = 0
    while position < len(lexemes):
        sign = lexemes[position][1] if lexemes[position][0] == "sign" else None
        position += sign is not None
        kind, value = lexemes[position]
        position += 1
        if kind == "phrase":
            phrase_terms = tuple(_searchable(term_texts(value)))
            if not phrase_terms:
                raise QueryError(f"the phrase {value!r} has no searchable words")
            {None: optional, "+": required, "-": excluded}[sign].append(Phrase(phrase_terms))
            continue
        words = [value]  # a suffix or prefix typed apart joins its word (همکاری ها), as in a strict query
        while (
            position < len(lexemes)
            and lexemes[position][0] == "word"
            and (sign is None or lexemes[position][1] in SUFFIX_WORDS)
        ):
            words.append(lexemes[position][1])
            position += 1
        terms = _searchable(term_texts(" ".join(words)))
        if sign is not None:
            if not terms:
                raise QueryError(f"{sign}{' '.join(words)!r} has no searchable words")
            single = _unique([Phrase((term,)) for term in terms])
            (required if sign == "+" else excluded).append(
                single[0] if len(single) == 1 else And(tuple(single))
            )
            continue
        compounds = _compounds(words)
        content = [index for index, term in enumerate(terms) if term not in STOPWORDS or term in compounds]
        optional += [compounds.get(terms[index], Phrase((terms[index],))) for index in content]
        function_words += [Phrase((term,)) for term in terms if term in STOPWORDS]
    if not optional and not required:
        optional = function_words  # a query of function words only searches for them
    if not optional and not required:
        raise QueryError(
            "the query has no words to find" + (": -word only leaves words out" if excluded else "")
        )
    return _bounded(_question_tree(required, optional, excluded))


def _compounds(words: list[str]) -> dict[str, Node]:
    """A word typed with a ZWNJ (``هسته‌ای``, ``سرمایه‌گذاری``) is one term, but a text may write it with a space
    (``هسته ای``: two terms, as in Hamshahri): each such term, as the term or the phrase of its parts."""
    found: dict[str, Node] = {}
    for word in words:
        if ZWNJ not in word:
            continue
        joined, parts = term_texts(word), term_texts(word.replace(ZWNJ, " "))
        if len(joined) == 1 and len(parts) > 1:
            found[joined[0]] = Or((Phrase((joined[0],)), Phrase(tuple(parts))))
    return found


def _question_tree(required: list[Node], optional: list[Node], excluded: list[Node]) -> Node:
    must, should = _unique(required), _unique(optional)
    if must and should:
        core: Node = And((*must, Or(_unique([*must, *should]))))
    elif len(must or should) == 1:
        core = (must or should)[0]
    else:
        core = And(must) if must else Or(should)
    if not excluded:
        return core
    left_out = _unique(excluded)
    return Not(core, left_out[0] if len(left_out) == 1 else Or(left_out))


def term_count(node: Node) -> int:
    """How many index terms a tree holds (each word of a phrase counts), counted without recursion."""
    count, pending = 0, [node]
    while pending:
        current = pending.pop()
        if isinstance(current, Phrase):
            count += len(current.terms)
        elif isinstance(current, Not):
            pending += (current.keep, current.exclude)
        else:
            pending.extend(current.items)
    return count


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(query: str) -> None:
    """Refuse what no search needs before reading it: an overlong query, and a lone surrogate (a broken
    character from undecodable input, e.g. a command line in another encoding) that no database can store."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"the query is {len(query):,} characters long, more than the {MAX_QUERY_LENGTH:,} allowed: keep the"
            " words that matter most"
        )
    if _SURROGATE.search(query):
        raise QueryError("the query holds a broken character (a lone surrogate): type it again as plain text")


def highlight_terms(node: Node) -> set[str]:
    """Terms worth highlighting: every term that is not excluded by NOT."""
    if isinstance(node, Phrase):
        return set(node.terms)
    if isinstance(node, Not):
        return highlight_terms(node.keep)
    return set().union(*(highlight_terms(item) for item in node.items))


def to_fts5(node: Node) -> str:
    """Render as an SQLite FTS5 match expression, fully parenthesized and quoted (it recurses as deep as the tree,
    which :func:`parse` keeps within :data:`MAX_QUERY_TERMS` levels)."""
    if isinstance(node, Phrase):
        return '"' + " ".join(node.terms) + '"'
    if isinstance(node, Not):
        return f"({to_fts5(node.keep)} NOT {to_fts5(node.exclude)})"
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(to_fts5(item) for item in node.items) + ")"


def to_tsquery(node: Node) -> str:
    """Render as a PostgreSQL ``tsquery`` in its input syntax: the index's tokens of each term (:func:`tokens`)
    quoted as they are (no dictionary touches them), a phrase as ``<->``, ``NOT`` as ``& !``."""
    if isinstance(node, Phrase):
        return "(" + " <-> ".join(lexeme(token) for token in tokens(node.terms)) + ")"
    if isinstance(node, Not):
        return f"({to_tsquery(node.keep)} & !{to_tsquery(node.exclude)})"
    joiner = " & " if isinstance(node, And) else " | "
    return "(" + joiner.join(to_tsquery(item) for item in node.items) + ")"


_SEPARATORS = re.compile(r"[^\w.]|_")


def tokens(terms: Iterable[str]) -> list[str]:
    """The tokens a full-text index holds for these terms: what SQLite's unicode61 tokenizer (``tokenchars '.'``)
    makes of them, letters, digits and ``.`` (``5/1`` is two tokens, ``3.5`` one). PostgreSQL's index is built from
    the same tokens, so both backends match, count and rank the same words."""
    found = []
    for term in terms:
        if _SEPARATORS.search(term) is None:
            found.append(term)
        else:
            found.extend(piece for piece in _SEPARATORS.split(term) if piece)
    return found


def lexeme(term: str) -> str:
    """A term as a quoted lexeme of PostgreSQL's ``tsvector``/``tsquery`` input syntax."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _lex(query: str) -> list[tuple[str, str]]:
    lexemes: list[tuple[str, str]] = []
    position = 0
    while position < len(query):
        match = _LEXEME.match(query, position)
        if match is None:  # only trailing white space is left
            break
        position = match.end()
        if match["open"]:
            raise QueryError(
                f"the quotation mark {match['open']} is never closed: close the phrase or remove it"
            )
        if match["sign"]:
            lexemes.append(("sign", match["sign"]))
        if match["phrase"]:
            lexemes.append(("phrase", match["phrase"][1:-1]))
        elif match["paren"]:
            lexemes.append(("paren", match["paren"]))
        elif match["word"]:
            word = match["word"]
            lexemes.append(("operator" if word in OPERATORS else "word", word))
    return lexemes


class _Parser:
    """Recursive descent: OR binds loosest, then AND (explicit or implied), then NOT."""

    def __init__(self, lexemes: list[tuple[str, str]]) -> None:
        self.lexemes = lexemes
        self.position = 0
        self.depth = 0  # parentheses open at the position; each costs four frames of recursion

    def peek(self) -> tuple[str, str] | None:
        return self.lexemes[self.position] if self.position < len(self.lexemes) else None

    def expression(self) -> Node:
        items = [self.conjunction()]
        while self.peek() == ("operator", "OR"):
            self.position += 1
            items.append(self.conjunction("OR"))
        unique = _unique(items)
        return unique[0] if len(unique) == 1 else Or(unique)

    def conjunction(self, after: str | None = None) -> Node:
        items = [self.negation(after)]
        while (
            (lexeme := self.peek()) is not None and lexeme != ("operator", "OR") and lexeme != ("paren", ")")
        ):
            operator = None
            if lexeme == ("operator", "AND"):
                self.position += 1
                operator = "AND"
            items.append(self.negation(operator))
        flat: list[Node] = []
        for item in items:
            flat.extend(item.items if isinstance(item, And) else (item,))
        unique = _unique(flat)
        return unique[0] if len(unique) == 1 else And(unique)

    def negation(self, after: str | None) -> Node:
        node = self.primary(after)
        while self.peek() == ("operator", "NOT"):
            self.position += 1
            node = Not(node, self.primary("NOT"))
        return node

    def primary(self, after: str | None) -> Node:
        lexeme = self.peek()
        if lexeme is None:
            raise QueryError(f"{after} needs a word after it" if after else "the query ends too early")
        kind, value = lexeme
        if kind == "operator":
            if value == "NOT" and after is None:
                raise QueryError("NOT needs words before it: write for example  مواد NOT مخدر")
            raise QueryError(f"{value} cannot follow {after}" if after else f"{value} needs words before it")
        self.position += 1
        if kind == "paren":
            if value == ")":
                raise QueryError("a ')' has no matching '('")
            if self.depth == MAX_QUERY_DEPTH:
                raise QueryError(
                    f"the query nests parentheses more than {MAX_QUERY_DEPTH} deep: remove the ones around"
                    " a single word or around a whole group"
                )
            self.depth += 1
            node = self.expression()
            if self.peek() != ("paren", ")"):
                raise QueryError("a '(' is never closed: add ')'")
            self.position += 1
            self.depth -= 1
            return node
        if kind == "phrase":
            phrase_terms = tuple(_searchable(term_texts(value)))
            if not phrase_terms:
                raise QueryError(f"the phrase {value!r} has no searchable words")
            return Phrase(phrase_terms)
        # Plain words: gather neighbours so a prefix or suffix typed apart (همکاری ها) joins its word.
        # After NOT only the next word is excluded (with a suffix written apart), as in «مواد NOT مخدر ها ایران».
        words = [value]
        while (
            (nxt := self.peek()) is not None
            and nxt[0] == "word"
            and (after != "NOT" or nxt[1] in SUFFIX_WORDS)
        ):
            words.append(nxt[1])
            self.position += 1
        terms = _searchable(term_texts(" ".join(words)))
        if not terms:
            raise QueryError(f"{' '.join(words)!r} has no searchable words")
        phrases = _unique([Phrase((term,)) for term in terms])
        return phrases[0] if len(phrases) == 1 else And(phrases)


def _searchable(terms: list[str]) -> list[str]:
    """The terms, if none is longer than a word can be: PostgreSQL refuses a lexeme over 2,047 bytes (its index
    leaves such tokens out), and no real word comes near :data:`MAX_TERM_LENGTH` characters in any script."""
    for term in terms:
        if len(term) > MAX_TERM_LENGTH:
            raise QueryError(
                f"the word {term[:20]}… is {len(term):,} characters long; a search word has at most"
                f" {MAX_TERM_LENGTH}: search for a part of it"
            )
    return terms


def _unique(items: list[Node]) -> tuple[Node, ...]:
    """The items in order without repeats: ``a AND a`` and ``a OR a`` mean ``a``, and a repeated word would only
    make the engine walk its matches again."""
    return tuple(dict.fromkeys(items))
