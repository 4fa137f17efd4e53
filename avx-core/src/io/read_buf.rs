//! `ReadBuf`: a byte buffer that is filled from the front and may start uninitialised, so
//! readers can write straight into spare capacity without zeroing it first.

use core::fmt;
use core::mem::MaybeUninit;

/// A buffer being read into, in three regions: `[filled | initialised, unfilled | uninitialised]`.
///
/// Invariant: `filled <= initialized <= buf.len()`, and the first `initialized` bytes of `buf`
/// hold initialised values.
pub struct ReadBuf<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    filled: usize,
    initialized: usize,
}

impl<'a> ReadBuf<'a> {
    /// A buffer over initialised memory; nothing is filled yet.
    pub fn new(buf: &'a mut [u8]) -> ReadBuf<'a> {
        let initialized = buf.len();
        // SAFETY: `u8` and `MaybeUninit<u8>` have the same layout, and the slice is only
        // ever written with initialised bytes through this view (`initialized` starts at the
        // full length, so no code path de-initialises it).
        let buf = unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };
        ReadBuf { buf, filled: 0, initialized }
    }

    /// A buffer over memory that may be uninitialised.
    pub fn uninit(buf: &'a mut [MaybeUninit<u8>]) -> ReadBuf<'a> {
        ReadBuf { buf, filled: 0, initialized: 0 }
    }

    /// The total size of the buffer.
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// The bytes read so far.
    pub fn filled(&self) -> &[u8] {
        // SAFETY: the first `filled` bytes are initialised (invariant: filled <= initialized).
        unsafe { slice_assume_init(&self.buf[..self.filled]) }
    }

    /// The bytes read so far, mutably.
    pub fn filled_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `filled`, and writes through `&mut [u8]` keep them initialised.
        unsafe { slice_assume_init_mut(&mut self.buf[..self.filled]) }
    }

    /// A new `ReadBuf` over the first `n` unfilled bytes of this one (fewer if there are not
    /// that many). What is read into it is not counted here until `advance`/`set_filled`.
    pub fn take(&mut self, n: usize) -> ReadBuf<'_> {
        let max = n.min(self.remaining());
        // SAFETY: the view only exposes bytes that are unfilled; the new buffer starts with
        // none of them counted as initialised, so it never reads them before writing.
        let unfilled = unsafe { &mut self.unfilled_mut()[..max] };
        ReadBuf::uninit(unfilled)
    }

    /// The initialised part of the buffer (filled bytes and beyond).
    pub fn initialized(&self) -> &[u8] {
        // SAFETY: the first `initialized` bytes are initialised (type invariant).
        unsafe { slice_assume_init(&self.buf[..self.initialized]) }
    }

    /// The initialised part of the buffer, mutably.
    pub fn initialized_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `initialized`; writes through `&mut [u8]` keep the bytes initialised.
        unsafe { slice_assume_init_mut(&mut self.buf[..self.initialized]) }
    }

    /// The whole buffer, whatever its state.
    ///
    /// # Safety
    /// The caller must not de-initialise bytes that are counted as initialised (write
    /// `MaybeUninit::uninit()` into the first `initialized().len()` bytes).
    pub unsafe fn inner_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        self.buf
    }

    /// The part after the filled bytes, possibly uninitialised.
    ///
    /// # Safety
    /// The caller must not de-initialise bytes that are counted as initialised.
    pub unsafe fn unfilled_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        &mut self.buf[self.filled..]
    }

    /// The unfilled part, zeroing whatever of it is not initialised yet.
    pub fn initialize_unfilled(&mut self) -> &mut [u8] {
        self.initialize_unfilled_to(self.remaining())
    }

    /// The first `n` unfilled bytes, zeroing those not initialised yet.
    ///
    /// # Panics
    /// If fewer than `n` bytes remain.
    #[track_caller]
    pub fn initialize_unfilled_to(&mut self, n: usize) -> &mut [u8] {
        assert!(self.remaining() >= n, "ReadBuf::initialize_unfilled_to: n ({n}) > remaining ({})", self.remaining());
        let end = self.filled + n;
        if self.initialized < end {
            for byte in &mut self.buf[self.initialized..end] {
                byte.write(0);
            }
            self.initialized = end;
        }
        // SAFETY: bytes up to `end` are initialised now (just zeroed, or already were).
        unsafe { slice_assume_init_mut(&mut self.buf[self.filled..end]) }
    }

    /// How many bytes can still be read into the buffer.
    pub fn remaining(&self) -> usize {
        self.capacity() - self.filled
    }

    /// Forgets the filled bytes (they stay initialised).
    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// Counts `n` more bytes as filled.
    ///
    /// # Panics
    /// If that would count bytes that are not initialised.
    #[track_caller]
    pub fn advance(&mut self, n: usize) {
        let filled = self.filled.checked_add(n).expect("ReadBuf::advance: filled overflows");
        self.set_filled(filled);
    }

    /// Sets how many bytes are filled.
    ///
    /// # Panics
    /// If `n` exceeds the initialised part.
    #[track_caller]
    pub fn set_filled(&mut self, n: usize) {
        assert!(n <= self.initialized, "ReadBuf::set_filled: filled ({n}) beyond initialised ({})", self.initialized);
        self.filled = n;
    }

    /// Counts the first `n` unfilled bytes as initialised (after writing them through
    /// `unfilled_mut`).
    ///
    /// # Safety
    /// Those `n` bytes must have been initialised.
    pub unsafe fn assume_init(&mut self, n: usize) {
        let end = self.filled + n;
        if end > self.initialized {
            self.initialized = end;
        }
    }

    /// Appends `data` to the filled bytes.
    ///
    /// # Panics
    /// If `data` does not fit in what remains.
    #[track_caller]
    pub fn put_slice(&mut self, data: &[u8]) {
        assert!(
            self.remaining() >= data.len(),
            "ReadBuf::put_slice: {} bytes do not fit in {}",
            data.len(),
            self.remaining()
        );
        let end = self.filled + data.len();
        // SAFETY: `MaybeUninit<u8>` and `u8` share a layout and the ranges are the same length;
        // writing initialised bytes never breaks the invariant.
        let dst = unsafe { &mut *(&mut self.buf[self.filled..end] as *mut [MaybeUninit<u8>] as *mut [u8]) };
        dst.copy_from_slice(data);
        if self.initialized < end {
            self.initialized = end;
        }
        self.filled = end;
    }
}

/// # Safety
/// Every byte of `slice` must be initialised.
unsafe fn slice_assume_init(slice: &[MaybeUninit<u8>]) -> &[u8] {
    // SAFETY: same layout; the caller promises the bytes are initialised.
    unsafe { &*(slice as *const [MaybeUninit<u8>] as *const [u8]) }
}

/// # Safety
/// Every byte of `slice` must be initialised.
unsafe fn slice_assume_init_mut(slice: &mut [MaybeUninit<u8>]) -> &mut [u8] {
    // SAFETY: same layout; the caller promises the bytes are initialised, and `&mut [u8]`
    // can only write initialised values back.
    unsafe { &mut *(slice as *mut [MaybeUninit<u8>] as *mut [u8]) }
}

impl fmt::Debug for ReadBuf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadBuf")
            .field("filled", &self.filled)
            .field("initialized", &self.initialized)
            .field("capacity", &self.capacity())
            .finish()
    }
}

/// `bytes::BufMut` over the unfilled part, so `BufMut` helpers can fill a `ReadBuf`.
#[cfg(feature = "bytes")]
// SAFETY: `chunk_mut` returns exactly the unfilled bytes, and `advance_mut` only counts bytes
// the caller promises (per `BufMut`'s contract) it wrote, so they are initialised.
unsafe impl bytes::BufMut for ReadBuf<'_> {
    fn remaining_mut(&self) -> usize {
        self.remaining()
    }

    unsafe fn advance_mut(&mut self, cnt: usize) {
        // SAFETY: `BufMut`'s contract: the caller initialised the first `cnt` bytes of the chunk.
        unsafe { self.assume_init(cnt) };
        self.advance(cnt);
    }

    fn chunk_mut(&mut self) -> &mut bytes::buf::UninitSlice {
        // SAFETY: the chunk is only written through `UninitSlice`, which never de-initialises.
        let unfilled = unsafe { self.unfilled_mut() };
        bytes::buf::UninitSlice::uninit(unfilled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filling_initialised_memory_counts_only_what_was_put() {
        let mut storage = [7u8; 8];
        let mut buf = ReadBuf::new(&mut storage);
        assert_eq!((buf.capacity(), buf.remaining(), buf.initialized().len()), (8, 8, 8));
        buf.put_slice(b"abc");
        assert_eq!(buf.filled(), b"abc");
        buf.advance(2);
        assert_eq!(buf.filled(), b"abc\x07\x07");
        buf.clear();
        assert_eq!(buf.filled(), b"");
    }

    #[test]
    fn uninitialised_memory_is_zeroed_before_it_is_exposed() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 6];
        let mut buf = ReadBuf::uninit(&mut storage);
        assert_eq!(buf.initialized().len(), 0);
        let part = buf.initialize_unfilled_to(4);
        assert_eq!(part, &[0, 0, 0, 0]);
        part[0] = 9;
        buf.advance(1);
        assert_eq!(buf.filled(), &[9]);
        assert_eq!(buf.initialized().len(), 4);
        assert_eq!(buf.initialize_unfilled().len(), 5);
        assert_eq!(buf.initialized().len(), 6);
    }

    #[test]
    #[should_panic(expected = "beyond initialised")]
    fn counting_uninitialised_bytes_as_filled_panics() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 4];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.advance(1);
    }

    #[test]
    fn a_taken_part_writes_into_the_unfilled_bytes() {
        let mut storage = [0u8; 8];
        let mut buf = ReadBuf::new(&mut storage);
        buf.put_slice(b"ab");
        let mut part = buf.take(3);
        assert_eq!(part.capacity(), 3);
        part.put_slice(b"xyz");
        // SAFETY: the three bytes were just written through `part`.
        unsafe { buf.assume_init(3) };
        buf.advance(3);
        assert_eq!(buf.filled(), b"abxyz");
        assert_eq!(buf.take(100).capacity(), 3);
    }

    #[test]
    #[should_panic(expected = "do not fit")]
    fn putting_more_than_remains_panics() {
        let mut storage = [0u8; 2];
        ReadBuf::new(&mut storage).put_slice(b"abc");
    }
}
