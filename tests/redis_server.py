"""A private redis-server for tests and benchmarks: real server, loopback only, no persistence."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

__all__ = ["spawn_redis_server"]


def spawn_redis_server(timeout: float = 10.0) -> tuple[subprocess.Popen, int]:
    """Start ``redis-server`` on a free port of 127.0.0.1 and wait until it accepts
    connections; returns the process (the caller terminates it) and the port.
    Raises ``RuntimeError`` saying why when it cannot run here."""
    exe = shutil.which("redis-server")
    if exe is None:
        raise RuntimeError("redis-server is not on PATH (apt-get install redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.terminate()
                proc.wait(10)
                raise RuntimeError(f"redis-server did not start on port {port}") from None
            time.sleep(0.05)
