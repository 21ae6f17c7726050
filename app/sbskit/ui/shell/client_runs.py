"""The current client's checks, for the main window: each finished check saved to the client's
history, and every saved check run again on the next visit (Client > Re-run, Ctrl+R).

Both run off the GUI thread; the window passes itself for its settings, status bar and message
boxes. Kept out of the window so it holds only tabs, menus and state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.workers import JobWorker

if TYPE_CHECKING:
    from sbskit.ui.shell.main_window import MainWindow


def resolver_problem(store, client: str, result) -> dict | None:
    """The resolver problem the re-run's blocklist lookups found (the first), from the runs it saved."""
    for kind, target in result.runs:
        if kind != "blacklist":
            continue
        latest = store.runs(client, kind="blacklist", target=target, limit=1)
        doc = store.load_run(latest[0].id).document if latest else None
        if isinstance(doc, dict) and doc.get("resolver_problem"):
            return doc["resolver_problem"]
    return None


def rerun_lines(resolver: str, problem: dict | None) -> list[str]:
    """What the re-run dialog says first: the resolver problem when it is the cause (as the
    Blacklist tab says it), then which resolver was asked."""
    lines = []
    if problem:
        lines.append(f"{problem.get('headline', '')} {problem.get('advice', '')}".strip())
    lines.append(f"DNS resolver asked: {resolver}" if resolver else
                 "DNS resolver asked: this computer's own (none is set on the Blacklist lookup tab)")
    return lines


class ClientRuns:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.recheck_worker: JobWorker | None = None
        self.history_workers: list[JobWorker] = []
        self.last_rerun = None  # the latest re-run's RerunResult: a result of this visit's report

    def report_parts(self) -> list:
        """The latest re-run as a visit-report result (it belongs to the client it re-ran)."""
        from sbskit.core.visit_rerun import rerun_sections, rerun_summary
        from sbskit.core.visit_scope import ReportPart

        result = self.last_rerun
        if result is None:
            return []
        return [ReportPart("client/rerun", f"Re-run of {result.profile}'s saved checks", rerun_summary(result),
                           rerun_sections(result), owner=result.profile, result=result)]

    def rerun(self) -> None:
        """One click on the next visit: run the client's saved checks again, off the GUI thread."""
        w = self.window
        client = w.current_client
        if not client or (self.recheck_worker is not None and self.recheck_worker.running):
            return
        resolver, timeout = self.resolver_and_timeout()
        probe_timeout = float(w.settings.get("probe/timeout", 8.0) or 8.0)

        def job(ctx):
            from sbskit.core.dnsbl.engine import Options
            from sbskit.core.profiles.rerun import maildns_options_from, rerun_saved_checks
            from sbskit.core.profiles.store import ProfileStore

            store = ProfileStore(scratch=True)  # write-protected stick: compared in memory, not saved
            try:
                options = Options(resolvers=[resolver] if resolver else None, timeout=timeout)
                result = rerun_saved_checks(store, client, ctx=ctx, probe_timeout=probe_timeout,
                                            blacklist_options=options, maildns_options=maildns_options_from(options))
                return result, resolver, resolver_problem(store, client, result)
            finally:
                store.close()

        self.recheck_worker = start_job(
            job, "re-run client checks", finished=self._rerun_done,
            progress=lambda _d, _t, message: w.statusBar().showMessage(message),
            failed=lambda message, _d: w.show_error(f"The checks were not re-run: {message}"),
            cancelled=lambda: w.statusBar().showMessage("Re-run cancelled", 5000))

    def resolver_and_timeout(self) -> tuple[str, float]:
        """The resolver the Blacklist tab shows (what the consultant sees and expects), else the one
        saved from the last lookup; empty: this computer's."""
        w = self.window
        saved = str(w.settings.get("blacklist/resolver", "") or "").strip()
        timeout = float(w.settings.get("blacklist/timeout", 3.0) or 3.0)
        tab = next((t for t in w.built_tabs() if hasattr(t, "resolver_edit") and hasattr(t, "timeout_spin")), None)
        if tab is not None and tab.resolver_edit.text().strip():
            return tab.resolver_edit.text().strip(), float(tab.timeout_spin.value())
        return saved, timeout

    def _rerun_done(self, outcome_of) -> None:
        from sbskit.ui.profiles.rerun_dialog import OUTCOME

        result, resolver, problem = outcome_of
        result.lead = rerun_lines(resolver, problem) + result.lead  # then which ports each probe asked
        self.last_rerun = result
        self.window.statusBar().showMessage(f"Re-ran {len(result.runs)} check(s) for {result.profile}: "
                                            f"{OUTCOME[result.state]}", 10000)
        self.window.show_rerun(result)  # one block per target, as the History view shows it, with Copy

    def record(self, kind: str, document: dict) -> None:
        """Save a finished check to the current client's history, off the GUI thread."""
        w = self.window
        client = w.current_client
        if not client:
            return
        if w.paths.read_only:
            w.statusBar().showMessage(f"Not saved to {client}'s history: the kit's folder is write-protected", 10000)
            return

        def save(_ctx):
            from sbskit.core.profiles.store import ProfileStore

            store = ProfileStore()
            try:
                store.add_run(client, kind, document)
            finally:
                store.close()
            return client

        holder: list[JobWorker] = []
        worker = start_job(
            save, f"save {kind} run",
            finished=lambda name: w.statusBar().showMessage(f"Saved to {name}'s history", 5000),
            failed=lambda message, _d: w.statusBar().showMessage(f"Not saved to history: {message}", 10000),
            ended=lambda: self.history_workers.remove(holder[0]) if holder[0] in self.history_workers else None)
        holder.append(worker)  # ``ended`` is queued to this (GUI) thread: it runs after this line
        self.history_workers.append(worker)

    def cancel_all(self) -> None:
        for worker in list(self.history_workers) + ([self.recheck_worker] if self.recheck_worker else []):
            worker.cancel()
