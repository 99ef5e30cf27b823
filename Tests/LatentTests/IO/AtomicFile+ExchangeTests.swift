import Foundation
import XCTest

@testable import Latent

/// Replacing a directory swaps it in one step: a reader polling the path never finds it
/// missing (two renames left an instant with nothing there).
final class AtomicFileExchangeTests: XCTestCase {
    func testAReplacedDirectoryIsNeverMissing() throws {
        final class Watch: @unchecked Sendable {
            let lock = NSLock()
            var stop = false, looks = 0, missing = 0, torn = 0
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("latent-exchange-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("dir")
        try AtomicFile.writeDirectory(at: url) { try Data("0".utf8).write(to: $0.appendingPathComponent("a")) }
        let watch = Watch()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            while true {
                watch.lock.lock()
                let stop = watch.stop
                watch.lock.unlock()
                if stop { break }
                let content = try? String(contentsOf: url.appendingPathComponent("a"), encoding: .utf8)
                watch.lock.lock()
                watch.looks += 1
                if content == nil { watch.missing += 1 } else if content!.isEmpty { watch.torn += 1 }
                watch.lock.unlock()
            }
        }
        for i in 1...200 {
            try AtomicFile.writeDirectory(at: url) { try Data("\(i)".utf8).write(to: $0.appendingPathComponent("a")) }
        }
        watch.lock.lock()
        watch.stop = true
        watch.lock.unlock()
        group.wait()
        XCTAssertEqual(try String(contentsOf: url.appendingPathComponent("a"), encoding: .utf8), "200")
        XCTAssertGreaterThan(watch.looks, 0)
        XCTAssertEqual(watch.missing, 0, "the directory was missing \(watch.missing) of \(watch.looks) times")
        XCTAssertEqual(watch.torn, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["dir"], "no temporaries left")
    }
}
