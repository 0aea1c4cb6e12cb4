"""The generated nginx configuration keeps everything inside the benchmark's own folder."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from bench.nginx import json_post_location, nginx_config
from deploy.processes import (
    fetch_response,
    free_port,
    local_url,
    running,
    wait_until_serving,
)

NGINX = shutil.which("nginx", path="/usr/sbin:/usr/bin")


def test_nginx_config_runs_in_foreground_on_localhost_with_files_under_prefix(
    tmp_path: Path,
) -> None:
    config = nginx_config(prefix=tmp_path, docroot=tmp_path / "root", port=40001, workers=2)

    assert "daemon off;" in config
    assert "worker_processes 2;" in config
    assert "listen 127.0.0.1:40001;" in config
    assert f"pid {tmp_path / 'nginx.pid'};" in config
    assert f"error_log {tmp_path / 'error.log'} warn;" in config
    assert f"root {tmp_path / 'root'};" in config
    assert "access_log off;" in config


@pytest.mark.skipif(
    shutil.which("nginx", path="/usr/sbin:/usr/bin") is None, reason="nginx not installed"
)
def test_nginx_accepts_the_generated_config(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(prefix=tmp_path, docroot=tmp_path / "root", port=40001, workers=1))
    nginx = shutil.which("nginx", path="/usr/sbin:/usr/bin")
    assert nginx is not None

    completed = subprocess.run(  # noqa: S603 - fixed arguments
        [nginx, "-t", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr


def test_nginx_config_answers_post_at_each_json_post_path(tmp_path: Path) -> None:
    config = nginx_config(
        prefix=tmp_path,
        docroot=tmp_path / "root",
        port=40001,
        workers=1,
        json_post_paths=["/api/v1/screen"],
    )

    location = config[config.index("location = /api/v1/screen {") :]
    assert "error_page 405 =200 $uri;" in location
    assert "default_type application/json;" in location
    assert "location" not in nginx_config(
        prefix=tmp_path, docroot=tmp_path / "root", port=40001, workers=1
    )


@pytest.mark.parametrize("path", ["api/v1/screen", "/a b", "/x;y", "/x{", "/$uri"])
def test_json_post_location_refuses_anything_but_a_plain_path(path: str) -> None:
    with pytest.raises(ValueError, match="plain URL path"):
        json_post_location(path)


@pytest.mark.skipif(NGINX is None, reason="nginx not installed")
def test_nginx_answers_a_json_post_with_the_file_bytes() -> None:
    answer = '{"verdict": "incomplete", "note": "é"}'.encode()
    assert NGINX is not None
    # Not pytest's tmp_path: started as root, nginx's workers run as nobody and cannot enter
    # pytest's private folders. The bench opens its own folder the same way.
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-test-") as scratch:
        prefix = Path(scratch)
        prefix.chmod(0o755)
        answer_file = prefix / "root" / "api" / "v1" / "screen"
        answer_file.parent.mkdir(parents=True)
        answer_file.write_bytes(answer)
        for folder in (prefix / "root", prefix / "root" / "api", answer_file.parent):
            folder.chmod(0o755)
        answer_file.chmod(0o644)
        port = free_port()
        conf = prefix / "nginx.conf"
        conf.write_text(
            nginx_config(
                prefix=prefix,
                docroot=prefix / "root",
                port=port,
                workers=1,
                json_post_paths=["/api/v1/screen"],
            )
        )
        command = [NGINX, "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log")]
        url = local_url(port, "/api/v1/screen")

        with running(command, log=prefix / "nginx.out", cwd=prefix) as server:
            wait_until_serving(server, url, log=prefix / "error.log", timeout_s=20)
            status, content_type, body = fetch_response(url, body=b'{"medicines": ["Ultram"]}')

    assert status == 200
    assert content_type == "application/json; charset=utf-8"
    assert body == answer
