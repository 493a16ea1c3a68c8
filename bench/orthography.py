"""ZWNJ-restoration benchmark: khabar's normalizer against hazm's on edited PerDT sentences.

    python bench/orthography.py [--limit N] [--systems khabar,hazm] [--json OUT] [--errors N]

The gold is the raw text of the UD Persian PerDT *test* split (carefully edited, correct zero-width non-joiners),
read from ``../shared/data/orthography/`` beside the repository. Three inputs are built from it: ``joined``
(every ZWNJ deleted), ``spaced`` (every ZWNJ replaced by a space) and ``gold`` (untouched). Each system normalizes
each input sentence by sentence; its output is compared with the gold:

* word accuracy: share of gold words (gold split on whitespace) reproduced exactly, at the same place; the
  ``folded`` variant first applies the small character folding below to both words, so it ignores the
  normalizer's character clean-ups (ي→ی, diacritics, digits) and measures spacing and ZWNJ alone;
* ZWNJ precision/recall/F1 over positions: spaces and ZWNJ are stripped from the folded gold and output, leaving a
  character skeleton; every boundary between two skeleton characters is labelled none/space/ZWNJ on each side and
  the labels are compared. When the skeletons still differ (a system changed quotes, dropped a character, ...) they
  are aligned with ``difflib.SequenceMatcher`` and only boundaries inside aligned runs are scored;
* space precision/recall over boundaries between two letters or digits: a missed space joins two words, a spurious
  one splits a word;
* damage (gold input only): share of gold words the system changed.

Speed is characters per second on one core, timed with ``time.perf_counter`` around the normalize calls only,
inside a worker process that normalizes one input and exits (so caches built on one input cannot speed up the
next): ``bench/hazm_worker.py`` in hazm's own virtualenv, ``orthography.py --khabar-worker`` for khabar.

The metric functions take plain strings and need neither data nor hazm; ``tests/test_orthography_bench.py`` tests
them. See ``bench/README.md`` for setting up the hazm virtualenv.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import platform
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT.parent / "shared" / "data" / "orthography"
GOLD_NAME = "fa_dadegan-ud-test.txt"  # the TEST split only: train is for training, never read here
HAZM_PYTHON = ROOT / "bench" / ".venv-hazm" / "bin" / "python"
HAZM_WORKER = ROOT / "bench" / "hazm_worker.py"

ZWNJ = "\u200c"
NONE, SPACE, JOINER = "none", "space", "zwnj"  # boundary labels
# Letters that never join the next letter: a ZWNJ after them changes nothing on screen (hazm writes بندر‌ها).
NON_JOINING = "اآأإٱدذرزژوؤة"

INPUTS = ("joined", "spaced", "gold")
SYSTEMS = ("khabar", "hazm")


# ---------------------------------------------------------------------------------------------------------------
# Character folding: what a normalizer may legitimately change, undone on both sides before comparing layouts.

_FOLD: dict[int, str | None] = {
    **{ord(c): "ی" for c in "يىی"},
    **{ord(c): "ک" for c in "كک"},
    **{ord(c): "ه" for c in "ۀھە"},
    **{ord(d): str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")},
    **{ord(d): str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")},
    ord("٪"): "%",
    ord("٫"): ".",
    ord("٬"): ",",
    # harakat, hamza above/below, superscript alef, tatweel; invisible marks other than ZWNJ
    **{code: None for code in range(0x064B, 0x0660)},
    0x0670: None,
    0x0640: None,
    **{ord(c): None for c in "\u200b\u200d\u200e\u200f\ufeff\u00ad"},
}


def fold(text: str) -> str:
    """Fold Arabic letter variants to Persian, unify digits, drop diacritics, tatweel and invisible marks (not ZWNJ)."""
    return text.translate(_FOLD)


# ---------------------------------------------------------------------------------------------------------------
# Layout: a text as a skeleton of folded characters, the label of each boundary, and its words.


@dataclass(frozen=True, slots=True)
class Word:
    start: int  # index of the word's first skeleton character
    end: int  # one past its last skeleton character
    text: str  # the word as written, ZWNJ included


@dataclass(frozen=True, slots=True)
class Layout:
    skeleton: str  # folded characters without whitespace and ZWNJ
    labels: tuple[
        str, ...
    ]  # labels[i]: what separates skeleton[i - 1] from skeleton[i] (labels[0] is unused)
    words: tuple[Word, ...]  # words with at least one skeleton character, in order


def layout(text: str) -> Layout:
    """Split ``text`` into its folded character skeleton, boundary labels and whitespace-separated words."""
    skeleton: list[str] = []
    labels: list[str] = []
    words: list[Word] = []
    pending = NONE
    word_start: int | None = None
    word_chars: list[str] = []

    def close_word() -> None:
        nonlocal word_start
        if word_start is not None and len(skeleton) > word_start:
            words.append(Word(word_start, len(skeleton), "".join(word_chars)))
        word_start = None
        word_chars.clear()

    for char in text:
        if char.isspace():
            close_word()
            pending = SPACE
            continue
        if word_start is None:
            word_start = len(skeleton)
        word_chars.append(char)
        if char == ZWNJ:
            if pending != SPACE:
                pending = JOINER
            continue
        folded = fold(char)
        if not folded:
            continue
        labels.append(pending)
        skeleton.append(folded)
        pending = NONE
    close_word()
    return Layout("".join(skeleton), tuple(labels), tuple(words))


def align(gold: str, output: str) -> list[int]:
    """For each gold skeleton index, the output skeleton index aligned with it, or -1."""
    if gold == output:
        return list(range(len(gold)))
    mapping = [-1] * len(gold)
    for block in SequenceMatcher(None, gold, output, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            mapping[block.a + k] = block.b + k
    return mapping


# ---------------------------------------------------------------------------------------------------------------
# Scores


def _percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else math.nan


def _f1(tp: int, fp: int, fn: int) -> float:
    """F1 as a percentage: 0 when nothing right was found, NaN only when there was nothing to find or found."""
    return _percent(2 * tp, 2 * tp + fp + fn)


@dataclass(slots=True)
class Counts:
    """Counts over one or more sentences; the metrics are percentages (NaN when undefined)."""

    sentences: int = 0
    sentences_exact: int = 0  # output identical to the gold sentence
    sentences_realigned: int = 0  # folded skeletons differed: only aligned boundaries were scored
    words: int = 0
    words_exact: int = 0
    words_folded: int = 0
    boundaries: int = 0  # gold boundaries scored
    boundaries_unscored: int = 0  # gold boundaries next to a character the system changed, added or dropped
    zwnj_tp: int = 0
    zwnj_fp: int = 0
    zwnj_fn: int = 0
    zwnj_invisible: int = 0  # output ZWNJ after a non-joining letter (bad text, looks right on screen)
    space_tp: int = 0
    space_fp: int = 0  # a space inside a gold word: the word was split
    space_fn: int = 0  # a gold space between two words lost: they were joined
    # (gold word, output words over its span) -> count, for words wrong even after folding
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, other: Counts) -> None:
        for name in self.__slots__:  # type: ignore[attr-defined]
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, Counter):
                mine.update(theirs)
            else:
                setattr(self, name, mine + theirs)

    @property
    def word_accuracy(self) -> float:
        return _percent(self.words_exact, self.words)

    @property
    def word_accuracy_folded(self) -> float:
        return _percent(self.words_folded, self.words)

    @property
    def damage(self) -> float:
        """Share of gold words changed: meaningful when the input was the gold itself."""
        return _percent(self.words - self.words_exact, self.words)

    @property
    def zwnj_precision(self) -> float:
        return _percent(self.zwnj_tp, self.zwnj_tp + self.zwnj_fp)

    @property
    def zwnj_recall(self) -> float:
        return _percent(self.zwnj_tp, self.zwnj_tp + self.zwnj_fn)

    @property
    def zwnj_f1(self) -> float:
        return _f1(self.zwnj_tp, self.zwnj_fp, self.zwnj_fn)

    @property
    def space_precision(self) -> float:
        return _percent(self.space_tp, self.space_tp + self.space_fp)

    @property
    def space_recall(self) -> float:
        return _percent(self.space_tp, self.space_tp + self.space_fn)

    def metrics(self) -> dict[str, float]:
        return {
            "word_accuracy": self.word_accuracy,
            "word_accuracy_folded": self.word_accuracy_folded,
            "zwnj_precision": self.zwnj_precision,
            "zwnj_recall": self.zwnj_recall,
            "zwnj_f1": self.zwnj_f1,
            "space_precision": self.space_precision,
            "space_recall": self.space_recall,
            "damage": self.damage,
        }

    def to_json(self, errors: int = 50) -> dict[str, Any]:
        counts = {name: getattr(self, name) for name in self.__slots__ if name != "errors"}  # type: ignore[attr-defined]
        top = [{"gold": g, "output": o, "count": n} for (g, o), n in self.errors.most_common(errors)]
        return {
            "metrics": {k: _json_number(v) for k, v in self.metrics().items()},
            "counts": counts,
            "errors": top,
        }


def score_sentence(gold: str, output: str) -> Counts:
    """Compare one system output with its gold sentence."""
    counts = Counts(sentences=1, sentences_exact=int(gold.strip() == output.strip()))
    gold_layout, out_layout = layout(gold), layout(output)
    mapping = align(gold_layout.skeleton, out_layout.skeleton)
    if gold_layout.skeleton != out_layout.skeleton:
        counts.sentences_realigned = 1

    out_labels, out_skeleton = out_layout.labels, out_layout.skeleton
    for i in range(1, len(gold_layout.skeleton)):
        j = mapping[i]
        if j <= 0 or mapping[i - 1] != j - 1:
            counts.boundaries_unscored += 1
            continue
        counts.boundaries += 1
        want, got = gold_layout.labels[i], out_labels[j]
        if want == JOINER and got == JOINER:
            counts.zwnj_tp += 1
        elif got == JOINER:
            counts.zwnj_fp += 1
        elif want == JOINER:
            counts.zwnj_fn += 1
        if gold_layout.skeleton[i - 1].isalnum() and gold_layout.skeleton[i].isalnum():
            if want == SPACE and got == SPACE:
                counts.space_tp += 1
            elif got == SPACE:
                counts.space_fp += 1
            elif want == SPACE:
                counts.space_fn += 1

    for j in range(1, len(out_skeleton)):
        if out_labels[j] == JOINER and out_skeleton[j - 1] in NON_JOINING:
            counts.zwnj_invisible += 1

    owner = [-1] * len(out_skeleton)  # output skeleton index -> index of the output word holding it
    starts: dict[int, Word] = {}
    for index, word in enumerate(out_layout.words):
        starts[word.start] = word
        owner[word.start : word.end] = [index] * (word.end - word.start)
    for word in gold_layout.words:
        counts.words += 1
        found = starts.get(mapping[word.start])
        if found is not None and found.text == word.text:
            counts.words_exact += 1
            counts.words_folded += 1
            continue
        if found is not None and fold(found.text) == fold(word.text):
            counts.words_folded += 1
            continue  # a character clean-up, not a spacing error: shown by word acc vs folded, not listed
        held = dict.fromkeys(owner[j] for j in mapping[word.start : word.end] if j >= 0 and owner[j] >= 0)
        counts.errors[(word.text, " ".join(out_layout.words[k].text for k in held) or "∅")] += 1
    return counts


def score(golds: Sequence[str], outputs: Sequence[str]) -> Counts:
    """Sum of ``score_sentence`` over parallel lists of gold sentences and system outputs."""
    if len(golds) != len(outputs):
        raise ValueError(f"{len(golds)} gold sentences but {len(outputs)} outputs")
    total = Counts()
    for gold, output in zip(golds, outputs, strict=True):
        total.add(score_sentence(gold, output))
    return total


def make_inputs(golds: Sequence[str]) -> dict[str, list[str]]:
    """The three inputs built from the gold: ZWNJ deleted, ZWNJ replaced by a space, untouched."""
    return {
        "joined": [s.replace(ZWNJ, "") for s in golds],
        "spaced": [s.replace(ZWNJ, " ") for s in golds],
        "gold": list(golds),
    }


# ---------------------------------------------------------------------------------------------------------------
# Seed words of the project: joined input -> expected output, and words that must not change.

SEED_CASES: tuple[tuple[str, str, str], ...] = (
    *(
        (joined, expected, "restore")
        for joined, expected in (
            ("میکنیم", "می‌کنیم"),
            ("بیامان", "بی‌امان"),
            ("میدارد", "می‌دارد"),
            ("همکاریهای", "همکاری‌های"),
            ("روانگردانهای", "روانگردان‌های"),
            ("ارزشهای", "ارزش‌های"),
            ("انساندوستی", "انسان‌دوستی"),
            ("سگهای", "سگ‌های"),
            ("پیشرفتهای", "پیشرفت‌های"),
            ("ظرفیتهای", "ظرفیت‌های"),
            ("مقابلهای", "مقابله‌ای"),
            ("فعالیتهای", "فعالیت‌های"),
            ("بیشک", "بی‌شک"),
        )
    ),
    *((word, word, "keep") for word in ("کشورها", "بندرها", "میز", "میلیون", "بیمار", "بیست", "بی")),
    ("بندر ها", "بندرها", "attach"),
    ("همکاری ها", "همکاری‌ها", "attach"),
    ("می کنیم", "می‌کنیم", "attach"),
)


# ---------------------------------------------------------------------------------------------------------------
# Systems run in worker processes that take named batches of texts and return outputs and seconds normalizing.


@dataclass(frozen=True, slots=True)
class Run:
    outputs: list[str]
    seconds: float
    chars: int

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds > 0 else math.nan


def median_run(runs: Sequence[Run]) -> Run:
    """The run of median speed (all runs of one input give the same outputs)."""
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


def check_hazm(python: Path) -> None:
    if not python.exists():
        raise SystemExit(
            f"hazm's virtualenv is missing: {python} not found.\n"
            "Create it as bench/README.md says, pass --hazm-python, or run with --systems khabar."
        )


def worker_command(system: str, hazm_python: Path = HAZM_PYTHON) -> list[str]:
    """The command that starts a worker process for ``system`` (protocol: see ``bench/hazm_worker.py``)."""
    if system == "hazm":
        check_hazm(hazm_python)
        return [str(hazm_python), str(HAZM_WORKER)]
    return [sys.executable, str(Path(__file__).resolve()), "--khabar-worker"]


def run_system(command: list[str], groups: Sequence[dict[str, list[str]]]) -> tuple[dict[str, Run], str]:
    """Normalize each group of named batches in a fresh worker process, so caches one input fills cannot speed up
    the next; batches of one group share a process (the seed words ride along with the last input)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    if command[0] != sys.executable:
        env.pop("PYTHONPATH", None)  # hazm's worker must see its own virtualenv only
    runs: dict[str, Run] = {}
    version = ""
    for group in groups:
        requests = "".join(
            json.dumps({"id": n, "texts": t}, ensure_ascii=False) + "\n" for n, t in group.items()
        )
        process = subprocess.run(
            command, input=requests, capture_output=True, text=True, encoding="utf-8", env=env
        )
        lines = [json.loads(line) for line in process.stdout.splitlines() if line.strip()]
        if process.returncode != 0 or len(lines) != 1 + len(group):
            raise SystemExit(
                f"{' '.join(command)} failed (exit {process.returncode}):\n{process.stderr[-3000:]}"
            )
        version = lines[0]["version"]
        for reply in lines[1:]:
            runs[reply["id"]] = Run(reply["outputs"], reply["seconds"], reply["chars"])
    return runs, version


def khabar_worker() -> int:
    """The khabar side of the worker protocol, run as ``orthography.py --khabar-worker``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.hazm_worker import serve
    from khabar.text.normalize import normalize_text

    normalize_text("می کنیم")  # warm-up, untimed, as in the hazm worker
    return serve("khabar", _version("khabar"), normalize_text)


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "(working tree)"


# ---------------------------------------------------------------------------------------------------------------
# Reading the gold and reporting


def gold_path() -> Path:
    for candidate in (GOLD_DIR / GOLD_NAME, GOLD_DIR / (GOLD_NAME + ".gz")):
        if candidate.exists():
            return candidate
    raise SystemExit(
        f"gold sentences not found: neither {GOLD_DIR / GOLD_NAME} nor its .gz exists.\n"
        "This benchmark reads the development data in ../shared/data beside the repository (see bench/README.md)."
    )


def read_gold(path: Path, limit: int | None = None) -> list[str]:
    opener: Callable[..., Any] = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        sentences = [line.strip() for line in handle if line.strip()]
    return sentences[:limit] if limit else sentences


def show(text: str) -> str:
    """Text for a Markdown cell: ZWNJ made visible as ·, pipes escaped."""
    return text.replace(ZWNJ, "·").replace("|", "\\|")


def _cell(value: float, digits: int = 1) -> str:
    return "—" if math.isnan(value) else f"{value:.{digits}f}"


def _json_number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 3)


def results_table(results: dict[str, dict[str, tuple[Counts, Run]]]) -> str:
    head = (
        "| system | input | word acc | word acc (folded) | ZWNJ P | ZWNJ R | ZWNJ F1 | space P | space R "
        "| damage | chars/s |"
    )
    rows = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for system, per_input in results.items():
        for name, (counts, run) in per_input.items():
            damage = _cell(counts.damage) if name == "gold" else ""
            rows.append(
                f"| {system} | {name} | {_cell(counts.word_accuracy)} | {_cell(counts.word_accuracy_folded)} "
                f"| {_cell(counts.zwnj_precision)} | {_cell(counts.zwnj_recall)} | {_cell(counts.zwnj_f1)} "
                f"| {_cell(counts.space_precision)} | {_cell(counts.space_recall)} | {damage} "
                f"| {run.chars_per_second:,.0f} |"
            )
    return "\n".join(rows)


def seed_table(outputs: dict[str, list[str]]) -> str:
    systems = list(outputs)
    rows = [
        "| input | expected | kind | " + " | ".join(systems) + " |",
        "|---|---|---|" + "---|" * len(systems),
    ]
    right = dict.fromkeys(systems, 0)
    for index, (text, expected, kind) in enumerate(SEED_CASES):
        cells = []
        for system in systems:
            got = outputs[system][index]
            if got == expected:
                right[system] += 1
                cells.append("✓")
            else:
                cells.append(f"✗ {show(got)}")
        rows.append(f"| {show(text)} | {show(expected)} | {kind} | " + " | ".join(cells) + " |")
    rows.append(
        "| **right** | | | " + " | ".join(f"**{right[s]}/{len(SEED_CASES)}**" for s in systems) + " |"
    )
    return "\n".join(rows)


def error_list(counts: Counts, limit: int) -> str:
    lines = [f"{n:5d}  {show(gold)}  →  {show(out)}" for (gold, out), n in counts.errors.most_common(limit)]
    return "\n".join(lines) or "(none)"


def pin_to_one_core() -> None:
    """Run on a single core (inherited by the hazm worker), so chars/s is a one-core figure on any machine."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N gold sentences")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated: khabar,hazm")
    parser.add_argument("--json", type=Path, default=None, metavar="OUT", help="also write every number here")
    parser.add_argument(
        "--errors",
        type=int,
        default=0,
        metavar="N",
        help="print each system's N commonest word errors (after folding) per input",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="fresh worker runs per system and input; the median speed is reported",
    )
    parser.add_argument("--hazm-python", type=Path, default=HAZM_PYTHON, help="python of hazm's virtualenv")
    parser.add_argument("--khabar-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = set(args.systems) - set(SYSTEMS)
    if unknown or not args.systems:
        parser.error(f"unknown systems {sorted(unknown)}; known: {', '.join(SYSTEMS)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.khabar_worker:
        return khabar_worker()
    path = gold_path()
    golds = read_gold(path, args.limit)
    if "hazm" in args.systems:
        check_hazm(args.hazm_python)
    inputs = make_inputs(golds)
    seeds = [text for text, _, _ in SEED_CASES]
    groups = [
        {"joined": inputs["joined"]},
        {"spaced": inputs["spaced"]},
        {"gold": inputs["gold"], "seeds": seeds},
    ]
    pin_to_one_core()

    # Systems take turns, --repeat times, so machine noise hits both alike; the median time of each input counts.
    trials: dict[str, list[dict[str, Run]]] = {system: [] for system in args.systems}
    versions: dict[str, str] = {}
    for _ in range(args.repeat):
        for system in args.systems:
            trial, versions[system] = run_system(worker_command(system, args.hazm_python), groups)
            trials[system].append(trial)
    runs: dict[str, dict[str, Run]] = {
        system: {name: median_run([trial[name] for trial in system_trials]) for name in system_trials[0]}
        for system, system_trials in trials.items()
    }

    results = {
        system: {name: (score(golds, runs[system][name].outputs), runs[system][name]) for name in INPUTS}
        for system in args.systems
    }
    chars = sum(map(len, golds))
    print(f"# Orthography benchmark: {path.name}, {len(golds):,} sentences, {chars:,} characters\n")
    print(
        ", ".join(f"{s} {v}" for s, v in versions.items())
        + f"; Python {platform.python_version()}, one core, median of {args.repeat} runs\n"
    )
    print(results_table(results))
    print("\nPercentages. ZWNJ P/R/F1 over positions; space P/R over boundaries between two letters/digits;")
    print(
        "word acc (folded) ignores ي/ك, diacritics and digit changes; damage = gold words changed on gold input."
    )
    ratios: dict[str, float] = {}
    if "khabar" in runs and "hazm" in runs:
        ratios = {n: runs["khabar"][n].chars_per_second / runs["hazm"][n].chars_per_second for n in INPUTS}
        print("Speed ratio khabar/hazm: " + ", ".join(f"{n} {r:.1f}×" for n, r in ratios.items()))
    for system, per_input in results.items():
        counts = [c for c, _ in per_input.values()]
        realigned = ", ".join(f"{n} {c.sentences_realigned}" for n, c in zip(per_input, counts, strict=True))
        invisible = ", ".join(f"{n} {c.zwnj_invisible}" for n, c in zip(per_input, counts, strict=True))
        print(
            f"{system}: sentences realigned (changed characters) {realigned}; ZWNJ after a non-joiner {invisible}"
        )

    print("\n## Seed words (ZWNJ shown as ·)\n")
    print(seed_table({system: runs[system]["seeds"].outputs for system in args.systems}))

    if args.errors:
        for system, per_input in results.items():
            for name, (counts, _) in per_input.items():
                print(f"\n## {system} on {name}: commonest word errors after folding (gold → output)\n")
                print(error_list(counts, args.errors))

    if args.json:
        report = {
            "gold": str(path),
            "sentences": len(golds),
            "characters": chars,
            "versions": versions,
            "python": platform.python_version(),
            "results": {
                system: {
                    name: {
                        **counts.to_json(),
                        "seconds": run.seconds,
                        "chars": run.chars,
                        "chars_per_second": _json_number(run.chars_per_second),
                    }
                    for name, (counts, run) in per_input.items()
                }
                for system, per_input in results.items()
            },
            "speed_ratio_khabar_hazm": {n: round(r, 3) for n, r in ratios.items()},
            "seeds": [
                {
                    "input": text,
                    "expected": expected,
                    "kind": kind,
                    "outputs": {s: runs[s]["seeds"].outputs[i] for s in args.systems},
                    "correct": {s: runs[s]["seeds"].outputs[i] == expected for s in args.systems},
                }
                for i, (text, expected, kind) in enumerate(SEED_CASES)
            ],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"\nJSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
