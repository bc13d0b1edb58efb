//! Path templates: literal text and `{name}` parameters, any number of them in a segment
//! (`/records/{id}.{format}`, `/instances/{type}-{version}`). Some documents also write a query
//! into the template (`/export?filename={filename}`); it is read as query pairs.

/// A piece of a template: text as written, or the value of the named parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Param(String),
}

/// A path template, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The path's segments (between `/`), each a run of pieces.
    pub segments: Vec<Vec<Piece>>,
    /// The query written into the template: a literal key and a value of pieces, per pair.
    pub query: Vec<(String, Vec<Piece>)>,
}

/// Reads a template; `Err` names what cannot be sent (a parameter as a query key).
pub fn parse(path: &str) -> Result<Template, String> {
    let (path_part, query_part) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let segments = path_part
        .trim_start_matches('/')
        .split('/')
        .map(pieces)
        .collect();
    let mut query = Vec::new();
    for pair in query_part.into_iter().flat_map(|q| q.split('&')) {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if pieces(key).iter().any(|p| matches!(p, Piece::Param(_))) {
            return Err(format!(
                "the query written into the path names a parameter as a key (`{key}`)"
            ));
        }
        query.push((key.to_owned(), pieces(value)));
    }
    Ok(Template { segments, query })
}

/// `a{b}c` → text `a`, parameter `b`, text `c`; an unclosed `{` is text.
fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(open) => {
                let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                    out.push(Piece::Text(rest.to_owned()));
                    break;
                };
                if open > 0 {
                    out.push(Piece::Text(rest[..open].to_owned()));
                }
                out.push(Piece::Param(rest[open + 1..close].to_owned()));
                rest = &rest[close + 1..];
            }
            None => {
                out.push(Piece::Text(rest.to_owned()));
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Piece {
        Piece::Text(t.to_owned())
    }
    fn param(p: &str) -> Piece {
        Piece::Param(p.to_owned())
    }

    #[test]
    fn several_parameters_in_a_segment() {
        let t = parse("/records/{record_id}.{format}/{a}-{b}{c}").expect("reads");
        assert_eq!(
            t.segments,
            vec![
                vec![text("records")],
                vec![param("record_id"), text("."), param("format")],
                vec![param("a"), text("-"), param("b"), param("c")],
            ]
        );
        assert!(t.query.is_empty());
    }

    #[test]
    fn a_query_in_the_template() {
        let t = parse("/export?filename={filename}&view=all&flag").expect("reads");
        assert_eq!(t.segments, vec![vec![text("export")]]);
        assert_eq!(
            t.query,
            vec![
                ("filename".to_owned(), vec![param("filename")]),
                ("view".to_owned(), vec![text("all")]),
                ("flag".to_owned(), vec![]),
            ]
        );
        assert!(parse("/search?{field}=1").is_err());
    }

    #[test]
    fn an_unclosed_brace_is_text() {
        let t = parse("/a{b").expect("reads");
        assert_eq!(t.segments, vec![vec![text("a{b")]]);
    }
}
