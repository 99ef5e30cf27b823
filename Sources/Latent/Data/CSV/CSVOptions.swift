/// How ``CSVFile`` reads a numeric table.
///
/// ```swift
/// var options = CSVOptions()
/// options.labelColumn = .last
/// let table = try CSVFile.read(from: url, options: options)
/// ```
public struct CSVOptions: Sendable {
    /// The byte that separates fields.
    public enum Delimiter: Sendable, Equatable {
        /// `,` (the default for `.csv`).
        case comma
        /// A tab (the default for `.tsv` and `.tab`).
        case tab
        /// `;` (common where the decimal separator is a comma; decimals must still use `.`).
        case semicolon
        /// Runs of spaces and tabs, with leading and trailing ones ignored (the UCR
        /// archive's `.txt` files). Quoted fields are not supported with it.
        case whitespace
        /// Any other single ASCII byte that cannot be part of a number, a quote or a
        /// line end.
        case byte(UInt8)

        var byte: UInt8 {
            switch self {
            case .comma: UInt8(ascii: ",")
            case .tab: UInt8(ascii: "\t")
            case .semicolon: UInt8(ascii: ";")
            // Read after collapsing each run of blanks into one tab.
            case .whitespace: UInt8(ascii: "\t")
            case .byte(let b): b
            }
        }
    }

    /// Whether the first row names the columns.
    public enum Header: Sendable, Equatable {
        /// Decide from the first row: it is a header when one of its feature cells is
        /// non-empty text that is not a number, or when only its label cell is text but
        /// the second row's label cell is a number. ``CSVTable/headerWasInferred``
        /// reports that it was decided so.
        case automatic
        /// The first non-blank row is a header.
        case present
        /// Every row is data.
        case absent
    }

    /// Which column holds the labels; the others are the features.
    public enum LabelColumn: Sendable, Equatable {
        /// The first column (as in the UCR `.tsv` files).
        case first
        /// The last column (as in `ecg.csv`).
        case last
        /// A zero-based column index; a negative one counts from the end (`-1` is the last
        /// column).
        case index(Int)
        /// The column with this header name (the file must have a header).
        case named(String)
    }

    /// What to do with a feature cell that is NaN or infinite (`nan`, `inf`, `1e999`).
    public enum NonFiniteValues: Sendable, Equatable {
        /// Throw ``DataError`` `.nonFinite`, naming the cell.
        case reject
        /// Leave the row out and count it in ``CSVTable/skippedRowCount``.
        case skipRow
    }

    /// The field separator; `nil` detects it from the first lines (see
    /// ``CSVFile/sniffDelimiter(_:preferring:allowingWhitespace:)``), preferring tab for
    /// `.tsv`/`.tab` files (also with `.gz`) and comma otherwise. A delimiter given here that
    /// leaves every line one field, where comma, tab or semicolon would split them, is an
    /// error (`.wrongFieldCount`) naming the delimiter the file looks like.
    public var delimiter: Delimiter?
    /// Whether there is a header row.
    public var header: Header
    /// The label column, or `nil` when every column is a feature.
    public var labelColumn: LabelColumn?
    /// What to do with NaN and infinite feature cells.
    public var nonFiniteValues: NonFiniteValues
    /// The longest line accepted, in bytes (default 16 MiB); longer lines are an error
    /// (`.lineTooLong`, naming the file and line), which keeps a file without newlines from
    /// being taken as one giant row. ``CSVFile/read(from:options:)`` checks it while
    /// reading (and inflating), so such a file costs about the limit in memory, not its size.
    public var maximumLineLength: Int
    /// The largest decompressed size accepted for `.gz` files, in bytes (default 2 GiB).
    public var maximumDecompressedSize: Int

    /// Options with the given choices; the defaults read a comma- or tab-separated
    /// numeric table, detect a header, and reject NaN and infinity.
    public init(
        delimiter: Delimiter? = nil, header: Header = .automatic, labelColumn: LabelColumn? = nil,
        nonFiniteValues: NonFiniteValues = .reject, maximumLineLength: Int = 16 << 20,
        maximumDecompressedSize: Int = 2 << 30
    ) {
        self.delimiter = delimiter
        self.header = header
        self.labelColumn = labelColumn
        self.nonFiniteValues = nonFiniteValues
        self.maximumLineLength = maximumLineLength
        self.maximumDecompressedSize = maximumDecompressedSize
    }
}
