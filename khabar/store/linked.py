"""Reading what :mod:`khabar.store.links` wrote: search with one result per duplicate group, an article's copies,
a story's articles (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from khabar.dates import jalali
from khabar.errors import NotFound, QueryError
from khabar.search.highlight import lead, snippet
from khabar.search.query import highlight_terms, parse
from khabar.store.base import ArticleLinks, Hit, LinkedArticle, SearchPage, SearchRequest, StoryDetail

if TYPE_CHECKING:
    from khabar.search.budget import Deadline
    from khabar.store.sql import Connection, Dialect, Row

MAX_COPIES = 100

_LINKED_COLUMNS = """SELECT a.*, l.similarity AS link_similarity, l.story_id AS link_story,
    d.id AS link_duplicate_of FROM article_links l JOIN articles a ON a.rowid = l.article_rowid
    LEFT JOIN articles d ON d.rowid = l.duplicate_of"""
_EARLIEST_FIRST = "a.published IS NULL, a.published, a.rowid"


def collapsed_search(
    db: Connection,
    dialect: Dialect,
    request: SearchRequest,
    where: list[str],
    params: list[Any],
    deadline: Deadline,
) -> SearchPage:
    """Search or browse with one hit per duplicate group: the group's best hit, with how many more matched.

    ``where``/``params`` are the archive's filters over ``articles a``. Articles without links (none, unless an
    archive was copied mid-migration) count as groups of their own. Past ``deadline`` no more snippets are made.
    """
    condition = " AND ".join(where) or "1 = 1"
    group = "coalesce(l.dup_group, a.rowid)"
    links = "LEFT JOIN article_links l ON l.article_rowid = a.rowid"
    wanted: set[str] = set()
    if (request.query or "").strip():
        tree = parse(request.query)
        wanted = highlight_terms(tree)
        rank, rank_params = dialect.ranking(db, tree)
        matched = f"""SELECT a.rowid AS rid, {rank} AS score, {group} AS grp,
                          a.published_day AS day
                      FROM {dialect.search_from} {links}
                      WHERE {dialect.match} AND {condition}"""
        arguments = [*rank_params, dialect.render(tree), *params]
        order = "{p}score, {p}rid"
    else:
        matched = f"""SELECT a.rowid AS rid, NULL AS score, {group} AS grp, a.published_day AS day
                      FROM articles a {links} WHERE {condition}"""
        arguments = list(params)
        order = "{p}day IS NULL, {p}day DESC, {p}rid DESC"
    ranked = f"""WITH matched AS ({matched}),
        ranked AS (SELECT rid, score, day, count(*) OVER (PARTITION BY grp) AS members,
                          row_number() OVER (PARTITION BY grp ORDER BY {order.format(p="")}) AS place
                   FROM matched)"""
    try:
        total = db.execute(f"{ranked} SELECT count(*) FROM ranked WHERE place = 1", arguments).fetchone()[0]
        rows = db.execute(
            f"""{ranked} SELECT a.*, r.score AS rank_score, r.members AS members
                FROM ranked r JOIN articles a ON a.rowid = r.rid WHERE r.place = 1
                ORDER BY {order.format(p="r.")} LIMIT ? OFFSET ?""",
            [*arguments, request.limit, request.offset],
        ).fetchall()
    except dialect.query_errors as error:  # the parser should prevent this; never show a traceback
        raise QueryError(f"the search engine cannot run this query ({error})") from None
    hits = []
    for row in rows:
        deadline.check()
        hit = hit_of(row, snippet(row["text"], wanted), -row["rank_score"] if wanted else None)
        hit.collapsed = row["members"] - 1
        hits.append(hit)
    return SearchPage(request, total, hits, sorted(wanted))


def links_of(db: Connection, article_id: str) -> ArticleLinks:
    row = db.execute(
        """SELECT a.rowid, l.similarity, l.dup_group, l.story_id, d.id AS duplicate_of, s.articles AS story_size
           FROM articles a LEFT JOIN article_links l ON l.article_rowid = a.rowid
           LEFT JOIN articles d ON d.rowid = l.duplicate_of LEFT JOIN stories s ON s.id = l.story_id
           WHERE a.id = ?""",
        (article_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"no article with id {article_id!r} in this archive")
    copies = []
    if row["dup_group"] is not None:
        copies = db.execute(
            f"""{_LINKED_COLUMNS} WHERE l.dup_group = ? AND l.article_rowid != ?
                ORDER BY {_EARLIEST_FIRST} LIMIT ?""",
            (row["dup_group"], row["rowid"], MAX_COPIES),
        ).fetchall()
    return ArticleLinks(
        article_id,
        row["duplicate_of"],
        row["similarity"],
        row["story_id"],
        row["story_size"] or 1,
        [linked_of(copy) for copy in copies],
    )


def story_detail(db: Connection, story_id: int, limit: int = 200) -> StoryDetail:
    story = db.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
    if story is None:
        raise NotFound(f"no story with id {story_id} in this archive")
    rows = db.execute(
        f"{_LINKED_COLUMNS} WHERE l.story_id = ? ORDER BY {_EARLIEST_FIRST} LIMIT ?", (story_id, limit)
    ).fetchall()
    sources = db.execute(
        """SELECT coalesce(a.source, '(unknown)'), count(*) FROM article_links l
           JOIN articles a ON a.rowid = l.article_rowid WHERE l.story_id = ?
           GROUP BY 1 ORDER BY count(*) DESC, 1""",
        (story_id,),
    ).fetchall()
    first, last = story["first_day"], story["last_day"]
    return StoryDetail(
        story_id,
        first,
        last,
        jalali(date.fromisoformat(first)) if first else None,
        jalali(date.fromisoformat(last)) if last else None,
        story["articles"],
        {source: count for source, count in sources},
        [linked_of(row) for row in rows],
    )


def linked_of(row: Row) -> LinkedArticle:
    return LinkedArticle(
        hit_of(row, snippet(row["text"], set()), None),
        row["link_duplicate_of"],
        row["link_similarity"],
        row["link_story"],
    )


def hit_of(row: Row, passage, score: float | None) -> Hit:
    return Hit(
        row["id"],
        row["title"],
        row["source"],
        row["url"],
        row["published"],
        row["published_jalali"],
        score,
        passage,
        lead(row["text"]),
    )
