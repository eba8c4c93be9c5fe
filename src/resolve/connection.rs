//! A database connection as an app's configuration writes it — a URL
//! (`postgres://app:secret@localhost:5432/shop`), an ADO.NET connection string
//! (`Host=localhost;Database=shop;Username=app`) or an embedded store's file
//! (`sqlite:///data/app.db`, `Data Source=app.db`) — read into its parts, so a client can be
//! pointed at it. A password is dropped when the value is read: no command shows one.

use super::dirs::fill;
use crate::detect::{Kind, Registry, Shell};

/// What reading a connection needs to know, from the detectors: the embedded stores' file URL
/// prefixes (longest first), file extensions and in-memory markers (`[shell]`), and the markers
/// of a value left for the developer to fill (`conventions.toml [commands] placeholder_values`).
pub(super) struct Known<'r> {
    file_urls: Vec<&'r str>,
    file_extensions: Vec<&'r str>,
    in_memory: Vec<&'r str>,
    placeholders: &'r [String],
    unset: &'r [String],
    jdbc_wrappers: &'r [String],
}

impl<'r> Known<'r> {
    pub(super) fn of(registry: &'r Registry) -> Known<'r> {
        let shells: Vec<&Shell> = registry
            .of_kind(Kind::Database)
            .filter_map(|d| d.shell.as_ref())
            .collect();
        let all = |pick: fn(&Shell) -> &Vec<String>| -> Vec<&'r str> {
            shells.iter().flat_map(|s| pick(s)).map(String::as_str).collect()
        };
        let mut file_urls = all(|s| &s.file_urls);
        file_urls.sort_by_key(|p| std::cmp::Reverse(p.len()));
        Known {
            file_urls,
            file_extensions: all(|s| &s.file_extensions),
            in_memory: all(|s| &s.in_memory),
            placeholders: &registry.conventions.commands.placeholder_values,
            unset: &registry.conventions.commands.unset_values,
            jdbc_wrappers: &registry.conventions.commands.jdbc_wrappers,
        }
    }

    /// A value the developer fills in: an env reference, a template slot, an ADO.NET
    /// substitution (`|DataDirectory|`), an example marker (`your-mysql-username`) or a word
    /// for "not set" (`null`).
    pub(super) fn is_placeholder(&self, text: &str) -> bool {
        let lower = text.to_ascii_lowercase();
        text.contains(['$', '{', '}', '<', '>', '%', '|'])
            || self.placeholders.iter().any(|w| lower.contains(w.as_str()))
            || self
                .unset
                .iter()
                .any(|w| lower.trim().trim_matches(['"', '\'']) == w.as_str())
    }

    /// Whether a connection keeps its store in the app's memory (`jdbc:h2:mem:`, `:memory:`).
    pub(super) fn in_memory(&self, text: &str) -> bool {
        let lower = text.to_ascii_lowercase().replace(' ', "");
        self.in_memory.iter().any(|m| lower.contains(*m))
    }

    /// An embedded store's file name (`app.db`, `data.sqlite3`).
    pub(super) fn has_file_extension(&self, path: &str) -> bool {
        let lower = path.to_ascii_lowercase();
        self.file_extensions.iter().any(|ext| lower.ends_with(ext))
    }
}

/// The names of this machine a connection may give as its host.
pub(super) const LOCAL_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Whether a host is this machine (`localhost`, `127.0.0.1`, `[::1]`).
pub(super) fn is_local_host(host: &str) -> bool {
    LOCAL_HOSTS.contains(&host.trim_matches(['[', ']']))
}

/// Where a configuration says the database is. A part written as a placeholder
/// (`${DB_HOST}`, `<user>`, `%env(…)%`) is left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Connection {
    /// The URL scheme without its driver suffix (`postgresql` of `postgresql+asyncpg`), when the
    /// value is a URL.
    pub scheme: Option<String>,
    pub host: Option<String>,
    pub user: Option<String>,
    pub name: Option<String>,
    /// The port, when the connection names one.
    pub port: Option<String>,
    /// An embedded store's file, as written (relative to where the app runs).
    pub file: Option<String>,
    /// The URL without password and query, when every part of it is spelled out.
    pub url: Option<String>,
    /// Whether the user is written as a placeholder (`your-username`): each developer's own.
    pub user_left_open: bool,
}

/// A URL without its `jdbc:` prefix and any driver of `wrappers` wrapping it
/// (`jdbc:p6spy:mysql://h/db` → `mysql://h/db`).
pub(super) fn unwrapped<'v>(value: &'v str, wrappers: &[String]) -> &'v str {
    let mut plain = value.strip_prefix("jdbc:").unwrap_or(value);
    while let Some((head, rest)) = plain.split_once(':') {
        if !wrappers.iter().any(|w| w.eq_ignore_ascii_case(head)) {
            break;
        }
        plain = rest;
    }
    plain
}

/// Reads `value` as a URL, an ADO.NET connection string or an embedded store's file URL (the
/// longest known prefix wins). `None` when it is none of them or names nothing a client could
/// open.
pub(super) fn parse(value: &str, known: &Known) -> Option<Connection> {
    let value = value.trim().trim_matches(['"', '\'']);
    // `jdbc:p6spy:sqlite:app.db` is `jdbc:sqlite:app.db`.
    let unwrapped_jdbc;
    let value = match value.strip_prefix("jdbc:") {
        Some(_) => {
            unwrapped_jdbc = format!("jdbc:{}", unwrapped(value, known.jdbc_wrappers));
            unwrapped_jdbc.as_str()
        }
        None => value,
    };
    if let Some((prefix, rest)) = known.file_urls.iter().find_map(|p| Some((p, value.strip_prefix(p)?))) {
        return file_connection(rest, prefix.ends_with("//"), known);
    }
    let plain = unwrapped(value, known.jdbc_wrappers);
    if plain.contains("://") {
        return url_connection(plain, known);
    }
    if plain.contains('=') {
        return keyword_connection(plain, known);
    }
    None
}

/// `rest` is what follows the store's URL prefix; after a `//` (`sqlite:///data/app.db`) one
/// more slash ends the empty host, while after `sqlite:` the path is as written (`sqlite:/tmp/app.db`
/// is absolute).
fn file_connection(rest: &str, after_host: bool, known: &Known) -> Option<Connection> {
    let path = rest.split('?').next().unwrap_or("");
    // `sqlite:///data/app.db` is relative; `sqlite:////var/app.db` absolute.
    let path = match after_host {
        true => path.strip_prefix('/').filter(|p| !p.is_empty()).unwrap_or(path),
        false => path,
    };
    // Symfony's `sqlite:///%kernel.project_dir%/var/data.db` is relative to the project.
    let path = path.strip_prefix("%kernel.project_dir%/").unwrap_or(path);
    let path = path.strip_prefix("./").unwrap_or(path);
    // `config/../priv/app.db`, as a file beside the config writes it.
    let normal = crate::fs::lexically_normal(path);
    let path = if path.contains("..") && !normal.starts_with("..") {
        normal.as_str()
    } else {
        path
    };
    // `"sqlite:///" + basedir + …` leaves only the slash: the file is built in code.
    if path.is_empty() || path == "/" || known.in_memory(path) || known.is_placeholder(path) {
        return None;
    }
    Some(Connection {
        file: Some(path.to_string()),
        ..Connection::default()
    })
}

fn url_connection(url: &str, known: &Known) -> Option<Connection> {
    let (scheme, rest) = url.split_once("://")?;
    // A driver suffix is the client library's (`postgresql+asyncpg`), but `mongodb+srv` is how
    // the client finds the hosts.
    let scheme = scheme.to_ascii_lowercase();
    let scheme = match scheme.split_once('+') {
        Some((_, "srv")) => scheme.clone(),
        Some((base, _)) => base.to_string(),
        None => scheme.clone(),
    };
    // The user's part ends at the last `@`: a password may hold `/`, `?` or `#`.
    let (userinfo, rest) = match rest.rsplit_once('@') {
        Some((info, rest)) => (Some(info), rest),
        None => (None, rest),
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (hostport, path) = rest.split_once('/').unwrap_or((rest, ""));
    let user = userinfo.map(|info| info.split(':').next().unwrap_or(info));
    // Only the first host of a replica list (`h1:27017,h2:27017`) is opened.
    let host = hostport.split(',').next().unwrap_or("");
    let host_only = if host.starts_with('[') {
        host.split_once(']').map_or(host, |(h, _)| h).trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let port = if host.starts_with('[') {
        host.split_once("]:").map(|(_, p)| p)
    } else {
        host.split_once(':').map(|(_, p)| p)
    };
    let name = path.split('/').next().unwrap_or("");
    let part = |s: Option<&str>| {
        s.filter(|s| !s.is_empty() && !known.is_placeholder(s) && !s.contains(['/', '?', '#', '@']))
            .map(str::to_string)
    };
    let (host_part, user_part, name_part) = (part(Some(host_only)), part(user), part(Some(name)));
    host_part.as_ref()?;
    let spelled_out = !known.is_placeholder(hostport)
        && user.is_none_or(|u| user_part.as_deref() == Some(u))
        && !known.is_placeholder(name);
    let url = spelled_out.then(|| {
        let user = user_part.as_ref().map_or(String::new(), |u| format!("{u}@"));
        let path = if path.is_empty() {
            String::new()
        } else {
            format!("/{name}")
        };
        format!("{scheme}://{user}{hostport}{path}")
    });
    Some(Connection {
        scheme: Some(scheme),
        host: host_part,
        user: user_part,
        name: name_part,
        port: port
            .filter(|p| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty())
            .map(str::to_string),
        file: None,
        url,
        user_left_open: user.is_some_and(|u| !u.is_empty() && known.is_placeholder(u)),
    })
}

/// `Host=localhost;Port=5432;Database=shop;Username=app;Password=…` and its SQL Server and SQLite
/// spellings (`Server=tcp:db,1433;Initial Catalog=shop;User Id=sa`, `Data Source=app.db`).
fn keyword_connection(text: &str, known: &Known) -> Option<Connection> {
    let mut connection = Connection::default();
    let mut data_source = None;
    for pair in text.split(';') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let key: String = key
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let value = value.trim();
        let user_key = matches!(key.as_str(), "userid" | "user" | "username" | "uid");
        if value.is_empty() || known.is_placeholder(value) {
            connection.user_left_open |= user_key && !value.is_empty();
            continue;
        }
        let value = value.to_string();
        match key.as_str() {
            "host" | "server" | "address" | "addr" | "networkaddress" => {
                connection.host = Some(value.strip_prefix("tcp:").unwrap_or(&value).to_string())
            }
            "datasource" => data_source = Some(value),
            "database" | "initialcatalog" => connection.name = Some(value),
            "port" if value.chars().all(|c| c.is_ascii_digit()) => connection.port = Some(value),
            "userid" | "user" | "username" | "uid" => connection.user = Some(value),
            "filename" => connection.file = Some(value),
            _ => {}
        }
    }
    // `Data Source` is SQLite's file when it has a database file's extension, else SQL Server's
    // host (`.\SQLEXPRESS`, `(localdb)\mssqllocaldb`).
    if let Some(source) = data_source.filter(|s| !known.in_memory(s)) {
        if known.has_file_extension(&source) {
            connection.file.get_or_insert(source);
        } else if connection.host.is_none() {
            connection.host = Some(source);
        }
    }
    if known.in_memory(text) {
        connection.file = None;
    }
    (connection.host.is_some() || connection.file.is_some()).then_some(connection)
}

/// `value` with a URL's password replaced by `…`, for evidence shown to people.
pub(super) fn redacted(value: &str) -> String {
    let value = without_password_parameters(value);
    let Some((scheme, rest)) = value.split_once("://") else {
        return value;
    };
    match rest.rsplit_once('@') {
        Some((info, host)) if info.contains(':') => {
            let user = info.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:…@{host}")
        }
        _ => value.clone(),
    }
}

/// `value` with the value of each password parameter (`?password=…`, `;Pwd=…`) replaced by `…`.
fn without_password_parameters(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find(['?', '&', ';']) {
        let (before, after) = rest.split_at(at + 1);
        out.push_str(before);
        let end = after.find(['&', ';', '#']).unwrap_or(after.len());
        let (parameter, tail) = after.split_at(end);
        match parameter.split_once('=') {
            Some((key, _)) if ["password", "pwd", "pass"].contains(&key.trim().to_ascii_lowercase().as_str()) => {
                out.push_str(key);
                out.push_str("=…");
            }
            _ => out.push_str(parameter),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

impl Connection {
    /// The store's client opened on this connection: its file, its URL, or its split parameters
    /// (`[shell] file`, `url`, `params`), the first the connection has every part of.
    pub(super) fn client(&self, shell: &Shell) -> Option<String> {
        if let (Some(template), Some(file)) = (&shell.file, &self.file) {
            // A path with spaces or shell characters is quoted for the shell.
            let plain = file.chars().all(|c| c.is_ascii_alphanumeric() || "._-/~".contains(c));
            let file = if plain {
                file.clone()
            } else {
                format!("'{}'", file.replace('\'', "'\\''"))
            };
            return fill(template, |var| (var == "file").then(|| file.clone()));
        }
        if let (Some(template), Some(url)) = (&shell.url, &self.url) {
            return Some(template.replace("{url}", url));
        }
        // A port only when it is not the store's default: `-p 5433`, never `-p 5432`.
        let port = self.port.clone().filter(|p| shell.default_port.as_ref() != Some(p));
        let value = |var: &str| match var {
            "host" => self.host.clone(),
            "user" => self.user.clone(),
            "name" => self.name.clone(),
            "port" => port.clone(),
            _ => None,
        };
        let without_user = shell
            .params_without_user
            .iter()
            .filter(|_| self.user_left_open && self.user.is_none());
        shell
            .params
            .iter()
            .chain(without_user)
            .flat_map(|p| p.candidates())
            .find_map(|p| fill(p, value))
    }

    /// Fills the parts this connection lacks from `other` (a username read from its own key),
    /// in its URL too (`postgresql://localhost/shop` and `username: shop` →
    /// `postgresql://shop@localhost/shop`).
    pub(super) fn or(mut self, other: &Connection) -> Connection {
        if let (None, Some(user), Some(url)) = (&self.user, &other.user, &self.url) {
            self.url = url
                .split_once("://")
                .map(|(scheme, rest)| format!("{scheme}://{user}@{rest}"));
        }
        self.host = self.host.or_else(|| other.host.clone());
        self.user = self.user.or_else(|| other.user.clone());
        self.name = self.name.or_else(|| other.name.clone());
        self.port = self.port.or_else(|| other.port.clone());
        self.user_left_open |= other.user_left_open;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> &'static Registry {
        static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
        REGISTRY.get_or_init(|| Registry::builtin().unwrap())
    }

    fn parse_known(value: &str) -> Option<Connection> {
        parse(value, &Known::of(registry()))
    }

    fn parsed(value: &str) -> Connection {
        parse_known(value).unwrap_or_else(|| panic!("{value} parses"))
    }

    #[test]
    fn urls_lose_their_password_and_query() {
        let c = parsed("postgres://app:s3cret@localhost:5432/shop?sslmode=disable");
        assert_eq!(c.scheme.as_deref(), Some("postgres"));
        assert_eq!(c.host.as_deref(), Some("localhost"));
        assert_eq!(c.user.as_deref(), Some("app"));
        assert_eq!(c.name.as_deref(), Some("shop"));
        assert_eq!(c.url.as_deref(), Some("postgres://app@localhost:5432/shop"));
        let c = parsed("jdbc:mysql://127.0.0.1:3306/kimai");
        assert_eq!((c.scheme.as_deref(), c.user), (Some("mysql"), None));
        assert_eq!(c.url.as_deref(), Some("mysql://127.0.0.1:3306/kimai"));
        let c = parsed("postgresql+asyncpg://u@db/inv");
        assert_eq!(c.url.as_deref(), Some("postgresql://u@db/inv"));
        // p6spy logs the queries of the driver whose URL it wraps.
        let c = parsed("jdbc:p6spy:mysql://localhost:3306/eladmin?useSSL=false");
        assert_eq!(c.scheme.as_deref(), Some("mysql"));
        assert_eq!(c.url.as_deref(), Some("mysql://localhost:3306/eladmin"));
        assert_eq!(
            parsed("jdbc:p6spy:sqlite:data/app.db").file.as_deref(),
            Some("data/app.db")
        );
    }

    #[test]
    fn passwords_with_url_characters_never_show() {
        for url in [
            "postgresql://app:pa#ss@localhost/shop",
            "postgresql://app:pa/ss@localhost/shop",
            "postgresql://app:p?w@localhost/shop",
        ] {
            let c = parsed(url);
            assert_eq!(c.url.as_deref(), Some("postgresql://app@localhost/shop"), "{url}");
            assert_eq!(
                (c.host.as_deref(), c.name.as_deref()),
                (Some("localhost"), Some("shop"))
            );
        }
        assert_eq!(
            redacted("mysql://user:secret@127.0.0.1/db"),
            "mysql://user:…@127.0.0.1/db"
        );
        assert_eq!(redacted("mysql://127.0.0.1/db"), "mysql://127.0.0.1/db");
        assert_eq!(
            redacted("jdbc:mariadb://db:3306/lib?user=lib&password=hunter2&ssl=true"),
            "jdbc:mariadb://db:3306/lib?user=lib&password=…&ssl=true"
        );
        assert_eq!(
            redacted("Host=db;Database=app;Pwd=secret"),
            "Host=db;Database=app;Pwd=…"
        );
        assert_eq!(
            parsed("mongodb+srv://app@cluster0.ab12c.mongodb.net/shop")
                .url
                .as_deref(),
            Some("mongodb+srv://app@cluster0.ab12c.mongodb.net/shop")
        );
    }

    #[test]
    fn placeholders_leave_their_part_out() {
        let c = parsed("postgresql://${DB_USER}:${DB_PASS}@localhost/app");
        assert_eq!((c.user, c.name.as_deref(), c.url), (None, Some("app"), None));
        assert!(parse_known("postgresql://${DB_HOST}/app").is_none());
        assert!(parse_known("postgres://").is_none());
    }

    #[test]
    fn file_urls_name_the_file() {
        assert_eq!(
            parsed("sqlite:///data/app.db?mode=rwc").file.as_deref(),
            Some("data/app.db")
        );
        assert_eq!(parsed("sqlite:dev.db").file.as_deref(), Some("dev.db"));
        // After `sqlite:` the path is as written: an absolute one stays absolute.
        assert_eq!(parsed("sqlite:/tmp/app.db").file.as_deref(), Some("/tmp/app.db"));
        assert_eq!(parsed("sqlite:////var/app.db").file.as_deref(), Some("/var/app.db"));
        assert_eq!(parsed("jdbc:sqlite:app.db").file.as_deref(), Some("app.db"));
        assert_eq!(
            parsed("sqlite:///%kernel.project_dir%/var/data.db").file.as_deref(),
            Some("var/data.db")
        );
        assert!(parse_known("sqlite://:memory:").is_none());
        assert!(parse_known("sqlite:///").is_none());
    }

    #[test]
    fn ado_net_strings_in_their_spellings() {
        let c = parsed("Host=localhost;Port=5432;Database=shop;Username=app;Password=secret");
        assert_eq!(
            (c.host.as_deref(), c.name.as_deref(), c.user.as_deref()),
            (Some("localhost"), Some("shop"), Some("app"))
        );
        let c = parsed("Server=tcp:localhost,1433;Initial Catalog=Meetings;User Id=sa;Password=x");
        assert_eq!(
            (c.host.as_deref(), c.name.as_deref(), c.user.as_deref()),
            (Some("localhost,1433"), Some("Meetings"), Some("sa"))
        );
        let c = parsed("Data Source=(localdb)\\mssqllocaldb;Database=App;Trusted_Connection=True");
        assert_eq!((c.host.as_deref(), c.file), (Some("(localdb)\\mssqllocaldb"), None));
        assert_eq!(
            parsed("Data Source=App_Data/app.db").file.as_deref(),
            Some("App_Data/app.db")
        );
        assert_eq!(parsed("Filename=realworld.db").file.as_deref(), Some("realworld.db"));
        assert!(parse_known("Data Source=:memory:").is_none());
        let c = parsed("Data Source=.\\SQLEXPRESS;Integrated Security=True");
        assert_eq!((c.host.as_deref(), c.file), (Some(".\\SQLEXPRESS"), None));
        assert!(parse_known("Data Source=|DataDirectory|\\notes.db").is_none());
        assert!(parse_known("DataSource=notes.db;Mode=Memory;Cache=Shared").is_none());
        assert!(parse_known("just text").is_none());
    }

    #[test]
    fn a_port_other_than_the_default_is_passed_on() {
        let registry = crate::detect::Registry::builtin().unwrap();
        let shell = |id: &str| registry.get(id).unwrap().shell.clone().unwrap();
        assert_eq!(
            parsed("Host=localhost;Port=5433;Database=shop;Username=app")
                .client(&shell("postgresql"))
                .as_deref(),
            Some("psql -h localhost -p 5433 -U app -d shop")
        );
        assert_eq!(
            parsed("Host=localhost;Port=5432;Database=shop;Username=app")
                .client(&shell("postgresql"))
                .as_deref(),
            Some("psql -h localhost -U app -d shop")
        );
        assert_eq!(
            parsed("mysql://app:pw@localhost:3307/shop")
                .client(&shell("mysql"))
                .as_deref(),
            Some("mysql -h localhost -P 3307 -u app -p shop")
        );
    }

    #[test]
    fn clients_take_the_first_form_the_connection_fills() {
        let shell: Shell = toml::from_str(
            "url = 'psql \"{url}\"'\nparams = [\"psql -h {host} -U {user} -d {name}\", \"psql -h {host} -d {name}\"]",
        )
        .unwrap();
        assert_eq!(
            parsed("postgres://app:pw@localhost/shop").client(&shell).as_deref(),
            Some("psql \"postgres://app@localhost/shop\"")
        );
        assert_eq!(
            parsed("Host=db;Database=shop;Username=app").client(&shell).as_deref(),
            Some("psql -h db -U app -d shop")
        );
        assert_eq!(
            parsed("Host=db;Database=shop").client(&shell).as_deref(),
            Some("psql -h db -d shop")
        );
        let sqlite: Shell = toml::from_str("file = 'sqlite3 {file}'\nfile_urls = ['sqlite:']").unwrap();
        assert_eq!(
            parsed("Data Source=App Data/x.db").client(&sqlite).as_deref(),
            Some("sqlite3 'App Data/x.db'")
        );
        let mysql: Shell = toml::from_str("params = 'mysql -h {host} -u {user} -p {name}'").unwrap();
        assert_eq!(
            parsed("mysql://user:pw@127.0.0.1:3306/database")
                .client(&mysql)
                .as_deref(),
            Some("mysql -h 127.0.0.1 -u user -p database")
        );
        assert_eq!(parsed("mysql://127.0.0.1/database").client(&mysql), None);
        let user = Connection {
            user: Some("shop".into()),
            ..Connection::default()
        };
        assert_eq!(
            parsed("jdbc:postgresql://localhost:5432/shop")
                .or(&user)
                .client(&shell)
                .as_deref(),
            Some("psql \"postgresql://shop@localhost:5432/shop\"")
        );
    }
}
