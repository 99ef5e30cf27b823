import Foundation

extension SafeTensors {
    /// One tensor of a header, checked against the format's rules.
    struct Entry {
        let name: String
        let dtype: DType
        let shape: [Int]
        /// Byte range in the buffer (relative to the end of the header).
        let begin: Int
        let end: Int
    }

    /// A checked header: tensors in header order, and the free-form metadata.
    struct Header {
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
    }

    /// Parses the header and checks every rule that involves it: UTF-8 JSON object,
    /// unique names, string-to-string `__metadata__`, complete tensor entries with known
    /// dtypes, byte counts that match the shapes, and offsets that tile the buffer exactly.
    ///
    /// Nothing is allocated from a size the header states: shapes are multiplied with
    /// overflow checks and compared with offsets already known to lie inside the buffer.
    static func parseHeader(_ bytes: [UInt8], bufferLength: Int, source: String) throws -> Header {
        func fail(_ rule: SafeTensorsError.Rule, _ detail: String) -> SafeTensorsError {
            SafeTensorsError(source: source, rule: rule, detail: detail)
        }
        guard String(bytes: bytes, encoding: .utf8) != nil else {
            throw fail(.headerNotUTF8, "the header is not valid UTF-8 text.")
        }
        guard bytes.first == UInt8(ascii: "{") else {
            throw fail(.headerNotObject, "the header must be a JSON object beginning with '{'.")
        }
        let json: SafeTensorsJSON
        do {
            json = try SafeTensorsJSON.parse(bytes)
        } catch let error as SafeTensorsJSON.SyntaxError {
            throw fail(
                .headerNotJSON, "the header is not valid JSON: \(error.message) at byte \(error.offset) of the header.")
        }
        guard case .object(let members) = json else {
            throw fail(.headerNotObject, "the header must be a JSON object.")
        }

        var header = Header()
        var seen = Set<String>()
        for (name, value) in members {
            guard seen.insert(name).inserted else {
                throw fail(.duplicateName, "the name '\(name)' appears more than once in the header.")
            }
            if name == "__metadata__" {
                header.metadata = try parseMetadata(value, fail: fail)
            } else {
                header.entries.append(try parseEntry(name, value, bufferLength: bufferLength, fail: fail))
            }
        }
        try checkLayout(header.entries, bufferLength: bufferLength, fail: fail)
        return header
    }

    private static func parseMetadata(
        _ value: SafeTensorsJSON, fail: (SafeTensorsError.Rule, String) -> SafeTensorsError
    ) throws -> [String: String] {
        if value == .null { return [:] }
        guard case .object(let pairs) = value else {
            throw fail(.invalidMetadata, "'__metadata__' must be an object of string values.")
        }
        var metadata: [String: String] = [:]
        for (key, item) in pairs {
            guard case .string(let text) = item else {
                throw fail(.invalidMetadata, "the '__metadata__' value for '\(key)' is not a string.")
            }
            guard metadata.updateValue(text, forKey: key) == nil else {
                throw fail(.invalidMetadata, "the '__metadata__' key '\(key)' appears more than once.")
            }
        }
        return metadata
    }

    private static func parseEntry(
        _ name: String, _ value: SafeTensorsJSON, bufferLength: Int,
        fail: (SafeTensorsError.Rule, String) -> SafeTensorsError
    ) throws -> Entry {
        guard case .object(let pairs) = value else {
            throw fail(.invalidTensorEntry, "the entry of tensor '\(name)' is not an object.")
        }
        var fields: [String: SafeTensorsJSON] = [:]
        for (key, item) in pairs where fields.updateValue(item, forKey: key) != nil {
            throw fail(.invalidTensorEntry, "the entry of tensor '\(name)' has the field '\(key)' twice.")
        }
        func field(_ key: String) throws -> SafeTensorsJSON {
            guard let item = fields[key] else {
                throw fail(
                    .invalidTensorEntry,
                    "tensor '\(name)' has no '\(key)' field; each tensor needs "
                        + "'dtype', 'shape' and 'data_offsets'.")
            }
            return item
        }

        guard case .string(let dtypeName) = try field("dtype") else {
            throw fail(.invalidTensorEntry, "the 'dtype' of tensor '\(name)' is not a string.")
        }
        guard DType.formatNames.contains(dtypeName) else {
            throw fail(
                .unknownDType,
                "tensor '\(name)' has dtype '\(dtypeName)', which the safetensors format "
                    + "does not define.")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw fail(
                .unsupportedDType,
                "tensor '\(name)' has dtype \(dtypeName); Latent reads only "
                    + DType.allCases.map(\.rawValue).joined(separator: ", ") + " tensors.")
        }

        guard case .array(let dims) = try field("shape"), dims.allSatisfy({ $0.nonNegativeInteger != nil }) else {
            throw fail(
                .invalidTensorEntry, "the 'shape' of tensor '\(name)' must be an array of non-negative integers.")
        }
        let shape = dims.map { $0.nonNegativeInteger! }
        guard case .array(let bounds) = try field("data_offsets"), bounds.count == 2,
            let begin = bounds[0].nonNegativeInteger, let end = bounds[1].nonNegativeInteger
        else {
            throw fail(
                .invalidTensorEntry,
                "the 'data_offsets' of tensor '\(name)' must be two non-negative "
                    + "integers [begin, end].")
        }

        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw fail(
                    .shapeOverflow,
                    "the shape \(shape) of tensor '\(name)' has more elements than a "
                        + "64-bit integer can count.")
            }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow else {
            throw fail(
                .shapeOverflow,
                "the shape \(shape) of tensor '\(name)' needs more bytes than a "
                    + "64-bit integer can count.")
        }

        guard begin <= end else {
            throw fail(
                .offsetsOutOfBounds,
                "the data_offsets [\(begin), \(end)] of tensor '\(name)' end before "
                    + "they begin.")
        }
        guard end <= bufferLength else {
            throw fail(
                .offsetsOutOfBounds,
                "the data_offsets [\(begin), \(end)] of tensor '\(name)' reach past "
                    + "the end of the \(bufferLength)-byte buffer (the file may be truncated).")
        }
        guard end - begin == byteCount else {
            throw fail(
                .byteCountMismatch,
                "tensor '\(name)' has shape \(shape) of \(dtypeName), which takes "
                    + "\(byteCount) bytes, but its data_offsets [\(begin), \(end)] span \(end - begin) bytes.")
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The tensors, sorted by offset, must tile the buffer: each begins where the previous
    /// ends, the first at 0 and the last at the end of the buffer. (This is what keeps a
    /// file from holding hidden bytes, or from making a reader copy the same bytes twice.)
    private static func checkLayout(
        _ entries: [Entry], bufferLength: Int, fail: (SafeTensorsError.Rule, String) -> SafeTensorsError
    ) throws {
        let sorted = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        var previous: Entry?
        for entry in sorted {
            if entry.begin < covered, let previous {
                throw fail(
                    .overlappingTensors,
                    "tensors '\(previous.name)' [\(previous.begin), \(previous.end)] "
                        + "and '\(entry.name)' [\(entry.begin), \(entry.end)] overlap in the buffer.")
            }
            if entry.begin > covered {
                throw fail(
                    .gapInBuffer,
                    "bytes \(covered)..<\(entry.begin) of the buffer belong to no tensor; "
                        + "tensors must be packed without gaps.")
            }
            covered = entry.end
            previous = entry
        }
        guard covered == bufferLength else {
            throw fail(
                .gapInBuffer,
                "the buffer has \(bufferLength) bytes but the tensors cover only the first "
                    + "\(covered); the remaining bytes belong to no tensor.")
        }
    }
}
