//! Real answers of the Letta server (`letta==0.16.8`, captured by the e2e harness into
//! tests/fixtures/server) decode into the generated types, with nothing left unknown.

use letta_conversations::models::{
    CompactionResponse, Conversation, LettaMessageUnion, LettaResponse, StreamEvent,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/server")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The value without `null` members: the generated types read absent and null alike.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

fn round_trips<T: DeserializeOwned + serde::Serialize>(name: &str) -> T {
    let text = fixture(name);
    let decoded: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let original: Value = serde_json::from_str(&text).expect("JSON");
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(
        without_nulls(encoded),
        without_nulls(original),
        "{name} re-encodes to the same value"
    );
    decoded
}

#[test]
fn conversations() {
    for name in [
        "01_create_conversation.json",
        "03_create_conversation_model_settings.json",
        "09_update_model_settings_anthropic.json",
        "24_fork_conversation.json",
    ] {
        let conversation: Conversation = round_trips(name);
        assert!(
            conversation.extra.is_empty(),
            "{name}: every field is declared: {:?}",
            conversation.extra.keys()
        );
        assert!(conversation.id.starts_with("conv-"));
        assert!(
            conversation.created_at.is_some(),
            "{name}: created_at parses"
        );
    }
    let listed: Vec<Conversation> = round_trips("04_list_conversations.json");
    assert!(!listed.is_empty());
}

#[test]
fn messages_and_responses() {
    let response: LettaResponse = round_trips("13_send_message.json");
    assert!(!response.messages.is_empty());
    assert!(
        response
            .messages
            .iter()
            .all(|m| !matches!(m, LettaMessageUnion::Unknown(_))),
        "{response:?}"
    );
    let messages: Vec<LettaMessageUnion> = round_trips("21_list_messages.json");
    assert!(
        messages
            .iter()
            .all(|m| !matches!(m, LettaMessageUnion::Unknown(_)))
    );
    let compacted: CompactionResponse = round_trips("36_compact_conversation.json");
    assert!(compacted.extra.is_empty());
    let preview: Value = round_trips("23_preview_raw_payload.json");
    assert!(preview.is_object());
    let system: String = round_trips("35_recompile_dry_run.json");
    assert!(system.contains("base_instructions"));
}

#[test]
fn stream_frames_decode_into_known_events() {
    for name in [
        "15_send_message_stream.sse",
        "16_send_message_stream_tokens.sse",
        "17_send_message_stream_background.sse",
        "19_retrieve_stream_resume_after_2.sse",
    ] {
        let text = fixture(name);
        let frames: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .collect();
        assert_eq!(frames.last(), Some(&"[DONE]"), "{name} ends with [DONE]");
        for frame in &frames[..frames.len() - 1] {
            let event: StreamEvent =
                serde_json::from_str(frame).unwrap_or_else(|e| panic!("{name}: {e}: {frame}"));
            assert!(!matches!(event, StreamEvent::Unknown(_)), "{name}: {frame}");
        }
    }
}

/// A recorded body replays through the client's event decoder, chunked at odd places.
#[tokio::test]
async fn recorded_streams_replay_through_event_stream() {
    use futures_util::StreamExt;
    use letta_conversations::client::EventStream;

    for name in [
        "16_send_message_stream_tokens.sse",
        "19_retrieve_stream_resume_after_2.sse",
    ] {
        let text = fixture(name);
        let frames = text.lines().filter(|l| l.starts_with("data: ")).count() - 1;
        let chunks: Vec<Result<bytes::Bytes, reqwest::Error>> = text
            .as_bytes()
            .chunks(7)
            .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
            .collect();
        let events: Vec<_> =
            EventStream::<StreamEvent>::from_bytes(futures_util::stream::iter(chunks))
                .collect()
                .await;
        assert_eq!(
            events.len(),
            frames,
            "{name}: one item per frame before [DONE]"
        );
        for event in events {
            let event = event.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                !matches!(event, StreamEvent::Unknown(_)),
                "{name}: {event:?}"
            );
        }
    }
}
