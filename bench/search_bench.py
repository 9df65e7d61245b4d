"""Benchmark clearinghouse search on PostgreSQL or SQLite.

    .venv/bin/python bench/search_bench.py --db sqlite --n 50000
    .venv/bin/python bench/search_bench.py --db postgres --n 50000

Creates its own database (PostgreSQL: `mhr_bench`, dropped and recreated; SQLite: a file under
/tmp), bulk-inserts N published resources (half with a PDF attachment's extracted text of several
pages, generated from the vocabulary of docs/domain research), builds the index with
`reindex_all()` while measuring peak memory, then times a mix of searches against the plain ranked
full-text SQL query on the same database. Each phase runs in its own process so the indexing
process's peak RSS (resource.getrusage) measures indexing alone.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import resource
import statistics
import time
from pathlib import Path

from benchlib import django_environment, percentile, reset_database, run_phase
from benchlib import machine as describe_machine

ROOT = Path(__file__).resolve().parent.parent
# The shared research notes sit beside the checkout (../shared); MHR_SHARED_DOCS overrides.
DOMAIN_DOC = Path(os.environ.get("MHR_SHARED_DOCS", ROOT.parent / "shared" / "docs")) / "domain.md"
SQLITE_PATH = Path("/tmp/mhr_bench.sqlite3")
PG_URL = "postgres://postgres@127.0.0.1:5432/mhr_bench"
TOPICS = [
    "Crisis intervention",
    "Policy",
    "Training",
    "Mobile crisis teams",
    "Co-responder programs",
    "Dispatch",
    "Data collection",
    "Officer wellness",
    "Youth",
    "Veterans",
    "Substance use",
    "Homelessness",
    "Suicide prevention",
    "Jail diversion",
    "Community partners",
    "Legislation",
    "Family engagement",
    "Use of force",
]
QUERIES = [
    # (category, text, extra request fields)
    ("common word", "crisis", {}),
    ("common word", "mental health", {}),
    ("common word", "officers training", {}),
    ("common word", "police", {"viewer_is_member": True}),
    ("rare word", "rosenberg", {}),
    ("rare word", "randolph", {"viewer_is_member": True}),
    ("rare word", "anniversary", {}),
    ("phrase", '"crisis intervention"', {}),
    ("phrase", '"mental health"', {"viewer_is_member": True}),
    ("phrase", '"one mind"', {}),
    ("misspelling", "de-escalaton", {}),
    ("misspelling", "polcy", {"viewer_is_member": True}),
    ("misspelling", "dispach", {}),
    ("filtered", "crisis", {"resource_types": ("model_policy", "toolkit")}),
    ("filtered", "training", {"years": (2019, 2020), "viewer_is_member": True}),
    ("filtered", "response", {"topics": ("policy",), "access": "public"}),
    ("sorted", "crisis", {"sort": "newest"}),
    ("sorted", "mobile team", {"sort": "title", "viewer_is_member": True}),
]


# --- data generation --------------------------------------------------------------------------


def _corpus_words() -> list[list[str]]:
    text = DOMAIN_DOC.read_text(encoding="utf-8") if DOMAIN_DOC.exists() else ""
    text = re.sub(r"https?://\S+", " ", text)
    sentences = []
    for raw in re.split(r"[.!?\n]+", text):
        words = re.findall(r"[A-Za-z][A-Za-z'-]*", raw)
        if len(words) >= 4:
            sentences.append(words)
    return sentences or [["crisis", "intervention", "teams", "help", "officers"]]


class TextMaker:
    """A bigram chain over the domain research.

    Most text comes from a pool of reused sentences (boilerplate-like, so common words are very
    common), but pool sentences never contain words that are rare in the research; every resource
    also gets a few freshly generated sentences, which is where rare words turn up, so a word seen
    once in the research lands in a few hundred resources at most rather than thousands.
    """

    RARE_BELOW = 5

    def __init__(self, seed: int = 7) -> None:
        self.random = random.Random(seed)
        chain: dict[str, list[str]] = {}
        starts = []
        counts: dict[str, int] = {}
        for words in _corpus_words():
            starts.append(words[0])
            for word in words:
                counts[word.lower()] = counts.get(word.lower(), 0) + 1
            for a, b in zip(words, words[1:], strict=False):
                chain.setdefault(a.lower(), []).append(b)
        self.chain = chain
        self.starts = starts
        self.rare = {word for word, count in counts.items() if count < self.RARE_BELOW}
        self.pool = [self._common_sentence() for _ in range(30_000)]
        self.vocabulary = sorted(counts)

    def _sentence(self) -> str:
        word = self.random.choice(self.starts)
        words = [word]
        for _ in range(self.random.randint(8, 24)):
            followers = self.chain.get(word.lower())
            word = self.random.choice(followers) if followers else self.random.choice(self.starts)
            words.append(word)
        return " ".join(words).capitalize() + "."

    def _common_sentence(self) -> str:
        words = [w for w in self._sentence().split() if w.strip(".").lower() not in self.rare]
        return (" ".join(words) or "Crisis response").capitalize().rstrip(".") + "."

    def sentences(self, count: int, fresh: int = 1) -> str:
        """`count` sentences, `fresh` of them newly generated (the rest from the pool)."""
        chosen = self.random.choices(self.pool, k=max(0, count - fresh))
        for _ in range(min(fresh, count)):
            chosen.insert(self.random.randint(0, len(chosen)), self._sentence())
        return " ".join(chosen)

    def title(self) -> str:
        words = self.random.choice(self.pool).rstrip(".").split()[: self.random.randint(4, 9)]
        return " ".join(words).capitalize()


def phase_generate(n: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from mhr.clearinghouse.models import Attachment, Resource, Topic

    call_command("migrate", verbosity=0)
    maker = TextMaker()
    rng = maker.random
    topics = [
        Topic.objects.create(name=name, slug=re.sub(r"[^a-z]+", "-", name.lower()))
        for name in TOPICS
    ]
    through = Resource.topics.through
    types = list(Resource.Type.values)
    now = timezone.now()
    started = time.monotonic()
    batch = 1000
    for start in range(0, n, batch):
        with transaction.atomic():
            resources = []
            for i in range(start, min(n, start + batch)):
                resources.append(
                    Resource(
                        title=maker.title(),
                        slug=f"bench-{i}",
                        resource_type=rng.choice(types),
                        summary=maker.sentences(2, fresh=0),
                        body="\n\n".join(
                            maker.sentences(rng.randint(3, 6), fresh=int(i % 4 == 0))
                            for _ in range(2)
                        ),
                        published_on=datetime.date(2005, 1, 1)
                        + datetime.timedelta(days=rng.randint(0, 7300)),
                        access="members" if rng.random() < 0.2 else "public",
                        status=Resource.Status.PUBLISHED,
                        first_published_at=now,
                    )
                )
            created = Resource.objects.bulk_create(resources)
            links = []
            attachments = []
            for item in created:
                for topic in rng.sample(topics, rng.randint(1, 3)):
                    links.append(through(resource_id=item.pk, topic_id=topic.pk))
                if item.pk % 2 == 0:
                    # Several pages: about 450 words a page.
                    pages = rng.randint(2, 6)
                    attachments.append(
                        Attachment(
                            resource_id=item.pk,
                            file=f"attachments/bench-{item.pk}.pdf",
                            title="Full text",
                            original_filename=f"bench-{item.pk}.pdf",
                            content_type=Attachment.Kind.PDF,
                            size_bytes=100_000,
                            sha256=f"{item.pk:064x}",
                            page_count=pages,
                            extracted_text="\n\n".join(
                                maker.sentences(28, fresh=int(page == 0)) for page in range(pages)
                            ),
                        )
                    )
            through.objects.bulk_create(links)
            Attachment.objects.bulk_create(attachments)
    print(json.dumps({"generate_seconds": round(time.monotonic() - started, 1)}))


def phase_index() -> None:
    import django

    django.setup()
    from django.db import connection

    from mhr.clearinghouse import search

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    count = search.reindex_all()
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE clearinghouse_search_doc")
            cursor.execute("VACUUM ANALYZE clearinghouse_resource")
    print(
        json.dumps(
            {
                "indexed": count,
                "index_seconds": round(seconds, 1),
                "rss_before_mb": round(before / 1024, 1),
                "peak_rss_mb": round(peak / 1024, 1),
            }
        )
    )


def phase_query(repeats: int) -> None:
    import django

    django.setup()
    from django.db import connection

    from mhr.clearinghouse import search
    from mhr.clearinghouse.search import SearchRequest, search_resources
    from mhr.clearinghouse.search.query import parse_query

    backend = search._backend()
    results: dict[str, dict[str, list[float]]] = {}
    totals = {}
    for _ in range(2):  # warm caches
        for _category, text, extra in QUERIES:
            search_resources(SearchRequest(text=text, **extra))
    for _ in range(repeats):
        for category, text, extra in QUERIES:
            started = time.perf_counter()
            page = search_resources(SearchRequest(text=text, **extra))
            ours = (time.perf_counter() - started) * 1000
            parsed = parse_query(text)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                backend.bare(cursor, parsed)
            bare = (time.perf_counter() - started) * 1000
            slot = results.setdefault(category, {"search": [], "bare": []})
            slot["search"].append(ours)
            slot["bare"].append(bare)
            totals[text] = (page.total, page.total_capped, page.suggestion)
    summary = {}
    everything = {"search": [], "bare": []}
    for category, slot in results.items():
        everything["search"] += slot["search"]
        everything["bare"] += slot["bare"]
        summary[category] = _stats(slot)
    summary["all"] = _stats(everything)
    print(json.dumps({"queries": summary, "totals": totals}))


def _stats(slot: dict[str, list[float]]) -> dict[str, float]:
    return {
        "search_p50": round(statistics.median(slot["search"]), 2),
        "search_p95": round(percentile(slot["search"], 95), 2),
        "bare_p50": round(statistics.median(slot["bare"]), 2),
        "bare_p95": round(percentile(slot["bare"], 95), 2),
        "samples": len(slot["search"]),
    }


# --- driver -----------------------------------------------------------------------------------


def _environment(db: str) -> dict[str, str]:
    url = PG_URL if db == "postgres" else f"sqlite:///{SQLITE_PATH}"
    return django_environment(url)


def _reset_database(db: str) -> None:
    reset_database(db, pg_name="mhr_bench", sqlite_path=SQLITE_PATH)


def _run_phase(db: str, *args: str) -> dict:
    return run_phase(__file__, db, args, env=_environment(db))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), required=True)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--phase", choices=("generate", "index", "query"), help=argparse.SUPPRESS)
    parser.add_argument("--skip-generate", action="store_true", help="reuse the existing database")
    args = parser.parse_args()
    if args.phase == "generate":
        return phase_generate(args.n)
    if args.phase == "index":
        return phase_index()
    if args.phase == "query":
        return phase_query(args.repeats)

    machine = describe_machine(args.db)
    print(
        f"Machine: {machine['nproc']} CPUs, {machine['cpu']}, {machine['ram_gb']} GB RAM; {machine['engine']}"
    )
    if not args.skip_generate:
        _reset_database(args.db)
        generated = _run_phase(args.db, "--phase", "generate", "--n", str(args.n))
        print(f"Generated {args.n} resources in {generated['generate_seconds']}s")
    indexed = _run_phase(args.db, "--phase", "index")
    print(
        f"Indexed {indexed['indexed']} resources in {indexed['index_seconds']}s; "
        f"peak RSS {indexed['peak_rss_mb']} MB (before indexing {indexed['rss_before_mb']} MB)"
    )
    queried = _run_phase(args.db, "--phase", "query", "--repeats", str(args.repeats))
    print()
    print(
        "| queries | samples | search p50 ms | search p95 ms | bare p50 ms | bare p95 ms | p95 ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for category, row in queried["queries"].items():
        ratio = row["search_p95"] / row["bare_p95"] if row["bare_p95"] else float("nan")
        print(
            f"| {category} | {row['samples']} | {row['search_p50']} | {row['search_p95']} | "
            f"{row['bare_p50']} | {row['bare_p95']} | {ratio:.2f} |"
        )
    print()
    for text, (total, capped, suggestion) in queried["totals"].items():
        print(f"  {text!r}: total {total}{'+' if capped else ''}, suggestion {suggestion!r}")


if __name__ == "__main__":
    main()
