//! Loading a [`CorsConfig`] from TOML (feature `toml`), with errors that point at the line.
//!
//! The loader is a thin layer over the `toml` crate: it turns the parser's byte span into a
//! file, line and column, shows the line, and recognises the most common mistake of a config
//! pasted from Python: a regex written as a TOML basic string (`"..."`), where `\.` is an
//! invalid escape. TOML's literal strings (`'...'`) keep backslashes as written.

use std::{
    fmt, io,
    path::{Path, PathBuf},
    sync::Arc,
};

use crate::{config::CorsConfig, error::ConfigError};

impl CorsConfig {
    /// Reads and parses a TOML file holding a `CorsConfig` (the field names of FastAPI's
    /// `CORSMiddleware`). Then call [`CorsConfig::build`], whose errors name the config fields.
    ///
    /// A file that cannot be read or parsed gives a [`ConfigError`] (the error of
    /// [`CorsConfig::build`] too, so one `?` type serves both) whose `Display` (and `Debug`,
    /// for `main` returning `Result`) names the file, the line and the column, shows the line,
    /// and, when a backslash in a `"..."` string is the likely cause, the same line written
    /// with a TOML literal string (`'...'`). For example, for a regex pasted from Python into
    /// double quotes:
    ///
    /// ```text
    /// cannot load CORS config cors.toml: line 2, column 33: invalid escape sequence, expected `b`, `f`, `n`, `r`, `t`, `u`, `U`, `\`, `"`
    ///   2 | allow_origin_regex = "https://.*\.example\.com"
    ///     |                                 ^
    ///   a backslash in a TOML basic string ("...") starts an escape sequence, and `\.` is none; for a regex, write the value as a TOML literal string, in single quotes, which keeps backslashes as written:
    ///   allow_origin_regex = 'https://.*\.example\.com'
    /// ```
    ///
    /// ```
    /// use corsair::{CorsConfig, CorsRequest};
    /// # let dir = std::env::temp_dir().join(format!("corsair-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("cors.toml");
    /// std::fs::write(&path, r#"
    /// allow_origins = ["https://app.example.com"]
    /// allow_origin_regex = 'https://[a-z0-9-]+\.preview\.example\.com'
    /// allow_methods = ["GET", "POST"]
    /// "#).unwrap();
    ///
    /// let policy = CorsConfig::from_toml_file(&path).unwrap().build().unwrap();
    /// assert!(policy.check(&CorsRequest::new("https://pr-7.preview.example.com")).is_allowed());
    /// assert!(!policy.check(&CorsRequest::new("https://pr-7.preview.example.org")).is_allowed());
    ///
    /// // The same regex in double quotes: `\.` is not a TOML escape.
    /// std::fs::write(&path, "allow_origin_regex = \"https://.*\\.example\\.com\"\n").unwrap();
    /// let err = CorsConfig::from_toml_file(&path).unwrap_err();
    /// assert_eq!((err.line(), err.column()), (Some(1), Some(33)));
    /// assert!(err.to_string().contains("allow_origin_regex = 'https://.*\\.example\\.com'"));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<CorsConfig, ConfigError> {
        let path = path.as_ref();
        let failed = |kind| {
            ConfigError::toml(TomlFailure {
                file: Some(path.to_owned()),
                kind,
            })
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| failed(Kind::Read(ReadError(Arc::new(e)))))?;
        parse(&text).map_err(failed)
    }

    /// Parses TOML text holding a `CorsConfig`; errors are those of
    /// [`from_toml_file`](Self::from_toml_file), without a file name.
    ///
    /// ```
    /// use corsair::{CorsConfig, CorsRequest};
    ///
    /// let config = CorsConfig::from_toml_str(r#"
    ///     allow_origins = ["http://localhost:5173"]
    ///     allow_credentials = true
    /// "#).unwrap();
    /// assert!(config.allow_credentials);
    ///
    /// let err = CorsConfig::from_toml_str("allow_origin = [\"https://a.example\"]").unwrap_err();
    /// assert_eq!(err.line(), Some(1));
    /// assert!(err.to_string().contains("unknown field `allow_origin`"));
    /// ```
    pub fn from_toml_str(text: &str) -> Result<CorsConfig, ConfigError> {
        parse(text).map_err(|kind| ConfigError::toml(TomlFailure { file: None, kind }))
    }
}

fn parse(text: &str) -> Result<CorsConfig, Kind> {
    toml::from_str(text).map_err(|error| Kind::Parse(Parse::new(text, &error)))
}

/// Why a TOML `CorsConfig` could not be loaded (a [`ConfigError`] holds it).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct TomlFailure {
    file: Option<PathBuf>,
    kind: Kind,
}

#[derive(Clone, PartialEq, Eq)]
enum Kind {
    Read(ReadError),
    Parse(Parse),
}

/// A parse error, located.
#[derive(Clone, PartialEq, Eq)]
struct Parse {
    message: String,
    /// 1-based line and column (in characters) of the span's start, when the parser gave one.
    at: Option<(usize, usize)>,
    /// The text of that line.
    line_text: String,
    /// The escape TOML refused (`\.`) and the line rewritten with the offending basic
    /// string as a literal string.
    literal_fix: Option<(String, String)>,
}

impl Parse {
    fn new(text: &str, error: &toml::de::Error) -> Parse {
        // The parser's messages can span lines ("invalid escape sequence\nexpected ...").
        let message = error
            .message()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let Some(start) = error.span().map(|s| s.start.min(text.len())) else {
            return Parse {
                message,
                at: None,
                line_text: String::new(),
                literal_fix: None,
            };
        };
        // Spans are byte offsets; clamp to a character boundary before slicing.
        let start = (0..=start)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r').to_owned();
        // For an invalid escape, the parser points just after it: point at its backslash.
        let backslash = text[line_start..start]
            .rfind('\\')
            .map(|i| line_start + i)
            .filter(|&b| message.contains("escape") && start - b <= 2);
        let literal_fix = backslash.and_then(|b| {
            let escape: String = text[b..].chars().take(2).collect();
            literal_string_fix(&line_text, b - line_start).map(|fixed| (escape, fixed))
        });
        let start = backslash.unwrap_or(start);
        let line = text[..line_start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        Parse {
            message,
            at: Some((line, column)),
            line_text,
            literal_fix,
        }
    }
}

/// `line` with the basic string (`"..."`) around byte `at` written as a literal string
/// (`'...'`), which keeps its backslashes, when that is possible: the string holds no `'` and
/// the line has a closing `"` for it.
fn literal_string_fix(line: &str, at: usize) -> Option<String> {
    let at = at.min(line.len());
    let open = line[..at].rfind('"')?;
    // The closing quote: the next `"` not preceded by a backslash.
    let bytes = line.as_bytes();
    let close = (open + 1..line.len()).find(|&i| bytes[i] == b'"' && bytes[i - 1] != b'\\')?;
    let content = &line[open + 1..close];
    if content.contains('\'') || !content.contains('\\') {
        return None;
    }
    Some(format!(
        "{}'{content}'{}",
        &line[..open],
        &line[close + 1..]
    ))
}

/// A file that could not be read; shared, so that the error stays `Clone`.
#[derive(Clone)]
struct ReadError(Arc<io::Error>);

/// Two read errors are the same if they say the same (`io::Error` has no `PartialEq`).
impl PartialEq for ReadError {
    fn eq(&self, other: &Self) -> bool {
        self.0.kind() == other.0.kind() && self.0.to_string() == other.0.to_string()
    }
}

impl Eq for ReadError {}

impl TomlFailure {
    pub(crate) fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    pub(crate) fn line(&self) -> Option<usize> {
        match &self.kind {
            Kind::Parse(p) => p.at.map(|(line, _)| line),
            Kind::Read(_) => None,
        }
    }

    pub(crate) fn column(&self) -> Option<usize> {
        match &self.kind {
            Kind::Parse(p) => p.at.map(|(_, column)| column),
            Kind::Read(_) => None,
        }
    }

    /// The I/O error of a file that could not be read.
    pub(crate) fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Read(e) => Some(&*e.0),
            Kind::Parse(_) => None,
        }
    }
}

impl fmt::Display for TomlFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self
            .file
            .as_ref()
            .map(|p| format!(" {}", p.display()))
            .unwrap_or_default();
        match &self.kind {
            Kind::Read(e) => write!(f, "cannot read CORS config{file}: {}", e.0),
            Kind::Parse(p) => {
                let Some((line, column)) = p.at else {
                    return write!(f, "cannot load CORS config{file}: {}", p.message);
                };
                write!(
                    f,
                    "cannot load CORS config{file}: line {line}, column {column}: {}",
                    p.message
                )?;
                let gutter = line.to_string();
                let pad = " ".repeat(gutter.len());
                write!(f, "\n  {gutter} | {}", p.line_text)?;
                write!(f, "\n  {pad} | {}^", " ".repeat(column - 1))?;
                if let Some((escape, fixed)) = &p.literal_fix {
                    write!(
                        f,
                        "\n  a backslash in a TOML basic string (\"...\") starts an escape sequence, \
                         and `{escape}` is none; for a regex, write the value as a TOML literal \
                         string, in single quotes, which keeps backslashes as written:\n  {fixed}"
                    )?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_basic_string_with_a_backslash_is_rewritten_as_a_literal_string() {
        let line = r#"allow_origin_regex = "https://.*\.example\.com"  # comment"#;
        let at = line.find(r"\.").unwrap() + 1;
        assert_eq!(
            literal_string_fix(line, at).as_deref(),
            Some(r"allow_origin_regex = 'https://.*\.example\.com'  # comment")
        );
        // Inside an array, the string around the error is the one rewritten.
        let line = r#"allow_origins = ["https://a.example", "https://b\.example"]"#;
        let at = line.find(r"\.").unwrap() + 1;
        assert_eq!(
            literal_string_fix(line, at).as_deref(),
            Some(r#"allow_origins = ["https://a.example", 'https://b\.example']"#)
        );
        // No rewrite when a literal string cannot hold the value.
        assert_eq!(literal_string_fix(r#"x = "it's \d""#, 10), None);
        assert_eq!(literal_string_fix(r#"x = "no closing \d"#, 10), None);
    }

    #[test]
    fn line_and_column_count_from_one_in_characters() {
        let err = CorsConfig::from_toml_str("\n\n# é\nallow_methods = [\"GET\", 7]").unwrap_err();
        assert_eq!(err.line(), Some(4));
        let column = err.column().unwrap();
        assert!(
            "allow_methods = [\"GET\", 7]"[column - 1..].starts_with(['[', '7']),
            "{column}"
        );
    }
}
