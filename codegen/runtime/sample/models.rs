//! Models declared as the generator declares them: an object of every field presence, a
//! string enum, and a union dispatched on its tag.

use crate::__private::declare::{as_variants, object, str_into, string_enum, text, union};
use crate::__private::presence::{
    nullable, nullable_integer, nullable_number, nullable_numbers, optional, optional_integer,
    optional_number, optional_numbers, patch, required, required_integer, required_number,
    required_numbers,
};
use std::collections::BTreeMap;

use crate::{Patch, Timestamp};

object! {
    /// An item of a list, with an id for pagination.
    pub struct Item ..extra {
        /// Required.
        pub id: String = required("id"),
        /// A timestamp, kept as sent.
        pub created_at: Timestamp = required("created_at"),
        /// An open enum.
        pub colour: Option<Colour> = optional("colour"),
        /// A union.
        pub shape: Option<Shape> = optional("shape"),
        /// A number, which may come as an integer.
        pub weight: Option<f64> = optional_number("weight"),
        /// Numbers in a list, each of which may come as an integer.
        pub scores: Option<Vec<f64>> = optional_numbers("scores"),
        /// Numbers in a map of lists.
        pub ranges: Option<Option<BTreeMap<String, Vec<Option<f64>>>>> = optional_numbers("ranges"),
        /// An object of numbers in lists.
        pub track: Option<Track> = optional("track"),
        /// An object of integers.
        pub tally: Option<Tally> = optional("tally"),
    }
    fn new(id: String, created_at: Timestamp);
}

object! {
    /// Integers, which a server may send past their type's range or as `1.0`.
    pub struct Tally ..extra {
        /// Required.
        pub count: i64 = required_integer("count"),
        /// A `uint64`, always sent, maybe as `null`.
        pub total: Option<u64> = nullable_integer("total"),
        /// Maybe absent.
        pub step: Option<i64> = optional_integer("step"),
        /// Integers in a list.
        pub ids: Option<Vec<i64>> = optional_numbers("ids"),
        /// `uint64`s in a map.
        pub sizes: Option<BTreeMap<String, u64>> = optional_numbers("sizes"),
    }
    fn new(count: i64);
}

object! {
    /// Numbers in lists, always sent.
    pub struct Track ..extra {
        /// Required.
        pub points: Vec<f64> = required_numbers("points"),
        /// Always sent, maybe as `null`.
        pub limits: Option<Vec<f64>> = nullable_numbers("limits"),
    }
    fn new(points: Vec<f64>);
}

object! {
    /// A PATCH body: `null` is sent when a field is set to it.
    pub struct ItemUpdate ..extra {
        /// Unset, `null` or a value.
        pub name: Patch<String> = patch("name"),
        /// The body's stream switch.
        pub stream: Option<bool> = optional("stream"),
    }
}

string_enum! {
    /// A string enum; other values decode into `Unknown`.
    pub enum Colour ..Unknown {
        Red = "red",
        Blue = "blue",
    }
}

object! {
    /// A variant.
    pub struct Circle ..extra {
        /// The tag.
        pub kind: Option<String> = optional("kind"),
        /// Its size.
        pub radius: f64 = required_number("radius"),
    }
    fn new(radius: f64);
}

object! {
    /// A variant.
    pub struct Square ..extra {
        /// The tag.
        pub kind: Option<String> = optional("kind"),
        /// Its size.
        pub side: f64 = required_number("side"),
        /// Always sent, maybe as `null`.
        pub label: Option<String> = nullable("label"),
        /// Always sent, maybe as `null`.
        pub area: Option<f64> = nullable_number("area"),
    }
    fn new(side: f64);
}

union! {
    /// Dispatched on `kind`.
    pub enum Shape ..Unknown by kind = "kind" {
        /// `kind: "circle"`
        Circle(Circle) = "circle",
        /// `kind: "square"`
        Square(Square) = "square",
    }
    reads ["kind"];
}

as_variants! {
    impl Shape {
        as_circle(Circle) -> Circle;
        as_square(Square) -> Square;
    }
}

object! {
    /// An error body the description declares.
    pub struct Problem ..extra {
        /// What went wrong.
        pub detail: Option<String> = optional("detail"),
    }
}

union! {
    /// Dispatched on `kind`, or by shape without it; `Round`'s type is `Circle`'s too, and
    /// neither writes the tag.
    pub enum Figure ..Unknown by kind = "kind" or shape {
        /// `kind: "circle"`
        Circle(Circle) = "circle" adds_tag,
        /// `kind: "round"`
        Round(Circle) = "round" adds_tag no_from,
    }
}

union! {
    /// No tag: the first variant that accepts the payload; `Word` only the colours it names.
    pub enum Size ..Unknown by shape {
        /// A number.
        Number(f64),
        /// A word.
        Word(Colour) known,
        /// Any other text.
        Text(String),
    }
}

object! {
    /// A piece of a message.
    pub struct Part ..extra {
        /// Its text, if it is text.
        pub text: Option<String> = optional("text"),
    }
}

text! {
    /// The text this value holds: its `text`.
    impl Part { text: String? }
}

union! {
    /// No tag, and `Problem` accepts every object: it is taken at once only when it declares
    /// all the payload's properties.
    pub enum Outcome ..Unknown by shape {
        /// Something went wrong.
        Problem(Problem) open,
        /// A square.
        Square(Square) open,
    }
}

union! {
    /// A message: a string, or a list of parts.
    pub enum Content ..Unknown by shape {
        /// Text as it is.
        Text(String),
        /// Parts whose texts are joined.
        Parts(Vec<Part>),
    }
}

text! {
    impl Content {
        Text: itself,
        Parts: joined,
    } or Unknown
}

str_into! { impl Content from Text }
