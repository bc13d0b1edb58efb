//! `Timestamp`: a `date-time` value that keeps the text the server sent, read fast in the
//! forms the server writes.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// A `date-time` value as the server sent it.
///
/// The server writes both RFC 3339 timestamps (`2026-03-26T10:00:00Z`, `+00:00`) and naive ones
/// without an offset (`2026-03-26T10:00:00.123456`), which are UTC. The text is kept, so a value
/// re-encodes exactly as it came; [`Timestamp::to_utc`] gives the instant.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: Text,
    instant: chrono::DateTime<chrono::FixedOffset>,
}

/// The forms the server writes, `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM]` (UTC without an
/// offset), read without chrono's general parser: a response holds many. `None` leaves the
/// text to [`Timestamp::parse`]'s full chain, which gives the same instant for these forms.
fn parse_common(text: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let b = text.as_bytes();
    // Two ASCII digits from `at`: every field is made of these but the fraction.
    let two = |at: usize| match b.get(at..at + 2) {
        Some(&[high @ b'0'..=b'9', low @ b'0'..=b'9']) => Some(u32::from(high - b'0') * 10 + u32::from(low - b'0')),
        _ => None,
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    let year = i32::try_from(two(0)? * 100 + two(2)?).ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(year, two(5)?, two(8)?)?;
    let mut at = 19;
    let mut nanos = 0;
    if b.get(at) == Some(&b'.') {
        let start = at + 1;
        at = start;
        while let Some(&digit @ b'0'..=b'9') = b.get(at) {
            if at - start == 9 {
                return None;
            }
            nanos = nanos * 10 + u32::from(digit - b'0');
            at += 1;
        }
        if at == start {
            return None;
        }
        nanos *= 10u32.pow(u32::try_from(9 - (at - start)).ok()?);
    }
    // Seconds of 60 (leap seconds) are left to chrono.
    let time = chrono::NaiveTime::from_hms_nano_opt(two(11)?, two(14)?, two(17)?, nanos)?;
    let offset = match &b[at..] {
        [] | [b'Z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let seconds = i32::try_from(two(at + 1)? * 3600 + two(at + 4)? * 60).ok()?;
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    let naive = date.and_time(time);
    let fixed = chrono::FixedOffset::east_opt(offset)?;
    if offset == 0 {
        // UTC, the form the server writes most: no conversion to check.
        return Some(chrono::DateTime::from_naive_utc_and_offset(naive, fixed));
    }
    naive.and_local_timezone(fixed).single()
}

/// The text as sent: inline when it is as short as every form the server writes, so decoding a
/// timestamp allocates nothing; on the heap otherwise.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Text {
    Inline { len: u8, bytes: [u8; Text::INLINE] },
    Heap(Box<str>),
}

impl Text {
    /// Room for `2026-03-26T10:00:00.123456789+05:30` (35 bytes) and a little more.
    const INLINE: usize = 38;

    fn new(text: &str) -> Text {
        match u8::try_from(text.len()) {
            Ok(len) if text.len() <= Text::INLINE => {
                let mut bytes = [0; Text::INLINE];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                Text::Inline { len, bytes }
            }
            _ => Text::Heap(text.into()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Whole UTF-8 text was copied in, so this never fails.
            Text::Inline { len, bytes } => std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default(),
            Text::Heap(text) => text,
        }
    }
}

impl Timestamp {
    /// Parses RFC 3339, or a naive `YYYY-MM-DD[T ]HH:MM:SS[.frac]` taken as UTC.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        if let Some(instant) = parse_common(text) {
            return Ok(Timestamp { text: Text::new(text), instant });
        }
        let instant = chrono::DateTime::parse_from_rfc3339(text)
            .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
            .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z"))
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                    .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
                    .map(|naive| naive.and_utc().fixed_offset())
            })
            .map_err(|_| TimestampError { text: text.chars().take(64).collect() })?;
        Ok(Timestamp { text: Text::new(text), instant })
    }

    /// The instant, in UTC.
    pub fn to_utc(&self) -> chrono::DateTime<chrono::Utc> {
        self.instant.with_timezone(&chrono::Utc)
    }

    /// The instant with the offset the server wrote (UTC for naive forms).
    pub fn to_fixed_offset(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.instant
    }

    /// The text as sent.
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Timestamp
where
    Tz::Offset: fmt::Display,
{
    fn from(instant: chrono::DateTime<Tz>) -> Self {
        let instant = instant.fixed_offset();
        Timestamp { text: Text::new(&instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)), instant }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.as_str())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor of `&str`: `Cow`'s own `Deserialize` would copy the text into a `String`.
        struct TimestampVisitor;
        impl de::Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Timestamp, E> {
                Timestamp::parse(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(TimestampVisitor)
    }
}

/// A text that is not a timestamp the server writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    text: String,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an RFC 3339 or naive ISO 8601 date-time", self.text)
    }
}

impl std::error::Error for TimestampError {}
