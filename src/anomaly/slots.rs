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
    /// How many slots ahead [`Slots::retain_ahead`] looks.
    pub const AHEAD: usize = 16;

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

    /// [`Slots::slot_or_insert`], trying `hint` first: the slot `id` had at the same position of
    /// the previous update's track list. Trackers list their tracks in a stable order, so the
    /// hint is usually right and costs one comparison of ids, where the hash lookup's probe into
    /// the table was a cache miss per track (a tenth of the engine's own time at 5 000 tracks).
    /// A wrong or stale hint only falls back to the lookup: the slot is the same either way.
    pub fn slot_or_insert_hinted(&mut self, id: &str, hint: Option<u32>, make: impl FnOnce() -> T) -> u32 {
        if let Some(h) = hint
            && let Some(Some((known, _))) = self.entries.get(h as usize)
            && known == id
        {
            return h;
        }
        self.slot_or_insert(id, make)
    }

    /// [`prefetch`] every cache line of a slot (live or not; any number): the per-track passes
    /// ask for the slot a few tracks ahead of the one whose pointers they [`prefetch`], which in
    /// turn is ahead of the one they work on (a slot is several cache lines, and with thousands
    /// of them the hardware's own prefetching did not keep up).
    #[inline]
    pub fn prefetch_slot(&self, slot: u32) {
        let p = self.entries.as_ptr().wrapping_add(slot as usize).cast::<u8>();
        let size = size_of::<Option<(String, T)>>();
        for off in (0..size).step_by(64) {
            prefetch(p.wrapping_add(off));
        }
        prefetch(p.wrapping_add(size.saturating_sub(1)));
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
    pub fn retain(&mut self, keep: impl FnMut(&mut T) -> bool) {
        self.retain_ahead(|_| {}, keep);
    }

    /// [`Slots::retain`], calling `ahead` with the value [`Slots::AHEAD`] slots further on
    /// before `keep` with each (to [`prefetch`] what `keep` will read behind pointers).
    pub fn retain_ahead(&mut self, ahead: impl Fn(&T), mut keep: impl FnMut(&mut T) -> bool) {
        for i in 0..self.entries.len() {
            self.prefetch_slot((i + 2 * Self::AHEAD) as u32);
            if let Some(Some((_, v))) = self.entries.get(i + Self::AHEAD) {
                ahead(v);
            }
            if let Some((id, v)) = &mut self.entries[i]
                && !keep(v)
            {
                self.index.remove(id.as_str());
                self.entries[i] = None;
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

/// Ask the CPU to start loading the cache line at `p`, and nothing else. What the engine keeps
/// per track behind pointers (sample rings, episode lists) is scattered over the heap: at 5 000
/// tracks, waiting for it one track after another was a large share of the update; asked for a
/// few tracks ahead, the loads overlap with the work on the tracks before.
#[inline(always)]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` is a hint: it never faults, whatever the address, and changes nothing
    // the program can observe.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
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

    #[test]
    fn a_hint_gives_the_slot_the_lookup_gives_right_wrong_or_stale() {
        let mut s: Slots<u32> = Slots::default();
        let (a, b) = (s.slot_or_insert("a", || 1), s.slot_or_insert("b", || 2));
        assert_eq!(s.slot_or_insert_hinted("a", Some(a), || 9), a);
        assert_eq!(s.slot_or_insert_hinted("a", Some(b), || 9), a, "a wrong hint");
        assert_eq!(s.slot_or_insert_hinted("b", Some(77), || 9), b, "a hint past the end");
        assert_eq!(s.slot_or_insert_hinted("b", None, || 9), b);
        s.retain(|v| *v != 1);
        let c = s.slot_or_insert_hinted("c", Some(a), || 3);
        assert_eq!((c, s.get(c)), (a, Some(&3)), "a freed slot, reused for a new id");
        let a2 = s.slot_or_insert_hinted("a", Some(a), || 4);
        assert!(a2 != a && a2 != b && s.get(a2) == Some(&4), "a stale hint: the slot now holds another id");
        assert_eq!(s.len(), 3);
    }
}
