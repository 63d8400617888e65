//! The one error type of the Omega core crates.
//!
//! Every variant names the offending argument and the form that was expected, so the message
//! can be shown to a user unchanged. [`OmegaError::kind`] tells the binding layer which
//! Python exception class to raise (`ValueError`, `TypeError` or `RuntimeError`).

use thiserror::Error;

/// Result alias used across the core crates.
pub type OmegaResult<T> = Result<T, OmegaError>;

/// Errors raised by the core crates on bad input or broken invariants.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum OmegaError {
    /// An argument has the right type but an unacceptable value.
    #[error("{name}: expected {expected}, got {got}")]
    InvalidValue {
        /// Argument name as the caller spelled it (e.g. `period`, `high`).
        name: String,
        /// The accepted form, e.g. `an integer >= 1`.
        expected: String,
        /// What was passed, rendered for the message.
        got: String,
    },
    /// Two inputs that must have the same length do not.
    #[error("{name}: expected length {expected} (same as {reference}), got {got}")]
    LengthMismatch {
        /// Argument whose length is wrong.
        name: String,
        /// Argument whose length is the reference.
        reference: String,
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// An argument has the wrong type or layout (dtype, byte order, contiguity).
    #[error("{name}: expected {expected}, got {got}")]
    InvalidType {
        /// Argument name.
        name: String,
        /// The accepted type or layout.
        expected: String,
        /// What was passed.
        got: String,
    },
    /// An internal invariant broke; this is a bug in Omega, never the caller's fault.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Which class of Python exception an [`OmegaError`] maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `ValueError`
    Value,
    /// `TypeError`
    Type,
    /// `RuntimeError`
    Runtime,
}

impl OmegaError {
    /// Shorthand for [`OmegaError::InvalidValue`].
    pub fn invalid_value(
        name: impl Into<String>,
        expected: impl Into<String>,
        got: impl ToString,
    ) -> Self {
        Self::InvalidValue {
            name: name.into(),
            expected: expected.into(),
            got: got.to_string(),
        }
    }

    /// Shorthand for [`OmegaError::InvalidType`].
    pub fn invalid_type(
        name: impl Into<String>,
        expected: impl Into<String>,
        got: impl ToString,
    ) -> Self {
        Self::InvalidType {
            name: name.into(),
            expected: expected.into(),
            got: got.to_string(),
        }
    }

    /// The Python exception class this error is raised as.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidValue { .. } | Self::LengthMismatch { .. } => ErrorKind::Value,
            Self::InvalidType { .. } => ErrorKind::Type,
            Self::Internal(_) => ErrorKind::Runtime,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_argument_and_the_expected_form() {
        let e = OmegaError::invalid_value("period", "an integer >= 1", 0);
        assert_eq!(e.to_string(), "period: expected an integer >= 1, got 0");
        assert_eq!(e.kind(), ErrorKind::Value);

        let e = OmegaError::LengthMismatch {
            name: "low".into(),
            reference: "high".into(),
            expected: 3,
            got: 2,
        };
        assert_eq!(
            e.to_string(),
            "low: expected length 3 (same as high), got 2"
        );
        assert_eq!(e.kind(), ErrorKind::Value);
    }

    #[test]
    fn kinds_map_to_python_exception_classes() {
        assert_eq!(
            OmegaError::invalid_type("close", "float64", "int32").kind(),
            ErrorKind::Type
        );
        assert_eq!(OmegaError::Internal("x".into()).kind(), ErrorKind::Runtime);
    }
}
