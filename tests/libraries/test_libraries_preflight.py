"""The library preflight: pip resolves each pool's requirements for its runtime, against a
package index served on 127.0.0.1 with wheels made in the test (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synapse_dl import cli
from synapse_dl.cli.libraries import EXIT_INSTALLABLE, EXIT_NO_INDEX, EXIT_NOT_INSTALLABLE
from synapse_dl.cli.preflight.check import preflight_pool
from synapse_dl.cli.preflight.environment import runtime_environment
from synapse_dl.config.models import SparkPoolConfig
from tests.fakes.package_index import PackageIndex, file_url, unreachable_index_url

ROOT = Path(__file__).resolve().parents[2]
LINUX_311 = "cp311-cp311-manylinux_2_17_x86_64"


def pool_35(*libraries: str, name: str = "etl") -> SparkPoolConfig:
    return SparkPoolConfig.model_validate(
        {
            "name": name,
            "nodeSizeFamily": "MemoryOptimized",
            "nodeSize": "Small",
            "sparkVersion": "3.5",
            "extraLibraries": list(libraries),
        }
    )


@pytest.fixture
def check(index: PackageIndex, tmp_path: Path):
    def run(pool: SparkPoolConfig):
        with index.serve() as url:
            return preflight_pool(pool, url, cache_dir=tmp_path / "pip-cache")

    return run


def test_a_pool_that_can_install_lists_every_download_and_its_total_size(index, check):
    lib = index.add_wheel("demo-lib", "1.0", requires=("helper>=2",), payload_bytes=3000)
    helper = index.add_wheel("helper", "2.1", payload_bytes=5000)
    index.add_wheel("helper", "1.0")

    verdict = check(pool_35("demo-lib==1.0"))

    assert verdict.ok, verdict.problems
    installs = {(i.name, i.version) for i in verdict.installs}
    assert installs == {("demo-lib", "1.0"), ("helper", "2.1")}
    assert verdict.download_bytes == lib.stat().st_size + helper.stat().st_size
    assert verdict.replacements == []


def test_what_the_runtime_already_has_is_not_downloaded(check):
    # The index has no numpy at all: the 3.5 runtime's numpy 1.26.4 satisfies the pin.
    verdict = check(pool_35("numpy==1.26.4", "pandas>=2"))

    assert verdict.ok, verdict.problems
    assert verdict.installs == []


def test_a_gpu_pool_on_3_2_has_its_deep_learning_set_preinstalled(index, tmp_path):
    gpu = SparkPoolConfig.model_validate(
        {"name": "gpu", "nodeSizeFamily": "HardwareAcceleratedGPU", "nodeSize": "Large",
         "sparkVersion": "3.2"}
    )  # fmt: skip
    with index.serve() as url:
        verdict = preflight_pool(gpu, url, cache_dir=tmp_path / "cache")

    assert "horovod==0.24.3" in verdict.requirements
    assert verdict.ok and verdict.installs == []


def test_replacing_a_preinstalled_package_names_both_versions(index, check):
    index.add_wheel("pyarrow", "10.0.1", tag=LINUX_311)

    verdict = check(pool_35("pyarrow==10.0.1"))

    assert [(r.name, r.runtime_version, r.new_version) for r in verdict.replacements] == [
        ("pyarrow", "19.0.0", "10.0.1")
    ]


def test_a_version_that_breaks_the_runtimes_own_packages_fails_naming_both(index, check):
    index.add_wheel("numpy", "1.21.0", tag=LINUX_311)

    verdict = check(pool_35("numpy==1.21.0"))

    assert not verdict.ok
    assert any(
        p.startswith("numpy 1.21.0 breaks the runtime's pandas 2.2.3, which requires numpy>=")
        for p in verdict.problems
    ), verdict.problems


def test_a_source_only_package_fails_as_one_the_pool_cannot_build(index, check):
    index.add_sdist("srconly", "1.0")

    verdict = check(pool_35("srconly==1.0"))

    assert verdict.problems == [
        "srconly==1.0: no wheel for CPython 3.11 on Linux x86_64 (glibc 2.38); the index has "
        "only source distributions (srconly-1.0.tar.gz), and the pool installs wheels, it "
        "cannot build one"
    ]


def test_wheels_for_another_python_or_platform_fail_naming_their_tags(index, check):
    index.add_wheel("nativelib", "1.0", tag="cp312-cp312-manylinux_2_17_x86_64")
    index.add_wheel("nativelib", "1.0", tag="cp311-cp311-macosx_11_0_arm64")
    # Newer than the 3.5 image's glibc 2.38.
    index.add_wheel("nativelib", "1.0", tag="cp311-cp311-manylinux_2_39_x86_64")

    verdict = check(pool_35("nativelib==1.0"))

    assert verdict.problems == [
        "nativelib==1.0: no wheel for CPython 3.11 on Linux x86_64 (glibc 2.38); its wheels "
        "are for cp311-cp311-macosx_11_0_arm64, cp311-cp311-manylinux_2_39_x86_64, "
        "cp312-cp312-manylinux_2_17_x86_64"
    ]


@pytest.mark.parametrize(
    ("spark_version", "tag", "requires_python", "why"),
    [
        # The pool's Python, not the one running the check (3.11, like the 3.5 runtime's).
        ("3.2", "cp311-cp311-manylinux_2_17_x86_64", None, "wheels"),
        ("3.2", "py311-none-any", None, "wheels"),
        ("3.2", "cp311-none-any", None, "wheels"),
        ("3.2", "cp38-none-any", ">=3.9", "python"),
        # The pool's glibc (2.38 on 3.5), not this machine's: these wheels fit the pool.
        ("3.5", "cp311-cp311-manylinux_2_37_x86_64", ">=3.12", "python"),
        ("3.5", "py3-none-manylinux_2_37_x86_64", ">=3.12", "python"),
    ],
)
def test_a_wheel_is_judged_by_the_pools_python_and_platform(
    index, check, spark_version, tag, requires_python, why
):
    wheel = index.add_wheel("nativelib", "1.0", tag=tag, requires_python=requires_python)
    pool = pool_35("nativelib==1.0").model_copy(update={"spark_version": spark_version})
    environment = runtime_environment(pool)

    verdict = check(pool)

    glibc = ".".join(map(str, environment.glibc))
    assert verdict.problems == [
        f"nativelib==1.0: no wheel for CPython {environment.python_minor} on Linux x86_64 "
        f"(glibc {glibc}); its wheels are for {tag}"
        if why == "wheels"
        else f"nativelib==1.0: {wheel.name} needs Python {requires_python}; "
        f"the pool has {environment.python}"
    ]


def test_a_wheel_for_a_newer_python_fails_naming_its_requires_python(index, check):
    index.add_wheel("modern", "1.0", requires_python=">=3.12")

    verdict = check(pool_35("modern==1.0"))

    assert verdict.problems == [
        "modern==1.0: modern-1.0-py3-none-any.whl needs Python >=3.12; the pool has 3.11.11"
    ]


def test_an_index_that_serves_pep_691_json_gets_the_same_explanation(index, tmp_path):
    index.add_wheel("modern", "1.0", requires_python=">=3.12")

    with index.serve(json_pages=True) as url:
        verdict = preflight_pool(pool_35("modern==1.0"), url, cache_dir=tmp_path / "pip-cache")

    # pip's and the explanation's requests both.
    assert index.json_served == ["/simple/modern/", "/simple/modern/"]
    assert verdict.problems == [
        "modern==1.0: modern-1.0-py3-none-any.whl needs Python >=3.12; the pool has 3.11.11"
    ]


def test_the_download_size_is_unknown_when_the_index_does_not_give_it(index, tmp_path):
    index.add_wheel("helper", "1.0", payload_bytes=3000)

    with index.serve(head_length=None) as url:
        verdict = preflight_pool(pool_35("helper==1.0"), url, cache_dir=tmp_path / "pip-cache")

    assert (verdict.ok, verdict.download_bytes) == (True, None)
    assert verdict.outcome() == "OK, downloads 1 packages, size unknown"


def test_a_package_the_index_does_not_have_fails_as_not_found(index, check):
    with index.serve() as url:
        verdict = preflight_pool(pool_35("absent==1.0"), url)

    assert verdict.problems == [f"absent==1.0: not found on the index {url}"]


def test_a_version_the_index_does_not_have_lists_the_ones_it_has(index, check):
    index.add_wheel("helper", "1.0")
    index.add_wheel("helper", "2.1")

    verdict = check(pool_35("helper>=3"))

    assert verdict.problems == ["helper>=3: no version matches (the index has 1.0, 2.1)"]


def test_a_dependency_the_index_cannot_give_names_the_package_that_needs_it(index, check):
    index.add_wheel("demo-lib", "1.0", requires=("helper>=3",))
    index.add_wheel("helper", "1.0")

    verdict = check(pool_35("demo-lib==1.0"))

    assert verdict.problems == [
        "helper>=3: no version matches (the index has 1.0) (needed by demo-lib)"
    ]


def test_the_versions_listed_are_the_newest_eight_in_version_order(index, check):
    for version in ("0.1", "0.2", "1.0", "1.2", "1.9", "1.10", "1.11", "2.0", "2.9", "2.10"):
        index.add_wheel("helper", version)

    verdict = check(pool_35("helper>=3"))

    assert verdict.problems == [
        "helper>=3: no version matches (the index has 1.0, 1.2, 1.9, 1.10, 1.11, 2.0, 2.9, 2.10)"
    ]


def test_a_project_page_without_files_lists_no_version(index, check):
    index.add_empty_project("ghost")

    verdict = check(pool_35("ghost>=1"))

    assert verdict.problems == ["ghost>=1: no version matches (the index has none)"]


def test_a_pre_release_is_a_match_since_pip_takes_one_when_no_release_matches(index, check):
    # PEP 440, as pip applies it: with no final release satisfying the requirement, a
    # pre-release that does is a candidate; here its only wheel is for another platform.
    index.add_wheel("helper", "1.0")
    index.add_wheel("helper", "3.0rc1", tag="cp311-cp311-macosx_11_0_arm64")

    verdict = check(pool_35("helper>=2"))

    assert verdict.problems == [
        "helper>=2: no wheel for CPython 3.11 on Linux x86_64 (glibc 2.38); its wheels are for "
        "cp311-cp311-macosx_11_0_arm64"
    ]


# In the order the message sorts them.
OTHER_PLATFORMS = (
    "cp310-cp310-manylinux_2_17_x86_64",
    "cp311-cp311-macosx_11_0_arm64",
    "cp311-cp311-manylinux_2_39_x86_64",
    "cp311-cp311-musllinux_1_1_x86_64",
    "cp311-cp311-win_amd64",
    "cp312-cp312-manylinux_2_17_x86_64",
    "cp39-cp39-manylinux_2_17_x86_64",
)


@pytest.mark.parametrize(("wheels", "more"), [(6, ""), (7, ", ...")])
def test_the_wheels_tags_are_named_six_at_most(index, check, wheels, more):
    for tag in OTHER_PLATFORMS[:wheels]:
        index.add_wheel("nativelib", "1.0", tag=tag)

    verdict = check(pool_35("nativelib==1.0"))

    assert verdict.problems == [
        "nativelib==1.0: no wheel for CPython 3.11 on Linux x86_64 (glibc 2.38); its wheels "
        "are for " + ", ".join(OTHER_PLATFORMS[:6]) + more
    ]


def test_a_yanked_wheel_that_fits_the_pool_is_not_given_a_python_reason(index, check):
    # pip takes a yanked file only for a requirement pinned with == (PEP 592). The wheel
    # fits the pool, its Requires-Python included: nothing more specific can be said.
    index.add_wheel("helper", "1.0", requires_python=">=3.8", yanked=True)

    verdict = check(pool_35("helper>=1"))

    assert verdict.problems == ["helper>=1: pip found no distribution to install"]


def test_requirements_that_conflict_with_each_other_fail_with_pips_explanation(index, check):
    index.add_wheel("demo-lib", "1.0", requires=("helper>=2",))
    index.add_wheel("helper", "1.0")
    index.add_wheel("helper", "2.1")

    verdict = check(pool_35("demo-lib==1.0", "helper<2"))

    (problem,) = verdict.problems
    assert problem.startswith(
        "Cannot install demo-lib==1.0 and helper<2 because these package versions have "
        "conflicting dependencies."
    ), problem
    assert "demo-lib 1.0 depends on helper>=2" in problem


def test_the_resolver_sees_the_runtime_packages_and_nothing_of_this_environment(check):
    # trustme is installed where the tests run, not on the 3.5 runtime: pip must look it up,
    # and fails because the test index does not have it.
    assert "trustme" not in runtime_environment(pool_35()).packages
    verdict = check(pool_35("trustme"))

    assert verdict.problems and verdict.problems[0].startswith("trustme: not found on the index")


# --- the command ---


def _stack_with(write_stack, dev_config, *libraries: str) -> Path:
    dev_config["sparkPools"] = [pool_35(*libraries).model_dump(by_alias=True, exclude_none=True)]
    dev_config["jobs"] = []
    return write_stack(dev_config)


def test_the_command_exits_0_when_every_pool_can_install(
    index, write_stack, dev_config, tmp_path, capsys
):
    index.add_wheel("helper", "2.1")
    stack = _stack_with(write_stack, dev_config, "helper==2.1")
    report = tmp_path / "out" / "libraries.json"

    with index.serve() as url:
        status = cli.main(
            ["libraries", "--stack-file", str(stack), "--index-url", url, "--json", str(report),
             "--project-dir", str(ROOT)]
        )  # fmt: skip

    assert status == EXIT_INSTALLABLE
    out = capsys.readouterr().out
    assert "pool etl (Spark 3.5, Python 3.11.11): OK, downloads 1 packages" in out
    assert "    helper 2.1\n" in out
    assert out.startswith(f"libraries of stack test, resolved against {url}\n")
    document = json.loads(report.read_text())
    assert (document["stack"], document["indexUrl"], document["exitStatus"]) == ("test", url, 0)
    assert document["pools"][0]["downloads"][0]["name"] == "helper"


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_json_report_gives_each_pool_in_full(index, write_stack, dev_config, tmp_path, capsys):
    helper = index.add_wheel("helper", "2.1")
    arrow = index.add_wheel("pyarrow", "19.0.1", tag=LINUX_311)
    dev_config["sparkPools"] = [
        pool_35("helper==2.1", "pyarrow==19.0.1").model_dump(by_alias=True, exclude_none=True),
        pool_35("absent==1.0", name="broken").model_dump(by_alias=True, exclude_none=True),
    ]
    dev_config["jobs"] = []
    report = tmp_path / "libraries.json"

    with index.serve() as url:
        status = cli.main(
            ["libraries", "--stack-file", str(write_stack(dev_config)), "--index-url", url,
             "--json", str(report)]
        )  # fmt: skip

    assert status == EXIT_NOT_INSTALLABLE
    assert capsys.readouterr().out.splitlines()[1:] == [
        "pool etl (Spark 3.5, Python 3.11.11): OK, downloads 2 packages, 0.0 MiB",
        "    helper 2.1",
        "    pyarrow 19.0.1, replacing the runtime's 19.0.0",
        "pool broken (Spark 3.5, Python 3.11.11): CANNOT INSTALL",
        f"    absent==1.0: not found on the index {url}",
    ]
    document = json.loads(report.read_text())
    document["pools"][0]["downloads"].sort(key=lambda d: d["name"])
    assert document == {
        "stack": "test",
        "indexUrl": url,
        "pools": [
            {
                "pool": "etl",
                "sparkVersion": "3.5",
                "python": "3.11.11",
                "ok": True,
                "downloads": [
                    {
                        "name": "helper",
                        "version": "2.1",
                        "url": file_url(url, helper),
                        "sha256": _sha256(helper),
                    },
                    {
                        "name": "pyarrow",
                        "version": "19.0.1",
                        "url": file_url(url, arrow),
                        "sha256": _sha256(arrow),
                    },
                ],
                "downloadBytes": helper.stat().st_size + arrow.stat().st_size,
                "replaces": [{"name": "pyarrow", "runtimeVersion": "19.0.0", "version": "19.0.1"}],
                "problems": [],
                "locked": False,
            },
            {
                "pool": "broken",
                "sparkVersion": "3.5",
                "python": "3.11.11",
                "ok": False,
                "downloads": [],
                "downloadBytes": 0,
                "replaces": [],
                "problems": [f"absent==1.0: not found on the index {url}"],
                "locked": False,
            },
        ],
        "exitStatus": EXIT_NOT_INSTALLABLE,
    }


def test_the_command_exits_1_when_a_pool_cannot_install(index, write_stack, dev_config, capsys):
    stack = _stack_with(write_stack, dev_config, "absent==1.0")

    with index.serve() as url:
        status = cli.main(["libraries", "--stack-file", str(stack), "--index-url", url])

    assert status == EXIT_NOT_INSTALLABLE
    out = capsys.readouterr().out
    assert (
        "pool etl (Spark 3.5, Python 3.11.11): CANNOT INSTALL\n"
        f"    absent==1.0: not found on the index {url}"
    ) in out


def test_a_private_index_gets_its_credentials_and_they_are_never_printed(
    index, write_stack, dev_config, tmp_path, capsys
):
    index.add_wheel("helper", "2.1", payload_bytes=3 * 2**20)
    stack = _stack_with(write_stack, dev_config, "helper==2.1", "absent==1.0")
    report = tmp_path / "libraries.json"

    with index.serve(credentials=("build", "s3cret-token")) as url:
        port = url.rsplit(":", 1)[1].split("/")[0]
        status = cli.main(
            ["libraries", "--stack-file", str(stack), "--index-url", url, "--json", str(report)]
        )
        stack = _stack_with(write_stack, dev_config, "helper==2.1")
        status_ok = cli.main(["libraries", "--stack-file", str(stack), "--index-url", url])

    captured = capsys.readouterr()
    assert (status, status_ok) == (EXIT_NOT_INSTALLABLE, EXIT_INSTALLABLE)
    shown = f"http://****@127.0.0.1:{port}/simple"
    assert f"resolved against {shown}" in captured.out
    assert f"absent==1.0: not found on the index {shown}" in captured.out
    # the size comes from HEAD requests that need the credentials too
    assert "OK, downloads 1 packages, 3.0 MiB" in captured.out
    for text in (captured.out, captured.err, report.read_text()):
        assert "s3cret-token" not in text


def test_no_reachable_index_is_exit_2_and_never_a_pass(write_stack, dev_config, tmp_path, capsys):
    stack = _stack_with(write_stack, dev_config, "helper==2.1")
    url = unreachable_index_url()
    report = tmp_path / "libraries.json"

    status = cli.main(
        ["libraries", "--stack-file", str(stack), "--index-url", url, "--json", str(report)]
    )

    assert status == EXIT_NO_INDEX
    err = capsys.readouterr().err
    assert err.startswith(f"error: no package index answers ({url}: ")
    assert err.endswith(
        "; the libraries were not checked. Give a reachable one with --index-url or PIP_INDEX_URL\n"
    )
    # The report says which stack failed and why, as the error line does.
    assert json.loads(report.read_text()) == {
        "stack": "test",
        "error": err.removeprefix("error: ").rstrip("\n"),
        "exitStatus": EXIT_NO_INDEX,
    }


def test_a_stack_that_does_not_exist_is_a_usage_error_naming_its_file(tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: synapse-dl\nruntime: python\n")
    report = tmp_path / "libraries.json"

    with pytest.raises(SystemExit) as exit_:
        cli.main(
            ["libraries", "--stack", "nope", "--project-dir", str(tmp_path), "--json", str(report)]
        )

    assert exit_.value.code == 2
    message = f"argument --stack: 'nope': no Pulumi.nope.yaml in {tmp_path} (its stacks: none)"
    assert capsys.readouterr().err == (
        f"synapse-dl libraries: error: {message} (see synapse-dl libraries --help)\n"
    )
    assert json.loads(report.read_text()) == {"stack": "nope", "error": message, "exitStatus": 2}


def test_outside_a_project_is_a_usage_error_saying_where_it_looked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "libraries.json"

    with pytest.raises(SystemExit) as exit_:
        cli.main(["libraries", "--stack", "dev", "--json", str(report)])

    assert exit_.value.code == 2
    err = capsys.readouterr().err
    prefix = "synapse-dl libraries: error: "
    assert err.startswith(f"{prefix}no Pulumi.yaml in {tmp_path.resolve()} or any folder above")
    message = err.removeprefix(prefix).removesuffix(" (see synapse-dl libraries --help)\n")
    assert json.loads(report.read_text())["error"] == message


def test_invalid_stack_config_is_exit_1_naming_the_field(write_stack, dev_config, capsys):
    dev_config["sparkPools"][0]["extraLibraries"] = ["numpy==="]
    stack = write_stack(dev_config)

    status = cli.main(
        ["libraries", "--stack-file", str(stack), "--index-url", "http://127.0.0.1:9/x"]
    )

    assert status == EXIT_NOT_INSTALLABLE
    assert "sparkPools[0].extraLibraries[0] = 'numpy==='" in capsys.readouterr().err
