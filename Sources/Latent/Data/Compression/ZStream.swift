import CZlib

/// One zlib stream, started for inflating or deflating and ended when released.
///
/// zlib checks that a stream keeps its address between calls, so the `z_stream` lives in
/// its own allocation rather than in a Swift value that may move.
final class ZStream {
    /// What the stream does, and its window bits: 16 + MAX_WBITS for a gzip wrapper,
    /// −MAX_WBITS for a raw deflate stream (ZIP members).
    enum Mode {
        case inflate(windowBits: Int32)
        case deflate(level: Int32, windowBits: Int32)
    }

    let pointer: UnsafeMutablePointer<z_stream>
    private let mode: Mode

    /// Starts the stream; returns nil, with zlib's status in `status`, when zlib cannot.
    init?(_ mode: Mode, status: inout Int32) {
        self.mode = mode
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
        let size = Int32(MemoryLayout<z_stream>.size)
        switch mode {
        case .inflate(let windowBits):
            status = inflateInit2_(pointer, windowBits, zlibVersion(), size)
        case .deflate(let level, let windowBits):
            status = deflateInit2_(pointer, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(), size)
        }
        guard status == Z_OK else {
            pointer.deinitialize(count: 1)
            pointer.deallocate()
            return nil
        }
    }

    deinit {
        switch mode {
        case .inflate: inflateEnd(pointer)
        case .deflate: deflateEnd(pointer)
        }
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}
