//! The texts of account emails: built-in plain-text and HTML templates, each replaceable by a
//! file of the same name in `mail.templates_dir`. Placeholders: `{{shop_name}}`, `{{url}}`,
//! `{{first_name}}` (HTML-escaped in the HTML templates). Files: `activation`, `reset`,
//! `account_exists` (strict sign-up mode) and `password_changed`, each `.txt` and `.html`.
//! In `password_changed`, `{{url}}` is the shop's login page: that notice never carries a link
//! that logs in or resets anything.

use std::path::Path;

use crate::accounts::MailPurpose;

const ACTIVATION_TXT: &str = "Hi {{first_name}},

{{shop_name}} has created a customer account for you. Activate it and choose a password here:

{{url}}

The link works once, for 30 days.
";

const ACTIVATION_HTML: &str = "<!doctype html>
<html><body>
<p>Hi {{first_name}},</p>
<p>{{shop_name}} has created a customer account for you.</p>
<p><a href=\"{{url}}\">Activate your account</a></p>
<p>The link works once, for 30 days.</p>
</body></html>
";

const RESET_TXT: &str = "Hi {{first_name}},

Someone asked to reset the password of your {{shop_name}} account. Choose a new password here:

{{url}}

The link works once. If you did not ask for this, ignore this email: your password stays as it is.
";

const RESET_HTML: &str = "<!doctype html>
<html><body>
<p>Hi {{first_name}},</p>
<p>Someone asked to reset the password of your {{shop_name}} account.</p>
<p><a href=\"{{url}}\">Choose a new password</a></p>
<p>The link works once. If you did not ask for this, ignore this email: your password stays as it is.</p>
</body></html>
";

const ACCOUNT_EXISTS_TXT: &str = "Hi {{first_name}},

Someone, maybe you, tried to create a {{shop_name}} account with this email address. You already
have one, so nothing was created and nothing has changed.

If you forgot your password, choose a new one here:

{{url}}

The link works once. If it was not you, ignore this email.
";

const ACCOUNT_EXISTS_HTML: &str = "<!doctype html>
<html><body>
<p>Hi {{first_name}},</p>
<p>Someone, maybe you, tried to create a {{shop_name}} account with this email address. You already have one, so nothing was created and nothing has changed.</p>
<p>If you forgot your password, <a href=\"{{url}}\">choose a new one</a>.</p>
<p>The link works once. If it was not you, ignore this email.</p>
</body></html>
";

const PASSWORD_CHANGED_TXT: &str = "Hi {{first_name}},

The password of your {{shop_name}} account was just changed, and every device that was signed in
has been signed out.

If that was you, there is nothing to do.

If it was not you, ask for a new password at once from the sign-in page and contact us:

{{url}}
";

const PASSWORD_CHANGED_HTML: &str = "<!doctype html>
<html><body>
<p>Hi {{first_name}},</p>
<p>The password of your {{shop_name}} account was just changed, and every device that was signed in has been signed out.</p>
<p>If that was you, there is nothing to do.</p>
<p>If it was not you, ask for a new password at once from the <a href=\"{{url}}\">sign-in page</a> and contact us.</p>
</body></html>
";

pub struct Template {
    subject: String,
    text: String,
    html: String,
}

pub struct Templates {
    activation: Template,
    reset: Template,
    account_exists: Template,
    password_changed: Template,
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Templates {
    /// The built-in templates, with any file found in `dir` taking the place of its twin.
    pub fn load(dir: Option<&Path>) -> std::io::Result<Self> {
        let read = |name: &str, default: &str| -> std::io::Result<String> {
            match dir.map(|d| d.join(name)) {
                Some(path) if path.exists() => std::fs::read_to_string(path),
                _ => Ok(default.to_owned()),
            }
        };
        Ok(Self {
            activation: Template {
                subject: "Activate your {{shop_name}} account".to_owned(),
                text: read("activation.txt", ACTIVATION_TXT)?,
                html: read("activation.html", ACTIVATION_HTML)?,
            },
            reset: Template {
                subject: "Reset your {{shop_name}} password".to_owned(),
                text: read("reset.txt", RESET_TXT)?,
                html: read("reset.html", RESET_HTML)?,
            },
            account_exists: Template {
                subject: "You already have a {{shop_name}} account".to_owned(),
                text: read("account_exists.txt", ACCOUNT_EXISTS_TXT)?,
                html: read("account_exists.html", ACCOUNT_EXISTS_HTML)?,
            },
            password_changed: Template {
                subject: "Your {{shop_name}} password was changed".to_owned(),
                text: read("password_changed.txt", PASSWORD_CHANGED_TXT)?,
                html: read("password_changed.html", PASSWORD_CHANGED_HTML)?,
            },
        })
    }

    pub fn render(
        &self,
        purpose: MailPurpose,
        shop_name: &str,
        url: &str,
        first_name: Option<&str>,
    ) -> Rendered {
        let template = match purpose {
            MailPurpose::Activation => &self.activation,
            MailPurpose::Reset => &self.reset,
            MailPurpose::AccountExists => &self.account_exists,
            MailPurpose::PasswordChanged => &self.password_changed,
        };
        let first_name = first_name.filter(|n| !n.is_empty()).unwrap_or("there");
        let fill = |text: &str, escape: bool| {
            let value = |v: &str| if escape { escape_html(v) } else { v.to_owned() };
            text.replace("{{shop_name}}", &value(shop_name))
                .replace("{{url}}", &value(url))
                .replace("{{first_name}}", &value(first_name))
        };
        Rendered {
            subject: fill(&template.subject, false),
            text: fill(&template.text, false),
            html: fill(&template.html, true),
        }
    }
}

fn escape_html(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_placeholders_and_escapes_html() {
        let templates = Templates::load(None).expect("built-in");
        let mail = templates.render(
            MailPurpose::Reset,
            "Ada's <Shop>",
            "https://x/account/reset/1/t",
            Some("Ada"),
        );
        assert_eq!(mail.subject, "Reset your Ada's <Shop> password");
        assert!(
            mail.text.contains("https://x/account/reset/1/t") && mail.text.starts_with("Hi Ada,")
        );
        assert!(mail.html.contains("Ada&#39;s &lt;Shop&gt;"));
        assert!(!mail.html.contains("<Shop>"));
    }

    #[test]
    fn the_password_notice_has_its_own_replaceable_template() {
        let built_in = Templates::load(None).expect("built-in");
        let mail = built_in.render(
            MailPurpose::PasswordChanged,
            "Shop",
            "https://shop.example/account/login",
            Some("Ada"),
        );
        assert_eq!(mail.subject, "Your Shop password was changed");
        assert!(mail.text.contains("https://shop.example/account/login"));
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("password_changed.txt"),
            "{{shop_name}}: new password",
        )
        .expect("write");
        let replaced = Templates::load(Some(dir.path())).expect("load");
        let mail = replaced.render(MailPurpose::PasswordChanged, "Shop", "https://u", None);
        assert_eq!(mail.text, "Shop: new password");
    }

    #[test]
    fn files_replace_built_in_templates() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("activation.txt"),
            "Welcome to {{shop_name}}: {{url}}",
        )
        .expect("write");
        let templates = Templates::load(Some(dir.path())).expect("load");
        let mail = templates.render(MailPurpose::Activation, "Shop", "https://u", None);
        assert_eq!(mail.text, "Welcome to Shop: https://u");
        assert!(
            mail.html.contains("Activate your account"),
            "the HTML stays built-in"
        );
    }
}
