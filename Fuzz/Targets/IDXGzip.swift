import Latent

// IDX reader through gzip. An input that starts with 1f 8b is read as a gzip file as-is
// (zlib's stream errors, multi-member files, trailing bytes, inflation bombs); any other
// input is an IDX file that is compressed first, so the fuzzer's structural mutations of
// the IDX header reach the reader through the decompressing ByteSource. Gzip.decompress
// is exercised on the same bytes with a small cap.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = bytes(data, size)
    if !Gzip.isCompressed(input) { input = Gzip.compress(input, level: 1) }
    let file = "fuzz-idx.gz"
    fuzzIDX(input, file: file)
    refusalMustBeClear(file: file) {
        let out = try Gzip.decompress(input, maximumSize: 1 << 20, file: file)
        precondition(out.count <= 1 << 20, "Gzip.decompress returned more than its cap")
    }
    return 0
}
