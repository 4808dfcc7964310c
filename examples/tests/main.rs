//! The examples' suites, in one test binary (one link of the SDK, the web stack and the
//! emulator instead of four).

mod first_app;
mod readme;
mod stream;
mod web;
