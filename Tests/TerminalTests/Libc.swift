#if canImport(Glibc)
import Glibc
#endif

/// A libc function that the Glibc module hides behind feature macros (wcwidth, posix_openpt...).
func libc<Function>(_ name: String, as type: Function.Type) -> Function {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), name) else { fatalError("libc has no \(name)") }
    return unsafeBitCast(symbol, to: type)
}
