//! Every fixture under fixtures/ is scanned and rendered; the JSON report and the rendered agent
//! file are compared with the reviewed snapshots in tests/snapshots/. Each fixture and check is
//! a test of its own (`scan::node-express-prisma`, `render::…`, `invariants::…`), listed when the
//! tests start, so a failing fixture is reported by name and a new fixture directory is tested
//! with no code change. Other scans of small generated trees are in tests/scan_shapes.rs.

use archprompt::report::{FieldName, State};
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One check of one fixture, by its directory name.
type Check = fn(&str);

fn main() {
    let args = Arguments::from_args();
    let dirs = fixtures();
    let mut trials = vec![Trial::test(
        "every_framework_and_data_detector_fires_in_a_fixture",
        || every_framework_and_data_detector_fires_in_a_fixture(&fixtures()),
    )];
    let checks: [(&str, Check); 3] = [
        ("scan", check_scan),
        ("render", check_render),
        ("invariants", check_invariants),
    ];
    for (check, run) in checks {
        for dir in &dirs {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            trials.push(Trial::test(format!("{check}::{name}"), move || {
                run(&name);
                Ok(())
            }));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

/// Every directory of fixtures/, sorted. There must be some: an empty list would pass silently.
fn fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("fixtures")
        .expect("fixtures/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() > 50, "fixtures/ holds only {} fixtures", dirs.len());
    dirs
}

/// The JSON report of `fixtures/<fixture>` matches the snapshot `<fixture>.scan`, its
/// `extras` apart in `<fixture>.extras`, a line for each found or absent, short to read.
fn check_scan(fixture: &str) {
    let report = archprompt::scan(&Path::new("fixtures").join(fixture)).unwrap();
    let json = serde_json::to_string_pretty(&report).unwrap();
    let (start, end) = (
        json.find("\n  \"extras\": {").expect("extras in the report"),
        json.find("\n  \"backend_dir\"").expect("backend_dir after extras"),
    );
    insta::assert_snapshot!(format!("{fixture}.scan"), format!("{}{}", &json[..start], &json[end..]));
    let mut extras = String::new();
    let mut unknown = Vec::new();
    for (name, field) in &report.extras {
        match field.state {
            State::Unknown => unknown.push(name.as_str()),
            state => {
                let value = field.value.as_deref().unwrap_or("");
                let files: Vec<&str> = field.evidence.iter().map(|e| e.file.as_str()).collect();
                extras.push_str(&format!("{name}: {state:?} {value}  <- {}\n", files.join(", ")));
            }
        }
    }
    extras.push_str(&format!("unknown: {}\n", unknown.join(", ")));
    insta::assert_snapshot!(format!("{fixture}.extras"), extras);
}

/// The agent file rendered with the default template matches the snapshot `<fixture>.render`.
fn check_render(fixture: &str) {
    let report = archprompt::scan(&Path::new("fixtures").join(fixture)).unwrap();
    let rendered = archprompt::profile::render::render(archprompt::profile::render::DEFAULT_TEMPLATE, &report).unwrap();
    insta::assert_snapshot!(format!("{fixture}.render"), rendered);
}

/// The report has every field, and unknown fields (only they) stay placeholders when rendered.
fn check_invariants(fixture: &str) {
    let report = archprompt::scan(&Path::new("fixtures").join(fixture)).unwrap();
    let rendered = archprompt::profile::render::render(archprompt::profile::render::DEFAULT_TEMPLATE, &report).unwrap();
    for field in FieldName::ALL {
        let f = report
            .fields
            .get(&field)
            .unwrap_or_else(|| panic!("{fixture}: {field} missing"));
        let placeholder = format!("{{{{{field}}}}}");
        match f.state {
            State::Unknown => {
                assert!(f.value.is_none() && f.hint.is_some());
                assert!(rendered.contains(&placeholder), "{fixture}: {field}");
            }
            State::Found => {
                assert!(!f.evidence.is_empty(), "{fixture}: {field} found without evidence");
                assert!(!rendered.contains(&placeholder));
            }
            State::Absent => assert!(!rendered.contains(&placeholder)),
        }
    }
}

/// Every framework and data-tool detector is proven by at least one fixture.
fn every_framework_and_data_detector_fires_in_a_fixture(fixtures: &[PathBuf]) -> Result<(), Failed> {
    let mut fired = BTreeSet::new();
    for dir in fixtures {
        fired.extend(archprompt::scan(dir).unwrap().detected);
    }
    let registry = archprompt::detect::Registry::builtin().unwrap();
    for d in &registry.detectors {
        use archprompt::detect::Kind;
        if matches!(d.kind, Kind::Framework | Kind::Data) && !fired.contains(&d.id) {
            return Err(format!("no fixture exercises detector {}", d.id).into());
        }
    }
    Ok(())
}
