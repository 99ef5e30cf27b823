import Foundation

/// Why a file is not a valid safetensors file: the file, the rule of the format it
/// breaks, and a sentence with the details.
///
/// The rules are those of the "Format" section of huggingface/safetensors `README.md`
/// and the checks of its reference reader: an 8-byte little-endian header length `N`
/// (at most 100 MB, within the file), `N` bytes of UTF-8 JSON object, then a byte buffer
/// that the tensors' `data_offsets` cover exactly, in order, without gaps or overlaps.
///
/// ```swift
/// do { _ = try SafeTensors.read(contentsOf: url) }
/// catch let error as SafeTensorsError where error.rule == .overlappingTensors { … }
/// ```
public struct SafeTensorsError: Error, Equatable, Sendable {
    /// A rule of the safetensors format.
    public enum Rule: String, Sendable, CaseIterable {
        /// The file is shorter than the 8-byte header length.
        case fileTooShort
        /// The header length is above the 100 MB limit.
        case headerTooLarge
        /// The header length runs past the end of the file.
        case headerBeyondFile
        /// The header bytes are not valid UTF-8.
        case headerNotUTF8
        /// The header is not valid JSON.
        case headerNotJSON
        /// The header JSON is not an object (it must begin with `{`).
        case headerNotObject
        /// `__metadata__` is not an object of string values.
        case invalidMetadata
        /// A tensor entry lacks `dtype`, `shape` or `data_offsets`, or has the wrong types.
        case invalidTensorEntry
        /// The dtype is not one the format defines.
        case unknownDType
        /// The dtype is valid safetensors but Latent cannot read it as `Float`.
        case unsupportedDType
        /// The product of the shape (or its byte size) overflows.
        case shapeOverflow
        /// `end − begin` differs from `product(shape) × dtype size`.
        case byteCountMismatch
        /// `data_offsets` are reversed or point past the end of the byte buffer.
        case offsetsOutOfBounds
        /// Two tensors share bytes of the buffer.
        case overlappingTensors
        /// Some bytes of the buffer belong to no tensor.
        case gapInBuffer
        /// A name appears twice in the header.
        case duplicateName
    }

    /// The file (or other source) that was read.
    public let source: String
    /// The rule broken.
    public let rule: Rule
    /// What exactly is wrong, as a sentence.
    public let detail: String

    public init(source: String, rule: Rule, detail: String) {
        self.source = source
        self.rule = rule
        self.detail = detail
    }
}

extension SafeTensorsError: CustomStringConvertible, LocalizedError {
    public var description: String { "\(source) is not a valid safetensors file: \(detail)" }
    public var errorDescription: String? { description }
}
