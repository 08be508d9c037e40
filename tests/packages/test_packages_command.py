"""`synapse-dl packages`: the wheels of each pool whose workspace blocks PyPI, resolved by pip
against a package index served on 127.0.0.1 and locked with their sha256 and size."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from synapse_dl import cli
from synapse_dl.cli import packages as command
from synapse_dl.cli.packages import EXIT_LOCKED, EXIT_NO_INDEX, EXIT_NOT_LOCKED, _locked
from synapse_dl.cli.preflight.resolver import Install
from synapse_dl.package_lock import LockedPackage
from tests.fakes.package_index import file_url, unreachable_index_url


@pytest.fixture
def protected_stack(dev_config, write_stack, tmp_path):
    """A project whose one pool (Spark 3.5) needs `helper`, in a workspace that blocks PyPI."""

    def make(*libraries: str) -> tuple[Path, Path]:
        dev_config["workspace"]["network"].update(
            managedVirtualNetwork=True, preventDataExfiltration=True
        )
        dev_config["sparkPools"] = [dev_config["sparkPools"][1]]
        dev_config["sparkPools"][0]["extraLibraries"] = list(libraries)
        dev_config["jobs"] = []
        stack = write_stack(dev_config, name="locked")
        (tmp_path / "Pulumi.yaml").write_text("name: synapse-dl\nruntime: python\n")
        return stack, tmp_path

    return make


def lock(project: Path) -> dict:
    return json.loads((project / "workspace_packages" / "locked.lock.json").read_text())


def test_each_wheel_the_pool_needs_is_locked_with_its_hash_and_size(index, protected_stack, capsys):
    helper = index.add_wheel("helper", "2.1", requires=("extra>=1",))
    extra = index.add_wheel("extra", "1.5")
    stack, project = protected_stack("helper==2.1")

    # A private index: its links give no hash, and every request needs its credentials.
    with index.serve(credentials=("ci", "s3cret")) as url:
        status = cli.main(
            ["packages", "--stack", "locked", "--index-url", url, "--project-dir", str(project)]
        )

    out, err = capsys.readouterr()
    assert status == EXIT_LOCKED, out + err
    shown = url.replace("ci:s3cret@", "****@")
    assert out.startswith(f"workspace packages of stack locked, from {shown}\n")
    path = project / "workspace_packages" / "locked.lock.json"
    assert out.endswith(f"\nwrote {path}\n")
    assert lock(project)["stack"] == "locked"
    assert "s3cret" not in path.read_text() + out + err
    pool = lock(project)["pools"]["dataprep"]
    assert (pool["sparkVersion"], pool["requirements"]) == ("3.5", "helper==2.1\n")
    assert [(p["filename"], p["sha256"], p["size"]) for p in pool["packages"]] == [
        (wheel.name, hashlib.sha256(wheel.read_bytes()).hexdigest(), wheel.stat().st_size)
        for wheel in (helper, extra)
    ]
    assert pool["packages"][0]["url"].endswith(f"/files/{helper.name}")


def test_a_pool_that_cannot_install_locks_nothing(index, protected_stack, capsys):
    stack, project = protected_stack("absent==1.0")

    with index.serve() as url:
        status = cli.main(
            ["packages", "--stack", "locked", "--index-url", url, "--project-dir", str(project)]
        )

    assert status == EXIT_NOT_LOCKED
    out, err = capsys.readouterr()
    assert "absent==1.0: not found on the index" in out
    assert err == "error: pool dataprep cannot install its libraries; nothing was locked\n"
    assert not (project / "workspace_packages").exists()


def test_no_index_is_exit_2_and_locks_nothing(protected_stack, capsys):
    stack, project = protected_stack("helper==2.1")

    status = cli.main(
        ["packages", "--stack", "locked", "--index-url", unreachable_index_url(),
         "--project-dir", str(project)]
    )  # fmt: skip

    assert status == EXIT_NO_INDEX
    assert "no package index answers" in capsys.readouterr().err
    assert not (project / "workspace_packages").exists()


def test_a_workspace_that_reaches_pypi_needs_no_lock(dev_config, write_stack, tmp_path, capsys):
    stack = write_stack(dev_config, name="open")

    status = cli.main(["packages", "--stack-file", str(stack), "--index-url", "http://x/simple"])

    assert status == EXIT_LOCKED
    assert capsys.readouterr().out == (
        "stack open: no pool needs workspace packages "
        "(its workspace reaches PyPI, or no pool has libraries)\n"
    )


def _install(url: str, sha256: str | None = None) -> Install:
    return Install("helper", "2.1", url, sha256)


def test_a_wheel_the_index_gives_no_hash_for_is_downloaded_and_hashed(index):
    wheel = index.add_wheel("helper", "2.1")

    # A private index: the download carries its credentials, as pip's requests did.
    with index.serve(credentials=("ci", "s3cret")) as url:
        locked = _locked(_install(file_url(url, wheel)), url)

    assert locked == LockedPackage(
        wheel.name,
        file_url(url, wheel),
        hashlib.sha256(wheel.read_bytes()).hexdigest(),
        wheel.stat().st_size,
    )


def test_the_index_hash_and_size_need_no_download(index):
    wheel = index.add_wheel("helper", "2.1")

    with index.serve(credentials=("ci", "s3cret")) as url:
        # A hash that is not the file's: taken from the index as it is, so nothing was read.
        locked = _locked(_install(file_url(url, wheel), sha256="ab" * 32), url)

    assert (locked.sha256, locked.size) == ("ab" * 32, wheel.stat().st_size)


def test_a_wheel_whose_bytes_are_not_the_index_hash_is_refused(index, monkeypatch):
    wheel = index.add_wheel("helper", "2.1")
    # An index that does not say a file's size: the wheel is downloaded to learn it.
    monkeypatch.setattr(command, "download_size", lambda *_: None)

    with index.serve() as url, pytest.raises(ValueError) as raised:
        _locked(_install(file_url(url, wheel), sha256="ab" * 32), url)

    real = hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert str(raised.value) == (
        f"{file_url(url, wheel)} has sha256 {real}, the index says {'ab' * 32}"
    )


def test_a_source_distribution_is_never_locked():
    with pytest.raises(ValueError) as raised:
        _locked(_install("https://files.example/helper-2.1.tar.gz"), "https://files.example")

    assert str(raised.value) == "https://files.example/helper-2.1.tar.gz is not a wheel"


def test_a_wheel_that_cannot_be_read_locks_nothing_and_says_which_pool(
    index, protected_stack, monkeypatch, capsys
):
    index.add_wheel("helper", "2.1")
    stack, project = protected_stack("helper==2.1")
    monkeypatch.setattr(command, "download_size", lambda *_: None)

    def reset(*_):
        raise OSError("connection reset by peer")

    monkeypatch.setattr(command, "file_digest", reset)
    with index.serve() as url:
        status = cli.main(
            ["packages", "--stack", "locked", "--index-url", url, "--project-dir", str(project)]
        )

    assert status == EXIT_NOT_LOCKED
    assert capsys.readouterr().err == (
        "error: pool dataprep: connection reset by peer; nothing was locked\n"
    )
    assert not (project / "workspace_packages").exists()


def test_a_stack_that_does_not_exist_is_a_usage_error_naming_its_file(protected_stack, capsys):
    _, project = protected_stack("helper==2.1")

    with pytest.raises(SystemExit) as exit_:
        cli.main(["packages", "--stack", "nope", "--project-dir", str(project)])

    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("synapse-dl packages: error: argument --stack: 'nope': no ")
    assert "Pulumi.nope.yaml" in err and err.count("\n") == 1


# --- `synapse-dl libraries` judges what the deploy uploads: the locked wheels ------------------


def _libraries(project: Path, index_url: str) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(
            ["libraries", "--stack", "locked", "--index-url", index_url, "--project-dir",
             str(project)]
        )  # fmt: skip
    return status, out.getvalue(), err.getvalue()


def _write_lock(project: Path, requirements: str, *wheels: tuple[str, int]) -> None:
    packages = [
        {"filename": name, "url": f"https://files.example/{name}", "sha256": "ab" * 32,
         "size": size}
        for name, size in wheels
    ]  # fmt: skip
    document = {
        "stack": "locked",
        "pools": {"dataprep": {"sparkVersion": "3.5", "requirements": requirements,
                               "packages": packages}},
    }  # fmt: skip
    (project / "workspace_packages").mkdir(exist_ok=True)
    (project / "workspace_packages" / "locked.lock.json").write_text(json.dumps(document))


def test_libraries_judges_the_locked_wheels_not_a_fresh_resolution(protected_stack):
    # The index does not answer, and need not: the pool installs what its lock holds.
    _, project = protected_stack("helper==2.1")
    _write_lock(project, "helper==2.1\n", ("helper-2.1-py3-none-any.whl", 2**20))

    status, out, err = _libraries(project, unreachable_index_url())

    assert status == 0, out + err
    assert "pool dataprep (Spark 3.5, Python 3.11.11): OK, uploads 1 locked wheels, 1.0 MiB" in out
    assert "    helper 2.1" in out


def test_a_locked_wheel_for_another_python_cannot_install(protected_stack):
    _, project = protected_stack("helper==2.1")
    _write_lock(project, "helper==2.1\n", ("helper-2.1-cp310-cp310-manylinux2014_x86_64.whl", 9))

    status, out, _ = _libraries(project, unreachable_index_url())

    assert status == 1
    assert "pool dataprep (Spark 3.5, Python 3.11.11): CANNOT INSTALL" in out
    assert (
        "helper-2.1-cp310-cp310-manylinux2014_x86_64.whl: a wheel for "
        "cp310-cp310-manylinux2014_x86_64, not for the pool's CPython 3.11 on Linux x86_64"
    ) in out


def test_a_locked_wheel_that_breaks_the_runtime_cannot_install(protected_stack):
    # numpy 1.0 under the 3.5 runtime's own packages, which need a newer numpy.
    _, project = protected_stack("numpy==1.0")
    _write_lock(project, "numpy==1.0\n", ("numpy-1.0-py3-none-any.whl", 9))

    status, out, _ = _libraries(project, unreachable_index_url())

    assert status == 1
    assert "numpy 1.0 breaks the runtime's " in out


def test_a_stale_lock_is_named_with_what_to_run(protected_stack):
    _, project = protected_stack("helper==2.2")
    _write_lock(project, "helper==2.1\n", ("helper-2.1-py3-none-any.whl", 9))

    status, _, err = _libraries(project, unreachable_index_url())

    assert status == 1
    assert (
        "was made for other libraries or another runtime: run `make packages STACK=locked`" in err
    )
