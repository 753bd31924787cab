/// A fixed-size, zero-initialised block of floats owned by one layer or worker; freed on deinit.
/// Training code works on its pointer so inner loops never touch Array bookkeeping.
final class FloatBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    func zero() { pointer.update(repeating: 0, count: count) }
}

/// Same for the int32 indices max pooling remembers.
final class IndexBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int32>

    init(count: Int) {
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }
}

/// A raw pointer handed to worker threads. Each worker writes only its own indices, and the
/// caller waits for all of them (`concurrentPerform`) before reading, so sharing is race-free.
struct SharedPointer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Element>

    init(_ buffer: UnsafeBufferPointer<Element>) { pointer = UnsafeMutablePointer(mutating: buffer.baseAddress!) }

    /// A zero-filled allocation the caller frees.
    init(count: Int) where Element: Numeric {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    func free() { pointer.deallocate() }

    subscript(index: Int) -> Element {
        get { pointer[index] }
        nonmutating set { pointer[index] = newValue }
    }
}
