"""A query every request runs, with Django's SQL built once per process.

Django compiles a queryset to SQL on every evaluation. For a query of many joins
(the session's login with its memberships, communities and own records) that costs
more than the database takes to answer it, on every page. A `PreparedQuery` builds
the queryset once per thread and database, with a sample value standing in for its
one parameter, and then only swaps the value in, runs the SQL and makes the model
instances as `QuerySet.__iter__` does (related objects of `select_related`
included).

Only for a queryset whose SQL depends on nothing but that one value: no filter on
the clock, no setting read when it is built, no `.extra()`.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import get_related_populators


class PreparedQuery:
    """`build(value)`'s rows, its SQL compiled once with `sample` for `value`.

    `sample` must be a value of the parameter's type that no other parameter of
    the query can equal (a negative id, say): each place it appears in the
    compiled parameters is where a call's value goes.
    """

    def __init__(self, build: Callable[[Any], QuerySet], *, sample: Any):
        self.build = build
        self.sample = sample
        self._model = None
        self._generation = 0
        self._local = threading.local()

    def __call__(self, value: Any) -> list:
        compiled = self._compiled()
        sql, params, places = compiled["sql"], compiled["params"], compiled["places"]
        params = list(params)
        for place in places:
            params[place] = value
        compiler = compiled["compiler"]
        with compiler.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return self._instances(compiled, compiler.results_iter([rows]))

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
        queryset = self.build(self.sample)
        self._model, alias = queryset.model, queryset.db
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        places = [i for i, param in enumerate(params) if param == self.sample]
        if not places:
            raise ValueError(f"{self.sample!r} is not a parameter of {sql}")
        klass_info, select = compiler.klass_info, compiler.select
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
            "db": alias,
            "generation": self._generation,
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
