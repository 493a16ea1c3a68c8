"""Run hazm's ``Normalizer`` over batches of texts, for ``bench/orthography.py``.

hazm is not a dependency of khabar, so this script runs inside its own virtualenv (``bench/.venv-hazm``; see
``bench/README.md``) and talks to the benchmark over pipes, one JSON object per line:

    stdin:  {"id": "joined", "texts": ["...", "..."]}
    stdout: {"id": "joined", "outputs": ["...", "..."], "seconds": 0.42, "chars": 123456}

``seconds`` is measured with ``time.perf_counter`` around the ``normalize`` calls only (no JSON, no I/O), and
``chars`` is the number of input characters, so characters per second compare fairly with khabar's timing. The
first line written, before any batch, is ``{"system": "hazm", "version": "<version>"}``. The benchmark starts
one worker per batch, so that caches built on one input cannot speed up the next; ``orthography.py
--khabar-worker`` is khabar's side of the same protocol.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from importlib.metadata import version


def main() -> int:
    from hazm import Normalizer  # imported here: the whole hazm package loads (numpy, nltk, gensim, ...)

    normalizer = Normalizer()
    normalizer.normalize("می کنیم")  # warm-up, untimed: first-call costs are not part of the throughput
    return serve("hazm", version("hazm"), normalizer.normalize)


def serve(system: str, system_version: str, normalize: Callable[[str], str]) -> int:
    """Answer the batches on standard input with ``normalize``'s outputs and timing, as the protocol above says:
    the loop of both workers (``orthography.py --khabar-worker`` imports it)."""
    print(json.dumps({"system": system, "version": system_version}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        texts: list[str] = request["texts"]
        start = time.perf_counter()
        outputs = [normalize(text) for text in texts]
        seconds = time.perf_counter() - start
        reply = {"id": request["id"], "outputs": outputs, "seconds": seconds, "chars": sum(map(len, texts))}
        print(json.dumps(reply, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
