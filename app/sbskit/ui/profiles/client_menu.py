"""The main window's client is always one that exists, and the re-run result is shown as the History is.

A mix-in of :class:`~sbskit.ui.shell.main_window.MainWindow` (it uses the window's
``current_client``, ``set_current_client``, ``statusBar``, ``show_warning`` and
``history_workers``). A rename in Client profiles follows to the new name; a deletion (or a
saved client that no longer exists at start) returns to "No client selected" and says so.
Every database access runs off the GUI thread.
"""

from __future__ import annotations

from sbskit.ui.common.job_panel import start_job

CLIENT_GONE = "The client {name!r} {how}: no client is selected now (Client > Client profiles... to choose one)."


class ClientFollow:
    """Follow renames and deletions of the current client; show a re-run's result."""

    def profile_hooks(self) -> dict:
        """What the Client profiles dialog calls when it saves a rename or a deletion."""
        return {"on_renamed": self.client_renamed, "on_deleted": self.client_deleted}

    def client_renamed(self, old: str, new: str) -> None:
        """Client profiles saved a rename: if it was this visit's client, follow it (title, tabs, checklist)."""
        if self.current_client and self.current_client.casefold() == old.casefold():
            self.set_current_client(new)
            self.reports.provenance.renamed(old, new)  # this visit's results stay the (renamed) client's
            rerun = self.runs.last_rerun
            if rerun is not None and rerun.profile.casefold() == old.casefold():
                rerun.profile = new
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

        holder = []
        worker = start_job(exists, "check the saved client", finished=answered,
                           ended=lambda: self.history_workers.remove(holder[0])
                           if holder[0] in self.history_workers else None)
        holder.append(worker)  # ``ended`` is queued to this (GUI) thread: it runs after this line
        self.history_workers.append(worker)

    def _show_rerun(self, result) -> None:
        """The re-run's result: one block per target checked, scrolling, with Copy (tests replace ``show_rerun``)."""
        from sbskit.ui.profiles.rerun_dialog import RerunDialog

        dialog = RerunDialog(result, self)
        dialog.exec()
        dialog.deleteLater()
