"""Start over resets every triage page through its own reset(), and every page still shares the one state."""

from __future__ import annotations


def test_start_over_empties_every_page_and_keeps_the_shared_state(triage_tab, qtbot):
    wizard = triage_tab.wizard
    state = wizard.state
    wizard.symptoms.set_answer("queues_long", "yes")
    wizard.symptoms.server_ip.setText("192.168.1.10")
    wizard.symptoms.local_domain.setText("acme.example")
    wizard.symptoms.version.setCurrentIndex(2)
    wizard.export.status.setText("Report saved to x.html")
    state.server_ips = ["192.168.1.10"]
    state.sample = True
    wizard.next()
    assert wizard.currentId() == wizard.EVIDENCE

    wizard.accept()  # "Start over"
    assert wizard.currentId() == wizard.SYMPTOMS
    assert wizard.state is state and all(p.state is state for p in (wizard.symptoms, wizard.evidence, wizard.live,
                                                                       wizard.diagnosis, wizard.plan, wizard.export))
    assert state.server_ips == [] and state.sample is False and not state.answers.any_given()
    assert wizard.symptoms.server_ip.text() == "" and wizard.symptoms.local_domain.text() == ""
    assert wizard.symptoms.version.currentIndex() == 0
    assert all(g.checkedButton().property("answer") == "" for g in wizard.symptoms.groups.values())  # "not sure"
    assert wizard.evidence.table.rowCount() == 0 and wizard.export.status.text() == ""
