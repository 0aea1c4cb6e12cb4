"""The generated nginx configuration keeps everything inside the benchmark's own folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from carechoices.bench.nginx import nginx_config


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
