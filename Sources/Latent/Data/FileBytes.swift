import Foundation

/// Reading whole files into memory with errors that name the file.
enum FileBytes {
    /// The bytes of the file at `url`.
    /// - Throws: ``DataError`` `.fileNotFound` or `.unreadable`.
    static func read(_ url: URL) throws -> [UInt8] {
        let name = DataError.name(of: url)
        try checkReadable(url)
        do {
            let data = try Data(contentsOf: url, options: .mappedIfSafe)
            return [UInt8](data)
        } catch {
            throw DataError(
                .unreadable, file: name,
                message: "the file could not be read (\(error.localizedDescription))",
                remedy: "Check its permissions.")
        }
    }

    /// Throws unless `url` names an existing file (not a directory).
    /// - Throws: ``DataError`` `.fileNotFound` or `.unreadable`.
    static func checkReadable(_ url: URL) throws {
        let name = DataError.name(of: url)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DataError(
                .fileNotFound, file: name, message: "no such file",
                remedy: "Check the path, or fetch the dataset first (see DatasetFetcher).")
        }
        if isDirectory.boolValue {
            throw DataError(
                .unreadable, file: name, message: "this is a directory, not a file",
                remedy: "Give the path of a file inside it.")
        }
    }
}
