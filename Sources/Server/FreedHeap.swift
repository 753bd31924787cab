/// The heap pages a burst of work freed: loading (decompressed files, raw tensors dropped after
/// packing, replaced models after a reload: about 340 kB at start) or the answers queued for a
/// client that was held back. glibc keeps them mapped after `free`, and an idle daemon's resident
/// size is what a small device pays for it.
public enum FreedHeap {
    /// Hands the freed pages back to the kernel (a no-op without glibc).
    public static func returnToSystem() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if canImport(Glibc)
@_silgen_name("malloc_trim") private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
