"""SQL functions written in each backend's fastest form.

The analytics queries are compiled for SQLite, PostgreSQL and DuckDB (the analytics mirror), and
DuckDB's portable forms are slow: it counts with ``count_if`` three to four times faster than it
evaluates ``count(CASE WHEN ... THEN 1 END)``, and divides integers with ``//`` about twice as fast
as with ``FLOOR(a / b)``, which is what SQLAlchemy writes for it (its ``/`` is a float division).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class count_true(FunctionElement[int]):
    type = Integer()
    inherit_cache = True

    def __init__(self, column: ColumnElement[bool]) -> None:
        super().__init__(column)


@compiles(count_true)
def _portable(element: count_true, compiler: SQLCompiler, **kw: Any) -> str:
    return f"count(CASE WHEN {compiler.process(element.clauses, **kw)} THEN 1 END)"


@compiles(count_true, "duckdb")
def _duckdb(element: count_true, compiler: SQLCompiler, **kw: Any) -> str:
    # count_if is NULL, not 0, where no row is true
    return f"coalesce(count_if({compiler.process(element.clauses, **kw)}), 0)"


class int_div(FunctionElement[int]):
    """``a // b`` for non-negative integers: SQLite's and PostgreSQL's ``/`` on integers."""

    type = BigInteger()
    inherit_cache = True

    def __init__(self, dividend: ColumnElement[int], divisor: int) -> None:
        super().__init__(dividend, divisor)


@compiles(int_div)
def _portable_div(element: int_div, compiler: SQLCompiler, **kw: Any) -> str:
    dividend, divisor = (compiler.process(c, **kw) for c in element.clauses)
    return f"({dividend} / {divisor})"


@compiles(int_div, "duckdb")
def _duckdb_div(element: int_div, compiler: SQLCompiler, **kw: Any) -> str:
    dividend, divisor = (compiler.process(c, **kw) for c in element.clauses)
    return f"({dividend} // {divisor})"
