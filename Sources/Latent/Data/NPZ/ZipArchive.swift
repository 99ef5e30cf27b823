/// The members of a ZIP archive held in memory, as `numpy.savez` and `numpy.savez_compressed`
/// write them: read through the central directory (ZIP64 included), members stored or
/// deflated, each checked against its CRC-32.
///
/// ```text
/// [local header 1][data 1] … [local header n][data n]
/// [central directory: one entry per member: name, method, CRC-32, sizes, local offset]
/// [ZIP64 end record, ZIP64 locator]   (when a size or offset needs 64 bits)
/// [end of central directory: entry count, directory size and offset, comment]
/// ```
///
/// Only what `.npz` files use is accepted: one disk, no encryption, methods 0 (stored) and
/// 8 (deflate). Sizes come from the central directory and are checked against the file's
/// own size (a deflated member cannot be more than 1032 times its compressed size) and a
/// cap before anything is allocated, so a hostile directory fails fast.
struct ZipArchive {
    /// One member, as the central directory describes it.
    struct Entry: Equatable {
        var name: String
        var method: Int
        var flags: Int
        var crc32: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    let bytes: [UInt8]
    let file: String
    /// The members in directory order.
    let entries: [Entry]

    /// The most bytes one member may decompress to (16 GiB).
    static let maximumMemberSize = 1 << 34

    /// Parses the directory of the archive `bytes`; `file` names it in errors.
    /// - Throws: ``DataError`` `.empty`, `.badMagic` (not a ZIP archive), `.truncated`,
    ///   `.corrupt`, `.unsupported` (several disks).
    init(bytes: [UInt8], file: String) throws {
        self.bytes = bytes
        self.file = file
        guard !bytes.isEmpty else {
            throw DataError(.empty, file: file, message: "the file is empty", remedy: Self.rewrite)
        }
        guard bytes.count >= 4, Self.u32(bytes, 0) == 0x0403_4B50 || Self.u32(bytes, 0) == 0x0605_4B50
        else {
            throw DataError(
                .badMagic, file: file, location: .byte(0),
                message: "this is not a .npz (ZIP) archive: it does not start with PK\\3\\4",
                remedy: "Give a file written by numpy.savez or numpy.savez_compressed.")
        }
        entries = try Self.readDirectory(bytes, file: file)
    }

    /// The bytes of `entry`, decompressed and checked against its CRC-32.
    /// - Throws: ``DataError`` `.corrupt`, `.truncated`, `.unsupported` (method, encryption),
    ///   `.tooLarge`.
    func contents(of entry: Entry) throws -> [UInt8] {
        let at = entry.localHeaderOffset
        func fail(_ kind: DataError.Kind, _ offset: Int, _ message: String) -> DataError {
            DataError(kind, file: file, location: .byte(offset), message: message, remedy: Self.rewrite)
        }
        guard entry.flags & 1 == 0 else {
            throw DataError(
                .unsupported, file: file, location: .byte(at),
                message: "member '\(entry.name)' is encrypted",
                remedy: "Write the archive again without a password (numpy.savez does).")
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw DataError(
                .unsupported, file: file, location: .byte(at),
                message:
                    "member '\(entry.name)' uses compression method \(entry.method); only stored (0) and deflate (8) are supported",
                remedy: "Write the archive with numpy.savez or numpy.savez_compressed.")
        }
        guard at <= bytes.count - 30, Self.u32(bytes, at) == 0x0403_4B50 else {
            throw fail(.corrupt, at, "member '\(entry.name)': no local header at the offset the directory gives")
        }
        let nameLength = Int(Self.u16(bytes, at + 26))
        let extraLength = Int(Self.u16(bytes, at + 28))
        let start = at + 30 + nameLength + extraLength
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else {
            throw fail(
                .truncated, bytes.count,
                "member '\(entry.name)' is truncated: it needs \(entry.compressedSize) bytes from byte \(start) but the file has \(bytes.count)"
            )
        }
        let stored = bytes[start..<(start + entry.compressedSize)]
        let data: [UInt8]
        if entry.method == 0 {
            guard entry.size == entry.compressedSize else {
                throw fail(
                    .corrupt, at,
                    "stored member '\(entry.name)' declares \(entry.size) bytes but holds \(entry.compressedSize)")
            }
            data = Array(stored)
        } else {
            data = try RawInflate.inflate(stored, size: entry.size, file: file, member: entry.name)
        }
        let crc = RawInflate.crc32(data)
        guard crc == entry.crc32 else {
            throw fail(
                .corrupt, start,
                "member '\(entry.name)' fails its CRC-32 check (the directory says \(Self.hex(entry.crc32)), the data gives \(Self.hex(crc)))"
            )
        }
        return data
    }

    static let rewrite = "The archive is damaged or not a .npz file; write it again with numpy.savez."

    // MARK: The directory

    private static func readDirectory(_ b: [UInt8], file: String) throws -> [Entry] {
        func fail(_ kind: DataError.Kind, _ offset: Int, _ message: String) -> DataError {
            DataError(kind, file: file, location: .byte(offset), message: message, remedy: rewrite)
        }
        // The end record: 22 bytes and a comment of up to 65,535, at the very end.
        guard b.count >= 22 else {
            throw fail(.truncated, b.count, "the archive is truncated: it has no end-of-directory record")
        }
        var end = -1
        var i = b.count - 22
        while i >= max(0, b.count - 22 - 65_535) {
            if u32(b, i) == 0x0605_4B50 && i + 22 + Int(u16(b, i + 20)) == b.count {
                end = i
                break
            }
            i -= 1
        }
        guard end >= 0 else {
            throw fail(.truncated, b.count, "the archive is truncated: it has no end-of-directory record (PK\\5\\6)")
        }
        guard u16(b, end + 4) == 0, u16(b, end + 6) == 0 else {
            throw DataError(
                .unsupported, file: file, location: .byte(end),
                message: "the archive spans several disks", remedy: "Write it as one file.")
        }
        var count = Int(u16(b, end + 10))
        var directorySize = Int(u32(b, end + 12))
        var directoryOffset = Int(u32(b, end + 16))
        // ZIP64: a locator just before the end record points to the 64-bit end record.
        if end >= 20, u32(b, end - 20) == 0x0706_4B50 {
            let locator = end - 20
            let (record, overflow) = Int.fromUInt64(u64(b, locator + 8))
            guard !overflow, record >= 0, record <= locator - 56, u32(b, record) == 0x0606_4B50 else {
                throw fail(.corrupt, locator, "the ZIP64 locator points to no ZIP64 end record")
            }
            let values = [u64(b, record + 32), u64(b, record + 40), u64(b, record + 48)]
            guard values.allSatisfy({ $0 <= UInt64(b.count) }) else {
                throw fail(.corrupt, record, "the ZIP64 end record gives sizes beyond the file")
            }
            (count, directorySize, directoryOffset) = (Int(values[0]), Int(values[1]), Int(values[2]))
        }
        guard directoryOffset <= end, directorySize <= end - directoryOffset else {
            throw fail(
                .corrupt, end,
                "the central directory (\(directorySize) bytes at byte \(directoryOffset)) does not fit before the end record at byte \(end)"
            )
        }
        // Each entry has at least 46 bytes: a count beyond that is a lie.
        guard count <= directorySize / 46 else {
            throw fail(.corrupt, end, "the archive claims \(count) members in a \(directorySize)-byte directory")
        }
        var entries: [Entry] = []
        var at = directoryOffset
        let limit = directoryOffset + directorySize
        for _ in 0..<count {
            guard at <= limit - 46, u32(b, at) == 0x0201_4B50 else {
                throw fail(.corrupt, at, "central directory entry \(entries.count + 1) is malformed (no PK\\1\\2)")
            }
            let flags = Int(u16(b, at + 8))
            let method = Int(u16(b, at + 10))
            let crc = u32(b, at + 16)
            var compressed = UInt64(u32(b, at + 20))
            var size = UInt64(u32(b, at + 24))
            let nameLength = Int(u16(b, at + 28))
            let extraLength = Int(u16(b, at + 30))
            let commentLength = Int(u16(b, at + 32))
            var offset = UInt64(u32(b, at + 42))
            let nameStart = at + 46
            guard nameStart + nameLength + extraLength + commentLength <= limit else {
                throw fail(.corrupt, at, "central directory entry \(entries.count + 1) runs past the directory")
            }
            let name = String(decoding: b[nameStart..<(nameStart + nameLength)], as: UTF8.self)
            // The ZIP64 extra field holds, in this order, the 64-bit values whose 32-bit
            // fields are 0xFFFFFFFF.
            var e = nameStart + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = u16(b, e)
                let length = Int(u16(b, e + 2))
                guard e + 4 + length <= extraEnd else {
                    throw fail(.corrupt, e, "member '\(name)': an extra field runs past its entry")
                }
                if id == 0x0001 {
                    var p = e + 4
                    for field in [0, 1, 2] {
                        let wide: Bool
                        switch field {
                        case 0: wide = size == 0xFFFF_FFFF
                        case 1: wide = compressed == 0xFFFF_FFFF
                        default: wide = offset == 0xFFFF_FFFF
                        }
                        guard wide else { continue }
                        guard p + 8 <= e + 4 + length else {
                            throw fail(.corrupt, e, "member '\(name)': the ZIP64 extra field is too short")
                        }
                        let v = u64(b, p)
                        switch field {
                        case 0: size = v
                        case 1: compressed = v
                        default: offset = v
                        }
                        p += 8
                    }
                }
                e += 4 + length
            }
            guard compressed <= UInt64(b.count), offset <= UInt64(b.count) else {
                throw fail(.corrupt, at, "member '\(name)' has a size or offset beyond the file")
            }
            // Deflate expands at most about 1032:1; more is a lie (or a bomb).
            guard size <= max(compressed, 1) &* 1032 + 64 else {
                throw fail(
                    .corrupt, at,
                    "member '\(name)' claims \(size) bytes from \(compressed) compressed, more than deflate can give")
            }
            guard size <= UInt64(maximumMemberSize) else {
                throw DataError(
                    .tooLarge, file: file, location: .byte(at),
                    message:
                        "member '\(name)' would decompress to \(size) bytes, more than the limit of \(maximumMemberSize)",
                    remedy: "Split the array into smaller files.")
            }
            entries.append(
                Entry(
                    name: name, method: method, flags: flags, crc32: crc,
                    compressedSize: Int(compressed), size: Int(size), localHeaderOffset: Int(offset)))
            at = extraEnd + commentLength
        }
        return entries
    }

    // MARK: Little-endian fields

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 {
        UInt16(b[i]) | UInt16(b[i + 1]) << 8
    }

    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    static func u64(_ b: [UInt8], _ i: Int) -> UInt64 {
        UInt64(u32(b, i)) | UInt64(u32(b, i + 4)) << 32
    }

    static func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}

extension Int {
    /// `v` as an Int, and whether it did not fit.
    fileprivate static func fromUInt64(_ v: UInt64) -> (Int, Bool) {
        v > UInt64(Int.max) ? (0, true) : (Int(v), false)
    }
}
