import CLatentSupport

/// The heap buffer behind a ``Tensor``: a fixed number of 64-byte aligned `Float`s.
///
/// Storage is a reference type so tensors can share it cheaply; ``Tensor`` copies it
/// before any mutation when it is shared (copy on write), which gives tensors value
/// semantics.
final class TensorStorage {
    let count: Int
    let pointer: UnsafeMutablePointer<Float>

    /// Allocates uninitialised storage; callers must write every element.
    init(uninitializedCount count: Int) {
        precondition(count >= 0, "A tensor cannot have a negative number of elements.")
        if count >= 1 << 14 { _ = TensorStorage.allocatorTuned }
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        self.pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    func copy() -> TensorStorage {
        let other = TensorStorage(uninitializedCount: count)
        other.pointer.update(from: pointer, count: count)
        return other
    }

    /// Tensors of 64 KB and more first tune the allocator (``latent_tune_allocator``).
    private static let allocatorTuned: Void = latent_tune_allocator()

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
