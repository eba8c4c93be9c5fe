//! mix.exs reader. The file is Elixir code; its `deps` entries (`{:phoenix, "~> 1.7"}`), the
//! `app:` and `elixir:` keys and an umbrella's `apps_path:` are read with rules for those shapes.

use super::project::{Ecosystem, Project, Scope};
use crate::repo::index::RepoIndex;
use regex::Regex;
use std::sync::OnceLock;

struct Rules {
    dep: Regex,
    app: Regex,
    elixir: Regex,
    apps_path: Regex,
    /// `@elixir_requirement "~> 1.18"`: a module attribute set to a string.
    attribute: Regex,
}

fn rules() -> &'static Rules {
    static RE: OnceLock<Rules> = OnceLock::new();
    RE.get_or_init(|| Rules {
        // `{:ecto_sql, "~> 3.10"}`, `{:floki, ">= 0.30.0", only: :test}`, `{:dep, github: "…"}`.
        dep: Regex::new(r#"\{\s*:(?P<name>[a-z_][a-z0-9_]*)\s*,(?P<rest>[^{}]*)\}"#).expect("valid regex"),
        app: Regex::new(r#"\bapp:\s*:(?P<name>[a-z_][a-z0-9_]*)"#).expect("valid regex"),
        elixir: Regex::new(r#"\belixir:\s*(?:"(?P<v>[^"]+)"|@(?P<attr>\w+))"#).expect("valid regex"),
        apps_path: Regex::new(r#"\bapps_path:\s*"(?P<p>[^"]+)""#).expect("valid regex"),
        attribute: Regex::new(r#"(?m)^\s*@(?P<name>\w+)\s+"(?P<value>[^"]+)""#).expect("valid regex"),
    })
}

/// `only: :test` or `only: [:dev, :test]`: a dependency the production release leaves out.
fn dev_only(rest: &str) -> bool {
    let Some((_, only)) = rest.split_once("only:") else {
        return false;
    };
    let only = only.trim_start();
    let envs: &str = if let Some(list) = only.strip_prefix('[') {
        list.split(']').next().unwrap_or("")
    } else {
        only.split([',', '}']).next().unwrap_or("")
    };
    !envs.split(',').any(|e| e.trim() == ":prod")
}

pub fn read(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Elixir, file);
    let Some(text) = index.read(file) else {
        return project;
    };
    let rules = rules();
    // Comments can hold example deps; drop them before matching.
    let code: String = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    project.name = rules.app.captures(&code).map(|c| c["name"].to_string());
    let version = match rules.elixir.captures(&code) {
        Some(c) => c.name("v").map(|v| v.as_str().to_string()),
        None => None,
    };
    // `elixir: @elixir_requirement` names a module attribute set earlier in the file.
    let version = version.or_else(|| {
        let attribute = rules.elixir.captures(&code)?.name("attr")?.as_str().to_string();
        let set = rules.attribute.captures_iter(&code).find(|c| c["name"] == attribute)?;
        Some(set["value"].to_string())
    });
    if let Some(version) = version {
        project.language_version = Some((version, file.to_string()));
    }
    if let Some(c) = rules.apps_path.captures(&code) {
        project.workspace_members = vec![format!("{}/*", c["p"].trim_end_matches('/'))];
    }
    for c in rules.dep.captures_iter(&code) {
        let scope = if dev_only(&c["rest"]) {
            Scope::Dev
        } else {
            Scope::Runtime
        };
        project.add_dep(&c["name"], scope, file);
    }
    project
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deps_app_and_elixir_version() {
        let mix = r#"defmodule Shop.MixProject do
  use Mix.Project
  def project do
    [app: :shop, version: "0.1.0", elixir: "~> 1.15", deps: deps()]
  end
  defp deps do
    [
      {:phoenix, "~> 1.7.14"},
      {:ecto_sql, "~> 3.10"},
      {:postgrex, ">= 0.0.0"},
      {:phoenix_live_reload, "~> 1.2", only: :dev},
      {:floki, ">= 0.30.0", only: [:dev, :test]},
      {:telemetry, "~> 1.0", only: [:dev, :prod]},
      # {:commented, "~> 1.0"},
      {:heroicons, github: "tailwindlabs/heroicons", tag: "v2.1.1", sparse: "optimized", app: false, compile: false}
    ]
  end
end
"#;
        let (_dir, index) = crate::repo::index::test_index(&[("mix.exs", mix)]);
        let p = read(&index, ".", "mix.exs");
        let scope = |name: &str| p.dep(name).map(|d| d.scope);
        assert_eq!(p.name.as_deref(), Some("shop"));
        assert_eq!(p.language_version.as_ref().map(|v| v.0.as_str()), Some("~> 1.15"));
        assert_eq!(scope("phoenix"), Some(Scope::Runtime));
        assert_eq!(scope("postgrex"), Some(Scope::Runtime));
        assert_eq!(scope("phoenix_live_reload"), Some(Scope::Dev));
        assert_eq!(scope("floki"), Some(Scope::Dev));
        assert_eq!(scope("telemetry"), Some(Scope::Runtime));
        assert_eq!(scope("heroicons"), Some(Scope::Runtime));
        assert_eq!(scope("commented"), None);
    }

    #[test]
    fn elixir_version_from_a_module_attribute() {
        let mix = "defmodule L.MixProject do\n  @elixir_requirement \"~> 1.18\"\n  def project, do: [app: :l, elixir: @elixir_requirement, deps: []]\nend\n";
        let (_dir, index) = crate::repo::index::test_index(&[("mix.exs", mix)]);
        let p = read(&index, ".", "mix.exs");
        assert_eq!(p.language_version.map(|v| v.0).as_deref(), Some("~> 1.18"));
    }
}
