//! [`Slots`]: a dense slot per track id, so the engine hashes each track's id once per update
//! and keeps everything else about the track (memo, episodes) in a `Vec` indexed by slot. At
//! 5 000 tracks, SipHash over id strings — several lookups per track per rule — was most of the
//! engine's cost. Ids are hashed with FxHash (`rustc-hash`), several times cheaper than SipHash
//! on short keys: track ids come from our own tracker, so HashDoS resistance buys nothing here.
use rustc_hash::FxHashMap;

/// Track id → dense slot, with a value per slot; freed slots are reused.
#[derive(Debug, Clone)]
pub struct Slots<T> {
    index: FxHashMap<String, u32>,
    entries: Vec<Option<(String, T)>>,
    free: Vec<u32>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots { index: FxHashMap::default(), entries: Vec::new(), free: Vec::new() }
    }
}

impl<T> Slots<T> {
    /// The slot of `id`, taking a free one (value from `make`) for an id not seen before; the id
    /// is cloned only then.
    pub fn slot_or_insert(&mut self, id: &str, make: impl FnOnce() -> T) -> u32 {
        if let Some(&s) = self.index.get(id) {
            return s;
        }
        let entry = Some((id.to_owned(), make()));
        let s = match self.free.pop() {
            Some(s) => {
                self.entries[s as usize] = entry;
                s
            }
            None => {
                self.entries.push(entry);
                (self.entries.len() - 1) as u32
            }
        };
        self.index.insert(id.to_owned(), s);
        s
    }

    /// The value of a live slot.
    pub fn get(&self, slot: u32) -> Option<&T> {
        self.entries.get(slot as usize)?.as_ref().map(|(_, v)| v)
    }

    /// The value of a live slot, mutable.
    pub fn get_mut(&mut self, slot: u32) -> Option<&mut T> {
        self.entries.get_mut(slot as usize)?.as_mut().map(|(_, v)| v)
    }

    /// Every live slot: (slot, id, value), in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str, &T)> {
        self.entries.iter().enumerate().filter_map(|(i, e)| e.as_ref().map(|(id, v)| (i as u32, id.as_str(), v)))
    }

    /// Every live value, mutable, in slot order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.entries.iter_mut().filter_map(|e| e.as_mut().map(|(_, v)| v))
    }

    /// Keep the slots for which `keep` says so (it may edit them); free the others.
    pub fn retain(&mut self, mut keep: impl FnMut(&mut T) -> bool) {
        for (i, e) in self.entries.iter_mut().enumerate() {
            if let Some((id, v)) = e
                && !keep(v)
            {
                self.index.remove(id.as_str());
                *e = None;
                self.free.push(i as u32);
            }
        }
    }

    /// Number of live slots.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether no slot is live.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_keeps_its_slot_and_a_freed_slot_is_reused() {
        let mut s: Slots<u32> = Slots::default();
        let a = s.slot_or_insert("a", || 1);
        let b = s.slot_or_insert("b", || 2);
        assert_ne!(a, b);
        assert_eq!(s.slot_or_insert("a", || 99), a);
        assert_eq!(s.get(a), Some(&1));
        s.retain(|v| *v != 1);
        assert_eq!((s.get(a), s.len()), (None, 1));
        let c = s.slot_or_insert("c", || 3);
        assert_eq!(c, a, "the freed slot is reused");
        assert_eq!(
            s.iter().map(|(_, id, v)| (id.to_owned(), *v)).collect::<Vec<_>>(),
            [("c".into(), 3), ("b".into(), 2)]
        );
        assert_ne!(s.slot_or_insert("a", || 4), b, "a re-appearing id gets a fresh slot");
    }
}
