"""``make soak``: 60 s × 50 connections through `make serve`'s stack, then the same with a fault.

One wrk process per URL class (pages, search, screen, plan, read API), all at once, each with
its share of the 50 connections and a Lua script that counts every answer by phase, status and
``X-Cache-Status``. The first run reports errors (goal: 0). The second makes the database
unavailable for 20 s from the 20th second (SQLite: another process holds an exclusive lock;
PostgreSQL: the bench database refuses connections and its sessions are ended) and reports what
was served before, during and after, per URL class.

    uv run python -m bench.soak [--duration 60] [--fault-duration 20] [--skip-fault]
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
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from bench.web import lua_string, parse_wrk_output, wrk_command
from deploy.processes import request

TIMEOUT_S: Final = 30  # longer than the SQLite busy timeout: a slow answer is counted, not cut
COUNTS_MARK: Final = "SOAK-COUNTS "
PHASES: Final = ("before", "during", "after")
# Sends the calls in turn; counts answers by phase (from the fault window in the script's
# arguments; "run" without one), status and cache status; done() prints every thread's counts.
_LUA: Final = """local threads = {}
local next_call = 0
local fault_start, fault_end = 0, 0
counts = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  fault_start = tonumber(args[1]) or 0
  fault_end = tonumber(args[2]) or 0
end
function request()
  next_call = next_call % #calls + 1
  local call = calls[next_call]
  local body = nil
  if call.body ~= "" then body = call.body end
  return wrk.format(call.method, call.path, call.headers, body)
end
function response(status, headers, body)
  local phase = "run"
  if fault_start > 0 then
    local now = os.time()
    if now < fault_start then phase = "before"
    elseif now < fault_end then phase = "during"
    else phase = "after" end
  end
  local key = phase .. " " .. status .. " " .. (headers["X-Cache-Status"] or "-")
  counts[key] = (counts[key] or 0) + 1
end
function done(summary, latency, requests)
  local parts = {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("counts")) do parts[key] = (parts[key] or 0) + count end
  end
  local items = {}
  for key, count in pairs(parts) do table.insert(items, string.format("%q: %d", key, count)) end
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


@dataclass(frozen=True)
class UrlClass:
    name: str
    connections: int
    calls: tuple[Call, ...]


def lua_script(calls: Sequence[Call]) -> str:
    """The wrk script sending ``calls`` in turn and counting the answers."""
    entries = []
    for call in calls:
        headers = ", ".join(f"[{lua_string(name.encode())}] = {lua_string(value.encode())}"
                            for name, value in call.headers.items())
        entries.append(f"  {{method = {lua_string(call.method.encode())}, path = "
                       f"{lua_string(call.path.encode())}, body = {lua_string(call.body)}, "
                       f"headers = {{{headers}}}}},")
    return "local calls = {\n" + "\n".join(entries) + "\n}\n" + _LUA


@dataclass
class ClassResult:
    """What one URL class was answered: counts by (phase, status, cache status), socket errors."""

    name: str
    counts: dict[tuple[str, int, str], int]
    socket_errors: dict[str, int]
    requests_per_s: float = 0.0

    def statuses(self, phase: str | None = None) -> dict[int, int]:
        totals: dict[int, int] = {}
        for (counted_phase, status, _), count in self.counts.items():
            if phase is None or counted_phase == phase:
                totals[status] = totals.get(status, 0) + count
        return dict(sorted(totals.items()))

    @property
    def errors(self) -> int:
        """Answers that are not 2xx or 3xx, plus connections that failed or timed out."""
        failed = sum(count for status, count in self.statuses().items() if status >= 400)
        return failed + sum(self.socket_errors.values())


def parse_counts(output: str) -> dict[tuple[str, int, str], int]:
    """The counts line the Lua ``done`` printed: ``"phase status cache": n`` pairs."""
    for line in output.splitlines():
        if line.startswith(COUNTS_MARK):
            counts = {}
            for key, count in json.loads(line.removeprefix(COUNTS_MARK)).items():
                phase, status, cache = key.split(" ")
                counts[(phase, int(status), cache)] = int(count)
            return counts
    raise ValueError("wrk printed no counts line: did the Lua script run?")


def class_result(name: str, output: str) -> ClassResult:
    run = parse_wrk_output(output)
    return ClassResult(name, parse_counts(output), dict(run.socket_errors), run.requests_per_s)


def report(results: Sequence[ClassResult], *, fault: bool) -> str:
    """The table a person reads: per URL class (and phase, in a fault run), status counts."""
    lines = []
    for result in results:
        for phase in PHASES if fault else ("run",):
            shown = ", ".join(f"{status}: {n:,}" for status, n in result.statuses(phase).items())
            caches: dict[str, int] = {}
            for (counted_phase, _, cache), count in result.counts.items():
                if counted_phase == phase and cache != "-":
                    caches[cache] = caches.get(cache, 0) + count
            edge = ", ".join(f"{cache} {count:,}" for cache, count in sorted(caches.items()))
            lines.append(f"{result.name:<10} {phase:<7} {shown or 'no answers'}"
                         + (f"   [edge: {edge}]" if edge else ""))
        sockets = ", ".join(f"{kind} {n}" for kind, n in result.socket_errors.items() if n)
        lines.append(f"{result.name:<10} total   {result.requests_per_s:,.0f} req/s, errors "
                     f"{result.errors:,}" + (f" (sockets: {sockets})" if sockets else ""))
    total = sum(result.errors for result in results)
    lines.append(f"errors in all: {total:,}" + ("" if fault else " (goal 0)"))
    return "\n".join(lines)


def url_classes(base_url: str, review_paths: Sequence[str]) -> tuple[list[UrlClass], list[str]]:
    """The URL classes to load, and notes on those left out."""
    from bench.screening import request_body

    notes = []
    pages = tuple(Call("GET", path) for path in [*review_paths, "/glossary/", "/therapies/", "/"])
    classes = [UrlClass("pages", 20, pages)]
    if request(base_url + "/search/").status == 200:
        classes = [UrlClass("pages", 15, pages),
                   UrlClass("search", 5, (Call("GET", "/search/?q=vitamin"),))]
    else:
        notes.append("search: /search/ does not exist on this site; skipped.")
    page = request(base_url + "/screen/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    form = urllib.parse.urlencode({"medicines": "tramadol\nsertraline\nibuprofin",
                                   "csrfmiddlewaretoken": token[1].decode()}).encode()
    form_headers = {"Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": page.headers["set-cookie"].split(";")[0], "Origin": base_url,
                    "Referer": base_url + "/screen/"}
    json_headers = {"Content-Type": "application/json"}
    start = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    plan = json.dumps({"therapy": "low-dose-naltrexone", "start_date": start,
                       "time_zone": "Europe/London"}).encode()
    classes += [
        UrlClass("screen", 10, (Call("POST", "/api/v1/screen", request_body(), json_headers),
                                Call("POST", "/screen/", form, form_headers))),
        UrlClass("plan", 10, (Call("POST", "/api/v1/plan", plan, json_headers),)),
        UrlClass("read-api", 10, (Call("GET", "/api/v1/therapies/low-dose-naltrexone"),
                                  Call("GET", "/api/v1/therapies"))),
    ]
    return classes, notes


def check_calls(base_url: str, classes: Sequence[UrlClass]) -> None:
    """Every call answers 2xx before the load starts: a soak of errors measures nothing."""
    for call in (call for url_class in classes for call in url_class.calls):
        answer = request(base_url + call.path, method=call.method, body=call.body or None,
                         headers=call.headers)
        if not 200 <= answer.status < 300:
            raise RuntimeError(f"{call.method} {call.path} answered {answer.status}: "
                               f"{answer.body[:300]!r}")


def run_classes(wrk: str, base_url: str, classes: Sequence[UrlClass], *, duration_s: int,
                scratch: Path, fault_window: tuple[int, int] | None = None) -> list[ClassResult]:
    """All URL classes at once, one wrk each; their results in the same order."""
    processes = []
    for url_class in classes:
        script = scratch / f"{url_class.name}.lua"
        script.write_text(lua_script(url_class.calls))
        command = wrk_command(wrk, base_url, threads=1, connections=url_class.connections,
                              duration_s=duration_s, script=script, timeout_s=TIMEOUT_S,
                              script_args=[str(second) for second in fault_window or ()])
        processes.append(subprocess.Popen(  # noqa: S603 - our own fixed command line
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = []
    for url_class, process in zip(classes, processes, strict=True):
        output, errors = process.communicate(timeout=duration_s + TIMEOUT_S + 60)
        if process.returncode != 0:
            raise RuntimeError(f"wrk ({url_class.name}) exited {process.returncode}: {errors}")
        results.append(class_result(url_class.name, output))
    return results


@contextlib.contextmanager
def database_unavailable(database_url: str) -> Iterator[None]:
    """SQLite: an exclusive lock held by another connection. PostgreSQL: no connections."""
    parts = urllib.parse.urlsplit(database_url)
    if parts.scheme.startswith("sqlite"):
        connection = sqlite3.connect(parts.path, timeout=60, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
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
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--duration", type=int, default=60, help="seconds per run (60)")
    parser.add_argument("--fault-start", type=int, default=20, help="second the fault starts")
    parser.add_argument("--fault-duration", type=int, default=20, help="seconds it lasts (20)")
    parser.add_argument("--skip-fault", action="store_true", help="only the clean run")
    parser.add_argument("--prepare-database", action="store_true",
                        help="migrate and load the sample content into the DATABASE_URL you set")
    arguments = parser.parse_args(argv)

    from bench.common import SETTINGS_MODULE, close_connections, prepare, redact_url
    from bench.common import server_environment as environment
    from bench.pages import ldn_paths
    from bench.web import binaries
    from deploy.serve import AppConfig, serving

    wrk = binaries()["wrk"]
    database = prepare(arguments)
    paths = ldn_paths()
    close_connections()
    app = AppConfig(settings=SETTINGS_MODULE, environment=environment(database.url))
    with tempfile.TemporaryDirectory(prefix="carechoices-soak-") as folder:
        scratch = Path(folder)
        scratch.chmod(0o755)
        with serving(prefix=scratch / "edge", app=app, static_root=scratch / "static") as stack:
            classes, notes = url_classes(stack.url, paths)
            check_calls(stack.url, classes)
            for note in notes:
                print(note)
            total = sum(url_class.connections for url_class in classes)
            print(f"Clean run: {arguments.duration} s x {total} connections via {stack.url}")
            results = run_classes(wrk, stack.url, classes, duration_s=arguments.duration,
                                  scratch=scratch)
            print(report(results, fault=False), flush=True)
            failed = any(result.errors for result in results)
            if not arguments.skip_fault:
                start = int(time.time()) + arguments.fault_start
                end = start + arguments.fault_duration
                print(f"\nFault run: the database ({redact_url(database.url)}) is unavailable "
                      f"from second {arguments.fault_start} for {arguments.fault_duration} s",
                      flush=True)

                def fault() -> None:
                    time.sleep(max(0.0, start - time.time()))
                    with database_unavailable(database.url):
                        time.sleep(max(0.0, end - time.time()))

                injector = threading.Thread(target=fault, daemon=True)
                injector.start()
                results = run_classes(wrk, stack.url, classes, duration_s=arguments.duration,
                                      scratch=scratch, fault_window=(start, end))
                injector.join()
                print(report(results, fault=True))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
