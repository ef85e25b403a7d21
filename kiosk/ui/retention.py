"""Personal answers kept no longer than the retention: purged by the running kiosk itself.

The admin need not remember ``kiosk-sync purge``: a minute after start and then every few
hours the kiosk erases the answers of requests past ``retention_days`` that the server has
acknowledged (the use case never touches unsynced requests).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from kiosk.bootstrap import KioskApp
from kiosk.ui.tasks import run_task
from kiosk.usecases.privacy import purge_personal_data

log = logging.getLogger(__name__)

FIRST_RUN_MS = 60_000
EVERY_MS = 6 * 3600 * 1000


class RetentionKeeper(QObject):
    def __init__(
        self,
        app: KioskApp,
        parent: QObject | None = None,
        *,
        first_ms: int = FIRST_RUN_MS,
        every_ms: int = EVERY_MS,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self.purged_total = 0
        self._timer = QTimer(self)
        self._timer.setInterval(every_ms)
        self._timer.timeout.connect(self.purge_now)
        QTimer.singleShot(first_ms, self.purge_now)
        self._timer.start()

    def purge_now(self) -> None:
        ctx, days = self._app.context, self._app.settings.retention_days
        run_task(lambda: purge_personal_data(ctx, days), self._done)

    def _done(self, purged: object, error: BaseException | None) -> None:
        if error is not None:
            log.warning("purging old personal answers failed: %r", error)
            return
        self.purged_total += int(purged or 0)
        if purged:
            log.info("purged the personal answers of %s requests", purged)
