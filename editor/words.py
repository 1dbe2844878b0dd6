"""Numbers in words: counts ("1 epoch", "2 epochs"), bytes and seconds, said the same way everywhere."""

from __future__ import annotations


def counted(n: int, word: str, plural: str = "") -> str:
    """`n` and `word`, in the plural (`plural`, else word + "s") unless n is 1; thousands
    separated."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def format_bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def format_seconds(s: float) -> str:
    if s < 1:
        return f"{s * 1000:.0f} ms"
    if s < 120:
        return f"{s:.1f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"
