"""The SQL of the full-text index of replies and articles, in each database's own kind.

PostgreSQL: a stored generated tsvector column on each table with a GIN index. The database
computes it on every insert and update, so no writer (the services, the seed importer, a
future importer, a bulk_create in testkit) can leave it stale. The models do not declare the
column: only forum.search reads it, in SQL.

SQLite: an FTS5 table per table ("external content": it indexes the rows of forum_reply and
forum_article and reads their text back for snippets), kept in step by triggers. Triggers
rather than calls in the services for the same reason as the generated column: every writer,
including bulk_create and loaddata, goes through them, and an index that one writer forgets is
a search that silently misses replies.

SQLite rebuilds a table to change one of its columns (Django's schema editor copies it to a
new table and drops the old one), which drops its triggers. `restore_triggers()` runs after
every `migrate` (forum.apps) and puts back any that are missing, then rebuilds the index.

What is indexed is the text a reader sees: the Markdown source (`body`), not `body_html`,
whose tags and entities would be indexed as words. The porter stemmer on SQLite and the
'english' configuration on PostgreSQL both stem, so "withdraw" finds "withdrawal".
"""


POSTGRES_FORWARD = [
    """ALTER TABLE forum_reply ADD COLUMN search_vector tsvector
       GENERATED ALWAYS AS (to_tsvector('english'::regconfig, coalesce(body, ''))) STORED""",
    "CREATE INDEX reply_search_vector ON forum_reply USING gin (search_vector)",
    """ALTER TABLE forum_article ADD COLUMN search_vector tsvector
       GENERATED ALWAYS AS (
         setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
         || setweight(to_tsvector('english'::regconfig, coalesce(standfirst, '') || ' ' || coalesce(body, '')), 'B')
       ) STORED""",
    "CREATE INDEX article_search_vector ON forum_article USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE forum_reply DROP COLUMN search_vector",
    "ALTER TABLE forum_article DROP COLUMN search_vector",
]

TOKENIZE = "porter unicode61 remove_diacritics 2"
REPLY_TABLE = f"""CREATE VIRTUAL TABLE forum_reply_fts USING fts5(
          body, content='forum_reply', content_rowid='id', tokenize='{TOKENIZE}')"""
TRIGGERS = {
    "forum_reply_fts_insert": """CREATE TRIGGER forum_reply_fts_insert AFTER INSERT ON forum_reply BEGIN
         INSERT INTO forum_reply_fts(rowid, body) VALUES (new.id, new.body);
       END""",
    "forum_reply_fts_delete": """CREATE TRIGGER forum_reply_fts_delete AFTER DELETE ON forum_reply BEGIN
         INSERT INTO forum_reply_fts(forum_reply_fts, rowid, body) VALUES ('delete', old.id, old.body);
       END""",
    # Only when the text changes: the tree's renumbering updates lft/rght of many rows.
    "forum_reply_fts_update": """CREATE TRIGGER forum_reply_fts_update AFTER UPDATE OF body ON forum_reply BEGIN
         INSERT INTO forum_reply_fts(forum_reply_fts, rowid, body) VALUES ('delete', old.id, old.body);
         INSERT INTO forum_reply_fts(rowid, body) VALUES (new.id, new.body);
       END""",
}
ARTICLE_TABLE = f"""CREATE VIRTUAL TABLE forum_article_fts USING fts5(
          title, standfirst, body, content='forum_article', content_rowid='id', tokenize='{TOKENIZE}')"""
TRIGGERS |= {
    "forum_article_fts_insert": """CREATE TRIGGER forum_article_fts_insert AFTER INSERT ON forum_article BEGIN
         INSERT INTO forum_article_fts(rowid, title, standfirst, body)
         VALUES (new.id, new.title, new.standfirst, new.body);
       END""",
    "forum_article_fts_delete": """CREATE TRIGGER forum_article_fts_delete AFTER DELETE ON forum_article BEGIN
         INSERT INTO forum_article_fts(forum_article_fts, rowid, title, standfirst, body)
         VALUES ('delete', old.id, old.title, old.standfirst, old.body);
       END""",
    "forum_article_fts_update": """CREATE TRIGGER forum_article_fts_update AFTER UPDATE OF title, standfirst, body ON forum_article BEGIN
         INSERT INTO forum_article_fts(forum_article_fts, rowid, title, standfirst, body)
         VALUES ('delete', old.id, old.title, old.standfirst, old.body);
         INSERT INTO forum_article_fts(rowid, title, standfirst, body)
         VALUES (new.id, new.title, new.standfirst, new.body);
       END""",
}
REBUILD = [
    "INSERT INTO forum_reply_fts(forum_reply_fts) VALUES ('rebuild')",
    "INSERT INTO forum_article_fts(forum_article_fts) VALUES ('rebuild')",
]


def install(schema_editor) -> None:
    """Create the index for this database (the migration)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRES_FORWARD
    elif vendor == "sqlite":
        statements = [REPLY_TABLE, ARTICLE_TABLE, *TRIGGERS.values(), *REBUILD]
    else:
        raise RuntimeError(f"forum.search has no full-text index for {vendor}; it supports PostgreSQL and SQLite.")
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRES_BACKWARD
    else:
        statements = [f"DROP TRIGGER {name}" for name in TRIGGERS]
        statements += ["DROP TABLE forum_reply_fts", "DROP TABLE forum_article_fts"]
    for statement in statements:
        schema_editor.execute(statement)


def restore_triggers(connection) -> list[str]:
    """Put back the SQLite triggers a table rebuild dropped, and re-index; the names restored."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'forum_reply_fts'")
        if cursor.fetchone() is None:
            return []  # the migration has not run yet
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
        missing = [name for name in TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(TRIGGERS[name])
        if missing:
            for statement in REBUILD:
                cursor.execute(statement)
    return missing

