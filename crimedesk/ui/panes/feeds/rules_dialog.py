"""Which sensor alerts notify: the user's rules, kept in the settings file (``alert_rules``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.config.settings import Settings, load_settings, update_settings
from crimedesk.feeds.alerts import AlertRule, describe
from crimedesk.regions.store import layer_names
from crimedesk.ui.runtime.workers import submit
from crimedesk.ui.widgets.plain_text import PlainLabel


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


class AlertRulesDialog(QDialog):
    """An alert notifies when any rule matches it; no rule: alerts are drawn, never notified."""

    def __init__(self, engine: Engine, settings_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sensor alert notifications")
        self.settings_file = settings_file
        self.rules = [AlertRule.from_dict(r) for r in load_settings(settings_file).alert_rules]
        self.layers: dict[int, str] = {}
        self.list = QListWidget()  # items show plain text
        self.kinds = QLineEdit()
        self.kinds.setPlaceholderText("gunshot, explosion (empty: any type)")
        self.confidence = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.05, value=0.5)
        self.layer = QComboBox()
        self.layer.addItem("anywhere", None)
        self.regions = QLineEdit()
        self.regions.setPlaceholderText("region ids, e.g. 10, 11 (empty: any region of the layer)")
        self.where = QComboBox()
        self.where.addItem("inside", True)
        self.where.addItem("outside", False)
        self.add_button, self.remove_button = QPushButton("Add rule"), QPushButton("Remove selected")
        self._build()
        self.add_button.clicked.connect(self.add_rule)
        self.remove_button.clicked.connect(self.remove_rule)
        self._show_rules()
        submit(lambda _p, _c: _layers(engine), finished=self._layers_loaded)

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("Types", self.kinds)
        form.addRow("Confidence at least", self.confidence)
        form.addRow("Boundary layer", self.layer)
        form.addRow("Regions", self.regions)
        form.addRow("Alert", self.where)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(PlainLabel("An alert shows a notification when any of these rules matches it."))
        layout.addWidget(self.list)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(buttons)

    def _layers_loaded(self, layers: list[tuple[int, str]]) -> None:
        self.layers = dict(layers)
        for layer_id, name in layers:
            self.layer.addItem(name, layer_id)
        self._show_rules()

    def _show_rules(self) -> None:
        self.list.clear()
        for rule in self.rules:
            self.list.addItem(describe(rule, self.layers.get(rule.region_layer_id or -1)))

    def add_rule(self) -> None:
        layer = self.layer.currentData()
        rule = AlertRule(
            kinds=_words(self.kinds.text()),
            min_confidence=round(self.confidence.value(), 2),
            region_layer_id=layer,
            region_ids=_words(self.regions.text()) if layer is not None else (),
            inside=bool(self.where.currentData()),
        )
        self.rules.append(rule)
        self._show_rules()

    def remove_rule(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.rules):
            del self.rules[row]
            self._show_rules()

    def accept(self) -> None:
        rules = [rule.to_dict() for rule in self.rules]

        def change(settings: Settings) -> None:
            settings.alert_rules = rules

        update_settings(change, self.settings_file)
        super().accept()


def _layers(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return layer_names(conn)
