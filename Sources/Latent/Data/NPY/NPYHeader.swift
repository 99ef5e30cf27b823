/// The header dictionary of a `.npy` file, parsed from its Python literal text:
///
/// ```text
/// {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }
/// ```
///
/// The parser accepts exactly this shape of dictionary (keys in any order, either quote
/// style, trailing commas, `L` suffixes from Python 2) and nothing else, so hostile
/// headers fail with an error at the offending byte instead of being guessed at.
struct NPYHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// The most axes accepted (numpy's own limit).
    static let maximumRank = 64

    /// Parses `text`, which starts at byte `offset` of `file` (for error locations).
    static func parse(_ text: [UInt8], file: String, offset: Int) throws -> NPYHeader {
        var parser = Parser(text: text, file: file, offset: offset)
        return try parser.header()
    }

    private struct Parser {
        let text: [UInt8]
        let file: String
        let offset: Int
        var i = 0

        func fail(_ message: String) -> DataError {
            DataError(
                .corrupt, file: file, location: .byte(offset + i),
                message: "the .npy header is malformed: \(message)",
                remedy: "Write the file with numpy.save, or with NPYFile.write.")
        }

        mutating func skipSpace() {
            while i < text.count
                && (text[i] == 0x20 || text[i] == 0x0A || text[i] == 0x09 || text[i] == 0x0D)
            { i += 1 }
        }

        mutating func expect(_ c: Character) throws {
            skipSpace()
            guard i < text.count && text[i] == c.asciiValue! else {
                throw fail(
                    "expected '\(c)'"
                        + (i < text.count
                            ? " but found '\(Character(Unicode.Scalar(text[i])))'"
                            : " but the header ends"))
            }
            i += 1
        }

        mutating func header() throws -> NPYHeader {
            var descr: String?
            var fortran: Bool?
            var shape: [Int]?
            try expect("{")
            while true {
                skipSpace()
                if i < text.count && text[i] == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                let keyStart = i
                let key = try string()
                try expect(":")
                switch key {
                case "descr" where descr == nil: descr = try string()
                case "fortran_order" where fortran == nil: fortran = try boolean()
                case "shape" where shape == nil: shape = try tuple()
                default:
                    i = keyStart
                    throw fail(
                        "unexpected or repeated key '\(key)' (the keys are 'descr', 'fortran_order' and 'shape')"
                    )
                }
                skipSpace()
                if i < text.count && text[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                try expect("}")
                break
            }
            skipSpace()
            guard i == text.count else { throw fail("unexpected text after the closing '}'") }
            guard let descr, let fortran, let shape else {
                throw fail(
                    "the header lacks \([descr == nil ? "'descr'" : nil, fortran == nil ? "'fortran_order'" : nil, shape == nil ? "'shape'" : nil].compactMap { $0 }.joined(separator: " and "))"
                )
            }
            return NPYHeader(descr: descr, fortranOrder: fortran, shape: shape)
        }

        mutating func string() throws -> String {
            skipSpace()
            guard i < text.count, text[i] == UInt8(ascii: "'") || text[i] == UInt8(ascii: "\"")
            else {
                throw fail("expected a quoted string")
            }
            let quote = text[i]
            i += 1
            let start = i
            while i < text.count && text[i] != quote {
                guard text[i] >= 0x20 && text[i] < 0x7F && text[i] != UInt8(ascii: "\\") else {
                    throw fail("unexpected byte 0x\(String(text[i], radix: 16)) in a string")
                }
                i += 1
            }
            guard i < text.count else { throw fail("a string is not closed") }
            i += 1
            return String(decoding: text[start..<(i - 1)], as: UTF8.self)
        }

        mutating func boolean() throws -> Bool {
            skipSpace()
            for (word, value) in [("True", true), ("False", false)]
            where text[i...].starts(with: word.utf8) {
                i += word.utf8.count
                return value
            }
            throw fail("expected True or False")
        }

        mutating func tuple() throws -> [Int] {
            try expect("(")
            var values: [Int] = []
            while true {
                skipSpace()
                if i < text.count && text[i] == UInt8(ascii: ")") {
                    i += 1
                    break
                }
                guard values.count < NPYHeader.maximumRank else {
                    throw fail("the shape has more than \(NPYHeader.maximumRank) axes")
                }
                values.append(try integer())
                skipSpace()
                if i < text.count && text[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                try expect(")")
                break
            }
            return values
        }

        mutating func integer() throws -> Int {
            let start = i
            var value = 0
            while i < text.count, case let d = text[i] &- 48, d < 10 {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(d))
                guard !o1 && !o2 else {
                    i = start
                    throw fail("a shape size does not fit in 64 bits")
                }
                value = sum
                i += 1
            }
            guard i > start else { throw fail("expected a non-negative integer size") }
            if i < text.count && text[i] == UInt8(ascii: "L") { i += 1 }
            return value
        }
    }
}
