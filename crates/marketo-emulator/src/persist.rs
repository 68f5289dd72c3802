//! The state file: every acknowledged write is on disk before its reply.
//!
//! A write goes to a temporary file in the same directory, which is flushed to disk, renamed over the state
//! file, and then the directory itself is flushed, so a crash at any moment leaves either the old or the new
//! complete file.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::model::State;

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_string());
    path.with_file_name(format!(".{name}.tmp"))
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Reads the state file; `Ok(None)` when there is none yet.
pub(crate) fn load(path: &Path) -> Result<Option<State>, Error> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::StateRead {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut state: State = serde_json::from_slice(&bytes).map_err(|e| Error::CorruptState {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    state.upgrade();
    state.check().map_err(|reason| Error::CorruptState {
        path: path.to_path_buf(),
        reason,
    })?;
    Ok(Some(state))
}

/// Writes the state durably.
pub(crate) fn save(path: &Path, state: &State) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?;
    let tmp = temp_path(path);
    {
        let mut opts = OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    File::open(parent_dir(path))?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corruption() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else {
            panic!("no temp dir");
        };
        let path = dir.path().join("state.json");
        assert!(matches!(load(&path), Ok(None)));
        let s = State::seed("id", "secret", marketo_date::now_utc());
        assert!(save(&path, &s).is_ok());
        let back = load(&path);
        assert!(matches!(&back, Ok(Some(b)) if b.users.len() == 1 && b.services.len() == 1));
        assert!(fs::write(&path, b"{not json").is_ok());
        assert!(matches!(load(&path), Err(Error::CorruptState { .. })));
        assert_eq!(fs::read(&path).ok().as_deref(), Some(&b"{not json"[..]));
    }

    /// A file written before the Usage API's counts loads with none; one with counts keeps them.
    #[test]
    fn files_without_usage_counts_load() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("no temp dir");
        };
        let path = dir.path().join("state.json");
        let mut s = State::seed("id", "secret", marketo_date::now_utc());
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        s.usage.count_call(today, "a@b.com");
        let mut v = serde_json::to_value(&s).unwrap();
        assert!(fs::write(&path, v.to_string()).is_ok());
        let Ok(Some(back)) = load(&path) else {
            panic!("a file with counts loads");
        };
        assert_eq!(back.usage, s.usage);
        assert_ne!(back.usage, crate::usage::Usage::default());
        v.as_object_mut().map(|o| o.remove("usage"));
        assert!(fs::write(&path, v.to_string()).is_ok());
        let Ok(Some(back)) = load(&path) else {
            panic!("a file without counts loads");
        };
        assert_eq!(back.usage, crate::usage::Usage::default());
    }

    /// A version 1 file (no "Access Users" anywhere) still lets its admin service manage users.
    #[test]
    fn version_1_files_get_access_users() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("no temp dir");
        };
        let path = dir.path().join("state.json");
        let mut s = State::seed("id", "secret", marketo_date::now_utc());
        s.version = 1;
        for role in s.roles.values_mut() {
            role.permissions.remove(crate::model::USERS_PERMISSION);
        }
        assert!(save(&path, &s).is_ok());
        let Ok(Some(back)) = load(&path) else {
            panic!("a version 1 file loads");
        };
        assert_eq!(back.version, 2);
        let admin = back.permissions_of(crate::model::ADMIN_USER_ID);
        assert!(admin.contains(crate::model::USERS_PERMISSION));
        assert!(
            back.roles.get(&2).is_some_and(|r| r.permissions.is_empty()),
            "roles without User Management stay as they were"
        );
    }
}
