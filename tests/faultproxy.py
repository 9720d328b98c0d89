"""A TCP proxy a test can cut and restore, to take PostgreSQL or Redis "down".

Stopping the machine's real services would disturb everything else using
them; cutting the proxy looks the same to the replicas (open connections are
reset, new ones refused) and touches nothing else.
"""
from __future__ import annotations

import selectors
import socket
import struct
import threading


class FaultProxy:
    """Forwards 127.0.0.1:<port> to ``target`` until ``cut()``; ``restore()`` resumes on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = self._listen(0)
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._stopping = False
        self._accepting = threading.Thread(target=self._accept_loop, daemon=True)
        self._accepting.start()

    @staticmethod
    def _listen(port: int) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        # accept() wakes up regularly, so a cut takes effect at once.
        listener.settimeout(0.2)
        return listener

    def _accept_loop(self) -> None:
        while not self._stopping:
            listener = self._listener
            if listener is None:
                threading.Event().wait(0.05)
                continue
            try:
                client, _ = listener.accept()
            except OSError:
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._connections.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, client: socket.socket, upstream: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        try:
            while True:
                for key, _ in selector.select(timeout=1):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            self._close(client, upstream)

    def _close(self, *sockets: socket.socket, reset: bool = False) -> None:
        with self._lock:
            for sock in sockets:
                self._connections.discard(sock)
                try:
                    if reset:
                        # An abortive close (RST), as when a server dies: no
                        # half-closed socket keeps the port from being reused.
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                        struct.pack("ii", 1, 0))
                    else:
                        sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def cut(self) -> None:
        """Refuse new connections and reset the open ones."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            open_connections = list(self._connections)
        self._close(*open_connections, reset=True)

    def restore(self) -> None:
        if self._listener is None:
            self._listener = self._listen(self.port)

    def close(self) -> None:
        self._stopping = True
        self.cut()
