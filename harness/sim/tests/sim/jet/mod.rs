//! JET notifications: the events a commit produces (model level), and
//! their publishing over MQTT to the embedded broker and to mosquitto.

pub mod broker;
mod events;
mod mosquitto;
pub mod tls;
