"""Unit of work: one transaction; it rolls back unless ``commit()`` is called."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store.db import StoreUnavailable, classify_sqlite_error


class UnitOfWork(Protocol):
    session: Session

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...


UnitOfWorkFactory = Callable[..., UnitOfWork]


class SqlUnitOfWork:
    """``with uow_factory() as uow: ...; uow.commit()``.

    ``read_only=True`` starts a deferred transaction that never blocks on a writer (WAL).
    A database that cannot be written surfaces as :class:`StoreUnavailable`, after the
    transaction has been rolled back, so no half-written rows are left.
    """

    def __init__(self, session_factory: sessionmaker[Session], *, read_only: bool = False):
        self._session_factory = session_factory
        self._read_only = read_only

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        if self._read_only:
            self.session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, DBAPIError):
            translated = classify_sqlite_error(exc)
            if translated is not None:
                raise translated from exc

    def commit(self) -> None:
        try:
            self.session.commit()
        except DBAPIError as exc:
            self.session.rollback()
            translated = classify_sqlite_error(exc)
            if translated is not None:
                raise translated from exc
            raise


def make_uow_factory(engine: Engine) -> UnitOfWorkFactory:
    session_factory = sessionmaker(engine, expire_on_commit=False)

    def factory(*, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory, read_only=read_only)

    return factory


__all__ = ["SqlUnitOfWork", "StoreUnavailable", "UnitOfWork", "UnitOfWorkFactory"]
