//! Shared labels for the texts a simulator stores on every order: a signal's reason and
//! scenario, a close's reason. They repeat (a strategy has a handful), so each distinct text
//! is allocated once and every position, trade and exit shares it.

use omega_core::Label;

/// Distinct texts kept; further texts get a label of their own each time (free-form
/// reasons must not make the lookup slow).
const CAPACITY: usize = 32;

/// The texts seen so far, in first-seen order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LabelTable {
    labels: Vec<Label>,
}

impl LabelTable {
    /// A label reading `text`: the shared one when `text` was seen before.
    pub(crate) fn get(&mut self, text: &str) -> Label {
        if let Some(label) = self.labels.iter().find(|l| l.as_str() == text) {
            return label.clone();
        }
        let label = Label::from(text);
        if self.labels.len() < CAPACITY {
            self.labels.push(label.clone());
        }
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_texts_share_one_label_up_to_the_capacity() {
        let mut table = LabelTable::default();
        let a = table.get("exit_z");
        let b = table.get("exit_z");
        assert_eq!((a.as_str(), b.as_str()), ("exit_z", "exit_z"));
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        for k in 0..2 * CAPACITY {
            assert_eq!(table.get(&k.to_string()).as_str(), k.to_string());
        }
        assert_eq!(table.labels.len(), CAPACITY);
    }
}
