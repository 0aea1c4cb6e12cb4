"""Candidate names for "did you mean": a character-count filter over bitsets.

A misspelling and the name it misspells have almost the same letters: ``codiene`` and
``codeine`` have the same seven, ``tramadoll`` shares eight of its nine with ``tramadol``.
:class:`CharacterCountIndex` finds, among the names of a given length, those sharing at
least a given number of characters with a query, counting repeats (the size of the
multiset intersection, often called the bag distance). The vocabulary works out that
number from its own acceptance rules (``vocabulary._min_shared_characters``): every name
those rules can accept shares at least that many, so scoring only the names found here
gives exactly what scoring every name of the right lengths gives, at a fraction of the
cost. Nothing here decides what is close; it only leaves out names that cannot be.

How: for each length, each character and each count ``k``, the names of that length with
at least ``k`` of the character are one Python integer used as a bitset (bit ``i`` is the
``i``-th name). A query's characters, counted with repeats, are its items: ``tramadoll``
has ``t r a a m d o l l``. A name may miss at most ``len(query) - min_shared`` of the
items; counting the misses for every name at once takes two bitwise operations per item and
allowed miss (one bitset per miss count, as in a bit-parallel counter). The bitsets of
one length and one character are built the first time a query needs them: all the names of
that length joined into one byte string, the character's positions marked with 1, and one
multiplication summing each name's bytes (a name is ``length`` bytes, each sum is at most
``length``, so no byte carries into the next). Memory is a few bits per name and
character: about 2 MiB for the whole index, against hundreds of MiB for a symmetric-delete
(SymSpell) dictionary of the same names.

Standard library only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["CharacterCountIndex"]

#: A name length up to which the multiplication trick applies (each byte sum stays below
#: 256); longer names are counted one by one. No query comes near it.
_MAX_FAST_LENGTH = 255

#: ``_AT_LEAST[k]`` maps a byte holding a count to the ASCII digit "1" when the count is at
#: least ``k`` and to "0" otherwise, so ``int(counts.translate(_AT_LEAST[k]), 2)`` is the
#: bitset of the names with at least ``k`` of a character.
_AT_LEAST = tuple(bytes(49 if value >= k else 48 for value in range(256)) for k in range(257))
#: Up to this many names are read off a bitset one lowest bit at a time; more, from its
#: binary digits (on classes of about 4,000 names, ``bin`` and a scan cost about as much as
#: fourteen names read off one at a time, three bit operations each).
_FEW_BITS = 14
#: ``_MARK[c]`` maps the byte ``c`` to 1 and every other byte to 0.
_MARK = tuple(bytes(1 if value == code else 0 for value in range(256)) for code in range(128))

#: The bitsets of one character in one length class, ``(haves, lacks)``: for each count
#: ``k = 1, 2, ...``, the names with at least ``k`` of it, and the others. Kept as two
#: tuples, because a query with misses to spare reads only the lacks and one with none only
#: the have of each character's count.
_Bits = tuple[tuple[int, ...], tuple[int, ...]]
_NONE: _Bits = ((), ())


class _LengthClass:
    """The names of one length and their per-character bitsets (built on demand)."""

    __slots__ = (
        "_by_char",
        "_chars",
        "_data",
        "_lock",
        "_repunit",
        "everyone",
        "length",
        "names",
    )

    def __init__(self, length: int, names: Sequence[str]) -> None:
        self.length = length
        self.names = tuple(names)
        self.everyone = (1 << len(self.names)) - 1
        self._by_char: dict[str, _Bits] = {}
        self._chars: frozenset[str] | None = None
        self._data = b""
        self._repunit = 0
        self._lock = threading.Lock()

    def bits(self, char: str) -> _Bits:
        """The bitsets of ``char``, built the first time they are asked for."""
        found = self._by_char.get(char)
        if found is None:
            if self._chars is None:
                self._prepare()
            if char not in self._chars:  # type: ignore[operator]
                return _NONE  # not cached: a query may hold any character at all
            # Building twice in two threads would give the same value; the lock only saves
            # the work.
            with self._lock:
                found = self._by_char.get(char)
                if found is None:
                    found = self._build(char)
                    self._by_char[char] = found
        return found

    def _build(self, char: str) -> _Bits:
        # int(..., 2) reads the first digit as the highest bit: reverse, so name i is bit i.
        backwards = self._counts(char)[::-1]
        haves: list[int] = []
        for k in range(1, len(_AT_LEAST)):
            digits = backwards.translate(_AT_LEAST[k])
            if b"1" not in digits:
                break
            haves.append(int(digits, 2))
        return tuple(haves), tuple(self.everyone ^ have for have in haves)

    def _prepare(self) -> None:
        with self._lock:
            if self._chars is not None:
                return
            joined = "".join(self.names)
            if self.length <= _MAX_FAST_LENGTH and joined.isascii():
                self._data = joined.encode("ascii")
                self._repunit = int.from_bytes(b"\x01" * self.length, "little")
            self._chars = frozenset(joined)

    def _counts(self, char: str) -> bytes:
        """How many times each name holds ``char`` (one of its characters), one byte per name."""
        if not self._data:  # a name with a non-ASCII character, or a very long class
            return bytes(min(name.count(char), 255) for name in self.names)
        # Mark the character's positions, then sum each name's bytes: byte p of the product
        # is the sum of the `length` bytes ending at p, so the last byte of each name holds
        # that name's count (at most `length` < 256: nothing carries).
        marked = int.from_bytes(self._data.translate(_MARK[ord(char)]), "little")
        summed = (marked * self._repunit).to_bytes(len(self._data) + self.length, "little")
        return summed[self.length - 1 : len(self._data) : self.length]

    def sharing(self, items: Sequence[tuple[str, int]], misses: int) -> list[str]:
        """The names holding all but at most ``misses`` of the items: ``(character, count)``
        pairs, so "tramadoll" is ``t r a m d o l`` with ``a`` and ``l`` counted twice."""
        if misses < 0:
            return []
        by_char, everyone = self._by_char, self.everyone
        if misses == 0:
            # Every item held: for each character, the names with at least its count (the
            # names with more of it are among them).
            found = everyone
            for char, count in items:
                haves = (by_char.get(char) or self.bits(char))[0]
                if count > len(haves):
                    return []
                found &= haves[count - 1]
                if not found:
                    return []
            return self._names_in(found)
        lacks: list[int] = []
        for char, count in items:
            lacking = (by_char.get(char) or self.bits(char))[1]
            if count == 1 and lacking:
                lacks.append(lacking[0])
            elif count <= len(lacking):
                lacks.extend(lacking[:count])
            else:  # more of it than any name holds: those items every name lacks
                lacks.extend(lacking)
                lacks.extend([everyone] * (count - len(lacking)))
        if misses >= len(lacks):
            return list(self.names)
        return self._names_in(self._within(lacks, misses))

    def _within(self, lacks: Sequence[int], misses: int) -> int:
        """Bitset of the names missing at most ``misses`` of the items (a counter per name).

        ``lacks`` holds, per item, the names that lack it. ``over[j]`` holds the names that
        have missed more than ``j`` items so far: an item a name lacks moves it up one level,
        two bit operations per item and level, and the answer is everyone not past ``misses``.
        """
        if misses == 1:
            over_0 = over_1 = 0
            for lack in lacks:
                over_1 |= over_0 & lack
                over_0 |= lack
            return self.everyone ^ over_1
        if misses == 2:
            over_0 = over_1 = over_2 = 0
            for lack in lacks:
                over_2 |= over_1 & lack
                over_1 |= over_0 & lack
                over_0 |= lack
            return self.everyone ^ over_2
        over = [0] * (misses + 1)
        for lack in lacks:
            for j in range(misses, 0, -1):
                over[j] |= over[j - 1] & lack
            over[0] |= lack
        return self.everyone ^ over[misses]

    def _names_in(self, found: int) -> list[str]:
        """The names whose bits are set (lowest bit first for a few, else highest first)."""
        if not found:
            return []
        names = self.names
        if found.bit_count() <= _FEW_BITS:
            chosen = []
            while found:
                lowest = found & -found
                chosen.append(names[lowest.bit_length() - 1])
                found ^= lowest
            return chosen
        digits = bin(found)
        top = len(digits) - 1  # digits[top] is bit 0 ("0b" comes first)
        chosen = []
        position = digits.find("1", 2)
        while position >= 0:
            chosen.append(names[top - position])
            position = digits.find("1", position + 1)
        return chosen

    def build_all(self) -> None:
        """Build the bitsets of every character the names hold (for measuring)."""
        if self._chars is None:
            self._prepare()
        for char in sorted(self._chars):  # type: ignore[arg-type]
            self.bits(char)

    def bitset_count(self) -> int:
        return sum(len(haves) for haves, _ in self._by_char.values())


class CharacterCountIndex:
    """Names by length; finds those sharing at least so many characters with a query.

    ``by_length`` maps a length to the names of that length (a name may appear twice: it
    is then found twice). The bitsets are built per length and character the first time a
    query needs them, so creating the index costs nothing and the first miss pays only for
    the lengths and letters it uses (:meth:`build_all` builds everything at once).
    """

    def __init__(self, by_length: Mapping[int, Sequence[str]]) -> None:
        self._classes = {
            length: _LengthClass(length, names) for length, names in by_length.items() if names
        }

    def sharing(self, query: str, wanted: Iterable[tuple[int, int]]) -> list[str]:
        """Names of each length ``m`` sharing at least ``min_shared`` characters with ``query``.

        ``wanted`` holds ``(m, min_shared)`` pairs. Characters count with their repeats:
        "tramadoll" and "tramadol" share eight. The names come length by length, in the
        order of ``wanted``, each length's in the order given to the index.
        """
        # Each character with its count, in order of first appearance (what Counter gives;
        # counted here because Counter's own path, an ABC check and more, costs a
        # request that starts with cold CPU caches tens of microseconds).
        counts: dict[str, int] = {}
        for char in query:
            counts[char] = counts.get(char, 0) + 1
        items = tuple(counts.items())
        found: list[str] = []
        for length, min_shared in wanted:
            names = self._classes.get(length)
            if names is not None:
                found.extend(names.sharing(items, len(query) - min_shared))
        return found

    def build_all(self) -> None:
        """Build every bitset now (the bench times this; lookups never need to)."""
        for names in self._classes.values():
            names.build_all()

    def bitset_count(self) -> int:
        """How many bitsets are built so far (a count's have and its lack count once)."""
        return sum(names.bitset_count() for names in self._classes.values())
