"""SharedFragments: kept in the shared cache per scope, never served once stale."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from core.fragments import Expiring, SharedFragments, kept_or_built

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(django_capture_on_commit_callbacks):
    fragments = SharedFragments("test", timeout=60)
    built = []

    def build(value):
        def make():
            built.append(value)
            return value

        return make

    return fragments, built, build


def test_kept_until_its_scope_changes_and_per_variant(
    kept, django_capture_on_commit_callbacks
):
    fragments, built, build = kept
    assert fragments.get_or_build("7", ("zh",), build("v1")) == "v1"
    assert fragments.get_or_build("7", ("zh",), build("v2")) == "v1"  # kept
    assert fragments.get_or_build("7", ("en",), build("en1")) == "en1"  # its own
    assert fragments.get_or_build("8", ("zh",), build("other")) == "other"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fragments.changed("7")
    # Not before the change commits: a reader may not see it in the database yet.
    assert fragments.get_or_build("7", ("zh",), build("v3")) == "v1"
    for callback in callbacks:
        callback()
    assert fragments.get_or_build("7", ("zh",), build("v4")) == "v4"
    assert fragments.get_or_build("8", ("zh",), build("x")) == "other"  # untouched
    assert built == ["v1", "en1", "other", "v4"]


def test_a_build_that_raced_a_change_is_never_served(
    kept, django_capture_on_commit_callbacks
):
    fragments, _built, build = kept
    fragments.get_or_build("7", (), build("first"))

    def racing():  # read the old rows, then the change commits before it is stored
        with django_capture_on_commit_callbacks(execute=True):
            fragments.changed("7")
        return "stale"

    assert fragments.get_or_build("7", ("other",), build("fresh-other")) == (
        "fresh-other"
    )
    with django_capture_on_commit_callbacks(execute=True):
        fragments.changed("7")
    assert fragments.get_or_build("7", (), racing) == "stale"  # this reader's own
    assert fragments.get_or_build("7", (), build("fresh")) == "fresh"


def test_a_lost_version_trusts_nothing_built_before(kept):
    fragments, _built, build = kept
    fragments.get_or_build("7", (), build("old"))
    cache.delete(fragments._version_key("7"))  # evicted, or the cache restarted
    assert fragments.get_or_build("7", (), build("new")) == "new"
    assert fragments.get_or_build("7", (), build("newer")) == "new"


def test_several_fragments_are_read_together_and_only_the_stale_one_is_built(
    kept, django_capture_on_commit_callbacks
):
    fragments, built, build = kept
    others = SharedFragments("test-others", timeout=60)
    wanted = [
        (fragments, "7", ("zh",), build("a1")),
        (others, "7", ("zh",), build("b1")),
    ]
    assert kept_or_built(wanted) == ["a1", "b1"]
    with django_capture_on_commit_callbacks(execute=True):
        others.changed("7")
    built.clear()
    again = [
        (fragments, "7", ("zh",), build("a2")),
        (others, "7", ("zh",), build("b2")),
    ]
    assert kept_or_built(again) == ["a1", "b2"]
    assert built == ["b2"]


def test_an_expiring_fragment_is_served_only_until_its_moment(kept):
    fragments, built, build = kept
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        until = start + timedelta(minutes=5)
        assert fragments.get_or_build("7", (), lambda: Expiring("v1", until)) == "v1"
        assert fragments.get_or_build("7", (), build("v2")) == "v1"
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        assert fragments.get_or_build("7", (), build("v3")) == "v3"
    # A moment already past is never kept.
    past = start - timedelta(seconds=1)
    assert fragments.get_or_build("8", (), lambda: Expiring("old", past)) == "old"
    assert fragments.get_or_build("8", (), build("new")) == "new"


def test_a_fragment_that_depends_on_other_scopes_is_forgotten_by_each(
    kept, django_capture_on_commit_callbacks
):
    fragments, built, build = kept
    council = SharedFragments("test-council", timeout=60)
    also = ((council, "3"), (fragments, "community-3"))

    def page(value):
        return fragments.get_or_build("meeting-7", ("zh",), build(value), also=also)

    assert page("v1") == "v1"
    assert page("v2") == "v1"  # kept
    with django_capture_on_commit_callbacks(execute=True):
        council.changed("4")  # another community's council
    assert page("v3") == "v1"
    with django_capture_on_commit_callbacks(execute=True):
        council.changed("3")
    assert page("v4") == "v4"
    with django_capture_on_commit_callbacks(execute=True):
        fragments.changed("community-3")
    assert page("v5") == "v5"
    with django_capture_on_commit_callbacks(execute=True):
        fragments.changed("meeting-7")
    assert page("v6") == "v6"
    assert page("v7") == "v6"
    cache.delete(council._version_key("3"))  # evicted: nothing before is trusted
    assert page("v8") == "v8"
    assert built == ["v1", "v4", "v5", "v6", "v8"]


def test_an_entry_follows_the_changes_of_the_fragments_it_names(
    kept, django_capture_on_commit_callbacks
):
    """A higher app's page kept with `follows` is forgotten by a lower app's
    announcement about the same scope, and by its own; not by another scope's."""
    _fragments, built, build = kept
    lower = SharedFragments("test-lower", timeout=60)
    page = SharedFragments("test-page", timeout=60, follows=(lower,))
    assert page.get_or_build("7", (), build("p1")) == "p1"
    assert page.get_or_build("7", (), build("p2")) == "p1"  # kept
    with django_capture_on_commit_callbacks(execute=True):
        lower.changed("8")
    assert page.get_or_build("7", (), build("p3")) == "p1"  # another scope
    with django_capture_on_commit_callbacks(execute=True):
        lower.changed("7")
    assert page.get_or_build("7", (), build("p4")) == "p4"
    with django_capture_on_commit_callbacks(execute=True):
        page.changed("7")
    assert page.get_or_build("7", (), build("p5")) == "p5"
    cache.delete(lower._version_key("7"))  # evicted: nothing before is trusted
    assert page.get_or_build("7", (), build("p6")) == "p6"
    assert page.get_or_build("7", (), build("p7")) == "p6"
    assert built == ["p1", "p4", "p5", "p6"]
