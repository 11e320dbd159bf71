//! C7: evidence files. The bytes are stored once under their SHA-256 (content-addressed: the same
//! photo sent twice is one file), written to a temporary name and renamed, so a crash leaves no
//! half-written file under a real name. The type is sniffed from the first bytes; the file name
//! and the client's Content-Type are not trusted.

use std::path::{Path, PathBuf};

use onegrid_domain::people::Permission;
use onegrid_store::case::evidence::{self as store, Attachment, NewAttachment};
use sha2::{Digest, Sha256};

use crate::{Actor, App, AppError};

/// Largest file accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// How long an upload may wait for the report or step that takes it before it is deleted.
pub const UNATTACHED_KEPT_MS: i64 = 24 * 3_600_000;

/// The content type from the magic bytes, for the types we accept: photos and PDF.
pub fn sniff(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some("image/webp")
    } else if b.len() >= 12 && &b[4..8] == b"ftyp" && matches!(&b[8..12], b"heic" | b"heix" | b"mif1" | b"heim" | b"heis") {
        Some("image/heic")
    } else if b.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Where a blob lives: `<root>/ab/cd/<sha256>`.
fn blob_path(root: &Path, sha: &str) -> PathBuf {
    root.join(&sha[0..2]).join(&sha[2..4]).join(sha)
}

async fn put(root: &Path, sha: &str, bytes: &[u8]) -> Result<(), AppError> {
    let path = blob_path(root, sha);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(root);
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| AppError::Internal(format!("evidence directory {}: {e}", dir.display())))?;
    let tmp = dir.join(format!(".{sha}.{}.tmp", crate::accounts::random_token()));
    let write = async {
        use tokio::io::AsyncWriteExt;
        let mut f = tokio::fs::File::create(&tmp).await?;
        f.write_all(bytes).await?;
        f.sync_all().await?;
        tokio::fs::rename(&tmp, &path).await
    };
    if let Err(e) = write.await {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(AppError::Internal(format!("writing evidence {}: {e}", path.display())));
    }
    Ok(())
}

/// A file as it is sent: its bytes and the name the client gave it.
pub struct Upload<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

impl App {
    fn evidence_root(&self) -> Result<&Path, AppError> {
        self.evidence_dir
            .as_deref()
            .ok_or_else(|| AppError::Internal("no directory is configured for evidence files".into()))
    }

    /// Stores an uploaded file for a later report or step. Anyone may upload (residents report
    /// without an account); a file is only of use once a case takes it.
    pub async fn upload_evidence(
        &self,
        actor: Option<&Actor>,
        street_id: Option<i64>,
        up: Upload<'_>,
    ) -> Result<Attachment, AppError> {
        if up.bytes.is_empty() {
            return Err(AppError::field("file", "is empty"));
        }
        if up.bytes.len() > MAX_BYTES {
            return Err(AppError::field(
                "file",
                format!("is larger than {} MB", MAX_BYTES / 1024 / 1024),
            ));
        }
        let mime = sniff(up.bytes).ok_or_else(|| {
            AppError::field(
                "file",
                "is not a photo (JPEG, PNG, GIF, WebP, HEIC) or a PDF, whatever its name says",
            )
        })?;
        let name: String = up
            .name
            .chars()
            .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
            .take(120)
            .collect();
        let sha = hex(&Sha256::digest(up.bytes));
        let mut tx = self.db.write().await?;
        let street_id = match street_id.or_else(|| actor.and_then(Actor::home_street)) {
            Some(s) => s,
            None => {
                let streets = onegrid_store::territory::streets(&mut tx).await?;
                match streets.as_slice() {
                    [one] => one.id,
                    _ => {
                        return Err(AppError::field(
                            "street_id",
                            "is required: this installation serves several streets",
                        ));
                    }
                }
            }
        };
        store::lock_blob(&mut tx, &sha).await?;
        put(self.evidence_root()?, &sha, up.bytes).await?;
        let id = store::insert(
            &mut tx,
            &NewAttachment {
                street_id,
                case_id: None,
                purpose: "upload",
                sha256: &sha,
                mime,
                bytes: up.bytes.len() as i64,
                name: if name.is_empty() { "file" } else { &name },
                uploaded_by: actor.map(|a| a.user.id),
            },
        )
        .await?;
        let a = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Deletes the uploads that no report, step or acceptance took before `before` (epoch ms),
    /// and their bytes where no other record shares them: a photo sent with a report that was
    /// then abandoned is personal data nobody needs. Returns (records, files) deleted.
    pub async fn purge_unattached_uploads(&self, before: i64) -> Result<(usize, usize), AppError> {
        let root = self.evidence_root()?.to_path_buf();
        let mut tx = self.db.write().await?;
        let mut hashes = store::delete_unattached_before(&mut tx, before).await?;
        tx.commit().await?;
        let records = hashes.len();
        hashes.sort();
        hashes.dedup();
        let mut files = 0;
        for sha in hashes {
            // Under the blob's lock an upload of the same bytes either took it already (in use)
            // or waits and writes the file again.
            let mut tx = self.db.write().await?;
            store::lock_blob(&mut tx, &sha).await?;
            if !store::blob_in_use(&mut tx, &sha).await? {
                let path = blob_path(&root, &sha);
                match tokio::fs::remove_file(&path).await {
                    Ok(()) => files += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(AppError::Internal(format!("removing evidence {}: {e}", path.display()))),
                }
            }
            tx.commit().await?;
        }
        Ok((records, files))
    }

    /// A file's record and bytes, for staff who may see its case, or for anyone holding the
    /// case's private link (`token`), for those who may see the project of an acceptance photo,
    /// or for the uploader before it is attached.
    pub async fn evidence(&self, actor: Option<&Actor>, token: Option<&str>, id: i64) -> Result<(Attachment, Vec<u8>), AppError> {
        let mut tx = self.db.read().await?;
        let a = store::get(&mut tx, id).await?;
        let allowed = match (a.case_id, a.acceptance_id) {
            // A project's acceptance photo: for whoever may see the project (P6).
            (None, Some(acceptance_id)) => match actor {
                Some(x) => crate::council::may_see_acceptance(&mut tx, x, acceptance_id).await?,
                None => false,
            },
            (None, None) => actor.is_some_and(|x| Some(x.user.id) == a.uploaded_by),
            (Some(case_id), _) => {
                let c = onegrid_store::case::get(&mut tx, case_id).await?;
                let by_token = match token {
                    Some(t) => crate::accounts::token_hash(t.trim()) == tok_hash(&mut tx, case_id).await,
                    None => false,
                };
                let by_actor = match actor {
                    Some(x) => {
                        let deps = super::departments_of(&mut tx, x).await?;
                        !super::capacities(x, &c, &deps).is_empty() || x.scope(Permission::HandleCases).covers(&super::path(&c))
                    }
                    None => false,
                };
                by_token || by_actor
            }
        };
        if !allowed {
            return Err(AppError::NotFound);
        }
        let path = blob_path(self.evidence_root()?, &a.sha256);
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| AppError::Internal(format!("reading evidence {}: {e}", path.display())))?;
        Ok((a, bytes))
    }
}

async fn tok_hash(tx: &mut onegrid_store::Tx, case_id: i64) -> String {
    onegrid_store::case::token_hash_of(tx, case_id).await.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c7_type_is_sniffed_not_taken_from_the_name() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\0"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn c7_blobs_are_content_addressed() {
        let sha = hex(&Sha256::digest(b"x"));
        let p = blob_path(Path::new("/d"), &sha);
        assert_eq!(p, PathBuf::from(format!("/d/{}/{}/{sha}", &sha[0..2], &sha[2..4])));
    }
}
