//! The results as Markdown: the table printed and committed as `xtask/bench/RESULTS.md`.

use std::fmt::Write;
use std::time::Duration;

use serde_json::Value;

use crate::{Results, Timing};

const COMMANDS: &str = "cargo xtask bench              # everything, about 10 minutes on 2 cores
cargo xtask bench --no-rebuild # codegen and throughput only";

pub fn markdown(r: &Results) -> String {
    let mut out = String::new();
    let m = &r.machine;
    let _ = writeln!(out, "# Benchmarks: ours vs progenitor 0.15\n");
    let _ = writeln!(
        out,
        "Measured {} on {} ({} cores, {:.0} GiB), {}. Reproduce with:\n\n```sh\n{COMMANDS}\n```\n",
        m.date, m.cpu, m.cores, m.memory_gib, m.rustc
    );
    let _ = writeln!(
        out,
        "Release build; every time is the median of {} runs. Ratios are ours ÷ theirs, measured in one run.\n",
        r.runs
    );

    codegen_section(&mut out, r);
    rebuild_section(&mut out, r);
    throughput_section(&mut out, r);
    floor_section(&mut out, r);
    streaming_section(&mut out, r);
    targets_section(&mut out, r);
    out
}

/// Codegen time, and what progenitor needed to generate at all.
fn codegen_section(out: &mut String, r: &Results) {
    let _ = writeln!(out, "## Codegen time\n");
    let _ = writeln!(
        out,
        "Ours reads the 3.1 original (`openapi-2026-03-26-2953a9f54`) and does everything: load, select, normalise, model, tokens, prettyplease. \
Progenitor reads OpenAPI 3.0 only; given the 3.1 original it answers: *{}*. It gets the same content down-levelled to 3.0 by our normaliser, outside its timing, and its tokens are printed with prettyplease.\n",
        r.progenitor_on_3_1.replace('\n', " ")
    );
    let _ = writeln!(
        out,
        "| input | ours | progenitor positional | progenitor builder | ours ÷ positional | ours ÷ builder | lines: ours / builder |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for row in &r.codegen {
        let _ = writeln!(
            out,
            "| {} ({} paths, {} schemas) | {} | {} | {} | {} | {} | {} / {} |",
            row.label,
            row.paths,
            row.schemas,
            time(&row.ours),
            time(&row.positional),
            time(&row.builder),
            ratio(&row.ours, &row.positional),
            ratio(&row.ours, &row.builder),
            row.ours_lines,
            row.builder_lines,
        );
    }
    let _ = writeln!(
        out,
        "\nWhat progenitor needed beyond the 3.1 → 3.0 rewrite, each a refusal or a panic of progenitor 0.15 or typify 0.8 on the real document:\n"
    );
    let _ = writeln!(
        out,
        "| input | titles removed | mistyped defaults removed | multipart bodies removed | schema-less media types given `{{}}` | operations whose differing error bodies were dropped | header parameters made non-nullable |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for row in &r.codegen {
        let c = &row.concessions;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            row.label,
            c.titles,
            c.defaults,
            c.multipart_bodies,
            c.schemaless_media,
            c.error_bodies,
            c.nullable_headers
        );
    }
}

fn rebuild_section(out: &mut String, r: &Results) {
    if let Some(rebuild) = &r.rebuild {
        let _ = writeln!(out, "\n## Rebuild of the generated crate\n");
        let _ = writeln!(
            out,
            "The conversation operations of `schema/`, debug build with dependencies already built, after touching `src/lib.rs`. \
Ours with its default `client` feature; progenitor's builder-style output with the dependencies its README lists.\n"
        );
        let _ = writeln!(
            out,
            "| | ours | progenitor builder | ours ÷ progenitor |\n|---|---:|---:|---:|\n| rebuild | {} | {} | {} |\n| lines of Rust | {} | {} | {:.2}× |",
            time(&rebuild.ours.rebuild),
            time(&rebuild.progenitor.rebuild),
            ratio(&rebuild.ours.rebuild, &rebuild.progenitor.rebuild),
            rebuild.ours.lines,
            rebuild.progenitor.lines,
            rebuild.ours.lines as f64 / rebuild.progenitor.lines.max(1) as f64,
        );
        let _ = writeln!(
            out,
            "\nOf ours, the runtime every generated crate carries (its models' macros, the client) is the same generator's crate for an API with no operations and no schemas: {} to rebuild, {} lines, {} of ours' rebuild. Progenitor's runtime is a dependency (`progenitor-client`), built once.",
            time(&rebuild.runtime.rebuild),
            rebuild.runtime.lines,
            ratio(&rebuild.runtime.rebuild, &rebuild.ours.rebuild),
        );
    }
}

/// "yes" for `true`, "no" for anything else.
fn yes(v: &Value) -> &'static str {
    if v.as_bool() == Some(true) {
        "yes"
    } else {
        "no"
    }
}

/// Decode and encode against `Value` and progenitor's types.
fn throughput_section(out: &mut String, r: &Results) {
    let t = &r.throughput;
    let _ = writeln!(out, "\n## Throughput\n");
    let _ = writeln!(
        out,
        "{} conversations ({:.2} MB of JSON) over {} `ModelSettings` variants with nested `response_format`s (text, JSON object, JSON schema), every property set; \
the same bytes, median of {} rounds; a decode includes dropping the result, and reads the body as the generated client does (UTF-8 checked once, then `from_str`). \
serde_json as users of the generated crate get it (no `preserve_order`). \
The heap's state moves these figures more than anything: taking turns, the results of the first decode stay alive and the heap stays grown; \
alone, glibc hands freed memory back between iterations, and a decoder that allocates more pays again for fresh pages.\n",
        t["conversations"],
        t["bytes"].as_f64().unwrap_or(0.0) / 1e6,
        t["variants"],
        t["iterations"],
    );
    let _ = writeln!(
        out,
        "| | ours | `serde_json::Value` | progenitor | ours ÷ Value | ours ÷ progenitor |\n|---|---:|---:|---:|---:|---:|"
    );
    for (what, label) in [
        ("decode", "decode, the three taking turns (warm heap)"),
        ("decode_alone", "decode, each alone in its process"),
        ("encode", "encode"),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} | {} |",
            mb(&t[what]["ours"]),
            mb(&t[what]["value"]),
            mb(&t[what]["progenitor"]),
            times(&t[what]["ours"], &t[what]["value"]),
            times(&t[what]["ours"], &t[what]["progenitor"]),
        );
    }
    let _ = writeln!(
        out,
        "| decode → encode gives back the same JSON | {} | {} | {} | | |",
        yes(&t["lossless"]["ours"]),
        yes(&t["lossless"]["value"]),
        yes(&t["lossless"]["progenitor"]),
    );
    let _ = writeln!(
        out,
        "| the same from a newer server, with a property the schema lacks (`archived`) | {} | | {} | | |",
        t["newer_server"]["ours"].as_str().unwrap_or("—"),
        t["newer_server"]["progenitor"]
            .as_str()
            .unwrap_or("—")
            .split(", expected")
            .next()
            .unwrap_or("—"),
    );
}

/// Instructions per byte before issue 22's changes to the decoders (commit 3413116, the same
/// datasets and counting), for the table to show beside today's.
fn before_issue_22() -> Value {
    serde_json::json!({
        "full": {"floor_decode": 11.2, "ours_decode": 39.8, "value_decode": 59.6, "ours_encode": 14.5, "value_encode": 14.8},
        "sparse": {"floor_decode": 10.5, "ours_decode": 34.3, "value_decode": 52.5, "ours_encode": 13.3, "value_encode": 13.4},
    })
}

/// The decoders against the parser's floor on both datasets, taking turns, and the
/// instructions each spends per byte (cachegrind: the same on a busy machine as on a quiet one).
fn floor_section(out: &mut String, r: &Results) {
    let t = &r.throughput;
    let _ = writeln!(
        out,
        "\n### Against the parser's floor\n\nserde_json parsing the same bytes into nothing (`IgnoredAny`) is the floor no decoder goes below. \
Taking turns in one process: ours, `Value` and the floor (on the full dataset progenitor's too). The sparse dataset is the same conversations with a third of the optional properties absent and a fifth of the nullable ones `null`.\n\n\
| dataset | ours | `Value` | floor | ours ÷ floor | ours ÷ Value | ours: decode → encode gives back the same JSON |\n|---|---:|---:|---:|---:|---:|---|"
    );
    for (label, figures, lossless) in [
        ("every property set", &t["decode"], &t["lossless"]["ours"]),
        ("sparse", &t["sparse"]["decode"], &t["sparse"]["lossless"]),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} | {} | {} |",
            mb(&figures["ours"]),
            mb(&figures["value"]),
            mb(&figures["floor"]),
            times(&figures["ours"], &figures["floor"]),
            times(&figures["ours"], &figures["value"]),
            yes(lossless),
        );
    }
    let i = &t["instructions"];
    let _ = writeln!(
        out,
        "\nInstructions per byte of JSON, counted by valgrind's cachegrind (`xtask/tools/valgrind.sh`, valgrind 3.19.0 from Debian, into a cache): each the difference between three operations and none in a process of its own, so the start and the file's reading cancel out.\n\n\
| dataset | floor, decode | ours, decode | `Value`, decode | ours, encode | `Value`, encode | floor ÷ ours, decode | `Value` ÷ ours, decode | `Value` ÷ ours, encode |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let before = before_issue_22();
    for (label, row) in [
        ("every property set", &i["full"]),
        ("sparse", &i["sparse"]),
        (
            "every property set, before issue 22 (3413116)",
            &before["full"],
        ),
        (
            "sparse, before issue 22 (3413116; its `null`s were not written back)",
            &before["sparse"],
        ),
    ] {
        let count = |key: &str| {
            row[key]
                .as_f64()
                .map_or("—".to_owned(), |x| format!("{x:.1}"))
        };
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} | {} | {} | {} | {} |",
            count("floor_decode"),
            count("ours_decode"),
            count("value_decode"),
            count("ours_encode"),
            count("value_encode"),
            times(&row["floor_decode"], &row["ours_decode"]),
            times(&row["value_decode"], &row["ours_decode"]),
            times(&row["value_encode"], &row["ours_encode"]),
        );
    }
}

/// Server-Sent Events, one large event, and the client under load.
fn streaming_section(out: &mut String, r: &Results) {
    let t = &r.throughput;
    let _ = writeln!(
        out,
        "\nServer-Sent Events: {} events ({:.2} MB, frames the real server sent) in {} KiB chunks through `EventStream<StreamEvent>`: **{}**.",
        t["sse"]["events"],
        t["sse"]["bytes"].as_f64().unwrap_or(0.0) / 1e6,
        t["sse"]["chunk"].as_u64().unwrap_or(0) / 1024,
        mb(&t["sse"]["mb_per_s"]),
    );
    let _ = writeln!(
        out,
        "\nOne large event (an assistant message of that many MB in one `data:` line, 8 KiB chunks): the parser looks at each byte once, so the time grows in proportion to the size.\n\n| event | time | throughput |\n|---:|---:|---:|"
    );
    for row in t["sse_large"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "| {} MB | {} | {} |",
            row["mb"],
            row["seconds"]
                .as_f64()
                .map_or("—".to_owned(), |s| duration(Duration::from_secs_f64(s))),
            mb(&row["mb_per_s"]),
        );
    }
    let load = &t["load"];
    let _ = writeln!(
        out,
        "\nUnder load: {} GETs of a conversation, {} in flight, through one client (default settings) to a keep-alive server on 127.0.0.1 in the same process: **{:.0} requests/s**, {} errors; resident memory {:.1} MiB before, {:.1} MiB after, {:.1} MiB at the peak (client, server and runtime together).",
        load["requests"],
        load["in_flight"],
        load["requests_per_s"].as_f64().unwrap_or(0.0),
        load["errors"],
        load["rss_before_mib"].as_f64().unwrap_or(0.0),
        load["rss_after_mib"].as_f64().unwrap_or(0.0),
        load["peak_rss_mib"].as_f64().unwrap_or(0.0),
    );
    memory_section(out, r);
}

/// The peak resident size of one large answer, by way of reading it.
fn memory_section(out: &mut String, r: &Results) {
    let rows = r.throughput["memory"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\nMemory for one large answer (served with `Content-Length` from this process on 127.0.0.1, default settings), each way in a process of its own: the peak resident size (`VmHWM`) less the resident size before the call, per byte of answer. *Decoding from memory* is the floor (the result, and the answer's bytes already there); *`Response::bytes()`* is how the client read answers before it read them into one buffer.\n\n| answer | size | decoding from memory | client | `Response::bytes()`, then the same decode |\n|---|---:|---:|---:|---:|"
    );
    for (kind, label) in [
        ("list", "list of conversations"),
        ("string", "one conversation, a large `summary`"),
    ] {
        let of = |way: &str| {
            rows.iter()
                .find(|row| row["kind"] == kind && row["way"] == way)
        };
        let cell = |way: &str| {
            of(way).map_or("—".to_owned(), |row| {
                format!(
                    "{:.1} MiB ({:.2}×)",
                    row["growth_mib"].as_f64().unwrap_or(0.0),
                    row["growth_per_byte"].as_f64().unwrap_or(0.0)
                )
            })
        };
        let size = of("client").map_or("—".to_owned(), |row| {
            let items = row["items"].as_u64().unwrap_or(0);
            let noun = if items == 1 { "item" } else { "items" };
            format!(
                "{:.1} MiB, {items} {noun}",
                row["answer_mib"].as_f64().unwrap_or(0.0)
            )
        });
        let _ = writeln!(
            out,
            "| {label} | {size} | {} | {} | {} |",
            cell("decode"),
            cell("client"),
            cell("bytes")
        );
    }
}

fn targets_section(out: &mut String, r: &Results) {
    let t = &r.throughput;
    let _ = writeln!(
        out,
        "\n## Targets\n\n| target | measured | met |\n|---|---:|:---:|"
    );
    if let Some(whole) = r.codegen.iter().find(|row| row.label == "whole API") {
        for (style, theirs) in [
            ("positional", &whole.positional),
            ("builder", &whole.builder),
        ] {
            target(
                out,
                &format!("whole-API codegen ≤ 0.5× progenitor {style}"),
                quotient(&whole.ours, theirs),
                |q| q <= 0.5,
            );
        }
    }
    if let Some(rebuild) = &r.rebuild {
        target(
            out,
            "rebuild ≤ 0.4× progenitor's",
            quotient(&rebuild.ours.rebuild, &rebuild.progenitor.rebuild),
            |q| q <= 0.4,
        );
    }
    let ratio = |a: &Value, b: &Value| a.as_f64().zip(b.as_f64()).map(|(a, b)| a / b);
    for (label, figures) in [
        ("every property set", &t["decode"]),
        ("sparse", &t["sparse"]["decode"]),
    ] {
        target(
            out,
            &format!("decode ≥ 0.4× the `IgnoredAny` floor, taking turns, {label}"),
            ratio(&figures["ours"], &figures["floor"]),
            |q| q >= 0.4,
        );
        target(
            out,
            &format!("decode ≥ 3× `serde_json::Value`, taking turns, {label}"),
            ratio(&figures["ours"], &figures["value"]),
            |q| q >= 3.0,
        );
    }
    target(
        out,
        "encode ≥ 3× `serde_json::Value`",
        ratio(&t["encode"]["ours"], &t["encode"]["value"]),
        |q| q >= 3.0,
    );
    let sse = t["sse"]["mb_per_s"].as_f64();
    match sse {
        Some(s) => {
            let _ = writeln!(
                out,
                "| SSE decode ≥ 100 MB/s | {s:.0} MB/s | {} |",
                if s >= 100.0 { "yes" } else { "**no**" }
            );
        }
        None => {
            let _ = writeln!(out, "| SSE decode ≥ 100 MB/s | — | **no** |");
        }
    }
}

fn mb(v: &Value) -> String {
    v.as_f64()
        .map_or("—".to_owned(), |x| format!("{x:.0} MB/s"))
}

fn target(out: &mut String, what: &str, value: Option<f64>, met: impl Fn(f64) -> bool) {
    let _ = match value {
        Some(q) => writeln!(
            out,
            "| {what} | {q:.2}× | {} |",
            if met(q) { "yes" } else { "**no**" }
        ),
        None => writeln!(out, "| {what} | — | **no** |"),
    };
}

fn time(t: &Timing) -> String {
    match t {
        Ok(d) => duration(*d),
        Err(e) => format!("fails: {e}"),
    }
}

fn duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.1 {
        format!("{:.0} ms", s * 1e3)
    } else {
        format!("{:.1} ms", s * 1e3)
    }
}

fn quotient(ours: &Timing, theirs: &Timing) -> Option<f64> {
    match (ours, theirs) {
        (Ok(a), Ok(b)) if !b.is_zero() => Some(a.as_secs_f64() / b.as_secs_f64()),
        _ => None,
    }
}

fn ratio(ours: &Timing, theirs: &Timing) -> String {
    quotient(ours, theirs).map_or("—".to_owned(), |q| format!("{q:.2}×"))
}

/// How many times the first throughput is the second.
fn times(ours: &Value, theirs: &Value) -> String {
    match (ours.as_f64(), theirs.as_f64()) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "—".to_owned(),
    }
}
