//! The words a fix is written in. A policy built in code is fixed with builder calls
//! (`.supports_credentials()`); one built from a [`CorsConfig`](crate::CorsConfig) is fixed
//! with config fields (`allow_credentials = true`). A problem's message names each option as a
//! [`Setting`] and renders it in the [`Words`] of where the policy came from.

use std::fmt;

/// Where a policy came from, and so which words its problems use to name an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Words {
    /// Builder calls: [`Cors::build`](crate::Cors::build) and the middleware.
    Builder,
    /// Config fields: `CorsConfig::build` (feature `serde`).
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    Config,
}

impl Words {
    /// `text` for a config, nothing for the builder: what a FastAPI user should know that a
    /// builder user need not (Starlette's behaviour, which corsair refuses).
    pub(crate) fn config_aside(self, text: &'static str) -> &'static str {
        match self {
            Words::Builder => "",
            Words::Config => text,
        }
    }
}

/// An option of the policy a message can name: a builder method and, where there is one, the
/// config field with the same meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    SupportsCredentials,
    AllowNullOrigin,
    AllowNullOriginWithCredentialsDangerously,
    AllowAnyOrigin,
    SendWildcard,
    AllowedOrigin,
    AllowedOriginPattern,
    AllowedOriginRegex,
    AllowedMethods,
    AllowedHeaders,
    ExposeHeaders,
    AllowAnyMethod,
    AllowAnyHeader,
    ExposeAnyHeader,
    AllowInsecureCredentialedOrigins,
    DangerouslyAllowSubdomainsOfPublicSuffixes,
    AllowPrivateNetworkAccess,
    MaxAge,
    PreflightStatus,
}

/// How a builder method is called.
#[derive(Clone, Copy)]
enum Call {
    /// A switch without arguments: `.supports_credentials()`.
    Switch,
    /// One value: `.allowed_origin(..)`.
    One,
    /// A list: `.expose_headers([..])`.
    List,
    /// A number, named by the method alone: `max_age`.
    Value,
}

/// How the config writes the same option.
#[derive(Clone, Copy)]
enum Field {
    /// A boolean: `allow_credentials = true`.
    Flag(&'static str),
    /// `"*"` in a list: `"*"` in `allow_origins`.
    Star(&'static str),
    /// A list or value field: `allow_origins`.
    Named(&'static str),
    /// An origin pattern, written in `allow_origins`.
    Pattern,
    /// No field: only the builder from `CorsConfig::into_cors()` has it.
    CodeOnly,
}

/// Which phrase about a setting a message needs.
#[derive(Clone, Copy)]
enum Form {
    /// The setting itself: `.supports_credentials()` / `allow_credentials = true`.
    Name,
    /// The list's name after "in": `allowed_headers` / `allow_headers`.
    List,
    /// "... is set": `` `allow_null_origin` is set `` / `` `allow_null_origin = true` is set ``.
    IsSet,
    /// Turning it on: "call `.x()`" / "set `x = true`".
    On,
    /// Turning it off: "drop `.x()`" / "set `x = false`".
    Off,
    /// Where to list values: "with `.allowed_origin(..)`" / "with `allow_origins`".
    With,
}

impl Setting {
    fn method(self) -> (&'static str, Call) {
        use Setting as S;
        match self {
            S::SupportsCredentials => ("supports_credentials", Call::Switch),
            S::AllowNullOrigin => ("allow_null_origin", Call::Switch),
            S::AllowNullOriginWithCredentialsDangerously => (
                "allow_null_origin_with_credentials_dangerously",
                Call::Switch,
            ),
            S::AllowAnyOrigin => ("allow_any_origin", Call::Switch),
            S::SendWildcard => ("send_wildcard", Call::Switch),
            S::AllowedOrigin => ("allowed_origin", Call::One),
            S::AllowedOriginPattern => ("allowed_origin_pattern", Call::One),
            S::AllowedOriginRegex => ("allowed_origin_regex", Call::One),
            S::AllowedMethods => ("allowed_methods", Call::List),
            S::AllowedHeaders => ("allowed_headers", Call::List),
            S::ExposeHeaders => ("expose_headers", Call::List),
            S::AllowAnyMethod => ("allow_any_method", Call::Switch),
            S::AllowAnyHeader => ("allow_any_header", Call::Switch),
            S::ExposeAnyHeader => ("expose_any_header", Call::Switch),
            S::AllowInsecureCredentialedOrigins => {
                ("allow_insecure_credentialed_origins", Call::Switch)
            }
            S::DangerouslyAllowSubdomainsOfPublicSuffixes => (
                "dangerously_allow_subdomains_of_public_suffixes",
                Call::Switch,
            ),
            S::AllowPrivateNetworkAccess => ("allow_private_network_access", Call::Switch),
            S::MaxAge => ("max_age", Call::Value),
            S::PreflightStatus => ("preflight_status", Call::Value),
        }
    }

    fn field(self) -> Field {
        use Setting as S;
        match self {
            S::SupportsCredentials => Field::Flag("allow_credentials"),
            S::AllowNullOrigin => Field::Flag("allow_null_origin"),
            S::AllowNullOriginWithCredentialsDangerously => Field::CodeOnly,
            S::AllowAnyOrigin | S::SendWildcard => Field::Star("allow_origins"),
            S::AllowedOrigin => Field::Named("allow_origins"),
            S::AllowedOriginPattern => Field::Pattern,
            S::AllowedOriginRegex => Field::Named("allow_origin_regex"),
            S::AllowedMethods => Field::Named("allow_methods"),
            S::AllowedHeaders => Field::Named("allow_headers"),
            S::ExposeHeaders => Field::Named("expose_headers"),
            S::AllowAnyMethod => Field::Star("allow_methods"),
            S::AllowAnyHeader => Field::Star("allow_headers"),
            S::ExposeAnyHeader => Field::Star("expose_headers"),
            S::AllowInsecureCredentialedOrigins => {
                Field::Flag("allow_insecure_credentialed_origins")
            }
            S::DangerouslyAllowSubdomainsOfPublicSuffixes => {
                Field::Flag("dangerously_allow_subdomains_of_public_suffixes")
            }
            S::AllowPrivateNetworkAccess => Field::Flag("allow_private_network"),
            S::MaxAge => Field::Named("max_age"),
            S::PreflightStatus => Field::Named("preflight_status"),
        }
    }

    /// The setting itself: `` `.supports_credentials()` `` / `` `allow_credentials = true` ``.
    pub(crate) fn name(self, words: Words) -> Phrase {
        self.phrase(words, Form::Name)
    }

    /// A list's name, after "in": `` `allowed_headers` `` / `` `allow_headers` ``.
    pub(crate) fn list(self, words: Words) -> Phrase {
        self.phrase(words, Form::List)
    }

    /// "`x` is set" / "`x = true` is set".
    pub(crate) fn is_set(self, words: Words) -> Phrase {
        self.phrase(words, Form::IsSet)
    }

    /// The instruction to turn it on: "call `.x()`" / "set `x = true`".
    pub(crate) fn on(self, words: Words) -> Phrase {
        self.phrase(words, Form::On)
    }

    /// The instruction to turn it off: "drop `.x()`" / "set `x = false`".
    pub(crate) fn off(self, words: Words) -> Phrase {
        self.phrase(words, Form::Off)
    }

    /// Where values go: "with `.allowed_origin(..)`" / "with `allow_origins`".
    pub(crate) fn with(self, words: Words) -> Phrase {
        self.phrase(words, Form::With)
    }

    fn phrase(self, words: Words, form: Form) -> Phrase {
        Phrase {
            setting: self,
            words,
            form,
        }
    }
}

/// A setting named in a message's words (see [`Setting::name`] and its siblings).
#[derive(Clone, Copy)]
pub(crate) struct Phrase {
    setting: Setting,
    words: Words,
    form: Form,
}

impl fmt::Display for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (method, call) = self.setting.method();
        let builder_call = BuilderCall(method, call);
        match (self.words, self.setting.field(), self.form) {
            (Words::Builder, _, Form::Name) | (Words::Config, Field::CodeOnly, Form::Name) => {
                write!(f, "{builder_call}")
            }
            (Words::Builder, _, Form::List | Form::IsSet) => {
                let is_set = if matches!(self.form, Form::IsSet) {
                    " is set"
                } else {
                    ""
                };
                write!(f, "`{method}`{is_set}")
            }
            (Words::Builder, _, Form::On) => write!(f, "call {builder_call}"),
            (Words::Builder, _, Form::Off) => write!(f, "drop {builder_call}"),
            (Words::Builder, _, Form::With) => write!(f, "with {builder_call}"),
            (Words::Config, Field::Flag(field), form) => match form {
                Form::Name => write!(f, "`{field} = true`"),
                Form::List => write!(f, "`{field}`"),
                Form::IsSet => write!(f, "`{field} = true` is set"),
                Form::On => write!(f, "set `{field} = true`"),
                Form::Off => write!(f, "set `{field} = false`"),
                Form::With => write!(f, "in `{field}`"),
            },
            (Words::Config, Field::Star(field), form) => match form {
                Form::Name | Form::With => write!(f, "`\"*\"` in `{field}`"),
                Form::List => write!(f, "`{field}`"),
                Form::IsSet => write!(f, "`\"*\"` is in `{field}`"),
                Form::On => write!(f, "put `\"*\"` in `{field}`"),
                Form::Off => write!(f, "remove `\"*\"` from `{field}`"),
            },
            (Words::Config, Field::Named(field), form) => match form {
                Form::Name | Form::List => write!(f, "`{field}`"),
                Form::IsSet => write!(f, "`{field}` is set"),
                Form::On | Form::With => write!(f, "with `{field}`"),
                Form::Off => write!(f, "remove `{field}`"),
            },
            (Words::Config, Field::Pattern, form) => match form {
                Form::Name | Form::On | Form::With => write!(
                    f,
                    "a pattern such as `https://*.example.com` in `allow_origins`"
                ),
                Form::List => f.write_str("`allow_origins`"),
                Form::IsSet => f.write_str("a pattern in `allow_origins` is set"),
                Form::Off => f.write_str("remove the pattern from `allow_origins`"),
            },
            (Words::Config, Field::CodeOnly, form) => {
                let verb = match form {
                    Form::Off => "drop",
                    _ => "call",
                };
                write!(
                    f,
                    "{verb} {builder_call} on the builder from `CorsConfig::into_cors()`"
                )
            }
        }
    }
}

/// A builder call in backticks: `` `.allowed_origin(..)` ``, or `` `max_age` `` for a number.
struct BuilderCall(&'static str, Call);

impl fmt::Display for BuilderCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let BuilderCall(method, call) = self;
        match call {
            Call::Switch => write!(f, "`.{method}()`"),
            Call::One => write!(f, "`.{method}(..)`"),
            Call::List => write!(f, "`.{method}([..])`"),
            Call::Value => write!(f, "`{method}`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Setting as S, Words::*};

    #[test]
    fn a_setting_is_a_builder_call_in_code_and_a_config_field_in_a_config() {
        let said = |p: super::Phrase| p.to_string();
        let dangerous_in_config = "call `.allow_null_origin_with_credentials_dangerously()` \
                                   on the builder from `CorsConfig::into_cors()`";
        for (phrase, expected) in [
            (
                S::SupportsCredentials.name(Builder),
                "`.supports_credentials()`",
            ),
            (
                S::SupportsCredentials.name(Config),
                "`allow_credentials = true`",
            ),
            (
                S::SupportsCredentials.off(Builder),
                "drop `.supports_credentials()`",
            ),
            (
                S::SupportsCredentials.off(Config),
                "set `allow_credentials = false`",
            ),
            (
                S::AllowNullOrigin.on(Builder),
                "call `.allow_null_origin()`",
            ),
            (
                S::AllowNullOrigin.on(Config),
                "set `allow_null_origin = true`",
            ),
            (S::AllowAnyOrigin.name(Config), "`\"*\"` in `allow_origins`"),
            (
                S::AllowAnyOrigin.on(Config),
                "put `\"*\"` in `allow_origins`",
            ),
            (S::AllowedOrigin.with(Builder), "with `.allowed_origin(..)`"),
            (S::AllowedOrigin.with(Config), "with `allow_origins`"),
            (
                S::ExposeHeaders.with(Builder),
                "with `.expose_headers([..])`",
            ),
            (S::AllowedHeaders.list(Builder), "`allowed_headers`"),
            (S::AllowedHeaders.list(Config), "`allow_headers`"),
            (
                S::ExposeAnyHeader.is_set(Builder),
                "`expose_any_header` is set",
            ),
            (
                S::ExposeAnyHeader.is_set(Config),
                "`\"*\"` is in `expose_headers`",
            ),
            (S::MaxAge.name(Builder), "`max_age`"),
            (S::MaxAge.name(Config), "`max_age`"),
            (
                S::AllowPrivateNetworkAccess.off(Config),
                "set `allow_private_network = false`",
            ),
            (
                S::AllowNullOriginWithCredentialsDangerously.on(Config),
                dangerous_in_config,
            ),
        ] {
            assert_eq!(said(phrase), expected);
        }
    }
}
