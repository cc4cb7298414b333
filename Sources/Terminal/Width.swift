/// Number of terminal cells a Unicode scalar takes: 0, 1 or 2 (controls count 0: they are never drawn).
public func displayWidth(of scalar: Unicode.Scalar) -> Int {
    let value = scalar.value
    if value < 0x20 || (value >= 0x7F && value < 0xA0) { return 0 }
    if value < 0x300 { return 1 }
    if rangesContain(doubleWidthRanges, value) { return 2 }
    if rangesContain(zeroWidthRanges, value) { return 0 }
    return 1
}

/// Number of terminal cells a grapheme cluster takes: the width of its first scalar that takes any
/// (so combining marks and joiners add nothing), at most 2.
public func displayWidth(of character: Character) -> Int {
    for scalar in character.unicodeScalars {
        let width = displayWidth(of: scalar)
        if width > 0 { return width }
    }
    return 0
}

extension StringProtocol {
    /// Number of terminal cells the string takes when drawn on one line.
    public var displayWidth: Int {
        var total = 0
        for character in self { total += Terminal.displayWidth(of: character) }
        return total
    }
}

/// Binary search in a sorted flat array of inclusive [first, last] pairs.
private func rangesContain(_ ranges: [UInt32], _ value: UInt32) -> Bool {
    var low = 0
    var high = ranges.count / 2 - 1
    while low <= high {
        let middle = (low + high) / 2
        if value < ranges[2 * middle] {
            high = middle - 1
        } else if value > ranges[2 * middle + 1] {
            low = middle + 1
        } else {
            return true
        }
    }
    return false
}
