//! [`Label`]: an immutable text that is cheap to clone (symbols, exit reasons, fee kinds).
//!
//! Ledgers and simulators store the same few texts on every position, trade and fee (the
//! symbol, `stop_loss`, `entry`, …). As `String`s each copy is an allocation; a `Label` is a
//! `&'static str` or a shared `Arc<str>`, so copies share one buffer. It reads like a `str`
//! (`as_str`, deref, comparisons with `str`/`&str`/`String`, `Debug` and `Display` as the text).

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// An immutable, cheaply cloned text.
#[derive(Clone)]
pub struct Label(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Label {
    /// A label of a static text (no allocation).
    pub const fn from_static(text: &'static str) -> Self {
        Self(Repr::Static(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(text) => text,
            Repr::Shared(text) => text,
        }
    }
}

impl Default for Label {
    /// The empty text.
    fn default() -> Self {
        Self::from_static("")
    }
}

impl Deref for Label {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Label {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Label {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Label {
    fn from(text: &str) -> Self {
        Self(Repr::Shared(Arc::from(text)))
    }
}

impl From<&String> for Label {
    fn from(text: &String) -> Self {
        Self::from(text.as_str())
    }
}

impl From<String> for Label {
    fn from(text: String) -> Self {
        Self(Repr::Shared(Arc::from(text)))
    }
}

impl From<Cow<'static, str>> for Label {
    fn from(text: Cow<'static, str>) -> Self {
        match text {
            Cow::Borrowed(text) => Self::from_static(text),
            Cow::Owned(text) => Self::from(text),
        }
    }
}

impl From<Label> for String {
    fn from(label: Label) -> Self {
        label.as_str().to_owned()
    }
}

impl PartialEq for Label {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Label {}

impl PartialOrd for Label {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Label {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Label {
    /// Hashes as the `str` (so maps keyed by labels can be looked up by `&str`).
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

macro_rules! text_eq {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for Label {
            fn eq(&self, other: &$other) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }

        impl PartialEq<Label> for $other {
            fn eq(&self, other: &Label) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}

text_eq!(str, &str, String);

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

/// Labels reused by text: [`LabelPool::get`] returns the pooled label equal to a text, so the
/// few texts a ledger repeats (exit reasons, fee kinds) are allocated once. It holds at most
/// [`LabelPool::CAPACITY`] texts; others get a fresh label each time.
///
/// A cache, not state: two pools always compare equal.
#[derive(Debug, Clone, Default)]
pub struct LabelPool {
    labels: Vec<Label>,
}

impl LabelPool {
    /// Most texts a pool keeps (lookups are linear).
    pub const CAPACITY: usize = 16;

    /// The label of `text`.
    pub fn get(&mut self, text: &str) -> Label {
        if let Some(label) = self.labels.iter().find(|l| l.as_str() == text) {
            return label.clone();
        }
        let label = Label::from(text);
        if self.labels.len() < Self::CAPACITY {
            self.labels.push(label.clone());
        }
        label
    }
}

impl PartialEq for LabelPool {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_and_compare_like_their_text() {
        let shared = Label::from("EURUSD");
        let copy = shared.clone();
        let fixed = Label::from_static("EURUSD");
        assert_eq!(shared, fixed);
        assert_eq!(copy, "EURUSD");
        assert_eq!("EURUSD", copy);
        assert_eq!(copy, String::from("EURUSD"));
        assert_eq!(copy.as_str(), "EURUSD");
        assert_eq!(copy.len(), 6); // through Deref<Target = str>
        assert_eq!(format!("{copy:?} {copy}"), "\"EURUSD\" EURUSD");
        assert_eq!(Label::default(), "");
        assert_eq!(
            Label::from("a").cmp(&Label::from_static("b")),
            std::cmp::Ordering::Less
        );
        assert_eq!(String::from(Label::from(Cow::Borrowed("x"))), "x");
        let mut map = std::collections::HashMap::new();
        map.insert(Label::from("k"), 1);
        assert_eq!(map.get("k"), Some(&1));
    }

    #[test]
    fn a_pool_shares_the_labels_of_texts_it_has_seen() {
        let mut pool = LabelPool::default();
        let a = pool.get("stop_loss");
        let b = pool.get("stop_loss");
        assert!(matches!((&a.0, &b.0), (Repr::Shared(x), Repr::Shared(y)) if Arc::ptr_eq(x, y)));
        for i in 0..2 * LabelPool::CAPACITY {
            assert_eq!(pool.get(&format!("r{i}")), format!("r{i}"));
        }
        assert_eq!(pool.labels.len(), LabelPool::CAPACITY);
        assert_eq!(pool, LabelPool::default());
    }
}
