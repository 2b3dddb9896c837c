//! The log's writer: stderr, with lines that arrive while another thread is writing gathered into
//! that thread's next write (group commit), so no worker waits on stderr's lock.
//!
//! Per-request lines (target `cos_mock::request`) are the bulk of the log and are deferred: they
//! join the queue, and a flusher thread writes the queue [`LINGER`] after the first of them arrived,
//! so a busy server makes a few hundred write(2) calls a second instead of one per request (one
//! per request cost ~16% of the server's CPU under a signed-GET load). Any other line is written at
//! once, after what is queued, so the order of lines is kept; [`flush`] writes the queue before
//! a line printed around the log (the shutdown lines) and at exit. A request line is thus on
//! stderr at most [`LINGER`] after its request ended; a SIGKILL loses at most that much.

use std::io::{self, Write};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, TryLockError};
use std::time::Duration;

/// How long a deferred line may wait for others to share its write.
pub const LINGER: Duration = Duration::from_millis(2);

/// The target of the per-request lines, which are deferred.
pub(crate) const DEFERRED_TARGET: &str = "cos_mock::request";

/// Lines waiting to be written, and the right to write them (with the writer's buffer: the two
/// buffers trade places and keep their capacity, so a line costs no allocation).
#[derive(Debug)]
pub struct LogSink {
    pending: Mutex<Vec<u8>>,
    writing: Mutex<Vec<u8>>,
    /// Signalled when a deferred line arrives in an empty queue.
    queued: Condvar,
    out: fn(&[u8]),
}

/// The process's stderr writer, once [`LogSink::stderr`] made it.
static STDERR: OnceLock<Writer> = OnceLock::new();

/// Writes the queued lines now, and waits for a write in progress (before printing around the
/// log, and at exit): when it returns, every line logged before it is on stderr.
pub fn flush() {
    if let Some(writer) = STDERR.get() {
        writer.sink.drain_waiting();
    }
}

impl LogSink {
    /// The writer to stderr, with its flusher thread (made once per process; without a thread,
    /// nothing is deferred).
    pub fn stderr() -> Writer {
        *STDERR.get_or_init(|| {
            let sink: &'static LogSink = Box::leak(Box::new(LogSink::to(|bytes| {
                // As tracing's own stderr writer: a failing write loses the line, not the request.
                let _ = io::stderr().write_all(bytes);
            })));
            let flusher = std::thread::Builder::new()
                .name("cos-mock-log".into())
                .spawn(move || sink.flush_forever());
            Writer {
                sink,
                defers: flusher.is_ok(),
            }
        })
    }

    fn to(out: fn(&[u8])) -> LogSink {
        LogSink {
            pending: Mutex::default(),
            writing: Mutex::default(),
            queued: Condvar::new(),
            out,
        }
    }

    /// Queues `line` and writes what is queued unless another thread is writing (it then writes
    /// this line too, see [`LogSink::drain`]).
    fn push(&self, line: &[u8]) {
        lock(&self.pending).extend_from_slice(line);
        self.drain();
    }

    /// Queues `line` for the flusher, waking it if the queue was empty.
    fn defer(&self, line: &[u8]) {
        let mut pending = lock(&self.pending);
        let was_empty = pending.is_empty();
        pending.extend_from_slice(line);
        drop(pending);
        if was_empty {
            self.queued.notify_one();
        }
    }

    /// The flusher: waits for a queued line, lets others join it for [`LINGER`], writes them all.
    fn flush_forever(&self) {
        loop {
            let mut pending = lock(&self.pending);
            while pending.is_empty() {
                pending = self.queued.wait(pending).unwrap_or_else(|e| e.into_inner());
            }
            drop(pending);
            std::thread::sleep(LINGER);
            self.drain();
        }
    }

    /// Writes queued bytes until none are left, unless another thread holds the right to write.
    /// After giving the right up it looks again: a line queued by a thread that found the right
    /// taken just before it was given up is written here.
    fn drain(&self) {
        loop {
            let mut batch = match self.writing.try_lock() {
                Ok(guard) => guard,
                Err(TryLockError::Poisoned(e)) => e.into_inner(),
                Err(TryLockError::WouldBlock) => return,
            };
            loop {
                std::mem::swap(&mut *lock(&self.pending), &mut *batch);
                if batch.is_empty() {
                    break;
                }
                (self.out)(&batch);
                batch.clear();
            }
            drop(batch);
            if lock(&self.pending).is_empty() {
                return;
            }
        }
    }
}

impl LogSink {
    /// [`LogSink::drain`], but waiting for the right to write rather than leaving the queue to a
    /// thread that is writing: that thread may still be in the middle of its write.
    fn drain_waiting(&self) {
        let mut batch = lock(&self.writing);
        loop {
            std::mem::swap(&mut *lock(&self.pending), &mut *batch);
            if batch.is_empty() {
                return;
            }
            (self.out)(&batch);
            batch.clear();
        }
    }
}

fn lock(pending: &Mutex<Vec<u8>>) -> MutexGuard<'_, Vec<u8>> {
    pending.lock().unwrap_or_else(|e| e.into_inner())
}

/// tracing's writer maker over a sink: per-request lines deferred, others written at once.
#[derive(Debug, Clone, Copy)]
pub struct Writer {
    sink: &'static LogSink,
    defers: bool,
}

/// One event's writer (tracing's fmt layer writes each formatted line with one `write_all`).
#[derive(Debug)]
pub struct Line {
    sink: &'static LogSink,
    deferred: bool,
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Writer {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line {
            sink: self.sink,
            deferred: false,
        }
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Line {
        Line {
            sink: self.sink,
            deferred: self.defers && meta.target() == DEFERRED_TARGET,
        }
    }
}

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.deferred {
            self.sink.defer(buf);
        } else {
            self.sink.push(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sink: &'static LogSink, deferred: bool) -> Line {
        Line { sink, deferred }
    }

    static OUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

    #[test]
    fn lines_from_many_threads_are_all_written_whole_and_in_order_per_thread() {
        let sink: &'static LogSink = Box::leak(Box::new(LogSink::to(|bytes| {
            OUT.lock().unwrap().extend_from_slice(bytes)
        })));
        std::thread::spawn(move || sink.flush_forever());
        std::thread::scope(|s| {
            for t in 0..4 {
                s.spawn(move || {
                    for i in 0..1000 {
                        // Deferred and immediate lines mixed, as request and other lines are.
                        let mut w = line(sink, i % 3 != 0);
                        w.write_all(format!("{t} {i}\n").as_bytes()).unwrap();
                    }
                });
            }
        });
        sink.drain();
        let out = String::from_utf8(OUT.lock().unwrap().clone()).unwrap();
        for t in 0..4 {
            let seen: Vec<usize> = out
                .lines()
                .filter_map(|l| l.strip_prefix(&format!("{t} ")))
                .map(|i| i.parse().unwrap())
                .collect();
            assert_eq!(seen, (0..1000).collect::<Vec<_>>());
        }
        assert_eq!(out.lines().count(), 4000);
    }

    static LATE: Mutex<Vec<u8>> = Mutex::new(Vec::new());

    #[test]
    fn a_deferred_line_is_written_by_the_flusher_and_an_immediate_one_after_it() {
        let sink: &'static LogSink = Box::leak(Box::new(LogSink::to(|bytes| {
            LATE.lock().unwrap().extend_from_slice(bytes)
        })));
        line(sink, true).write_all(b"request\n").unwrap();
        assert!(LATE.lock().unwrap().is_empty(), "deferred: not written yet");
        line(sink, false).write_all(b"other\n").unwrap();
        assert_eq!(
            &*LATE.lock().unwrap(),
            b"request\nother\n",
            "the queue first"
        );
        line(sink, true).write_all(b"later\n").unwrap();
        std::thread::spawn(move || sink.flush_forever());
        let waited = std::time::Instant::now();
        while LATE.lock().unwrap().len() < 20 && waited.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(&*LATE.lock().unwrap(), b"request\nother\nlater\n");
    }

    static SLOW: Mutex<Vec<String>> = Mutex::new(Vec::new());

    /// A flush while the flusher is in the middle of a write returns only after that write: a
    /// shutdown line printed next comes after every request line (before, it could come between).
    #[test]
    fn flush_waits_for_a_write_in_progress() {
        let sink: &'static LogSink = Box::leak(Box::new(LogSink::to(|bytes| {
            SLOW.lock().unwrap().push("writing".into());
            std::thread::sleep(Duration::from_millis(100));
            SLOW.lock()
                .unwrap()
                .push(String::from_utf8_lossy(bytes).into_owned());
        })));
        sink.defer(b"request line\n");
        let flusher = std::thread::spawn(move || sink.drain());
        while SLOW.lock().unwrap().is_empty() {
            std::thread::sleep(Duration::from_millis(1));
        }
        sink.drain_waiting();
        SLOW.lock().unwrap().push("shutdown line".into());
        flusher.join().unwrap();
        assert_eq!(
            *SLOW.lock().unwrap(),
            ["writing", "request line\n", "shutdown line"]
        );
    }
}
