//! The call budget shared by every process on this machine that talks to one instance, whatever
//! its client id: `terraform apply` followed at once by `terraform destroy`, two Terraform runs
//! side by side, or two provider configurations of one run (an alias configured with a service's
//! credentials) each start a provider process with its own in-process limiter, yet Marketo counts
//! the calls of all of an instance's API users together (100 per 20 s). Each process records the start of every call in one small
//! file in the temp directory, under an exclusive lock ([`std::fs::File::try_lock`]), and waits
//! while the file already holds `rate_limit.calls` starts within the last `rate_limit.per`.
//!
//! The file is only a politeness aid: when it cannot be opened, locked, read or written, the call
//! goes ahead under the in-process limiter alone (with a debug log) and never fails because of
//! it. Lines that are not timestamps are dropped and the file rewritten.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use crate::config::RateLimit;

/// How long a call waits for another process to let go of the file before it goes ahead without
/// it (the lock is held for a read and a write of a few kilobytes).
const LOCK_PATIENCE: Duration = Duration::from_secs(2);

/// Why the shared budget could not be used for a call.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BudgetError {
    /// The file could not be opened or created.
    #[error("cannot open the shared call budget file {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Locking, reading or writing it failed.
    #[error("cannot {doing} the shared call budget file {path}: {source}")]
    Io {
        doing: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// What the file says about a call that wants to start now.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Turn {
    /// It may start; its start is recorded.
    Go,
    /// The window is full: ask again after this long.
    Wait(Duration),
    /// Another process holds the lock.
    Locked,
}

/// FNV-1a, 64 bits: a hash that is the same in every build and every process (std's hasher
/// promises neither).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The budget file of one instance, in `dir`: Marketo counts the calls of every API user of an
/// instance together, so the client id is not part of the key.
pub(crate) fn budget_path(dir: &Path, endpoint: &url::Url) -> PathBuf {
    let key = endpoint.as_str().trim_end_matches('/');
    dir.join(format!(
        "marketo-call-budget-{:016x}.lock",
        fnv1a(key.as_bytes())
    ))
}

fn millis_since_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis().min(u128::from(u64::MAX)) as u64)
}

/// Opens (creating) the budget file. The temp directory is shared by every user: on Unix a
/// symbolic link planted at the path is not followed (so the file written is never another one),
/// and a file that belongs to another user is not used.
fn open_own(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
        options.custom_flags(libc::O_NOFOLLOW).mode(0o600);
        let file = options.open(path)?;
        let meta = file.metadata()?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if !meta.is_file() || meta.uid() != me {
            return Err(std::io::Error::other(
                "it is not a regular file of this user",
            ));
        }
        Ok(file)
    }
    #[cfg(not(unix))]
    {
        options.open(path)
    }
}

/// One look at the file under its lock: drops the starts that left the window (and any more than
/// a window in the future: a clock that jumped), then records `now_ms` if there is room.
pub(crate) fn take_turn(path: &Path, limit: RateLimit, now_ms: u64) -> Result<Turn, BudgetError> {
    let shown = || path.display().to_string();
    let io = |doing: &'static str| {
        move |source: std::io::Error| BudgetError::Io {
            doing,
            path: shown(),
            source,
        }
    };
    let mut file = open_own(path).map_err(|source| BudgetError::Open {
        path: shown(),
        source,
    })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Ok(Turn::Locked),
        Err(TryLockError::Error(e)) => return Err(io("lock")(e)),
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io("read"))?;
    let window = limit.per.as_millis().min(u128::from(u64::MAX)) as u64;
    let text = String::from_utf8_lossy(&bytes);
    let mut corrupt = 0usize;
    let mut starts: Vec<u64> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let parsed = l.trim().parse::<u64>().ok();
            corrupt += usize::from(parsed.is_none());
            parsed
        })
        .filter(|t| t.saturating_add(window) > now_ms && *t <= now_ms.saturating_add(window))
        .collect();
    if corrupt > 0 {
        tracing::debug!(
            path = %path.display(),
            lines = corrupt,
            "the shared call budget file held lines that are not timestamps; they were dropped"
        );
    }
    starts.sort_unstable();
    let calls = limit.calls.max(1) as usize;
    let turn = if starts.len() < calls {
        starts.push(now_ms);
        Turn::Go
    } else {
        let frees = starts[starts.len() - calls].saturating_add(window);
        Turn::Wait(Duration::from_millis(frees.saturating_sub(now_ms).max(1)))
    };
    let mut out = String::with_capacity(starts.len() * 14);
    for t in &starts {
        out.push_str(&t.to_string());
        out.push('\n');
    }
    file.set_len(0).map_err(io("truncate"))?;
    file.seek(SeekFrom::Start(0)).map_err(io("rewind"))?;
    file.write_all(out.as_bytes()).map_err(io("write"))?;
    // Dropping the file releases the lock.
    Ok(turn)
}

/// The shared budget of one [`Client`](crate::Client).
#[derive(Debug)]
pub(crate) struct SharedBudget {
    path: Option<PathBuf>,
    limit: RateLimit,
}

impl SharedBudget {
    /// The budget kept in `dir` (none when `dir` is `None`).
    pub(crate) fn new(dir: Option<&Path>, endpoint: &url::Url, limit: RateLimit) -> Self {
        SharedBudget {
            path: dir.map(|d| budget_path(d, endpoint)),
            limit,
        }
    }

    /// Waits until the machine-wide window has room for one more call, and records it. Every
    /// failure of the file lets the call go (the in-process limiter still holds). The waits are
    /// plain sleeps: dropping the future (the call's cancellation) ends them.
    pub(crate) async fn reserve(&self) {
        let Some(path) = &self.path else {
            return;
        };
        let patience = Instant::now() + LOCK_PATIENCE;
        loop {
            let (file, limit) = (path.clone(), self.limit);
            let looked =
                tokio::task::spawn_blocking(move || take_turn(&file, limit, millis_since_epoch()))
                    .await;
            match looked {
                Ok(Ok(Turn::Go)) => return,
                Ok(Ok(Turn::Wait(wait))) => tokio::time::sleep(wait).await,
                Ok(Ok(Turn::Locked)) if Instant::now() < patience => {
                    tokio::time::sleep(Duration::from_millis(3)).await;
                }
                Ok(Ok(Turn::Locked)) => {
                    tracing::debug!(
                        path = %path.display(),
                        "the shared call budget file stayed locked; this call counts only against the in-process limit"
                    );
                    return;
                }
                Ok(Err(e)) => {
                    tracing::debug!(
                        error = %e,
                        "the shared call budget is unusable; this call counts only against the in-process limit"
                    );
                    return;
                }
                Err(e) => {
                    tracing::debug!(
                        error = %e,
                        "the shared call budget could not be consulted; this call counts only against the in-process limit"
                    );
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
