"""Seconds to analyze adversarial texts of 50k, 100k and 200k characters (issue 13, finding 4).

    python bench/robustness.py                        # every shape at 50k, 100k, 200k characters
    python bench/robustness.py --shapes persian_word,title --sizes 10000,20000 --timeout 60
    python bench/robustness.py --profile one_sentence --sizes 200000   # cProfile's top functions for one shape
    python bench/robustness.py --by-step --sizes 100000,200000         # seconds of each step, and their ratio

Each record goes through ``khabar.service.pipeline().process`` (the full default pipeline: normalization with
ZWNJ restoration, sentences, tokens, NER, places, quotes, amounts, dates), as ``POST /api/articles`` runs it.
The shapes are what an attacker (or a broken scraper) can send: one huge word, no spaces or sentence ends, runs of
punctuation, quotation marks, parentheses, numbers and dates. Analysis is linear in input length when the ratio
200k/100k stays near 2 (a quadratic path shows 4). Each shape runs in its own process, sizes ascending, after one
warm-up article, so caches start alike; a shape that overruns ``--timeout`` is stopped and reported as such.
Wall-clock seconds, one process; prints a Markdown table.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ZWNJ = "\u200c"
SENTENCE = (
    "رئیس سازمان برنامه و بودجه روز دوشنبه ۱۷ مهر ۱۴۰۴ در تهران گفت «دولت ۱۲٬۵۰۰ میلیارد تومان برای "
    "همکاریهای منطقه ای با سازمان همکاری اقتصادی اکو اختصاص می دهد» و افزود این طرح تا پایان سال ۲۰۲۵ "
    "اجرا میشود "
)


def _repeat(piece: str, size: int) -> str:
    """``piece`` repeated to exactly ``size`` characters."""
    return (piece * (size // len(piece) + 1))[:size]


def _numbered(piece: str, size: int) -> str:
    """``piece`` with a running number in its ``{}``, repeated to exactly ``size`` characters: all different."""
    parts, length, number = [], 0, 0
    while length < size:
        parts.append(piece.format(*[number] * piece.count("{}")))
        length += len(parts[-1])
        number += 1
    return "".join(parts)[:size]


# Each shape: a name → (size → (text, title)). The text is what the record carries; the title is its title.
SHAPES: dict[str, Callable[[int], tuple[str, str | None]]] = {
    "persian_word": lambda n: (_repeat("کتابخانه", n), None),  # one word, no space
    "persian_letter": lambda n: ("ب" * n, None),
    "latin_word": lambda n: (_repeat("abcdefgh", n), None),
    "digits": lambda n: (_repeat("۱۲۳۴۵۶۷۸۹۰", n), None),
    "zwnj_word": lambda n: (_repeat("کتاب" + ZWNJ, n - 1) + "ه", None),  # one word of ZWNJ-joined parts
    "mi_prefixes": lambda n: (_repeat("می", n), None),  # میمیمی…
    "mi_apart": lambda n: (_repeat("می ", n), None),  # می می می …
    "affixes_apart": lambda n: ("کتاب" + _repeat(" ها", n - 4), None),  # کتاب ها ها ها …: one growing word
    "colons": lambda n: (_repeat("او گفت: ", n), None),
    "colon_quotes": lambda n: (_repeat("او گفت: «", n), None),  # every colon opens a quotation never closed
    "title": lambda n: ("متن کوتاه خبر.", _repeat("کتابخانه", n)),  # a title with no spaces
    "title_words": lambda n: ("متن کوتاه خبر.", _repeat(SENTENCE, n)),  # a title of words, no end
    "one_sentence": lambda n: (_repeat(SENTENCE, n), None),  # real words, no sentence end
    "punctuation": lambda n: (_repeat("!؟.،؛:-", n), None),
    "dots": lambda n: ("." * n, None),
    "quotes_open": lambda n: ("«" * n, None),
    "quotes_words": lambda n: (_repeat("«گفت ", n), None),
    "quotes_balanced": lambda n: (_repeat("«او گفت» ", n), None),
    "parentheses": lambda n: ("(" * (n // 2) + ")" * (n - n // 2), None),
    "numbers": lambda n: (_repeat("۱۲ ", n), None),
    "amounts": lambda n: (_repeat("۱۲٬۵۰۰ میلیارد و ", n), None),
    "number_words": lambda n: (_repeat("هزار و ", n), None),
    "dates": lambda n: (_repeat("۱۴۰۴/۰۷/۱۷ ", n), None),
    "date_words": lambda n: (_repeat("۱۷ مهر ۱۴۰۴ ", n), None),
    "mixed_scripts": lambda n: (_repeat("abcابج123۱۲۳", n), None),
    "short_tokens": lambda n: (_repeat("و ", n), None),
    "names": lambda n: (_repeat("آقای علی احمدی ", n), None),  # one long run of PER tokens
    # unnamed speakers, each a different role, and people named elsewhere (each role is looked for beside each)
    "people_with_roles": lambda n: (
        _numbered("علی احمدی{} رئیس اداره {} شد. رئیس اداره {} گفت که ما این کار را می‌کنیم. ", n),
        None,
    ),
    "role_speakers": lambda n: (
        _numbered("رئیس اداره {} گفت که ما این کار را می‌کنیم. علی احمدی{} آمد. ", n),
        None,
    ),
    "newlines": lambda n: (_repeat("الف\n", n), None),
}


def record(shape: str, size: int):  # noqa: ANN201 - a RawRecord, imported late
    from khabar.records import RawRecord

    text, title = SHAPES[shape](size)
    return RawRecord(text=text, title=title, origin=f"bench:{shape}", record_no=size)


def run_shape(shape: str, sizes: list[int]) -> None:
    """In a worker process: warm up, then print one JSON line per size, as each finishes."""
    from khabar.records import RawRecord
    from khabar.service import pipeline

    pipe = pipeline()
    pipe.process(RawRecord(text=SENTENCE + ".", origin="warm-up", record_no=0))
    for size in sizes:
        item = record(shape, size)
        started = time.perf_counter()
        result = pipe.process(item)
        seconds = time.perf_counter() - started
        outcome = type(result).__name__
        print(json.dumps({"shape": shape, "size": size, "seconds": seconds, "outcome": outcome}), flush=True)


def run_steps(shape: str, sizes: list[int]) -> None:
    """In a worker process: seconds of ``prepare`` and of each step, one JSON line per size."""
    from khabar.pipeline import prepare
    from khabar.records import RawRecord
    from khabar.service import pipeline

    pipe = pipeline()
    pipe.process(RawRecord(text=SENTENCE + ".", origin="warm-up", record_no=0))
    for size in sizes:
        started = time.perf_counter()
        analysis = prepare(record(shape, size))
        seconds = {"prepare": time.perf_counter() - started}
        for step in pipe.steps:
            started = time.perf_counter()
            analysis = step.run(analysis)
            seconds[step.name] = time.perf_counter() - started
        print(json.dumps({"shape": shape, "size": size, "steps": seconds}), flush=True)


def by_step(shapes: list[str], sizes: list[int], timeout: float) -> None:
    """A Markdown table: per shape and step, seconds at the largest size and the ratio to the size before."""
    rows = []
    for shape in shapes:
        args = [sys.executable, __file__, "--step-worker", shape, "--sizes", ",".join(map(str, sizes))]
        try:
            out = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=True).stdout
        except subprocess.TimeoutExpired:
            print(f"| {shape} | over {timeout:.0f} s |", flush=True)
            continue
        found = {row["size"]: row["steps"] for row in map(json.loads, out.splitlines())}
        last, before = found[sizes[-1]], found[sizes[-2]]
        if not rows:
            names = list(last)
            print("| shape | " + " | ".join(names) + " |")
            print("|---" * (len(names) + 1) + "|")
        cells = [f"{last[name]:.2f} ({last[name] / max(before[name], 1e-3):.1f}×)" for name in last]
        rows.append(shape)
        print(f"| {shape} | " + " | ".join(cells) + " |", flush=True)


def measure(shape: str, sizes: list[int], timeout: float) -> dict[int, float | None]:
    """Seconds per size for one shape, in a fresh process; ``None`` for sizes not reached within ``timeout``.
    A record the pipeline rejected (a step failed) stops the benchmark: its time says nothing."""
    args = [sys.executable, __file__, "--worker", shape, "--sizes", ",".join(map(str, sizes))]
    found: dict[int, float | None] = dict.fromkeys(sizes)
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=True).stdout
    except subprocess.TimeoutExpired as expired:
        done = (expired.stdout or b"").decode() if isinstance(expired.stdout, bytes) else expired.stdout or ""
    for line in done.splitlines():
        row = json.loads(line)
        if row["outcome"] != "Analysis":
            sys.exit(f"{shape} at {row['size']} characters: the pipeline returned a {row['outcome']}")
        found[row["size"]] = row["seconds"]
    return found


def profile(shape: str, size: int) -> None:
    from khabar.records import RawRecord
    from khabar.service import pipeline

    pipe = pipeline()
    pipe.process(RawRecord(text=SENTENCE + ".", origin="warm-up", record_no=0))
    profiler = cProfile.Profile()
    profiler.runcall(pipe.process, record(shape, size))
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated; default: all")
    parser.add_argument("--sizes", default="50000,100000,200000")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per shape (all its sizes)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--step-worker", help=argparse.SUPPRESS)
    parser.add_argument("--by-step", action="store_true", help="time prepare and each step apart")
    parser.add_argument("--profile", metavar="SHAPE", help="print cProfile's top functions for SHAPE")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.worker:
        run_shape(args.worker, sizes)
        return
    if args.step_worker:
        run_steps(args.step_worker, sizes)
        return
    if args.profile:
        profile(args.profile, sizes[-1])
        return
    shapes = args.shapes.split(",")
    unknown = set(shapes) - set(SHAPES)
    if unknown:
        sys.exit(f"unknown shapes: {', '.join(sorted(unknown))}; known: {', '.join(SHAPES)}")
    if args.by_step:
        by_step(shapes, sizes, args.timeout)
        return
    header = " | ".join(f"{size // 1000}k s" for size in sizes)
    print(f"| shape | {header} | {sizes[-1] // 1000}k/{sizes[-2] // 1000}k |" if len(sizes) > 1 else "")
    print("|---" * (len(sizes) + 2) + "|")
    for shape in shapes:
        found = measure(shape, sizes, args.timeout)
        cells = [
            f"{found[size]:.2f}" if found[size] is not None else f"> {args.timeout:.0f}" for size in sizes
        ]
        last, before = found[sizes[-1]], found[sizes[-2]] if len(sizes) > 1 else None
        ratio = f"{last / before:.1f}" if last is not None and before else "–"
        print(f"| {shape} | {' | '.join(cells)} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
