//! Opening a store by URL: `memory:`, `sqlite://PATH` (or a plain path) and
//! `postgres://...`.

use crate::{CaseStore, StoreError};

/// Opens the store a URL names. A plain path (no scheme) is a SQLite file.
pub async fn open(url: &str) -> Result<Box<dyn CaseStore>, StoreError> {
    if url == "memory:" {
        return Ok(Box::new(crate::memory::MemoryStore::new()));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        #[cfg(feature = "postgres")]
        return Ok(Box::new(crate::postgres::PostgresStore::open(url).await?));
        #[cfg(not(feature = "postgres"))]
        return Err(StoreError::Url { url: redact_url(url) });
    }
    check_url(url)?;
    #[cfg(feature = "sqlite")]
    {
        let url = if url.starts_with("sqlite:") { url.to_owned() } else { format!("sqlite://{url}") };
        Ok(Box::new(crate::sqlite::SqliteStore::open(&url).await?))
    }
    #[cfg(not(feature = "sqlite"))]
    Err(StoreError::Url { url: redact_url(url) })
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

/// The URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _password)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_hidden_and_nothing_else_changes() {
        assert_eq!(redact_url("postgres://lk3:rahasia@db:5432/lk3"), "postgres://lk3:***@db:5432/lk3");
        assert_eq!(redact_url("postgres://lk3@db/lk3"), "postgres://lk3@db/lk3");
        assert_eq!(redact_url("sqlite://lk3.db"), "sqlite://lk3.db");
    }
}
