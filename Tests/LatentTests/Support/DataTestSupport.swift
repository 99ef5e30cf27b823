import Foundation
import XCTest

@testable import Latent

/// The shared real datasets (`../shared/datasets` beside the repository), or a skip.
func sharedDatasets(_ subpath: String = "", filePath: String = #filePath) throws -> URL {
    // Up from the test file to the repository (the folder with Package.swift), then its parent.
    var url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
    while url.path != "/",
        !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
    {
        url.deleteLastPathComponent()
    }
    let root = url.deletingLastPathComponent().appendingPathComponent("shared/datasets")
    let target = subpath.isEmpty ? root : root.appendingPathComponent(subpath)
    guard FileManager.default.fileExists(atPath: target.path) else {
        throw XCTSkip("The shared datasets are not at \(target.path).")
    }
    return target
}

/// A fresh empty directory, removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("latent-data-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Writes `text` to a fresh temporary file whose name ends in `name` (so its extension
/// counts), removed when the test ends.
func temporaryFile(_ test: XCTestCase, _ text: String, named name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("latent-\(UUID().uuidString)-\(name)")
    try text.write(to: url, atomically: true, encoding: .utf8)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Writes `bytes` to `name` inside `directory` and returns its URL.
@discardableResult
func writeFile(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> URL {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
}

@discardableResult
func writeFile(_ text: String, _ name: String, in directory: URL) throws -> URL {
    try writeFile(Array(text.utf8), name, in: directory)
}

/// Asserts that `body` throws a ``DataError`` of `kind` whose description contains every
/// string in `fragments` (the file name, the line or offset, …), and returns it.
@discardableResult
func assertDataError<T>(
    _ kind: DataError.Kind, _ fragments: [String], file: StaticString = #filePath,
    line: UInt = #line,
    _ body: () throws -> T
) -> DataError? {
    do {
        _ = try body()
        XCTFail("expected a DataError .\(kind), but nothing was thrown", file: file, line: line)
    } catch let error as DataError {
        XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(
                error.description.contains(fragment),
                "«\(error)» does not mention «\(fragment)»", file: file, line: line)
        }
        return error
    } catch {
        XCTFail("expected a DataError, got \(type(of: error)): \(error)", file: file, line: line)
    }
    return nil
}
