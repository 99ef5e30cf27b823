import Foundation

/// Scores rows as they arrive on a file descriptor (standard input) and writes each
/// result as soon as its small batch is scored, in constant memory.
///
/// ```
/// read 64 KiB → split lines → parse (CSV, TSV or NDJSON) → batch of ≤ batchSize rows
///   → score → write + flush → next batch
/// ```
///
/// A batch is also scored whenever no more input is ready, so a slow producer (one row
/// a second) gets each answer at once. Memory is bounded by the batch and the longest
/// line (at most ``maximumLineLength``), whatever the stream's length. A line that cannot
/// be read becomes an error record and scoring goes on, unless `strict`.
///
/// ```swift
/// let stream = ScoreStream(detector: detector, writer: writer)
/// let summary = try stream.run(input: STDIN_FILENO, output: STDOUT_FILENO)
/// ```
public struct ScoreStream {
    public let detector: AnomalyDetector
    public let writer: ScoreRecordWriter
    /// Rows per scoring batch.
    public var batchSize = ScoringBatches.streamRows
    /// Stop at the first bad line (throwing) instead of writing an error record.
    public var strict = false
    /// The CSV delimiter; `nil` detects comma or tab per line.
    public var delimiter: UInt8?
    /// Whether the first line is a header: `nil` detects it (a non-numeric field).
    public var header: Bool?
    /// The longest line accepted, in bytes.
    public var maximumLineLength = 16 << 20
    /// Benjamini–Hochberg at this false discovery rate over windows of ``fdrWindow``
    /// records (`--fdr Q`): records are then held back until their window is full (or the
    /// input ends) and carry a `discovery` field. The FDR guarantee holds within each
    /// window, not across the whole stream. `nil` for none.
    public var falseDiscoveryRate: Double?
    /// Records (rows, including unreadable ones) per Benjamini–Hochberg window.
    public var fdrWindow = 1000

    public init(detector: AnomalyDetector, writer: ScoreRecordWriter) {
        self.detector = detector
        self.writer = writer
    }

    /// What a run saw.
    public struct Summary: Equatable, Sendable {
        /// Data rows (scored or not).
        public var rows = 0
        /// Rows that could not be read.
        public var errors = 0
        /// Rows flagged as anomalies.
        public var anomalies = 0
        /// Whether a header line was skipped.
        public var skippedHeader = false
        /// Rows the Benjamini–Hochberg procedure rejected (with ``falseDiscoveryRate``).
        public var discoveries = 0
    }

    /// A bad line in strict mode.
    public struct StreamError: Error, CustomStringConvertible, LocalizedError {
        public let line: Int
        public let message: String
        public var description: String {
            "standard input, line \(line): \(message). Fix the line, or leave out --strict to get an error record and go on."
        }
        public var errorDescription: String? { description }
    }

    /// Reads `input` to its end, writing one record per data row to `output`.
    /// - Throws: ``StreamError`` for a bad line when `strict`; POSIX errors for I/O.
    public func run(input: Int32, output: Int32) throws -> Summary {
        let parser = StreamRowParser(schema: detector.schema, delimiter: delimiter)
        let d = detector.schema.featureCount
        var summary = Summary()
        var values: [Float] = []
        values.reserveCapacity(batchSize * d)
        var rowIndices: [Int] = []
        var out = writer.header
        var lineNumber = 0
        var sawFirstLine = false
        // With a false discovery rate: records waiting for their window to fill.
        enum Pending {
            case row(Int, RowScore)
            case error(Int, Int, String)
        }
        var pending: [Pending] = []

        func drainWindow() throws {
            guard let q = falseDiscoveryRate, !pending.isEmpty else { return }
            var p: [Double] = []
            for case .row(_, let row) in pending { p.append(row.pValue.isNaN ? 1 : row.pValue) }
            let discovered = try benjaminiHochberg(p, falseDiscoveryRate: q)
            var k = 0
            for item in pending {
                switch item {
                case .row(let index, let row):
                    writer.append(index: index, row, discovered: discovered[k], to: &out)
                    if discovered[k] { summary.discoveries += 1 }
                    k += 1
                case .error(let index, let line, let message):
                    writer.appendError(index: index, line: line, message: message, to: &out)
                }
            }
            pending.removeAll(keepingCapacity: true)
        }

        func emitError(index: Int, line: Int, message: String) throws {
            if falseDiscoveryRate == nil {
                writer.appendError(index: index, line: line, message: message, to: &out)
            } else {
                pending.append(.error(index, line, message))
                if pending.count >= fdrWindow { try drainWindow() }
            }
        }

        func flush(final: Bool = false) throws {
            if !rowIndices.isEmpty {
                let x = Tensor(shape: [rowIndices.count, d], scalars: values)
                let rows = try detector.evaluate(x, topK: writer.explain)
                for (k, index) in rowIndices.enumerated() {
                    if falseDiscoveryRate == nil {
                        writer.append(index: index, rows[k], to: &out)
                    } else {
                        pending.append(.row(index, rows[k]))
                        if pending.count >= fdrWindow { try drainWindow() }
                    }
                    if rows[k].anomaly { summary.anomalies += 1 }
                }
                values.removeAll(keepingCapacity: true)
                rowIndices.removeAll(keepingCapacity: true)
            }
            if final { try drainWindow() }
            try write(&out, to: output)
        }

        func reportLong(index: Int, line: Int) throws {
            let message = "the line is longer than \(maximumLineLength) bytes"
            if strict { throw StreamError(line: line, message: message) }
            summary.errors += 1
            if !rowIndices.isEmpty { try flush() }
            try emitError(index: index, line: line, message: message)
        }

        func handle(_ line: UnsafeBufferPointer<UInt8>) throws {
            lineNumber += 1
            var end = line.count
            if end > 0 && line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let body = UnsafeBufferPointer(rebasing: line[0..<end])
            if body.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return }
            if !sawFirstLine {
                sawFirstLine = true
                if header ?? parser.looksLikeHeader(body) {
                    summary.skippedHeader = true
                    return
                }
            }
            let index = summary.rows
            summary.rows += 1
            do {
                try parser.parse(body, into: &values)
                rowIndices.append(index)
            } catch let error as StreamRowParser.LineError {
                if strict { throw StreamError(line: lineNumber, message: error.message) }
                summary.errors += 1
                // Score what came before so records stay in input order.
                if !rowIndices.isEmpty { try flush() }
                try emitError(index: index, line: lineNumber, message: error.message)
            }
            if rowIndices.count >= batchSize { try flush() }
        }

        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var carry: [UInt8] = []
        var discarding = false  // inside an over-long line
        while true {
            if !rowIndices.isEmpty && !Self.inputReady(input) { try flush() }
            let count = buffer.withUnsafeMutableBytes {
                Foundation.read(input, $0.baseAddress, $0.count)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            if count == 0 { break }
            try buffer.withUnsafeBufferPointer { chunk in
                var start = 0
                while start < count {
                    guard let newline = chunk[start..<count].firstIndex(of: UInt8(ascii: "\n"))
                    else {
                        if !discarding { carry.append(contentsOf: chunk[start..<count]) }
                        if carry.count > maximumLineLength {
                            carry.removeAll()
                            discarding = true
                        }
                        return
                    }
                    // The limit holds for every line, also one that ends in the chunk
                    // that carried it past the limit (or fits in one chunk): the check on
                    // `carry` alone let a line of up to limit + 64 KiB through.
                    if discarding || carry.count + (newline - start) > maximumLineLength {
                        discarding = false
                        carry.removeAll()
                        lineNumber += 1
                        try reportLong(index: summary.rows, line: lineNumber)
                        summary.rows += 1
                    } else if carry.isEmpty {
                        try handle(UnsafeBufferPointer(rebasing: chunk[start..<newline]))
                    } else {
                        carry.append(contentsOf: chunk[start..<newline])
                        try carry.withUnsafeBufferPointer { try handle($0) }
                        carry.removeAll(keepingCapacity: carry.count <= 1 << 16)
                    }
                    start = newline + 1
                }
            }
        }
        if discarding {
            lineNumber += 1
            try reportLong(index: summary.rows, line: lineNumber)
            summary.rows += 1
        } else if !carry.isEmpty {
            try carry.withUnsafeBufferPointer { try handle($0) }
        }
        try flush(final: true)
        return summary
    }

    /// Whether `fd` has input ready now (or is at its end), without blocking.
    static func inputReady(_ fd: Int32) -> Bool {
        var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, 0) > 0
    }

    /// Writes all of `text` to `fd` and empties it.
    private func write(_ text: inout String, to fd: Int32) throws {
        guard !text.isEmpty else { return }
        try AtomicFile.writeAll(text, to: fd)
        text = ""
    }
}
