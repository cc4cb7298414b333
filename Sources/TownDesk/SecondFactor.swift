import Foundation
import HummingbirdOTP

/// The desk's TOTP second factor for staff sign-in (RFC 6238: six digits, 30-second steps, SHA-1, as
/// authenticator apps expect), on hummingbird-auth's OTP.
public enum StaffSecondFactor {
    /// Seconds in one time step.
    static let stepSeconds: Int64 = 30
    /// Steps either side of the current one whose codes are accepted (a phone's clock a little off).
    static let drift: Int64 = 1

    /// A new random secret: 32 characters of the base32 alphabet (160 bits).
    public static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The `otpauth://` URI an authenticator app enrols `secret` from, labelled with the staff id.
    public static func enrolmentURI(secret: String, staff: String) -> String {
        TOTP(secret: secret).createAuthenticatorURL(label: "Bianmin:\(staff)", issuer: "Bianmin")
    }

    /// The time step (within `drift` of `now`'s) whose code under `secret` is `code`, or nil; anything
    /// but six ASCII digits matches none.
    public static func matchingStep(code: String, secret: String, now: Int64) -> Int64? {
        let digits = code.trimmingCharacters(in: .whitespaces)
        guard digits.utf8.count == 6, digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let value = Int(digits), now >= 0
        else { return nil }
        let totp = TOTP(secret: secret)
        let current = now / stepSeconds
        return (current - drift...current + drift).first { step in
            step >= 0 && totp.compute(date: Date(timeIntervalSince1970: TimeInterval(step * stepSeconds))) == value
        }
    }
}
