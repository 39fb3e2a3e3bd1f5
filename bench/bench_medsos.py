"""Pantau Medsos core benchmark (issue 16): post intake and case suggestion, each next to a
raw baseline measured in the same run.

    .venv/bin/python bench/bench_medsos.py [--posts 100000] [--texts 1000000] [--queries 200]
    .venv/bin/python bench/run.py --only medsos

1. A CSV of N posts in our template (generated once into bench/.cache/, ~5 % repeated
   links, Indonesian texts with slang and emoji): `read_posts` = strict decoding + CSV
   + URL canonicalisation + normalisation + lexicon flags and places + dedupe, against the
   raw baseline `csv.reader` + `str.lower()` over the text column of the same file.
2. Case suggestion with M normalised texts in cases: `suggest_cases` (candidates from an
   in-memory word index standing in for the service's full-text index, re-ranked with
   rapidfuzz) per query, p50/p95; raw baseline: rapidfuzz's `process.extract` of the
   best 5 over all M texts without an index (a few queries only: it is the slow way).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from common import CACHE, Row, measure, summary

from posko_desktop.core.medsos.drafts import Platform, PostDraft
from posko_desktop.core.medsos.intake import IntakeOptions, read_posts
from posko_desktop.core.medsos.intake.mapping import TEMPLATE_COLUMNS
from posko_desktop.core.medsos.lexicon import Lexicon
from posko_desktop.core.medsos.matching import CANDIDATES, KnownPost, MemoryIndex, suggest_cases
from posko_desktop.core.medsos.normalize import normalise

AREA = "medsos"
PLACES = ["Kedungwuni", "Juwana", "Tembalang", "Banyumanik", "Weleri", "Kab. Demak",
          "Kota Tegal", "Kec. Bulu", "Sukoharjo", "Blora", "Kab Kendal", "Purwokerto",
          "Wonosobo", "Kec. Mijen", "Kota Semarang", "Pati", "Klaten", "Boyolali"]
EVENTS = ["surat suara sdh tercoblos utk paslon {n}", "serangan fajar, amplop {n}0rb per kepala",
          "kotak suara dibuka malam2 di gudang logistik", "KPU curang bgt, hasil rekap diubah",
          "pembagian sembako gratis dari tim paslon {n}", "warga diancam kalau ga nyoblos paslon {n}",
          "kampanye hitam: paslon {n} keturunan PKI", "ASN tidak netral, kades ikut kampanye",
          "DPT siluman {n}00 orang di satu desa", "server KPU disetting menangkan paslon {n}",
          "video bentrok massa pendukung di depan kantor KPU", "jadwal nyoblos diundur, jgn datang"]
TAILS = ["", " VIRALKAN!!!", " 😡😡😡", " sebarkan sebelum dihapus", " #pilkadajateng",
         " bener gak nih?", " wkwkwk", " hoaks atau bukan?", " cek faktanya"]
HOSTS = [(0.40, "https://www.tiktok.com/@{h}/video/{id}?is_from_webapp=1"),
         (0.25, "https://m.facebook.com/{h}/posts/{id}?mibextid=Nif5oz"),
         (0.10, "https://www.instagram.com/reel/C{id}/?igsh=MWQ1"),
         (0.10, "https://twitter.com/{h}/status/{id}?s=20"),
         (0.05, "https://youtu.be/{yt}?si=abc"),
         (0.10, "https://www.detik.com/jateng/berita/d-{id}/judul?utm_source=wa")]


def claim(rnd: random.Random, k: int) -> str:
    event = EVENTS[k % len(EVENTS)].format(n=1 + k % 3)
    return f"{event} di {PLACES[(k // len(EVENTS)) % len(PLACES)]} TPS {k % 97:02d}"


def variant(rnd: random.Random, text: str) -> str:
    words = text.split()
    if len(words) > 6 and rnd.random() < 0.3:
        del words[rnd.randrange(len(words))]
    text = " ".join(words)
    if rnd.random() < 0.3:
        text = text.upper()
    return rnd.choice(["", "INFO: ", "Katanya ", "Beredar: "]) + text + rnd.choice(TAILS)


def url(n: int) -> str:
    """The link of post n (the same n: the same post)."""
    pattern = random.Random(n).choices([p for _s, p in HOSTS], weights=[s for s, _p in HOSTS])[0]
    return pattern.format(h=f"akun{n % 5000}", id=7_394_000_000_000_000_000 + n,
                          yt=f"{n:011d}"[-11:])


def posts_csv(count: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"medsos-posts-{count}.csv"
    if path.exists():
        return path
    rnd = random.Random(16)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(TEMPLATE_COLUMNS)
        for n in range(count):
            same = n if rnd.random() > 0.05 else rnd.randrange(max(n, 1))
            w.writerow(["", url(same), f"2024-07-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}",
                        f"Akun {same % 5000}", "", "", variant(rnd, claim(rnd, same % 2000)),
                        f"{rnd.randrange(10**6)}", f"{rnd.randrange(10**4)}",
                        str(rnd.randrange(500)), str(rnd.randrange(300)), ""])
    return path


def raw_csv(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        return sum(1 for row in reader if row[6].lower())


def intake_rows(posts: int, repeat: int) -> list[Row]:
    path = posts_csv(posts)
    lexicon = Lexicon.default()
    options = IntakeOptions(read_at=datetime(2024, 7, 30, tzinfo=UTC), pseudonym_key=b"b" * 32,
                            lexicon=lexicon)
    result = read_posts(path, options)
    flagged = sum(1 for d in result.drafts if d.flags)
    times = measure(lambda: read_posts(path, options), repeat, warmup=0)
    cpu = statistics.median(common.last_cpu)
    raw = measure(lambda: raw_csv(path), repeat, warmup=0)
    texts = [d.text for d in result.drafts]
    norm = measure(lambda: [normalise(t) for t in texts], repeat, warmup=0)
    scans = [d.text_normalised for d in result.drafts]
    scan = measure(lambda: [lexicon.scan(t) for t in scans], repeat, warmup=0)
    mb = path.stat().st_size / 1048576
    return [
        Row(AREA, f"read_posts {posts:,} CSV posts ({mb:.0f} MB): parse+normalise+flag+dedupe",
            summary(times)[0] / 1000, unit="s", raw_median=summary(raw)[0] / 1000,
            cpu_median=cpu / 1000,
            target="<= 20 s (import, issue 16)", ok=summary(times)[0] <= 20_000,
            note=f"{len(result.drafts):,} posts, {result.duplicates:,} repeats dropped, "
                 f"{flagged:,} flagged; raw = csv.reader + str.lower"),
        Row(AREA, f"  of which normalise() x {len(texts):,}", summary(norm)[0] / 1000, unit="s"),
        Row(AREA, f"  of which lexicon scan x {len(scans):,}", summary(scan)[0] / 1000, unit="s"),
    ]


class Given:
    """A `CaseIndex` that hands over candidates fetched beforehand: re-ranking alone."""

    def __init__(self, candidates: list[KnownPost]) -> None:
        self.candidates = candidates

    def same_post(self, *_args: str) -> list[KnownPost]:
        return []

    def image_candidates(self, _fp: object) -> list[KnownPost]:
        return []

    def text_candidates(self, _text: str, _limit: int) -> list[KnownPost]:
        return self.candidates


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000, out


def suggestion_rows(texts: int, queries: int, raw_queries: int) -> list[Row]:
    rnd = random.Random(1_000_000)
    start = time.perf_counter()
    corpus = [normalise(variant(rnd, claim(rnd, rnd.randrange(20_000)))) for _ in range(texts)]
    norm_s = time.perf_counter() - start
    start = time.perf_counter()
    index = MemoryIndex(KnownPost(f"HOAKS-{n % 20_000}", str(n), t) for n, t in enumerate(corpus))
    build_s = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    asks = [PostDraft(Platform.TIKTOK, text_normalised=normalise(variant(rnd, claim(
        rnd, rnd.randrange(20_000))) + " tolong dicek")) for _ in range(queries)]
    whole: list[tuple[float, float]] = []
    fetch: list[tuple[float, float]] = []
    rerank: list[tuple[float, float]] = []
    hits = 0
    for q in asks:
        wall, cpu, found = timed(lambda q=q: suggest_cases(q, index))
        whole.append((wall, cpu))
        hits += bool(found)
        wall, cpu, cands = timed(lambda q=q: index.text_candidates(q.text_normalised, CANDIDATES))
        fetch.append((wall, cpu))
        wall, cpu, _ = timed(lambda q=q, c=cands: suggest_cases(q, Given(c)))
        rerank.append((wall, cpu))
    from rapidfuzz import fuzz, process
    raw = []
    for q in asks[:raw_queries]:
        t0 = time.perf_counter()
        process.extract(q.text_normalised, corpus, scorer=fuzz.token_set_ratio, limit=5)
        raw.append((time.perf_counter() - t0) * 1000)

    def row(name: str, values: list[tuple[float, float]], **kw: object) -> Row:
        p50, p95 = summary([w for w, _c in values])
        cpu50, cpu95 = summary([c for _w, c in values])
        note = f"cpu p95 {cpu95:.1f} ms. " + str(kw.pop("note", ""))
        return Row(AREA, name, p50, p95, cpu_median=cpu50, note=note, **kw)

    return [
        row(f"suggest_cases with {texts:,} normalised texts in cases", whole,
            raw_median=summary(raw)[0], raw_p95=summary(raw)[1],
            target="p95 <= 100 ms (issue 16)", ok=summary([w for w, _c in whole])[1] <= 100,
            note=f"{queries} queries, {hits} with a suggestion; raw = rapidfuzz "
                 f"process.extract over all texts ({raw_queries} queries)"),
        row(f"  of which candidates from the word index ({CANDIDATES})", fetch,
            note="the service's full-text index stands here"),
        row(f"  of which re-ranking {CANDIDATES} candidates (rapidfuzz)", rerank),
        Row(AREA, f"  normalise {texts:,} texts / build the word index", norm_s, build_s,
            unit="s", note=f"peak RSS {rss:.0f} MB (p95 column: index build)"),
    ]


def run(_db_path: Path | None, args: argparse.Namespace) -> list[Row]:
    posts = getattr(args, "posts", 100_000)
    texts = getattr(args, "texts", 1_000_000)
    rows = intake_rows(posts, getattr(args, "intake_repeat", 3))
    rows += suggestion_rows(texts, getattr(args, "queries", 200), getattr(args, "raw_queries", 5))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--raw-queries", type=int, default=5)
    parser.add_argument("--intake-repeat", type=int, default=3)
    args = parser.parse_args()
    from run import print_table
    print_table(run(None, args))


if __name__ == "__main__":
    main()
