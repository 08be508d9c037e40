"""Starting the policy pack as its own process, the way the Pulumi CLI does.

The CLI (sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer, and the
pulumi-analyzer-policy-python shim) runs `python -u -m pulumi.policy <engine-address> .` with
the pack's folder as the working directory and PULUMI_PROJECT / PULUMI_STACK / PULUMI_DRY_RUN
(and PULUMI_CONFIG) in the environment, then reads the gRPC port from the first stdout line.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, NoReturn

from synapse_dl.version import PACKAGE

# pulumi.policy parses the engine address but never dials it (pulumi/policy/__main__.py), and
# pulumi.log writes to stderr when no engine is configured, so no engine server is needed: a
# closed loopback port stands in, and the pack's stderr is kept for error reports.
PLACEHOLDER_ENGINE_ADDRESS = "127.0.0.1:1"


class PolicyPackStartError(RuntimeError):
    """The pack process exited or stayed silent before printing its port."""


class PluginProcess:
    """A plugin the engine runs (a policy pack, a provider): started with `command` in `cwd`,
    its gRPC port read from its first stdout line; stdout and stderr are kept for reports."""

    def __init__(
        self,
        command: list[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        what: str,
        start_error: type[RuntimeError],
        start_timeout_s: float = 30.0,
    ) -> None:
        self.what, self.start_error = what, start_error
        # Closed in close(); it outlives this method, so no `with`.
        started = time.perf_counter()
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.extra_stdout: list[bytes] = []
        self._drain: threading.Thread | None = None
        self.proc = subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self.port = self._read_port(start_timeout_s)
        # Seconds from launch to the port on stdout: what the engine waits for.
        self.startup_s = time.perf_counter() - started

    def _read_port(self, timeout_s: float) -> int:
        first_line: queue.Queue[bytes] = queue.Queue(maxsize=1)

        def drain_stdout() -> None:
            # First line is the port; keep draining so a chatty pack never blocks on a full pipe.
            assert self.proc.stdout is not None
            first_line.put(self.proc.stdout.readline())
            for line in self.proc.stdout:
                self.extra_stdout.append(line)

        self._drain = threading.Thread(target=drain_stdout, daemon=True)
        self._drain.start()
        try:
            line = first_line.get(timeout=timeout_s)
        except queue.Empty:
            self._fail(f"{self.what} printed no port within {timeout_s:.0f} s")
        if not line:
            try:
                how = f"exit code {self.proc.wait(timeout=5)}"
            except subprocess.TimeoutExpired:
                how = "still running 5 s later"
            self._fail(f"{self.what} closed its stdout before printing its port ({how})")
        try:
            return int(line.strip())
        except ValueError:
            self._fail(f"{self.what}'s first stdout line is {line!r}, not a port")

    def _fail(self, reason: str) -> NoReturn:
        stderr = self.stderr()
        self.close()
        raise self.start_error(f"{reason}; its stderr:\n{stderr}")

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        # The pipe reaches EOF once the process is gone; close it after the reader is done.
        if self._drain is not None:
            self._drain.join(timeout=5)
        if self.proc.stdout is not None and not (self._drain and self._drain.is_alive()):
            self.proc.stdout.close()
        self._stderr.close()


class PackProcess(PluginProcess):
    """A running policy pack, started as the CLI starts it."""

    def __init__(
        self,
        pack_dir: Path,
        *,
        python: str = sys.executable,
        project: str = PACKAGE,
        stack: str = "dev",
        dry_run: bool = True,
        stack_config: Mapping[str, Any] | None = None,
        start_timeout_s: float = 30.0,
    ) -> None:
        self.project, self.stack, self.dry_run = project, stack, dry_run
        env = dict(os.environ)
        env.update(PULUMI_PROJECT=project, PULUMI_STACK=stack, PULUMI_DRY_RUN=str(dry_run).lower())
        # The engine gives a pack the stack's config, never what this shell holds.
        env.pop("PULUMI_CONFIG", None)
        env.pop("PULUMI_CONFIG_SECRET_KEYS", None)
        if stack_config:
            env["PULUMI_CONFIG"] = json.dumps(dict(stack_config))
        super().__init__(
            [python, "-u", "-m", "pulumi.policy", PLACEHOLDER_ENGINE_ADDRESS, "."],
            cwd=pack_dir,
            env=env,
            what="policy pack",
            start_error=PolicyPackStartError,
            start_timeout_s=start_timeout_s,
        )
