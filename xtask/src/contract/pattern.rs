//! A text that a schema's `pattern` (an ECMA-262 regular expression) matches, for the
//! harness's arguments: the pattern is read into a small tree, the shortest text is written,
//! and repetitions with room grow, in pattern order, until the text reaches a `minLength`.
//! Lookarounds and word boundaries constrain without consuming, so they write nothing; every
//! text is then checked by an ECMA-262 engine (`regress`), and one it does not match (a
//! lookahead the text breaks, a backreference) is no answer.

/// Texts longer than this are not written, whatever the pattern or `minLength` asks.
pub const MAX_TEXT: usize = 65_536;

/// The shortest text the pattern matches, grown to at least `min_len` characters where a
/// repetition allows; `None` for a pattern this reader does not take or whose text it cannot
/// make match.
pub fn matching(pattern: &str, min_len: usize) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut reader = Reader { chars, at: 0 };
    let tree = reader.alternation()?;
    if reader.at != reader.chars.len() {
        return None;
    }
    let shortest = tree.shortest();
    if shortest > MAX_TEXT {
        return None;
    }
    let mut missing = min_len.min(MAX_TEXT).saturating_sub(shortest);
    let text = tree.text(&mut missing);
    let engine = regress::Regex::new(pattern).ok()?;
    engine.find(&text).map(|_| text)
}

enum Node {
    /// Anchors, lookarounds and boundaries: they match without consuming.
    Empty,
    Char(char),
    Sequence(Vec<Node>),
    /// The first alternative is written.
    Alternation(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: usize,
        max: Option<usize>,
    },
}

impl Node {
    /// The length of the shortest text, saturating.
    fn shortest(&self) -> usize {
        match self {
            Node::Empty => 0,
            Node::Char(_) => 1,
            Node::Sequence(nodes) => nodes
                .iter()
                .fold(0, |sum, n| sum.saturating_add(n.shortest())),
            Node::Alternation(nodes) => nodes.first().map_or(0, Node::shortest),
            Node::Repeat { node, min, .. } => node.shortest().saturating_mul(*min),
        }
    }

    /// The node's text; `missing` characters are added by the first repetitions with room.
    fn text(&self, missing: &mut usize) -> String {
        match self {
            Node::Empty => String::new(),
            Node::Char(c) => c.to_string(),
            Node::Sequence(nodes) => nodes.iter().map(|n| n.text(missing)).collect(),
            Node::Alternation(nodes) => nodes.first().map(|n| n.text(missing)).unwrap_or_default(),
            Node::Repeat { node, min, max } => {
                let once = node.text(&mut 0);
                let length = once.chars().count();
                let mut times = *min;
                if *missing > 0 && length > 0 {
                    // `missing` is at most `MAX_TEXT`, which bounds the copies.
                    let room = max.map_or(usize::MAX, |max| max.saturating_sub(*min));
                    let extra = missing.div_ceil(length).min(room);
                    times += extra;
                    *missing = missing.saturating_sub(extra * length);
                }
                once.repeat(times)
            }
        }
    }
}

struct Reader {
    chars: Vec<char>,
    at: usize,
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.at += 1;
        }
        found
    }

    fn starts_with(&self, text: &str) -> bool {
        text.chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.at + i) == Some(&c))
    }

    /// Alternatives up to the end or a `)`.
    fn alternation(&mut self) -> Option<Node> {
        let mut alternatives = vec![self.sequence()?];
        while self.eat('|') {
            alternatives.push(self.sequence()?);
        }
        Some(match alternatives.len() {
            1 => alternatives.pop()?,
            _ => Node::Alternation(alternatives),
        })
    }

    fn sequence(&mut self) -> Option<Node> {
        let mut nodes = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            nodes.push(self.quantified(atom)?);
        }
        Some(Node::Sequence(nodes))
    }

    fn atom(&mut self) -> Option<Node> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            '^' | '$' => Node::Empty,
            '.' => Node::Char('a'),
            '(' => self.group()?,
            '[' => Node::Char(self.class()?),
            '\\' => self.escape(false)?.map_or(Node::Empty, Node::Char),
            // A quantifier with nothing before it.
            '*' | '+' | '?' => return None,
            c => Node::Char(c),
        })
    }

    fn group(&mut self) -> Option<Node> {
        let lookaround = ["?=", "?!", "?<=", "?<!"]
            .into_iter()
            .find(|prefix| self.starts_with(prefix));
        if let Some(prefix) = lookaround {
            self.at += prefix.chars().count();
        } else if self.starts_with("?:") {
            self.at += 2;
        } else if self.starts_with("?<") || self.starts_with("?P<") || self.starts_with("?'") {
            // A named group: skip its name.
            let close = if self.starts_with("?'") { '\'' } else { '>' };
            self.at += self.chars[self.at..].iter().position(|&c| c == close)? + 1;
        } else if self.peek() == Some('?') {
            return None;
        }
        let inner = self.alternation()?;
        if !self.eat(')') {
            return None;
        }
        Some(if lookaround.is_some() {
            Node::Empty
        } else {
            inner
        })
    }

    /// A character class, after its `[`: a member (a character outside it when negated).
    fn class(&mut self) -> Option<char> {
        let negated = self.eat('^');
        let mut members: Vec<ClassItem> = Vec::new();
        loop {
            let c = self.peek()?;
            self.at += 1;
            if c == ']' {
                break;
            }
            let low = match c {
                '\\' => match self.escape(true)? {
                    Some(c) => c,
                    None => {
                        members.push(ClassItem::Set(self.chars[self.at - 1]));
                        continue;
                    }
                },
                c => c,
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&c| c != ']') {
                self.at += 1;
                let high = match self.peek()? {
                    '\\' => {
                        self.at += 1;
                        self.escape(true)??
                    }
                    c => {
                        self.at += 1;
                        c
                    }
                };
                members.push(ClassItem::Range(low, high));
            } else {
                members.push(ClassItem::Range(low, low));
            }
        }
        if negated {
            return "aA1_-x ."
                .chars()
                .find(|&c| !members.iter().any(|m| m.holds(c)));
        }
        members.first().and_then(ClassItem::example)
    }

    /// An escape, after its `\`: `Some` character it stands for, `None` for one that writes
    /// nothing (`\b`) or, inside a class, a set (`\d`), whose letter is then the one before.
    fn escape(&mut self, in_class: bool) -> Option<Option<char>> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            'd' | 'w' | 's' | 'D' | 'W' | 'S' if in_class => None,
            'd' => Some('1'),
            'w' => Some('a'),
            's' => Some(' '),
            'D' | 'S' => Some('x'),
            'W' => Some('-'),
            'b' if in_class => Some('\u{8}'),
            'b' | 'B' => None,
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'f' => Some('\u{c}'),
            'v' => Some('\u{b}'),
            '0' => Some('\0'),
            'x' => Some(self.hex(2)?),
            'u' if self.eat('{') => {
                let end = self.chars[self.at..].iter().position(|&c| c == '}')?;
                let digits: String = self.chars[self.at..self.at + end].iter().collect();
                self.at += end + 1;
                Some(char::from_u32(u32::from_str_radix(&digits, 16).ok()?)?)
            }
            'u' => Some(self.hex(4)?),
            'p' | 'P' => return None,
            other => Some(other),
        })
    }

    fn hex(&mut self, count: usize) -> Option<char> {
        let digits: String = self.chars.get(self.at..self.at + count)?.iter().collect();
        if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.at += count;
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
    }

    /// The atom with its quantifier, if one follows.
    fn quantified(&mut self, atom: Node) -> Option<Node> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => match self.braces() {
                Some(bounds) => bounds,
                // Not a quantifier: a literal brace, as ECMA-262 reads it outside Unicode mode.
                None => return Some(atom),
            },
            _ => return Some(atom),
        };
        if self.peek() != Some('{') {
            self.at += 1;
        } else {
            self.at += self.chars[self.at..].iter().position(|&c| c == '}')? + 1;
        }
        // Lazy and possessive forms match the same texts.
        if !self.eat('?') {
            self.eat('+');
        }
        Some(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    /// `{n}`, `{n,}` or `{n,m}` at the reader, without moving it; counts past `usize`
    /// saturate (the text's bound refuses them).
    fn braces(&self) -> Option<(usize, Option<usize>)> {
        let end = self.chars[self.at..].iter().position(|&c| c == '}')?;
        let inside: String = self.chars[self.at + 1..self.at + end].iter().collect();
        let count = |digits: &str| {
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| {
                digits.bytes().fold(0usize, |n, b| {
                    n.saturating_mul(10).saturating_add(usize::from(b - b'0'))
                })
            })
        };
        match inside.split_once(',') {
            Some((low, "")) => Some((count(low)?, None)),
            Some((low, high)) => Some((count(low)?, Some(count(high)?))),
            None => Some((count(&inside)?, Some(count(&inside)?))),
        }
    }
}

enum ClassItem {
    Range(char, char),
    /// `\d`, `\w`, `\s` and their complements, by letter.
    Set(char),
}

impl ClassItem {
    fn holds(&self, c: char) -> bool {
        match *self {
            ClassItem::Range(low, high) => (low..=high).contains(&c),
            ClassItem::Set('d') => c.is_ascii_digit(),
            ClassItem::Set('w') => c.is_ascii_alphanumeric() || c == '_',
            ClassItem::Set('s') => c.is_whitespace(),
            ClassItem::Set('D') => !c.is_ascii_digit(),
            ClassItem::Set('W') => !(c.is_ascii_alphanumeric() || c == '_'),
            ClassItem::Set('S') => !c.is_whitespace(),
            ClassItem::Set(_) => false,
        }
    }

    fn example(&self) -> Option<char> {
        match *self {
            ClassItem::Range(low, _) => Some(low),
            ClassItem::Set(_) => "1a x".chars().find(|&c| self.holds(c)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matching;

    /// Checked with the `regex` crate too, an engine of its own (which reads no lookarounds:
    /// those patterns are checked with them taken out).
    fn assert_matches(pattern: &str, checked_as: &str, min_len: usize) {
        let text = matching(pattern, min_len).unwrap_or_else(|| panic!("{pattern} not read"));
        let regex = regex::Regex::new(checked_as).expect("a pattern the test can check");
        assert!(regex.is_match(&text), "{text:?} does not match {pattern}");
        assert!(
            text.chars().count() >= min_len,
            "{text:?} is shorter than {min_len}"
        );
    }

    #[test]
    fn the_shortest_text_is_written() {
        assert_eq!(
            matching("^KS[0-9a-fA-F]{32}$", 0).as_deref(),
            Some(&*format!("KS{}", "0".repeat(32)))
        );
        assert_eq!(matching(r"^\d{3}-[a-z]+$", 0).as_deref(), Some("111-a"));
        assert_eq!(matching("^(abc|def)x?$", 0).as_deref(), Some("abc"));
        assert_eq!(matching("[", 0), None);
        assert_eq!(matching("a)", 0), None);
    }

    #[test]
    fn repetitions_grow_to_the_minimum_length() {
        let arn = "^arn:(aws|aws-cn|aws-us-gov):storagegateway:[a-z\\-0-9]+:[0-9]+:gateway/(.*)$";
        assert_matches(arn, arn, 50);
        assert_eq!(matching(arn, 50).map(|t| t.chars().count()), Some(50));
        // A bounded repetition stops at its maximum and the next one takes the rest.
        assert_matches("^[a-z]{1,3}-[0-9]{2,}$", "^[a-z]{1,3}-[0-9]{2,}$", 12);
        assert_eq!(
            matching("^[a-z]{1,3}-[0-9]{2,}$", 12).as_deref(),
            Some("aaa-00000000")
        );
    }

    #[test]
    fn lookarounds_and_named_groups_write_what_they_should() {
        let domain = r"^(\*\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])$";
        let without_lookarounds = domain.replace("(?!-)", "");
        assert_matches(domain, &without_lookarounds, 0);
        assert_matches(
            "^(?<year>[0-9]{4})-(?:0[1-9]|1[0-2])$",
            "^[0-9]{4}-(?:0[1-9]|1[0-2])$",
            0,
        );
    }

    #[test]
    fn classes_escapes_and_braces() {
        for pattern in [
            r"^[^\s/]+@[\w.-]+\.[a-z]{2,}$",
            r"^[\d\-]{3}[\]x]$",
            r"^\x41\u0042\t$",
            r"^[.+*?]{2}\.\$$",
            r"\bword\b",
            r"^[a-z]+?x*$",
            r"^a\Wb$",
        ] {
            assert_matches(pattern, pattern, 0);
        }
    }

    #[test]
    fn what_cannot_match_or_is_too_long_is_no_text() {
        // A lookahead the shortest text breaks, a backreference, an empty class.
        assert_eq!(matching("^(?=.*[A-Z]).{8,}$", 0), None);
        assert_eq!(matching(r"^(a)\1$", 0), None);
        assert_eq!(matching("^[]$", 0), None);
        // Counts past any text's bound, and past `usize`.
        assert_eq!(matching("^(ab){9223372036854775807}$", 0), None);
        assert_eq!(matching("^x{99999999999999999999}$", 0), None);
        assert_eq!(matching("^((a{1000}){1000}){1000}$", 0), None);
        // A minimum past the bound is met up to the bound.
        assert_eq!(
            matching("^a+$", usize::MAX).map(|t| t.len()),
            Some(super::MAX_TEXT)
        );
        // ECMA-262's classes: `[^]` is any character (the `regex` crate reads `[^]]` otherwise).
        assert_eq!(matching("^[^]]]$", 0).as_deref(), Some("a]]"));
        // Not quantifiers: written as the text they are.
        assert_eq!(matching("^a{ 2 }$", 0).as_deref(), Some("a{ 2 }"));
    }
}
