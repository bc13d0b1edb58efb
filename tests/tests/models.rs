//! The generated models keep their promises: open unions and enums, lossless round trips,
//! three-state PATCH fields, the server's timestamp forms.

use letta_conversations::models::{
    ChatCompletionTokenLogprob, Conversation, LettaMessageContentUnion, LettaMessageUnion,
    MessageType, ModelSettings, TopLogprob, TurnTokenData, UpdateConversation,
};
use letta_conversations::{Patch, Timestamp};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Every `ModelSettings` variant the schema lists, with an instance that sets every property.
fn variants() -> Vec<(String, Value)> {
    let schema = support::schema();
    let union = support::model_settings_union(&schema);
    let mapping = union["discriminator"]["mapping"]
        .as_object()
        .expect("ModelSettings has a mapping");
    mapping
        .iter()
        .map(|(tag, target)| {
            let instance = support::synthesize(&schema, &json!({ "$ref": target }), 0);
            assert_eq!(
                instance["provider_type"],
                json!(tag),
                "{target} fixes provider_type to its tag"
            );
            (tag.clone(), instance)
        })
        .collect()
}

/// `ModelSettings` is `#[non_exhaustive]`, so a variant this list lacks falls to `_` and
/// fails the test that calls it (which also counts the schema's variants).
macro_rules! inner_extra_is_empty {
    ($settings:expr, $($variant:ident),*) => {
        match $settings {
            $(ModelSettings::$variant(inner) => inner.extra.is_empty(),)*
            _ => false,
        }
    };
}

#[test]
fn every_model_settings_variant_round_trips_with_every_field_set() {
    let variants = variants();
    assert_eq!(
        variants.len(),
        15,
        "the schema's ModelSettings has 15 variants"
    );
    for (tag, instance) in variants {
        let decoded: ModelSettings =
            serde_json::from_value(instance.clone()).unwrap_or_else(|e| panic!("{tag}: {e}"));
        assert_eq!(decoded.provider_type(), Some(tag.as_str()));
        assert!(
            !matches!(decoded, ModelSettings::Unknown(_)),
            "{tag} decoded into the unknown arm"
        );
        let all_known = inner_extra_is_empty!(
            &decoded,
            OpenAI,
            SGLang,
            Anthropic,
            GoogleAI,
            GoogleVertex,
            Azure,
            XAI,
            ZAI,
            Groq,
            Deepseek,
            Together,
            Bedrock,
            Baseten,
            OpenRouter,
            ChatGPTOAuth
        );
        assert!(
            all_known,
            "{tag}: every documented field is a typed field, none left in `extra`"
        );
        assert_eq!(
            serde_json::to_value(&decoded).expect("encodes"),
            instance,
            "{tag} re-encodes to the same JSON"
        );
    }
}

/// Every number sent as the integer `to` (`2`, which a number property may hold, not `2.0`;
/// or one beyond 2^53, which an `f64` holds only nearly), at any depth.
fn integral(value: &mut Value, to: &Value) {
    match value {
        Value::Number(n) if n.is_f64() => *value = to.clone(),
        Value::Array(items) => items.iter_mut().for_each(|item| integral(item, to)),
        Value::Object(members) => members.values_mut().for_each(|member| integral(member, to)),
        _ => {}
    }
}

/// Every number of `value` replaced by `to`, integers too, at any depth.
fn every_number(value: &mut Value, to: &Value) {
    match value {
        Value::Number(_) => *value = to.clone(),
        Value::Array(items) => items.iter_mut().for_each(|item| every_number(item, to)),
        Value::Object(members) => members
            .values_mut()
            .for_each(|member| every_number(member, to)),
        _ => {}
    }
}

/// The forms of one instance that a decoder must give back as sent: as it is, with every
/// optional property `null`, with every optional property left out, and with every number an
/// integer, small or beyond 2^53, and with every number, integers too, past `i64` (which
/// JSON's unbounded integers allow). `required` names the properties that stay.
fn forms(instance: &Value, required: &Value) -> Vec<(&'static str, Value)> {
    let optional = |key: &str| {
        !required
            .as_array()
            .is_some_and(|names| names.contains(&json!(key)))
    };
    let mut nulls = instance.clone();
    let mut left_out = instance.clone();
    if let (Some(nulls), Some(left_out)) = (nulls.as_object_mut(), left_out.as_object_mut()) {
        for (key, value) in nulls.iter_mut() {
            if optional(key) {
                *value = Value::Null;
            }
        }
        left_out.retain(|key, _| !optional(key));
    }
    let mut integers = instance.clone();
    integral(&mut integers, &json!(2));
    let mut wide = instance.clone();
    integral(&mut wide, &json!(9_007_199_254_740_993_u64));
    let mut past_i64 = instance.clone();
    every_number(&mut past_i64, &json!(u64::MAX));
    vec![
        ("every property set", instance.clone()),
        ("optional properties null", nulls),
        ("optional properties left out", left_out),
        ("integral numbers", integers),
        ("integers beyond 2^53", wide),
        ("numbers past i64", past_i64),
    ]
}

/// Every member of a discriminated union, in every one of its `forms`, decodes as `T` and
/// re-encodes to the JSON it came from. Returns how many members there are.
fn members_round_trip<T: DeserializeOwned + Serialize>(schema: &Value, union: &Value) -> usize {
    let tag = union["discriminator"]["propertyName"]
        .as_str()
        .expect("a discriminator");
    let mapping = union["discriminator"]["mapping"]
        .as_object()
        .expect("a mapping");
    for (value, target) in mapping {
        let instance = support::synthesize(schema, &json!({ "$ref": target }), 0);
        let name = target
            .as_str()
            .and_then(|target| target.rsplit('/').next())
            .expect("a mapping target");
        let mut required = schema["components"]["schemas"][name]["required"].clone();
        if let Some(names) = required.as_array_mut() {
            names.push(json!(tag));
        } else {
            required = json!([tag]);
        }
        round_trips_in_every_form::<T>(value, &instance, &required);
    }
    mapping.len()
}

/// `instance`, in every one of its `forms`, decodes as `T` and re-encodes to the JSON it came
/// from.
fn round_trips_in_every_form<T: DeserializeOwned + Serialize>(
    label: &str,
    instance: &Value,
    required: &Value,
) {
    for (form, sent) in forms(instance, required) {
        let decoded: T = serde_json::from_value(sent.clone())
            .unwrap_or_else(|e| panic!("{label} with {form}: {e}\n{sent}"));
        assert_eq!(
            serde_json::to_value(&decoded).expect("encodes"),
            sent,
            "{label} with {form} re-encodes to the JSON it came from"
        );
    }
}

/// What a field cannot say is written back as it was sent: a number sent as an integer, an
/// optional property sent as `null` rather than left out.
#[test]
fn every_model_settings_variant_round_trips_in_every_form() {
    let schema = support::schema();
    let union = support::model_settings_union(&schema);
    assert_eq!(members_round_trip::<ModelSettings>(&schema, &union), 15);
}

#[test]
fn every_message_and_content_round_trips_in_every_form() {
    let schema = support::schema();
    let messages = &schema["components"]["schemas"]["LettaMessageUnion"];
    assert_eq!(
        members_round_trip::<LettaMessageUnion>(&schema, messages),
        11
    );
    let contents = &schema["components"]["schemas"]["LettaMessageContentUnion"];
    assert_eq!(
        members_round_trip::<LettaMessageContentUnion>(&schema, contents),
        7
    );
}

/// Models with integers in lists (token ids, a token's bytes), every number past `i64` too.
#[test]
fn models_with_integer_lists_round_trip_in_every_form() {
    fn check<T: DeserializeOwned + Serialize>(schema: &Value, name: &str, list: &str) {
        let model = &schema["components"]["schemas"][name];
        assert_eq!(
            model["properties"][list]["anyOf"][0]["items"]["type"], "integer",
            "{name}.{list} is a list of integers"
        );
        let target = json!({ "$ref": format!("#/components/schemas/{name}") });
        let instance = support::synthesize(schema, &target, 0);
        assert!(instance[list].is_array(), "{instance}");
        round_trips_in_every_form::<T>(name, &instance, &model["required"]);
    }
    let schema = support::schema();
    check::<TurnTokenData>(&schema, "TurnTokenData", "output_ids");
    check::<TopLogprob>(
        &schema,
        "letta__schemas__openai__chat_completion_response__TopLogprob",
        "bytes",
    );
    check::<ChatCompletionTokenLogprob>(
        &schema,
        "letta__schemas__openai__chat_completion_response__ChatCompletionTokenLogprob",
        "bytes",
    );
}

#[test]
fn a_conversation_with_null_properties_round_trips_and_equals_one_without_them() {
    let sent = json!({
        "id": "conv-1", "agent_id": "agent-1", "created_by_id": null, "summary": null,
        "model_settings": null, "in_context_message_ids": null, "last_message_at": null
    });
    let decoded: Conversation = serde_json::from_value(sent.clone()).expect("decodes");
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), sent);
    let left_out: Conversation =
        serde_json::from_value(json!({"id": "conv-1", "agent_id": "agent-1"})).expect("decodes");
    assert_eq!(decoded, left_out, "null and left out are both None");
    assert_eq!(
        serde_json::to_value(&left_out).expect("encodes"),
        json!({"id": "conv-1", "agent_id": "agent-1"})
    );
}

#[test]
fn an_unknown_provider_round_trips_through_the_unknown_arm() {
    let payload =
        json!({"provider_type": "moonshot", "temperature": 0.3, "kimi_mode": {"deep": true}});
    let decoded: ModelSettings = serde_json::from_value(payload.clone()).expect("decodes");
    let ModelSettings::Unknown(raw) = &decoded else {
        panic!("expected the unknown arm, got {decoded:?}")
    };
    assert_eq!(raw["kimi_mode"], json!({"deep": true}));
    assert_eq!(decoded.provider_type(), Some("moonshot"));
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), payload);
}

/// Members before the tag, more of them than are kept in place, reach the variant in order
/// (known tag) or the kept object (unknown tag), and an error still names its member.
#[test]
fn many_members_before_the_tag_are_all_handed_over() {
    let before = r#""max_output_tokens":7,"shard":[1,2],"parallel_tool_calls":true,"note":"n","temperature":0.5,"extra":{"a":null}"#;
    for (tag, known) in [("anthropic", true), ("moonshot", false)] {
        let text = format!(r#"{{{before},"provider_type":"{tag}","strict":true,"after":1}}"#);
        let decoded: ModelSettings = serde_json::from_str(&text).expect("decodes");
        assert_eq!(
            matches!(decoded, ModelSettings::Anthropic(_)),
            known,
            "{decoded:?}"
        );
        let again: Value = serde_json::to_value(&decoded).expect("encodes");
        let sent: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(again, sent, "{tag} round-trips");
    }
    let text = r#"{"a":1,"b":2,"c":3,"d":4,"strict":"yes","provider_type":"anthropic"}"#;
    let err = serde_json::from_str::<ModelSettings>(text).expect_err("a string `strict`");
    assert!(err.to_string().contains("at `strict`"), "{err}");
}

#[test]
fn a_known_tag_with_a_bad_body_names_the_variant_and_the_field() {
    let err = serde_json::from_value::<ModelSettings>(
        json!({"provider_type": "anthropic", "temperature": "hot"}),
    )
    .expect_err("a string temperature is invalid");
    let message = err.to_string();
    assert!(message.contains("`anthropic`"), "{message}");
    assert!(message.contains("temperature"), "{message}");
}

#[test]
fn a_payload_without_provider_type_is_a_clear_error() {
    let err =
        serde_json::from_value::<ModelSettings>(json!({"temperature": 0.5})).expect_err("no tag");
    let message = err.to_string();
    assert!(message.contains("provider_type"), "{message}");
    assert!(
        message.contains("openai"),
        "the error lists the known values: {message}"
    );
}

#[test]
fn conversation_keeps_unknown_fields_and_newer_enum_values() {
    let payload = json!({
        "id": "conv-1", "agent_id": "agent-1", "summary": "s",
        "archived": true, "context_window_limit": 8000,
        "created_at": "2026-03-26T10:00:00.123456",
        "model_settings": {"provider_type": "openai", "reasoning": {"reasoning_effort": "ultra"}}
    });
    let conversation: Conversation = serde_json::from_value(payload.clone()).expect("decodes");
    assert_eq!(conversation.extra["archived"], json!(true));
    let Some(ModelSettings::OpenAI(openai)) = &conversation.model_settings else {
        panic!("openai settings")
    };
    let effort = openai
        .reasoning
        .as_ref()
        .and_then(|r| r.reasoning_effort.as_ref())
        .expect("effort");
    assert_eq!(effort.as_str(), "ultra");
    assert_eq!(
        serde_json::to_value(&conversation).expect("encodes"),
        payload
    );
}

#[test]
fn open_enums_keep_the_string() {
    let known: MessageType = serde_json::from_value(json!("assistant_message")).expect("decodes");
    assert_eq!(known, MessageType::AssistantMessage);
    let newer: MessageType = serde_json::from_value(json!("hologram_message")).expect("decodes");
    assert_eq!(newer, MessageType::Unknown("hologram_message".into()));
    assert_eq!(
        serde_json::to_value(&newer).expect("encodes"),
        json!("hologram_message")
    );
}

#[test]
fn patch_fields_have_three_states() {
    let unchanged = UpdateConversation::default();
    assert_eq!(
        serde_json::to_value(&unchanged).expect("encodes"),
        json!({})
    );
    let cleared = UpdateConversation {
        summary: Patch::Clear,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&cleared).expect("encodes"),
        json!({"summary": null})
    );
    let set = UpdateConversation {
        summary: Patch::Set("renamed".into()),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&set).expect("encodes"),
        json!({"summary": "renamed"})
    );
    let decoded: UpdateConversation =
        serde_json::from_value(json!({"summary": null})).expect("decodes");
    assert_eq!(decoded.summary, Patch::Clear);
    assert_eq!(decoded.model, Patch::Unchanged);
}

#[test]
fn timestamps_accept_the_server_forms_and_keep_their_text() {
    for text in [
        "2026-03-26T10:00:00Z",
        "2026-03-26T10:00:00.5+00:00",
        "2026-03-26T10:00:00.123456",
        "2026-03-26 10:00:00",
        // The longest forms: kept inline up to 38 bytes, on the heap past that.
        "2026-03-26T15:30:00.123456789+05:30",
        "2026-03-26T10:00:00.000000000000000+00:00",
    ] {
        let parsed: Timestamp =
            serde_json::from_value(json!(text)).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(parsed.to_utc().timestamp(), 1_774_519_200, "{text}");
        assert_eq!(parsed.as_str(), text);
        assert_eq!(parsed.clone(), parsed);
        assert_eq!(serde_json::to_value(&parsed).expect("encodes"), json!(text));
    }
    let err = serde_json::from_value::<Timestamp>(json!("yesterday")).expect_err("not a date");
    assert!(err.to_string().contains("yesterday"));
}

#[test]
fn a_const_property_rejects_another_value() {
    let err = serde_json::from_value::<letta_conversations::models::OpenAIModelSettings>(
        json!({"provider_type": "anthropic"}),
    )
    .expect_err("the openai struct fixes provider_type");
    assert!(err.to_string().contains("provider_type"), "{err}");
}

/// A constant is compared as it is read: `null` and its own value pass; any other value,
/// of any type, is named in the error.
#[test]
fn a_const_property_is_checked_without_building_a_value() {
    use letta_conversations::models::OpenAIModelSettings;
    for accepted in [
        json!({"provider_type": "openai"}),
        json!({"provider_type": null}),
    ] {
        serde_json::from_value::<OpenAIModelSettings>(accepted.clone())
            .unwrap_or_else(|e| panic!("{accepted}: {e}"));
    }
    for (found, shown) in [
        (json!("anthropic"), r#""anthropic""#),
        (json!(5), "5"),
        (json!(-5), "-5"),
        (json!(0.5), "0.5"),
        (json!(true), "true"),
        (json!(["openai"]), r#"["openai"]"#),
        (json!({"a": 1}), r#"{"a":1}"#),
    ] {
        let text = json!({ "provider_type": found }).to_string();
        let err = serde_json::from_str::<OpenAIModelSettings>(&text)
            .expect_err("only the constant is accepted");
        assert!(
            err.to_string().contains(&format!(
                r#"`provider_type` must be "openai", found {shown}"#
            )),
            "{err}"
        );
    }
}

/// A timestamp is read from the input's text without a copy, and anything but text is refused.
#[test]
fn a_timestamp_is_text() {
    let decoded: Timestamp =
        serde_json::from_str(r#""2026-03-26T10:00:00Z""#).expect("borrowed text");
    assert_eq!(decoded.as_str(), "2026-03-26T10:00:00Z");
    let decoded: Timestamp =
        serde_json::from_str(r#""2026-03-26T10:00:00\u005A""#).expect("escaped text");
    assert_eq!(decoded.as_str(), "2026-03-26T10:00:00Z");
    let err = serde_json::from_str::<Timestamp>("5").expect_err("a number is not a timestamp");
    assert!(err.to_string().contains("expected a string"), "{err}");
}

/// The server's forms take a fast path; every other form chrono reads. Both give the instant
/// and the offset the text says.
#[test]
fn timestamps_fast_and_general_forms_agree() {
    // (text, seconds since the epoch, nanoseconds, offset in seconds)
    let cases = [
        ("2026-03-26T10:00:00Z", 1_774_519_200, 0, 0),
        (
            "2026-03-26T10:00:00.5-02:00",
            1_774_526_400,
            500_000_000,
            -7_200,
        ),
        (
            "2026-03-26T15:30:00.123456789+05:30",
            1_774_519_200,
            123_456_789,
            19_800,
        ),
        ("2026-03-26 10:00:00.000001", 1_774_519_200, 1_000, 0),
        // Not the common forms: left to chrono.
        ("2026-03-26T15:30:00+0530", 1_774_519_200, 0, 19_800),
        ("2026-03-26t10:00:00z", 1_774_519_200, 0, 0),
        (
            "2026-03-26T10:00:00.1234567891Z",
            1_774_519_200,
            123_456_789,
            0,
        ),
    ];
    for (text, seconds, nanos, offset) in cases {
        let parsed = Timestamp::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let instant = parsed.to_fixed_offset();
        assert_eq!(instant.timestamp(), seconds, "{text}");
        assert_eq!(instant.timestamp_subsec_nanos(), nanos, "{text}");
        assert_eq!(instant.offset().local_minus_utc(), offset, "{text}");
        assert_eq!(parsed.as_str(), text);
    }
    for text in [
        "2026-02-30T10:00:00Z",
        "2026-03-26T24:00:00Z",
        "2026-03-26T10:00:00+24:00",
        "2026-03-26T10:00Z",
        "2026-3-26T10:00:00Z",
        "２０２６-03-26T10:00:00Z",
    ] {
        assert!(Timestamp::parse(text).is_err(), "{text} is not a timestamp");
    }
}

/// Numbers a `serde_json::Value` cannot hold, as a newer server might send them in properties
/// the schema lacks: beyond 64 bits, and decimals with more digits than an `f64` keeps.
const INEXACT: [&str; 4] = [
    "18446744073709551616",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "3.14159265358979323846264338327950288",
];

#[test]
fn numbers_beyond_64_bits_in_kept_properties_round_trip_exactly() {
    let [over_u64, under_i64, huge, precise] = INEXACT;
    // Kept properties of a struct, one of them nested, and of a union variant, one of them
    // before the union's tag (read before the variant is known).
    let text = format!(
        r#"{{"id":"conv-1","agent_id":"agent-1","created_at":"2026-03-26T10:00:00Z","counter":{over_u64},"nested":{{"low":{under_i64},"list":[1,{huge}]}},"ratio":{precise},"plain":42,"model_settings":{{"shard":{huge},"provider_type":"openai","temperature":0.5,"budget":{over_u64}}}}}"#
    );
    for decoded in [
        serde_json::from_str::<Conversation>(&text).expect("decodes from text"),
        serde_json::from_slice::<Conversation>(text.as_bytes()).expect("decodes from bytes"),
    ] {
        let written = serde_json::to_string(&decoded).expect("encodes");
        for number in INEXACT {
            assert!(
                written.contains(number),
                "{number} comes back as sent: {written}"
            );
        }
        assert_eq!(
            decoded.extra.exact_text("counter"),
            Some(over_u64),
            "the text is kept"
        );
        assert_eq!(
            decoded.extra.exact_text("plain"),
            None,
            "only where the value is inexact"
        );
        // Read as a map, the value is the nearest f64.
        assert_eq!(
            decoded.extra["counter"].as_f64(),
            Some(18446744073709551616.0)
        );
    }
}

#[test]
fn a_changed_kept_property_writes_the_new_value() {
    let text = format!(
        r#"{{"id":"conv-1","agent_id":"agent-1","created_at":"2026-03-26T10:00:00Z","counter":{}}}"#,
        INEXACT[0]
    );
    let mut decoded: Conversation = serde_json::from_str(&text).expect("decodes");
    decoded.extra.insert("counter".into(), json!(7));
    let written = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(
        written["counter"],
        json!(7),
        "the kept text is not written over a change"
    );
    assert_eq!(decoded.extra.exact_text("counter"), None);
}

#[test]
fn the_assistant_reply_reads_in_one_expression_from_a_response_and_from_events() {
    use letta_conversations::models::{
        AssistantMessage, LettaMessageUnion, LettaResponse, StreamEvent,
    };
    let response: LettaResponse = serde_json::from_value(json!({
        "messages": [
            {"message_type": "user_message", "id": "m-1", "date": "2026-03-26T10:00:00Z", "content": "hi"},
            {"message_type": "reasoning_message", "id": "m-2", "date": "2026-03-26T10:00:00Z", "reasoning": "think"},
            {"message_type": "assistant_message", "id": "m-3", "date": "2026-03-26T10:00:00Z",
             "content": [{"type": "text", "text": "Hello, "}, {"type": "text", "text": "world"}]},
            {"message_type": "assistant_message", "id": "m-4", "date": "2026-03-26T10:00:00Z", "content": "plain"}
        ],
        "stop_reason": {"message_type": "stop_reason", "stop_reason": "end_turn"},
        "usage": {"message_type": "usage_statistics"}
    }))
    .expect("decodes");
    let replies: Vec<String> = response
        .messages
        .iter()
        .filter_map(LettaMessageUnion::as_assistant_message)
        .filter_map(AssistantMessage::text)
        .collect();
    assert_eq!(replies, ["Hello, world", "plain"]);
    // `text()` on the union reads any message that has text; reasoning has none.
    let texts: Vec<Option<String>> = response.messages.iter().map(|m| m.text()).collect();
    assert_eq!(
        texts,
        [
            Some("hi".to_owned()),
            None,
            Some("Hello, world".to_owned()),
            Some("plain".to_owned())
        ]
    );

    let event: StreamEvent = serde_json::from_value(json!({
        "message_type": "assistant_message", "id": "m-5", "date": "2026-03-26T10:00:00Z",
        "content": [{"type": "text", "text": "streamed"}]
    }))
    .expect("decodes");
    assert_eq!(
        event
            .as_assistant_message()
            .and_then(AssistantMessage::text)
            .as_deref(),
        Some("streamed")
    );
    let ping: StreamEvent = serde_json::from_value(
        json!({"message_type": "ping", "id": "p-1", "date": "2026-03-26T10:00:00Z"}),
    )
    .expect("decodes");
    assert_eq!(ping.as_assistant_message(), None);
    assert_eq!(ping.text(), None);
}

#[test]
fn strings_convert_into_string_unions_from_str_and_string() {
    use letta_conversations::models::{
        ConversationMessageRequest, ConversationMessageRequestInput, MessageCreateContent,
    };
    let request = ConversationMessageRequest {
        input: Some("hello".into()),
        ..Default::default()
    };
    assert_eq!(
        request.input,
        Some(ConversationMessageRequestInput::String("hello".to_owned()))
    );
    let owned: ConversationMessageRequestInput = String::from("hello").into();
    assert_eq!(request.input.as_ref(), Some(&owned));
    let content: MessageCreateContent = "hi".into();
    assert_eq!(content.text().as_deref(), Some("hi"));
}
