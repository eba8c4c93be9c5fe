//! Ruby: the `Gemfile` (Ruby code, read with rules for `gem`, `group … do` and `ruby` lines) and,
//! for a gem without a Gemfile of its own dependencies, its `*.gemspec`.

use super::project::{Ecosystem, Project, Scope, Shape};
use crate::repo::index::RepoIndex;
use regex::Regex;
use std::sync::OnceLock;

fn gem_line() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"^\s*gem\s*\(?\s*["'](?P<name>[\w.\-]+)["'](?P<rest>.*)$"#).expect("valid regex"))
}

/// `group :development, :test do` (or `group(:test) do`): the groups named.
fn group_line() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"^\s*group\s*\(?(?P<groups>[^)]*?)\)?\s+do\b"#).expect("valid regex"))
}

/// Groups whose gems are not part of the running app.
fn is_dev_group(groups: &str) -> bool {
    let names: Vec<&str> = groups
        .split(',')
        .map(|g| g.trim().trim_start_matches(':').trim_matches(['"', '\'']))
        .collect();
    !names.is_empty()
        && names
            .iter()
            .all(|g| matches!(*g, "development" | "test" | "lint" | "ci" | "tools"))
}

pub fn read(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Ruby, file);
    let Some(text) = index.read(file) else {
        return project;
    };
    // Nesting of `do … end` blocks, with whether each is a development group.
    let mut blocks: Vec<bool> = Vec::new();
    for raw in text.lines() {
        let line = raw.split(" #").next().unwrap_or("").trim_end();
        let trimmed = line.trim();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        if let Some(c) = group_line().captures(line) {
            blocks.push(is_dev_group(&c["groups"]));
            continue;
        }
        if trimmed == "end" {
            blocks.pop();
            continue;
        }
        if trimmed.ends_with(" do") || trimmed.contains(" do |") {
            let inherited = blocks.last().copied().unwrap_or(false);
            blocks.push(inherited);
            continue;
        }
        if let Some(c) = gem_line().captures(line) {
            let in_dev = blocks.last().copied().unwrap_or(false);
            let inline_group = c["rest"]
                .split_once("group:")
                .or_else(|| c["rest"].split_once(":group =>"))
                .map(|(_, g)| g.trim_matches(|ch: char| ch == '[' || ch == ']' || ch.is_whitespace()));
            let dev = in_dev || inline_group.is_some_and(|g| is_dev_group(g.split(']').next().unwrap_or(g)));
            let scope = if dev { Scope::Dev } else { Scope::Runtime };
            project.add_dep(&c["name"], scope, file);
            continue;
        }
        if let Some(version) = trimmed.strip_prefix("ruby ") {
            let version = version.trim().trim_matches(['"', '\'']);
            if version.starts_with(|c: char| c.is_ascii_digit()) {
                project.language_version = Some((version.to_string(), file.to_string()));
            }
        }
        if trimmed == "gemspec" || trimmed.starts_with("gemspec ") {
            for spec in index.files_in(dir).filter(|f| f.ends_with(".gemspec")) {
                read_gemspec(index, spec, &mut project);
            }
        }
    }
    if project.language_version.is_none() {
        let file = crate::fs::join(dir, ".ruby-version");
        if let Some(version) = index
            .read(&file)
            .and_then(|t| t.lines().next().map(str::trim).map(str::to_string))
        {
            let version = version.trim_start_matches("ruby-").to_string();
            if version.starts_with(|c: char| c.is_ascii_digit()) {
                project.language_version = Some((version, file));
            }
        }
    }
    project
}

/// `spec.add_dependency "sinatra"`, `s.add_runtime_dependency("sequel")`,
/// `spec.add_development_dependency "rspec"`.
fn read_gemspec(index: &RepoIndex, file: &str, project: &mut Project) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"\.add_(?P<kind>runtime_|development_)?dependency\s*\(?\s*["'](?P<name>[\w.\-]+)["']"#)
            .expect("valid regex")
    });
    let Some(text) = index.read(file) else { return };
    for c in re.captures_iter(&text) {
        let scope = if c.name("kind").is_some_and(|k| k.as_str() == "development_") {
            Scope::Dev
        } else {
            Scope::Runtime
        };
        project.add_dep(&c["name"], scope, file);
    }
    if project.name.is_none() {
        project.name = Some(crate::fs::file_name(file).trim_end_matches(".gemspec").to_string());
    }
    // A gem is a library; one with commands in `exe/` (bundler's layout) or that names its
    // executables (`spec.executables = ["tool"]`, `%w[tool]`) installs them.
    let exe = crate::fs::join(crate::fs::parent(file), "exe");
    static NAMED: OnceLock<Regex> = OnceLock::new();
    let named =
        NAMED.get_or_init(|| Regex::new(r#"\.executables\s*=\s*(?:\[\s*["']|%w[\[(]\s*\w)"#).expect("valid regex"));
    project.shape = Some(if index.files_in(&exe).next().is_some() || named.is_match(&text) {
        (Shape::Cli, file.to_string(), "installs commands".to_string())
    } else {
        (Shape::Library, file.to_string(), "a gem".to_string())
    });
}

/// Gems with a gemspec but no Gemfile: the gemspec is the manifest.
pub fn collect_gemspecs(index: &RepoIndex, gemspecs: &[&String], projects: &[Project]) -> Vec<Project> {
    let mut out: Vec<Project> = Vec::new();
    // Directories that already have a Ruby project (a Gemfile, or a gemspec taken before).
    let mut taken: std::collections::HashSet<&str> = projects
        .iter()
        .filter(|p| p.ecosystem == Ecosystem::Ruby)
        .map(|p| p.dir.as_str())
        .collect();
    for file in gemspecs {
        let dir = crate::fs::parent(file);
        if !taken.insert(dir) {
            continue;
        }
        let mut project = Project::new(dir, Ecosystem::Ruby, file);
        read_gemspec(index, file, &mut project);
        out.push(project);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gems_groups_and_ruby_version() {
        let gemfile = r#"source "https://rubygems.org"
ruby "3.3.4"

gem "rails", "~> 7.2"
gem 'pg', '~> 1.1' # the database
gem "rspec-rails", group: [:development, :test]

group :development, :test do
  gem "debug", platforms: %i[ mri windows ]
end

group :production do
  gem "sidekiq"
end

platforms :jruby do
  gem "activerecord-jdbc-adapter"
end
gemspec
"#;
        let gemspec = "Gem::Specification.new do |spec|\n  spec.add_dependency \"sequel\"\n  spec.add_development_dependency(\"rack-test\")\nend\n";
        let (_dir, index) = crate::repo::index::test_index(&[("Gemfile", gemfile), ("shop.gemspec", gemspec)]);
        let p = read(&index, ".", "Gemfile");
        let scope = |name: &str| p.dep(name).map(|d| d.scope);
        assert_eq!(scope("rails"), Some(Scope::Runtime));
        assert_eq!(scope("pg"), Some(Scope::Runtime));
        assert_eq!(scope("rspec-rails"), Some(Scope::Dev));
        assert_eq!(scope("debug"), Some(Scope::Dev));
        assert_eq!(scope("sidekiq"), Some(Scope::Runtime));
        assert_eq!(scope("activerecord-jdbc-adapter"), Some(Scope::Runtime));
        assert_eq!(scope("sequel"), Some(Scope::Runtime));
        assert_eq!(scope("rack-test"), Some(Scope::Dev));
        assert_eq!(p.language_version.as_ref().map(|v| v.0.as_str()), Some("3.3.4"));
    }
}
