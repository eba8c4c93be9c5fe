//! Property tests for rendering: values are data. Whatever a scan finds (braces, HTML, quotes,
//! backticks, newlines, very long text) comes out of the template verbatim and is never
//! evaluated, a field the scan could not fill keeps its literal placeholder, and directories
//! written one code span each read back whatever their names.

use archprompt::profile::render::{DEFAULT_TEMPLATE, render};
use archprompt::profile::slots::slots;
use archprompt::report::{Field, FieldName, Report, State};
use proptest::prelude::*;
use std::sync::LazyLock;

static REPORT: LazyLock<Report> =
    LazyLock::new(|| archprompt::scan(std::path::Path::new("fixtures/node-koa-sequelize")).unwrap());

/// The report with `field` found as `value`.
fn with_value(field: &str, value: &str) -> Report {
    let mut report = REPORT.clone();
    let entry = report.fields.get_mut(&FieldName::parse(field).unwrap()).unwrap();
    entry.value = Some(value.to_string());
    entry.state = State::Found;
    report
}

/// Strings rich in template syntax and markup, plus any Unicode text.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "{{",
        "}}",
        "{{tech_stack}}",
        "{{{raw}}}",
        "{{#if x}}",
        "{{/if}}",
        "<script>",
        "&amp;",
        "\"",
        "'",
        "`",
        "```",
        "\n",
        "\r\n",
        "---\n",
        "\\",
        "$(rm -rf /)",
        " ",
        "é",
        "✅",
    ]);
    prop_oneof![
        prop::collection::vec(pieces, 0..24).prop_map(|p| p.concat()),
        any::<String>(),
        "[a-z ]{1000,5000}",
    ]
}

/// Template text made of braces, backslashes and other languages' brace syntax, with no name
/// archprompt fills and no handlebars block: GitHub Actions, Vue, Go templates, Jinja.
fn foreign_template() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "{{",
        "}}",
        "{",
        "}",
        "{{{",
        "}}}",
        "\\",
        "$",
        "~",
        " ",
        "'",
        "prd_path",
        "{{ user.email }}",
        "${{ secrets.TOKEN }}",
        "{{/* comment */}}",
        "{{#items}}",
        "{{/items}}",
        "{{> partial}}",
        "{{ '{{' }}",
        "{{ .Values.x }}",
        "é",
        "\n",
        "\r\n",
        "{{^x}}",
        "a",
        "-",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #[test]
    fn template_text_that_is_not_a_placeholder_comes_out_byte_for_byte(template in foreign_template()) {
        prop_assert_eq!(render(&template, &REPORT).unwrap(), template.clone());
    }

    #[test]
    fn any_value_comes_out_verbatim(value in hostile_text()) {
        let report = with_value("dev_command", &value);
        prop_assert_eq!(render("{{dev_command}}", &report).unwrap(), value.clone());
        let page = render(DEFAULT_TEMPLATE, &report).unwrap();
        prop_assert!(page.contains(&value));
    }

    #[test]
    fn values_are_not_evaluated_as_templates(name in "[a-z_]{1,12}") {
        // A value that looks like another field's placeholder stays that text.
        let value = format!("{{{{{name}}}}}");
        let report = with_value("build_command", &value);
        prop_assert_eq!(render("{{build_command}}", &report).unwrap(), value);
    }

    #[test]
    fn a_value_in_the_front_matter_cannot_break_it(value in hostile_text()) {
        // Bare and inside double quotes, YAML reads the value back unchanged and finds no other key.
        let report = with_value("dev_command", &value);
        let template = "---\nname: agent\ndescription: {{dev_command}}\nquoted: \"{{dev_command}}\"\n---\nBody: {{dev_command}}\n";
        let page = render(template, &report).unwrap();
        let front = page
            .strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---\n"))
            .map(|(front, _)| front)
            .unwrap();
        let parsed: std::collections::BTreeMap<String, String> = serde_saphyr::from_str(front).unwrap();
        let keys: Vec<&str> = parsed.keys().map(String::as_str).collect();
        prop_assert_eq!(keys, ["description", "name", "quoted"]);
        prop_assert_eq!(&parsed["description"], &value);
        prop_assert_eq!(&parsed["quoted"], &value);
        prop_assert!(page.ends_with(&format!("Body: {value}\n")), "the body has the value verbatim");
    }

    #[test]
    fn directories_in_code_spans_read_back_whatever_their_names(dirs in prop::collection::vec("[^\r\n]{1,16}", 1..4)) {
        // One span each, fenced past any backticks in a name; read back as the report's value.
        let mut report = REPORT.clone();
        report.fields.insert(FieldName::SourceDirs, Field::found_list(dirs.clone(), vec![]));
        let page = render(DEFAULT_TEMPLATE, &report).unwrap();
        for field in report.fields.values_mut() {
            field.state = State::Unknown;
        }
        let skeleton = render(DEFAULT_TEMPLATE, &report).unwrap();
        let read = slots(&skeleton, &page).into_iter().find(|s| s.field == FieldName::SourceDirs.into());
        prop_assert_eq!(read.map(|s| s.value), Some(dirs.join(", ")));
    }

    #[test]
    fn unknown_fields_keep_their_literal_placeholder(index in 0usize..11) {
        let name = FieldName::ALL[index];
        let mut report = REPORT.clone();
        let field = report.fields.get_mut(&name).unwrap();
        field.state = State::Unknown;
        field.value = None;
        let placeholder = format!("{{{{{name}}}}}");
        prop_assert_eq!(render(&placeholder, &report).unwrap(), placeholder.clone());
        prop_assert!(render(DEFAULT_TEMPLATE, &report).unwrap().contains(&placeholder));
    }
}
