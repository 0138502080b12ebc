"""A query every request runs, with Django's SQL built once per process.

Django compiles a queryset to SQL on every evaluation. For a query of many joins
(the session's login with its memberships, communities and own records) that costs
more than the database takes to answer it, on every page. A `PreparedQuery` builds
the queryset once per thread and database, with sample values standing in for its
parameters, and then only swaps the values in, runs the SQL and makes the model
instances as `QuerySet.__iter__` does (related objects of `select_related`
included).

Only for a queryset whose SQL depends on nothing but those values: no filter on
the clock, no setting read when it is built, no `.extra()`.

On PostgreSQL the statement is also prepared on the server, once per connection
(PREPARE, then EXECUTE): a query of eight joins takes longer to plan than to run,
and a prepared one is planned for its first few runs only. Each connection holds
its own, as the server does; a new connection prepares again.
"""

import itertools
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators


class PreparedQuery:
    """`build(*values)`'s rows, its SQL compiled once with `samples` for `values`.

    Each sample must be a value of its parameter's type that no other parameter
    of the query can equal (distinct negative ids, say): each place it appears in
    the compiled parameters is where a call's value goes.
    """

    def __init__(self, build: Callable[..., QuerySet], *, samples: tuple):
        if len(set(samples)) != len(samples):
            raise ValueError(f"samples must differ: {samples!r}")
        self.build = build
        self.samples = tuple(samples)
        self._model = None
        self._generation = 0
        self._local = threading.local()

    def __call__(self, *values: Any) -> list:
        if len(values) != len(self.samples):
            raise TypeError(f"{len(self.samples)} values expected, not {len(values)}")
        if any(_beyond_bigint(value) for value in values):
            return []  # no id column holds it: the database would refuse it
        compiled = self._compiled()
        sql, params, places = compiled["sql"], compiled["params"], compiled["places"]
        params = list(params)
        for place, which in places:
            params[place] = values[which]
        compiler = compiled["compiler"]
        connection = compiler.connection
        if connection.vendor == "postgresql":
            sql = _prepared_on_server(connection, compiled)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        converters = compiled["converters"]
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return self._instances(compiled, rows)

    def forget(self) -> None:
        """Compile again on the next call, in every thread (the query has changed)."""
        self._generation += 1

    def _compiled(self) -> dict:
        if self._model is not None:
            alias = router.db_for_read(self._model)
            kept = getattr(self._local, alias, None)
            if (
                kept is not None
                and kept["generation"] == self._generation
                and kept["compiler"].connection is connections[alias]
            ):
                return kept
        queryset = self.build(*self.samples)
        self._model, alias = queryset.model, queryset.db
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        places = [
            (place, self.samples.index(param))
            for place, param in enumerate(params)
            if _is_sample(param, self.samples)
        ]
        missing = set(self.samples) - {self.samples[which] for _, which in places}
        if missing:
            raise ValueError(f"{sorted(missing)!r} not among the parameters of {sql}")
        klass_info, select = compiler.klass_info, compiler.select
        fields = [column[0] for column in select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError(f"composite fields are not supported: {sql}")
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1]
        kept = {
            "compiler": compiler,
            "sql": sql,
            "params": tuple(params),
            "places": places,
            "model": klass_info["model"],
            "fields": (start, end + 1),
            "init_list": [f[0].target.attname for f in select[start : end + 1]],
            "populators": get_related_populators(klass_info, select, alias),
            "annotations": dict(compiler.annotation_col_map or {}),
            # What results_iter() would look up on every call.
            "converters": compiler.get_converters(fields),
            "db": alias,
            "generation": self._generation,
            "name": f"yh_prepared_{next(_NAMES)}",
        }
        setattr(self._local, alias, kept)
        return kept

    @staticmethod
    def _instances(compiled: dict, rows) -> list:
        model, db, init_list = compiled["model"], compiled["db"], compiled["init_list"]
        start, end = compiled["fields"]
        instances = []
        for row in rows:
            obj = model.from_db(db, init_list, row[start:end])
            for populator in compiled["populators"]:
                populator.populate(row, obj)
            for name, position in compiled["annotations"].items():
                setattr(obj, name, row[position])
            instances.append(obj)
        return instances


def _is_sample(param, samples: tuple) -> bool:
    # True == 1: a boolean parameter is never a sample.
    return not isinstance(param, bool) and param in samples


_NAMES = itertools.count(1)
_PREPARED_ATTR = "_yishihui_prepared"


def _prepared_on_server(connection, compiled: dict) -> str:
    """EXECUTE of the statement prepared on this connection (prepared now if not).

    PREPARE goes through the driver's own cursor: it is no query of the page
    (the tests count queries), and a rollback does not undo it. Its parameters are
    numbered as PostgreSQL writes them ($1, $2, ...) and typed by their columns.
    """
    connection.ensure_connection()
    raw = connection.connection
    kept = getattr(connection, _PREPARED_ATTR, None)
    if kept is None or kept[0] is not raw:
        kept = (raw, set())
        setattr(connection, _PREPARED_ATTR, kept)
    name, count = compiled["name"], len(compiled["params"])
    if name not in kept[1]:
        numbered = compiled["sql"].replace("%%", "\x00") % tuple(
            f"${n}" for n in range(1, count + 1)
        )
        with raw.cursor() as cursor:
            cursor.execute(f"PREPARE {name} AS {numbered.replace(chr(0), '%')}")
        kept[1].add(name)
    if not count:
        return f"EXECUTE {name}"
    return f"EXECUTE {name} ({', '.join(['%s'] * count)})"


def _beyond_bigint(value) -> bool:
    return isinstance(value, int) and not -(2**63) <= value < 2**63
