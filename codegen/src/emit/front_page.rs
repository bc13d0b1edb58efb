//! The crate's front page: a quick start whose calls are the operations lowering chose
//! ([`Examples`]: a call, a stream, a paginated list, an error), so that it compiles as a
//! doctest for any description; a part whose shape the description lacks is left out.

use crate::model::*;

/// The quick start, shown with the `client` feature (without it there is no client to show).
pub fn quick_start(model: &Model, crate_name: &str) -> String {
    let krate = crate_name.replace('-', "_");
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
        "// LETTA_API_KEY and LETTA_BASE_URL (by default the hosted API); `Client::new(url)` or"
            .to_owned(),
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
    let group = op.tag.as_ref().and_then(|tag| {
        model
            .groups
            .iter()
            .filter_map(|g| g.tag.as_ref())
            .find(|g| g.tag == *tag)
    });
    let start = match group {
        Some(group) => format!("client.{}()", group.accessor),
        None => "client".to_owned(),
    };
    format!("{start}.{}({})", op.method_name, args.join(", "))
}
