//! The client wasm's allocator: a bump allocator that starts over whenever nothing is live.
//!
//! The client's wasm keeps no state between calls: every export frees what it allocated,
//! and the host frees the string an export returns right after copying it. So between two
//! calls nothing is live, and the next call can reuse the whole heap. Within a call,
//! allocating is a pointer bump and freeing is a counter decrement (the last block is given
//! back at once, so a growing `String` or `Vec` at the top extends in place).
//!
//! Why not a free list: lol_alloc's free list keeps freed blocks sorted, so each free walked
//! the list and decoding a large body was quadratic (a 30 MB page: 3.5 s, 0.9 s of it in
//! `dealloc`). Why not dlmalloc: ~7 KB of wasm. The price is peak memory: memory freed in
//! the middle of a call is reused only after it; the host replaces the instance when a call
//! has grown the memory past a threshold (`js/runtime.js`), which gives the memory back.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32::{memory_grow, memory_size};
use core::cell::Cell;

const PAGE: usize = 65_536;

pub struct Bump {
    /// Where the heap starts (the end of the memory the module came with); 0 before the first use.
    start: Cell<usize>,
    next: Cell<usize>,
    end: Cell<usize>,
    live: Cell<usize>,
}

impl Bump {
    pub const fn new() -> Bump {
        Bump {
            start: Cell::new(0),
            next: Cell::new(0),
            end: Cell::new(0),
            live: Cell::new(0),
        }
    }

    /// Makes `[next, upto)` addressable: grows the memory by at least what is missing and,
    /// for fewer grow calls on large bodies, by as much as the heap already has when possible.
    fn reserve(&self, upto: usize) -> bool {
        let end = self.end.get();
        if upto <= end {
            return true;
        }
        let need = (upto - end).div_ceil(PAGE);
        let more = need.max((end - self.start.get()) / PAGE);
        for pages in [more, need] {
            if memory_grow(0, pages) != usize::MAX {
                self.end.set(end + pages * PAGE);
                return true;
            }
        }
        false
    }
}

// SAFETY: wasm32 without threads: the allocator is never used from two threads.
#[allow(unsafe_code)]
unsafe impl Sync for Bump {}

#[allow(unsafe_code)]
// SAFETY: every block handed out lies in linear memory that `reserve` made addressable,
// is aligned as asked and is not handed out again while live (blocks are only reused after
// the live count drops to zero, or when the freed block is the last one handed out).
unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.end.get() == 0 {
            let base = memory_size(0) * PAGE;
            self.start.set(base);
            self.next.set(base);
            self.end.set(base);
        }
        let align = layout.align();
        let Some(at) = self
            .next
            .get()
            .checked_add(align - 1)
            .map(|n| n & !(align - 1))
        else {
            return core::ptr::null_mut();
        };
        let Some(upto) = at.checked_add(layout.size()) else {
            return core::ptr::null_mut();
        };
        if !self.reserve(upto) {
            return core::ptr::null_mut();
        }
        self.next.set(upto);
        self.live.set(self.live.get() + 1);
        at as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let live = self.live.get().saturating_sub(1);
        self.live.set(live);
        if live == 0 {
            self.next.set(self.start.get());
        } else if ptr as usize + layout.size() == self.next.get() {
            self.next.set(ptr as usize);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The last block grows (or shrinks) in place: a String or Vec being filled.
        if ptr as usize + layout.size() == self.next.get() {
            let Some(upto) = (ptr as usize).checked_add(new_size) else {
                return core::ptr::null_mut();
            };
            if self.reserve(upto) {
                self.next.set(upto);
                return ptr;
            }
            return core::ptr::null_mut();
        }
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return core::ptr::null_mut();
        };
        // SAFETY: as GlobalAlloc::realloc's default: a fresh block, the old contents copied,
        // the old block freed.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}
