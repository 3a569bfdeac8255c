"""``prioritizer app`` stops with its server (issue 25, hardening).

Before, SIGTERM killed only the ``prioritizer app`` process; the Streamlit server it had
started was orphaned and kept serving. Now the command supervises the server: a stop signal
sent to the command's own pid stops the server and every process below it, and the port
closes. The server listens on loopback unless ``--address`` says otherwise."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "prioritizer"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait_until_serving(proc: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 180  # a cold Streamlit start on a loaded machine
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"prioritizer app ended with {proc.returncode}: {proc.stdout.read().decode()[-2000:]}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)  # polling for readiness; the assertions below do not depend on timing
    pytest.fail("the app did not answer on loopback")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_to_prioritizer_app_stops_the_server_and_all_its_children(tmp_path, signum):
    port = _free_port()
    env = {**os.environ, "PRIORITIZER_DB": f"sqlite:///{tmp_path / 'audit.sqlite'}"}
    proc = subprocess.Popen(
        [str(CLI), "app", "--auth", "none", "--port", str(port), "--case", str(ROOT / "inputs" / "default")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the test signals the parent pid only
    )
    children: list[psutil.Process] = []
    try:
        _wait_until_serving(proc, port)
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children, "the server runs as a child of prioritizer app"
        # loopback only by default: every listening socket of the tree is on 127.0.0.1
        listening = [
            c.laddr
            for p in children
            for c in p.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN
        ]
        assert listening and all(addr.ip == "127.0.0.1" for addr in listening), listening

        os.kill(proc.pid, signum)
        code = proc.wait(timeout=120)
        _gone, alive = psutil.wait_procs(children, timeout=120)
        assert alive == []  # before: SIGTERM left the orphaned server running
        assert not _port_open(port)
        assert code == 0  # a stop asked for and obeyed
    finally:
        for p in children:
            if p.is_running():
                p.kill()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_a_stop_reaches_grandchildren_in_their_own_session():
    """Processes the server starts (a Dask worker, a PDF typesetter...) go too, even when they left
    the process group: the supervisor lists the whole tree with psutil before it stops it."""
    server = (
        "import signal, subprocess, sys\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)\n"
        "print(p.pid, flush=True)\n"
        "signal.pause()\n"
    )
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys\nfrom prioritizer.cli.serve import supervise\n"
            "raise SystemExit(supervise([sys.executable, '-c', sys.argv[1]], dict(os.environ)))",
            server,
        ],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    grandchild: psutil.Process | None = None
    try:
        grandchild = psutil.Process(int(supervisor.stdout.readline()))
        assert grandchild.ppid() != supervisor.pid and os.getpgid(grandchild.pid) != supervisor.pid
        os.kill(supervisor.pid, signal.SIGTERM)
        assert supervisor.wait(timeout=120) == 0
        _gone, alive = psutil.wait_procs([grandchild], timeout=120)
        assert alive == []
    finally:
        if grandchild is not None and grandchild.is_running():
            grandchild.kill()
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
            supervisor.wait()
