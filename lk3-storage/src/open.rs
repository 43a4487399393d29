//! Opening a store by URL: `memory:`, `sqlite://PATH` (or a plain path) and
//! `postgres://...`.

use crate::{CaseStore, StoreError};

/// Opens the store a URL names. A plain path (no scheme) is a SQLite file.
pub async fn open(url: &str) -> Result<Box<dyn CaseStore>, StoreError> {
    open_as(url, false).await
}

/// Opens the store a URL names for reading only: nothing is created or
/// written (SQLite in `mode=ro`, PostgreSQL in read-only transactions); a
/// missing, empty or foreign file or database is [`StoreError::NotAStore`].
/// `memory:` is an empty store.
pub async fn open_read_only(url: &str) -> Result<Box<dyn CaseStore>, StoreError> {
    open_as(url, true).await
}

async fn open_as(url: &str, read_only: bool) -> Result<Box<dyn CaseStore>, StoreError> {
    if url == "memory:" {
        return Ok(Box::new(crate::memory::MemoryStore::new()));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        #[cfg(feature = "postgres")]
        {
            use crate::postgres::PostgresStore;
            let store =
                if read_only { PostgresStore::open_read_only(url).await? } else { PostgresStore::open(url).await? };
            return Ok(Box::new(store));
        }
        #[cfg(not(feature = "postgres"))]
        return Err(StoreError::Url { url: redact_url(url) });
    }
    check_url(url)?;
    #[cfg(feature = "sqlite")]
    {
        use crate::sqlite::SqliteStore;
        let url = if url.starts_with("sqlite:") { url.to_owned() } else { format!("sqlite://{url}") };
        let store = if read_only { SqliteStore::open_read_only(&url).await? } else { SqliteStore::open(&url).await? };
        Ok(Box::new(store))
    }
    #[cfg(not(feature = "sqlite"))]
    {
        let _ = read_only;
        Err(StoreError::Url { url: redact_url(url) })
    }
}

/// Refuses a URL with a scheme no store has (`mysql://...`): without this a
/// plain path rule would take it for a SQLite file name.
pub fn check_url(url: &str) -> Result<(), StoreError> {
    match url.split_once("://") {
        Some((scheme, _)) if !matches!(scheme, "sqlite" | "postgres" | "postgresql") => {
            Err(StoreError::Url { url: redact_url(url) })
        }
        _ => Ok(()),
    }
}

/// The URL without its password, for messages: the one in `user:pass@`
/// and any `password=` (or `sslpassword=`) parameter.
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = match (base.find("://"), base.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &base[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _password)) => format!("{}{user}:***{}", &base[..scheme + 3], &base[at..]),
                None => base.to_owned(),
            }
        }
        _ => base.to_owned(),
    };
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((key, _)) if key.to_ascii_lowercase().ends_with("password") => format!("{key}=***"),
                _ => p.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_hidden_and_nothing_else_changes() {
        assert_eq!(redact_url("postgres://lk3:rahasia@db:5432/lk3"), "postgres://lk3:***@db:5432/lk3");
        assert_eq!(redact_url("postgres://lk3@db/lk3"), "postgres://lk3@db/lk3");
        assert_eq!(redact_url("sqlite://lk3.db"), "sqlite://lk3.db");
        assert_eq!(
            redact_url("postgres://db/lk3?user=lk3&password=rahasia&sslmode=disable"),
            "postgres://db/lk3?user=lk3&password=***&sslmode=disable"
        );
        assert_eq!(
            redact_url("postgres://a:b@db/lk3?PASSWORD=c&sslpassword=d"),
            "postgres://a:***@db/lk3?PASSWORD=***&sslpassword=***"
        );
        assert_eq!(redact_url("sqlite://lk3.db?mode=ro"), "sqlite://lk3.db?mode=ro");
    }
}
