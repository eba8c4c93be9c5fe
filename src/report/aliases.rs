//! Other names for archprompt's placeholders, so a template collection written for another tool
//! works unchanged: `{{db_console_command}}` is `{{db_command}}`, `{{orm_system}}` is `{{orm}}`.
//! The list is data (`templates/aliases.toml`), read once.

use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(serde::Deserialize)]
struct AliasFile {
    aliases: BTreeMap<String, String>,
}

static ALIASES: LazyLock<BTreeMap<String, String>> = LazyLock::new(|| {
    toml::from_str::<AliasFile>(include_str!("../../templates/aliases.toml"))
        .expect("templates/aliases.toml is valid (a test parses it)")
        .aliases
});

/// Every alias and the name it stands for, sorted by alias.
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    ALIASES.iter().map(|(alias, name)| (alias.as_str(), name.as_str()))
}

/// The name archprompt fills for `name`: the name an alias stands for, else `name` itself.
pub fn canonical(name: &str) -> &str {
    ALIASES.get(name).map_or(name, String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alias_names_what_archprompt_fills() {
        assert_eq!(canonical("db_console_command"), "db_command");
        assert_eq!(canonical("orm_system"), "orm");
        assert_eq!(canonical("db_command"), "db_command");
        // That each stands for a field or variable is checked against a real report in
        // tests/templates.rs.
        assert!(all().all(|(alias, name)| alias != name));
    }
}
