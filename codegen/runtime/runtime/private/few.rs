//! `Few`: a list whose first items stand in place, for the short lists decoding keeps per
//! object (members before a union's tag, properties sent in a form their field cannot say),
//! which usually hold a handful or none, so that they cost no allocation of their own.

/// How many items stand in place.
const IN_PLACE: usize = 4;

/// Items in the order pushed: the first [`IN_PLACE`] in place, any more on the heap. An item
/// can be taken out by its position, leaving the others where they are.
pub(crate) struct Few<T> {
    first: [Option<T>; IN_PLACE],
    more: Vec<Option<T>>,
    len: usize,
}

impl<T> Default for Few<T> {
    fn default() -> Self {
        Few { first: std::array::from_fn(|_| None), more: Vec::new(), len: 0 }
    }
}

impl<T: Clone> Clone for Few<T> {
    fn clone(&self) -> Self {
        Few { first: self.first.clone(), more: self.more.clone(), len: self.len }
    }
}

impl<T> Few<T> {
    pub(crate) fn push(&mut self, item: T) {
        match self.first.get_mut(self.len) {
            Some(slot) => *slot = Some(item),
            None => self.more.push(Some(item)),
        }
        self.len += 1;
    }

    /// How many were pushed, taken ones included.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The item at `at`, out of the list; `None` past the end or once taken.
    pub(crate) fn take(&mut self, at: usize) -> Option<T> {
        match self.first.get_mut(at) {
            Some(slot) => slot.take(),
            None => self.more.get_mut(at - IN_PLACE)?.take(),
        }
    }

    /// The items not taken, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.first.iter().chain(&self.more).flatten()
    }
}
