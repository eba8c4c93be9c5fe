#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    archprompt_fuzz::scan_as(
        &["pom.xml", "Api/Api.csproj", "Directory.Packages.props", "api/pom.xml"],
        data,
    );
});
