import CLatentSystem

/// The heap buffer behind a ``Tensor``: a fixed number of 64-byte aligned `Float`s.
///
/// Storage is a reference type so tensors can share it cheaply; ``Tensor`` copies it
/// before any mutation when it is shared (copy on write), which gives tensors value
/// semantics.
final class TensorStorage {
    let count: Int
    let pointer: UnsafeMutablePointer<Float>
    /// The storage a view reads into (kept alive by it), or nil when this one owns its floats.
    private let owner: TensorStorage?

    /// Whether these floats belong to another storage: ``Tensor`` then copies before any
    /// mutation, even when this object is uniquely referenced.
    var isView: Bool { owner != nil }

    /// Allocates uninitialised storage; callers must write every element.
    init(uninitializedCount count: Int) {
        precondition(count >= 0, "A tensor cannot have a negative number of elements.")
        if count >= 1 << 14 { _ = TensorStorage.allocatorTuned }
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        self.pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        self.owner = nil
    }

    /// `count` floats of `owner` from `offset`, not copied (not 64-byte aligned in general).
    init(viewing owner: TensorStorage, offset: Int, count: Int) {
        precondition(offset >= 0 && count >= 0 && offset + count <= owner.count, "A view must lie inside its storage.")
        self.count = count
        self.pointer = owner.pointer + offset
        self.owner = owner.owner ?? owner
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
        if owner == nil { UnsafeMutableRawPointer(pointer).deallocate() }
    }
}
