"""A synthetic news archive of any size, made of real Persian news sentences, for search at scale (issue 15).

Writes N articles as gzip-compressed JSON Lines in the input format ``khabar ingest`` reads (keys ``id``, ``url``,
``source``, ``published``, ``title``, ``text``), split into files of ``--per-file`` articles, because khabar's
readers stop a ``.gz`` file at 1 GiB of decompressed text (``khabar/readers/limits.py``) and a million articles
are about 3 GB. ``bench/search_scale.py`` builds its Lucene index from the same files.

Material: every news corpus of ``../shared/data/news``; 14,109 real articles have a title and a text:

========================  ==================================  ====================================================
corpus                    base articles                       source written
========================  ==================================  ====================================================
``hamshahri``             Hamshahri 2003–2007 (first line is  همشهری
                          the title; Arabic ي/ك, no ZWNJ)
``fars``                  Fars News (title, abstract,         خبرگزاری فارس
                          paragraphs)
``varzesh3``              Varzesh3 sports                     ورزش سه
``namnak``                Namnak health                       نمناک
``farexstance``           FarExStance bodies of 130+          the agency its opening credits (``تهران-ایرنا-``,
                          agencies (no title: the first       ``به گزارش خبرگزاری مهر``; 235 of 1,380), else one
                          sentence, cut to 14 words, is one)  of ``news_agency_names_fa.txt`` drawn per article
``hamshahrionline``,      RSS items of Hamshahri Online and   همشهری آنلاین, رادیو فردا
``radiofarda``            Radio Farda (title and summary)
``khabarfouri``           Instagram news captions (first      خبر فوری
                          line is the title)
========================  ==================================  ====================================================

Method. Each base article is cut into paragraphs and sentences (after ``. ! ? ؟ …``; Hamshahri's hard-wrapped
lines are joined and its sentences grouped by three, as it marks no paragraphs). The bases are taken in a seeded
random order, all of them once before any is taken again, so at N = 1M each is the base of 70 or 71 articles.
A synthetic article keeps its base's title, its paragraphs and its number of sentences, and each sentence, in
order, is kept with probability ``1 − --swap`` (default 0.7) or replaced by a sentence drawn at random from the
whole same corpus. So lengths follow the real ones corpus by corpus, words co-occur as in news (most of an
article is one real report, the rest is from the same kind of news), the vocabulary and its frequencies are those
of real Persian news in its real spellings, and no two articles are the same text. The publication time is drawn
uniformly from 2003-01-01 to 2026-11-30 (Tehran time), the id is ``syn-`` and the article's number, the URL is
under ``https://synthetic.invalid/`` (a reserved domain). Everything depends on ``--seed`` alone and articles are
drawn one after another, so the first 100k articles of the 1M archive are exactly the 100k archive.

What it does not reproduce: a real archive of a million articles has a vocabulary that keeps growing — new names
of people, places and companies, new numbers and dates, typos, transliterations — whereas this one has the 14,109
bases' vocabulary (a few hundred thousand terms) however large N is: every term is ~71 times as frequent at 1M as
in the material, and there are no rare terms beyond it. Posting lists of common words are as long as in a real
archive; the dictionary is far smaller and the long tail is missing. Every base title recurs ~71 times, the
topics mix is that of the material (a third Hamshahri of 2003–2007, a sixth Varzesh3 sports), and the dates do
not follow the texts. Near-duplicate detection at ingest sees ~71 articles sharing 70 % of their sentences each.

Usage (from the repository root)::

    .venv/bin/python bench/synthetic_archive.py --articles 100000 --out /tmp/scale/k100
    .venv/bin/python bench/synthetic_archive.py --articles 1000000 --out /tmp/scale/m1
    .venv/bin/khabar ingest --no-analysis --db /tmp/scale/k100.db /tmp/scale/k100
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import islice
from pathlib import Path

from search_pool import words  # beside this file: letters and digits, ي/ك folded (the distinct terms counted)

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "data" / "news"
HAMSHAHRI = NEWS / "hamshahri" / "hamshahri_docs.jsonl.gz"
FARS_VARZESH3_NAMNAK = NEWS / "fars_varzesh3_namnak"
FAREXSTANCE = NEWS / "farexstance" / "b2c_news_bodies.jsonl.gz"
AGENCIES = NEWS / "farexstance" / "news_agency_names_fa.txt"
RSS = NEWS / "rss_sci2lab"
INSTAGRAM = NEWS / "instagram_khabarfouri" / "khabar_fouri.json"

TEHRAN = timezone(timedelta(hours=3, minutes=30))
FIRST_DAY = datetime(2003, 1, 1, tzinfo=TEHRAN)
LAST_DAY = datetime(2026, 11, 30, 23, 59, tzinfo=TEHRAN)
URL_PREFIX = "https://synthetic.invalid"
HAMSHAHRI_SENTENCES_PER_PARAGRAPH = 3  # Hamshahri's text marks no paragraphs
FAREXSTANCE_TITLE_WORDS = 14
AGENCY_WINDOW = 150  # characters of a FarExStance body searched for its agency's name

_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")
_NOT_TEXT = re.compile(r"[^\w\s\u200c.,:;!?؟،؛«»\"'()\-/%٪]+")  # emoji and pictographs of Instagram captions


@dataclass(frozen=True, slots=True)
class Base:
    """One real article as a pattern: its title and its paragraphs as indices into :attr:`Material.sentences`."""

    corpus: str
    title: str
    paragraphs: tuple[tuple[int, ...], ...]
    source: str | None  # None: a FarExStance body naming no known agency (one is drawn per article)


@dataclass(slots=True)
class Material:
    """Every sentence of every corpus in one list (a corpus's sentences are contiguous) and the base articles."""

    sentences: list[str]
    spans: dict[str, tuple[int, int]]  # corpus → [start, end) of its sentences
    bases: list[Base]
    agencies: list[str]


@dataclass(slots=True)
class Summary:
    """What :func:`write_archive` wrote."""

    articles: int = 0
    words: list[int] = field(default_factory=list)  # whitespace-separated words of each text
    by_source: Counter[str] = field(default_factory=Counter)
    by_corpus: Counter[str] = field(default_factory=Counter)
    distinct_terms: int = 0
    files: int = 0
    bytes_written: int = 0
    seconds: float = 0.0


# -- reading the corpora --------------------------------------------------------------------------------------------


def sentences_of(paragraph: str) -> list[str]:
    """A paragraph's sentences, whitespace (line breaks included) collapsed to single spaces."""
    flat = _SPACES.sub(" ", paragraph).strip()
    return [sentence for sentence in _SENTENCE_END.split(flat) if sentence]


def paragraphs_of(text: str) -> list[str]:
    return [part for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def _list_field(value: object) -> list[str]:
    """Fars, Varzesh3 and Namnak store ``paragraphs`` as a list or as a Python list literal."""
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return [value]
    return [str(item) for item in value or []]


def read_hamshahri() -> Iterator[tuple[str, list[list[str]], str | None]]:
    """(title, paragraphs of sentences, source) of each Hamshahri article: the first line is its title."""
    with gzip.open(HAMSHAHRI, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            title, _, body = record["text"].strip().partition("\n")
            found = sentences_of(body)
            step = HAMSHAHRI_SENTENCES_PER_PARAGRAPH
            yield title.strip(), [found[i : i + step] for i in range(0, len(found), step)], "همشهری"


def read_fars_family(prefix: str, source: str) -> Iterator[tuple[str, list[list[str]], str | None]]:
    """Fars News, Varzesh3 or Namnak JSON (files ``PREFIX*.json.gz``): the abstract, then each paragraph."""
    for path in sorted(FARS_VARZESH3_NAMNAK.glob(f"{prefix}*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for record in json.load(handle):
                parts = [record.get("abstract") or "", *_list_field(record.get("paragraphs"))]
                yield (record.get("title") or "").strip(), [sentences_of(part) for part in parts], source


def read_farexstance(agencies: list[str]) -> Iterator[tuple[str, list[list[str]], str | None]]:
    """FarExStance bodies: no title (the first sentence, cut short, stands for one) and no source field (the
    agency the opening credits, if any: ``تهران-ایرنا-``, ``به گزارش خبرگزاری مهر``; a list name anywhere would
    take generic words such as «انتخاب» or «رسانه» for agencies)."""
    names = "|".join(re.escape(name) for name in sorted(set(agencies), key=len, reverse=True))
    credit = re.compile(
        rf"(?:گزارش|نقل از|[-–])\s*(?:خبرگزاری|خبرنگار|پایگاه خبری|پایگاه|روزنامه|سایت|شبکه)?\s*"
        rf"(?:[^\W\d_]+\s+){{0,3}}?({names})(?![^\W_])"
    )
    with gzip.open(FAREXSTANCE, "rt", encoding="utf-8") as lines:
        for line in lines:
            content = json.loads(line)["content"]
            paragraphs = [sentences_of(part) for part in paragraphs_of(content)]
            first = next((sentence for paragraph in paragraphs for sentence in paragraph), "")
            title = " ".join(first.split()[:FAREXSTANCE_TITLE_WORDS])
            found = credit.search(content[:AGENCY_WINDOW])
            yield title, paragraphs, found.group(1) if found else None


def read_rss(name: str, source: str) -> Iterator[tuple[str, list[list[str]], str | None]]:
    with (RSS / f"{name}.json").open(encoding="utf-8") as handle:
        for record in json.load(handle):
            summary = record.get("summary") or ""
            yield (
                (record.get("title") or "").strip(),
                [sentences_of(part) for part in paragraphs_of(summary)],
                source,
            )


def read_instagram() -> Iterator[tuple[str, list[list[str]], str | None]]:
    """Instagram captions: emoji dropped, the first line with a letter is the title, each other line a paragraph."""
    with INSTAGRAM.open(encoding="utf-8") as handle:
        posts = json.load(handle)["posts"]
    if isinstance(posts, str):
        posts = ast.literal_eval(posts)
    for post in posts:
        lines = [_NOT_TEXT.sub("", line).strip() for line in (post.get("caption") or "").splitlines()]
        lines = [line for line in lines if _LETTER.search(line)]
        if lines:
            yield lines[0], [sentences_of(line) for line in lines[1:]], "خبر فوری"


def load_material() -> Material:
    """Read every corpus into one sentence list and the list of base articles (those with a title and a text)."""
    listed = (line.strip() for line in AGENCIES.read_text(encoding="utf-8").splitlines())
    agencies = sorted({name for name in listed if name})
    corpora = {
        "hamshahri": read_hamshahri(),
        "fars": read_fars_family("news_fars-news", "خبرگزاری فارس"),
        "varzesh3": read_fars_family("sports_varzesh3", "ورزش سه"),
        "namnak": read_fars_family("health_namnak", "نمناک"),
        "farexstance": read_farexstance(agencies),
        "hamshahrionline": read_rss("hamshahri", "همشهری آنلاین"),
        "radiofarda": read_rss("radiofarda", "رادیو فردا"),
        "khabarfouri": read_instagram(),
    }
    material = Material([], {}, [], agencies)
    for corpus, articles in corpora.items():
        start = len(material.sentences)
        for title, paragraphs, source in articles:
            indexed = []
            for paragraph in paragraphs:
                if paragraph:
                    first = len(material.sentences)
                    material.sentences.extend(paragraph)
                    indexed.append(tuple(range(first, len(material.sentences))))
            if title and indexed:
                material.bases.append(Base(corpus, title, tuple(indexed), source))
        material.spans[corpus] = (start, len(material.sentences))
    return material


def check_data() -> None:
    """Stop with a message when the news corpora are absent (a fresh clone has no ``../shared``)."""
    needed = [HAMSHAHRI, FARS_VARZESH3_NAMNAK, FAREXSTANCE, AGENCIES, RSS, INSTAGRAM]
    missing = [str(path) for path in needed if not path.exists()]
    if missing:
        raise SystemExit(
            "synthetic_archive.py needs the news corpora of ../shared/data/news (see its README); missing: "
            + ", ".join(missing)
        )


# -- writing --------------------------------------------------------------------------------------------------------


def synthetic_articles(material: Material, count: int, swap: float, seed: int) -> Iterator[tuple[dict, Base]]:
    """``count`` articles (JSON-ready dicts, with the base each came from), drawn one after another from ``seed``;
    each dict's ``_sentences`` lists the sentences it is made of (taken out before it is written)."""
    rng = random.Random(seed)
    span_seconds = int((LAST_DAY - FIRST_DAY).total_seconds())
    order: list[int] = []
    for number in range(1, count + 1):
        if not order:  # every base once, in a fresh random order, before any base comes again
            order = list(range(len(material.bases)))
            rng.shuffle(order)
        base = material.bases[order.pop()]
        low, high = material.spans[base.corpus]
        paragraphs = [
            [index if rng.random() >= swap else rng.randrange(low, high) for index in paragraph]
            for paragraph in base.paragraphs
        ]
        published = FIRST_DAY + timedelta(seconds=rng.randrange(span_seconds))
        source = base.source or rng.choice(material.agencies)
        article = {
            "id": f"syn-{number:07d}",
            "url": f"{URL_PREFIX}/{base.corpus}/{number}",
            "source": source,
            "published": published.isoformat(timespec="minutes"),
            "title": base.title,
            "text": "\n\n".join(
                " ".join(material.sentences[i] for i in paragraph) for paragraph in paragraphs
            ),
            "_sentences": [i for paragraph in paragraphs for i in paragraph],
        }
        yield article, base


def write_archive(
    material: Material, out: Path, count: int, per_file: int, swap: float, seed: int
) -> Summary:
    """Write the articles into ``out/part-NNN.jsonl.gz`` and say what was written."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("part-*.jsonl.gz"):
        old.unlink()
    started = time.perf_counter()
    summary = Summary()
    used = bytearray(len(material.sentences))  # 1 for each sentence written at least once
    titles: set[str] = set()
    articles = synthetic_articles(material, count, swap, seed)
    while chunk := list(islice(articles, per_file)):
        path = out / f"part-{summary.files:03d}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as handle:
            for article, base in chunk:
                for index in article.pop("_sentences"):
                    used[index] = 1
                titles.add(article["title"])
                handle.write(json.dumps(article, ensure_ascii=False) + "\n")
                summary.words.append(len(article["text"].split()))
                summary.by_source[article["source"]] += 1
                summary.by_corpus[base.corpus] += 1
        summary.articles += len(chunk)
        summary.files += 1
    summary.distinct_terms = distinct_terms(material, used, titles)
    summary.bytes_written = sum(path.stat().st_size for path in out.glob("part-*.jsonl.gz"))
    summary.seconds = time.perf_counter() - started
    return summary


def distinct_terms(material: Material, used: bytearray, titles: set[str]) -> int:
    """Distinct words (letters and digits, ي/ك folded, ZWNJ a separator) of the titles and sentences written:
    each used sentence is read once, so this costs the material's size, not the archive's."""
    terms: set[str] = set()
    for index, flag in enumerate(used):
        if flag:
            terms.update(words(material.sentences[index]))
    for title in titles:
        terms.update(words(title))
    return len(terms)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="how many articles to write")
    parser.add_argument("--out", type=Path, required=True, help="folder for part-NNN.jsonl.gz (replaced)")
    parser.add_argument(
        "--per-file", type=int, default=100_000, help="articles per file (default: %(default)s)"
    )
    parser.add_argument(
        "--swap", type=float, default=0.3, help="share of sentences replaced (default: %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=15, help="random seed (default: %(default)s)")
    args = parser.parse_args(argv)
    if not 0.0 <= args.swap <= 1.0:
        parser.error("--swap is a share, from 0 to 1")
    check_data()
    loading = time.perf_counter()
    material = load_material()
    loaded = time.perf_counter() - loading
    per_corpus = Counter(base.corpus for base in material.bases)
    print(
        f"material: {len(material.bases):,} base articles, {len(material.sentences):,} sentences "
        f"({loaded:.1f} s): " + ", ".join(f"{corpus} {n:,}" for corpus, n in per_corpus.items()),
        file=sys.stderr,
    )
    summary = write_archive(material, args.out, args.articles, args.per_file, args.swap, args.seed)
    print(f"| {args.out} | value |")
    print("|---|---|")
    print(
        f"| articles | {summary.articles:,} in {summary.files} files, {summary.bytes_written / 1e6:,.0f} MB gzip |"
    )
    mean, median = statistics.fmean(summary.words), statistics.median(summary.words)
    print(f"| words per text | mean {mean:.0f}, median {median:.0f} |")
    print(f"| words in all | {sum(summary.words):,} |")
    print(f"| distinct terms | {summary.distinct_terms:,} |")
    print(f"| sources | {len(summary.by_source):,} |")
    print(f"| by base corpus | {', '.join(f'{c} {n:,}' for c, n in summary.by_corpus.most_common())} |")
    print(f"| commonest sources | {', '.join(f'{s} {n:,}' for s, n in summary.by_source.most_common(6))} |")
    print(f"| seconds | {summary.seconds:.0f} (swap {args.swap}, seed {args.seed}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
