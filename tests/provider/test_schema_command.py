"""`synapse-dl schema` where there is no provider to ask: each refusal on stderr with its exit
status (1 no project, 2 no provider), before anything is started or written."""

from __future__ import annotations

from pathlib import Path

from synapse_dl.cli import main


def test_outside_a_project_it_says_where_it_looked(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "schema.json"

    status = main(["schema", "--out", str(out)])

    captured = capsys.readouterr()
    assert (status, captured.out, captured.err) == (
        1,
        "",
        f"error: no Pulumi.yaml in {tmp_path.resolve()} or any folder above it: run "
        "synapse-dl inside a Pulumi project, or name the project with --project-dir\n",
    )
    assert not out.exists()


def test_a_project_without_a_component_provider_is_refused(tmp_path: Path, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: other\nruntime: python\n")
    out = tmp_path / "schema.json"

    status = main(["schema", "--out", str(out), "--project-dir", str(tmp_path)])

    captured = capsys.readouterr()
    assert (status, captured.out, captured.err) == (
        2,
        "",
        f"error: no component provider in {tmp_path / 'provider'} (no PulumiPlugin.yaml)\n",
    )
    assert not out.exists()


def test_a_provider_that_does_not_start_is_reported_with_its_stderr(tmp_path: Path, capsys):
    provider = tmp_path / "provider"
    provider.mkdir()
    (tmp_path / "Pulumi.yaml").write_text("name: other\nruntime: python\n")
    (provider / "PulumiPlugin.yaml").write_text("runtime: python\n")
    (provider / "__main__.py").write_text("import sys\nsys.exit('no module named pulumi')\n")
    out = tmp_path / "schema.json"

    status = main(["schema", "--out", str(out), "--project-dir", str(tmp_path)])

    captured = capsys.readouterr()
    assert (status, captured.out, captured.err) == (
        2,
        "",
        "error: the component provider closed its stdout before printing its port (exit code "
        "1); its stderr:\nno module named pulumi\n\n",
    )
    assert not out.exists()
