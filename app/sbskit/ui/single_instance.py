"""One window per data folder: a second start brings the running window forward and exits.

Why: two copies of the kit on one stick used to start without a word and sit on top of each
other (that is how one client's checklist ended up under another). Now the first copy
listens on a local socket named after its data folder; a second start with the same folder
asks it to come forward, says so, and exits. A kit with *another* data folder (another
stick, an installed copy) is independent.

The socket is a Windows named pipe or, on Linux, a socket in the abstract namespace: no file
is created anywhere (a stick's FAT file system could not hold one, and a read-only stick
must leave no trace on the PC). Elsewhere (macOS) Qt puts a socket file in the temp folder
and removes it on exit. Two copies started in the same instant (a double-click on a slow
stick) both find nobody listening; the one that then fails to listen asks the winner to come
forward and exits. Should two copies still run at once (the first one hung), that is safe: every database write is one transaction and settings
are merged key by key; the warning bar then says another copy is using the folder.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

HELLO = b"sbskit-raise\n"
ANSWER = b"sbskit-raised\n"
CONNECT_MS = 500  # a running copy answers at once; a dead socket fails at once
ANSWER_MS = 3000


def server_name(data_folder: Path) -> str:
    """``sbskit-<hash of the data folder>``: the same folder gives the same name on every start."""
    text = str(Path(data_folder).resolve())
    if sys.platform == "win32":
        text = text.casefold()  # C:\\Kit and c:\\kit are one folder there
    return "sbskit-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def ask_running_copy(name: str) -> str:
    """``raised`` (a running copy came forward), ``none`` (nobody listens) or ``silent`` (one listens, no answer)."""
    socket = QLocalSocket()
    if sys.platform.startswith("linux"):
        socket.setSocketOptions(QLocalSocket.SocketOption.AbstractNamespaceOption)
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return "none"
    try:
        socket.write(HELLO)
        socket.flush()
        socket.waitForBytesWritten(ANSWER_MS)
        if socket.waitForReadyRead(ANSWER_MS) and bytes(socket.readLine(64)) == ANSWER:
            return "raised"
        return "silent"
    finally:
        socket.disconnectFromServer()


class InstanceServer(QObject):
    """Listens for later starts; ``raise_requested`` when one asks the window to come forward."""

    raise_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.handed_over = False  # True: another copy started in the same instant answers instead of us
        self.server = QLocalServer(self)
        if sys.platform.startswith("linux"):
            self.server.setSocketOptions(QLocalServer.SocketOption.AbstractNamespaceOption)
        self.server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """True when this copy now answers later starts; False when another copy holds the name."""
        if self.server.listen(self.name):
            return True
        # QLocalServer reports its errors as QAbstractSocket.SocketError (PySide6 has no
        # QLocalSocket.LocalSocketError.AddressInUseError: comparing with it raised AttributeError)
        if self.server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            if not sys.platform.startswith("linux"):  # the abstract namespace leaves no stale file behind
                QLocalServer.removeServer(self.name)  # a stale socket file left by a crash (macOS)
                if self.server.listen(self.name):
                    return True
        log.warning("single-instance socket %s not listening: %s", self.name, self.server.errorString())
        return False

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            connection = self.server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _read(self, connection: QLocalSocket) -> None:
        if not connection.canReadLine():
            if connection.bytesAvailable() > 64:
                connection.abort()  # not one of ours
            return
        if bytes(connection.readLine(64)) == HELLO:
            log.info("another start of the kit with this data folder: bringing the window forward")
            self.raise_requested.emit()
            connection.write(ANSWER)
            connection.flush()
        connection.disconnectFromServer()

    def close(self) -> None:
        self.server.close()


def bring_forward(window) -> None:
    """Un-minimise, show and activate ``window`` (the OS may only flash its taskbar button)."""
    from PySide6.QtCore import Qt

    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()
