//! The API as a whole: its title, servers and security schemes, and what each operation's
//! `security` asks for ([`read`], from the document as written, before `openapiv3` reads it:
//! its strict reading of `securitySchemes` would refuse documents for a scheme the client
//! never sends); then the names the crate gives them ([`configure`]: crate name, environment
//! variables, builder setters, server constants), from the document unless the configuration
//! ([`Options`]) names them.

use std::collections::BTreeMap;

use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase};
use serde_json::{Map, Value};

use crate::error::{Pointer, Warning};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::options::Options;
use crate::vocabulary::Method;

/// What the document says of access, read from its JSON.
#[derive(Debug, Default)]
pub(crate) struct Access {
    title: String,
    description: Option<String>,
    /// Absolute URLs (variables at their defaults) and descriptions, in order.
    servers: Vec<(String, Option<String>)>,
    /// Every scheme the client can send, by its name in the document, in order.
    schemes: Vec<(String, SchemeKind, Option<String>)>,
    /// The document's `security`, if it has one.
    default: Option<Vec<Vec<String>>>,
    /// Each operation's own `security`, by path and method key.
    operations: BTreeMap<(String, String), Vec<Vec<String>>>,
    /// The servers an operation's path item or the operation names instead of the document's,
    /// by path and method key (absolute URLs, variables at their defaults, in order).
    operation_servers: BTreeMap<(String, String), Vec<String>>,
    pub(crate) warnings: Vec<Warning>,
}

/// Reads `info`, `servers`, `security` and `components.securitySchemes` from the document.
pub(crate) fn read(doc: &Value) -> Access {
    let mut access = Access::default();
    let info = doc.get("info");
    let text = |key: &str| {
        info.and_then(|i| i.get(key))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    access.title = text("title").unwrap_or_default();
    access.description = text("summary").or_else(|| text("description"));
    access.servers = absolute_servers(doc.get("servers"));
    let schemes = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    for (name, scheme) in schemes.into_iter().flatten() {
        let at = Pointer::root()
            .join("components")
            .join("securitySchemes")
            .join(name);
        match scheme_kind(scheme) {
            Ok(kind) => {
                let doc = scheme
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                access.schemes.push((name.clone(), kind, doc));
            }
            Err(why) => access.warnings.push(Warning {
                pointer: at,
                message: format!("{why}: requirements that name it are never satisfied"),
            }),
        }
    }
    access.default = doc.get("security").map(requirements);
    let document_servers: Vec<&str> = access.servers.iter().map(|(url, _)| url.as_str()).collect();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let path_servers = item.get("servers");
            for (method, operation) in item.as_object().into_iter().flatten() {
                if let Some(security) = operation.get("security") {
                    access
                        .operations
                        .insert((path.clone(), method.clone()), requirements(security));
                }
                if Method::from_key(method).is_none() {
                    continue;
                }
                let own = absolute_servers(operation.get("servers").or(path_servers));
                let urls: Vec<String> = own.into_iter().map(|(url, _)| url).collect();
                if !urls.is_empty() && urls != document_servers {
                    access
                        .operation_servers
                        .insert((path.clone(), method.clone()), urls);
                }
            }
        }
    }
    access
}

/// The servers of a `servers` list a client can start from: absolute, every variable filled
/// in with its default, each once, in order, with its description.
fn absolute_servers(servers: Option<&Value>) -> Vec<(String, Option<String>)> {
    let mut absolute_ones: Vec<(String, Option<String>)> = Vec::new();
    for server in servers.and_then(Value::as_array).into_iter().flatten() {
        let Some(url) = server.get("url").and_then(Value::as_str) else {
            continue;
        };
        let url = with_defaults(url, server.get("variables").and_then(Value::as_object));
        let absolute = (url.starts_with("http://") || url.starts_with("https://"))
            && !url
                .contains(|c: char| c.is_whitespace() || c.is_control() || "{}`\"<>\\".contains(c));
        if absolute && !absolute_ones.iter().any(|(known, _)| *known == url) {
            let description = server
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned);
            absolute_ones.push((url, description));
        }
    }
    absolute_ones
}

/// Removes what [`read`] took and `openapiv3` would read strictly for nothing.
pub(crate) fn strip(doc: &mut Value) {
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("securitySchemes");
    }
}

/// A server URL with each `{variable}` replaced by its default (an unknown one is left as
/// written, which makes the URL no URL: such a server is offered by no constant).
fn with_defaults(url: &str, variables: Option<&Map<String, Value>>) -> String {
    let mut out = String::new();
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        match variables
            .and_then(|v| v.get(name))
            .and_then(|v| v.get("default"))
            .and_then(Value::as_str)
        {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// How a scheme's credential is sent, or why the client cannot send it.
fn scheme_kind(scheme: &Value) -> Result<SchemeKind, String> {
    let field = |key: &str| scheme.get(key).and_then(Value::as_str);
    match field("type") {
        Some("http") => match field("scheme").map(str::to_ascii_lowercase).as_deref() {
            Some("bearer") => Ok(SchemeKind::Bearer {
                via: "HTTP bearer".to_owned(),
            }),
            Some("basic") => Ok(SchemeKind::Basic),
            Some(other) => Err(format!("the HTTP `{other}` scheme is not supported")),
            None => Err("an HTTP scheme without `scheme`".to_owned()),
        },
        Some("apiKey") => {
            let location = match field("in") {
                Some("header") => KeyLocation::Header,
                Some("query") => KeyLocation::Query,
                Some("cookie") => KeyLocation::Cookie,
                other => return Err(format!("an API key `in: {}`", other.unwrap_or("?"))),
            };
            match field("name").filter(|n| valid_name(n, location)) {
                Some(name) => Ok(SchemeKind::ApiKey {
                    location,
                    name: name.to_owned(),
                }),
                None => Err("an API key without a usable `name`".to_owned()),
            }
        }
        Some("oauth2") => Ok(SchemeKind::Bearer {
            via: "OAuth 2".to_owned(),
        }),
        Some("openIdConnect") => Ok(SchemeKind::Bearer {
            via: "OpenID Connect".to_owned(),
        }),
        Some(other) => Err(format!(
            "the security scheme type `{other}` is not supported"
        )),
        None => Err("a security scheme without `type`".to_owned()),
    }
}

/// Whether a header or cookie can carry the name (a query name can be anything).
fn valid_name(name: &str, location: KeyLocation) -> bool {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    match location {
        KeyLocation::Query => !name.is_empty(),
        KeyLocation::Header | KeyLocation::Cookie => !name.is_empty() && name.chars().all(token),
    }
}

/// A `security` list as alternatives of scheme names; anything else than a list of objects
/// reads as no requirement at all.
fn requirements(security: &Value) -> Vec<Vec<String>> {
    security
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|requirement| requirement.keys().cloned().collect())
        .collect()
}

/// Settles `model.api` from the document and each operation's security, keeping only the
/// schemes some operation can use.
pub(crate) fn settle(model: &mut Model, access: Access) {
    let Access {
        title,
        description,
        servers,
        schemes,
        default,
        operations,
        mut operation_servers,
        warnings,
    } = access;
    model.warnings.extend(warnings);
    let mut used = vec![false; schemes.len()];
    let index_of = |name: &str| schemes.iter().position(|(key, ..)| key == name);
    let mut raw: Vec<Vec<Vec<usize>>> = Vec::with_capacity(model.operations.len());
    for op in &mut model.operations {
        let key = (op.path.clone(), op.method.key().to_owned());
        op.servers = operation_servers.remove(&key).unwrap_or_default();
        let wanted = operations.get(&key).or(default.as_ref());
        let mut alternatives: Vec<Vec<usize>> = Vec::new();
        for names in wanted.into_iter().flatten() {
            let indices: Option<Vec<usize>> = names.iter().map(|n| index_of(n)).collect();
            // An alternative naming a scheme the client cannot send is never satisfied.
            if let Some(indices) = indices {
                if !alternatives.contains(&indices) {
                    alternatives.push(indices);
                }
            }
        }
        for alternative in &alternatives {
            for &i in alternative {
                used[i] = true;
            }
        }
        raw.push(alternatives);
    }
    let mut renumber = vec![usize::MAX; schemes.len()];
    let mut kept = Vec::new();
    for (i, (key, kind, doc)) in schemes.into_iter().enumerate() {
        if used[i] {
            renumber[i] = kept.len();
            kept.push(SecurityScheme {
                key,
                kind,
                setter: String::new(),
                env: String::new(),
                doc,
            });
        }
    }
    for (op, alternatives) in model.operations.iter_mut().zip(raw) {
        op.security = Security {
            alternatives: alternatives
                .into_iter()
                .map(|alt| alt.into_iter().map(|i| renumber[i]).collect())
                .collect(),
        };
    }
    model.api = Api {
        title,
        description,
        servers: servers
            .into_iter()
            .map(|(url, description)| Server {
                url,
                description,
                constant: String::new(),
            })
            .collect(),
        schemes: kept,
        ..Api::default()
    };
}

/// Methods `ClientBuilder` has of its own, which no credential setter may take.
const BUILDER_METHODS: [&str; 15] = [
    "new",
    "from_env",
    "token",
    "max_retries",
    "retry_policy",
    "timeout",
    "deadline",
    "connect_timeout",
    "stream_idle_timeout",
    "user_agent",
    "http_client",
    "build",
    "build_unchecked",
    "clone",
    "fmt",
];

/// Names everything the crate says of its API: from the configuration where it speaks, else
/// from the document.
pub(crate) fn configure(api: &mut Api, options: &Options) {
    api.crate_name = options
        .crate_name
        .clone()
        .unwrap_or_else(|| crate_name(&api.title));
    api.env_prefix = options
        .env_prefix
        .clone()
        .unwrap_or_else(|| api.crate_name.to_shouty_snake_case());
    api.env_prefix = env_word(&api.env_prefix).unwrap_or_else(|| "API".to_owned());
    api.base_url_env = format!("{}_BASE_URL", api.env_prefix);
    api.package_description = options.description.clone().unwrap_or_else(|| {
        let title = api.title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            "Typed Rust client, generated from an OpenAPI description.".to_owned()
        } else {
            format!("Typed Rust client for {title}, generated from its OpenAPI description.")
        }
    });
    // TOML takes no control characters in a string, and a description is one line.
    api.package_description = api
        .package_description
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if let Some(named) = &options.servers {
        api.servers = named
            .iter()
            .map(|server| Server {
                url: server.url.clone(),
                description: server.description.clone(),
                constant: server.name.clone(),
            })
            .collect();
    }
    let mut constants = Scope::with_reserved(&["DEFAULT"]);
    let servers = std::mem::take(&mut api.servers);
    // Descriptions (or the configuration's names) name servers when each has one; else a
    // lone server is `SERVER`, and several are named by their hosts.
    let words: Vec<Option<String>> = servers
        .iter()
        .map(|s| {
            if s.constant.is_empty() {
                s.description
                    .as_deref()
                    .and_then(env_word)
                    .filter(|w| w.len() <= 40)
            } else {
                env_word(&s.constant)
            }
        })
        .collect();
    let described = words.iter().all(Option::is_some);
    let several = servers.len() > 1;
    api.servers = servers
        .into_iter()
        .zip(words)
        .enumerate()
        .map(|(i, (server, word))| {
            let name = match word {
                Some(word) if described => word,
                _ if !several => "SERVER".to_owned(),
                _ => host_word(&server.url).unwrap_or_else(|| format!("SERVER_{}", i + 1)),
            };
            let claimed = constants.claim_snake(&name);
            Server {
                constant: format!("{claimed}_BASE_URL"),
                ..server
            }
        })
        .collect();
    api.default_base_url = options
        .base_url
        .clone()
        .or_else(|| api.servers.first().map(|s| s.url.clone()));
    let overrides: BTreeMap<&str, &str> = options
        .credential_env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut setters = Scope::with_reserved(&BUILDER_METHODS);
    let mut envs = Scope::with_reserved(&["BASE_URL"]);
    for scheme in &mut api.schemes {
        let snake = naming::identifier(&scheme.key.to_snake_case());
        let snake = if snake.trim_matches('_').is_empty() {
            "credential".to_owned()
        } else {
            snake
        };
        let snake = if BUILDER_METHODS.contains(&snake.as_str()) {
            format!("{snake}_credential")
        } else {
            snake
        };
        scheme.setter = setters.claim_snake(&snake);
        let word = overrides
            .get(scheme.key.as_str())
            .and_then(|w| env_word(w))
            .or_else(|| env_word(&scheme.key))
            .unwrap_or_else(|| "CREDENTIAL".to_owned());
        scheme.env = format!("{}_{}", api.env_prefix, envs.claim_snake(&word));
    }
}

/// `api.example.com` → `API_EXAMPLE_COM`.
fn host_word(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', ':', '?', '#']).next()?;
    env_word(host)
}

/// Text as an environment-variable word and constant name: ASCII upper snake case, starting
/// with a letter; `None` when nothing is left.
fn env_word(text: &str) -> Option<String> {
    let ascii: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let word = ascii.to_shouty_snake_case();
    if word.is_empty() {
        return None;
    }
    Some(if word.starts_with(|c: char| c.is_ascii_digit()) {
        format!("API_{word}")
    } else {
        word
    })
}

/// A package name from the title: `Calorie Ninjas API` → `calorie-ninjas-api`.
fn crate_name(title: &str) -> String {
    let ascii: String = title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let name = ascii.to_kebab_case();
    let name: String = name.chars().take(64).collect();
    let name = name.trim_end_matches('-').to_owned();
    if name.is_empty() {
        "api-client".to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_title_and_servers() {
        assert_eq!(crate_name("Calorie Ninjas API"), "calorie-ninjas-api");
        assert_eq!(crate_name("1Password Connect"), "api-1password-connect");
        assert_eq!(crate_name("  ✨ "), "api-client");
        assert_eq!(env_word("Letta Cloud").as_deref(), Some("LETTA_CLOUD"));
        assert_eq!(env_word("2fa").as_deref(), Some("API_2FA"));
        assert_eq!(
            host_word("https://api.example.com:8443/v1").as_deref(),
            Some("API_EXAMPLE_COM")
        );
        let vars = serde_json::json!({"region": {"default": "eu"}, "port": {"default": "443"}});
        assert_eq!(
            with_defaults("https://{region}.x.io:{port}/{missing}", vars.as_object()),
            "https://eu.x.io:443/{missing}"
        );
    }
}
