//! Who a command acts as. `import` and `export` go through the same authorization as the web
//! (R4): as the account named by `--as`, with the grants of its person's active posts, or else
//! as an operator at the console, who is a superuser.

use onegrid_app::{Actor, App, AppError};
use onegrid_store::accounts::User;

/// The id of the console operator, who has no account row.
pub const CONSOLE_USER_ID: i64 = 0;

pub async fn cli_actor(app: &App, as_user: Option<&str>) -> anyhow::Result<Actor> {
    let all_streets: Vec<i64> = app.streets().await?.into_iter().map(|s| s.id).collect();
    let Some(name) = as_user else {
        let user = User {
            id: CONSOLE_USER_ID,
            street_id: None,
            username: "console".into(),
            password_hash: String::new(),
            person_id: None,
            superuser: true,
            locale: None,
            disabled: false,
        };
        return Ok(Actor {
            user,
            grants: Vec::new(),
            all_streets,
        });
    };
    let user = app
        .users()
        .await?
        .into_iter()
        .find(|u| u.username == name)
        .ok_or_else(|| AppError::field("as", format!("no user named '{name}'")))?;
    if user.disabled {
        return Err(AppError::field("as", format!("the account '{name}' is disabled")).into());
    }
    let grants = match user.person_id {
        Some(person) => {
            let mut tx = app.db.read().await?;
            onegrid_store::people::grants(&mut tx, person, &onegrid_app::today()).await?
        }
        None => Vec::new(),
    };
    Ok(Actor {
        user,
        grants,
        all_streets,
    })
}
