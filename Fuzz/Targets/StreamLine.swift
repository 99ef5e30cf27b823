import Foundation
import Latent

// Streamed scoring input (`latent detector score` reading standard input): CSV, TSV and
// NDJSON lines (`[…]`, `{"features": […]}`, `{"f0": …}`), through ScoreStream.run on a
// real detector, so line splitting, header detection, the per-line parser, label-column
// dropping, batching and the record writer all run. Byte 0 picks the options: bit 0
// strict, bits 1–2 header (detect / yes / no), bits 3–4 delimiter (detect / comma / tab),
// bit 5 a 64-byte line limit, bit 6 NDJSON output, bit 7 explanations; the rest is the
// stream.

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    blackHole(fixtureDetector)
    return 0
}

let streamInput = fixtureDirectory.deletingLastPathComponent().appendingPathComponent("input")
let devNull = open("/dev/null", O_WRONLY)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard let selector = input.first else { return 0 }
    try! Data(input.dropFirst()).write(to: streamInput)
    let fd = open(streamInput.path, O_RDONLY)
    precondition(fd >= 0, "cannot open the stream input")
    defer { close(fd) }
    let detector = fixtureDetector
    let writer = ScoreRecordWriter(
        format: selector & 0x40 == 0 ? .csv : .ndjson, explain: selector & 0x80 == 0 ? 0 : 2,
        errorColumn: true, threshold: detector.threshold)
    var stream = ScoreStream(detector: detector, writer: writer)
    stream.batchSize = 4
    stream.strict = selector & 1 != 0
    stream.header = [nil, true, false, nil][Int(selector >> 1 & 3)]
    stream.delimiter = [nil, UInt8(ascii: ","), UInt8(ascii: "\t"), nil][Int(selector >> 3 & 3)]
    if selector & 0x20 != 0 { stream.maximumLineLength = 64 }
    refusalMustBeClear(file: "standard input", accepted: { $0 is ScoreStream.StreamError }) {
        let summary = try stream.run(input: fd, output: devNull)
        precondition(summary.errors <= summary.rows && summary.anomalies <= summary.rows)
    }
    return 0
}
