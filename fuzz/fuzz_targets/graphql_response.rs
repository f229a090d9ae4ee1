#![no_main]
// The entry lives in station-core, shared with the corpus replay test.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(run) = station_core::fuzz_targets::target("graphql_response") {
        run(data);
    }
});
