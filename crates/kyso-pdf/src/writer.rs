//! Objects written by an incremental update.

use crate::object::{ObjRef, Object};

/// The new (or replaced) objects of one incremental update, numbered from the first free
/// object number of the document being updated.
#[derive(Debug)]
pub struct NewObjects {
    next: u32,
    objects: Vec<(ObjRef, Option<Object>)>,
}

impl NewObjects {
    /// Starts numbering new objects at `first_free` (the trailer's /Size).
    pub fn new(first_free: u32) -> Self {
        Self {
            next: first_free,
            objects: Vec::new(),
        }
    }

    /// Reserves a number for an object whose body comes later through [`NewObjects::set`].
    pub fn reserve(&mut self) -> ObjRef {
        let r = ObjRef::new(self.next);
        self.next += 1;
        self.objects.push((r, None));
        r
    }

    /// Adds a new object and returns its reference.
    pub fn add(&mut self, object: Object) -> ObjRef {
        let r = self.reserve();
        self.set(r, object);
        r
    }

    /// Sets the body of a reserved object, or replaces an existing object of the document
    /// being updated (an override in the incremental update).
    pub fn set(&mut self, r: ObjRef, object: Object) {
        match self.objects.iter_mut().find(|(existing, _)| *existing == r) {
            Some(slot) => slot.1 = Some(object),
            None => self.objects.push((r, Some(object))),
        }
    }

    /// The number the next new object would get; the new trailer's /Size.
    pub fn next_free(&self) -> u32 {
        self.next
    }

    /// Every object with a body, in the order added. Reserved objects never set are left out.
    pub fn iter(&self) -> impl Iterator<Item = (ObjRef, &Object)> {
        self.objects
            .iter()
            .filter_map(|(r, o)| o.as_ref().map(|o| (*r, o)))
    }
}
