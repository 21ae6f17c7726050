"""The Client profiles dialog's actions that reach outside the form: a run's evidence, export and
import (files the admin picks), and the questions it asks (attributes on the dialog, so tests answer
them without modal boxes). A mix-in of :class:`~sbskit.ui.profiles.dialog.ProfilesDialog`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from sbskit.core.profiles.store import ProfileStore


class ProfileActions:
    """Uses the dialog's ``_submit``, ``current_name``, ``_show_status``, ``reload`` and ``ask_*`` attributes."""

    def show_run(self, run_id: int) -> None:
        """Show one saved run's whole result document (the evidence behind the counts)."""
        import json

        from sbskit.core.profiles.model import local_datetime
        from sbskit.ui.profiles.history import kind_label

        def work(store: ProfileStore):
            run = store.load_run(run_id)
            title = f"{kind_label(run.kind)} {run.target} - {local_datetime(run.at)}"
            return title, json.dumps(run.document, indent=2, ensure_ascii=False)

        self._submit("run", work, lambda answer: self.show_document(*answer))

    def export_selected(self) -> None:
        name = self.current_name()
        if name is None:
            return
        from sbskit.core.paths import app_paths

        safe = "".join(ch if ch.isalnum() or ch in " -_." else "_" for ch in name).strip() or "client"
        chosen = self.ask_export_path(str(app_paths().reports / f"{safe}.sbskit-profile.json"))
        if not chosen:
            return

        def work(store: ProfileStore) -> int:
            from sbskit.core.profiles.transfer import export_to_file

            return export_to_file(store, name, Path(chosen))  # creates the reports folder if needed

        self._submit("export", work, lambda runs: self._show_status(
            f"Exported {name} with {runs} saved runs to {chosen}.", "good"))

    def import_profile(self, _checked: bool = False, replace: bool = False, path: str | None = None) -> None:
        if self.read_only:
            return
        chosen = path or self.ask_import_path()
        if not chosen:
            return

        def work(store: ProfileStore):
            from sbskit.core.profiles.transfer import import_profile, read_json_file

            doc = read_json_file(Path(chosen), "profile export")
            profile = doc.get("profile") if isinstance(doc, dict) else None
            name = profile.get("name") if isinstance(profile, dict) else None
            if not replace and isinstance(name, str) and store.exists(name):
                return ("exists", store.get(name).name)
            return ("imported", *import_profile(store, doc, replace=replace))

        def done(answer) -> None:
            if answer[0] == "exists":
                if self.confirm_replace(answer[1]):
                    self.import_profile(replace=True, path=chosen)
                return
            _kind, name, runs = answer
            self._show_status(f"Imported {name} with {runs} saved runs.", "good")
            self._loaded = None
            self._dirty = False
            self.reload(select=name)

        self._submit("import", work, done)

    # --- one wrong run -------------------------------------------------------------------------------
    def delete_run(self, run_id: int) -> None:
        """Delete one saved run of the client shown (after asking); Undo puts it back, with its date."""
        name = self._loaded
        if name is None or self.read_only:
            return
        what = self.history.run_description(run_id)
        if not self.confirm_delete_run(name, what):
            return

        def done(run) -> None:
            self._deleted_run = run
            self.undo_button.setVisible(True)
            self._show_status(f"Deleted {what} from {name}'s history.", "info")
            self._load(name)

        self._submit("delete-run", lambda store: store.delete_run(run_id, name), done)

    def undo_delete_run(self) -> None:
        run = getattr(self, "_deleted_run", None)
        if run is None or self.read_only:
            return

        def done(restored) -> None:
            self._deleted_run = None
            self.undo_button.setVisible(False)
            self._show_status(f"Put the run of {restored.at[:10]} back into {restored.profile}'s history.", "good")
            if self._loaded is not None and self._loaded.casefold() == restored.profile.casefold():
                self._load(restored.profile)

        self._submit("undo-delete-run", lambda store: store.restore_run(run), done)

    def _ask_delete_run(self, name: str, what: str) -> bool:
        answer = QMessageBox.question(
            self, "Delete run",
            f"Delete {what} from {name}'s history? Its results no longer count in \"since the last visit\". "
            "(You can undo this until you close the dialog.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _ask_delete(self, name: str, runs: int) -> bool:
        answer = QMessageBox.question(
            self,
            "Delete client profile",
            f"Delete the client profile {name!r} and its {runs} saved runs? This cannot be undone "
            "(export the profile first to keep a copy).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _ask_replace(self, name: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Client already here",
            f"There is already a client profile {name!r} on this stick. Replace it and its saved runs "
            "with the imported one?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _ask_export_path(self, default: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Export client profile", default, "Profile files (*.json)")
        return path

    def _ask_import_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Import client profile", "", "Profile files (*.json);;All files (*)")
        return path

    def _show_document(self, title: str, text: str) -> None:
        from sbskit.ui.profiles.history import DocumentDialog

        DocumentDialog(title, text, self).exec()

    def _ask_discard(self, name: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Discard the unsaved changes to {name!r}?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

