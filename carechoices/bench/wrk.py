"""Run wrk and read its report: latency percentiles, requests per second and errors.

Plain Python, no Django.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import asdict, dataclass, field
from typing import Any, Final

# wrk prints times with these units (src/units.c); we report milliseconds.
_TIME_UNITS_MS: Final[dict[str, float]] = {
    "us": 0.001,
    "ms": 1.0,
    "s": 1000.0,
    "m": 60_000.0,
    "h": 3_600_000.0,
}
_TIME: Final = r"([0-9.]+)(us|ms|s|m|h)"
_PERCENTILE: Final = re.compile(rf"^\s*(50|75|90|99)%\s+{_TIME}\s*$", re.MULTILINE)
_TOTAL: Final = re.compile(r"^\s*(\d+) requests in " + _TIME + ",", re.MULTILINE)
_RATE: Final = re.compile(r"^Requests/sec:\s+([0-9.]+)\s*$", re.MULTILINE)
_SOCKET_ERRORS: Final = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
)
_NON_2XX: Final = re.compile(r"Non-2xx or 3xx responses: (\d+)")


@dataclass(frozen=True)
class WrkFigures:
    """What one wrk run measured."""

    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    requests_per_s: float
    requests: int
    duration_ms: float
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """True when every response was a success and no socket failed or timed out."""
        return self.non_2xx_3xx == 0 and not any(self.socket_errors.values())

    def as_json(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        return {**asdict(self), "clean": self.clean}


def time_to_ms(number: str, unit: str) -> float:
    """Convert a wrk time such as ``("1.25", "ms")`` to milliseconds."""
    return float(number) * _TIME_UNITS_MS[unit]


def parse_wrk_output(text: str) -> WrkFigures:
    """Read the report ``wrk --latency`` prints; raise ValueError if a figure is missing."""
    percentiles = {
        match.group(1): time_to_ms(match.group(2), match.group(3))
        for match in _PERCENTILE.finditer(text)
    }
    total = _TOTAL.search(text)
    rate = _RATE.search(text)
    missing = [name for name in ("50", "75", "90", "99") if name not in percentiles]
    if missing or total is None or rate is None:
        raise ValueError(
            "wrk output lacks the latency distribution or totals (was --latency given?):\n" + text
        )
    socket_errors: dict[str, int] = {}
    if found := _SOCKET_ERRORS.search(text):
        socket_errors = dict(
            zip(("connect", "read", "write", "timeout"), map(int, found.groups()), strict=True)
        )
    if int(total.group(1)) == 0:
        # wrk then prints zeros for every percentile; they are not measurements.
        raise ValueError("wrk completed no request, so it measured nothing:\n" + text)
    non_2xx = _NON_2XX.search(text)
    return WrkFigures(
        p50_ms=percentiles["50"],
        p75_ms=percentiles["75"],
        p90_ms=percentiles["90"],
        p99_ms=percentiles["99"],
        requests_per_s=float(rate.group(1)),
        requests=int(total.group(1)),
        duration_ms=time_to_ms(total.group(2), total.group(3)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=socket_errors,
    )


# wrk leaves requests slower than its timeout (2 s by default) out of the latency figures and
# counts them as errors; a longer timeout keeps a slow server's p99 honest instead of censored.
TIMEOUT_S: Final = 10


def wrk_command(
    wrk: str, url: str, *, threads: int, connections: int, duration_s: int
) -> list[str]:
    """The wrk command line for one run with the latency distribution."""
    return [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration_s}s",
        f"--timeout={TIMEOUT_S}s",
        "--latency",
        url,
    ]


def run_wrk(
    wrk: str, url: str, *, threads: int, connections: int, duration_s: int
) -> tuple[WrkFigures, str]:
    """Load ``url`` with wrk; return the figures and wrk's own report."""
    command = wrk_command(wrk, url, threads=threads, connections=connections, duration_s=duration_s)
    completed = subprocess.run(  # noqa: S603 - our own fixed command line, no shell
        command, capture_output=True, text=True, timeout=duration_s + TIMEOUT_S + 30, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk exited with {completed.returncode}: {completed.stderr.strip()}")
    return parse_wrk_output(completed.stdout), completed.stdout
