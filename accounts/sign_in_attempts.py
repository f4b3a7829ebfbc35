"""Counting failed sign-ins per account, in the shared cache (no personal data in the key)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _key(email: str) -> str:
    return "sign-in-failures:" + hashlib.sha256(email.encode()).hexdigest()


def is_locked(email: str) -> bool:
    return int(cache.get(_key(email), 0)) >= MAX_FAILURES


def record_failure(email: str) -> None:
    key = _key(email)
    if cache.add(key, 1, WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
