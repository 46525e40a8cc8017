#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| confuzz_wire::fuzzing::framing_eom(data));
