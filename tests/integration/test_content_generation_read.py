"""The content generation's read: straight on the driver's cursor, or counted through Django's.

Both give the same number, both see a change made in the same transaction, and the direct one
fails as Django's would when the database cannot be reached.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from carechoices.editorial import generation
from tests.integration.test_database_outage import database_unreachable

pytestmark = pytest.mark.django_db


def test_the_direct_read_and_the_counted_read_agree_and_both_see_a_bump(
    django_assert_num_queries,
):
    assert not connection.queries_logged  # the direct path
    before = generation.read()
    with django_assert_num_queries(1):  # queries captured: Django's cursor, counted
        assert generation.read() == before

    generation.bump()

    after = generation.read()
    assert after > before
    with django_assert_num_queries(1):
        assert generation.read() == after


def test_a_wrapped_connection_reads_through_djangos_cursor():
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        generation.read()

    assert len(seen) == 1 and "generation" in seen[0]


def test_the_direct_read_raises_djangos_error_when_the_database_is_unreachable():
    with database_unreachable(), pytest.raises(OperationalError):
        generation.read()
