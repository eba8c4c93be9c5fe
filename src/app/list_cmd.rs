//! `archprompt templates` and `archprompt detectors`: what the repository and the binary offer.

use super::cli::TemplatesArgs;
use super::rows::TemplateEntry;
use super::ui::out;
use anyhow::Result;
use archprompt::profile::{syntax, templates};
use std::path::PathBuf;
use std::process::ExitCode;

/// `archprompt templates`: each template `--template NAME` can name, where it comes from, the
/// agent file it writes for Copilot, and the variables it uses.
pub fn templates(args: TemplatesArgs) -> Result<ExitCode> {
    let repo = args.path.unwrap_or_else(|| PathBuf::from("."));
    archprompt::fs::require_dir(&repo)?;
    let found = templates::available(&repo);
    if args.json {
        let list: Vec<TemplateEntry> = found
            .iter()
            .map(|t| TemplateEntry {
                name: &t.name,
                origin: t.describe_origin(),
                variables: syntax::variables(&t.text),
            })
            .collect();
        out(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    for t in &found {
        let vars = syntax::variables(&t.text);
        text.push_str(&format!(
            "{}  ({})\n  variables: {}\n",
            t.name,
            t.describe_origin(),
            vars.join(", ")
        ));
    }
    text.push_str(&format!(
        "\nUse one with `archprompt init --template NAME`; add your own as {}/NAME.md.\n",
        templates::REPO_DIR
    ));
    out(&text)?;
    Ok(ExitCode::SUCCESS)
}

pub fn detectors() -> Result<ExitCode> {
    let registry = super::ui::registry()?;
    let width = registry.detectors.iter().map(|d| d.id.len()).max().unwrap_or(0);
    let mut text = String::new();
    for d in &registry.detectors {
        let eco = d.ecosystem.map(|e| e.as_str()).unwrap_or("any");
        text.push_str(&format!(
            "{:<width$}  {:<11}  {:<6}  {}\n",
            d.id,
            d.kind.as_str(),
            eco,
            d.name
        ));
    }
    out(&text)?;
    Ok(ExitCode::SUCCESS)
}
