"""Key events to text (layouts, modifiers, repeats) and text to scans (terminators, gaps)."""

from __future__ import annotations

import pytest

evdev = pytest.importorskip("evdev")
from evdev import ecodes  # noqa: E402

from hardware.scanner.assembler import ScanAssembler  # noqa: E402
from hardware.scanner.keymap import ENTER, TAB, KeyDecoder, decode  # noqa: E402
from shoptui.errors import ValidationError  # noqa: E402
from tests.hardware.evdev_fakes import STEP, event, key, keystrokes  # noqa: E402


def scans_of(events, gap=0.05, layout="us", until: float | None = None) -> list[str]:
    """Decode and assemble like the reader does; ``until``: the time silence is checked at the end."""
    decoder, assembler = KeyDecoder(layout), ScanAssembler(gap)
    scans: list[str] = []
    for ev in events:
        text = decoder.feed(ev)
        if text:
            scans += assembler.feed(text, ev.timestamp())
    if until is not None and (scan := assembler.poll(until)):
        scans.append(scan)
    return scans


# -- decoding -------------------------------------------------------------


def test_digits_and_lower_case_letters_us():
    assert decode(keystrokes("8934567890128")) == "8934567890128"
    assert decode(keystrokes("abc xyz")) == "abc xyz"


def test_shift_gives_capitals_and_symbols():
    assert decode(keystrokes('CARD-00042_X!@#$%^&*()+{}|:"<>?~')) == 'CARD-00042_X!@#$%^&*()+{}|:"<>?~'


def test_shift_released_ends_capitals():
    t = 1.0
    events = (
        key(t, ecodes.KEY_RIGHTSHIFT, 1)
        + key(t, ecodes.KEY_A, 1)
        + key(t, ecodes.KEY_A, 0)
        + key(t, ecodes.KEY_RIGHTSHIFT, 0)
        + key(t, ecodes.KEY_A, 1)
        + key(t, ecodes.KEY_A, 0)
    )
    assert decode(events) == "Aa"


def test_held_key_repeats_are_ignored():
    t = 1.0
    events = (
        key(t, ecodes.KEY_7, 1)
        + [event(t + 0.5 + i * 0.03, ecodes.EV_KEY, ecodes.KEY_7, 2) for i in range(5)]
        + key(t + 0.7, ecodes.KEY_7, 0)
        + key(t + 0.8, ecodes.KEY_8, 1)
        + key(t + 0.8, ecodes.KEY_8, 0)
    )
    assert decode(events) == "78"


def test_held_shift_repeats_keep_shift():
    t = 1.0
    events = (
        key(t, ecodes.KEY_LEFTSHIFT, 1)
        + [event(t, ecodes.EV_KEY, ecodes.KEY_LEFTSHIFT, 2)] * 3
        + key(t, ecodes.KEY_B, 1)
        + key(t, ecodes.KEY_B, 0)
    )
    assert decode(events) == "B"


def test_enter_keypad_enter_and_tab_are_terminators():
    for code, expected in ((ecodes.KEY_ENTER, ENTER), (ecodes.KEY_KPENTER, ENTER), (ecodes.KEY_TAB, TAB)):
        assert KeyDecoder().feed(event(1.0, ecodes.EV_KEY, code, 1)) == expected


def test_keypad_digits_type_digits():
    events = []
    for d in "2024":
        code = getattr(ecodes, f"KEY_KP{d}")
        events += key(1.0, code, 1) + key(1.0, code, 0)
    assert decode(events) == "2024"


def test_german_layout_swaps_y_and_z_and_moves_symbols():
    t = 1.0
    strokes = [ecodes.KEY_Y, ecodes.KEY_Z, ecodes.KEY_MINUS, ecodes.KEY_SEMICOLON, ecodes.KEY_SLASH]
    events = [e for code in strokes for e in key(t, code, 1) + key(t, code, 0)]
    assert decode(events, "de") == "zyßö-"
    assert decode(events, "us") == "yz-;/"
    shifted_7 = (
        key(t, ecodes.KEY_LEFTSHIFT, 1)
        + key(t, ecodes.KEY_7, 1)
        + key(t, ecodes.KEY_7, 0)
        + key(t, ecodes.KEY_LEFTSHIFT, 0)
    )
    assert decode(shifted_7, "de") == "/"
    assert decode(shifted_7, "us") == "&"


def test_german_layout_round_trips_a_code_with_umlauts():
    text = "Zürich-Öl_42/Y"
    assert decode(keystrokes(text, layout="de"), "de") == text


def test_german_altgr_symbols():
    events = (
        key(1.0, ecodes.KEY_RIGHTALT, 1)
        + key(1.0, ecodes.KEY_Q, 1)
        + key(1.0, ecodes.KEY_Q, 0)
        + key(1.0, ecodes.KEY_8, 1)
        + key(1.0, ecodes.KEY_8, 0)
        + key(1.0, ecodes.KEY_RIGHTALT, 0)
        + key(1.0, ecodes.KEY_Q, 1)
        + key(1.0, ecodes.KEY_Q, 0)
    )
    assert decode(events, "de") == "@[q"


def test_ctrl_alt_is_altgr_and_alt_alone_types_nothing():
    ctrl_alt_q = (
        key(1.0, ecodes.KEY_LEFTCTRL, 1)
        + key(1.0, ecodes.KEY_LEFTALT, 1)
        + key(1.0, ecodes.KEY_Q, 1)
        + key(1.0, ecodes.KEY_Q, 0)
        + key(1.0, ecodes.KEY_LEFTALT, 0)
        + key(1.0, ecodes.KEY_LEFTCTRL, 0)
    )
    assert decode(ctrl_alt_q, "de") == "@"
    alt_f = (
        key(1.0, ecodes.KEY_LEFTALT, 1)
        + key(1.0, ecodes.KEY_F, 1)
        + key(1.0, ecodes.KEY_F, 0)
        + key(1.0, ecodes.KEY_LEFTALT, 0)
    )
    assert decode(alt_f + keystrokes("1")) == "1"


def test_caps_lock_inverts_letters_only():
    events = key(1.0, ecodes.KEY_CAPSLOCK, 1) + key(1.0, ecodes.KEY_CAPSLOCK, 0) + keystrokes("ab1A")
    assert decode(events) == "AB1a"


def test_ctrl_sends_control_codes_such_as_the_gs1_separator():
    events = (
        key(1.0, ecodes.KEY_LEFTCTRL, 1)
        + key(1.0, ecodes.KEY_RIGHTBRACE, 1)
        + key(1.0, ecodes.KEY_RIGHTBRACE, 0)
        + key(1.0, ecodes.KEY_LEFTCTRL, 0)
        + keystrokes("01")
    )
    assert decode(events) == "\x1d01"


def test_alt_keypad_codes_type_any_character():
    def alt_code(digits):
        events = key(1.0, ecodes.KEY_LEFTALT, 1)
        for d in digits:
            code = getattr(ecodes, f"KEY_KP{d}")
            events += key(1.0, code, 1) + key(1.0, code, 0)
        return events + key(1.0, ecodes.KEY_LEFTALT, 0)

    assert decode(alt_code("65") + alt_code("0252") + alt_code("129") + alt_code("29")) == "Aüü\x1d"


def test_non_key_events_and_unknown_keys_type_nothing():
    events = (
        [
            event(1.0, ecodes.EV_SYN, 0, 0),
            event(1.0, ecodes.EV_MSC, ecodes.MSC_SCAN, 4),
            event(1.0, ecodes.EV_LED, ecodes.LED_NUML, 1),
        ]
        + key(1.0, ecodes.KEY_F5, 1)
        + key(1.0, ecodes.KEY_ESC, 1)
    )
    assert decode(events) == ""


def test_unknown_layout_is_a_plain_error():
    with pytest.raises(ValidationError, match="layout"):
        KeyDecoder("dvorak-fr")


# -- assembling -----------------------------------------------------------


def test_two_scans_back_to_back_with_enter():
    events = keystrokes("2000001234567\n2000007654321\n")
    assert scans_of(events) == ["2000001234567", "2000007654321"]


def test_tab_ends_a_scan():
    assert scans_of(keystrokes("ABC123\tX9\t")) == ["ABC123", "X9"]


def test_scan_ending_on_a_gap_is_delivered_when_silence_is_checked():
    events = keystrokes("8934567890128")
    last = events[-1].timestamp()
    assert scans_of(events) == []  # nothing ended it yet
    assert scans_of(events, until=last + 0.02) == []  # still within the gap
    assert scans_of(events, until=last + 0.06) == ["8934567890128"]


def test_two_scans_without_enter_are_split_by_the_gap():
    first = keystrokes("111222", start=100.0)
    second = keystrokes("333444", start=100.0 + 6 * STEP + 0.2)
    assert scans_of(first + second, until=101.0) == ["111222", "333444"]


def test_without_a_gap_only_terminators_end_scans():
    first = keystrokes("11", start=100.0)
    second = keystrokes("22\n", start=105.0)
    assert scans_of(first + second, gap=None, until=200.0) == ["1122"]


def test_gap_then_late_enter_gives_one_scan():
    events = keystrokes("ABC", start=10.0) + keystrokes("\n", start=10.5)
    assert scans_of(events) == ["ABC"]


def test_assembler_deadline_poll_and_short_scans():
    assembler = ScanAssembler(0.05, min_length=3)
    assert assembler.deadline is None
    assert assembler.feed("12", 1.0) == []
    assert assembler.deadline == pytest.approx(1.05)
    assert assembler.pending == "12"
    assert assembler.poll(1.04) is None
    assert assembler.poll(1.06) is None  # too short to be a scan: dropped
    assert assembler.pending == ""
    assert assembler.feed("123\n", 2.0) == ["123"]
    assert assembler.feed("\n\n", 2.001) == []  # empty scans are not scans


def test_runaway_input_is_cut_at_max_length():
    assembler = ScanAssembler(None, max_length=4)
    assert assembler.feed("123456789", 1.0) == ["1234", "5678"]
    assert assembler.flush() == "9"
