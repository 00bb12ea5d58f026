//! Errors and values crossing to JavaScript. Errors are `Error` objects with a human message;
//! three kinds carry a name the page acts on (`www/js/protocol.js`, `ERROR_NAMES`, lists the
//! same three): a network that does not fit beside the ones alive ([`MEMORY_ERROR`]), a
//! network whose GPU was lost ([`GPU_LOST_ERROR`]) and training that diverged
//! ([`DIVERGED_ERROR`]).
//!
//! The checks of what the page sends (architectures, training settings, images, a network
//! file's size, manifest and side) and the bundled data return `Result<_, JsError>`, so that
//! `?` takes the core's errors as they are; the calls that may fail with a named error return
//! `Result<_, JsValue>`, into which a `JsError` converts, and map the core's errors there with
//! [`js_error`].

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The error name of a network refused because the networks alive leave no room for it.
pub const MEMORY_ERROR: &str = "MemoryBudgetError";
/// The error name of a call on a network whose GPU device was lost.
pub const GPU_LOST_ERROR: &str = "GpuLostError";
/// The error name of training whose loss became NaN or infinite.
pub const DIVERGED_ERROR: &str = "DivergedError";

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(format!("could not pass a result to JavaScript: {e}")))
}

/// A JavaScript `Error` with `message`.
pub(crate) fn js_error(message: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&message.to_string()).into()
}

/// A JavaScript `Error` with `message` and the `name` the page tells it apart by.
pub(crate) fn named_error(name: &str, message: impl std::fmt::Display) -> JsValue {
    let error = js_sys::Error::new(&message.to_string());
    error.set_name(name);
    error.into()
}

/// Sets `key` of a JavaScript object built by [`to_js`] (typed arrays go in this way).
pub(crate) fn set(object: &JsValue, key: &str, value: &JsValue) -> Result<(), JsValue> {
    js_sys::Reflect::set(object, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|_| js_error("could not build the result object"))
}
