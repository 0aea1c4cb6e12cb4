"""Start and stop the servers (gunicorn, nginx, wrk) and talk to them over localhost only.

Plain Python, no Django.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def local_url(port: int, path: str) -> str:
    """An http URL on 127.0.0.1; these tools never talk to any other host."""
    return f"http://127.0.0.1:{port}{path}"


def fetch(
    url: str,
    *,
    timeout: float = 10.0,
    body: bytes | None = None,
    content_type: str = "application/json",
) -> tuple[int, bytes]:
    """GET ``url`` (localhost only), or POST ``body`` to it; return the status and body."""
    status, _, content = fetch_response(url, timeout=timeout, body=body, content_type=content_type)
    return status, content


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status, headers (names lower-cased) and body."""

    status: int
    headers: dict[str, str]
    body: bytes


def request(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
) -> Answer:
    """Send one request to 127.0.0.1 and return the answer, whatever its status."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"only 127.0.0.1 is fetched, not {url}")
    prepared = urllib.request.Request(  # noqa: S310 - localhost only, checked above
        url, data=body, headers=dict(headers or {}), method=method
    )
    try:
        with urllib.request.urlopen(prepared, timeout=timeout) as response:  # noqa: S310
            return Answer(
                response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
            )
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def fetch_response(
    url: str,
    *,
    timeout: float = 10.0,
    body: bytes | None = None,
    content_type: str = "application/json",
) -> tuple[int, str, bytes]:
    """Like :func:`fetch`, with the response's Content-Type between status and body."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"only 127.0.0.1 is fetched, not {url}")
    request = urllib.request.Request(  # noqa: S310 - localhost only, checked above
        url,
        data=body,
        headers={"Content-Type": content_type} if body is not None else {},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@contextlib.contextmanager
def running(
    command: Sequence[str],
    *,
    log: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` for the duration of the ``with`` block, then stop it and its children.

    The process gets its own session, so stopping signals exactly the group we started (the
    gunicorn master and its workers, the nginx master and its workers) and nothing else.
    """
    with log.open("ab") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own fixed command line, no shell
            list(command),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], *, grace_s: float = 10.0) -> None:
    """Ask the process group to quit (SIGTERM), then kill it if it is still there."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=grace_s)
    # Workers may outlive a master that died on its own; the group still names only them.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def wait_until_serving(
    process: subprocess.Popen[bytes], url: str, *, log: Path, timeout_s: float = 60.0
) -> None:
    """Poll ``url`` until it answers 200; fail early if the process exits."""
    deadline = time.monotonic() + timeout_s
    last_problem = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{Path(str(process.args[0])).name} exited with {process.returncode}; "
                f"its log says:\n{tail(log)}"
            )
        try:
            status, _ = fetch(url, timeout=5)
        except OSError as error:
            last_problem = str(error)
        else:
            if status == 200:
                return
            last_problem = f"status {status}"
        time.sleep(0.2)
    raise RuntimeError(
        f"{url} did not answer 200 within {timeout_s:.0f} s ({last_problem}):\n{tail(log)}"
    )


def tail(path: Path, lines: int = 20) -> str:
    """The last lines of a log file, or a note that it is empty."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"
