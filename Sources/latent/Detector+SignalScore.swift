import ArgumentParser
import Foundation
import Latent

extension LatentCommand.Detector.Score {
    /// `detector score DIR` on a signal detector: one record per row from --from-row.
    func runSignal() throws {
        let (detector, manifest) = try SignalDetector.load(from: URL(fileURLWithPath: self.detector))
        let fromRow = signal.fromRow ?? 0
        guard fromRow >= 0 else { throw ValidationError("--from-row must be 0 or more, not \(fromRow).") }
        let destination = try Destination(output)
        defer { destination.close() }
        var writer = SignalRecordWriter(
            detector: detector, format: outputFormat, destination: destination, fromRow: fromRow)
        if input == "-" {
            var stream = detector.stream()
            var parser = SignalLineReader(
                labelColumn: labelColumn, ignoredColumns: signal.ignoreColumn)
            var row: [Float] = []
            try parser.read(fd: STDIN_FILENO) { format in
                try SignalDetector.checkChannels(
                    format.channelNames, manifest: manifest, source: "standard input")
            } row: { format, line, number in
                _ = try format.parse(line, lineNumber: number, file: "standard input", into: &row)
                try writer.write(stream.push(row))
            }
            try writer.write(stream.finish())
        } else {
            let file = try Signal.read(
                URL(fileURLWithPath: input), labelColumn: labelColumn,
                ignoredColumns: signal.ignoreColumn)
            try SignalDetector.checkChannels(file.signal.names, manifest: manifest, source: input)
            try writer.write(detector.score(file.signal))
        }
        try writer.flush()
        try destination.commit()
    }
}

/// Writes per-row signal scores: `index,score,threshold,anomaly,p_value` (CSV) or NDJSON,
/// buffered, skipping rows before `fromRow`.
struct SignalRecordWriter {
    let detector: SignalDetector
    let format: ScoreRecordWriter.Format
    let destination: Destination
    let fromRow: Int
    private var next = 0
    private var buffer = ""

    init(detector: SignalDetector, format: ScoreRecordWriter.Format, destination: Destination, fromRow: Int) {
        self.detector = detector
        self.format = format
        self.destination = destination
        self.fromRow = fromRow
        if format == .csv { buffer = "index,score,threshold,anomaly,p_value\n" }
    }

    mutating func write(_ scores: [Float]) throws {
        let t = detector.threshold
        for s in scores {
            defer { next += 1 }
            guard next >= fromRow else { continue }
            let p = detector.pValue(s)
            switch format {
            case .csv: buffer += "\(next),\(s),\(t),\(s > t),\(p)\n"
            case .ndjson:
                buffer +=
                    "{\"index\":\(next),\"score\":\(s),\"threshold\":\(t),\"anomaly\":\(s > t),\"p_value\":\(p)}\n"
            }
            if buffer.utf8.count > 1 << 16 { try flush() }
        }
    }

    mutating func flush() throws {
        try destination.write(buffer)
        buffer = ""
    }
}

/// Reads a signal from a file descriptor line by line: detects the format from the first
/// two lines, then hands over each data line with its 1-based line number.
struct SignalLineReader {
    let labelColumn: String?
    let ignoredColumns: [String]
    var format: SignalTextFormat?

    init(labelColumn: String?, ignoredColumns: [String]) {
        self.labelColumn = labelColumn
        self.ignoredColumns = ignoredColumns
    }

    mutating func read(
        fd: Int32, detected: (SignalTextFormat) throws -> Void,
        row: (SignalTextFormat, Substring, Int) throws -> Void
    ) throws {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var lineNumber = 0
        var early: [String] = []
        func handle(_ line: String) throws {
            lineNumber += 1
            if format == nil {
                early.append(line)
                guard early.count == 2 else { return }
                try detect(detected)
                try row(format!, Substring(line), lineNumber)
                return
            }
            try row(format!, Substring(line), lineNumber)
        }
        func detect(_ detected: (SignalTextFormat) throws -> Void) throws {
            let f = try SignalTextFormat.detect(
                firstLines: early.map { Substring($0) }, labelColumn: labelColumn,
                ignoredColumns: ignoredColumns, file: "standard input")
            format = f
            try detected(f)
            if !f.hasHeader { try row(f, Substring(early[0]), 1) }
        }
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ValidationError("Cannot read standard input: \(String(cString: strerror(errno))).")
            }
            if n == 0 { break }
            var start = 0
            for i in 0..<n where chunk[i] == UInt8(ascii: "\n") {
                pending += chunk[start..<i]
                let line = String(decoding: pending, as: UTF8.self)
                pending.removeAll(keepingCapacity: true)
                start = i + 1
                if !SignalTextFormat.isBlank(line) { try handle(line) } else { lineNumber += 1 }
            }
            pending += chunk[start..<n]
        }
        let last = String(decoding: pending, as: UTF8.self)
        if !SignalTextFormat.isBlank(last) { try handle(last) }
        if format == nil, !early.isEmpty { try detect(detected) }
    }
}
