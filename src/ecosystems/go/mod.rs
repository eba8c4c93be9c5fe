//! go.mod reader. The format is Go's own (`module`, `go`, `require` lines and blocks), small
//! and line based, so it is read line by line as `cmd/go` does.

use super::project::{Ecosystem, Project, Scope};
use crate::repo::index::RepoIndex;

pub fn read(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Go, file);
    let Some(text) = index.read(file) else {
        return project;
    };
    let mut block: Option<String> = None;
    for (number, raw) in text.lines().enumerate() {
        // `// indirect` marks a module only other modules need: not the project's own choice.
        if raw.contains("// indirect") {
            continue;
        }
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(verb) = &block {
            if line == ")" {
                block = None;
            } else {
                directive(&mut project, verb, line, file);
            }
            continue;
        }
        let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        if rest == "(" {
            block = Some(verb.to_string());
            continue;
        }
        match verb {
            "module" => project.name = Some(unquote(rest).to_string()),
            "go" if project.language_version.is_none() => {
                project.language_version = Some((rest.to_string(), file.to_string()));
            }
            "toolchain" => {
                let version = rest.trim_start_matches("go");
                project.language_version = Some((version.to_string(), file.to_string()));
            }
            "require" | "tool" => directive(&mut project, verb, rest, file),
            "replace" | "exclude" | "retract" | "godebug" | "go" | "ignore" => {}
            _ => index.warn(file, format!("line {}: unknown directive `{verb}`", number + 1)),
        }
    }
    if block.is_some() {
        index.warn(file, "a `(` block is never closed");
    }
    // No shape: whether `package main` serves (net/http, gRPC, in any package it calls) is not
    // read, so a Go module is never claimed to be a command-line tool or a library.
    project
}

/// One entry of a `require` or `tool` line or block.
fn directive(project: &mut Project, verb: &str, entry: &str, file: &str) {
    let Some(path) = entry.split_whitespace().next() else {
        return;
    };
    match verb {
        "require" => {
            project.add_dep(unquote(path), Scope::Runtime, file);
        }
        // Go 1.24 `tool` directives: development tools (sqlc, goose) run with `go tool`.
        "tool" => {
            project.add_dep(unquote(path), Scope::Dev, file);
        }
        _ => {}
    }
}

fn unquote(s: &str) -> &str {
    s.trim_matches(['"', '`'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_module_version_and_requirements() {
        let text = "module github.com/acme/api // the api\n\ngo 1.22.1\n\nrequire github.com/gin-gonic/gin v1.10.0\n\nrequire (\n\tgorm.io/gorm v1.25.0\n\tgithub.com/jackc/pgx/v5 v5.6.0 // indirect\n\tgithub.com/labstack/echo/v4 v4.12.0\n)\n\ntool github.com/pressly/goose/v3/cmd/goose\n\nreplace example.com/x => ../x\n";
        let (_dir, index) = crate::repo::index::test_index(&[("go.mod", text)]);
        let project = read(&index, ".", "go.mod");
        assert_eq!(project.name.as_deref(), Some("github.com/acme/api"));
        assert_eq!(project.language_version.as_ref().map(|v| v.0.as_str()), Some("1.22.1"));
        assert!(project.dep("github.com/gin-gonic/gin").is_some());
        assert!(project.dep("gorm.io/gorm").is_some());
        // The major-version suffix is dropped: Echo v4 is Echo.
        assert!(project.dep("github.com/labstack/echo").is_some());
        assert!(
            project.dep("github.com/jackc/pgx").is_none(),
            "indirect requirements are left out"
        );
        assert_eq!(
            project.dep("github.com/pressly/goose/v3/cmd/goose").map(|d| d.scope),
            Some(Scope::Dev)
        );
        assert!(index.take_warnings().is_empty());
    }
}
