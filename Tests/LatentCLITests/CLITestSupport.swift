import Dispatch
import Foundation
import XCTest

/// Runs the built `latent` binary and captures its output.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// The directory holding the built products (the test bundle sits beside `latent`).
var productsDirectory: URL {
    #if os(macOS)
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    fatalError("couldn't find the products directory")
    #else
    return Bundle.main.bundleURL
    #endif
}

@discardableResult
func latent(
    _ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
    file: StaticString = #filePath, line: UInt = #line
) throws -> CommandResult {
    let process = Process()
    process.executableURL = productsDirectory.appendingPathComponent("latent")
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    let inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    // Standard input is written and standard error read on their own threads while this one
    // reads standard output: with one pipe at a time, a child that fills another pipe's
    // 64 KB buffer (a long error message, a large input it answers as it reads) would block
    // forever, and the test with it.
    let group = DispatchGroup()
    nonisolated(unsafe) var stderr = Data()
    DispatchQueue.global().async(group: group) { stderr = err.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) {
        if let input { inPipe.fileHandleForWriting.write(input) }
        try? inPipe.fileHandleForWriting.close()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("latent-cli-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// The shared real datasets beside the repository, or a skip.
func sharedDatasets(filePath: String = #filePath) throws -> URL {
    var url = URL(fileURLWithPath: filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    let root = url.appendingPathComponent("shared/datasets")
    guard FileManager.default.fileExists(atPath: root.path) else { throw XCTSkip("no shared datasets at \(root.path)") }
    return root
}
