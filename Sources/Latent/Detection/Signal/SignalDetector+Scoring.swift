import Foundation

extension SignalDetector {
    /// Scales a signal and averages it in blocks of `blockSize` rows, channel-major; a
    /// partial last block averages the rows it has. Returns the blocks and the number of
    /// rows of the last block. The arithmetic is the stream's, row by row.
    static func blocks(
        of signal: Signal, mean: [Double], std: [Double], blockSize f: Int
    )
        -> (blocks: [[Double]], lastRows: Int)
    {
        let n = signal.rows
        let channels = signal.channels
        let count = (n + f - 1) / f
        var out = Array(repeating: [Double](repeating: 0, count: count), count: channels)
        for c in 0..<channels {
            for b in 0..<count {
                var sum = 0.0
                let end = min(n, (b + 1) * f)
                for t in (b * f)..<end {
                    sum += (Double(signal.values[t * channels + c]) - mean[c]) / std[c]
                }
                out[c][b] = sum / Double(end - b * f)
            }
        }
        return (out, n - (count - 1) * f)
    }

    /// The distances of every window (every `stride`-th) of `series` to the reference,
    /// computed in parallel chunks of ``DiscordCursor/refreshInterval`` windows; each
    /// chunk starts with a direct computation, as a stream does at that index.
    static func windowDistances(
        _ series: [[Double]], reference: DiscordReference, stride: Int
    ) -> [(z: Double, raw: Double)] {
        let m = reference.m
        let blocks = series[0].count
        guard blocks >= m else { return [] }
        let count = (blocks - m) / stride + 1
        var out = [(z: Double, raw: Double)](repeating: (0, 0), count: count)
        let chunk = DiscordCursor.refreshInterval
        let chunks = (count + chunk - 1) / chunk
        out.withUnsafeMutableBufferPointer { result in
            let result = result
            DispatchQueue.concurrentPerform(iterations: chunks) { i in
                let cursor = DiscordCursor(reference: reference)
                for k in (i * chunk)..<min(count, (i + 1) * chunk) {
                    result[k] = series.withWindow(from: k * stride, length: m) {
                        cursor.next($0, index: k, stride: stride)
                    }
                }
            }
        }
        return out
    }

    /// Per-block scores of a whole series of blocks (the level view) under `model`.
    static func blockScores(_ series: [[Double]], model: SignalScoringModel) -> [Double] {
        blockScores(viewed: SignalView.viewed(series, model.views), model: model)
    }

    /// Per-block scores given every view `model` uses, each of the same length.
    static func blockScores(viewed: [SignalView: [[Double]]], model: SignalScoringModel) -> [Double] {
        let windowScores = model.references.indices.map { s in
            windowDistances(viewed[model.views[s]]!, reference: model.references[s], stride: model.stride)
                .map { model.windowScore($0, term: s) }
        }
        let offsets = [Int](repeating: 0, count: windowScores.count)
        return (0..<viewed.values.first![0].count).map {
            SignalScoringStream.blockScore(
                $0, model: model, windowScores: windowScores, windowOffset: offsets)
        }
    }

    /// Per-row scores of a whole signal: block scores repeated for their rows.
    static func scoreAll(_ signal: Signal, model: SignalScoringModel) -> [Float] {
        guard signal.rows > 0 else { return [] }
        let (series, lastRows) = blocks(
            of: signal, mean: model.mean, std: model.std, blockSize: model.blockSize)
        let scores = blockScores(series, model: model)
        var out: [Float] = []
        out.reserveCapacity(signal.rows)
        for (b, s) in scores.enumerated() {
            out += repeatElement(Float(s), count: b == scores.count - 1 ? lastRows : model.blockSize)
        }
        return out
    }
}
