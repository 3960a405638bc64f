"""``kg ingest --jobs N``: worker processes read, extract, map and validate; the result
(reports, exit code and stored quads) is the same for every N."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from subprocess import DEVNULL

import pytest
from click.testing import CliRunner, Result

from benchmarks.corpus import write_corpus
from kg.cli import main
from tests.conftest import BASE, SEED

#: More than one batch of records, so that ``--jobs 2`` runs the worker pool.
RECORDS = 60
BROKEN = "syn_000040_folios_backwards.txt"
EMPTY = "syn_000070_empty.txt"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic corpus with one record the shapes reject and one the reader rejects."""
    root = write_corpus(tmp_path_factory.mktemp("corpus"), RECORDS, seed=3)
    text = SEED.read_text(encoding="utf-8")
    (root / "sources" / BROKEN).write_text(text.replace("Listy 27-30", "Listy 30-27"), "utf-8")
    (root / "sources" / EMPTY).write_text("", encoding="utf-8")
    return root


def _ingest(corpus: Path, store: Path, jobs: int) -> Result:
    args = ["ingest", str(corpus), "--store", str(store), "--base", BASE, "--jobs", str(jobs)]
    return CliRunner().invoke(main, args)


def _export(store: Path) -> list[str]:
    result = CliRunner().invoke(main, ["export", "--store", str(store)])
    assert result.exit_code == 0, result.output
    # The provenance times and the VoID description's time and fingerprint differ per run.
    return sorted(
        line
        for line in result.stdout.splitlines()
        if "generatedAtTime" not in line and "/graph/meta/void>" not in line
    )


def _without_timing(stdout: str) -> list[str]:
    """stdout without the line that gives the ingest's timings (before the counts)."""
    lines = stdout.splitlines()
    assert lines[-2].startswith("ingested "), lines[-2]
    return lines[:-2] + lines[-1:]


@pytest.fixture(scope="module")
def runs(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Result, Path]]:
    out = {}
    for jobs in (1, 2):
        store = tmp_path_factory.mktemp(f"store{jobs}") / "store"
        out[jobs] = (_ingest(corpus, store, jobs), store)
    return out


def test_jobs_2_reports_and_stores_the_same_as_jobs_1(
    runs: dict[int, tuple[Result, Path]],
) -> None:
    (one, store1), (two, store2) = runs[1], runs[2]
    assert one.exit_code == two.exit_code == 1  # the two bad records
    assert "Traceback" not in two.output
    assert _without_timing(two.stdout) == _without_timing(one.stdout)
    assert two.stderr == one.stderr
    assert _export(store2) == _export(store1)


def test_a_parallel_run_explains_rejections_as_a_serial_run_does(
    runs: dict[int, tuple[Result, Path]], corpus: Path
) -> None:
    result, _ = runs[2]
    broken, empty = corpus / "sources" / BROKEN, corpus / "sources" / EMPTY
    assert f"rejected: {broken}: rejected by the SHACL shapes" in result.stderr
    assert "Folio range runs backwards: first folio 30 is after last folio 27" in result.stderr
    assert f"rejected: {empty}: " in result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(rf"2 rejected, {RECORDS + 2} stored", summary), summary


def test_a_parallel_reingest_skips_unchanged_sources(
    runs: dict[int, tuple[Result, Path]], corpus: Path, tmp_path: Path
) -> None:
    _, store = runs[2]
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    before = _export(copy)
    again = _ingest(corpus, copy, 2)
    assert again.exit_code == 1
    summary = again.stdout.strip().splitlines()[-1]
    assert summary == f"2 rejected, {RECORDS + 2} unchanged", summary
    assert _export(copy) == before


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["ingest", str(SEED), "--store", str(tmp_path), "--jobs", "0"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--jobs'" in result.output


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(b")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _running(pid: int) -> bool:
    try:
        return b") Z" not in Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_sigkill_of_a_parallel_ingest_leaves_no_worker_behind(corpus: Path, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "kg.cli", "ingest", str(corpus), "--store", str(tmp_path / "s")]
    proc = subprocess.Popen([*cmd, "--jobs", "2"], stdout=DEVNULL, stderr=DEVNULL)
    helpers: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        helpers = _children(proc.pid)
        workers = [w for h in helpers for w in _children(h)]
        if len(workers) >= 2:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the worker processes never started")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    left = set(helpers + workers)
    deadline = time.monotonic() + 30
    while left and time.monotonic() < deadline:
        left = {pid for pid in left if _running(pid)}
        time.sleep(0.1)
    for pid in left:  # do not leak them into the rest of the run, then fail
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes left behind: {sorted(left)}"
