//! Integration tests of marketo-emulator.
