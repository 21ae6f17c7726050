"""What every server starter needs: free loopback ports, the installed binary, waiting for a greeting."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest


def free_port(addr: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((addr, 0))
        return s.getsockname()[1]


def need_binary(name: str) -> str:
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if not path:
        pytest.fail(f"{name} is not installed: the tests need the real server (.ci/run installs it with apt)")
    return path


def wait_for_greeting(addr: str, port: int, proc: subprocess.Popen, log: Path, seconds: float = 15) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"server exited early ({proc.returncode}); log:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection((addr, port), timeout=1) as s:
                s.settimeout(2)
                if s.recv(100):
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"server on {addr}:{port} did not greet in {seconds}s; log:\n{log.read_text(errors='replace')[-3000:]}")


def run(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
    if done.returncode:
        pytest.fail(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")


def world_readable_tmpdir(prefix: str) -> Path:
    """Dovecot and Postfix drop privileges, so their files cannot live in pytest's 0700 tmp."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@dataclass
class MailServer:
    addr: str
    ports: dict[str, int]
    dir: Path
    log: Path
    proc: subprocess.Popen | None = None
    extra: dict = field(default_factory=dict)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""
