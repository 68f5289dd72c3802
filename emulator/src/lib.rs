//! marketo-emulator
