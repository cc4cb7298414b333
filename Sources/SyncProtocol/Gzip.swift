import CZlib
import Foundation

/// Why a gzip body could not be read or written.
public enum GzipError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a complete, valid gzip stream.
    case corrupt(String)
    /// The inflated body would exceed the limit.
    case tooLarge(limit: Int)
    /// zlib refused to start or run (its return code).
    case zlib(Int32)

    public var description: String {
        switch self {
        case .corrupt(let detail): "gzip body is corrupt: \(detail)"
        case .tooLarge(let limit): "gzip body inflates to more than \(limit) bytes"
        case .zlib(let code): "zlib failed with code \(code)"
        }
    }
}

/// gzip (RFC 1952) compression of request bodies, through the system zlib.
public enum Gzip {
    /// Compresses `data` into one gzip member.
    public static func compress(_ data: Data, level: Int32 = 6) throws(GzipError) -> Data {
        var stream = z_stream()
        let initCode = czlib_deflate_init_gzip(&stream, level)
        guard initCode == Z_OK else { throw .zlib(initCode) }
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let code = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard code == Z_STREAM_END else { throw .zlib(code) }
        return Data(output.prefix(Int(stream.total_out)))
    }

    /// Inflates one gzip member, refusing output larger than `limit` bytes and trailing bytes.
    public static func decompress(_ data: Data, limit: Int) throws(GzipError) -> Data {
        var stream = z_stream()
        let initCode = czlib_inflate_init_gzip(&stream)
        guard initCode == Z_OK else { throw .zlib(initCode) }
        defer { inflateEnd(&stream) }
        var input = [UInt8](data)
        var result = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let outcome: Result<Void, GzipError> = input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            while true {
                let code = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                guard result.count + produced <= limit else { return .failure(.tooLarge(limit: limit)) }
                result.append(contentsOf: chunk.prefix(produced))
                switch code {
                case Z_STREAM_END:
                    return stream.avail_in == 0 ? .success(()) : .failure(.corrupt("\(stream.avail_in) trailing bytes"))
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return .failure(.corrupt("truncated"))
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "code \(code)"
                    return .failure(.corrupt(message))
                }
            }
        }
        try outcome.get()
        return result
    }
}
