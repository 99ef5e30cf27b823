import Foundation

/// Why a detector cannot be fitted, used or loaded. Each case prints as sentences that
/// say what is wrong, where (the file, when there is one) and what to do; the CLI shows
/// ``description`` as is.
public enum DetectorError: Error, Equatable, Sendable {
    /// A configuration value is out of range.
    case invalidConfiguration(String)
    /// The data cannot train or calibrate a detector (too few rows, no normal rows, …).
    case insufficientData(String)
    /// Input rows do not match the detector's schema (`source` names the data).
    case schemaMismatch(source: String, message: String)
    /// A detector directory cannot be used: `file` is the file at fault.
    case unusableDirectory(file: String, problem: String)
}

extension DetectorError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .invalidConfiguration(let message):
            return "Invalid detector configuration: \(message)."
        case .insufficientData(let message):
            return "Cannot fit the detector: \(message)."
        case .schemaMismatch(let source, let message):
            return "\(source): \(message)."
        case .unusableDirectory(let file, let problem):
            return "Cannot load the detector \(file): \(problem)."
        }
    }

    public var errorDescription: String? { description }
}
