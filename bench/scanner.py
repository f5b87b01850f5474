"""The ILO-9.3 scanner: precision and recall per finding kind on the corpus, throughput in pages
per second on a 50-page PDF, and the upload latency of a clean 1 MB document through the API.

    python -m bench.scanner [--uploads 10] [--json]

Precision/recall: every corpus document (tests/platform/corpus.py) is extracted and scanned;
per kind, a document counts as a true positive when the scanner finds the kind it leaks.
Throughput: a 50-page PDF of statistics, references and prose (45 lines a page) built in
memory, extracted (bounded by pypdf, read by PDFium) and scanned, timed 3 times (median), in
CPU seconds (extraction and scan apart) and wall clock; and CPU seconds per MiB of clean
Markdown prose. Upload: an embedded
PostgreSQL, the app as `ilonet serve` builds it, and `--uploads` sequential JSON uploads of a
clean 1 MB Markdown document (POST /v1/documents: extraction, scan, decision, row, version with
its content, audit and outbox events, commit), median and p95 latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from app.config import APP_DB_ROLE, Settings, TrustedIssuer
from app.db import migrate
from app.db.embedded import EmbeddedPostgres
from app.db.engine import make_engine, make_sessionmaker
from app.main import create_app
from app.platform.check import inspect
from app.platform.extract import MARKDOWN, PDF, Refused, extract, media_type_of
from app.platform.markings import handling_markings
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind, Location, TextUnit
from app.tokens import mint_token
from bench.guarded_writes import DATABASE, ISSUER, admin, throwaway_issuer
from tests.platform.corpus import CORPUS, RISK_EN
from tests.platform.files import make_pdf
from tests.platform.shelf import load


def precision_recall() -> dict[str, dict[str, float | int]]:
    tp: Counter[FindingKind] = Counter()
    fp: Counter[FindingKind] = Counter()
    fn: Counter[FindingKind] = Counter()
    for doc in CORPUS:
        found = kinds(scan(extract(doc.content, doc.media_type).units))
        for kind in FindingKind:
            tp[kind] += kind in found and kind in doc.kinds
            fp[kind] += kind in found and kind not in doc.kinds
            fn[kind] += kind not in found and kind in doc.kinds
    return {
        k.value: {
            "tp": tp[k],
            "fp": fp[k],
            "fn": fn[k],
            "precision": round(tp[k] / ((tp[k] + fp[k]) or 1), 4),
            "recall": round(tp[k] / ((tp[k] + fn[k]) or 1), 4),
        }
        for k in FindingKind
    }


def refused(media_type: str, content: bytes, settings: Settings) -> bool:
    """The upload path's verdict: the file extracted, scanned and checked for markings by the
    worker task POST /v1/documents runs (a finding or a marking is a refusal under
    ILO-9.3/ILO-9.1), here in process."""
    title = (TextUnit("Corpus document", Location(pointer="/title")),)
    try:
        inspection = inspect(content, media_type_of(media_type, None), title)
    except Refused:
        return True
    return bool(inspection.findings or inspection.markings)


def verdicts(part: str) -> dict[str, Any]:
    """Precision, recall and false-refusal rate of the refusals on a part of the corpus kept as
    files; named private individuals with an attribute and bare names counted apart."""
    settings = Settings(env="test")
    tp = fp = fn = tn = 0
    person = {"private": [0, 0], "bare": [0, 0]}
    missed: list[str] = []
    wrong: list[str] = []
    docs = load(part)
    for doc in docs:
        hit = refused(doc.media_type, doc.content, settings)
        if doc.person in person:
            person[doc.person][0] += hit
            person[doc.person][1] += 1
        if doc.person == "bare":
            continue
        tp += hit and doc.refuse
        fp += hit and not doc.refuse
        fn += not hit and doc.refuse
        tn += not hit and not doc.refuse
        if hit != doc.refuse:
            (missed if doc.refuse else wrong).append(doc.name)
    return {
        "documents": len(docs),
        "languages": len({d.language for d in docs}),
        "formats": len({d.media_type for d in docs}),
        "clean": fp + tn,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": round(tp / ((tp + fp) or 1), 4),
        "recall": round(tp / ((tp + fn) or 1), 4),
        "false_refusals": round(fp / ((fp + tn) or 1), 4),
        "private_person": f"{person['private'][0]}/{person['private'][1]}",
        "bare_name": f"{person['bare'][0]}/{person['bare'][1]}",
        "missed": missed,
        "wrongly_refused": wrong,
    }  # fmt: skip


def fifty_page_pdf() -> bytes:
    lines = RISK_EN.splitlines()
    page = [
        *lines,
        *(
            f"{m:02d}/2024 Syria {1000 + m * 7} Afghanistan {900 + m} Türkiye {600 + m}"
            for m in range(1, 13)
        ),
        *(f"Flight TK {1030 + i}: {12000 + i * 37} passengers, {i} refused" for i in range(10)),
        "See COM(2020) 609, Regulation (EU) 2019/1240 and Decision 2005/687/EC.",
    ]
    return make_pdf([page[:45] for _ in range(50)])


def throughput() -> dict[str, float]:
    """The 50-page PDF, median of 3: CPU seconds (the machine is shared: wall clock stretches
    with its load) of the extraction and of the scan, pages per CPU second of the scan and of
    both, and the wall clock of both."""
    pdf = fifty_page_pdf()
    walls, extracting, scanning = [], [], []
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        extracted = extract(pdf, PDF)
        extracted_at = time.process_time()
        findings = scan(extracted.units)
        scanning.append(time.process_time() - extracted_at)
        extracting.append(extracted_at - cpu)
        walls.append(time.perf_counter() - started)
        assert extracted.pages == 50
        assert findings == (), findings
    wall, extract_cpu, scan_cpu = (statistics.median(t) for t in (walls, extracting, scanning))
    return {
        "pages": 50,
        "seconds": round(wall, 3),
        "pages_per_second": round(50 / wall, 1),
        "extract_cpu_seconds": round(extract_cpu, 3),
        "scan_cpu_seconds": round(scan_cpu, 3),
        "scan_pages_per_cpu_second": round(50 / scan_cpu, 1),
        "pages_per_cpu_second": round(50 / (extract_cpu + scan_cpu), 1),
    }


def one_megabyte_document() -> str:
    block = RISK_EN + "\n\n"
    return (block * (1_048_576 // len(block) + 1))[:1_048_576]


async def upload_latency(uploads: int, workdir: Path, server: EmbeddedPostgres) -> dict[str, Any]:
    await admin(server, f'CREATE DATABASE "{DATABASE}"')
    await asyncio.to_thread(migrate.upgrade, server.url(database=DATABASE))
    private_pem, public_file = throwaway_issuer(workdir)
    settings = Settings(
        env="test",
        data_dir=workdir / "data",
        trusted_issuers=[
            TrustedIssuer(
                issuer=ISSUER,
                algorithms=["RS256"],
                pem_file=public_file,
                organisations=["NL"],
                max_token_lifetime_seconds=6 * 3600,
            )
        ],
    )
    app = create_app(settings)
    engine = make_engine(server.url(user=APP_DB_ROLE, database=DATABASE))
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    token = mint_token(
        private_pem=private_pem,
        issuer=ISSUER,
        sub="bench-nl-sb",
        org="NL",
        roles=["sb_member"],
        ttl_seconds=3600,
    )
    content = one_megabyte_document()
    body = {
        "title": "Quarterly risk analysis (bench)",
        "category": "a_analytical_product",
        "audience": "all_ilos",
        "media_type": "text/markdown",
        "content": content,
    }
    latencies: list[float] = []
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            headers = {"Authorization": f"Bearer {token}"}
            for i in range(uploads + 1):
                started = time.perf_counter()
                response = await client.post("/v1/documents", json=body, headers=headers)
                elapsed = time.perf_counter() - started
                if response.status_code != 201:
                    raise RuntimeError(f"upload: {response.status_code} {response.text[:500]}")
                if i:  # the first one warms up
                    latencies.append(elapsed)
    finally:
        await engine.dispose()
    latencies.sort()
    return {
        "bytes": len(content.encode()),
        "uploads": uploads,
        "median_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000, 1),
    }


def prose_cpu() -> dict[str, float]:
    """CPU seconds to extract, scan and check for markings one MiB of clean Markdown prose."""
    content = one_megabyte_document().encode()
    times = []
    for _ in range(3):
        started = time.process_time()
        units = extract(content, MARKDOWN).units
        assert scan(units) == ()
        assert handling_markings(units) == ()
        times.append(time.process_time() - started)
    mib = len(content) / 1_048_576
    return {"mib": round(mib, 2), "cpu_seconds_per_mib": round(statistics.median(times) / mib, 3)}


def _print_verdicts(part: str, v: dict[str, Any]) -> None:
    if not v["documents"]:
        print(f"{part}: 0 documents (the part is empty)")
        return
    print(
        f"{part}: {v['documents']} documents ({v['clean']} clean, {v['languages']} languages, "
        f"{v['formats']} formats): precision {v['precision']}, recall {v['recall']}, "
        f"false refusals {v['false_refusals']} ({v['fp']}/{v['clean']}); named private person "
        f"with an attribute {v['private_person']}, bare name {v['bare_name']}"
    )
    if part != "heldout":
        for name in v["missed"]:
            print(f"  missed: {name}")
        for name in v["wrongly_refused"]:
            print(f"  wrongly refused: {name}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scanner", description=__doc__)
    parser.add_argument("--uploads", type=int, default=10, help="timed 1 MB uploads (0: none)")
    parser.add_argument("--json", action="store_true", help="also print one JSON line")
    parser.add_argument(
        "--part",
        action="append",
        choices=("dev", "heldout"),
        help="parts of the corpus kept as files to score (default: both)",
    )
    args = parser.parse_args(argv)
    scores = precision_recall()
    print(f"corpus: {len(CORPUS)} documents, {sum(1 for d in CORPUS if not d.kinds)} clean")
    print("| kind | tp | fp | fn | precision | recall |\n| --- | --- | --- | --- | --- | --- |")
    for kind, s in scores.items():
        print(f"| {kind} | {s['tp']} | {s['fp']} | {s['fn']} | {s['precision']} | {s['recall']} |")
    parts = {part: verdicts(part) for part in args.part or ("dev", "heldout")}
    for part, v in parts.items():
        _print_verdicts(part, v)
    speed = throughput()
    print(
        f"50-page PDF: scan {speed['scan_cpu_seconds']} s CPU, "
        f"{speed['scan_pages_per_cpu_second']} pages per CPU second; with the extraction "
        f"({speed['extract_cpu_seconds']} s CPU) {speed['pages_per_cpu_second']} pages per CPU "
        f"second; wall clock {speed['seconds']} s, {speed['pages_per_second']} pages/s"
    )
    prose = prose_cpu()
    print(f"clean prose: {prose['cpu_seconds_per_mib']} s CPU per MiB")
    latency: dict[str, Any] = {}
    if args.uploads > 0:
        workdir = Path(tempfile.mkdtemp(prefix="ilonet-bench-scanner-"))
        server = EmbeddedPostgres(workdir / "pgdata")
        try:
            server.start()
            latency = asyncio.run(upload_latency(args.uploads, workdir, server))
        finally:
            server.stop()
            shutil.rmtree(workdir, ignore_errors=True)
        print(
            f"upload of a clean {latency['bytes']} B document: median {latency['median_ms']} ms, "
            f"p95 {latency['p95_ms']} ms over {latency['uploads']} uploads"
        )
    if args.json:
        print(json.dumps({"benchmark": "scanner", "scores": scores, "corpus": parts,
                          "throughput": speed, "prose": prose, "upload": latency}))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
