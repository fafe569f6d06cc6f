"""Shared helpers for the benchmark scripts."""
from __future__ import annotations

import statistics
import time
from contextlib import contextmanager


@contextmanager
def timer(results: list[float]):
    started = time.perf_counter()
    yield
    results.append(time.perf_counter() - started)


def best(values: list[float]) -> float:
    return min(values)


def median(values: list[float]) -> float:
    return statistics.median(values)


def line(label: str, value: str, target: str = "") -> None:
    print(f"{label:<48} {value:>14}   {target}")
