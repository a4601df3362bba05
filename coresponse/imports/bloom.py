"""A Bloom filter: "certainly new" or "maybe seen" for millions of keys in a few megabytes.

The call import asks it whether an incident number may already exist (in the database or
earlier in the same file). "Certainly new" rows go straight into the bulk insert; only
"maybe seen" rows are checked exactly against the database. Memory stays proportional to
the number of keys (about 2 bytes each), never to the size of the rows.
"""

from __future__ import annotations

from collections.abc import Hashable

BITS_PER_KEY = 16
MAX_BITS = 1 << 30  # 128 MB: beyond ~60 million keys more rows simply take the exact path


class BloomFilter:
    """Two probes per key, from the two halves of one 64-bit hash; about 1 % false "maybe"
    at the planned size. Hashes are Python's own, so a filter lives within one process."""

    def __init__(self, expected_keys: int) -> None:
        bits = min(MAX_BITS, max(1 << 16, expected_keys * BITS_PER_KEY))
        self.size = bits
        self.bits = bytearray((bits + 7) // 8)

    def add_if_absent(self, key: Hashable) -> bool:
        """Record `key`; return True when it may have been recorded before."""
        value = hash(key) & 0xFFFFFFFFFFFFFFFF
        size = self.size
        first = value % size
        second = ((value >> 32) | 1) % size
        bits = self.bits
        first_byte, first_mask = first >> 3, 1 << (first & 7)
        second_byte, second_mask = second >> 3, 1 << (second & 7)
        if bits[first_byte] & first_mask and bits[second_byte] & second_mask:
            return True
        bits[first_byte] |= first_mask
        bits[second_byte] |= second_mask
        return False
