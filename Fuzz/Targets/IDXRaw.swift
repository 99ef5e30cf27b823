import Latent

// IDX (MNIST) reader on uncompressed bytes: IDXFile.read(bytes:file:), then every view.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard !Gzip.isCompressed(input) else { return -1 }  // the gzip target covers those
    fuzzIDX(input, file: "fuzz-raw.idx")
    return 0
}
