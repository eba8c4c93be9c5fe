//! Development in DDEV. A repository with a DDEV project file is started with `ddev start`,
//! which runs its web server and database in DDEV's containers; the database's host name (`db`)
//! resolves only there, so the app's own commands run in its web container (`ddev exec …`)
//! when that container holds the app's toolchain (`[ddev] ecosystems` of conventions.toml).

use crate::detect::Registry;
use crate::detect::analysis::Analysis;
use crate::detect::knowledge::Ddev;
use crate::report::{Evidence, Field};
use crate::signals::compose::RepoSignals;

/// The DDEV project the backend is developed in.
pub(super) struct InDdev<'r> {
    /// The project file, and why it says so.
    evidence: Evidence,
    /// DDEV's commands (`[ddev]` of conventions.toml).
    ddev: &'r Ddev,
}

/// The DDEV project the backend runs in: a project file at the root, whose web container holds
/// the backend's toolchain, and the backend at the root too (DDEV runs commands from the
/// project's root; a `composer_root` or a project in a subfolder is not read).
pub(super) fn of<'r>(registry: &'r Registry, backend: &Analysis, signals: &RepoSignals) -> Option<InDdev<'r>> {
    let project_file = signals.ddev.as_ref()?;
    let ddev = &registry.conventions.ddev;
    let project = &backend.project;
    let holds_toolchain = ddev.ecosystems.contains(&project.ecosystem);
    let commands = !ddev.start.is_empty() && ddev.exec.contains("{command}");
    (holds_toolchain && commands && project.dir == ".").then(|| InDdev {
        evidence: project_file.evidence.clone(),
        ddev,
    })
}

impl InDdev<'_> {
    /// `ddev start`, which starts the project's containers and serves the app.
    pub(super) fn dev(&self) -> Field {
        Field::found(&self.ddev.start, vec![self.evidence.clone()])
    }

    /// A framework's or tool's own command (`php bin/console doctrine:migrations:migrate`) run
    /// in the web container.
    pub(super) fn inside(&self, default: &Field) -> Field {
        let value = default.value.as_deref().unwrap_or_default();
        let mut evidence = default.evidence.clone();
        evidence.push(self.evidence.clone());
        Field::found(self.ddev.exec.replace("{command}", value), evidence)
    }
}
