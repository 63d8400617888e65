//! Fixed-capacity ring buffer of `f64`, the window store of the windowed streaming states.

/// Ring buffer holding the last `capacity` pushed values.
#[derive(Debug, Clone)]
pub(crate) struct Ring {
    buf: Vec<f64>,
    /// Next write position; when full, also the position of the oldest value.
    head: usize,
    len: usize,
}

impl Ring {
    /// An empty ring; `capacity` is clamped to at least 1.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            buf: vec![0.0; capacity.max(1)],
            head: 0,
            len: 0,
        }
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub(crate) fn is_full(&self) -> bool {
        self.len == self.buf.len()
    }

    /// The oldest value (the next one a push evicts when full); 0.0 when empty.
    #[inline]
    pub(crate) fn oldest(&self) -> f64 {
        if self.is_full() {
            self.buf[self.head]
        } else {
            self.buf[0]
        }
    }

    /// The most recently pushed value; 0.0 when empty.
    #[inline]
    pub(crate) fn newest(&self) -> f64 {
        let i = if self.head == 0 {
            self.buf.len() - 1
        } else {
            self.head - 1
        };
        if self.len == 0 { 0.0 } else { self.buf[i] }
    }

    /// Appends `x`, evicting the oldest value when full.
    #[inline]
    pub(crate) fn push(&mut self, x: f64) {
        self.buf[self.head] = x;
        self.head += 1;
        if self.head == self.buf.len() {
            self.head = 0;
        }
        if self.len < self.buf.len() {
            self.len += 1;
        }
    }

    /// The stored values, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = f64> + Clone + '_ {
        let (a, b) = if self.is_full() {
            (&self.buf[self.head..], &self.buf[..self.head])
        } else {
            (&self.buf[..self.len], &self.buf[..0])
        };
        a.iter().chain(b).copied()
    }

    /// Empties the ring (capacity unchanged).
    pub(crate) fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_values_oldest_first() {
        let mut r = Ring::new(3);
        assert_eq!(r.len(), 0);
        r.push(1.0);
        r.push(2.0);
        assert!(!r.is_full());
        assert_eq!(r.oldest(), 1.0);
        assert_eq!(r.newest(), 2.0);
        assert_eq!(r.iter().collect::<Vec<_>>(), vec![1.0, 2.0]);
        r.push(3.0);
        r.push(4.0);
        assert!(r.is_full());
        assert_eq!(r.oldest(), 2.0);
        assert_eq!(r.newest(), 4.0);
        assert_eq!(r.iter().collect::<Vec<_>>(), vec![2.0, 3.0, 4.0]);
        r.clear();
        assert_eq!(r.len(), 0);
        let mut one = Ring::new(1);
        one.push(5.0);
        one.push(6.0);
        assert_eq!((one.oldest(), one.newest()), (6.0, 6.0));
    }
}
