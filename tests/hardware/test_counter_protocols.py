"""Counter protocols from byte streams: line ends, spaces, garbage, long lines, split reads."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from hardware.counter import PROTOCOLS, Protocol, PulseProtocol, Reading, TotalsProtocol, make_protocol


def totals(*chunks: bytes) -> list[tuple[int, int | None]]:
    protocol = TotalsProtocol()
    got = []
    for chunk in chunks:
        got.extend((r.visitors_in, r.visitors_out) for r in protocol.feed(chunk))
    return got


def test_lf_and_crlf_lines_mixed():
    assert totals(b"IN=5;OUT=1\r\nIN=6;OUT=1\nIN=7;OUT=2\r\n") == [(5, 1), (6, 1), (7, 2)]


def test_spaces_lower_case_keys_and_a_trailing_semicolon():
    assert totals(b"  in = 12 ; out = 3 \r\n", b"In=13;Out=4;\n", b"IN =14;OUT= 5\n") == [(12, 3), (13, 4), (14, 5)]


def test_out_is_optional_and_order_is_free():
    assert totals(b"IN=9\n", b"OUT=2;IN=10\n") == [(9, None), (10, 2)]


def test_a_reading_split_across_reads_is_put_together():
    assert totals(b"IN=1", b"23;OU", b"T=4", b"5\r", b"\nIN=124\n") == [(123, 45), (124, None)]
    one_byte_at_a_time = [bytes([b]) for b in b"IN=7;OUT=3\r\n"]
    assert totals(*one_byte_at_a_time) == [(7, 3)]


def test_garbage_lines_are_logged_and_skipped(caplog):
    caplog.set_level(logging.WARNING)
    got = totals(
        b"IN=5;OUT=1\n",
        b"hello\n",  # not a reading
        b"OUT=3\n",  # IN is required
        b"IN=5;IN=6\n",  # a key twice
        b"IN=5;SIDE=2\n",  # an unknown key
        b"IN=-4\n",  # not a count
        b"IN=\xff\xfe\n",  # not ASCII
        b"IN=8;OUT=2\n",
    )
    assert got == [(5, 1), (8, 2)]
    skipped = [r for r in caplog.records if "is not a totals reading" in r.getMessage()]
    assert len(skipped) == 6


def test_empty_lines_are_skipped_quietly(caplog):
    caplog.set_level(logging.WARNING)
    assert totals(b"\n\r\n   \r\nIN=2\n\n") == [(2, None)]
    assert caplog.records == []


def test_over_long_lines_are_skipped_up_to_their_newline(caplog):
    caplog.set_level(logging.WARNING)
    protocol = TotalsProtocol()
    assert protocol.feed(b"IN=1\n" + b"x" * 200) == [Reading(1, None, line="IN=1")]
    assert protocol.feed(b"y" * 100) == []  # 300 bytes without a newline: dropped
    assert protocol.feed(b"z" * 1000) == []  # still the same line, still dropped
    assert protocol.feed(b"IN=99\nIN=2\n") == [Reading(2, None, line="IN=2")]  # its tail is skipped too
    assert len(protocol._buffer) == 0
    # A long line that arrives whole, with its newline, is skipped as well.
    assert protocol.feed(b"IN=3;" + b" " * 300 + b"\nIN=4\n") == [Reading(4, None, line="IN=4")]
    assert sum("longer than 256 bytes" in r.getMessage() for r in caplog.records) == 2


def test_a_line_of_exactly_the_limit_with_its_cr_is_read():
    line = b"IN=77" + b" " * (256 - 5)
    assert len(line) == 256
    assert totals(line[:100], line[100:] + b"\r", b"\n") == [(77, None)]


def test_pulse_every_non_empty_line_is_one_visitor():
    protocol = PulseProtocol()
    got = protocol.feed(b"P\r\n\n*\nIN=5\r\n  \n")
    got += protocol.feed(b"beam")
    got += protocol.feed(b" broken\n")
    assert [(r.visitors_in, r.visitors_out, r.cumulative) for r in got] == [(1, None, False)] * 4
    assert [r.line for r in got] == ["P", "*", "IN=5", "beam broken"]


def test_readings_carry_the_time_they_arrived():
    at = dt.datetime(2025, 3, 14, 10, 59, 59)
    protocol = TotalsProtocol()
    assert protocol.feed(b"IN=5", at=at - dt.timedelta(seconds=1)) == []
    assert protocol.feed(b"\n", at=at) == [Reading(5, None, True, "IN=5", at)]


def test_reset_forgets_a_partial_line():
    protocol = TotalsProtocol()
    assert protocol.feed(b"IN=12") == []
    protocol.reset()
    assert protocol.feed(b"3\nIN=4\n") == [Reading(4, None, line="IN=4")]  # "3" alone is no reading


def test_the_registry_makes_a_new_counter_one_small_class():
    class Tally(Protocol):
        name = "tally"

        def parse_line(self, line):
            return Reading(int(line), None, cumulative=False, line=line) if line.isdigit() else None

    assert sorted(PROTOCOLS) == ["pulse", "totals"]
    assert isinstance(make_protocol("TOTALS"), TotalsProtocol)
    with pytest.raises(LookupError):
        make_protocol("nope")
    assert [r.visitors_in for r in Tally().feed(b"3\r\nx\n4\n")] == [3, 4]
