"""Reading speed on Hamshahri, and time and peak memory of the readers on hostile files (issue 13, finding 3).

    python bench/readers.py                  # Hamshahri ×3 (median), then every hostile file
    python bench/readers.py --only bomb,line # some hostile files

Hamshahri (``../shared/data/news/hamshahri``) is read with ``read_paths`` alone (no analysis, no store): the
readers' own cost per record. Each hostile file is generated in a temporary folder (gzip members repeated, so a
gigabyte costs a megabyte and no time to make) and read in a child process, which reports wall-clock seconds, peak
resident memory (``ru_maxrss``) and what came out. Bounded means the peak stays near the interpreter's own size
whatever the file holds. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HAMSHAHRI = ROOT.parent / "shared" / "data" / "news" / "hamshahri"
MB = 1 << 20


def _repeated_gzip(
    name: str, head: bytes, unit: bytes, megabytes: int, tail: bytes
) -> Callable[[Path], Path]:
    """What writes FOLDER/``name``: ``head``, ``megabytes`` MB of ``unit`` repeated, then ``tail``; one compressed
    MB, written many times."""

    def make(folder: Path) -> Path:
        path = folder / name
        member = gzip.compress(unit * (MB // len(unit)), compresslevel=9)
        with path.open("wb") as target:
            target.write(gzip.compress(head))
            for _ in range(megabytes):
                target.write(member)
            target.write(gzip.compress(tail))
        return path

    return make


def _deep(folder: Path) -> Path:
    path = folder / "deep.json"
    depth = 1_000_000
    path.write_text('[{"text": "a"}, ' + "[" * depth + "]" * depth + ', {"text": "b"}]', encoding="utf-8")
    return path


def _json_array(folder: Path) -> Path:
    path = folder / "array.json"
    article = json.dumps({"text": "خبر " * 1_500}, ensure_ascii=False)
    with path.open("w", encoding="utf-8") as target:
        target.write("[" + article)
        for _ in range(19_999):
            target.write("," + article)
        target.write("]")
    return path


def _csv(folder: Path) -> Path:
    path = folder / "rows.csv"
    with path.open("w", encoding="utf-8") as target:
        target.write("id,text\n")
        for n in range(20_000):
            target.write(f"{n},{'خبر ' * 1_500}\n")
    return path


HOSTILE: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "bomb": ("2 GiB of one byte in 2 MB of .jsonl.gz", _repeated_gzip("bomb.jsonl.gz", b"", b"x", 2048, b"")),
    "line": (
        "one 512 MB line between two records, .jsonl.gz",
        _repeated_gzip(
            "line.jsonl.gz", b'{"text": "first"}\n{"text": "', b"x", 512, b'"}\n{"text": "last"}\n'
        ),
    ),
    "objects": ("64 MB of {} lines, .jsonl.gz", _repeated_gzip("objects.jsonl.gz", b"", b"{}\n", 64, b"")),
    "deep": ("a .json array with one value nested 1,000,000 deep", _deep),
    "array": ("a 200 MB .json array of 20,000 articles", _json_array),
    "csv": ("a 200 MB .csv of 20,000 rows", _csv),
}


def child(path: str) -> None:
    """Read one file; print seconds, peak RSS, records and rejections as JSON."""
    from khabar.readers import read_paths
    from khabar.records import RawRecord

    start = time.perf_counter()
    records = rejections = 0
    last = ""
    for item in read_paths([path]):
        if isinstance(item, RawRecord):
            records += 1
        else:
            rejections += 1
            last = item.reason
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": _peak_mb(),
                "records": records,
                "rejections": rejections,
                "last": last,
            }
        )
    )


def _peak_mb() -> float:
    """This process's peak resident memory: VmHWM (ru_maxrss keeps the parent's peak across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hamshahri(repeat: int) -> str:
    from khabar.readers import read_paths

    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        count = sum(1 for _ in read_paths([HAMSHAHRI]))
        runs.append(time.perf_counter() - start)
    seconds = statistics.median(runs)
    return f"Hamshahri, read only: {count:,} records in {seconds:.2f} s (median of {repeat}), {count / seconds:,.0f}/s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help=f"comma-separated: {', '.join(HOSTILE)}")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if HAMSHAHRI.exists() and not args.only:
        print(hamshahri(args.repeat), end="\n\n")
    print("| file | size on disk | seconds | peak RSS MB | records | rejections | last rejection |")
    print("|---|---|---|---|---|---|---|")
    names = args.only.split(",") if args.only else list(HOSTILE)
    with tempfile.TemporaryDirectory(prefix="khabar-bench-") as folder:
        for name in names:
            label, make = HOSTILE[name]
            path = make(Path(folder))
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True
            )
            result = json.loads(done.stdout)
            size = path.stat().st_size / MB
            path.unlink()
            print(
                f"| {label} | {size:,.1f} MB | {result['seconds']:.1f} | {result['peak_mb']:.0f} | "
                f"{result['records']:,} | {result['rejections']:,} | {result['last'][:70]} |"
            )


if __name__ == "__main__":
    main()
