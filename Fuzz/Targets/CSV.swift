import Latent

// Comma-separated tables: CSVFile.parse(_:file:options:).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzTable(bytes(data, size), delimiter: .comma, file: "fuzz.csv")
    return 0
}
