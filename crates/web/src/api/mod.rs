//! I2: the JSON API under `/api/v1`, described by `/api/v1/openapi.json`.

pub mod auth;
pub mod case_admin;
pub mod cases;
pub mod council;
pub mod evidence;
pub mod health;
pub mod honours;
pub mod openapi;
pub mod partition;
pub mod people;
pub mod points;
pub mod query;
pub mod store;
pub mod territory;
pub mod transfer;
pub mod volunteer;
pub mod volunteer_record;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// Every API route; the OpenAPI test checks this list against the document.
#[cfg_attr(not(test), allow(dead_code))]
pub const PATHS: &[&str] = &[
    "/auth/login",
    "/auth/logout",
    "/me",
    "/locate",
    "/micro-grids",
    "/streets",
    "/streets/{id}",
    "/areas/{id}",
    "/buildings/{id}",
    "/households/{id}",
    "/residents/{id}",
    "/search",
    "/people",
    "/people/{id}",
    "/streets/{id}/organisation",
    "/streets/{id}/coverage",
    "/import",
    "/export",
    "/openapi.json",
    "/partition-proposals",
    "/partition-proposals/{id}",
    "/partition-proposals/{id}/accept",
    "/partition-proposals/{id}/discard",
    // Participation (issue 4).
    "/points/policy",
    "/points/me",
    "/points/awards",
    "/points/awards/{id}",
    "/points/awards/{id}/approve",
    "/points/awards/{id}/reject",
    "/points/entries/{id}/reverse",
    "/points/statements/people/{id}",
    "/points/statements/communities/{id}",
    "/points/check",
    "/store/items",
    "/store/items/{id}",
    "/store/items/{id}/redeem",
    "/store/items/{id}/redemptions",
    "/store/redemptions",
    "/store/redemptions/{id}/cancel",
    "/store/vouchers/{code}/use",
    "/volunteer-tasks",
    "/volunteer-tasks/{id}",
    "/volunteer-tasks/{id}/close",
    "/volunteer-tasks/{id}/claims",
    "/volunteer-tasks/{id}/team-claims",
    "/volunteer-claims",
    "/volunteer-claims/{id}/withdraw",
    "/volunteer-claims/{id}/check-in",
    "/volunteer-claims/{id}/check-out",
    "/volunteer-claims/{id}/confirm",
    "/volunteer-claims/{id}/evaluate",
    "/people/{id}/volunteer-record",
    "/volunteer-record/me",
    "/honours",
    "/honours/policy",
    "/honours/selections",
    "/honours/selections/{id}",
    "/honours/selections/{id}/choose",
    "/honours/selections/{id}/publish",
    "/honours/selections/{id}/discard",
    // Council and micro-update projects (P6).
    "/council/policy",
    "/council/members",
    "/council/members/{id}/remove",
    "/council/topics",
    "/council/topics/{id}",
    "/council/topics/{id}/discuss",
    "/council/topics/{id}/close",
    "/council/topics/{id}/comments",
    "/council/topics/{id}/follow",
    "/council/topics/{id}/open-vote",
    "/council/topics/{id}/votes",
    "/council/topics/{id}/close-vote",
    "/council/topics/{id}/minutes",
    "/council/topics/{id}/items",
    "/council/topics/{id}/finish",
    "/council/items",
    "/council/items/{id}/reports",
    "/council/projects",
    "/council/projects/{id}",
    "/council/projects/{id}/stages",
    "/council/stages/{id}/start",
    "/council/stages/{id}/finish",
    "/council/projects/{id}/problems",
    "/council/problems/{id}/resolve",
    "/council/problems/{id}/case",
    "/council/projects/{id}/milestones",
    "/council/milestones/{id}/reach",
    "/council/projects/{id}/acceptance",
    // Case handling (issue 3).
    "/cases",
    "/cases/mine",
    "/cases/import",
    "/cases/reported",
    "/cases/weekly",
    "/cases/ratings",
    "/cases/{id}",
    "/cases/{id}/actions",
    "/track/{token}",
    "/track/{token}/actions",
    "/case-categories",
    "/case-categories/suggest",
    "/case-categories/{code}",
    "/departments",
    "/departments/{id}/members",
    "/attachments",
    "/attachments/{id}",
    "/notifications",
    "/notifications/read",
    "/case-settings",
    "/webhooks",
    "/webhooks/{id}",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/locate", get(territory::locate))
        .route("/micro-grids", get(territory::micro_grids))
        .route("/streets", get(territory::streets))
        .route("/streets/{id}", get(territory::street))
        .route("/areas/{id}", get(territory::area))
        .route("/buildings/{id}", get(territory::building))
        .route("/households/{id}", get(territory::household))
        .route("/residents/{id}", get(territory::resident))
        .route("/search", get(territory::search))
        .route("/people", get(people::list))
        .route("/people/{id}", get(people::person))
        .route("/streets/{id}/organisation", get(people::organisation))
        .route("/streets/{id}/coverage", get(people::coverage))
        .route("/import", post(transfer::import))
        .route("/export", get(transfer::export))
        .route("/openapi.json", get(openapi::document))
        .route("/partition-proposals", get(partition::list).post(partition::create))
        .route("/partition-proposals/{id}", get(partition::get))
        .route("/partition-proposals/{id}/accept", post(partition::accept))
        .route("/partition-proposals/{id}/discard", post(partition::discard))
        // Participation (issue 4).
        .route("/points/policy", get(points::policy).put(points::set_policy))
        .route("/points/me", get(points::me))
        .route("/points/awards", get(points::awards).post(points::register))
        .route("/points/awards/{id}", get(points::award))
        .route("/points/awards/{id}/approve", post(points::approve))
        .route("/points/awards/{id}/reject", post(points::reject))
        .route("/points/entries/{id}/reverse", post(points::reverse))
        .route("/points/statements/people/{id}", get(points::person_statement))
        .route("/points/statements/communities/{id}", get(points::community_statement))
        .route("/points/check", get(points::check))
        .route("/store/items", get(store::items).post(store::create))
        .route("/store/items/{id}", get(store::item).patch(store::change))
        .route("/store/items/{id}/redeem", post(store::redeem))
        .route("/store/items/{id}/redemptions", get(store::item_redemptions))
        .route("/store/redemptions", get(store::redemptions))
        .route("/store/redemptions/{id}/cancel", post(store::cancel))
        .route("/store/vouchers/{code}/use", post(store::use_voucher))
        .route("/volunteer-tasks", get(volunteer::list).post(volunteer::create))
        .route("/volunteer-tasks/{id}", get(volunteer::get))
        .route("/volunteer-tasks/{id}/close", post(volunteer::close))
        .route("/volunteer-tasks/{id}/claims", post(volunteer::claim))
        .route("/volunteer-tasks/{id}/team-claims", post(volunteer::team_claim))
        .route("/volunteer-claims", get(volunteer::mine))
        .route("/volunteer-claims/{id}/withdraw", post(volunteer::withdraw))
        .route("/volunteer-claims/{id}/check-in", post(volunteer::check_in))
        .route("/volunteer-claims/{id}/check-out", post(volunteer::check_out))
        .route("/volunteer-claims/{id}/confirm", post(volunteer::confirm))
        .route("/volunteer-claims/{id}/evaluate", post(volunteer::evaluate))
        .route("/people/{id}/volunteer-record", get(volunteer_record::of_person))
        .route("/volunteer-record/me", get(volunteer_record::mine))
        .route("/honours", get(points::honours))
        .route("/honours/policy", get(honours::policy).put(honours::set_policy))
        .route("/honours/selections", get(honours::list).post(honours::start))
        .route("/honours/selections/{id}", get(honours::show))
        .route("/honours/selections/{id}/choose", post(honours::choose))
        .route("/honours/selections/{id}/publish", post(honours::publish))
        .route("/honours/selections/{id}/discard", post(honours::discard))
        // Case handling (issue 3).
        .route("/cases", get(cases::list).post(cases::create))
        .route("/cases/mine", get(cases::mine))
        .route("/cases/import", post(cases::import))
        .route("/cases/reported", get(cases::reported))
        .route("/cases/weekly", get(cases::weekly))
        .route("/cases/ratings", get(cases::ratings))
        .route("/cases/{id}", get(cases::get))
        .route("/cases/{id}/actions", post(cases::act))
        .route("/track/{token}", get(cases::track))
        .route("/track/{token}/actions", post(cases::track_act))
        .route("/case-categories", get(cases::categories))
        .route("/case-categories/suggest", get(cases::suggest))
        .route("/case-categories/{code}", axum::routing::put(cases::edit_category))
        .route("/departments", get(cases::departments))
        .route("/departments/{id}/members", post(cases::add_member))
        // Photos may be up to 10 MB (C7); axum's default body limit is 2 MB.
        .route(
            "/attachments",
            post(evidence::upload).layer(axum::extract::DefaultBodyLimit::max(
                onegrid_app::case::evidence::MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/attachments/{id}", get(evidence::download))
        .route("/notifications", get(evidence::notifications))
        .route("/notifications/read", post(evidence::read_all))
        .route("/case-settings", get(case_admin::settings).put(case_admin::set_settings))
        .route("/webhooks", get(case_admin::webhooks).post(case_admin::add_webhook))
        .route("/webhooks/{id}", axum::routing::patch(case_admin::change_webhook))
        // Council and micro-update projects (P6).
        .route("/council/policy", get(council::policy).put(council::set_policy))
        .route("/council/members", get(council::members).post(council::appoint))
        .route("/council/members/{id}/remove", post(council::remove))
        .route("/council/topics", get(council::topics).post(council::raise))
        .route("/council/topics/{id}", get(council::topic))
        .route("/council/topics/{id}/discuss", post(council::discuss))
        .route("/council/topics/{id}/close", post(council::close))
        .route("/council/topics/{id}/comments", post(council::comment))
        .route("/council/topics/{id}/follow", post(council::follow).delete(council::unfollow))
        .route("/council/topics/{id}/open-vote", post(council::open_vote))
        .route("/council/topics/{id}/votes", post(council::vote))
        .route("/council/topics/{id}/close-vote", post(council::close_vote))
        .route("/council/topics/{id}/minutes", post(council::minutes))
        .route("/council/topics/{id}/items", post(council::add_item))
        .route("/council/topics/{id}/finish", post(council::finish))
        .route("/council/items", get(council::my_items))
        .route("/council/items/{id}/reports", post(council::report))
        .route("/council/projects", get(council::projects).post(council::create_project))
        .route("/council/projects/{id}", get(council::project))
        .route("/council/projects/{id}/stages", post(council::add_stage))
        .route("/council/stages/{id}/start", post(council::start_stage))
        .route("/council/stages/{id}/finish", post(council::finish_stage))
        .route("/council/projects/{id}/problems", post(council::add_problem))
        .route("/council/problems/{id}/resolve", post(council::resolve))
        .route("/council/problems/{id}/case", post(council::problem_case))
        .route("/council/projects/{id}/milestones", post(council::add_milestone))
        .route("/council/milestones/{id}/reach", post(council::reach))
        .route("/council/projects/{id}/acceptance", post(council::accept))
}
