"""The strict JSON reader: ordinary JSON as json.loads reads it; unreadable numbers named by path."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carechoices.core.strict_json import MAX_INTEGER_DIGITS, JSONValueError, loads

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_ordinary_json_reads_as_json_loads_reads_it(value):
    text = json.dumps(value)
    assert loads(text) == json.loads(text)


def test_the_longest_integer_python_reads_is_still_read():
    assert loads("9" * MAX_INTEGER_DIGITS) == int("9" * MAX_INTEGER_DIGITS)


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        ('{"a": [1, {"b": %s}]}' % ("9" * (MAX_INTEGER_DIGITS + 1)), "a[1].b", "digits"),  # noqa: UP031
        ('{"dose_mg": -%s}' % ("1" * (MAX_INTEGER_DIGITS + 1)), "dose_mg", "digits"),  # noqa: UP031
        ('[0, NaN]', "[1]", "NaN"),
        ('{"x": Infinity}', "x", "Infinity"),
        ('{"x": -Infinity}', "x", "-Infinity"),
        ('{"x": 1e400}', "x", "too large"),
        ("1e400", "body", "too large"),
        ('{"not an identifier": NaN}', "(a key)", "NaN"),
    ],
)
def test_numbers_json_cannot_carry_are_named_by_path(text, path, words):
    with pytest.raises(JSONValueError) as raised:
        loads(text)
    assert raised.value.path == path
    assert words in raised.value.message


def test_the_first_problem_in_reading_order_is_named():
    with pytest.raises(JSONValueError) as raised:
        loads('{"a": [1, NaN], "b": NaN}')
    assert raised.value.path == "a[1]"
