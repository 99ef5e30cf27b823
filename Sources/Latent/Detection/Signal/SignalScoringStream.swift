/// Scores a signal row by row with bounded memory: rows are scaled and averaged into
/// blocks, every window of blocks gets its discord distance at each scale, and a block's
/// score — shared by its rows — is emitted once every window that covers it is seen.
///
/// ```
/// score(block b) = Σ_s agg { w_s(k) : window k of term s covers b }       agg = mean | max
/// w_s(k)         = z_s(k) / median_cal(z_s) + raw_s(k) / median_cal(raw_s)    (distance .both)
/// ```
/// A term is a view (the level, or its first difference) at one window scale.
///
/// It keeps the last windows' blocks and scores only: O(longest window + stride) blocks
/// per channel and view, plus the references. ``SignalDetector/score(_:)`` computes the same
/// numbers for a whole file in parallel chunks; both compute every window from the same
/// inputs with the same operations, so the scores agree bit for bit.
public struct SignalScoringStream: Sendable {
    let model: SignalScoringModel
    private var pending: [Double]
    private var pendingRows = 0
    /// Per channel, blocks from absolute index `blockOffset`.
    private var blocks: [[Double]]
    /// Per channel, their first differences from the same index (empty when no term
    /// uses them).
    private var differences: [[Double]]
    /// Per channel, the last closed block (for the next difference), once there is one.
    private var lastBlock: [Double]
    private var hasLastBlock = false
    private var blockOffset = 0
    private(set) var blockCount = 0
    private var cursors: [DiscordCursor]
    /// Per scale, window scores from absolute window index `windowOffset[s]`.
    private var windowScores: [[Double]]
    private var windowOffset: [Int]
    private var emittedBlocks = 0
    private var finished = false

    /// Blocks held per channel now (for checking that memory stays bounded).
    public var retainedBlocks: Int { blocks[0].count }

    init(model: SignalScoringModel) {
        self.model = model
        let channels = model.mean.count
        pending = [Double](repeating: 0, count: channels)
        blocks = Array(repeating: [], count: channels)
        differences = Array(repeating: [], count: model.usesDifference ? channels : 0)
        lastBlock = [Double](repeating: 0, count: channels)
        cursors = model.references.map { DiscordCursor(reference: $0) }
        windowScores = Array(repeating: [], count: model.references.count)
        windowOffset = Array(repeating: 0, count: model.references.count)
    }

    /// Adds one row (one value per channel) and returns the scores of the rows that are
    /// now final, in order (each block's score repeated for its rows).
    public mutating func push(_ row: [Float]) -> [Float] {
        precondition(!finished && row.count == pending.count)
        for c in row.indices { pending[c] += (Double(row[c]) - model.mean[c]) / model.std[c] }
        pendingRows += 1
        guard pendingRows == model.blockSize else { return [] }
        closeBlock()
        return emit(upTo: blockCount - model.longestWindow + 1)
    }

    /// Ends the input: closes a partial last block and returns every remaining score.
    public mutating func finish() -> [Float] {
        guard !finished else { return [] }
        finished = true
        let partial = pendingRows
        if partial > 0 { closeBlock() }
        var out = emit(upTo: blockCount)
        if partial > 0 { out.removeLast(model.blockSize - partial) }
        return out
    }

    private mutating func closeBlock() {
        for c in pending.indices {
            let block = pending[c] / Double(pendingRows)
            blocks[c].append(block)
            if !differences.isEmpty { differences[c].append(hasLastBlock ? block - lastBlock[c] : 0) }
            lastBlock[c] = block
            pending[c] = 0
        }
        hasLastBlock = true
        pendingRows = 0
        blockCount += 1
        for s in cursors.indices {
            let m = model.references[s].m
            while true {
                let k = windowOffset[s] + windowScores[s].count
                let start = k * model.stride
                guard start + m <= blockCount else { break }
                let view = model.views[s] == .level ? blocks : differences
                let d = view.withWindow(from: start - blockOffset, length: m) {
                    cursors[s].next($0, index: k, stride: model.stride)
                }
                windowScores[s].append(model.windowScore(d, term: s))
            }
        }
    }

    /// Emits blocks `emittedBlocks ..< end`, then drops what no later block needs.
    private mutating func emit(upTo end: Int) -> [Float] {
        guard end > emittedBlocks else { return [] }
        var out: [Float] = []
        out.reserveCapacity((end - emittedBlocks) * model.blockSize)
        for b in emittedBlocks..<end {
            let score = Float(
                SignalScoringStream.blockScore(
                    b, model: model, windowScores: windowScores, windowOffset: windowOffset))
            out += repeatElement(score, count: model.blockSize)
        }
        emittedBlocks = end
        trim()
        return out
    }

    private mutating func trim() {
        // Blocks from the next window's start on; with a stride longer than the windows that
        // start can lie past the last block, and then nothing held is needed.
        let keepBlocks = min(
            blockCount,
            (0..<cursors.count).map { (windowOffset[$0] + windowScores[$0].count) * model.stride }.min()!)
        if keepBlocks - blockOffset > 4096 {
            let drop = keepBlocks - blockOffset
            for c in blocks.indices { blocks[c].removeFirst(drop) }
            for c in differences.indices { differences[c].removeFirst(drop) }
            blockOffset = keepBlocks
        }
        for s in windowScores.indices {
            let m = model.references[s].m
            let keep = max(0, (emittedBlocks - m + 1 + model.stride - 1) / model.stride)
            if keep - windowOffset[s] > 4096 {
                windowScores[s].removeFirst(keep - windowOffset[s])
                windowOffset[s] = keep
            }
        }
    }

    /// The score of block `b` from the window scores (`windowScores[s][k − offset[s]]`):
    /// the sum over scales of the mean (or max) over the covering windows that exist.
    static func blockScore(
        _ b: Int, model: SignalScoringModel, windowScores: [[Double]], windowOffset: [Int]
    ) -> Double {
        var total = 0.0
        for s in windowScores.indices {
            let m = model.references[s].m
            let stride = model.stride
            let first = max(0, b - m + 1 + stride - 1) / stride
            let last = min(b / stride, windowOffset[s] + windowScores[s].count - 1)
            guard last >= first else { continue }
            var sum = 0.0
            var top = -Double.infinity
            for k in first...last {
                let w = windowScores[s][k - windowOffset[s]]
                sum += w
                top = max(top, w)
            }
            total += model.aggregation == .mean ? sum / Double(last - first + 1) : top
        }
        return total
    }
}

extension Array where Element == [Double] {
    /// Calls `body` with channel-wise buffers of `self[c][from ..< from + length]`.
    func withWindow<R>(
        from: Int, length: Int, _ body: ([UnsafeBufferPointer<Double>]) -> R
    ) -> R {
        func nest(_ c: Int, _ acc: [UnsafeBufferPointer<Double>]) -> R {
            if c == count { return body(acc) }
            return self[c].withUnsafeBufferPointer {
                nest(c + 1, acc + [UnsafeBufferPointer(rebasing: $0[from..<(from + length)])])
            }
        }
        return nest(0, [])
    }
}
