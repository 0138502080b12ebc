"""Secret ballots: nothing in the schema or the stored rows links a choice to a voter."""

import uuid

import pytest
from django.apps import apps
from django.db import connection, models

from tests.factories import ResidentFactory
from tests.voting.factories import make_round
from voting import services
from voting.models import Ballot, BallotKind, BallotReceipt, Electorate, VotingRound

pytestmark = pytest.mark.django_db

ALLOWED_COLUMNS = {"id", "voting_round_id", "options", "code", "salt"}
TIME_TYPES = (models.DateField, models.DateTimeField, models.TimeField)


def _ballot_table_description():
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(
            cursor, Ballot._meta.db_table
        )
        constraints = connection.introspection.get_constraints(
            cursor, Ballot._meta.db_table
        )
    return columns, constraints


def test_the_choice_table_has_no_voter_time_or_sequence_column():
    columns, _constraints = _ballot_table_description()
    assert {c.name for c in columns} == ALLOWED_COLUMNS
    fields = {f.name: f for f in Ballot._meta.get_fields()}
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    assert Ballot._meta.pk.default is uuid.uuid4
    for field in fields.values():
        assert not isinstance(field, (*TIME_TYPES, models.AutoField)), field
        if field.is_relation:
            assert field.name == "voting_round"
            assert field.related_model is VotingRound


def test_no_foreign_key_or_index_of_the_choice_table_reaches_a_voter():
    _columns, constraints = _ballot_table_description()
    for name, constraint in constraints.items():
        if constraint["foreign_key"]:
            table, _column = constraint["foreign_key"]
            assert table == VotingRound._meta.db_table, name
        if constraint["index"] or constraint["unique"] or constraint["primary_key"]:
            columns = set(constraint["columns"])
            assert columns <= {"id", "voting_round_id", "code"}, name
    # ... and nothing points at a choice row from elsewhere.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            assert not (field.is_relation and field.related_model is Ballot) or (
                field.auto_created and not field.concrete
            ), f"{model.__name__}.{field.name} refers to a secret ballot"
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for constraint in connection.introspection.get_constraints(
                cursor, table
            ).values():
                if constraint["foreign_key"]:
                    assert constraint["foreign_key"][0] != Ballot._meta.db_table, table


@pytest.fixture
def secret_round(meeting, staff_user, community):
    ResidentFactory.create_batch(30, community=community)
    return make_round(
        meeting,
        by=staff_user,
        electorate=Electorate.RESIDENTS,
        ballot=BallotKind.SECRET,
        minutes=60,
    )


def _cast_all(voting_round):
    voters = list(
        voting_round.electors.select_related("resident").order_by("resident_id")
    )
    options = list(voting_round.options.all())
    codes = []
    for n, elector in enumerate(voters):
        cast = services.ballot_cast(
            voting_round=voting_round,
            voter=elector.resident,
            choice=options[n % 3],
            by=None,
            via_link=True,
        )
        codes.append(cast.code)
    return codes


def _physical_order() -> list[str]:
    """The codes in the order the database stores the rows."""
    table = connection.ops.quote_name(Ballot._meta.db_table)
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT code FROM {table} ORDER BY {order}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_receipts_of_a_secret_round_hold_no_choice_and_no_code(secret_round):
    _cast_all(secret_round)
    receipts = BallotReceipt.objects.filter(voting_round=secret_round)
    assert receipts.count() == secret_round.electorate_size
    assert all(r.options == [] and r.code == "" and r.salt == "" for r in receipts)
    assert Ballot.objects.filter(voting_round=secret_round).count() == receipts.count()


def test_after_the_close_the_stored_order_of_choices_says_nothing(secret_round):
    codes = _cast_all(secret_round)
    # While voting, rows sit in the order they were inserted ...
    assert _physical_order() == codes
    services.round_close(voting_round=secret_round, now=secret_round.closes_at)
    stored = _physical_order()
    # ... the close rewrites them in random order (30! orders: never the cast one).
    assert sorted(stored) == sorted(codes)
    assert stored != codes
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT xmin::text) FROM voting_ballot "
                "WHERE voting_round_id = %s",
                [secret_round.pk],
            )
            # One row version for all: written together, by the close.
            assert cursor.fetchone()[0] == 1
    # The ids are random, so their order says nothing either.
    ids = list(
        Ballot.objects.filter(voting_round=secret_round).values_list("id", flat=True)
    )
    assert all(i.version == 4 for i in ids)


def test_the_result_lists_codes_and_the_count_matches(secret_round):
    codes = _cast_all(secret_round)
    services.round_close(voting_round=secret_round, now=secret_round.closes_at)
    listed = set(
        Ballot.objects.filter(voting_round=secret_round).values_list("code", flat=True)
    )
    assert listed == set(codes)
    result = secret_round.result
    assert result.ballots_cast == len(codes) == sum(result.counts.values())
