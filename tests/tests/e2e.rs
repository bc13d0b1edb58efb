//! End to end against a real Letta server (`letta==0.16.8`), started by tests/e2e/run.sh.
//! Every conversation operation goes through the generated client; raw HTTP only creates the
//! agent the conversations belong to.
#![cfg(feature = "e2e")]

use std::collections::BTreeSet;

use futures_util::StreamExt;
use letta_conversations::client::{ErrorBody, StreamError};
use letta_conversations::models::*;
use letta_conversations::{Client, Error, Patch};
use serde_json::{Value, json};

fn base_url() -> String {
    std::env::var("LETTA_E2E_URL").unwrap_or_else(|_| "http://127.0.0.1:8283".to_owned())
}

/// Records which operations and variants the suite exercised, for the closing summary.
#[derive(Default)]
struct Coverage {
    operations: BTreeSet<&'static str>,
    variants: BTreeSet<String>,
}

async fn create_agent(base: &str) -> String {
    let body = json!({
        "name": format!("rust-e2e-{}", std::process::id()),
        "model": "openai-proxy/gpt-4o-mini",
        "embedding": "openai/text-embedding-3-small",
        "memory_blocks": [{"label": "human", "value": "A Rust test suite."}, {"label": "persona", "value": "A test agent."}]
    });
    let response = reqwest::Client::new()
        .post(format!("{base}/v1/agents/"))
        .json(&body)
        .send()
        .await
        .expect("agent request");
    let status = response.status();
    let text = response.text().await.expect("agent body");
    assert!(
        status.is_success(),
        "creating the agent answered {status}: {text}"
    );
    let agent: Value = serde_json::from_str(&text).expect("agent JSON");
    agent["id"].as_str().expect("agent id").to_owned()
}

fn text_input(text: &str) -> ConversationMessageRequest {
    ConversationMessageRequest {
        input: Some(ConversationMessageRequestInput::String(text.to_owned())),
        ..Default::default()
    }
}

fn expect_api_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
    status: u16,
    what: &str,
) -> String {
    match result {
        Err(Error::Api(e)) if e.status == status => match &e.body {
            ErrorBody::Detail(detail) => detail.clone(),
            other => panic!("{what}: expected a string `detail`, got {other:?}"),
        },
        other => panic!("{what}: expected the server's {status}, got {other:?}"),
    }
}

#[tokio::test]
async fn the_generated_client_against_a_real_server() {
    let base = base_url();
    let client = Client::builder(base.clone())
        .max_retries(0)
        .build()
        .expect("client");
    let conversations = client.conversations();
    let agent = create_agent(&base).await;
    let mut seen = Coverage::default();

    // create: with a body, without one, and with model settings of several providers.
    let first = conversations
        .create(&agent)
        .body(CreateConversation {
            summary: Some("first".into()),
            ..Default::default()
        })
        .send()
        .await
        .expect("create with body");
    assert_eq!(first.summary.as_deref(), Some("first"));
    assert_eq!(first.agent_id, agent);
    let bare = conversations
        .create(&agent)
        .send()
        .await
        .expect("create without body");
    assert!(bare.id.starts_with("conv-"));
    for settings in [
        json!({"provider_type": "openai", "temperature": 0.2, "max_output_tokens": 512}),
        json!({"provider_type": "anthropic", "temperature": 0.7, "thinking": {"type": "enabled", "budget_tokens": 1024}}),
        json!({"provider_type": "google_ai", "temperature": 0.4}),
    ] {
        let model_settings: ModelSettings =
            serde_json::from_value(settings.clone()).expect("settings");
        let created = conversations
            .create(&agent)
            .body(CreateConversation {
                model: Some("openai-proxy/gpt-4o-mini".into()),
                model_settings: Some(model_settings.clone()),
                ..Default::default()
            })
            .send()
            .await
            .expect("create with model settings");
        let stored = created.model_settings.expect("stored settings");
        assert_eq!(stored.provider_type(), model_settings.provider_type());
    }
    seen.operations.insert("create_conversation");

    // list: every parameter, and pagination across pages.
    for i in 0..4 {
        conversations
            .create(&agent)
            .body(CreateConversation {
                summary: Some(format!("page item {i}")),
                ..Default::default()
            })
            .send()
            .await
            .expect("create for paging");
    }
    let listed = conversations
        .list()
        .agent_id(&agent)
        .limit(3)
        .order(ListConversationsOrder::Asc)
        .order_by(ListConversationsOrderBy::CreatedAt)
        .summary_search("page item")
        .send()
        .await
        .expect("list with every parameter");
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().all(|c| {
        c.summary
            .as_deref()
            .is_some_and(|s| s.contains("page item"))
    }));
    let after = conversations
        .list()
        .agent_id(&agent)
        .order(ListConversationsOrder::Asc)
        .after(&listed[0].id)
        .limit(1)
        .send()
        .await;
    assert_eq!(after.expect("list after a cursor")[0].id, listed[1].id);
    let all: Vec<Conversation> = conversations
        .list()
        .agent_id(&agent)
        .limit(2)
        .into_stream()
        .map(|c| c.expect("page"))
        .collect()
        .await;
    let ids: BTreeSet<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert!(
        all.len() >= 9,
        "every conversation across pages of 2, got {}",
        all.len()
    );
    assert_eq!(ids.len(), all.len(), "no conversation twice across pages");
    seen.operations.insert("list_conversations");

    // retrieve and update with the three states of a field.
    let id = first.id.clone();
    assert_eq!(
        conversations
            .retrieve(&id)
            .send()
            .await
            .expect("retrieve")
            .id,
        id
    );
    seen.operations.insert("retrieve_conversation");
    let set = UpdateConversation {
        summary: Patch::Set("renamed".into()),
        ..Default::default()
    };
    assert_eq!(
        conversations
            .update(&id, set)
            .send()
            .await
            .expect("update: value")
            .summary
            .as_deref(),
        Some("renamed")
    );
    let absent = UpdateConversation {
        model: Patch::Set("openai-proxy/gpt-4o-mini".into()),
        ..Default::default()
    };
    let kept = conversations
        .update(&id, absent)
        .send()
        .await
        .expect("update: absent");
    assert_eq!(
        kept.summary.as_deref(),
        Some("renamed"),
        "an absent field is left as it was"
    );
    let cleared = UpdateConversation {
        summary: Patch::Clear,
        ..Default::default()
    };
    let cleared = conversations
        .update(&id, cleared)
        .send()
        .await
        .expect("update: null");
    // The client sends `"summary": null` (the mock suite checks the wire); letta 0.16.8
    // drops nulls from updates, so the value stays. Asserted so a server change shows.
    assert_eq!(
        cleared.summary.as_deref(),
        Some("renamed"),
        "letta 0.16.8 ignores null in updates"
    );
    seen.operations.insert("update_conversation");

    // Every ModelSettings variant, written through update and read back equal.
    let schema = support::schema();
    let union = support::model_settings_union(&schema);
    for (tag, target) in union["discriminator"]["mapping"]
        .as_object()
        .expect("mapping")
    {
        let instance = support::synthesize(&schema, &json!({ "$ref": target }), 0);
        let settings: ModelSettings =
            serde_json::from_value(instance).expect("synthesized settings decode");
        let body = UpdateConversation {
            model_settings: Patch::Set(settings.clone()),
            ..Default::default()
        };
        let updated = conversations
            .update(&id, body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("update {tag}: {e}"));
        assert_eq!(
            updated.model_settings.as_ref(),
            Some(&settings),
            "{tag} through update"
        );
        let retrieved = conversations.retrieve(&id).send().await.expect("retrieve");
        assert_eq!(
            retrieved.model_settings.as_ref(),
            Some(&settings),
            "{tag} through retrieve"
        );
        let in_list = conversations
            .list()
            .agent_id(&agent)
            .limit(100)
            .send()
            .await
            .expect("list");
        let listed = in_list.iter().find(|c| c.id == id).expect("listed");
        assert_eq!(
            listed.model_settings.as_ref(),
            Some(&settings),
            "{tag} through list"
        );
        seen.variants.insert(tag.clone());
    }

    // messages: send (JSON and events), list with cursors, preview.
    let reply = conversations
        .send_message(&id, text_input("hello non-streaming"))
        .send()
        .await
        .expect("send");
    // The reply's text, read through the accessors the generator derives.
    let replies: Vec<String> = reply
        .messages
        .iter()
        .filter_map(LettaMessageUnion::as_assistant_message)
        .filter_map(AssistantMessage::text)
        .collect();
    assert!(replies.iter().any(|text| !text.is_empty()), "{reply:?}");
    seen.operations.insert("send_conversation_message");
    let mut events = conversations
        .send_message(&id, text_input("hello streaming"))
        .stream()
        .await
        .expect("stream");
    let mut kinds = Vec::new();
    while let Some(event) = events.next().await {
        let event = event.expect("a typed event");
        assert!(!matches!(event, StreamEvent::Unknown(_)), "{event:?}");
        kinds.push(event.message_type().unwrap_or_default().to_owned());
    }
    assert!(kinds.contains(&"assistant_message".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"stop_reason".to_owned()), "{kinds:?}");

    let messages = conversations
        .list_messages(&id)
        .order(ListConversationMessagesOrder::Asc)
        .limit(50)
        .send()
        .await
        .expect("messages");
    assert!(messages.len() >= 4, "{} messages", messages.len());
    let ids: Vec<String> = messages
        .iter()
        .filter_map(|m| letta_conversations::client::HasId::id(m).map(str::to_owned))
        .collect();
    let after = conversations
        .list_messages(&id)
        .order(ListConversationMessagesOrder::Asc)
        .after(&ids[0])
        .limit(1)
        .send()
        .await
        .expect("after");
    assert_eq!(
        letta_conversations::client::HasId::id(&after[0]),
        Some(ids[1].as_str())
    );
    let last = ids.last().expect("a last id");
    let before = conversations
        .list_messages(&id)
        .order(ListConversationMessagesOrder::Asc)
        .before(last)
        .send()
        .await
        .expect("before");
    assert!(
        before
            .iter()
            .all(|m| letta_conversations::client::HasId::id(m) != Some(last.as_str()))
    );
    seen.operations.insert("list_conversation_messages");

    let preview = conversations
        .preview_model_request(&id, text_input("preview only"))
        .send()
        .await
        .expect("preview");
    assert!(
        preview.get("messages").is_some(),
        "the raw provider payload: {preview:?}"
    );
    seen.operations.insert("preview_conversation_model_request");

    // A background run, resumed by run_id and after a sequence number.
    let background = ConversationMessageRequest {
        background: Some(true),
        ..text_input("hello background")
    };
    let mut events = conversations
        .send_message(&id, background)
        .stream()
        .await
        .expect("background stream");
    let mut run_id = None;
    while let Some(event) = events.next().await {
        if let Ok(StreamEvent::AssistantMessage(m)) = &event {
            run_id = m.run_id.clone();
        }
        event.expect("background event");
    }
    let run_id = run_id.expect("the background run's id");
    let resume = |starting_after: i64| RetrieveStreamRequest {
        run_id: Some(run_id.clone()),
        starting_after: Some(starting_after),
        ..Default::default()
    };
    let replay: Vec<StreamEvent> = conversations
        .retrieve_stream(&id)
        .body(resume(0))
        .stream()
        .await
        .expect("resume")
        .map(|e| e.expect("event"))
        .collect()
        .await;
    let later: Vec<StreamEvent> = conversations
        .retrieve_stream(&id)
        .body(resume(2))
        .stream()
        .await
        .expect("resume later")
        .map(|e| e.expect("event"))
        .collect()
        .await;
    assert!(!replay.is_empty(), "a replayed run has events");
    assert!(
        later.len() < replay.len(),
        "starting_after skips events ({} vs {})",
        later.len(),
        replay.len()
    );
    seen.operations.insert("retrieve_conversation_stream");

    // fork, also of the agent's default conversation.
    let fork = conversations.fork(&id).send().await.expect("fork");
    assert_ne!(fork.id, id);
    let default_fork = conversations
        .fork("default")
        .agent_id(&agent)
        .send()
        .await
        .expect("fork default");
    assert!(default_fork.id.starts_with("conv-"));
    seen.operations.insert("fork_conversation");

    // cancel with nothing running is the documented 409.
    let detail = expect_api_error(conversations.cancel(&id).send().await, 409, "cancel");
    assert!(detail.contains("No active runs"), "{detail}");
    seen.operations.insert("cancel_conversation");

    let system = conversations
        .recompile(&id)
        .dry_run(true)
        .send()
        .await
        .expect("recompile");
    assert!(!system.is_empty());
    seen.operations.insert("recompile_conversation");

    let all_mode: CompactionRequest =
        serde_json::from_value(json!({"compaction_settings": {"mode": "all"}}))
            .expect("a compaction request");
    let compacted = conversations
        .compact(&id)
        .body(all_mode)
        .send()
        .await
        .expect("compact");
    assert!(compacted.num_messages_after <= compacted.num_messages_before);
    seen.operations.insert("compact_conversation");

    conversations.delete(&fork.id).send().await.expect("delete");
    expect_api_error(
        conversations.retrieve(&fork.id).send().await,
        404,
        "retrieve after delete",
    );
    seen.operations.insert("delete_conversation");

    // The server's error shapes; every field of the body is kept (its 422 has a `trace_id`).
    let malformed = conversations.retrieve("not-a-conv-id").send().await;
    if let Err(Error::Api(api)) = &malformed {
        assert!(api.field("trace_id").is_some(), "{:?}", api.fields);
        assert_eq!(api.method, "GET");
        assert!(
            api.url.ends_with("/v1/conversations/not-a-conv-id"),
            "{}",
            api.url
        );
    }
    let detail = expect_api_error(malformed, 422, "malformed id");
    assert!(detail.contains("conversation_id"), "{detail}");
    expect_api_error(
        conversations
            .retrieve("conv-00000000-0000-4000-8000-000000000000")
            .send()
            .await,
        404,
        "unknown id",
    );
    let bad = UpdateConversation {
        model_settings: Patch::Set(ModelSettings::Unknown(
            json!({"provider_type": "nope"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        )),
        ..Default::default()
    };
    let detail = expect_api_error(
        conversations.update(&id, bad).send().await,
        422,
        "bad provider_type",
    );
    assert!(detail.contains("provider_type"), "{detail}");

    let streamed_error = match conversations
        .retrieve_stream("conv-00000000-0000-4000-8000-000000000000")
        .stream()
        .await
    {
        Err(Error::Api(e)) => e.status,
        Err(Error::Stream(StreamError::Server { .. })) => 0,
        other => panic!("a stream of an unknown conversation fails: {other:?}"),
    };
    assert_ne!(streamed_error, 200);

    println!(
        "e2e: {} of 13 operations, {} of 15 ModelSettings variants exercised against {base}",
        seen.operations.len(),
        seen.variants.len()
    );
    assert_eq!(seen.operations.len(), 13, "{:?}", seen.operations);
    assert_eq!(seen.variants.len(), 15, "{:?}", seen.variants);
}

/// A broken expectation fails the suite with the server's answer in the message. The client is
/// pointed under a wrong prefix, as a wrong path in the schema would point it. What
/// `.expect(..)` would print is the error's `Debug`, read here without panicking, so a green
/// log carries no backtrace.
#[tokio::test]
async fn a_wrong_path_fails_with_the_servers_answer() {
    let base = base_url();
    let client = Client::builder(format!("{base}/v1/no-such-prefix"))
        .max_retries(0)
        .build()
        .expect("client");
    let error = client
        .conversations()
        .list()
        .send()
        .await
        .expect_err("a wrong path answers 404");
    // The error's message names the request, so the doubled prefix shows.
    let shown = error.to_string();
    assert!(
        shown.starts_with(&format!("GET {base}/v1/no-such-prefix/v1/conversations/")),
        "{shown}"
    );
    let expected = format!("list conversations: {error:?}");
    println!("e2e: a wrong path fails as: {expected}");
    assert!(
        expected.contains("404") && expected.contains("Not Found"),
        "the failure shows the server's answer: {expected}"
    );
}

/// The running server's own `/openapi.json`, a second real spec no one here wrote: its
/// conversation subset generates, and the crate compiles.
#[tokio::test]
async fn the_servers_own_spec_generates_a_crate_that_compiles() {
    let base = base_url();
    let text = reqwest::get(format!("{base}/openapi.json"))
        .await
        .expect("spec request")
        .text()
        .await
        .expect("spec body");
    let options = codegen::Options {
        selection: codegen::Selection::Tag("conversations".into()),
        crate_name: Some("letta-server-spec".into()),
        source_label: "the running server's /openapi.json".into(),
        standalone: true,
        ..codegen::Options::default()
    };
    let files =
        codegen::generate(&text, &options).unwrap_or_else(|e| panic!("the server's spec: {e}"));
    let dir = support::workspace_root().join("target/e2e-server-spec");
    for file in &files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, &file.contents).expect("write");
    }
    std::fs::copy(
        support::workspace_root().join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .expect("lock");
    let status = std::process::Command::new(env!("CARGO"))
        .args(["check", "--quiet"])
        .current_dir(&dir)
        .env(
            "CARGO_TARGET_DIR",
            support::workspace_root().join("target/e2e-server-spec-target"),
        )
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "the crate generated from the server's spec compiles"
    );
}
