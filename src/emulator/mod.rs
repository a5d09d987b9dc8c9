//! The emulator (issue 3) — filled in by its own module files.
