//! When a template applies: its front matter may say `applies_when: [database, tests]`, in a
//! small vocabulary over what the scan found, so `init` over a collection writes the agents that
//! fit the repository (a database agent where there is a database) and says why it skipped the
//! others. Every condition of the list must hold; one the scan could not decide does not.

use crate::profile::templates::Template;
use crate::report::{Extra, Field, FieldName, Report, State};

/// One condition of `applies_when`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// A backend project was found.
    Backend,
    /// `database_system` found.
    Database,
    /// `db_migrations_dirs` found.
    Migrations,
    /// `test_command` or `test_dirs` found.
    Tests,
    /// `cicd_platform` found.
    Ci,
    /// `docker_build_command` found, or any `containerization` (compose, Helm, …).
    Docker,
    /// `iac_tool` found.
    Iac,
    /// `framework:NAME`: the backend framework is NAME (any case).
    Framework(String),
    /// `language:NAME`: the backend's language is NAME (any case).
    Language(String),
    /// `frontend_framework` found: the repository has a browser frontend.
    Frontend,
    /// `frontend:NAME`: a frontend's framework or build tool begins with NAME, ignoring case and
    /// punctuation (`frontend:svelte` holds for SvelteKit, `frontend:next` for Next.js).
    FrontendNamed(String),
}

/// The words `applies_when` takes, for the error that lists them.
pub const VOCABULARY: &str =
    "backend, database, migrations, tests, ci, docker, iac, frontend, framework:NAME, language:NAME, frontend:NAME";

impl Condition {
    pub fn parse(word: &str) -> Option<Condition> {
        let word = word.trim();
        if let Some((kind, name)) = word.split_once(':') {
            let name = name.trim().to_string();
            return match kind.trim() {
                _ if name.is_empty() => None,
                "framework" => Some(Condition::Framework(name)),
                "language" => Some(Condition::Language(name)),
                "frontend" => Some(Condition::FrontendNamed(name)),
                _ => None,
            };
        }
        Some(match word {
            "backend" => Condition::Backend,
            "database" => Condition::Database,
            "migrations" => Condition::Migrations,
            "tests" => Condition::Tests,
            "ci" => Condition::Ci,
            "docker" => Condition::Docker,
            "iac" => Condition::Iac,
            "frontend" => Condition::Frontend,
            _ => return None,
        })
    }

    /// `None` when the condition holds for `report`, else why not, in words.
    fn fails(&self, report: &Report) -> Option<String> {
        let found = |field: FieldName| report.field(field).state == State::Found;
        let extra = |extra: Extra| report.extras.get(&extra).is_some_and(|f| f.state == State::Found);
        let said = |field: FieldName| match report.field(field).state {
            State::Unknown => "could not be told",
            _ => "none was found",
        };
        match self {
            Condition::Backend => report
                .backend_dir
                .is_none()
                .then(|| "no backend project was found".to_string()),
            Condition::Database => {
                (!found(FieldName::DatabaseSystem)).then(|| format!("database: {}", said(FieldName::DatabaseSystem)))
            }
            Condition::Migrations => (!found(FieldName::DbMigrationsDirs))
                .then(|| format!("migrations: {}", said(FieldName::DbMigrationsDirs))),
            Condition::Tests => (!found(FieldName::TestCommand) && !found(FieldName::TestDirs))
                .then(|| format!("tests: {}", said(FieldName::TestCommand))),
            Condition::Ci => (!extra(Extra::CiPlatform)).then(|| "ci: no CI/CD configuration was found".to_string()),
            Condition::Docker => {
                let containers = report.variables.get("containerization").is_some_and(Option::is_some);
                (!extra(Extra::DockerBuildCommand) && !containers)
                    .then(|| "docker: no image build file or container setup was found".to_string())
            }
            Condition::Iac => {
                (!extra(Extra::IacTool)).then(|| "iac: no infrastructure-as-code files were found".to_string())
            }
            Condition::Framework(name) => {
                let framework = report.field(FieldName::BackendFramework);
                let is = framework.found_value().is_some_and(|v| v.eq_ignore_ascii_case(name));
                (!is).then(|| {
                    format!(
                        "framework:{name}: the backend framework is {}",
                        framework.found_value().unwrap_or("not known")
                    )
                })
            }
            Condition::Language(name) => {
                let language = report.variables.get("language").and_then(|v| v.as_deref());
                let is = language.is_some_and(|v| v.eq_ignore_ascii_case(name));
                (!is).then(|| format!("language:{name}: the language is {}", language.unwrap_or("not known")))
            }
            Condition::Frontend => {
                (!extra(Extra::FrontendFramework)).then(|| "frontend: no browser frontend was found".to_string())
            }
            Condition::FrontendNamed(name) => {
                let value = |e: Extra| report.extras.get(&e).and_then(Field::found_value);
                let names = [Extra::FrontendFramework, Extra::BuildTool]
                    .into_iter()
                    .filter_map(value)
                    .flat_map(|v| v.split(", "));
                let wanted = bare(name);
                let is = !wanted.is_empty() && names.map(bare).any(|n| n.starts_with(&wanted));
                (!is).then(|| {
                    let framework = value(Extra::FrontendFramework);
                    format!("frontend:{name}: the frontend is {}", framework.unwrap_or("not known"))
                })
            }
        }
    }
}

/// A name in lower case without punctuation or spaces (`Next.js` → `nextjs`).
fn bare(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The conditions `text` (a template) states in its front matter's `applies_when` (a word or a
/// list of words); none when it states none. An unknown word is an error naming it.
pub fn conditions(text: &str) -> Result<Vec<Condition>, String> {
    let (Some(front), _) = crate::profile::syntax::split_front_matter(text) else {
        return Ok(Vec::new());
    };
    // Placeholders are not YAML; they say nothing of when the template applies.
    let front = crate::profile::syntax::PLACEHOLDER.replace_all(front, "x");
    // A front matter that is not YAML (an unquoted `: ` in a description) still has its
    // `applies_when:` line, a flow list or a word.
    let doc = serde_saphyr::from_str::<serde_json::Value>(&front).ok().or_else(|| {
        let (_, raw) = crate::profile::syntax::front_matter_value(text, "applies_when")?;
        let value = serde_saphyr::from_str::<serde_json::Value>(&raw).ok()?;
        Some(serde_json::json!({ "applies_when": value }))
    });
    let words: Vec<String> = match doc.as_ref().and_then(|d| d.get("applies_when")) {
        None | Some(serde_json::Value::Null) => return Ok(Vec::new()),
        Some(serde_json::Value::String(word)) => vec![word.clone()],
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or("applies_when holds a list of words")
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("applies_when is a word or a list of words".to_string()),
    };
    words
        .iter()
        .map(|w| Condition::parse(w).ok_or_else(|| format!("applies_when: `{w}` is not one of {VOCABULARY}")))
        .collect()
}

/// Templates sorted by whether they apply to a repository.
pub struct Split {
    pub applying: Vec<Template>,
    /// Each with why it does not apply.
    pub skipped: Vec<(Template, String)>,
}

/// `templates` split into those that apply to `report` (all of them with `all`) and those that
/// do not. A template whose `applies_when` does not parse is an error naming it.
pub fn split(templates: Vec<Template>, report: &Report, all: bool) -> anyhow::Result<Split> {
    let mut out = Split {
        applying: Vec::new(),
        skipped: Vec::new(),
    };
    for template in templates {
        let conditions =
            conditions(&template.text).map_err(|why| anyhow::anyhow!("{}: {why}", template.describe_origin()))?;
        match why_not(&conditions, report).filter(|_| !all) {
            Some(why) => out.skipped.push((template, why)),
            None => out.applying.push(template),
        }
    }
    Ok(out)
}

/// `None` when every condition holds for `report`, else why the first that does not.
pub fn why_not(conditions: &[Condition], report: &Report) -> Option<String> {
    conditions.iter().find_map(|c| c.fails(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_are_read_from_the_front_matter() {
        let text =
            "---\nname: db\ndescription: {{tech_stack}}\napplies_when: [database, framework:Django]\n---\nBody\n";
        assert_eq!(
            conditions(text).unwrap(),
            [Condition::Database, Condition::Framework("Django".into())]
        );
        assert_eq!(
            conditions("---\napplies_when: tests\n---\n").unwrap(),
            [Condition::Tests]
        );
        assert_eq!(conditions("no front matter {{x}}\n").unwrap(), []);
        // Read from its own line when the rest of the front matter is not YAML.
        let broken = "---\ndescription: Ships it: image and CI\napplies_when: [docker]\n---\n";
        assert_eq!(conditions(broken).unwrap(), [Condition::Docker]);
        let err = conditions("---\napplies_when: [mobile:ios]\n---\n").unwrap_err();
        assert!(err.contains("mobile:ios") && err.contains("frontend:NAME"), "{err}");
        assert_eq!(
            conditions("---\napplies_when: [frontend, frontend:react]\n---\n").unwrap(),
            [Condition::Frontend, Condition::FrontendNamed("react".into())]
        );
    }

    #[test]
    fn a_condition_holds_only_on_what_was_found() {
        let mut report = Report::unknown(".", "not looked for");
        let database = [Condition::Database];
        assert_eq!(
            why_not(&database, &report).as_deref(),
            Some("database: could not be told")
        );
        report.fields.insert(
            FieldName::DatabaseSystem,
            Field::absent_because("package.json", "no database"),
        );
        assert_eq!(why_not(&database, &report).as_deref(), Some("database: none was found"));
        report
            .fields
            .insert(FieldName::DatabaseSystem, Field::found("PostgreSQL", vec![]));
        report
            .fields
            .insert(FieldName::BackendFramework, Field::found("Django", vec![]));
        assert_eq!(
            why_not(&[Condition::Database, Condition::Framework("django".into())], &report),
            None
        );
    }

    #[test]
    fn a_frontend_condition_holds_on_the_frontend_found() {
        let mut report = Report::unknown(".", "not looked for");
        let react = [Condition::FrontendNamed("react".into())];
        assert_eq!(
            why_not(&react, &report).as_deref(),
            Some("frontend:react: the frontend is not known")
        );
        assert!(why_not(&[Condition::Frontend], &report).is_some());
        report
            .extras
            .insert(Extra::FrontendFramework, Field::found("SvelteKit, React", vec![]));
        report.extras.insert(Extra::BuildTool, Field::found("Next.js", vec![]));
        for holds in ["react", "React", "svelte", "next", "nextjs", "Next.js"] {
            let condition = [Condition::FrontendNamed(holds.into())];
            assert_eq!(why_not(&condition, &report), None, "{holds}");
        }
        assert_eq!(
            why_not(&[Condition::FrontendNamed("vue".into())], &report).as_deref(),
            Some("frontend:vue: the frontend is SvelteKit, React")
        );
        assert!(why_not(&[Condition::FrontendNamed("-".into())], &report).is_some());
        assert_eq!(why_not(&[Condition::Frontend], &report), None);
    }
}
