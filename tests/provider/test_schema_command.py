"""`synapse-dl schema` where it gets no schema: no project (exit 1), no provider or one that
does not start (exit 2), each said on stderr, and no schema file written; and where it writes."""

from __future__ import annotations

from pathlib import Path

from synapse_dl.cli import main
from synapse_dl.cli.commands import parse


def refusal(capsys, tmp_path: Path, *arguments: str) -> tuple[int, str, str]:
    """`synapse-dl schema --out <tmp>/schema.json ARGUMENTS`: its status, stdout and stderr,
    once it is known to have written nothing."""
    out = tmp_path / "schema.json"
    try:
        status = main(["schema", "--out", str(out), *arguments])
    except SystemExit as exited:  # a usage error the parser found
        status = int(exited.code or 0)
    assert not out.exists()
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def project(folder: Path) -> Path:
    (folder / "Pulumi.yaml").write_text("name: other\nruntime: python\n")
    return folder


def test_outside_a_project_it_says_where_it_looked(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)

    assert refusal(capsys, tmp_path) == (
        2,
        "",
        f"synapse-dl schema: error: no Pulumi.yaml in {tmp_path.resolve()} or any folder above "
        "it: run synapse-dl inside a Pulumi project, or name the project with --project-dir "
        "(see synapse-dl schema --help)\n",
    )


def test_a_project_without_a_component_provider_is_refused(tmp_path: Path, capsys):
    folder = project(tmp_path)

    assert refusal(capsys, tmp_path, "--project-dir", str(folder)) == (
        2,
        "",
        f"error: no component provider in {folder / 'provider'} (no PulumiPlugin.yaml)\n",
    )


def test_a_provider_that_does_not_start_is_reported_with_its_stderr(tmp_path: Path, capsys):
    folder = project(tmp_path)
    provider = folder / "provider"
    provider.mkdir()
    (provider / "PulumiPlugin.yaml").write_text("runtime: python\n")
    (provider / "__main__.py").write_text("import sys\nsys.exit('no module named pulumi')\n")

    assert refusal(capsys, tmp_path, "--project-dir", str(folder)) == (
        2,
        "",
        "error: the component provider closed its stdout before printing its port (exit code "
        "1); its stderr:\nno module named pulumi\n\n",
    )


def test_the_schema_goes_to_out_schema_json_unless_told(tmp_path: Path):
    # As its help says; `make schema` and the README's figures name that file.
    assert parse(["schema"]).out == Path("out/schema.json")
    assert parse(["schema", "--out", str(tmp_path / "s.json")]).out == tmp_path / "s.json"
