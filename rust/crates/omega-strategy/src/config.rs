//! Validated reading of JSON configuration objects (`init_args`, the execution and portfolio
//! configs).
//!
//! [`ConfigObject`] takes the keys it knows one by one, each with its JSON type and range, and
//! [`ConfigObject::finish`] reports any key left over. Messages name the key as
//! `<object>.<key>` and are the same text the Python validator (`omega_strategy._config`)
//! produces for the same input:
//!
//! - unknown key → `ValueError`: `init_args: unknown key 'foo' for MeanReversionZScore
//!   (accepted: a, b, c)`;
//! - wrong JSON type → `TypeError`: `init_args.window_length: expected an integer, got string
//!   "x"`;
//! - out of range → `ValueError`: `init_args.window_length: expected an integer >= 2, got 1`.

use omega_core::{OmegaError, OmegaResult, Timeframe};
use serde_json::{Map, Value};

/// The JSON type name of `value`, as the Python side spells it (`integer` for whole numbers).
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `value` rendered for a message: its JSON type and compact JSON text.
pub fn describe(value: &Value) -> String {
    format!("{} {}", json_type(value), value)
}

/// Parses `text` as a JSON object; `what` names it in the error.
pub fn parse_object(what: &str, text: &str) -> OmegaResult<Map<String, Value>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        OmegaError::invalid_value(what, "a JSON object", format!("invalid JSON ({e})"))
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(OmegaError::invalid_type(
            what,
            "a JSON object",
            describe(&other),
        )),
    }
}

/// A JSON object whose keys are taken one at a time.
#[derive(Debug)]
pub struct ConfigObject {
    name: String,
    owner: String,
    map: Map<String, Value>,
    accepted: Vec<&'static str>,
}

impl ConfigObject {
    /// `map` named `name` in messages (e.g. `init_args`); `owner` is what it configures
    /// (e.g. `MeanReversionZScore`), quoted in the unknown-key message.
    pub fn new(name: impl Into<String>, owner: impl Into<String>, map: Map<String, Value>) -> Self {
        Self {
            name: name.into(),
            owner: owner.into(),
            map,
            accepted: Vec::new(),
        }
    }

    /// The full name of `key` in messages.
    pub fn key_name(&self, key: &str) -> String {
        format!("{}.{key}", self.name)
    }

    fn take(&mut self, key: &'static str) -> Option<Value> {
        self.accepted.push(key);
        self.map.remove(key)
    }

    fn wrong_type(&self, key: &str, expected: &str, value: &Value) -> OmegaError {
        OmegaError::invalid_type(self.key_name(key), expected, describe(value))
    }

    /// The raw value of `key` (or `None`), for keys with a structure of their own.
    pub fn raw(&mut self, key: &'static str) -> Option<Value> {
        self.take(key).filter(|v| !v.is_null())
    }

    /// A JSON integer `>= min`.
    pub fn int(&mut self, key: &'static str, default: i64, min: i64) -> OmegaResult<i64> {
        Ok(self
            .integer(key, Some(default), false, min)?
            .unwrap_or(default))
    }

    /// A JSON integer `>= min`, or null (`None`); an absent key gives `default`.
    pub fn opt_int(
        &mut self,
        key: &'static str,
        default: Option<i64>,
        min: i64,
    ) -> OmegaResult<Option<i64>> {
        self.integer(key, default, true, min)
    }

    fn integer(
        &mut self,
        key: &'static str,
        default: Option<i64>,
        nullable: bool,
        min: i64,
    ) -> OmegaResult<Option<i64>> {
        let Some(value) = self.take(key) else {
            return Ok(default);
        };
        let n = match &value {
            Value::Null if nullable => return Ok(None),
            Value::Number(n) if !n.is_f64() => n.as_i64(),
            _ => {
                let expected = if nullable {
                    "an integer or null"
                } else {
                    "an integer"
                };
                return Err(self.wrong_type(key, expected, &value));
            }
        };
        match n {
            Some(n) if n >= min => Ok(Some(n)),
            _ => Err(OmegaError::invalid_value(
                self.key_name(key),
                format!("an integer >= {min}"),
                &value,
            )),
        }
    }

    /// A JSON number (integers accepted) that `check` accepts (`check` returns the expected
    /// form when it rejects).
    pub fn float(
        &mut self,
        key: &'static str,
        default: f64,
        check: impl Fn(f64) -> Result<(), String>,
    ) -> OmegaResult<f64> {
        Ok(self
            .number(key, Some(default), false, check)?
            .unwrap_or(default))
    }

    /// A JSON number or null (`None`); an absent key gives `default`.
    pub fn opt_float(
        &mut self,
        key: &'static str,
        default: Option<f64>,
        check: impl Fn(f64) -> Result<(), String>,
    ) -> OmegaResult<Option<f64>> {
        self.number(key, default, true, check)
    }

    fn number(
        &mut self,
        key: &'static str,
        default: Option<f64>,
        nullable: bool,
        check: impl Fn(f64) -> Result<(), String>,
    ) -> OmegaResult<Option<f64>> {
        let Some(value) = self.take(key) else {
            return Ok(default);
        };
        let x = match &value {
            Value::Null if nullable => return Ok(None),
            Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
            _ => {
                let expected = if nullable {
                    "a number or null"
                } else {
                    "a number"
                };
                return Err(self.wrong_type(key, expected, &value));
            }
        };
        check(x)
            .map_err(|expected| OmegaError::invalid_value(self.key_name(key), expected, &value))?;
        Ok(Some(x))
    }

    /// A JSON boolean.
    pub fn boolean(&mut self, key: &'static str, default: bool) -> OmegaResult<bool> {
        match self.take(key) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(b),
            Some(other) => Err(self.wrong_type(key, "a boolean", &other)),
        }
    }

    /// A JSON string.
    pub fn string(&mut self, key: &'static str, default: &str) -> OmegaResult<String> {
        match self.take(key) {
            None => Ok(default.to_owned()),
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(self.wrong_type(key, "a string", &other)),
        }
    }

    /// A JSON string that is one of `choices`.
    pub fn choice(
        &mut self,
        key: &'static str,
        default: &str,
        choices: &[&str],
    ) -> OmegaResult<String> {
        let s = self.string(key, default)?;
        if choices.contains(&s.as_str()) {
            Ok(s)
        } else {
            Err(OmegaError::invalid_value(
                self.key_name(key),
                format!("one of {}", choices.join(", ")),
                Value::String(s),
            ))
        }
    }

    /// A JSON array of integers (`None` when the key is absent).
    pub fn int_list(&mut self, key: &'static str) -> OmegaResult<Option<Vec<i64>>> {
        let Some(value) = self.take(key) else {
            return Ok(None);
        };
        let expected = "an array of integers";
        let Value::Array(items) = &value else {
            return Err(self.wrong_type(key, expected, &value));
        };
        items
            .iter()
            .map(|item| match item {
                Value::Number(n) if !n.is_f64() => n
                    .as_i64()
                    .ok_or_else(|| self.wrong_type(key, expected, &value)),
                _ => Err(self.wrong_type(key, expected, &value)),
            })
            .collect::<OmegaResult<Vec<i64>>>()
            .map(Some)
    }

    /// A timeframe the backtest loop supports (fixed length: `MN1` excluded), case-insensitive.
    pub fn timeframe(&mut self, key: &'static str, default: &str) -> OmegaResult<Timeframe> {
        let s = self.string(key, default)?;
        let wanted = s.trim().to_ascii_uppercase();
        let mut fixed = Timeframe::ALL
            .into_iter()
            .filter(|tf| tf.duration_us().is_some());
        fixed.find(|tf| tf.as_str() == wanted).ok_or_else(|| {
            let names: Vec<&str> = Timeframe::ALL
                .iter()
                .filter(|tf| tf.duration_us().is_some())
                .map(|tf| tf.as_str())
                .collect();
            OmegaError::invalid_value(
                self.key_name(key),
                format!("one of {}", names.join(", ")),
                Value::String(s),
            )
        })
    }

    /// A non-empty JSON string.
    pub fn non_empty_string(&mut self, key: &'static str, default: &str) -> OmegaResult<String> {
        let s = self.string(key, default)?;
        if s.is_empty() {
            return Err(OmegaError::invalid_value(
                self.key_name(key),
                "a non-empty string",
                "\"\"",
            ));
        }
        Ok(s)
    }

    /// Fails on the first key (in sorted order) that was not taken.
    pub fn finish(self) -> OmegaResult<()> {
        let mut left: Vec<&String> = self.map.keys().collect();
        left.sort();
        if let Some(key) = left.first() {
            let mut accepted = self.accepted.clone();
            accepted.sort_unstable();
            return Err(OmegaError::invalid_value(
                self.name.clone(),
                format!(
                    "only known keys for {} (accepted: {})",
                    self.owner,
                    accepted.join(", ")
                ),
                format!("unknown key '{key}'"),
            ));
        }
        Ok(())
    }
}

/// `x` finite and `> 0`.
pub fn positive(x: f64) -> Result<(), String> {
    if x.is_finite() && x > 0.0 {
        Ok(())
    } else {
        Err("a finite number > 0".into())
    }
}

/// `x` finite and `>= 0`.
pub fn non_negative(x: f64) -> Result<(), String> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err("a finite number >= 0".into())
    }
}

/// `x` finite.
pub fn finite(x: f64) -> Result<(), String> {
    if x.is_finite() {
        Ok(())
    } else {
        Err("a finite number".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(text: &str) -> ConfigObject {
        ConfigObject::new(
            "init_args",
            "Thing",
            parse_object("init_args", text).unwrap(),
        )
    }

    #[test]
    fn types_ranges_and_unknown_keys_are_reported_with_the_key_name() {
        let mut c = obj(r#"{"n": 3, "x": 2, "s": "a", "b": true, "l": [1, 2]}"#);
        assert_eq!(c.int("n", 1, 1), Ok(3));
        assert_eq!(c.float("x", 0.0, positive), Ok(2.0));
        assert_eq!(c.choice("s", "b", &["a", "b"]).as_deref(), Ok("a"));
        assert_eq!(c.boolean("b", false), Ok(true));
        assert_eq!(c.int_list("l"), Ok(Some(vec![1, 2])));
        assert_eq!(c.int("absent", 7, 1), Ok(7));
        assert_eq!(c.finish(), Ok(()));

        let e = |text: &str, f: &dyn Fn(&mut ConfigObject) -> OmegaResult<()>| {
            let mut c = obj(text);
            f(&mut c).and_then(|()| c.finish()).unwrap_err().to_string()
        };
        assert_eq!(
            e(r#"{"n": 2.0}"#, &|c| c.int("n", 1, 1).map(|_| ())),
            "init_args.n: expected an integer, got number 2.0"
        );
        assert_eq!(
            e(r#"{"n": "x"}"#, &|c| c.int("n", 1, 1).map(|_| ())),
            "init_args.n: expected an integer, got string \"x\""
        );
        assert_eq!(
            e(r#"{"n": 0}"#, &|c| c.int("n", 1, 1).map(|_| ())),
            "init_args.n: expected an integer >= 1, got 0"
        );
        assert_eq!(
            e(r#"{"x": true}"#, &|c| c
                .float("x", 1.0, positive)
                .map(|_| ())),
            "init_args.x: expected a number, got boolean true"
        );
        assert_eq!(
            e(r#"{"x": -1.5}"#, &|c| c
                .float("x", 1.0, positive)
                .map(|_| ())),
            "init_args.x: expected a finite number > 0, got -1.5"
        );
        assert_eq!(
            e(r#"{"zeta": 1, "alpha": 2}"#, &|c| c
                .int("n", 1, 1)
                .map(|_| ())),
            "init_args: expected only known keys for Thing (accepted: n), got unknown key 'alpha'"
        );
        assert_eq!(
            e(r#"{"l": [1, "a"]}"#, &|c| c.int_list("l").map(|_| ())),
            "init_args.l: expected an array of integers, got array [1,\"a\"]"
        );
        assert_eq!(
            e(r#"{"s": "c"}"#, &|c| c
                .choice("s", "a", &["a", "b"])
                .map(|_| ())),
            "init_args.s: expected one of a, b, got \"c\""
        );
        let mut c = obj(r#"{"o": null, "p": null}"#);
        assert_eq!(c.opt_int("o", None, 1), Ok(None));
        assert_eq!(c.opt_float("p", Some(1.0), positive), Ok(None));
        assert!(parse_object("x", "[1]").is_err());
        assert!(parse_object("x", "{").is_err());
    }
}
