#![no_main]

use std::sync::LazyLock;

static REPORT: LazyLock<archprompt::report::Report> = LazyLock::new(|| {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/node-koa-sequelize");
    archprompt::scan(std::path::Path::new(fixture)).expect("the fixture scans")
});

// The input is a value then a template, split at the first NUL: any value must come out of the
// bundled template verbatim, and any template must render or fail with an error, never panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (value, template) = text.split_once('\0').unwrap_or((&text, "{{dev_command}}"));
    let mut report = REPORT.clone();
    if let Some(field) = report.fields.get_mut(&archprompt::report::FieldName::DevCommand) {
        field.value = Some(value.to_string());
    }
    let rendered =
        archprompt::profile::render::render(archprompt::profile::render::DEFAULT_TEMPLATE, &report).expect("bundled template renders");
    assert!(rendered.contains(value), "value not verbatim");
    let _ = archprompt::profile::render::render(template, &report);
});
