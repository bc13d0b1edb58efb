//! The API change report (`codegen::changes`) on real transitions of the upstream history:
//! what it says for the versions that added `baseten`, `fork_conversation` and
//! `override_system`, changed an answer's type and added query parameters. Each line about a
//! part of an operation names the Rust method it belongs to. (`cargo xtask semver` holds the
//! verdicts against cargo-semver-checks.)
#![cfg(feature = "shared")]

use std::io::Read;

use codegen::Selection;
use codegen::changes::{Impact, between};
use codegen::model::Model;

fn model(version: &str) -> Model {
    let path = support::workspace_root()
        .join("../shared/upstream/letta-openapi")
        .join(format!("openapi-{version}.json.gz"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).expect("an upstream version"))
        .read_to_string(&mut text)
        .expect("gzip JSON");
    codegen::model(&text, &Selection::Tag("conversations".into())).expect("models")
}

/// The report's lines, as `cargo xtask codegen` prints them.
fn lines(old: &str, new: &str) -> Vec<String> {
    between(&model(old), &model(new))
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// The new operation's members now count its security (`bearerAuth`) beside the two it had.
#[test]
fn baseten_fork_and_override_system() {
    assert_eq!(
        lines("2026-03-22-5148af867", "2026-03-25-1addb37f7"),
        [
            "breaking   field `ConversationMessageRequest.override_system`: added: Option<String> (`override_system`); request literals that list every field must add it",
            "additive   struct `BasetenModelSettings`: added (4 members)",
            "additive   variant `ModelSettings::Baseten`: added: BasetenModelSettings, tag `baseten`",
            "additive   method `ModelSettings::as_baseten()`: added: → Option<&BasetenModelSettings>",
            "additive   operation `fork_conversation`: added: POST /v1/conversations/{conversation_id}/fork, conversations().fork → ForkConversationBuilder (3 members)",
        ]
    );
}

#[test]
fn new_optional_query_parameters_are_additive() {
    assert_eq!(
        lines("2026-03-25-1addb37f7", "2026-03-26-2953a9f54"),
        [
            "additive   query parameter `agent_id` of `fork_conversation` (`conversations().fork`): added: String, optional",
            "additive   query parameter `include_return_message_types` of `list_conversation_messages` (`conversations().list_messages`): added: Vec<MessageType>, optional",
        ]
    );
}

#[test]
fn a_changed_answer_and_a_removed_type_break() {
    let changes = between(
        &model("2026-01-22-194c74322"),
        &model("2026-01-28-d992aa0df"),
    );
    let breaking: Vec<String> = changes
        .iter()
        .filter(|c| c.impact == Impact::Breaking)
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        breaking,
        [
            "breaking   union `LettaStreamingResponse`: removed (was by `message_type`)",
            "breaking   `send()` of `send_conversation_message` (`conversations().send_message`): type LettaStreamingResponse → LettaResponse",
        ]
    );
}

#[test]
fn a_required_parameter_made_optional_and_removed_variants_break() {
    let changes = between(
        &model("2026-01-28-d992aa0df"),
        &model("2026-02-20-ba67621e1"),
    );
    let said = |text: &str| {
        changes
            .iter()
            .find(|c| c.to_string().contains(text))
            .map(|c| c.impact)
    };
    assert_eq!(
        said(
            "query parameter `agent_id` of `list_conversations` (`conversations().list`): now required → optional"
        ),
        Some(Impact::Breaking)
    );
    assert_eq!(
        said("variant `LettaMessageUnion::Summary`: removed"),
        Some(Impact::Breaking)
    );
    assert_eq!(
        said("operation `delete_conversation`: added"),
        Some(Impact::Additive)
    );
    assert_eq!(
        said("enum value `StopReasonType::InsufficientCredits`"),
        Some(Impact::Additive)
    );
}

#[test]
fn a_version_against_itself_has_no_changes() {
    let newest = model("2026-03-26-2953a9f54");
    assert!(between(&newest, &newest).is_empty());
}
