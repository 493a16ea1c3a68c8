"""The ``khabar`` command. Each command parses its options and calls :mod:`khabar.service`; nothing else."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from khabar import service
from khabar.cli.terminal import TerminalConsole, cell, plain
from khabar.errors import InputError, KhabarError
from khabar.records import Analysis, RawRecord, Rejection
from khabar.service import DEFAULT_DB, Archive, open_archive

if TYPE_CHECKING:
    from khabar.api.security import WriteAccess
    from khabar.service import Politeness

app = typer.Typer(
    name="khabar",
    help="Persian news → searchable, structured knowledge: ingest, analyze, archive, search, serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = TerminalConsole(soft_wrap=True)
err = TerminalConsole(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="KHABAR_DB",
        help="Archive: a SQLite file path, or a PostgreSQL URL (postgresql://user:password@host:5432/database).",
        show_default=True,
    ),
]
_PATHS_HELP = "Files or folders (.txt seed format, .jsonl, .json, .csv, .html, and .gz)."
PathsArgument = Annotated[list[Path], typer.Argument(help=_PATHS_HELP)]
SinceOption = Annotated[
    str | None,
    typer.Option("--from", help="Articles published from this day: 2025-10-01, or Jalali 1404-07-01."),
]
UntilOption = Annotated[
    str | None, typer.Option("--to", help="Articles published up to this day (inclusive).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON (as the API answers).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar; only the summary.")]
NoAnalysisOption = Annotated[
    bool,
    typer.Option(
        "--no-analysis", help="Store and index only (fast); `khabar reanalyze` adds the analysis later."
    ),
]
WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        envvar="KHABAR_WORKERS",
        min=1,
        help="Analyze in this many local processes (Dask); 1 analyzes in this process.",
    ),
]
ClusterOption = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        envvar="KHABAR_CLUSTER",
        metavar="tcp://HOST:8786",
        help="Analyze on the workers of this Dask scheduler; this process still writes the archive.",
    ),
]


def _fail(error: KhabarError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(str(error))}")
    return typer.Exit(error.exit_code)


@contextmanager
def reporting() -> Iterator[None]:
    """A :class:`~khabar.errors.KhabarError` raised in the block becomes its message and exit code."""
    try:
        yield
    except KhabarError as error:
        raise _fail(error) from None


@contextmanager
def opened(db: str) -> Iterator[Archive]:
    """The archive at ``db`` for one command's reads and writes: closed at the end, and a
    :class:`~khabar.errors.KhabarError` on the way becomes its message and exit code."""
    with reporting(), open_archive(db) as archive:
        yield archive


def _print_json(data: object) -> None:
    out.print_json(data=data, ensure_ascii=False)


def _print_rejection(item: Analysis | Rejection | RawRecord) -> None:
    """What ``ingest``, ``fetch`` and ``watch`` say of a record they rejected (nothing of the others)."""
    if isinstance(item, Rejection):
        err.print(f"[yellow]rejected[/] {escape(item.describe())}")


@app.command()
def analyze(paths: PathsArgument) -> None:
    """Print the analysis record of every article as JSON Lines (rejections go to standard error)."""
    rejected = 0
    with reporting():
        for item in service.analyze_paths(paths):
            if isinstance(item, Rejection):
                rejected += 1
                _print_rejection(item)
                continue
            sys.stdout.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
    if rejected:
        raise typer.Exit(1)


@app.command()
def normalize(
    files: Annotated[list[Path] | None, typer.Argument(help="Text files; standard input when none.")] = None,
    skip: Annotated[
        list[str] | None, typer.Option("--skip", "-s", help="A step to leave out (repeatable); see --steps.")
    ] = None,
    steps: Annotated[bool, typer.Option("--steps", help="List the normalization steps and exit.")] = False,
) -> None:
    """Normalize Persian text line by line: letters, digits, diacritics, spacing, ZWNJ (restored where lost)."""
    if steps:
        for name, description in service.normalization_steps():
            out.print(f"[bold]{name}[/]  {escape(description)}")
        return
    with reporting():
        normalized = service.normalizer(skip or [])
        sources: list[tuple[str, bytes]] = []
        for path in files or []:
            try:
                sources.append((str(path), path.read_bytes()))
            except OSError as error:
                raise InputError(f"cannot read {path}: {error.strerror}") from None
        if not files:
            sources.append(("<stdin>", sys.stdin.buffer.read()))
        for name, data in sources:
            for line in service.decode_text(data, name).splitlines(keepends=True):
                body = line.rstrip("\r\n")
                sys.stdout.write(normalized(body) + line[len(body) :].replace("\r\n", "\n"))


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.completed / task.elapsed if task.elapsed else 0
        return Text(f"{speed:,.0f} articles/s", style="cyan")


def _progress(label: str, unit: str, *, quiet: bool, bar: bool = True, rate: bool = True) -> Progress:
    """The progress display of long work, on standard error, gone when done: what, how many, how fast, how long."""
    columns = [SpinnerColumn(), TextColumn(label)]
    columns += [BarColumn()] if bar else []
    columns += [TextColumn("{task.completed:,} " + unit)]
    columns += [_RateColumn()] if rate else []
    return Progress(*columns, TimeElapsedColumn(), console=err, disable=quiet, transient=True)


def _where(workers: int, cluster: str | None) -> str:
    """Where the analysis runs, for the progress label: on a cluster, in local processes, or here (nothing)."""
    return f" on {cluster}" if cluster else f" in {workers} processes" if workers > 1 else ""


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help=_PATHS_HELP)] = None,
    db: DbOption = DEFAULT_DB,
    quiet: QuietOption = False,
    field_map: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="FIELD=KEY",
            help="Where a field comes from when the input names it otherwise (JSON, JSON Lines, CSV): "
            "FIELD=KEY (title=headline, text=lead+body, published=meta.date) or FIELD=@VALUE (source=@ISNA). "
            "Repeatable.",
        ),
    ] = None,
    no_analysis: NoAnalysisOption = False,
    retry_rejected: Annotated[
        bool,
        typer.Option(
            "--retry-rejected", help="Read the rejected records again from their files and ingest them."
        ),
    ] = False,
    workers: WorkersOption = 1,
    cluster: ClusterOption = None,
) -> None:
    """Read, normalize, analyze and store articles. Running it again adds nothing new."""
    if not paths and not retry_rejected:
        raise _fail(InputError("give files or folders to ingest, or --retry-rejected")) from None
    started = time.perf_counter()
    progress = _progress(f"ingesting{_where(workers, cluster)}", "records", quiet=quiet)

    def on_record(item: Analysis | Rejection | RawRecord, added: bool) -> None:
        _print_rejection(item)
        progress.advance(task)

    with reporting():
        fields = service.parse_field_map(field_map or [])
        with open_archive(db) as archive, service.analyzer_for(workers, cluster) as analyzer, progress:
            task = progress.add_task("ingest", total=None)
            if paths:
                summary = service.ingest_paths(
                    archive,
                    paths,
                    fields=fields,
                    on_record=on_record,
                    analyze=not no_analysis,
                    analyzer=analyzer,
                )
            if retry_rejected:
                retried = service.retry_rejected(archive, on_record=on_record, analyze=not no_analysis)
                for reason in retried.not_retried:
                    progress.console.print(f"[yellow]not retried[/] {escape(reason)}")
                summary = retried.ingest if not paths else summary.merge(retried.ingest)
    elapsed = time.perf_counter() - started
    rate = summary.seen / elapsed if elapsed else 0
    encodings = ", ".join(f"{name} {count}" for name, count in summary.encodings.items())
    err.print(
        f"[bold]{summary.added:,} added[/], {summary.duplicates:,} duplicates, {summary.rejected:,} rejected"
        f" ({summary.undated:,} added without a date) in {elapsed:.1f}s, {rate:,.0f} articles/s"
        + (f"; encodings: {encodings}" if encodings else "")
        + f" → {db}"
    )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words, "phrases", AND, OR, NOT, parentheses.')],
    db: DbOption = DEFAULT_DB,
    since: SinceOption = None,
    until: UntilOption = None,
    source: Annotated[str | None, typer.Option(help="Only this source, e.g. ILNA.")] = None,
    entity: Annotated[
        str | None,
        typer.Option(help="Only articles naming this entity: a name (PER:کاکاوند) or an entity id."),
    ] = None,
    limit: Annotated[int, typer.Option(help="How many results.")] = 10,
    offset: Annotated[int, typer.Option(help="Skip this many results.")] = 0,
    as_json: JsonOption = False,
    collapse: Annotated[
        bool,
        typer.Option(
            "--collapse", help="One result per report: republications of it are counted, not listed."
        ),
    ] = False,
    facets: Annotated[
        bool,
        typer.Option(
            "--facets",
            help="Also count all the search matches by source, by month (Jalali and Gregorian) and by entity.",
        ),
    ] = False,
) -> None:
    """Search the archive, best matches first (BM25), with highlighted snippets. An empty query lists the newest."""
    window = service.Window(since, until, limit, offset)
    filters = service.SearchFilters(query, source, entity, collapse, window)
    with opened(db) as archive:
        page = service.search(archive, filters)
        counted = service.facets(archive, filters) if facets else None
    if as_json:
        _print_json({**page.to_dict(), "facets": counted.to_dict()} if counted else page.to_dict())
        return
    out.print(f"[bold]{page.total:,}[/] articles match [bold]{escape(query or '(everything)')}[/]")
    for rank, hit in enumerate(page.hits, start=page.request.offset + 1):
        when = f"{hit.published_jalali} ({hit.published[:10]})" if hit.published else "undated"
        out.print(
            f"\n[bold]{rank}. {escape(hit.title or hit.lead)}[/] [dim]{escape(hit.source or '?')} · {when} · {escape(hit.id)}[/]"
            + (f" [cyan](+{hit.collapsed} more copies)[/]" if hit.collapsed else "")
        )
        out.print(_marked(hit.snippet.text, hit.snippet.highlights))
    if counted:
        _print_facets(counted)


def _print_facets(facets: service.Facets) -> None:
    """One line a facet: its values, the most matches first (months: the newest), and what was left out."""
    rows = [
        (
            "sources",
            [(count.source, count.articles) for count in facets.sources],
            [(facets.more_sources, "more sources"), (facets.no_source, "without a source")],
        ),
        (
            "Jalali months",
            [(count.month, count.articles) for count in facets.jalali_months],
            [(facets.more_jalali_months, "earlier months"), (facets.undated, "undated")],
        ),
        (
            "Gregorian months",
            [(count.month, count.articles) for count in facets.gregorian_months],
            [(facets.more_gregorian_months, "earlier months"), (facets.undated, "undated")],
        ),
        ("entities", [(f"{entity.label}:{entity.name}", entity.articles) for entity in facets.entities], []),
    ]
    out.print()
    for name, values, left_out in rows:
        line = Text(f"{name}: ", style="bold")
        line.append(plain(" · ".join(f"{value} {count:,}" for value, count in values) or "–"))
        if notes := [f"{count:,} {what}" for count, what in left_out if count]:
            line.append(f" (+{'; '.join(notes)})", style="dim")
        out.print(line)


def _marked(text: str, highlights: list[list[int]]) -> Text:
    rendered = Text(plain(text))  # same length: the highlights still fit
    for start, end in highlights:
        rendered.stylize("bold black on yellow", start, end)
    return rendered


@app.command()
def entities(
    db: DbOption = DEFAULT_DB,
    label: Annotated[
        str | None, typer.Option("--type", help="PER ORG LOC FAC EVENT PRO DATE TIME MONEY PERCENT")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option(help="How many entities.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """The people, organisations and places named in the most articles."""
    with opened(db) as archive:
        rows = service.entities(archive, label=label, window=service.Window(since, until, limit))
    if as_json:
        _print_json([row.to_dict() for row in rows])
        return
    if not rows:
        out.print("no entities in this range")
        return
    table = Table("type", "name", "articles", "mentions", "id")
    for row in rows:
        table.add_row(cell(row.label), cell(row.name), f"{row.articles:,}", f"{row.mentions:,}", cell(row.id))
    out.print(table)


@app.command()
def reanalyze(
    db: DbOption = DEFAULT_DB,
    quiet: QuietOption = False,
    workers: WorkersOption = 1,
    cluster: ClusterOption = None,
) -> None:
    """Analyze the articles stored by `khabar ingest --no-analysis` (entities, quotes, amounts, dates …)."""
    started = time.perf_counter()
    progress = _progress(f"analyzing{_where(workers, cluster)}", "articles", quiet=quiet)
    with opened(db) as archive, service.analyzer_for(workers, cluster) as analyzer, progress:
        task = progress.add_task("reanalyze", total=None)
        done = service.reanalyze(archive, on_article=lambda _: progress.advance(task), analyzer=analyzer)
    noun = "article" if done == 1 else "articles"
    err.print(f"{done:,} {noun} analyzed in {time.perf_counter() - started:.1f}s → {db}")


@app.command()
def quotes(
    db: DbOption = DEFAULT_DB,
    speaker: Annotated[
        str | None,
        typer.Option(help="Only this speaker: a name in any spelling (a surname works) or an entity id."),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option(help="How many quotes.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Who said what, when: quotations with their speakers, newest first."""
    with opened(db) as archive:
        page = service.quotes(archive, speaker=speaker, window=service.Window(since, until, limit))
    if as_json:
        _print_json(page.to_dict())
        return
    if not page.quotes:
        out.print("no quotes" + (f" by {speaker}" if speaker else "") + " in this range")
        return
    table = Table("date", "speaker", "said", "source", "article")
    for quote in page.quotes:
        day = f"{quote.published_jalali}\n{quote.published[:10]}" if quote.published else "–"
        who = quote.speaker_name or quote.speaker
        if quote.speaker != who:
            who += f" ({quote.speaker})"
        said = f"«{quote.text}»" if quote.kind == "direct" else quote.text
        table.add_row(day, cell(who), cell(said), cell(quote.source), cell(quote.article_id))
    out.print(table)
    if page.total > len(page.quotes):
        out.print(f"{len(page.quotes)} of {page.total:,} quotes; use --limit for more")


@app.command()
def amounts(
    db: DbOption = DEFAULT_DB,
    noun: Annotated[str | None, typer.Option(help="Only figures counting this noun, e.g. شهید.")] = None,
    unit: Annotated[str | None, typer.Option(help="Only this unit: percent, rial, toman, dollar, …")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option(help="How many figures.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """The figures articles give: value, unit or counted noun, qualifier (بیش از …)."""
    with opened(db) as archive:
        page = service.amounts(archive, noun=noun, unit=unit, window=service.Window(since, until, limit))
    _print_findings(page, as_json, ("value", "value_max", "unit", "noun", "qualifier", "text"))


@app.command()
def dates(
    db: DbOption = DEFAULT_DB,
    mentioned_from: Annotated[
        str | None, typer.Option("--mentions-from", help="Only expressions meaning days from this one.")
    ] = None,
    mentioned_to: Annotated[str | None, typer.Option("--mentions-to", help="… up to this day.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option(help="How many date expressions.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Date expressions in the articles (دیروز، ۱۷ مهر ۱۴۰۴ …) resolved to calendar dates."""
    with opened(db) as archive:
        page = service.date_mentions(
            archive,
            mentioned_from=mentioned_from,
            mentioned_to=mentioned_to,
            window=service.Window(since, until, limit),
        )
    _print_findings(page, as_json, ("text", "value", "jalali", "kind", "calendar"))


@app.command()
def findings(
    table: Annotated[str | None, typer.Argument(help="A finding table; none: list the tables.")] = None,
    db: DbOption = DEFAULT_DB,
    where: Annotated[
        list[str] | None, typer.Option(help="Only rows where a filter column has this value: column=value.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option(help="How many rows.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """The findings of an analysis step that declares a table (docs/architecture.md), newest articles first."""
    with opened(db) as archive:
        if table is None:
            tables = service.finding_tables(archive)
        else:
            page = service.findings(
                archive, table, where=where or (), window=service.Window(since, until, limit)
            )
    if table is None:
        if as_json:
            _print_json(tables)
        elif not tables:
            out.print("no analysis step declares a finding table")
        else:
            for known in tables:
                out.print(
                    f"{known['name']}: {', '.join(known['columns'])} (filters: {', '.join(known['filters']) or '–'})"
                )
        return
    columns = (
        tuple(name for name in page.items[0].fields if name not in ("start", "end")) if page.items else ()
    )
    _print_findings(page, as_json, columns)


def _print_findings(page: service.FindingPage, as_json: bool, columns: tuple[str, ...]) -> None:
    if as_json:
        _print_json(page.to_dict())
        return
    if not page.items:
        out.print("nothing found")
        return
    table = Table("published", *columns, "article")
    for item in page.items:
        day = item.published_jalali or "–"
        table.add_row(day, *(cell(item.fields[c]) for c in columns), cell(item.article_id))
    out.print(table)
    if page.total > len(page.items):
        out.print(f"{len(page.items)} of {page.total:,}; use --limit for more")


@app.command()
def stats(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """What the archive holds: articles, sources, date range (both calendars), entities, quotes, rejections."""
    with opened(db) as archive:
        result = service.stats(archive)
    if as_json:
        _print_json(result.to_dict())
        return
    table = Table(show_header=False, box=None)
    table.add_row("articles", f"{result.articles:,}")
    table.add_row(
        "sources", cell(", ".join(f"{name} {count:,}" for name, count in result.sources.items()) or "–")
    )
    if result.first_day:
        table.add_row("dates", f"{result.first_day} … {result.last_day}")
        table.add_row("dates (Jalali)", f"{result.first_day_jalali} … {result.last_day_jalali}")
    table.add_row("without a date", f"{result.undated:,}")
    table.add_row("entities", f"{result.entities:,}")
    table.add_row("quotes", f"{result.quotes:,}")
    table.add_row("rejected records", f"{result.rejected:,}")
    out.print(table)


@app.command()
def rejected(
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="How many to list.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """List rejected records with their reasons."""
    with opened(db) as archive:
        rows = service.rejections(archive, limit)
    if as_json:
        _print_json([row.to_dict() for row in rows])
        return
    if not rows:
        out.print("no rejected records")
    for row in rows:
        where = row.origin if row.record_no is None else f"{row.origin} record {row.record_no}"
        out.print(f"[yellow]{escape(where)}[/]: {escape(row.reason)}")


@app.command()
def export(
    out_folder: Annotated[Path, typer.Argument(metavar="OUT", help="A new folder to write into.")],
    db: DbOption = DEFAULT_DB,
    file_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="jsonl: analysis records, rejections and feeds as JSON Lines, for `khabar import` "
            "(moves an archive between SQLite and PostgreSQL); parquet: tables for analysts.",
        ),
    ] = "jsonl",
    gzip: Annotated[bool, typer.Option("--gzip", help="Compress the JSON Lines files (.jsonl.gz).")] = False,
    quiet: QuietOption = False,
) -> None:
    """Write the whole archive into a folder: JSON Lines (lossless, for `khabar import`) or Parquet tables."""
    if file_format not in ("jsonl", "parquet"):
        raise _fail(InputError(f"--format is jsonl or parquet, not {file_format!r}")) from None

    def run(archive: Archive, advance: Callable[..., None]) -> service.TransferSummary:
        if file_format == "parquet":
            return service.export_parquet(archive, out_folder, on_article=advance)
        return service.export_archive(archive, out_folder, compress=gzip, on_article=advance)

    summary, seconds = _transfer("exporting", db, quiet, run)
    rows = "".join(f", {count:,} {table}" for table, count in summary.rows.items() if table != "articles")
    err.print(f"{summary.articles:,} articles{rows} in {seconds:.1f}s → {escape(str(out_folder))}")


@app.command("import")
def import_(
    source: Annotated[
        Path,
        typer.Argument(metavar="IN", help="A folder `khabar export` wrote, or a .jsonl of analysis records."),
    ],
    db: DbOption = DEFAULT_DB,
    quiet: QuietOption = False,
) -> None:
    """Store an export in this archive as it was: ids, analysis, ingest times, rejections, feeds. Idempotent."""
    summary, seconds = _transfer(
        "importing",
        db,
        quiet,
        lambda archive, advance: service.import_archive(archive, source, on_article=advance),
    )
    rows = "".join(f", {count:,} {table}" for table, count in summary.rows.items())
    err.print(
        f"{summary.articles:,} articles added, {summary.known:,} already there{rows}"
        f" in {seconds:.1f}s → {escape(str(db))}"
    )


def _transfer(
    verb: str,
    db: str,
    quiet: bool,
    run: Callable[[Archive, Callable[..., None]], service.TransferSummary],
) -> tuple[service.TransferSummary, float]:
    """Run an export or an import (``run(archive, advance)``) with a progress bar over its articles; its summary
    and the seconds it took."""
    started = time.perf_counter()
    progress = _progress(verb, "articles", quiet=quiet, bar=False)
    with opened(db) as archive, progress:
        task = progress.add_task(verb, total=None)
        summary = run(archive, lambda *_: progress.advance(task))
    return summary, time.perf_counter() - started


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="Address to listen on (only this machine by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="KHABAR_TOKEN",
            show_envvar=True,
            help="The secret every write (POST, DELETE) must send as 'Authorization: Bearer TOKEN'. "
            "Without one, a server on this machine makes a random token and prints it; on any other --host "
            "the server is read-only. Prefer KHABAR_TOKEN: other users of the machine can see a command line.",
        ),
    ] = None,
    read_only: Annotated[
        bool, typer.Option("--read-only", help="Refuse every write, whatever token is sent.")
    ] = False,
    allow_private_hosts: Annotated[
        bool,
        typer.Option(
            "--allow-private-hosts",
            help="Let POST /api/feeds follow, and POST /api/fetch reach, loopback and private addresses "
            "(e.g. a feed on the local network).",
        ),
    ] = False,
    max_body_mb: Annotated[float, typer.Option(help="Largest upload to /api/ingest, in megabytes.")] = 50.0,
    max_json_mb: Annotated[
        float, typer.Option(help="Largest body of any other request (JSON to /api/articles …), in megabytes.")
    ] = 10.0,
) -> None:
    """Serve the web UI and the JSON API (OpenAPI docs at /docs). Reading is open; writing needs a token."""
    import uvicorn

    from khabar.api.app import create_app
    from khabar.api.security import loopback_names, write_access

    access = write_access(host, token, read_only)
    with reporting():
        try:
            application = create_app(
                db,
                token=access.token,
                read_only=access.read_only,
                allow_private_hosts=allow_private_hosts,
                max_body_mb=max_body_mb,
                max_json_mb=max_json_mb,
                allowed_hosts=loopback_names(host),
            )
        except ValueError as error:  # a body limit that is not a positive number
            raise InputError(str(error)) from None
    base = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    err.print(f"khabar is serving {escape(db)} at [bold]{escape(base)}/[/] (API docs: {escape(base)}/docs)")
    err.print(escape(_writes_banner(access, base)))
    uvicorn.run(application, host=host, port=port, log_level="warning")


def _writes_banner(access: WriteAccess, base: str) -> str:
    """What ``khabar serve`` says about writes: off and why, or the token they need (a made one in full, once)."""
    if access.reason == "read-only":
        return "writes are off (--read-only): add articles with khabar ingest or khabar fetch"
    if access.reason == "not-loopback":
        return (
            "writes are off: no token is set and this address is reachable from other machines; "
            "set KHABAR_TOKEN (or --token) to allow them, and keep TLS at your proxy"
        )
    if access.reason == "given":
        return "writes need the token from --token / KHABAR_TOKEN ('Authorization: Bearer TOKEN')"
    return (
        "writes need this token, made for this run (set KHABAR_TOKEN to choose one):\n"
        f"    {access.token}\n"
        f"  e.g. curl -H 'Authorization: Bearer {access.token}' -F file=@news.jsonl {base}/api/ingest"
    )


# -- feeds ------------------------------------------------------------------------------------------------------
feeds_app = typer.Typer(
    name="feeds",
    help="The RSS/Atom feeds khabar follows: add, list, remove. `khabar fetch` polls them.",
    no_args_is_help=True,
)
app.add_typer(feeds_app)

DelayOption = Annotated[
    float,
    typer.Option("--delay", help="Seconds between two requests to the same site (robots.txt may ask more)."),
]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="Seconds to wait for a site's answer.")]
FeedOption = Annotated[
    list[str] | None, typer.Option("--feed", help="Only this feed (an id or URL; repeatable).")
]
AllowPrivateHostsOption = Annotated[
    bool,
    typer.Option(
        "--allow-private-hosts",
        help="Also reach loopback, private and link-local addresses (an intranet's feeds, tests); "
        "by default only public addresses are fetched.",
    ),
]


@feeds_app.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="The feed's address (RSS or Atom), http:// or https://.")],
    name: Annotated[
        str | None,
        typer.Option("--name", help="A short name; its articles' source (default: the feed's title)."),
    ] = None,
    db: DbOption = DEFAULT_DB,
    allow_private_hosts: AllowPrivateHostsOption = False,
) -> None:
    """Follow a feed. Nothing is fetched until `khabar fetch`."""
    with opened(db) as archive:
        feed = service.add_feed(archive, url, name, allow_private_hosts=allow_private_hosts)
    out.print(f"following [bold]{escape(feed.url)}[/] (id {feed.id}); `khabar fetch` polls it")


@feeds_app.command("list")
def feeds_list(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """The followed feeds: last poll, its outcome, and their pages by state."""
    with opened(db) as archive:
        rows = service.list_feeds(archive)
    if as_json:
        _print_json([row.to_dict() for row in rows])
        return
    if not rows:
        out.print("no feeds followed; add one with `khabar feeds add URL --name NAME`")
        return
    table = Table("id", "source", "url", "last polled", "status", "pages")
    for feed in rows:
        status = feed.last_status or "never polled"
        if feed.error:
            status += f": {feed.error}"
        pages = ", ".join(f"{count:,} {state}" for state, count in sorted(feed.pages.items())) or "–"
        table.add_row(
            str(feed.id), cell(feed.source), cell(feed.url), feed.last_polled_at or "–", cell(status), pages
        )
    out.print(table)


@feeds_app.command("remove")
def feeds_remove(
    feed: Annotated[str, typer.Argument(help="The feed's id (see `khabar feeds list`) or URL.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Stop following a feed. Its articles stay in the archive."""
    with opened(db) as archive:
        removed = service.remove_feed(archive, feed)
    out.print(f"no longer following {escape(removed.url)} (id {removed.id})")


def _politeness(delay: float, timeout: float) -> Politeness:
    if delay < 0 or timeout <= 0:
        raise _fail(InputError("--delay cannot be negative and --timeout must be positive"))
    return service.politeness(delay, timeout)


def _print_failed_feeds(summary: service.FetchSummary) -> None:
    for report in summary.feeds:
        if report.status == "failed":
            err.print(f"[red]feed failed[/] {escape(report.source)}: {escape(report.error or '')}")


def _fetch_line(summary: service.FetchSummary) -> str:
    states = Counter(report.status for report in summary.feeds)
    feeds = ", ".join(f"{count} {state}" for state, count in sorted(states.items())) or "no feeds"
    done = summary.ingest
    return (
        f"feeds: {feeds}; pages: [bold]{done.added:,} added[/], {done.duplicates:,} duplicates,"
        f" {done.rejected:,} rejected"
    )


@app.command()
def fetch(
    db: DbOption = DEFAULT_DB,
    feed: FeedOption = None,
    delay: DelayOption = 1.0,
    timeout: TimeoutOption = 20.0,
    no_analysis: NoAnalysisOption = False,
    allow_private_hosts: AllowPrivateHostsOption = False,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Poll the followed feeds and store their new articles (robots.txt, 1 request/s per site, conditional GET).

    Only public addresses are reached, at every redirect too; --allow-private-hosts lifts that.
    """
    progress = _progress("fetching", "pages", quiet=quiet or as_json, rate=False)

    def on_record(item: Analysis | Rejection | RawRecord, added: bool) -> None:
        _print_rejection(item)
        progress.advance(task)

    def on_event(message: str) -> None:
        if not (quiet or as_json):
            progress.console.print(escape(message))

    try:
        with opened(db) as archive, progress:
            task = progress.add_task("fetch", total=None)
            summary = service.fetch(
                archive,
                only=feed or (),
                politeness=_politeness(delay, timeout),
                allow_private_hosts=allow_private_hosts,
                on_record=on_record,
                on_event=on_event,
                analyze=not no_analysis,
            )
    except KeyboardInterrupt:
        err.print("interrupted; the pages fetched so far are stored")
        raise typer.Exit(130) from None
    if as_json:
        _print_json(summary.to_dict())
    else:
        _print_failed_feeds(summary)
        err.print(_fetch_line(summary) + f" → {db}")
    if summary.failed_feeds:
        raise typer.Exit(1)


@app.command()
def watch(
    every: Annotated[str, typer.Option("--every", help="How often to poll: 30s, 10m, 1h, 1h30m.")] = "10m",
    db: DbOption = DEFAULT_DB,
    feed: FeedOption = None,
    delay: DelayOption = 1.0,
    timeout: TimeoutOption = 20.0,
    no_analysis: NoAnalysisOption = False,
    allow_private_hosts: AllowPrivateHostsOption = False,
    rounds: Annotated[
        int | None, typer.Option("--rounds", help="Stop after this many polls (default: never).", min=1)
    ] = None,
) -> None:
    """Fetch the feeds again and again, every --every; Ctrl-C stops (what was fetched is kept)."""
    with reporting():
        seconds = service.poll_interval(every)

    def on_round(summary: service.FetchSummary) -> None:
        when = time.strftime("%H:%M:%S")
        _print_failed_feeds(summary)
        err.print(f"{when} {_fetch_line(summary)}; next poll in {every}")

    def on_record(item: Analysis | Rejection | RawRecord, added: bool) -> None:
        _print_rejection(item)

    try:
        with opened(db) as archive:
            err.print(f"watching the feeds of {db} every {every}; Ctrl-C stops")
            service.watch(
                archive,
                seconds,
                rounds=rounds,
                on_round=on_round,
                only=feed or (),
                politeness=_politeness(delay, timeout),
                allow_private_hosts=allow_private_hosts,
                on_record=on_record,
                on_event=lambda message: err.print(escape(message)),
                analyze=not no_analysis,
            )
    except KeyboardInterrupt:
        err.print("stopped; everything fetched so far is stored")


def main() -> None:
    app()
