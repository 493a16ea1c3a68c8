"""Build the NER feature resources: word clusters from raw news text, and a gazetteer of names and places.

Clusters: every text is normalized and tokenized exactly as at run time, a skip-gram word2vec (gensim, training
time only) is trained on the token keys, and k-means groups the vectors at three granularities (coarse to fine).
The output is ``word<TAB>c0<TAB>c1<TAB>c2`` per line, gzip'd.

Gazetteer: ``phrase<TAB>TYPES`` per line, gzip'd; types are PERF (first names), PERL (surnames), LOC (countries,
capitals, Iranian provinces/counties/cities, world cities), ORG (news agencies), NAT (languages/nationalities).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from khabar.ner.features import key
from khabar.text.normalize import normalize_text
from khabar.text.tokens import split_sentences, tokenize


def raw_texts(data: Path) -> Iterator[str]:
    """Unlabelled text: news corpora and PerDT train sentences (never the NER corpora, never PerDT test)."""
    news = data / "news"
    with gzip.open(news / "hamshahri" / "hamshahri_docs.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)["text"]
    with gzip.open(news / "farexstance" / "b2c_news_bodies.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)["content"]
    for path in sorted((news / "fars_varzesh3_namnak").glob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for article in json.load(handle):
                yield "\n".join(
                    [article.get("title") or "", article.get("abstract") or "", *article["paragraphs"]]
                )
    for name in ("hamshahri.json", "radiofarda.json"):
        path = news / "rss_sci2lab" / name
        if path.exists():
            for item in json.loads(path.read_text(encoding="utf-8")):
                yield f"{item.get('title') or ''}\n{item.get('summary') or ''}"
    with gzip.open(data / "orthography" / "fa_dadegan-ud-train.txt.gz", "rt", encoding="utf-8") as handle:
        yield from handle


def tokenized_sentences(data: Path) -> list[list[str]]:
    sentences = []
    for raw in raw_texts(data):
        text = normalize_text(raw)
        for start, end in split_sentences(text):
            part = text[start:end]
            words = [key(part[s:e]) for s, e in tokenize(part)]
            if len(words) > 1:
                sentences.append(words)
    return sentences


def build_clusters(data: Path, out: Path, sizes: tuple[int, ...] = (64, 256, 1024), seed: int = 1) -> None:
    import numpy as np
    from gensim.models import Word2Vec
    from sklearn.cluster import MiniBatchKMeans

    sentences = tokenized_sentences(data)
    print(f"clusters: {len(sentences)} sentences, {sum(map(len, sentences))} tokens")
    model = Word2Vec(
        sentences, vector_size=100, window=5, min_count=3, sg=1, negative=10, epochs=5, workers=2, seed=seed
    )
    words = list(model.wv.index_to_key)
    vectors = model.wv.vectors / np.linalg.norm(model.wv.vectors, axis=1, keepdims=True)
    columns = []
    for k in sizes:
        km = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=3).fit(vectors)
        columns.append(km.labels_)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        for i, word in enumerate(words):
            if "\t" in word or "\n" in word:
                continue
            handle.write(word + "\t" + "\t".join(str(int(col[i])) for col in columns) + "\n")
    print(f"clusters: {len(words)} words → {out}")


def _phrase(text: str) -> str | None:
    text = normalize_text(text.strip())
    words = [key(text[s:e]) for s, e in tokenize(text)]
    if not words or len(words) > 8:
        return None
    return " ".join(words)


def build_gazetteer(data: Path, out: Path) -> None:
    entries: dict[str, set[str]] = defaultdict(set)

    def add(text: str, kind: str) -> None:
        phrase = _phrase(text)
        if phrase and len(phrase) > 1:
            entries[phrase].add(kind)

    names = data / "names"
    for path, kind in [
        (names / "farsi_faker" / "male_names.txt", "PERF"),
        (names / "farsi_faker" / "female_names.txt", "PERF"),
        (names / "farsi_faker" / "last_names.txt", "PERL"),
        (names / "shakhs" / "last_name.txt", "PERL"),
        (names / "shakhs" / "name_boy.txt", "PERF"),
        (names / "shakhs" / "name_girl.txt", "PERF"),
        (names / "persian_names" / "male_fa.txt", "PERF"),
        (names / "persian_names" / "female_fa.txt", "PERF"),
    ]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                add(line, kind)
    with open(names / "persian_gender_detection" / "iranianNamesDataset.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            add(row["Names"], "PERF")

    gaz = data / "gazetteers"
    for name in ("province.csv", "county.csv", "city.csv"):
        with open(gaz / "django_iranian_cities" / name, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                add(row["name"], "LOC")
    world = gaz / "world_fa"
    with open(world / "countries_capitals_fa.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            add(row["name_fa_cldr"], "LOC")
            add(row["name_fa_isocodes"], "LOC")
            for alt in row["capital_arabic_script_altnames"].split("|"):
                if alt:
                    add(alt, "LOC")
    with open(world / "cldr_fa_territories.tsv", encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                add(parts[-1], "LOC")
    with open(world / "iran_cities500_geonames.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            for alt in row["arabic_script_altnames"].split("|"):
                if alt:
                    add(alt, "LOC")
    with gzip.open(world / "cities15000_arabic_script_names.tsv.gz", "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(io.StringIO(handle.read()), delimiter="\t"):
            if int(row["population"] or 0) >= 100_000:
                for alt in row["arabic_script_altnames"].split("|"):
                    if alt:
                        add(alt, "LOC")
    agencies = data / "news" / "farexstance" / "news_agency_names_fa.txt"
    for line in agencies.read_text(encoding="utf-8").splitlines():
        if line.strip():
            add(line, "ORG")
            if line.startswith(("خبرگزاری ", "روزنامه ", "پایگاه ")):
                add(line.split(" ", 1)[1], "ORG")

    # Words that are common in running text and also a name (e.g. "امید", "بهار") stay: the CRF weighs them.
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        for phrase in sorted(entries):
            handle.write(f"{phrase}\t{','.join(sorted(entries[phrase]))}\n")
    counts = Counter(kind for kinds in entries.values() for kind in kinds)
    print(f"gazetteer: {len(entries)} entries {dict(counts)} → {out}")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("khabar/lang/fa/data/ner"))
    args = parser.parse_args()
    random.seed(1)
    args.out.mkdir(parents=True, exist_ok=True)
    build_gazetteer(args.data, args.out / "gazetteer.tsv.gz")
    build_clusters(args.data, args.out / "clusters.tsv.gz")
