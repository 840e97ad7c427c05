"""A calendar month, as the month-end workbook and its long sheets read it."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from .. import clock
from ..limits import cli_month
from ..reports.query import ReportQuery


@dataclass(frozen=True)
class Month:
    first: dt.date

    @classmethod
    def parse(cls, text: str) -> Month:
        return cls(cli_month(text))

    @property
    def last(self) -> dt.date:
        return self.first.replace(day=calendar.monthrange(self.first.year, self.first.month)[1])

    @property
    def start(self) -> dt.datetime:
        return clock.start_of_day(self.first)

    @property
    def end(self) -> dt.datetime:
        return clock.end_of_day(self.last)

    @property
    def label(self) -> str:
        return f"{self.first.year:04d}-{self.first.month:02d}"

    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range(self.last.day)]

    def previous(self) -> Month:
        return Month((self.first - dt.timedelta(days=1)).replace(day=1))

    def year_before(self) -> Month:
        return Month(self.first.replace(year=self.first.year - 1))

    def query(self, **options) -> ReportQuery:
        return ReportQuery(as_of=self.last, date_from=self.first, date_to=self.last, options=options)
