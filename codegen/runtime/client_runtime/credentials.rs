//! Credentials: what the generated client says of its API's security schemes ([`Api`]), the
//! secrets a client holds for them ([`Credentials`], never shown), and what a request sends
//! ([`Auth`]): the first alternative of its operation's security whose credentials are all
//! set, and nothing else.

use std::fmt;

use super::Error;

/// What the runtime reads of the API, written by the generator into `client.rs` as `API`.
pub struct Api {
    /// The environment variable holding the base URL.
    pub base_url_env: &'static str,
    /// Where `from_env` goes without it.
    pub default_base_url: Option<&'static str>,
    /// The servers the description names, in its order: while the client's base URL is one of
    /// them, an operation with servers of its own goes to one of those instead.
    pub servers: &'static [&'static str],
    /// The security schemes, in the order operations refer to them by.
    pub schemes: &'static [Scheme],
}

/// A security scheme: its name in the description, the environment variable holding its
/// credential, and where the credential goes.
pub struct Scheme {
    pub key: &'static str,
    pub env: &'static str,
    pub place: Place,
}

/// Where a credential goes.
pub enum Place {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64 of username:password>`.
    Basic,
    /// A header of this name.
    Header(&'static str),
    /// A query parameter of this name.
    Query(&'static str),
    /// A cookie of this name.
    Cookie(&'static str),
}

/// A credential as set.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// A token or key.
    Token(String),
    /// A username and password.
    Basic(String, String),
}

/// The credential of each scheme (by its index in [`Api::schemes`]), if set.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Credentials(Vec<Option<Secret>>);

impl Credentials {
    pub(crate) fn set(&mut self, index: usize, secret: Secret) {
        if self.0.len() <= index {
            self.0.resize(index + 1, None);
        }
        self.0[index] = Some(secret);
    }

    fn get(&self, index: usize) -> Option<&Secret> {
        self.0.get(index).and_then(Option::as_ref)
    }

    /// Reads each scheme's variables: `{env}` for a token or key, `{env}_USERNAME` and
    /// `{env}_PASSWORD` for basic auth (the password may be left unset).
    pub(crate) fn from_env(schemes: &[Scheme]) -> Self {
        let read = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let mut credentials = Credentials::default();
        for (index, scheme) in schemes.iter().enumerate() {
            let secret = match scheme.place {
                Place::Basic => read(&format!("{}_USERNAME", scheme.env))
                    .map(|user| Secret::Basic(user, read(&format!("{}_PASSWORD", scheme.env)).unwrap_or_default())),
                _ => read(scheme.env).map(Secret::Token),
            };
            if let Some(secret) = secret {
                credentials.set(index, secret);
            }
        }
        credentials
    }

    /// The names of the schemes set, for `Debug`.
    fn names<'a>(&'a self, schemes: &'a [Scheme]) -> impl Iterator<Item = &'static str> + 'a {
        schemes.iter().enumerate().filter(|(index, _)| self.get(*index).is_some()).map(|(_, scheme)| scheme.key)
    }
}

/// The names of the credentials set, each `<redacted>`.
pub(crate) struct Redacted<'a>(pub(crate) &'a Credentials, pub(crate) &'a [Scheme]);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.names(self.1).map(|name| (name, "<redacted>"))).finish()
    }
}

/// What one request sends to prove who sends it.
#[derive(Default)]
pub(crate) struct Auth {
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) query: Vec<(&'static str, String)>,
}

impl Auth {
    /// The first alternative of `security` that asks for something and whose credentials
    /// are all set; nothing when there is none (an operation without security, or one that
    /// may go without).
    pub(crate) fn of(schemes: &[Scheme], credentials: &Credentials, security: &[&[usize]]) -> Result<Auth, Error> {
        let mut auth = Auth::default();
        let chosen = security
            .iter()
            .find(|alternative| !alternative.is_empty() && alternative.iter().all(|&i| credentials.get(i).is_some()));
        let Some(chosen) = chosen else {
            return Ok(auth);
        };
        let mut cookies: Vec<String> = Vec::new();
        let mut cookie_scheme = None;
        for &index in chosen.iter() {
            let (Some(scheme), Some(secret)) = (schemes.get(index), credentials.get(index)) else {
                continue;
            };
            let token = match secret {
                Secret::Token(token) => token.as_str(),
                Secret::Basic(user, _) => user.as_str(),
            };
            match scheme.place {
                Place::Bearer => auth.header(scheme, reqwest::header::AUTHORIZATION, format!("Bearer {token}"))?,
                Place::Basic => {
                    let pair = match secret {
                        Secret::Basic(user, password) => format!("{user}:{password}"),
                        Secret::Token(token) => token.clone(),
                    };
                    auth.header(scheme, reqwest::header::AUTHORIZATION, format!("Basic {}", base64(pair.as_bytes())))?;
                }
                Place::Header(name) => {
                    let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| Error::Config(format!("`{name}` cannot name a header")))?;
                    auth.header(scheme, name, token.to_owned())?;
                }
                Place::Query(name) => auth.query.push((name, token.to_owned())),
                Place::Cookie(name) => {
                    cookies.push(format!("{name}={token}"));
                    cookie_scheme = Some(scheme);
                }
            }
        }
        if let Some(scheme) = cookie_scheme {
            auth.header(scheme, reqwest::header::COOKIE, cookies.join("; "))?;
        }
        Ok(auth)
    }

    /// Adds a header marked sensitive (kept out of reqwest's own `Debug`); a value no header
    /// can hold is an error that names the scheme, never the value.
    fn header(&mut self, scheme: &Scheme, name: reqwest::header::HeaderName, value: String) -> Result<(), Error> {
        let mut value = reqwest::header::HeaderValue::from_str(&value).map_err(|_| {
            Error::Config(format!("the `{}` credential holds characters a header cannot carry", scheme.key))
        })?;
        value.set_sensitive(true);
        self.headers.append(name, value);
        Ok(())
    }
}

/// Standard base64 with padding (RFC 4648 §4), for basic auth.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc_4648() {
        for (plain, encoded) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(super::base64(plain.as_bytes()), encoded);
        }
    }
}
