//! The Fetch standard's facts: they live in the `corsair-fetch` crate, shared with the browser
//! simulator (`corsair-testing`). This module only names them for the rest of the crate.

pub(crate) use corsair_fetch::*;
