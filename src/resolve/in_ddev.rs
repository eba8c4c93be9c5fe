//! Development in DDEV. A repository with a DDEV project file is started with `ddev start`,
//! which runs its web server and database in DDEV's containers; the database's host name (`db`)
//! resolves only there, so the app's own commands run in its web container (`ddev exec …`)
//! when that container holds the app's toolchain (`[ddev] ecosystems` of conventions.toml).

use crate::detect::Registry;
use crate::detect::analysis::Analysis;
use crate::report::{Evidence, Field};
use crate::signals::compose::RepoSignals;

/// The DDEV project the backend is developed in.
pub(super) struct InDdev {
    /// The project file, and why it says so.
    evidence: Evidence,
}

/// The DDEV project the backend runs in: a project file at the root, whose web container holds
/// the backend's toolchain, and the backend at the root too (DDEV runs commands from the
/// project's root; a `composer_root` or a project in a subfolder is not read).
pub(super) fn of(registry: &Registry, backend: &Analysis, signals: &RepoSignals) -> Option<InDdev> {
    let ddev = signals.ddev.as_ref()?;
    let project = &backend.project;
    let holds_toolchain = registry.conventions.ddev.ecosystems.contains(&project.ecosystem);
    (holds_toolchain && project.dir == ".").then(|| InDdev {
        evidence: ddev.evidence.clone(),
    })
}

impl InDdev {
    /// `ddev start`, which starts the project's containers and serves the app.
    pub(super) fn dev(&self) -> Field {
        Field::found("ddev start", vec![self.evidence.clone()])
    }

    /// A framework's or tool's own command (`php bin/console doctrine:migrations:migrate`) run
    /// in the web container.
    pub(super) fn inside(&self, default: &Field) -> Field {
        let value = default.value.as_deref().unwrap_or_default();
        let mut evidence = default.evidence.clone();
        evidence.push(self.evidence.clone());
        Field::found(format!("ddev exec {value}"), evidence)
    }
}
