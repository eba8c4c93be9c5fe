//! Task names from Makefiles and justfiles. Both formats are code, so these are line-oriented
//! regex readers, tested on the shapes real repositories use.

use regex::Regex;
use std::sync::LazyLock;

static MAKE_TARGET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z0-9][A-Za-z0-9_.\-/ ]*?)\s*::?(?:[^=]|$)").unwrap());
static JUST_RECIPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^@?([A-Za-z_][A-Za-z0-9_\-]*)(?:\s[^:]*)?:(?:[^=]|$)").unwrap());
static JUST_ALIAS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^alias\s+([A-Za-z_][A-Za-z0-9_\-]*)\s*:=\s*([A-Za-z_][A-Za-z0-9_\-]*)").unwrap());

/// `(target, first recipe line)` for each explicit Makefile target, in file order. Pattern
/// rules (`%.o:`), special targets (`.PHONY:`) and variable assignments are skipped.
pub fn make_targets(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with('\t') || line.starts_with('#') {
            continue;
        }
        let Some(caps) = MAKE_TARGET.captures(line) else {
            continue;
        };
        let body = recipe_after(&lines, i, |l| l.starts_with('\t'));
        for target in caps[1].split_whitespace() {
            if target.contains('%') || target.starts_with('.') || target.contains('$') {
                continue;
            }
            if !out.iter().any(|(t, _)| t == target) {
                out.push((target.to_string(), body.clone()));
            }
        }
    }
    out
}

/// `(recipe, first body line)` for each justfile recipe and alias, in file order.
pub fn just_recipes(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(caps) = JUST_ALIAS.captures(line) {
            out.push((caps[1].to_string(), format!("just {}", &caps[2])));
            continue;
        }
        if line.starts_with(char::is_whitespace) || line.starts_with('#') {
            continue;
        }
        if let Some(caps) = JUST_RECIPE.captures(line) {
            let name = caps[1].to_string();
            if name == "set" || name == "export" || name == "import" || name == "mod" {
                continue;
            }
            let body = recipe_after(&lines, i, |l| l.starts_with(char::is_whitespace));
            out.push((name, body));
        }
    }
    out
}

fn recipe_after(lines: &[&str], i: usize, indented: impl Fn(&str) -> bool) -> String {
    lines[i + 1..]
        .iter()
        .take_while(|l| indented(l) || l.trim().is_empty())
        .map(|l| l.trim().trim_start_matches(['@', '-']))
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_targets_skip_specials_patterns_and_assignments() {
        let text = ".PHONY: test run\nPYTHON := python3\nVAR = x\n%.o: %.c\n\tcc $<\n\ntest: deps ## run tests\n\t@$(PYTHON) -m pytest -q\nrun:\n\tflask run --debug\nclean build::\n\trm -rf dist\n";
        let targets = make_targets(text);
        let names: Vec<&str> = targets.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["test", "run", "clean", "build"]);
        assert_eq!(targets[0].1, "$(PYTHON) -m pytest -q");
        assert_eq!(targets[1].1, "flask run --debug");
    }

    #[test]
    fn just_recipes_with_params_attributes_and_aliases() {
        let text = "set dotenv-load\n\n# run the server\ndev port=\"8000\":\n    cargo watch -x run\n\n[private]\n@test *args: build\n    cargo test {{args}}\nalias t := test\nversion := \"1\"\n";
        let recipes = just_recipes(text);
        let names: Vec<&str> = recipes.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["dev", "test", "t"]);
        assert_eq!(recipes[0].1, "cargo watch -x run");
        assert_eq!(recipes[1].1, "cargo test {{args}}");
    }
}
