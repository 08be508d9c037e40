"""pip's own resolver, run as the pool's pip would run: for the runtime's Python and platform,
with the runtime's packages installed.

pip cannot be told that packages are installed somewhere it does not look, so the runtime's
packages are laid out as metadata only (`<name>-<version>.dist-info/METADATA`, with their
Requires-Dist) in a folder that is the only site pip sees: it runs with `-I -S` (no
site-packages, no environment variables) from a folder that holds nothing but pip itself.
`pip install --dry-run --report` then prints what the pool would download and install.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from synapse_dl.cli.preflight.environment import RuntimeEnvironment

# Runs pip with sys.path = [the runtime's packages, pip] (argv[1], argv[2]) + the standard library.
_BOOT = (
    "import sys; sys.path[:0] = sys.argv[1:3]; del sys.argv[1:3]; "
    "from pip._internal.cli.main import main; sys.exit(main())"
)
RESOLVE_TIMEOUT_S = 600
_REQUIREMENT_LINE = re.compile(r"-r \S*requirements\.txt \(line ([0-9]+)\)")


@dataclass(frozen=True)
class Install:
    name: str
    version: str
    url: str
    # The file's sha256 when the index gives it (PyPI does, in each link); else None.
    sha256: str | None = None


@dataclass(frozen=True)
class Resolution:
    installs: list[Install]
    # pip's own message when it could not resolve; installs is empty then.
    error: str | None = None


def _write_installed(site: Path, environment: RuntimeEnvironment) -> None:
    for package in environment.packages.values():
        dist_info = site / f"{package.name.replace('-', '_')}-{package.version}.dist-info"
        dist_info.mkdir()
        lines = ["Metadata-Version: 2.1", f"Name: {package.name}", f"Version: {package.version}"]
        lines += [f"Requires-Dist: {requirement}" for requirement in package.requires or ()]
        (dist_info / "METADATA").write_text("\n".join(lines) + "\n")


def _pip_only(folder: Path) -> Path:
    """A folder with pip and nothing else, so pip sees none of this environment's packages."""
    spec = importlib.util.find_spec("pip")
    if spec is None or spec.origin is None:
        raise RuntimeError("pip is not installed in this environment; the preflight runs it")
    (folder / "pip").symlink_to(Path(spec.origin).parent, target_is_directory=True)
    return folder


def pip_arguments(
    environment: RuntimeEnvironment, requirements: Path, report: Path, index_url: str
) -> list[str]:
    platforms = [argument for tag in environment.platforms for argument in ("--platform", tag)]
    return [
        # --isolated: no pip config file or PIP_* variable of this machine changes the answer.
        "install", "--isolated", "--dry-run", "--no-input",
        "--disable-pip-version-check",
        "--report", str(report),
        "--only-binary", ":all:",
        "--python-version", environment.python_minor,
        "--implementation", "cp",
        *platforms,
        "--index-url", index_url,
        "-r", str(requirements),
    ]  # fmt: skip


def _error_lines(output: str, requirements: list[str]) -> str:
    """pip's messages from its first error on, without its advice and log noise.

    pip explains a conflict at its info level, so stdout and stderr are read together.
    """
    lines = output.splitlines()
    first = next((i for i, line in enumerate(lines) if line.startswith("ERROR:")), len(lines))
    kept = []
    for line in lines[first:]:
        if line.startswith(("WARNING:", "[notice]")) or not line.strip():
            continue
        if line.startswith(("To fix this you could try", "ERROR: ResolutionImpossible")):
            break
        line = re.sub(r"^ERROR: ", "", line).rstrip()
        # `-r /tmp/.../requirements.txt (line 2)` -> the line itself
        kept.append(_REQUIREMENT_LINE.sub(lambda m: requirements[int(m[1]) - 1], line))
    return "\n".join(kept)


def resolve(
    environment: RuntimeEnvironment,
    requirements: str,
    index_url: str,
    cache_dir: Path | None = None,
) -> Resolution:
    with tempfile.TemporaryDirectory(prefix="synapse-dl-preflight-") as temp:
        root = Path(temp)
        site, pip_home = root / "site", root / "pip"
        site.mkdir()
        pip_home.mkdir()
        _write_installed(site, environment)
        requirements_file = root / "requirements.txt"
        requirements_file.write_text(requirements)
        report = root / "report.json"
        arguments = pip_arguments(environment, requirements_file, report, index_url)
        if cache_dir is not None:
            arguments[1:1] = ["--cache-dir", str(cache_dir)]
        completed = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _BOOT, str(site), str(_pip_only(pip_home)),
             *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=RESOLVE_TIMEOUT_S,
            cwd=root,
        )  # fmt: skip
        if completed.returncode != 0:
            output = completed.stdout
            message = _error_lines(output, requirements.splitlines()) or output.strip()
            return Resolution([], message)
        document = json.loads(report.read_text())
    installs = [
        Install(
            item["metadata"]["name"],
            item["metadata"]["version"],
            item["download_info"]["url"],
            item["download_info"].get("archive_info", {}).get("hashes", {}).get("sha256"),
        )
        for item in document["install"]
    ]
    return Resolution(installs)
