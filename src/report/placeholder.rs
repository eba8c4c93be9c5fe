//! A placeholder archprompt fills and reads back: one of the 11 fields or of the vocabulary
//! beyond them. `doctor` finds values, drift, missing folders and tasks by it, for both alike.

use super::extra::Extra;
use super::field_name::FieldName;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Placeholder {
    Field(FieldName),
    Extra(Extra),
}

impl Placeholder {
    /// The placeholder a template's `{{name}}` fills, by its own name or an alias.
    pub fn parse(name: &str) -> Option<Placeholder> {
        let name = super::aliases::canonical(name);
        FieldName::parse(name)
            .map(Placeholder::Field)
            .or_else(|| Extra::parse(name).map(Placeholder::Extra))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Placeholder::Field(field) => field.as_str(),
            Placeholder::Extra(extra) => extra.as_str(),
        }
    }

    /// A list of directories, each of which should exist.
    pub fn is_directories(self) -> bool {
        match self {
            Placeholder::Field(field) => field.is_directories(),
            Placeholder::Extra(extra) => extra.is_directories(),
        }
    }

    /// A shell command, which may run a script or task the repository must define.
    pub fn is_command(self) -> bool {
        match self {
            Placeholder::Field(field) => field.is_command(),
            Placeholder::Extra(extra) => extra.as_str().ends_with("_command"),
        }
    }
}

impl From<FieldName> for Placeholder {
    fn from(field: FieldName) -> Placeholder {
        Placeholder::Field(field)
    }
}

impl serde::Serialize for Placeholder {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Placeholder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_parse_to_fields_or_extras() {
        assert_eq!(
            Placeholder::parse("db_console_command"),
            Some(Placeholder::Field(FieldName::DbCommand))
        );
        assert_eq!(
            Placeholder::parse("doc_dirs"),
            Some(Placeholder::Extra(Extra::DocsDirs))
        );
        assert_eq!(Placeholder::parse("orm"), None);
        assert!(Placeholder::parse("lint_command").is_some_and(Placeholder::is_command));
        assert!(Placeholder::parse("docs_dirs").is_some_and(Placeholder::is_directories));
    }
}
