//! Accepting the edits in an agent file: the file turned back into a template, so `init` renders
//! the edited text from then on (for every agent) instead of refusing to overwrite it. Each value
//! archprompt wrote goes back to its `{{field}}`, so it keeps following the repository; a value
//! someone changed by hand, and every other edit, stays as written.

use anyhow::{Result, bail};

use crate::profile::record;
use crate::profile::slots::slots;
use crate::profile::syntax::split_front_matter;
use crate::profile::targets::Target;
use crate::profile::templates::Template;
use crate::report::{Placeholder, Report};

/// The template `text` (an agent file of `target`, rendered from `template` for the agent
/// `name`) becomes when its edits are accepted: its body, with the template's front matter.
/// AGENTS.md sections are not taken (their headings were shifted to fit the file around them),
/// nor a file where a field's line cannot be told apart.
pub fn template_from(text: &str, target: Target, template: &Template, report: &Report, name: &str) -> Result<String> {
    if target == Target::AgentsMd {
        bail!(
            "an AGENTS.md section cannot be accepted as a template (its headings were shifted to fit the file); accept the agent's .github/agents, .claude/agents or .cursor/rules file, or edit .archprompt/templates/{name}.md"
        );
    }
    // Line ends are the file's own business: `init` gives a CRLF file CRLF again.
    let text = &text.replace("\r\n", "\n");
    let recorded = record::find(text);
    let text = match &recorded {
        Some((range, _)) => format!("{}{}", &text[..range.start], &text[range.end..]),
        None => text.to_string(),
    };
    let skeleton = crate::profile::agent_file::skeleton(template, report, target, name)?;
    // The file's text is the template's text: the renderer writes any `{{…}}` that is not a
    // placeholder as it is (`{{ .Values.image }}` in a Helm example).
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let found = slots(&skeleton, &text);
    // A field whose line cannot be told apart in the file (two lines start the same way) would
    // be frozen as text and no longer follow the repository.
    let (_, skeleton_body) = split_front_matter(&skeleton);
    for (_, _, name) in crate::profile::syntax::placeholders(skeleton_body) {
        let Some(field) = Placeholder::parse(&name) else {
            continue;
        };
        if !found.iter().any(|slot| slot.field == field) {
            bail!(
                "cannot tell which line of the file holds {field}, so accepting would freeze its value; make the edit in .archprompt/templates/{}.md instead",
                template.name
            );
        }
    }
    for slot in found {
        // archprompt's value (by the record, else the scan's own) follows the repository again;
        // a value typed by hand is part of the accepted text.
        let ours = match &recorded {
            Some((_, hashes)) => hashes.get(slot.field.as_str()) == Some(&record::hash(&slot.value)),
            None => report.get(slot.field).value.as_deref() == Some(slot.value.as_str()),
        };
        if !ours {
            continue;
        }
        let start = skeleton[..slot.placeholder.start].rfind('\n').map_or(0, |n| n + 1);
        let end = skeleton[slot.placeholder.end..]
            .find('\n')
            .map_or(skeleton.len(), |n| slot.placeholder.end + n + 1);
        let ending = if lines[slot.line].ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let line = skeleton[start..end].trim_end_matches(['\r', '\n']);
        lines[slot.line] = format!("{}{}", line, if lines[slot.line].ends_with('\n') { ending } else { "" });
    }
    let body = lines.concat();
    // Front matter is each agent's own (Copilot's `tools`, Cursor's `globs`): the template's is
    // kept; the caller refuses a file whose front matter was edited.
    let (_, rest) = split_front_matter(&body);
    Ok(match split_front_matter(&template.text) {
        (Some(front), _) => format!("---\n{front}---\n{rest}"),
        (None, _) => rest.trim_start_matches('\n').to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::agent_file::prepare;
    use crate::profile::templates::Origin;
    use crate::report::FieldName;
    use crate::report::{Evidence, Field};

    fn report() -> Report {
        let mut report = Report::unknown("shop", "nothing read");
        report.fields.insert(
            FieldName::DevCommand,
            Field::found("npm run dev", vec![Evidence::new("package.json", "script \"dev\"")]),
        );
        report.fields.insert(
            FieldName::TestCommand,
            Field::found("npm test", vec![Evidence::new("package.json", "script \"test\"")]),
        );
        report
    }

    fn template() -> Template {
        Template {
            name: "backend-architect".into(),
            origin: Origin::Bundled,
            text: crate::profile::render::DEFAULT_TEMPLATE.to_string(),
        }
    }

    #[test]
    fn an_accepted_file_renders_back_to_itself_and_follows_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let (template, report) = (template(), report());
        for target in [Target::Copilot, Target::Claude, Target::Cursor] {
            let written = prepare(dir.path(), &template, &report, target, None, false)
                .unwrap()
                .content;
            let edited = written
                .replace("Validate inputs", "Validate ALL inputs")
                .replace("`npm test`", "`npm test -- --runInBand`")
                .replacen("## Commands\n", "## Commands\n\nHelm: `{{ .Values.image }}`\n", 1);
            assert_ne!(edited, written, "{target:?}");
            let accepted = Template {
                text: template_from(&edited, target, &template, &report, "backend-architect").unwrap(),
                ..template.clone()
            };
            // The accepted template gives back the edited file; its record no longer claims the
            // hand-typed value as archprompt's.
            let again = prepare(dir.path(), &accepted, &report, target, None, false)
                .unwrap()
                .content;
            let without_record = |text: &str| {
                let (range, hashes) = record::find(text).unwrap();
                (format!("{}{}", &text[..range.start], &text[range.end..]), hashes)
            };
            let (again_text, again_record) = without_record(&again);
            assert_eq!(again_text, without_record(&edited).0, "{target:?}");
            assert!(again_record.contains_key("dev_command") && !again_record.contains_key("test_command"));
            // archprompt's values follow the repository; the hand-typed one stays.
            let mut moved = report.clone();
            moved.fields.insert(
                FieldName::DevCommand,
                Field::found("pnpm dev", vec![Evidence::new("package.json", "script \"dev\"")]),
            );
            let later = prepare(dir.path(), &accepted, &moved, target, None, false)
                .unwrap()
                .content;
            assert!(
                later.contains("`pnpm dev`") && later.contains("`npm test -- --runInBand`"),
                "{later}"
            );
            assert!(later.contains("Helm: `{{ .Values.image }}`"), "{later}");
        }
        let agents_md = template_from("x", Target::AgentsMd, &template, &report, "backend-architect");
        assert!(agents_md.is_err());
    }
}
