//! What the case pages name besides the case itself: the places it lies in (street → micro-grid),
//! so staff read names instead of ids.

use onegrid_store::case::CaseRow;

use crate::territory::{Crumb, crumbs};
use crate::{App, AppError};

impl App {
    /// The street, community, grid and micro-grid of a case the caller already holds (from `case`
    /// or a work list): territory names are not private (the micro-grid list is public).
    pub async fn case_place(&self, c: &CaseRow) -> Result<Vec<Crumb>, AppError> {
        let mut tx = self.db.read().await?;
        crumbs(&mut tx, &super::path(c)).await
    }
}
