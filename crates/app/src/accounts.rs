//! R3: passwords (argon2id), sessions, API tokens, the sign-in rate limit; turning a session or
//! token into an `Actor` with the grants of the person's active posts.

use argon2::{Argon2, Params, PasswordHasher, PasswordVerifier};
use onegrid_store::accounts::{self as store, NewUser, User};
use onegrid_store::audit::{self, NewEvent};
use onegrid_store::{now_ms, people, territory};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{Actor, App, AppError, today};

/// Sign-in attempts allowed per account in `LOGIN_WINDOW_MS` before it is locked for the window.
pub const LOGIN_MAX_FAILURES: i64 = 5;
pub const LOGIN_WINDOW_MS: i64 = 15 * 60 * 1000;
pub const SESSION_TTL_MS: i64 = 12 * 60 * 60 * 1000;

/// Argon2 memory/time cost. Production uses the OWASP minimum; tests use a cheap one.
#[derive(Debug, Clone, Copy)]
pub enum PasswordCost {
    Standard,
    Test,
}

fn hasher(cost: PasswordCost) -> Argon2<'static> {
    let params = match cost {
        PasswordCost::Standard => Params::new(19 * 1024, 2, 1, None),
        PasswordCost::Test => Params::new(256, 1, 1, None),
    }
    .expect("valid argon2 parameters");
    Argon2::from(params)
}

pub fn hash_password(cost: PasswordCost, password: &str) -> Result<String, AppError> {
    hasher(cost)
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hash: {e}")))
}

fn verify_password(hash: &str, password: &str) -> bool {
    // Parameters are read from the stored hash, so any cost verifies.
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

pub fn check_password_rules(password: &str) -> Result<(), AppError> {
    if password.chars().count() < 10 {
        return Err(AppError::field("password", "must be at least 10 characters"));
    }
    if password.len() > 256 {
        return Err(AppError::field("password", "must be at most 256 bytes"));
    }
    Ok(())
}

pub fn check_username(username: &str) -> Result<(), AppError> {
    let ok = (2..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(AppError::field("username", "must be 2–64 letters, digits, '.', '_' or '-'"))
    }
}

/// A random token of 32 bytes, hex-encoded.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("system random source");
    hex(&b)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub user: User,
}

impl App {
    /// Checks the password and opens a session. Wrong user and wrong password give the same
    /// answer; after `LOGIN_MAX_FAILURES` failures the account is locked for the window.
    pub async fn login(&self, username: &str, password: &str) -> Result<NewSession, AppError> {
        let mut checks = Vec::new();
        if username.trim().is_empty() {
            checks.push(onegrid_domain::FieldError::new("username", "is required"));
        }
        if password.is_empty() {
            checks.push(onegrid_domain::FieldError::new("password", "is required"));
        }
        if !checks.is_empty() {
            return Err(AppError::Invalid(checks));
        }
        let mut tx = self.db.write().await?;
        let failures = store::login_failures_since(&mut tx, username, now_ms() - LOGIN_WINDOW_MS).await?;
        if failures >= LOGIN_MAX_FAILURES {
            return Err(AppError::RateLimited(
                "too many failed sign-ins; try again in 15 minutes".into(),
            ));
        }
        let user = store::user_by_name(&mut tx, username).await?;
        let ok = match &user {
            Some(u) => !u.disabled && verify_password(&u.password_hash, password),
            None => {
                // Same work for an unknown name, so timing does not reveal which names exist.
                let _ = verify_password("$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHQ$0000000000000000000000", password);
                false
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            store::record_login_failure(&mut tx, username).await?;
            tx.commit().await?;
            return Err(AppError::Unauthenticated);
        };
        store::clear_login_failures(&mut tx, username).await?;
        let token = random_token();
        let csrf = random_token();
        store::insert_session(&mut tx, &token_hash(&token), user.id, &csrf, SESSION_TTL_MS).await?;
        audit::record(
            &mut tx,
            NewEvent {
                street_id: user.street_id,
                user_id: Some(user.id),
                action: "login",
                entity: "user",
                entity_id: Some(user.id),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(NewSession { token, csrf, user })
    }

    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        let mut tx = self.db.write().await?;
        store::delete_session(&mut tx, &token_hash(token)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor and CSRF token of a session cookie.
    pub async fn actor_from_session(&self, token: &str) -> Result<(Actor, String), AppError> {
        let mut tx = self.db.read().await?;
        let (user_id, csrf) = store::session(&mut tx, &token_hash(token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let actor = actor_of(&mut tx, user_id).await?;
        Ok((actor, csrf))
    }

    pub async fn actor_from_token(&self, token: &str) -> Result<Actor, AppError> {
        let mut tx = self.db.read().await?;
        let user_id = store::token_user(&mut tx, &token_hash(token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        actor_of(&mut tx, user_id).await
    }

    /// `onegrid user add`: an account, optionally tied to a person by code, or a superuser.
    pub async fn add_user(
        &self,
        username: &str,
        password: &str,
        person_code: Option<&str>,
        superuser: bool,
    ) -> Result<User, AppError> {
        check_username(username)?;
        check_password_rules(password)?;
        let hash = hash_password(self.password_cost, password)?;
        let mut tx = self.db.write().await?;
        let person = match person_code {
            Some(code) => Some(
                people::person_by_code(&mut tx, code)
                    .await?
                    .ok_or_else(|| AppError::field("person", format!("no person with code '{code}'")))?,
            ),
            None => None,
        };
        if person.is_none() && !superuser {
            return Err(AppError::field(
                "person",
                "an account needs a person (whose posts give its permissions) or --superuser",
            ));
        }
        let id = store::insert_user(
            &mut tx,
            NewUser {
                street_id: person.as_ref().map(|p| p.street_id),
                username,
                password_hash: &hash,
                person_id: person.as_ref().map(|p| p.id),
                superuser,
            },
        )
        .await
        .map_err(|e| match e {
            onegrid_store::StoreError::Conflict(_) => AppError::field("username", "is already taken"),
            e => e.into(),
        })?;
        audit::record(
            &mut tx,
            NewEvent {
                street_id: person.as_ref().map(|p| p.street_id),
                user_id: None,
                action: "create",
                entity: "user",
                entity_id: Some(id),
                detail: json!({"username": username, "superuser": superuser}),
            },
        )
        .await?;
        let user = store::user(&mut tx, id).await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn set_password(&self, username: &str, password: &str) -> Result<(), AppError> {
        check_password_rules(password)?;
        let hash = hash_password(self.password_cost, password)?;
        let mut tx = self.db.write().await?;
        let user = store::user_by_name(&mut tx, username)
            .await?
            .ok_or_else(|| AppError::field("username", "no such user"))?;
        store::set_password(&mut tx, user.id, &hash).await?;
        audit::record(
            &mut tx,
            NewEvent {
                street_id: user.street_id,
                user_id: None,
                action: "set_password",
                entity: "user",
                entity_id: Some(user.id),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn users(&self) -> Result<Vec<User>, AppError> {
        let mut tx = self.db.read().await?;
        Ok(store::users(&mut tx).await?)
    }

    /// `onegrid user token`: a bearer token for API clients. Only its hash is kept.
    pub async fn create_token(&self, username: &str, name: &str) -> Result<String, AppError> {
        let mut tx = self.db.write().await?;
        let user = store::user_by_name(&mut tx, username)
            .await?
            .ok_or_else(|| AppError::field("username", "no such user"))?;
        let token = random_token();
        store::insert_token(&mut tx, &token_hash(&token), user.id, name).await?;
        audit::record(
            &mut tx,
            NewEvent {
                street_id: user.street_id,
                user_id: None,
                action: "create_token",
                entity: "user",
                entity_id: Some(user.id),
                detail: json!({"name": name}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    pub async fn set_locale(&self, actor: &Actor, locale: &str) -> Result<(), AppError> {
        let mut tx = self.db.write().await?;
        store::set_locale(&mut tx, actor.user.id, locale).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn actor_of(tx: &mut onegrid_store::Tx, user_id: i64) -> Result<Actor, AppError> {
    let user = store::user(tx, user_id).await?;
    if user.disabled {
        return Err(AppError::Unauthenticated);
    }
    let grants = match user.person_id {
        Some(p) => people::grants(tx, p, &today()).await?,
        None => Vec::new(),
    };
    let all_streets = territory::streets(tx).await?.into_iter().map(|s| s.id).collect();
    Ok(Actor {
        user,
        grants,
        all_streets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r3_password_hash_verifies_and_rejects() {
        let h = hash_password(PasswordCost::Test, "correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong"));
    }

    #[test]
    fn r3_tokens_are_random_and_hashed() {
        let a = random_token();
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
