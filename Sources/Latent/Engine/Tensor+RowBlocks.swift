import CLatentSupport

extension Tensor {
    /// `body` applied to blocks of rows (the first axis), the results stacked back in
    /// order: for inference, where a row's result depends on that row only.
    ///
    /// A block is small enough that a model's activations stay in the core's cache (a
    /// 4096-row batch of the conv denoiser otherwise writes 200 MB per layer, mostly page
    /// faults and memory traffic), and the threads take whole blocks, so the ops inside
    /// run on one thread each without meeting at every layer. Inference is row-invariant
    /// (``RowInvariantGEMM``, per-image convolutions, per-element kernels), so the result
    /// has the same bits as `body(self)`; the tests check it.
    ///
    /// While gradients are recorded it simply returns `body(self)`.
    ///
    /// - Parameters:
    ///   - rowsPerBlock: rows per call of `body`; by default about 64 KB of input per block.
    ///   - body: maps `[r, …]` to `[r, …]` (the same trailing shape for every block).
    public func mapRowBlocks(rowsPerBlock: Int? = nil, _ body: (Tensor) -> Tensor) -> Tensor {
        let n = shape.first ?? 0
        let rowSize = count / Swift.max(n, 1)
        let perBlock = Swift.max(1, rowsPerBlock ?? Self.defaultRowsPerBlock(rowSize: rowSize))
        guard !GradientMode.isRecording, rank >= 1, n > perBlock else { return body(self) }
        let blocks = (n + perBlock - 1) / perBlock
        let results = UnsafeMutableBufferPointer<Tensor?>.allocate(capacity: blocks)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        let workers = Swift.min(Engine.threadCount, blocks)
        Engine.parallelChunks(workers) { w in
            // Worker threads do not see the caller's task-local gradient mode.
            let previous = latent_thread_set_serial(1)
            defer { latent_thread_set_serial(previous) }
            withoutGradients {
                var b = w
                while b < blocks {
                    let lower = b * perBlock
                    results[b] = body(rows(lower..<Swift.min(n, lower + perBlock)))
                    b += workers
                }
            }
        }
        let first = results[0]!
        let trailing = Array(first.shape.dropFirst())
        let outRow = first.count / Swift.max(first.shape.first ?? 1, 1)
        return Tensor(shape: [n] + trailing) { out in
            var offset = 0
            for b in 0..<blocks {
                let part = results[b]!
                let expected = Swift.min(n, (b + 1) * perBlock) - b * perBlock
                precondition(part.shape.first == expected && Array(part.shape.dropFirst()) == trailing,
                             "mapRowBlocks: block \(b) gave shape \(part.shape), expected [\(expected)] + \(trailing).")
                (out.baseAddress! + offset).update(from: part.storage.pointer, count: part.count)
                offset += expected * outRow
            }
        }
    }

    /// About 64 KB of input per block, at least 8 rows and at most 256.
    static func defaultRowsPerBlock(rowSize: Int) -> Int {
        return Swift.min(256, Swift.max(8, (1 << 14) / Swift.max(rowSize, 1)))
    }
}
