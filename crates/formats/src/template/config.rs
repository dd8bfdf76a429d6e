//! The chat templates of a `tokenizer_config.json` (or `chat_template.json`).

/// Largest tokenizer configuration read.
pub const MAX_TOKENIZER_CONFIG_BYTES: usize = 64 << 20;

/// Why the chat templates of a tokenizer configuration could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenizerConfigError {
    #[error("tokenizer config is {size} bytes, over the {max}-byte limit")]
    TooLarge { size: usize, max: usize },
    #[error("tokenizer config is not JSON: {message} (line {line}, column {column})")]
    NotJson {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("tokenizer config is not a JSON object")]
    NotAnObject,
    #[error(
        "`chat_template` is {found}; expected a string or a list of {{name, template}} objects"
    )]
    BadChatTemplate { found: &'static str },
    #[error("`chat_template[{index}]` has no string `{field}`")]
    BadTemplateEntry { index: usize, field: &'static str },
}

/// The chat templates of a `tokenizer_config.json` (or `chat_template.json`)
/// as `(name, template)`: `("default", …)` for the string form, each entry's
/// name for the list form, nothing when there is no `chat_template`.
pub fn templates_from_tokenizer_config(
    json: &[u8],
) -> Result<Vec<(String, String)>, TokenizerConfigError> {
    if json.len() > MAX_TOKENIZER_CONFIG_BYTES {
        return Err(TokenizerConfigError::TooLarge {
            size: json.len(),
            max: MAX_TOKENIZER_CONFIG_BYTES,
        });
    }
    let value: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| TokenizerConfigError::NotJson {
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
        })?;
    let object = value.as_object().ok_or(TokenizerConfigError::NotAnObject)?;
    match object.get("chat_template") {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(serde_json::Value::String(s)) => Ok(vec![("default".to_string(), s.clone())]),
        Some(serde_json::Value::Array(entries)) => entries
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let field = |field: &'static str| {
                    entry
                        .get(field)
                        .and_then(serde_json::Value::as_str)
                        .map(str::to_string)
                        .ok_or(TokenizerConfigError::BadTemplateEntry { index, field })
                };
                Ok((field("name")?, field("template")?))
            })
            .collect(),
        Some(other) => Err(TokenizerConfigError::BadChatTemplate {
            found: match other {
                serde_json::Value::Bool(_) => "a boolean",
                serde_json::Value::Number(_) => "a number",
                _ => "an object",
            },
        }),
    }
}
