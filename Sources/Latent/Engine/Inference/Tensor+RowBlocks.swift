import CLatentSystem
import Dispatch

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
    ///   - rowsPerBlock: at most this many rows per call of `body` (fewer, to give every thread as many blocks); by default ``rowsPerBlock(rowSize:expansion:)``
    ///     for a dense model (a convolutional one should pass its expansion).
    ///   - body: maps `[r, …]` to `[r, …]` (the same trailing shape for every block).
    public func mapRowBlocks(rowsPerBlock: Int? = nil, _ body: (Tensor) -> Tensor) -> Tensor {
        let n = shape.first ?? 0
        let rowSize = count / Swift.max(n, 1)
        var perBlock = Swift.max(1, rowsPerBlock ?? Self.defaultRowsPerBlock(rowSize: rowSize))
        guard !GradientMode.isRecording, rank >= 1, n > perBlock else { return body(self) }
        var blocks = (n + perBlock - 1) / perBlock
        let workers = Swift.min(Engine.workerCount, blocks)
        // As many blocks for every thread (smaller ones if need be): 13 blocks on 2 threads
        // left one idle for a twelfth of the batch (fashion-ae, 4096 rows of 334).
        let balanced = (blocks + workers - 1) / workers * workers
        if balanced != blocks {
            perBlock = (n + balanced - 1) / balanced
            blocks = (n + perBlock - 1) / perBlock
        }
        let results = UnsafeMutableBufferPointer<Tensor?>.allocate(capacity: blocks)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        BLAS.useThreads(1)  // the blocks' GEMMs run on their own thread
        // One part per block: the threads claim blocks as they come free, so a thread that
        // the scheduler holds back (a busy machine) leaves its blocks to the others; how
        // many threads take part is measured per shape (RowBlockThreads).
        let key = RowBlockThreads.Key(rowSize: rowSize, parallel: workers)
        let threads = workers > 1 ? RowBlockThreads.next(key) : 1
        let started = DispatchTime.now().uptimeNanoseconds
        defer {
            if workers > 1 {
                RowBlockThreads.record(
                    key, threads: threads, rows: n,
                    seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            }
        }
        Engine.parallelChunks(blocks, threads: threads) { b in
            // Worker threads do not see the caller's task-local gradient mode.
            let previous = latent_thread_set_serial(1)
            defer { latent_thread_set_serial(previous) }
            withoutGradients {
                let lower = b * perBlock
                results[b] = body(rowView(lower..<Swift.min(n, lower + perBlock)))
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
                precondition(
                    part.shape.first == expected && Array(part.shape.dropFirst()) == trailing,
                    "mapRowBlocks: block \(b) gave shape \(part.shape), expected [\(expected)] + \(trailing).")
                (out.baseAddress! + offset).update(from: part.storage.pointer, count: part.count)
                offset += expected * outRow
            }
        }
    }

    /// Rows `range` without copying them (a view: writing into it copies first), for
    /// inference; no gradient flows through it.
    func rowView(_ range: Range<Int>) -> Tensor {
        precondition(
            rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
            "Rows \(range) are out of range for shape \(shape).")
        let rowSize = count / Swift.max(shape[0], 1)
        var viewShape = shape
        viewShape[0] = range.count
        return Tensor(
            shape: viewShape,
            storage: TensorStorage(
                viewing: storage, offset: range.lowerBound * rowSize,
                count: range.count * rowSize))
    }

    /// Rows per block for a model whose largest activation is `expansion` times its
    /// input: about 1 MB of that activation per block, at least 8 rows and at most 512.
    ///
    /// Measured on the lessons' models (2 cores, 2 MB L2 each): dense models score
    /// fastest with a few hundred rows per block (the GEMMs want tall tiles), the conv
    /// denoiser (16 channels at full size: expansion 16) with about 20 images; 4096-row
    /// blocks ran the denoiser 3–6× slower.
    public static func rowsPerBlock(rowSize: Int, expansion: Int = 1) -> Int {
        Swift.min(512, Swift.max(8, (1 << 18) / Swift.max(rowSize * Swift.max(expansion, 1), 1)))
    }

    static func defaultRowsPerBlock(rowSize: Int) -> Int { rowsPerBlock(rowSize: rowSize) }
}
