//! Scans of small generated trees about the code conventions a repository pins (indentation,
//! line length, quotes, semicolons, docstring style): each formatter's config in the shapes
//! real repositories write, defaults only where the tool is configured, `.editorconfig` below a
//! formatter, and broken files giving nothing.

mod common;

use archprompt::report::{Extra, Field, Report, State};
use common::scan_tree;

const PACKAGE: &str = r#"{"name": "api", "dependencies": {"express": "^4.19.0"}}"#;
const PYPROJECT: &str = "[project]\nname = \"api\"\ndependencies = [\"fastapi>=0.110\"]\n";

fn extra(report: &Report, extra: Extra) -> &Field {
    &report.extras[&extra]
}

fn value(report: &Report, which: Extra) -> Option<&str> {
    let field = extra(report, which);
    match field.state {
        State::Found => field.value.as_deref(),
        _ => None,
    }
}

fn node_app(more: &[(&'static str, &'static str)]) -> Report {
    let mut files = vec![
        ("package.json", PACKAGE),
        ("src/index.ts", "import express from 'express'\n"),
        ("src/routes.ts", "export {}\n"),
    ];
    files.extend_from_slice(more);
    scan_tree(&files)
}

fn python_app(pyproject_tail: &'static str, more: &[(&'static str, &'static str)]) -> Report {
    let pyproject: &'static str = Box::leak(format!("{PYPROJECT}{pyproject_tail}").into_boxed_str());
    let mut files = vec![
        ("pyproject.toml", pyproject),
        ("app/main.py", "from fastapi import FastAPI\n"),
        ("app/models.py", "\n"),
    ];
    files.extend_from_slice(more);
    scan_tree(&files)
}

#[test]
fn nothing_configured_leaves_every_convention_unknown() {
    let report = node_app(&[]);
    for which in [
        Extra::Indentation,
        Extra::LineLength,
        Extra::QuoteStyle,
        Extra::Semicolons,
        Extra::DocstringStyle,
    ] {
        let field = extra(&report, which);
        assert_eq!(field.state, State::Unknown, "{which}: {field:?}");
        assert!(field.hint.as_deref().unwrap_or("").contains("Prettier"), "{field:?}");
    }
}

#[test]
fn prettierrc_json_sets_every_js_convention() {
    let report = node_app(&[(
        ".prettierrc",
        r#"{ "printWidth": 100, "tabWidth": 4, "useTabs": false, "singleQuote": true, "semi": false, "trailingComma": "all" }"#,
    )]);
    assert_eq!(value(&report, Extra::LineLength), Some("100"));
    assert_eq!(value(&report, Extra::Indentation), Some("4 spaces"));
    assert_eq!(value(&report, Extra::QuoteStyle), Some("single"));
    assert_eq!(value(&report, Extra::Semicolons), Some("as needed"));
    assert_eq!(extra(&report, Extra::DocstringStyle).state, State::Unknown);
    let evidence = &extra(&report, Extra::LineLength).evidence[0];
    assert_eq!(evidence.file, ".prettierrc");
    assert_eq!(evidence.reason, "printWidth 100");
}

#[test]
fn prettierrc_in_yaml_and_prettier_defaults_said_as_defaults() {
    let report = node_app(&[(".prettierrc.yml", "# house style\nsingleQuote: true\nuseTabs: true\n")]);
    assert_eq!(value(&report, Extra::QuoteStyle), Some("single"));
    assert_eq!(value(&report, Extra::Indentation), Some("tabs"));
    // Not set: Prettier's own default, said as one.
    assert_eq!(value(&report, Extra::LineLength), Some("80"));
    let said = &extra(&report, Extra::LineLength).evidence[0].reason;
    assert!(said.contains("Prettier's default"), "{said}");
    assert_eq!(value(&report, Extra::Semicolons), Some("always"));

    // `.prettierrc` without an extension may be YAML too.
    let yaml = node_app(&[(".prettierrc", "printWidth: 120\nsemi: false\n")]);
    assert_eq!(value(&yaml, Extra::LineLength), Some("120"));
    assert_eq!(value(&yaml, Extra::Semicolons), Some("as needed"));

    let toml = node_app(&[(
        ".prettierrc.toml",
        "# .prettierrc.toml
tabWidth = 4
semi = false
",
    )]);
    assert_eq!(value(&toml, Extra::Indentation), Some("4 spaces"));
    assert_eq!(value(&toml, Extra::Semicolons), Some("as needed"));
}

#[test]
fn package_json_prettier_key_but_not_a_shared_config_name() {
    let report = scan_tree(&[
        (
            "package.json",
            r#"{"name": "api", "dependencies": {"express": "^4"}, "prettier": {"printWidth": 90, "singleQuote": false}}"#,
        ),
        ("src/index.js", "\n"),
    ]);
    assert_eq!(value(&report, Extra::LineLength), Some("90"));
    assert_eq!(value(&report, Extra::QuoteStyle), Some("double"));
    assert_eq!(extra(&report, Extra::LineLength).evidence[0].file, "package.json");

    // A shared config's package name holds no settings here: no defaults either.
    let shared = scan_tree(&[
        (
            "package.json",
            r#"{"name": "api", "dependencies": {"express": "^4"}, "prettier": "@acme/prettier-config"}"#,
        ),
        ("src/index.js", "\n"),
    ]);
    assert_eq!(extra(&shared, Extra::LineLength).state, State::Unknown);
    assert_eq!(extra(&shared, Extra::QuoteStyle).state, State::Unknown);
}

#[test]
fn a_prettier_js_config_is_code_and_not_read() {
    let report = node_app(&[("prettier.config.js", "module.exports = { printWidth: 100 }\n")]);
    assert_eq!(extra(&report, Extra::LineLength).state, State::Unknown);
}

#[test]
fn biome_jsonc_with_comments_and_javascript_overrides() {
    let report = node_app(&[(
        "biome.jsonc",
        r#"{
  // formatter for the whole repository
  "$schema": "https://biomejs.dev/schemas/1.9.4/schema.json",
  "formatter": { "enabled": true, "indentStyle": "space", "indentWidth": 2, "lineWidth": 120 },
  "javascript": { "formatter": { "quoteStyle": "single", "semicolons": "asNeeded", "lineWidth": 100 } },
}"#,
    )]);
    assert_eq!(value(&report, Extra::LineLength), Some("100"));
    assert_eq!(value(&report, Extra::Indentation), Some("2 spaces"));
    assert_eq!(value(&report, Extra::QuoteStyle), Some("single"));
    assert_eq!(value(&report, Extra::Semicolons), Some("as needed"));

    let off = node_app(&[("biome.json", r#"{"formatter": {"enabled": false, "lineWidth": 120}}"#)]);
    assert_eq!(extra(&off, Extra::LineLength).state, State::Unknown);
}

#[test]
fn ruff_in_pyproject_new_and_old_tables() {
    let report = python_app(
        "\n[tool.ruff]\nline-length = 100\nindent-width = 4\n\n[tool.ruff.format]\nquote-style = \"single\"\n\n[tool.ruff.lint.pydocstyle]\nconvention = \"google\"\n",
        &[],
    );
    assert_eq!(value(&report, Extra::LineLength), Some("100"));
    assert_eq!(value(&report, Extra::Indentation), Some("4 spaces"));
    assert_eq!(value(&report, Extra::QuoteStyle), Some("single"));
    assert_eq!(value(&report, Extra::DocstringStyle), Some("google"));
    assert_eq!(extra(&report, Extra::Semicolons).state, State::Unknown);
    let evidence = &extra(&report, Extra::LineLength).evidence[0];
    assert_eq!(
        (evidence.file.as_str(), evidence.reason.as_str()),
        ("pyproject.toml", "[tool.ruff] line-length 100")
    );

    let old = python_app(
        "\n[tool.ruff]\nselect = [\"D\"]\n\n[tool.ruff.pydocstyle]\nconvention = \"numpy\"\n",
        &[],
    );
    assert_eq!(value(&old, Extra::DocstringStyle), Some("numpy"));
    // Ruff configured without a line length: its default, said as one.
    assert_eq!(value(&old, Extra::LineLength), Some("88"));
    assert!(
        extra(&old, Extra::LineLength).evidence[0]
            .reason
            .contains("Ruff's default")
    );
    // Ruff's formatter's quotes are not assumed from a lint-only table.
    assert_eq!(extra(&old, Extra::QuoteStyle).state, State::Unknown);
}

#[test]
fn ruff_toml_wins_over_pyproject_and_extend_drops_defaults() {
    let report = python_app(
        "\n[tool.ruff]\nline-length = 79\n",
        &[("ruff.toml", "line-length = 120\n[format]\nindent-style = \"tab\"\n")],
    );
    assert_eq!(value(&report, Extra::LineLength), Some("120"));
    assert_eq!(value(&report, Extra::Indentation), Some("tabs"));
    assert_eq!(extra(&report, Extra::LineLength).evidence[0].file, "ruff.toml");

    let extended = python_app("", &[(".ruff.toml", "extend = \"../shared/ruff.toml\"\n")]);
    assert_eq!(extra(&extended, Extra::LineLength).state, State::Unknown);
}

#[test]
fn black_double_quotes_unless_strings_are_left_alone() {
    let report = python_app("\n[tool.black]\nline-length = 100\ntarget-version = [\"py311\"]\n", &[]);
    assert_eq!(value(&report, Extra::LineLength), Some("100"));
    assert_eq!(value(&report, Extra::QuoteStyle), Some("double"));
    assert!(
        extra(&report, Extra::QuoteStyle).evidence[0]
            .reason
            .contains("Black's default")
    );

    let skip = python_app("\n[tool.black]\nskip-string-normalization = true\n", &[]);
    assert_eq!(extra(&skip, Extra::QuoteStyle).state, State::Unknown);
    assert_eq!(value(&skip, Extra::LineLength), Some("88"));
}

#[test]
fn a_python_formatter_does_not_speak_for_a_node_backend() {
    let report = node_app(&[("pyproject.toml", "[tool.ruff]\nline-length = 100\n")]);
    assert_eq!(extra(&report, Extra::LineLength).state, State::Unknown);
}

#[test]
fn rustfmt_toml() {
    let report = scan_tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\n",
        ),
        ("src/main.rs", "fn main() {}\n"),
        (
            "rustfmt.toml",
            "edition = \"2021\"\nmax_width = 120\nhard_tabs = true\n",
        ),
    ]);
    assert_eq!(value(&report, Extra::LineLength), Some("120"));
    assert_eq!(value(&report, Extra::Indentation), Some("tabs"));
    assert_eq!(extra(&report, Extra::QuoteStyle).state, State::Unknown);
}

#[test]
fn rubocop_yml() {
    let report = scan_tree(&[
        ("Gemfile", "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\n"),
        ("app/models/user.rb", "class User; end\n"),
        ("config/application.rb", "\n"),
        (
            ".rubocop.yml",
            "AllCops:\n  NewCops: enable\nLayout/LineLength:\n  Max: 120\nStyle/StringLiterals:\n  EnforcedStyle: double_quotes\n",
        ),
    ]);
    assert_eq!(value(&report, Extra::LineLength), Some("120"));
    assert_eq!(value(&report, Extra::QuoteStyle), Some("double"));
}

#[test]
fn editorconfig_section_for_the_language_and_a_formatter_over_it() {
    let editorconfig = "root = true\n\n[*]\nindent_style = space\nindent_size = 2\n\n[*.py]\nindent_size = 4\nmax_line_length = 120\n\n[Makefile]\nindent_style = tab\n";
    let report = python_app("", &[(".editorconfig", editorconfig)]);
    assert_eq!(value(&report, Extra::Indentation), Some("4 spaces"));
    assert_eq!(value(&report, Extra::LineLength), Some("120"));
    assert_eq!(extra(&report, Extra::LineLength).evidence[0].file, ".editorconfig");

    // Black enforces its own line length: it wins, and the evidence says .editorconfig differs.
    let black = python_app("\n[tool.black]\nline-length = 88\n", &[(".editorconfig", editorconfig)]);
    let line = extra(&black, Extra::LineLength);
    assert_eq!(line.value.as_deref(), Some("88"));
    assert_eq!(line.evidence.len(), 2, "{:?}", line.evidence);
    assert!(
        line.evidence[1].reason.contains("Black enforces 88"),
        "{:?}",
        line.evidence
    );

    // Prettier takes .editorconfig's values where its own config is silent.
    let prettier = node_app(&[
        (".prettierrc.json", r#"{"singleQuote": true}"#),
        (
            ".editorconfig",
            "[*.{js,ts}]\nindent_style = space\nindent_size = 4\nmax_line_length = 100\n",
        ),
    ]);
    assert_eq!(value(&prettier, Extra::LineLength), Some("100"));
    assert_eq!(value(&prettier, Extra::Indentation), Some("4 spaces"));
}

#[test]
fn the_backend_folder_config_over_the_root_one() {
    let report = scan_tree(&[
        (
            "backend/pyproject.toml",
            "[project]\nname = \"api\"\ndependencies = [\"django>=5\"]\n\n[tool.ruff]\nline-length = 99\n",
        ),
        ("backend/manage.py", "\n"),
        ("backend/api/views.py", "\n"),
        (
            "frontend/package.json",
            r#"{"name": "web", "dependencies": {"react": "^18"}}"#,
        ),
        ("frontend/src/App.tsx", "\n"),
        ("frontend/src/main.tsx", "\n"),
        ("frontend/src/b.tsx", "\n"),
        (".prettierrc", r#"{"printWidth": 80}"#),
        (
            ".editorconfig",
            "[*]\nindent_style = space\nindent_size = 2\n[backend/**.py]\nindent_size = 4\n",
        ),
    ]);
    assert_eq!(report.backend_dir.as_deref(), Some("backend"));
    assert_eq!(value(&report, Extra::LineLength), Some("99"));
    assert_eq!(
        extra(&report, Extra::LineLength).evidence[0].file,
        "backend/pyproject.toml"
    );
    assert_eq!(value(&report, Extra::Indentation), Some("4 spaces"));
}

#[test]
fn broken_configs_give_nothing_and_a_warning() {
    let report = node_app(&[
        (".prettierrc", "{ printWidth: [100\n  - : :"),
        (".editorconfig", "[*\nindent_style = tab\n"),
        ("biome.json", "{\"formatter\": {\"lineWidth\": \"wide\"}}"),
    ]);
    assert_eq!(extra(&report, Extra::LineLength).state, State::Unknown);
    assert!(
        report.warnings.iter().any(|w| w.file == ".prettierrc"),
        "{:?}",
        report.warnings
    );

    let py = python_app("\n[tool.ruff\nline-length = 100\n", &[]);
    assert_eq!(extra(&py, Extra::LineLength).state, State::Unknown);

    let odd = python_app(
        "\n[tool.ruff]\nline-length = -5\n[tool.ruff.lint.pydocstyle]\nconvention = 3\n[tool.black]\nline-length = \"x\"\n",
        &[],
    );
    assert_eq!(extra(&odd, Extra::LineLength).state, State::Unknown);
    assert_eq!(extra(&odd, Extra::DocstringStyle).state, State::Unknown);
}

#[test]
fn the_backend_language_decides_which_formatter_speaks_not_the_most_files() {
    // A Django app with more JavaScript under static/ than Python: Black speaks, not Prettier.
    let report = python_app(
        "\n[tool.black]\nline-length = 100\n",
        &[
            ("static/js/a.js", "\n"),
            ("static/js/b.js", "\n"),
            ("static/js/c.js", "\n"),
            ("static/js/d.js", "\n"),
            (".prettierrc.json", r#"{"printWidth": 120, "singleQuote": true}"#),
        ],
    );
    assert_eq!(value(&report, Extra::LineLength), Some("100"));
    assert_eq!(value(&report, Extra::QuoteStyle), Some("double"));
    assert_eq!(extra(&report, Extra::Semicolons).state, State::Unknown);
}

#[test]
fn flake8_and_pydocstyle_in_setup_cfg_and_tox_ini() {
    let setup_cfg = "[metadata]\nname = api\n\n[flake8]\nformat = wemake\nmax-line-length = 88\nper-file-ignores =\n    # builtin names\n    app/db/queries/tables.py: WPS125,\n\n[pydocstyle]\nconvention = numpy\n";
    let report = python_app("", &[("setup.cfg", setup_cfg)]);
    assert_eq!(value(&report, Extra::LineLength), Some("88"));
    assert_eq!(
        extra(&report, Extra::LineLength).evidence[0].reason,
        "[flake8] max-line-length 88"
    );
    assert_eq!(value(&report, Extra::DocstringStyle), Some("numpy"));

    let tox = python_app(
        "",
        &[(
            "tox.ini",
            "[tox]\nenvlist = py311\n\n[flake8]\nexclude = .tox,./build\nmax-line-length = 160\ndocstring-convention = google\n",
        )],
    );
    assert_eq!(value(&tox, Extra::LineLength), Some("160"));
    assert_eq!(value(&tox, Extra::DocstringStyle), Some("google"));

    // Ruff, a formatter, over the linter's limit.
    let both = python_app("\n[tool.ruff]\nline-length = 100\n", &[("setup.cfg", setup_cfg)]);
    assert_eq!(value(&both, Extra::LineLength), Some("100"));
}

#[test]
fn deep_java_sources_still_meet_their_editorconfig_section() {
    // Eight folders down: deeper than the index lists.
    let report = scan_tree(&[
        (
            "pom.xml",
            "<project><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies></project>",
        ),
        (
            "src/main/java/org/springframework/samples/petclinic/admin/deep/App.java",
            "class App {}\n",
        ),
        (
            ".editorconfig",
            "root = true\n\n[*]\nindent_style = space\nij_visual_guides =\n\n[*.{java,xml}]\nindent_size = 4\n",
        ),
    ]);
    assert_eq!(value(&report, Extra::Indentation), Some("4 spaces"));
}

#[test]
fn hostile_configs_give_nothing_and_do_not_hang() {
    let braces: &'static str = Box::leak(
        format!(
            "[{}*.ts{}]\nindent_style = tab\n[{}]\nindent_size = 3\n",
            "{a,".repeat(2_000),
            "}".repeat(2_000),
            "**/*".repeat(500)
        )
        .into_boxed_str(),
    );
    let nested: &'static str = Box::leak(format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)).into_boxed_str());
    let started = std::time::Instant::now();
    let report = node_app(&[
        (".editorconfig", braces),
        (".prettierrc", nested),
        ("biome.json", "{\"formatter\": \"\u{0}\"}"),
    ]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(extra(&report, Extra::LineLength).state, State::Unknown);
    assert_eq!(extra(&report, Extra::QuoteStyle).state, State::Unknown);
}

#[test]
fn a_prettier_override_for_the_source_files_wins_over_the_top_level() {
    let prettierrc = r#"{"printWidth": 80, "singleQuote": false,
      "overrides": [
        {"files": "*.md", "options": {"printWidth": 60}},
        {"files": ["src/**/*.ts"], "excludeFiles": "src/legacy/**", "options": {"printWidth": 120, "singleQuote": true}}
      ]}"#;
    let report = node_app(&[(".prettierrc", prettierrc)]);
    assert_eq!(value(&report, Extra::LineLength), Some("120"));
    assert_eq!(value(&report, Extra::QuoteStyle), Some("single"));
    let reason = &extra(&report, Extra::LineLength).evidence[0].reason;
    assert!(reason.contains("overrides[1].options.printWidth 120"), "{reason}");
    // An override for other files, or one that leaves the sources out, changes nothing.
    let other = r#"{"printWidth": 100, "overrides": [{"files": "*.md", "options": {"printWidth": 60}},
      {"files": "src/**", "excludeFiles": ["src/*.ts"], "options": {"printWidth": 70}}]}"#;
    let report = node_app(&[(".prettierrc", other)]);
    assert_eq!(value(&report, Extra::LineLength), Some("100"));
}
