//! I1: the server-rendered UI. zh-CN by default; English by a switch that is remembered.

mod local_time;
pub(crate) mod page;
mod pages;
pub mod templates;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// Forms with photos (C7: up to 10 MB a file) need more than axum's 2 MB default body.
fn photos_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(32 * 1024 * 1024)
}

pub fn routes() -> Router<AppState> {
    use pages::*;
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang", get(login::switch_lang))
        .route("/territory/streets/{id}", get(territory::street))
        .route("/territory/areas/{id}", get(territory::area))
        .route("/territory/micro-grids/{id}", get(territory::area))
        .route("/territory/buildings/{id}", get(territory::building))
        .route("/territory/households/{id}", get(territory::household))
        .route("/search", get(territory::search))
        .route("/people", get(people::list))
        .route("/people/{id}", get(people::person))
        .route("/organisation", get(people::organisation))
        .route("/coverage", get(coverage::report))
        .route("/map", get(map::map))
        .route("/partition", get(partition::list).post(partition::create))
        .route("/partition/{id}", get(partition::show))
        .route("/partition/{id}/accept", post(partition::accept))
        .route("/partition/{id}/discard", post(partition::discard))
        .route("/transfer", get(transfer::form).post(transfer::submit))
        .route("/transfer/export", get(transfer::export))
        // Participation (issue 4): residents' phone pages and the staff review.
        .route("/points", get(points::mine))
        .route("/points/review", get(points::review))
        .route("/points/statements", get(points::statements))
        .route("/points/awards/{id}/approve", post(points::approve))
        .route("/points/awards/{id}/reject", post(points::reject))
        .route("/honours", get(points::honours))
        // P2 annual selection: the staff's pages and the public notice.
        .route("/honours/manage", get(honours::manage).post(honours::start))
        .route("/honours/manage/{id}", get(honours::show))
        .route("/honours/manage/{id}/choose", post(honours::choose))
        .route("/honours/manage/{id}/publish", post(honours::publish))
        .route("/honours/manage/{id}/discard", post(honours::discard))
        .route("/honours/selections/{id}", get(honours::notice))
        .route("/store", get(store::catalogue))
        .route("/store/{id}/redeem", post(store::redeem))
        .route("/store/redemptions/{id}/cancel", post(store::cancel))
        // Store staff: catalogues, an item's terms and vouchers, the counter; the points policy.
        .route("/store/manage", get(store_admin::list).post(store_admin::create))
        .route("/store/manage/vouchers", post(store_admin::use_voucher))
        .route("/store/manage/{id}", get(store_admin::show).post(store_admin::edit))
        .route("/points/policy", get(points_policy::form).post(points_policy::save))
        .route("/tasks", get(tasks::list))
        .route("/tasks/{id}/claim", post(tasks::claim))
        .route("/tasks/{id}/team-claim", post(tasks::team_claim))
        .route("/tasks/record", get(volunteer_record::mine))
        .route("/people/{id}/volunteer-record", get(volunteer_record::of_person))
        .route("/tasks/claims/{id}/{step}", post(tasks::step))
        .route("/tasks/manage", get(organiser::list).post(organiser::create))
        .route("/tasks/manage/{id}", get(organiser::show))
        .route("/tasks/manage/{id}/close", post(organiser::close))
        .route("/tasks/manage/claims/{id}/{step}", post(organiser::step))
        // Case handling (issue 3): the resident's report and private link, staff lists and steps.
        // Photos come in multipart forms, so these take bodies up to the server's limit.
        .route("/report", get(report::form).post(report::submit).layer(photos_limit()))
        .route("/track/{token}", get(track::show))
        .route("/track/{token}/{action}", post(track::act))
        .route("/reports", get(track::mine))
        .route("/reports/{id}", get(track::report))
        .route("/reports/{id}/{action}", post(track::report_act))
        .route("/cases", get(cases::list))
        .route("/cases/weekly", get(cases::weekly))
        // The street admin's case settings (categories, calendar, webhooks) and the CSV import.
        .route("/cases/admin", get(case_admin::index))
        .route("/cases/admin/categories", get(case_admin::categories))
        .route("/cases/admin/categories/{code}", post(case_admin::edit_category))
        .route(
            "/cases/admin/settings",
            get(case_admin::settings).post(case_admin::save_settings),
        )
        .route(
            "/cases/admin/webhooks",
            get(case_admin::webhooks).post(case_admin::add_webhook),
        )
        .route("/cases/admin/webhooks/{id}/active", post(case_admin::set_webhook_active))
        .route(
            "/cases/admin/import",
            get(case_admin::import_form).post(case_admin::import).layer(photos_limit()),
        )
        .route("/cases/new", get(case_new::form).post(case_new::submit).layer(photos_limit()))
        .route("/cases/{id}", get(case_page::show))
        .route("/cases/{id}/act", post(case_page::act).layer(photos_limit()))
        .route("/notifications", get(cases::notifications))
        .route("/notifications/read", post(cases::read_all))
        // Council and micro-update projects (P6).
        .route("/council", get(council::home))
        .route("/council/topics", post(council::raise))
        .route("/council/topics/{id}", get(council::topic))
        .route("/council/topics/{id}/{action}", post(council::topic_action))
        .route("/council/items/{id}/report", post(council::report))
        .route("/council/manage", get(council::manage))
        .route("/council/members", post(council::appoint))
        .route("/council/members/{id}/remove", post(council::remove))
        .route("/council/projects", post(council::create_project))
        .route("/council/projects/{id}", get(council::project))
        .route(
            "/council/projects/{id}/acceptance",
            post(council::accept).layer(photos_limit()),
        )
        .route("/council/projects/{id}/{action}", post(council::project_action))
        .route("/council/stages/{id}/{action}", post(council::project_action))
        .route("/council/problems/{id}/{action}", post(council::project_action))
        .route("/council/milestones/{id}/{action}", post(council::project_action))
}
