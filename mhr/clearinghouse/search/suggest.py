"""The did-you-mean vocabulary: every word of the indexed text, with how many resources use it.

`open_docs` counts resources where the word is in text anyone may read; `full_docs` counts all.
Non-members get suggestions only from words with open_docs > 0, so a word that appears only in
members-only bodies or attachments is never suggested to them. The same SQL runs on both engines.
"""

# SQL here is assembled only from constants and placeholders; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from mhr.clearinghouse.search.documents import Document
from mhr.clearinghouse.search.query import VOCAB_WORD_RE, ParsedQuery

WORD_TABLE = "clearinghouse_search_word"
DOC_TABLE = "clearinghouse_search_doc"
MAX_UNKNOWN_WORDS = 5
CHUNK = 500

UPSERT_SQL = (
    f"INSERT INTO {WORD_TABLE} (word, open_docs, full_docs) VALUES (%s, %s, %s) "
    f"ON CONFLICT (word) DO UPDATE SET open_docs = {WORD_TABLE}.open_docs + excluded.open_docs, "
    f"full_docs = {WORD_TABLE}.full_docs + excluded.full_docs"  # nosec B608 # table and column names and placeholders are constants; values are parameters
)


def stored_words(cursor, resource_id: int) -> tuple[set[str], set[str]] | None:
    """(open words, full words) recorded for a resource's current index entry, if any."""
    cursor.execute(
        f"SELECT is_public, head_words, full_words FROM {DOC_TABLE} WHERE resource_id = %s",  # nosec B608 # table and column names and placeholders are constants; values are parameters
        [resource_id],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    is_public, head_words, full_words = row
    full = set(full_words.split())
    return (full if is_public else set(head_words.split())), full


def apply_word_changes(
    cursor,
    old: tuple[set[str], set[str]] | None,
    new: tuple[set[str], set[str]] | None,
) -> None:
    old_open, old_full = old or (set(), set())
    new_open, new_full = new or (set(), set())
    deltas: dict[str, list[int]] = {}
    for words, position, step in (
        (old_open, 0, -1),
        (old_full, 1, -1),
        (new_open, 0, 1),
        (new_full, 1, 1),
    ):
        for word in words:
            deltas.setdefault(word, [0, 0])[position] += step
    rows = [(word, d[0], d[1]) for word, d in deltas.items() if d != [0, 0]]
    if not rows:
        return
    cursor.executemany(UPSERT_SQL, rows)
    removed = [word for word, _, full in rows if full < 0]
    for start in range(0, len(removed), CHUNK):
        chunk = removed[start : start + CHUNK]
        placeholders = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"DELETE FROM {WORD_TABLE} WHERE full_docs <= 0 AND word IN ({placeholders})",  # nosec B608 # table and column names and placeholders are constants; values are parameters
            chunk,
        )


class VocabularyBuilder:
    """Counts words over many documents for a full rebuild, in memory (a vocabulary, not the text)."""

    def __init__(self) -> None:
        self.open: Counter[str] = Counter()
        self.full: Counter[str] = Counter()

    def add(self, document: Document, full_words: set[str]) -> None:
        self.full.update(full_words)
        self.open.update(full_words if document.is_public else document.head_words)

    def write(self, cursor) -> int:
        cursor.execute(f"DELETE FROM {WORD_TABLE}")  # nosec B608 # table and column names and placeholders are constants; values are parameters
        rows = [(word, self.open.get(word, 0), count) for word, count in self.full.items()]
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                f"INSERT INTO {WORD_TABLE} (word, open_docs, full_docs) VALUES (%s, %s, %s)",  # nosec B608 # table and column names and placeholders are constants; values are parameters
                rows[start : start + 5000],
            )
        return len(rows)


def _max_distance(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours counts 1); stops past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def suggest(cursor, parsed: ParsedQuery, *, viewer_is_member: bool) -> str | None:
    """A corrected query when some words are unknown to the vocabulary the viewer may see."""
    column = "full_docs" if viewer_is_member else "open_docs"
    tokens = list(
        dict.fromkeys(w for w in VOCAB_WORD_RE.findall(parsed.text.lower()) if len(w) <= 40)
    )
    checkable = [t for t in tokens if len(t) >= 4]
    if not checkable:
        return None
    placeholders = ", ".join(["%s"] * len(checkable))
    cursor.execute(
        f"SELECT word FROM {WORD_TABLE} WHERE word IN ({placeholders}) AND {column} > 0",  # nosec B608 # table and column names and placeholders are constants; values are parameters
        checkable,
    )
    known = {row[0] for row in cursor.fetchall()}
    unknown = [t for t in checkable if t not in known][:MAX_UNKNOWN_WORDS]
    if not unknown:
        return None
    clauses, params = _candidate_clauses(unknown)
    cursor.execute(
        f"SELECT word, {column} FROM {WORD_TABLE} WHERE {column} > 0 AND ({' OR '.join(clauses)})",  # nosec B608 # table and column names and placeholders are constants; values are parameters
        params,
    )
    candidates = cursor.fetchall()
    replacements = {}
    for token in unknown:
        best = _best_match(token, candidates)
        if best:
            replacements[token] = best
    if not replacements:
        return None
    text = parsed.text
    for token, word in replacements.items():
        pattern = re.compile(r"(?<![^\W\d_])" + re.escape(token) + r"(?![^\W\d_])", re.IGNORECASE)
        text = pattern.sub(lambda _match, word=word: word, text)
    return text


def _candidate_clauses(tokens: Iterable[str]) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    for token in tokens:
        limit = _max_distance(token)
        first = token[0]
        clauses.append("(word >= %s AND word < %s AND length(word) BETWEEN %s AND %s)")
        params += [first, chr(ord(first) + 1), len(token) - limit, len(token) + limit]
    return clauses, params


def _best_match(token: str, candidates: list[tuple[str, int]]) -> str | None:
    limit = _max_distance(token)
    letters = set(token)
    best: tuple[int, int, str] | None = None
    for word, count in candidates:
        if word[0] != token[0] or abs(len(word) - len(token)) > limit:
            continue
        # Cheap bound: each letter missing from the other word costs at least one edit.
        if len(letters.symmetric_difference(word)) > 2 * limit:
            continue
        distance = edit_distance(token, word, limit)
        if distance <= limit:
            key = (distance, -count, word)
            if best is None or key < best:
                best = key
    return best[2] if best else None
