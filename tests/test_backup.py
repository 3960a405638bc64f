"""Backups: ``kg export`` then ``kg import`` into an empty store round-trips losslessly."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rdflib import Dataset
from rdflib.compare import isomorphic

from kg.cli import main


def _dataset(path: Path) -> Dataset:
    ds = Dataset()
    ds.parse(path, format="nquads")
    return ds


def test_export_import_round_trip(
    runner: CliRunner, seeded_store_dir: Path, tmp_path: Path
) -> None:
    for fmt in ("nq", "trig"):
        dump = tmp_path / f"backup.{fmt}"
        result = runner.invoke(
            main, ["export", "--store", str(seeded_store_dir), "--format", fmt, "-o", str(dump)]
        )
        assert result.exit_code == 0, result.output
        restored = tmp_path / f"restored-{fmt}"
        result = runner.invoke(main, ["import", str(dump), "--store", str(restored)])
        assert result.exit_code == 0, result.output
        again = tmp_path / f"again-{fmt}.nq"
        result = runner.invoke(main, ["export", "--store", str(restored), "-o", str(again)])
        assert result.exit_code == 0, result.output
        original = tmp_path / "original.nq"
        runner.invoke(main, ["export", "--store", str(seeded_store_dir), "-o", str(original)])
        a, b = _dataset(original), _dataset(again)
        graphs_a = {g.identifier for g in a.graphs() if len(g)}
        graphs_b = {g.identifier for g in b.graphs() if len(g)}
        assert graphs_a == graphs_b
        for name in graphs_a:
            assert isomorphic(a.graph(name), b.graph(name)), name
        assert sorted(original.read_text().splitlines()) == sorted(again.read_text().splitlines())


def test_import_refuses_a_broken_dump(runner: CliRunner, tmp_path: Path) -> None:
    dump = tmp_path / "broken.nq"
    dump.write_text('<a:s> <a:p> "unterminated .\n')
    store = tmp_path / "store"
    result = runner.invoke(main, ["import", str(dump), "--store", str(store)])
    assert result.exit_code == 1
    assert "not a valid nq dump" in result.output
    assert "Traceback" not in result.output
