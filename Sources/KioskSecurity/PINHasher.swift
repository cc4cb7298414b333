import Crypto
import Foundation
import _CryptoExtras

/// Hashes assistant PINs with scrypt and a random salt, as `scrypt$N$r$p$saltB64$hashB64`.
public struct PINHasher: Sendable {
    /// scrypt cost parameters.
    public struct Parameters: Sendable, Hashable {
        /// CPU/memory cost N (a power of two).
        public let n: Int
        /// Block size r.
        public let r: Int
        /// Parallelism p.
        public let p: Int

        /// Parameters; `verify` accepts n up to 2^20, r up to 32 and p up to 16.
        public init(n: Int, r: Int, p: Int) {
            self.n = n
            self.r = r
            self.p = p
        }

        /// N=2^14, r=8, p=1: about 16 MiB and tens of milliseconds per hash.
        public static let standard = Parameters(n: 1 << 14, r: 8, p: 1)
        /// N=2^10, r=8, p=1: cheap, for tests only.
        public static let fastForTesting = Parameters(n: 1 << 10, r: 8, p: 1)

        fileprivate var isAcceptable: Bool {
            n > 1 && n <= 1 << 20 && n & (n - 1) == 0 && (1...32).contains(r) && (1...16).contains(p)
        }
    }

    private static let saltLength = 16
    private static let hashLength = 32

    /// The parameters new hashes use.
    public let parameters: Parameters

    /// A hasher with `parameters`.
    public init(parameters: Parameters = .standard) {
        self.parameters = parameters
    }

    /// Hashes `pin` with a fresh random salt.
    public func hash(pin: String) throws(PINHashError) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let hash = try Self.derive(pin: pin, salt: salt, parameters: parameters, length: Self.hashLength)
        return ["scrypt", String(parameters.n), String(parameters.r), String(parameters.p),
                Data(salt).base64EncodedString(), Data(hash).base64EncodedString()].joined(separator: "$")
    }

    /// Whether `pin` matches `encoded`, compared in constant time; throws if `encoded` is not a
    /// hash this type understands.
    public static func verify(pin: String, encoded: String) throws(PINHashError) -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt",
              let n = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
              let salt = Data(base64Encoded: String(parts[4])),
              let expected = Data(base64Encoded: String(parts[5]))
        else { throw .malformed }
        let parameters = Parameters(n: n, r: r, p: p)
        guard parameters.isAcceptable, !salt.isEmpty, (16...64).contains(expected.count) else {
            throw .unsupportedParameters(n: n, r: r, p: p)
        }
        let actual = try derive(pin: pin, salt: Array(salt), parameters: parameters, length: expected.count)
        return zip(actual, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func derive(
        pin: String, salt: [UInt8], parameters: Parameters, length: Int
    ) throws(PINHashError) -> [UInt8] {
        do {
            let key = try KDF.Scrypt.deriveKey(
                from: Array(pin.utf8), salt: salt, outputByteCount: length,
                rounds: parameters.n, blockSize: parameters.r, parallelism: parameters.p)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw .derivationFailed(String(describing: error))
        }
    }
}

/// Why a PIN could not be hashed or checked.
public enum PINHashError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stored hash is not `scrypt$N$r$p$salt$hash`.
    case malformed
    /// The stored hash uses parameters outside the accepted bounds.
    case unsupportedParameters(n: Int, r: Int, p: Int)
    /// scrypt itself failed (e.g. memory limit).
    case derivationFailed(String)

    public var description: String {
        switch self {
        case .malformed: "stored PIN hash is malformed (expected scrypt$N$r$p$salt$hash)"
        case .unsupportedParameters(let n, let r, let p): "stored PIN hash has unsupported parameters N=\(n) r=\(r) p=\(p)"
        case .derivationFailed(let detail): "scrypt failed: \(detail)"
        }
    }
}
