"""The devices while the app runs: the evdev scanner and the people counter (their
manager), scans typed by a keyboard-wedge scanner, the lookup of a scan, and the devices
screen."""
