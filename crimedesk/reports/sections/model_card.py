"""Model card: an experiment's data, parameters, seed and code version; its backtest against every
baseline with the significance test; its forecast chart or its shapes; and the verdict in plain
words, which names the baseline to use when one does as well."""

from __future__ import annotations

import json

import pandas as pd
from reportlab.lib import colors
from reportlab.platypus import Flowable

from crimedesk.domain.errors import CrimedeskError
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.models.catalog import model_spec
from crimedesk.models.experiments import Experiment, get_experiment
from crimedesk.models.registry import KindSpec
from crimedesk.reports.context import ReportContext, filters_in_words
from crimedesk.reports.sections.base import register
from crimedesk.reports.sections.trend import chart
from crimedesk.reports.style import BODY, HEADING, SMALL, TITLE, WIDTH, table, text

MAX_SHAPES = 30


@register("model_card", "Model card")
def model_card(ctx: ReportContext) -> list[Flowable]:
    if ctx.options.experiment_id is None:
        raise ValueError("a model report needs an experiment (its id)")
    exp = get_experiment(ctx.store_conn.engine, ctx.options.experiment_id)
    if exp.status != "ok" or exp.metrics is None:
        raise CrimedeskError(f"experiment {exp.id} did not finish ({exp.status}); nothing to report")
    spec = model_spec(exp.model_kind)
    headline = spec.headline(exp.metrics)
    verdict = f"Verdict: {headline.sentence}"  # it says first, in plain words, when a baseline wins
    return [
        text(
            spec.display_name if exp.name == spec.display_name else f"{spec.display_name}: {exp.name}", TITLE
        ),
        text(verdict, BODY),
        text(f"Score: {headline.score}", BODY),
        text("Data and settings", HEADING),
        _settings(ctx, exp),
        text("Backtest against every baseline", HEADING),
        _comparison(spec, exp),
        *_picture(ctx, spec, exp),
    ]


def _settings(ctx: ReportContext, exp: Experiment) -> Flowable:
    words = filters_in_words(ctx.store_conn, FilterSnapshot.from_dict(exp.filters))
    rows: list[list[object]] = [
        ["Item", "Value"],
        ["Experiment", f"{exp.id} · {exp.model_kind} · {exp.task}"],
        ["Data (filters)", text(words)],
        ["Data fingerprint", exp.data_fingerprint[:32]],
        ["Parameters", text(json.dumps(exp.params, sort_keys=True, default=str))],
        ["Seed", str(exp.seed)],
        ["Code version", exp.code_version],
        ["Trained", f"{exp.created_at:%Y-%m-%d %H:%M} in {exp.duration_s or 0:.1f} s"],
    ]
    grid = table(rows, [0.22 * WIDTH, 0.78 * WIDTH])
    grid.setStyle([("ALIGN", (1, 0), (1, -1), "LEFT")])
    return grid


def _comparison(spec: KindSpec, exp: Experiment) -> Flowable:
    assert exp.metrics is not None
    frame = spec.comparison_table(exp.metrics)
    rows: list[list[object]] = [[str(c)[:1].upper() + str(c)[1:] for c in frame.columns]]  # PAI stays PAI
    rows += [[text(_cell(v)) for v in row] for row in frame.itertuples(index=False)]
    return table(rows, [WIDTH / len(frame.columns)] * len(frame.columns), font_size=7)


def _picture(ctx: ReportContext, spec: KindSpec, exp: Experiment) -> list[Flowable]:
    assert exp.metrics is not None
    if spec.forecast_series is not None:
        series = pd.DataFrame(spec.forecast_series(exp.metrics))
        mine = series[series["model"] == exp.model_kind].set_index("date")
        lines = [("actual", colors.black), ("forecast", colors.HexColor("#1f4e99"))]
        lines += [("lower", colors.HexColor("#9bb0d6")), ("upper", colors.HexColor("#9bb0d6"))]
        note = "Backtest: actual (black), forecast (blue) and its interval (light blue) at each origin."
        return [text("Actual against predicted", HEADING), chart(mine, lines), text(note, SMALL)]
    if spec.map_output is not None:
        from crimedesk.reports.exports.model_shapes import model_shapes

        shapes = model_shapes(ctx.store_conn.engine, exp.id).sort_values("value", ascending=False)
        measure = shapes["measure"].iloc[0] if len(shapes) else "value"
        rows: list[list[object]] = [["Shape", measure, "Area (km²)"]]
        rows += [
            [text(label), f"{value:,.3g}", f"{geometry.area / 1e6:,.2f}"]
            for label, value, geometry in zip(shapes["label"], shapes["value"], shapes.geometry, strict=True)
        ][:MAX_SHAPES]
        title = f"What the map shows: {len(shapes):,} shapes (largest {measure} first)"
        return [text(title, HEADING), table(rows, [0.5 * WIDTH, 0.25 * WIDTH, 0.25 * WIDTH], font_size=7)]
    return []


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return f"{value:,.3g}" if isinstance(value, float) else str(value)
