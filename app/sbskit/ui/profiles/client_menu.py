"""The main window's client: which client this visit is for, and what follows from it.

A mix-in of :class:`~sbskit.ui.shell.main_window.MainWindow` (it uses the window's ``settings``,
``paths``, ``statusBar``, ``client_label``, the Client menu's actions, ``built_tabs``,
``show_error`` and ``history_workers``). The client is always one that exists: a rename in Client
profiles follows to the new name, a deletion (or a saved client that no longer exists at start)
returns to "No client selected" and says so. Every database access runs off the GUI thread.
"""

from __future__ import annotations

from typing import Callable

from sbskit import APP_NAME
from sbskit.ui.common.workers import JobWorker

CLIENT_GONE = "The client {name!r} {how}: no client is selected now (Client > Client profiles... to choose one)."


class ClientMenu:
    """Choose, follow and re-check the current client; save finished checks to its history."""

    current_client: str = ""

    def _choose_profile(self, current: str) -> str | None:
        from sbskit.ui.profiles.dialog import choose_current_profile

        return choose_current_profile(self, current or None, on_renamed=self.client_renamed,
                                      on_deleted=self.client_deleted)

    def choose_client(self) -> None:
        chosen = self.choose_profile(self.current_client)
        if chosen is not None:
            self.set_current_client(chosen)

    def set_current_client(self, name: str) -> None:
        """Results of the checks run from now on are saved to this client's history."""
        self.current_client = name
        self.settings.set("client/current", name)
        self.setWindowTitle(f"{APP_NAME} \u2014 {name}" if name else APP_NAME)
        self.client_label.setText(f"Client: {name}" if name else "No client selected")
        self.client_label.setToolTip("Checks are saved to this client's history (Client > Client profiles...)"
                                     if name else "Choose a client to keep a history of checks between visits")
        self.action_no_client.setEnabled(bool(name))
        self.action_recheck.setEnabled(bool(name))
        for tab in self.built_tabs():
            tab.client_changed(name)

    def client_renamed(self, old: str, new: str) -> None:
        """Client profiles saved a rename: if it was this visit's client, follow it (title, tabs, checklist)."""
        if self.current_client and self.current_client.casefold() == old.casefold():
            self.set_current_client(new)
            self.statusBar().showMessage(f"Client renamed: {old} is now {new}", 10000)

    def client_deleted(self, name: str) -> None:
        if self.current_client and self.current_client.casefold() == name.casefold():
            self.set_current_client("")
            self.statusBar().showMessage(CLIENT_GONE.format(name=name, how="was deleted"), 15000)

    def check_saved_client(self) -> None:
        """At start: the saved client may have been renamed or removed meanwhile (with the CLI, on another PC)."""
        name = self.current_client
        if not name:
            return

        def exists(_ctx) -> bool:
            from sbskit.core.profiles.store import ProfileStore

            with ProfileStore() as store:
                return store.exists(name)

        def answered(found: bool) -> None:
            if not found and self.current_client == name:
                self.set_current_client("")
                text = CLIENT_GONE.format(name=name, how="saved as this kit's client no longer exists")
                self.statusBar().showMessage(text, 20000)
                self.show_warning(text)

        worker = JobWorker(exists, "check the saved client")
        worker.finished.connect(answered)
        worker.ended.connect(lambda w=worker: self.history_workers.remove(w) if w in self.history_workers else None)
        self.history_workers.append(worker)
        worker.start()

    # --- re-run ---------------------------------------------------------------------------
    def recheck_client(self) -> None:
        """One click on the next visit: run the client's saved checks again, off the GUI thread."""
        client = self.current_client
        if not client or (self.recheck_worker is not None and self.recheck_worker.running):
            return
        resolver = str(self.settings.get("blacklist/resolver", "") or "").strip()
        timeout = float(self.settings.get("blacklist/timeout", 3.0) or 3.0)
        probe_timeout = float(self.settings.get("probe/timeout", 8.0) or 8.0)

        def job(ctx):
            from sbskit.core.dnsbl.engine import Options
            from sbskit.core.profiles.rerun import rerun_saved_checks
            from sbskit.core.profiles.store import ProfileStore

            store = ProfileStore(scratch=True)  # write-protected stick: compared in memory, not saved
            try:
                return rerun_saved_checks(store, client, ctx=ctx, probe_timeout=probe_timeout,
                                          blacklist_options=Options(resolvers=[resolver] if resolver else None,
                                                                    timeout=timeout))
            finally:
                store.close()

        worker = JobWorker(job, "re-run client checks")
        worker.progress.connect(lambda _d, _t, message: self.statusBar().showMessage(message))
        worker.finished.connect(self._recheck_done)
        worker.failed.connect(lambda message, _d: self.show_error(f"The checks were not re-run: {message}"))
        worker.cancelled.connect(lambda: self.statusBar().showMessage("Re-run cancelled", 5000))
        self.recheck_worker = worker
        worker.start()

    def _recheck_done(self, result) -> None:
        from sbskit.ui.profiles.rerun_dialog import OUTCOME

        self.statusBar().showMessage(f"Re-ran {len(result.runs)} check(s) for {result.profile}: "
                                     f"{OUTCOME[result.state]}", 10000)
        self.show_rerun(result)

    def _show_rerun(self, result) -> None:
        from sbskit.ui.profiles.rerun_dialog import RerunDialog

        dialog = RerunDialog(result, self)
        dialog.exec()
        dialog.deleteLater()

    show_rerun: Callable[[object], None]

    # --- history --------------------------------------------------------------------------
    def record_run(self, kind: str, document: dict) -> None:
        """Save a finished check to the current client's history, off the GUI thread."""
        client = self.current_client
        if not client:
            return
        if self.paths.read_only:
            self.statusBar().showMessage(f"Not saved to {client}'s history: the kit's folder is write-protected", 10000)
            return

        def save(_ctx):
            from sbskit.core.profiles.store import ProfileStore

            store = ProfileStore()
            try:
                store.add_run(client, kind, document)
            finally:
                store.close()
            return client

        worker = JobWorker(save, f"save {kind} run")
        worker.finished.connect(lambda name: self.statusBar().showMessage(f"Saved to {name}'s history", 5000))
        worker.failed.connect(lambda message, _d: self.statusBar().showMessage(f"Not saved to history: {message}", 10000))
        worker.ended.connect(lambda w=worker: self.history_workers.remove(w) if w in self.history_workers else None)
        self.history_workers.append(worker)
        worker.start()
