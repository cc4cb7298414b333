/// A mainland phone number: a mobile (11 digits, starting 13-19) or a landline with area code.
public enum PhoneNumber {
    /// The number with spaces, dashes after the area code and a leading +86 removed, or nil when invalid.
    public static func normalized(_ text: String) -> String? {
        var s = text.filter { $0 != " " }
        if s.hasPrefix("+86") { s.removeFirst(3) } else if s.hasPrefix("0086") { s.removeFirst(4) }
        guard s.allSatisfy({ $0.isASCIIDigit || $0 == "-" }) else { return nil }
        let digits = s.filter(\.isASCIIDigit)
        if digits.count == s.count, digits.count == 11, digits.hasPrefix("1"),
            let second = digits.dropFirst().first, ("3"..."9").contains(second)
        {
            return digits
        }
        // Landline: 0 + 2-3 digit area code, 7-8 digit number, optional extension.
        let parts = s.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        if parts.count == 1 {
            let d = parts[0]
            guard d.hasPrefix("0"), (10...12).contains(d.count) else { return nil }
            return d
        }
        let area = parts[0]
        let local = parts[1]
        guard area.hasPrefix("0"), (3...4).contains(area.count), (7...8).contains(local.count),
            !local.hasPrefix("0")
        else { return nil }
        if parts.count == 3 { guard (1...6).contains(parts[2].count) else { return nil } }
        return parts.joined(separator: "-")
    }
}

/// The unified social credit code of an organisation (GB 32100-2015): 18 characters with a MOD 31 check.
public enum CreditCode {
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The check character for the first 17 characters, or nil when a character is outside the code's alphabet.
    public static func checkCharacter(for first17: some Collection<Character>) -> Character? {
        guard first17.count == 17 else { return nil }
        var sum = 0
        for (c, w) in zip(first17, weights) {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            sum += v * w
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// Whether `text` (upper-cased) is a valid code.
    public static func isValid(_ text: String) -> Bool {
        let chars = Array(text.uppercased())
        guard chars.count == 18, let check = checkCharacter(for: chars[..<17]) else { return false }
        return chars[17] == check
    }
}

/// A bank card number: 12-19 digits passing the Luhn check.
public enum BankCard {
    /// Whether the digits pass the Luhn check (spaces are ignored).
    public static func isValid(_ text: String) -> Bool {
        let s = text.filter { $0 != " " }
        guard (12...19).contains(s.count), s.allSatisfy(\.isASCIIDigit) else { return false }
        return luhnSum(s.compactMap(\.asciiDigitValue)) % 10 == 0
    }

    /// The digit that makes `prefix` + digit pass the Luhn check.
    public static func checkDigit(for prefix: String) -> Int {
        let sum = luhnSum(prefix.compactMap(\.asciiDigitValue) + [0])
        return (10 - sum % 10) % 10
    }

    private static func luhnSum(_ digits: [Int]) -> Int {
        var sum = 0
        for (i, d) in digits.reversed().enumerated() {
            if i % 2 == 1 {
                let doubled = d * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += d
            }
        }
        return sum
    }
}
