"""Counts in words: "1 epoch", "2 epochs" (a message that counts says it right)."""

from __future__ import annotations


def counted(n: int, word: str, plural: str = "") -> str:
    """`n` and `word`, in the plural (`plural`, else word + "s") unless n is 1; thousands
    separated."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"
