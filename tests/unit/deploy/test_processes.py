"""Servers are stopped with their children, and nothing but localhost is ever fetched."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from deploy.processes import fetch, running, tail


def alive(pid: int) -> bool:
    """True if ``pid`` runs; a zombie (dead, waiting for a parent to reap it) does not count."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


def test_fetch_refuses_any_host_but_localhost() -> None:
    with pytest.raises(ValueError, match="127.0.0.1"):
        fetch("http://example.org/")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_running_stops_the_process_and_its_children(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    # A parent that starts a child and both sleep: like a server master and its worker.
    code = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    log = tmp_path / "server.log"

    with running([sys.executable, "-c", code], log=log) as process:
        while not pid_file.exists() or not pid_file.read_text():
            assert process.poll() is None, tail(log)
    child = int(pid_file.read_text())

    assert process.poll() is not None
    # The signal reaches the child asynchronously: give it a moment to go (not a timing check).
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not alive(child)


def test_tail_says_when_there_is_no_log(tmp_path: Path) -> None:
    assert tail(tmp_path / "missing.log") == "(no log)"
