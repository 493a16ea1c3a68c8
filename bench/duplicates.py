"""Near-duplicate benchmark: precision and recall of duplicate detection, story grouping, and its ingest cost.

    python bench/duplicates.py                        # everything: quality through a real archive, then overhead
    python bench/duplicates.py --sweep                # exact-Jaccard F1 per shingle size k (justifies k, θ)
    python bench/duplicates.py --overhead 300 --repeats 3 --skip-quality
    python bench/duplicates.py --mine > /tmp/pairs.jsonl   # candidate real pairs to read and label

**Test set** (``bench/data/duplicates_set.jsonl``, references only — never article text):

- ``real`` pairs of FarExStance bodies (``news/farexstance/b2c_news_bodies.jsonl.gz``, key ``farexstance:<news_id>``)
  that share subject matter (content-word Jaccard ≥ 0.15, found by ``--mine``), labelled ``duplicate`` (one
  republishes the other, or both reproduce one release) or ``different`` (each outlet wrote its own report of
  the same event: the hard negatives). ``read: true`` pairs were read one by one; ``read: false`` pairs come from
  the two clear-cut mining bins (shingle Jaccard ≥ 0.8 → duplicate, < 0.1 → different), of which 8 each were read.
- ``edited`` copies: a FarExStance or Hamshahri (``hamshahri:<doc_id>``) article and an edit recipe with a seed,
  applied by :func:`apply_edits`: paragraphs reordered, a new headline, an agency line added, ZWNJ removed or
  spaced, ي/ک swapped with ي/ك, a sentence dropped, or three of these combined.

**Quality** runs the real ingest path (``khabar.service.ingest`` with the analysis pipeline, or ``--no-analysis``)
into a fresh archive holding every FarExStance body (1,380, so candidates compete with the whole corpus), the
Hamshahri bases and the copies, in a shuffled order (so copies sometimes arrive before their original). A pair is
predicted a duplicate when both articles end up in one duplicate group. FarExStance has no dates, so all its
articles get one day: the story check then puts every FarExStance article in one window, a stress test. Story
numbers: the share of ``different``-labelled real pairs (different reports of one event) placed in one story, and
the share of random FarExStance pairs placed in one story (false merges).

**Overhead**: the first N Hamshahri articles are analyzed once (timed), then stored into fresh archives with
duplicate detection on and off, alternately, ``--repeats`` times; medians. Ingest time = analysis + storing.
The same is reported for a store-only ingest (``--no-analysis`` pipeline: no normalization, no analysis steps).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import platform
import random
import re
import statistics
import sys
import tempfile
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khabar import service  # noqa: E402
from khabar.duplicates import SHINGLE_CHARS, THRESHOLD, candidate_probability, jaccard, shingles  # noqa: E402
from khabar.records import RawRecord  # noqa: E402
from khabar.store import open_archive  # noqa: E402
from khabar.text.normalize import normalize_text  # noqa: E402
from khabar.text.terms import term_texts  # noqa: E402
from khabar.text.tokens import split_sentences  # noqa: E402

TEST_SET = ROOT / "bench" / "data" / "duplicates_set.jsonl"
DEFAULT_DATA = ROOT.parent / "shared" / "data"
FAREXSTANCE = "news/farexstance/b2c_news_bodies.jsonl.gz"
HAMSHAHRI = "news/hamshahri/hamshahri_docs.jsonl.gz"
FAREXSTANCE_DAY = "1400-05-01"
ZWNJ = "\u200c"
AGENCY_LINES = (
    ("تهران- ایرنا- ", "IRNA"),
    ("به گزارش خبرگزاری مهر، ", "Mehr"),
    ("به گزارش ایسنا، ", "ISNA"),
    ("به گزارش خبرنگار سیاسی خبرگزاری تسنیم، ", "Tasnim"),
    ("به گزارش خبرگزاری فارس، ", "Fars"),
)
EDIT_KINDS = (
    "reorder_paragraphs",
    "new_headline",
    "agency_line",
    "zwnj_removed",
    "zwnj_spaced",
    "arabic_letters",
    "drop_sentence",
)


# --- the corpora ------------------------------------------------------------------------------------------------
def _records(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def load_corpus(data: Path, keys: set[str] | None = None) -> dict[str, dict]:
    """``farexstance:<id>`` / ``hamshahri:<id>`` → ``{"text", "date"}`` (only ``keys`` when given)."""
    found: dict[str, dict] = {}
    for record in _records(data / FAREXSTANCE):
        key = f"farexstance:{record['news_id']}"
        if keys is None or key in keys:
            found[key] = {"text": record["content"], "date": FAREXSTANCE_DAY}
    if keys is None or any(key.startswith("hamshahri:") for key in keys):
        for record in _records(data / HAMSHAHRI):
            key = f"hamshahri:{record['doc_id']}"
            if keys is None or key in keys:
                found[key] = {"text": record["text"], "date": record["jalali_date"]}
    return found


def load_set(path: Path = TEST_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- edit recipes (pure and seeded) --------------------------------------------------------------------------------
def _paragraphs(text: str) -> list[str]:
    parts = [part.strip() for part in re.split(r"(?:\r?\n\s*)+", text) if part.strip()]
    if len(parts) >= 3:
        return parts
    sentences = [text[start:end].strip() for start, end in split_sentences(text)]
    size = max(1, -(-len(sentences) // 3))
    return [" ".join(sentences[index : index + size]) for index in range(0, len(sentences), size)]


def reorder_paragraphs(text: str, rng: random.Random) -> str:
    parts = _paragraphs(text)
    shuffled = parts[:]
    while len(parts) > 1 and shuffled == parts:
        rng.shuffle(shuffled)
    return "\n\n".join(shuffled)


def new_headline(text: str, rng: random.Random) -> str:
    """Another headline in front of the text; a short first line (the old headline) is dropped."""
    lines = text.strip().split("\n", 1)
    body = lines[1] if len(lines) == 2 and len(lines[0].split()) <= 20 else text
    words = body.split()
    start = rng.randrange(max(1, len(words) - 10))
    return " ".join(words[start : start + rng.randint(6, 10)]) + "\n" + body


def agency_line(text: str, rng: random.Random) -> str:
    line, _ = rng.choice(AGENCY_LINES)
    return line + text.strip() + "\nانتهای پیام"


def zwnj_removed(text: str, rng: random.Random) -> str:
    if ZWNJ in text:
        return text.replace(ZWNJ, "")
    return re.sub(r"(?<!\S)(می|مي|نمی|نمي) ", r"\1", text)  # Hamshahri has no ZWNJ: join what it spaces


def zwnj_spaced(text: str, rng: random.Random) -> str:
    if ZWNJ in text:
        return text.replace(ZWNJ, " ")
    return re.sub(r"(?<!\S)(می|مي|نمی|نمي) ", "\\1" + ZWNJ, text)  # and attach it with ZWNJ instead


def arabic_letters(text: str, rng: random.Random) -> str:
    """Persian ی/ک to Arabic ي/ك, or back when the text is written with Arabic letters (Hamshahri)."""
    if text.count("ي") + text.count("ك") > text.count("ی") + text.count("ک"):
        return text.replace("ي", "ی").replace("ك", "ک")
    return text.replace("ی", "ي").replace("ک", "ك")


def drop_sentence(text: str, rng: random.Random) -> str:
    """One sentence other than the first, and not one that holds a fifth of the text or more (an article without
    full stops is one long "sentence": dropping that would be cutting the article, not a sentence)."""
    spans = [span for span in split_sentences(text)[1:] if (span[1] - span[0]) * 5 < len(text)]
    if not spans:
        return text
    start, end = spans[rng.randrange(len(spans))]
    return text[:start] + text[end:]


EDITS: dict[str, Callable[[str, random.Random], str]] = {
    "reorder_paragraphs": reorder_paragraphs,
    "new_headline": new_headline,
    "agency_line": agency_line,
    "zwnj_removed": zwnj_removed,
    "zwnj_spaced": zwnj_spaced,
    "arabic_letters": arabic_letters,
    "drop_sentence": drop_sentence,
}


def apply_edits(text: str, edits: list[str], seed: int) -> str:
    rng = random.Random(seed)
    for edit in edits:
        text = EDITS[edit](text, rng)
    return text


# --- pairs ------------------------------------------------------------------------------------------------------
def pairs(test_set: list[dict], corpus: dict[str, dict]) -> Iterator[tuple[str, str, dict]]:
    """``(key a, key b, item)`` of every labelled pair; an edited copy's key is ``<base>#copy<n>``."""
    for number, item in enumerate(test_set):
        if item["kind"] == "real":
            yield item["a"], item["b"], item
        else:
            yield item["base"], f"{item['base']}#copy{number}", item


def texts_of(test_set: list[dict], corpus: dict[str, dict]) -> dict[str, dict]:
    """Every article the benchmark stores: the corpus records and the edited copies."""
    texts = dict(corpus)
    for number, item in enumerate(test_set):
        if item["kind"] == "edited":
            base = corpus[item["base"]]
            copy = apply_edits(base["text"], item["edits"], item["seed"])
            texts[f"{item['base']}#copy{number}"] = {
                "text": copy,
                "date": base["date"],
                "edits": item["edits"],
            }
    return texts


def scores(predicted: list[bool], gold: list[bool]) -> dict[str, float]:
    tp = sum(p and g for p, g in zip(predicted, gold, strict=True))
    fp = sum(p and not g for p, g in zip(predicted, gold, strict=True))
    fn = sum(g and not p for p, g in zip(predicted, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


# --- quality through the archive ------------------------------------------------------------------------------
def quality(test_set: list[dict], data: Path, analyze: bool, seed: int = 1) -> dict:
    corpus = load_corpus(data, _keys(test_set) | _all_farexstance(data))
    texts = texts_of(test_set, corpus)
    keys = sorted(texts)
    random.Random(seed).shuffle(keys)
    records = [
        RawRecord(
            texts[key]["text"],
            "bench",
            number,
            url=_url(key),
            published=texts[key]["date"],
        )
        for number, key in enumerate(keys, start=1)
    ]
    with tempfile.TemporaryDirectory(prefix="khabar-dups-") as folder:
        archive = open_archive(Path(folder) / "bench.db")
        started = time.perf_counter()
        options = {} if analyze else {"analyze": False}
        summary = service.ingest(archive, records, **options)
        elapsed = time.perf_counter() - started
        rows = archive.db.execute(
            """SELECT a.url, l.dup_group, l.story_id, l.similarity FROM articles a
               JOIN article_links l ON l.article_rowid = a.rowid"""
        ).fetchall()
        archive.close()
    group = {_key(url): dup for url, dup, _, _ in rows}
    story = {_key(url): story_id for url, _, story_id, _ in rows}
    labelled = list(pairs(test_set, corpus))
    predicted = [group[a] == group[b] for a, b, _ in labelled]
    gold = [item["label"] == "duplicate" for _, _, item in labelled]
    result = {
        "articles": summary.added,
        "ingest_seconds": round(elapsed, 1),
        "all": scores(predicted, gold),
        "groups": _by(labelled, predicted, gold, _group_name),
        "misses_by_edit": dict(
            Counter(
                edit
                for (_, _, item), p, g in zip(labelled, predicted, gold, strict=True)
                if g and not p and item["kind"] == "edited"
                for edit in item["edits"]
            )
        ),
        "edits_by_kind": _by(labelled, predicted, gold, _edit_name),
        "real_by_similarity": _by(
            labelled, predicted, gold, lambda a, b, item: _bin(texts[a]["text"], texts[b]["text"], item)
        ),
        "errors": [
            {"a": a, "b": b, "label": item["label"], "note": item.get("note") or item.get("edits")}
            for (a, b, item), p, g in zip(labelled, predicted, gold, strict=True)
            if p != g
        ],
    }
    same_event = [story[a] == story[b] for a, b, item in labelled if item["label"] == "different"]
    farexstance = sorted(key for key in texts if key.startswith("farexstance:") and "#" not in key)
    rng = random.Random(seed)
    random_pairs = [rng.sample(farexstance, 2) for _ in range(5000)]
    sizes = Counter(story.values())
    result["stories"] = {
        "different_reports_of_one_event_in_one_story": _share(same_event),
        "random_farexstance_pairs_in_one_story": _share([story[a] == story[b] for a, b in random_pairs]),
        "stories": len(sizes),
        "largest_story": max(sizes.values()),
        "articles_alone": sum(1 for size in sizes.values() if size == 1),
    }
    return result


def _url(key: str) -> str:
    """A distinct URL per article (a ``#`` would be cut off: identities ignore fragments)."""
    return "https://bench.invalid/" + key.replace("#", "/")


def _key(url: str) -> str:
    return url.removeprefix("https://bench.invalid/").replace("/", "#")


def _all_farexstance(data: Path) -> set[str]:
    return {f"farexstance:{line['news_id']}" for line in _records(data / FAREXSTANCE)}


def _keys(test_set: list[dict]) -> set[str]:
    keys = set()
    for item in test_set:
        keys |= {item["a"], item["b"]} if item["kind"] == "real" else {item["base"]}
    return keys


def _group_name(a: str, b: str, item: dict) -> str:
    if item["kind"] == "edited":
        return "edited copies (" + a.split(":")[0] + ")"
    return f"real {item['label']} pairs ({'read' if item['read'] else 'bin'})"


def _edit_name(a: str, b: str, item: dict) -> str | None:
    if item["kind"] != "edited":
        return None
    return "combined" if len(item["edits"]) > 1 else item["edits"][0]


def _bin(text_a: str, text_b: str, item: dict) -> str | None:
    if item["kind"] != "real":
        return None
    similarity = jaccard(shingles(normalize_text(text_a)), shingles(normalize_text(text_b)))
    low = min(int(similarity * 10) / 10, 0.9)
    return f"{item['label']} J {low:.1f}–{low + 0.1:.1f}"


def _by(labelled, predicted, gold, name) -> dict[str, dict]:
    groups: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for (a, b, item), p, g in zip(labelled, predicted, gold, strict=True):
        key = name(a, b, item)
        if key is not None:
            groups[key].append((p, g))
    return {
        key: {"pairs": len(values), "predicted_duplicate": sum(p for p, _ in values)}
        for key, values in sorted(groups.items())
    }


def _share(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


# --- the parameter sweep (exact Jaccard, no LSH) -----------------------------------------------------------------
ORTHOGRAPHIC = {"zwnj_removed", "zwnj_spaced", "arabic_letters"}


def word_shingles(terms: list[str], size: int = 5) -> set[int]:
    """The alternative the sweep compares with: CRC-32 of word ``size``-grams of the terms."""
    if len(terms) <= size:
        return {zlib.crc32(" ".join(terms).encode())} if terms else set()
    return {zlib.crc32(" ".join(terms[i : i + size]).encode()) for i in range(len(terms) - size + 1)}


def sweep(test_set: list[dict], data: Path) -> list[dict]:
    """Per shingling: the best threshold by F1 over the labelled pairs, F1 at 0.3/0.4/0.5, the overlap zone, and
    the lowest similarity of an edited copy that only changed orthography (ZWNJ, ي/ك), which should be 1."""
    corpus = load_corpus(data, _keys(test_set))
    texts = texts_of(test_set, corpus)
    normalized = {key: normalize_text(value["text"]) for key, value in texts.items()}
    terms = {key: term_texts(value) for key, value in normalized.items()}
    labelled = list(pairs(test_set, corpus))
    gold = [item["label"] == "duplicate" for _, _, item in labelled]
    shinglings: list[tuple[str, Callable[[str], set[int]]]] = [
        (f"words of term_texts, {size}", lambda key, size=size: word_shingles(terms[key], size))
        for size in (4, 5, 6)
    ]
    shinglings += [
        (f"skeleton, {size} chars", lambda key, size=size: shingles(normalized[key], size))
        for size in (12, 16, 20, 24, 30)
    ]
    rows = []
    for name, shingle in shinglings:
        sets = {key: shingle(key) for key in texts}
        similarity = [jaccard(sets[a], sets[b]) for a, b, _ in labelled]
        by_threshold = {
            round(threshold, 2): scores([value >= threshold for value in similarity], gold)
            for threshold in [step / 100 for step in range(5, 96, 5)]
        }
        best = max(by_threshold, key=lambda threshold: (by_threshold[threshold]["f1"], -threshold))
        orthographic = [
            value
            for value, (_, _, item) in zip(similarity, labelled, strict=True)
            if item["kind"] == "edited" and set(item["edits"]) <= ORTHOGRAPHIC
        ]
        rows.append(
            {
                "shingles": name,
                "best_threshold": best,
                "best": by_threshold[best],
                **{f"f1_at_{t}": round(by_threshold[t]["f1"], 3) for t in (0.3, 0.35, 0.4, 0.5)},
                "lowest_duplicate": round(min(v for v, g in zip(similarity, gold, strict=True) if g), 3),
                "highest_different": round(max(v for v, g in zip(similarity, gold, strict=True) if not g), 3),
                "lowest_orthographic_variant": round(min(orthographic), 3),
            }
        )
    return rows


# --- ingest overhead ----------------------------------------------------------------------------------------------
@contextmanager
def duplicate_detection(enabled: bool) -> Iterator[None]:
    """Switch the linking step off (for the 'without' side of the comparison): ``khabar.linking.add_linked``,
    which the ingest service calls, then only stores."""
    import khabar.linking as linking

    real = linking.link
    if not enabled:
        linking.link = lambda *args, **kwargs: None
    try:
        yield
    finally:
        linking.link = real


def overhead(data: Path, count: int, repeats: int) -> dict:
    raws = []
    for number, line in enumerate(_records(data / HAMSHAHRI), start=1):
        if number > count:
            break
        record = line
        raws.append(
            RawRecord(
                record["text"],
                "hamshahri",
                number,
                url=f"hamshahri:{record['doc_id']}",
                published=record["jalali_date"],
            )
        )
    result = {"articles": len(raws)}
    for mode, pipeline in (("analysis", service.pipeline()), ("store_only", service.store_only_pipeline())):
        pipeline(raws[0])  # load models outside the timing
        started = time.perf_counter()
        analyses = [pipeline(raw) for raw in raws]
        analysis_seconds = time.perf_counter() - started
        timings: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(repeats):
            for enabled in (False, True):
                with tempfile.TemporaryDirectory(prefix="khabar-dups-") as folder:
                    archive = open_archive(Path(folder) / "overhead.db")
                    with duplicate_detection(enabled):
                        started = time.perf_counter()
                        for analysis in analyses:
                            archive.add(analysis)
                        archive.commit()
                        timings[enabled].append(time.perf_counter() - started)
                    archive.close()
        store_off, store_on = statistics.median(timings[False]), statistics.median(timings[True])
        result[mode] = {
            "prepare_and_analyze_s": round(analysis_seconds, 2),
            "store_without_s": round(store_off, 3),
            "store_with_s": round(store_on, 3),
            "detection_ms_per_article": round((store_on - store_off) / len(raws) * 1000, 2),
            "overhead_percent": round(100 * (store_on - store_off) / (analysis_seconds + store_off), 1),
            "runs": {
                "without": [round(t, 3) for t in timings[False]],
                "with": [round(t, 3) for t in timings[True]],
            },
        }
    return result


# --- mining candidate real pairs ----------------------------------------------------------------------------------
def mine(data: Path) -> Iterator[dict]:
    """FarExStance pairs sharing subject matter (content-word Jaccard ≥ 0.15), with shingle Jaccard, to label."""
    from khabar.stories import is_content_term

    corpus = load_corpus(data, _all_farexstance(data))
    keys = sorted(corpus)
    terms = [term_texts(normalize_text(corpus[key]["text"])) for key in keys]
    words = [{term for term in value if is_content_term(term)} for value in terms]
    sets = [shingles(value) for value in terms]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, value in enumerate(words):
        for word in value:
            postings[word].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    for members in postings.values():
        if len(members) <= 60:  # words in more than 60 articles say little about a pair
            shared.update(itertools.combinations(members, 2))
    for (a, b), count in sorted(shared.items()):
        overlap = count / len(words[a] | words[b])
        if overlap >= 0.15:
            yield {
                "a": keys[a],
                "b": keys[b],
                "shingle_jaccard": round(jaccard(sets[a], sets[b]), 3),
                "word_jaccard": round(overlap, 3),
            }


# --- report ---------------------------------------------------------------------------------------------------------
def report(result: dict) -> str:
    lines = [f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}"]
    if "sweep" in result:
        lines += [
            "",
            "| shingles | best θ | P | R | F1 | F1 θ=0.3 | F1 θ=0.35 | F1 θ=0.4 | F1 θ=0.5 | lowest dup J | highest different J |"
            " lowest J of a ZWNJ/ي variant |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in result["sweep"]:
            best = row["best"]
            lines.append(
                f"| {row['shingles']} | {row['best_threshold']:.2f} | {best['precision']:.3f} | {best['recall']:.3f} | "
                f"{best['f1']:.3f} | {row['f1_at_0.3']:.3f} | {row['f1_at_0.35']:.3f} | {row['f1_at_0.4']:.3f} | "
                f"{row['f1_at_0.5']:.3f} | "
                f"{row['lowest_duplicate']} | {row['highest_different']} | {row['lowest_orthographic_variant']} |"
            )
    if "quality" in result:
        quality_result = result["quality"]
        total = quality_result["all"]
        lines += [
            "",
            f"archive: {quality_result['articles']} articles ingested in {quality_result['ingest_seconds']} s",
            f"duplicates: P {total['precision']:.3f}  R {total['recall']:.3f}  F1 {total['f1']:.3f} "
            f"(tp {total['tp']}, fp {total['fp']}, fn {total['fn']})",
            "",
            "| pairs | n | predicted duplicate |",
            "|---|---|---|",
        ]
        for section in ("groups", "edits_by_kind", "real_by_similarity"):
            for key, value in quality_result[section].items():
                lines.append(f"| {key} | {value['pairs']} | {value['predicted_duplicate']} |")
        lines += ["", f"misses by edit kind: {quality_result['misses_by_edit'] or 'none'}"]
        lines += [f"stories: {json.dumps(quality_result['stories'])}"]
        for error in quality_result["errors"]:
            lines.append(f"  {error['label']:9} {error['a']} {error['b']}  {error['note']}")
    if "overhead" in result:
        over = result["overhead"]
        lines += ["", f"overhead over {over['articles']} Hamshahri articles (medians):"]
        for mode in ("analysis", "store_only"):
            row = over[mode]
            lines.append(
                f"  {mode:10}: prepare/analyze {row['prepare_and_analyze_s']} s, store {row['store_without_s']} s "
                f"without / {row['store_with_s']} s with detection → +{row['detection_ms_per_article']} ms/article, "
                f"+{row['overhead_percent']} % of ingest time"
            )
    lines.append(
        f"\nparameters: {SHINGLE_CHARS}-character shingles, θ={THRESHOLD}, P(candidate) at J=0.3/0.4: "
        f"{candidate_probability(0.3):.3f}/{candidate_probability(0.4):.5f}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--sweep", action="store_true", help="only the exact-Jaccard sweep over shingle sizes"
    )
    parser.add_argument("--mine", action="store_true", help="print candidate real pairs as JSON lines")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--no-analysis", action="store_true", help="quality run with the store-only pipeline")
    parser.add_argument(
        "--overhead", type=int, default=300, help="Hamshahri articles for the overhead (0: skip)"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write every number here")
    args = parser.parse_args()
    if not (args.data / FAREXSTANCE).exists():
        sys.exit(f"needs the development data in {args.data} (absent on a fresh clone); see bench/README.md")
    if args.mine:
        for row in mine(args.data):
            print(json.dumps(row, ensure_ascii=False))
        return
    test_set = load_set()
    result: dict = {}
    if args.sweep:
        result["sweep"] = sweep(test_set, args.data)
    else:
        if not args.skip_quality:
            result["quality"] = quality(test_set, args.data, analyze=not args.no_analysis)
        if args.overhead:
            result["overhead"] = overhead(args.data, args.overhead, args.repeats)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
