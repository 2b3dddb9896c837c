//! The log's writer: stderr, with lines that arrive while another thread is writing gathered into
//! that thread's next write (group commit), so no worker waits on stderr's lock and a busy server
//! makes fewer write(2) calls. No thread and no timer: a line is written at once, by the thread that
//! logged it or by the one already writing; the order of lines is kept.

use std::io::{self, Write};
use std::sync::{Mutex, MutexGuard, TryLockError};

/// Lines waiting to be written, and the right to write them (with the writer's buffer: the two
/// buffers trade places and keep their capacity, so a line costs no allocation).
#[derive(Debug)]
pub struct LogSink {
    pending: Mutex<Vec<u8>>,
    writing: Mutex<Vec<u8>>,
    out: fn(&[u8]),
}

impl LogSink {
    /// The sink that writes to stderr.
    pub fn stderr() -> LogSink {
        LogSink::to(|bytes| {
            // As tracing's own stderr writer: a failing write loses the line, not the request.
            let _ = io::stderr().write_all(bytes);
        })
    }

    fn to(out: fn(&[u8])) -> LogSink {
        LogSink {
            pending: Mutex::default(),
            writing: Mutex::default(),
            out,
        }
    }

    /// Queues `line` and writes what is queued unless another thread is writing (it then writes
    /// this line too, see [`LogSink::drain`]).
    fn push(&self, line: &[u8]) {
        lock(&self.pending).extend_from_slice(line);
        self.drain();
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

fn lock(pending: &Mutex<Vec<u8>>) -> MutexGuard<'_, Vec<u8>> {
    pending.lock().unwrap_or_else(|e| e.into_inner())
}

/// One event's writer (tracing's fmt layer writes each formatted line with one `write_all`).
impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogSink {
    type Writer = &'a LogSink;

    fn make_writer(&'a self) -> Self::Writer {
        self
    }
}

impl Write for &LogSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.push(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static OUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

    #[test]
    fn lines_from_many_threads_are_all_written_whole_and_in_order_per_thread() {
        let sink = LogSink::to(|bytes| OUT.lock().unwrap().extend_from_slice(bytes));
        std::thread::scope(|s| {
            for t in 0..4 {
                let sink = &sink;
                s.spawn(move || {
                    for i in 0..1000 {
                        (&*sink).write_all(format!("{t} {i}\n").as_bytes()).unwrap();
                    }
                });
            }
        });
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
}
