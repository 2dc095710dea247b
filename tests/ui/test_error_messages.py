"""Errors are told as sentences, never as exception class names, and go when the next run succeeds."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QSpinBox

from crimedesk.models.experiments import list_experiments
from crimedesk.ui.widgets.error_text import error_sentence, sentence
from crimedesk.ui.workspace import Workspace


@pytest.fixture
def workspace(qtbot, chicago_sample_store, tmp_path) -> Workspace:
    workspace = Workspace(chicago_sample_store, tmp_path / "settings.json")
    qtbot.addWidget(workspace.window)
    workspace.window.show()
    workspace.reload()
    qtbot.waitUntil(lambda: workspace.facts is not None, timeout=10_000)
    return workspace


def train(qtbot, workspace: Workspace, kind: str, **values) -> None:
    pane = workspace.models
    dialog = pane.open_train_dialog(kind)
    assert dialog.form is not None
    for name, value in values.items():
        editor = dialog.form.editors[name]
        assert isinstance(editor, QSpinBox)
        editor.setValue(value)
    dialog.accept()
    qtbot.waitUntil(lambda: not pane.trainer.running, timeout=60_000)


def test_a_failed_run_says_why_in_a_sentence_and_the_next_success_clears_it(qtbot, workspace):
    window, models = workspace.window, workspace.models
    train(qtbot, workspace, "hotspots_dbscan")  # the sample holds 3 days: no backtest fits them
    message = window.message_label.text()
    assert message.startswith("⚠ The backtest needs incidents from "), message
    assert message.endswith("a shorter training window.")
    assert "Error" not in message and models.status.text() == message
    (failed,) = list_experiments(workspace.engine)  # what the Models pane and the CLI list show
    assert failed.status == "failed" and failed.error.startswith("the backtest needs incidents from ")
    assert "Error" not in failed.error, failed.error

    train(qtbot, workspace, "crime_type_rf", n_estimators=10, min_frequency=5)
    assert window.message_label.text() == "" and window.message_label.toolTip() == ""
    assert models.status.text().startswith("Experiment ")


def test_another_panes_success_leaves_the_error_shown(qtbot, workspace):
    workspace.show_error("The FBI UCR figures could not be read: Disk full.", workspace.ucr)
    workspace.clear_error(workspace.models)
    assert workspace.window.message_label.text() == "⚠ The FBI UCR figures could not be read: Disk full."
    workspace.ucr.recovered.emit()
    assert workspace.window.message_label.text() == ""


def test_error_sentences():
    assert sentence("the data span 3 days") == "The data span 3 days."
    assert sentence("Done!") == "Done!"
    assert error_sentence("the trend could not be computed", ValueError("no rows")) == (
        "The trend could not be computed: No rows."
    )
    assert error_sentence("the trend could not be computed", KeyError()) == (
        "The trend could not be computed: It gave no reason; the log has the details."
    )
