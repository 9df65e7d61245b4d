"""Our own parser for what people type into the search box.

Nothing the user types reaches a full-text engine as syntax: words are pulled out with a regular
expression and handed to the engines as quoted strings (SQLite FTS5) or as plain text to
`plainto_tsquery`/`phraseto_tsquery` (PostgreSQL), so AND, OR, NEAR, *, :, ^, - and parentheses
are ordinary words or separators.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
MAX_TERMS = 32

# A word: letters and digits, with inner hyphens or apostrophes ("de-escalation", "officer's").
WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
QUOTES_RE = re.compile(r"[\"“”„«»]")
# The snippet markers and anything that is not printable text never get into queries or documents.
MARK_START = "\ue000"
MARK_END = "\ue001"


_ASCII_CONTROLS = {code: " " for code in (*range(32), 127)} | {
    ord("\n"): "\n",
    ord("\t"): "\n",
    ord("\r"): "\n",
}


def clean_text(text: str) -> str:
    """Drop control characters, unpaired surrogates, private-use characters and NULs."""
    if text.isascii():
        # Same result as the loop below (only Cc occurs in ASCII), without a Python step per char.
        return text.translate(_ASCII_CONTROLS)
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category in {"Cc", "Cs", "Co", "Cn"}:
            out.append("\n" if char in "\n\t\r" else " ")
        else:
            out.append(char)
    return "".join(out)


@dataclass(frozen=True)
class Term:
    """One search term: a word, or a quoted phrase of several words (joined by single spaces)."""

    text: str
    phrase: bool = False

    @property
    def fts5(self) -> str:
        # Words never contain a double quote, so quoting needs no escaping.
        return '"' + self.text + '"'


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]
    text: str
    message: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def fts5(self) -> str:
        """An FTS5 MATCH expression: every term must match (implicit AND)."""
        return " ".join(term.fts5 for term in self.terms)


def parse_query(raw: object) -> ParsedQuery:
    if not isinstance(raw, str):
        return ParsedQuery(terms=(), text="", message="The search text could not be read.")
    messages = []
    # Cut very long input early so the cleaning below stays cheap.
    text = clean_text(raw[: MAX_QUERY_CHARS * 4]).strip()
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        if " " in cut[MAX_QUERY_CHARS // 2 :]:
            cut = cut.rsplit(" ", 1)[0]
        text = cut.rstrip()
        messages.append(
            f"Your search was longer than {MAX_QUERY_CHARS} characters; only the start was used."
        )
    elif len(raw) > MAX_QUERY_CHARS * 4:
        messages.append(
            f"Your search was longer than {MAX_QUERY_CHARS} characters; only the start was used."
        )

    terms: list[Term] = []
    seen: set[tuple[str, bool]] = set()
    parts = QUOTES_RE.split(text)
    unbalanced = len(parts) % 2 == 0
    for index, part in enumerate(parts):
        words = WORD_RE.findall(part)
        quoted = index % 2 == 1 and not (unbalanced and index == len(parts) - 1)
        if quoted and len(words) > 1:
            candidates = [Term(" ".join(words), phrase=True)]
        else:
            candidates = [Term(word) for word in words]
        for term in candidates:
            key = (term.text.lower(), term.phrase)
            if key not in seen:
                seen.add(key)
                terms.append(term)
    # Like PostgreSQL's 'english' configuration, skip stop words (unless that leaves nothing), so
    # "crisis OR policy" behaves the same on both engines.
    content = [t for t in terms if t.phrase or t.text.lower() not in STOP_WORDS]
    if content:
        terms = content
    if len(terms) > MAX_TERMS:
        terms = terms[:MAX_TERMS]
        messages.append(f"Only the first {MAX_TERMS} words of your search were used.")
    return ParsedQuery(terms=tuple(terms), text=text, message=" ".join(messages) or None)


def words_of(text: str) -> list[str]:
    """Lower-cased words for the did-you-mean vocabulary: letters only, 3 to 40 characters."""
    return [w for w in VOCAB_WORD_RE.findall(text.lower()) if len(w) <= 40]


VOCAB_WORD_RE = re.compile(r"[^\W\d_]{3,}")

# PostgreSQL's english.stop list.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing a an the and
    but if or because as until while of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor not only own
    same so than too very s t can will just don should now
    """.split()
)
