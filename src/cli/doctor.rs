//! `storefront doctor`: the configuration, the database and the mail server, checked.

use storefront::config::Config;

/// Each check prints a line; any failure makes the exit code non-zero.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let mut failures = 0;
    let mut report = |ok: bool, what: &str, detail: String| {
        println!("{} {what}: {detail}", if ok { "ok  " } else { "FAIL" });
        if !ok {
            failures += 1;
        }
    };
    match config.validate() {
        Ok(()) => report(true, "configuration", "valid".to_owned()),
        Err(err) => report(false, "configuration", err.to_string()),
    }
    match config.resolve_secret_key() {
        Ok(_) => report(true, "secret key", "present (not shown)".to_owned()),
        Err(err) => report(false, "secret key", err.to_string()),
    }
    // Connect only: a check migrates nothing and makes no ids.
    match storefront::connect_database(&config).await {
        Ok(db) => {
            match db.ping().await {
                Ok(()) => report(true, "database", format!("{:?} answers", db.backend())),
                Err(err) => report(false, "database", err.to_string()),
            }
            match db.pending_migrations().await {
                Ok(0) => report(true, "migrations", "up to date".to_owned()),
                Ok(n) => report(
                    false,
                    "migrations",
                    format!("{n} pending: run `storefront migrate`"),
                ),
                Err(err) => report(false, "migrations", err.to_string()),
            }
        }
        Err(err) => report(false, "database", err.to_string()),
    }
    match storefront::mail::Mailer::from_config(&config) {
        Ok(mailer) => match mailer.check().await {
            Ok(()) => report(true, "mail", mailer.describe()),
            Err(err) => report(false, "mail", format!("{}: {err}", mailer.describe())),
        },
        Err(err) => report(false, "mail", err.to_string()),
    }
    if failures > 0 {
        anyhow::bail!("{failures} check(s) failed");
    }
    Ok(())
}
