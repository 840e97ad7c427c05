"""Device tests: protocols from byte streams, a real pty, synthetic evdev events."""
