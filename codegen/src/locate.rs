//! Where a JSON pointer's value starts in the document's text, so that an error found by any
//! pass also gives the line and column to open.
//!
//! The document is read again, as events (`saphyr-parser` reads JSON as the YAML it also is),
//! only when there is an error to place: the passes themselves never carry positions.

use saphyr_parser::{Event, Parser};

use crate::error::{Error, Location, Pointer};

/// The error, with the line and column of its place when it has none yet and the text has
/// that place (or a place that holds it) below the document's root.
pub(crate) fn with_line_and_column(text: &str, error: Error) -> Error {
    if error.location.is_some() {
        return error;
    }
    match line_and_column(text, &error.pointer) {
        Some((line, column)) => Error {
            location: Some(Location { line, column }),
            ..error
        },
        None => error,
    }
}

/// A collection being read: a sequence with the index of its next item, or a mapping with the
/// key whose value comes next and where the key stands (`None` while a key comes next).
enum Open {
    Sequence(usize),
    Mapping(Option<(String, (usize, usize))>),
}

/// The line and column (both from 1) where the value at `pointer` starts, or where the deepest
/// value on its way starts when the text has no such place (a pass may point into what it
/// added); `None` when only the root matches or the text does not read.
fn line_and_column(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let target = Pointer::segments_of_ref(pointer)?;
    let mut stack: Vec<Open> = Vec::new();
    let mut best: Option<(usize, (usize, usize))> = None;
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        let opens = match event {
            Event::Scalar(..) | Event::Alias(_) => false,
            Event::SequenceStart(..) | Event::MappingStart(..) => true,
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                advance(&mut stack);
                continue;
            }
            _ => continue,
        };
        if let Some(Open::Mapping(key @ None)) = stack.last_mut() {
            match event {
                Event::Scalar(text, ..) => {
                    *key = Some((text.into_owned(), (span.start.line(), span.start.col() + 1)));
                }
                // Keys other than text do not occur in a document the passes read.
                _ => return best.map(|(_, at)| at),
            }
            continue;
        }
        let depth = matched(&stack, &target);
        if depth == stack.len() && depth > 0 && best.is_none_or(|(d, _)| depth > d) {
            // A mapping's value is placed at its key: `get:`, not the line below it.
            let at = match stack.last() {
                Some(Open::Mapping(Some((_, key_at)))) => *key_at,
                _ => (span.start.line(), span.start.col() + 1),
            };
            best = Some((depth, at));
            if depth == target.len() {
                break;
            }
        }
        if opens {
            stack.push(match event {
                Event::SequenceStart(..) => Open::Sequence(0),
                _ => Open::Mapping(None),
            });
        } else {
            advance(&mut stack);
        }
    }
    best.map(|(_, at)| at)
}

/// How many leading levels of the open collections follow `target`.
fn matched(stack: &[Open], target: &[String]) -> usize {
    stack
        .iter()
        .zip(target)
        .take_while(|(open, segment)| match open {
            Open::Sequence(index) => segment.parse() == Ok(*index),
            Open::Mapping(Some((key, _))) => key == *segment,
            Open::Mapping(None) => false,
        })
        .count()
}

/// A value was read in the innermost collection: its next item, or its next key.
fn advance(stack: &mut [Open]) {
    match stack.last_mut() {
        Some(Open::Sequence(index)) => *index += 1,
        Some(Open::Mapping(key)) => *key = None,
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_in_yaml_and_json() {
        let yaml = "openapi: 3.1.0\npaths:\n  /x:\n    get:\n      tags: [a, b]\n";
        assert_eq!(line_and_column(yaml, "#/paths/~1x/get"), Some((4, 5)));
        assert_eq!(line_and_column(yaml, "#/paths/~1x/get/tags"), Some((5, 7)));
        assert_eq!(
            line_and_column(yaml, "#/paths/~1x/get/tags/1"),
            Some((5, 17))
        );
        let json = "{\n  \"a\": {\"b\": [1,\n  2]}\n}";
        assert_eq!(line_and_column(json, "#/a/b/1"), Some((3, 3)));
        assert_eq!(line_and_column(json, "#/a/b"), Some((2, 9)));
        // A place the text lacks: the deepest one on its way.
        assert_eq!(line_and_column(json, "#/a/c/0"), Some((2, 3)));
        assert_eq!(line_and_column(json, "#"), None);
        assert_eq!(line_and_column(json, "#/z"), None);
    }
}
