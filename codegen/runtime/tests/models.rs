//! The models half of the runtime, through the sample's declarations: what a generated crate
//! promises for every payload (unknown properties kept, exact numbers, timestamps as sent,
//! open enums and unions, dispatch on the tag).

use letta_codegen_runtime::Patch;
use letta_codegen_runtime::models::{
    Circle, Colour, Content, Figure, Item, ItemUpdate, Outcome, Shape, Size, Tally, Track,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn an_object_keeps_what_it_does_not_declare_and_writes_it_back_as_sent() {
    let text = r#"{"id":"item-1","created_at":"2026-12-04T10:00:00.5+01:00","colour":"red","big":123456789012345678901234567890,"note":{"a":[1,2]}}"#;
    let item: Item = decode(text);
    assert_eq!(item.id, "item-1");
    assert_eq!(item.created_at.as_str(), "2026-12-04T10:00:00.5+01:00");
    assert_eq!(item.colour, Some(Colour::Red));
    assert_eq!(
        item.extra.exact_text("big"),
        Some("123456789012345678901234567890")
    );
    assert_eq!(serde_json::to_string(&item).expect("encodes"), text);
}

#[test]
fn null_and_left_out_are_written_back_as_they_were_sent() {
    let with_nulls = r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","colour":null,"shape":{"kind":"square","side":1.0,"label":null,"area":null}}"#;
    let without = r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","shape":{"kind":"square","side":1.0,"label":null,"area":null}}"#;
    let mut sent_null: Item = decode(with_nulls);
    let left_out: Item = decode(without);
    for (item, text) in [(&sent_null, with_nulls), (&left_out, without)] {
        assert_eq!(serde_json::to_string(item).expect("encodes"), text);
    }
    // A nullable property left out is left out again, whatever its type.
    let nullable_left_out =
        r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","shape":{"kind":"square","side":1.0}}"#;
    let item: Item = decode(nullable_left_out);
    assert_eq!(
        serde_json::to_string(&item).expect("encodes"),
        nullable_left_out
    );
    // Both say "no colour"; only the encoding remembers how.
    assert_eq!(sent_null, left_out);
    sent_null.colour = Some(Colour::Blue);
    let written = serde_json::to_value(&sent_null).expect("encodes");
    assert_eq!(written["colour"], json!("blue"));
}

#[test]
fn a_number_sent_as_an_integer_is_written_back_as_one() {
    for text in [
        r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","shape":{"kind":"square","side":2,"label":null,"area":4},"weight":3}"#,
        r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","shape":{"kind":"square","side":2.0,"label":null,"area":4.0},"weight":3.0}"#,
        r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","shape":{"kind":"square","side":-7,"label":null,"area":null},"weight":null}"#,
        // Beyond 2^53, where an `f64` holds only the nearest integer, and beyond `i64`.
        r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","shape":{"kind":"square","side":9007199254740993,"label":null,"area":-9007199254740995},"weight":18446744073709551615}"#,
        r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","shape":{"kind":"square","side":1152921504606846976,"label":null,"area":-9223372036854775808},"weight":9007199254740992}"#,
    ] {
        let item: Item = decode(text);
        assert_eq!(serde_json::to_string(&item).expect("encodes"), text);
    }
    let mut item: Item = decode(r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","weight":3}"#);
    item.weight = Some(3.5);
    assert_eq!(
        serde_json::to_value(&item).expect("encodes")["weight"],
        json!(3.5)
    );
    // A changed value is written as it now is, not as the integer it was sent as.
    let mut item: Item =
        decode(r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","weight":9007199254740993}"#);
    assert_eq!(item.weight, Some(9007199254740992.0));
    item.weight = Some(1.5e300);
    assert_eq!(
        serde_json::to_value(&item).expect("encodes")["weight"],
        json!(1.5e300)
    );
}

#[test]
fn numbers_in_lists_and_maps_are_written_back_in_the_forms_they_were_sent_in() {
    for text in [
        r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","scores":[1,2.5,3.0,-4],"ranges":{"a":[1,null,2.0],"b":[]},"track":{"points":[0,1.5],"limits":null}}"#,
        r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","scores":[1.0,2.5],"ranges":null,"track":{"points":[9007199254740993,18446744073709551615]}}"#,
        r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","scores":null,"track":{"points":[],"limits":[7]}}"#,
    ] {
        let item: Item = decode(text);
        assert_eq!(serde_json::to_string(&item).expect("encodes"), text);
    }
    let mut item: Item = decode(r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","scores":[1,2]}"#);
    assert_eq!(item.scores, Some(vec![1.0, 2.0]));
    // Changed numbers are written as they now are; unchanged ones keep their form.
    item.scores = Some(vec![1.0, 2.5]);
    assert_eq!(
        serde_json::to_value(&item).expect("encodes")["scores"],
        json!([1.0, 2.5])
    );
    let track = Track::new(vec![1.0]);
    assert_eq!(
        serde_json::to_value(&track).expect("encodes"),
        json!({"points": [1.0], "limits": null})
    );
    // A value of the wrong type fails as before, naming what was expected.
    let error = serde_json::from_str::<Item>(
        r#"{"id":"i","created_at":"2026-12-04T10:00:00Z","scores":["x"]}"#,
    )
    .expect_err("a string is no number");
    assert!(error.to_string().contains("f64"), "{error}");
}

#[test]
fn integers_past_their_type_or_sent_as_decimals_are_read_as_the_nearest_and_written_back_as_sent() {
    for text in [
        r#"{"count":-3,"total":18446744073709551615,"step":9223372036854775807}"#,
        r#"{"count":9223372036854775808,"total":-1,"step":-1e19}"#,
        r#"{"count":1e20,"total":1e300,"step":4096.0}"#,
        r#"{"count":1,"total":null}"#,
        r#"{"count":1,"total":null,"ids":[9223372036854775808,-1,4096.0,1e20],"sizes":{"a":-1,"b":18446744073709551615}}"#,
        r#"{"count":1,"total":null,"ids":[],"sizes":{}}"#,
    ] {
        let tally: Tally = decode(text);
        // `Value` tells `4096.0` from `4096`, and holds integers to 64 bits exactly.
        let sent: Value = decode(text);
        assert_eq!(
            serde_json::to_value(&tally).expect("encodes"),
            sent,
            "{text}"
        );
        let item: Item = decode(&format!(
            r#"{{"id":"i","created_at":"2026-12-04T10:00:00Z","tally":{text}}}"#
        ));
        assert_eq!(item.tally, Some(tally));
    }
    let mut tally: Tally = decode(r#"{"count":9223372036854775808,"total":-1,"step":1e3}"#);
    assert_eq!(
        (tally.count, tally.total, tally.step),
        (i64::MAX, Some(0), Some(1000))
    );
    // A changed value is written as it now is.
    tally.count = 7;
    tally.total = Some(u64::MAX);
    assert_eq!(
        serde_json::to_value(&tally).expect("encodes"),
        json!({"count": 7, "total": u64::MAX, "step": 1000.0})
    );
    let mut tally: Tally =
        decode(r#"{"count":1,"total":null,"ids":[9223372036854775808,2.0,3],"sizes":{"a":-1}}"#);
    assert_eq!(tally.ids, Some(vec![i64::MAX, 2, 3]));
    assert_eq!(tally.sizes, Some(BTreeMap::from([("a".to_owned(), 0)])));
    tally.ids = Some(vec![1, 2, 3]);
    assert_eq!(
        serde_json::to_value(&tally).expect("encodes"),
        json!({"count": 1, "total": null, "ids": [1, 2, 3], "sizes": {"a": -1}})
    );
    let error = serde_json::from_str::<Tally>(r#"{"count":1,"total":null,"ids":[1,1.5]}"#)
        .expect_err("1.5 is no integer");
    assert!(error.to_string().contains("i64"), "{error}");
    // A fraction is no integer: it fails, naming what was expected.
    let error = serde_json::from_str::<Tally>(r#"{"count":1.5,"total":null}"#)
        .expect_err("1.5 is no integer");
    assert!(error.to_string().contains("an integer"), "{error}");
    let error = serde_json::from_str::<Tally>(r#"{"count":"1","total":null}"#)
        .expect_err("text is no integer");
    assert!(error.to_string().contains("an integer"), "{error}");
}

#[test]
fn a_required_property_that_is_missing_is_named() {
    let error = serde_json::from_str::<Item>(r#"{"created_at":"2026-12-04T10:00:00Z"}"#)
        .expect_err("no id");
    assert!(error.to_string().contains("`id`"), "{error}");
}

#[test]
fn an_enum_value_from_a_newer_server_is_kept() {
    let colour: Colour = decode(r#""green""#);
    assert!(matches!(colour, Colour::Unknown(_)), "{colour:?}");
    assert_eq!(
        serde_json::to_string(&colour).expect("encodes"),
        r#""green""#
    );
}

#[test]
fn a_union_dispatches_on_its_tag_wherever_it_stands() {
    let shape: Shape = decode(r#"{"side":2.5,"kind":"square"}"#);
    assert_eq!(shape.as_square().map(|square| square.side), Some(2.5));
    let unknown: Shape = decode(r#"{"kind":"hexagon","sides":6}"#);
    assert!(matches!(&unknown, Shape::Unknown(_)), "{unknown:?}");
    assert_eq!(
        serde_json::to_value(&unknown).expect("encodes"),
        json!({"kind": "hexagon", "sides": 6})
    );
    let error = serde_json::from_str::<Shape>(r#"{"side":1}"#).expect_err("no tag");
    assert!(error.to_string().contains("circle, square"), "{error}");
}

#[test]
fn a_union_adds_the_tag_its_variant_does_not_write_and_reads_by_shape_without_one() {
    let round = Figure::Round(Circle::new(1.0));
    assert_eq!(
        serde_json::to_value(&round).expect("encodes"),
        json!({"kind": "round", "radius": 1.0})
    );
    let back: Figure = decode(r#"{"kind":"round","radius":1.0}"#);
    assert!(matches!(back, Figure::Round(_)), "{back:?}");
    let untagged: Figure = decode(r#"{"radius":3.0}"#);
    assert!(matches!(untagged, Figure::Circle(_)), "{untagged:?}");
    assert!(matches!(decode::<Size>("4"), Size::Number(n) if n == 4.0));
    assert!(matches!(
        decode::<Size>(r#""blue""#),
        Size::Word(Colour::Blue)
    ));
    // An open enum tried by shape takes only its own values; the next variant gets the rest.
    let other: Size = decode(r#""green""#);
    assert!(
        matches!(&other, Size::Text(text) if text == "green"),
        "{other:?}"
    );
    assert_eq!(
        serde_json::to_string(&other).expect("encodes"),
        r#""green""#
    );
    // An object tried by shape keeps what it does not declare, so it accepts every object: a
    // later variant that declares all the properties wins, and the first is the fallback.
    let square: Outcome = decode(r#"{"side":2,"label":null,"area":null}"#);
    assert!(
        matches!(&square, Outcome::Square(s) if s.side == 2.0),
        "{square:?}"
    );
    let problem: Outcome = decode(r#"{"detail":"broken"}"#);
    assert!(
        matches!(&problem, Outcome::Problem(p) if p.extra.is_empty()),
        "{problem:?}"
    );
    let neither: Outcome = decode(r#"{"other":1}"#);
    assert!(
        matches!(&neither, Outcome::Problem(p) if p.extra.contains_key("other")),
        "{neither:?}"
    );
    assert_eq!(
        serde_json::to_string(&neither).expect("encodes"),
        r#"{"other":1}"#
    );
    assert!(Colour::Blue.is_known());
    assert!(!decode::<Colour>(r#""green""#).is_known());
    assert!(matches!(
        decode::<Size>("[1]"),
        Size::Unknown(Value::Array(_))
    ));
}

#[test]
fn a_patch_sends_null_to_clear_and_nothing_when_unchanged() {
    let unchanged = ItemUpdate::default();
    assert_eq!(serde_json::to_string(&unchanged).expect("encodes"), "{}");
    let cleared = ItemUpdate {
        name: Patch::Clear,
        ..ItemUpdate::default()
    };
    assert_eq!(
        serde_json::to_string(&cleared).expect("encodes"),
        r#"{"name":null}"#
    );
    let back: ItemUpdate = decode(r#"{"name":null}"#);
    assert!(matches!(back.name, Patch::Clear), "{:?}", back.name);
}

#[test]
fn text_reads_a_string_as_it_is_and_joins_the_texts_of_parts() {
    assert_eq!(Content::from("hi").text().as_deref(), Some("hi"));
    let parts: Content = decode(r#"[{"text":"a"},{"image":"x"},{"text":"b"}]"#);
    assert_eq!(parts.text().as_deref(), Some("ab"));
    let no_text: Content = decode(r#"[{"image":"x"}]"#);
    assert_eq!(no_text.text(), None);
}
