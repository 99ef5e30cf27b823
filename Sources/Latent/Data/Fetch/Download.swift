import Foundation

/// Fetching one URL into memory: `file:` URLs from disk, `http(s):` through `curl`.
///
/// Why `curl` and not `URLSession`: on Linux, `URLSession` lives in FoundationNetworking,
/// which links libcurl and some 35 more shared libraries into every Latent binary. Each
/// start of `latent` paid for loading them (a third of the time of `latent --help`),
/// though only `latent datasets fetch` ever downloads. The `curl` program is on every
/// common system; where it is not, the error says so and how to fetch the file by hand.
enum Download {
    /// The body at `url`, refusing more than `maximumSize` bytes.
    /// - Throws: ``DataError`` `.downloadFailed` naming the URL.
    static func data(from url: URL, maximumSize: Int, timeout: TimeInterval = 120) throws -> Data {
        let data: Data
        if url.isFileURL {
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw failure(url, "it could not be read (\(error.localizedDescription))")
            }
        } else if ["http", "https"].contains(url.scheme?.lowercased() ?? "") {
            data = try http(url, maximumSize: maximumSize, timeout: timeout)
        } else {
            throw failure(url, "Latent downloads only http, https and file URLs")
        }
        guard data.count <= maximumSize else {
            throw failure(url, "it is \(data.count) bytes, more than the \(maximumSize) expected")
        }
        return data
    }

    /// `curl` writes the body to a temporary file (no pipe to drain while it runs), follows
    /// redirects, fails on HTTP errors and stops after `timeout`.
    private static func http(_ url: URL, maximumSize: Int, timeout: TimeInterval) throws -> Data {
        let body = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-download-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: body) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "curl", "--fail", "--silent", "--show-error", "--location", "--proto", "=http,https",
            "--max-time", String(Int(timeout.rounded(.up))),
            "--output", body.path, url.absoluteString,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw failure(url, "the program curl could not be started (\(error.localizedDescription))")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        switch process.terminationStatus {
        case 0:
            // The size is checked before the body is read, so a huge answer is never held in memory.
            let size = (try? FileManager.default.attributesOfItem(atPath: body.path)[.size] as? Int) ?? 0
            guard size <= maximumSize else {
                throw failure(url, "it is \(size) bytes, more than the \(maximumSize) expected")
            }
            do {
                return try Data(contentsOf: body)
            } catch {
                throw failure(url, "curl's output could not be read (\(error.localizedDescription))")
            }
        case 127:
            throw failure(url, "the program curl, which Latent downloads with, is not installed (apt install curl)")
        default:
            // curl's own words: "curl: (22) The requested URL returned error: 404", …
            let reason =
                message.isEmpty ? "curl exited with status \(process.terminationStatus)" : String(message.prefix(300))
            throw failure(url, "the request failed (\(reason))")
        }
    }

    static func failure(_ url: URL, _ message: String) -> DataError {
        DataError(
            .downloadFailed, file: url.absoluteString, message: message,
            remedy:
                "Check the network connection and the URL, or download the file by hand into the data directory."
        )
    }
}
