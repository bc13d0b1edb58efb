//! `Timestamp`: a `date-time` value that keeps the text the server sent, read fast in the
//! forms the server writes.

use std::borrow::Cow;
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
    let number = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if b.len() < 19 || !separators.iter().all(|&(at, c)| b[at] == c) || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(number(0, 4)?).ok()?, number(5, 7)?, number(8, 10)?)?;
    let mut at = 19;
    let mut nanos = 0;
    if b.get(at) == Some(&b'.') {
        let digits = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos = number(at + 1, at + 1 + digits)? * 10u32.pow(u32::try_from(9 - digits).ok()?);
        at += 1 + digits;
    }
    // Seconds of 60 (leap seconds) are left to chrono.
    let time = chrono::NaiveTime::from_hms_nano_opt(number(11, 13)?, number(14, 16)?, number(17, 19)?, nanos)?;
    let offset = match &b[at..] {
        [] | [b'Z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let seconds = i32::try_from(number(at + 1, at + 3)? * 3600 + number(at + 4, at + 6)? * 60).ok()?;
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    date.and_time(time).and_local_timezone(chrono::FixedOffset::east_opt(offset)?).single()
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
        let text = <Cow<'de, str>>::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(de::Error::custom)
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
