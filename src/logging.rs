//! The log's two formats: `pretty` (tracing's compact lines; the server's own notices such as the
//! ready line as plain text) and `json` (every line on stderr one JSON object: events, notices, panics).
//!
//! A pretty request line (one per request, so it is on the hot path) is written by [`PrettyLines`]
//! itself, byte for byte as tracing's compact format writes it, in a third of the time; every other
//! event, and every event on a terminal (colours), goes to tracing's own formatter.
//!
//! A JSON line is `{"timestamp":…,"level":…,"target":…, <fields>}`: the event's fields in their own
//! types (integers and floats as JSON numbers, booleans, strings for the rest), and a field an event
//! declares but gives no value (`Option::None`, `field::Empty`) as `null`. Lines are written straight
//! into tracing's per-thread buffer: no map, no allocation per event.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use crate::config::LogFormat;
use crate::log_sink::LogSink;

/// The target of the server's own notices (ready line, shutdown, fatal errors).
pub const NOTICE_TARGET: &str = "cos_mock";

/// Installs the global subscriber: `COS_MOCK_LOG` filters (default `info`), lines go to stderr
/// through the [`LogSink`]. In `json` mode a panic's message is a JSON line too.
pub fn init(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("COS_MOCK_LOG")
        .unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(LogSink::stderr())
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Json => {
            builder.event_format(JsonLines).init();
            std::panic::set_hook(Box::new(|info| {
                notice(LogFormat::Json, Level::ERROR, &info.to_string(), &[]);
            }));
        }
        LogFormat::Pretty => builder.event_format(PrettyLines::default()).init(),
    }
}

/// Writes one of the server's own lines to stderr whatever `COS_MOCK_LOG` filters, after the
/// request lines still queued: `message` as it is in `pretty` mode, in `json` mode the object of
/// [`json_line`].
pub fn notice(format: LogFormat, level: Level, message: &str, fields: &[(&str, &str)]) {
    let line = match format {
        LogFormat::Pretty => format!("{message}\n"),
        LogFormat::Json => json_line(level, message, fields),
    };
    // The request lines queued so far first, so the order of lines is kept; then one write, so
    // the line is not split by a log line written meanwhile.
    crate::log_sink::flush();
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
}

/// A notice as a JSON line: timestamp, level, target [`NOTICE_TARGET`], `message`, then `fields`.
pub fn json_line(level: Level, message: &str, fields: &[(&str, &str)]) -> String {
    let mut line = String::with_capacity(128 + message.len());
    let mut w = Writer::new(&mut line);
    let _ = head(&mut w, level, NOTICE_TARGET).and_then(|()| {
        w.write_str(",\"message\":")?;
        string(&mut w, message)?;
        for (name, value) in fields {
            named(&mut w, name)?;
            string(&mut w, value)?;
        }
        w.write_str("}\n")
    });
    line
}

/// `{"timestamp":"…","level":"…","target":"…"` (tracing-subscriber's own JSON keys).
fn head(w: &mut Writer<'_>, level: Level, target: &str) -> fmt::Result {
    w.write_str("{\"timestamp\":\"")?;
    SystemTime.format_time(w)?;
    write!(w, "\",\"level\":\"{}\",\"target\":", level.as_str())?;
    string(w, target)
}

/// The `json` event format (see the module comment).
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonLines;

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        head(&mut writer, *meta.level(), meta.target())?;
        let mut fields = Fields {
            w: &mut writer,
            seen: 0,
            result: Ok(()),
        };
        event.record(&mut fields);
        let seen = fields.seen;
        fields.result?;
        for field in meta.fields() {
            if !is_seen(seen, &field) {
                named(&mut writer, field.name())?;
                writer.write_str("null")?;
            }
        }
        writer.write_str("}\n")
    }
}

/// The `pretty` event format: tracing's compact one (see the module comment).
#[derive(Debug)]
pub struct PrettyLines {
    compact: tracing_subscriber::fmt::format::Format<tracing_subscriber::fmt::format::Compact>,
}

impl Default for PrettyLines {
    fn default() -> PrettyLines {
        PrettyLines {
            compact: tracing_subscriber::fmt::format().compact(),
        }
    }
}

impl<S, N> FormatEvent<S, N> for PrettyLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        // Request lines carry their message only (see `dispatch::log_request`).
        let plain = !writer.has_ansi_escapes()
            && meta.target() == crate::log_sink::DEFERRED_TARGET
            && meta.fields().iter().all(|f| f.name() == "message");
        if !plain {
            return self.compact.format_event(ctx, writer, event);
        }
        SystemTime.format_time(&mut writer)?;
        write!(writer, " {:>5} {}: ", meta.level().as_str(), meta.target())?;
        let mut message = Message {
            w: TerminalSafe(&mut writer),
            result: Ok(()),
        };
        event.record(&mut message);
        message.result?;
        writer.write_char('\n')
    }
}

/// Writes an event's `message` field.
struct Message<'a, 'w> {
    w: TerminalSafe<&'a mut Writer<'w>>,
    result: fmt::Result,
}

impl Visit for Message<'_, '_> {
    fn record_debug(&mut self, _field: &Field, value: &dyn fmt::Debug) {
        if self.result.is_ok() {
            self.result = write!(self.w, "{value:?}");
        }
    }
}

/// Escapes what a terminal could take for a control sequence, as tracing's formatter does
/// (`\x1b`, `\x07`, `\x08`, `\x0c`, `\x7f`, and U+0080 to U+009F as `\u{80}`), and passes the
/// rest through in whole runs.
struct TerminalSafe<W>(W);

impl<W: fmt::Write> fmt::Write for TerminalSafe<W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        // Every character escaped is one of these bytes, or starts with 0xC2 (U+0080 to U+00BF).
        if !text
            .bytes()
            .any(|b| matches!(b, 0x07 | 0x08 | 0x0c | 0x1b | 0x7f | 0xc2))
        {
            return self.0.write_str(text);
        }
        let mut plain = 0;
        for (i, c) in text.char_indices() {
            let escape = match c {
                '\x1b' | '\x07' | '\x08' | '\x0c' | '\x7f' | '\u{80}'..='\u{9f}' => c,
                _ => continue,
            };
            self.0.write_str(&text[plain..i])?;
            match escape as u32 {
                n @ 0..=0x7f => write!(self.0, "\\x{n:02x}")?,
                n => write!(self.0, "\\u{{{n:x}}}")?,
            }
            plain = i + c.len_utf8();
        }
        self.0.write_str(&text[plain..])
    }
}

/// Writes each recorded field as `,"name":value` and remembers which were recorded.
struct Fields<'a, 'w> {
    w: &'a mut Writer<'w>,
    /// Bit `i`: the field of index `i` was recorded (fields past 64 count as recorded).
    seen: u64,
    result: fmt::Result,
}

fn is_seen(seen: u64, field: &Field) -> bool {
    field.index() >= 64 || seen & (1 << field.index()) != 0
}

impl Fields<'_, '_> {
    /// `,"name":` then `value`, keeping the first error.
    fn field(&mut self, field: &Field, value: impl FnOnce(&mut Writer<'_>) -> fmt::Result) {
        if field.index() < 64 {
            self.seen |= 1 << field.index();
        }
        if self.result.is_ok() {
            self.result = named(self.w, field.name()).and_then(|()| value(self.w));
        }
    }
}

impl Visit for Fields<'_, '_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.field(field, |w| {
            if value.is_finite() {
                write!(w, "{value}")
            } else {
                w.write_str("null")
            }
        });
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.field(field, |w| write!(w, "{value}"));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.field(field, |w| write!(w, "{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.field(field, |w| write!(w, "{value}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.field(field, |w| string(w, value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.field(field, |w| {
            w.write_char('"')?;
            write!(Escaped(&mut *w), "{value:?}")?;
            w.write_char('"')
        });
    }
}

/// `,"name":`.
fn named(w: &mut Writer<'_>, name: &str) -> fmt::Result {
    w.write_char(',')?;
    string(w, name)?;
    w.write_char(':')
}

/// `text` as a JSON string.
fn string(w: &mut impl fmt::Write, text: &str) -> fmt::Result {
    w.write_char('"')?;
    Escaped(&mut *w).write_str(text)?;
    w.write_char('"')
}

/// Escapes what it is given for the inside of a JSON string.
struct Escaped<W>(W);

impl<W: fmt::Write> fmt::Write for Escaped<W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut plain = 0;
        for (i, b) in text.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..=0x1f => "",
                _ => continue,
            };
            self.0.write_str(&text[plain..i])?;
            if escape.is_empty() {
                write!(self.0, "\\u{b:04x}")?;
            } else {
                self.0.write_str(escape)?;
            }
            plain = i + 1;
        }
        self.0.write_str(&text[plain..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// What a subscriber with `format` writes (no colours, everything enabled) while `f` runs.
    fn written<F>(format: F, f: impl FnOnce()) -> String
    where
        F: FormatEvent<
                tracing_subscriber::Registry,
                tracing_subscriber::fmt::format::DefaultFields,
            > + Send
            + Sync
            + 'static,
    {
        #[derive(Clone, Default)]
        struct Buf(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let out = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(Level::TRACE)
            .with_ansi(false)
            .with_writer(move || out.clone())
            .event_format(format)
            .finish();
        tracing::subscriber::with_default(subscriber, f);
        let bytes = buf.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    /// Lines written by a JSON subscriber while `f` runs (everything enabled).
    fn capture(f: impl FnOnce()) -> Vec<serde_json::Value> {
        let text = written(JsonLines, f);
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    #[test]
    fn json_event_keeps_types_and_writes_missing_as_null() {
        let none: Option<&str> = None;
        let lines = capture(|| {
            tracing::warn!(
                target: "cos_mock::request",
                status = 403u16,
                ms = 1.25f64,
                ok = false,
                key = none,
                bucket = Some("b-1250000000"),
                caller = %"100000000001",
                odd = "q\"\\\n\t\u{1}é",
            );
        });
        let [line] = &lines[..] else {
            panic!("{lines:?}")
        };
        assert_eq!(line["level"], "WARN");
        assert_eq!(line["target"], "cos_mock::request");
        assert!(line["timestamp"].as_str().unwrap().ends_with('Z'), "{line}");
        assert_eq!(line["status"], 403);
        assert_eq!(line["ms"], 1.25);
        assert_eq!(line["ok"], false);
        assert!(line["key"].is_null() && line.get("key").is_some(), "{line}");
        assert_eq!(line["bucket"], "b-1250000000");
        assert_eq!(line["caller"], "100000000001");
        assert_eq!(line["odd"], "q\"\\\n\t\u{1}é");
    }

    #[test]
    fn json_event_message_is_a_string_field() {
        let lines = capture(|| tracing::info!(seq = 7u64, "cut at shutdown: \"PUT /a\""));
        assert_eq!(lines[0]["message"], "cut at shutdown: \"PUT /a\"");
        assert_eq!(lines[0]["seq"], 7);
        assert_eq!(lines[0]["level"], "INFO");
    }

    #[test]
    fn json_notice_carries_message_and_fields() {
        let line = json_line(
            Level::INFO,
            "cos-mock ready on http://127.0.0.1:9400",
            &[("addr", "127.0.0.1:9400")],
        );
        assert!(line.ends_with("}\n") && !line[..line.len() - 1].contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["message"], "cos-mock ready on http://127.0.0.1:9400");
        assert_eq!(v["addr"], "127.0.0.1:9400");
        assert_eq!(v["level"], "INFO");
        assert_eq!(v["target"], NOTICE_TARGET);
    }

    /// What a pretty subscriber with `format` writes while `f` runs, without the timestamps.
    fn pretty_lines<F>(format: F, f: impl FnOnce()) -> Vec<String>
    where
        F: FormatEvent<
                tracing_subscriber::Registry,
                tracing_subscriber::fmt::format::DefaultFields,
            > + Send
            + Sync
            + 'static,
    {
        let text = written(format, f);
        text.lines()
            .map(|l| {
                let (time, rest) = l.split_once(' ').unwrap();
                assert!(time.ends_with('Z') && time.len() == 27, "{l}");
                rest.to_string()
            })
            .collect()
    }

    /// Request lines, and other events, come out exactly as tracing's compact format writes them,
    /// terminal escapes in client text included.
    #[test]
    fn pretty_lines_match_tracing_compact_format() {
        let events = || {
            for text in [
                "examplebucket-1250000000/doc/a.txt",
                "bucket/\x1b[31mred\x1b[0m \x07\x08\x0c\x7f",
                "bucket/c1 \u{80}\u{9b}\u{9f} and \u{a0}é漢字 \\n",
                "",
            ] {
                tracing::info!(target: "cos_mock::request", "GET GetObject {text} -> 200 - (0.12 ms)");
                tracing::warn!(target: "cos_mock::request", "PUT - {text} -> 403 AccessDenied");
                tracing::debug!(target: "cos_mock::request", "{:?}", text);
            }
            tracing::info!(target: "cos_mock::request", seq = 3u64, "with a field");
            tracing::error!(seq = 7u64, panics = 1u64, "internal fault");
            tracing::info!("accepting connections again");
        };
        let ours = pretty_lines(PrettyLines::default(), events);
        let reference = pretty_lines(tracing_subscriber::fmt::format().compact(), events);
        assert_eq!(ours.len(), 15);
        assert_eq!(ours, reference);
        assert!(ours[3].contains("\\x1b[31mred"), "{}", ours[3]);
    }
}
