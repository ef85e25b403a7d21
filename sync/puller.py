"""Pulling request statuses: the server's changes feed, page by page, into a status inbox.

The feed (``GET /api/v1/status-changes``) is a cursor-paged list of the outpost's status
changes in the server's order. Rules this module keeps (docs/sync-protocol.md, "The
kiosk's pull"):

* each page is applied in ONE local transaction together with the cursor that follows it
  (the inbox's ``apply``): a pull cut off anywhere resumes after the last page applied,
  and a page applied twice changes nothing (the inbox keeps only higher versions);
* pages are asked for until the server says ``more`` is false: a kiosk back after a week
  offline catches up in one pull;
* a cursor the server no longer accepts (410 ``cursor_reset``) is dropped and the feed read
  again from the start, once per pull; what the inbox holds is replaced only by higher
  versions, so nothing goes backwards.

``sync`` never sees where the statuses are kept: the kiosk implements :class:`StatusInbox`
over its store (``kiosk.usecases.status.KioskStatusInbox``); the tests of ``sync`` use an
in-memory one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from sync.client import CursorReset, SyncClient
from sync.protocol import MAX_STATUS_CHANGES_PAGE, StatusChangesPage


class StatusInbox(Protocol):
    """Where pulled statuses are kept."""

    def cursor(self) -> str | None:
        """The cursor after the last page applied; None before the first (or after reset)."""

    def apply(self, page: StatusChangesPage) -> int:
        """Keep the page's changes whose version is higher than the one held, and the page's
        cursor, in one transaction; returns how many changes were kept."""

    def reset(self) -> None:
        """Drop the cursor (the statuses held stay): the next pull starts from the start."""


@dataclass(frozen=True)
class PullProgress:
    pages: int
    changes: int
    """Changes received so far in this pull."""
    applied: int
    """Of them, how many were newer than what the inbox held."""
    elapsed_s: float


@dataclass
class PullSummary:
    pages: int = 0
    changes: int = 0
    applied: int = 0
    resets: int = 0
    """How many times the server refused the cursor (410) and the feed was read anew."""
    elapsed_s: float = 0.0

    @property
    def replayed(self) -> int:
        """Changes received that the inbox already held (or held newer)."""
        return self.changes - self.applied


class CursorKeepsResetting(CursorReset):
    """The server refused even the start of its own feed: something is wrong over there."""


def pull_statuses(
    inbox: StatusInbox,
    client: SyncClient,
    *,
    progress: Callable[[PullProgress], None] | None = None,
    page_size: int = MAX_STATUS_CHANGES_PAGE,
    max_pages: int | None = None,
) -> PullSummary:
    """Pull every status change after the inbox's cursor, until the server has no more.

    While one page is applied the next is already being fetched (the page just received
    names it): the kiosk's disk and the server's work overlap instead of taking turns. A
    page fetched ahead is only kept once the page before it is; if anything fails it is
    dropped, and the next pull asks for it again from the cursor kept.

    Raises the client's errors (``SyncAuthError``, ``SyncTransientError`` ...) as they come:
    the pages applied before stay applied. ``max_pages`` bounds one pull (None: no bound).
    """
    size = max(1, min(page_size, MAX_STATUS_CHANGES_PAGE))
    summary = PullSummary()
    started = time.monotonic()
    reset_allowed = True
    # One fetching thread: the client is used by one thread at a time, as it requires.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="status-pull") as fetcher:
        since = inbox.cursor()
        ahead: Future[StatusChangesPage] | None = fetcher.submit(client.status_changes, since, size)
        while ahead is not None:
            try:
                page = ahead.result()
            except CursorReset as exc:
                if not (reset_allowed and since):
                    raise CursorKeepsResetting(str(exc), exc.status) from None
                reset_allowed = False
                summary.resets += 1
                inbox.reset()
                since = None
                ahead = fetcher.submit(client.status_changes, since, size)
                continue
            done = not page.more or (not page.changes and page.cursor == since)
            # the end, or a server that says "more" but moves nowhere: ask next time
            bounded = max_pages is not None and summary.pages + 1 >= max_pages
            ahead = None
            if not done and not bounded:
                ahead = fetcher.submit(client.status_changes, page.cursor, size)
            try:
                summary.applied += inbox.apply(page)
            except BaseException:
                if ahead is not None:
                    ahead.cancel()
                raise
            since = page.cursor
            summary.pages += 1
            summary.changes += len(page.changes)
            if progress is not None:
                progress(
                    PullProgress(
                        summary.pages, summary.changes, summary.applied, time.monotonic() - started
                    )
                )
    summary.elapsed_s = time.monotonic() - started
    return summary
