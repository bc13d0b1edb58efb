//! The crate's front page: a quick start whose calls are the operations lowering chose
//! ([`Examples`]: a call, a stream, a paginated list, an error), so that it compiles as a
//! doctest for any description; a part whose shape the description lacks is left out.

use crate::model::*;

/// The quick start, shown with the `client` feature (without it there is no client to show).
pub fn quick_start(model: &Model) -> String {
    let api = &model.api;
    let krate = api.crate_name.replace('-', "_");
    let call_at = |index: Option<usize>| {
        let op = model.operations.get(index?)?;
        Some(call_of(model, op))
    };
    let json = call_at(model.examples.call);
    let events = call_at(model.examples.stream);
    let pages = call_at(model.examples.pages);

    let mut code = vec![
        "use futures_util::StreamExt;".to_owned(),
        format!("use {krate}::{{Client, Error}};"),
        String::new(),
        "# async fn quick_start() -> Result<(), Error> {".to_owned(),
        format!("// {}; `Client::new(url)` or", environment(api)),
        "// `Client::builder(url)` for more. A malformed URL fails here, not at the first call."
            .to_owned(),
        "let client = Client::from_env()?;".to_owned(),
    ];
    if let Some(call) = &json {
        code.push(
            "// Required parameters (and a required body) are arguments; the rest are setters."
                .to_owned(),
        );
        code.push(format!("let answer = {call}.send().await?;"));
    }
    if let Some(call) = &events {
        code.push(
            "// Server-sent events, typed; a stream cut short says how far it got.".to_owned(),
        );
        code.push(format!("let mut events = {call}.stream().await?;"));
        code.push("while let Some(event) = events.next().await {".to_owned());
        code.push("    let event = event?;".to_owned());
        code.push("#   let _ = event;".to_owned());
        code.push("}".to_owned());
    }
    if let Some(call) = &pages {
        code.push("// Every item of every page, following the cursor.".to_owned());
        code.push(format!(
            "let mut items = std::pin::pin!({call}.into_stream());"
        ));
        code.push("while let Some(item) = items.next().await {".to_owned());
        code.push("    let item = item?;".to_owned());
        code.push("#   let _ = item;".to_owned());
        code.push("}".to_owned());
    }
    if let Some(call) = &json {
        code.push(
            "// Errors are values: an error status names the request and keeps the body."
                .to_owned(),
        );
        code.push(format!("match {call}.send().await {{"));
        code.push("    Err(Error::Api(api)) => eprintln!(\"{} {} answered {}: {:?}\", api.method, api.url, api.status, api.body),".to_owned());
        code.push(
            "    Err(other) => eprintln!(\"{other}\"), // the cause chain included".to_owned(),
        );
        code.push("    Ok(_) => {}".to_owned());
        code.push("}".to_owned());
        code.push("# let _ = answer;".to_owned());
    }
    code.push("# Ok(()) }".to_owned());

    let mut text = String::from(
        "\n# Quick start\n\n\
         ```no_run\n",
    );
    for line in code {
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(
        "```\n\n\
         Per-call options (timeout, retries, extra query parameters, headers and body \
         properties) come with [`client::CallOptions`]; properties the description does not \
         declare are kept in each model's `extra`.\n",
    );
    text.push_str(&access(api, &model.operations));
    text
}

/// Text for a code span: no backtick can end it early, no control character breaks the line.
fn code(text: &str) -> String {
    text.chars()
        .map(|c| if c == '`' || c.is_control() { '\'' } else { c })
        .collect()
}

/// What `from_env` reads, for the quick start's comment.
fn environment(api: &Api) -> String {
    let mut names: Vec<String> = Vec::new();
    for scheme in &api.schemes {
        match scheme.kind {
            SchemeKind::Basic => {
                names.push(format!("{}_USERNAME", scheme.env));
                names.push(format!("{}_PASSWORD", scheme.env));
            }
            _ => names.push(scheme.env.clone()),
        }
    }
    let base = match &api.default_base_url {
        Some(url) => format!("{} (default {})", api.base_url_env, code(url)),
        None => format!(
            "{} (required: the document names no server)",
            api.base_url_env
        ),
    };
    names.push(base);
    names.join(", ")
}

/// The front page's section on servers and credentials: each server's constant, the
/// operations with servers of their own, each scheme's setter and variable, and how an
/// operation picks what it sends.
fn access(api: &Api, operations: &[Operation]) -> String {
    let mut text = String::from("\n# Servers and credentials\n\n");
    text.push_str(&format!(
        "`Client::from_env()` reads the base URL from `{}`",
        api.base_url_env
    ));
    match &api.default_base_url {
        Some(url) => text.push_str(&format!(", else uses `{}`.", code(url))),
        None => text.push_str(", which it needs: the description names no absolute server."),
    }
    if !api.servers.is_empty() {
        text.push_str(" The servers the description names:\n\n");
        for server in &api.servers {
            text.push_str(&format!(
                "- [`client::{}`], `{}`\n",
                server.constant,
                code(&server.url)
            ));
        }
    } else {
        text.push('\n');
    }
    let own = operations
        .iter()
        .filter(|op| !op.servers.is_empty())
        .count();
    if own > 0 {
        text.push_str(&format!(
            "\n{own} of the operations name servers of their own (each says which, in its docs): \
             while the base URL is one of the description's servers, they go to theirs; any \
             other base URL (a proxy, a mock) takes every call. `CallOptions::base_url` sends \
             one call elsewhere.\n"
        ));
    }
    if api.schemes.is_empty() {
        text.push_str("\nThe description asks for no credentials.\n");
        return text;
    }
    text.push_str(
        "\nEach credential is set on the [`ClientBuilder`] by its own setter, or read by \
         `from_env` from its variable:\n\n",
    );
    for scheme in &api.schemes {
        let (what, env) = match &scheme.kind {
            SchemeKind::Bearer { via } => {
                (format!("bearer token ({via})"), format!("`{}`", scheme.env))
            }
            SchemeKind::Basic => (
                "HTTP basic (username, password)".to_owned(),
                format!("`{0}_USERNAME`, `{0}_PASSWORD`", scheme.env),
            ),
            SchemeKind::ApiKey { location, name } => {
                let place = match location {
                    KeyLocation::Header => "header",
                    KeyLocation::Query => "query parameter",
                    KeyLocation::Cookie => "cookie",
                };
                (
                    format!("API key in the `{}` {place}", code(name)),
                    format!("`{}`", scheme.env),
                )
            }
        };
        text.push_str(&format!(
            "- [`ClientBuilder::{}`] sets the {what}; `from_env` reads {env}\n",
            scheme.setter
        ));
    }
    text.push_str(
        "\nAn operation sends the first of the alternatives its security lists whose credentials \
         are all set, and nothing else; one that needs none sends none. \
         [`ClientBuilder::token`] sets every scheme that takes a single token or key. \
         Credentials never show in `Debug` output or in errors.\n",
    );
    text
}

/// The models-only build, said on every front page.
pub const MODELS_ONLY: &str = "\n# Models only\n\n\
    With `default-features = false` the crate is the models alone: `serde` types with no HTTP \
    dependency, for a server or a client of one's own.\n";

/// The expression that starts `op`'s call, its required parameters as placeholders.
fn call_of(model: &Model, op: &Operation) -> String {
    let args: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| format!("{:?}", format!("<{}>", p.wire)))
        .collect();
    let start = match model.group_of(op) {
        Some(group) => format!("client.{}()", group.accessor),
        None => "client".to_owned(),
    };
    format!("{start}.{}({})", op.method_name, args.join(", "))
}
