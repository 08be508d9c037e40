"""Writes synapse_dl/facts/runtime_environments/*.json from the runtimes' published
environments.

    python tools/runtime_environments.py SHARED_SPECS_DIR

Maintainers run this when a runtime's environment file changes; the JSON it writes is committed,
so neither the package nor its tests need the environment files. For each Python package in a
runtime's conda environment file (its `pip:` section wins over the conda list), the JSON records
the version and the package's `Requires-Dist`, read from the index's PEP 658 metadata of a wheel
of that version or, where the index has none, from the wheel's METADATA by HTTP range
requests, so the library preflight can tell when a pool's requirements break what the
runtime's own packages need. A package the index does not have keeps its version and no
requirements (conda-only packages; conda metapackages).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from packaging.utils import canonicalize_name, parse_wheel_filename

INDEX = "https://pypi.org/simple"
OUT = (
    Path(__file__).resolve().parent.parent
    / "components"
    / "synapse_dl"
    / "facts"
    / "runtime_environments"
)

# file name -> (the environment file under the shared specs, where it comes from, Python x.y)
ENVIRONMENTS = {
    "spark-3.5.json": (
        "synapse-spark-runtime/Synapse/spark3.5/Synapse-Python311-CPU.yml",
        "microsoft/synapse-spark-runtime Synapse/spark3.5/Synapse-Python311-CPU.yml @ bdfdb55d",
        "3.11",
    ),
    "spark-3.4.json": (
        "synapse-spark-runtime/Synapse/spark3.4/Synapse-Python310-CPU.yml",
        "microsoft/synapse-spark-runtime Synapse/spark3.4/Synapse-Python310-CPU.yml @ c1a72f5b",
        "3.10",
    ),
    # Spark 3.1 and 3.2 shared the Python 3.8 environment the 3.2 runtime page links to; the
    # GPU pool's deep-learning set (synapse_dl/facts/runtimes.py) is laid over it at preflight.
    "spark-3.1-3.2.json": (
        "azure-samples-synapse/Spark/Python/Synapse-Python38-CPU.yml",
        "Azure-Samples/Synapse Spark/Python/Synapse-Python38-CPU.yml @ fd385b94",
        "3.8",
    ),
}

# Conda names whose PyPI distribution is called otherwise.
CONDA_TO_PYPI = {
    "pytorch": "torch",
    "torchtriton": "triton",
    "msgpack-python": "msgpack",
    "brotli-python": "brotli",
    "docker-py": "docker",
    "python-tzdata": "tzdata",
    "python-fastjsonschema": "fastjsonschema",
    "python-flatbuffers": "flatbuffers",
    "python-lmdb": "lmdb",
    "python-xxhash": "xxhash",
    "python-libarchive-c": "libarchive-c",
}
# Conda split packages whose files belong to a distribution listed under its own name.
CONDA_PARTS = {"matplotlib-base", "numpy-base", "py-xgboost", "tensorflow-base", "pyqt"}


def environment_packages(path: Path) -> dict[str, str]:
    """PyPI name -> version of every Python package the environment file installs."""
    document = yaml.safe_load(path.read_text())
    packages: dict[str, str] = {}
    pip_pins: list[str] = []
    for entry in document["dependencies"]:
        if isinstance(entry, dict):
            pip_pins += entry.get("pip", [])
            continue
        name, version, build = (entry.split("=") + ["", ""])[:3]
        # Python packages' conda builds start with `py` (py311h..., pyhd..., py_0, py3.11_cuda...).
        if not build.startswith("py") or name in CONDA_PARTS:
            continue
        packages[canonicalize_name(CONDA_TO_PYPI.get(name, name))] = version
    for pin in pip_pins:
        name, _, version = pin.partition("==")
        if version:
            packages[canonicalize_name(name)] = version.strip()
    return packages


def _open(request: urllib.request.Request) -> bytes:
    """The response body; a failed connection is tried again (a run makes ~2,000 requests)."""
    for attempt in range(4):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.read()
        except urllib.error.HTTPError:
            raise
        except (urllib.error.URLError, TimeoutError):
            if attempt == 3:
                raise
            time.sleep(2**attempt)
    raise AssertionError("unreachable")


def _get(url: str, accept: str | None = None) -> bytes | None:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        return _open(request)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def _wheel_rank(filename: str, python: str) -> int:
    """Lower is better: a wheel for the runtime's CPython on Linux x86_64, then any."""
    _, _, _, tags = parse_wheel_filename(filename)
    cp = "cp" + python.replace(".", "")
    for tag in tags:
        linux = tag.platform == "any" or "x86_64" in tag.platform
        if linux and tag.interpreter in (cp, "py3", "py2.py3", "py" + cp[2:]):
            return 0
        if linux and tag.abi == "abi3":
            return 1
    return 2


class _RangeReader(io.RawIOBase):
    """A remote file read by HTTP range requests, for zipfile (as pip's lazy wheel does)."""

    def __init__(self, url: str, size: int) -> None:
        self.url, self.size, self.position = url, size, 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = base + offset
        return self.position

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        end = min(self.position + len(buffer), self.size) - 1
        if end < self.position:
            return 0
        byte_range = f"bytes={self.position}-{end}"
        request = urllib.request.Request(self.url, headers={"Range": byte_range})
        data = _open(request)
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


def _wheel_metadata(url: str, size: int) -> bytes:
    with zipfile.ZipFile(io.BufferedReader(_RangeReader(url, size), 256 * 1024)) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        return wheel.read(name)


def requires_dist(name: str, version: str, python: str) -> list[str] | None:
    page = _get(f"{INDEX}/{name}/", accept="application/vnd.pypi.simple.v1+json")
    if page is None:
        return None
    wheels = []
    for file in json.loads(page)["files"]:
        if not file["filename"].endswith(".whl"):
            continue
        try:
            if str(parse_wheel_filename(file["filename"])[1]) == version:
                wheels.append(file)
        except ValueError:
            continue
    if not wheels:
        return None
    best = min(wheels, key=lambda f: _wheel_rank(f["filename"], python))
    metadata = _get(best["url"] + ".metadata")
    if metadata is None:
        metadata = _wheel_metadata(best["url"], best["size"])
    text = metadata.decode("utf-8", "replace")
    return [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.startswith("Requires-Dist:")
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", type=Path, help="the shared specs folder (shared/specs)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for filename, (relative, source, python) in ENVIRONMENTS.items():
        packages = environment_packages(args.specs / relative)
        with ThreadPoolExecutor(16) as pool:
            requirements = pool.map(
                requires_dist, packages, packages.values(), [python] * len(packages)
            )
            entries = {
                name: {"version": version, "requires_dist": requires}
                for (name, version), requires in zip(packages.items(), requirements, strict=True)
            }
        document = {"source": source, "python": python, "packages": dict(sorted(entries.items()))}
        (OUT / filename).write_text(json.dumps(document, indent=1) + "\n")
        known = sum(1 for e in entries.values() if e["requires_dist"] is not None)
        print(f"{filename}: {len(entries)} packages, {known} with metadata", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
