import Latent

// Tab-separated tables (the UCR ECG5000 layout): CSVFile.parse with a tab delimiter.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzTable(bytes(data, size), delimiter: .tab, file: "fuzz.tsv")
    return 0
}
