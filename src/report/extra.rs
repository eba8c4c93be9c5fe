//! The placeholders beyond the 11 fields that template collections use most (issue 20's
//! vocabulary): more commands, tools, the browser frontend's stack, directories and the
//! conventions a formatter pins. Each is
//! a [`crate::report::Field`] with the same states and evidence as the 11; the name a template
//! writes (`{{lint_command}}`) is its serde and display form.

/// One placeholder of the vocabulary, in the order `scan --json` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Extra {
    InstallCommand,
    LintCommand,
    FormatCommand,
    TypeCheckCommand,
    CoverageCommand,
    SeedCommand,
    RollbackCommand,
    CreateMigrationCommand,
    DocsBuildCommand,
    DockerBuildCommand,
    CiPlatform,
    IacTool,
    ContainerRuntime,
    FrontendFramework,
    UiLibrary,
    StateManagement,
    BuildTool,
    ConfigDirs,
    ApiDirs,
    ServicesDirs,
    ModelsDirs,
    SeedsDirs,
    DocsDirs,
    InfraDirs,
    CiDirs,
    Indentation,
    LineLength,
    QuoteStyle,
    Semicolons,
    DocstringStyle,
}

impl Extra {
    pub const ALL: [Extra; 30] = [
        Extra::InstallCommand,
        Extra::LintCommand,
        Extra::FormatCommand,
        Extra::TypeCheckCommand,
        Extra::CoverageCommand,
        Extra::SeedCommand,
        Extra::RollbackCommand,
        Extra::CreateMigrationCommand,
        Extra::DocsBuildCommand,
        Extra::DockerBuildCommand,
        Extra::CiPlatform,
        Extra::IacTool,
        Extra::ContainerRuntime,
        Extra::FrontendFramework,
        Extra::UiLibrary,
        Extra::StateManagement,
        Extra::BuildTool,
        Extra::ConfigDirs,
        Extra::ApiDirs,
        Extra::ServicesDirs,
        Extra::ModelsDirs,
        Extra::SeedsDirs,
        Extra::DocsDirs,
        Extra::InfraDirs,
        Extra::CiDirs,
        Extra::Indentation,
        Extra::LineLength,
        Extra::QuoteStyle,
        Extra::Semicolons,
        Extra::DocstringStyle,
    ];

    /// The name templates and the JSON contract use.
    pub fn as_str(self) -> &'static str {
        match self {
            Extra::InstallCommand => "install_command",
            Extra::LintCommand => "lint_command",
            Extra::FormatCommand => "format_command",
            Extra::TypeCheckCommand => "type_check_command",
            Extra::CoverageCommand => "coverage_command",
            Extra::SeedCommand => "db_seed_command",
            Extra::RollbackCommand => "db_rollback_command",
            Extra::CreateMigrationCommand => "db_create_migration_command",
            Extra::DocsBuildCommand => "docs_build_command",
            Extra::DockerBuildCommand => "docker_build_command",
            Extra::CiPlatform => "cicd_platform",
            Extra::IacTool => "iac_tool",
            Extra::ContainerRuntime => "container_runtime",
            Extra::FrontendFramework => "frontend_framework",
            Extra::UiLibrary => "ui_library",
            Extra::StateManagement => "state_management",
            Extra::BuildTool => "build_tool",
            Extra::ConfigDirs => "config_dirs",
            Extra::ApiDirs => "api_dirs",
            Extra::ServicesDirs => "services_dirs",
            Extra::ModelsDirs => "db_models_dirs",
            Extra::SeedsDirs => "db_seeds_dirs",
            Extra::DocsDirs => "docs_dirs",
            Extra::InfraDirs => "infra_dirs",
            Extra::CiDirs => "cicd_dirs",
            Extra::Indentation => "indentation",
            Extra::LineLength => "line_length",
            Extra::QuoteStyle => "quote_style",
            Extra::Semicolons => "semicolons",
            Extra::DocstringStyle => "docstring_style",
        }
    }

    pub fn parse(name: &str) -> Option<Extra> {
        Extra::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// A list of directories (`docs, site`), each of which exists.
    pub fn is_directories(self) -> bool {
        self.as_str().ends_with("_dirs")
    }
}

impl serde::Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Extra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_serialize_as_written() {
        for extra in Extra::ALL {
            assert_eq!(Extra::parse(extra.as_str()), Some(extra));
            assert_eq!(
                serde_json::to_string(&extra).unwrap(),
                format!("\"{}\"", extra.as_str()),
                "serde and as_str agree"
            );
            assert!(crate::report::field_name::FieldName::parse(extra.as_str()).is_none());
        }
    }
}
