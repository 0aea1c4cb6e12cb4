"""``make soak``: 60 s × 50 connections through `make serve`'s stack, then the same with a fault.

One wrk per URL class (pages, search, screen, plan, read API), all at once, with a Lua script
counting every answer by phase, status and ``X-Cache-Status``. The clean run reports errors
(goal: 0); the fault run makes the database unavailable for 20 s from the 20th second and
reports what was served before, during and after. On PostgreSQL the database refuses connections
and its sessions are ended: an outage. On SQLite another process holds an exclusive lock, which
in WAL mode keeps out writers only (readers never wait, by design), and every soaked request
reads: that run shows reads carrying on under a stuck writer, not an outage. The outage itself
on SQLite is in the tests (``tests/integration/test_database_outage.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from bench.common import close_connections, prepare, redact_url
from bench.pages import ldn_paths
from bench.screening import request_body
from bench.web import binaries, lua_string, parse_wrk_output, stack, wrk_command
from deploy.processes import request

TIMEOUT_S: Final = 30  # longer than the SQLite busy timeout: a slow answer is counted, not cut
COUNTS_MARK: Final = "SOAK-COUNTS "
PHASES: Final = ("before", "during", "after")
# Sends the calls in turn; counts answers by phase (from the fault window in the script's
# arguments; "run" without one), status and cache status; done() prints every thread's counts.
_LUA: Final = """local threads, next_call, fault_start, fault_end = {}, 0, 0, 0
counts = {}
function setup(thread) table.insert(threads, thread) end
function init(args) fault_start, fault_end = tonumber(args[1]) or 0, tonumber(args[2]) or 0 end
function request()
  next_call = next_call % #calls + 1
  local call = calls[next_call]
  return wrk.format(call.method, call.path, call.headers, call.body ~= "" and call.body or nil)
end
function response(status, headers, body)
  local phase, now = "run", os.time()
  if fault_start > 0 then
    phase = (now < fault_start and "before") or (now < fault_end and "during") or "after"
  end
  local key = phase .. " " .. status .. " " .. (headers["X-Cache-Status"] or "-")
  counts[key] = (counts[key] or 0) + 1
end
function done(summary, latency, requests)
  local all, items = {}, {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("counts")) do all[key] = (all[key] or 0) + count end
  end
  for key, count in pairs(all) do table.insert(items, string.format("%q: %d", key, count)) end
  io.write("SOAK-COUNTS {" .. table.concat(items, ", ") .. "}\\n")
end
"""


@dataclass(frozen=True)
class Call:
    """One request a URL class sends, in turn with its others."""

    method: str
    path: str
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


def lua_script(calls: Sequence[Call]) -> str:
    """The wrk script sending ``calls`` in turn and counting the answers."""
    def lua(text: str) -> str:
        return lua_string(text.encode())

    entries = [f"  {{method = {lua(c.method)}, path = {lua(c.path)}, body = {lua_string(c.body)}"
               f", headers = {{{', '.join(f'[{lua(k)}] = {lua(v)}' for k, v in c.headers.items())}}}}},"
               for c in calls]
    return "local calls = {\n" + "\n".join(entries) + "\n}\n" + _LUA


@dataclass
class ClassResult:
    """What one URL class was answered: counts by (phase, status, cache status), socket errors."""

    name: str
    counts: dict[tuple[str, int, str], int]
    socket_errors: dict[str, int]
    requests_per_s: float = 0.0

    def statuses(self, phase: str | None = None) -> dict[int, int]:
        totals: Counter[int] = Counter()
        for (counted, status, _), count in self.counts.items():
            if phase in (None, counted):
                totals[status] += count
        return dict(sorted(totals.items()))

    @property
    def errors(self) -> int:
        """Answers that are not 2xx or 3xx, plus connections that failed or timed out."""
        failed = sum(count for status, count in self.statuses().items() if status >= 400)
        return failed + sum(self.socket_errors.values())


def class_result(name: str, output: str) -> ClassResult:
    """One URL class's wrk output, with the counts line the Lua ``done`` printed."""
    line = next((line for line in output.splitlines() if line.startswith(COUNTS_MARK)), None)
    if line is None:
        raise ValueError("wrk printed no counts line: did the Lua script run?")
    counts = {}
    for key, count in json.loads(line.removeprefix(COUNTS_MARK)).items():
        phase, status, cache = key.split(" ")
        counts[(phase, int(status), cache)] = int(count)
    run = parse_wrk_output(output)
    return ClassResult(name, counts, dict(run.socket_errors), run.requests_per_s)


def report(results: Sequence[ClassResult], *, fault: bool) -> str:
    """The table a person reads: per URL class (and phase, in a fault run), status counts."""
    lines = []
    for result in results:
        for phase in PHASES if fault else ("run",):
            shown = ", ".join(f"{status}: {n:,}" for status, n in result.statuses(phase).items())
            caches: Counter[str] = Counter()
            for (counted, _, cache), count in result.counts.items():
                if counted == phase and cache != "-":
                    caches[cache] += count
            edge = ", ".join(f"{cache} {count:,}" for cache, count in sorted(caches.items()))
            lines.append(f"{result.name:<10} {phase:<7} {shown or 'no answers'}"
                         + (f"   [edge: {edge}]" if edge else ""))
        sockets = ", ".join(f"{kind} {n}" for kind, n in result.socket_errors.items() if n)
        lines.append(f"{result.name:<10} total   {result.requests_per_s:,.0f} req/s, errors "
                     f"{result.errors:,}" + (f" (sockets: {sockets})" if sockets else ""))
    total = sum(result.errors for result in results)
    return "\n".join([*lines, f"errors in all: {total:,}" + ("" if fault else " (goal 0)")])


def url_classes(base_url: str, review_paths: Sequence[str]) -> dict[str, tuple[int, list[Call]]]:
    """The URL classes to load, name → (connections, calls), each call checked to answer 2xx."""
    pages = [Call("GET", path) for path in [*review_paths, "/glossary/", "/therapies/", "/"]]
    page = request(base_url + "/screen/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    form = urllib.parse.urlencode({"medicines": "tramadol\nsertraline\nibuprofin",
                                   "csrfmiddlewaretoken": token[1].decode()}).encode()
    form_headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": base_url,
                    "Cookie": page.headers["set-cookie"].split(";")[0],
                    "Referer": base_url + "/screen/"}
    json_headers = {"Content-Type": "application/json"}
    start = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    plan = json.dumps({"therapy": "low-dose-naltrexone", "start_date": start,
                       "time_zone": "Europe/London"}).encode()
    classes = {
        "pages": (15, pages), "search": (5, [Call("GET", "/search/?q=vitamin")]),
        "screen": (10, [Call("POST", "/api/v1/screen", request_body(), json_headers),
                        Call("POST", "/screen/", form, form_headers)]),
        "plan": (10, [Call("POST", "/api/v1/plan", plan, json_headers)]),
        "read-api": (10, [Call("GET", "/api/v1/therapies/low-dose-naltrexone"),
                          Call("GET", "/api/v1/therapies")])}
    for call in (call for _, calls in classes.values() for call in calls):
        answer = request(base_url + call.path, method=call.method, body=call.body or None,
                         headers=call.headers)
        if not 200 <= answer.status < 300:  # a soak of errors measures nothing
            raise RuntimeError(f"{call.method} {call.path} answered {answer.status}: "
                               f"{answer.body[:300]!r}")
    return classes


def run_classes(wrk: str, base_url: str, classes: Mapping[str, tuple[int, list[Call]]], *,
                duration_s: int, scratch: Path, fault_window: tuple[int, int] | None = None
                ) -> list[ClassResult]:
    """All URL classes at once, one wrk each; their results in the same order."""
    processes = {}
    for name, (connections, calls) in classes.items():
        script = scratch / f"{name}.lua"
        script.write_text(lua_script(calls))
        command = wrk_command(wrk, base_url, threads=1, connections=connections,
                              duration_s=duration_s, script=script, timeout_s=TIMEOUT_S,
                              script_args=[str(second) for second in fault_window or ()])
        processes[name] = subprocess.Popen(  # noqa: S603 - our own fixed command line
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = []
    for name, process in processes.items():
        output, errors = process.communicate(timeout=duration_s + TIMEOUT_S + 60)
        if process.returncode != 0:
            raise RuntimeError(f"wrk ({name}) exited {process.returncode}: {errors}")
        results.append(class_result(name, output))
    return results


@contextlib.contextmanager
def database_unavailable(database_url: str) -> Iterator[None]:
    """SQLite: an exclusive lock held by another connection (writers wait, WAL readers do not).
    PostgreSQL: no connections at all."""
    parts = urllib.parse.urlsplit(database_url)
    if parts.scheme.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(parts.path, timeout=60,
                                                isolation_level=None)) as connection:
            connection.execute("BEGIN EXCLUSIVE")
            try:
                yield
            finally:
                connection.execute("ROLLBACK")
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        try:
            yield
        finally:
            connection.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


def main(argv: Sequence[str] | None = None) -> int:
    """The clean run, then the fault run; exit 1 if the clean run had errors."""
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--duration", type=int, default=60, help="seconds per run (60)")
    parser.add_argument("--fault-start", type=int, default=20, help="second the fault starts")
    parser.add_argument("--fault-duration", type=int, default=20, help="seconds it lasts (20)")
    parser.add_argument("--skip-fault", action="store_true", help="only the clean run")
    parser.add_argument("--prepare-database", action="store_true",
                        help="migrate and load the sample content into the DATABASE_URL you set")
    arguments = parser.parse_args(argv)
    wrk, database_url = binaries()["wrk"], prepare(arguments)
    paths = ldn_paths()
    close_connections()
    with stack(database_url) as (served, scratch):
        classes = url_classes(served.url, paths)
        print(f"Clean run: {arguments.duration} s x {sum(c for c, _ in classes.values())} "
              f"connections via {served.url}")
        results = run_classes(wrk, served.url, classes, duration_s=arguments.duration,
                              scratch=scratch)
        print(report(results, fault=False), flush=True)
        failed = any(result.errors for result in results)
        if not arguments.skip_fault:
            start = int(time.time()) + arguments.fault_start
            end = start + arguments.fault_duration
            what = ("writers are locked out of the SQLite database (WAL readers never wait: "
                    "not an outage for these reads; for one, set DATABASE_URL to PostgreSQL)"
                    if database_url.startswith("sqlite") else "the database is unavailable")
            print(f"\nFault run: {what} ({redact_url(database_url)}) from second "
                  f"{arguments.fault_start} for {arguments.fault_duration} s", flush=True)

            def fault() -> None:
                time.sleep(max(0.0, start - time.time()))
                with database_unavailable(database_url):
                    time.sleep(max(0.0, end - time.time()))

            injector = threading.Thread(target=fault, daemon=True)
            injector.start()
            results = run_classes(wrk, served.url, classes, duration_s=arguments.duration,
                                  scratch=scratch, fault_window=(start, end))
            injector.join()
            print(report(results, fault=True))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
