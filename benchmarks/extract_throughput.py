"""Extraction speed and memory, as figures to read (not a pass/fail test).

(a) throughput: `duban.extract.extract(text)` over the corpus documents, repeated until at
    least 20 MB of UTF-8 text has gone through, on one core; only the extract() calls are
    timed.  Goal: at least 5 MB/s.
(b) peak memory: the corpus copied 50 times into a temporary folder, then
    `python -m duban extract FOLDER -o OUTDIR --format json` in a child process; its peak
    resident set size.  Goal: under 150 MB.

usage: python benchmarks/extract_throughput.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / ".." / "shared" / "corpus"
DEMO_DATA = REPO / "src" / "duban" / "demo_data"
MB = 1_000_000
GOAL_MB_PER_S = 5.0
GOAL_PEAK_MB = 150.0


def corpus_files() -> list[Path]:
    files = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    # Without the shared corpus beside the repository, the copies the package ships will do.
    return files or sorted(DEMO_DATA.glob("*.txt"))


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"core {core}"
    return "not pinned"


def throughput(files: list[Path], goal_mb: float) -> tuple[float, float, int]:
    """(MB processed, seconds inside extract(), calls)."""
    from duban.extract import extract

    texts = [f.read_text(encoding="utf-8") for f in files]
    for text in texts:  # warm up: imports, compiled patterns, vocabulary loading
        extract(text)
    sizes = [len(t.encode("utf-8")) for t in texts]
    done, seconds, calls = 0, 0.0, 0
    while done < goal_mb * MB:
        for text, size in zip(texts, sizes, strict=True):
            start = time.perf_counter()
            extract(text)
            seconds += time.perf_counter() - start
            done += size
            calls += 1
    return done / MB, seconds, calls


def peak_memory(files: list[Path], copies: int) -> tuple[float, float, int, int, str]:
    """(peak RSS in MB, wall seconds, documents, outputs written, child's last error line)."""
    with tempfile.TemporaryDirectory(prefix="duban-bench-") as tmp:
        folder, out = Path(tmp) / "in", Path(tmp) / "out"
        folder.mkdir()
        for i in range(copies):
            for f in files:
                shutil.copyfile(f, folder / f"{i:03d}_{f.name}")
        cmd = [sys.executable, "-m", "duban", "extract", str(folder), "-o", str(out), "--format", "json"]
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        written = len(list(out.rglob("*.json"))) if out.is_dir() else 0
        errors = [line for line in done.stderr.splitlines() if line.strip()]
    # ru_maxrss of the children is in kilobytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_mb = peak / MB if sys.platform == "darwin" else peak * 1024 / MB
    return peak_mb, wall, copies * len(files), written, errors[-1] if errors else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a short run: 2 MB and 5 copies")
    args = parser.parse_args(argv)
    goal_mb, copies = (2.0, 5) if args.quick else (20.0, 50)
    files = corpus_files()
    if not files:
        print("no corpus documents found", file=sys.stderr)
        return 1
    print(f"corpus: {len(files)} documents, {sum(f.stat().st_size for f in files) / MB:.2f} MB")

    rows: list[tuple[str, str, str]] = []
    core = pin_to_one_core()
    failed = False
    try:
        processed, seconds, calls = throughput(files, goal_mb)
    except Exception as e:  # the engine may not work yet: say so, and still measure memory
        failed = True
        rows.append(("throughput", f"n/a: extract() failed: {type(e).__name__}: {e}"[:90], ""))
    else:
        rate = processed / seconds if seconds else float("inf")
        rows.append(("text processed", f"{processed:.1f} MB in {calls} calls ({core})", ""))
        rows.append(("time in extract()", f"{seconds:.2f} s", ""))
        verdict = _verdict(rate >= GOAL_MB_PER_S, f">= {GOAL_MB_PER_S} MB/s")
        rows.append(("throughput", f"{rate:.2f} MB/s", verdict))

    peak, wall, docs, written, last_error = peak_memory(files, copies)
    rows.append(("folder extraction", f"{docs} documents, {written} written, {wall:.1f} s", ""))
    rows.append(
        ("peak RSS (child)", f"{peak:.1f} MB", _verdict(peak < GOAL_PEAK_MB, f"< {GOAL_PEAK_MB:.0f} MB"))
    )
    if last_error:
        rows.append(("child's last message", last_error[:70], ""))

    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    for name, value, verdict in rows:
        print(f"{name:<{width}}  {value:<{value_width}}  {verdict}".rstrip())
    return 1 if failed else 0


def _verdict(ok: bool, goal: str) -> str:
    return f"{'ok' if ok else 'MISSED'} (goal {goal})"


if __name__ == "__main__":
    raise SystemExit(main())
