pub mod coverage;
pub mod home;
pub mod login;
pub mod map;
pub mod people;
pub mod territory;
pub mod transfer;
