import CZlib
import Foundation

/// Reads and writes NumPy `.npz` archives: a ZIP file of `.npy` members, one per array,
/// as `numpy.savez` (members stored) and `numpy.savez_compressed` (deflated) write them.
///
/// ```swift
/// let archive = try NPZFile.read(from: URL(fileURLWithPath: "29_Pima.npz"))
/// archive.keys                                   // ["X", "y"]
/// let x = try archive.array("X").tensor()        // [768, 8]
/// let y = try archive.array("y").integers()      // 1 = anomaly
/// try NPZFile.write(["X": NPYArray(x)], to: url, compressed: true)
/// ```
///
/// The key of a member is its name without `.npy` (`X.npy` → `X`). Each member is read
/// with ``NPYFile/read(bytes:file:)``, so every rule of `.npy` files holds inside, and
/// errors name the archive and the member (`data.npz, member X.npy, byte 10: …`).
public enum NPZFile {
    /// Reads the archive at `url` (its directory now, its members when asked for).
    /// - Throws: ``DataError``: `.fileNotFound`, `.empty`, `.badMagic` (not a ZIP archive),
    ///   `.truncated`, `.corrupt` (malformed directory, CRC-32 mismatch), `.unsupported`
    ///   (encryption, a method other than stored or deflate), `.tooLarge`.
    public static func read(from url: URL) throws -> NPZArchive {
        try read(bytes: FileBytes.read(url), file: DataError.name(of: url))
    }

    /// Reads an archive held in memory; `file` names it in errors.
    public static func read(bytes: [UInt8], file: String) throws -> NPZArchive {
        NPZArchive(zip: try ZipArchive(bytes: bytes, file: file))
    }

    /// The `.npz` encoding of `arrays` (sorted by key): members `KEY.npy`, deflated when
    /// `compressed` (as `numpy.savez_compressed`), stored otherwise (as `numpy.savez`).
    public static func encode(_ arrays: [String: NPYArray], compressed: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        for key in arrays.keys.sorted() {
            let data = [UInt8](NPYFile.encode(arrays[key]!))
            let stored = compressed ? deflate(data) : data
            precondition(
                stored.count < Int(UInt32.max) && data.count < Int(UInt32.max) && out.count < Int(UInt32.max),
                "NPZFile.encode writes archives under 4 GiB.")
            let name = Array((key + ".npy").utf8)
            let crc = RawInflate.crc32(data)
            // version 2.0, no flags, method, DOS time 1980-01-01 00:00, CRC, sizes, name length.
            let common: [UInt8] =
                le(20, 2) + le(0, 2) + le(compressed ? 8 : 0, 2) + le(0, 2) + le(0x21, 2)
                + le(Int(crc), 4) + le(stored.count, 4) + le(data.count, 4) + le(name.count, 2)
            directory +=
                le(0x0201_4B50, 4) + le(20, 2) + common + le(0, 2) + le(0, 2) + le(0, 2)
                + le(0, 2) + le(0, 4) + le(out.count, 4) + name
            out += le(0x0403_4B50, 4) + common + le(0, 2) + name + stored
        }
        let directoryOffset = out.count
        out += directory
        out +=
            le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(arrays.count, 2) + le(arrays.count, 2)
            + le(directory.count, 4) + le(directoryOffset, 4) + le(0, 2)
        return out
    }

    /// Writes `arrays` as a `.npz` archive, atomically.
    public static func write(_ arrays: [String: NPYArray], to url: URL, compressed: Bool = true) throws {
        try AtomicFile.write(Data(encode(arrays, compressed: compressed)), to: url)
    }

    private static func le(_ v: Int, _ n: Int) -> [UInt8] {
        (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }

    /// A raw deflate stream (no wrapper) of `bytes`.
    private static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        Gzip.deflate(bytes, level: 6, windowBits: -MAX_WBITS)
    }
}

/// The arrays of a `.npz` archive, by key (member name without `.npy`).
public struct NPZArchive {
    fileprivate let zip: ZipArchive

    fileprivate init(zip: ZipArchive) { self.zip = zip }

    /// The archive's name, for messages.
    public var source: String { zip.file }

    /// The keys of the `.npy` members, in archive order (`X.npy` → `X`).
    public var keys: [String] {
        zip.entries.map(\.name).filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }
    }

    /// Whether the archive holds the array `key`.
    public func contains(_ key: String) -> Bool { keys.contains(key) }

    /// The array stored under `key`.
    /// - Throws: ``DataError`` `.missingColumn` naming the keys there are when there is no
    ///   such member; the archive's and ``NPYFile``'s errors for a bad member.
    public func array(_ key: String) throws -> NPYArray {
        guard let entry = zip.entries.first(where: { $0.name == key + ".npy" }) else {
            let there = keys.isEmpty ? "no arrays" : keys.map { "'\($0)'" }.joined(separator: ", ")
            throw DataError(
                .missingColumn, file: zip.file,
                message: "the archive has no array '\(key)'; it holds \(there)",
                remedy: "Name one of its arrays (--features-key, --labels-key).")
        }
        let bytes = try zip.contents(of: entry)
        return try NPYFile.read(bytes: bytes, file: "\(zip.file), member \(entry.name)")
    }
}
