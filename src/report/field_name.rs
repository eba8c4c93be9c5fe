//! The names of the 11 template fields, as a type: code decides on a field by its variant, and
//! the name a template writes (`{{db_command}}`) is its serde and display form.

use serde::Serialize;

/// A template field, in the order the bundled template uses them (which is also their order as
/// map keys, so a map of fields serializes in template order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldName {
    TechStack,
    BackendFramework,
    DatabaseSystem,
    SourceDirs,
    TestDirs,
    DbMigrationsDirs,
    DevCommand,
    MigrationCommand,
    TestCommand,
    BuildCommand,
    DbCommand,
}

impl FieldName {
    pub const ALL: [FieldName; 11] = [
        FieldName::TechStack,
        FieldName::BackendFramework,
        FieldName::DatabaseSystem,
        FieldName::SourceDirs,
        FieldName::TestDirs,
        FieldName::DbMigrationsDirs,
        FieldName::DevCommand,
        FieldName::MigrationCommand,
        FieldName::TestCommand,
        FieldName::BuildCommand,
        FieldName::DbCommand,
    ];

    /// The name templates and the JSON contract use.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldName::TechStack => "tech_stack",
            FieldName::BackendFramework => "backend_framework",
            FieldName::DatabaseSystem => "database_system",
            FieldName::SourceDirs => "source_dirs",
            FieldName::TestDirs => "test_dirs",
            FieldName::DbMigrationsDirs => "db_migrations_dirs",
            FieldName::DevCommand => "dev_command",
            FieldName::MigrationCommand => "migration_command",
            FieldName::TestCommand => "test_command",
            FieldName::BuildCommand => "build_command",
            FieldName::DbCommand => "db_command",
        }
    }

    /// A list of directories (`src, lib`), each of which should exist.
    pub fn is_directories(self) -> bool {
        matches!(
            self,
            FieldName::SourceDirs | FieldName::TestDirs | FieldName::DbMigrationsDirs
        )
    }

    /// A shell command, which may run a script or task the repository must define.
    pub fn is_command(self) -> bool {
        matches!(
            self,
            FieldName::DevCommand
                | FieldName::MigrationCommand
                | FieldName::TestCommand
                | FieldName::BuildCommand
                | FieldName::DbCommand
        )
    }

    /// The field a template variable names, if it names one (`orm` is a variable, not a field).
    pub fn parse(name: &str) -> Option<FieldName> {
        FieldName::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl std::fmt::Display for FieldName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad`, so that `{name:<width$}` lines fields up.
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serde_names_and_parse_back() {
        for field in FieldName::ALL {
            assert_eq!(serde_json::to_value(field).unwrap(), field.as_str());
            assert_eq!(FieldName::parse(field.as_str()), Some(field));
        }
        assert_eq!(FieldName::parse("orm"), None);
        for field in FieldName::ALL {
            assert_eq!(field.is_directories(), field.as_str().ends_with("_dirs"));
            assert_eq!(field.is_command(), field.as_str().ends_with("_command"));
        }
        let mut sorted = FieldName::ALL;
        sorted.sort();
        assert_eq!(sorted, FieldName::ALL, "declaration order is template order");
    }
}
