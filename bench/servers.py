"""App servers (gunicorn, as ``make serve`` runs them) and nginx in front, as child processes on loopback.

Used by the benchmark and by tests/test_reverse_proxy.py. Every process is started in a
session of its own and stopped by its own id.
"""

import grp
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until ``url`` answers 200; fail when the process ends first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} ended with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


def start_gunicorn(
    port: int, env: dict, app: str = "app:create_app()", workers: int | None = None, threads: int = 8, log=None
) -> subprocess.Popen:
    """Serve ``app`` as ``make serve`` does: gthread workers (one per CPU), ``threads`` threads and connections each."""
    workers = workers or os.cpu_count() or 1
    environment = {**os.environ, "DATABASE_POOL_SIZE": str(threads), **env}
    command = [
        GUNICORN,
        app,
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--graceful-timeout",
        "5",
        "--chdir",
        str(ROOT),
    ]
    process = subprocess.Popen(
        command,
        env=environment,
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
    return process


def worker_pids(process: subprocess.Popen) -> list[int]:
    """The gunicorn workers of a master process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == process.pid:
                found.append(int(entry.name))
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stop(process: subprocess.Popen | None) -> None:
    """Stop a process started here (SIGTERM, then SIGKILL after 10 s)."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def nginx_conf(listen_port: int, upstream_ports: list[int], static_root: Path = ROOT / "static") -> str:
    """deploy/nginx.conf with loopback ports, this checkout's static folder, in the foreground."""
    text = NGINX_CONF.read_text()
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    servers = "".join(f"        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in upstream_ports)
    text = re.sub(r"(?m)^        server 127\.0\.0\.1:\d+ [^\n]*\n", "", text)
    text = text.replace("        keepalive 32;", servers + "        keepalive 32;")
    text = text.replace("/srv/tawasul/static/", f"{static_root}/")
    if not os.path.exists(BROTLI_MODULE):
        text = re.sub(r"(?m)^(\s*)(load_module .*brotli.*|brotli\w*\s.*)$", r"\1# \2", text)
    if os.geteuid() == 0:
        # Started as root, nginx's workers would run as nobody, who may not enter the checkout
        # (a clone in a private temporary folder, say): they run as the checkout's owner.
        owner = pwd.getpwuid(os.stat(static_root).st_uid)
        text = f"user {owner.pw_name} {grp.getgrgid(owner.pw_gid).gr_name};\n" + text
    return "daemon off;\n" + text


def start_nginx(upstream_ports: list[int]) -> tuple[subprocess.Popen, int, str]:
    """Start nginx with deploy/nginx.conf in front of the ports; return (process, port, prefix folder)."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    prefix = tempfile.mkdtemp(prefix="tawasul-nginx-")
    os.chmod(prefix, 0o755)  # workers run as nobody when nginx starts as root
    for folder in ("logs", "tmp"):
        os.makedirs(os.path.join(prefix, folder))
    port = free_port()
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as handle:
        handle.write(nginx_conf(port, upstream_ports))
    process = subprocess.Popen(
        [binary, "-c", conf, "-p", prefix + "/", "-e", os.path.join(prefix, "logs", "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(prefix, "logs", "stderr.log"), "w"),  # noqa: SIM115 - lives as long as nginx
        start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
    return process, port, prefix


def stop_nginx(process: subprocess.Popen | None, prefix: str | None) -> None:
    stop(process)
    if prefix:
        shutil.rmtree(prefix, ignore_errors=True)
