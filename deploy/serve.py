"""``make serve``: the production stack on this machine, nginx's edge cache in front of gunicorn.

gunicorn runs ``config.wsgi`` with production settings and ``deploy/gunicorn.conf.py``;
nginx runs ``deploy/nginx.conf.template`` filled in for this machine, unprivileged, with its
pid, logs, temporary files and cache under one prefix directory (``var/serve/`` unless told
otherwise). The same two files are what a real server installs (docs/deploy.md).

Plain Python, no Django: the application runs in the gunicorn processes only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from deploy.processes import free_port, running, wait_until_serving

DEPLOY_DIR: Final = Path(__file__).resolve().parent
BASE_DIR: Final = DEPLOY_DIR.parent
NGINX_TEMPLATE: Final = DEPLOY_DIR / "nginx.conf.template"
GUNICORN_CONF: Final = DEPLOY_DIR / "gunicorn.conf.py"
DEFAULT_PREFIX: Final = BASE_DIR / "var" / "serve"
# How long a cached public page stays fresh at the edge: the bound on a publish showing.
DEFAULT_CACHE_TTL_S: Final = 10
PRODUCTION_SETTINGS: Final = "config.settings.production"
_FIELD: Final = re.compile(r"@([A-Z_]+)@")


@dataclass(frozen=True)
class EdgeConfig:
    """The values ``nginx.conf.template`` needs."""

    prefix: Path
    listen: str  # "127.0.0.1:8080"
    app_address: str  # where gunicorn listens, "127.0.0.1:8001"
    static_root: Path
    media_root: Path
    cache_ttl_s: int = DEFAULT_CACHE_TTL_S
    nginx_workers: str = "auto"
    server_name: str = "_"
    access_log: str = "off"

    def fields(self) -> dict[str, str]:
        return {
            "PREFIX": str(self.prefix),
            "LISTEN": self.listen,
            "APP_ADDRESS": self.app_address,
            "STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(self.media_root),
            "CACHE_TTL": f"{self.cache_ttl_s}s",
            "NGINX_WORKERS": self.nginx_workers,
            "SERVER_NAME": self.server_name,
            "ACCESS_LOG": self.access_log,
        }


def render_nginx_config(config: EdgeConfig, template: str | None = None) -> str:
    """The template with every ``@NAME@`` field filled in; an unknown field is an error."""
    text = NGINX_TEMPLATE.read_text() if template is None else template
    values = config.fields()
    unknown = sorted({name for name in _FIELD.findall(text) if name not in values})
    if unknown:
        raise ValueError(f"nginx template fields with no value: {', '.join(unknown)}")
    for name, value in values.items():
        if any(character in value for character in ";{}\n"):
            raise ValueError(f"{name} would break the nginx configuration: {value!r}")
    return _FIELD.sub(lambda match: values[match.group(1)], text)


def find_binary(name: str) -> str:
    """nginx lives in /usr/sbin, often not on a user's PATH."""
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    found = shutil.which(name, path=search)
    if found is None:
        raise FileNotFoundError(
            f"{name} not found; install it with `make system-deps` (Debian nginx-light)"
        )
    return found


def check_reachable(prefix: Path) -> None:
    """Started as root, nginx's workers run as an unprivileged user that must reach ``prefix``."""
    if os.geteuid() != 0:
        return
    for folder in [prefix, *prefix.resolve().parents]:
        if not folder.stat().st_mode & 0o001:
            raise PermissionError(
                f"{folder} is closed to other users, so nginx's workers cannot reach "
                f"{prefix}; choose a prefix under a folder others may enter"
            )


@dataclass(frozen=True)
class AppConfig:
    """How gunicorn runs: settings module, worker class and counts, environment."""

    settings: str = PRODUCTION_SETTINGS
    workers: int | None = None  # None: gunicorn.conf.py's measured default
    worker_class: str | None = None
    threads: int | None = None
    environment: Mapping[str, str] = field(default_factory=dict)

    def env(self, bind: str) -> dict[str, str]:
        """The process environment: ours, then production's required values, then overrides."""
        env = {**os.environ}
        env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
        # No TLS on localhost; behind a real TLS terminator leave this at its default (true).
        env.setdefault("SECURE_SSL_REDIRECT", "false")
        env.update(self.environment)
        env["DJANGO_SETTINGS_MODULE"] = self.settings
        env["GUNICORN_BIND"] = bind
        for name, value in (
            ("GUNICORN_WORKERS", self.workers),
            ("GUNICORN_WORKER_CLASS", self.worker_class),
            ("GUNICORN_THREADS", self.threads),
        ):
            if value is not None:
                env[name] = str(value)
        return env


@dataclass(frozen=True)
class Stack:
    """A running stack: the edge's URL, the application's own URL, where nginx keeps files."""

    url: str
    app_url: str
    prefix: Path
    cache_ttl_s: int
    app_pid: int  # gunicorn's master, leader of its own process group


def gunicorn_command() -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]


@contextlib.contextmanager
def serving(
    *,
    prefix: Path,
    port: int | None = None,
    app: AppConfig | None = None,
    cache_ttl_s: int = DEFAULT_CACHE_TTL_S,
    static_root: Path | None = None,
    media_root: Path | None = None,
    nginx_workers: str = "auto",
    access_log: bool = False,
) -> Iterator[Stack]:
    """Run gunicorn and nginx until the ``with`` block ends, then stop both.

    The edge cache starts empty on every start (it lives under ``prefix/cache``).
    """
    app = app or AppConfig()
    nginx = find_binary("nginx")
    prefix.mkdir(parents=True, exist_ok=True)
    # nginx workers drop to an unprivileged user when started as root: they must read these.
    prefix.chmod(0o755)
    check_reachable(prefix)
    shutil.rmtree(prefix / "cache", ignore_errors=True)
    edge_port = port or free_port()
    app_port = free_port()
    bind = f"127.0.0.1:{app_port}"
    config = EdgeConfig(
        prefix=prefix,
        listen=f"127.0.0.1:{edge_port}",
        app_address=bind,
        static_root=static_root or BASE_DIR / "var" / "static",
        media_root=media_root or BASE_DIR / "var" / "media",
        cache_ttl_s=cache_ttl_s,
        nginx_workers=nginx_workers,
        access_log=f"{prefix / 'access.log'} carechoices" if access_log else "off",
    )
    conf = prefix / "nginx.conf"
    conf.write_text(render_nginx_config(config))
    app_log = prefix / "gunicorn.log"
    edge_log = prefix / "error.log"
    app_url = f"http://{bind}"
    edge_url = f"http://127.0.0.1:{edge_port}"
    with running(gunicorn_command(), log=app_log, env=app.env(bind), cwd=BASE_DIR) as gunicorn:
        wait_until_serving(gunicorn, f"{app_url}/healthz", log=app_log)
        command = [nginx, "-c", str(conf), "-p", str(prefix), "-e", str(edge_log)]
        with running(command, log=prefix / "nginx.out", cwd=prefix) as edge:
            wait_until_serving(edge, f"{edge_url}/healthz", log=edge_log)
            yield Stack(edge_url, app_url, prefix, cache_ttl_s, gunicorn.pid)


def prepare(app: AppConfig) -> None:
    """Under the settings gunicorn will use: the cache table (if the cache is the database's)
    and ``collectstatic`` (nginx serves the result from STATIC_ROOT)."""
    for command in (["createcachetable"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run(  # noqa: S603 - our own fixed command line
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=app.env("127.0.0.1:0"),
            check=True,
        )


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.serve",
        description="nginx (edge cache) in front of gunicorn with production settings.",
    )
    parser.add_argument("--port", type=int, default=8080, help="nginx port (default 8080)")
    parser.add_argument(
        "--cache-ttl",
        type=int,
        default=DEFAULT_CACHE_TTL_S,
        help="seconds a public page stays fresh at the edge (default %(default)s)",
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: CPUs + 1)")
    parser.add_argument("--prefix", type=Path, default=DEFAULT_PREFIX, help=argparse.SUPPRESS)
    parser.add_argument("--access-log", action="store_true", help="log requests under the prefix")
    parser.add_argument(
        "--no-collectstatic",
        action="store_true",
        help="skip createcachetable and collectstatic before starting",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    app = AppConfig(workers=arguments.workers)
    if "SECRET_KEY" not in os.environ:
        print(
            "SECRET_KEY is not set: using a random one for this run (sessions end at restart).",
            file=sys.stderr,
        )
    if not arguments.no_collectstatic:
        prepare(app)
    stop_requested = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, request_stop)
    try:
        with serving(
            prefix=arguments.prefix,
            port=arguments.port,
            app=app,
            cache_ttl_s=arguments.cache_ttl,
            access_log=arguments.access_log,
        ) as stack:
            print(
                f"CareChoices on {stack.url} (nginx edge cache, {stack.cache_ttl_s} s fresh) "
                f"-> gunicorn {stack.app_url}; logs in {stack.prefix}. Ctrl-C to stop.",
                flush=True,
            )
            signal.pause()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
