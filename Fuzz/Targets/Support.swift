import Foundation
import Latent

// Shared by every fuzz target (compiled into each one).
//
// The oracle, beyond "no crash, no sanitizer report, no allocation past -malloc_limit_mb":
// a reader refuses a bad input only with its own typed error, and that error's message
// names the file. Anything else is a bug and aborts the run so libFuzzer saves the input.

/// The fuzzer's input as an array.
func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Runs `body`; an error it throws must be one `accepted` recognises, and its text must
/// name `file`.
func refusalMustBeClear(
    file: String, accepted: (any Error) -> Bool = { $0 is DataError }, _ body: () throws -> Void
) {
    do {
        try body()
    } catch {
        guard accepted(error) else {
            fatalError("Unexpected error type \(type(of: error)): \(error)")
        }
        let text = "\(error)"
        guard text.contains(file) else {
            fatalError("The error does not name the file \(file): \(text)")
        }
    }
}

/// A cheap check that every element was really read (ASan sees the loads), and that the
/// count agrees with the shape.
func touch(_ values: [Float], shape: [Int]) {
    precondition(values.count == shape.reduce(1, *), "\(values.count) values for shape \(shape)")
    var sum: Float = 0
    for v in values { sum += v.isFinite ? v : 0 }
    blackHole(sum)
}

@inline(never)
func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }
