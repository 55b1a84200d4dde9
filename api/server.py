"""Running an app under uvicorn, with several worker processes when asked.

uvicorn binds the shared socket of its worker processes itself, without naming the protocol; asyncio
then leaves TCP_NODELAY off on every accepted connection, and a response written in two parts
(headers, then body) waits for the client's delayed ACK: 40 ms per request on Linux (measured: a
1 KB answer took 44 ms with --workers 2 and 0.4 ms with one).  `run` binds the socket as TCP, so
the workers' connections have TCP_NODELAY as a single worker's do.
"""
from __future__ import annotations

import inspect
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def run(app: str, host: str, port: int, workers: int, **options) -> None:
    """`app` as an import string of a factory ("module:function"), in `workers` processes."""
    config = uvicorn.Config(app, factory=True, host=host, port=port, workers=workers, log_level="warning", **options)
    if workers <= 1:
        uvicorn.Server(config).run()
        return
    sockets = [bind(host, port)]
    if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn before 0.30
        Multiprocess(config, target=uvicorn.Server(config).run, sockets=sockets).run()
    else:
        Multiprocess(config, sockets=sockets).run()
