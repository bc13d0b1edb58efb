//! What the caller asks for ([`Options`]) and what it gets back ([`File`]), next to the passes
//! rather than above them, so that `emit` uses them without reaching back into the crate root.
//!
//! Everything about the API comes from the document; [`Options`] only overrides it, and
//! [`Options::from_config`] reads those overrides from the small JSON file a project commits
//! beside its spec (`schema/codegen.json`).

use serde_json::Value;

use crate::error::{Error, Result};
use crate::select::Selection;

/// What to generate. [`Options::default`] derives everything from the document: every
/// operation, the crate named after `info.title`, its servers and security schemes.
#[derive(Debug, Clone)]
pub struct Options {
    /// Which operations (and the schemas they reach) to keep.
    pub selection: Selection,
    /// The package name written into the generated `Cargo.toml`; `None`: from `info.title`.
    pub crate_name: Option<String>,
    /// Names the input in the generated files' header.
    pub source_label: String,
    /// Adds an empty `[workspace]` so the crate builds on its own wherever it is written.
    pub standalone: bool,
    /// The package version written into `Cargo.toml` and the listings (`cargo xtask codegen`
    /// carries it forward from the committed crate, bumped as the change report says).
    pub version: String,
    /// What the environment variables `from_env` reads start with; `None`: the crate name in
    /// upper snake case (`petstore-api` → `PETSTORE_API`).
    pub env_prefix: Option<String>,
    /// Where `from_env` goes without `{PREFIX}_BASE_URL`; `None`: the first server.
    pub base_url: Option<String>,
    /// The package's one-line description; `None`: one made from `info.title`.
    pub description: Option<String>,
    /// The servers offered as constants (`{name}_BASE_URL`) instead of the document's.
    pub servers: Option<Vec<ServerName>>,
    /// Environment variable names (after the prefix) for security schemes, by the scheme's
    /// name in the document: `("bearerAuth", "API_KEY")` reads `LETTA_API_KEY`.
    pub credential_env: Vec<(String, String)>,
}

/// A server the configuration names: `HOSTED` becomes `HOSTED_BASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerName {
    pub name: String,
    pub url: String,
    pub description: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            selection: Selection::All,
            crate_name: None,
            source_label: "the OpenAPI document".to_owned(),
            standalone: false,
            version: "0.1.0".to_owned(),
            env_prefix: None,
            base_url: None,
            description: None,
            servers: None,
            credential_env: Vec::new(),
        }
    }
}

/// The keys a configuration file may hold.
const CONFIG_KEYS: [&str; 9] = [
    "crate_name",
    "tag",
    "path_prefix",
    "env_prefix",
    "base_url",
    "description",
    "servers",
    "credentials",
    "$comment",
];

impl Options {
    /// Options from a generator configuration (JSON), every key optional:
    ///
    /// ```json
    /// {
    ///   "crate_name": "petstore",
    ///   "tag": "pets",
    ///   "env_prefix": "PETSTORE",
    ///   "base_url": "https://petstore.example.com/v1",
    ///   "description": "Typed Rust client for the pet store.",
    ///   "servers": [{"name": "PRODUCTION", "url": "https://petstore.example.com/v1"}],
    ///   "credentials": {"api_key": "KEY"}
    /// }
    /// ```
    ///
    /// `tag` or `path_prefix` selects operations (default: all). An unknown key is an error, so
    /// a misspelt one does not pass unnoticed.
    pub fn from_config(text: &str) -> Result<Options> {
        let config: Value = serde_json::from_str(text)
            .map_err(|e| Error::at("#", format!("the configuration is not JSON: {e}")))?;
        let Some(config) = config.as_object() else {
            return Err(Error::at("#", "the configuration must be a JSON object"));
        };
        let mut options = Options::default();
        for key in config.keys() {
            if !CONFIG_KEYS.contains(&key.as_str()) {
                return Err(Error::at(
                    format!("#/{key}"),
                    format!("unknown configuration key `{key}`"),
                )
                .hint(format!("the keys are {}", CONFIG_KEYS[..8].join(", "))));
            }
        }
        let text_at = |key: &str| -> Result<Option<String>> {
            match config.get(key) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Error::at(
                    format!("#/{key}"),
                    format!("`{key}` must be a string"),
                )),
            }
        };
        options.crate_name = text_at("crate_name")?;
        options.env_prefix = text_at("env_prefix")?;
        options.base_url = text_at("base_url")?;
        options.description = text_at("description")?;
        match (text_at("tag")?, text_at("path_prefix")?) {
            (Some(_), Some(_)) => {
                return Err(Error::at("#", "choose one of `tag` and `path_prefix`"));
            }
            (Some(tag), None) => options.selection = Selection::Tag(tag),
            (None, Some(prefix)) => options.selection = Selection::PathPrefix(prefix),
            (None, None) => {}
        }
        if let Some(servers) = config.get("servers") {
            let list = servers
                .as_array()
                .ok_or_else(|| Error::at("#/servers", "`servers` must be a list"))?;
            let mut named = Vec::new();
            for (i, server) in list.iter().enumerate() {
                let field = |key: &str| server.get(key).and_then(Value::as_str).map(str::to_owned);
                let (Some(name), Some(url)) = (field("name"), field("url")) else {
                    return Err(Error::at(
                        format!("#/servers/{i}"),
                        "a server needs a `name` and a `url` (strings)",
                    ));
                };
                named.push(ServerName {
                    name,
                    url,
                    description: field("description"),
                });
            }
            options.servers = Some(named);
        }
        if let Some(credentials) = config.get("credentials") {
            let map = credentials.as_object().ok_or_else(|| {
                Error::at(
                    "#/credentials",
                    "`credentials` must map scheme names to variable names",
                )
            })?;
            for (scheme, env) in map {
                let env = env.as_str().ok_or_else(|| {
                    Error::at(
                        format!("#/credentials/{scheme}"),
                        "the variable name must be a string",
                    )
                })?;
                options
                    .credential_env
                    .push((scheme.clone(), env.to_owned()));
            }
        }
        Ok(options)
    }
}

/// One output file, its path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
}
