"""The scan detector's timing rules and the keyboard-layout mapping, without Textual or a clock."""

from __future__ import annotations

import pytest

from hardware.scan_detector import (
    ENTER,
    Candidate,
    Deliver,
    ScanDetector,
    gap_for,
    may_be_scanned,
    us_candidates,
)

MS = 0.001


def feed_all(detector: ScanDetector, keys: list[tuple[str, float]]) -> list:
    """Feed (key, time) pairs; a key is its character, "enter", or another key's name."""
    actions = []
    for key, t in keys:
        char = ENTER if key == "enter" else (key if len(key) == 1 else None)
        actions.extend(detector.feed(key, char, t))
    return actions


def burst(text: str, start: float = 0.0, step: float = 0.0005) -> list[tuple[str, float]]:
    keys = [(c, start + i * step) for i, c in enumerate(text)]
    return keys + [("enter", start + len(text) * step)]


def delivered(actions) -> list:
    return [item for action in actions if isinstance(action, Deliver) for item in action.items]


def test_a_fast_burst_ending_in_enter_is_a_timed_candidate_and_nothing_is_delivered():
    detector = ScanDetector()
    actions = feed_all(detector, burst("2000000000015"))
    assert actions == [Candidate("2000000000015", tuple("2000000000015") + ("enter",), timed=True)]
    assert detector.waiting


def test_a_burst_handed_over_in_one_read_counts_too():
    # A terminal read gives every key of the burst the same timestamp.
    actions = feed_all(ScanDetector(), burst("KH000123", step=0.0))
    assert [a.timed for a in actions] == [True]


@pytest.mark.parametrize(
    "text, step, timed",
    [
        ("12345", 0.0005, False),  # shorter than 6: only a known card makes it a scan
        ("123456", 0.0005, True),
        ("2000000000015", 0.010, False),  # 130 ms from first key to Enter: too slow by timing
        ("2000000000015", 0.007, True),  # 91 ms
    ],
)
def test_length_and_time_from_first_key_to_enter(text, step, timed):
    actions = feed_all(ScanDetector(max_seconds=0.1, min_length=6), burst(text, step=step))
    assert len(actions) == 1 and isinstance(actions[0], Candidate)
    assert actions[0].timed is timed and actions[0].text == text


def test_timing_rule_off_leaves_only_known_cards():
    actions = feed_all(ScanDetector(max_seconds=0), burst("2000000000015"))
    assert actions[0].timed is False


def test_hand_typing_is_delivered_key_by_key_after_a_short_hold():
    detector = ScanDetector()
    assert detector.feed("n", "n", 0.0) == []  # held
    assert detector.deadline == pytest.approx(detector.gap)
    assert detector.expire(0.01) == []  # not yet
    assert detector.expire(detector.gap) == [Deliver(("n",))]
    assert detector.deadline is None
    # The next key 120 ms later, with the timer late (a busy app): the gap is seen anyway.
    detector.feed("g", "g", 0.12)
    assert detector.feed("u", "u", 0.24) == [Deliver(("g",))]
    assert detector.feed("enter", ENTER, 0.40) == [Deliver(("u",)), Deliver(("enter",))]
    assert not detector.waiting


def test_enter_alone_and_other_keys_pass_at_once_and_never_overtake_held_ones():
    detector = ScanDetector()
    assert detector.feed("enter", ENTER, 0.0) == [Deliver(("enter",))]
    assert detector.feed("down", None, 0.1) == [Deliver(("down",))]
    detector.feed("a", "a", 0.2)
    detector.feed("b", "b", 0.2005)
    assert detector.feed("escape", None, 0.201) == [Deliver(("a", "b", "escape"))]
    detector.feed("x", "x", 0.3)
    assert detector.feed(" ", " ", 0.3001) == [Deliver(("x", " "))]  # a space is never in a barcode


def test_a_pasted_phone_without_enter_is_delivered_as_typing():
    detector = ScanDetector()
    assert feed_all(detector, [(c, 0.0) for c in "0912345678"]) == []
    assert delivered(detector.expire(1.0)) == list("0912345678")


def test_keys_during_a_lookup_wait_their_turn():
    detector = ScanDetector()
    feed_all(detector, burst("12345", start=0.0))  # a short candidate: the caller looks it up
    assert detector.waiting
    assert detector.feed("x", "x", 0.01) == [] and detector.feed("tab", None, 0.02) == []
    actions = detector.resume()
    assert actions == [Deliver(("x", "tab"))] and not detector.waiting


def test_a_second_scan_queued_behind_the_first_is_a_candidate_after_resume():
    detector = ScanDetector()
    first = feed_all(detector, burst("2000000000015", start=0.0))
    assert first[0].timed
    assert feed_all(detector, burst("2000000000022", start=0.05)) == []
    actions = detector.resume()
    assert actions == [Candidate("2000000000022", tuple("2000000000022") + ("enter",), timed=True)]


def test_a_runaway_burst_is_not_held_forever():
    detector = ScanDetector(max_length=8)
    actions = feed_all(detector, [(c, 0.0) for c in "abcdefghij"])
    assert delivered(actions) == list("abcdefgh") and detector.held == "ij"


def test_a_key_held_down_streams_after_a_while_instead_of_waiting_for_its_release():
    detector = ScanDetector(hold_limit=0.5)
    repeat = [("a", i * 0.033) for i in range(20)]  # auto-repeat, 30 characters a second
    first = feed_all(detector, repeat[:16])
    assert first == []  # up to half a second: held, it could still be a slow scanner
    released = delivered(first + feed_all(detector, repeat[16:]))
    assert released == ["a"] * 20  # held for half a second, then each one as it comes
    assert detector.held == ""
    # After a pause, holding starts again: a scan is still recognised.
    assert feed_all(detector, burst("2000000000015", start=2.0))[0].timed


def test_gap_follows_the_scan_time_setting():
    assert gap_for(0.1) == 0.05 and gap_for(0.06) == 0.03 and gap_for(0.01) == 0.02 and gap_for(1.0) == 0.05


def test_which_characters_may_be_scanned():
    assert all(may_be_scanned(c) for c in "aZ09-/.Жß")
    assert not any(may_be_scanned(c) for c in (None, " ", "\t", "\x1b", "ab"))


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("2000000000015", ["2000000000015"]),
        ("ЛР000123", ["KH000123"]),  # Russian ЙЦУКЕН: K is Л, H is Р
        ("ЙЦУ-123.", ["QWE-123/"]),  # and "." is where US has "/"
        ("ABß12", ["AB-12"]),  # German: ß is on the US minus key
        ("KH000Z12", ["KH000Z12", "KH000Y12"]),  # y/z could be either: the plain reading first
    ],
)
def test_layouts_are_mapped_back_to_us_characters(typed, meant):
    assert us_candidates(typed) == meant
